from __future__ import annotations

from prism_lint.config import Settings
from prism_lint.engine import check_source

PERSONA = "You are a senior Rust engineer. Review the code below and fix every bug."


def codes(path: str, text: str) -> list[str]:
    return [
        d.code
        for d in check_source(
            path, text, Settings(extend_select=("PRS901",)), named=True
        ).diagnostics
    ]


def test_markdown_ignore_above() -> None:
    assert codes("prompts/a.md", PERSONA) == ["PRS101"]
    assert codes("prompts/a.md", "<!-- prism: ignore[PRS101] -->\n" + PERSONA) == []
    assert codes("prompts/a.md", "<!-- prism: ignore -->\n" + PERSONA) == []


def test_ignore_for_another_code_does_not_silence() -> None:
    got = codes("prompts/a.md", "<!-- prism: ignore[PRS103] -->\n" + PERSONA)
    assert "PRS101" in got and "PRS901" in got


def test_skip_file() -> None:
    assert codes("prompts/a.md", PERSONA + "\n<!-- prism: skip-file -->\n") == []


def test_task_declaration_settles_the_task() -> None:
    assert codes("prompts/a.md", "<!-- prism: task=writing -->\n" + PERSONA) == []


def test_unused_suppression_is_reported_when_selected() -> None:
    got = codes("prompts/a.md", "<!-- prism: ignore[PRS101] -->\nWrite a haiku about rain.\n")
    assert got == ["PRS901"]
