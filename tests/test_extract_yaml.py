"""The YAML extractor: formats, exact positions in every scalar style, comments, errors."""

from __future__ import annotations

import itertools
import string
from collections.abc import Iterator

import pytest
import yaml
from helpers import doc_slice, extract_text
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from prism_lint.extract import ExtractError, Extraction
from prism_lint.extract.yaml.extractor import extract, may_hold_prompts
from prism_lint.extract.yaml.scalars import decode_scalar
from prism_lint.model import HOLE, PromptUnit

LOADERS = [yaml.SafeLoader, *([yaml.CSafeLoader] if hasattr(yaml, "CSafeLoader") else [])]


def run(text: str, path: str = "config.yaml", files: dict[str, str] | None = None) -> Extraction:
    return extract_text(extract, text, path, files)


def assert_map(unit: PromptUnit) -> None:
    """Every exact piece copies the document; pieces and holes tile the text in order."""
    text = unit.doc.text
    covered = []
    for p in unit.pieces:
        assert 0 <= p.doc_start <= p.doc_end <= len(text)
        if p.exact:
            assert text[p.doc_start : p.doc_end] == unit.text[p.text_start : p.text_end]
        covered.append((p.text_start, p.text_end))
    for h in unit.holes:
        assert unit.text[h.text_offset] == HOLE
        assert text[h.doc_start : h.doc_end] == h.source
        covered.append((h.text_offset, h.text_offset + 1))
    covered.sort()
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(covered))


def scalars(node: Node) -> Iterator[ScalarNode]:
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, ScalarNode):
            yield n
        elif isinstance(n, MappingNode):
            for k, v in n.value:
                stack += [k, v]
        elif isinstance(n, SequenceNode):
            stack += n.value


# ------------------------------------------------------------------ scalar styles


STYLE_CASES = {
    "plain multi-line": "k: You are an expert\n  Python developer.\n\n  Write code.\n",
    "plain in flow": "k: [one two,\n  You are an expert\n   developer, x]\n",
    "single quoted": "k: 'It''s you: an expert\n\n   Python developer  '\n",
    "double escapes": 'k: "Tab\\there \\"q\\" \\u00e9\\x41 \\\n    continued\n\n   next \\N end"\n',
    "literal keep": "k: |+\n  You are an expert\n    indented more\n\n\nnext: 1\n",
    "literal strip": "k: |-\n  line one\n  line two\n\n",
    "literal indicator": "k: |2\n    starts indented\n  then less\n",
    "indicator first": "- >1-\n  lead space\n text\n",
    "folded": "k: >\n  You are an\n  expert developer.\n\n  New para\n    more indented\n  back\n",
    "folded comment header": "k: >-  # a comment\n  You are an\n  expert.\n",
    "crlf folded": "k: >\r\n  You are an\r\n  expert.\r\n\r\n  Next.\r\n",
    "crlf double": 'k: "one\r\n  two\r\n\r\n  three"\r\n',
    "bom": "\ufeffk: 'You are an ''expert'''\n",
    "unicode": 'k: "Tu es un expert 😀 en \\u00e9\\\n   lectronique"\n',
}


@pytest.mark.parametrize("loader", LOADERS, ids=lambda c: c.__name__)
@pytest.mark.parametrize("name", sorted(STYLE_CASES))
def test_scalar_styles_map_exactly(name: str, loader: type) -> None:
    src = STYLE_CASES[name]
    shift = 1 if src.startswith("\ufeff") else 0
    root = yaml.compose(src[shift:], Loader=loader)
    assert root is not None
    values = [n for n in scalars(root) if n.tag.endswith(":str") and n.value not in ("k",)]
    assert values
    for node in values:
        mt, exact = decode_scalar(src, node, shift)
        assert exact, name
        assert mt.text == node.value
        for seg in mt.segs:
            if seg.exact:
                assert src[seg.doc_start : seg.doc_end] == mt.text[seg.start : seg.end]


def test_folded_line_break_maps_to_the_source_break() -> None:
    src = "k: >\n  You are an\n  expert.\n"
    node = yaml.compose(src).value[0][1]
    mt, exact = decode_scalar(src, node)
    assert exact and mt.text == "You are an expert.\n"
    space = mt.text.index("an ") + 2
    a, b = mt.doc_range(space, space + 1)
    assert src[a:b] == "\n"
    seg = next(s for s in mt.segs if s.start == space)
    assert not seg.exact


