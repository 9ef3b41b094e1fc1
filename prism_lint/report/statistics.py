"""``--statistics``: findings counted per rule, in any output format.

The text formats print ruff's table; JSON and JSON Lines print the same
counts as objects (ruff's field names); the CI formats, which have no shape
for counts, print the table too.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import TYPE_CHECKING, Any

from prism_lint.model import Diagnostic
from prism_lint.report import ReportContext
from prism_lint.report.common import fix_label

if TYPE_CHECKING:
    from prism_lint.engine import FileResult


def counts(diags: list[Diagnostic], ctx: ReportContext) -> list[dict[str, Any]]:
    from prism_lint.rules import catalogue

    names = catalogue()
    found = Counter(d.code for d in diags)
    fixable = Counter(d.code for d in diags if fix_label(d, ctx.unsafe_fixes, ctx.planned))
    return [
        {"code": code, "name": names[code].name if code in names else "", "count": n,
         "fixable": bool(fixable[code])}
        for code, n in sorted(found.items(), key=lambda kv: (-kv[1], kv[0]))
    ]


def table(diags: list[Diagnostic], ctx: ReportContext) -> list[str]:
    return [f"{c['count']:>5}\t{c['code']}\t{'[*]' if c['fixable'] else '   '} {c['name']}"
            for c in counts(diags, ctx)]


def render(results: list[FileResult], ctx: ReportContext) -> str:
    """The statistics in ``ctx.fmt``'s shape."""
    diags = [d for r in results for d in r.diagnostics]
    rows = counts(diags, ctx)
    if ctx.fmt == "json":
        return json.dumps(rows, indent=2, ensure_ascii=False) + "\n"
    if ctx.fmt == "json-lines":
        return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    from prism_lint.report.text import render as text

    return text(results, ReportContext(
        fmt="concise", statistics=True, unsafe_fixes=ctx.unsafe_fixes, fixed=ctx.fixed,
        planned=ctx.planned))
