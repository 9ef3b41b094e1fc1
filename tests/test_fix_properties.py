"""Properties of fixes over generated prompts in every format.

For each format, a generated file with an expert persona on a code task:

- fixing twice gives what fixing once gives;
- the fixed file still parses in its language (Python compiles, YAML loads
  with every other value unchanged, the template parses);
- re-checking the fixed file finds no persona on that prompt;
- safe fixes remove nothing but the persona and the white space and
  punctuation next to it (and repair one capital letter).
"""

from __future__ import annotations

import json
import string

import jinja2
import libcst
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from test_fix_support import GATE, check, fix

from prism_lint.config import Settings
from prism_lint.extract.notebook.positions import cell_source
from prism_lint.fix.verify import parses

PERSONAS = [
    "You are an expert Python developer.",
    "You are a senior software engineer.",
    "Act as a senior data engineer.",
    "I want you to act as an expert SQL developer.",
]
CLAUSES = ["As a senior Python engineer,", "As an expert software developer,"]
TASKS = [
    "Write a Python function that sorts a list.",
    "Fix the bug in the Python code below.",
    "Write unit tests for the function.",
    "Return only the code.",
]
FILLER = ["Keep it short.", "Use clear variable names.", "Answer in English."]

PERSONA_CODES = ("PRS1", "PRS2", "PRS3")
FAST = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def prompts(draw: st.DrawFn, placeholder: str = "") -> str:
    """A prompt with one persona, some code task sentences and filler."""
    tasks = draw(st.lists(st.sampled_from(TASKS), min_size=1, max_size=3, unique=True))
    filler = draw(st.lists(st.sampled_from(FILLER), max_size=2, unique=True))
    if draw(st.booleans()):
        first = draw(st.sampled_from(CLAUSES)) + " " + tasks[0][0].lower() + tasks[0][1:]
        body = [first, *tasks[1:]]
    else:
        persona = draw(st.sampled_from(PERSONAS))
        body = list(tasks)
        body.insert(draw(st.integers(0, len(body))), persona)
    body = filler[:1] + body + filler[1:]
    if placeholder and draw(st.booleans()):
        body.append(f"The task: {placeholder}.")
    joiners = draw(
        st.lists(st.sampled_from([" ", "\n", "\n\n"]), min_size=len(body), max_size=len(body))
    )
    bullets = draw(st.booleans())
    out = ""
    for i, sentence in enumerate(body):
        if i:
            out += joiners[i]
        if bullets and (i == 0 or "\n" in joiners[i]):
            sentence = "- " + sentence
        out += sentence
    return out


def persona_findings(path: str, text: str, cfg: Settings | None = None) -> list[str]:
    found = check(path, text, cfg or Settings())
    return [d.code for d in found if d.code.startswith(PERSONA_CODES)]


def removed_only_near(old: str, new: str, spans: list[tuple[int, int]]) -> bool:
    """``new`` is ``old`` with characters removed only from windows around
    ``spans`` (the span, white space and punctuation next to it, string
    prefixes), plus at most a capital letter after each window."""
    keep_chars = set(string.whitespace + string.punctuation)
    windows: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        while s > 0 and (
            old[s - 1] in keep_chars
            or (old[s - 1] in "rRbBuUfF" and old[s] in "\"'")
            or (old[s - 1] in "ntr" and old[s - 2 : s - 1] == "\\")
        ):
            s -= 1
        while e < len(old) and old[e] in keep_chars:
            # An escaped line break or tab is white space too.
            e += 2 if old[e] == "\\" and old[e + 1 : e + 2] in ("n", "t", "r") else 1
        if windows and s <= windows[-1][1]:
            windows[-1] = (windows[-1][0], max(windows[-1][1], e))
        else:
            windows.append((s, e))
    parts = []
    pos = 0
    for s, e in windows:
        parts.append((old[pos:s], old[s:e]))
        pos = e
    tail = old[pos:]
    at = 0
    for i, (keep, window) in enumerate(parts):
        if i == 0:
            if not new.startswith(keep):
                return False
            at = len(keep)
        nxt = parts[i + 1][0] if i + 1 < len(parts) else tail
        if not nxt:
            end = len(new) if i + 1 == len(parts) else at
        else:
            end = new.find(nxt[1:], at) - 1 if len(nxt) > 1 else new.find(nxt, at)
            if end < at or new[end].lower() != nxt[0].lower():
                return False
        if not _subsequence(new[at:end], window):
            return False
        at = end + len(nxt)
    return at == len(new)


def _subsequence(small: str, big: str) -> bool:
    it = iter(big)
    return all(ch in it for ch in small)


def check_properties(path: str, text: str, parsed: callable) -> str:  # type: ignore[valid-type]
    found = [d for d in check(path, text) if d.code.startswith(PERSONA_CODES)]
    assume(found)
    spans = [(d.start, d.end) for d in found]
    once, _, remaining = fix(path, text)
    assert fix(path, once)[0] == once
    parsed(text, once)
    if all(d.fix is not None for d in found):
        assert not [d.code for d in remaining if d.code.startswith(PERSONA_CODES)]
    safe, _, _ = fix(path, text, unsafe=False)
    assert removed_only_near(text, safe, spans)
    parsed(text, safe)
    return once


