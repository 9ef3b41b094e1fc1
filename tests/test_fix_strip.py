"""Planning a persona's removal on prompt text: shapes, white space, safety."""

from __future__ import annotations

import pytest

from prism_lint.fix.strip import has_words, plan_strip
from prism_lint.model import HOLE


def strip(text: str, persona: str) -> tuple[str, bool, list[str]]:
    start = text.index(persona)
    plan = plan_strip(text, start, start + len(persona))
    assert plan is not None
    return plan.new_text, plan.safe, plan.notes


@pytest.mark.parametrize(
    ("text", "persona", "expected"),
    [
        # A leading clause: the comma goes, the next word gets its capital.
        (
            "As a senior engineer, write a function that parses dates.",
            "As a senior engineer,",
            "Write a function that parses dates.",
        ),
        ("As a senior engineer, write a function.", "As a senior engineer", "Write a function."),
        # A sentence followed by more on its line.
        (
            "You are an expert SQL developer. Write a query that lists customers.",
            "You are an expert SQL developer.",
            "Write a query that lists customers.",
        ),
        ("Hello! You are an expert. Write code.", "You are an expert.", "Hello! Write code."),
        # The span may stop short of the full stop.
        (
            "You are an expert SQL developer. Write a query.",
            "You are an expert SQL developer",
            "Write a query.",
        ),
        # A sentence at the end of a line keeps the line.
        (
            "Write a query. You are an expert SQL developer.\nThen stop.\n",
            "You are an expert SQL developer.",
            "Write a query.\nThen stop.\n",
        ),
        # A whole line.
        (
            "You are an expert SQL developer.\nWrite a query.\n",
            "You are an expert SQL developer.",
            "Write a query.\n",
        ),
        # A paragraph of its own: no doubled blank line is left.
        (
            "Intro.\n\nYou are an expert.\n\nWrite a query.\n",
            "You are an expert.",
            "Intro.\n\nWrite a query.\n",
        ),
        ("You are an expert.\n\nWrite a query.\n", "You are an expert.", "Write a query.\n"),
        # The last paragraph: the blank lines before it go, the end stays as it was.
        (
            "Write code.\n\nYou are an expert SQL developer.\n",
            "You are an expert SQL developer.",
            "Write code.\n",
        ),
        (
            "Write code.\n\nYou are an expert SQL developer.",
            "You are an expert SQL developer.",
            "Write code.",
        ),
        (
            "Write code.\nYou are an expert SQL developer.",
            "You are an expert SQL developer.",
            "Write code.",
        ),
        # Bullets and indentation.
        ("- You are an expert.\n- Write code.\n", "You are an expert.", "- Write code.\n"),
        # At the start of the prompt, the next line does not keep its indentation.
        ("    You are an expert.\n    Write code.\n", "You are an expert.", "Write code.\n"),
        # A trailing clause keeps the full stop.
        ("Review the diff, as a security expert.", "as a security expert.", "Review the diff."),
        # A clause between commas takes one comma with it.
        (
            "Please, as a senior engineer, review this PR.",
            "as a senior engineer",
            "Please review this PR.",
        ),
        (
            "Please, as a senior engineer, review this PR.",
            "as a senior engineer,",
            "Please review this PR.",
        ),
        ("Write code; you are an expert.", "you are an expert.", "Write code."),
        # A sentence that ends inside its closing quote.
        (
            "You are a “Prompt Compiler.” Output JSON prompts.",
            "You are a “Prompt Compiler.”",
            "Output JSON prompts.",
        ),
        # A tag opens a sentence: the persona after it goes with its full stop.
        (
            "<instructions> You are an expert coder. </instructions> Sort the list.",
            "You are an expert coder",
            "<instructions> </instructions> Sort the list.",
        ),
        # CJK full stops need no space after them.
        ("扮演代码目录专家。你的任务是解释目录。", "扮演代码目录专家。", "你的任务是解释目录。"),
    ],
)
def test_safe_shapes(text: str, persona: str, expected: str) -> None:
    new, safe, notes = strip(text, persona)
    assert new == expected
    assert safe, notes


