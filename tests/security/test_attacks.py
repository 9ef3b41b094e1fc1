"""A checked tree is written by strangers: each attack on prism-lint that a
pull request could make, tried as the attacker would, end to end.

Everything here happens inside ``tmp_path``: the "victim" folders and
secrets are made there, and nothing outside it is written or removed.
"""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
import time
from pathlib import Path

import pytest

PERSONA = "You are an expert Python engineer. Write a function that parses ISO dates.\n"
FORMATS = ("full", "concise", "json", "json-lines", "sarif", "github", "gitlab", "junit")


def run(
    *args: str, cwd: Path, env: dict[str, str] | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    full = {
        k: v for k, v in os.environ.items() if k not in ("PRISM_LINT_CACHE_DIR", "GITHUB_ACTIONS")
    }
    full.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "prism_lint", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=full,
        timeout=timeout,
    )


def tree(root: Path, files: int = 20) -> Path:
    """A project with one prompt and enough modules that a run uses the cache."""
    (root / "src").mkdir(parents=True)
    for i in range(files):
        (root / "src" / f"m{i}.py").write_text(f"VALUE = {i}\n")
    (root / "AGENTS.md").write_text(PERSONA)
    return root


def findings(out: subprocess.CompletedProcess[str]) -> list[tuple[str, str, int]]:
    return sorted((d["code"], d["filename"], d["location"]["row"]) for d in json.loads(out.stdout))


