"""Human and reviewdog output: one line per finding in concise and grouped,
evidence and figure in full, paths relative to the working directory,
colour, statistics in every format.

The golden files under ``tests/golden/`` pin the exact output for
hand-built diagnostics shaped as the rules write them;
``PRISM_LINT_UPDATE_GOLDEN=1`` rewrites them.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from prism_lint.cli import OUTPUT_FORMATS
from prism_lint.config import Settings
from prism_lint.engine import FileResult, check_source
from prism_lint.model import Diagnostic, Document, Edit, Fix
from prism_lint.report import ReportContext
from prism_lint.report.formats import renderer
from prism_lint.report.message import PERSONA_LIMIT, figure_of, headline
from prism_lint.rules import short

GOLDEN = Path(__file__).resolve().parent / "golden"
QUOTED = 'You are "Senior Idea Analyst", an expert Python engineer with many years.'
SOURCE = f"SYSTEM = '''{QUOTED}\nWrite a function that answers.\nQuestion: which bug?'''\n"


def _finding(doc: Document, code: str = "PRS101") -> Diagnostic:
    start = doc.text.index("You are")
    end = start + len(QUOTED)
    figure = figure_of(code)
    message = (
        f'Expert persona "{short(QUOTED)}" on a code task (inferred from '
        f"'answer.\nQuestion', 'function', 'Python' (in the persona)). {figure}"
    )
    d = Diagnostic(
        code,
        "expert-persona-code-task",
        message,
        doc,
        start,
        end,
        anchor_first_row=1,
        anchor_last_row=3,
    )
    d.details = {
        "persona": QUOTED,
        "task": "code",
        "task_confidence": 0.9,
        "task_declared": False,
        "evidence": [
            {"cue": "answer.\nQuestion", "category": "code", "source": "prompt"},
            {"cue": "function", "category": "code", "source": "prompt"},
            {"cue": "Python", "category": "code", "source": "persona"},
        ],
        "role": "system",
        "model": "gpt-4o",
    }
    d.fix = Fix("Remove the persona", [Edit(start, end + 1, "")], "safe")
    return d


def sample() -> list[FileResult]:
    py = Document("src/agent.py", SOURCE)
    other = Document("src/other.py", SOURCE)
    broken = Diagnostic("PRS900", "file-error", "cannot parse:\nbad token", other, 0, 0)
    return [
        FileResult("src/agent.py", [_finding(py)], text=SOURCE),
        FileResult("src/other.py", [broken, _finding(other, "PRS201")], text=SOURCE),
    ]


def render(fmt: str, **ctx: object) -> str:
    return renderer(fmt)(sample(), ReportContext(fmt=fmt, planned=True, **ctx))  # type: ignore[arg-type]


@pytest.fixture(autouse=True)
def _here(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(Path(__file__).resolve().parent.parent)
    monkeypatch.delenv("GITHUB_WORKSPACE", raising=False)


@pytest.mark.parametrize(
    ("fmt", "name"),
    [
        ("concise", "concise.txt"),
        ("full", "full.txt"),
        ("grouped", "grouped.txt"),
        ("rdjson", "rdjson.json"),
    ],
)
def test_golden(fmt: str, name: str) -> None:
    out = render(fmt)
    path = GOLDEN / name
    if os.environ.get("PRISM_LINT_UPDATE_GOLDEN"):
        path.write_text(out, encoding="utf-8")
    assert out == path.read_text(encoding="utf-8")


def test_concise_is_one_short_line_per_finding() -> None:
    lines = render("concise").splitlines()
    findings = [line for line in lines if re.match(r"src/\w+\.py:\d+:\d+: PRS", line)]
    assert len(findings) == 3  # the PRS900's newline did not make a fourth line
    for line in findings:
        assert "inferred from" not in line and "PRISM:" not in line and "answer." not in line
        assert len(line) < 160
    persona = re.search(r'"((?:[^"\\]|\\.)*)"', findings[0])
    assert persona is not None
    assert persona.group(1).startswith('You are \\"Senior Idea Analyst\\"')  # escaped
    assert len(persona.group(1).replace('\\"', '"')) <= PERSONA_LIMIT


def test_full_keeps_evidence_figure_and_fix_but_not_cues_across_sentences() -> None:
    out = render("full")
    assert figure_of("PRS101") in out
    assert "= fix (safe): Remove the persona" in out
    assert "'function'" in out and "'Python' (in the persona)" in out
    assert "answer." not in out  # the cue that ran across a sentence boundary
    header = next(line for line in out.splitlines() if "PRS900" in line)
    assert header.endswith("cannot parse: bad token")


def test_headline_of_a_real_finding() -> None:
    result = check_source("a.py", SOURCE.replace("SYSTEM", "SYSTEM_PROMPT"), Settings(), named=True)
    d = next(d for d in result.diagnostics if d.code == "PRS101")
    line = headline(d)
    assert "\n" not in line and "inferred from" not in line and figure_of("PRS101") not in line
    assert line.startswith('Expert persona "You are \\"Senior Idea Analyst\\"')
    assert d.message != line  # the rule's own message is kept whole for JSON


def test_paths_are_relative_to_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "x.py").write_text(SOURCE.replace("SYSTEM", "SYSTEM_PROMPT"))
    monkeypatch.chdir(tmp_path)
    for spelling in ("./sub/x.py", str(tmp_path / "sub" / "x.py"), "sub/../sub/x.py"):
        result = check_source(
            spelling, (tmp_path / "sub" / "x.py").read_text(), Settings(), named=True
        )
        out = renderer("concise")([result], ReportContext(fmt="concise"))
        assert out.startswith("sub/x.py:1:"), out


def test_colour_only_when_asked() -> None:
    plain = render("concise")
    coloured = render("concise", color=True)
    assert "\x1b[" not in plain and "\x1b[" in coloured
    assert re.sub(r"\x1b\[[0-9;]*m", "", coloured) == plain


@pytest.mark.parametrize("fmt", OUTPUT_FORMATS)
def test_statistics_in_every_format(fmt: str) -> None:
    out = renderer(fmt, statistics=True)(sample(), ReportContext(fmt=fmt, statistics=True))
    if fmt in ("json", "json-lines"):
        rows = json.loads(out) if fmt == "json" else [json.loads(line) for line in out.splitlines()]
        assert {r["code"]: r["count"] for r in rows} == {"PRS101": 1, "PRS201": 1, "PRS900": 1}
        assert all(set(r) == {"code", "name", "count", "fixable"} for r in rows)
    else:
        assert re.search(r"^\s+1\tPRS101\t\[\*\] expert-persona-code-task$", out, re.M), out
        assert "Senior Idea" not in out  # counts, not the findings


def test_rdjson_columns_are_utf8_bytes() -> None:
    doc = Document("é.md", "ééé You are an expert.\n")
    d = Diagnostic("PRS101", "x", "m", doc, 4, 10)
    out = json.loads(renderer("rdjson")([FileResult("é.md", [d])], ReportContext(fmt="rdjson")))
    start = out["diagnostics"][0]["location"]["range"]["start"]
    assert start == {"line": 1, "column": 8}  # three two-byte characters and a space
