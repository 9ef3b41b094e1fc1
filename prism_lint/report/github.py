"""GitHub Actions workflow commands: one annotation per finding.

The runner drops an annotation whose ``col``/``endColumn`` are given on a
range spanning several lines, so those get lines only. The message repeats
the location so the raw log reads like the concise format.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from prism_lint.model import Diagnostic
from prism_lint.report import ReportContext
from prism_lint.report.common import file_span, relative_path
from prism_lint.report.message import headline
from prism_lint.report.sarif import level

if TYPE_CHECKING:
    from prism_lint.engine import FileResult

_COMMAND = {"error": "error", "warning": "warning", "note": "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(d: Diagnostic) -> str:
    s, in_file = file_span(d)
    path = relative_path(d.path)
    props = [
        ("title", f"prism-lint ({d.code})"),
        ("file", path),
        ("line", str(s.start.row)),
    ]
    single_line = s.start.row == s.end.row
    if single_line:
        props.append(("col", str(s.start.column)))
    props.append(("endLine", str(s.end.row)))
    if single_line:
        props.append(("endColumn", str(max(s.end.column, s.start.column))))
    head = ",".join(f"{key}={escape_property(value)}" for key, value in props)
    if d.doc.cell is None:
        where = f"{path}:{s.start.row}:{s.start.column}"
    elif in_file:
        where = f"{path}:{s.start.row}:{s.start.column} (cell {d.doc.cell})"
    else:
        where = f"{path}:cell {d.doc.cell}:{s.start.row}:{s.start.column}"
    return f"::{_COMMAND[level(d.code)]} {head}::{escape_data(f'{where}: {d.code} {headline(d)}')}"


def render(results: list[FileResult], ctx: ReportContext) -> str:
    return "".join(annotation(d) + "\n" for r in results for d in r.diagnostics)
