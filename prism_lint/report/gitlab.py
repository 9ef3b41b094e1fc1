"""GitLab Code Quality report: a JSON array of Code Climate issues.

GitLab shows ``description`` but not ``check_name``, so the code leads the
description. Fingerprints leave out line numbers, so a finding keeps its
identity when code above it moves, and are unique within a report (GitLab
folds findings with equal fingerprints into one).
"""

from __future__ import annotations

import hashlib
import json
import os
from typing import TYPE_CHECKING, Any

from prism_lint.report import ReportContext
from prism_lint.report.common import file_span, relative_path
from prism_lint.report.message import headline
from prism_lint.report.safe import encodable
from prism_lint.report.sarif import fingerprint, level

if TYPE_CHECKING:
    from prism_lint.engine import FileResult

_SEVERITY = {"error": "major", "warning": "minor", "note": "info"}


def render(results: list[FileResult], ctx: ReportContext) -> str:
    base = os.environ.get("CI_PROJECT_DIR") or None
    issues: list[dict[str, Any]] = []
    used: set[str] = set()
    for r in results:
        for d in r.diagnostics:
            s, _in_file = file_span(d)
            path = relative_path(d.path, base)
            seed = fingerprint(d, path)
            fp = hashlib.md5(encodable(seed), usedforsecurity=False).hexdigest()
            salt = 1
            while fp in used:
                salt += 1
                fp = hashlib.md5(encodable(f"{seed}:{salt}"), usedforsecurity=False).hexdigest()
            used.add(fp)
            cell = f" (cell {d.doc.cell})" if d.doc.cell is not None else ""
            issues.append(
                {
                    "description": f"{d.code}: {headline(d)}{cell}",
                    "check_name": d.code,
                    "fingerprint": fp,
                    "severity": _SEVERITY[level(d.code)],
                    "location": {
                        "path": path,
                        "lines": {"begin": s.start.row, "end": s.end.row},
                    },
                }
            )
    return json.dumps(issues, indent=2, ensure_ascii=False) + "\n"
