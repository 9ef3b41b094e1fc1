"""JSON and JSON Lines in ruff's field names, so tools that read ruff read us."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from prism_lint.model import Diagnostic
from prism_lint.report import ReportContext
from prism_lint.report.common import absolute, edit_span, span, url

if TYPE_CHECKING:
    from prism_lint.engine import FileResult


def _loc(location: Any) -> dict[str, int]:
    return {"column": location.column, "row": location.row}


def as_dict(d: Diagnostic) -> dict[str, Any]:
    s = span(d)
    fix = None
    if d.fix is not None:
        edits = []
        for e in d.fix.edits:
            es = edit_span(d.doc, e.start, e.end)
            edits.append(
                {"content": e.content, "end_location": _loc(es.end), "location": _loc(es.start)}
            )
        fix = {"applicability": d.fix.applicability, "edits": edits, "message": d.fix.message}
    return {
        "cell": d.doc.cell,
        "code": d.code,
        "end_location": _loc(s.end),
        "filename": absolute(d.path),
        "fix": fix,
        "location": _loc(s.start),
        "message": d.message,
        "noqa_row": d.anchor_last_row or s.start.row,
        "url": url(d.code),
        "name": d.name,
        "details": d.details,
    }


def render(results: list[FileResult], ctx: ReportContext) -> str:
    items = [as_dict(d) for r in results for d in r.diagnostics]
    if ctx.fmt == "json-lines":
        return "".join(json.dumps(i, ensure_ascii=False) + "\n" for i in items)
    return json.dumps(items, indent=2, ensure_ascii=False) + "\n"
