from __future__ import annotations

import os
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from prism_lint.config import Resolver
from prism_lint.discovery import discover


def _tree(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)


def found(root: Path, kind: str | None = None) -> set[str]:
    """Files a walk finds; prose files (a prompt only if their content says
    so) are left out unless ``kind="prose"`` asks for them alone."""
    return {
        os.path.relpath(t.path, root).replace(os.sep, "/")
        for t in discover([str(root)], Resolver())
        if (t.kind == "prose") == (kind == "prose")
    }


def test_walk(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    _tree(
        tmp_path,
        {
            ".gitignore": "generated/\n*.log\n",
            "app/main.py": "x = 1\n",
            "generated/prompts.py": "x = 1\n",
            ".github/copilot-instructions.md": "hi\n",
            ".cursor/rules/py.mdc": "hi\n",
            ".cursorrules": "hi\n",
            "AGENTS.md": "hi\n",
            "docs/guide.md": "not a prompt\n",
            "prompts/system.txt": "hi\n",
            "prompt-library/review.md": "hi\n",
            "notes.txt": "not a prompt\n",
            "node_modules/pkg/index.py": "x = 1\n",
            ".venv/lib/x.py": "x = 1\n",
            "data/patterns/summarize/system.md": "hi\n",
            "docs/review.PROMPT.md": "hi\n",
            "docs/style.instructions.md": "hi\n",
            "docs/page.mdx": "not a prompt\n",
            "docs/Makefile": "not a prompt\n",
        },
    )
    assert found(tmp_path) == {
        "app/main.py",
        ".github/copilot-instructions.md",
        ".cursor/rules/py.mdc",
        ".cursorrules",
        "AGENTS.md",
        "prompts/system.txt",
        "prompt-library/review.md",
        "data/patterns/summarize/system.md",
        "docs/review.PROMPT.md",
        "docs/style.instructions.md",
    }
    # other .md/.txt files are read for their content (extract/text/prose.py)
    assert found(tmp_path, "prose") == {"docs/guide.md", "notes.txt"}


def test_nested_gitignore_and_negation(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    _tree(
        tmp_path,
        {
            ".gitignore": "*.py\n!keep.py\n",
            "keep.py": "x = 1\n",
            "drop.py": "x = 1\n",
            "sub/.gitignore": "!also.py\n",
            "sub/also.py": "x = 1\n",
        },
    )
    assert found(tmp_path) == {"keep.py", "sub/also.py"}


def test_named_files_are_always_checked(tmp_path: Path) -> None:
    _tree(tmp_path, {"notes.txt": "hi\n", "node_modules/x.md": "hi\n"})
    targets = list(
        discover([str(tmp_path / "notes.txt"), str(tmp_path / "node_modules/x.md")], Resolver())
    )
    assert [t.kind for t in targets] == ["text", "markdown"] and all(t.named for t in targets)
    forced = list(discover([str(tmp_path / "node_modules/x.md")], Resolver(), force_exclude=True))
    assert forced == []


def test_configured_include_globs(tmp_path: Path) -> None:
    _tree(tmp_path, {"prism-lint.toml": 'include = ["llm/*.tmpl"]\n', "llm/ask.tmpl": "hi\n"})
    assert "llm/ask.tmpl" in found(tmp_path)


_PATTERNS = [
    "build/",
    "*.pyc",
    "!keep.pyc",
    "/dist",
    "docs/**/*.md",
    "!docs/keep/",
    "node_modules",
    "*.log",
    "tmp*",
    "a/b/",
    "\\#notes",
    "[Ll]ogs/",
    "**/cache",
    "!**/cache/keep",
    "?.pyc",
    "*.[pl]og",
    "b",
    "x.p?c",
    "my\\ file",
    "src/**",
    "*",
    "[]a]bc",
    "[!]a]bc",
]
_NAMES = [
    "build",
    "x.pyc",
    "keep.pyc",
    "dist",
    "docs",
    "keep",
    "a.md",
    "b",
    "a",
    "cache",
    "Logs",
    "logs",
    "tmp1",
    "node_modules",
    "src",
    "#notes",
    "x.log",
    "my file",
    "x.pog",
    "abc",
    "]bc",
    "xbc",
]


@settings(max_examples=1500, deadline=None)
@given(
    st.lists(st.sampled_from(_PATTERNS), max_size=8),
    st.lists(st.sampled_from(_NAMES), min_size=1, max_size=4),
    st.booleans(),
)
def test_gitignore_quick_check_agrees_with_pathspec(
    lines: list[str], parts: list[str], is_dir: bool
) -> None:
    import pathspec

    from prism_lint.discovery import _Ignore

    spec = pathspec.GitIgnoreSpec.from_lines(lines)
    rel = "/".join(parts) + ("/" if is_dir else "")
    expected = spec.check_file(rel).include
    assert _Ignore.of(spec).check(rel) == (None if expected is None else bool(expected))
