"""JUnit XML: a test suite per file with findings, a failing test per finding.

GitLab keeps only the first of several test cases with the same name, so
each name carries the code and the location, with a counter on the rare
clash. A clean run is one passing test case, so the report is never empty.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING

from prism_lint.report import ReportContext
from prism_lint.report.common import relative_path, span
from prism_lint.report.message import headline, one_line

if TYPE_CHECKING:
    from prism_lint.engine import FileResult

# Characters XML 1.0 cannot carry at all, even escaped.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def clean(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def render(results: list[FileResult], ctx: ReportContext) -> str:
    root = ET.Element("testsuites", name="prism-lint")
    names: set[str] = set()
    total = 0
    for r in results:
        if not r.diagnostics:
            continue
        path = clean(relative_path(r.path))
        suite = ET.SubElement(root, "testsuite", name=path)
        for d in r.diagnostics:
            s = span(d)
            cell = f"cell {d.doc.cell}:" if d.doc.cell is not None else ""
            where = f"{path}:{cell}{s.start.row}:{s.start.column}"
            name = f"{d.code} {where}"
            n = 1
            while name in names:
                n += 1
                name = f"{d.code} {where} #{n}"
            names.add(name)
            case = ET.SubElement(
                suite,
                "testcase",
                name=name,
                classname=path,
                file=path,
                line=str(s.start.row),
                time="0",
            )
            failure = ET.SubElement(
                case, "failure", message=clean(headline(d)), type=f"{d.code} {d.name}"
            )
            failure.text = clean(f"{where}: {d.code} {one_line(d.message)}")
        count = len(r.diagnostics)
        suite.set("tests", str(count))
        suite.set("failures", str(count))
        suite.set("errors", "0")
        suite.set("skipped", "0")
        total += count
    if total == 0:
        suite = ET.SubElement(
            root, "testsuite", name="prism-lint", tests="1", failures="0", errors="0", skipped="0"
        )
        ET.SubElement(suite, "testcase", name="no findings", classname="prism-lint", time="0")
    root.set("tests", str(max(total, 1)))
    root.set("failures", str(total))
    root.set("errors", "0")
    ET.indent(root, space="  ")
    body = ET.tostring(root, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"
