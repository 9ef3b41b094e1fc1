"""Fixes in YAML, Jinja, Prompty, Prompt flow, Dotprompt, Markdown and text files."""

from __future__ import annotations

import re

import jinja2
import pytest
import yaml
from hypothesis import given
from strategies import texts_of
from test_fix_support import GATE, changed_lines, fix, persona_findings

from prism_lint.config import Settings
from prism_lint.fix.verify import parses

# --------------------------------------------------------------------------
# YAML: every scalar style, and every other key unchanged
# --------------------------------------------------------------------------

MODELS_HEAD = "name: Code helper\nmodel: openai/gpt-4o-mini\nmessages:\n  - role: system\n"
MODELS_TAIL = "  - role: user\n    content: '{{input}}'\ntestData:\n  - input: sort [3, 1]\n"


def models_file(content: str) -> str:
    return MODELS_HEAD + content + MODELS_TAIL


TASK = "Write a Python function that solves the task."


@pytest.mark.parametrize(
    ("content", "fixed"),
    [
        (  # double-quoted, with an escaped line continuation and an escape
            '    content: "You are an expert Python developer. Write a Python function\\\n'
            '      \\ that solves the task.\\nReturn only code."\n',
            '    content: "Write a Python function\\\n'
            '      \\ that solves the task.\\nReturn only code."\n',
        ),
        (  # single-quoted, with a '' escape
            "    content: 'You are an expert Python developer. Write a Python function that''s\n"
            "      correct and solves the task.'\n",
            "    content: 'Write a Python function that''s\n      correct and solves the task.'\n",
        ),
        (  # plain, folded over two lines
            "    content: You are an expert Python developer.\n"
            "      Write a Python function that solves the task.\n",
            "    content: Write a Python function that solves the task.\n",
        ),
        (  # folded block with a kept line break
            "    content: >\n      You are an expert Python developer.\n\n"
            "      Write a Python function\n      that solves the task.\n",
            "    content: >\n      Write a Python function\n      that solves the task.\n",
        ),
        (  # literal block, persona on its own line
            "    content: |\n      You are an expert Python developer.\n"
            "      Write a Python function that solves the task.\n",
            "    content: |\n      Write a Python function that solves the task.\n",
        ),
        (  # literal block, persona opening a line; comment after the value
            "    content: |-  # the system prompt\n"
            "      As an expert Python developer, write a Python function that solves the task.\n",
            "    content: |-  # the system prompt\n"
            "      Write a Python function that solves the task.\n",
        ),
        (  # double-quoted with a comment after it
            '    content: "As an expert Python developer, write a Python function that solves'
            ' the task."  # keep\n',
            '    content: "Write a Python function that solves the task."  # keep\n',
        ),
    ],
)
def test_yaml_scalar_styles(content: str, fixed: str) -> None:
    text = models_file(content)
    found = persona_findings("helper.prompt.yml", text)
    assert found and found[0].fix is not None
    assert found[0].fix.applicability == "safe"
    new, _, remaining = fix("helper.prompt.yml", text, unsafe=False)
    assert not remaining
    assert new == models_file(fixed)
    before, after = yaml.safe_load(text), yaml.safe_load(new)
    assert after["messages"][0]["content"].startswith("Write a Python function")
    after["messages"][0]["content"] = before["messages"][0]["content"]
    assert after == before


def test_crewai_backstory_keeps_the_other_keys() -> None:
    # With a role, CrewAI's "You are {role}." leads the prompt and the backstory
    # persona is part of that passage (reported on the role, which has no fix).
    text = (
        "coder:\n"
        "  goal: >\n    Write Python code for {topic} and fix the bugs you find\n"
        "  backstory: >\n"
        "    You are an expert Python developer. You write Python code that passes its\n"
        "    tests and fix bugs in {topic} services.\n"
        "  llm: openai/gpt-4o  # model\n"
    )
    new, _, _ = fix("config/agents.yaml", text)
    assert changed_lines(text, new) == [
        "-    You are an expert Python developer. You write Python code that passes its",
        "+    You write Python code that passes its",
    ]
    before, after = yaml.safe_load(text), yaml.safe_load(new)
    assert {k: v for k, v in after["coder"].items() if k != "backstory"} == {
        k: v for k, v in before["coder"].items() if k != "backstory"
    }


def test_yaml_value_that_is_only_a_persona_gets_no_fix() -> None:
    text = models_file("    content: You are an expert Python developer.\n").replace(
        "'{{input}}'", "'Write a Python function for {{input}}'"
    )
    found = persona_findings("helper.prompt.yml", text)
    assert found and all(d.fix is None for d in found)


