"""The JavaScript call sites are data, read and checked as the Python ones are."""

from __future__ import annotations

from typing import Any

import pytest

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
