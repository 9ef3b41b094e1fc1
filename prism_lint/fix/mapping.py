"""Turn prompt-text edits into document edits through the unit's source map.

A prompt's text is assembled from pieces of the document with things in
between that are not prompt text: quotes and string prefixes between
implicitly concatenated literals, YAML indentation, Jinja tags, indentation
that ``dedent`` removed. A deletion in the text becomes one deletion per
piece it covers; what lies between pieces stays, except indentation at the
start of a removed line, which would otherwise be left doubled up in front
of the next one. An escape (a piece that is not ``exact``) goes whole or not
at all, and a hole goes only with its whole source span.
"""

from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import dataclass, field

from prism_lint.fix.strip import TextEdit
from prism_lint.model import Edit, Hole, PromptUnit

_HSPACE = " \t"
# What a rewrite may put in: words, spaces and a full stop, which need no
# escaping in any host format.
_PLAIN = re.compile(r"(?=[^A-Za-z]*[A-Za-z])[A-Za-z .,]+")


@dataclass
class Mapped:
    """Document edits for a plan, and the prompt text they actually leave."""

    edits: list[Edit]
    realised: str
    holes: list[Hole] = field(default_factory=list)  # holes the edits delete
    # Prompt characters the plan deletes but the document keeps (white space
    # that has no source of its own, such as a separator inserted by a join).
    kept: list[int] = field(default_factory=list)
    capital_dropped: bool = False

    @property
    def exact(self) -> bool:
        return not self.kept and not self.capital_dropped


class _Index:
    def __init__(self, unit: PromptUnit) -> None:
        self.unit = unit
        self.pieces = sorted(unit.pieces, key=lambda p: p.text_start)
        self.text_starts = [p.text_start for p in self.pieces]
        spans = sorted((p.doc_start, p.doc_end) for p in unit.pieces)
        self.doc_starts = [a for a, _ in spans]
        self.doc_spans = spans
        self.hole_at = {h.text_offset: h for h in unit.holes}

    def overlapping(self, a: int, b: int) -> list[int]:
        i = max(0, bisect.bisect_right(self.text_starts, a) - 1)
        out = []
        while i < len(self.pieces) and self.pieces[i].text_start < b:
            if self.pieces[i].text_end > a:
                out.append(i)
            i += 1
        return out

    def in_piece(self, doc_pos: int) -> bool:
        """Whether document character ``doc_pos`` is prompt text."""
        k = bisect.bisect_right(self.doc_starts, doc_pos) - 1
        return any(
            self.doc_spans[j][0] <= doc_pos < self.doc_spans[j][1] for j in (k, k - 1) if j >= 0
        )


def map_edits(unit: PromptUnit, edits: list[TextEdit]) -> Mapped | None:
    """Document edits that carry out ``edits``, or None when they cannot.

    They cannot when a deletion would take part of an escape, or text that
    has no source (other than white space, which is then simply kept).
    """
    text = unit.text
    doc = unit.doc.text
    idx = _Index(unit)
    ranges: list[tuple[int, int]] = []
    deleted: set[int] = set()
    kept: list[int] = []
    holes: list[Hole] = []
    out: list[Edit] = []
    capital_dropped = False
    capitals: dict[int, str] = {}
    inserts: dict[int, str] = {}  # text offset -> words put in before it
    insert_at: dict[int, str] = {}  # document offset -> the same words
    for ed in edits:
        if ed.content and (ed.end - ed.start != 1 or len(ed.content) != 1):
            # Words put in place of ``text[start:end]`` (a rewrite): plain
            # words only, in front of a character copied verbatim.
            if not _PLAIN.fullmatch(ed.content) or ed.start in inserts:
                return None
            pieces = idx.overlapping(ed.start, ed.start + 1)
            p = idx.pieces[pieces[0]] if pieces else None
            if p is None or not p.exact:
                return None
            inserts[ed.start] = ed.content
            insert_at[p.doc_start + ed.start - p.text_start] = ed.content
            if ed.end > ed.start:
                got = _deletion(idx, ed.start, ed.end, text, doc)
                if got is None:
                    return None
                r, k, h = got
                if k or h:
                    return None  # words in place of a placeholder or of kept space
                deleted.update(range(ed.start, ed.end))
                ranges.extend(r)
            continue
        if ed.content:
            # A one-character replacement (a capital letter).
            pieces = idx.overlapping(ed.start, ed.end)
            p = idx.pieces[pieces[0]] if pieces else None
            if p is None or not p.exact or ed.end - ed.start != 1 or len(ed.content) != 1:
                capital_dropped = True
                continue
            d = p.doc_start + ed.start - p.text_start
            out.append(Edit(d, d + 1, ed.content))
            capitals[ed.start] = ed.content
            continue
        got = _deletion(idx, ed.start, ed.end, text, doc)
        if got is None:
            return None
        r, k, h = got
        kept.extend(k)
        holes.extend(h)
        keep = set(k)
        deleted.update(i for i in range(ed.start, ed.end) if i not in keep)
        ranges.extend(r)
    for a, b in _merge(ranges):
        out.append(Edit(a, b, insert_at.pop(a, "")))
    out.extend(Edit(d, d, words) for d, words in insert_at.items())
    out.sort(key=lambda e: (e.start, e.end))
    if any(x.end > y.start for x, y in itertools.pairwise(out)):
        return None
    # the text with the capitals put in and the deleted characters taken out
    parts: list[str] = []
    pos = 0
    for i in sorted(deleted | capitals.keys() | inserts.keys()):
        parts.append(text[pos:i])
        parts.append(inserts.get(i, ""))
        if i not in deleted and i in capitals:
            parts.append(capitals[i])
        pos = i + 1 if i in deleted or i in capitals else i
    parts.append(text[pos:])
    return Mapped(out, "".join(parts), holes, kept, capital_dropped)


