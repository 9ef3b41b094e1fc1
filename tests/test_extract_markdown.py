"""Markdown prompt files: the tools an agent file's front matter gives the model."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from prism_lint.analysis import analyse, is_flagged
from prism_lint.extract import ExtractError, ExtractOptions
from prism_lint.extract.text.extractor import extract
from prism_lint.model import Document

BODY = (
    "You are a senior financial analyst. Your expertise spans financial modeling and "
    "strategic planning. Research the market for the user's question and report the "
    "figures you find.\n"
)


def _unit(text: str, path: str = ".claude/agents/analyst.md") -> object:
    (unit,) = extract(Document(path, text), ExtractOptions()).units
    return unit


@pytest.mark.parametrize(
    ("front", "tools"),
    [
        # a Claude Code subagent
        ("name: analyst\ntools: Read, Bash, WebSearch\n", ["Read", "Bash", "WebSearch"]),
        # a YAML list, and a skill's or a command's allowed-tools with their patterns
        ("tools:\n  - WebSearch\n  - Read\n", ["WebSearch", "Read"]),
        ("allowed-tools: Bash(git add:*), Read\n", ["Bash", "Read"]),
        # a Copilot prompt file
        ("mode: agent\ntools: ['fetch', 'codebase']\n", ["fetch", "codebase"]),
        # none listed, or a front matter that is no YAML mapping
        ("name: analyst\n", []),
        ("tools: [Read\n", []),
    ],
)
def test_the_tools_of_an_agent_files_front_matter_are_the_calls_tools(
    front: str, tools: list[str]
) -> None:
    unit = _unit(f"---\n{front}---\n\n{BODY}")
    assert unit.context.tools == tools  # type: ignore[attr-defined]
    assert unit.text.strip() == BODY.strip()  # type: ignore[attr-defined]


def test_an_agent_that_searches_the_web_reports_what_it_finds() -> None:
    """The facts a subagent with a search tool reports are the search's:
    no factual-recall finding, while the same persona without it is one."""
    searching = _unit(f"---\ntools: Read, WebSearch\n---\n\n{BODY}")
    assert not is_flagged(analyse(searching))  # type: ignore[arg-type]
    recalling = _unit(f"---\nname: analyst\n---\n\n{BODY}")
    assert is_flagged(analyse(recalling))  # type: ignore[arg-type]


@given(st.text(max_size=200))
def test_any_front_matter_reads_without_error(front: str) -> None:
    text = f"---\ntools: {front}\n---\n\n{BODY}"
    try:
        found = extract(Document("agent.md", text), ExtractOptions())
    except ExtractError:
        return  # a front matter the text closes too early or never: reported, not read
    for unit in found.units:
        assert all(isinstance(t, str) and t for t in unit.context.tools)
