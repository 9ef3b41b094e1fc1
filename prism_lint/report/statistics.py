"""``--statistics``: findings counted per rule, in any output format.

The text formats print ruff's table; JSON and JSON Lines print the same
counts as objects (ruff's field names); the CI formats, which have no shape
for counts, print the table too.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from prism_lint.report import ReportContext
from prism_lint.report.tally import counts
from prism_lint.report.text import render as text

if TYPE_CHECKING:
    from prism_lint.engine import FileResult


def render(results: list[FileResult], ctx: ReportContext) -> str:
    """The statistics in ``ctx.fmt``'s shape."""
    diags = [d for r in results for d in r.diagnostics]
    rows = counts(diags, ctx)
    if ctx.fmt == "json":
        return json.dumps(rows, indent=2, ensure_ascii=False) + "\n"
    if ctx.fmt == "json-lines":
        return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    return text(
        results,
        ReportContext(
            fmt="concise",
            statistics=True,
            unsafe_fixes=ctx.unsafe_fixes,
            fixed=ctx.fixed,
            planned=ctx.planned,
        ),
    )
