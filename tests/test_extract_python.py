"""The Python extractor, tested directly: texts, roles, positions, holes and contexts."""

from __future__ import annotations

import ast
import inspect
import re
import textwrap
import warnings
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from prism_lint.analysis import analyse, is_flagged
from prism_lint.extract import ExtractError, Extraction, ExtractOptions
from prism_lint.extract.python import strings as ps
from prism_lint.extract.python.catalogue import load_catalogue, parse_catalogue, rules_path
from prism_lint.extract.python.extractor import extract
from prism_lint.model import HOLE, Document, PromptUnit

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def run(code: str, options: ExtractOptions | None = None) -> Extraction:
    """Extract and check the source-map invariant on every unit."""
    doc = Document("t.py", code)
    out = extract(doc, options or ExtractOptions())
    for unit in out.units:
        assert_exact(unit)
    return out


def assert_exact(unit: PromptUnit) -> None:
    text = unit.doc.text
    assert unit.pieces, unit
    prev_end = 0
    for p in unit.pieces:
        assert prev_end <= p.text_start < p.text_end <= len(unit.text)
        prev_end = p.text_end
        if p.exact:
            assert text[p.doc_start : p.doc_end] == unit.text[p.text_start : p.text_end]
    for h in unit.holes:
        assert unit.text[h.text_offset] == HOLE
        assert text[h.doc_start : h.doc_end] == h.source


def units(code: str, options: ExtractOptions | None = None) -> list[PromptUnit]:
    return run(code, options).units


def find(us: list[PromptUnit], needle: str) -> PromptUnit:
    hits = [u for u in us if needle in u.text]
    assert len(hits) == 1, [u.text for u in us]
    return hits[0]


def doc_of(unit: PromptUnit, needle: str) -> str:
    """The document text that ``needle`` (in the prompt text) maps back to."""
    i = unit.text.index(needle)
    a, b = unit.to_doc(i, i + len(needle))
    return unit.doc.text[a:b]


# ---------------------------------------------------------------------------
# String literals
# ---------------------------------------------------------------------------


def system_call(literal: str, prefix: str = "") -> str:
    return (
        f"{prefix}from openai import OpenAI\nclient = OpenAI()\n"
        f"client.chat.completions.create(model='m', messages=[\n"
        f"    {{'role': 'system', 'content': {literal}}},\n])\n"
    )


@pytest.mark.parametrize(
    "literal",
    [
        r'"You are\tan expert\nsolver."',
        r"'caf\xe9 \u00e9t\u00e9 \U0001F600 \N{BULLET} \101\7'",
        r'"keep \d and \w and \q as written"',
        r'r"raw \n stays \d"',
        r'R"""raw triple \" quote"""',
        r'u"unicode prefix"',
        '"""line one\\\nline two"""',
        '"""a\nb\n"""',
        "'single' \"double\" '''triple'''",
    ],
)
def test_literal_text_is_what_python_sees(literal: str) -> None:
    us = units(system_call(literal))
    assert len(us) == 1
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        assert us[0].text == ast.literal_eval(literal)


def test_escape_python_rejects_is_kept_as_written() -> None:
    literal = r'"unknown \N{NO SUCH NAME} escape"'
    assert units(system_call(literal))[0].text == literal[1:-1]


def test_bytes_literals_are_not_prompts() -> None:
    assert units(system_call('b"You are an expert"')) == []


def test_escape_maps_as_a_whole() -> None:
    u = units(system_call(r'"Tab\there"'))[0]
    assert u.text == "Tab\there"
    assert doc_of(u, "\t") == "\\t"
    assert doc_of(u, "Tab") == "Tab"


def test_crlf_source_newlines_become_line_feeds() -> None:
    code = system_call('"""first\nsecond"""').replace("\n", "\r\n")
    u = units(code)[0]
    assert u.text == "first\nsecond"
    assert doc_of(u, "second") == "second"


def test_old_mac_line_ends_are_line_ends() -> None:
    """Python ends a line at a lone \r as well; such a file is no syntax error."""
    from prism_lint.extract import ExtractOptions, extractor
    from prism_lint.model import Document

    code = system_call('"""first\nsecond"""').replace("\n", "\r")
    extraction = extractor("python")(Document("app.py", code), ExtractOptions())
    assert extraction.problems == []
    u = extraction.units[0]
    assert u.text == "first\nsecond"
    assert doc_of(u, "second") == "second"


def test_non_ascii_offsets_are_characters_not_bytes() -> None:
    prefix = "# 日本語のコメント 🎉 é\nNOTE = '名前'\n"
    code = system_call('"あなたは数学の専門家です。Solve 🎲 x+1=2."', prefix=prefix)
    u = units(code)[0]
    assert u.text == "あなたは数学の専門家です。Solve 🎲 x+1=2."
    assert doc_of(u, "専門家") == "専門家"
    assert doc_of(u, "x+1=2") == "x+1=2"
    row = code.count("\n", 0, u.doc_start) + 1
    assert "あなたは" in code.splitlines()[row - 1]
    assert u.first_row == 5  # the call statement


def test_fstring_interpolations_are_holes() -> None:
    code = system_call('f"Hi {name!r:>{width}} and {{literal}} {obj.attr}"')
    u = units(code)[0]
    assert u.text == f"Hi {HOLE} and {{literal}} {HOLE}"
    assert [h.source for h in u.holes] == ["{name!r:>{width}}", "{obj.attr}"]
    assert u.template_syntax == "fstring"
    assert doc_of(u, "{literal}") == "{{literal}}"


_CHARS = st.sampled_from(
    [
        *"abcXYZ 09.,é日\t",
        "\\n",
        "\\t",
        "\\\\",
        "\\x41",
        "\\u00e9",
        "\\'",
        '\\"',
        "\\N{BULLET}",
        "\\101",
    ]
)
_PREFIXES = st.sampled_from(["", "r", "u", "R", "f", "rf", "Fr"])
_QUOTES = st.sampled_from(['"', "'", '"""', "'''"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(_CHARS, max_size=30),
    _PREFIXES,
    _QUOTES,
    st.sampled_from(["", "# ü\n", "x = '🎉🎉'\n"]),
)
def test_property_literal_decoding(chars: list[str], prefix: str, quote: str, lead: str) -> None:
    body = "".join(chars)
    if "r" in prefix.lower():
        body = body.replace("\\", "")  # raw strings: no escapes to speak of
    if body.endswith("\\") or quote[0] in body.replace("\\" + quote[0], ""):
        return
    literal = f"{prefix}{quote}{body}{quote}"
    code = system_call(literal, prefix=lead)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            expected = ast.literal_eval(literal)
    except (SyntaxError, ValueError):
        return
    us = units(code)
    if not expected.strip():
        assert us == []
        return
    if "{" in expected:  # a plain string's {field} is read as a template hole
        return
    assert len(us) == 1
    assert us[0].text == expected


_ANY_LITERAL_CHARS = st.sampled_from(
    [*"ab {}%()\\\"'\n\té日🎉$", "{x}", "{{", "}}", "%(n)s", "{{ v }}", "{% if %}", "\\N{BULLET}"]
)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(_ANY_LITERAL_CHARS, max_size=25),
    _PREFIXES,
    _QUOTES,
    st.sampled_from(
        [
            "{}",
            "{}.format(a=1)",
            "{} % x",
            "textwrap.dedent({})",
            "{} + name + {}",
            '"\\n".join([{}, {}])',
            "inspect.cleandoc({}).strip()",
        ]
    ),
)
def test_property_source_map_is_exact(
    chars: list[str], prefix: str, quote: str, shape: str
) -> None:
    literal = f"{prefix}{quote}{''.join(chars)}{quote}"
    code = system_call(shape.replace("{}", literal))
    run(code)  # asserts the invariant for every unit; must not raise


# ---------------------------------------------------------------------------
# Templates and string operations
# ---------------------------------------------------------------------------


def test_format_template_fields_are_holes_and_braces_decode() -> None:
    code = system_call('"You are {role}. Return {{\\"a\\": {0}}} {x.y} {z[0]}".format(role=r)')
    u = units(code)[0]
    assert u.text == f'You are {HOLE}. Return {{"a": {HOLE}}} {HOLE} {HOLE}'
    assert [h.source for h in u.holes] == ["{role}", "{0}", "{x.y}", "{z[0]}"]
    assert u.template_syntax == "format"
    assert doc_of(u, "{") == "{{"


def test_percent_template() -> None:
    u = units(system_call('"Hi %(name)s, %d items, 100%% sure" % args'))[0]
    assert u.text == f"Hi {HOLE}, {HOLE} items, 100% sure"
    assert u.template_syntax == "percent"


def test_guessed_template_syntax_for_plain_strings() -> None:
    u = units(system_call('"Answer {question} now"'))[0]
    assert u.text == f"Answer {HOLE} now"
    u = units(system_call('"Hello {{ user.name }}{% if x %}!{% endif %}"'))[0]
    assert u.text == f"Hello {HOLE}{HOLE}!{HOLE}"
    assert u.template_syntax == "jinja"
    u = units(system_call('"JSON like {\\"a\\": 1} stays"'))[0]
    assert u.text == 'JSON like {"a": 1} stays'


@pytest.mark.parametrize(
    ("text", "syntax"),
    [
        ("plain text", None),
        ("Use {name} here", "format"),
        ("{{ name }} and {% for x in y %}", "jinja"),
        ("%(name)s likes", "percent"),
        ('{"json": true}', None),
    ],
)
def test_detect_syntax(text: str, syntax: str | None) -> None:
    assert ps.detect_syntax(text) == syntax


def _segs(text: str) -> ps.Segs:
    out: ps.Segs = []
    ps.decode_run(text, 0, raw=True, fstring=False, literal=0, out=out)
    return out