class _Payload:
    """Unpickling this creates the marker file: what a hostile cache entry does."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str, str]]:
        return (os.mkdir, (str(self.marker),))  # type: ignore[return-value]


# -- 1. the cache is data, never code --------------------------------------


def test_a_planted_cache_file_runs_no_code_and_changes_no_finding(tmp_path: Path) -> None:
    root = tree(tmp_path / "repo")
    clean = run("check", "--no-cache", "--exit-zero", "--output-format", "json", ".", cwd=root)
    first = run("check", "--exit-zero", "--output-format", "json", ".", cwd=root)
    assert findings(first) == findings(clean) != []
    cache_files = list((root / ".prism_lint_cache").rglob("*.json"))
    assert cache_files, "the run wrote its cache"
    marker = tmp_path / "pwned"
    payload = pickle.dumps({"x": _Payload(marker)})
    for path in cache_files:  # the predictable name, holding a pickle
        path.write_bytes(payload)
        path.with_suffix(".pickle").write_bytes(payload)  # and where the old cache was
    again = run("check", "--exit-zero", "--output-format", "json", ".", cwd=root)
    assert not marker.exists()
    assert findings(again) == findings(clean)


def test_a_cache_entry_of_the_right_form_but_wrong_types_is_a_miss(tmp_path: Path) -> None:
    root = tree(tmp_path / "repo")
    clean = run("check", "--no-cache", "--exit-zero", "--output-format", "json", ".", cwd=root)
    run("check", "--exit-zero", ".", cwd=root)
    (path,) = (root / ".prism_lint_cache").rglob("*.json")
    data = json.loads(path.read_text())
    for entry in data["entries"].values():
        result = entry[3]
        for diag in result["diagnostics"]:
            diag["start"] = "0"  # a string where a number belongs
            diag["details"]["evidence"] = [{"cue": {"__class__": "os.system"}}]
        result["diagnostics"].append({"code": 1})
    path.write_text(json.dumps(data))
    again = run("check", "--exit-zero", "--output-format", "json", ".", cwd=root)
    assert again.returncode == 0, again.stderr
    assert findings(again) == findings(clean)


def test_a_believable_cache_committed_with_the_tree_is_not_trusted(tmp_path: Path) -> None:
    """A pull request can commit a cache whose entries are well formed and
    say the files hold no finding: they name the right sizes and digests,
    but a checkout gives every file times and an inode of its own."""
    import shutil

    author = tree(tmp_path / "author")
    clean = run("check", "--no-cache", "--exit-zero", "--output-format", "json", ".", cwd=author)
    run("check", "--exit-zero", ".", cwd=author)
    (path,) = (author / ".prism_lint_cache").rglob("*.json")
    data = json.loads(path.read_text())
    for entry in data["entries"].values():
        entry[3]["diagnostics"] = []
        entry[3]["docs"] = []
    path.write_text(json.dumps(data))
    clone = tmp_path / "clone"
    shutil.copytree(author, clone)  # new files, as a checkout makes them
    again = run("check", "--exit-zero", "--output-format", "json", ".", cwd=clone)
    assert len(findings(again)) == len(findings(clean)) > 0


# -- 2. fixing a template never renders it ---------------------------------

SHELL = "{{{{ cycler.__init__.__globals__.os.popen('mkdir {marker}').read() }}}}\n"
PAYLOADS = {
    "prompts/system.jinja": SHELL + PERSONA,
    "prompts/chat.prompty": "---\nname: chat\nmodel:\n  api: chat\n---\nsystem:\n"
    + SHELL
    + PERSONA,
}


@pytest.mark.parametrize("name", sorted(PAYLOADS))
def test_the_gate_fix_never_renders_the_template(tmp_path: Path, name: str) -> None:
    root = tmp_path / "repo"
    marker = tmp_path / "pwned"
    target = root / name
    target.parent.mkdir(parents=True)
    target.write_text(PAYLOADS[name].format(marker=marker))
    (root / "prism-lint.toml").write_text('fix-strategy = { PRS1 = "gate" }\n')
    out = run("check", "--fix", "--unsafe-fixes", "--exit-zero", ".", cwd=root)
    assert out.returncode == 0, out.stderr
    assert not marker.exists()
    fixed = target.read_text()
    assert "{% if persona_enabled %}" in fixed  # the gate was still applied


def test_the_gate_check_compares_tokens() -> None:
    from prism_lint.fix.verify import renders_like

    old = "Hello {{ name }}.\nYou are an expert.\nSolve it.\n"
    gated = "Hello {{ name }}.\n{% if on %}You are an expert.\n{% endif %}Solve it.\n"
    with_else = (
        "Hello {{ name }}.\n{% if on %}You are an expert.\n{% else %}Hi.\n{% endif %}Solve it.\n"
    )
    assert renders_like(old, gated, "on")
    assert renders_like(old, with_else, "on")
    assert not renders_like(old, gated, "other")  # not the gate asked for
    trimmed = "Hello {{ name }}.\n{%- if on %}You are an expert.\n{% endif %}Solve it.\n"
    assert not renders_like(old, trimmed, "on")  # "{%-" eats the newline before it
    raw = "{% raw %}A You are an expert. B{% endraw %}"
    raw_gated = "{% raw %}A {% if on %}You are an expert.{% endif %} B{% endraw %}"
    assert not renders_like(raw, raw_gated, "on")  # inside raw the tags are printed
    assert not renders_like(old, gated.replace("Solve it.", "Solve that."), "on")


# -- 3. clean removes only a cache prism-lint made ---------------------------


def _victim(tmp_path: Path) -> Path:
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "precious.txt").write_text("keep me")
    return victim


@pytest.mark.parametrize("how", ["relative", "absolute", "home", "root", "project"])
def test_clean_refuses_a_cache_dir_outside_the_project(tmp_path: Path, how: str) -> None:
    root = tree(tmp_path / "repo", files=1)
    victim = _victim(tmp_path)
    value = {
        "relative": "../victim",
        "absolute": str(victim),
        "home": "~",
        "root": "/",
        "project": ".",
    }[how]
    (root / "prism-lint.toml").write_text(f"cache-dir = {json.dumps(value)}\n")
    out = run("clean", cwd=root, env={"HOME": str(victim)})
    assert out.returncode == 2
    assert "cache-dir" in out.stderr and "inside the project" in out.stderr
    assert (victim / "precious.txt").read_text() == "keep me"
    assert (root / "AGENTS.md").exists()


def test_clean_refuses_a_linked_cache_folder(tmp_path: Path) -> None:
    root = tree(tmp_path / "repo", files=1)
    victim = _victim(tmp_path)
    (root / ".prism_lint_cache").symlink_to(victim)
    out = run("clean", cwd=root)
    assert out.returncode == 2 and "symbolic link" in out.stderr
    assert (victim / "precious.txt").exists()
    run("check", "--exit-zero", ".", cwd=root)  # nor does a check write through it
    assert sorted(p.name for p in victim.iterdir()) == ["precious.txt"]


def test_clean_refuses_a_folder_that_is_not_a_prism_lint_cache(tmp_path: Path) -> None:
    root = tree(tmp_path / "repo", files=1)
    (root / "prism-lint.toml").write_text('cache-dir = "src"\n')
    out = run("clean", cwd=root)
    assert out.returncode == 2 and "CACHEDIR.TAG" in out.stderr
    assert (root / "src" / "m0.py").exists()
    # a tag alone does not make a folder the cache's: everything in it must be
    (root / "src" / "CACHEDIR.TAG").write_text(
        "Signature: 8a477f597d28d172789f06886806bc55\n# created by prism-lint\n"
    )
    out = run("clean", cwd=root)
    assert out.returncode == 2 and "m0.py" in out.stderr
    assert (root / "src" / "m0.py").exists()


def test_clean_removes_the_cache_a_run_made(tmp_path: Path) -> None:
    root = tree(tmp_path / "repo")
    run("check", "--exit-zero", ".", cwd=root)
    assert (root / ".prism_lint_cache" / "CACHEDIR.TAG").exists()
    out = run("clean", cwd=root)
    assert out.returncode == 0, out.stderr
    assert not (root / ".prism_lint_cache").exists()
    assert (root / "AGENTS.md").exists() and (root / "src" / "m0.py").exists()


# -- 4. nothing outside the project is read --------------------------------

SECRET = "ZEBRA-7f3a91-SECRET"


def _secret(tmp_path: Path) -> Path:
    outside = tmp_path / "outside"
    outside.mkdir()
    secret = outside / "secret.md"
    secret.write_text(f"You are an expert {SECRET} engineer. Write a Python function.\n")
    return secret


def _assert_hidden(root: Path, *paths: str) -> None:
    for fmt in FORMATS:
        out = run("check", "--no-cache", "--exit-zero", "--output-format", fmt, *paths, cwd=root)
        assert SECRET not in out.stdout + out.stderr, fmt
    out = run("prompts", "--output-format", "json", *paths, cwd=root)
    assert SECRET not in out.stdout + out.stderr


def test_a_link_to_a_file_outside_the_project_is_not_read(tmp_path: Path) -> None:
    secret = _secret(tmp_path)
    root = tree(tmp_path / "repo", files=1)
    (root / ".git").mkdir()
    (root / "CLAUDE.md").symlink_to(secret)
    prompts = root / "prompts"
    prompts.mkdir()
    (prompts / "linked").symlink_to(secret.parent, target_is_directory=True)
    _assert_hidden(root, ".")
    named = run("check", "--no-cache", "--output-format", "json", "CLAUDE.md", cwd=root)
    (finding,) = json.loads(named.stdout)
    assert finding["code"] == "PRS900" and "outside the project" in finding["message"]


def test_a_link_inside_the_project_is_still_read(tmp_path: Path) -> None:
    root = tree(tmp_path / "repo", files=1)
    (root / ".git").mkdir()
    (root / "docs").mkdir()
    (root / "docs" / "rules.md").write_text(PERSONA)
    (root / "CLAUDE.md").symlink_to(root / "docs" / "rules.md")
    out = run("check", "--no-cache", "--output-format", "json", "CLAUDE.md", cwd=root)
    assert [d["code"] for d in json.loads(out.stdout)] == ["PRS101"]


def test_an_include_outside_the_project_is_not_read(tmp_path: Path) -> None:
    secret = _secret(tmp_path)
    root = tmp_path / "repo"
    (root / "prompts").mkdir(parents=True)
    (root / ".git").mkdir()
    for name, target in (("abs.jinja", str(secret)), ("rel.jinja", "../../outside/secret.md")):
        (root / "prompts" / name).write_text(
            f'{{% include "{target}" %}}\nWrite a Python function.\n'
        )
    _assert_hidden(root, ".")


def test_a_sibling_that_links_outside_is_not_read(tmp_path: Path) -> None:
    """A file beside a template (an include, ``flow.dag.yaml``) is read
    without resolving the folder again for each; one that is a link leaving
    the project is still refused, while a plain sibling and a link within
    the project are read."""
    from prism_lint.config import Settings
    from prism_lint.engine import _related_reader

    secret = _secret(tmp_path)
    root = tmp_path / "repo"
    (root / "prompts").mkdir(parents=True)
    (root / ".git").mkdir()
    (root / "prompts" / "part.md").write_text("Answer briefly.\n")
    (root / "docs.md").write_text("Be kind.\n")
    (root / "prompts" / "out.md").symlink_to(secret)
    (root / "prompts" / "flow.dag.yaml").symlink_to(secret)
    (root / "prompts" / "near.md").symlink_to(root / "docs.md")
    seen: list[str] = []
    read = _related_reader(str(root / "prompts" / "main.jinja"), Settings(), seen)
    assert read("part.md") == "Answer briefly.\n"
    assert read("near.md") == "Be kind.\n"
    assert read("out.md") is None
    assert read("flow.dag.yaml") is None
    assert read("../../outside/secret.md") is None
    # a template in a folder that is itself a link out of the project
    (root / "linked").symlink_to(secret.parent, target_is_directory=True)
    read = _related_reader(str(root / "linked" / "t.jinja"), Settings(), [])
    assert read("secret.md") is None


def test_devices_and_fifos_are_never_read(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    (root / "prompts").mkdir(parents=True)
    (root / ".git").mkdir()
    (root / "prompts" / "zero.jinja").write_text('{% include "/dev/zero" %}\n' + PERSONA)
    (root / "prompts" / "urandom.jinja").write_text(
        '{% include "../../../../../../../dev/urandom" %}\n' + PERSONA
    )
    fifo = root / "prompts" / "fifo.md"
    os.mkfifo(fifo)
    (root / "AGENTS.md").symlink_to("/dev/zero")
    started = time.monotonic()
    out = run(
        "check", "--no-cache", "--exit-zero", "--output-format", "json", ".", cwd=root, timeout=30
    )
    assert time.monotonic() - started < 20
    assert out.returncode == 0, out.stderr
    named = run(
        "check", "--no-cache", "--output-format", "json", "prompts/fifo.md", cwd=root, timeout=30
    )
    (finding,) = json.loads(named.stdout)
    assert finding["code"] == "PRS900" and "not a regular file" in finding["message"]


# -- 5. hostile inputs end quickly -----------------------------------------


def _alias_bomb() -> str:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, 10):
        refs = ", ".join([f"*a{i - 1}"] * 9)
        lines.append(f"a{i}: &a{i} [{refs}]")
    lines.append('system: "You are an expert mathematician. Compute 17 * 23."')
    return "\n".join(lines) + "\n"


def test_hostile_inputs_finish_quickly(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    (root / "prompts").mkdir(parents=True)
    (root / "prompts" / "bomb.yaml").write_text(_alias_bomb())
    deep = "{% if a %}" * 5000 + PERSONA + "{% endif %}" * 5000
    (root / "prompts" / "deep.jinja").write_text(deep)
    (root / "deep.py").write_text(
        "x = " + "(" * 100_000 + "1" + ")" * 100_000 + f"\nSYSTEM_PROMPT = {PERSONA.strip()!r}\n"
    )
    (root / "prism-lint.toml").write_text('fix-strategy = { PRS1 = "gate" }\n')
    started = time.monotonic()
    out = run(
        "check", "--no-cache", "--exit-zero", "--output-format", "json", ".", cwd=root, timeout=60
    )
    assert time.monotonic() - started < 15
    by_file = {Path(d["filename"]).name: d for d in json.loads(out.stdout) if d["code"] == "PRS900"}
    assert "alias bomb" in by_file["bomb.yaml"]["message"]
    fixed = run(
        "check", "--no-cache", "--fix", "--unsafe-fixes", "--exit-zero", ".", cwd=root, timeout=60
    )
    assert fixed.returncode == 0, fixed.stderr
    assert time.monotonic() - started < 30


def test_a_file_past_its_time_budget_is_one_finding(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from prism_lint import engine
    from prism_lint.config import Settings

    stalled(monkeypatch, engine, "run_rules")
    started = time.monotonic()
    result = engine.check_source("prompts/system.md", PERSONA, Settings())
    assert time.monotonic() - started < 2
    (diag,) = result.diagnostics
    assert diag.code == "PRS900" and "longer than 0.2 s" in diag.message


# Inputs that made a regular expression try every way of splitting a run of
# characters (exponential backtracking): a banner of "#" after a catalogued
# name, comment lines with CRLF endings at the head of a YAML file, blank
# indented lines after a function stub quoted in a prompt.
REDOS = {
    "banner.py": (
        "from swarms import Agent\n\n# one System Prompt for each Agent\n"
        + "#" * 400
        + "\n\n"
        + f"SYSTEM_PROMPT = {PERSONA.strip()!r}\n"
    ),
    "prompts/system.yaml": "# settings\r\n" * 120 + f'system_prompt: "{PERSONA.strip()}"\r\n',
    "stub.py": (
        'PROMPT = """You are an expert Python engineer. Complete this function:\n'
        "def parse(text):\n    '''Parse an ISO date.'''"
        + "\n    " * 60
        + '\nReturn only code."""\n'
    ),
    # a role line's pattern split a line of blanks every way (Prompty and
    # Jinja role markers), and a Handlebars tag's body ran to the end of the
    # text from every "{{" (a Dotprompt fix's read-back)
    "prompts/system.j2": PERSONA + " " * 300_000 + "\n",
    "system.prompt": (
        '---\nmodel: gpt-4o\n---\n{{role "system"}}\n' + PERSONA + "{{" * 100_000 + "\n"
    ),
}
# long runs inside a persona sentence: the sentence splitter's stops (a run
# of "." before a word), and the fix's reading of what follows the identity
# (white space before "with", and at the sentence's end)
REDOS["dots.md"] = PERSONA.replace("expert Python", "expert " + "." * 100_000 + "Python")
REDOS["blanks.md"] = PERSONA.replace(" engineer.", " engineer" + " " * 100_000 + "with tests.")
# a run-on sentence of persona cues: each read the whole sentence before it
REDOS["cues.md"] = PERSONA + "you are as a " * 30_000 + "\n"
# an agent noun's ending was looked for from every letter of a long word
# (the first pass), and a question's look-aheads read to the end of its
# line from every "what is"
REDOS["nouns.md"] = (
    "You are a helpful assistant.\n\n" + ("rol " + "a" * 216 + " olarak\n") * 8_000 + "\n" + PERSONA
)
REDOS["questions.md"] = PERSONA + ("what is " + "a " * 40) * 800 + "\n"
# a text of any name that opens with a persona: where its first sentence
# ends was looked for from every line of blanks, and each such name's uses
# were looked for in every call of the module
REDOS["lead.py"] = (
    'NOTE = """You are a tutor'
    + " \n" * 1_200
    + 'x"""\n'
    + f"SYSTEM_PROMPT = {PERSONA.strip()!r}\n"
)
REDOS["shown.py"] = (
    "".join(f'v{i} = "You are a tutor. Say hi to them."\n' for i in range(2_000))
    + "".join(f"print(v{i}, a, b, c)\n" for i in range(2_000))
    + f"SYSTEM_PROMPT = {PERSONA.strip()!r}\n"
)
# persona-opened strings in comments, deep in an expression: each was read
# by climbing from its quote to the module
REDOS["deep.py"] = (
    f"SYSTEM_PROMPT = {PERSONA.strip()!r}\nx = (1\n"
    + '# "You are an expert lawyer. x\n' * 300
    + " + 1" * 1_500
    + ")\n"
)
# a placeholder under a label with a long run of blanks after its colon:
# the label's trailing blanks and the placeholder's leading ones could split
# the run every way
REDOS["block.py"] = (
    "from openai import OpenAI\n\n"
    f'TEMPLATE = """{PERSONA.strip()}\nNotes:' + " " * 100_000 + 'x\n{code}\n"""\n'
    "OpenAI().chat.completions.create(model='gpt-4o', messages=[\n"
    "    {'role': 'system', 'content': TEMPLATE.format(code=c)}])\n"
)
# what else such a file reports: the Dotprompt's "{{" are never closed (a
# finding of the file itself, not the time budget's)
ALSO = {"system.prompt": ["PRS900"]}