def test_escape_maps_as_a_whole() -> None:
    src = 'k: "caf\\u00e9 ok"\n'
    node = yaml.compose(src).value[0][1]
    mt, _ = decode_scalar(src, node)
    at = mt.text.index("é")
    assert src[slice(*mt.doc_range(at, at + 1))] == "\\u00e9"


_TEXT = st.lists(
    st.sampled_from([*string.ascii_letters[:8], *" .,:-#'\"\\\n\t!?é😀", "  ", "\n\n", " \n"]),
    max_size=40,
).map("".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    values=st.lists(_TEXT, min_size=1, max_size=3),
    style=st.sampled_from([None, "'", '"', "|", ">"]),
    width=st.sampled_from([12, 30, 80]),
    flow=st.sampled_from([None, True, False]),
    crlf=st.booleans(),
)
def test_property_every_scalar_maps_exactly(
    values: list[str], style: str | None, width: int, flow: bool | None, crlf: bool
) -> None:
    data = {f"k{i}": v for i, v in enumerate(values)}
    data["nested"] = [{"m": v} for v in values]  # type: ignore[assignment]
    src = yaml.dump(
        data, default_style=style, width=width, default_flow_style=flow, allow_unicode=True
    )
    if crlf:
        src = src.replace("\n", "\r\n")
    try:
        loaded = yaml.safe_load(src)
    except yaml.YAMLError:
        assume(False)
        return
    for loader in LOADERS:
        root = yaml.compose(src, Loader=loader)
        for node in scalars(root):
            mt, exact = decode_scalar(src, node)
            assert exact, (src, node.value)
            assert mt.text == node.value
            for seg in mt.segs:
                if seg.exact:
                    assert src[seg.doc_start : seg.doc_end] == mt.text[seg.start : seg.end]
    for i, v in enumerate(values):
        assert loaded[f"k{i}"] == v


_WORD = st.text(alphabet=st.sampled_from(list("abcdeXYZ.,:;-'\"\\!?é#")), min_size=1, max_size=8)
_SEP = st.sampled_from([" ", "\n", "  ", "\n\n", " \n", "\t"])
_PROSE = st.tuples(
    st.lists(st.tuples(_WORD, _SEP), min_size=3, max_size=12),
    _WORD,
    st.sampled_from(["", " ", "\n", "\n\n"]),
).map(lambda t: "".join(w + s for w, s in t[0]) + t[1] + t[2])


@settings(max_examples=100, deadline=None)
@given(
    content=_PROSE,
    style=st.sampled_from([None, "'", '"', "|", ">"]),
    width=st.sampled_from([15, 40, 100]),
)
def test_property_unit_text_is_the_loaded_value(
    content: str, style: str | None, width: int
) -> None:
    data = {"model": "openai/gpt-4o", "messages": [{"role": "system", "content": content}]}
    src = yaml.dump(data, default_style=style, width=width, allow_unicode=True, sort_keys=False)
    try:
        expected = yaml.safe_load(src)["messages"][0]["content"]
    except yaml.YAMLError:
        assume(False)
        return
    units = run(src, "x.prompt.yml").units
    system = [u for u in units if u.role == "system"]
    if not expected.strip():
        assert not system
        return
    assert len(system) == 1
    assert system[0].text == expected
    assert_map(system[0])


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=300))
def test_property_any_text_only_extract_errors(text: str) -> None:
    for path in ("agents.yaml", "s.prompt.yml", "promptfooconfig.yaml"):
        try:
            result = run(text, path)
        except ExtractError as exc:
            assert exc.row >= 1 and exc.column >= 1
            continue
        for unit in result.units:
            assert_map(unit)


_YAMLISH = st.lists(
    st.sampled_from(
        [
            "role: ",
            "goal: ",
            "backstory: ",
            "description: ",
            "expected_output: ",
            "- role: system\n",
            "  content: ",
            "messages:\n",
            "system_prompt: ",
            "template: |\n  ",
            "prompts:\n  - ",
            "'",
            '"',
            "\\",
            "|",
            ">",
            "-",
            "#",
            "{x}",
            "{{y}}",
            "{%",
            "%}",
            "&a ",
            "*a ",
            "<<: *a\n",
            "\n",
            "  ",
            "\t",
            "You are an expert.",
            "é",
            "[",
            "]",
            "{",
            "}",
            ",",
            ":",
            "? ",
        ]
    ),
    max_size=30,
).map("".join)