_LINES = st.lists(
    st.tuples(
        st.sampled_from(["", " ", "  ", "    ", "\t", " \t"]),
        st.sampled_from(["", "word", "two words", " ", "x{y}"]),
    ),
    max_size=8,
).map(lambda rows: "\n".join(a + b for a, b in rows))


@settings(max_examples=200, deadline=None)
@given(_LINES)
def test_property_dedent_matches_textwrap(text: str) -> None:
    out = ps.dedent(_segs(text), text)
    assert ps.joined(out) == textwrap.dedent(text)
    for s in out:
        if s.kind == ps.LIT:
            assert text[s.start : s.end] == s.text


@settings(max_examples=200, deadline=None)
@given(_LINES)
def test_property_cleandoc_matches_inspect(text: str) -> None:
    if "\t" in text:
        text = text.replace("\t", "  ")
    out = ps.cleandoc(_segs(text), text)
    assert ps.joined(out) == inspect.cleandoc(text)


def test_dedent_and_strip_at_a_call_site() -> None:
    code = (
        "from openai import OpenAI\nimport textwrap\nc = OpenAI()\n"
        "c.responses.create(model='m', instructions=textwrap.dedent('''\\\n"
        "    You are an expert.\n"
        "      Indented.\n"
        "    ''').strip())\n"
    )
    u = units(code)[0]
    assert u.text == "You are an expert.\n  Indented."
    assert doc_of(u, "Indented.") == "Indented."


def test_join_concat_and_implicit_concatenation() -> None:
    code = (
        "import anthropic\nc = anthropic.Anthropic()\n"
        "PARTS = ['You are a senior engineer.', 'Write code.']\n"
        "c.messages.create(model='m', system='\\n'.join(PARTS) + ' Extra ' 'implicit.', "
        "messages=[])\n"
    )
    u = units(code)[0]
    assert u.text == "You are a senior engineer.\nWrite code. Extra implicit."
    assert "PARTS" in u.context.names
    assert doc_of(u, "Write code.") == "Write code."


# ---------------------------------------------------------------------------
# Provider SDKs
# ---------------------------------------------------------------------------

OPENAI_CHAT = """\
from openai import OpenAI
client = OpenAI()

def go(q):
    r = client.chat.completions.create(
        model="gpt-4o",
        response_format={"type": "json_object"},
        tools=[{"type": "function", "function": {"name": "lookup"}}, search],
        messages=[
            {"role": "system", "content": "You are an expert. Be exact."},
            {"role": "developer", "content": [{"type": "text", "text": "Dev rule."}]},
            {"role": "user", "content": q},
            {"role": "assistant", "content": "Sure."},
            {"role": "tool", "content": "ignored tool output"},
        ],
    )
    return r
"""


def test_openai_chat_messages() -> None:
    us = units(OPENAI_CHAT)
    assert [(u.role, u.text) for u in us] == [
        ("system", "You are an expert. Be exact."),
        ("developer", "Dev rule."),
        ("assistant", "Sure."),
    ]
    sys = us[0]
    ctx = sys.context
    assert (ctx.library, ctx.call, ctx.argument) == (
        "openai",
        "client.chat.completions.create",
        "messages[0].content",
    )
    assert ctx.model == "gpt-4o"
    assert ctx.response_format == "json"
    assert ctx.tools == ["lookup", "search"]
    assert ctx.names[:2] == ["r", "go"]
    assert [(s.role, s.text) for s in ctx.siblings] == [
        ("developer", "Dev rule."),
        ("user", HOLE),
        ("assistant", "Sure."),
    ]
    assert (sys.first_row, sys.last_row) == (5, 16)
    assert sys.tier == "call"


def test_openai_responses_assistants_runs_and_legacy() -> None:
    code = """\
import openai
from openai import OpenAI
client = OpenAI()
client.responses.create(model="o3", instructions="Sys text.", input="User text.")
client.responses.create(model="o3", input=[{"role": "developer", "content": "Dev text."}])
client.beta.assistants.create(name="a", instructions="Assistant text.", model="gpt-4o")
client.beta.threads.runs.create(thread_id="t", assistant_id="a", additional_instructions="Extra.")
openai.ChatCompletion.create(model="gpt-3.5-turbo", messages=[{"role": "user", "content": "Old."}])
client.completions.create(model="davinci", prompt="Complete this.")
client.beta.threads.messages.create(thread_id="t", role="user", content="Thread msg.")
"""
    got = {
        u.text: (u.role, u.context.call.split(".")[-1], u.context.argument, u.context.model)
        for u in units(code)
    }
    assert got == {
        "Sys text.": ("system", "create", "instructions", "o3"),
        "User text.": ("user", "create", "input", "o3"),
        "Dev text.": ("developer", "create", "input[0].content", "o3"),
        "Assistant text.": ("system", "create", "instructions", "gpt-4o"),
        "Extra.": ("system", "create", "additional_instructions", None),
        "Old.": ("user", "create", "messages[0].content", "gpt-3.5-turbo"),
        "Complete this.": ("user", "create", "prompt", "davinci"),
        "Thread msg.": ("user", "create", "content", None),
    }


def test_openai_typed_dict_messages() -> None:
    code = """\
from openai import OpenAI
from openai.types.chat import ChatCompletionSystemMessageParam as Sys
client = OpenAI()
system = Sys(role="system", content="Typed system.")
client.chat.completions.create(model="gpt-4.1", messages=[system, {"role": "user", "content": "u"}])
"""
    u = find(units(code), "Typed system.")
    assert u.role == "system"
    assert u.context.call == "client.chat.completions.create"
    assert u.context.model == "gpt-4.1"
    assert "system" in u.context.names
    assert [s.text for s in u.context.siblings] == ["u"]


def test_anthropic_system_string_and_blocks() -> None:
    code = """\
import anthropic
c = anthropic.Anthropic()
c.messages.create(model="claude", system="Plain system.", messages=[
    {"role": "user", "content": [{"type": "text", "text": "Block user."}, {"type": "image"}]},
])
c.messages.stream(model="claude", system=[{"type": "text", "text": "Block one."},
    {"type": "text", "text": doc, "cache_control": {"type": "ephemeral"}}], messages=[])
"""
    us = units(code)
    assert [(u.role, u.text, u.context.library) for u in us] == [
        ("system", "Plain system.", "anthropic"),
        ("user", "Block user.", "anthropic"),
        ("system", f"Block one.\n{HOLE}", "anthropic"),
    ]


def test_google_genai_config_dict_and_generative_model() -> None:
    code = """\
from google import genai
from google.genai import types
import google.generativeai as old
client = genai.Client()
cfg = types.GenerateContentConfig(system_instruction="Config system.",
                                  response_mime_type="application/json")
client.models.generate_content(model="gemini-2.5-pro", contents="User contents.", config=cfg)
client.models.generate_content(
    model="g",
    contents=[types.Content(role="user", parts=[types.Part.from_text(text="Part text.")])],
    config={"system_instruction": "Dict system."},
)
m = old.GenerativeModel("gemini-1.5-pro", system_instruction="Model system.")
m.generate_content("Follow-up.")
"""
    us = units(code)
    by = {u.text: u for u in us}
    cfg = by["Config system."]
    assert cfg.role == "system"
    assert cfg.context.model == "gemini-2.5-pro"
    assert cfg.context.call == "client.models.generate_content"
    assert cfg.context.response_format == "json"
    assert [s.text for s in cfg.context.siblings] == ["User contents."]
    assert by["User contents."].role == "user"
    assert by["Part text."].role == "user"
    assert by["Dict system."].context.argument == "config.system_instruction"
    model = by["Model system."]
    assert (model.context.library, model.context.model) == ("google-generativeai", "gemini-1.5-pro")
    assert [s.text for s in model.context.siblings] == ["Follow-up."]
    assert by["Follow-up."].context.model == "gemini-1.5-pro"


def test_cohere_mistral_litellm_ollama_bedrock() -> None:
    code = """\
import cohere, ollama, litellm, boto3
from mistralai import Mistral
from mistralai.models.chat_completion import ChatMessage
co = cohere.Client()
co.chat(model="command-r", message="Cohere user.", preamble="Cohere preamble.",
        chat_history=[{"role": "CHATBOT", "message": "Cohere bot."}])
Mistral(api_key="k").chat.complete(model="mistral-large", messages=[
    ChatMessage(role="system", content="Mistral system.")])
litellm.completion("gpt-4o", [{"role": "system", "content": "Litellm system."}])
ollama.generate(model="llama3", system="Ollama system.", prompt="Ollama prompt.")
boto3.client("bedrock-runtime").converse(modelId="claude-x", system=[{"text": "Bedrock system."}],
    messages=[{"role": "user", "content": [{"text": "Bedrock user."}]}])
"""
    got = {
        u.text: (u.role, u.context.library, u.context.argument, u.context.model)
        for u in units(code)
    }
    assert got == {
        "Cohere user.": ("user", "cohere", "message", "command-r"),
        "Cohere preamble.": ("system", "cohere", "preamble", "command-r"),
        "Cohere bot.": ("assistant", "cohere", "chat_history[0].message", "command-r"),
        "Mistral system.": ("system", "mistral", "messages[0]", "mistral-large"),
        "Litellm system.": ("system", "litellm", "messages[0].content", "gpt-4o"),
        "Ollama system.": ("system", "ollama", "system", "llama3"),
        "Ollama prompt.": ("user", "ollama", "prompt", "llama3"),
        "Bedrock system.": ("system", "bedrock", "system", "claude-x"),
        "Bedrock user.": ("user", "bedrock", "messages[0].content", "claude-x"),
    }


# ---------------------------------------------------------------------------
# Frameworks
# ---------------------------------------------------------------------------