def test_github_models_cannot_be_gated_so_gate_strips() -> None:
    text = models_file(
        "    content: You are an expert Python developer. Write a Python function.\n"
    )
    found = persona_findings("helper.prompt.yml", text, GATE)
    assert found and found[0].fix is not None
    assert found[0].fix.applicability == "unsafe"
    assert "cannot be gated" in found[0].fix.message


# --------------------------------------------------------------------------
# Jinja
# --------------------------------------------------------------------------

J2 = (
    "{# the code assistant #}\n"
    "You are an expert Python developer.\n"
    "Write a Python function that solves {{ task }}.\n"
    "{% if tests %}\nAlso write pytest tests.\n{% endif %}\n"
)


def render(text: str, **values: object) -> str:
    env = jinja2.Environment(undefined=jinja2.ChainableUndefined, keep_trailing_newline=True)
    return env.from_string(text).render(**values)


def test_jinja_strip() -> None:
    new, _, remaining = fix("prompts/system.j2", J2, unsafe=False)
    assert not remaining
    assert changed_lines(J2, new) == ["-You are an expert Python developer."]
    assert parses("jinja", new)


def test_jinja_gate_renders_as_before_when_on_and_as_stripped_when_off() -> None:
    gated, _, remaining = fix("prompts/system.j2", J2, settings=GATE)
    assert not remaining
    assert "{% if persona_enabled %}You are an expert Python developer.\n{% endif %}" in gated
    stripped, _, _ = fix("prompts/system.j2", J2)
    for values in ({}, {"task": "sorting", "tests": True}):
        assert render(gated, persona_enabled=True, **values) == render(J2, **values)
        assert render(gated, **values) == render(stripped, **values)
    # The gated persona is not reported again, and fixing again changes nothing.
    assert persona_findings("prompts/system.j2", gated, GATE) == []
    assert fix("prompts/system.j2", gated, settings=GATE)[0] == gated


def test_jinja_gate_of_a_leading_clause_keeps_the_capital_in_else() -> None:
    text = "As a senior engineer, write the Python code for {{ task }}.\n"
    gated, _, _ = fix("prompts/system.j2", text, settings=GATE)
    assert gated == (
        "{% if persona_enabled %}As a senior engineer, write{% else %}Write{% endif %}"
        " the Python code for {{ task }}.\n"
    )
    assert render(gated, task="x") == "Write the Python code for x.\n"
    assert render(gated, task="x", persona_enabled=True) == render(text, task="x")


def test_gate_variable_is_configurable() -> None:
    settings = Settings(fix_strategy=(("PRS101", "gate"),), gate_variable="creative")
    text = "You are an expert Python developer. Write a Python function for {{ task }}.\n"
    new, _, remaining = fix("prompts/system.j2", text, settings=settings)
    assert new.startswith("{% if creative %}You are an expert Python developer. {% endif %}")
    assert not remaining


def test_persona_in_a_placeholder_sentence_is_unsafe_and_keeps_the_template_valid() -> None:
    text = "You are an expert {{ language }} developer. Write a function that sorts a list.\n"
    found = persona_findings("prompts/system.j2", text)
    assert found and found[0].fix is not None and found[0].fix.applicability == "unsafe"
    new, _, _ = fix("prompts/system.j2", text)
    assert new == "Write a function that sorts a list.\n"


# --------------------------------------------------------------------------
# Prompty, Prompt flow, Dotprompt
# --------------------------------------------------------------------------

PROMPTY = (
    "---\nname: Code helper\nmodel:\n  api: chat\n  configuration:\n    type: azure_openai\n"
    "inputs:\n  question:\n    type: string\n---\n"
    "system:\nYou are an expert Python developer.\nWrite Python code that answers the question.\n\n"
    "user:\n{{question}}\n"
)


def test_prompty_strip_and_gate() -> None:
    new, _, _ = fix("helper.prompty", PROMPTY)
    assert changed_lines(PROMPTY, new) == ["-You are an expert Python developer."]
    gated, _, remaining = fix("helper.prompty", PROMPTY, settings=GATE)
    assert not remaining
    assert (
        "system:\n{% if persona_enabled %}You are an expert Python developer.\n{% endif %}Write"
    ) in gated
    assert parses("prompty", gated)
    assert gated.split("---\n")[1] == PROMPTY.split("---\n")[1]  # front matter untouched


