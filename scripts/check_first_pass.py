"""Check the first pass on a real tree: no file it skips has a finding.

Runs the full check on every file of PATH and reports files with findings
that the first pass (prism_lint.prefilter) would have skipped, and how many
files it keeps. Then the same for the files named on the command line (as
pre-commit and CI wrappers give them): each file checked in full as a named
file against the run's own path for it (first pass, and for a file it rules
out only the problems of the file itself). A prompt finding that the run
loses is a miss; a parse error it leaves unreported (by design, for a file
with no persona cue) is listed apart.

    python scripts/check_first_pass.py PATH
"""

from __future__ import annotations

import argparse
import os

from prism_lint.config import Resolver
from prism_lint.discovery import Target, discover
from prism_lint.engine import FileResult, check_bytes
from prism_lint.extract import kind_of
from prism_lint.prefilter import worth_checking
from prism_lint.runner import check_one

Finding = tuple[str, int, str]  # code, offset, message


def main(root: str) -> int:
    os.chdir(root)
    resolver = Resolver()
    files = kept = named_kept = 0
    missed: list[tuple[str, list[str]]] = []
    named_missed: list[tuple[str, list[str]]] = []
    unparsed: list[tuple[str, str]] = []
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
        keep = worth_checking(data, settings, kind=target.kind)
        kept += keep
        if codes and not keep:
            missed.append((target.path, codes))
        # Named: as `prism-lint check FILE` finds the file's kind and reads it.
        kind = kind_of(target.path, named=True, globs=settings.include) or target.kind
        full = _findings(check_bytes(target.path, data, settings, named=True, kind=kind))
        named_kept += worth_checking(data, settings, kind=kind)
        run = _findings(
            check_one(Target(target.path, kind, True), settings, digests=False, copies=False).result
        )
        lost = [f for f in full if f not in run]
        prompts = [code for code, _at, _msg in lost if not code.startswith("PRS9")]
        if prompts:
            named_missed.append((target.path, prompts))
        unparsed += [(target.path, msg) for code, _at, msg in lost if code.startswith("PRS9")]
    print(f"{root}: {files} files, first pass keeps {kept}, misses {len(missed)}")
    for path, codes in missed:
        print(f"  missed {path}: {', '.join(codes)}")
    print(
        f"{root}: named, first pass keeps {named_kept}, misses {len(named_missed)}, "
        f"parse errors of files without a persona cue left unreported {len(unparsed)}"
    )
    for path, codes in named_missed:
        print(f"  missed (named) {path}: {', '.join(codes)}")
    for path, msg in unparsed:
        print(f"  unreported (named) {path}: {msg}")
    return 1 if missed or named_missed else 0


def _findings(result: FileResult) -> list[Finding]:
    return [(d.code, d.start, d.message) for d in result.diagnostics]


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", default=".", help="the tree (default: here)")
    args = parser.parse_args()
    if not os.path.isdir(args.path):
        parser.error(f"{args.path}: not a folder")
    raise SystemExit(main(args.path))