@pytest.mark.parametrize(
    ("text", "persona", "expected", "note"),
    [
        (
            "You are an expert Python developer and you write clean code.",
            "You are an expert Python developer",
            "You write clean code.",
            "conjunction",
        ),
        (
            "Act as a senior engineer and review this diff.",
            "Act as a senior engineer",
            "Review this diff.",
            "conjunction",
        ),
        (
            "Write code and act as a senior engineer.",
            "act as a senior engineer.",
            "Write code.",
            "conjunction",
        ),
        (
            "Role: You are an expert.\nTask: write code\n",
            "You are an expert.",
            "Task: write code\n",
            "label",
        ),
        # No punctuation where the clause ends: the sentence goes as a whole.
        (
            "You are an expert Python developer who writes clean code. Fix the bug.",
            "You are an expert Python developer",
            "Fix the bug.",
            "whole sentence",
        ),
        (
            "Review the code as a senior engineer.",
            "as a senior engineer.",
            "Review the code.",
            "punctuation",
        ),
    ],
)
def test_unsafe_shapes(text: str, persona: str, expected: str, note: str) -> None:
    new, safe, notes = strip(text, persona)
    assert new == expected
    assert not safe
    assert any(note in n for n in notes), notes


def test_emptied_section_heading_goes_with_it_unsafely() -> None:
    text = "Intro.\n\n## Role\n\nYou are an expert SQL developer.\n\n## Task\n\nWrite a query.\n"
    new, safe, notes = strip(text, "You are an expert SQL developer.")
    assert new == "Intro.\n\n## Task\n\nWrite a query.\n"
    assert not safe and "heading" in notes[0]


def test_emptied_last_section() -> None:
    text = "Intro.\n\n## Role\n\nYou are an expert SQL developer.\n"
    new, _safe, _notes = strip(text, "You are an expert SQL developer.")
    assert new == "Intro.\n"


def test_section_with_more_content_keeps_its_heading() -> None:
    text = "## Role\n\nYou are an expert SQL developer.\n\nKeep answers short.\n\n## Task\n"
    new, safe, _ = strip(text, "You are an expert SQL developer.")
    assert new == "## Role\n\nKeep answers short.\n\n## Task\n"
    assert safe


def test_a_heading_followed_by_a_deeper_heading_stays() -> None:
    text = "## Role\n\nYou are an expert.\n\n### Details\n\nWrite code.\n"
    new, _safe, _ = strip(text, "You are an expert.")
    assert new == "## Role\n\n### Details\n\nWrite code.\n"


def test_placeholder_in_persona_is_unsafe() -> None:
    text = f"You are an expert in {HOLE}. Write {HOLE}."
    new, safe, notes = strip(text, f"You are an expert in {HOLE}.")
    assert new == f"Write {HOLE}."
    assert not safe and "placeholder" in notes[0]


def test_whole_prompt_is_empty() -> None:
    plan = plan_strip("You are an expert.", 0, len("You are an expert."))
    assert plan is not None and plan.empty
    plan = plan_strip("  You are an expert.\n\n", 2, 20)
    assert plan is not None and plan.empty


def test_no_plan_for_a_blank_span_or_an_unmarked_inner_clause() -> None:
    assert plan_strip("   Write code.", 0, 3) is None
    for text, persona in [
        ("Write the query as an expert would for production.", "as an expert"),
        # The persona runs on into the sentence and what follows is not about it.
        ("A professional barista teaches a class on espresso today.", "A professional barista"),
    ]:
        start = text.index(persona)
        assert plan_strip(text, start, start + len(persona)) is None


def test_region_covers_the_deletion_and_capital_is_recorded() -> None:
    text = "As a senior engineer, write a function."
    plan = plan_strip(text, 0, 20)
    assert plan is not None
    assert plan.region == (0, 22)
    assert plan.capital == 22


def test_has_words() -> None:
    assert has_words("a")
    assert has_words(HOLE)
    assert not has_words(" .\n- ")


# --------------------------------------------------------------------------
# any input
# --------------------------------------------------------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

TEXT = st.lists(
    st.sampled_from([*"ab .,:;!?-#*\n\t", "You", "As", "and ", HOLE, "é", "\r", "- ", "## "]),
    max_size=30,
).map("".join)