def test_langchain_templates_and_messages() -> None:
    code = """\
from langchain_core.prompts import (ChatPromptTemplate, PromptTemplate,
    SystemMessagePromptTemplate, HumanMessagePromptTemplate, FewShotPromptTemplate)
from langchain_core.messages import SystemMessage, HumanMessage
p = ChatPromptTemplate.from_messages([
    ("system", "Tuple system {lang} {{x}}."),
    ("human", "Tuple human."),
    ("ai", "Tuple ai."),
    ("placeholder", "{history}"),
])
msgs = [SystemMessage("Positional system."), HumanMessage(content="Kw human.")]
s = SystemMessagePromptTemplate.from_template("Template system {a}.", template_format="mustache")
h = HumanMessagePromptTemplate.from_template(template="Template human.")
t = PromptTemplate(input_variables=["q"], template="Plain template {q}.")
f = PromptTemplate.from_template("From template.")
c = ChatPromptTemplate.from_template("Chat from template.")
fs = FewShotPromptTemplate(prefix="Prefix text.", suffix="Suffix {q}.", examples=[])
"""
    got = {u.text: (u.role, u.context.argument, u.template_syntax) for u in units(code)}
    assert got == {
        f"Tuple system {HOLE} {{x}}.": ("system", "messages[0]", "format"),
        "Tuple human.": ("user", "messages[1]", "format"),
        "Tuple ai.": ("assistant", "messages[2]", "format"),
        "Positional system.": ("system", "messages[0]", None),
        "Kw human.": ("user", "messages[1]", None),
        "Template system {a}.": ("system", "template", "mustache"),
        "Template human.": ("user", "template", "format"),
        f"Plain template {HOLE}.": ("unknown", "template", "format"),
        "From template.": ("unknown", "template", "format"),
        "Chat from template.": ("user", "template", "format"),
        "Prefix text.": ("unknown", "prefix", "format"),
        f"Suffix {HOLE}.": ("unknown", "suffix", "format"),
    }


def test_model_from_environment_default_and_nested_configs() -> None:
    code = """\
import os, anthropic, autogen
c = anthropic.Anthropic()
c.messages.create(model=os.getenv("CLAUDE_MODEL", "claude-opus-4-1"), system="Env model.")
c.messages.create(model=os.environ["CLAUDE_MODEL"], system="Unknown model.")
a = autogen.AssistantAgent("a", system_message="Nested model.",
                           llm_config={"config_list": [{"model": "o3-mini", "api_key": k}]})
"""
    got = {u.text: u.context.model for u in units(code)}
    assert got == {
        "Env model.": "claude-opus-4-1",
        "Unknown model.": None,
        "Nested model.": "o3-mini",
    }


def test_langgraph_and_message_object_prompt() -> None:
    code = """\
from langgraph.prebuilt import create_react_agent
from langchain_core.messages import SystemMessage
from langchain_openai import ChatOpenAI
PROMPT = "Graph system."
a = create_react_agent(ChatOpenAI(model="o3-mini"), tools=[t1], prompt=PROMPT)
b = create_react_agent("openai:gpt-4o", [], prompt=SystemMessage(content="Message object."))
c = create_react_agent(m, [], state_modifier="Legacy modifier.")
"""
    us = units(code)
    a = find(us, "Graph system.")
    assert (a.role, a.context.library, a.context.model, a.context.tools) == (
        "system",
        "langgraph",
        "o3-mini",
        ["t1"],
    )
    assert a.first_row == 4  # the constant's own statement
    assert find(us, "Message object.").role == "system"
    assert find(us, "Legacy modifier.").context.argument == "state_modifier"


def test_llamaindex_shapes() -> None:
    code = '''\
from llama_index.core import PromptTemplate
from llama_index.core.llms import ChatMessage, MessageRole
from llama_index.core.prompts import ChatPromptTemplate, RichPromptTemplate
from llama_index.core.chat_engine import SimpleChatEngine
qa = PromptTemplate("QA {context_str} {query_str}")
engine = index.as_query_engine(text_qa_template=qa)
chat = ChatPromptTemplate(message_templates=[
    ChatMessage(role=MessageRole.SYSTEM, content="Enum system."),
    ChatMessage(role="user", content="{query_str}"),
])
rich = RichPromptTemplate("""{% chat role="system" %}Rich system.{% endchat %}
{% chat role="user" %}Rich {{ q }}{% endchat %}""")
eng = SimpleChatEngine.from_defaults(system_prompt="Engine system.")
'''
    us = units(code)
    qa = find(us, "QA ")
    assert qa.context.call == "index.as_query_engine"
    assert "qa" in qa.context.names and "engine" in qa.context.names
    enum = find(us, "Enum system.")
    assert (enum.role, enum.context.library) == ("system", "llamaindex")
    assert find(us, "Rich system.").role == "system"
    rich_user = find(us, f"Rich {HOLE}")
    assert rich_user.role == "user"
    assert find(us, "Engine system.").role == "system"


def test_crewai_agent_is_one_unit_in_render_order() -> None:
    code = """\
from crewai import Agent, Task
coder = Agent(
    role="Senior Developer",
    goal="Ship code",
    backstory="You are an expert.",
    llm="gpt-4o",
)
t = Task(description="Write a parser.", expected_output="Code.", agent=coder)
"""
    us = units(code)
    agent = find(us, "Senior Developer")
    assert agent.text == (
        "You are Senior Developer. You are an expert.\nYour personal goal is: Ship code"
    )
    assert agent.role == "system"
    assert agent.context.argument == "role+backstory+goal"
    # text the framework adds has no source: the glue maps onto the next literal
    assert agent.to_doc(0, 7)[0] == agent.doc.text.index("Senior Developer")
    assert doc_of(agent, "You are an expert.") == "You are an expert."
    task = find(us, "Write a parser.")
    assert task.role == "user"
    assert task.context.model == "gpt-4o"
    assert [s.role for s in agent.context.siblings] == ["user"]
    assert agent.context.siblings[0].text.startswith("Write a parser.")


def test_autogen_agents_and_runs_are_linked() -> None:
    code = """\
import autogen
from autogen_agentchat.agents import AssistantAgent
coder = autogen.AssistantAgent(name="coder", system_message="Coder system.",
                               llm_config={"config_list": [{"model": "gpt-4"}]})
proxy = autogen.UserProxyAgent(name="p", human_input_mode="NEVER")
proxy.initiate_chat(coder, message="Plot a chart.")
solver = AssistantAgent("solver", model_client=client, system_message="Solver system.")
async def main():
    await solver.run(task="Find the roots.")
"""
    us = units(code)
    coder = find(us, "Coder system.")
    assert coder.context.model == "gpt-4"
    assert [s.text for s in coder.context.siblings] == ["Plot a chart."]
    run_unit = find(us, "Find the roots.")
    assert run_unit.role == "user"
    assert [s.text for s in run_unit.context.siblings] == ["Solver system."]


def test_pydantic_ai_agent_decorators_and_run() -> None:
    code = """\
from pydantic_ai import Agent
agent = Agent("openai:gpt-4o", system_prompt="Static system.", output_type=Answer)

@agent.system_prompt
def dynamic(ctx) -> str:
    if ctx.deps:
        return f"Dynamic for {ctx.deps}."
    return "Fallback system."

@agent.instructions
def extra() -> str:
    return "Extra instructions."

agent.run_sync("User question?")
"""
    us = units(code)
    static = find(us, "Static system.")
    assert (static.context.model, static.context.response_format) == ("openai:gpt-4o", "Answer")
    dyn = find(us, "Dynamic for")
    assert dyn.role == "system" and dyn.context.names[0] == "dynamic"
    assert dyn.context.model == "openai:gpt-4o"
    assert find(us, "Fallback system.").role == "system"
    assert find(us, "Extra instructions.").role == "system"
    user = find(us, "User question?")
    assert user.role == "user"
    assert {s.text for s in user.context.siblings} >= {"Static system.", "Fallback system."}


def test_ell_docstring_and_return() -> None:
    code = '''\
import ell

@ell.simple(model="gpt-4o")
def solve(problem: str):
    """Ell system text."""
    return f"Solve: {problem}"
'''
    got = {u.text: (u.role, u.context.model, u.context.argument) for u in units(code)}
    assert got == {
        "Ell system text.": ("system", "gpt-4o", "docstring"),
        f"Solve: {HOLE}": ("user", "gpt-4o", "return"),
    }


def test_agents_sdk_adk_and_generic_agent() -> None:
    code = """\
from agents import Agent, Runner
a = Agent(name="sql", instructions="SDK instructions.", model="gpt-4.1")
Runner.run_sync(a, "SDK input.")
"""
    us = units(code)
    sdk = find(us, "SDK instructions.")
    assert (sdk.context.library, sdk.context.names[0]) == ("openai-agents", "sql")
    assert [s.text for s in sdk.context.siblings] == ["SDK input."]
    code = """\
from google.adk.agents import LlmAgent
a = LlmAgent(name="x", model="gemini-2.5-flash", instruction="ADK instruction.")
"""
    adk = units(code)[0]
    assert (adk.role, adk.context.library, adk.context.model) == (
        "system",
        "google-adk",
        "gemini-2.5-flash",
    )


def test_dspy_haystack_outlines_guidance_mirascope() -> None:
    code = '''\
import dspy, outlines
from guidance import system, user, models
from haystack.components.builders import PromptBuilder, ChatPromptBuilder
from haystack.dataclasses import ChatMessage
from mirascope import llm, prompt_template

class Sig(dspy.Signature):
    """  Docstring instruction.
        Second line.
    """
    question: str = dspy.InputField(desc="the question")
    answer: str = dspy.OutputField()

pb = PromptBuilder(template="Builder {{ documents }} text.")
cb = ChatPromptBuilder(template=[ChatMessage.from_system("Haystack system."),
                                 ChatMessage.from_user("{{ q }}")])

@outlines.prompt
def solve(problem):
    """Outlines {{ problem }} prompt."""

lm = models.OpenAI("gpt-4o")
with system():
    lm += "Guidance system."
with user():
    lm += "Guidance user."

@llm.call(provider="openai", model="gpt-4o-mini")
@prompt_template("SYSTEM: Mirascope system.\\nUSER: {q}")
def ask(q): ...
'''
    us = units(code)
    sig = find(us, "Docstring instruction.")
    assert sig.text == "Docstring instruction.\nSecond line."
    assert (sig.role, sig.context.library) == ("system", "dspy")
    assert {"question", "answer"} <= set(sig.context.names)
    assert [s.role for s in sig.context.siblings] == ["input", "output"]
    assert find(us, "Builder").text == f"Builder {HOLE} text."
    assert find(us, "Haystack system.").role == "system"
    out = find(us, "Outlines")
    assert (out.text, out.template_syntax) == (f"Outlines {HOLE} prompt.", "jinja")
    gs = find(us, "Guidance system.")
    assert gs.role == "system" and [s.text for s in gs.context.siblings] == ["Guidance user."]
    mira = find(us, "Mirascope system.")
    assert (mira.role, mira.context.model) == ("system", "gpt-4o-mini")