@settings(max_examples=150, deadline=None)
@given(_YAMLISH)
def test_property_yamlish_text_maps_or_errors(text: str) -> None:
    try:
        result = run(text, "agents.yaml")
    except ExtractError:
        return
    for unit in result.units:
        assert_map(unit)
        assert 1 <= unit.first_row <= unit.last_row


# ------------------------------------------------------------------ formats


CREW_AGENTS = """\
researcher:
  role: >
    Senior Python Developer
  goal: Write tested code for {topic}
  backstory: >
    You have shipped libraries for years.
    You are an expert Python developer.
  llm: openai/gpt-4o
writer:
  role: Writer
  goal: Write release notes
  backstory: You are a helpful assistant.
"""

CREW_TASKS = """\
code_task:
  description: >
    Implement {feature} and write the Python tests.
  expected_output: A diff.
  agent: researcher
"""


def test_crewai_agent_is_one_system_unit_joined_in_order() -> None:
    units = run(CREW_AGENTS, "config/agents.yaml").units
    assert [u.role for u in units] == ["system", "system"]
    first = units[0]
    # as CrewAI renders it: "You are {role}. {backstory}\nYour personal goal is: {goal}"
    assert first.text.startswith("You are Senior Python Developer. You have shipped")
    assert first.text.index("You are an expert") < first.text.index(
        "\nYour personal goal is: Write tested"
    )
    start = first.text.index("Senior")
    d0, d1 = first.to_doc(start, start + len("Senior Python Developer"))
    assert first.doc.text[d0:d1] == "Senior Python Developer"
    assert first.context.library == "crewai"
    assert first.context.model == "openai/gpt-4o"
    assert first.context.names == ["researcher"]
    assert [h.source for h in first.holes] == ["{topic}"]
    assert (first.first_row, first.last_row) == (1, 8)
    assert (
        doc_slice(first, "You are an expert Python developer.")
        == "You are an expert Python developer."
    )
    assert_map(first)


def test_crewai_agent_sees_its_tasks_from_the_sibling_file() -> None:
    units = run(CREW_AGENTS, "config/agents.yaml", {"tasks.yaml": CREW_TASKS}).units
    researcher, writer = units
    assert any("Implement" in s.text and s.role == "user" for s in researcher.context.siblings)
    assert not any("Implement" in s.text for s in writer.context.siblings)


def test_crewai_task_is_a_user_unit_with_its_agent_as_context() -> None:
    units = run(CREW_TASKS, "config/tasks.yaml", {"agents.yaml": CREW_AGENTS}).units
    assert len(units) == 1
    task = units[0]
    assert task.role == "user"
    assert task.text.startswith("Implement " + HOLE)
    assert "A diff." in task.text
    assert any("expert Python developer" in s.text for s in task.context.siblings)


def test_crewai_detected_by_keys_not_file_name() -> None:
    units = run(CREW_AGENTS, "crew/my_agents_v2.yml").units
    assert len(units) == 2 and units[0].context.library == "crewai"


GH_MODELS = """\
name: Summarize
model: openai/gpt-4o-mini
responseFormat: json_schema
messages:
  - role: system
    content: You are an experienced lawyer. Answer {{question}} briefly.
  - role: user
    content: |
      Clause: {{clause}}
"""


def test_github_models_messages() -> None:
    units = run(GH_MODELS, ".github/prompts/summarize.prompt.yml").units
    assert [u.role for u in units] == ["system", "user"]
    system, user = units
    assert system.context.library == "github-models"
    assert system.context.model == "openai/gpt-4o-mini"
    assert system.context.response_format == "json_schema"
    assert system.text == f"You are an experienced lawyer. Answer {HOLE} briefly."
    assert [h.source for h in system.holes] == ["{{question}}"]
    assert system.context.siblings[0].role == "user"
    assert system.template_syntax == "mustache"
    assert (system.first_row, system.last_row) == (5, 6)
    assert user.text == f"Clause: {HOLE}\n"
    for u in units:
        assert_map(u)


def test_message_content_parts_list() -> None:
    src = """\
- role: system
  content:
    - type: text
      text: "You are an expert\\
        \\ developer."
- role: user
  content: hi there friend
"""
    units = run(src, "prompt.yaml").units
    assert units[0].role == "system"
    assert units[0].text == "You are an expert developer."
    assert doc_slice(units[0], "developer.") == "developer."
    assert_map(units[0])


def test_role_lists_that_are_not_messages_are_ignored() -> None:
    src = "- hosts: all\n  roles:\n    - role: common\n      content: the common role here\n"
    assert run(src, "site.yml").units == []


