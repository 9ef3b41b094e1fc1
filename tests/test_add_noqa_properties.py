"""--add-noqa as a fix: it never crashes, adding twice equals adding once,
the file still parses, nothing is left to report and no line is lost."""

from __future__ import annotations

import ast

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from prism_lint.commands.add_noqa import add_to_text
from prism_lint.config import Settings
from prism_lint.engine import check_source

PERSONAS = [
    "You are a senior Python engineer.",
    "You are an expert mathematician.",
    "Act as a world-class historian.",
    'You are "Senior Idea Analyst", an expert.',
]
TASKS = [
    "Write a function that sorts a list and fix the bug.",
    "Solve the equation for x and prove it.",
    "Answer questions about the French Revolution with exact dates.",
]
NAMES = ["SYSTEM_PROMPT", "REVIEW_PROMPT", "prompt"]
COMMENTS = ["", "  # keep", "  # noqa: E501", "  # noqa: PRS999"]

python_prompt = st.builds(
    lambda name, persona, task, comment, triple: (
        f'{name} = """{persona}\n{task}"""{comment}\n'
        if triple
        else f"{name} = {(persona + ' ' + task)!r}{comment}\n"
    ),
    st.sampled_from(NAMES),
    st.sampled_from(PERSONAS),
    st.sampled_from(TASKS),
    st.sampled_from(COMMENTS),
    st.booleans(),
)


def _findings(path: str, text: str) -> list[str]:
    found = check_source(path, text, Settings(), named=True).diagnostics
    return [d.code for d in found if not d.code.startswith("PRS9")]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(python_prompt, min_size=1, max_size=4), st.sampled_from(["", "legacy"]))
def test_python(parts: list[str], reason: str) -> None:
    text = "".join(parts)
    once, _ = add_to_text("p.py", text, Settings(), reason)
    twice, added = add_to_text("p.py", once, Settings(), reason)
    assert twice == once and added == 0
    ast.parse(once)
    assert _findings("p.py", once) == []
    # only comments changed: every line's code is as it was
    assert [line.split("  #")[0] for line in once.splitlines()] == [
        line.split("  #")[0] for line in text.splitlines()
    ]


yaml_agent = st.builds(
    lambda key, persona, task, block: (
        f"{key}:\n  role: >\n    {persona}\n  goal: |\n    {persona}\n    {task}\n"
        if block
        else f"{key}:\n  role: {persona!r}\n  goal: {(persona + ' ' + task)!r}\n"
    ),
    st.sampled_from(["researcher", "coder", "analyst"]),
    st.sampled_from(PERSONAS[:3]),
    st.sampled_from(TASKS),
    st.booleans(),
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(yaml_agent, min_size=1, max_size=3, unique=True))
def test_yaml(parts: list[str]) -> None:
    text = "".join(parts)
    if len({p.split(":")[0] for p in parts}) != len(parts):
        return  # a repeated key is another test's business
    once, _ = add_to_text("config/agents.yaml", text, Settings())
    assert add_to_text("config/agents.yaml", once, Settings())[0] == once
    assert yaml.safe_load(once) == yaml.safe_load(text)  # only comments were added
    assert _findings("config/agents.yaml", once) == []


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.tuples(st.sampled_from(PERSONAS), st.sampled_from(TASKS)), min_size=1, max_size=3)
)
def test_markdown(sections: list[tuple[str, str]]) -> None:
    text = "".join(f"## Part {i}\n\n{p} {t}\n\n" for i, (p, t) in enumerate(sections))
    once, _ = add_to_text("prompts/system.md", text, Settings())
    assert add_to_text("prompts/system.md", once, Settings())[0] == once
    assert _findings("prompts/system.md", once) == []
    kept = [line for line in once.splitlines() if not line.startswith("<!-- prism: ignore")]
    assert kept == text.splitlines()
