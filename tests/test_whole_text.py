"""Task patterns looked for in a whole text: the cheap search finds what the pattern finds."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from prism_lint.analysis.vocabulary import vocabulary
from prism_lint.analysis.whole_text import (
    WholeText,
    folded,
    may_hold,
    required_choices,
    required_runs,
    tail,
    whole_text,
)

_WHOLE = [t for _p, _c, _w, t in vocabulary().tasks.patterns if isinstance(t, WholeText)]

# Texts built of what these patterns are made of: digits, symbols, rubric and
# quiz words, letters either side of them.
_PIECES = st.sampled_from(
    [
        "1",
        "23",
        "4.5",
        " ",
        "\n",
        "(",
        ")",
        ":",
        "%",
        "+",
        "-",
        "=",
        "^",
        "|",
        "$",
        "\\frac",
        "x",
        "A.",
        "B)",
        "Accuracy",
        "to",
        "10",
        "answer",
        "Answer",
        "multiple choice question",
        "true or false",
        "yes/no",
        "pass or fail",
        "score",
        "times",
        "é",
        "ſ",
        "ı",
        "İ",
        "\u212a",  # the Kelvin sign: matches "k" ignoring case, and lowers to it
        "TRUE",
        "Fact-Check",
        "is it true that",
        "binary choice",
        "Yes or No answer",
        "What if",
        "had",
        "as a",
        ", describe",
        ", your",
        "(1-5)",
        "( 2 to 10 )",
        "Answer:",
        " * ",
        " / ",
        "×",
        "_",
    ]
)
_TEXTS = st.lists(_PIECES, max_size=24).map("".join)


def test_the_vocabulary_has_whole_text_patterns() -> None:
    assert len(_WHOLE) >= 10
    assert any(w.symbols for w in _WHOLE) and any(w.words for w in _WHOLE)


@settings(max_examples=300, deadline=None)
@given(_TEXTS)
def test_the_cheap_search_finds_what_the_pattern_finds(text: str) -> None:
    chars = frozenset(text)
    for w in _WHOLE:
        expected = [m.span() for m in w.pattern.finditer(text)]
        found = list(w.spans(text)) if w.may_match(text, chars) else []
        assert found == expected, w.pattern.pattern


@settings(max_examples=300, deadline=None)
@given(_TEXTS)
def test_a_text_read_lowered_is_ruled_out_only_where_the_pattern_finds_nothing(
    text: str,
) -> None:
    chars = frozenset(text)
    low = folded(text)
    for w in _WHOLE:
        if w.pattern.search(text) is not None:
            assert w.may_match(text, chars, low), w.pattern.pattern


def test_a_text_is_read_lowered_only_where_its_letters_lower_in_place() -> None:
    assert folded("Is It TRUE?") == "is it true?"
    assert folded("\u212a") == "k"  # the Kelvin sign lowers to the "k" it matches
    assert folded("Mißt \u017f") is None  # "ſ" matches "s" but lowers to itself
    assert folded("dotless \u0131") is None
    assert folded("\u0130stanbul") is None  # lowers to two characters


def test_groups_of_alternatives_rule_out_texts_with_none_of_them() -> None:
    (quiz,) = [w for w in _WHOLE if "fact[-" in w.pattern.pattern]
    assert quiz.choices == (("false", "check", "true"),)
    text = "Answer the question about physics."
    assert not quiz.may_match(text, frozenset(text), folded(text))
    text = "Is it TRUE that water boils at 100C?"
    assert quiz.may_match(text, frozenset(text), folded(text))


def test_a_text_without_what_every_match_holds_is_ruled_out() -> None:
    source = r"(?:how\s+(?:many|much))\b"
    for text, holds in [
        ("How MANY apples?", True),
        ("how far is it", False),  # "many" or "much": neither
        ("Do it now", False),
    ]:
        assert may_hold(source, re.IGNORECASE, text, folded(text)) is holds
        assert (re.search(source, text, re.IGNORECASE) is not None) <= holds
    assert may_hold(source, re.IGNORECASE, "\u0131", None)  # not read lowered: may match
    assert not may_hold("Abc", 0, "abc", "abc")  # case matters: read as written
    assert may_hold("A b c", re.VERBOSE, "abc", "abc")  # spaces in it mean nothing


@pytest.mark.parametrize(
    ("body", "rest"),
    [
        (r"[a-z]\(\s*\d+\s*\)", r"\(\s*\d+\s*\)"),  # from the first symbol past the start
        (r"\d+\s*[*×÷^]\s*\d", r"[*×÷^]\s*\d"),  # a class of symbols
        (r"a,+b", ",+b"),  # once at least
        (r"a,?b", None),  # a symbol a match may lack
        (r"a[^,]b", None),  # a class of nearly everything
        (r"a[ ,]b", None),  # white space: nearly every text
        (r"a|b\(", None),  # an alternation: the rest is not sure
        (r"(a)\(\1", None),  # a back-reference to a group before it
        (r"\(a", None),  # the symbol opens the pattern: nothing to skip to
        # a run to the line's end, searched from each symbol, costs the line each time
        (r"[A-D][.):]\s+\S[^\n]*\n[B-E][.):]", None),
        (r"a:.+b", None),
        (r"a\.\s+b", r"\.\s+b"),  # an escaped dot is no run
    ],
)
def test_the_rest_from_a_symbol(body: str, rest: str | None) -> None:
    assert tail(body) == rest


@pytest.mark.parametrize(
    ("body", "choices"),
    [
        (r"(?:true\s+or\s+false|fact[-\s+]check)\b", [("false", "check")]),
        (r"a(?:b|c)?d", [("a",), ("d",)]),  # an optional group: nothing sure
        (r"x(?:bc|de){0,2}y", [("x",), ("y",)]),
        (r"x(?:bc|de){1,2}y", [("x",), ("y",), ("bc", "de")]),
        (r"(?:yes|\d+)", []),  # an alternative without a run
        (r"(?=foo)bar", [("bar",)]),  # a look-ahead is not read
        (r"(?:a|b", []),  # unbalanced
    ],
)
def test_required_choices(body: str, choices: list[tuple[str, ...]]) -> None:
    assert required_choices(body) == choices


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Accuracy (1-5): rate the answer", [(0, 15)]),
        ("9Accuracy (1-5): rate", []),  # a digit before it: no match there
        ("Accuracy (1-5) rate", []),  # no colon: ruled out by its runs
    ],
)
def test_a_rubric_line_is_found_as_the_pattern_finds_it(
    text: str, expected: list[tuple[int, int]]
) -> None:
    (rubric,) = [w for w in _WHOLE if "(?:5|10|100)" in w.pattern.pattern]
    assert rubric.symbols == ("(", ")", ":")
    found = list(rubric.spans(text)) if rubric.may_match(text, frozenset(text)) else []
    assert found == expected == [m.span() for m in rubric.pattern.finditer(text)]


@pytest.mark.parametrize(
    ("body", "runs"),
    [
        (r"(?:multiple[-\s+]choice\s+question)", ["multiple", "choice", "question"]),
        (r"(?:\d+(?:\.\d+)?\s*%)", ["%"]),
        (r"(?:ab+c?d{2}e)", ["ab", "e"]),  # optional and counted items end a run
        (r"(?:\(\s*[0-9]+\s*\)\s*:)", ["(", ")", ":"]),
        (r"(?:a|b)", []),  # an alternation: neither is sure
        (r"(?:x\x27s)", []),  # a character by its code: not read
        (r"(?:a{x)", []),  # a brace that is no count
        (r"(?x:a b)", []),  # inline flags change what characters match
        (r"(?:a(b", []),  # unbalanced
    ],
)
def test_required_runs(body: str, runs: list[str]) -> None:
    assert required_runs(body) == runs


def test_an_empty_match_is_left_to_finditer() -> None:
    w = whole_text(r"(?<![^\W_])(?:x*)", re.IGNORECASE, None)
    assert w is not None
    text = "ab xx y"
    assert list(w.spans(text)) == [m.span() for m in w.pattern.finditer(text)]


def test_a_pattern_without_the_look_behind_is_not_read() -> None:
    assert whole_text(r"\d+%", 0, None) is None
