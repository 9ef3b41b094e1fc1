"""Prompts followed to the call: wrappers, sink names, their origins, and
prompt files found by their content."""

from __future__ import annotations

import contextlib
import io
import json
import os
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from prism_lint.config import Resolver, Settings
from prism_lint.discovery import discover
from prism_lint.engine import check_path
from prism_lint.extract import ExtractOptions
from prism_lint.extract.javascript.extractor import extract as extract_js
from prism_lint.extract.python import flow as python_flow
from prism_lint.extract.python import project as python_project
from prism_lint.extract.python.extractor import extract
from prism_lint.extract.text.prose import HEAD, looks_like_prompt, looks_like_prompt_bytes
from prism_lint.model import Document, PromptUnit
from prism_lint.prefilter import worth_checking
from prism_lint.runner import check_targets


@pytest.fixture(autouse=True)
def no_project() -> Iterator[None]:
    """Each test starts, and leaves, with no project table set."""
    python_flow.set_project(None)
    yield
    python_flow.set_project(None)


def units(code: str, path: str = "t.py") -> list[PromptUnit]:
    return extract(Document(path, textwrap.dedent(code)), ExtractOptions()).units


def by_text(found: list[PromptUnit], start: str) -> PromptUnit:
    matches = [u for u in found if u.text.startswith(start)]
    assert len(matches) == 1, [u.text for u in found]
    return matches[0]


# -- within a module -------------------------------------------------------------


def test_returned_values_on_each_path_reach_the_call() -> None:
    found = units("""
        from openai import OpenAI
        client = OpenAI()

        def sources_prompt(q, detailed):
            if detailed:
                return f"You are a research assistant helping to select sources for {q}."
            return "You are a research assistant."

        def run(q):
            return client.chat.completions.create(
                model="gpt-4o", messages=[{"role": "user", "content": sources_prompt(q, True)}])
    """)
    first = by_text(found, "You are a research assistant helping")
    assert first.context.origin == "returned by `sources_prompt`"
    assert first.role == "user"
    assert (
        by_text(found, "You are a research assistant.").context.origin
        == "returned by `sources_prompt`"
    )


def test_dict_values_reach_the_call_through_a_parameter() -> None:
    found = units("""
        import anthropic
        client = anthropic.Anthropic()

        def llm_call(prompt, system_prompt=""):
            return client.messages.create(model="claude-3-5-haiku-latest", system=system_prompt,
                                          messages=[{"role": "user", "content": prompt}])

        def route(ticket, routes, key):
            return llm_call(ticket, system_prompt=routes[key])

        ROUTES = {"account": "You are an account security specialist. Answer briefly.",
                  "billing": "You are a billing specialist. Compute the refund."}
        route("help", ROUTES, "account")
    """)
    account = by_text(found, "You are an account security specialist")
    assert account.context.origin == "value of `ROUTES['account']`"
    assert account.role == "system"
    assert (
        by_text(found, "You are a billing specialist").context.origin
        == "value of `ROUTES['billing']`"
    )


def test_a_constant_of_any_name_that_reaches_no_call_is_no_prompt() -> None:
    found = units("""
        from openai import OpenAI
        client = OpenAI()
        BANNER = "You are a senior engineer reading the welcome banner."
        print(BANNER)
        client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "Hi"}])
    """)
    assert not any(u.text.startswith("You are a senior engineer") for u in found)


def test_wrapper_passes_roles_and_model_on() -> None:
    found = units("""
        from openai import OpenAI
        client = OpenAI()

        def complete(system, question, model="gpt-4o"):
            return client.chat.completions.create(
                model=model,
                messages=[{"role": "system", "content": system},
                          {"role": "user", "content": question}])

        complete("You are a senior planner.", "Plan the launch.", model="o3-mini")
    """)
    system = by_text(found, "You are a senior planner.")
    assert system.role == "system"
    assert system.context.model == "o3-mini"
    assert system.context.call == "complete"
    assert by_text(found, "Plan the launch.").role == "user"


def test_a_local_list_grown_then_returned_is_read_item_by_item() -> None:
    found = units("""
        import dspy

        class Agent(dspy.Module):
            def __init__(self, sig):
                self.p = dspy.Predict(dspy.Signature({}, "\\n".join(self.rules(sig, "a"))))

            def rules(self, sig, mode):
                if mode == "a":
                    out = ["You are a careful tutor. Explain each step of the proof."]
                else:
                    out = []
                out.append(f"Answer with the fields of {sig}, one per line.")
                return out
    """)
    first = by_text(found, "You are a careful tutor.")
    assert first.context.origin == "returned by `rules`"
    assert first.role == "system"
    assert by_text(found, "Answer with the fields of").context.origin == "returned by `rules`"


def test_a_value_set_under_a_prompt_name_sends_what_its_function_returns() -> None:
    found = units("""
        class Role:
            def start(self):
                self.llm.system_prompt = self.prefix()

            def prefix(self):
                text = "Reply to the customer in one short paragraph."
                if self.env:
                    extra = f"You are in {self.env} with the other agents of the team."
                    text += extra
                return text
    """)
    assert by_text(found, "You are in").context.origin == "returned by `prefix`"
    assert by_text(found, "Reply to the customer").role == "system"