# --------------------------------------------------------------------------
# Python
# --------------------------------------------------------------------------


def py_literal(draw: st.DrawFn, text: str) -> str:
    style = draw(st.sampled_from(["double", "single", "triple", "concat", "fstring"]))
    if style == "double":
        return json.dumps(text, ensure_ascii=False)
    if style == "single":
        return (
            "'"
            + json.dumps(text, ensure_ascii=False)[1:-1].replace("'", "\\'").replace('\\"', '"')
            + "'"
        )
    if style == "triple":
        return (
            '"""' + text.replace("\\", "\\\\") + '"""'
            if not text.endswith('"')
            else json.dumps(text)
        )
    if style == "fstring":
        return "f" + json.dumps(text.replace("{", "{{").replace("}", "}}"), ensure_ascii=False)
    words = text.split(" ")
    cut = draw(st.integers(1, max(1, len(words) - 1)))
    a, b = " ".join(words[:cut]) + " ", " ".join(words[cut:])
    return "(\n    " + json.dumps(a) + "\n    " + json.dumps(b) + "\n)"


@st.composite
def python_files(draw: st.DrawFn) -> str:
    literal = py_literal(draw, draw(prompts()))
    inline = draw(st.booleans())
    head = "from openai import OpenAI\n\nclient = OpenAI()\n"
    if inline:
        content = literal
        pre = ""
    else:
        pre = f"SYSTEM_PROMPT = {literal}\n"
        content = "SYSTEM_PROMPT"
    return (
        head
        + pre
        + (
            "resp = client.chat.completions.create(\n"
            '    model="gpt-4o",\n'
            "    messages=[\n"
            f'        {{"role": "system", "content": {content}}},\n'
            '        {"role": "user", "content": question},\n'
            "    ],\n"
            ")\n"
        )
    )


def python_ok(old: str, new: str) -> None:
    libcst.parse_module(new)
    compile(new, "<fixed>", "exec")


@FAST
@given(python_files())
def test_python(text: str) -> None:
    check_properties("app.py", text, python_ok)


@FAST
@given(python_files())
def test_python_gate(text: str) -> None:
    assume(persona_findings("app.py", text, GATE))
    once, _, remaining = fix("app.py", text, settings=GATE)
    python_ok(text, once)
    assert fix("app.py", once, settings=GATE)[0] == once
    assert not [d for d in remaining if d.code.startswith(PERSONA_CODES) and d.fix]


# --------------------------------------------------------------------------
# YAML
# --------------------------------------------------------------------------


def yaml_dump(data: object, style: str | None, width: int) -> str:
    class Dumper(yaml.SafeDumper):
        pass

    def represent(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
        chosen = style
        if style in ("|", ">") and "\n" not in value and len(value) < 30:
            chosen = None
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=chosen)

    Dumper.add_representer(str, represent)
    return yaml.dump(data, Dumper=Dumper, width=width, sort_keys=False, allow_unicode=True)


@st.composite
def yaml_files(draw: st.DrawFn) -> tuple[str, dict[str, object]]:
    data: dict[str, object] = {
        "name": "Code helper",
        "model": "openai/gpt-4o-mini",
        "messages": [
            {"role": "system", "content": draw(prompts(placeholder="{{input}}"))},
            {"role": "user", "content": "{{input}}"},
        ],
        "testData": [{"input": "sort [3, 1]", "expected": "[1, 3]"}],
    }
    style = draw(st.sampled_from([None, '"', "'", "|", ">"]))
    width = draw(st.sampled_from([40, 80, 1000]))
    return yaml_dump(data, style, width), data


def yaml_ok(old: str, new: str) -> None:
    before, after = yaml.safe_load(old), yaml.safe_load(new)
    content = after["messages"][0]["content"]
    assert isinstance(content, str) and content.strip()
    after["messages"][0]["content"] = before["messages"][0]["content"]
    assert after == before


@FAST
@given(yaml_files())
def test_yaml(case: tuple[str, dict[str, object]]) -> None:
    text, data = case
    assert yaml.safe_load(text) == data
    check_properties("helper.prompt.yml", text, yaml_ok)


# --------------------------------------------------------------------------
# Templates: Jinja, Prompty, Dotprompt
# --------------------------------------------------------------------------


def jinja_ok(old: str, new: str) -> None:
    jinja2.Environment().parse(new)


@st.composite
def jinja_files(draw: st.DrawFn) -> str:
    text = draw(prompts(placeholder="{{ task }}"))
    if draw(st.booleans()):
        text = "{# the code assistant #}\n" + text
    if draw(st.booleans()):
        text += "\n{% if tests %}\nAlso write pytest tests.\n{% endif %}"
    return text + "\n"


