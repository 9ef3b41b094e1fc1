"""The first pass never hides a finding; the cache never serves a stale one."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from prism_lint.analysis.cues import titled
from prism_lint.config import Resolver, Settings
from prism_lint.discovery import discover
from prism_lint.engine import check_source
from prism_lint.extract import kind_of
from prism_lint.prefilter import may_hold_persona, worth_checking
from prism_lint.rules import catalogue, load_rule
from prism_lint.runner import check_targets

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
EVERYTHING = Settings(select=("ALL",))


def flagged(path: str, text: str) -> bool:
    return any(
        not d.code.startswith("PRS9")
        for d in check_source(path, text, EVERYTHING, named=True).diagnostics
    )


def test_first_pass_keeps_every_flagged_fixture() -> None:
    for path in (ROOT / "fixtures").rglob("*"):
        if path.is_file() and ".fixed" not in path.name:
            text = path.read_text(encoding="utf-8", errors="replace")
            if flagged(str(path), text):
                data = path.read_bytes()
                # a persona in a sentence, or a prompt file's title (# Code Reviewer)
                assert may_hold_persona(data) or titled(data.lower()), path
                kind = kind_of(str(path), named=True)
                assert worth_checking(path.read_bytes(), EVERYTHING, kind=kind), path


def test_first_pass_reads_only_a_notebooks_code_cells() -> None:
    """A notebook's outputs and markdown often quote whole prompts; the
    extractor reads code cells only, and so does the first pass."""
    persona = "You are an expert Python developer. Write a function that sorts a list."

    def notebook(code: str, output: str) -> bytes:
        cells = [
            {"cell_type": "markdown", "metadata": {}, "source": [output]},
            {
                "cell_type": "code",
                "metadata": {},
                "execution_count": 1,
                "source": [code],
                "outputs": [{"output_type": "stream", "name": "stdout", "text": [output]}],
            },
        ]
        meta = {"kernelspec": {"language": "python", "name": "python3"}}
        return json.dumps({"cells": cells, "metadata": meta, "nbformat": 4}).encode()

    quoted = notebook("print(len(prompts))", persona)
    assert may_hold_persona(quoted)  # the bytes hold it ...
    assert not worth_checking(quoted, EVERYTHING, kind="notebook")  # ... no cell does
    in_code = notebook(f"SYSTEM_PROMPT = {persona!r}\nask(SYSTEM_PROMPT)", "ok")
    assert worth_checking(in_code, EVERYTHING, kind="notebook")
    assert flagged("nb.ipynb", in_code.decode())
    # bytes the first pass cannot read as a notebook go to the full pass, which says why
    broken = quoted[:-5]
    assert worth_checking(broken, EVERYTHING, kind="notebook")
    assert check_source("nb.ipynb", broken.decode(), Settings()).diagnostics[0].code == "PRS900"


def test_first_pass_keeps_every_rule_example() -> None:
    for code in catalogue():
        settings = Settings(select=(code,))
        for invalid in load_rule(code).INVALID:
            data = invalid.prompt.encode()
            assert worth_checking(data, settings, kind="python"), invalid.prompt


def as_python(prompt: str, *, literal: str = "repr") -> str:
    """A prompt as people keep it in code: a constant used at a call site."""
    if literal == "triple" and '"""' not in prompt and not prompt.endswith(("\\", '"')):
        value = '"""' + prompt.replace("\\", "\\\\") + '"""'
    elif literal == "split":  # one sentence per line, implicitly concatenated
        parts = [p + ". " for p in prompt.split(". ")]
        value = "(\n" + "".join(f"    {p!r}\n" for p in parts) + ")"
    else:
        value = repr(prompt)
    return (
        "from openai import OpenAI\n\n"
        f"SYSTEM_PROMPT = {value}\n\n"
        "def ask(question):\n"
        "    return OpenAI().chat.completions.create(\n"
        '        model="gpt-4o",\n'
        '        messages=[{"role": "system", "content": SYSTEM_PROMPT},\n'
        '                  {"role": "user", "content": question}],\n'
        "    )\n"
    )


@pytest.mark.parametrize("prefix", ["f", "r", "F", "R", "fr", "Rf", "rF"])
@pytest.mark.parametrize("quote", ["'", '"'])
def test_first_pass_keeps_a_persona_in_a_prefixed_string(prefix: str, quote: str) -> None:
    """``f'You are ...'``: the prefix and a single quote read as one word
    ("f'You"), as an apostrophe does, unless the quote is known to open a string."""
    code = (
        "from openai import OpenAI\n\n"
        "def ask(table):\n"
        f"    prompt = {prefix}{quote}You are a SQL expert. "
        f"Write a SQL query for {{table}}.{quote}\n"
        "    return OpenAI().chat.completions.create(\n"
        '        model="gpt-4o", messages=[{"role": "user", "content": prompt}]\n'
        "    )\n"
    )
    assert flagged("app.py", code)
    assert may_hold_persona(code.encode())
    assert worth_checking(code.encode(), Settings(), kind="python")


def test_first_pass_keeps_every_flagged_corpus_prompt() -> None:
    path = CORPUS / "awesome-chatgpt-prompts.csv"
    if not path.exists():
        pytest.skip("../shared/corpus is not beside this checkout")
    csv.field_size_limit(10**9)
    with path.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    checked = 0
    for row in rows[:500]:
        for literal in ("repr", "triple"):
            code = as_python(row["prompt"], literal=literal)
            if flagged("app.py", code):
                checked += 1
                assert may_hold_persona(code.encode()), row["prompt"][:300]
    assert checked > 50


