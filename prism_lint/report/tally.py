"""Findings counted per rule: the rows ``--statistics`` prints in every format."""

from __future__ import annotations

from collections import Counter
from typing import Any

from prism_lint.model import Diagnostic
from prism_lint.report import ReportContext
from prism_lint.report.common import fix_label
from prism_lint.rules import catalogue


def counts(diags: list[Diagnostic], ctx: ReportContext) -> list[dict[str, Any]]:
    names = catalogue()
    found = Counter(d.code for d in diags)
    fixable = Counter(d.code for d in diags if fix_label(d, ctx.unsafe_fixes, ctx.planned))
    return [
        {
            "code": code,
            "name": names[code].name if code in names else "",
            "count": n,
            "fixable": bool(fixable[code]),
        }
        for code, n in sorted(found.items(), key=lambda kv: (-kv[1], kv[0]))
    ]


def table(diags: list[Diagnostic], ctx: ReportContext) -> list[str]:
    return [
        f"{c['count']:>5}\t{c['code']}\t{'[*]' if c['fixable'] else '   '} {c['name']}"
        for c in counts(diags, ctx)
    ]