@pytest.mark.parametrize("name", sorted(REDOS))
def test_a_regular_expression_s_worst_case_costs_nothing(name: str, tmp_path: Path) -> None:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(REDOS[name].encode())
    for given in (name, "."):  # named, and found by a walk
        out = run("check", "--no-cache", "--output-format", "json", given, cwd=tmp_path, timeout=60)
        # the prompt is read and flagged; over the file's budget it would be PRS900
        assert [code for code, *_ in findings(out)] == ["PRS101", *ALSO.get(name, [])], out.stdout
        assert not any("longer than" in d["message"] for d in json.loads(out.stdout)), out.stdout
    listed = run("prompts", "--output-format", "json", ".", cwd=tmp_path, timeout=60)
    assert len(json.loads(listed.stdout)) == 1, listed.stdout


def stalled(monkeypatch: pytest.MonkeyPatch, owner: object, name: str) -> None:
    """``owner.name`` made to take 5 s, under a file budget of 0.2 s."""
    from prism_lint import time_budget

    def slow(*_args: object, **_kwargs: object) -> bool:
        time.sleep(5)
        return True

    monkeypatch.setattr(time_budget, "FILE_TIME_BUDGET", 0.2)
    monkeypatch.setattr(owner, name, slow)


def test_the_first_pass_counts_against_the_file_budget(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from prism_lint import runner
    from prism_lint.config import Settings
    from prism_lint.discovery import Target

    stalled(monkeypatch, runner, "worth_checking")
    (tmp_path / "app.py").write_text(f"SYSTEM_PROMPT = {PERSONA.strip()!r}\n")
    started = time.monotonic()
    outcome = runner.check_one(Target(str(tmp_path / "app.py"), "python", False), Settings())
    assert time.monotonic() - started < 2
    (diag,) = outcome.result.diagnostics
    assert diag.code == "PRS900" and "longer than 0.2 s" in diag.message


def test_the_inventory_s_first_look_counts_against_the_file_budget(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from prism_lint.commands import prompts
    from prism_lint.config import Settings
    from prism_lint.extract.python import prompt_cues

    stalled(monkeypatch, prompt_cues.Cues, "may_hold_prompt")
    path = tmp_path / "app.py"
    path.write_text(f"SYSTEM_PROMPT = {PERSONA.strip()!r}\n")
    started = time.monotonic()
    reading = prompts._inventory(
        str(path), path.read_bytes(), Settings(), named=False, kind="python", first=True
    )
    assert time.monotonic() - started < 2
    assert reading.rows == [] and not reading.ruled_out


def test_a_parse_past_the_file_budget_stops_there(monkeypatch: pytest.MonkeyPatch) -> None:
    # tree-sitter parses in C, out of the timer signal's reach, and a long
    # run of comment lines makes its scanner quadratic (seconds for 16,000)
    from prism_lint import engine, time_budget
    from prism_lint.config import Settings

    monkeypatch.setattr(time_budget, "FILE_TIME_BUDGET", 0.3)
    text = f"SYSTEM_PROMPT = {PERSONA.strip()!r}\n" + "# note\r\n" * 30_000
    started = time.monotonic()
    result = engine.check_source("app.py", text, Settings())
    assert time.monotonic() - started < 3
    (diag,) = result.diagnostics
    assert diag.code == "PRS900" and "longer than 0.3 s" in diag.message


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("deep.ts", "`" * 200_000),  # each a tagged template of the one before: 100,000 deep
        ("open.py", "{{" * 100_000),  # unmatched brackets, each a fragment at the top level
        ("open.ts", "- " * 100_000),
    ],
    ids=["deep-ts", "open-py", "open-ts"],  # an id of the text itself is over exec's limit
)
def test_trees_no_code_makes_are_not_walked(name: str, text: str, tmp_path: Path) -> None:
    (tmp_path / name).write_text(PERSONA + text + "\n" + PERSONA)
    started = time.monotonic()
    out = run("check", "--no-cache", "--output-format", "json", name, cwd=tmp_path, timeout=60)
    assert time.monotonic() - started < 15
    (found,) = json.loads(out.stdout)
    assert found["code"] == "PRS900"
    assert "longer than" not in found["message"]  # told, not timed out