def test_a_role_or_persona_key_holding_prose_is_a_system_prompt() -> None:
    # a workflow node whose ``role`` is the agent's whole system prompt
    src = """\
nodes:
  - id: Programmer
    config:
      role: |-
        You are Programmer. You write the code that solves the task the customer gives.
        Save every file with the tools you are given.
  - id: Tester
    config:
      persona: You are a tester who runs the test suite and reports every failure found.
  - id: Labels
    config:
      role: Senior Data Researcher
  - id: Reply
    role: system
    content: Reply in French.
"""
    units = run(src, "workflow.yaml").units
    texts = {u.text.split(".")[0]: u for u in units}
    assert texts["You are Programmer"].role == "system"
    assert texts["You are Programmer"].text.endswith("with the tools you are given.")
    assert texts[
        "You are a tester who runs the test suite and reports every failure found"
    ].role == ("system")
    # a label is not a prompt, nor is a message's role
    assert not any("Senior Data Researcher" in u.text for u in units)
    assert len(units) == 3
    for unit in units:
        assert_map(unit)


SK = """\
name: Solve
template: |
  <message role="system">You are a senior mathematician.
  Solve for {{$variable}}.</message>
  <message role="user">{{$input}}</message>
template_format: semantic-kernel
input_variables:
  - name: input
execution_settings:
  default:
    model_id: gpt-4o
"""


def test_semantic_kernel_message_tags_split_roles() -> None:
    units = run(SK, "Solve.yaml").units
    assert [u.role for u in units] == ["system", "user"]
    system = units[0]
    assert system.text == f"You are a senior mathematician.\nSolve for {HOLE}."
    assert system.holes[0].source == "{{$variable}}"
    assert system.context.library == "semantic-kernel"
    assert system.context.model == "gpt-4o"
    assert (system.first_row, system.last_row) == (3, 4)
    assert units[1].text == HOLE
    assert_map(system)


def test_semantic_kernel_without_tags_is_one_user_message() -> None:
    src = "name: X\ntemplate: You are an expert. Solve {{$input}}.\ninput_variables: []\n"
    units = run(src, "x.yaml").units
    assert [u.role for u in units] == ["user"]


PROMPTFOO = """\
prompts:
  - file://prompts/a.txt
  - prompts.py:build_prompt
  - 'You are a senior mathematician. Solve: {{question}}'
  - id: file://chat.json
  - label: grader
    raw: |
      You are an expert grader. Score {{answer}}.
providers:
  - openai:o3-mini
tests:
  - vars: {question: 2+2}
    assert:
      - type: llm-rubric
        value: The answer is four and nothing else.
      - type: contains
        value: '4'
"""


def test_promptfoo_prompts_raw_and_rubrics() -> None:
    units = run(PROMPTFOO, "promptfooconfig.yaml").units
    texts = [u.text for u in units]
    assert texts == [
        f"You are a senior mathematician. Solve: {HOLE}",
        f"You are an expert grader. Score {HOLE}.\n",
        "The answer is four and nothing else.",
    ]
    assert all(u.role == "user" and u.context.library == "promptfoo" for u in units)
    assert all(u.context.model == "openai:o3-mini" for u in units)
    assert units[0].context.siblings == []  # alternatives, not a conversation
    assert units[2].context.argument.endswith("llm-rubric")


def test_langchain_fstring_template_reads_escapes() -> None:
    src = "_type: prompt\ninput_variables: [q]\ntemplate: 'Return {{\"a\": 1}} for {q} now'\n"
    unit = run(src, "prompt.yaml").units[0]
    assert unit.text == f'Return {{"a": 1}} for {HOLE} now'
    assert unit.template_syntax == "fstring"
    assert unit.context.library == "langchain"
    assert doc_slice(unit, '"a": 1') == '"a": 1'
    assert_map(unit)


def test_langchain_few_shot_joins_prefix_and_suffix() -> None:
    src = """\
_type: few_shot
input_variables: [q]
prefix: You are an experienced lawyer. Answer questions.
example_prompt:
  _type: prompt
  input_variables: [input, output]
  template: "Q: {input} A: {output}"
suffix: "Q: {q}"
"""
    units = run(src, "few_shot.yaml").units
    assert len(units) == 1
    assert units[0].text == f"You are an experienced lawyer. Answer questions.\n\nQ: {HOLE}"


