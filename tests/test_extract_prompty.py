"""The Prompty extractor: front matter context, system by default, markers, engines."""

from __future__ import annotations

import pytest
from helpers import assert_map, extract_text
from hypothesis import given, settings
from hypothesis import strategies as st

from prism_lint.extract import ExtractError, Extraction
from prism_lint.extract.templates.prompty import extract
from prism_lint.model import HOLE


def run(text: str, path: str = "chat.prompty", files: dict[str, str] | None = None) -> Extraction:
    return extract_text(extract, text, path, files)


V1 = """\
---
name: Contoso Chat
# a front matter comment
model:
  api: chat
  configuration:
    type: azure_openai
    azure_deployment: gpt-4o
    azure_endpoint: ${ENV:AZURE_OPENAI_ENDPOINT}
  parameters:
    max_tokens: 128
    response_format:
      type: json_object
inputs:
  question:
    type: string
---
You are an experienced lawyer. Answer questions about {{topic}}.
{# prism: task=factual #}

# Customer
{{customer.firstName}}

{% for item in history %}
{{item.role}}:
{{item.content}}
{% endfor %}

user:
{{question}}
"""


def test_text_before_any_marker_is_system() -> None:
    result = run(V1)
    system, user = result.units
    assert system.role == "system"
    assert system.text.startswith(f"You are an experienced lawyer. Answer questions about {HOLE}.")
    assert "# Customer" in system.text  # a heading, not a role marker
    assert system.first_row == 18
    assert system.declared_task == "factual"
    assert user.role == "user" and user.text == HOLE
    assert (user.first_row, user.last_row) == (29, 30)
    for u in result.units:
        assert_map(u)


def test_front_matter_gives_context_and_comments() -> None:
    result = run(V1)
    ctx = result.units[0].context
    assert ctx.library == "prompty"
    assert ctx.model == "gpt-4o"
    assert ctx.names == ["Contoso Chat"]
    assert ctx.response_format == "json_object"
    assert (3, "a front matter comment") in [(c.row, c.text) for c in result.comments]
    assert (19, "prism: task=factual") in [(c.row, c.text) for c in result.comments]


def test_v2_model_id_and_marker_with_attributes() -> None:
    src = (
        "---\nmodel:\n  id: o3-mini\n  apiType: chat\n---\n"
        "system:\nYou are a senior mathematician.\n"
        'user[name="ann"]:\nSolve {{problem}}.\n'
        "ASSISTANT :\nSure.\n"
    )
    units = run(src).units
    assert [u.role for u in units] == ["system", "user", "assistant"]
    assert units[0].context.model == "o3-mini"
    assert units[1].text == f"Solve {HOLE}."


def test_mustache_body() -> None:
    src = (
        "---\ntemplate: mustache\n---\nsystem:\nYou are {{! a comment }}an expert."
        "\n{{> attempt_partial}}\nuser:\n{{#items}}{{.}}{{/items}}\n"
    )
    result = run(src, "m.prompty", {"attempt_partial.mustache": "Be brief."})
    system, user = result.units
    assert system.text == f"You are an expert.\n{HOLE}"
    assert system.template_syntax == "mustache"
    assert ("include", "Be brief.") in [(s.role, s.text) for s in system.context.siblings]
    assert user.text == HOLE * 3
    assert [c.text for c in result.comments] == ["a comment"]


def test_no_front_matter_is_all_body() -> None:
    (unit,) = run("You are an expert.\nSolve it.\n").units
    assert unit.role == "system" and unit.first_row == 1


def test_malformed_front_matter_is_a_problem_and_the_body_is_read() -> None:
    src = "---\nname: [unclosed\nmodel: x\n---\nYou are an expert. Solve {{x}}.\n"
    result = run(src)
    assert len(result.problems) == 1
    assert result.problems[0].message.startswith("front matter: invalid YAML")
    assert result.problems[0].row == 3
    assert result.units[0].text == f"You are an expert. Solve {HOLE}."
    assert result.units[0].first_row == 5


def test_front_matter_that_is_not_a_mapping_is_a_problem() -> None:
    result = run("---\n- a\n- b\n---\nHello there.\n")
    assert [p.row for p in result.problems] == [2]
    assert "mapping" in result.problems[0].message
    assert result.units[0].text == "Hello there."


def test_unclosed_front_matter_is_an_error() -> None:
    with pytest.raises(ExtractError) as info:
        run("---\nname: x\nYou are an expert.\n")
    assert info.value.row == 1


def test_crlf_file() -> None:
    src = "---\r\nname: x\r\n---\r\nsystem:\r\nYou are kind.\r\nuser:\r\n{{q}}\r\n"
    units = run(src).units
    assert [(u.role, u.text) for u in units] == [("system", "You are kind."), ("user", HOLE)]
    assert units[0].first_row == 4
    for u in units:
        assert_map(u)


@settings(max_examples=150, deadline=None)
@given(
    st.one_of(
        st.text(max_size=200),
        st.lists(
            st.sampled_from(
                [
                    "---\n",
                    "name: x\n",
                    "model: [",
                    "system:\n",
                    "user:\n",
                    "{{",
                    "}}",
                    "{%",
                    "%}",
                    "{#",
                    "#}",
                    "text ",
                    "\n",
                    "\r\n",
                    ":",
                    "#",
                ]
            ),
            max_size=30,
        ).map("".join),
    )
)
def test_property_any_text_maps_or_errors(text: str) -> None:
    try:
        result = run(text)
    except ExtractError as exc:
        assert exc.row >= 1
        return
    for unit in result.units:
        assert_map(unit)
        assert 1 <= unit.first_row <= unit.last_row
