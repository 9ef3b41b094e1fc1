"""The inventory's first pass over Python modules: what it rules out reads as
no prompt and teaches nothing; the inventory lists the same prompts with it
as without it."""

from __future__ import annotations

import json
import re
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from prism_lint.commands import prompts as inventory_command
from prism_lint.extract import ExtractOptions
from prism_lint.extract.python import flow as python_flow
from prism_lint.extract.python.extractor import extract
from prism_lint.extract.python.prompt_cues import FOLDING, Mentions, cues_for
from prism_lint.extract.shared.opening import OPENINGS
from prism_lint.model import Document

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "python"


@pytest.fixture(autouse=True)
def no_project() -> Iterator[None]:
    python_flow.set_project(None)
    yield
    python_flow.set_project(None)


def may_hold(code: str) -> bool:
    return cues_for((), ()).may_hold_prompt(textwrap.dedent(code).encode("utf-8"))


def reads_as_nothing(code: str) -> bool:
    """Extracted alone: no prompt, and no wrapper or sink for other modules."""
    found = extract(Document("m.py", textwrap.dedent(code)), ExtractOptions())
    learned = found.learned
    return not found.units and not (learned and (learned.wrappers or learned.sinks or learned.own))


PLAIN = '''
    import os
    from pathlib import Path

    from app.settings import (
        PROMPTFLOW_HOME,
        load,
    )


    def home(name: str) -> Path:
        """Where ``name`` lives.

        :param prompt_dir: where prompts are kept
        :return: the path
        """
        key = os.environ.get("HOME", "")
        return Path(key) / name / PROMPTFLOW_HOME


    class Store:
        def run_all(self, flow) -> None:
            subprocess.run(["ls", "-l"], check=True)
            self.count = len(flow)
'''


def test_a_module_with_no_prompt_word_in_place_is_ruled_out() -> None:
    # words a prompt is found by, but where none is: an import list, a
    # docstring's field, a call of a catalogued name without its keywords
    assert reads_as_nothing(PLAIN)
    assert not may_hold(PLAIN)


@pytest.mark.parametrize(
    "code",
    [
        'client.chat.completions.create(model="gpt-4o", messages=msgs)',
        'from litellm import completion as ask\nask(model="gpt-4o", messages=m)',
        'SYSTEM_PROMPT = "Answer in one sentence."',
        'def build_prompt(topic):\n    return f"Explain {topic} in one line."',
        'agent = make(instructions="Be brief.")',
        'def send(history):\n    return call(model="x", history=history)',
        'payload = {"role": "user", "content": text}',
        'chat = [("system", "Answer briefly."), ("human", "{q}")]',
        'class Ask(dspy.Signature):\n    """Answer the question."""',
        'TEXT = """# IDENTITY and PURPOSE\nYou summarise."""',
        'KEY = "\\x73ystem"\nd = {KEY: x}',  # an escape spells what is not written
        'ſystem = "Answer in one sentence."',  # a character read as an ASCII letter
        'runner.run(task="Summarise the report.")',
        'prefix: str = """\n    You are an expert of tools. Use them to answer."""',
        "HEADER = (\n    f'\\tAct as the judge. '\n    'Score the answer.'\n)",
        "make(role='You are an expert chemist. Answer the question.')",
        "def judge(description='You are a strict judge. Score it.'):\n    pass",
        # an import under another name, a comment or a continuation before "as"
        "from langchain.agents.middleware import (\n    dynamic_prompt  # c\n    as dp,\n)\n"
        "@dp\ndef f(r):\n    return 'Answer in French.'",
        "from langchain.agents.middleware import dynamic_prompt \\\n    as dp\n"
        "@dp\ndef f(r):\n    return 'Answer in French.'",
        # a MetaGPT role's profile is sent as "You are a {profile}"
        "from metagpt.roles import Role\nclass Eng(Role):\n    profile: str = 'Engineer'",
    ],
)
def test_each_way_to_a_prompt_is_read(code: str) -> None:
    assert may_hold(code)


