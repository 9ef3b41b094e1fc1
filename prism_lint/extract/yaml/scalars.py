"""A YAML scalar's value with the position of every character in the source.

PyYAML gives a node's value and the span it was read from, not where each
character of the value sits. The scanners here re-read that span by the
rules of each scalar style (plain folding, ``''``, escapes and ``\\``
continuations, block scalars with chomping and indentation indicators) and
record verbatim runs as exact pieces. The result is checked against the
loader's value; if they ever differ the whole value maps to the whole span,
so a map is coarse at worst, never wrong.
"""

from __future__ import annotations

import re

from yaml.nodes import ScalarNode

from prism_lint.extract.shared.mapped import MapBuilder, MappedText

BREAKS = "\r\n\x85\u2028\u2029"
_ESCAPES = {
    "0": "\0",
    "a": "\x07",
    "b": "\x08",
    "t": "\t",
    "\t": "\t",
    "n": "\n",
    "v": "\x0b",
    "f": "\x0c",
    "r": "\r",
    "e": "\x1b",
    " ": " ",
    '"': '"',
    "\\": "\\",
    "/": "/",
    "N": "\x85",
    "_": "\xa0",
    "L": "\u2028",
    "P": "\u2029",
}
_HEX_DIGITS = {"x": 2, "u": 4, "U": 8}
_HEX = frozenset("0123456789abcdefABCDEF")
_BREAK = re.compile("[\r\n\x85\u2028\u2029]")
_PLAIN_STOP = re.compile("[ \t\r\n\x85\u2028\u2029]")
_QUOTED_STOP = re.compile("[ \t\\\\'\r\n\x85\u2028\u2029]")


class _Mismatch(Exception):
    """The source does not read as the style says; use the coarse map."""


def decode_scalar(src: str, node: ScalarNode, shift: int = 0) -> tuple[MappedText, bool]:
    """Map ``node.value`` onto ``src``; True when the map is exact.

    ``shift`` is added to the node's mark indexes (a byte-order mark the
    loader did not count).
    """
    start = node.start_mark.index + shift
    end = node.end_mark.index + shift
    value = node.value
    style = node.style
    if src[start:end] == value and style in (None, ""):
        return MappedText.identity(value, start), True
    if style in ("'", '"') and src[start + 1 : end - 1] == value:
        return MappedText.identity(value, start + 1), True
    try:
        if style in ("|", ">"):
            mt = _block(src, start, value, folded=style == ">")
        elif style == "'":
            mt = _quoted(src, start + 1, end - 1, double=False)
        elif style == '"':
            mt = _quoted(src, start + 1, end - 1, double=True)
        else:
            mt = _plain(src, start, end)
    except (_Mismatch, IndexError, ValueError):
        mt = None
    if mt is not None and mt.text == value:
        return mt, True
    out = MapBuilder()
    out.decoded(value, start, max(start, end))
    return out.build(), False


def _line_break(src: str, pos: int) -> tuple[str, int]:
    """The value a line break at ``pos`` reads as, and its width (0: none)."""
    if pos >= len(src):
        return "", 0
    ch = src[pos]
    if ch == "\r":
        return "\n", 2 if src.startswith("\r\n", pos) else 1
    if ch in "\n\x85":
        return "\n", 1
    if ch in "\u2028\u2029":
        return ch, 1
    return "", 0


def _emit_break(out: MapBuilder, src: str, text: str, pos: int, width: int) -> None:
    if src[pos : pos + width] == text:
        out.literal(text, pos)
    else:
        out.decoded(text, pos, pos + width)


def _fold(
    out: MapBuilder, src: str, first: tuple[str, int, int], breaks: list[tuple[str, int, int]]
) -> None:
    """A line break followed by ``breaks`` empty lines, folded the YAML way."""
    text, pos, width = first
    if text != "\n":
        _emit_break(out, src, text, pos, width)
    elif not breaks:
        out.decoded(" ", pos, pos + width)
    for b_text, b_pos, b_width in breaks:
        _emit_break(out, src, b_text, b_pos, b_width)


