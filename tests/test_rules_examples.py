"""Each rule's VALID/INVALID examples are its tests, and its documentation."""

from __future__ import annotations

import pytest

from prism_lint.config import Settings
from prism_lint.engine import check_source
from prism_lint.rules import Example, catalogue, load_rule

CODES = list(catalogue())
SETTINGS = Settings(select=("ALL",))


def _check(code: str, example: Example) -> list[str]:
    from prism_lint.analysis import analyse
    from prism_lint.model import CallContext, Document, Piece, PromptUnit

    doc = Document("example.txt", example.prompt)
    unit = PromptUnit(
        doc,
        example.prompt,
        [Piece(0, len(example.prompt), 0, len(example.prompt))],
        role=example.role,  # type: ignore[arg-type]
        tier="file",
        context=CallContext(model=example.model),
    )
    rule = load_rule(code)
    return [f.message for f in rule.check(unit, analyse(unit), SETTINGS)]


def _examples(kind: str) -> list[tuple[str, Example]]:
    return [(c, e) for c in CODES for e in getattr(load_rule(c), kind)]


@pytest.mark.parametrize(
    ("code", "example"),
    _examples("INVALID"),
    ids=lambda v: v if isinstance(v, str) else v.prompt[:40],
)
def test_invalid_examples_are_flagged(code: str, example: Example) -> None:
    assert _check(code, example), f"{code} did not flag: {example.prompt}"


@pytest.mark.parametrize(
    ("code", "example"),
    _examples("VALID"),
    ids=lambda v: v if isinstance(v, str) else v.prompt[:40],
)
def test_valid_examples_are_not_flagged(code: str, example: Example) -> None:
    assert not _check(code, example), f"{code} flagged: {example.prompt}"


@pytest.mark.parametrize("code", CODES)
def test_rule_is_documented(code: str) -> None:
    rule = load_rule(code)
    doc = rule.documentation()
    assert rule.code == code and rule.name == catalogue()[code].name
    for section in ("## What it does", "## Why is this bad?", "## Example", "## Fix safety"):
        assert section in doc, f"{code} lacks {section}"
    if code.startswith(("PRS1", "PRS2", "PRS3", "PRS4")):
        assert "2603.18507" in doc and rule.figure, f"{code} must cite the paper's figure"
        assert rule.INVALID and rule.VALID


def test_persona_rules_explain_persona_task_evidence_and_figure() -> None:
    text = "You are a senior Python engineer. Write a function that parses ISO dates."
    result = check_source("prompts/p.txt", text, Settings(), named=True)
    (diag,) = [d for d in result.diagnostics if d.code == "PRS101"]
    assert "You are a senior Python engineer." in diag.message
    assert "code task" in diag.message
    assert "0.5 to 1.2" in diag.message  # the paper's figure
    assert diag.details["persona"] == "You are a senior Python engineer."
    assert diag.details["task"] == "code" and diag.details["evidence"]
    assert text[diag.start : diag.end] == "You are a senior Python engineer."


def test_rule_reference_is_current() -> None:
    from pathlib import Path

    from prism_lint.commands.docs import rules_markdown

    doc = Path(__file__).resolve().parent.parent / "docs" / "rules.md"
    assert doc.read_text(encoding="utf-8") == rules_markdown(), (
        "docs/rules.md is stale: run python scripts/gen_rule_docs.py"
    )