def test_a_utf16_module_is_read() -> None:
    data = "x = 1\n".encode("utf-16")
    assert cues_for((), ()).may_hold_prompt(data)


def test_configured_sites_and_names_are_cues() -> None:
    code = b"from myapp.llm import ask\nask(question)\nbanner_text = 'Hello there, world.'\n"
    assert not cues_for((), ()).may_hold_prompt(code)
    assert cues_for(("myapp.llm.ask",), ()).may_hold_prompt(code)
    assert cues_for((), ("*_text",)).may_hold_prompt(code)
    assert cues_for((), ("[bc]anner*",)).may_hold_prompt(code)  # not said in bytes: read


def test_the_folding_characters_are_all_there_are() -> None:
    letters = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
    found = set()
    for code in range(0x80, sys.maxunicode + 1):
        if 0xD800 <= code <= 0xDFFF:
            continue
        c = chr(code)
        if letters & set(c.lower() + c.upper() + c.casefold()) or re.fullmatch(
            "[a-zA-Z]", c, re.IGNORECASE
        ):
            found.add(c)
    assert found == set(FOLDING)


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("*.py")), ids=lambda p: p.name)
def test_no_fixture_is_ruled_out_that_holds_a_prompt(path: Path) -> None:
    code = path.read_text(encoding="utf-8")
    if not cues_for((), ()).may_hold_prompt(code.encode("utf-8")):
        assert reads_as_nothing(code)


# Statements a module may be made of: some a prompt is found by, most not.
STATEMENTS = [
    "import os",
    "from app import (\n    PROMPT_DIR,\n    run,\n)",
    "x = 1",
    "def f(a, b=2):\n    return a + b",
    "class A:\n    size = 3",
    "subprocess.run(['ls'])",
    "total = sum(values)",
    "name = 'hello world, friend'",
    "prompt = 'Summarise the text in one line.'",
    "SYSTEM = 'You are terse, say little.'",
    "client.chat.completions.create(model='m', messages=m)",
    "d = {'role': 'user', 'content': t}",
    "chat = [('system', 'Answer briefly and plainly.')]",
    "ask(system_prompt='Be brief, always.')",
    "def make_prompt(x):\n    return 'Explain ' + x + ' in a line.'",
    "text = '\\x72ole'",
    "items = {'template': 'Say hello to the user.'}",
    "log.info('template loaded, go on')",
    "def handler(messages):\n    return reply(model='m', messages=messages)",
    "INSTRUCTIONS: str = 'Reply in French, always.'",
    "agent.system_message = 'Be helpful now.'",
    "@agent.system_prompt\ndef sp():\n    return 'Answer shortly, please.'",
    "def g(history, model):\n    return send(model=model, history=history)",
    "prefix = 'You are an expert chemist. Answer the question.'",
    "note = 'You are not allowed here. Go back now.'",
    "# you are a reader of comments. Hello there.",
    "lead = f'''\\n  you're the best tutor around. Explain each step.'''",
    "make(role='You are an expert chemist. Answer the question.')",
    "def judge(description='You are a strict judge. Score it.'):\n    pass",
    "raise PermissionError(detail='You are the last admin. Assign another one.')",
    "from metagpt.roles import Role",
    "class Eng(Role):\n    profile: str = 'Engineer'\n    goal: str = 'write code'",
    "profile = load_profile(user)",
]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(STATEMENTS), max_size=6))
def test_what_the_first_pass_rules_out_reads_as_nothing(parts: list[str]) -> None:
    code = "\n\n".join(parts) + "\n"
    if not may_hold(code):
        assert reads_as_nothing(code)


_LEADS = st.lists(st.sampled_from([" ", "\t", "\n", "\\n", "\\t", "\\r", "x"]), max_size=8)


