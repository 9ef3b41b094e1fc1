"""The string operations Python code applies to prompt text: escapes,
``textwrap.dedent``, ``inspect.cleandoc``, role sections.

The segment model they work on is language-neutral and lives in
:mod:`prism_lint.extract.shared.segments`; its names are re-exported here
for the Python extractor's modules.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from prism_lint.extract.shared.segments import (
    DEC as DEC,
)
from prism_lint.extract.shared.segments import (
    HOLE_KIND as HOLE_KIND,
)
from prism_lint.extract.shared.segments import (
    LIT as LIT,
)
from prism_lint.extract.shared.segments import (
    SEP as SEP,
)
from prism_lint.extract.shared.segments import (
    SYNTAXES as SYNTAXES,
)
from prism_lint.extract.shared.segments import (
    Edit as Edit,
)
from prism_lint.extract.shared.segments import (
    Seg as Seg,
)
from prism_lint.extract.shared.segments import (
    Segs as Segs,
)
from prism_lint.extract.shared.segments import (
    apply_template as apply_template,
)
from prism_lint.extract.shared.segments import (
    concat as concat,
)
from prism_lint.extract.shared.segments import (
    deletions as deletions,
)
from prism_lint.extract.shared.segments import (
    detect_syntax as detect_syntax,
)
from prism_lint.extract.shared.segments import (
    has_content as has_content,
)
from prism_lint.extract.shared.segments import (
    joined as joined,
)
from prism_lint.extract.shared.segments import (
    rewrite as rewrite,
)
from prism_lint.extract.shared.segments import (
    seg_len as seg_len,
)
from prism_lint.extract.shared.segments import (
    slice_segs as slice_segs,
)
from prism_lint.extract.shared.segments import (
    strip as strip,
)
from prism_lint.extract.shared.segments import (
    to_builder as to_builder,
)
from prism_lint.lazy_re import lazy

# --------------------------------------------------------------------------
# String literals
# --------------------------------------------------------------------------

_SIMPLE_ESCAPES = {
    "\\": "\\",
    "'": "'",
    '"': '"',
    "a": "\a",
    "b": "\b",
    "f": "\f",
    "n": "\n",
    "r": "\r",
    "t": "\t",
    "v": "\v",
}

# Backslash escapes (non-raw strings) and source newlines that Python
# normalises to "\n" inside a literal.
_ESCAPE_RE = re.compile(
    r"\\(?:\r\n|[0-7]{1,3}|x[0-9A-Fa-f]{2}|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|N\{[^}\n]*\}|[\s\S])"
    r"|\r\n?"
)
_ESCAPE_F_RE = re.compile(_ESCAPE_RE.pattern + r"|\{\{|\}\}")
_RAW_RE = re.compile(r"\r\n?")
_RAW_F_RE = re.compile(r"\r\n?|\{\{|\}\}")


def _escape_value(esc: str) -> str | None:
    """What a backslash escape stands for; None when Python keeps it as written."""
    c = esc[1]
    if c in _SIMPLE_ESCAPES:
        return _SIMPLE_ESCAPES[c]
    if c in "\r\n":
        return ""  # line continuation inside the literal
    if c in "01234567":
        return chr(int(esc[1:], 8))
    if c in "xuU":
        if len(esc) == 2:
            return None  # no hex digits: a syntax error, kept as written
        code = int(esc[2:], 16)
        return chr(code) if code <= 0x10FFFF else None
    if c == "N" and len(esc) > 3:
        try:
            return unicodedata.lookup(esc[3:-1])
        except KeyError:
            return None
    return None


def decode_run(text: str, start: int, *, raw: bool, fstring: bool, literal: int, out: Segs) -> None:
    """Decode one run of literal source ``text`` found at ``start``, by Python's rules."""
    if raw:
        pattern = _RAW_F_RE if fstring else _RAW_RE
    else:
        pattern = _ESCAPE_F_RE if fstring else _ESCAPE_RE
    pos = 0
    for m in pattern.finditer(text):
        a, b = m.span()
        tok = m.group()
        if tok[0] == "\\":
            value = _escape_value(tok)
            if value is None:
                continue  # kept verbatim, part of the surrounding literal run
        elif tok[0] == "\r":
            value = "\n"
        else:  # "{{" or "}}" in an f-string
            value = tok[0]
        if a > pos:
            out.append(Seg(LIT, text[pos:a], start + pos, start + a, literal))
        if value:
            out.append(Seg(DEC, value, start + a, start + b, literal))
        pos = b
    if pos < len(text):
        out.append(Seg(LIT, text[pos:], start + pos, start + len(text), literal))