def test_a_helper_whose_result_is_sent_is_no_wrapper() -> None:
    # the helper's parameter is not what its callers send: calls to it are no call sites
    from prism_lint.extract.python.project import learn_text

    learned = learn_text(
        "t.py",
        textwrap.dedent("""
        from openai import OpenAI
        client = OpenAI()

        RULES = " Answer in one short paragraph. "

        def tidy(text):
            cleaned = text
            return cleaned

        def ask(question):
            return client.chat.completions.create(
                model="gpt-4o", messages=[{"role": "system", "content": tidy(RULES)},
                                          {"role": "user", "content": question}])
    """),
        None,
    )
    assert learned is not None
    table = learned[0]
    assert "ask" in table.wrappers
    assert "tidy" not in table.wrappers


def test_a_dspy_module_called_with_keywords_sends_them() -> None:
    found = units("""
        import dspy

        GUIDE = "You are an expert mathematician. Compute the integral given."
        NOTE = "You are an expert mathematician. This note is only printed."

        def solve(problem):
            solver = dspy.ChainOfThought("guide, problem -> answer")
            print(NOTE)
            return solver(guide=GUIDE, problem=problem)
    """)
    assert (
        by_text(found, "You are an expert mathematician. Compute").context.origin
        == "value of `GUIDE`"
    )
    assert not any("only printed" in u.text for u in found)


def test_messages_handed_to_any_call_keep_roles_and_model() -> None:
    found = units("""
        from app.llm import create_chat_completion

        create_chat_completion(model="o3-mini", messages=[
            {"role": "system", "content": "You are a seasoned analyst."},
            {"role": "user", "content": "Which quarter grew most?"}])
    """)
    system = by_text(found, "You are a seasoned analyst.")
    assert (system.role, system.context.model) == ("system", "o3-mini")


def test_messages_keyword_without_roles_is_not_read() -> None:
    found = units("""
        notify(messages=["Build finished.", "All tests passed."])
    """)
    assert found == []


def test_dict_splat_gives_a_call_its_keywords() -> None:
    found = units("""
        from anthropic import Anthropic
        ARGS = {"system": "You are an expert systems programmer.", "max_tokens": 1024}
        Anthropic().messages.create(**ARGS, messages=[{"role": "user", "content": "Explain it."}])
    """)
    assert by_text(found, "You are an expert systems programmer.").role == "system"


def test_joined_list_includes_what_was_appended() -> None:
    found = units("""
        import dspy

        def build(signature):
            instr = [f"{signature.instructions}"] if signature.instructions else []
            instr.extend(["You are an Agent.", "Use the tools given."])
            instr.append("Answer in JSON.")
            return dspy.Signature({}, "\\n".join(instr))
    """)
    unit = by_text(found, "\ufffc")  # the signature's own instructions: a hole
    assert "You are an Agent.\nUse the tools given.\nAnswer in JSON." in unit.text
    assert unit.role == "system"


def test_metagpt_aask_reads_system_messages() -> None:
    found = units("""
        from metagpt.actions import Action
        SYSTEM = "As a Kaggle Grandmaster, suggest improvements."

        class Reflect(Action):
            async def run(self, context):
                return await self.llm.aask(context, system_msgs=[SYSTEM])
    """)
    unit = by_text(found, "As a Kaggle Grandmaster")
    assert unit.role == "system"


def test_functions_named_as_prompts_are_read_by_what_they_return() -> None:
    found = units('''
        def generate_prompt(context):
            q = context["vars"]["q"]
            return f"""You are an AI assistant that converts questions into SQL: {q}"""
    ''')
    unit = by_text(found, "You are an AI assistant that converts")
    assert unit.context.origin == "returned by `generate_prompt`"


def test_a_prompt_set_on_an_imported_object() -> None:
    found = units("""
        from interpreter import interpreter
        interpreter.system_message = "You are an AI assistant that writes tiny code snippets."
    """)
    unit = by_text(found, "You are an AI assistant that writes")
    assert unit.context.origin == "set as `interpreter.system_message`"


def test_fabric_pattern_text_in_code() -> None:
    found = units('''
        content = """# IDENTITY and PURPOSE

        You are an AI assistant designed to summarize.
        """
    ''')
    assert by_text(found, "# IDENTITY and PURPOSE").context.origin == "a fabric pattern"


def test_a_text_that_opens_with_a_persona_is_a_prompt_whatever_its_name() -> None:
    found = units('''
        from dataclasses import dataclass

        @dataclass
        class ToolConfig:
            prefix: str = "You are an expert of many tools. Call them to answer the question."

        HEADER = (
            "\\n  You are a senior Go engineer. "
            "Review the diff and list the bugs."
        )

        def build():
            text = f"""
            Act as the lead chemist of the lab.
            Answer the question about {topic} with exact figures."""
            return text
    ''')
    prefix = by_text(found, "You are an expert of many tools.")
    assert prefix.tier == "name" and prefix.context.origin == "a text that opens with a persona"
    assert prefix.context.names[:2] == ["prefix", "ToolConfig"]
    assert by_text(found, "\n  You are a senior Go engineer.").context.names[0] == "HEADER"
    (chemist,) = [u for u in found if u.text.lstrip().startswith("Act as the lead chemist")]
    assert chemist.context.names[0] == "text"


def test_a_persona_opened_default_or_keyword_is_a_prompt() -> None:
    found = units("""
        class Judge:
            def __init__(self, description: str = "You're an expert judge. Score it from 1 to 10."):
                self.description = description

        agent = Agent(agent_role="You are an experienced researcher. Propose three ideas.")
        judge = Parameter(data=f'''You are an evaluator. Compare the {answer} with the truth.''')
        raise PermissionError(detail="You are the last admin here. Assign another admin first.")
        print(end="You are a guest here. Sign in to go on.")
    """)
    assert sorted(u.context.names[0] for u in found) == ["agent_role", "data", "description"]