def _deletion(
    idx: _Index, a: int, b: int, text: str, doc: str
) -> tuple[list[tuple[int, int]], list[int], list[Hole]] | None:
    ranges: list[tuple[int, int]] = []
    kept: list[int] = []
    holes: list[Hole] = []
    covered = [False] * (b - a)
    for i in idx.overlapping(a, b):
        p = idx.pieces[i]
        x, y = max(a, p.text_start), min(b, p.text_end)
        for j in range(x, y):
            covered[j - a] = True
        if p.exact:
            ranges.append((p.doc_start + x - p.text_start, p.doc_start + y - p.text_start))
        elif x == p.text_start and y == p.text_end:
            ranges.append((p.doc_start, p.doc_end))
        else:
            kept.extend(range(x, y))
    for j in range(a, b):
        if covered[j - a]:
            continue
        hole = idx.hole_at.get(j)
        if hole is not None:
            ranges.append((hole.doc_start, hole.doc_end))
            holes.append(hole)
        else:
            kept.append(j)
    if any(not text[j].isspace() for j in kept):
        return None
    if not ranges:
        return ranges, kept, holes
    ranges.sort()
    whole_lines = (a == 0 or text[a - 1] == "\n") and (b == len(text) or text[b - 1] == "\n")
    ranges = _take_indentation(idx, ranges, doc, lines=whole_lines, last=b >= len(text))
    return ranges, kept, holes


def _take_indentation(
    idx: _Index, ranges: list[tuple[int, int]], doc: str, *, lines: bool, last: bool
) -> list[tuple[int, int]]:
    """Also remove the layout that belonged to the removed text.

    White space that is not prompt text (YAML block indentation and folded
    line breaks, what ``dedent`` strips) goes when the text on both sides of
    it goes, and the indentation after a removed line break goes with it, so
    nothing is left doubled up in front of the next line. When the removed
    lines end the prompt, their own indentation goes instead.
    """
    filled = [ranges[0]]
    for s, e in ranges[1:]:
        ps, pe = filled[-1]
        gap = doc[pe:s]
        if not gap or (gap.isspace() and not any(idx.in_piece(j) for j in range(pe, s))):
            filled[-1] = (ps, max(pe, e))
        else:
            filled.append((s, e))
    end = filled[-1][1]
    if not last and end > 0 and doc[end - 1] in "\r\n":
        k = end
        while k < len(doc) and doc[k] in _HSPACE and not idx.in_piece(k):
            k += 1
        filled[-1] = (filled[-1][0], k)
    elif lines and last:
        s0 = filled[0][0]
        k = s0
        while k > 0 and doc[k - 1] in _HSPACE and not idx.in_piece(k - 1):
            k -= 1
        if k < s0 and (k == 0 or doc[k - 1] in "\r\n"):
            filled[0] = (k, filled[0][1])
    return filled


def _merge(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for s, e in sorted(ranges):
        if e <= s:
            continue
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def doc_boundary(unit: PromptUnit, pos: int, *, end: bool) -> int | None:
    """The document offset of a boundary between prompt characters.

    ``end`` asks for the boundary after character ``pos - 1``; otherwise the
    one before character ``pos``. None when that character has no exact
    source position (inside an escape the boundary is its edge).
    """
    idx = _Index(unit)
    c = pos - 1 if end else pos
    if c < 0 or c >= len(unit.text):
        return None
    hole = idx.hole_at.get(c)
    if hole is not None:
        return hole.doc_end if end else hole.doc_start
    pieces = idx.overlapping(c, c + 1)
    if not pieces:
        return None
    p = idx.pieces[pieces[0]]
    if p.exact:
        return p.doc_start + (c - p.text_start) + (1 if end else 0)
    return p.doc_end if end else p.doc_start
