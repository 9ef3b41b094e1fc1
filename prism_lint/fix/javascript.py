"""JavaScript/TypeScript tidy-up: string literals a strip leaves empty.

``"You are an expert. " + "Write code."`` would keep ``"" +`` in front of the
rest, and a list of lines joined later would keep a ``""`` element. Both go
with the persona. Works on the text around each removal (quotes, ``+``,
commas), which is all it needs to look at.
"""

from __future__ import annotations

import re

from prism_lint.model import Edit

_QUOTES = "\"'`"
_PLUS_AFTER = re.compile(r"[ \t]*\+[ \t]*(?:\r?\n[ \t]*)?")
_PLUS_BEFORE = re.compile(r"[ \t]*(?:\r?\n[ \t]*)?\+[ \t]*$")
_ELEMENT_LINE = re.compile(r"[ \t]*,[ \t]*(?:\r?\n)")


def tidy_literals(text: str, edits: list[Edit]) -> tuple[list[Edit], list[str]]:
    """Widen removals that empty a literal to take the literal and its ``+``
    or list line; returns the edits and notes on what else went."""
    out: list[Edit] = []
    notes: list[str] = []
    for e in edits:
        if e.content or e.end <= e.start:
            out.append(e)
            continue
        q = text[e.start - 1 : e.start] if e.start > 0 else ""
        if not q or q not in _QUOTES or text[e.end : e.end + 1] != q:
            out.append(e)
            continue
        lit_start, lit_end = e.start - 1, e.end + 1
        after = _PLUS_AFTER.match(text, lit_end)
        if after:
            out.append(Edit(lit_start, after.end(), ""))
            notes.append("removes the emptied string and its '+'")
            continue
        line_start = text.rfind("\n", 0, lit_start) + 1
        before = _PLUS_BEFORE.search(text, 0, lit_start)
        if before and text[lit_end : lit_end + 1] in (";", ",", ")", "\n", "\r", ""):
            out.append(Edit(before.start(), lit_end, ""))
            notes.append("removes the emptied string and its '+'")
            continue
        element = _ELEMENT_LINE.match(text, lit_end)
        if element and not text[line_start:lit_start].strip():
            out.append(Edit(line_start, element.end(), ""))
            notes.append("removes the emptied list element")
            continue
        out.append(e)
    out.sort(key=lambda x: (x.start, x.end))
    return out, notes
