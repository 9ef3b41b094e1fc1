"""Prompt text as a list of segments, and the operations on it every language uses.

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
_FIELD_ONLY_RE = lazy(
    r"(?<!\{)\{(?:[A-Za-z_]\w*|\d*)(?:\.[A-Za-z_]\w*|\[[^\]{}]*\])*"
    r"(?:![rsa])?(?::[^{}]*)?\}(?!\})"
)
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


def literal_ids(segs: Sequence[Seg]) -> list[int]:
    """The string literals ``segs`` were read from, in order, each once."""
    seen: dict[int, None] = {}
    for s in segs:
        if s.literal >= 0 and s.kind != HOLE_KIND:
            seen.setdefault(s.literal, None)
    return list(seen)


def merged_names(name_lists: Iterable[Sequence[str]]) -> list[str]:
    """Names of the constants several values were read from, each once."""
    out: list[str] = []
    for names in name_lists:
        out.extend(n for n in names if n not in out)
    return out
