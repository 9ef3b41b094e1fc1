"""SARIF 2.1.0, shaped for GitHub code scanning.

GitHub reads ``tool.driver.rules`` for the alert's help, the first location
of each result, and ``partialFingerprints`` to follow an alert as code moves.
Paths are relative to the checkout (``GITHUB_WORKSPACE``, else the working
directory) under ``%SRCROOT%``, so an upload lines up with the repository. Columns count code points
(``columnKind: unicodeCodePoints``), as every prism-lint column does.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from prism_lint import __version__
from prism_lint.model import Diagnostic
from prism_lint.report import ReportContext
from prism_lint.report.common import edit_span, file_span, relative_path, source_root, url
from prism_lint.report.message import headline
from prism_lint.rules import catalogue, load_rule

if TYPE_CHECKING:
    from prism_lint.engine import FileResult

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/prism-lint/prism-lint"
SRCROOT = "%SRCROOT%"
_LIMIT = 1024  # GitHub's cap on short and full descriptions


def level(code: str) -> str:
    """SARIF level, shared by the CI formats: the rule's own (unreadable
    files are errors, the opt-in housekeeping rules notes, persona findings
    warnings)."""
    return load_rule(code).level if code in catalogue() else "warning"


def _artifact(path: str) -> dict[str, str]:
    rel = relative_path(path)
    if os.path.isabs(rel) or re.match(r"^[A-Za-z]:/", rel):
        return {"uri": Path(os.path.abspath(path)).as_uri()}
    return {"uri": quote(os.fsencode(rel)), "uriBaseId": SRCROOT}


def _region(start: Any, end: Any) -> dict[str, int]:
    return {
        "startLine": start.row,
        "startColumn": start.column,
        "endLine": end.row,
        "endColumn": end.column,
    }


def _section(doc: str, heading: str) -> str:
    m = re.search(rf"(?ms)^## {re.escape(heading)}\s*\n(.*?)(?=^## |\Z)", doc)
    return " ".join(m.group(1).split()) if m else ""


def _clip(text: str) -> str:
    return text if len(text) <= _LIMIT else text[: _LIMIT - 1] + "…"


def _rule_descriptor(code: str) -> dict[str, Any]:
    rule = load_rule(code)
    doc = rule.documentation()
    what = _section(doc, "What it does") or rule.summary
    link = url(code)
    return {
        "id": code,
        "name": rule.name,
        "shortDescription": {"text": _clip(rule.summary)},
        "fullDescription": {"text": _clip(what)},
        "help": {
            "text": f"{doc}\n\n{link}" if doc else link,
            "markdown": f"{doc}\n\n[{code} {rule.name}]({link})" if doc else link,
        },
        "helpUri": link,
        "defaultConfiguration": {"level": level(code)},
        "properties": {"tags": list(rule.tags)},
    }


def fingerprint(d: Diagnostic, rel: str) -> str:
    """Stable across line moves: the rule, the file and the flagged text."""
    flagged = " ".join(d.doc.text[d.start : d.end].split())
    key = "\0".join((d.code, rel, str(d.doc.cell or ""), flagged or d.message))
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def _fixes(d: Diagnostic) -> list[dict[str, Any]]:
    if d.fix is None or not d.fix.edits or d.fix.applicability == "display-only":
        return []
    if d.doc.cell is not None:
        return []  # its edits are to the cell's text, not to the notebook's JSON
    replacements = []
    for e in d.fix.edits:
        s = edit_span(d.doc, e.start, e.end)
        replacements.append(
            {"deletedRegion": _region(s.start, s.end), "insertedContent": {"text": e.content}}
        )
    return [
        {
            "description": {"text": d.fix.message},
            "artifactChanges": [
                {"artifactLocation": _artifact(d.path), "replacements": replacements}
            ],
        }
    ]


def _result(d: Diagnostic, rule_index: int, seen: dict[str, int]) -> dict[str, Any]:
    s, _in_file = file_span(d)
    rel = relative_path(d.path)
    fp = fingerprint(d, rel)
    seen[fp] = seen.get(fp, 0) + 1
    message = headline(d) if d.doc.cell is None else f"cell {d.doc.cell}: {headline(d)}"
    result: dict[str, Any] = {
        "ruleId": d.code,
        "ruleIndex": rule_index,
        "level": level(d.code),
        "message": {"text": message},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": _artifact(d.path),
                    "region": _region(s.start, s.end),
                }
            }
        ],
        "partialFingerprints": {"prismLintFinding/v1": f"{fp}:{seen[fp]}"},
    }
    fixes = _fixes(d)
    if fixes:
        result["fixes"] = fixes
    if d.details:
        result["properties"] = {"details": d.details}
    return result


def render(results: list[FileResult], ctx: ReportContext) -> str:
    codes = list(catalogue())
    index = {code: i for i, code in enumerate(codes)}
    seen: dict[str, int] = {}
    sarif_results = [
        _result(d, index[d.code], seen) for r in results for d in r.diagnostics if d.code in index
    ]
    root = Path(os.path.abspath(source_root())).as_uri().rstrip("/") + "/"
    log = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "prism-lint",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "informationUri": INFORMATION_URI,
                        "rules": [_rule_descriptor(code) for code in codes],
                    }
                },
                "originalUriBaseIds": {SRCROOT: {"uri": root}},
                "columnKind": "unicodeCodePoints",
                "results": sarif_results,
            }
        ],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"