SEEDS = [
    "You are a senior Python developer.",
    "Act as an expert statistician.",
    "As a seasoned DBA, write",
    "Imagine you are a world-class lawyer.",
    "Eres un experto en SQL.",
    "Du bist ein erfahrener Entwickler.",
    "你是一位资深的软件工程师。",
    "Tu es un expert en mathématiques.",
    "Você é um especialista em Python.",
    "あなたはPythonの専門家です。",
    "Role: Senior Engineer",
    "Your role is a tax attorney.",
    # anchors that are stems of longer cue words, and keys of other languages
    "Réponds en tant que développeur senior.",
    "Je veux que tu agisses comme un développeur.",
    "Voglio che tu agisca come uno sviluppatore esperto.",
    "Personaggio: sviluppatore esperto.",
    "Personagem: desenvolvedor sênior.",
    "Personaje: desarrollador experto.",
    # a heading with the identity in the next paragraph
    "# Role\n\nSenior Python engineer.",
]
TASKS = [
    "Write a Python function that sorts a list.",
    "Solve 3x + 1 = 10.",
    "Answer questions about the history of Rome with correct dates.",
    "Score the answer from 1 to 10.",
]


@settings(max_examples=200, deadline=None)
@example("As a seasoned DBA, write", TASKS[0], "0\r", "\n", False, "repr")  # an escaped CR
# a quote in the text, read as a string's own by the first pass: "I" then a line break
@example("You are a senior Python developer.", TASKS[0], "I`\n", "", False, "repr")
@example("Act as an expert statistician.", TASKS[0], "I`\n", "", False, "repr")
@example("Imagine you are a world-class lawyer.", TASKS[0], "they`\n", "", True, "split")
@example("You're a senior Python developer.", TASKS[0], "I`\n", "", False, "repr")
@given(
    st.sampled_from(SEEDS),
    st.sampled_from(TASKS),
    st.text(max_size=40),
    st.sampled_from(["", "\n", "  ", "\n\n# Task\n"]),
    st.booleans(),
    st.sampled_from(["repr", "triple", "split"]),
)
def test_first_pass_never_rules_out_a_flagged_prompt(
    persona: str, task: str, noise: str, sep: str, upper: bool, literal: str
) -> None:
    text = noise + sep + (persona.upper() if upper else persona) + " " + task
    code = as_python(text, literal=literal)
    if flagged("app.py", code):
        assert may_hold_persona(code.encode("utf-8"))


# A prompt that is a whole file may be titled with its role and nothing else.
TITLES = [
    "# Code Reviewer",
    "## Senior Data Scientist",
    "# Frontend Architect (React)",
    "### Expert Mathematician",
    "# GPT Researcher Development Skill",
]


def as_prompt_file(kind: str, text: str) -> tuple[str, str]:
    """A prompt as a whole file of a format whose prompts may be titled."""
    if kind == "markdown":
        return "prompts/review.md", text
    if kind == "text":
        return "prompts/review.txt", text
    if kind == "jinja":
        return "review.j2", text + "\n{{ code }}\n"
    if kind == "prompty":
        return "review.prompty", "---\nname: review\n---\nsystem:\n" + text + "\n"
    if kind == "dotprompt":
        return "review.prompt", "---\nmodel: gpt-4o\n---\n" + text + "\n"
    # YAML: an SWE-agent template, a prompt of a whole file
    body = "".join(f"      {line}\n" if line else "\n" for line in text.splitlines())
    return "config.yaml", "agent:\n  templates:\n    system_template: |\n" + body


@settings(max_examples=150, deadline=None)
@given(
    st.sampled_from([*TITLES, *SEEDS]),
    st.sampled_from(TASKS),
    st.sampled_from(["", "\n", "\n\n"]),
    st.sampled_from(["markdown", "text", "jinja", "prompty", "dotprompt", "yaml"]),
)
def test_first_pass_never_rules_out_a_flagged_prompt_file(
    persona: str, task: str, sep: str, kind: str
) -> None:
    """Prompt files go through the first pass as source files do; a title
    that names a role ("# Code Reviewer") is a persona cue there."""
    path, text = as_prompt_file(kind, persona + "\n" + sep + task)
    if flagged(path, text):
        assert worth_checking(text.encode("utf-8"), EVERYTHING, kind=kind), (kind, text)


@pytest.mark.parametrize(
    "verb", ["respond", "reply", "answer", "speak", "talk", "write", "think", "work", "communicate"]
)
@pytest.mark.parametrize("link", ["as", "like"])
def test_every_way_the_analysis_reads_a_weak_assignment_passes_the_first_pass(
    verb: str, link: str
) -> None:
    """ "Respond like a helpful software engineer ..." is a persona to the
    analysis (its weak assignments: a verb, then "as" or "like"): each is an
    anchor of the first pass too."""
    from prism_lint.analysis.persona import find_personas

    text = f"- {verb.title()} {link} a senior software engineer who explains the code.\n"
    if find_personas(text):
        assert may_hold_persona(text.encode("utf-8")), text


def test_every_title_the_detector_reads_as_a_persona_passes_the_first_pass() -> None:
    """A prompt file titled with any occupation of the vocabulary ("# Data
    Scientist", "# Senior Data Scientist") that the detector reads as a
    persona is kept by the first pass's heading look."""
    from prism_lint.analysis.persona import find_personas
    from prism_lint.analysis.vocabulary import NO_EXTRAS, vocabulary_for

    read = 0
    for occupation in sorted(vocabulary_for(NO_EXTRAS).occupations):
        for title in (occupation.title(), "Senior " + occupation.title()):
            text = f"# {title}\n\nWrite a Python function that sorts a list.\n"
            if find_personas(text, titles=True):
                read += 1
                assert titled(text.lower().encode("utf-8")), title
    assert read > 500


