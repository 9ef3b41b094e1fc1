"""The runtime router: the persona for generative requests only."""

from __future__ import annotations

import subprocess
import sys

import pytest

from prism_lint.analysis import ACCURACY_TASKS, analyse_text
from prism_lint.router import intent, persona_for, route_messages, wants_persona

PERSONA = "You are a senior engineer. "

ACCURACY = [
    "Write a Python function that reverses a linked list.",
    "Solve the equation 3x + 7 = 22 and give the exact value of x.",
]
GENERATIVE = [
    "Write a short poem about the sea at night.",
    "Write a story about a dragon who learns to paint.",
]


@pytest.mark.parametrize("request_text", ACCURACY)
def test_accuracy_critical_requests_get_no_persona(request_text: str) -> None:
    assert intent(request_text) in ACCURACY_TASKS
    assert not wants_persona(request_text)
    assert persona_for(request_text, PERSONA) == ""
    assert persona_for(request_text, "As an expert, write", "Write") == "Write"


@pytest.mark.parametrize("request_text", GENERATIVE)
def test_generative_requests_keep_the_persona(request_text: str) -> None:
    assert intent(request_text) not in ACCURACY_TASKS
    assert wants_persona(request_text)
    assert persona_for(request_text, PERSONA) == PERSONA


def test_router_agrees_with_the_linter() -> None:
    for text in ACCURACY + GENERATIVE:
        assert intent(text) == analyse_text(text).task.category


def test_route_messages_adds_the_persona_to_the_system_message() -> None:
    messages = [
        {"role": "system", "content": "Answer briefly."},
        {"role": "user", "content": GENERATIVE[0]},
    ]
    routed = route_messages(messages, PERSONA)
    assert routed[0]["content"] == PERSONA + "Answer briefly."
    assert messages[0]["content"] == "Answer briefly."  # the input is not changed


def test_route_messages_leaves_accuracy_requests_alone() -> None:
    messages = [
        {"role": "system", "content": "Answer briefly."},
        {"role": "assistant", "content": "Hello."},
        {"role": "user", "content": [{"type": "text", "text": ACCURACY[0]}]},
    ]
    assert route_messages(messages, PERSONA) == messages


def test_route_messages_without_a_system_message_and_with_blocks() -> None:
    routed = route_messages([{"role": "user", "content": GENERATIVE[1]}], PERSONA)
    assert routed[0] == {"role": "system", "content": PERSONA.rstrip()}
    blocks = [
        {"role": "developer", "content": [{"type": "text", "text": "Be brief."}]},
        {"role": "user", "content": GENERATIVE[1]},
    ]
    routed = route_messages(blocks, PERSONA, system_role="developer")
    assert routed[0]["content"][0] == {"type": "text", "text": PERSONA}


def test_router_imports_only_the_standard_library_the_analysis_and_its_data() -> None:
    code = (
        "import sys\n"
        "before = set(sys.modules)\n"
        "import prism_lint.router as r\n"
        "r.persona_for('Write a poem.', 'x')\n"
        "new = set(sys.modules) - before\n"
        "outside = sorted({m.split('.')[0] for m in new} - set(sys.stdlib_module_names)"
        " - {'prism_lint'})\n"
        "ours = sorted({m for m in new if m.startswith('prism_lint.') and not m.startswith("
        "('prism_lint.analysis', 'prism_lint.router', 'prism_lint.model', 'prism_lint.data',"
        " 'prism_lint.lazy_re'))})\n"
        "print(outside, ours)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[] []", out.stdout


def test_any_request_shape_is_routed_without_raising() -> None:
    from prism_lint.router import persona_for

    persona = "You are a senior Python engineer. "
    code = "Write a Python function that reverses a string."
    poem = "Write a short poem about the sea."
    for request in (
        code,
        code.encode(),
        [{"type": "text", "text": code}],
        [{"role": "system", "content": "hi"}, {"role": "user", "content": code}],
        {"role": "user", "content": code},
    ):
        assert persona_for(request, persona) == ""
    assert (
        persona_for([{"role": "user", "content": [{"type": "text", "text": poem}]}], persona)
        == persona
    )
    for odd in (None, 42, [], [1, 2], {}):
        assert persona_for(odd, persona) in ("", persona)
