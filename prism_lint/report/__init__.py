"""Reporters: one module per output format, each ``render(results, ctx) -> str``."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from prism_lint.engine import FileResult

FORMATS: dict[str, str] = {
    "full": "prism_lint.report.text",
    "text": "prism_lint.report.text",
    "concise": "prism_lint.report.text",
    "grouped": "prism_lint.report.text",
    "rdjson": "prism_lint.report.rdjson",
    "json": "prism_lint.report.json_format",
    "json-lines": "prism_lint.report.json_format",
    "sarif": "prism_lint.report.sarif",
    "github": "prism_lint.report.github",
    "gitlab": "prism_lint.report.gitlab",
    "junit": "prism_lint.report.junit",
}


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


Renderer = Callable[["list[FileResult]", ReportContext], str]


def renderer(fmt: str, statistics: bool = False) -> Renderer:
    """The reporter of ``fmt``; with ``statistics``, the one that counts in that format."""
    if statistics:
        from prism_lint.report.statistics import render

        return render
    module = importlib.import_module(FORMATS[fmt])
    return module.render  # type: ignore[no-any-return]
