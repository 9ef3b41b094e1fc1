"""The Dotprompt extractor: user by default, {{role}} switches, Handlebars holes and comments."""

from __future__ import annotations

import pytest
from helpers import assert_map, extract_text
from hypothesis import given, settings
from hypothesis import strategies as st

from prism_lint.extract import ExtractError, Extraction
from prism_lint.extract.templates.dotprompt import extract
from prism_lint.model import HOLE


def run(
    text: str, path: str = "prompts/review.prompt", files: dict[str, str] | None = None
) -> Extraction:
    return extract_text(extract, text, path, files)


REVIEW = """\
---
name: codeReview
model: googleai/gemini-2.5-flash
tools: [lookupDocs]
input:
  schema:
    code: string
output:
  format: json
  schema:
    issues(array): string
---
{{role "system"}}
{{! prism: task=code }}
You are an expert Python developer. Review {{language}} code.
{{#if strict}}Report every issue.{{/if}}

{{ role 'user' }}
{{!-- the code, with }} inside the comment --}}
{{code}}
"""


def test_roles_holes_and_context() -> None:
    result = run(REVIEW)
    system, user = result.units
    assert system.role == "system"
    assert system.text == (
        f"You are an expert Python developer. Review {HOLE} code.\n{HOLE}Report every issue.{HOLE}"
    )
    assert [h.source for h in system.holes] == ["{{language}}", "{{#if strict}}", "{{/if}}"]
    assert system.declared_task == "code"
    assert system.first_row == 13
    assert system.context.library == "dotprompt"
    assert system.context.model == "googleai/gemini-2.5-flash"
    assert system.context.response_format == "json"
    assert system.context.tools == ["lookupDocs"]
    assert system.context.names == ["codeReview"]
    assert user.role == "user" and user.text == HOLE
    assert [c.text for c in result.comments] == [
        "prism: task=code",
        "the code, with }} inside the comment",
    ]
    for u in result.units:
        assert_map(u)


def test_text_before_any_role_is_user() -> None:
    (unit,) = run("You are a senior mathematician. Solve {{problem}}.\n").units
    assert unit.role == "user"
    assert unit.context.names == ["review"]


@pytest.mark.parametrize(
    ("path", "role"),
    [
        ("core/prompts/architect/system.prompt", "system"),
        ("prompts/system_message.prompt", "system"),
        ("prompts/user.prompt", "user"),
        # a prompt about system design is no system prompt
        ("prompts/system_design.prompt", "user"),
    ],
)
def test_a_file_named_for_its_role_gives_the_text_before_any_marker_that_role(
    path: str, role: str
) -> None:
    """Projects keep a system prompt in ``system.prompt`` with no role marker:
    its name says what Dotprompt's default would not."""
    (unit,) = run("You are a world class software architect.\n", path).units
    assert unit.role == role


def test_partials_have_unknown_role_and_are_context_where_used() -> None:
    (partial,) = run("Answer in a {{tone}} tone.\n", "prompts/_style.prompt").units
    assert partial.role == "unknown"
    files = {"_style.prompt": "Answer in a {{tone}} tone.\n"}
    (unit,) = run('Write a slogan.\n{{>style tone="fun"}}\n', "prompts/s.prompt", files).units
    assert unit.holes[0].source == '{{>style tone="fun"}}'
    assert ("include", f"Answer in a {HOLE} tone.") in [
        (s.role, s.text) for s in unit.context.siblings
    ]


def test_output_schema_name_is_the_response_format() -> None:
    src = "---\noutput:\n  schema: Recipe\n---\nGive a recipe.\n"
    assert run(src).units[0].context.response_format == "Recipe"


def test_unclosed_tag_is_a_problem() -> None:
    result = run("You are an expert.\nSolve {{problem\n")
    assert [(p.row, p.column) for p in result.problems] == [(2, 7)]
    assert result.units[0].text.startswith("You are an expert.")


def test_unclosed_front_matter_is_an_error() -> None:
    with pytest.raises(ExtractError):
        run("---\nmodel: x\nHello\n")


@settings(max_examples=150, deadline=None)
@given(
    st.one_of(
        st.text(max_size=200),
        st.lists(
            st.sampled_from(
                [
                    "---\n",
                    "model: x\n",
                    "{{",
                    "}}",
                    "{{!",
                    "{{!--",
                    "--}}",
                    '{{role "system"}}',
                    "{{>p}}",
                    "{{#if a}}",
                    "{{/if}}",
                    "text ",
                    "\n",
                    "\r\n",
                    "~",
                    "'",
                ]
            ),
            max_size=30,
        ).map("".join),
    )
)
def test_property_any_text_maps_or_errors(text: str) -> None:
    try:
        result = run(text, files={"_p.prompt": "{{x}} hi"})
    except ExtractError as exc:
        assert exc.row >= 1
        return
    for unit in result.units:
        assert_map(unit)
        assert 1 <= unit.first_row <= unit.last_row