def test_langchain_jinja_template() -> None:
    src = (
        "_type: prompt\ntemplate_format: jinja2\ninput_variables: [x]\n"
        "template: 'Hi {{ x }}{% if y %} there{% endif %} friend'\n"
    )
    unit = run(src, "p.yaml").units[0]
    assert unit.text == f"Hi {HOLE}{HOLE} there{HOLE} friend"
    assert [h.source for h in unit.holes] == ["{{ x }}", "{% if y %}", "{% endif %}"]


SMOL = """\
system_prompt: |-
  You are an expert assistant who can solve any task using code blobs.
  {#- prism: task=code #}
  {%- for tool in tools.values() %}
  - {{ tool.name }}
  {%- endfor %}
planning:
  initial_plan: |-
    You are a world expert at analyzing a situation.
    {{task}}
final_answer:
  post_messages: |-
    Based on the above, answer the user task: {{task}}
"""


def test_smolagents_prompt_yaml() -> None:
    result = run(SMOL, "code_agent.yaml")
    units = result.units
    assert [(u.context.argument, u.role) for u in units] == [
        ("system_prompt", "system"),
        ("planning.initial_plan", "user"),
        ("final_answer.post_messages", "user"),
    ]
    system = units[0]
    assert system.context.library == "smolagents"
    assert system.template_syntax == "jinja"
    assert system.declared_task == "code"
    assert [h.source for h in system.holes] == [
        "{%- for tool in tools.values() %}",
        "{{ tool.name }}",
        "{%- endfor %}",
    ]
    assert any(c.text == "prism: task=code" and c.row == 3 for c in result.comments)
    assert_map(system)


def test_swe_agent_templates() -> None:
    src = """\
agent:
  templates:
    system_template: You are an expert software engineer. Fix the bug.
    instance_template: |-
      Fix the issue in {{working_dir}} described below.
  model:
    name: gpt-4o
"""
    units = run(src, "config/default.yaml").units
    assert [(u.role, u.context.library) for u in units] == [
        ("system", "swe-agent"),
        ("user", "swe-agent"),
    ]
    assert units[0].context.model == "gpt-4o"
    assert units[1].holes[0].source == "{{working_dir}}"


def test_lm_evaluation_harness_task_prompt() -> None:
    src = """\
task: mbpp
dataset_path: google-research-datasets/mbpp
doc_to_text: "You are an expert Python programmer, and here is your task: {{text}} Your code\\
  \\ should pass these tests:\\n\\n{{test_list[0]}}\\n[BEGIN]\\n"
doc_to_target: "{{code}}"
"""
    units = run(src, "lm_eval/tasks/mbpp/mbpp.yaml").units
    assert [(u.role, u.tier) for u in units] == [("unknown", "name")]
    assert units[0].text.startswith("You are an expert Python programmer, and here is your task: ")
    assert [h.source for h in units[0].holes] == ["{{text}}", "{{test_list[0]}}"]
    assert_map(units[0])


WORKFLOW = """\
jobs:
  triage:
    steps:
      - uses: actions/ai-inference@v1
        with:
          model: openai/gpt-4o
          system-prompt: You are an expert grader. Classify the issue.
          prompt: |
            Title: ${{ github.event.issue.title }}
"""


def test_ai_inference_step() -> None:
    units = run(WORKFLOW, ".github/workflows/triage.yml").units
    assert [u.role for u in units] == ["system", "user"]
    assert units[0].context.call == "actions/ai-inference"
    assert units[0].context.model == "openai/gpt-4o"
    assert units[1].text == f"Title: {HOLE}\n"
    assert units[1].holes[0].source == "${{ github.event.issue.title }}"
    assert units[0].context.siblings[0].role == "user"


def test_generic_prompt_keys_are_name_tier_with_ancestor_model() -> None:
    src = """\
llm:
  model: gpt-4o
  system_prompt: "You are an experienced lawyer.\\
    \\ Answer questions about law."
  systemPrompt: short
  user-prompt: Tell me about {topic} please
"""
    units = run(src, "settings.yaml").units
    assert [(u.role, u.tier) for u in units] == [("system", "name"), ("user", "name")]
    assert units[0].text == "You are an experienced lawyer. Answer questions about law."
    assert units[0].context.model == "gpt-4o"
    assert units[0].context.argument == "llm.system_prompt"
    assert units[1].template_syntax == "format"
    assert_map(units[0])


def test_aliases_and_merge_keys() -> None:
    src = """\
base: &base
  role: Senior Python Developer
  goal: Write code
dev:
  <<: *base
  backstory: You are an expert Python developer.
"""
    units = run(src, "agents.yaml").units
    assert len(units) == 1
    assert "Senior Python Developer" in units[0].text
    assert units[0].context.names == ["dev"]


