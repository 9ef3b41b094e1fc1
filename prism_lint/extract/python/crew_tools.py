"""What a CrewAI project's crew module says of the agents and tasks of its YAML.

A crew's agents and tasks are written in YAML (role, goal, backstory; a
task's description and expected output) and built in the project's
``crew.py``::

    @agent
    def researcher(self) -> Agent:
        return Agent(config=self.agents_config["researcher"], tools=[SerperDevTool()])

    @task
    def research_task(self) -> Task:
        return Task(config=self.tasks_config["research_task"], agent=self.researcher())

What a search or scraping tool returns is what the agent then works on, so
the YAML prompt's call context needs those tool names. A task whose YAML
names no ``agent:`` is given one here: the agent's prompt is sent with that
task's request, which says what the agent is asked to do. Read from the
parse tree, never executed; the walk is bounded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from prism_lint.extract.python.source import tree_of

MAX_NODES = 200_000  # a crew.py is small; a larger tree is read this far


@dataclass
class Crew:
    """An agent's tools by its YAML key; a task's agent by their YAML keys."""

    tools: dict[str, list[str]] = field(default_factory=dict)
    task_agents: dict[str, str] = field(default_factory=dict)


def agent_tools(source: str) -> dict[str, list[str]]:
    """Agent name -> tool names, for each ``Agent(config=...agents_config[name],
    tools=[...])`` call of ``source``."""
    return read_crew(source).tools


def read_crew(source: str) -> Crew:
    """The tools of each agent and the agent of each task ``source`` builds."""
    crew = Crew()
    agent_of_method: dict[str, str] = {}  # ``def writer_agent(self)`` -> its config key
    task_methods: dict[str, str] = {}  # task key -> the method its ``agent=`` calls
    # ``analyst = Agent(...)``: the agent a variable holds where it is read
    # (the walk goes in the text's order), not where a method is defined
    agent_of_variable: dict[str, str] = {}
    # (node, the function it is in)
    stack: list[tuple[Any, str]] = [(tree_of(source).root_node, "")]
    seen = 0
    while stack and seen < MAX_NODES:
        node, method = stack.pop()
        seen += 1
        if node.type == "function_definition":
            name = node.child_by_field_name("name")
            method = _text(name) if name is not None else ""
        elif node.type == "call":
            keywords = _keywords(node)
            agent = _config_name(keywords.get("config"), "agents_config")
            if agent:
                if method:
                    agent_of_method.setdefault(method, agent)
                target = _assigned_to(node)
                if target:  # ``analyst = Agent(config=agents_config["analyst"])``
                    agent_of_variable[target] = agent
                tools = keywords.get("tools")
                if tools is not None and tools.type == "list":
                    mine = crew.tools.setdefault(agent, [])
                    for tool in (_tool_name(el) for el in tools.named_children):
                        if tool and tool not in mine:
                            mine.append(tool)
            task = _config_name(keywords.get("config"), "tasks_config") or next(
                (
                    found
                    for key in ("description", "expected_output")
                    if (found := _field_of(keywords.get(key)))
                ),
                None,
            )
            given = keywords.get("agent")
            if task and given is not None and given.type == "identifier":
                held = agent_of_variable.get(_text(given))
                if held is not None:
                    crew.task_agents.setdefault(task, held)
                    task = None
            called = _method_called(given)
            if task and called:
                task_methods.setdefault(task, called)
        stack.extend((child, method) for child in reversed(node.named_children))
    crew.tools = {agent: tools for agent, tools in crew.tools.items() if tools}
    for task, called in task_methods.items():
        crew.task_agents.setdefault(task, agent_of_method.get(called, called))
    return crew


def _keywords(call: Any) -> dict[str, Any]:
    args = call.child_by_field_name("arguments")
    out: dict[str, Any] = {}
    if args is None:
        return out
    for arg in args.named_children:
        if arg.type != "keyword_argument":
            continue
        key = arg.child_by_field_name("name")
        value = arg.child_by_field_name("value")
        if key is not None and value is not None:
            out[_text(key)] = value
    return out


def _config_name(value: Any, config: str) -> str | None:
    """``self.agents_config["researcher"]`` -> researcher (``config``: which table)."""
    if value is None or value.type != "subscript":
        return None
    base = value.child_by_field_name("value")
    index = value.child_by_field_name("subscript")
    if base is None or index is None or not _text(base).endswith(config):
        return None
    if index.type != "string":
        return None
    parts = [c for c in index.named_children if c.type == "string_content"]
    return _text(parts[0]) if len(parts) == 1 else None


def _field_of(value: Any) -> str | None:
    """``tasks_config["research"]["description"]`` -> research."""
    if value is None or value.type != "subscript":
        return None
    return _config_name(value.child_by_field_name("value"), "tasks_config")


def _assigned_to(call: Any) -> str | None:
    """The name a call's value is assigned to (``analyst = Agent(...)``)."""
    parent = call.parent
    if parent is None or parent.type != "assignment":
        return None
    left = parent.child_by_field_name("left")
    return _text(left) if left is not None and left.type == "identifier" else None


def _method_called(value: Any) -> str | None:
    """``self.writer()``, ``self.writer`` or an agent's variable ``writer`` -> writer."""
    if value is None:
        return None
    if value.type == "identifier":
        return _text(value)
    if value.type == "call":
        if value.child_by_field_name("arguments") is None:
            return None
        value = value.child_by_field_name("function")
        if value is None:
            return None
    if value.type != "attribute":
        return None
    obj = value.child_by_field_name("object")
    attr = value.child_by_field_name("attribute")
    if obj is None or attr is None or _text(obj) != "self":
        return None
    return _text(attr)


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