# ---------------------------------------------------------------------------
# Resolution, ownership and the name tier
# ---------------------------------------------------------------------------


def test_constant_used_twice_is_one_unit_with_merged_context() -> None:
    code = """\
from openai import OpenAI
client = OpenAI()
SYSTEM_PROMPT = "Shared system."

def a(q):
    return client.chat.completions.create(model="m1", messages=[
        {"role": "system", "content": SYSTEM_PROMPT}, {"role": "user", "content": "first"}])

def b(q):
    return client.chat.completions.create(model="m2", messages=[
        {"role": "system", "content": SYSTEM_PROMPT}, {"role": "user", "content": "second"}])
"""
    us = [u for u in units(code) if u.role == "system"]
    assert len(us) == 1
    u = us[0]
    assert (u.first_row, u.last_row) == (3, 3)
    assert {"SYSTEM_PROMPT", "a", "b"} <= set(u.context.names)
    assert [s.text for s in u.context.siblings] == ["first", "second"]


def test_shared_literal_in_two_different_prompts_has_one_owner() -> None:
    code = """\
import anthropic
c = anthropic.Anthropic()
BASE = "You are an expert. "
c.messages.create(model="m", system=BASE + "Write code.", messages=[])
c.messages.create(model="m", system=BASE + "Write a poem.", messages=[])
"""
    us = units(code)
    owners = [u for u in us if "You are an expert." in u.text]
    assert len(owners) == 1
    other = find(us, "Write a poem.")
    assert other.text == f"{HOLE}Write a poem."
    assert other.holes[0].source == '"You are an expert. "'


def test_a_prompt_extended_by_a_lookup_is_still_read() -> None:
    """``prompt += SUFFIXES[kind]`` extends the text; the lookup reads as the
    value it finds or as a hole, and the prompt is not dropped."""
    code = """\
SUFFIXES = {"a": " Reply in one line."}

def build(table, kind, extra):
    prompt = "You are a SQL expert. Write a SQL query for the orders table."
    prompt += SUFFIXES["a"]
    other_prompt = "You are a SQL expert. Write a SQL query for the users table."
    other_prompt += extra[kind]
    return prompt, other_prompt
"""
    us = units(code)
    assert find(us, "orders table").text.endswith("orders table. Reply in one line.")
    other = find(us, "users table")
    assert other.text.startswith("You are a SQL expert.") and len(other.holes) == 1


def test_db_gpts_message_templates_give_their_role() -> None:
    """DB-GPT's ``SystemPromptTemplate`` in a ``ChatPromptTemplate`` is the
    system turn, as LangChain's ``SystemMessagePromptTemplate`` is."""
    code = """\
from dbgpt.core import ChatPromptTemplate, HumanPromptTemplate, SystemPromptTemplate

P = "You are a data analysis expert. Write a DuckDB SQL query for the question."
prompt = ChatPromptTemplate(
    messages=[
        SystemPromptTemplate.from_template(P),
        HumanPromptTemplate.from_template("Question: {user_input}"),
    ]
)
"""
    unit = find(units(code), "data analysis expert")
    assert unit.role == "system"


def test_two_hops_augmented_assignment_self_and_class_attributes() -> None:
    code = """\
import anthropic
c = anthropic.Anthropic()
_BASE = "Hop base."
hop1 = _BASE
hop2 = hop1
c.messages.create(model="m", system=hop2, messages=[])

def build():
    prompt = "Start."
    prompt += " More."
    c.messages.create(model="m", system=prompt, messages=[])

class Bot:
    SYSTEM = "Class attr."
    def __init__(self):
        self.extra = "Self attr."
    def go(self):
        c.messages.create(model="m", system=self.SYSTEM, messages=[])
        c.messages.create(model="m", system=self.extra, messages=[])
        c.messages.create(model="m", system=Bot.SYSTEM + PROMPTS["k"], messages=[])

PROMPTS = {"k": " Dict value."}
"""
    us = units(code)
    assert find(us, "Hop base.").context.names[:3] == ["hop2", "hop1", "_BASE"]
    assert find(us, "Start.").text == "Start. More."
    assert find(us, "Self attr.").role == "system"
    assert find(us, "Class attr.").text == "Class attr."
    # the class constant already belongs to the prompt above: here it is a hole
    assert find(us, "Dict value.").text == f"{HOLE} Dict value."


def test_assignments_in_other_branches_are_holes() -> None:
    code = """\
import anthropic
c = anthropic.Anthropic()
def go(expert, verbose):
    system = "Default system."
    if expert:
        system = "Expert system."
    c.messages.create(model="m", system=system, messages=[])
    base = "Base text."
    if verbose:
        base += " Verbose tail."
    for q in qs:
        c.messages.create(model="m", system=base, messages=[])
"""
    got = [u.text for u in units(code) if u.tier == "call"]
    assert got == [f"Base text.{HOLE}"]


def test_function_return_and_parameters_are_holes() -> None:
    code = """\
import anthropic
c = anthropic.Anthropic()
def build(lang):
    return f"You are a {lang} developer."
def call(topic):
    c.messages.create(model="m", system=build("Go"), messages=[{"role": "user", "content": topic}])
"""
    u = units(code)[0]
    assert u.text == f"You are a {HOLE} developer."
    assert "build" in u.context.names
    assert [s.text for s in u.context.siblings] == [HOLE]


def test_wrapper_functions_keywords_and_positionals() -> None:
    code = """\
import click
def llm_call(prompt, system_prompt="", model="m"):
    pass
llm_call("Positional user.", "Positional system.")
llm_call(prompt="Kw user.", system_prompt="Kw system.")
helper.ask(system="Unknown callee system.", question="Unknown callee question.")
helper.lookup(question="A question with no system prompt beside it.")
click.option("--name", prompt="Your name")
"""
    got = {u.text: (u.role, u.context.argument, u.context.call) for u in units(code)}
    assert got == {
        "Positional user.": ("user", "prompt", "llm_call"),
        "Positional system.": ("system", "system_prompt", "llm_call"),
        "Kw user.": ("user", "prompt", "llm_call"),
        "Kw system.": ("system", "system_prompt", "llm_call"),
        "Unknown callee system.": ("system", "system", "helper.ask"),
        # beside a system prompt, the question is what is asked
        "Unknown callee question.": ("user", "question", "helper.ask"),
    }


def test_a_sys_prompt_keyword_and_the_input_beside_it_are_one_prompt() -> None:
    """``sys_prompt=`` (and ``sys_msg=``) is a system prompt on any call, and
    the ``inputs=`` beside it is that call's user turn: a project's own
    request function sends both."""
    code = """\
task = "Write a Python function that parses ISO dates."
reply = request_gpt_model_in_new_thread_with_ui_alive(
    inputs=task, inputs_show_user=task, llm_kwargs=kw, chatbot=chat, history=[],
    sys_prompt="You are a world-class programmer.",
)
agent = make_agent(sys_msg="You are a senior data scientist.")
"""
    got = {
        u.text: (u.role, u.context.argument, [s.text for s in u.context.siblings])
        for u in units(code)
    }
    assert got == {
        "Write a Python function that parses ISO dates.": (
            "user",
            "inputs",
            ["You are a world-class programmer."],
        ),
        "You are a world-class programmer.": (
            "system",
            "sys_prompt",
            ["Write a Python function that parses ISO dates."],
        ),
        "You are a senior data scientist.": ("system", "sys_msg", []),
    }


def test_a_wrapper_passing_its_parameter_beside_sys_prompt_sends_it_as_the_user_turn() -> None:
    """A project function that hands one parameter to ``inputs=`` beside
    ``sys_prompt=`` is learned for both: its callers' text is the request
    the persona is judged by, not a task assumed from the persona."""
    code = """\
def ask(question, system):
    return request_gpt(inputs=question, sys_prompt=system, history=[])

ask("Write a short, warm birthday poem for my colleague Dana.",
    "You are a world-class Python developer.")
"""
    got = {u.text: (u.role, [s.text for s in u.context.siblings]) for u in units(code)}
    assert got == {
        "Write a short, warm birthday poem for my colleague Dana.": (
            "user",
            ["You are a world-class Python developer."],
        ),
        "You are a world-class Python developer.": (
            "system",
            ["Write a short, warm birthday poem for my colleague Dana."],
        ),
    }
    (system,) = [u for u in units(code) if u.role == "system"]
    assert not is_flagged(analyse(system))


def test_name_tier() -> None:
    code = """\
from openai import OpenAI
client = OpenAI()
USED_PROMPT = "Used at a call site here."
UNUSED_SYSTEM_PROMPT = "Nobody calls this one."
code_template = "Review the {language} code."
TINY_PROMPT = "short"
NOT_A_NAME = "Plain constant, not a prompt."
config = {"system_prompt": "From a dict key."}
def f(user_prompt="Default parameter text."):
    pass
client.responses.create(model="m", instructions=USED_PROMPT)
"""
    us = units(code)
    tiers = {u.text: (u.tier, u.role) for u in us}
    assert tiers == {
        "Used at a call site here.": ("call", "system"),
        "Nobody calls this one.": ("name", "system"),
        f"Review the {HOLE} code.": ("name", "unknown"),
        "From a dict key.": ("name", "system"),
        "Default parameter text.": ("name", "user"),
    }