def render(text: str, **values: object) -> str:
    env = jinja2.Environment(undefined=jinja2.ChainableUndefined, keep_trailing_newline=True)
    return env.from_string(text).render(**values)


@FAST
@given(jinja_files())
def test_jinja(text: str) -> None:
    check_properties("prompts/system.j2", text, jinja_ok)


@FAST
@given(jinja_files())
def test_jinja_gate_renders_both_ways(text: str) -> None:
    assume(persona_findings("prompts/system.j2", text, GATE))
    gated, _, remaining = fix("prompts/system.j2", text, settings=GATE)
    jinja_ok(text, gated)
    assert fix("prompts/system.j2", gated, settings=GATE)[0] == gated
    assert not [d for d in remaining if d.code.startswith(PERSONA_CODES)]
    stripped, _, _ = fix("prompts/system.j2", text)
    for values in ({}, {"task": "sorting", "tests": True}):
        assert render(gated, persona_enabled=True, **values) == render(text, **values)
        if stripped != text:
            assert render(gated, **values) == render(stripped, **values)


@st.composite
def prompty_files(draw: st.DrawFn) -> str:
    body = draw(prompts(placeholder="{{question}}"))
    return (
        "---\nname: Code helper\nmodel:\n  api: chat\ninputs:\n  question:\n    type: string\n"
        f"---\nsystem:\n{body}\n\nuser:\n{{{{question}}}}\n"
    )


def front_matter_ok(kind: str):  # type: ignore[no-untyped-def]
    def ok(old: str, new: str) -> None:
        assert parses(kind, new)
        assert new.split("---\n")[1] == old.split("---\n")[1]

    return ok


@FAST
@given(prompty_files(), st.booleans())
def test_prompty(text: str, gate: bool) -> None:
    if gate:
        assume(persona_findings("helper.prompty", text, GATE))
        once, _, _ = fix("helper.prompty", text, settings=GATE)
        front_matter_ok("prompty")(text, once)
        assert fix("helper.prompty", once, settings=GATE)[0] == once
    else:
        check_properties("helper.prompty", text, front_matter_ok("prompty"))


@st.composite
def dotprompt_files(draw: st.DrawFn) -> str:
    body = draw(prompts(placeholder="{{code}}"))
    return (
        "---\nmodel: googleai/gemini-2.5-flash\ninput:\n  schema:\n    code: string\n---\n"
        f'{{{{role "system"}}}}\n{body}\n{{{{role "user"}}}}\n{{{{code}}}}\n'
    )


@FAST
@given(dotprompt_files(), st.booleans())
def test_dotprompt(text: str, gate: bool) -> None:
    if gate:
        assume(persona_findings("review.prompt", text, GATE))
        once, _, _ = fix("review.prompt", text, settings=GATE)
        front_matter_ok("dotprompt")(text, once)
        assert fix("review.prompt", once, settings=GATE)[0] == once
    else:
        check_properties("review.prompt", text, front_matter_ok("dotprompt"))


# --------------------------------------------------------------------------
# Markdown, text, notebooks
# --------------------------------------------------------------------------


@st.composite
def markdown_files(draw: st.DrawFn) -> str:
    body = draw(prompts())
    if draw(st.booleans()):
        body = "# Project rules\n\n" + body
    if draw(st.booleans()):
        body += "\n\n## Style\n\n- Use type hints."
    return body + ("\n" if draw(st.booleans()) else "")


def nothing_to_parse(old: str, new: str) -> None:
    assert new.strip()


@FAST
@given(markdown_files())
def test_markdown(text: str) -> None:
    check_properties("AGENTS.md", text, nothing_to_parse)


@FAST
@given(prompts())
def test_text(text: str) -> None:
    check_properties("prompts/system.txt", text + "\n", nothing_to_parse)


@st.composite
def notebooks(draw: st.DrawFn) -> str:
    cell = draw(python_files())
    source: object = cell.splitlines(keepends=True) if draw(st.booleans()) else cell
    nb = {
        "cells": [
            {"cell_type": "markdown", "metadata": {}, "source": ["# Demo"]},
            {
                "cell_type": "code",
                "execution_count": None,
                "metadata": {},
                "outputs": [],
                "source": source,
            },
        ],
        "metadata": {"language_info": {"name": "python"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    return json.dumps(nb, indent=1, ensure_ascii=False) + "\n"


def notebook_ok(old: str, new: str) -> None:
    before, after = json.loads(old), json.loads(new)
    python_ok("", cell_source(new, 2))
    after["cells"][1]["source"] = before["cells"][1]["source"]
    assert after == before


@FAST
@given(notebooks())
def test_notebook(text: str) -> None:
    assume(persona_findings("demo.ipynb", text))
    once, _, remaining = fix("demo.ipynb", text)
    notebook_ok(text, once)
    assert fix("demo.ipynb", once)[0] == once
    assert not [d for d in remaining if d.code.startswith(PERSONA_CODES) and d.fix]
