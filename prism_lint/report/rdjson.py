"""reviewdog's Diagnostic Format (rdjson), for ``reviewdog -f=rdjson``.

Columns are 1-based UTF-8 byte counts, as the format defines them. A
finding in a notebook cell points at the notebook's JSON text where it can
be found there again, and carries no suggestion (its edits are to the
cell's text).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from prism_lint.lines import LineIndex
from prism_lint.model import Diagnostic, Location
from prism_lint.report import ReportContext
from prism_lint.report.common import _raw_index, edit_span, file_span, index, relative_path, url
from prism_lint.report.message import headline
from prism_lint.report.sarif import level

if TYPE_CHECKING:
    from prism_lint.engine import FileResult

_SEVERITY = {"error": "ERROR", "note": "INFO", "warning": "WARNING"}  # by SARIF level


def _position(idx: LineIndex | None, at: Location) -> dict[str, int]:
    column = at.column
    if idx is not None and at.row <= len(idx.starts):
        before = idx.line_text(at.row)[: at.column - 1]
        column = len(before.encode("utf-8", "surrogatepass")) + 1
    return {"line": at.row, "column": column}


def _range(idx: LineIndex | None, start: Location, end: Location) -> dict[str, Any]:
    return {"start": _position(idx, start), "end": _position(idx, end)}


def diagnostic(d: Diagnostic) -> dict[str, Any]:
    s, in_file = file_span(d)
    idx: LineIndex | None = index(d.doc) if d.doc.cell is None else None
    if d.doc.cell is not None and in_file:
        idx = _raw_index(d.path)
    out: dict[str, Any] = {
        "message": headline(d) if d.doc.cell is None else f"cell {d.doc.cell}: {headline(d)}",
        "location": {"path": relative_path(d.path), "range": _range(idx, s.start, s.end)},
        "severity": _SEVERITY[level(d.code)],
        "code": {"value": d.code, "url": url(d.code)},
    }
    if d.fix is not None and d.doc.cell is None and d.fix.edits:
        out["suggestions"] = [
            {"range": _range(idx, es.start, es.end), "text": e.content}
            for e in d.fix.edits
            for es in (edit_span(d.doc, e.start, e.end),)
        ]
    return out


def render(results: list[FileResult], ctx: ReportContext) -> str:
    report = {
        "source": {"name": "prism-lint", "url": "https://github.com/prism-lint/prism-lint"},
        "severity": "WARNING",
        "diagnostics": [diagnostic(d) for r in results for d in r.diagnostics],
    }
    return json.dumps(report, indent=2, ensure_ascii=False) + "\n"