# Haystack ``{% message role="system" %}``.
_ROLE_TAG_RE = lazy(
    r"\{%-?\s*(chat|message)\s+role\s*=\s*[\"']([A-Za-z_]+)[\"'][^%]*-?%\}(.*?)"
    r"\{%-?\s*end(?:chat|message)\s*-?%\}",
    re.S,
)
# Mirascope-style role lines: "SYSTEM: ...", "USER: ...".
_ROLE_LINE_RE = lazy(r"(?m)^[ \t]*(SYSTEM|USER|ASSISTANT|MESSAGES)[ \t]*:[ \t]*")


def role_sections(text: str, style: str) -> list[tuple[str, int, int]]:
    """``(role, start, end)`` sections of a template that marks its roles inline."""
    out: list[tuple[str, int, int]] = []
    if style == "jinja":
        if "role" not in text:
            return out
        for m in _ROLE_TAG_RE.finditer(text):
            out.append((m.group(2).lower(), m.start(3), m.end(3)))
    elif style == "lines":
        marks = list(_ROLE_LINE_RE.finditer(text))
        for k, m in enumerate(marks):
            end = marks[k + 1].start() if k + 1 < len(marks) else len(text)
            out.append((m.group(1).lower(), m.end(), end))
    return out


# --------------------------------------------------------------------------
# textwrap.dedent, inspect.cleandoc, str.strip
# --------------------------------------------------------------------------


def _lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of each line without its "\\n"; always at least one."""
    out = []
    start = 0
    while True:
        nl = text.find("\n", start)
        if nl < 0:
            out.append((start, len(text)))
            return out
        out.append((start, nl))
        start = nl + 1


def dedent(segs: Sequence[Seg], source: str) -> Segs:
    """``textwrap.dedent`` on segments."""
    text = joined(segs)
    keep = bytearray(b"\x01") * len(text)
    margin: str | None = None
    content_lines: list[tuple[int, int]] = []
    for a, b in _lines(text):
        line = text[a:b]
        stripped = line.lstrip(" \t")
        if not stripped:
            for k in range(a, b):  # white-space-only lines lose their white space
                keep[k] = 0
            continue
        indent = line[: len(line) - len(stripped)]
        content_lines.append((a, b))
        if margin is None:
            margin = indent
        elif indent.startswith(margin):
            pass
        elif margin.startswith(indent):
            margin = indent
        else:
            common = 0
            for x, y in zip(margin, indent, strict=False):
                if x != y:
                    break
                common += 1
            margin = margin[:common]
    if margin:
        for a, _b in content_lines:
            for k in range(a, a + len(margin)):
                keep[k] = 0
    if all(keep):
        return list(segs)
    return deletions(segs, keep, source)


def cleandoc(segs: Sequence[Seg], source: str) -> Segs:
    """``inspect.cleandoc`` on segments (tabs are not expanded, so columns may differ)."""
    text = joined(segs)
    lines = _lines(text)
    keep = bytearray(b"\x01") * len(text)
    margin = None
    for a, b in lines[1:]:
        line = text[a:b]
        content = len(line.lstrip())
        if content:
            indent = len(line) - content
            margin = indent if margin is None else min(margin, indent)
    kept: list[tuple[int, int]] = []  # each line's remaining [start, end)
    a0, b0 = lines[0]
    first = text[a0:b0]
    lead = len(first) - len(first.lstrip())
    for k in range(a0, a0 + lead):
        keep[k] = 0
    kept.append((a0 + lead, b0))
    for a, b in lines[1:]:
        cut = min(margin or 0, b - a)
        for k in range(a, a + cut):
            keep[k] = 0
        kept.append((a + cut, b))
    # drop leading and trailing empty lines, with their line breaks
    lo, hi = 0, len(kept)
    while hi > lo and kept[hi - 1][0] == kept[hi - 1][1]:
        hi -= 1
    while lo < hi and kept[lo][0] == kept[lo][1]:
        lo += 1
    if lo == hi:
        return []
    for k in range(0, kept[lo][0]):
        keep[k] = 0
    for k in range(kept[hi - 1][1], len(text)):
        keep[k] = 0
    return deletions(segs, keep, source)