@pytest.mark.parametrize(
    "extras", [((), (), ()), (("zorblaxer", "chief-wizard"), ("sage",), (("math", ("sum",)),))]
)
def test_the_first_pass_reads_the_expert_words_the_vocabulary_compiles(extras) -> None:
    """The first pass reads its expert words from the tables, so that a file
    with no persona cue is ruled out without compiling the vocabulary: they
    are the head nouns of the compiled occupations and each language's
    expertise words, the project's own words included."""
    from prism_lint.analysis.vocabulary import expert_words, vocabulary_for

    v = vocabulary_for(extras)
    compiled = {o.lower().replace("-", " ").split()[-1] for o in v.occupations}
    for lang in v.languages:
        compiled.update(w.lower() for w in lang.expert_words)
    assert expert_words(extras) == compiled
    assert "wizard" in expert_words(extras) or not extras[0]
    # the first pass's own table is no language of the analysis
    assert "first_pass" not in v.by_code


def test_compiling_the_vocabulary_changes_no_table_it_reads() -> None:
    """The vocabulary files are read once per process and shared by the
    first pass's expert words and every compiled vocabulary (each set of a
    project's words): none may change them."""
    from prism_lint.analysis import vocabulary
    from prism_lint.data import load_toml

    vocabulary._vocabulary.cache_clear()
    for extras in (
        (("zorblaxer",), ("sage",), (("math", ("sum",)),)),
        vocabulary.NO_EXTRAS,
    ):
        vocabulary.expert_words(extras)
        vocabulary.vocabulary_for(extras)
    paths = [vocabulary.vocabulary_dir() / "occupations.toml", *vocabulary._language_files()]
    for path in paths:
        assert vocabulary._load(path) == load_toml(f"vocabulary/{path.name}"), path


def test_ruling_a_file_out_compiles_no_vocabulary() -> None:
    from prism_lint.analysis import cues, vocabulary

    cues._experts.cache_clear()
    vocabulary._vocabulary.cache_clear()
    data = b"import os\n\nprint(os.getcwd())  # you are here\n"
    assert not worth_checking(data, Settings(), kind="python")
    assert vocabulary._vocabulary.cache_info().currsize == 0


def test_a_prompt_titled_with_a_role_is_kept_and_flagged(tmp_path: Path) -> None:
    (tmp_path / "prompts").mkdir()
    (tmp_path / "prompts" / "review.md").write_text(
        "# Code Reviewer\n\nReview this Python code for bugs and security vulnerabilities.\n",
        encoding="utf-8",
    )
    (tmp_path / "prompts" / "notes.md").write_text(
        "# Release notes\n\nWrite the release notes for this Python code.\n", encoding="utf-8"
    )
    data = (tmp_path / "prompts" / "review.md").read_bytes()
    assert worth_checking(data, Settings(), kind="markdown")
    notes = (tmp_path / "prompts" / "notes.md").read_bytes()
    assert not worth_checking(notes, Settings(), kind="markdown")
    assert _run(tmp_path, cache=False) == {"review.md": ["PRS101"], "notes.md": []}


def test_a_template_with_no_persona_cue_is_not_parsed(tmp_path: Path) -> None:
    """A template that holds no persona cue has no prompt to check: like a
    source file, it is not parsed, so its syntax error goes unreported; one
    with a persona is parsed and its syntax error reported."""
    (tmp_path / "plain.j2").write_text("Summarise {{ text\n", encoding="utf-8")
    (tmp_path / "expert.j2").write_text(
        "You are a senior Python engineer. Fix {{ code\n", encoding="utf-8"
    )
    assert _run(tmp_path, cache=False) == {"plain.j2": [], "expert.j2": ["PRS101", "PRS900"]}


def _tree(tmp_path: Path) -> Path:
    (tmp_path / "prompts").mkdir(parents=True)
    (tmp_path / "prompts" / "a.md").write_text(
        "You are a senior Go engineer. Fix the bug in this Go code.\n"
    )
    (tmp_path / "prompts" / "b.md").write_text("Write a haiku about rain.\n")
    return tmp_path


def _run(root: Path, settings: Settings | None = None, cache: bool = True) -> dict[str, list]:
    resolver = Resolver(forced=settings or Settings())
    targets = list(discover([str(root)], resolver))
    return {
        os.path.basename(t.path): [d.code for d in r.diagnostics]
        for t, r in check_targets(targets, resolver, lambda s: s, use_cache=cache)
    }


