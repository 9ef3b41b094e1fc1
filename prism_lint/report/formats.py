"""Which reporter renders which output format, made safe to print."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING

from prism_lint.report import ReportContext
from prism_lint.report.safe import json_safe, printable
from prism_lint.report.statistics import render as counted

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


Renderer = Callable[["list[FileResult]", ReportContext], str]


# Formats that are JSON, and the one that cleans its own XML; every other
# format is read by people (or shown raw in a CI log).
_JSON = frozenset({"json", "json-lines", "sarif", "gitlab", "rdjson"})
_SELF_CLEANING = frozenset({"junit"})


def renderer(fmt: str, statistics: bool = False) -> Renderer:
    """The reporter of ``fmt``; with ``statistics``, the one that counts in
    that format. Its output is made safe to print and encode
    (:mod:`prism_lint.report.safe`)."""
    if statistics:  # codes and rule names only: nothing a stranger wrote
        return lambda results, ctx: json_safe(counted(results, ctx))
    render: Renderer = importlib.import_module(FORMATS[fmt]).render
    if fmt in _SELF_CLEANING:
        return render
    if fmt in _JSON:
        return lambda results, ctx: json_safe(render(results, ctx))
    # A coloured report escapes each field before colouring it (report.text);
    # escaping it whole would show its own colours as escapes.
    return lambda results, ctx: (
        render(results, ctx) if ctx.color else printable(render(results, ctx))
    )
