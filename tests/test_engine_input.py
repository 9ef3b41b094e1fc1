"""Bad input: a clear diagnostic, never a traceback, and the run goes on."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from prism_lint.config import Settings
from prism_lint.engine import check_path


def run_cli(
    *args: str, cwd: Path | None = None, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "prism_lint", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        input=stdin,
        timeout=60,
    )


def test_invalid_utf8(tmp_path: Path) -> None:
    p = tmp_path / "AGENTS.md"
    p.write_bytes(b"You are an expert \xff\xfe coder.\n")
    (d,) = check_path(str(p), Settings(), named=True).diagnostics
    assert d.code == "PRS900" and "not valid UTF-8" in d.message and "line 1" in d.message


def test_binary_named_file(tmp_path: Path) -> None:
    p = tmp_path / "blob.bin"
    p.write_bytes(b"\x00\x01\x02" * 100)
    (d,) = check_path(str(p), Settings(), named=True).diagnostics
    assert d.code == "PRS900" and "binary" in d.message


def test_oversized_file(tmp_path: Path) -> None:
    p = tmp_path / "AGENTS.md"
    p.write_text("x" * 5000)
    res = check_path(str(p), Settings(max_file_size=1000), named=True)
    assert res.diagnostics[0].code == "PRS900" and "max-file-size" in res.diagnostics[0].message
    res = check_path(str(p), Settings(max_file_size=1000), named=False)
    assert not res.diagnostics and res.notice and "max-file-size" in res.notice


def test_bom_is_kept_out_of_positions(tmp_path: Path) -> None:
    p = tmp_path / "AGENTS.md"
    p.write_bytes(b"\xef\xbb\xbfYou are a senior Go engineer. Fix the bug in this Go code.\n")
    res = check_path(str(p), Settings(), named=True)
    assert res.bom and res.diagnostics and res.diagnostics[0].start == 0


def test_cli_run_goes_on_after_bad_files(tmp_path: Path) -> None:
    (tmp_path / "prompts").mkdir()
    # not UTF-8 (b"\xff\xfe" first would be UTF-16's byte-order mark), with a
    # persona cue, so the first pass keeps it
    (tmp_path / "prompts" / "bad.md").write_bytes(b"You are a senior Go engineer. \xff\xfe\xfd")
    (tmp_path / "prompts" / "good.md").write_text(
        "You are a senior Go engineer. Fix the bug in this Go code.\n"
    )
    out = run_cli("check", "--output-format", "json", "--no-cache", str(tmp_path))
    assert out.returncode == 1, out.stderr
    codes = sorted(d["code"] for d in json.loads(out.stdout))
    assert codes == ["PRS101", "PRS900"]
    assert "Traceback" not in out.stderr


def test_cli_bad_config_exits_2(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.prism-lint]\nselcet = ["PRS1"]\n')
    (tmp_path / "AGENTS.md").write_text("hello\n")
    out = run_cli("check", str(tmp_path))
    assert out.returncode == 2
    assert "unknown key `selcet`" in out.stderr and "Traceback" not in out.stderr


def test_cli_stdin_with_filename() -> None:
    out = run_cli(
        "check",
        "-",
        "--stdin-filename",
        "AGENTS.md",
        "--output-format",
        "concise",
        stdin="You are a senior Go engineer. Fix the bug in this Go code.\n",
    )
    assert out.returncode == 1
    assert out.stdout.startswith("AGENTS.md:1:1: PRS101")


def test_cli_exit_zero_and_select(tmp_path: Path) -> None:
    p = tmp_path / "AGENTS.md"
    p.write_text("You are a senior Go engineer. Fix the bug in this Go code.\n")
    assert run_cli("check", "--exit-zero", str(p)).returncode == 0
    assert run_cli("check", "--ignore", "PRS101", str(p)).returncode == 0
    assert run_cli("check", "--select", "PRS1", str(p)).returncode == 1
    bad = run_cli("check", "--select", "PRS7", str(p))
    assert bad.returncode == 2 and "unknown rule" in bad.stderr


def test_cli_statistics(tmp_path: Path) -> None:
    p = tmp_path / "AGENTS.md"
    p.write_text("You are a senior Go engineer. Fix the bug in this Go code.\n")
    out = run_cli("check", "--statistics", str(p))
    assert "PRS101" in out.stdout and "expert-persona-code-task" in out.stdout


def test_rule_command() -> None:
    out = run_cli("rule", "PRS101")
    assert out.returncode == 0
    assert "# expert-persona-code-task (PRS101)" in out.stdout
    assert "## Why is this bad?" in out.stdout and "0.5 to 1.2" in out.stdout
    every = run_cli("rule", "--all", "--output-format", "json")
    assert {r["code"] for r in json.loads(every.stdout)} >= {"PRS101", "PRS105", "PRS900"}
    assert run_cli("rule", "PRS777").returncode == 2


def test_prompts_inventory(tmp_path: Path) -> None:
    p = tmp_path / "AGENTS.md"
    p.write_text("You are a senior Go engineer. Fix the bug in this Go code.\n")
    out = run_cli("prompts", "--output-format", "json", str(p))
    (row,) = json.loads(out.stdout)
    assert row["role"] == "system" and row["task"] == "code"
    assert row["personas"][0]["kind"] == "expert"


def test_a_file_is_read_whole_whatever_its_kind(tmp_path: Path) -> None:
    """Regular files are read in one go; a FIFO is never read (it could never end)."""
    import os

    from prism_lint.engine import read_with_stat

    body = ('SYSTEM = "You are an expert Python developer. Write a function."\n' * 3000).encode()
    regular = tmp_path / "big.py"
    regular.write_bytes(body)
    data, _result, _st = read_with_stat(str(regular), Settings(), True)
    assert data == body
    empty = tmp_path / "empty.py"
    empty.write_bytes(b"")
    assert read_with_stat(str(empty), Settings(), True)[0] == b""
    if not hasattr(os, "mkfifo"):
        return
    fifo = tmp_path / "pipe.py"  # never read: a FIFO in a tree could never end
    os.mkfifo(fifo)
    data, result, _st = read_with_stat(str(fifo), Settings(), True)
    assert data is None
    (problem,) = result.diagnostics
    assert problem.code == "PRS900" and "not a regular file" in problem.message