def test_prompty_mustache_gate() -> None:
    text = PROMPTY.replace("inputs:", "template: mustache\ninputs:")
    gated, _, _ = fix("helper.prompty", text, settings=GATE)
    assert (
        "{{#persona_enabled}}You are an expert Python developer.\n{{/persona_enabled}}Write"
        in gated
    )
    assert parses("prompty", gated)


def test_promptflow_template() -> None:
    text = (
        "# system:\nYou are a senior mathematician. Solve the math problem exactly.\n\n"
        "{% for item in chat_history %}\n# user:\n{{item.inputs.question}}\n{% endfor %}\n"
        "# user:\n{{question}}\n"
    )
    new, _, remaining = fix("flows/chat/chat.jinja2", text, unsafe=False)
    assert not remaining
    assert new.startswith("# system:\nSolve the math problem exactly.\n\n{% for item")


DOTPROMPT = (
    "---\nmodel: googleai/gemini-2.5-flash\ninput:\n  schema:\n    code: string\n---\n"
    '{{role "system"}}\nYou are an expert Python developer. Review the Python code and fix the '
    'bugs.\n{{role "user"}}\n{{code}}\n'
)


def test_dotprompt_strip_and_gate() -> None:
    new, _, _ = fix("review.prompt", DOTPROMPT, unsafe=False)
    assert '{{role "system"}}\nReview the Python code and fix the bugs.\n' in new
    gated, _, remaining = fix("review.prompt", DOTPROMPT, settings=GATE)
    assert not remaining
    assert (
        '{{role "system"}}\n{{#if persona_enabled}}You are an expert Python developer. '
        "{{/if}}Review the Python code"
    ) in gated
    assert parses("dotprompt", gated)


# --------------------------------------------------------------------------
# Markdown and text
# --------------------------------------------------------------------------


def test_markdown_paragraph_leaves_no_doubled_blank_line() -> None:
    text = (
        "# AGENTS.md\n\nYou are a senior backend engineer.\n\n"
        "## Tasks\n\n- Write and refactor Go code.\n- Fix failing tests.\n"
    )
    new, _, remaining = fix("AGENTS.md", text, unsafe=False)
    assert not remaining
    assert new == "# AGENTS.md\n\n## Tasks\n\n- Write and refactor Go code.\n- Fix failing tests.\n"


def test_markdown_persona_keeps_the_project_stack() -> None:
    text = (
        "# AGENTS.md\n\nYou are a senior backend engineer with deep expertise in Go.\n\n"
        "## Tasks\n\n- Write and refactor Go code.\n- Fix failing tests.\n"
    )
    found = persona_findings("AGENTS.md", text)
    assert found[0].fix is not None and found[0].fix.applicability == "safe"
    assert 'keep what it says besides the identity: "This project uses Go."' in (
        found[0].fix.message
    )
    new, _, remaining = fix("AGENTS.md", text, unsafe=False)
    assert not remaining
    assert new == (
        "# AGENTS.md\n\nThis project uses Go.\n\n"
        "## Tasks\n\n- Write and refactor Go code.\n- Fix failing tests.\n"
    )


def test_markdown_emptied_section_heading_is_an_unsafe_fix() -> None:
    text = (
        "# IDENTITY\n\nYou are an elite database engineer.\n\n"
        "# STEPS\n\n- Write one SQL query that answers the question.\n"
    )
    found = persona_findings("patterns/create_sql/system.md", text)
    assert found and found[0].fix is not None and found[0].fix.applicability == "unsafe"
    assert fix("patterns/create_sql/system.md", text, unsafe=False)[0] == text
    new, _, _ = fix("patterns/create_sql/system.md", text)
    assert new == "# STEPS\n\n- Write one SQL query that answers the question.\n"


def test_markdown_front_matter_is_untouched() -> None:
    text = (
        "---\ndescription: Python rules\nglobs: ['**/*.py']\n---\n"
        "You are an expert Python developer. Write typed Python code and fix failing tests.\n"
    )
    new, _, _ = fix(".cursor/rules/python.mdc", text)
    assert new == (
        "---\ndescription: Python rules\nglobs: ['**/*.py']\n---\n"
        "Write typed Python code and fix failing tests.\n"
    )


def test_text_prompt_file_only_persona_gets_no_fix() -> None:
    text = "You are an expert Python developer.\n"
    found = persona_findings("prompts/system.txt", text)
    for d in found:
        assert d.fix is None


