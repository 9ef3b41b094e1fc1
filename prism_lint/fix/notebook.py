"""Write fixed cell sources back into a notebook's JSON, touching nothing else.

Only the ``source`` value of each fixed cell is rewritten; the rest of the
file (metadata, outputs, key order, indentation) is kept byte for byte. A
source kept as a list of lines stays a list laid out as before, and lines
that did not change keep their exact JSON spelling.
"""

from __future__ import annotations

import json

from prism_lint.extract.notebook.positions import _elements, source_span


def _encode(line: str, ascii_only: bool) -> str:
    return json.dumps(line, ensure_ascii=ascii_only)


def replace_source(text: str, cell: int, new_source: str) -> str:
    """``text`` with cell ``cell``'s source replaced by ``new_source``."""
    a, b = source_span(text, cell)
    old = text[a:b]
    ascii_only = text.isascii() and "\\u" in text
    if not old.startswith("["):
        return text[:a] + _encode(new_source, ascii_only) + text[b:]
    elements, _ = _elements(text, a)
    spelled: dict[str, str] = {}
    for s, e in elements:
        spelled.setdefault(json.loads(text[s:e]), text[s:e])
    lines = new_source.splitlines(keepends=True)
    parts = [spelled.get(line) or _encode(line, ascii_only) for line in lines]
    if not parts:
        return text[:a] + "[]" + text[b:]
    if elements and "\n" in old:
        first = elements[0][0]
        indent = text[text.rfind("\n", 0, first) + 1 : first]
        close_at = b - 1
        close_indent = text[text.rfind("\n", 0, close_at) + 1 : close_at]
        if close_indent.strip():
            close_indent = ""
        newline = "\r\n" if "\r\n" in old else "\n"
        body = ("," + newline).join(indent + p for p in parts)
        return text[:a] + "[" + newline + body + newline + close_indent + "]" + text[b:]
    return text[:a] + "[" + ", ".join(parts) + "]" + text[b:]
