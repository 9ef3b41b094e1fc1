"""Fixes in Python source: strip, drop a persona-only message, gate via the router."""

from __future__ import annotations

import textwrap

import libcst
import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_fix_support import GATE, changed_lines, fix, persona_findings

from prism_lint.config import Settings

HEAD = "from openai import OpenAI\n\nclient = OpenAI()\n"


def chat(system: str, user: str = "question") -> str:
    return HEAD + textwrap.dedent(
        f"""
        resp = client.chat.completions.create(
            model="gpt-4o",
            messages=[
                {{"role": "system", "content": {system}}},
                {{"role": "user", "content": {user}}},
            ],
        )
        """
    )


def compiles(text: str) -> None:
    libcst.parse_module(text)
    compile(text, "<fixed>", "exec")


def single_fix(text: str, path: str = "app.py", settings: Settings | None = None):  # type: ignore[no-untyped-def]
    found = persona_findings(path, text, settings or Settings())
    assert found, "the prompt should be flagged"
    assert found[0].fix is not None
    return found[0].fix


def test_inline_system_message_is_stripped_safely() -> None:
    text = chat(
        '"You are an expert Python developer. Write a Python function that parses ISO dates."'
    )
    assert single_fix(text).applicability == "safe"
    new, n, remaining = fix("app.py", text, unsafe=False)
    assert n >= 1 and not remaining
    assert changed_lines(text, new) == [
        '-        {"role": "system", "content": "You are an expert Python developer. Write a '
        'Python function that parses ISO dates."},',
        '+        {"role": "system", "content": "Write a Python function that parses ISO dates."},',
    ]
    compiles(new)


def test_implicit_concatenation_drops_the_emptied_literal() -> None:
    text = HEAD + textwrap.dedent(
        """
        SYSTEM = (
            "You are an expert SQL developer. "  # the persona
            "Write a SQL query that answers the question."
        )
        resp = client.chat.completions.create(
            model="gpt-4o",
            messages=[{"role": "system", "content": SYSTEM}, {"role": "user", "content": q}],
        )
        """
    )
    new, _, remaining = fix("app.py", text)
    assert not remaining
    assert '    "Write a SQL query that answers the question."\n)' in new
    assert "expert" not in new
    compiles(new)
    # The comment beside the emptied literal went with it: not safe.
    assert single_fix(text).applicability == "unsafe"


def test_implicit_concatenation_without_comment_is_safe() -> None:
    text = HEAD + textwrap.dedent(
        """
        SYSTEM = (
            "You are an expert SQL developer. "
            "Write a SQL query that answers the question."
        )
        resp = client.chat.completions.create(
            model="gpt-4o",
            messages=[{"role": "system", "content": SYSTEM}, {"role": "user", "content": q}],
        )
        """
    )
    assert single_fix(text).applicability == "safe"
    new, _, _ = fix("app.py", text, unsafe=False)
    assert changed_lines(text, new) == ['-    "You are an expert SQL developer. "']


def test_fstring_fields_after_the_persona_are_kept() -> None:
    text = chat(
        'f"You are an expert Python developer. Write a Python function for {task} in {lang}."'
    )
    assert single_fix(text).applicability == "safe"
    new, _, _ = fix("app.py", text, unsafe=False)
    assert '"content": f"Write a Python function for {task} in {lang}."' in new
    compiles(new)


def test_field_inside_the_persona_makes_it_unsafe() -> None:
    text = chat('f"You are an expert {lang} developer. Write a Python function that sorts a list."')
    assert single_fix(text).applicability == "unsafe"
    new, n, _ = fix("app.py", text, unsafe=False)
    assert n == 0 and new == text
    new, _, _ = fix("app.py", text)
    assert '"content": f"Write a Python function that sorts a list."' in new
    compiles(new)


def test_positional_format_field_in_persona_gets_no_fix() -> None:
    text = chat(
        '"You are an expert {} developer. Write a Python function that sorts {}.".format(a, b)'
    )
    found = persona_findings("app.py", text)
    assert found and all(d.fix is None for d in found)


def test_dedented_triple_quoted_string() -> None:
    text = HEAD + textwrap.dedent(
        '''
        from textwrap import dedent

        def ask(question):
            system = dedent("""
                You are an expert Python developer.
                Write Python code that answers the question and fix any bug.
            """)
            return client.chat.completions.create(
                model="gpt-4o",
                messages=[
                    {"role": "system", "content": system},
                    {"role": "user", "content": question},
                ],
            )
        '''
    )
    new, _, remaining = fix("app.py", text)
    assert not remaining
    assert changed_lines(text, new) == ["-        You are an expert Python developer."]
    compiles(new)


