"""Make a rendered report safe to print and to encode.

A report quotes file names and prompt text written by strangers. On a
terminal, an escape sequence or a carriage return from them can hide or
forge lines; a lone surrogate (an evaluated ``"\\ud800"``, a file name that
is not UTF-8) cannot be encoded at all. Human formats get such characters
as visible escapes; JSON formats get surrogates as JSON escapes, which read
back as the same string.
"""

from __future__ import annotations

import re

# C0 controls but tab and newline, DEL, C1 controls, the bidirectional
# overrides and isolates that reorder what a terminal shows, and surrogates.
_UNPRINTABLE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
_SURROGATE = re.compile("[\ud800-\udfff]")


def _visible(match: re.Match[str]) -> str:
    ch = match.group()
    code = ord(ch)
    if 0xDC80 <= code <= 0xDCFF:  # a byte of a file name that is not UTF-8
        return f"\\x{code - 0xDC00:02x}"
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}"


def printable(text: str) -> str:
    """``text`` with every character a terminal would act on, or could not
    encode, shown as an escape; newlines and tabs are kept."""
    return _UNPRINTABLE.sub(_visible, text)


def json_safe(text: str) -> str:
    """JSON text (from ``json.dumps(..., ensure_ascii=False)``) with lone
    surrogates as ``\\uXXXX`` escapes: valid JSON, encodable as UTF-8.
    ``json.dumps`` puts a surrogate only inside a string, where the escape
    means the same code point."""
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def encodable(text: str) -> bytes:
    """UTF-8 bytes for hashing text that may hold lone surrogates."""
    return text.encode("utf-8", "surrogatepass")