def test_many_persona_opened_strings_before_a_keyword_do_not_hide_it() -> None:
    readers = "".join(f'    "You are a reader number {i}.",\n' for i in range(300))
    found = units(
        "NAMES = [\n" + readers + "]\n"
        'Agent(agent_description="You are an expert lawyer. Answer the question.")\n'
    )
    assert [u.context.names[0] for u in found] == ["agent_description"]


def test_a_persona_opened_value_in_parentheses_with_a_comment_is_read() -> None:
    found = units("""
        PREFIX = (  # the agent's preamble
            "You are a senior Go engineer. Review the diff and list the bugs."
        )
    """)
    assert [u.context.names[0] for u in found] == ["PREFIX"]


@pytest.mark.parametrize(
    "value",
    [
        '"You are an expert lawyer."',  # a persona alone: a piece of a prompt built elsewhere
        '"""You are an expert\nsoftware architect."""',  # one sentence, wrapped
        '"You are a U.S. tax attorney."',  # a capital's period ends no sentence
        '"You are not allowed to add a subtask here. Nothing happened."',  # no one cast
        '"You are OpenHands agent, a helpful assistant. Go on."',  # no article: a name
        '"Note: you are a member now. Welcome aboard."',  # not at the start
        'f"{greeting} You are a guest here. Sign in to go on."',
    ],
)
def test_a_text_that_does_not_open_with_a_persona_needs_a_prompt_name(value: str) -> None:
    assert units(f"MESSAGE = {value}\n") == []


@pytest.mark.parametrize(
    ("uses", "prompt"),
    [
        ("print(NOTE)\nlogger.info('%s', NOTE)", False),  # shown to people only
        ("raise PermissionError(NOTE)", False),  # an exception's message is read by people
        ("print(NOTE)\nagent.run(NOTE)", True),  # and passed on
        ("def make():\n    print(NOTE)\n    return NOTE", True),  # and returned
        ("logger.debug(NOTE)\nmessages = [NOTE, question]", True),  # and put in a list
        ("run(task=self.NOTE)", True),
        ("", True),  # used elsewhere
    ],
)
def test_a_persona_opened_text_that_is_only_shown_is_no_prompt(uses: str, prompt: bool) -> None:
    code = 'NOTE = "You are an expert mathematician. Solve the equation on the board."\n'
    assert bool(units(code + uses + "\n")) == prompt


def test_typescript_prompt_builder_is_read_by_what_it_returns() -> None:
    code = (
        "export function toPrompt(t: string) {\n"
        "  return `You are a skilled software engineer. Write the code for ${t}.`;\n"
        "}\n"
    )
    out = extract_js(Document("lib/prompt.ts", code), ExtractOptions())
    unit = by_text(out.units, "You are a skilled software engineer.")
    assert unit.context.origin == "returned by `toPrompt`"


# -- across the modules of a project ---------------------------------------------


def _project(root: Path, files: dict[str, str]) -> list[str]:
    paths = []
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(textwrap.dedent(text))
        paths.append(str(p))
    return paths


LLM = """
    from openai import OpenAI
    client = OpenAI()

    def create_chat_completion(messages, model="gpt-4o", temperature=0.0):
        return client.chat.completions.create(model=model, messages=messages)
"""
PROMPTS = """
    def choose_tools_prompt(query):
        return f"You are a research assistant helping to choose the tools for {query}."
"""
AGENT = """
    from app.llm import create_chat_completion
    from app.prompts import choose_tools_prompt

    def choose(query):
        return create_chat_completion(
            model="o3-mini",
            messages=[{"role": "system", "content": choose_tools_prompt(query)},
                      {"role": "user", "content": query}])
"""


def test_project_table_teaches_wrappers_and_sinks(tmp_path: Path) -> None:
    paths = _project(
        tmp_path, {"app/llm.py": LLM, "app/prompts.py": PROMPTS, "app/agent.py": AGENT}
    )
    table = python_project.learn_project(paths)
    wrapper = table.wrappers["create_chat_completion"]
    assert wrapper.model == "model"
    assert wrapper.role_of("messages") == python_flow.MESSAGES
    assert table.sinks["choose_tools_prompt"] == "system"
    python_flow.set_project(table)
    found = check_path(str(tmp_path / "app/prompts.py"), Settings(), inventory=True).prompts
    unit = found[0][0]
    assert unit.context.origin == "returned by `choose_tools_prompt`"
    assert unit.role == "system"


def test_project_table_reads_only_bounded_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = _project(tmp_path, {"app/llm.py": LLM, "app/big.py": "x = 1\n" * 100})
    monkeypatch.setattr(python_project, "MAX_BYTES", 300)
    assert "create_chat_completion" in python_project.learn_project(paths).wrappers
    monkeypatch.setattr(python_project, "MAX_FILES", 0)
    assert not python_project.learn_project(paths)
    assert not python_project.learn_project([str(tmp_path / "missing.py")])


def test_check_sees_the_model_through_a_wrapper_of_another_module(tmp_path: Path) -> None:
    # the wrapper's module holds a persona too, so the first pass keeps it
    _project(
        tmp_path,
        {
            "app/llm.py": LLM
            + '\nDEFAULT = "You are a senior data analyst. Compute the totals."\n',
            "app/agent.py": """
            from app.llm import create_chat_completion

            create_chat_completion(
                [{"role": "system", "content": "You are a seasoned project planner."},
                 {"role": "user", "content": "Plan the release."}],
                "o3-mini",
            )
        """,
        },
    )
    resolver = Resolver()
    results = {
        t.path: r
        for t, r in check_targets(
            discover([str(tmp_path)], resolver), resolver, lambda s: s, use_cache=False
        )
    }
    agent = results[str(tmp_path / "app" / "agent.py")]
    assert any(d.code == "PRS105" for d in agent.diagnostics), agent.diagnostics