@settings(max_examples=150, deadline=None)
@given(
    st.sampled_from(["", "f", "r", "Rb", "u"]),
    st.sampled_from(['"""', "'''"]),
    _LEADS.map("".join),
    st.sampled_from(OPENINGS),
    st.sampled_from(["a", "An", "THE", "my"]),
    st.booleans(),
)
def test_a_text_opening_with_a_persona_is_never_ruled_out(
    prefix: str, quote: str, lead: str, opening: str, article: str, upper: bool
) -> None:
    """Whatever the lead, the case or the string's prefix, a module the
    extractor finds a persona-opened prompt in is kept by the cue pass."""
    opening = opening.upper() if upper else opening
    code = f"NOTE = {prefix}{quote}{lead}{opening} {article} tutor. Explain each step.{quote}\n"
    if not may_hold(code):
        assert reads_as_nothing(code)


@settings(max_examples=200, deadline=None)
@given(
    st.binary(max_size=400)
    | st.text(
        alphabet=st.sampled_from(
            list("prompt system role def class ( ) [ ] , = : # \\ ' \" \n x_ \t \u017f")
        ),
        max_size=300,
    ).map(lambda t: t.encode("utf-8"))
)
def test_any_bytes_get_an_answer(data: bytes) -> None:
    assert cues_for((), ()).may_hold_prompt(data) in (True, False)
    assert Mentions(["ask"], ["SYSTEM"]).written_in(data) in (True, False)


def test_a_file_past_the_looks_bounds_is_read() -> None:
    # more words than are looked around, more escapes than are decoded
    assert cues_for((), ()).may_hold_prompt(b"x = [" + b"prompt_dir, " * 5000 + b"]\n")
    assert cues_for((), ()).may_hold_prompt(b"s = '" + b"\\x01" * 10000 + b"'\n")


def test_mentions_see_calls_and_definitions_outside_functions() -> None:
    found = Mentions(wrappers=["ask"], sinks=["GREETING"])
    assert found.written_in(b"from app.llm import ask\nask('hi')\n")
    assert found.written_in(b"GREETING = 'Tell me a joke about the sea.'\n")
    assert found.written_in(b"class Texts:\n    GREETING = 'x'\n")
    assert found.written_in(b"class T:\n    def f(self):\n        self.GREETING = 'x'\n")
    # a function's local, a keyword argument, a word in a string: not the name's
    assert not found.written_in(b"def f():\n    GREETING = 'x'\n    return GREETING\n")
    assert not found.written_in(b"show(GREETING=1)\nprint('GREETING')\nasker()\n")


def test_mentions_see_a_sent_name_set_on_an_object_anywhere() -> None:
    """``coder.GREETING = ...`` in a function is read with the table when
    another module sends ``GREETING``; a wrapper's name set so is not."""
    found = Mentions(wrappers=["ask"], sinks=["GREETING"])
    assert found.written_in(b"def f(coder):\n    coder.GREETING = 'x'\n")
    assert found.written_in(b"def f(coder):\n    coder . GREETING += 'x'\n")
    assert not found.written_in(b"def f(coder):\n    coder.ask = 'x'\n")
    assert not found.written_in(b"def f(coder):\n    x = coder.GREETING\n")


LLM = """
    from openai import OpenAI

    client = OpenAI()


    def ask(question):
        reply = client.chat.completions.create(
            model="gpt-4o", messages=[{"role": "user", "content": question}])
        return reply.choices[0].message.content
"""

# No word a prompt is found by: the first pass rules these out, and the
# project's table (``ask`` is a wrapper, ``GREETING`` is sent) reads them in.
JOKES = """
    GREETING = "Tell me a joke about the sea, in two lines."
"""

AGENT = """
    from app.jokes import GREETING
    from app.llm import ask


    def tell():
        return ask(GREETING)


    def explain():
        return ask("Explain how the tides work, in two sentences.")
"""


def _inventory(
    root: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> list[dict[str, object]]:
    from prism_lint.cli import main

    monkeypatch.chdir(root)
    assert main(["prompts", "--output-format", "json", "."]) == 0
    rows: list[dict[str, object]] = json.loads(capsys.readouterr().out)
    return rows


def _project(root: Path, files: dict[str, str]) -> None:
    for name, code in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(code), encoding="utf-8")


class _ReadsAll:
    def may_hold_prompt(self, data: bytes) -> bool:
        return True


