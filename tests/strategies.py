"""Hypothesis strategies the property tests share."""

from __future__ import annotations

from collections.abc import Sequence

from hypothesis import strategies as st


def texts_of(pieces: Sequence[str], max_size: int) -> st.SearchStrategy[str]:
    """Texts made of ``pieces`` in any order and number: the tags, marks and
    words a pattern's edge cases are built from, which random characters
    would seldom put together."""
    return st.lists(st.sampled_from(list(pieces)), max_size=max_size).map("".join)