@settings(max_examples=200, deadline=None)
@given(TEXT, st.integers(0, 60), st.integers(0, 60))
def test_any_text_and_span(text: str, a: int, b: int) -> None:
    a, b = sorted((min(a, len(text)), min(b, len(text))))
    plan = plan_strip(text, a, b)
    if plan is None:
        return
    pos = 0
    out = []
    for e in plan.edits:
        assert pos <= e.start <= e.end <= len(text)
        assert not e.content or (e.end - e.start == 1 and e.content == text[e.start].upper())
        out.append(text[pos : e.start] + e.content)
        pos = e.end
    assert "".join(out) + text[pos:] == plan.new_text
    # Only deletions (and a capital letter): the result is a subsequence.
    it = iter(text.lower())
    assert all(ch in it for ch in plan.new_text.lower())
    # The persona's words are gone (its closing punctuation may stay).
    for i in range(a, b):
        if text[i].isalnum() or text[i] == HOLE:
            assert any(e.start <= i < e.end and not e.content for e in plan.edits), i


def test_a_persona_span_that_is_no_clause_gets_no_fix() -> None:
    from prism_lint.analysis import Analysis, Persona, TaskInference
    from prism_lint.config import Settings
    from prism_lint.fix import MAX_PERSONA_WORDS, build_fix
    from prism_lint.model import Document, Piece, PromptUnit

    text = "You are an expert " + "and more " * MAX_PERSONA_WORDS + ". Write code."
    end = text.index(". Write") + 1
    unit = PromptUnit(Document("prompts/a.txt", text), text, [Piece(0, len(text), 0, len(text))])
    persona = Persona(0, end, text[:end], "expert", "expert", "you are")
    assert (
        build_fix(
            unit, Analysis([persona], TaskInference("code", 0.9)), persona, "PRS101", Settings()
        )
        is None
    )


@pytest.mark.parametrize(
    ("text", "fixed"),
    [
        (
            "As an expert Python developer,\nwrite unit tests for the function.\n",
            "Write unit tests for the function.\n",
        ),
        ("    As an expert Python developer,\n    write unit tests.\n", "    Write unit tests.\n"),
        (
            "Write unit tests for the following function,\nas an expert Python developer.\n",
            "Write unit tests for the following function.\n",
        ),
    ],
)
def test_clause_wrapped_over_lines(text: str, fixed: str) -> None:
    start = text.lower().index("as an expert")
    end = text.index("developer") + len("developer")
    if text[end] == ",":
        end += 1
    plan = plan_strip(text, start, end)
    assert plan is not None and plan.new_text == fixed and plan.safe


@pytest.mark.parametrize(
    ("text", "fixed"),
    [
        (
            "## Role\nYou are a senior Python engineer.\n## Task\nWrite a function.\n",
            "## Task\nWrite a function.\n",
        ),
        (
            "Role:\nYou are a senior Python engineer.\n\nTask:\nWrite a function.\n",
            "Task:\nWrite a function.\n",
        ),
    ],
)
def test_heading_left_empty_goes_with_the_persona(text: str, fixed: str) -> None:
    start = text.index("You are")
    plan = plan_strip(text, start, text.index("engineer.") + len("engineer."))
    assert plan is not None and plan.new_text == fixed and not plan.safe


def test_no_break_space_after_the_persona_goes_with_it() -> None:
    text = "You are a senior Python engineer.\u00a0Write a function that reverses a string."
    plan = plan_strip(text, 0, text.index("\u00a0"))
    assert plan is not None and plan.new_text == "Write a function that reverses a string."


@pytest.mark.parametrize("before", ["", "Read it all; " * 20000])
def test_a_conjunction_before_a_trailing_clause_goes_with_it(before: str) -> None:
    # looked for just before the clause: a line of any length before it
    new, safe, notes = strip(
        before + "Review the diff and as a security expert.", "as a security expert."
    )
    assert new == before + "Review the diff."
    assert not safe and any("conjunction 'and'" in n for n in notes), notes


def test_the_layout_checks_read_around_a_fix_on_a_very_long_line() -> None:
    from prism_lint.fix import _around
    from prism_lint.model import Edit

    old = "x" * 500_000 + "PERSONA" + "y" * 500_000  # minified: one line
    edits = [Edit(500_000, 500_007, "")]
    new = old[:500_000] + old[500_007:]
    before, after = _around(old, new, edits)
    assert "PERSONA" in before and "PERSONA" not in after
    assert len(before) < 20_000 and before.replace("PERSONA", "") == after