def test_plain_text_file_strip() -> None:
    text = "You are an expert exam grader. Score the answer from 0 to 10 for correctness.\n"
    new, _, _ = fix("prompts/grader.txt", text)
    assert new == "Score the answer from 0 to 10 for correctness.\n"


def test_long_persona_passage_is_removed_unsafely() -> None:
    passage = (
        "You are a senior Python engineer with fifteen years of experience building "
        "distributed systems, payment platforms and data pipelines for large companies. "
        "You have mentored dozens of developers, reviewed thousands of pull requests and "
        "written books about clean architecture, testing and performance tuning in Python. "
        "You care about readable, documented and thoroughly tested code above all else. "
    )
    text = passage + "Write a Python function that merges two sorted lists.\n"
    found = [d for d in persona_findings("prompts/system.txt", text) if d.code == "PRS201"]
    assert found and found[0].fix is not None
    assert found[0].fix.applicability == "unsafe"
    new, _, _ = fix("prompts/system.txt", text)
    assert new == "Write a Python function that merges two sorted lists.\n"


def test_passage_removal_keeps_to_sentences_describing_the_persona() -> None:
    from prism_lint.analysis import Analysis, Persona, TaskInference
    from prism_lint.fix import build_fix
    from prism_lint.fix.verify import apply
    from prism_lint.model import Document, Piece, PromptUnit

    text = (
        "You are a senior engineer. You know Go. Your task is to write code.\n\n"
        "## Task\n\nWrite a Go function.\n"
    )
    unit = PromptUnit(
        Document("prompts/a.md", text), text, [Piece(0, len(text), 0, len(text))], tier="file"
    )
    persona = Persona(
        0,
        26,
        text[:26],
        "expert",
        "engineer",
        "you are",
        passage_start=0,
        passage_end=len(text) - 1,
        words=60,
    )
    analysis = Analysis([persona], TaskInference("code", 0.9))
    f = build_fix(unit, analysis, persona, "PRS201", Settings(), (0, len(text) - 1))
    assert f is not None and f.applicability == "unsafe"
    # The description goes; the task sentence and the next paragraph stay.
    assert apply(text, f.edits) == (
        "Your task is to write code.\n\n## Task\n\nWrite a Go function.\n"
    )


def test_persona_running_into_template_output_gets_no_fix() -> None:
    from prism_lint.config import Settings
    from prism_lint.engine import check_source

    text = (
        '{%- set x = 1 -%}\nYou are a senior Python engineer.\n{{- " " -}}\n'
        "Write a function that reverses a string.\n"
    )
    found = [
        d
        for d in check_source("t.j2", text, Settings(), named=True).diagnostics
        if d.code == "PRS101"
    ]
    assert found and all(d.fix is None for d in found)


# What the Handlebars check read before it was made linear: both patterns
# scanned to the end of the text from every "{{" with no "}}" after it.
_HB_TAG_PATTERN = re.compile(r"\{\{\{?~?\s*([#/^]|else\b)?\s*([\w.@-]*)[^}]*?~?\}?\}\}", re.S)
_HB_COMMENT_PATTERN = re.compile(r"\{\{!--.*?--\}\}|\{\{![^}]*\}\}", re.S)
_HANDLEBARS_TEXT = texts_of(
    [*"{}!-#/^~ a.b\n", "else", "if", "{{", "}}", "{{!--", "--}}", "{{#if ", "{{/if}}"], max_size=40
)


@given(_HANDLEBARS_TEXT)
def test_handlebars_tags_and_comments_are_what_the_patterns_find(text: str) -> None:
    from prism_lint.fix.verify import _hb_tags, _without_comments

    assert _without_comments(text) == _HB_COMMENT_PATTERN.sub("", text)
    assert [(m.span(), m.groups()) for m in _hb_tags(text)] == [
        (m.span(), m.groups()) for m in _HB_TAG_PATTERN.finditer(text)
    ]


ERROR_PERSONA = (
    "You are a JavaScript expert that knows everything about the following error message"
)


