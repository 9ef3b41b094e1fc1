"""The formats registry: each entry complete, and the one place formats are told apart.

Adding a format is an extractor module and one entry in prism_lint.formats;
these tests fail when an entry misses something a module needs, when a
module keeps a table of formats of its own again, or when the pre-commit
hook selects other files than the registry names.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
import yaml

import prism_lint
from prism_lint.extract import PROSE, Comment, kind_of
from prism_lint.fix.gate import tags_for
from prism_lint.formats import FORMATS, Format, load
from prism_lint.lines import LineIndex
from prism_lint.lsp.suppress import ignore_edit
from prism_lint.model import Diagnostic, Document
from prism_lint.suppression import Suppressions

PACKAGE = Path(prism_lint.__file__).parent
ROOT = PACKAGE.parent
# The modules that treat formats differently: each asks the registry.
CONSULTING = (
    "extract/__init__.py",
    "fix/verify.py",
    "fix/gate.py",
    "fix/__init__.py",
    "lsp/suppress.py",
    "lsp/server.py",
    "prefilter.py",
    "report/common.py",
    "runner.py",
)
IDS = [f.kind for f in FORMATS]


@pytest.mark.parametrize("fmt", FORMATS, ids=IDS)
def test_an_entry_names_what_exists(fmt: Format) -> None:
    assert callable(load(fmt.extractor).extract)
    for dotted in (fmt.verifier, fmt.literals, fmt.first_pass_reads, fmt.unread):
        if dotted is not None:
            assert callable(load(dotted)), dotted
    if fmt.cells is not None:
        module = load(fmt.cells)
        assert all(
            callable(getattr(module, name))
            for name in ("file_position", "file_end_position", "cell_source")
        )
    if fmt.gate is not None:
        tags = tags_for(fmt.gate, "persona_enabled")
        assert "persona_enabled" in tags.open and tags.close


@pytest.mark.parametrize("fmt", FORMATS, ids=IDS)
def test_an_entry_is_complete(fmt: Format) -> None:
    assert fmt.suffixes and all(s == s.lower() and s.startswith(".") for s in fmt.suffixes)
    assert fmt.comments
    assert {suffix for _lang, suffix in fmt.languages} <= set(fmt.suffixes)
    if fmt.placement in ("end", "cells"):
        assert fmt.ignore_comment is None
    else:
        assert fmt.ignore_comment is not None
    if fmt.precommit_types == ():
        # identify has no tag for it: the hook's `files` pattern must still take it
        assert fmt.kind in ("prompty", "dotprompt")


def test_no_suffix_is_two_formats() -> None:
    assert len(IDS) == len(set(IDS))
    seen = [s for f in FORMATS for s in f.suffixes]
    assert len(seen) == len(set(seen))
    languages = [lang for f in FORMATS for lang, _suffix in f.languages]
    assert len(languages) == len(set(languages))


@pytest.mark.parametrize("fmt", FORMATS, ids=IDS)
def test_every_suffix_is_read_as_its_format(fmt: Format) -> None:
    for suffix in fmt.suffixes:
        walked = kind_of(f"src/prompts/example{suffix}")
        assert walked == fmt.kind, suffix
        named = kind_of(f"example{suffix}", named=True)
        assert named == fmt.kind, suffix
        if fmt.prose:  # elsewhere only if its name or content says so
            assert kind_of(f"src/example{suffix}") in (PROSE, fmt.kind)
            assert kind_of("src/README.md") is None


@pytest.mark.parametrize("fmt", [f for f in FORMATS if f.ignore_comment], ids=lambda f: f.kind)
def test_the_ignore_comment_written_is_read_back(fmt: Format) -> None:
    """The suppression an "ignore this" edit writes in a format's syntax is
    one the suppression reader takes, for the code it names."""
    assert fmt.ignore_comment is not None
    line = fmt.ignore_comment.format(codes="PRS101", reason="")
    body = re.sub(r"^(?:#|//|\{#|<!--|\{\{!)\s*|\s*(?:#\}|-->|\}\})$", "", line)
    doc = Document(f"x{fmt.suffixes[0]}", line + "\nYou are an expert.\n")
    found = Suppressions.from_comments([Comment(doc, 1, " " + body, True)])
    assert found.suppressed("PRS101", 2, 2, 2, 2)
    start = doc.text.index("You")
    diag = Diagnostic(
        "PRS101", "code-task", "x", doc, start, start + 18, anchor_first_row=2, anchor_last_row=2
    )
    edit = ignore_edit(fmt.kind, diag, LineIndex(doc.text))
    assert edit is not None and "PRS101" in doc.text[: edit.start] + edit.content


def test_every_consulting_module_imports_the_registry() -> None:
    for relative in CONSULTING:
        tree = ast.parse((PACKAGE / relative).read_text(encoding="utf-8"))
        imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
        assert "prism_lint.formats" in imported, relative


def test_no_other_module_keeps_a_table_of_suffixes() -> None:
    """A suffix of the registry written as a string in another module is a
    second table (the format's own extractor may tell its dialects apart)."""
    suffixes = {s for f in FORMATS for s in f.suffixes}
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE).as_posix()
        if relative == "formats.py" or relative.startswith("extract/"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and node.value in suffixes:
                offenders.append(f"{relative}:{node.lineno}: {node.value!r}")
    assert offenders == []


def _hook() -> dict[str, object]:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    return next(h for h in hooks if h["id"] == "prism-lint")


def test_the_pre_commit_hook_selects_the_registrys_types() -> None:
    types = {t for f in FORMATS for t in f.precommit_types}
    assert set(_hook()["types_or"]) == types  # type: ignore[arg-type]


@pytest.mark.parametrize("fmt", FORMATS, ids=IDS)
def test_the_pre_commit_hook_takes_every_suffix(fmt: Format) -> None:
    pattern = re.compile(str(_hook()["files"]))
    for suffix in fmt.suffixes:
        path = f"src/prompts/example{suffix}"  # a prompt folder: prose formats too
        assert pattern.search(path), path
        if not fmt.prose:
            assert pattern.search(f"src/example{suffix}"), suffix
