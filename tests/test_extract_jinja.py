"""The Jinja extractor: literal text vs holes, roles, comments, includes, errors."""

from __future__ import annotations

from helpers import assert_map, doc_slice, extract_text
from hypothesis import given, settings
from hypothesis import strategies as st

from prism_lint.extract import ExtractError, Extraction
from prism_lint.extract.templates.jinja import extract, is_chat_template
from prism_lint.model import HOLE


def run(
    text: str, path: str = "prompts/agent.j2", files: dict[str, str] | None = None
) -> Extraction:
    return extract_text(extract, text, path, files)


def test_plain_template_text_holes_and_positions() -> None:
    src = (
        "You are an expert {{ lang | title }} developer.\n"
        "{% if repo %}Repo: {{ repo.name }}{% endif %}\n"
        "Write a function.\n"
    )
    result = run(src)
    (unit,) = result.units
    assert unit.text == (
        f"You are an expert {HOLE} developer.\n{HOLE}Repo: {HOLE}{HOLE}\nWrite a function."
    )
    assert [h.source for h in unit.holes] == [
        "{{ lang | title }}",
        "{% if repo %}",
        "{{ repo.name }}",
        "{% endif %}",
    ]
    assert unit.role == "unknown"
    assert unit.tier == "file"
    assert unit.template_syntax == "jinja"
    assert (unit.first_row, unit.last_row) == (1, 3)
    assert doc_slice(unit, "developer.") == "developer."
    assert_map(unit)


def test_strings_with_closing_delimiters_stay_inside_the_hole() -> None:
    src = 'A {{ "}}" ~ x }} B {% set y = "%}" %} C\n'
    (unit,) = run(src).units
    assert unit.text == f"A {HOLE} B {HOLE} C"
    assert unit.holes[0].source == '{{ "}}" ~ x }}'


def test_whitespace_control_changes_text_not_map() -> None:
    src = "Line one  \n  {%- if x -%}  \n  Line two\n{%- endif %}\r\nEnd\r\n"
    (unit,) = run(src).units
    assert unit.text == f"Line one{HOLE}Line two{HOLE}\nEnd"
    assert doc_slice(unit, "Line two") == "Line two"
    assert doc_slice(unit, "End") == "End"
    assert_map(unit)


def test_crlf_line_breaks_map_back_to_both_characters() -> None:
    src = "# system:\r\nYou are an expert.\r\nSolve it.\r\n"
    (unit,) = run(src).units
    assert unit.text == "You are an expert.\nSolve it."
    nl = unit.text.index("\n")
    a, b = unit.to_doc(nl, nl + 1)
    assert src[a:b] == "\r\n"
    assert_map(unit)


def test_raw_block_is_literal_text() -> None:
    (unit,) = run("Show {% raw %}{{ this }}{% endraw %} literally.").units
    assert unit.text == "Show {{ this }} literally."
    assert unit.holes == []
    assert doc_slice(unit, "{{ this }}") == "{{ this }}"


def test_comments_are_reported_with_rows_and_declare_tasks() -> None:
    src = (
        "{# prism: task=writing #}\n"
        "You are an expert Python developer. {# inline note #}\n"
        "{#- prism: ignore[PRS101] -#}\n"
        "Write a blog post.\n"
    )
    result = run(src)
    assert [(c.row, c.text, c.own_line) for c in result.comments] == [
        (1, "prism: task=writing", True),
        (2, "inline note", False),
        (3, "prism: ignore[PRS101]", True),
    ]
    (unit,) = result.units
    assert unit.declared_task == "writing"
    assert "inline note" not in unit.text
    assert unit.first_row == 2


def test_marker_lines_split_messages() -> None:
    src = (
        "# system:\n"
        "You are a senior mathematician.\n"
        "\n"
        "{% for item in chat_history %}\n"
        "# user:\n"
        "{{item.inputs.question}}\n"
        "# assistant:\n"
        "{{item.outputs.answer}}\n"
        "{% endfor %}\n"
        "user:\n"
        "{{question}}\n"
    )
    units = run(src, "flow/chat.jinja2").units
    assert [u.role for u in units] == ["system", "user", "assistant", "user"]
    assert units[0].text == f"You are a senior mathematician.\n\n{HOLE}"
    assert units[0].first_row == 1
    assert (units[3].first_row, units[3].last_row) == (10, 11)
    assert {s.role for s in units[0].context.siblings} == {"user", "assistant"}
    for u in units:
        assert_map(u)


def test_marker_must_be_alone_on_a_line() -> None:
    src = "system: you are kind\n{{ role }}:\ntext\n# Heading:\nmore\n"
    units = run(src).units
    assert len(units) == 1 and units[0].role == "unknown"


