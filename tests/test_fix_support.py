"""Shared helpers for the fix tests: check, fix, and look at what changed."""

from __future__ import annotations

import difflib

from prism_lint.config import Settings
from prism_lint.engine import check_source
from prism_lint.fix.apply import fix_text
from prism_lint.model import Diagnostic

DEFAULT = Settings()
GATE = Settings(fix_strategy=(("PRS", "gate"),))


def check(path: str, text: str, settings: Settings = DEFAULT) -> list[Diagnostic]:
    return check_source(path, text, settings, named=True).diagnostics


def persona_findings(path: str, text: str, settings: Settings = DEFAULT) -> list[Diagnostic]:
    return [d for d in check(path, text, settings) if d.code[:4] in ("PRS1", "PRS2", "PRS3")]


def fix(
    path: str, text: str, *, unsafe: bool = True, settings: Settings = DEFAULT
) -> tuple[str, int, list[Diagnostic]]:
    return fix_text(text, lambda t: check(path, t, settings), unsafe)


def changed_lines(old: str, new: str) -> list[str]:
    """The lines removed or added, with their +/- marks."""
    return [
        line.rstrip("\n")
        for line in difflib.unified_diff(old.splitlines(True), new.splitlines(True), n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]