def _plain(src: str, start: int, end: int) -> MappedText:
    out = MapBuilder()
    pos = start
    pending: list[tuple[str, int]] = []  # spaces within a line, kept if text follows
    while pos < end:
        ch = src[pos]
        if ch in " \t":
            run = pos
            while pos < end and src[pos] in " \t":
                pos += 1
            if pos < end and src[pos] in BREAKS:
                continue  # trailing white space before a break is dropped
            pending.append((src[run:pos], run))
            continue
        if ch in BREAKS:
            text, width = _line_break(src, pos)
            first = (text, pos, width)
            pos += width
            breaks: list[tuple[str, int, int]] = []
            while True:
                while pos < end and src[pos] in " \t":
                    pos += 1
                b_text, b_width = _line_break(src, pos)
                if not b_width or pos >= end:
                    break
                breaks.append((b_text, pos, b_width))
                pos += b_width
            pending.clear()
            _fold(out, src, first, breaks)
            continue
        run = pos
        stop = _PLAIN_STOP.search(src, pos, end)
        pos = stop.start() if stop else end
        for text, at in pending:
            out.literal(text, at)
        pending.clear()
        out.literal(src[run:pos], run)
    return out.build()


def _quoted(src: str, start: int, end: int, *, double: bool) -> MappedText:
    if end < start:
        raise _Mismatch
    out = MapBuilder()
    pos = start
    while pos < end:
        ch = src[pos]
        if ch in " \t":
            run = pos
            while pos < end and src[pos] in " \t":
                pos += 1
            if pos < end and src[pos] in BREAKS:
                continue
            out.literal(src[run:pos], run)
            continue
        if ch in BREAKS:
            text, width = _line_break(src, pos)
            first = (text, pos, width)
            pos += width
            breaks, pos = _flow_breaks(src, pos, end)
            _fold(out, src, first, breaks)
            continue
        if not double and ch == "'":
            if src.startswith("''", pos):
                out.decoded("'", pos, pos + 2)
                pos += 2
                continue
            raise _Mismatch
        if double and ch == "\\":
            pos = _escape(out, src, pos, end)
            continue
        run = pos
        stop = _QUOTED_STOP.search(src, pos, end)
        pos = stop.start() if stop else end
        if pos == run:  # a quote character that is literal in this style
            pos += 1
        out.literal(src[run:pos], run)
    return out.build()


def _flow_breaks(src: str, pos: int, end: int) -> tuple[list[tuple[str, int, int]], int]:
    """Empty lines after a break inside a quoted scalar; skips indentation."""
    breaks: list[tuple[str, int, int]] = []
    while True:
        while pos < end and src[pos] in " \t":
            pos += 1
        text, width = _line_break(src, pos)
        if not width or pos >= end:
            return breaks, pos
        breaks.append((text, pos, width))
        pos += width


def _escape(out: MapBuilder, src: str, pos: int, end: int) -> int:
    code = src[pos + 1] if pos + 1 < end else ""
    if code in _ESCAPES:
        out.decoded(_ESCAPES[code], pos, pos + 2)
        return pos + 2
    if code in _HEX_DIGITS:
        n = _HEX_DIGITS[code]
        digits = src[pos + 2 : pos + 2 + n]
        if len(digits) != n or not set(digits) <= _HEX:
            raise _Mismatch
        out.decoded(chr(int(digits, 16)), pos, pos + 2 + n)
        return pos + 2 + n
    _text, width = _line_break(src, pos + 1)
    if width:
        breaks, after = _flow_breaks(src, pos + 1 + width, end)
        for b_text, b_pos, b_width in breaks:
            _emit_break(out, src, b_text, b_pos, b_width)
        return after
    raise _Mismatch


def _column(src: str, pos: int) -> int:
    """Characters since the last line break before ``pos`` (here: indentation)."""
    line_start = pos
    while line_start > 0 and src[line_start - 1] not in BREAKS:
        line_start -= 1
    return pos - line_start


