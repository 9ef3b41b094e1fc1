"""Applying fixes: ruff's tiers, --diff, JSON edits, atomic writes, notebooks."""

from __future__ import annotations

import io
import json
import os
import stat
from pathlib import Path

import pytest

from prism_lint.cli import main
from prism_lint.extract.notebook.positions import cell_source, source_span
from prism_lint.fix.apply import apply_round
from prism_lint.fix.disk import ChangedOnDisk, Stamp, write_fixed
from prism_lint.fix.notebook import replace_source
from prism_lint.lines import LineIndex
from prism_lint.model import Diagnostic, Document, Edit, Fix

APP = (
    "from openai import OpenAI\n\nclient = OpenAI()\n"
    "resp = client.chat.completions.create(\n"
    '    model="gpt-4o",\n'
    "    messages=[\n"
    '        {"role": "system", "content": "You are an expert Python developer. '
    'Write a Python function that sorts a list."},\n'
    '        {"role": "user", "content": f"You are an expert {lang} developer. '
    'Fix this Python code: {code}"},\n'
    "    ],\n"
    ")\n"
)
SAFE_FIXED = APP.replace("You are an expert Python developer. ", "")
ALL_FIXED = SAFE_FIXED.replace("You are an expert {lang} developer. ", "")


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "app.py").write_text(APP, encoding="utf-8")
    return tmp_path


def run(*args: str) -> int:
    return main(["check", "--no-cache", *args])