# -- prompt files by content -------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "You are a senior security engineer. Review the diff.\n",
        "---\nname: check\n---\n\nYou are an agent that keeps the docs current.\n",
        "# IDENTITY and PURPOSE\n\nSummarise the text.\n",
        "# Instructions\n\n- You must answer in JSON.\n",
        "\ufeffAct as a translator.\n",
        # a product's agent named, then what it is
        "You are Devin, a software engineer using a real computer.\n",
        "You are Notion AI, an AI agent inside of Notion.\n",
        "You are E1, the agent.\n",
        # tags and facts before the first sentence
        "<identity>\nYou are Trae AI, a powerful coding assistant.\n</identity>\n",
        "<goal> You are Perplexity, a helpful search assistant.\n",
        "Knowledge cutoff: 2024-06\nYou are an AI coding assistant, powered by GPT-4.1.\n",
        "You\xa0are\xa0a\xa0coding\xa0assistant.\n",
        # the model named in the third person, by name, or in a heading
        "The assistant is Claude, created by Anthropic.\n",
        "Your name is Junie.\n",
        "Your role as an AI assistant is to help developers complete their code.\n",
        "# Act as a world-class senior frontend React engineer with deep expertise in the API\n",
        # a section named by a label on its own line, as a heading names it
        "---\ntriggers:\n- /codereview\n---\n\nPERSONA:\nYou are an expert code reviewer.\n",
        "**Role:**\nYou are a senior data engineer.\n\n**Task:**\nWrite the SQL.\n",
    ],
)
def test_prompt_file_by_content(text: str) -> None:
    assert looks_like_prompt(text)
    assert looks_like_prompt_bytes(text.encode())


@pytest.mark.parametrize(
    "text",
    [
        "# My project\n\nA library that does things.\n\nYou are welcome to contribute.\n",
        "You are welcome to open an issue.\n",
        "You are free to copy, modify, and share it.\n",
        "Version: 1.2\nThis project parses dates.\n",
        "<div>\nA page about the project.\n</div>\n",
        "Release notes\n\n- You are now able to export.\n",
        "```\nYou are a senior engineer.\n```\n",
        "",
        # a label that names no prompt's section, or no line speaking to the model
        "Installation:\nYou will need Python 3.10.\n",
        "Task:\nRun the tests with pytest.\n",
    ],
)
def test_not_a_prompt_file(text: str) -> None:
    assert not looks_like_prompt(text)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=HEAD + 50))
def test_first_pass_reads_prose_as_the_check_does(text: str) -> None:
    """The first pass must never rule out a file the full check reads."""
    assert looks_like_prompt_bytes(text.encode("utf-8")) == looks_like_prompt(text)


def test_prose_files_are_found_wherever_they_sit(tmp_path: Path) -> None:
    _project(
        tmp_path,
        {
            "app/checks/review.md": (
                "You are a senior Python engineer. Write the fix for the bug.\n"
            ),
            "app/summarize/system.md": "# IDENTITY and PURPOSE\n\nYou are an expert at code.\n",
            "README.md": "# App\n\nYou are welcome to use it. You are a senior Python engineer?\n",
            "notes.txt": "Shopping list\n",
        },
    )
    resolver = Resolver()
    targets = list(discover([str(tmp_path)], resolver))
    results = {
        t.path: r for t, r in check_targets(iter(targets), resolver, lambda s: s, use_cache=False)
    }
    flagged = {
        Path(p).relative_to(tmp_path).as_posix()
        for p, r in results.items()
        if any(d.code.startswith("PRS1") for d in r.diagnostics)
    }
    assert flagged == {"app/checks/review.md", "app/summarize/system.md"}
    for t in targets:
        data = Path(t.path).read_bytes()
        kept = worth_checking(data, Settings(), kind=t.kind)
        if Path(t.path).name in ("README.md", "notes.txt"):
            assert not kept
        else:
            assert kept


def test_each_branch_of_a_conditional_text() -> None:
    found = units("""
        def search(context):
            context_prompt = f"You are a seasoned research assistant: {context}." if context else ""
            return context_prompt
    """)
    assert by_text(found, "You are a seasoned research assistant:").tier == "name"


def test_a_module_constant_is_not_taught_to_other_modules(tmp_path: Path) -> None:
    paths = _project(
        tmp_path,
        {
            "a.py": """
            from openai import OpenAI
            GREETING = "You are a cheerful concierge. Greet the guest."
            OpenAI().chat.completions.create(model="gpt-4o",
                                             messages=[{"role": "system", "content": GREETING}])
        """,
            "b.py": """
            GREETING = "You are a senior engineer. This banner is printed, never sent."
            print(GREETING)
        """,
        },
    )
    table = python_project.learn_project(paths)
    assert "GREETING" not in table.sinks
    python_flow.set_project(table)
    found = check_path(str(tmp_path / "b.py"), Settings(), inventory=True).prompts
    assert found == []


