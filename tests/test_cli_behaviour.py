"""CLI behaviour a user relies on: cache keys, selection, errors, summaries."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

PERSONA = "You are a senior Go engineer. Fix the bug in this Go code.\n"


def run(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    full = {**os.environ, "PRISM_LINT_CACHE_DIR": str(cwd / ".cache"), **(env or {})}
    full.pop("GITHUB_ACTIONS", None)
    return subprocess.run(
        [sys.executable, "-m", "prism_lint", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=full,
        timeout=120,
    )


def codes(out: subprocess.CompletedProcess[str]) -> list[str]:
    return sorted(d["code"] for d in json.loads(out.stdout))


def test_named_and_walked_files_are_cached_apart(tmp_path: Path) -> None:
    (tmp_path / "blob.py").write_bytes(b"x = 1\n\x00\x01\n")
    assert run("check", ".", cwd=tmp_path).returncode == 0  # no persona: first pass skips it
    named = run("check", "--output-format", "json", "blob.py", cwd=tmp_path)
    assert codes(named) == ["PRS900"]  # named: a binary file is reported


def test_cache_sees_a_changed_include(tmp_path: Path) -> None:
    prompts = tmp_path / "prompts"
    prompts.mkdir()
    (prompts / "main.j2").write_text(
        'You are a world-class expert with decades of experience.\n{% include "task.j2" %}\n'
    )
    (prompts / "task.j2").write_text("Write a warm birthday poem for my grandmother.\n")
    assert run("check", "prompts/main.j2", cwd=tmp_path).returncode == 0
    (prompts / "task.j2").write_text("Write a Python function that parses ISO-8601 dates.\n")
    assert run("check", "prompts/main.j2", cwd=tmp_path).returncode == 1


def test_own_line_ignore_covers_only_what_is_below_it(tmp_path: Path) -> None:
    (tmp_path / "prompts").mkdir()
    (tmp_path / "prompts" / "two.md").write_text(
        "## Part 1\n\n<!-- prism: ignore[PRS101] -->\n"
        + PERSONA
        + "\n## Part 2\n\nYou are a senior database engineer. Write a SQL query that lists "
        "every customer with unpaid invoices.\n"
    )
    out = run("check", "--output-format", "json", "prompts/two.md", cwd=tmp_path)
    rows = [d["location"]["row"] for d in json.loads(out.stdout)]
    assert rows == [8]


def test_file_errors_obey_selection(tmp_path: Path) -> None:
    # not UTF-8 (b"\xff\xfe" first would be UTF-16's byte-order mark)
    (tmp_path / "bad.md").write_bytes(b"ok \xff\xfe\xfd\n")
    assert run("check", "bad.md", cwd=tmp_path).returncode == 1
    assert run("check", "--ignore", "PRS900", "bad.md", cwd=tmp_path).returncode == 0


def test_command_line_select_wins_over_config_ignore(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.prism-lint]\nignore = ["PRS101"]\n')
    (tmp_path / "AGENTS.md").write_text(PERSONA)
    assert run("check", "AGENTS.md", cwd=tmp_path).returncode == 0
    assert run("check", "--select", "PRS101", "AGENTS.md", cwd=tmp_path).returncode == 1
    assert run("check", "--extend-select", "PRS101", "AGENTS.md", cwd=tmp_path).returncode == 1


def test_per_file_ignores_are_relative_to_the_config(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.prism-lint]\nper-file-ignores = { "sub/prompts/*" = ["PRS101"] }\n'
    )
    (tmp_path / "sub" / "prompts").mkdir(parents=True)
    (tmp_path / "sub" / "prompts" / "a.md").write_text(PERSONA)
    assert run("check", ".", cwd=tmp_path).returncode == 0
    assert run("check", ".", cwd=tmp_path / "sub").returncode == 0


def test_clear_errors_not_tracebacks(tmp_path: Path) -> None:
    (tmp_path / "AGENTS.md").write_text(PERSONA)
    out = run("check", "-o", str(tmp_path / "missing" / "x.json"), "AGENTS.md", cwd=tmp_path)
    assert out.returncode == 2 and "cannot write" in out.stderr and "Traceback" not in out.stderr
    out = run("check", "AGENTS.md", cwd=tmp_path, env={"PRISM_LINT_OUTPUT_FORMAT": "xml"})
    assert out.returncode == 2 and "PRISM_LINT_OUTPUT_FORMAT" in out.stderr


def test_same_file_named_twice_is_checked_once(tmp_path: Path) -> None:
    (tmp_path / "AGENTS.md").write_text(PERSONA)
    out = run("check", "--output-format", "json", "./AGENTS.md", ".", cwd=tmp_path)
    assert codes(out) == ["PRS101"]


def test_summary_counts_fixed_and_remaining(tmp_path: Path) -> None:
    (tmp_path / "prompts").mkdir()
    (tmp_path / "prompts" / "a.md").write_text(PERSONA)
    (tmp_path / "prompts" / "b.md").write_text("You are a senior Go engineer.\n")
    (tmp_path / "prompts" / "c.md").write_text(
        "You are an expert statistician. Compute the mean of the numbers below.\n"
    )
    out = run("check", "--fix", "prompts", cwd=tmp_path)
    last = [line for line in out.stdout.splitlines() if line.startswith("Found")]
    assert last, out.stdout
    found, fixed, remaining = (int(w) for w in __import__("re").findall(r"\d+", last[0])[:3])
    assert found == fixed + remaining and fixed >= 1


def test_a_crew_agent_with_a_search_tool_in_crew_py_researches_from_its_results(
    tmp_path: Path,
) -> None:
    config = tmp_path / "crew" / "config"
    config.mkdir(parents=True)
    (config / "agents.yaml").write_text(
        "researcher:\n"
        "  role: Senior Market Researcher\n"
        "  goal: Research the latest market trends and facts about {topic}\n"
        "  backstory: You are a seasoned researcher known for accurate, up-to-date facts.\n"
    )
    crew = tmp_path / "crew" / "crew.py"
    crew.write_text(
        "class C:\n"
        "    def researcher(self):\n"
        "        return Agent(config=self.agents_config['researcher'], tools=[SerperDevTool()])\n"
    )
    with_tool = run("check", "--output-format", "json", "crew/config/agents.yaml", cwd=tmp_path)
    assert codes(with_tool) == []
    # the cache sees crew.py change: without the tool the facts are recalled
    crew.write_text(
        "class C:\n"
        "    def researcher(self):\n"
        "        return Agent(config=self.agents_config['researcher'])\n"
    )
    without = run("check", "--output-format", "json", "crew/config/agents.yaml", cwd=tmp_path)
    assert set(codes(without)) == {"PRS103"}