@pytest.mark.parametrize(
    ("value", "found"),
    [
        # Chinese and Japanese are written without spaces between words
        ("你是一名资深的Python工程师，请写一个函数反转链表。", True),
        ("あなたは経験豊富な弁護士です。質問に答えてください。", True),
        ("系统提示词", False),  # a label, too short to be a prompt
        ("ÅÄÖ-Ünïcödé-lábel-Ł", False),  # no word break in any script
    ],
)
def test_name_tier_reads_text_written_without_spaces(value: str, found: bool) -> None:
    us = units(f'SYSTEM_PROMPT = "{value}"\n')
    assert [u.text for u in us] == ([value] if found else [])


def test_a_dict_under_a_prompt_name_holds_one_prompt_per_key() -> None:
    code = """\
SYSTEM_MESSAGES = {
    "planner": "You are a planner. Plan the trip the user describes.",
    "coder": ("You are a programmer. " "Write the code the plan needs."),
    "retries": 3,
}
PROMPTS = {"system_prompt": "Named by its own key.", "review": "Review the {lang} code."}
system_message = {"role": "system", "content": "A message, read as one."}
LIMITS = {"planner": "Not a prompt name: never read as one."}
def build():
    templates = {"ask": f"Answer the question: {q}"}
    return templates
"""
    us = units(code)
    found = {u.text: (u.tier, u.role, u.context.names[:2]) for u in us}
    assert found["You are a planner. Plan the trip the user describes."] == (
        "name",
        "system",
        ["SYSTEM_MESSAGES", "planner"],
    )
    assert found["You are a programmer. Write the code the plan needs."][2] == [
        "SYSTEM_MESSAGES",
        "coder",
    ]
    # a prompt-named key names its own value, as in any dict
    assert found["Named by its own key."][:2] == ("name", "system")
    assert found["Named by its own key."][2][0] == "system_prompt"
    assert found[f"Review the {HOLE} code."][2] == ["PROMPTS", "review"]
    assert found[f"Answer the question: {HOLE}"][2] == ["templates", "ask"]
    assert found["A message, read as one."][1] == "system"
    assert not any("Not a prompt name" in t for t in found)
    assert len(us) == 6


def test_options_extra_call_sites_and_names() -> None:
    code = """\
import mylib
mylib.ask_model("Extra site text.")
MY_PERSONA_TEXT = "A configured name tier text."
"""
    opts = ExtractOptions(
        extra_call_sites={"mylib.ask_model": "system"}, extra_prompt_names=["*_PERSONA_TEXT"]
    )
    got = {u.text: (u.role, u.tier) for u in units(code, opts)}
    assert got == {
        "Extra site text.": ("system", "call"),
        "A configured name tier text.": ("system", "name"),
    }


def test_extra_call_sites_reached_through_imports() -> None:
    code = """\
from myapp.llm import ask
import myapp.llm as llm
from myapp.llm import ask as query
from otherapp import ask as other_ask
ask("Imported by name.")
llm.ask("Through a module alias.")
query("Imported under another name.")
other_ask("Not the configured ask.")
"""
    opts = ExtractOptions(extra_call_sites={"myapp.llm.ask": "system"})
    got = {u.text: u.role for u in units(code, opts) if u.tier == "call"}
    assert got == {
        "Imported by name.": "system",
        "Through a module alias.": "system",
        "Imported under another name.": "system",
    }


def test_loose_role_dicts_and_tuples() -> None:
    code = """\
messages = [{"role": "system", "content": "Loose system."}, {"role": "user", "content": q}]
messages.append({"role": "user", "content": "Appended user."})
chat = [("system", "Tuple system."), ("human", "Tuple human.")]
"""
    got = {u.text: (u.role, u.context.names[:1]) for u in units(code)}
    assert got == {
        "Loose system.": ("system", ["messages"]),
        "Appended user.": ("user", []),
        "Tuple system.": ("system", ["chat"]),
        "Tuple human.": ("user", ["chat"]),
    }


# ---------------------------------------------------------------------------
# Rows, comments, declarations and errors
# ---------------------------------------------------------------------------


def test_comments_are_all_reported_where_a_directive_may_be() -> None:
    """A module whose text spells a directive's word somewhere hands over
    every comment; one that spells none hands over none (no comment of it
    can silence or declare anything)."""
    code = "# top\nx = 1  # trailing\n    # indented\ns = '# not a comment'  # noqa\n"
    out = run(code)
    assert [(c.row, c.text, c.own_line) for c in out.comments] == [
        (1, " top", True),
        (2, " trailing", False),
        (3, " indented", True),
        (4, " noqa", False),
    ]
    assert run(code.replace("noqa", "no")).comments == []
    # the words in any case, as the directives are read
    assert len(run(code.replace("noqa", "PRISM: task=code")).comments) == 4


def test_declared_task_above_and_on_rows() -> None:
    code = """\
import anthropic
c = anthropic.Anthropic()
# prism: task=writing
A = "Declared above."
B = "Declared at end."  # prism: task=math
c.messages.create(model="m", system=A, messages=[])
c.messages.create(
    model="m",
    system=B,
    messages=[],
)
c.messages.create(
    model="m",  # prism: task=code
    system="Inside the call.",
    messages=[],
)
c.messages.create(model="m", system="Undeclared.", messages=[])
"""
    got = {u.text: u.declared_task for u in units(code)}
    assert got == {
        "Declared above.": "writing",
        "Declared at end.": "math",
        "Inside the call.": "code",
        "Undeclared.": None,
    }


def test_declared_task_inside_a_template_comment() -> None:
    code = (
        "from haystack.components.builders import PromptBuilder\n"
        "pb = PromptBuilder(template='{# prism: task=extraction #}You are an expert. {{ doc }}')\n"
    )
    u = units(code)[0]
    assert u.text == f"{HOLE}You are an expert. {HOLE}"
    assert u.declared_task == "extraction"


def test_syntax_error_reports_one_problem_and_keeps_the_rest() -> None:
    code = """\
import anthropic
c = anthropic.Anthropic()
c.messages.create(model="m", system="Still found.", messages=[])
def broken(:
    pass
x = (1,
"""
    out = run(code)
    assert [u.text for u in out.units] == ["Still found."]
    assert len(out.problems) == 1
    problem = out.problems[0]
    assert isinstance(problem, ExtractError)
    assert problem.message.startswith("syntax error")
    assert (problem.row, problem.column) == (4, 12)


@settings(max_examples=120, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("abc ()[]{}=:,.'\"\\\n#f%!+é日")), max_size=120))
def test_property_any_text_never_crashes(text: str) -> None:
    out = run(text)
    assert len(out.problems) <= 1


def test_long_concatenation_chains_are_folded() -> None:
    terms = " + ".join(f'"p{i} "' for i in range(400))
    code = f"import anthropic\nc = anthropic.Anthropic()\nc.messages.create(system={terms})\n"
    u = units(code)[0]
    assert u.text == "".join(f"p{i} " for i in range(400))


def test_pathological_nesting_does_not_crash() -> None:
    nested = 'C.from_messages([("system", ' * 150 + '"deep"' + ")])" * 150
    code = f"from langchain_core.prompts import ChatPromptTemplate as C\nx = {nested}\n"
    assert [u.text for u in units(code)] == ["deep"]
    code = "prompt = " + "(" * 1500 + '"deep text here"' + ")" * 1500 + "\n"
    run(code)


def test_lone_surrogates_do_not_crash() -> None:
    code = system_call('"bad \udcff char"')
    run(code)


# ---------------------------------------------------------------------------
# Catalogue and fixtures
# ---------------------------------------------------------------------------


def test_catalogue_loads_and_validates() -> None:
    cat = load_catalogue()
    assert rules_path("call_sites.toml").is_file()
    assert cat.candidates(("client", "chat", "completions", "create"))
    assert cat.library_of("langchain_core.prompts") == "langchain"
    with pytest.raises(ValueError, match="unknown call-site keys"):
        parse_catalogue({"site": [{"callee": ["x"], "bogus": 1}]})
    with pytest.raises(ValueError, match="bad shape"):
        parse_catalogue({"site": [{"callee": ["x"], "args": [{"kw": "a", "shape": "nope"}]}]})


_ANNOTATION = re.compile(r"#\s*(ruleid|ok):\s*PRS\d+")
_PERSONA_CUE = re.compile(r"(?i)\byou are\b|\byou're\b|\bas an?\b")