def test_a_notebook_calls_a_wrapper_of_a_module(tmp_path: Path) -> None:
    import json

    _project(
        tmp_path,
        {
            "util.py": """
        from anthropic import Anthropic
        client = Anthropic()
        DEFAULT = "You are a senior data analyst. Compute the totals."

        def llm_call(prompt, system_prompt="", model="claude-3-5-sonnet-latest"):
            return client.messages.create(model=model, system=system_prompt, max_tokens=100,
                                          messages=[{"role": "user", "content": prompt}])
    """
        },
    )
    source = (
        "from util import llm_call\n"
        'llm_call("Plan the release.", "You are a seasoned project planner.", "o3-mini")'
    )
    cell = {
        "cell_type": "code",
        "metadata": {},
        "execution_count": None,
        "outputs": [],
        "source": source,
    }
    (tmp_path / "plan.ipynb").write_text(
        json.dumps({"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5})
    )
    resolver = Resolver()
    results = {
        t.path: r
        for t, r in check_targets(
            discover([str(tmp_path)], resolver), resolver, lambda s: s, use_cache=False
        )
    }
    codes = [d.code for d in results[str(tmp_path / "plan.ipynb")].diagnostics]
    assert "PRS105" in codes


def test_inventory_shows_where_the_text_comes_from(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    from prism_lint.cli import main

    _project(tmp_path, {"app/llm.py": LLM, "app/prompts.py": PROMPTS, "app/agent.py": AGENT})
    monkeypatch.chdir(tmp_path)
    assert main(["prompts", "--output-format", "json", "."]) == 0
    rows = json.loads(capsys.readouterr().out)
    origins = {r["origin"] for r in rows if r["path"].endswith("prompts.py")}
    assert origins == {"returned by `choose_tools_prompt`"}
    assert main(["prompts", "."]) == 0
    assert "from returned by `choose_tools_prompt`" in capsys.readouterr().out


# -- TypeScript across modules -----------------------------------------------------

TS_LIB = """
    export function describeApp(template: string) {
      return `You are a senior TypeScript engineer. Write the ${template} app the user asks for.`
    }

    export const REVIEWER = "You are a veteran historian. Answer which year the treaty was signed."

    // not sent: a text of another name is a prompt only when sent, unless it
    // opens with the persona (then its own words say what it is for)
    export const BANNER = "Hello! You are a senior engineer. This text is shown in the page header."
"""

TS_ROUTE = """
    import { streamText, generateText } from 'ai'
    import { openai } from '@ai-sdk/openai'
    import { describeApp, REVIEWER } from '@/lib/instructions'

    export async function POST(req: Request) {
      const { messages, template } = await req.json()
      await generateText({ model: openai('o3-mini'), system: REVIEWER, prompt: 'Go.' })
      return streamText({ model: openai('gpt-4o'), system: describeApp(template), messages })
    }
"""


def test_typescript_sends_what_another_module_exports(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from prism_lint.cli import main

    _project(tmp_path, {"lib/instructions.ts": TS_LIB, "app/api/chat/route.ts": TS_ROUTE})
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PRISM_LINT_CACHE_DIR", str(tmp_path / ".cache"))
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.suppress(SystemExit):
        main(["prompts", "--output-format", "json", "."])
    rows = {
        r["text"][:30]: r
        for r in json.loads(out.getvalue())
        if r["path"].endswith("instructions.ts")
    }
    built = rows["You are a senior TypeScript en"]
    assert built["origin"] == "returned by `describeApp`"
    assert built["role"] == "system"
    assert rows["You are a veteran historian. A"]["origin"] == "value of `REVIEWER`"
    assert not any(k.startswith("Hello! You are a senior") for k in rows)


def test_typescript_learns_only_names_of_the_project() -> None:
    # a name imported from a package is no module of the project: not taught
    found = extract_js(
        Document(
            "route.ts",
            textwrap.dedent("""
        import { generateText } from 'ai'
        import { SYSTEM } from 'some-package'
        import { RULES } from './rules'
        generateText({ model: 'gpt-4o', system: SYSTEM + RULES, prompt: 'Go.' })
    """),
        ),
        ExtractOptions(),
    )
    assert found.learned is not None
    assert found.learned.sinks == {"RULES": "system"}
    assert "generateText" not in found.learned.defines


# -- what the project's table may name ---------------------------------------------


def _learned(code: str) -> python_flow.Table:
    found = extract(Document("m.py", textwrap.dedent(code)), ExtractOptions()).learned
    assert found is not None
    return found


def test_builtins_and_the_standard_librarys_names_are_no_sinks() -> None:
    """What is sent is built with ``int``, ``os.path``, ``datetime.now``:
    another module's definition of those names is not what is sent."""
    learned = _learned("""
        import os
        from datetime import datetime
        from typing import Any, cast
        from openai import OpenAI
        from app.texts import persona, Header
        client = OpenAI()

        def ask(path, n):
            text = os.path.basename(path) + str(int(n)) + datetime.now().isoformat()
            return client.chat.completions.create(
                model="gpt-4o",
                messages=[{"role": "system", "content": persona(cast(Any, n)) + Header.line},
                          {"role": "user", "content": text}])
    """)
    assert {"persona", "Header", "line"} <= set(learned.sinks)
    assert not {"int", "os", "path", "basename", "datetime", "now", "Any", "cast"} & set(
        learned.sinks
    )


def test_a_lambdas_body_and_a_dicts_keys_are_not_what_is_sent() -> None:
    """``next(filter(lambda key: ..., flow.outputs.keys()))`` picks a name: the
    lambda's body is a test, not text, and ``keys`` says no definition."""
    learned = _learned("""
        from openai import OpenAI
        client = OpenAI()

        def ask(flow, question):
            name = next(filter(lambda key: flow.outputs[key].is_chat, flow.outputs.keys()))
            return client.chat.completions.create(
                model="gpt-4o", messages=[{"role": "user", "content": question + name}])
    """)
    assert not {"key", "is_chat", "keys"} & set(learned.sinks)
    assert "outputs" in learned.sinks  # what the picked name is read from


def test_a_name_the_module_binds_over_a_builtin_is_its_own() -> None:
    learned = _learned("""
        from openai import OpenAI
        client = OpenAI()

        def compile(n):
            return f"You are a tutor. Explain lesson {n}."

        client.chat.completions.create(
            model="gpt-4o", messages=[{"role": "user", "content": compile(3)}])
    """)
    assert learned.own.get("compile") == "user"


def test_a_call_of_the_standard_library_is_no_project_wrappers() -> None:
    """``re.search(pattern, text)`` is not the project's wrapper ``search``."""
    llm = python_flow.Table(
        wrappers={"search": python_flow.Wrapper(("query",), (("query", "user"),))}
    )
    code = """
        import re
        from app.llm import search

        re.search(r"^(\\d+)", "You are a chess coach. Find the best move.")
        search("You are a chess coach. Find the best move in the game.")
    """
    python_flow.set_project(llm)
    found = units(code)
    assert [u.context.call for u in found if u.context.call] == ["search"]
    assert _learned(code).called == frozenset({"search"})  # re.search is no project callee


def test_special_methods_and_catalogued_sites_are_no_wrappers() -> None:
    """``__call__`` is called by no name a call writes, and every call of a
    catalogued ``run`` is read as the site: neither is taught as a wrapper,
    nor makes a module that calls it read again."""
    learned = _learned("""
        from openai import OpenAI
        client = OpenAI()

        class Bot:
            def __call__(self, question):
                return client.chat.completions.create(
                    model="gpt-4o", messages=[{"role": "user", "content": question}])

            def run(self, task):
                return client.chat.completions.create(
                    model="gpt-4o", messages=[{"role": "user", "content": task}])

            def answer(self, question):
                return client.chat.completions.create(
                    model="gpt-4o", messages=[{"role": "user", "content": question}])

        Bot().run("Sort the list.")
    """)
    assert set(learned.wrappers) == {"answer"}
    assert "run" not in learned.called


def test_a_call_read_as_a_catalogued_site_calls_no_wrapper_of_its_name() -> None:
    """``client.chat.completions.create`` is read as the site before any
    project function named ``create``: a module whose only ``create`` is
    that call does not call the project's ``create``, nor needs its table
    for it; one that calls ``jobs.create`` does."""
    project = python_flow.Table(
        wrappers={"create": python_flow.Wrapper(("text",), (("text", "user"),))}
    )
    site = _learned("""
        from openai import OpenAI
        client = OpenAI()

        client.chat.completions.create(
            model="gpt-4o", messages=[{"role": "user", "content": "Sort the list."}])
    """)
    assert "create" not in site.called
    assert not python_flow.needs_project(site, project)
    other = _learned("""
        from app import jobs

        jobs.create("Sort the list.")
    """)
    assert "create" in other.called
    assert python_flow.needs_project(other, project)


def test_a_wrapper_named_as_a_lists_method_is_its_own_modules_only() -> None:
    """``history.append(text)`` in another module is a list's: a project
    wrapper named ``append`` (or ``format``, ``update``) is not followed at a
    method call of another module, while its own module's calls still read
    through it, and an imported function so named (``translate``) is followed."""
    memory = """
        from openai import OpenAI
        client = OpenAI()

        class Memory:
            def append(self, text):
                return client.chat.completions.create(
                    model="gpt-4o", messages=[{"role": "system", "content": text}])

            def remember(self):
                return self.append("Summarize the notes.")

        def translate(instructions, text):
            return client.chat.completions.create(
                model="gpt-4o", messages=[{"role": "system", "content": instructions},
                                          {"role": "user", "content": text}])
    """
    learned = _learned(memory)
    assert {"append", "translate"} <= set(learned.wrappers)
    table = python_flow.Table()
    table.merge(learned)
    project = table.resolved()
    assert "self.append" in {u.context.call for u in units(memory)}
    listed = """
        history = []
        history.append("Summarize the notes.")
    """
    imported = """
        from llm import translate

        def run(doc):
            return translate("You are a world-class mathematician. Solve it exactly.", doc)
    """
    python_flow.set_project(project)
    try:
        assert not units(listed)
        assert not python_flow.needs_project(_learned(listed), project)
        (unit,) = units(imported)
        assert unit.context.call == "translate" and unit.role == "system"
        assert python_flow.needs_project(_learned(imported), project)
    finally:
        python_flow.set_project(None)


def test_keywords_passed_on_to_a_site_need_its_library() -> None:
    """``**kwargs`` handed to a call whose last name a site has makes a
    wrapper only where the module shows the site's library."""
    generated = """
        def get_flow(self, flow_id, **kwargs):
            request = build_request(flow_id)
            return self._client._pipeline.run(request, stream=False, **kwargs)
    """
    assert "get_flow" not in _learned(generated).wrappers
    served = """
        import uvicorn
        from agno.agent import Agent

        def serve(app, **kwargs):
            uvicorn.run(app=app, **kwargs)
    """
    assert "serve" not in _learned(served).wrappers
    agent = """
        from agno.agent import Agent

        def ask(agent, **kwargs):
            return agent.run(**kwargs)
    """
    assert _learned(agent).wrappers["ask"].spread == "kwargs"
    client = """
        from openai import OpenAI
        client = OpenAI()

        def send(**kwargs):
            return client.chat.completions.create(**kwargs)
    """
    assert _learned(client).wrappers["send"].spread == "kwargs"


def test_a_module_that_sets_a_sent_attribute_reads_with_the_table() -> None:
    """``coder.reply = "..."`` is read as a prompt once another module sends
    ``reply``: such a module needs the project's table, as one that defines
    the name does."""
    learned = _learned("""
        def test_reply(coder):
            coder.reply = "You are a pirate. Answer in one line."
            self_ish = coder
    """)
    assert learned.sets == frozenset({"reply"})
    assert not python_flow.needs_project(learned, python_flow.Table(sinks={"other": "user"}))
    assert python_flow.needs_project(learned, python_flow.Table(sinks={"reply": "user"}))
    assert not python_flow.calls_wrapper(learned, python_flow.Table(sinks={"reply": "user"}))


# -- the inventory's rounds ---------------------------------------------------------

_ASK = """
    from openai import OpenAI
    client = OpenAI()

    def ask(system):
        return client.chat.completions.create(
            model="gpt-4o", messages=[{"role": "system", "content": system}])
"""
_THINK = """
    from llm import ask

    def think(text):
        return ask(text)
"""
_CALLER = """
    from agent import think
    from llm import ask

    intro_prompt = "Say hello."
    ask("You are a tour guide. Greet the group at the station.")
    think("You are a poet. Write a haiku about the rain.")
"""


def _inventory(root: Path) -> list[dict[str, object]]:
    from prism_lint.commands.prompts import _all_rows

    targets = list(discover([str(root)], Resolver(forced=Settings())))
    return _all_rows(targets, [Settings()] * len(targets))


def test_a_module_read_again_is_read_once_more_when_a_round_teaches_it_a_wrapper(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``think`` is a wrapper only once its module is read with the table
    (it passes its text to ``ask``, another module's); the caller, read
    again for ``ask`` in the same round, is read once more for ``think``."""
    from prism_lint.commands import prompts
    from prism_lint.extract.python.prompt_cues import cues_for

    _project(tmp_path, {"llm.py": _ASK, "agent.py": _THINK, "app.py": _CALLER})
    # the module of the wrapper's wrapper holds no prompt word: read for its names first
    assert not cues_for((), ()).may_hold_prompt(textwrap.dedent(_THINK).encode())
    named: list[str] = []
    names_in = prompts.names_in
    monkeypatch.setattr(
        prompts,
        "names_in",
        lambda path, text, settings: (
            named.append(os.path.basename(path)) or names_in(path, text, settings)
        ),
    )
    rows = {(os.path.basename(str(r["path"])), r["call"], r["role"]) for r in _inventory(tmp_path)}
    assert named == ["agent.py"]
    assert ("app.py", "ask", "system") in rows
    assert ("app.py", "think", "system") in rows


def _reads(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, bool]]:
    """Every whole reading of the inventory from now on: the module's name,
    and whether it was read with the project's table."""
    from prism_lint.commands import prompts

    seen: list[tuple[str, bool]] = []
    whole = prompts._inventory

    def spy(path: str, data: bytes | None, settings: Settings, **kw: bool) -> object:
        if not kw.get("names"):
            seen.append((os.path.basename(path), python_flow.PROJECT is not None))
        return whole(path, data, settings, **kw)

    monkeypatch.setattr(prompts, "_inventory", spy)
    return seen


# a test suite's worth of agents: over LATE_BYTES
_SUITE_PADDING = "".join(f"def test_case_{i}():\n    assert {i} == {i}\n\n" for i in range(3000))


@pytest.mark.parametrize("pooled", [False, True])
def test_a_large_test_module_is_read_once_with_the_table_its_library_taught(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pooled: bool
) -> None:
    """Read after the library's modules, a large test module that calls their
    wrappers is read once, with their table, and reads as read twice; in one
    process or shared out among workers (forked: they count their reads in
    the list they inherit, so the pooled run counts the rows only)."""
    from prism_lint import runner
    from prism_lint.commands import prompts

    if pooled:
        monkeypatch.setattr(runner, "POOL_THRESHOLD", 2)
        monkeypatch.setattr(runner, "workers", lambda: 2)

    caller = "from llm import ask\n\nask('You are a tour guide. Greet the group.')\n"
    caller += _SUITE_PADDING
    # a module walked after it: its rows keep their place
    after = "from llm import ask\n\nask('Summarize the minutes.')\n"
    _project(tmp_path, {"llm.py": _ASK, "tests/test_app.py": caller, "zeta.py": after})
    assert len(caller) > prompts.LATE_BYTES
    seen = _reads(monkeypatch)
    rows = _inventory(tmp_path)
    if not pooled:
        assert [r for r in seen if r[0] == "test_app.py"] == [("test_app.py", True)]
    found = {(os.path.basename(str(r["path"])), r["call"], r["role"]) for r in rows}
    assert ("test_app.py", "ask", "system") in found
    assert os.path.basename(str(rows[-1]["path"])) == "zeta.py"
    # the same rows as when it is read first, alone, and then again
    monkeypatch.setattr(prompts, "LATE_BYTES", 10**9)
    seen.clear()
    assert _inventory(tmp_path) == rows
    if not pooled:
        assert [r for r in seen if r[0] == "test_app.py"] == [
            ("test_app.py", False),
            ("test_app.py", True),
        ]


def test_a_large_test_module_is_read_again_when_another_changes_what_it_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The wrapper a late module calls is taught by another late module: read
    without it first, it is read again once the table has it."""
    from prism_lint.commands import prompts

    helper = textwrap.dedent(_THINK).replace("from llm", "from app.llm") + _SUITE_PADDING
    user = "from tests.test_helpers import think\n\nthink('You are a poet. Write a haiku.')\n"
    _project(
        tmp_path,
        {
            "app/llm.py": _ASK,
            "tests/test_helpers.py": helper,
            "tests/test_poem.py": user + _SUITE_PADDING,
        },
    )
    seen = _reads(monkeypatch)
    rows = _inventory(tmp_path)
    assert [r for r in seen if r[0] == "test_poem.py"] == [
        ("test_poem.py", True),
        ("test_poem.py", True),
    ]
    assert ("test_poem.py", "think") in {
        (os.path.basename(str(r["path"])), r["call"]) for r in rows
    }
    monkeypatch.setattr(prompts, "LATE_BYTES", 10**9)
    assert _inventory(tmp_path) == rows


def test_a_late_module_read_with_a_wrapper_the_table_then_drops_is_read_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``ask`` is one module's wrapper when the large test modules are read,
    and four modules' once they are: too many to say which one a call means.
    The module read with it is read again, and reads as read first alone."""
    from prism_lint.commands import prompts

    wrapper = textwrap.dedent(_ASK)
    files = {"lib.py": wrapper}
    for name in ("a", "b", "c"):
        files[f"tests/test_{name}.py"] = wrapper + _SUITE_PADDING
    files["tests/test_big.py"] = (
        "from lib import ask\n\nSYSTEM_PROMPT = 'Be brief.'\n"
        "ask('Summarize the following article in three bullet points.')\n" + _SUITE_PADDING
    )
    _project(tmp_path, files)
    rows = _inventory(tmp_path)
    monkeypatch.setattr(prompts, "LATE_BYTES", 10**9)
    assert _inventory(tmp_path) == rows
    assert not any(
        os.path.basename(str(r["path"])) == "test_big.py" and r["call"] == "ask" for r in rows
    )


def test_a_module_the_cues_rule_out_reads_as_its_names_say(tmp_path: Path) -> None:
    """Read for its names, a module the cues rule out teaches what a whole
    reading teaches: the names it defines, calls and sets, and nothing sent."""
    from prism_lint.commands.prompts import names_in
    from prism_lint.engine import check_source

    text = textwrap.dedent("""
        import re
        from llm import ask

        LIMIT = 3

        class Shelf:
            size = 2

            def __init__(self):
                self.books = []

        def tidy(shelf, coder):
            coder.reply = "ok"
            return ask(re.sub("a", "b", shelf.title))
    """)
    whole = check_source("m.py", text, Settings(), inventory=True, fixes=False)
    assert whole.learned is not None and not whole.prompts
    found = names_in("m.py", text, Settings())
    assert found is not None
    assert (found.defines, found.called, found.sets) == (
        whole.learned.defines,
        whole.learned.called,
        whole.learned.sets,
    )
    assert found.called == frozenset({"ask"})  # re.sub is the standard library's
    assert {"LIMIT", "size", "books", "tidy"} <= set(found.defines)
    assert found.sets == frozenset({"reply"})


GENERATED = """
    from openai import OpenAI
    client = OpenAI()

    def ask(prompt):
        return client.chat.completions.create(
            model="gpt-4o",
            messages=[{"role": "system", "content": "Answer in one line."},
                      {"role": "user", "content": prompt}])
"""
CALLER = """
    from app.gen import ask

    ask("Summarize the release notes.")
"""


def test_inventory_learns_nothing_from_a_generated_sized_module(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A Python module larger than check reads for its definitions (REST
    models of megabytes) still has its own rows listed, but teaches the
    project's table nothing; a module of ordinary size does. A large module
    that calls another module's wrapper is still read with it."""
    from prism_lint.cli import main
    from prism_lint.imported import MAX_BYTES

    def rows() -> dict[str, list[str]]:
        monkeypatch.chdir(tmp_path)
        assert main(["prompts", "--output-format", "json", "."]) == 0
        found: dict[str, list[str]] = {}
        for r in json.loads(capsys.readouterr().out):
            found.setdefault(Path(r["path"]).name, []).append(r["text"])
        return found

    _project(tmp_path, {"app/gen.py": GENERATED, "app/main.py": CALLER})
    assert rows()["main.py"] == ["Summarize the release notes."]
    padding = "\n".join(f"FIELD_{i} = {i}" for i in range(MAX_BYTES // 12))
    (tmp_path / "app" / "gen.py").write_text(textwrap.dedent(GENERATED) + padding + "\n")
    assert (tmp_path / "app" / "gen.py").stat().st_size > MAX_BYTES
    found = rows()
    assert "main.py" not in found
    assert "Answer in one line." in found["gen.py"]
    (tmp_path / "app" / "gen.py").write_text(textwrap.dedent(GENERATED))
    (tmp_path / "app" / "main.py").write_text(textwrap.dedent(CALLER) + padding + "\n")
    assert rows()["main.py"] == ["Summarize the release notes."]


@pytest.mark.parametrize(
    "text",
    [
        "Steps:\n1. Clone the repo\n\nYou can then run the app.\n",
        "Context:\nWe need a cache.\n\nDecision:\nUse Redis.\n\nYou may wonder why.\n",
        "**Context:**\nDescribe the bug.\n**Steps:**\n1. Run it\n\nYour environment matters.\n",
    ],
)
def test_a_documents_labels_do_not_make_it_a_prompt(text: str) -> None:
    """Labels such as "Context:" and "Steps:" open documents of every kind:
    only a prompt's own (PERSONA:, Role:) are read past, and the sentence
    after them must still address the model."""
    assert not looks_like_prompt(text)
