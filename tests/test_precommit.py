"""The pre-commit hook, run by the real pre-commit against a throwaway repository.

The hook repository is a committed snapshot of this checkout (so the test
does not depend on what is committed here), and pre-commit installs it into
its own virtualenv, as a user's pre-commit would: ``try-repo`` for the plain
check (it keeps its environment in a store of its own), then ``run`` with
``args: [--fix]`` from a ``.pre-commit-config.yaml`` under a temporary
``PRE_COMMIT_HOME``. Each install builds this package and installs its
dependencies (pip's cache makes the second one quicker); both cases share
one module-scoped setup and one test, to pay for that only once.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

# Installing the hook needs the package index: `pytest -m "not network"` leaves it out.
pytestmark = pytest.mark.network

ROOT = Path(__file__).resolve().parent.parent
PRE_COMMIT = [sys.executable, "-m", "pre_commit"]
GIT = ["git", "-c", "user.name=prism-lint tests", "-c", "user.email=tests@example.invalid"]
GIT += ["-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main"]

PERSONA = "You are a senior Python engineer with 15 years of experience."
PROMPT_MD = f"# Reviewer\n\n{PERSONA}\nWrite a function that parses ISO-8601 dates.\n"
AGENT_PY = """\
import anthropic

client = anthropic.Anthropic()
message = client.messages.create(
    model="claude-sonnet-4-5",
    max_tokens=1024,
    system="You are an expert mathematician. Solve the equation and show each step.",
    messages=[{"role": "user", "content": "3x + 5 = 20"}],
)
"""
# A README is documentation, not a prompt, even with a persona in it.
README = f"# Demo\n\nExample of a bad prompt: {PERSONA} Write a function.\n"
PROMPTY = f"""\
---
name: reviewer
model:
  api: chat
---
system:
{PERSONA}
Review the code and fix any bugs.

user:
{{{{code}}}}
"""


def _run(cmd: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=600, check=False
    )


def _snapshot(dest: Path, env: dict[str, str]) -> str:
    """Copy what building the package needs into a fresh repository; commit it."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".prism_lint_cache")
    for name in ("prism_lint", "rules"):
        shutil.copytree(ROOT / name, dest / name, ignore=ignore)
    for name in ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml"):
        shutil.copy2(ROOT / name, dest / name)
    for cmd in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "snapshot"]):
        subprocess.run([*GIT, *cmd], cwd=dest, env=env, check=True, capture_output=True)
    out = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=dest, check=True, capture_output=True, text=True
    )
    return out.stdout.strip()


def _project(dest: Path, env: dict[str, str]) -> None:
    (dest / "prompts").mkdir(parents=True)
    (dest / "prompts" / "review.md").write_text(PROMPT_MD)
    (dest / "reviewer.prompty").write_text(PROMPTY)
    (dest / "agent.py").write_text(AGENT_PY)
    (dest / "README.md").write_text(README)
    (dest / "notes.txt").write_text(f"{PERSONA} Write a function.\n")
    for cmd in (["init", "-q"], ["add", "-A"]):
        subprocess.run([*GIT, *cmd], cwd=dest, env=env, check=True, capture_output=True)


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str, dict[str, str]]:
    base = tmp_path_factory.mktemp("pre-commit")
    env = {
        **os.environ,
        "PRE_COMMIT_HOME": str(base / "cache"),
        "PRE_COMMIT_COLOR": "never",
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
    }
    env.pop("VIRTUAL_ENV", None)
    env.pop("GITHUB_ACTIONS", None)  # keep the default output format
    hook_repo = base / "hook-repo"
    hook_repo.mkdir()
    rev = _snapshot(hook_repo, env)
    project = base / "project"
    project.mkdir()
    _project(project, env)
    return hook_repo, project, rev, env


def test_manifest_is_valid() -> None:
    out = subprocess.run(
        [*PRE_COMMIT, "validate-manifest", str(ROOT / ".pre-commit-hooks.yaml")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 0, out.stdout + out.stderr


def test_try_repo_check_then_fix(setup: tuple[Path, Path, str, dict[str, str]]) -> None:
    hook_repo, project, rev, env = setup

    checked = _run(
        [*PRE_COMMIT, "try-repo", str(hook_repo), "prism-lint", "--all-files", "--verbose"],
        project,
        env,
    )
    output = checked.stdout + checked.stderr
    assert checked.returncode == 1, output
    assert re.search(r"prompts/review\.md:3:1: PRS101 ", output), output
    assert re.search(r"agent\.py:7:\d+: PRS102 ", output), output
    assert re.search(r"reviewer\.prompty:\d+:\d+: PRS101 ", output), output
    assert not re.search(r"README\.md:\d+", output) and "notes.txt:" not in output
    assert (project / "prompts" / "review.md").read_text() == PROMPT_MD  # check only

    (project / ".pre-commit-config.yaml").write_text(
        "repos:\n"
        f"  - repo: {hook_repo.as_posix()}\n"
        f"    rev: {rev}\n"
        "    hooks:\n"
        "      - id: prism-lint\n"
        "        args: [--fix]\n"
    )
    fixed = _run([*PRE_COMMIT, "run", "--all-files", "--verbose"], project, env)
    output = fixed.stdout + fixed.stderr
    assert fixed.returncode == 1, output  # files were modified by this hook
    assert "files were modified by this hook" in output, output
    review = (project / "prompts" / "review.md").read_text()
    assert PERSONA not in review and "Write a function that parses ISO-8601 dates." in review
    assert (project / "README.md").read_text() == README  # not a prompt: untouched
