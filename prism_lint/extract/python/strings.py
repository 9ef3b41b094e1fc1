"""Prompt text as a list of segments, and the string operations Python code applies.

A segment is ``(kind, text, doc_start, doc_end, literal)``:

* ``LIT``  text copied verbatim from ``doc[doc_start:doc_end]``;
* ``DEC``  text that stands for the whole span (an escape, a ``{{``);
* ``HOLE`` a dynamic part; ``text`` is its source as written;
* ``SEP``  text with no source (a ``join`` separator, a framework's glue).

``literal`` is the document offset of the string literal the segment came
from (-1 when none), so every literal can be owned by one prompt only.
Operations (templates, ``dedent``, ``strip``) work on the joined text and
are mapped back through :func:`rewrite`, so the map stays exact for every
character that remains.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from prism_lint.builder import TextBuilder
from prism_lint.lazy_re import lazy
from prism_lint.model import HOLE

LIT, DEC, HOLE_KIND, SEP = 0, 1, 2, 3


class Seg(NamedTuple):
    kind: int
    text: str
    start: int
    end: int
    literal: int = -1


Segs = list[Seg]

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


def decode_run(
    text: str, start: int, *, raw: bool, fstring: bool, literal: int, out: Segs
) -> None:
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


# --------------------------------------------------------------------------
# Joined text and rewriting
# --------------------------------------------------------------------------


def joined(segs: Sequence[Seg]) -> str:
    """The prompt text the segments stand for (one HOLE character per hole)."""
    return "".join(HOLE if s.kind == HOLE_KIND else s.text for s in segs)


def seg_len(s: Seg) -> int:
    return 1 if s.kind == HOLE_KIND else len(s.text)


def to_builder(segs: Iterable[Seg]) -> TextBuilder:
    tb = TextBuilder()
    for s in segs:
        if s.kind == LIT:
            tb.literal(s.text, s.start)
        elif s.kind == DEC:
            tb.decoded(s.text, s.start, s.end)
        elif s.kind == HOLE_KIND:
            tb.hole(s.text, s.start, s.end)
        else:
            tb.separator(s.text)
    return tb


def has_content(segs: Sequence[Seg]) -> bool:
    """True when some text comes from source and is not only white space."""
    return any(s.kind in (LIT, DEC) and not s.text.isspace() for s in segs)


# An edit replaces joined-text range [start, end) with: nothing (None),
# a hole ("hole", ""), or decoded text ("dec", text).
Edit = tuple[int, int, "tuple[str, str] | None"]


def rewrite(segs: Sequence[Seg], edits: Sequence[Edit], source: str) -> Segs:
    """Apply non-overlapping, sorted ``edits`` to the joined text of ``segs``.

    Verbatim segments are split at edit boundaries; any other segment an edit
    touches is consumed whole (an escape cannot be half removed). ``source``
    is the document text, for the source of new holes.
    """
    if not edits:
        return list(segs)
    out: Segs = []
    offsets: list[int] = []
    pos = 0
    for s in segs:
        offsets.append(pos)
        pos += seg_len(s)
    n = len(segs)
    i = 0  # current segment
    cut = 0  # characters of segs[i] already emitted or consumed
    for e_start, e_end, repl in edits:
        # emit everything before e_start
        while i < n and offsets[i] + seg_len(segs[i]) <= e_start:
            _emit_tail(segs[i], cut, out)
            i += 1
            cut = 0
        if i < n and offsets[i] + cut < e_start:
            s = segs[i]
            if s.kind == LIT:
                k = e_start - offsets[i]
                out.append(Seg(LIT, s.text[cut:k], s.start + cut, s.start + k, s.literal))
                cut = k
            # a non-verbatim segment straddling the edit start is consumed whole
        # find the document span the edit covers
        d_start = _doc_pos(segs, offsets, i, max(e_start, offsets[i] + cut) if i < n else 0)
        literal = segs[i].literal if i < n else -1
        d_end = d_start
        while i < n and offsets[i] < e_end:
            s = segs[i]
            s_end = offsets[i] + seg_len(s)
            if s.kind == LIT and e_end < s_end:
                k = e_end - offsets[i]
                d_end = s.start + k
                cut = k
                break
            if s.kind != SEP:
                d_end = s.end
            i += 1
            cut = 0
        if repl is not None:
            kind, text = repl
            if kind == "hole":
                out.append(Seg(HOLE_KIND, source[d_start:d_end], d_start, d_end, literal))
            elif text:
                out.append(Seg(DEC, text, d_start, d_end, literal))
    while i < n:
        _emit_tail(segs[i], cut, out)
        i += 1
        cut = 0
    return out


def _emit_tail(s: Seg, cut: int, out: Segs) -> None:
    if cut == 0:
        out.append(s)
    elif s.kind == LIT and cut < len(s.text):
        out.append(Seg(LIT, s.text[cut:], s.start + cut, s.end, s.literal))


def _doc_pos(segs: Sequence[Seg], offsets: list[int], i: int, text_pos: int) -> int:
    if i >= len(segs):
        return segs[-1].end if segs else 0
    s = segs[i]
    if s.kind == LIT:
        return s.start + (text_pos - offsets[i])
    if s.kind == SEP:
        # no source: borrow the next segment that has one
        for t in segs[i:]:
            if t.kind != SEP:
                return t.start
        return segs[i - 1].end if i else 0
    return s.start


def deletions(segs: Sequence[Seg], keep: bytearray, source: str) -> Segs:
    """Drop the joined-text characters whose ``keep`` flag is 0."""
    edits: list[Edit] = []
    start = -1
    for idx, flag in enumerate(keep):
        if not flag and start < 0:
            start = idx
        elif flag and start >= 0:
            edits.append((start, idx, None))
            start = -1
    if start >= 0:
        edits.append((start, len(keep), None))
    return rewrite(segs, edits, source)


def slice_segs(segs: Sequence[Seg], start: int, end: int, source: str) -> Segs:
    """The part of ``segs`` covering joined-text ``[start, end)``."""
    total = sum(seg_len(s) for s in segs)
    edits: list[Edit] = []
    if start > 0:
        edits.append((0, start, None))
    if end < total:
        edits.append((end, total, None))
    return rewrite(segs, edits, source)


# --------------------------------------------------------------------------
# Templates
# --------------------------------------------------------------------------

_FIELD = (
    r"(?:[A-Za-z_]\w*|\d+)?(?:\.[A-Za-z_]\w*|\[[^\]{}]*\])*(?:![rsa])?"
    r"(?::(?:[^{}]|\{[^{}]*\})*)?"
)
_FORMAT_RE = lazy(r"\{\{|\}\}|\{" + _FIELD + r"\}")
_FIELD_ONLY_RE = lazy(r"(?<!\{)\{(?:[A-Za-z_]\w*|\d*)(?:\.[A-Za-z_]\w*|\[[^\]{}]*\])*"
                            r"(?:![rsa])?(?::[^{}]*)?\}(?!\})")
_PERCENT_RE = re.compile(
    r"%%|%(?:\([^)\n]*\))?[#0\- +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?[diouxXeEfFgGcrsa]"
)
_PERCENT_NAMED_RE = re.compile(r"%\([A-Za-z_]\w*\)[#0\- +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]")
_JINJA_RE = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)
_JINJA_HINT_RE = lazy(
    r"\{%-?\s*(?:if|for|set|include|macro|block|extends|raw|filter|with|chat|message|call)\b"
    r"|\{\{-?\s*[A-Za-z_][\w.\[\]'\"]*\s*(?:\|[^{}]*)?-?\}\}"
)
_MUSTACHE_RE = re.compile(r"\{\{\{.*?\}\}\}|\{\{.*?\}\}", re.S)

SYNTAXES = ("format", "percent", "jinja", "mustache")


def detect_syntax(text: str) -> str | None:
    """Guess the template syntax of a string whose use does not say."""
    if "{" in text:
        if _JINJA_HINT_RE.search(text):
            return "jinja"
        if _FIELD_ONLY_RE.search(text):
            return "format"
    if "%(" in text and _PERCENT_NAMED_RE.search(text):
        return "percent"
    return None


def apply_template(segs: Sequence[Seg], syntax: str | None, source: str) -> Segs:
    """Turn the template's fields into holes and its brace escapes into braces."""
    if syntax is None:
        return list(segs)
    text = joined(segs)
    edits: list[Edit] = []
    if syntax == "format":
        if "{" not in text and "}" not in text:
            return list(segs)
        for m in _FORMAT_RE.finditer(text):
            tok = m.group()
            if tok in ("{{", "}}"):
                edits.append((m.start(), m.end(), ("dec", tok[0])))
            else:
                edits.append((m.start(), m.end(), ("hole", "")))
    elif syntax == "percent":
        if "%" not in text:
            return list(segs)
        for m in _PERCENT_RE.finditer(text):
            if m.group() == "%%":
                edits.append((m.start(), m.end(), ("dec", "%")))
            else:
                edits.append((m.start(), m.end(), ("hole", "")))
    elif syntax in ("jinja", "mustache"):
        if "{" not in text:
            return list(segs)
        pattern = _JINJA_RE if syntax == "jinja" else _MUSTACHE_RE
        for m in pattern.finditer(text):
            edits.append((m.start(), m.end(), ("hole", "")))
    return rewrite(segs, edits, source)


# Role sections inside one template: banks/llama_index ``{% chat role="system" %}``,
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


def strip(segs: Sequence[Seg], source: str, *, left: bool = True, right: bool = True) -> Segs:
    """``str.strip`` / ``lstrip`` / ``rstrip`` with no argument."""
    text = joined(segs)
    start, end = 0, len(text)
    if left:
        start = len(text) - len(text.lstrip())
    if right:
        end = len(text.rstrip())
    if end <= start:
        return []
    return slice_segs(segs, start, end, source)


def concat(parts: Iterable[Sequence[Seg]], sep: str = "") -> Segs:
    out: Segs = []
    first = True
    for p in parts:
        if not first and sep:
            out.append(Seg(SEP, sep, -1, -1))
        out.extend(p)
        first = False
    return out