def test_chat_and_message_blocks_set_roles() -> None:
    src = (
        '{% chat role="system" %}\nYou are an experienced lawyer.\n{% endchat %}\n'
        "{% message role='user' %}\nQ: {{ q }}\n{% endmessage %}\n"
    )
    units = run(src).units
    assert [(u.role, u.text) for u in units] == [
        ("system", "You are an experienced lawyer."),
        ("user", f"Q: {HOLE}"),
    ]
    assert units[0].first_row == 1


def test_default_role_from_file_name() -> None:
    assert run("You are kind.", "prompts/system_prompt.j2").units[0].role == "system"
    assert run("Hello.", "prompts/user_prompt.j2").units[0].role == "user"


CHATML = (
    "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + "
    "message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}\n"
    "{# note #}\n"
)


def test_tokenizer_chat_templates_are_skipped() -> None:
    assert is_chat_template(CHATML)
    assert is_chat_template("{%- for m in messages %}{{ m.role }}{% endfor %}")
    assert not is_chat_template("{% for message in messages %}{{ message }}{% endfor %}")
    result = run(CHATML, "template_chatml.jinja")
    assert result.units == []
    assert [c.text for c in result.comments] == ["note"]


def test_include_is_a_hole_and_the_included_text_is_context() -> None:
    files = {"common/rules.j2": "Always answer in {{ lang }}.\n"}
    src = '{% include "common/rules.j2" %}\nYou are a senior mathematician. Solve it.\n'
    (unit,) = run(src, "prompts/math.j2", files).units
    assert unit.holes[0].source == '{% include "common/rules.j2" %}'
    assert [(s.role, s.text) for s in unit.context.siblings] == [
        ("include", f"Always answer in {HOLE}.")
    ]


def test_missing_include_is_just_a_hole() -> None:
    (unit,) = run('{% include "gone.j2" %} Hello there.').units
    assert unit.context.siblings == []


def test_syntax_error_is_one_problem_and_the_rest_is_read() -> None:
    src = "You are an expert.\nSolve {{ x \nthis.\n"
    result = run(src)
    assert len(result.problems) == 1
    problem = result.problems[0]
    assert isinstance(problem, ExtractError)
    assert (problem.row, problem.column) == (2, 7)
    assert result.units and result.units[0].text.startswith("You are an expert.")


def test_unterminated_comment_is_a_problem() -> None:
    result = run("Hello {# never closed\nmore text\n")
    assert len(result.problems) == 1
    assert result.problems[0].row == 1


def test_promptflow_model_from_flow_dag() -> None:
    flow = (
        "nodes:\n- name: answer\n  type: llm\n  source:\n    type: code\n"
        "    path: chat.jinja2\n  inputs:\n    deployment_name: gpt-4o\n  api: chat\n"
    )
    (unit,) = run("system:\nYou are kind.\n", "flows/x/chat.jinja2", {"flow.dag.yaml": flow}).units
    assert unit.context.library == "promptflow"
    assert unit.context.model == "gpt-4o"
    assert unit.context.names == ["answer"]


def test_promptflow_dag_for_other_templates_is_ignored() -> None:
    flow = "nodes:\n- name: a\n  source: {type: code, path: other.jinja2}\n"
    (unit,) = run("Hello there.", "chat.jinja2", {"flow.dag.yaml": flow}).units
    assert unit.context.library == "jinja"


_JINJAISH = st.lists(
    st.sampled_from(
        [
            "{{",
            "}}",
            "{%",
            "%}",
            "{#",
            "#}",
            "-",
            "+",
            " ",
            "\n",
            "\r\n",
            "\r",
            "x",
            "'",
            '"',
            "if",
            "endif",
            "raw",
            "endraw",
            "chat role='system'",
            "endchat",
            "system:",
            "# user:",
            "include 'a.j2'",
            "You are an expert.",
            "é",
            "\t",
        ]
    ),
    max_size=40,
).map("".join)


@settings(max_examples=200, deadline=None)
@given(st.one_of(_JINJAISH, st.text(max_size=200)))
def test_property_any_text_maps_or_reports(text: str) -> None:
    files = {"a.j2": "{{ x }} included"}
    result = run(text, "prompts/t.j2", files)
    for unit in result.units:
        assert_map(unit)
        assert 1 <= unit.first_row <= unit.last_row
    for problem in result.problems:
        assert problem.row >= 1 and problem.column >= 1


def test_default_role_needs_a_whole_word() -> None:
    assert run("Hello there.", "templates/ecosystem.j2").units[0].role == "unknown"
    assert run("Hello there.", "templates/sys-prompt.jinja").units[0].role == "system"