def test_joined_list_of_lines_loses_the_element() -> None:
    text = HEAD + textwrap.dedent(
        """
        RULES = [
            "You are a senior JavaScript developer.",
            "Write the React component described by the user in JavaScript code.",
        ]
        client.chat.completions.create(
            model="gpt-4o", messages=[{"role": "system", "content": "\\n".join(RULES)}]
        )
        """
    )
    assert single_fix(text).applicability == "unsafe"
    new, _, remaining = fix("app.py", text)
    assert not remaining
    assert changed_lines(text, new) == ['-    "You are a senior JavaScript developer.",']
    compiles(new)


def test_persona_only_system_message_is_removed() -> None:
    text = chat('"You are an expert Python developer."', 'f"Fix the bug in this Python: {code}"')
    f = single_fix(text)
    assert f.applicability == "unsafe" and "message" in f.message
    new, _, remaining = fix("app.py", text)
    assert not remaining
    assert changed_lines(text, new) == [
        '-        {"role": "system", "content": "You are an expert Python developer."},'
    ]
    compiles(new)


def test_persona_only_keyword_argument_is_removed() -> None:
    text = (
        "import anthropic\n\nclient = anthropic.Anthropic()\n"
        'msg = client.messages.create(model="claude-sonnet-4-5", max_tokens=512, '
        'system="You are an expert Python programmer.", '
        'messages=[{"role": "user", "content": f"Fix this Python code: {code}"}])\n'
    )
    new, _, remaining = fix("app.py", text)
    assert not remaining
    assert "max_tokens=512, messages=[" in new and "system=" not in new
    compiles(new)


def test_only_message_of_a_call_is_never_removed() -> None:
    text = HEAD + (
        'client.chat.completions.create(model="gpt-4o", messages=[{"role": "system", '
        '"content": "You are an expert Python developer. prism: task=code"}])\n'
    )
    # Not a whole-prompt persona (the declaration is text), so it is stripped instead.
    new, _, _ = fix("app.py", text)
    compiles(new)
    from prism_lint.fix.python import PySource, remove_element

    src = PySource.parse('x = [{"role": "system", "content": "a"}]\n')
    d = src.tree.root_node.children[0].children[0].children[2].named_children[0]
    assert d.type == "dictionary"
    assert remove_element(src, d) is None


def test_non_ascii_text_before_the_prompt() -> None:
    text = "# Größe: 😀 ünïcode\n" + chat(
        '"Tu es un expert. You are an expert Python developer. Write a Python function."'
    )
    new, _, _ = fix("app.py", text)
    assert new.startswith("# Größe: 😀 ünïcode\n")
    compiles(new)
    assert "You are an expert Python developer" not in new


def test_crlf_file_keeps_its_line_endings() -> None:
    text = chat('"You are an expert Python developer. Write a Python function that sorts."')
    crlf = text.replace("\n", "\r\n")
    new, _, _ = fix("app.py", crlf)
    assert new == fix("app.py", text)[0].replace("\n", "\r\n")


# --------------------------------------------------------------------------
# gate through the router
# --------------------------------------------------------------------------


def test_gate_rewrites_the_prompt_to_use_the_router() -> None:
    text = '"""Service."""\n' + chat(
        '"You are an expert Python developer. Write a Python function for the request."'
    )
    f = single_fix(text, settings=GATE)
    assert f.applicability == "unsafe" and "router" in f.message
    new, _, remaining = fix("app.py", text, settings=GATE)
    assert not remaining
    assert changed_lines(text, new) == [
        "+from prism_lint.router import persona_for",
        '-        {"role": "system", "content": "You are an expert Python developer. Write a '
        'Python function for the request."},',
        '+        {"role": "system", "content": persona_for(question, "You are an expert Python '
        'developer. ") + "Write a Python function for the request."},',
    ]
    assert new.index("persona_for") > new.index("from openai import OpenAI")
    compiles(new)
    # Fixing again changes nothing.
    assert fix("app.py", new, settings=GATE)[0] == new


def test_gated_prompt_routes_at_run_time() -> None:
    text = chat('"As a senior engineer, write the Python code the request asks for."', "request")
    new, _, _ = fix("app.py", text, settings=GATE)
    assert 'persona_for(request, "As a senior engineer, write", "Write") + " the Python' in new
    sent: list[list[dict[str, str]]] = []

    class Completions:
        def create(self, **kwargs: object) -> None:
            sent.append(kwargs["messages"])  # type: ignore[arg-type]

    class Client:
        class chat:
            completions = Completions()

    body = new.replace("from openai import OpenAI\n", "").replace("client = OpenAI()\n", "")
    for request in ("Write a poem about the sea.", "Write a Python function that sorts a list."):
        exec(compile(body, "<fixed>", "exec"), {"client": Client(), "request": request})
    system = [m[0]["content"] for m in sent]
    assert system[0] == "As a senior engineer, write the Python code the request asks for."
    assert system[1] == "Write the Python code the request asks for."