def test_fix_applies_safe_fixes_only(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run("app.py", "--fix") == 1  # findings remain
    assert (project / "app.py").read_text() == SAFE_FIXED
    out = capsys.readouterr().out
    assert "more fixes available with `--unsafe-fixes`" in out


def test_unsafe_fixes_apply_the_rest(project: Path) -> None:
    assert run("app.py", "--fix", "--unsafe-fixes") == 0
    assert (project / "app.py").read_text() == ALL_FIXED
    assert run("app.py") == 0


def test_exit_non_zero_on_fix(project: Path) -> None:
    assert run("app.py", "--fix", "--unsafe-fixes", "--exit-non-zero-on-fix") == 1
    assert run("app.py", "--fix", "--unsafe-fixes", "--exit-non-zero-on-fix") == 0


def test_diff_writes_nothing(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run("app.py", "--diff") == 1
    out = capsys.readouterr().out
    assert (project / "app.py").read_text() == APP
    assert out.startswith("--- a/app.py\n+++ b/app.py\n")
    assert '-        {"role": "system", "content": "You are an expert Python developer.' in out
    assert "You are an expert {lang}" not in out.split("\n+")[1]  # the unsafe one is not shown
    (project / "app.py").write_text(ALL_FIXED)
    assert run("app.py", "--diff") == 0
    assert capsys.readouterr().out == ""


def test_show_fixes(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run("app.py", "--fix", "--unsafe-fixes", "--show-fixes")
    out = capsys.readouterr().out
    assert "Fixed 3 findings:" in out and "- app.py: 3" in out


def test_json_output_carries_the_edits(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run("app.py", "--output-format", "json")
    items = json.loads(capsys.readouterr().out)
    by_code = {(i["code"], i["fix"]["applicability"]) for i in items if i["fix"]}
    assert ("PRS101", "safe") in by_code and ("PRS202", "unsafe") in by_code
    safe = next(i for i in items if i["fix"] and i["fix"]["applicability"] == "safe")
    idx = LineIndex(APP)
    text = APP
    for e in sorted(
        safe["fix"]["edits"],
        key=lambda e: (e["location"]["row"], e["location"]["column"]),
        reverse=True,
    ):
        a = idx.offset(e["location"]["row"], e["location"]["column"])
        b = idx.offset(e["end_location"]["row"], e["end_location"]["column"])
        text = text[:a] + e["content"] + text[b:]
    assert text == SAFE_FIXED


def test_fix_strategy_from_configuration(project: Path) -> None:
    (project / "pyproject.toml").write_text(
        '[tool.prism-lint]\nfix-strategy = { PRS101 = "gate" }\ngate-variable = "creative"\n'
    )
    (project / "prompts").mkdir()
    (project / "prompts" / "system.j2").write_text(
        "You are an expert Python developer. Write a Python function for {{ task }}.\n"
    )
    run("prompts/system.j2", "--fix", "--unsafe-fixes")
    assert (project / "prompts" / "system.j2").read_text() == (
        "{% if creative %}You are an expert Python developer. {% endif %}"
        "Write a Python function for {{ task }}.\n"
    )


def test_stdin_fix_prints_the_fixed_text(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(APP))
    main(["check", "--fix", "--stdin-filename", "app.py", "-"])
    assert capsys.readouterr().out == SAFE_FIXED


# --------------------------------------------------------------------------
# writes
# --------------------------------------------------------------------------


def test_write_keeps_the_mode_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    p = tmp_path / "a.txt"
    p.write_text("old")
    os.chmod(p, 0o640)
    write_fixed(str(p), b"\xef\xbb\xbfnew", original=b"old", stamp=Stamp.of(os.stat(p)))
    assert p.read_bytes() == b"\xef\xbb\xbfnew"
    assert stat.S_IMODE(os.stat(p).st_mode) == 0o640
    assert sorted(x.name for x in tmp_path.iterdir()) == ["a.txt"]


def test_file_changed_on_disk_is_not_overwritten(tmp_path: Path) -> None:
    p = tmp_path / "a.txt"
    p.write_text("old")
    seen = Stamp.of(os.stat(p))
    os.utime(p, ns=(seen.mtime_ns + 5, seen.mtime_ns + 5))
    with pytest.raises(ChangedOnDisk):
        write_fixed(str(p), b"new", original=b"old", stamp=seen)
    assert p.read_text() == "old"
    assert sorted(x.name for x in tmp_path.iterdir()) == ["a.txt"]


# --------------------------------------------------------------------------
# rounds
# --------------------------------------------------------------------------


def diag(
    doc: Document, edits: list[Edit], code: str = "PRS101", applicability: str = "safe"
) -> Diagnostic:
    start = min(e.start for e in edits)
    return Diagnostic(code, "x", "m", doc, start, start, fix=Fix("f", edits, applicability))  # type: ignore[arg-type]


def test_an_insertion_inside_a_removal_waits_for_the_next_round() -> None:
    doc = Document("a.j2", "Hi. You are an expert. Write code.")
    gate = diag(doc, [Edit(4, 4, "{% if x %}"), Edit(23, 23, "{% endif %}")], "PRS101")
    strip = diag(doc, [Edit(4, 23, "")], "PRS202")
    new, n = apply_round(doc.text, [gate, strip], unsafe=True)
    assert n == 1
    assert new == "Hi. Write code."
    # An insertion at the very edge of a removal clashes too.
    edge = diag(doc, [Edit(23, 23, "!")], "PRS301")
    assert apply_round(doc.text, [strip, edge], unsafe=True) == ("Hi. Write code.", 1)


def test_the_larger_removal_goes_first() -> None:
    doc = Document("a.md", "You are an expert. You have ten years. Write code.")
    sentence = diag(doc, [Edit(0, 19, "")], "PRS101")
    passage = diag(doc, [Edit(0, 39, "")], "PRS201", applicability="unsafe")
    assert apply_round(doc.text, [sentence, passage], unsafe=True) == ("Write code.", 1)
    assert apply_round(doc.text, [sentence, passage], unsafe=False) == (
        "You have ten years. Write code.",
        1,
    )


def test_touching_removals_both_apply_and_duplicates_count_once() -> None:
    doc = Document("a.md", "You are an expert. You are a senior dev. Write code.")
    a = diag(doc, [Edit(0, 19, "")])
    b = diag(doc, [Edit(19, 41, "")])
    same = diag(doc, [Edit(19, 41, "")], "PRS202")
    new, n = apply_round(doc.text, [a, b, same], unsafe=False)
    assert new == "Write code."
    assert n == 3


def test_unsafe_fixes_wait_for_the_flag_and_other_files_are_left_alone() -> None:
    doc = Document("a.md", "You are an expert. Write code.")
    other = Document("b.md", "Something else entirely.")
    unsafe = diag(doc, [Edit(0, 19, "")], applicability="unsafe")
    foreign = diag(other, [Edit(0, 10, "")])
    assert apply_round(doc.text, [unsafe, foreign], unsafe=False) == (doc.text, 0)
    assert apply_round(doc.text, [unsafe, foreign], unsafe=True) == ("Write code.", 1)


# --------------------------------------------------------------------------
# notebooks
# --------------------------------------------------------------------------


def notebook(source: list[str] | str) -> str:
    nb = {
        "cells": [
            {"cell_type": "markdown", "metadata": {}, "source": ["# Démo\n", "Some text"]},
            {
                "cell_type": "code",
                "execution_count": 1,
                "metadata": {},
                "outputs": [],
                "source": [
                    "%pip install openai\n",
                    "from openai import OpenAI\n",
                    "client = OpenAI()\n",
                ],
            },
            {
                "cell_type": "code",
                "execution_count": 2,
                "metadata": {"tags": []},
                "outputs": [{"output_type": "stream", "name": "stdout", "text": ["héllo\n"]}],
                "source": source,
            },
        ],
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    return json.dumps(nb, indent=1, ensure_ascii=False) + "\n"


CELL = [
    "resp = client.chat.completions.create(\n",
    '    model="gpt-4o",\n',
    "    messages=[\n",
    '        {"role": "system", "content": "You are an expert Python developer. Write a '
    'Python function that sorts a list."},\n',
    '        {"role": "user", "content": question},\n',
    "    ],\n",
    ")",
]


@pytest.mark.parametrize("as_list", [True, False])
def test_notebook_fix_rewrites_only_the_cell_source(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, as_list: bool
) -> None:
    monkeypatch.chdir(tmp_path)
    text = notebook(CELL if as_list else "".join(CELL))
    (tmp_path / "demo.ipynb").write_text(text, encoding="utf-8")
    assert run("demo.ipynb", "--fix") == 0
    new = (tmp_path / "demo.ipynb").read_text(encoding="utf-8")
    a, b = source_span(text, 3)
    na, nb_ = source_span(new, 3)
    assert new[:na] == text[:a] and new[nb_:] == text[b:]
    fixed = "".join(CELL).replace("You are an expert Python developer. ", "")
    assert cell_source(new, 3) == fixed
    assert new == notebook(fixed.splitlines(keepends=True) if as_list else fixed)


def test_replace_source_keeps_the_spelling_of_unchanged_lines() -> None:
    text = '{"cells": [{"source": ["caf\\u00e9\\n", "x = 1"]}]}'
    new = replace_source(text, 1, "café\nx = 2")
    assert new == '{"cells": [{"source": ["caf\\u00e9\\n", "x = 2"]}]}'
    assert replace_source(text, 1, "") == '{"cells": [{"source": []}]}'
    with pytest.raises(ValueError):
        source_span(text, 2)


# -- safe fixes whose read-back waits (verify.settle) --------------------------

CLEANDOC = (
    "import inspect\nfrom openai import OpenAI\n\nclient = OpenAI()\n"
    "CLEANED = inspect.cleandoc(\n"
    '    """You are an expert content moderator.\n'
    "    Classify each comment as toxic or not toxic.\n"
    '    """\n)\n'
    'client.chat.completions.create(model="gpt-4o", '
    'messages=[{"role": "system", "content": CLEANED}])\n'
)


def _moderation_fix(verify_fixes: bool) -> Fix:
    from prism_lint.config import Settings
    from prism_lint.engine import check_source

    result = check_source("app.py", CLEANDOC, Settings(), named=True, verify_fixes=verify_fixes)
    fixes = [d.fix for d in result.diagnostics if d.code == "PRS104"]
    assert len(fixes) == 1 and fixes[0] is not None
    return fixes[0]


def test_read_back_is_pending_until_settled() -> None:
    """Removing the first line changes what ``cleandoc`` strips: planned as
    safe, it reads back differently, so settling makes it unsafe."""
    from prism_lint.config import Settings
    from prism_lint.fix.verify import settle

    pending = _moderation_fix(verify_fixes=False)
    assert pending.applicability == "safe" and pending.recheck is not None
    diag = Diagnostic("PRS104", "x", "m", Document("app.py", CLEANDOC), 0, 1, fix=pending)
    settle([diag], Settings())
    assert pending.applicability == "unsafe" and pending.recheck is None
    settled = _moderation_fix(verify_fixes=True)
    assert settled.applicability == "unsafe" and settled.recheck is None


def test_local_fix_needs_no_read_back() -> None:
    from prism_lint.config import Settings
    from prism_lint.engine import check_source

    result = check_source("app.py", APP, Settings(), named=True, verify_fixes=False)
    fixes = [d.fix for d in result.diagnostics if d.fix is not None]
    assert fixes and all(f.recheck is None for f in fixes)


def test_exported_fixes_are_settled(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """JSON consumers apply edits themselves: what it calls safe was read back."""
    path = tmp_path / "app.py"
    path.write_text(CLEANDOC, encoding="utf-8")
    assert main(["check", "--no-cache", "--output-format", "json", str(path)]) == 1
    found = [d for d in json.loads(capsys.readouterr().out) if d["code"] == "PRS104"]
    assert [d["fix"]["applicability"] for d in found] == ["unsafe"]
    # --fix reads it back too: a safe-only run leaves the file as it was.
    assert main(["check", "--no-cache", "--fix", str(path)]) == 1
    assert path.read_text(encoding="utf-8") == CLEANDOC


def test_text_report_lists_fixes_as_planned_whatever_the_cache_holds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A JSON run settles fixes into the cache; a later text run must list
    them as a fresh one does. A run that fixes reports them as settled."""
    monkeypatch.setenv("PRISM_LINT_CACHE_DIR", str(tmp_path / "cache"))
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "app.py").write_text(CLEANDOC, encoding="utf-8")
    for i in range(20):  # enough files for the cache to be used
        (tree / f"m{i}.py").write_text(f"X = {i}\n", encoding="utf-8")

    def text_run() -> str:
        main(["check", str(tree)])
        return capsys.readouterr().out

    main(["check", "--output-format", "json", str(tree)])  # fills the cache, settled
    exported = json.loads(capsys.readouterr().out)
    assert [d["fix"]["applicability"] for d in exported] == ["unsafe"]
    from_cache = text_run()
    monkeypatch.setenv("PRISM_LINT_CACHE_DIR", str(tmp_path / "fresh-cache"))
    fresh = text_run()
    assert "= fix (safe)" in fresh and "[*] 1 fixable" in fresh
    assert from_cache == fresh
    main(["check", "--fix", str(tree)])
    fixing = capsys.readouterr().out
    assert "= fix (unsafe)" in fixing and "1 more fix available with `--unsafe-fixes`" in fixing
    assert (tree / "app.py").read_text(encoding="utf-8") == CLEANDOC
