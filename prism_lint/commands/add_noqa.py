"""``prism-lint check --add-noqa``: silence every finding where it is, so a
team can adopt the linter on the day and fix the prompts later.

Each finding gets the suppression comment of its file's syntax (see
:mod:`prism_lint.lsp.suppress`). Comments are added in rounds, checking the
text again after each, until nothing is left to silence: two findings on one
statement share one comment. Nothing of the file is removed.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from prism_lint.engine import check_source
from prism_lint.extract import kind_of
from prism_lint.fix.apply import apply_round, still_valid
from prism_lint.fix.disk import write_result
from prism_lint.lsp.suppress import COMMENT_ENDS, ignore_edit
from prism_lint.model import Diagnostic, Fix
from prism_lint.reading import project_root
from prism_lint.rules import declares

if TYPE_CHECKING:
    from prism_lint.config import Settings
    from prism_lint.engine import FileResult

MAX_ROUNDS = 8


def check_reason(reason: str) -> str:
    """The reason as written into comments, or a ValueError saying why it cannot be."""
    if any(ch in reason for ch in "\r\n\x0b\x0c\x85\u2028\u2029"):
        raise ValueError("--add-noqa: the reason must be one line")
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in reason):
        raise ValueError("--add-noqa: the reason may not hold control characters")
    for end in COMMENT_ENDS:
        if end in reason:
            raise ValueError(f"--add-noqa: the reason may not hold {end!r} (it ends a comment)")
    return reason.strip()


def _silenceable(d: Diagnostic) -> bool:
    # file errors and stale comments: not silenced
    return not declares(d.code, "per_prompt", False)


def add_to_text(
    path: str, text: str, settings: Settings, reason: str = "", kind: str | None = None
) -> tuple[str, int]:
    """``text`` with a suppression comment for each finding, and how many
    findings they silence."""

    reason = check_reason(reason)
    kind = kind or kind_of(path, named=True, globs=settings.include)

    def findings(t: str) -> list[Diagnostic]:
        found = check_source(path, t, settings, named=True, fixes=False).diagnostics
        return [d for d in found if _silenceable(d) and d.doc.path == path]

    before = findings(text)
    current = before
    for _ in range(MAX_ROUNDS):
        edits = []
        for d in current:
            edit = ignore_edit("python" if d.doc.cell is not None else kind, d, reason=reason)
            if edit is not None:
                edits.append(
                    Diagnostic(
                        d.code,
                        d.name,
                        "",
                        d.doc,
                        d.start,
                        d.end,
                        fix=Fix("suppress", [edit], "safe"),
                    )
                )
        new, n = apply_round(text, edits, unsafe=False)
        if n == 0 or new == text:
            break
        text = new
        current = findings(text)
        if not current:
            break
    return text, len(before) - len(current)


def add_to_files(
    results: list[FileResult], settings_of: dict[str, Settings], reason: str = ""
) -> int:
    """Add the comments to every file with findings; returns the findings silenced."""

    check_reason(reason)
    total = 0
    for result in results:
        if result.text is None or not any(_silenceable(d) for d in result.diagnostics):
            continue
        path = result.path
        new, added = add_to_text(path, result.text, settings_of[path], reason, result.kind)
        if new == result.text:
            continue
        if not still_valid(result.kind, result.text, new):
            sys.stderr.write(
                f"prism-lint: error: {path}: the file would not parse with the "
                "comments added; not written (please report it)\n"
            )
            continue
        if not write_result(path, new, result, project_root(path, settings_of[path].root)):
            continue
        total += added
    return total
