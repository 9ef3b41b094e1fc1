from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from prism_lint.config import Settings
from prism_lint.engine import check_source
from prism_lint.extract import DIRECTIVE_WORDS, spells_directive

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


# pieces of the words, in either case, and the characters the pattern folds onto their letters
_PIECES = (
    *("prism", "PRISM", "noqa", "NoQA", "pri", "sm", "no", "qa", "p", "s", "a"),
    *("pri\u017fm", "pr\u0130sm", "pr\u0131sm", "\u017f", "\u0130", "\u0131"),
    *("\u212a", "\u0307", "é", " ", "#"),
)


@settings(max_examples=500)
@given(st.lists(st.sampled_from(_PIECES), max_size=12).map("".join))
def test_directive_words_found_as_the_pattern_finds_them(text: str) -> None:
    """The fast look for a directive's words agrees with the pattern,
    characters the pattern folds onto the words' letters included."""
    assert spells_directive(text) == (DIRECTIVE_WORDS.search(text) is not None)


def test_directive_spelled_with_a_long_s_still_suppresses() -> None:
    """``priſm`` reads as ``prism`` to the directive patterns: the file's
    comments must still be read for it."""
    call = f'OpenAI().responses.create(model="gpt-4o", instructions="{PERSONA}")'
    source = f"from openai import OpenAI\n{call}\n"
    assert codes("app.py", source) == ["PRS101"]
    assert codes("app.py", source.replace(")\n", ")  # priſm: ignore\n")) == []
