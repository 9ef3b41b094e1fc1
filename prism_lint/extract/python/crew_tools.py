"""The tools a CrewAI project gives each agent of its ``agents.yaml``.

A crew's agents are written in YAML (role, goal, backstory) and built in the
project's ``crew.py``::

    @agent
    def researcher(self) -> Agent:
        return Agent(config=self.agents_config["researcher"], tools=[SerperDevTool()])

What a search or scraping tool returns is what the agent then works on, so
the YAML prompt's call context needs those tool names. Read from the parse
tree, never executed; the walk is bounded.
"""

from __future__ import annotations

from typing import Any

from prism_lint.extract.python.source import tree_of

MAX_NODES = 200_000  # a crew.py is small; a larger tree is read this far


def agent_tools(source: str) -> dict[str, list[str]]:
    """Agent name -> tool names, for each ``Agent(config=...agents_config[name],
    tools=[...])`` call of ``source``."""
    out: dict[str, list[str]] = {}
    stack = [tree_of(source).root_node]
    seen = 0
    while stack and seen < MAX_NODES:
        node = stack.pop()
        seen += 1
        if node.type == "call":
            found = _agent_call(node)
            if found is not None:
                name, tools = found
                out.setdefault(name, []).extend(t for t in tools if t not in out.get(name, []))
        stack.extend(reversed(node.named_children))
    return out


def _agent_call(call: Any) -> tuple[str, list[str]] | None:
    args = call.child_by_field_name("arguments")
    if args is None:
        return None
    name: str | None = None
    tools: list[str] = []
    for arg in args.named_children:
        if arg.type != "keyword_argument":
            continue
        key = arg.child_by_field_name("name")
        value = arg.child_by_field_name("value")
        if key is None or value is None:
            continue
        if _text(key) == "config":
            name = _config_name(value)
        elif _text(key) == "tools" and value.type == "list":
            tools = [t for t in (_tool_name(el) for el in value.named_children) if t]
    return (name, tools) if name and tools else None


def _config_name(value: Any) -> str | None:
    """``self.agents_config["researcher"]`` -> researcher."""
    if value.type != "subscript":
        return None
    base = value.child_by_field_name("value")
    index = value.child_by_field_name("subscript")
    if base is None or index is None or not _text(base).endswith("agents_config"):
        return None
    if index.type != "string":
        return None
    parts = [c for c in index.named_children if c.type == "string_content"]
    return _text(parts[0]) if len(parts) == 1 else None


def _tool_name(el: Any) -> str | None:
    if el.type == "call":
        el = el.child_by_field_name("function")
        if el is None:
            return None
    if el.type in ("identifier", "attribute"):
        return _text(el).rsplit(".", 1)[-1]
    return None


def _text(node: Any) -> str:
    return bytes(node.text or b"").decode("utf-8", "replace")
