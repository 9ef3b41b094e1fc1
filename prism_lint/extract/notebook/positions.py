"""Positions in a notebook's JSON text: where each cell keeps its source.

A notebook's prompts are read from its cells, each a document of its own;
a report on the file (CI annotations) and a fix written back to it need the
place in the JSON text that holds a cell's characters. Read without a JSON
parser's loss of positions, and with no value evaluated.
"""

from __future__ import annotations

import json
import re

_WS = " \t\r\n"
_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?")


class NotebookShapeError(ValueError):
    """The JSON is not laid out as a notebook with that cell."""


def _skip_ws(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in _WS:
        pos += 1
    return pos


def _string_end(text: str, pos: int) -> int:
    if text[pos] != '"':
        raise NotebookShapeError(f"expected a string at {pos}")
    i = pos + 1
    while i < len(text):
        ch = text[i]
        if ch == "\\":
            i += 2
            continue
        if ch == '"':
            return i + 1
        i += 1
    raise NotebookShapeError("unterminated string")


def _value_end(text: str, pos: int) -> int:
    """End of the JSON value starting at ``pos``."""
    pos = _skip_ws(text, pos)
    if pos >= len(text):
        raise NotebookShapeError("unexpected end of JSON")
    ch = text[pos]
    if ch == '"':
        return _string_end(text, pos)
    if ch in "[{":
        return _container_end(text, pos)
    for word in ("true", "false", "null"):
        if text.startswith(word, pos):
            return pos + len(word)
    m = _NUMBER.match(text, pos)
    if m:
        return m.end()
    raise NotebookShapeError(f"unexpected {ch!r} at {pos}")


def _container_end(text: str, pos: int) -> int:
    if text[pos] == "[":
        return _elements(text, pos)[1]
    return _members(text, pos)[1]


def _elements(text: str, pos: int) -> tuple[list[tuple[int, int]], int]:
    """Spans of an array's elements, and the array's end."""
    out: list[tuple[int, int]] = []
    i = _skip_ws(text, pos + 1)
    if text[i] == "]":
        return out, i + 1
    while True:
        i = _skip_ws(text, i)
        end = _value_end(text, i)
        out.append((i, end))
        i = _skip_ws(text, end)
        if text[i] == ",":
            i += 1
            continue
        if text[i] == "]":
            return out, i + 1
        raise NotebookShapeError(f"expected ',' or ']' at {i}")


def _members(text: str, pos: int) -> tuple[dict[str, tuple[int, int]], int]:
    """Value spans of an object's members by key, and the object's end."""
    out: dict[str, tuple[int, int]] = {}
    i = _skip_ws(text, pos + 1)
    if text[i] == "}":
        return out, i + 1
    while True:
        i = _skip_ws(text, i)
        kend = _string_end(text, i)
        key = json.loads(text[i:kend])
        i = _skip_ws(text, kend)
        if text[i] != ":":
            raise NotebookShapeError(f"expected ':' at {i}")
        vstart = _skip_ws(text, i + 1)
        vend = _value_end(text, vstart)
        out[key] = (vstart, vend)
        i = _skip_ws(text, vend)
        if text[i] == ",":
            i += 1
            continue
        if text[i] == "}":
            return out, i + 1
        raise NotebookShapeError(f"expected ',' or '}}' at {i}")


def source_span(text: str, cell: int) -> tuple[int, int]:
    """Where cell ``cell`` (1-based, among all cells) keeps its source."""
    start = _skip_ws(text, 0)
    if not text.startswith("{", start):
        raise NotebookShapeError("a notebook is a JSON object")
    top, _ = _members(text, start)
    if "cells" not in top:
        raise NotebookShapeError("no cells")
    cells, _ = _elements(text, top["cells"][0])
    if not 1 <= cell <= len(cells):
        raise NotebookShapeError(f"no cell {cell}")
    cstart, _cend = cells[cell - 1]
    members, _ = _members(text, cstart)
    if "source" not in members:
        raise NotebookShapeError(f"cell {cell} has no source")
    return members["source"]


def cell_source(text: str, cell: int) -> str:
    a, b = source_span(text, cell)
    value = json.loads(text[a:b])
    return "".join(value) if isinstance(value, list) else str(value)


def file_position(text: str, cell: int, offset: int) -> int:
    """Where character ``offset`` of cell ``cell``'s source is written in the
    notebook's own text: an offset into ``text``, inside the JSON string that
    holds it. CI annotations point into the file, not into the cell."""
    a, _b = source_span(text, cell)
    strings = _elements(text, a)[0] if text.startswith("[", a) else [(a, _string_end(text, a))]
    seen = 0
    for s, e in strings:
        value = json.loads(text[s:e])
        if not isinstance(value, str):
            raise NotebookShapeError(f"cell {cell} source holds a non-string")
        if offset < seen + len(value) or (s, e) == strings[-1]:
            return _raw_offset(text, s, e, min(offset - seen, len(value)))
        seen += len(value)
    return a


def file_end_position(text: str, cell: int, start: int, end: int) -> int:
    """:func:`file_position` for the end of a span: just past its last
    character as written (an escape such as ``\\n`` is several characters)."""
    if end <= start:
        return file_position(text, cell, start)
    last = file_position(text, cell, end - 1)
    return last + _width(text, last)


def _width(text: str, i: int) -> int:
    """How many characters of JSON spell the one string character at ``i``."""
    if text[i] != "\\":
        return 1
    if text[i + 1] != "u":
        return 2
    # a surrogate pair spells one character in twelve
    if 0xD800 <= int(text[i + 2 : i + 6], 16) < 0xDC00 and text.startswith("\\u", i + 6):
        low = text[i + 8 : i + 12]
        if len(low) == 4 and 0xDC00 <= int(low, 16) < 0xE000:
            return 12
    return 6


def _raw_offset(text: str, s: int, e: int, k: int) -> int:
    """The offset in ``text`` of decoded character ``k`` of the JSON string at ``s``."""
    i = s + 1
    for _ in range(k):
        if i >= e - 1:
            break
        i += _width(text, i)
    return i
