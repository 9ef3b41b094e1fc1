"""Reporters: one module per output format, each ``render(results, ctx) -> str``
(:mod:`prism_lint.report.formats` says which module renders which format)."""

from __future__ import annotations

from dataclasses import dataclass, field

# The formats the command line offers (``--output-format``).
OUTPUT_FORMATS = (
    "full",
    "concise",
    "grouped",
    "json",
    "json-lines",
    "sarif",
    "github",
    "gitlab",
    "junit",
    "rdjson",
)


@dataclass
class ReportContext:
    """What a reporter needs besides the findings."""

    fmt: str
    show_fixes: bool = False
    statistics: bool = False
    unsafe_fixes: bool = False
    fixed: dict[str, int] = field(default_factory=dict)  # path -> fixes applied
    notices: list[str] = field(default_factory=list)
    color: bool = False
    # Fixes are listed as planned: the run applies none, and what a cached
    # result has learnt since (a read-back that failed) must not change it.
    planned: bool = False
