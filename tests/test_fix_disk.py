"""``--fix`` and the file on disk: a fix is written only over the bytes it
was worked out from, keeps what the file was (link, owner, mode, extended
attributes), and leaves alone what it cannot replace atomically."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from prism_lint.cli import main

PERSONA = (
    "from openai import OpenAI\n\nclient = OpenAI()\n"
    'SYSTEM = "You are an expert Python engineer. Write a function that sorts a list."\n'
    'client.chat.completions.create(model="gpt-4o", '
    'messages=[{"role": "system", "content": SYSTEM}])\n'
)
FIXED = PERSONA.replace("You are an expert Python engineer. ", "")


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "project"
    root.mkdir()
    (root / ".git").mkdir()
    monkeypatch.chdir(root)
    return root


def fix(capsys: pytest.CaptureFixture[str], *paths: str) -> tuple[int, str]:
    code = main(["check", "--fix", "--no-cache", *paths])
    _out, err = capsys.readouterr()
    return code, err


def test_the_fix_itself(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "m.py").write_text(PERSONA)
    code, err = fix(capsys, "m.py")
    assert code == 0, err
    assert (project / "m.py").read_text() == FIXED


def _edit_after_reading(monkeypatch: pytest.MonkeyPatch, edit: Any) -> None:
    """Run ``edit`` after the run has read and checked every file, before
    any fix is written: someone saving the file mid-run."""
    import prism_lint.runner

    checked = prism_lint.runner.check_targets

    def check_then_edit(*args: Any, **kwargs: Any) -> Iterator[Any]:
        results = list(checked(*args, **kwargs))
        edit()
        yield from results

    monkeypatch.setattr(prism_lint.runner, "check_targets", check_then_edit)


def test_a_line_added_mid_run_is_not_lost(
    project: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    target = project / "m.py"
    target.write_text(PERSONA)

    def append() -> None:
        with open(target, "a") as fh:
            fh.write("ADDED = 1\n")

    _edit_after_reading(monkeypatch, append)
    _code, err = fix(capsys, "m.py")
    assert target.read_text() == PERSONA + "ADDED = 1\n"
    assert "changed on disk" in err


def test_an_edit_that_keeps_time_and_size_is_not_lost(
    project: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    target = project / "m.py"
    target.write_text(PERSONA)
    before = os.stat(target)
    edited = PERSONA.replace("sorts", "SORTS")

    def same_size_same_time() -> None:
        target.write_text(edited)
        os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))

    _edit_after_reading(monkeypatch, same_size_same_time)
    _code, err = fix(capsys, "m.py")
    assert target.read_text() == edited
    assert "changed on disk" in err


def test_a_link_keeps_being_a_link(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "prompts").mkdir()
    real = project / "prompts" / "real.py"
    real.write_text(PERSONA)
    (project / "link.py").symlink_to(os.path.join("prompts", "real.py"))
    code, err = fix(capsys, "link.py")
    assert code == 0, err
    assert (project / "link.py").is_symlink()
    assert os.readlink(project / "link.py") == os.path.join("prompts", "real.py")
    assert real.read_text() == FIXED


def test_a_link_out_of_the_project_is_not_written(
    project: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    outside = project.parent / "outside.py"
    outside.write_text(PERSONA)
    (project / "link.py").symlink_to(outside)
    code = main(["check", "--fix", "--no-cache", "link.py"])
    out, err = capsys.readouterr()
    assert code == 1
    assert outside.read_text() == PERSONA
    assert (project / "link.py").is_symlink()
    assert "outside the project" in out + err  # not read, so not written


def test_the_guard_refuses_a_link_out_of_the_project(project: Path) -> None:
    from prism_lint.fix.disk import NotWritten, write_fixed

    outside = project.parent / "outside.py"
    outside.write_text("old")
    (project / "link.py").symlink_to(outside)
    with pytest.raises(NotWritten, match="outside the project"):
        write_fixed(str(project / "link.py"), b"new", original=b"old", stamp=None)
    assert outside.read_text() == "old"


def test_a_linked_folder_out_of_the_project_is_not_written(
    project: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    outside = project.parent / "elsewhere"
    outside.mkdir()
    (outside / "m.py").write_text(PERSONA)
    (project / "prompts").symlink_to(outside)
    code, err = fix(capsys, os.path.join("prompts", "m.py"))
    assert code == 1
    assert (outside / "m.py").read_text() == PERSONA
    assert "outside the project" in err


def test_a_file_named_from_elsewhere_is_fixed(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    (tmp_path / "work").mkdir()
    (tmp_path / "here").mkdir()
    target = tmp_path / "work" / "m.py"
    target.write_text(PERSONA)
    monkeypatch.chdir(tmp_path / "here")
    code, err = fix(capsys, str(target))
    assert code == 0, err
    assert target.read_text() == FIXED


def test_hard_links_are_not_split(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    first = project / "a.py"
    first.write_text(PERSONA)
    os.link(first, project / "b.py")
    code, err = fix(capsys, "a.py")
    assert code == 1
    assert "hard links" in err and "--diff" in err
    assert first.read_text() == PERSONA
    assert os.stat(first).st_ino == os.stat(project / "b.py").st_ino


def test_a_read_only_file_is_left_and_named(
    project: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    target = project / "m.py"
    target.write_text(PERSONA)
    os.chmod(target, 0o444)
    try:
        code, err = fix(capsys, "m.py")
    finally:
        os.chmod(target, 0o644)
    assert code == 1
    assert "m.py is read-only" in err
    assert target.read_text() == PERSONA


def test_mode_and_extended_attributes_are_kept(
    project: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    target = project / "m.py"
    target.write_text(PERSONA)
    os.chmod(target, 0o751)
    os.setxattr(target, "user.prism-test", b"kept")
    code, err = fix(capsys, "m.py")
    assert code == 0, err
    assert target.read_text() == FIXED
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o751
    assert os.getxattr(target, "user.prism-test") == b"kept"


def test_owner_and_group_are_kept(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = project / "m.py"
    target.write_text(PERSONA)
    if os.geteuid() == 0:
        owner = (4321, 4321)  # another user's file, fixed by root
    else:  # the only change a user may make: to another group of theirs
        groups = [g for g in os.getgroups() if g != os.getegid()] or [os.getegid()]
        owner = (os.geteuid(), groups[0])
    os.chown(target, *owner)
    code, err = fix(capsys, "m.py")
    assert code == 0, err
    assert target.read_text() == FIXED
    st = os.stat(target)
    assert (st.st_uid, st.st_gid) == owner


@pytest.mark.parametrize("how", ["file", "folder"])
def test_the_report_is_not_written_through_a_link_in_the_tree(
    how: str,
    project: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    victim = project.parent / "victim"
    victim.mkdir()
    (victim / "prism-lint.sarif").write_text("precious")
    (project / "m.py").write_text(PERSONA)
    if how == "file":
        (project / "prism-lint.sarif").symlink_to(victim / "prism-lint.sarif")
        out = "prism-lint.sarif"
    else:
        (project / "reports").symlink_to(victim)
        out = os.path.join("reports", "prism-lint.sarif")
    code = main(["check", "--no-cache", "m.py", "--output-format", "sarif", "-o", out])
    _out, err = capsys.readouterr()
    assert code == 2
    assert "symbolic link" in err
    assert (victim / "prism-lint.sarif").read_text() == "precious"


def test_the_report_is_written_to_a_plain_path(
    project: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    (project / "m.py").write_text(PERSONA)
    (project / "out").mkdir()
    code = main(
        [
            "check",
            "--no-cache",
            "m.py",
            "--output-format",
            "json",
            "-o",
            os.path.join("out", "r.json"),
        ]
    )
    assert code == 1
    assert '"PRS101"' in (project / "out" / "r.json").read_text()