@pytest.mark.parametrize("path", sorted((FIXTURES / "python").glob("*.py")), ids=lambda p: p.name)
def test_every_fixture_annotation_has_a_prompt_in_its_block(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    out = run(text)
    lines = text.splitlines()
    rows = []
    for u in out.units:
        m = _PERSONA_CUE.search(u.text)
        start = u.to_doc(m.start(), m.end())[0] if m else u.doc_start
        rows.append(text.count("\n", 0, start) + 1)
    assert not out.problems
    by_persona = _read_for_its_persona(path)
    for i, line in enumerate(lines, start=1):
        if not _ANNOTATION.search(line):
            continue
        block = set()
        j = i + 1
        while j <= len(lines) and lines[j - 1].strip():
            block.add(j)
            j += 1
        if block & by_persona:
            continue  # the fix took away what made the text a prompt
        assert block & set(rows), f"{path.name}:{i}: no prompt found in the annotated block"


def _read_for_its_persona(path: Path) -> set[int]:
    """For a ``.fixed`` twin, the lines of the original's prompts that are
    prompts only because they open with a persona: stripped, they are not."""
    if not path.name.endswith(".fixed.py"):
        return set()
    original = path.with_name(path.name.replace(".fixed.py", ".py")).read_text(encoding="utf-8")
    return {
        original.count("\n", 0, u.doc_start) + 1
        for u in run(original).units
        if u.context.origin == "a text that opens with a persona"
    }


@given(
    st.lists(
        st.text(
            alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters='"\\\r\n'),
            max_size=8,
        ),
        min_size=1,
        max_size=4,
    ),
    st.sampled_from(["\n", "\r\n", "\r"]),
)
def test_node_text_is_the_text_between_its_offsets(words: list[str], newline: str) -> None:
    """A node's text is read from the parsed bytes when they are the text's
    own; a file with old Mac line ends is parsed with them replaced."""
    from prism_lint.extract.python.source import parse

    lines = [f'name_{i} = "{w}"  # {w}' for i, w in enumerate(words)]
    text = newline.join([*lines, 'call(name_0, key="é")', ""])
    src = parse(Document("t.py", text))
    stack = [src.tree.root_node]
    while stack:
        node = stack.pop()
        a, b = src.span(node)
        assert src.text(node) == text[a:b]
        stack.extend(node.children)


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40))
def test_offset_tables_match_each_characters_utf8_width(text: str) -> None:
    from prism_lint.extract.shared.tree_source import encode

    data, starts, extra = encode(text)
    assert data == text.encode("utf-8")
    expect_starts, expect_extra, pos, more = [], [], 0, 0
    for ch in text:
        width = len(ch.encode("utf-8"))
        if width > 1:
            expect_starts.append(pos)
            more += width - 1
            expect_extra.append(more)
        pos += width
    assert (starts, extra) == (expect_starts, expect_extra)


def test_a_module_read_again_takes_its_parse_from_the_last_reading(monkeypatch) -> None:
    """The same text at the same path is parsed once; a changed text, or the
    same text at another path, is parsed anew; the kept sources stay within
    their bound, one text a path."""
    from prism_lint.extract.python import source as python_source

    monkeypatch.setattr(python_source, "_PARSED", type(python_source._PARSED)())
    monkeypatch.setattr(python_source, "_SMALLEST", [])
    monkeypatch.setattr(python_source, "_parsed_chars", 0)
    monkeypatch.setattr(python_source, "_PARSED_CHARS", 800)  # up to 100 characters a text
    parsed: list[str] = []
    real = python_source._parse

    def counted(doc: Document) -> python_source.Source:
        parsed.append(doc.text)
        return real(doc)

    monkeypatch.setattr(python_source, "_parse", counted)
    text = 'PROMPT = "You are a senior engineer. Write a parser."\n'
    first = python_source.parse(Document("m.py", text))
    again_doc = Document("m.py", text)
    again = python_source.parse(again_doc)
    assert parsed == [text]
    assert again.doc is again_doc and again.tree is first.tree
    assert again.bindings == first.bindings and again.captures == first.captures
    changed = text.replace("parser", "lexer")
    assert python_source.parse(Document("m.py", changed)).tree is not first.tree
    python_source.parse(Document("other.py", changed))
    assert parsed == [text, changed, changed]
    assert list(python_source._PARSED) == ["m.py", "other.py"]  # one text a path
    for i in range(20):
        python_source.parse(Document(f"f{i}.py", text))
    assert python_source._parsed_chars <= 800 < 22 * len(text)
    assert sum(len(t) for t, *_src in python_source._PARSED.values()) == python_source._parsed_chars


def test_or_fallback_literal_is_a_prompt_alternative() -> None:
    code = (
        'system_prompt = settings.get("system") or "You are a careful reviewer. Be brief."\n'
        'enabled = flag and "Some text that is only a truth test here."\n'
    )
    found = run(code).units
    assert [u.text for u in found] == ["You are a careful reviewer. Be brief."]
    unit = found[0]
    assert_exact(unit)
    assert unit.context.names[0] == "system_prompt"
    assert unit.pieces[0].doc_start == code.index('"You are') + 1


def test_repeated_prose_is_read_once() -> None:
    code = (
        "from pydantic_ai import Agent\n"
        "padded = (\n"
        "    'You are a patient tutor for new students. '\n"
        "    'Explain each idea with one small example. '\n"
        ") * 50\n"
        "agent = Agent('openai:gpt-4o', instructions=padded)\n"
        "rule = '=' * 40\n"
    )
    found = run(code).units
    assert [u.text for u in found] == [
        "You are a patient tutor for new students. Explain each idea with one small example. "
    ]
    unit = found[0]
    assert unit.role == "system"
    assert unit.pieces[0].doc_start == code.index("You are")
    assert unit.pieces[-1].doc_end == code.index("example. ") + len("example. ")


def test_crewai_and_camel_agents_run_on_their_own_user_turn() -> None:
    code = """\
from crewai import Agent
from camel.agents import ChatAgent
analyst = Agent(role="Analyst", goal="Report.", backstory="Crew system.")
analyst.kickoff("Summarise the notes.")
helper = ChatAgent(system_message="Camel system.")
helper.step(input_message="Compare the two quotes.")
"""
    us = units(code)
    assert [s.text for s in find(us, "Crew system.").context.siblings] == ["Summarise the notes."]
    assert [s.text for s in find(us, "Camel system.").context.siblings] == [
        "Compare the two quotes."
    ]
    assert find(us, "Compare the two quotes.").role == "user"


def test_media_parts_sent_with_the_text_are_recorded_as_attachments() -> None:
    code = """\
from openai import OpenAI
client = OpenAI()
question = "Answer the question about the recording."
parts = [{"type": "text", "text": question},
         {"type": "input_audio", "input_audio": {"data": data, "format": "wav"}}]
client.chat.completions.create(model="gpt-4o", messages=[
    {"role": "system", "content": "You are an expert in audio analysis."},
    {"role": "user", "content": parts},
])
client.chat.completions.create(model="gpt-4o", messages=[
    {"role": "system", "content": "You are an expert historian."},
    {"role": "user", "content": [{"type": "text", "text": "Name a year."}]},
])
"""
    us = units(code)
    assert find(us, "You are an expert in audio analysis.").context.attachments == ["audio"]
    assert find(us, "You are an expert historian.").context.attachments == []


def test_pydantic_ai_message_parts_built_by_hand_are_one_conversation() -> None:
    code = """\
from pydantic_ai.messages import ModelRequest, SystemPromptPart, UserPromptPart
async def run(model):
    await model.request([
        ModelRequest(parts=[
            SystemPromptPart(content="Parts system."),
            UserPromptPart(content="Parts user."),
        ]),
    ])
"""
    us = units(code)
    system = find(us, "Parts system.")
    assert system.role == "system"
    assert [s.text for s in system.context.siblings] == ["Parts user."]
    assert find(us, "Parts user.").role == "user"


def test_constant_joined_into_another_prompt_keeps_both() -> None:
    code = '''\
CODE_RULES_PROMPT = """- Do not include triple backticks when generating code.
- Maintain proper indentation."""

REVIEW_PROMPT = "You are a careful reviewer of the artifact.\\n" + CODE_RULES_PROMPT

FIX_PROMPT = (
    "You fix the bugs in the artifact and keep its style.\\n" + CODE_RULES_PROMPT
)

BOTH_PROMPT = CODE_RULES_PROMPT + "\\n\\n" + REVIEW_PROMPT
'''
    us = units(code)
    assert len(us) == 3, [u.text for u in us]
    rules = find(us, "triple backticks")
    review = find(us, "careful reviewer")
    fix = find(us, "You fix the bugs")
    assert rules.text.startswith("- Do not include")
    assert (rules.first_row, review.first_row, fix.first_row) == (1, 4, 6)
    for unit in (review, fix):
        assert unit.tier == "name"
        # the shared rules are the rules constant's prompt; here they are a hole
        assert "triple backticks" not in unit.text
        assert [h.source for h in unit.holes] == [
            '"""- Do not include triple backticks when generating code.\n'
            '- Maintain proper indentation."""'
        ]


def test_messages_appended_to_a_list_are_sent_with_it() -> None:
    code = """\
from openai import OpenAI

client = OpenAI()


def ask(history, question):
    messages = [{"role": "system", "content": "You are a senior tax attorney."}]
    for turn in history:
        messages.append({"role": turn["role"], "content": turn["content"]})
    messages.append({"role": "user", "content": "Write a short poem about spring."})
    client.chat.completions.create(model="gpt-4o", messages=messages)
    messages.append({"role": "user", "content": "Added after the call, not sent."})
"""
    us = units(code)
    system = find(us, "You are a senior tax attorney.")
    assert system.context.call == "client.chat.completions.create"
    # the user turn appended before the call is the request the persona serves
    assert [(s.role, s.text) for s in system.context.siblings] == [
        ("unknown", HOLE),
        ("user", "Write a short poem about spring."),
    ]
    late = find(us, "Added after the call")
    assert late.context.call != "client.chat.completions.create"


def test_a_semantic_kernel_chat_history_is_sent_with_the_messages_added_to_it() -> None:
    code = """\
from semantic_kernel.contents import ChatHistory

history = ChatHistory(system_message="You are a senior tax attorney.")
history.add_assistant_message("Hello, how can I help?")


async def chat(service, settings, user_input):
    history.add_user_message("Write a short poem about spring.")
    await service.get_chat_message_content(chat_history=history, settings=settings)


async def other(service, settings):
    notes = ChatHistory()
    notes.add_system_message("You are a statistician.")
    notes.add_user_message("What is the median of 3, 5 and 9?")
    await service.get_chat_message_contents(notes, settings)
    notes.add_user_message("Added after the call, not sent.")
"""
    us = units(code)
    system = find(us, "You are a senior tax attorney.")
    assert (system.role, system.context.library) == ("system", "semantic-kernel")
    assert system.context.call == "service.get_chat_message_content"
    assert [(s.role, s.text) for s in system.context.siblings] == [
        ("assistant", "Hello, how can I help?"),
        ("user", "Write a short poem about spring."),
    ]
    stats = find(us, "You are a statistician.")
    assert [(s.role, s.text) for s in stats.context.siblings] == [
        ("user", "What is the median of 3, 5 and 9?")
    ]
    late = find(us, "Added after the call")
    assert late.context.call != "service.get_chat_message_contents"


