"""A rule's needs are declared in its own file, and every part of the linter
asks the rule: changing the declaration is the whole change."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from prism_lint import engine, fix, prefilter
from prism_lint.config import Settings
from prism_lint.report import sarif
from prism_lint.rules import load_rule


@pytest.fixture
def declared(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    """Change a rule's declarations for one test."""
    yield monkeypatch
    monkeypatch.undo()


def test_a_rule_that_wants_every_persona_is_asked(declared: pytest.MonkeyPatch) -> None:
    assert not engine.wants_roles(None, frozenset({"PRS101"}), Settings())  # type: ignore[arg-type]
    declared.setattr(type(load_rule("PRS101")), "any_persona", True)
    assert engine.wants_roles(None, frozenset({"PRS101"}), Settings())  # type: ignore[arg-type]


def test_the_first_pass_keeps_files_for_a_rule_that_reads_directives(
    declared: pytest.MonkeyPatch,
) -> None:
    data = b"x = 1  # noqa: E501\n"
    chosen = Settings(select=("PRS2",))
    assert not prefilter.worth_checking(data, chosen)
    declared.setattr(type(load_rule("PRS201")), "directives", True)
    assert prefilter.worth_checking(data, chosen)


def test_the_default_fix_strategy_is_the_rules(declared: pytest.MonkeyPatch) -> None:
    assert fix.strategy("PRS301", Settings()) == "gate"
    assert fix.strategy("PRS101", Settings()) == "strip"
    declared.setattr(type(load_rule("PRS101")), "default_fix", "gate")
    assert fix.strategy("PRS101", Settings()) == "gate"


def test_the_reported_level_is_the_rules(declared: pytest.MonkeyPatch) -> None:
    assert (sarif.level("PRS900"), sarif.level("PRS901"), sarif.level("PRS101")) == (
        "error",
        "note",
        "warning",
    )
    declared.setattr(type(load_rule("PRS101")), "level", "note")
    assert sarif.level("PRS101") == "note"
