"""The flow table a cache entry keeps is read back exactly, or not at all."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from prism_lint import flow_cache
from prism_lint.extract.python.flow import Table, Wrapper


def _table() -> Table:
    return Table(
        wrappers={
            "ask": Wrapper(("messages", "model"), (("messages", "messages"),), "model", "openai"),
            "js:chat": Wrapper(("q",), (("q", "user"),), "", "", "o3-mini"),
        },
        sinks={"PLANNER": "system"},
        own={"rules": "user"},
        defines={"ask": 1, "rules": 1},
        called=frozenset({"create", "rules"}),
        imports=frozenset({"app.llm.ask", "js:../lib/llm"}),
    )


def test_a_table_reads_back_as_written() -> None:
    back = flow_cache.decode(flow_cache.encode(_table()))
    assert back == _table()
    assert flow_cache.decode(flow_cache.encode(None)) is None
    read = _table()
    read.definitions_only = True
    assert flow_cache.decode(flow_cache.encode(read)) == read


def test_a_module_read_for_its_definitions_reads_no_facts() -> None:
    # it reports nothing of its own: no change elsewhere makes its result stale
    caller = Table(defines={"PLANNER": 1}, called=frozenset({"ask"}))
    assert flow_cache.facts(caller, _table())
    caller.definitions_only = True
    assert flow_cache.facts(caller, _table()) == ""


def test_facts_change_only_with_what_the_module_reads() -> None:
    caller = Table(defines={"PLANNER": 1}, called=frozenset({"ask"}))
    project = _table()
    before = flow_cache.facts(caller, project)
    assert before
    project.sinks["UNRELATED"] = "user"
    assert flow_cache.facts(caller, project) == before
    project.wrappers["ask"] = Wrapper(("messages",), (("messages", "messages"),))
    assert flow_cache.facts(caller, project) != before
    assert flow_cache.facts(caller, Table()) == ""
    # the model a wrapper names is what its callers' results read too
    js = Table(called=frozenset({"js:chat"}))
    named = flow_cache.facts(js, project)
    project.wrappers["js:chat"] = Wrapper(("q",), (("q", "user"),), "", "", "gpt-4o")
    assert flow_cache.facts(js, project) != named
    assert flow_cache.facts(None, project) == ""


@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=5),
        lambda c: st.lists(c, max_size=4) | st.dictionaries(st.text(max_size=8), c, max_size=5),
        max_leaves=20,
    )
)
def test_anything_else_is_refused_cleanly(data: object) -> None:
    with contextlib.suppress(flow_cache.Invalid):
        flow_cache.decode(data)


_GOOD = {
    "wrappers": {},
    "sinks": {},
    "own": {},
    "defines": [],
    "called": [],
    "sets": [],
    "imports": [],
    "definitions_only": False,
}


@pytest.mark.parametrize(
    "bad",
    [
        {"wrappers": {"ask": [["m"], [["m"]], "", ""]}},
        {"sinks": {"x": 1}},
        {"defines": ["x" * 500]},
        {"extra": 1},
        {"imports": "llm.ask"},
        {"sets": [""]},
        {"imports": [""]},
        {"imports": ["x"] * (flow_cache.MAX_NAMES + 1)},
        {"definitions_only": 1},
        {"definitions_only": "yes"},
    ],
)
def test_a_malformed_table_is_invalid(bad: dict[str, object]) -> None:
    assert flow_cache.decode(_GOOD) == Table()
    with pytest.raises(flow_cache.Invalid):
        flow_cache.decode({**_GOOD, **bad})
    missing = dict(_GOOD)
    del missing[next(iter(bad)) if next(iter(bad)) in missing else "imports"]
    with pytest.raises(flow_cache.Invalid):
        flow_cache.decode(missing)