def test_strings_appended_to_a_content_list_are_part_of_the_prompt() -> None:
    code = '''\
from openai import OpenAI

client = OpenAI()


def index_topics(text, old):
    parts = ["An earlier list, not sent."]
    parts = []
    parts.append("""- List the topics the text below covers.
- One topic a line, without numbering.""")
    parts.extend(["# Text to be indexed\\n", text])
    sent = parts
    client.chat.completions.create(
        model="gpt-4o",
        messages=[{"role": "user", "content": sent}],
    )
    parts.append("Added after the call, not sent.")
'''
    us = units(code)
    topics = find(us, "List the topics")
    assert topics.tier == "call" and topics.role == "user"
    assert topics.text == (
        "- List the topics the text below covers.\n"
        "- One topic a line, without numbering.\n"
        f"# Text to be indexed\n\n{HOLE}"
    )
    assert [h.source for h in topics.holes] == ["text"]
    assert (topics.first_row, topics.last_row) == (9, 10)
    assert not any("not sent" in u.text for u in us if u.tier == "call")


def test_constant_two_prompt_constants_join_is_read_at_its_own_line() -> None:
    code = '''\
APP_CONTEXT = """
The application is a canvas where users write and edit one artifact per chat.
"""
NOTE = "Used by one prompt only, it stays part of that prompt."
ROUTE_PROMPT = "You are an assistant that routes the user's query.\\n" + APP_CONTEXT + NOTE
TITLE_PROMPT = "You are an assistant that names the artifact.\\n" + APP_CONTEXT
'''
    us = units(code)
    assert len(us) == 3, [u.text for u in us]
    context = find(us, "The application is a canvas")
    assert context.first_row == 1 and context.tier == "name"
    assert context.context.origin == "part of `ROUTE_PROMPT`, `TITLE_PROMPT`"
    route = find(us, "routes the user's query")
    title = find(us, "names the artifact")
    for unit in (route, title):
        assert "canvas" not in unit.text and unit.holes[0].source.startswith('"""\nThe app')
    assert route.text.endswith("Used by one prompt only, it stays part of that prompt.")