def test_modules_ruled_out_are_read_when_the_table_names_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    files = {"app/llm.py": LLM, "app/jokes.py": JOKES, "app/agent.py": AGENT}
    # many modules that define ``ask`` or ``GREETING`` locally, or not at all
    files.update(
        {
            f"app/util{i}.py": f"def f{i}():\n    GREETING = {i}\n    return GREETING\n"
            for i in range(6)
        }
    )
    _project(tmp_path, files)
    for name in ("app/jokes.py", "app/agent.py"):
        assert not may_hold((tmp_path / name).read_text())
    rows = _inventory(tmp_path, monkeypatch, capsys)
    found = {(Path(str(r["path"])).name, str(r["text"])[:20], r["origin"]) for r in rows}
    assert ("agent.py", "Explain how the tide", "") in found
    assert ("jokes.py", "Tell me a joke about", "value of `GREETING`") in found
    # the same rows as a run that parses every module
    monkeypatch.setattr(inventory_command, "cues_of", lambda _settings: _ReadsAll())
    assert _inventory(tmp_path, monkeypatch, capsys) == rows


def test_a_name_many_modules_define_reads_as_without_the_first_pass(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # ``GREETING`` defined by six modules the first pass rules out, and
    # locally by others: the same rows as a run that parses every module
    files = {"app/llm.py": LLM, "app/agent.py": AGENT, "app/jokes.py": JOKES}
    files.update(
        {f"app/more{i}.py": f"GREETING = 'Say hello number {i} to everyone.'\n" for i in range(5)}
    )
    files.update(
        {f"app/local{i}.py": f"def f():\n    GREETING = 'Hi {i} there, you.'\n" for i in range(3)}
    )
    _project(tmp_path, files)
    assert not may_hold(files["app/more0.py"]) and not may_hold(files["app/local0.py"])
    rows = _inventory(tmp_path, monkeypatch, capsys)
    assert {Path(str(r["path"])).name for r in rows} >= {"agent.py", "jokes.py", "more0.py"}
    monkeypatch.setattr(inventory_command, "cues_of", lambda _settings: _ReadsAll())
    assert _inventory(tmp_path, monkeypatch, capsys) == rows


def test_a_module_that_teaches_nothing_is_looked_through_for_calls_only() -> None:
    found = Mentions(wrappers=["ask"], sinks=["GREETING"])
    defines = b"GREETING = 'x'\n\n\ndef ask(q):\n    return q\n"
    assert found.written_in(defines)
    assert not found.written_in(defines, calls_only=True)
    assert found.written_in(b"from app.llm import ask\nask('Tell me a joke.')\n", calls_only=True)


def test_a_large_module_ruled_out_reads_as_without_the_first_pass(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # over the size a module teaches the table at, it defines a name the
    # table sends and calls a wrapper: read again for the call only
    filler = "".join(f"value_{i} = {i}\n" for i in range(40_000))
    files = {
        "app/llm.py": LLM,
        "app/agent.py": AGENT,
        "app/big.py": JOKES + filler,
        "app/bigcall.py": "from app.llm import ask\n\n\ndef go():\n"
        "    return ask('Say hello to everyone in the room.')\n\n\n" + filler,
    }
    _project(tmp_path, files)
    assert len(files["app/big.py"]) > inventory_command.MAX_LEARNED
    assert not may_hold(files["app/big.py"]) and not may_hold(files["app/bigcall.py"])
    rows = _inventory(tmp_path, monkeypatch, capsys)
    assert "bigcall.py" in {Path(str(r["path"])).name for r in rows}
    monkeypatch.setattr(inventory_command, "cues_of", lambda _settings: _ReadsAll())
    assert _inventory(tmp_path, monkeypatch, capsys) == rows


def test_a_large_module_is_looked_through_not_read() -> None:
    # more words than the fixed bound, none where a prompt can be (an
    # argument of a call): looked at, in time that grows with the size
    body = "".join(
        f"print(prompt_total, {i})  # counted for the weekly report\n" for i in range(4000)
    )
    assert len(body) > 4000 * 32
    assert not may_hold(body)
    assert may_hold(body + "SYSTEM_PROMPT = 'Answer in one sentence.'\n")