# ------------------------------------------------------------------ cheap skip, errors


K8S = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
        - name: web
          image: nginx:1.27
"""


def test_yaml_without_prompt_keys_is_skipped_before_parsing() -> None:
    assert not may_hold_prompts(K8S)
    broken = K8S + "  bad: [unclosed\n"
    assert run(broken, "deploy.yaml").units == []


def test_prompt_key_words_are_seen() -> None:
    assert may_hold_prompts("a:\n  systemPrompt: x\n")
    assert may_hold_prompts("- uses: actions/ai-inference@v1\n")
    assert not may_hold_prompts("prompt-service: 1\nroles_path: x\n")


def test_malformed_yaml_is_one_error_with_position() -> None:
    src = "system_prompt: You are an expert\nmessages: [unclosed\nmore: x\n"
    with pytest.raises(ExtractError) as info:
        run(src, "bot.yaml")
    assert info.value.message.startswith("invalid YAML")
    assert info.value.row == 3


def test_helm_template_is_not_an_error() -> None:
    src = "system_prompt: {{ .Values.prompt }}\nitems:\n{{- range .Values.items }}\n- x\n"
    assert run(src, "templates/configmap.yaml").units == []


def test_non_string_values_are_not_prompts() -> None:
    assert run("system_prompt: 123\nprompt: true\ninstructions: null\n", "a.yaml").units == []


# ------------------------------------------------------------------ comments


COMMENTED = """\
# top comment
bot:
  # prism: task=writing
  system_prompt: |  # header comment
    You are an expert Python developer.
    # not a comment: inside the block
  other: 'a # b'  # trailing
  prompt: "Write code # quoted hash, for the user now"
"""


def test_comments_respect_block_and_quoted_scalars() -> None:
    result = run(COMMENTED, "bot.yaml")
    got = [(c.row, c.text, c.own_line) for c in result.comments]
    assert got == [
        (1, "top comment", True),
        (3, "prism: task=writing", True),
        (4, "header comment", False),
        (7, "trailing", False),
    ]


def test_task_declaration_above_key_sets_declared_task() -> None:
    units = run(COMMENTED, "bot.yaml").units
    by_key = {u.context.argument: u for u in units}
    assert by_key["bot.system_prompt"].declared_task == "writing"
    assert by_key["bot.prompt"].declared_task is None
    assert (by_key["bot.system_prompt"].first_row, by_key["bot.system_prompt"].last_row) == (4, 6)


def test_task_declaration_at_file_top_applies_to_all_units() -> None:
    src = "# prism: task=roleplay\n\nmessages:\n  - role: system\n    content: You are a pirate.\n"
    units = run(src, "a.prompt.yml").units
    assert units[0].declared_task == "roleplay"


def test_comment_directives_reported_even_without_prompts() -> None:
    result = run("a: 1  # prism: skip-file\nb: '# no'\n", "x.yaml")
    assert [(c.row, c.text) for c in result.comments] == [(1, "prism: skip-file")]


def test_langchain_chat_template_list() -> None:
    src = """\
_type: chat
input_variables: ["adjective"]
template:
    -   role: system
        content: "You are a comedian"
    -   role: human
        content: "Tell me a {adjective} joke about {{content}}."
