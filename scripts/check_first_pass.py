"""Check the first pass on a real tree: no file it skips has a finding.

Runs the full check on every file of PATH and reports files with findings
that the first pass (prism_lint.prefilter) would have skipped, and how many
files it keeps.

    python scripts/check_first_pass.py PATH
"""

from __future__ import annotations

import os
import sys

from prism_lint.config import Resolver
from prism_lint.discovery import discover
from prism_lint.engine import check_bytes
from prism_lint.prefilter import worth_checking


def main(root: str) -> int:
    os.chdir(root)
    resolver = Resolver()
    files = kept = 0
    missed: list[tuple[str, list[str]]] = []
    for target in discover(["."], resolver):
        try:
            with open(target.path, "rb") as fh:
                data = fh.read()
        except OSError:
            continue
        settings = resolver.for_path(target.path)
        files += 1
        result = check_bytes(target.path, data, settings, kind=target.kind)
        codes = [d.code for d in result.diagnostics if not d.code.startswith("PRS9")]
        keep = worth_checking(data, settings, named=False, kind=target.kind)
        kept += keep
        if codes and not keep:
            missed.append((target.path, codes))
    print(f"{root}: {files} files, first pass keeps {kept}, misses {len(missed)}")
    for path, codes in missed:
        print(f"  missed {path}: {', '.join(codes)}")
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1] if len(sys.argv) > 1 else "."))