def test_kept_sources_let_the_smallest_go_first() -> None:
    """A run keeps parsed modules for their second reading within a budget
    of characters: over it, the smallest go first, and a module read again
    from a kept source is the same source. A module over an eighth of the
    budget is never kept."""
    from prism_lint.extract.python import source
    from prism_lint.model import Document

    def module(chars: int) -> str:
        line = "x = 1\n"
        return line * (chars // len(line))

    big, small = module(120), module(60)  # 8 of 120 and one of 60: over 1000
    names = [f"m{k}.py" for k in range(8)]
    source.keep_sources(1000)
    try:
        source.parse(Document("small.py", small))
        for path in names:
            source.parse(Document(path, big))
        for k in range(20):  # the trees of the texts parsed last make way
            source.tree_of(f"y = {k}\n")
        assert big not in source._TREES
        assert set(source._PARSED) == set(names)  # small went first
        kept = source._PARSED["m0.py"][1]
        again = source.parse(Document("m0.py", big))
        assert again.tree is kept.tree and again.bindings is kept.bindings
        # its fixes, worked out after many other parses, read the same tree
        assert source.tree_of(big) is kept.tree
        assert source.parse(Document("small.py", small)).tree is not None  # parsed anew
        assert set(source._PARSED) == set(names)
        source.parse(Document("huge.py", module(150)))  # over an eighth: not kept
        assert "huge.py" not in source._PARSED
    finally:
        source.keep_sources(0)
    assert source._PARSED == {}


@pytest.mark.parametrize(
    ("made", "given", "tools"),
    [
        # a tool held in a variable is named by its class too
        (
            "market_tools = YFinanceTools(stock_price=True)",
            "[market_tools]",
            ["market_tools", "YFinanceTools"],
        ),
        # a toolkit object's tools, by the toolkit's class
        (
            "toolkit = OpenBBToolkit()",
            "toolkit.get_tools()",
            ["toolkit.get_tools", "OpenBBToolkit"],
        ),
    ],
)
def test_a_tool_held_in_a_variable_is_named_by_its_class_too(
    made: str, given: str, tools: list[str]
) -> None:
    src = (
        "from agno.agent import Agent\n"
        f"{made}\n"
        "agent = Agent(instructions='You are a stock analyst. Report the price of {ticker}.', "
        f"tools={given})\n"
    )
    (unit,) = units(src)
    assert unit.context.tools == tools


def test_tools_a_toolkit_call_returns_are_named_by_the_toolkit() -> None:
    src = (
        "from crewai import Agent\n"
        "agent = Agent(role='Research Specialist', goal='Research {company}', "
        "backstory='You are an expert researcher.', tools=ExaSearchTool.tools())\n"
    )
    assert all(u.context.tools == ["ExaSearchTool.tools"] for u in units(src))


def test_a_lambda_given_for_a_prompt_returns_it() -> None:
    """A site's prompt given as a lambda (the OpenAI Agents SDK's dynamic
    instructions, ``dynamic_prompt(lambda request: ...)``) is the text its
    body returns; a lambda handed to anything else is no prompt."""
    out = run(
        "from agents import Agent\n"
        "from langchain.agents.middleware import dynamic_prompt\n\n"
        "tutor = Agent(name='t', instructions=lambda ctx, agent: "
        'f"You are a senior mathematician. Solve {ctx.context.problem}.")\n'
        'mw = dynamic_prompt(lambda request: "You are a veteran tax lawyer. Give the rates.")\n'
        'keys = sorted(d, key=lambda k: "You are a senior judge. Rank them.")\n'
    )
    assert sorted((u.role, u.text.split(".")[0]) for u in out.units) == [
        ("system", "You are a senior mathematician"),
        ("system", "You are a veteran tax lawyer"),
    ]


def test_langchain_dynamic_prompt_aliased_or_called() -> None:
    """LangChain's ``dynamic_prompt`` returns the system prompt, whether it
    decorates the function under another name or is called on it."""
    out = run(
        "from langchain.agents import create_agent\n"
        "from langchain.agents.middleware import dynamic_prompt as dp\n\n"
        "@dp\n"
        "def aliased(request):\n"
        '    return "You are an expert mathematician. Solve the equation."\n\n'
        "def called(request):\n"
        '    return "You are a veteran tax lawyer. Answer with the VAT rates."\n\n'
        'agent = create_agent(model="gpt-4o", tools=[], middleware=[dp(called)])\n'
    )
    assert sorted((u.role, u.text.split(".")[0]) for u in out.units) == [
        ("system", "You are a veteran tax lawyer"),
        ("system", "You are an expert mathematician"),
    ]


def test_the_tools_an_agent_sdk_allows_are_the_calls_tools() -> None:
    """Claude's agent SDK names the tools its agent may use in
    ``allowed_tools``: what they return is what the agent works on."""
    src = (
        "from claude_code_sdk import ClaudeCodeOptions\n"
        "options = ClaudeCodeOptions(\n"
        "    allowed_tools=['mcp__github', 'WebSearch', 'Read'],\n"
        "    system_prompt='You are an observability agent specialized in CI/CD workflows',\n"
        ")\n"
    )
    (unit,) = units(src)
    assert unit.context.tools == ["mcp__github", "WebSearch", "Read"]


def test_a_list_of_formatted_system_messages_is_read_at_the_call() -> None:
    """MetaGPT's ``aask(prompt, system_msgs=[SYSTEM.format(...)])``: the
    formatted text in the list is the call's system message, sent with the
    user prompt, not a constant read on its own."""
    src = (
        "SYSTEM = 'You are a professional engineer with {lang} stack, good at review.'\n"
        "TEMPLATE = 'Code: {code}. Do the code and the comment match? Print True or False.'\n"
        "class Confirm:\n"
        "    async def run(self, code, lang):\n"
        "        prompt = TEMPLATE.format(code=code)\n"
        "        system = [SYSTEM.format(lang=lang)]\n"
        "        return await self.llm.aask(prompt, system_msgs=system)\n"
    )
    found = {u.role: u for u in units(src)}
    assert set(found) == {"system", "user"}
    assert found["system"].context.call == "self.llm.aask"
    assert [s.role for s in found["system"].context.siblings] == ["user"]
    assert found["system"].text.startswith("You are a professional engineer")


METAGPT_ROLES = """
from metagpt.actions import Action
from metagpt.roles import Role
from pydantic import Field


class WriteTests(Action):
    PROMPT: str = "Write {k} pytest unit tests for this function: {code}"

    async def run(self, code: str, k: int = 3) -> str:
        return await self._aask(self.PROMPT.format(code=code, k=k))

    async def cheer(self) -> str:
        return await self._aask("Write a cheerful haiku about passing tests.")


class SimpleTester(Role):
    name: str = "Bob"
    profile: str = "SimpleTester"
    goal: str = Field(default="find the bugs")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.set_actions([WriteTests])


class Idle(Role):
    name: str = "Zed"
"""


def test_metagpt_role_prefix_is_the_system_prompt_of_its_actions() -> None:
    us = units(METAGPT_ROLES)
    role = find(us, "You are a")
    # MetaGPT's prefix, the CamelCase profile read as words, ``Field(default=)`` read
    assert role.text == "You are a Simple Tester, named Bob, your goal is find the bugs. "
    assert role.role == "system"
    assert role.context.library == "metagpt"
    assert "WriteTests" in role.context.names
    # the persona maps onto the profile's literal, not back to the name before it
    start, end = role.to_doc(0, role.text.index(","))
    assert METAGPT_ROLES[start:end] == "SimpleTester"
    # the action's prompt and the role's prefix see each other
    action = find(us, "pytest unit tests")
    assert [s.role for s in action.context.siblings] == ["system"]
    # each action call is a call of its own: it sees the role, not the other calls
    haiku = find(us, "cheerful haiku")
    assert [s.text for s in haiku.context.siblings] == [role.text]
    assert any("pytest" in s.text for s in role.context.siblings)
    # a role with no profile sends no "You are"
    assert not any("Zed" in u.text for u in us)


def test_a_role_class_outside_metagpt_is_no_prompt() -> None:
    code = METAGPT_ROLES.replace("from metagpt.roles import Role", "from acl import Role")
    code = code.replace("from metagpt.actions import Action", "from jobs import Action")
    assert not any("You are a" in u.text for u in units(code))


TEAM = """
from swarms import Agent, SequentialWorkflow

analyst = Agent(agent_name="A", system_prompt="You are a senior equity analyst.")
writer = Agent(agent_name="W", system_prompt="You are a professional copywriter.")
agents = [analyst, writer]
workflow = SequentialWorkflow(agents=agents, max_loops=1)
out = workflow.run("Write a short upbeat intro about our team offsite.")
"""


def _team_siblings(code: str) -> dict[str, list[str]]:
    us = units(code)
    return {
        p: [s.text for s in find(us, p).context.siblings]
        for p in ("senior equity analyst", "professional copywriter")
    }


def test_a_team_run_gives_its_task_to_the_agents_it_reaches() -> None:
    """``ConcurrentWorkflow(agents=[...]).run(task)``, ``RoundRobinGroupChat([a,
    b])``: the task reaches every agent, each with its own system prompt and
    not the others'. A sequence gives it to its first agent only (the others
    work on what came before them); a router or a team leader writes each
    agent's own task, which the code does not show."""
    task = ["Write a short upbeat intro about our team offsite."]
    for team in ("ConcurrentWorkflow(agents=agents)", "RoundRobinGroupChat(agents)"):
        code = TEAM.replace("SequentialWorkflow(agents=agents, max_loops=1)", team)
        assert _team_siblings(code) == {
            "senior equity analyst": task,
            "professional copywriter": task,
        }, team
    assert _team_siblings(TEAM) == {"senior equity analyst": task, "professional copywriter": []}
    for team in ("SwarmRouter(agents=agents)", "Team(members=[analyst, writer])"):
        code = TEAM.replace("SequentialWorkflow(agents=agents, max_loops=1)", team)
        assert _team_siblings(code) == {
            "senior equity analyst": [],
            "professional copywriter": [],
        }, team
    # a call that holds no agents gives its task to none
    code = TEAM.replace("agents=agents", "agents=[]")
    assert all(not sib for sib in _team_siblings(code).values())


def test_a_model_that_searches_is_a_tool_of_the_call() -> None:
    src = (
        "from agno.agent import Agent\n"
        "from agno.models.google import Gemini\n"
        "agent = Agent(model=Gemini(id='gemini-2.5-flash', search=True),\n"
        "              instructions='You are a web researcher. Report the latest facts.')\n"
    )
    (unit,) = units(src)
    assert unit.context.model == "gemini-2.5-flash"
    assert unit.context.tools == ["web search (the model's own)"]
    (plain,) = units(src.replace("search=True", "search=False"))
    assert plain.context.tools == []


def test_metagpt_roles_as_metagpt_sends_them() -> None:
    """A role's own ``desc`` replaces the prefix; an ``_aask`` given its own
    ``system_msgs`` sends those instead; a profile that is no text is none;
    an acronym's CamelCase is read as words too; ``Field("...")`` gives its
    first argument."""
    code = METAGPT_ROLES.replace(
        'goal: str = Field(default="find the bugs")', 'goal: str = Field("find the bugs")'
    )
    assert find(units(code), "You are a").text.endswith("your goal is find the bugs. ")
    desc = METAGPT_ROLES.replace(
        '    profile: str = "SimpleTester"\n',
        '    profile: str = "SimpleTester"\n    desc: str = "Be brief."\n',
    )
    assert not any("You are a" in u.text for u in units(desc))
    own = METAGPT_ROLES.replace(
        "self._aask(self.PROMPT.format(code=code, k=k))",
        'self._aask(self.PROMPT.format(code=code, k=k), system_msgs=["Answer tersely."])',
    )
    tests = find(units(own), "pytest unit tests")
    assert [s.text for s in tests.context.siblings] == ["Answer tersely."]
    listed = METAGPT_ROLES.replace(
        'profile: str = "SimpleTester"', 'profile: list = ["QA", "Lead"]'
    )
    assert not any("You are a" in u.text for u in units(listed))
    acronym = METAGPT_ROLES.replace('"SimpleTester"', '"SEOExpert"')
    assert find(units(acronym), "You are a").text.startswith("You are a SEO Expert,")
    long = METAGPT_ROLES.replace('"SimpleTester"', '"' + "Aa" * 50_000 + ' x"')
    units(long)  # a long profile is read in linear time (no backtracking)


def test_the_later_agents_of_a_sequence_work_on_what_came_before() -> None:
    """The agents after a sequence's first are handed the output of the one
    before: supplied material, which their request works on (an analyst told
    to "list the implications of the research" reports what it was given)."""
    seq = TEAM.replace("[analyst, writer]", "[writer, analyst]").replace(
        "You are a senior equity analyst.",
        "You are a senior equity analyst. List the three key facts of the research.",
    )
    us = units(seq)
    assert find(us, "senior equity analyst").context.after_agent
    assert not find(us, "professional copywriter").context.after_agent
    assert not is_flagged(analyse(find(us, "senior equity analyst")))
    # an agent that is also the first is handed the task
    twice = find(units(seq.replace("[writer, analyst]", "[analyst, writer, analyst]")), "equity")
    assert not twice.context.after_agent
    # an agent also handed a task directly is not only working on the output
    # before it; nor is one whose list order is not the order it runs in
    direct = seq + 'analyst.run("What was Apple\'s revenue in 2020?")\n'
    assert not find(units(direct), "equity").context.after_agent
    graph = seq.replace(
        "SequentialWorkflow(agents=agents, max_loops=1)", "GraphWorkflow(agents=agents)"
    )
    assert not find(units(graph), "equity").context.after_agent
    # a later agent asked for maths still does maths
    maths = seq.replace(
        "List the three key facts of the research.", "Solve the equations step by step."
    ).replace("senior equity analyst", "senior equity analyst and expert mathematician")
    found = analyse(find(units(maths), "equity"))
    assert found.task.category == "math"
    assert is_flagged(found)
    alone = seq.replace(
        "SequentialWorkflow(agents=agents, max_loops=1)", "ConcurrentWorkflow(agents)"
    )
    found = find(units(alone), "senior equity analyst")
    assert not found.context.after_agent
    assert is_flagged(analyse(found))


def test_a_sequence_whose_flow_says_who_is_first_joins_none() -> None:
    code = TEAM.replace(
        "SequentialWorkflow(agents=agents, max_loops=1)",
        'AgentRearrange(agents=[writer, analyst], flow="A -> W")',
    )
    assert _team_siblings(code) == {"senior equity analyst": [], "professional copywriter": []}
    commented = TEAM.replace("agents=agents", "agents=[  # the order matters\n    analyst, writer]")
    assert _team_siblings(commented)["senior equity analyst"] == [
        "Write a short upbeat intro about our team offsite."
    ]
    adk = TEAM.replace(
        "SequentialWorkflow(agents=agents, max_loops=1)", "SequentialAgent(sub_agents=agents)"
    )
    assert _team_siblings(adk)["senior equity analyst"] == [
        "Write a short upbeat intro about our team offsite."
    ]


def test_qwen_agents_function_list_names_its_tools() -> None:
    """Qwen-Agent's agents take their tools as ``function_list=``: a code
    interpreter there is what the persona's task is done with."""
    src = (
        "from qwen_agent.agents import ReActChat\n"
        "bot = ReActChat(llm={'model': 'qwen-max'}, name='coder',\n"
        "    system_message='You are a programming expert who writes code for data problems.',\n"
        "    function_list=['code_interpreter'])\n"
    )
    (unit,) = units(src)
    assert unit.role == "system"
    assert unit.context.tools == ["code_interpreter"]
    assert analyse(unit).task.category == "code"


def test_a_gemini_chat_sends_each_message_with_its_system_instruction() -> None:
    """``client.chats.create(config=...system_instruction...)`` holds the
    system prompt; each ``chat.send_message(...)`` on it is the user turn
    sent with it."""
    src = (
        "from google import genai\n"
        "from google.genai import types\n"
        "client = genai.Client()\n"
        "chat = client.chats.create(model='gemini-2.5-flash', config=types.GenerateContentConfig(\n"
        "    system_instruction='You are an expert tutor.'))\n"
        "reply = chat.send_message('What is 15% of 80?')\n"
    )
    us = units(src)
    system = find(us, "expert tutor")
    assert system.role == "system"
    assert [s.text for s in system.context.siblings] == ["What is 15% of 80?"]
    found = analyse(system)
    assert found.task.category == "math"
    assert is_flagged(found)


def test_a_transformers_agent_is_run_on_its_task() -> None:
    """``transformers.agents``' ReactCodeAgent, smolagents' predecessor: the
    text its ``run`` is given is the user turn sent to the model."""
    src = (
        "from transformers.agents import ReactCodeAgent, HfApiEngine\n"
        "agent = ReactCodeAgent(tools=[], llm_engine=HfApiEngine('m'))\n"
        "agent.run('You are an expert data analyst. Compute the mean age of the passengers.',"
        " source_file='train.csv')\n"
    )
    (unit,) = units(src)
    assert unit.role == "user"
    assert unit.context.library == "transformers-agents"