"""
    units = run(src, "simple_chat_prompt.yaml").units
    assert [(u.role, u.context.library) for u in units] == [
        ("system", "langchain"),
        ("user", "langchain"),
    ]
    assert units[1].text == f"Tell me a {HOLE} joke about {{content}}."
    assert units[1].template_syntax == "fstring"


def test_system_and_user_keys_of_home_made_prompt_files() -> None:
    src = (
        "system: You are an expert Python developer. Write code.\n"
        "user: 'Answer this question: {query}'\nuser_name: bob\n"
    )
    units = run(src, "prompts/qa.yaml").units
    assert [(u.role, u.tier) for u in units] == [("system", "name"), ("user", "name")]


_CASSETTE = (
    "interactions:\n"
    "- request:\n"
    '    body: \'{"messages": [{"role": "system", "content": "You are a senior Python\n'
    '      engineer. Write a function that sorts a list."}], "model": "gpt-4o"}\'\n'
    "    method: POST\n"
    "    uri: https://api.openai.com/v1/chat/completions\n"
    "  response:\n"
    "    body:\n"
    "      string: '{\"choices\": []}'\n"
    "version: 1\n"
)


def test_vcr_cassette_is_recorded_traffic_not_prompts(tmp_path) -> None:
    """A cassette replays what code sent: neither the first pass nor the
    extractor reads it, even with prompt words and a persona in its bodies;
    a YAML file with the same body under a prompt key is read."""
    from prism_lint.config import Settings
    from prism_lint.engine import check_bytes
    from prism_lint.prefilter import worth_checking

    data = _CASSETTE.encode()
    assert not worth_checking(data, Settings(), kind="yaml")
    assert run(_CASSETTE).units == []
    assert check_bytes("tests/cassettes/t.yaml", data, Settings(), named=True).diagnostics == []
    prompt = "system_prompt: You are a senior Python engineer. Write a function that sorts.\n"
    assert worth_checking(prompt.encode(), Settings(), kind="yaml")
    assert [u.text for u in run(prompt).units] == [
        "You are a senior Python engineer. Write a function that sorts."
    ]
    # a comment or document marker before it is still a cassette
    assert not worth_checking(b"# recorded\n---\n" + data, Settings(), kind="yaml")


def test_keys_named_like_prompts_hold_prose_only() -> None:
    text = (
        "instruction_template: |-\n"
        "  You are the grader of a quiz. Read the answer below and say\n"
        "  whether it matches the reference: {answer}\n"
        "system_instructions: Reply to every question in French, politely and briefly.\n"
        "summary_prompt: prompts/summary.jinja2\n"
        "path_template: '{root}/{name}/{version}'\n"
        "greeting_template: Hello there, {name}!\n"
        "output_prompt: Enter a value\n"
    )
    units = run(text).units
    assert [u.text.split()[:4] for u in units] == [
        ["You", "are", "the", "grader"],
        ["Reply", "to", "every", "question"],
    ]
    grader, french = units
    for unit in units:
        assert_map(unit)
    assert grader.tier == "name" and grader.role == "unknown"
    assert french.role == "system"
    assert grader.pieces[0].doc_start == text.index("You are the grader")


CREW_PY = """\
from crewai import Agent
from crewai_tools import SerperDevTool, ScrapeWebsiteTool


class Crew:
    @agent
    def researcher(self) -> Agent:
        return Agent(config=self.agents_config["researcher"], tools=[SerperDevTool(), search])

    @agent
    def writer(self) -> Agent:
        return Agent(config=self.agents_config['writer'])
"""


def test_crewai_agent_and_its_tasks_get_the_tools_crew_py_gives_it() -> None:
    units = run(CREW_AGENTS, "config/agents.yaml", {"../crew.py": CREW_PY}).units
    researcher, writer = units
    assert researcher.context.tools == ["SerperDevTool", "search"]
    assert writer.context.tools == []
    (task,) = run(CREW_TASKS, "config/tasks.yaml", {"../crew.py": CREW_PY}).units
    assert task.context.tools == ["SerperDevTool", "search"]
    # no crew.py beside the config: no tools
    assert run(CREW_AGENTS, "config/agents.yaml").units[0].context.tools == []


CREW_LINKED_AGENTS = """\
engineer:
  role: Senior Python Engineer
  goal: Ship the service
  backstory: You have built payment systems for a decade.
editor:
  role: Senior Content Editor
  goal: Keep the copy clear
  backstory: You have edited copy for leading brands.
"""
CREW_LINKED_TASKS = """\
fix_task:
  description: Write a Python function that parses ISO 8601 dates, with unit tests.
  expected_output: The function and its tests.
polish_task:
  description: Rewrite the product announcement so it reads warmly.
  expected_output: The announcement.
"""
CREW_LINKED_PY = """\
from crewai import Agent, Task


class Crew:
    @agent
    def engineer_agent(self) -> Agent:
        return Agent(config=self.agents_config["engineer"], tools=[FileWriterTool()])

    @agent
    def editor(self) -> Agent:
        return Agent(config=self.agents_config["editor"])

    @task
    def fix_task(self) -> Task:
        return Task(config=self.tasks_config["fix_task"], agent=self.engineer_agent())

    @task
    def polish_task(self) -> Task:
        return Task(config=self.tasks_config["polish_task"], agent=self.editor)