def _block(src: str, start: int, value: str, *, folded: bool) -> MappedText | None:
    """Literal ``|`` or folded ``>`` scalar whose indicator sits at ``start``."""
    pos = start + 1
    chomping: bool | None = None
    increment: int | None = None
    for _ in range(2):
        ch = src[pos] if pos < len(src) else ""
        if ch in "+-" and chomping is None:
            chomping = ch == "+"
            pos += 1
        elif ch.isdigit() and ch != "0" and increment is None and ch.isascii():
            increment = int(ch)
            pos += 1
    # rest of the header line: spaces and an optional comment
    while pos < len(src) and src[pos] not in BREAKS:
        pos += 1
    _text, width = _line_break(src, pos)
    body = pos + width
    if increment is None:
        leading, indent, at = _auto_indent(src, body)
        mt = _block_body(src, at, indent, leading, folded=folded, chomping=chomping)
        if mt.text == value:
            return mt
    # An explicit indentation indicator counts from the parent's indentation,
    # which the node does not record: try each indentation the text allows.
    first_indent = _first_content_indent(src, body)
    for indent in range(1, max(first_indent, 9) + 1):
        leading, at = _breaks_to(src, body, 0, indent)
        mt = _block_body(src, at, indent, leading, folded=folded, chomping=chomping)
        if mt.text == value:
            return mt
    return None


def _first_content_indent(src: str, pos: int) -> int:
    col = 0
    while pos < len(src):
        ch = src[pos]
        if ch == " ":
            col += 1
            pos += 1
            continue
        _text, width = _line_break(src, pos)
        if width:
            col = 0
            pos += width
            continue
        break
    return min(col, 100)


def _auto_indent(src: str, pos: int) -> tuple[list[tuple[str, int, int]], int, int]:
    """Leading empty lines and the indentation of the first content line."""
    breaks: list[tuple[str, int, int]] = []
    col = 0
    max_indent = 0
    while pos < len(src):
        ch = src[pos]
        if ch == " ":
            pos += 1
            col += 1
            max_indent = max(max_indent, col)
            continue
        text, width = _line_break(src, pos)
        if not width:
            break
        breaks.append((text, pos, width))
        pos += width
        col = 0
    return breaks, max(1, max_indent), pos


def _breaks_to(src: str, pos: int, col: int, indent: int) -> tuple[list[tuple[str, int, int]], int]:
    """Empty lines, skipping at most ``indent`` spaces on each; ends at content."""
    breaks: list[tuple[str, int, int]] = []
    n = len(src)
    while col < indent and pos < n and src[pos] == " ":
        pos += 1
        col += 1
    while True:
        text, width = _line_break(src, pos)
        if not width:
            return breaks, pos
        breaks.append((text, pos, width))
        pos += width
        col = 0
        while col < indent and pos < n and src[pos] == " ":
            pos += 1
            col += 1


def _block_body(
    src: str,
    pos: int,
    indent: int,
    leading: list[tuple[str, int, int]],
    *,
    folded: bool,
    chomping: bool | None,
) -> MappedText:
    out = MapBuilder()
    breaks = leading
    line_break: tuple[str, int, int] = ("", pos, 0)
    n = len(src)
    col = _column(src, pos)
    while pos < n and col == indent:
        for b_text, b_pos, b_width in breaks:
            _emit_break(out, src, b_text, b_pos, b_width)
        leading_non_space = src[pos] not in " \t"
        run = pos
        stop = _BREAK.search(src, pos)
        pos = stop.start() if stop else n
        out.literal(src[run:pos], run)
        text, width = _line_break(src, pos)
        line_break = (text, pos, width)
        pos += width
        breaks, pos = _breaks_to(src, pos, 0, indent)
        col = _column(src, pos)
        if pos < n and col == indent:
            if folded and text == "\n" and leading_non_space and src[pos] not in " \t":
                if not breaks:
                    out.decoded(" ", line_break[1], line_break[1] + line_break[2])
            elif width:
                _emit_break(out, src, text, line_break[1], width)
        else:
            break
    if chomping is not False and line_break[2]:
        _emit_break(out, src, line_break[0], line_break[1], line_break[2])
    if chomping is True:
        for b_text, b_pos, b_width in breaks:
            _emit_break(out, src, b_text, b_pos, b_width)
    return out.build()
