"""A pattern compiled on first use answers as the compiled pattern would."""

from __future__ import annotations

import copy
import re

from hypothesis import given
from hypothesis import strategies as st

from prism_lint.lazy_re import lazy

SOURCE = r"(?i)\b(?P<word>you|your)\s+(are|have)\b"


def test_nothing_is_compiled_until_used() -> None:
    pattern = lazy("(unbalanced")  # compiling it would raise
    assert pattern is not None
    try:
        pattern.search("x")
    except re.error:
        pass
    else:
        raise AssertionError("the pattern was never compiled")


@given(st.text(alphabet="you are have YOUR Are x\n", max_size=40))
def test_property_methods_answer_as_compiled(text: str) -> None:
    compiled = re.compile(SOURCE)
    pattern = lazy(SOURCE)
    assert [m.span() for m in pattern.finditer(text)] == [m.span() for m in compiled.finditer(text)]
    assert pattern.sub("-", text) == compiled.sub("-", text)
    assert pattern.findall(text) == compiled.findall(text)
    found, expected = pattern.search(text), compiled.search(text)
    assert (found and found.span()) == (expected and expected.span())
    assert pattern.pattern == SOURCE and pattern.flags == compiled.flags
    assert pattern.groupindex == compiled.groupindex


def test_a_copy_is_the_same_pattern() -> None:
    assert copy.deepcopy(lazy(SOURCE)).fullmatch("You are") is not None
