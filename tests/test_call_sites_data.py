"""The JavaScript call sites are data, read and checked as the Python ones are."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from prism_lint.data import load_toml
from prism_lint.extract.javascript import catalogue as jc


def test_every_site_of_the_table_is_read() -> None:
    table = load_toml(jc.CATALOGUE_FILE)
    callees = {c for raw in table["site"] for c in raw["callee"]}
    cat = jc.load_catalogue()
    read = {".".join(parts) for sites in cat.by_last.values() for parts, _site in sites}
    assert read == callees
    assert ("chat", "completions", "create") in {p for p, _s in cat.by_last["create"]}


@pytest.mark.parametrize(
    "raw",
    [
        {"callee": ["x.create"], "args": [{"key": "prompt", "shape": "txt"}]},  # a typo in a shape
        {"callee": ["x.create"], "rolle": "system"},  # a typo in a key
        {"callee": ["x.create"], "kind": "message", "role": "sytem"},
        {"callee": "x.create"},  # not a list
        {"callee": ["x.create"], "args": [{"key": "prompt", "pos": "1"}]},
        {"callee": ["x.create"], "agent": "yes"},
        {"library": "x"},  # no callee
    ],
)
def test_a_mistake_in_a_site_is_a_clear_error(raw: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match=jc.CATALOGUE_FILE):
        jc._site(raw)


def test_a_site_reads_as_written() -> None:
    site = jc._site(
        {
            "library": "acme",
            "callee": ["acme.chat"],
            "imports": ["acme"],
            "args": [
                {"key": "system", "role": "system"},
                {"pos": 1, "shape": "messages", "label": "history"},
            ],
        }
    )
    assert site.callees == ("acme.chat",) and site.imports == ("acme",)
    assert site.args == (
        jc.Arg("system", role="system"),
        jc.Arg(None, 1, "messages", "unknown", "history"),
    )


_NAME_PART = st.sampled_from(["", "click", "option", "input", "os", "system", "gr", "Textbox", "x"])


@given(st.lists(_NAME_PART, min_size=1, max_size=5), st.booleans())
def test_an_excluded_callee_is_told_by_its_dotted_name(parts: list[str], under: bool) -> None:
    """The catalogue's lookup by the name's ends says what comparing the
    dotted name with every excluded name says."""
    from prism_lint.extract.python.catalogue import load_catalogue

    cat = load_catalogue()
    dotted = ".".join(parts)
    expected = any(
        dotted == e or dotted.endswith("." + e) or (under and dotted.startswith(e + "."))
        for e in cat.exclude
    )
    assert cat.excluded(tuple(parts), under=under) == expected


def test_excluded_callees() -> None:
    from prism_lint.extract.python.catalogue import load_catalogue

    cat = load_catalogue()
    assert cat.excluded(("click", "option"))
    assert cat.excluded(("self", "click", "option"))
    assert cat.excluded(("questionary", "text"))
    assert not cat.excluded(("questionary", "text"), under=False)
    assert not cat.excluded(("client", "chat", "completions", "create"))