def test_gate_of_a_persona_only_prompt() -> None:
    text = chat('"You are an expert Python developer."', "question")
    new, _, _ = fix("app.py", text, settings=GATE)
    assert '"content": persona_for(question, "You are an expert Python developer.")}' in new
    compiles(new)


def test_gate_keeps_an_existing_import() -> None:
    text = "from prism_lint.router import persona_for\n" + chat(
        '"You are an expert Python developer. Write a Python function for the request."'
    )
    new, _, _ = fix("app.py", text, settings=GATE)
    assert new.count("from prism_lint.router import persona_for") == 1
    compiles(new)


@pytest.mark.parametrize(
    "text",
    [
        # ``persona_for`` already names something else here.
        "def persona_for(x):\n    return x\n\n"
        + chat('"You are an expert Python developer. Write a Python function for the request."'),
        # Asking for the request again would call input() twice.
        chat(
            '"You are an expert Python developer. Write a Python function for the request."',
            "input()",
        ),
        # A template's messages: the request is not known at run time here.
        "from langchain_core.prompts import ChatPromptTemplate\n"
        'p = ChatPromptTemplate.from_messages([("system", "You are an expert Python developer. '
        'Write a Python function for the request."), ("human", "{question}")])\n',
    ],
)
def test_gate_falls_back_to_an_unsafe_strip(text: str) -> None:
    f = single_fix(text, settings=GATE)
    assert f.applicability == "unsafe"
    assert "cannot be gated" in f.message
    new, _, _ = fix("app.py", text, settings=GATE)
    assert "You are an expert Python developer" not in new
    compiles(new)


def test_gate_for_anthropic_system_argument() -> None:
    text = (
        "import anthropic\n\nclient = anthropic.Anthropic()\n"
        'msg = client.messages.create(model="claude-sonnet-4-5", max_tokens=512, '
        'system="As a senior engineer, fix the Python bug in the code.", '
        'messages=[{"role": "user", "content": req.text}])\n'
    )
    new, _, _ = fix("app.py", text, settings=GATE)
    assert (
        'system=persona_for(req.text, "As a senior engineer, fix", "Fix") + '
        '" the Python bug in the code."'
    ) in new
    assert new.startswith("import anthropic\nfrom prism_lint.router import persona_for\n")
    compiles(new)


def test_gate_reads_the_request_from_content_blocks() -> None:
    text = HEAD + textwrap.dedent(
        """
        resp = client.chat.completions.create(
            model="gpt-4o",
            messages=[
                {"role": "developer", "content": [{"type": "text", "text": "You are a senior mathematician. Solve the equation exactly."}]},
                {"role": "user", "content": [{"type": "text", "text": problem}]},
            ],
        )
        """  # noqa: E501
    )
    new, _, _ = fix("app.py", text, settings=GATE)
    assert '"text": persona_for(problem, "You are a senior mathematician. ") + "Solve' in new
    compiles(new)


def test_gate_twice_in_one_file_shares_the_import() -> None:
    text = chat(
        '"You are an expert Python developer. Write a Python function for the request."'
    ) + chat(
        '"You are an experienced lawyer. Answer questions about US contract law."', "question"
    ).replace(HEAD, "")
    new, _, remaining = fix("app.py", text, settings=GATE)
    assert not remaining
    assert new.count("from prism_lint.router import persona_for") == 1
    assert new.count("persona_for(question,") == 2
    compiles(new)


def test_a_fixed_request_is_not_routed() -> None:
    # Routing on a constant decides nothing: the persona is stripped instead.
    text = chat(
        '"You are an expert Python developer. Write a Python function that sorts."',
        '"Sort [3, 1, 2]."',
    )
    new, _, _ = fix("app.py", text, settings=GATE)
    assert "persona_for" not in new
    assert '"content": "Write a Python function that sorts."' in new


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60))
def test_fix_offsets_map_characters_and_bytes_both_ways(text: str) -> None:
    from prism_lint.fix.python import PySource

    src = PySource.parse(text)
    data = text.encode("utf-8")
    for char in range(len(text) + 1):
        byte = len(text[:char].encode("utf-8"))
        assert src.b(char) == byte
        assert src.c(byte) == char
    assert src.c(len(data)) == len(text)