"""


def test_a_crew_task_is_joined_to_the_agent_crew_py_builds_it_with() -> None:
    """tasks.yaml names no ``agent:``: the crew module's
    ``Task(config=..., agent=self.engineer_agent())`` says whose task it is,
    through the agent method's own config key; the agent is judged by its
    own tasks, not its job title, and each task is sent with its agent."""
    files = {"../crew.py": CREW_LINKED_PY, "tasks.yaml": CREW_LINKED_TASKS}
    engineer, editor = run(CREW_LINKED_AGENTS, "config/agents.yaml", files).units
    assert [s.text for s in engineer.context.siblings] == [
        "Write a Python function that parses ISO 8601 dates, with unit tests.\n\n"
        "The function and its tests."
    ]
    assert [s.text for s in editor.context.siblings] == [
        "Rewrite the product announcement so it reads warmly.\n\nThe announcement."
    ]
    files = {"../crew.py": CREW_LINKED_PY, "agents.yaml": CREW_LINKED_AGENTS}
    fix, polish = run(CREW_LINKED_TASKS, "config/tasks.yaml", files).units
    assert [s.text.split("\n")[0] for s in fix.context.siblings] == ["Senior Python Engineer"]
    assert fix.context.tools == ["FileWriterTool"]
    assert [s.text.split("\n")[0] for s in polish.context.siblings] == ["Senior Content Editor"]
    assert polish.context.tools == []
    # without the crew module neither is told apart: both agents, every task
    engineer, _editor = run(
        CREW_LINKED_AGENTS, "config/agents.yaml", {"tasks.yaml": CREW_LINKED_TASKS}
    ).units
    assert engineer.context.siblings == []


def test_crew_py_names_the_agent_over_the_tasks_yaml() -> None:
    """CrewAI takes ``Task(config=..., agent=self.x())``'s agent over the
    config's ``agent:``: so does the join."""
    tasks = CREW_LINKED_TASKS.replace(
        "  expected_output: The function and its tests.\n",
        "  expected_output: The function and its tests.\n  agent: editor\n",
    )
    files = {"../crew.py": CREW_LINKED_PY, "agents.yaml": CREW_LINKED_AGENTS}
    fix, _polish = run(tasks, "config/tasks.yaml", files).units
    assert [s.text.split("\n")[0] for s in fix.context.siblings] == ["Senior Python Engineer"]


def test_crew_tasks_in_a_list_or_alone_are_read() -> None:
    """Tasks written as a list are joined to their agents as named ones are;
    a file that is one task, with no agent, is read as one."""
    tasks = (
        "- description: Write a Python function that parses dates.\n"
        "  expected_output: The function.\n"
        "  agent: engineer\n"
        "- description: Rewrite the announcement warmly.\n"
        "  expected_output: The announcement.\n"
        "  agent: editor\n"
    )
    engineer, editor = run(CREW_LINKED_AGENTS, "config/agents.yaml", {"tasks.yaml": tasks}).units
    assert [s.text.split("\n")[0] for s in engineer.context.siblings] == [
        "Write a Python function that parses dates."
    ]
    assert [s.text.split("\n")[0] for s in editor.context.siblings] == [
        "Rewrite the announcement warmly."
    ]
    alone = "description: Research the latest AI news.\nexpected_output: A bullet list.\n"
    files = {"../crew.py": CREW_LINKED_PY}
    (unit,) = run(alone, "config/task.yaml", files).units
    assert unit.text.startswith("Research the latest AI news.")


def test_a_flow_crew_module_named_for_its_folder_gives_the_tools() -> None:
    path = "crews/poem_crew/config/agents.yaml"
    units = run(CREW_AGENTS, path, {"../poem_crew.py": CREW_PY}).units
    assert units[0].context.tools == ["SerperDevTool", "search"]


WORKFLOW_NODE = """\
nodes:
  - id: Visualization Planner
    type: agent
    config:
      provider: openai
      role: |-
        You are a Data Visualization Product Manager. Analyze the data files and list
        the trends and comparisons the chart must show.
      tooling:
        - type: function
          config:
            tools:
              - name: describe_available_files
              - name: load_file
"""


def test_the_tools_listed_beside_a_prompt_are_its_calls_tools() -> None:
    """A workflow's agent node lists what it may call next to its prompt
    (``tooling: [{config: {tools: [{name: ...}]}}]``): what they load is the
    material it works on."""
    (unit,) = extract_text(extract, WORKFLOW_NODE, "flow.yaml").units
    assert unit.context.tools == ["describe_available_files", "load_file"]
    from prism_lint.analysis import analyse

    assert analyse(unit).task.category == "extraction"
    (bare,) = extract_text(extract, WORKFLOW_NODE.split("      tooling:")[0], "flow.yaml").units
    assert bare.context.tools == []
    assert analyse(bare).task.category == "factual"
