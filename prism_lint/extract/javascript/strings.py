"""Decode JavaScript string and template literal source into prompt segments.

The segments are those of :mod:`prism_lint.extract.shared.segments` (verbatim
runs, decoded escapes, holes, separators), so every later step (templates,
dedent, strip, the source map) is shared with the Python extractor. Only the
escape rules differ, and they follow the ECMAScript specification exactly:

* string literals: the single-character escapes, ``\\xHH``, ``\\uHHHH``,
  ``\\u{H...}``, legacy octal escapes, ``\\8``/``\\9``, line continuations, and
  identity escapes for any other character;
* template literals: the same without octal escapes, and with ``\\r\\n`` and
  ``\\r`` in the source read as ``\\n`` (also in ``String.raw``);
* a surrogate pair written as two escapes is one character, as JavaScript
  strings are UTF-16 and Python strings are code points.
"""

from __future__ import annotations

import re

from prism_lint.extract.shared.segments import DEC, LIT, Seg, Segs

_SINGLE = {
    "b": "\b",
    "f": "\f",
    "n": "\n",
    "r": "\r",
    "t": "\t",
    "v": "\v",
}
_LINE_TERMINATORS = "\n\r\u2028\u2029"

_HEX = r"[0-9A-Fa-f]"
# One escape sequence (or a source line break that a template normalises).
_STRING_ESCAPE = re.compile(
    r"\\(?:\r\n|x" + _HEX + r"{2}|u" + _HEX + r"{4}|u\{" + _HEX + r"+\}"
    r"|[0-3][0-7]{0,2}|[4-7][0-7]?|[\s\S])"
)
_TEMPLATE_ESCAPE = re.compile(
    r"\\(?:\r\n|x" + _HEX + r"{2}|u" + _HEX + r"{4}|u\{" + _HEX + r"+\}|[\s\S])|\r\n?"
)
_RAW_LINE_BREAK = re.compile(r"\r\n?")


def escape_value(esc: str, *, template: bool) -> str:
    """What one escape sequence stands for (``esc`` starts with a backslash)."""
    c = esc[1]
    if c in _SINGLE:
        return _SINGLE[c]
    if c in _LINE_TERMINATORS:
        return ""  # line continuation
    if c == "x" and len(esc) == 4:
        return chr(int(esc[2:], 16))
    if c == "u" and len(esc) > 2:
        digits = esc[3:-1] if esc[2] == "{" else esc[2:]
        code = int(digits, 16)
        # Out of range is a syntax error in JavaScript; keep the text as written.
        return chr(code) if code <= 0x10FFFF else esc[1:]
    if c in "01234567":
        if template:
            # Only "\0" is allowed in a template; other digits are errors.
            return "\0" if c == "0" else c
        return chr(int(esc[1:], 8))
    return c  # "\8", "\9", quotes, backslash and every identity escape


def decode_run(text: str, start: int, *, template: bool, literal: int, out: Segs) -> None:
    """Decode a run of literal source ``text`` found at document offset ``start``."""
    pattern = _TEMPLATE_ESCAPE if template else _STRING_ESCAPE
    pos = 0
    for m in pattern.finditer(text):
        a, b = m.span()
        tok = m.group()
        value = "\n" if tok[0] == "\r" else escape_value(tok, template=template)
        if a > pos:
            out.append(Seg(LIT, text[pos:a], start + pos, start + a, literal))
        if value:
            _push_decoded(out, value, start + a, start + b, literal)
        pos = b
    if pos < len(text):
        out.append(Seg(LIT, text[pos:], start + pos, start + len(text), literal))


def raw_run(text: str, start: int, *, literal: int, out: Segs) -> None:
    """A ``String.raw`` run: backslashes stay, source line breaks read as ``\\n``."""
    pos = 0
    for m in _RAW_LINE_BREAK.finditer(text):
        a, b = m.span()
        if a > pos:
            out.append(Seg(LIT, text[pos:a], start + pos, start + a, literal))
        out.append(Seg(DEC, "\n", start + a, start + b, literal))
        pos = b
    if pos < len(text):
        out.append(Seg(LIT, text[pos:], start + pos, start + len(text), literal))


def _push_decoded(out: Segs, value: str, start: int, end: int, literal: int) -> None:
    """Append a decoded escape, joining a surrogate pair written as two escapes."""
    if len(value) == 1 and "\udc00" <= value <= "\udfff" and out:
        prev = out[-1]
        # Only a line continuation (which adds no segment) may sit between them.
        if (
            prev.kind == DEC
            and prev.literal == literal
            and len(prev.text) == 1
            and "\ud800" <= prev.text <= "\udbff"
        ):
            high = ord(prev.text) - 0xD800
            low = ord(value) - 0xDC00
            pair = chr(0x10000 + (high << 10) + low)
            out[-1] = Seg(DEC, pair, prev.start, end, literal)
            return
    out.append(Seg(DEC, value, start, end, literal))