@pytest.mark.parametrize(
    ("path", "text"),
    [
        (
            "app.py",
            "from openai import OpenAI\nclient = OpenAI()\nerror = open('e.txt').read()\n"
            "client.chat.completions.create(model='gpt-4o', messages=[\n"
            f'    {{"role": "system", "content": f"{ERROR_PERSONA}: {{error}}"}},\n'
            '    {"role": "user", "content": "Explain the error."},\n])\n',
        ),
        (
            "app.ts",
            'import { anthropic } from "@ai-sdk/anthropic";\n'
            'import { ToolLoopAgent } from "ai";\n'
            "const agent = new ToolLoopAgent({\n"
            "  model: anthropic('claude-sonnet-4-5'),\n"
            "  instructions: [\n"
            "    {\n      role: 'system',\n"
            f"      content: `{ERROR_PERSONA}: ${{error}}`,\n"
            "      providerOptions: { anthropic: { cacheControl: { type: 'ephemeral' } } },\n"
            "    },\n"
            "    { role: 'system', content: 'You pay special attention to the error message.' },\n"
            "  ],\n});\n"
            "await agent.generate({ prompt: 'Explain the error.' });\n",
        ),
    ],
)
def test_a_persona_that_carries_the_material_in_a_placeholder_keeps_it(
    path: str, text: str
) -> None:
    """The program fills the error in after the identity: removing the
    message, or leaving an empty string, would drop what the model is given.
    The finding stands with no fix."""
    [finding] = [d for d in persona_findings(path, text) if d.code == "PRS101"]
    assert finding.fix is None
    assert fix(path, text)[0] == text


@pytest.mark.parametrize("wrapped", ["<error>{error}</error>", "**{error}**", "({error})"])
def test_a_placeholder_of_material_in_markup_is_kept_too(wrapped: str) -> None:
    text = (
        "from openai import OpenAI\nclient = OpenAI()\nerror = open('e.txt').read()\n"
        "client.chat.completions.create(model='gpt-4o', messages=[\n"
        f'    {{"role": "system", "content": f"{ERROR_PERSONA}: {wrapped}"}},\n'
        '    {"role": "user", "content": "Explain the error."},\n])\n'
    )
    [finding] = [d for d in persona_findings("app.py", text) if d.code == "PRS101"]
    assert finding.fix is None
    assert fix("app.py", text)[0] == text


def test_a_message_that_is_only_a_persona_with_a_placeholder_in_it_is_dropped() -> None:
    """``You are a {role} expert.``: the placeholder is part of the identity."""
    text = (
        "from openai import OpenAI\nclient = OpenAI()\nrole = 'SQL'\n"
        "client.chat.completions.create(model='gpt-4o', messages=[\n"
        '    {"role": "system", "content": f"You are a {role} expert."},\n'
        '    {"role": "user", "content": "Write a query that counts the rows."},\n])\n'
    )
    new, _n, _remaining = fix("app.py", text)
    assert changed_lines(text, new) == [
        '-    {"role": "system", "content": f"You are a {role} expert."},'
    ]


def test_a_genaiscript_template_of_nothing_but_the_persona_goes_with_its_line() -> None:
    """The prompt of a GenAIScript is its ``$`...``` templates: one that holds
    only the persona is removed whole (unsafe, as a message of only the
    persona is); one that asks more keeps its request."""
    text = (
        'script({ title: "review" })\n'
        "$`You are an expert TypeScript engineer.`\n"
        'def("FILE", env.files)\n'
        "$`Review the code in FILE and list every bug.`\n"
    )
    path = "genaisrc/review.genai.mjs"
    (found, *_) = persona_findings(path, text)
    assert found.fix is not None and found.fix.applicability == "unsafe"
    assert fix(path, text, unsafe=False)[0] == text
    new, _, remaining = fix(path, text)
    assert changed_lines(text, new) == ["-$`You are an expert TypeScript engineer.`"]
    assert not [d for d in remaining if d.code.startswith("PRS1")]
    # the template shares its line with other code: no fix
    inline = text.replace("\n$`You are", "; $`You are")
    assert fix(path, inline)[0] == inline
    # the body of an "if", or a call chained on the next line: no fix
    for shape in ("if (strict)\n  $`You are", "$`You are"):
        guarded = text.replace("$`You are", shape)
        if shape == "$`You are":
            guarded = guarded.replace("engineer.`\n", 'engineer.`\n  .role("system")\n')
        assert fix(path, guarded)[0] == guarded


def test_a_javascript_fix_that_breaks_the_syntax_is_refused() -> None:
    """JavaScript and TypeScript are read again after a fix, as Python is: a
    file that read cleanly must still; one that did not is not held to it."""
    from prism_lint.fix.verify import syntax_kept

    assert syntax_kept("javascript", "const a = 1;\n", "const a = 2;\n")
    assert not syntax_kept("javascript", "if (strict)\n  $`x`\n", "if (strict)\n")
    assert syntax_kept("javascript", "const a = ;\n", "const a = ;;\n")
    assert parses("javascript", "const el = <div className={x}>hi</div>;\n")