def test_cache_serves_same_results_and_notices_changes(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("PRISM_LINT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr("prism_lint.runner.CACHE_THRESHOLD", 0)
    root = _tree(tmp_path / "tree")
    first = _run(root)
    assert first == {"a.md": ["PRS101"], "b.md": []}
    assert list((tmp_path / "cache").rglob("*.json"))
    assert _run(root) == first
    (root / "prompts" / "b.md").write_text("You are a senior Go engineer. Debug this Go code.\n")
    assert _run(root) == {"a.md": ["PRS101"], "b.md": ["PRS101"]}
    # settings are part of the key
    assert _run(root, Settings(ignore=("PRS101",))) == {"a.md": [], "b.md": []}
    assert _run(root) == {"a.md": ["PRS101"], "b.md": ["PRS101"]}


def test_torn_cache_is_a_cold_cache(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("PRISM_LINT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr("prism_lint.runner.CACHE_THRESHOLD", 0)
    root = _tree(tmp_path / "tree")
    _run(root)
    for p in (tmp_path / "cache").rglob("*.json"):
        p.write_bytes(b"\x80\x04garbage")
    assert _run(root) == {"a.md": ["PRS101"], "b.md": []}


def test_concurrent_runs_share_the_cache(tmp_path: Path) -> None:
    root = _tree(tmp_path / "tree")
    for i in range(30):
        (root / "prompts" / f"c{i}.md").write_text(
            f"You are a senior Go engineer. Fix bug {i} in this Go code.\n"
        )
    env = {**os.environ, "PRISM_LINT_CACHE_DIR": str(tmp_path / "cache")}
    cmd = [sys.executable, "-m", "prism_lint", "check", "--output-format", "json", str(root)]
    procs = [subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, text=True) for _ in range(3)]
    outs = [p.communicate(timeout=120)[0] for p in procs]
    counts = {len(json.loads(o)) for o in outs}
    assert counts == {31}
    again = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)
    assert len(json.loads(again.stdout)) == 31


def test_first_pass_keeps_crewai_roles() -> None:
    # CrewAI renders "You are {role}." itself: the file has no cue of its own.
    text = (
        "researcher:\n  role: >\n    Research Analyst\n  goal: Find facts about {topic}\n"
        "  backstory: >\n    Knows where to look.\n"
    )
    assert flagged("config/agents.yaml", text)
    assert worth_checking(text.encode(), Settings(), kind="yaml")


def test_first_pass_keeps_metagpt_roles() -> None:
    # MetaGPT renders "You are a {profile}, ..." itself; the profile is often
    # a CamelCase class name ("SimpleCoder").
    text = (
        "from metagpt.actions import Action\nfrom metagpt.roles import Role\n\n"
        "class WriteCode(Action):\n    async def run(self, spec):\n"
        "        return await self._aask(f'Write a python function that {spec}.')\n\n"
        "class SimpleCoder(Role):\n    name: str = 'Alice'\n    profile: str = 'SimpleCoder'\n"
        "    def __init__(self, **kw):\n        super().__init__(**kw)\n"
        "        self.set_actions([WriteCode])\n"
    )
    assert flagged("roles.py", text)
    assert worth_checking(text.encode(), Settings())
    # its value may be written far from the word "profile"
    far = text.replace(
        "profile: str = 'SimpleCoder'",
        "profile: str = Field(description='"
        + "the role of this agent in the team " * 4
        + "', default='Data Scientist')",
    )
    assert flagged("roles.py", far)
    assert worth_checking(far.encode(), Settings())
    # without MetaGPT a profile is a profile: the persona's own words decide
    other = "profile = 'SimpleCoder'\nuser_profile = {'job': 'developer'}\n"
    assert not worth_checking(other.encode(), Settings())


def test_cache_keys_named_walked_and_includes(tmp_path: Path, monkeypatch) -> None:
    from prism_lint.discovery import Target

    monkeypatch.setenv("PRISM_LINT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr("prism_lint.runner.CACHE_THRESHOLD", 0)
    binary = tmp_path / "blob.py"
    binary.write_bytes(b"x = 1\n\x00\x01\n")
    resolver = Resolver(forced=Settings())

    def run(target: Target) -> list[str]:
        ((_, result),) = check_targets([target], resolver, lambda s: s)
        return [d.code for d in result.diagnostics]

    assert run(Target(str(binary), "python", False)) == []  # walked: first pass skips it
    assert run(Target(str(binary), "python", True)) == ["PRS900"]  # named: a binary file
    main = tmp_path / "main.j2"
    main.write_text('You are a world-class expert.\n{% include "task.j2" %}\n')
    task = tmp_path / "task.j2"
    task.write_text("Write a warm birthday poem.\n")
    assert run(Target(str(main), "jinja", True)) == []
    task.write_text("Write a Python function that parses ISO-8601 dates.\n")
    assert run(Target(str(main), "jinja", True)) == ["PRS101"]


def _mixed_tree(root: Path, n: int) -> list[Path]:
    """Python modules, a third of them with an expert persona on a code task."""
    files = []
    for i in range(n):
        pkg = root / f"pkg{i % 4}"
        pkg.mkdir(parents=True, exist_ok=True)
        path = pkg / f"mod{i:03d}.py"
        if i % 3 == 0:
            body = (
                "from openai import OpenAI\n\nclient = OpenAI()\n"
                f'SYSTEM = "You are a senior Python engineer {i}. Write a function that parses '
                'ISO dates."\n'
                'client.chat.completions.create(model="gpt-4o", '
                'messages=[{"role": "system", "content": SYSTEM}])\n'
            )
        else:
            body = f"def f{i}(x):\n    return x + {i}\n"
        path.write_text(body, encoding="utf-8")
        files.append(path)
    return files


def test_pool_gives_the_serial_results_in_walk_order(tmp_path: Path, monkeypatch) -> None:
    import prism_lint.runner as runner

    _mixed_tree(tmp_path, 90)
    resolver = Resolver(forced=Settings())

    def run() -> list[tuple[str, list[str], bool]]:
        return [
            (t.path, [d.code for d in r.diagnostics], all(d.fix is not None for d in r.diagnostics))
            for t, r in check_targets(
                discover([str(tmp_path)], resolver), resolver, lambda s: s, use_cache=False
            )
        ]

    serial = run()
    monkeypatch.setattr(runner, "POOL_THRESHOLD", 10)
    monkeypatch.setattr(runner, "CHUNK", 4)
    monkeypatch.setattr(runner, "workers", lambda: 2)
    started = []
    original = runner._Work._start_pool
    monkeypatch.setattr(
        runner._Work, "_start_pool", lambda self: (started.append(1), original(self))[1]
    )
    pooled = run()
    assert started, "the pool was not used"
    assert pooled == serial
    assert [p for p, *_ in pooled] == sorted(p for p, *_ in pooled)
    assert sum(1 for _p, codes, _f in pooled if codes == ["PRS101"]) == 30


def test_bad_configuration_met_mid_walk_stops_the_workers(tmp_path: Path) -> None:
    """The walk meets a broken prism-lint.toml after the pool has started:
    the run ends with the configuration error, not a traceback or a hang."""
    _mixed_tree(tmp_path / "a", 60)
    (tmp_path / "z").mkdir()
    (tmp_path / "z" / "prism-lint.toml").write_text("select = [\n", encoding="utf-8")
    (tmp_path / "z" / "m.py").write_text("x = 1\n", encoding="utf-8")
    code = (
        "import sys, prism_lint.runner as r\n"
        "r.POOL_THRESHOLD = 10; r.CHUNK = 4; r.workers = lambda: 2\n"
        "from prism_lint.cli import main\n"
        f"sys.exit(main(['check', '--no-cache', {str(tmp_path)!r}]))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2, proc.stderr
    assert "invalid TOML" in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.parametrize("pooled", [False, True])
def test_a_copied_file_is_checked_once_and_reported_at_its_own_path(
    tmp_path: Path, monkeypatch, pooled: bool
) -> None:
    import prism_lint.runner as runner

    persona = (
        'from openai import OpenAI\n\nSYSTEM = "You are a senior Python engineer. '
        'Write a function that parses ISO dates."\n'
        'OpenAI().chat.completions.create(model="gpt-4o", '
        'messages=[{"role": "system", "content": SYSTEM}])\n'
    )
    tree = tmp_path / "tree"
    for folder in ("a", "b", "c"):
        (tree / folder).mkdir(parents=True)
        (tree / folder / "prompts.py").write_text(persona, encoding="utf-8")
    (tree / "c" / "other.py").write_text(persona, encoding="utf-8")  # same bytes, new name
    for i in range(40):  # empty packages: copies of one another
        (tree / f"pkg{i:02d}").mkdir()
        (tree / f"pkg{i:02d}" / "__init__.py").write_text("", encoding="utf-8")
    # templates read what sits beside them: each copy is checked on its own
    for folder, task in (
        ("a", "Write a warm birthday poem."),
        ("b", "Write a Python function that parses ISO dates."),
    ):
        (tree / folder / "main.j2").write_text(
            'You are a world-class expert.\n{% include "task.j2" %}\n', encoding="utf-8"
        )
        (tree / folder / "task.j2").write_text(task + "\n", encoding="utf-8")
    log = tmp_path / "checked.log"  # workers are processes: they write down what they check
    real = runner.check_bytes

    def logged(path, *args, **kwargs):  # type: ignore[no-untyped-def]
        with open(log, "a", encoding="utf-8") as fh:
            fh.write(os.path.relpath(path, tree) + "\n")
        return real(path, *args, **kwargs)

    monkeypatch.setattr(runner, "check_bytes", logged)
    if pooled:
        monkeypatch.setattr(runner, "POOL_THRESHOLD", 10)
        monkeypatch.setattr(runner, "CHUNK", 2)
        monkeypatch.setattr(runner, "workers", lambda: 2)
    resolver = Resolver(forced=Settings())
    results = {
        os.path.relpath(t.path, tree): r
        for t, r in check_targets(
            discover([str(tree)], resolver), resolver, lambda s: s, use_cache=False
        )
    }
    for name in ("a/prompts.py", "b/prompts.py", "c/prompts.py", "c/other.py"):
        result = results[name]
        assert [d.code for d in result.diagnostics] == ["PRS101"], name
        assert result.path.endswith(name)
        assert all(d.doc.path == result.path for d in result.diagnostics)
        assert result.diagnostics[0].fix is not None
    copy, first = results["b/prompts.py"].diagnostics[0], results["a/prompts.py"].diagnostics[0]
    assert (copy.start, copy.end, copy.message) == (first.start, first.end, first.message)
    assert copy.fix is not first.fix
    assert [d.code for d in results["a/main.j2"].diagnostics] == []
    assert [d.code for d in results["b/main.j2"].diagnostics] == ["PRS101"]
    assert all(results[f"pkg{i:02d}/__init__.py"].diagnostics == [] for i in range(40))
    checked = sorted(log.read_text(encoding="utf-8").split())
    # one of the three prompts.py (whichever a worker took first), other.py; the
    # empty __init__.py files fail the first pass, so none is checked in full
    py = [c for c in checked if c.endswith(".py")]
    assert len(py) == 2 and py[-1] == "c/other.py" and py[0].endswith("/prompts.py"), py
    # both main.j2, the same bytes but each reading its own task.j2; the
    # task.j2 files hold no persona cue, so the first pass rules them out
    assert [c for c in checked if c.endswith(".j2")] == ["a/main.j2", "b/main.j2"]


_WRAPPER = """from openai import OpenAI

client = OpenAI()
DEFAULT = "You are a senior data analyst. Compute the totals."


def create_chat_completion(messages, model="gpt-4o"):
    return client.chat.completions.create(model=model, messages=messages)
"""

_NOT_A_WRAPPER = """DEFAULT = "You are a senior data analyst. Compute the totals."


def create_chat_completion(messages, model="gpt-4o"):
    return [m for m in messages if m]  # logs only; sends nothing to a model
"""

_CALLER = """from app.llm import create_chat_completion

create_chat_completion(
    [{"role": "system", "content": "You are a seasoned project planner."},
     {"role": "user", "content": "Plan the release."}],
    "o3-mini",
)
"""


def test_cache_checks_again_a_caller_when_the_wrapper_it_calls_changes(
    tmp_path: Path, monkeypatch
) -> None:
    # only the module defining the wrapper changes: its callers' results read
    # what it taught, so a warm run must not serve them stale
    monkeypatch.setenv("PRISM_LINT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr("prism_lint.runner.CACHE_THRESHOLD", 0)
    root = tmp_path / "tree"
    (root / "app").mkdir(parents=True)
    llm = root / "app" / "llm.py"
    llm.write_text(_NOT_A_WRAPPER)
    (root / "app" / "agent.py").write_text(_CALLER)
    assert "PRS105" not in _run(root)["agent.py"]
    llm.write_text(_WRAPPER)
    assert "PRS105" in _run(root)["agent.py"]  # appears
    assert "PRS105" in _run(root)["agent.py"]  # and stays, served warm
    llm.write_text(_NOT_A_WRAPPER)
    assert "PRS105" not in _run(root)["agent.py"]  # disappears
    assert _run(root) == _run(root, cache=False)


_ASK = """from openai import OpenAI

client = OpenAI()
DEFAULT = "You are a senior data analyst. Compute the totals."


def ask(system_prompt, question):
    return client.chat.completions.create(model="gpt-4o", messages=[
        {"role": "system", "content": system_prompt},
        {"role": "user", "content": question}])
"""


def test_second_checks_in_a_pool_give_the_serial_results(tmp_path: Path, monkeypatch) -> None:
    """Modules that call another module's wrapper are checked with the
    project's table, in the worker that read them first where it can: the
    pool reports what one process does. A pool's workers learn each module's
    table first and read its prompts once the project's table is known: all
    25 modules are read then, the 24 callers with the table, ``llm.py``
    alone."""
    import prism_lint.runner as runner

    (tmp_path / "llm.py").write_text(_ASK, encoding="utf-8")
    for i in range(24):
        (tmp_path / f"caller{i:02d}.py").write_text(
            "from llm import ask\n\n"
            f"print(ask('You are a senior Python engineer. Write a function that parses "
            f"dates in format {i}.', 'now'))\n",
            encoding="utf-8",
        )
    resolver = Resolver(forced=Settings())

    def run() -> list[tuple[str, list[str]]]:
        return [
            (os.path.relpath(t.path, tmp_path), [d.code for d in r.diagnostics])
            for t, r in check_targets(
                discover([str(tmp_path)], resolver), resolver, lambda s: s, use_cache=False
            )
        ]

    serial = run()
    assert [codes for path, codes in serial if path.startswith("caller")] == [["PRS101"]] * 24
    monkeypatch.setattr(runner, "POOL_THRESHOLD", 10)
    monkeypatch.setattr(runner, "CHUNK", 4)
    monkeypatch.setattr(runner, "workers", lambda: 2)
    shared = []
    original = runner.read_again
    monkeypatch.setattr(
        runner, "read_again", lambda *a: (shared.append(len(a[3])), original(*a))[1]
    )
    assert run() == serial
    assert shared == [25], "the second checks were not shared out among the workers"


def test_a_modules_table_read_alone_is_what_its_full_check_learns() -> None:
    """A pool learns each kept module's table before reading its prompts
    (``check_one(defer=True)``): that table must be the one the full check
    learns, for every Python fixture."""
    from prism_lint.engine import check_bytes, learn_bytes

    paths = sorted((ROOT / "fixtures").rglob("*.py"))
    assert len(paths) > 20
    for path in paths:
        data = path.read_bytes()
        full = check_bytes(str(path), data, Settings(), named=True, kind="python").learned
        alone = learn_bytes(str(path), data, Settings(), named=True)
        assert alone == full, path


def test_a_text_file_no_name_calls_a_prompt_is_read_past_its_head_only_when_it_is_one(
    tmp_path: Path, monkeypatch
) -> None:
    """A Markdown or text file only its content can call a prompt is ruled
    out by its head: a large log is not read to its end. One whose head is
    a prompt is read whole and checked as before; one over max-file-size
    still gets its notice."""
    from prism_lint.discovery import Target
    from prism_lint.extract import PROSE
    from prism_lint.runner import check_one

    log = tmp_path / "logs.txt"
    log.write_text("step 1: loss 0.25\n" * 100_000, encoding="utf-8")  # 1.8 MB
    prompt = tmp_path / "notes.md"
    prompt.write_text(
        "You are an expert Python developer. Write a function that parses ISO dates.\n\n"
        + "Keep the code short.\n" * 20_000,
        encoding="utf-8",
    )
    read: list[int] = []
    real_read = os.read
    monkeypatch.setattr(
        os, "read", lambda fd, n: (lambda b: (read.append(len(b)), b)[1])(real_read(fd, n))
    )
    outcome = check_one(Target(str(log), PROSE, named=False), Settings(), copies=False)
    assert outcome.result.diagnostics == [] and outcome.result.notice is None
    assert outcome.size == log.stat().st_size and 0 < sum(read) <= 20_000
    read.clear()
    found = check_one(Target(str(prompt), PROSE, named=False), Settings(), copies=False)
    assert sum(read) > prompt.stat().st_size  # the head, then the whole file
    assert [d.code for d in found.result.diagnostics] == ["PRS101"]
    small = Settings(max_file_size=1_000_000)
    noticed = check_one(Target(str(log), PROSE, named=False), small, copies=False)
    assert "over max-file-size" in (noticed.result.notice or "")


def test_a_walked_cassette_is_read_to_its_first_lines_and_a_named_one_whole(
    tmp_path: Path, monkeypatch
) -> None:
    """Recorded HTTP traffic (a VCR cassette) is told by its first lines: a
    walk reads no more of it. Named, it is read whole, as what its bytes
    show (not valid UTF-8) is reported then."""
    from prism_lint.discovery import Target
    from prism_lint.runner import check_one

    cassette = tmp_path / "cassette.yaml"
    body = "interactions:\n- request:\n    body: '" + "x" * 1_000_000 + "'\n"
    cassette.write_bytes(body.encode() + b"\xff\n")  # a byte that is not UTF-8, at the end
    read: list[int] = []
    real_read = os.read
    monkeypatch.setattr(
        os, "read", lambda fd, n: (lambda b: (read.append(len(b)), b)[1])(real_read(fd, n))
    )
    walked = check_one(Target(str(cassette), "yaml", named=False), Settings(), copies=False)
    assert walked.result.diagnostics == [] and walked.size == cassette.stat().st_size
    assert 0 < sum(read) <= 512
    read.clear()
    named = check_one(Target(str(cassette), "yaml", named=True), Settings(), copies=False)
    assert sum(read) > cassette.stat().st_size - 1
    assert [d.code for d in named.result.diagnostics] == ["PRS900"]
    assert "not valid UTF-8" in named.result.diagnostics[0].message


def test_a_deferred_module_comes_back_with_its_table_only(tmp_path: Path) -> None:
    from prism_lint.discovery import Target
    from prism_lint.extract.python.source import keep_sources
    from prism_lint.runner import check_one

    (tmp_path / "app.py").write_text(_APP_CALLER, encoding="utf-8")
    target = Target(str(tmp_path / "app.py"), "python", named=False)
    # with no parse kept for the reading of its prompts, a module is read whole
    assert not check_one(target, Settings(), defer=True, copies=False).deferred
    keep_sources(1_000_000)
    try:
        deferred = check_one(target, Settings(), defer=True, copies=False)
        full = check_one(target, Settings(), copies=False)
        assert deferred.deferred and not full.deferred
        assert deferred.result.diagnostics == [] and full.result.diagnostics
        assert deferred.result.learned == full.result.learned
        # a file the first pass rules out is never deferred: nothing to read later
        (tmp_path / "plain.py").write_text("print(1)\n", encoding="utf-8")
        plain = check_one(
            Target(str(tmp_path / "plain.py"), "python", named=False), Settings(), defer=True
        )
        assert not plain.deferred
        # read again after the table, a deferred module is not put through the
        # first pass twice: it is read whole even if it changed meanwhile
        plain_target = Target(str(tmp_path / "plain.py"), "python", named=False)
        assert check_one(plain_target, Settings(), passed=True).result.learned is not None
        assert check_one(plain_target, Settings()).result.learned is None
    finally:
        keep_sources(0)


def test_a_kept_module_is_learned_again_only_when_it_calls_a_wrapper_of_the_table(
    tmp_path: Path, monkeypatch
) -> None:
    """With the project's table, a module read alone before is learned again
    only when it calls one of the table's wrappers (the learner reads the
    table for nothing else); one that calls none keeps what it learned
    alone, and its check reports what a check from nothing does."""
    from prism_lint.engine import check_bytes, learn_bytes
    from prism_lint.extract.python import flow as python_flow
    from prism_lint.extract.python.flow import Table
    from prism_lint.extract.python.source import keep_sources

    table = Table()
    table.merge(learn_bytes(str(tmp_path / "llm.py"), _ASK.encode(), Settings(), named=True))
    table = table.resolved()
    assert "ask" in table.wrappers
    caller = (
        b"from llm import ask\n\n"
        b"print(ask('You are a senior Python engineer. Write a parser.', 'now'))\n"
    )
    modules = {"caller.py": caller, "app.py": _APP_CALLER.encode()}

    def full(name: str) -> list[tuple[str, int, int]]:
        result = check_bytes(str(tmp_path / name), modules[name], Settings(), named=True)
        return [(d.code, d.start, d.end) for d in result.diagnostics]

    python_flow.set_project(table)
    try:
        fresh = {name: full(name) for name in modules}  # nothing kept: learned with the table
    finally:
        python_flow.set_project(None)
    assert fresh["caller.py"] and fresh["app.py"]
    learned_with: list[str] = []
    original = python_flow.learn
    monkeypatch.setattr(
        python_flow,
        "learn",
        lambda f, known=None: (
            (known is not None and learned_with.append(f.src.doc.path)) or original(f, known)
        ),
    )
    keep_sources(1_000_000)
    try:
        for name, data in modules.items():
            learn_bytes(str(tmp_path / name), data, Settings(), named=True)  # alone, kept
        python_flow.set_project(table)
        try:
            again = {name: full(name) for name in modules}
        finally:
            python_flow.set_project(None)
    finally:
        keep_sources(0)
    assert again == fresh
    assert learned_with == [str(tmp_path / "caller.py")]


def test_a_module_is_deferred_only_while_its_parse_can_be_kept() -> None:
    """Deferring a module whose parse would not be kept would parse it twice:
    once the kept parses fill their budget, modules are read whole."""
    from prism_lint.extract.python.source import keep_sources, may_keep, parse
    from prism_lint.model import Document

    keep_sources(1000)
    try:
        # a module over an eighth of the budget is never kept
        assert may_keep(120) and not may_keep(126) and not may_keep(0)
        for k in range(8):
            parse(Document(f"m{k}.py", "x = 1\n" * 20))  # 120 characters each, kept
        assert may_keep(40) and not may_keep(41)
    finally:
        keep_sources(0)
    assert not may_keep(10)


_APP_CALLER = """from openai import OpenAI

client = OpenAI()
client.chat.completions.create(model="gpt-4o", messages=[
    {"role": "system", "content": "You are an expert mathematician."},
    {"role": "user", "content": "What is 17 times 23?"}])
"""


_ASK_MODEL = """from openai import OpenAI

client = OpenAI()


def ask(system_prompt, question, model="gpt-4o"):
    return client.chat.completions.create(model=model, messages=[
        {"role": "system", "content": system_prompt},
        {"role": "user", "content": question}])
"""


@pytest.mark.parametrize("pool", [False, True])
def test_a_copy_of_a_module_the_table_reads_reports_what_the_module_does(
    tmp_path: Path, monkeypatch, pool: bool
) -> None:
    """Two files with the same bytes and name are checked once, and the copy
    takes the result of the first; when the project's table has the first
    read again (it calls another module's wrapper), the copy takes that
    result too. Alone, neither reports anything: the wrapper's roles and
    model are what make the persona's findings."""
    import prism_lint.runner as runner

    (tmp_path / "llm.py").write_text(_ASK_MODEL, encoding="utf-8")
    caller = (
        "from llm import ask\n\n"
        'print(ask("You are an expert mathematician.", "What is 17 times 23?", model="o3-mini"))\n'
    )
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "app.py").write_text(caller, encoding="utf-8")
    if pool:
        monkeypatch.setattr(runner, "POOL_THRESHOLD", 2)
        monkeypatch.setattr(runner, "workers", lambda: 2)
    resolver = Resolver(forced=Settings())
    found = {
        os.path.relpath(t.path, tmp_path): sorted(d.code for d in r.diagnostics)
        for t, r in check_targets(
            discover([str(tmp_path)], resolver), resolver, lambda s: s, use_cache=False
        )
    }
    assert found[os.path.join("a", "app.py")] == ["PRS102", "PRS105"]
    assert found[os.path.join("b", "app.py")] == found[os.path.join("a", "app.py")]


def test_a_worker_takes_its_own_second_reads_first_and_each_once(monkeypatch) -> None:
    """Its own files first (their parse is at hand), then the others' from
    the far end; a file another share took is not read again."""
    import threading

    import prism_lint.runner as runner

    monkeypatch.setattr(runner, "_SECOND", (threading.Barrier(1), runner._Claims()))
    me, other = os.getpid(), os.getpid() + 1
    items = [(0, other, "a"), (1, me, "b"), (2, other, "c"), (3, me, "d"), (4, other, "e")]
    share = runner._second_share(str.upper, None, 7, items)
    assert share == [(1, "B"), (3, "D"), (4, "E"), (2, "C"), (0, "A")]
    assert runner._second_share(str.upper, None, 7, items) == []  # all taken already
    assert len(runner._second_share(str.upper, None, 8, items)) == 5  # a new round


def test_the_shared_claims_take_each_file_of_every_round_once(monkeypatch) -> None:
    """Workers share one table of the files taken: a round's files are
    numbered from 0, like the round's before, and each must still be read by
    one worker only (the rounds of the inventory read hundreds of files)."""
    import threading

    import prism_lint.runner as runner

    monkeypatch.setattr(runner, "_SECOND", (threading.Barrier(1), runner._Claims(shared=True)))
    me = os.getpid()
    for call in (1, 2, 3):
        items = [(k, me, k) for k in range(500)]
        assert len(runner._second_share(lambda k: k, None, call, items)) == 500
        assert runner._second_share(lambda k: k, None, call, items) == []  # all taken


_TS_ASK = """import OpenAI from "openai";

const openai = new OpenAI();
// the first pass keeps a module that may hold a persona: this one may
const DEFAULT = "You are a senior data analyst. Compute the totals.";

export async function ask(system: string, user: string, model = "gpt-4o") {
  return openai.chat.completions.create({
    model,
    messages: [{ role: "system", content: system }, { role: "user", content: user }],
  });
}
"""

_TS_CALLER = """import { ask } from "../lib/llm";

export async function GET() {
  return ask("You are an expert tax accountant.", "What is the 2023 standard deduction?");
}
"""


def test_a_typescript_wrapper_of_another_module_makes_its_calls_call_sites(tmp_path: Path) -> None:
    """``ask`` passes its parameters to a chat call: a module importing it sends
    its first argument as the system prompt, its second as the request, and
    the wrapper's default model."""
    (tmp_path / "lib").mkdir()
    (tmp_path / "app").mkdir()
    (tmp_path / "lib" / "llm.ts").write_text(_TS_ASK, encoding="utf-8")
    (tmp_path / "app" / "route.ts").write_text(_TS_CALLER, encoding="utf-8")
    resolver = Resolver(forced=Settings())
    found = {
        os.path.relpath(t.path, tmp_path): r.diagnostics
        for t, r in check_targets(
            discover([str(tmp_path)], resolver), resolver, lambda s: s, use_cache=False
        )
    }
    (d,) = found[os.path.join("app", "route.ts")]
    assert d.code == "PRS103"
    assert d.details["role"] == "system"
    assert d.details["model"] == "gpt-4o"
    assert d.details["request"] == "What is the 2023 standard deduction?"
    assert d.details["call"] == "ask"
    assert _TS_CALLER[d.start : d.end] == "You are an expert tax accountant."


def test_a_typescript_call_of_an_unrelated_function_of_that_name_is_not_a_call_site(
    tmp_path: Path,
) -> None:
    # ``ask`` from a package is not the project's wrapper of the same name
    (tmp_path / "lib").mkdir()
    (tmp_path / "app").mkdir()
    (tmp_path / "lib" / "llm.ts").write_text(_TS_ASK, encoding="utf-8")
    (tmp_path / "app" / "route.ts").write_text(
        _TS_CALLER.replace('"../lib/llm"', '"inquirer-ask"'), encoding="utf-8"
    )
    resolver = Resolver(forced=Settings())
    found = {
        os.path.relpath(t.path, tmp_path): r.diagnostics
        for t, r in check_targets(
            discover([str(tmp_path)], resolver), resolver, lambda s: s, use_cache=False
        )
    }
    assert found[os.path.join("app", "route.ts")] == []


@pytest.mark.parametrize(
    "data",
    [
        b"role x\n" * 60_000,
        b"profile x\n" * 60_000,
        b"MESSAGES = [" + b'{"role": "user", "content": "hello there"},\n' * 20_000 + b"]\n",
    ],
    ids=["roles", "profiles", "messages"],
)
def test_the_first_pass_reads_a_framework_field_once_per_file(data: bytes) -> None:
    """Whether a field's framework word is in the file is asked once, not at
    each of thousands of anchors (which made the pass quadratic)."""
    calls = 0
    original = bytes.__contains__

    class Counting(bytes):
        def __contains__(self, item: object) -> bool:
            nonlocal calls
            if item in (b"backstory", b"metagpt"):
                calls += 1
            return original(self, item)  # type: ignore[arg-type]

    from prism_lint.analysis.cues import scan

    scan(data, Counting(data.lower()))
    assert calls <= 2