def test_the_language_server_will_not_read_a_configuration_outside_the_workspace(
    tmp_path: Path,
) -> None:
    from prism_lint.lsp.editor_settings import EditorSettings
    from prism_lint.lsp.session import Session

    outside = tmp_path / "outside.toml"
    outside.write_text('select = ["PRS9"]\n')
    workspace = tree(tmp_path / "repo", files=1)
    session = Session(str(workspace))
    session.set_editor(EditorSettings(configuration=str(outside)))
    assert any("inside the workspace" in e for e in session.config_errors)
    assert session.settings_for(str(workspace / "AGENTS.md")).select is None
    inner = workspace / "lint.toml"
    inner.write_text('select = ["PRS1"]\n')
    session.set_editor(EditorSettings(configuration=str(inner)))
    settings = session.settings_for(str(workspace / "AGENTS.md"))
    assert settings.select == ("PRS1",) and settings.root == str(workspace)


def test_a_configuration_linked_out_of_the_project_is_an_error_not_ignored(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "pyproject.toml").write_text('[tool.prism-lint]\nselect = ["PRS9"]\n')
    root = tree(tmp_path / "repo", files=1)
    (root / ".git").mkdir()
    (root / "pyproject.toml").symlink_to(outside / "pyproject.toml")
    out = run("check", "--no-cache", ".", cwd=root)
    assert out.returncode == 2
    assert "pyproject.toml" in out.stderr and "outside the project" in out.stderr


def test_a_named_folder_that_cannot_be_listed_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from prism_lint import discovery
    from prism_lint.config import ConfigError, Resolver

    folder = tmp_path / "locked"
    folder.mkdir()
    real = os.scandir

    def refuse(path: object = ".") -> object:
        if str(path) == str(folder):
            raise PermissionError(13, "Permission denied")
        return real(path)  # type: ignore[arg-type]

    monkeypatch.setattr(discovery.os, "scandir", refuse)
    with pytest.raises(ConfigError, match="cannot read folder: Permission denied"):
        list(discovery.discover([str(folder)], Resolver()))


def test_a_tree_nested_deeper_than_the_interpreter_recurses_is_checked(tmp_path: Path) -> None:
    """Folders nested past Python's recursion limit (a path still shorter
    than the system's limit): walked, named, fixed, with no traceback."""
    root = tmp_path / "repo"
    root.mkdir()
    (root / ".git").mkdir()
    folder = str(root)
    for _level in range(sys.getrecursionlimit() + 100):
        folder += "/a"
        os.mkdir(folder)
    Path(folder, "p.py").write_text(
        f"SYSTEM = {PERSONA.strip()!r}\n"
        'client.chat.completions.create(model="gpt-4o", '
        'messages=[{"role": "system", "content": SYSTEM}])\n'
    )
    deep = os.path.relpath(folder + "/p.py", root)
    try:
        for paths in ((".",), (deep,)):
            out = run("check", "--no-cache", "--output-format", "json", *paths, cwd=root)
            assert "Traceback" not in out.stderr
            assert [d["code"] for d in json.loads(out.stdout)] == ["PRS101"], paths
        inventory = run("prompts", "--output-format", "json", deep, cwd=root)
        assert "Traceback" not in inventory.stderr and len(json.loads(inventory.stdout)) == 1
        fixed = run("check", "--fix", "--no-cache", ".", cwd=root)
        assert fixed.returncode == 0 and "Traceback" not in fixed.stderr
        assert "expert" not in Path(folder, "p.py").read_text()
    finally:
        _remove_nested(root / "a")


def _remove_nested(top: Path) -> None:
    """Remove a chain of nested folders without recursion (pytest's own
    clean-up of tmp_path recurses, and would fail on it)."""
    levels = []
    current = str(top)
    while os.path.isdir(current):
        levels.append(current)
        for entry in os.scandir(current):
            if not entry.is_dir(follow_symlinks=False):
                os.unlink(entry.path)
        current += "/a"
    for folder in reversed(levels):
        os.rmdir(folder)
