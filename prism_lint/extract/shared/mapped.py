"""Text decoded from a document, with a map of every character back to it.

A YAML scalar, a template body with its line breaks normalised, or several
such values joined: each is a ``MappedText``. Template tokenisers work on its
``text`` and the map turns their spans into document offsets, so no format
has to re-derive positions.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from prism_lint.builder import TextBuilder

# doc_start of a segment that has no source (a separator inserted by a join).
NO_SOURCE = -1


@dataclass(frozen=True)
class Seg:
    """``text[start:end]`` came from ``doc[doc_start:doc_end]``.

    ``exact`` runs are verbatim copies; other runs (an escape, a folded line
    break) stand for their source span as a whole.
    """

    start: int
    end: int
    doc_start: int
    doc_end: int
    exact: bool = True

    @property
    def separator(self) -> bool:
        return self.doc_start == NO_SOURCE


class MapBuilder:
    """Accumulate text and segments; merges adjacent exact runs."""

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._len = 0
        self.segs: list[Seg] = []

    def literal(self, text: str, doc_start: int) -> None:
        if not text:
            return
        n = len(text)
        last = self.segs[-1] if self.segs else None
        if (
            last is not None
            and last.exact
            and not last.separator
            and last.end == self._len
            and last.doc_end == doc_start
        ):
            self.segs[-1] = Seg(last.start, self._len + n, last.doc_start, doc_start + n)
        else:
            self.segs.append(Seg(self._len, self._len + n, doc_start, doc_start + n))
        self._push(text)

    def decoded(self, text: str, doc_start: int, doc_end: int) -> None:
        if not text:
            return
        self.segs.append(Seg(self._len, self._len + len(text), doc_start, doc_end, exact=False))
        self._push(text)

    def separator(self, text: str) -> None:
        if not text:
            return
        self.segs.append(Seg(self._len, self._len + len(text), NO_SOURCE, NO_SOURCE, False))
        self._push(text)

    def append(self, other: MappedText) -> None:
        for seg in other.segs:
            part = other.text[seg.start : seg.end]
            if seg.separator:
                self.separator(part)
            elif seg.exact:
                self.literal(part, seg.doc_start)
            else:
                self.decoded(part, seg.doc_start, seg.doc_end)

    def _push(self, text: str) -> None:
        self._parts.append(text)
        self._len += len(text)

    def build(self) -> MappedText:
        return MappedText("".join(self._parts), self.segs)


class MappedText:
    """``text`` plus ``segs`` covering it in order, without gaps."""

    __slots__ = ("_starts", "segs", "text")

    def __init__(self, text: str, segs: list[Seg]) -> None:
        self.text = text
        self.segs = segs
        self._starts = [s.start for s in segs]

    @classmethod
    def identity(cls, text: str, doc_start: int = 0) -> MappedText:
        """``text`` copied verbatim from the document at ``doc_start``."""
        segs = [Seg(0, len(text), doc_start, doc_start + len(text))] if text else []
        return cls(text, segs)

    @classmethod
    def glued(cls, parts: list[MappedText], glues: list[str]) -> MappedText:
        """``glues[i]`` (text with no source) goes before ``parts[i]``; parts are
        set inline, so the line break that ends a block scalar is dropped."""
        out = MapBuilder()
        for i, (glue, part) in enumerate(zip(glues, parts, strict=True)):
            if glue:
                out.separator(glue)
            out.append(part if i == len(parts) - 1 else part.head(len(part.text.rstrip())))
        return out.build()

    def head(self, n: int) -> MappedText:
        """The first ``n`` characters, with their map."""
        if n >= len(self.text):
            return self
        segs = []
        for seg in self.segs:
            if seg.start >= n:
                break
            if seg.end <= n:
                segs.append(seg)
            elif seg.exact and not seg.separator:
                cut = n - seg.start
                segs.append(Seg(seg.start, n, seg.doc_start, seg.doc_start + cut, True))
            else:
                segs.append(Seg(seg.start, n, seg.doc_start, seg.doc_end, seg.exact))
        return MappedText(self.text[:n], segs)

    @classmethod
    def join(cls, parts: list[MappedText], sep: str) -> MappedText:
        out = MapBuilder()
        for i, part in enumerate(parts):
            if i:
                out.separator(sep)
            out.append(part)
        return out.build()

    def _seg_index(self, offset: int) -> int:
        return max(0, bisect.bisect_right(self._starts, offset) - 1)

    def doc_pos(self, offset: int, *, end: bool = False) -> int:
        """Document offset of the boundary before text ``offset``.

        With ``end``, the boundary after character ``offset - 1``: the end of
        a half-open range. Separators map to the nearest real neighbour.
        """
        if not self.segs or not self.text:
            return self.segs[0].doc_start if self.segs else 0
        n = len(self.text)
        if not end and offset >= n:
            return self.doc_pos(n, end=True)
        if end and offset <= 0:
            return self.doc_pos(0)
        c = min(offset - 1, n - 1) if end else max(0, offset)
        i = self._seg_index(c)
        seg = self.segs[i]
        if seg.separator:
            return self._beside(i, forward=not end)
        if seg.exact:
            return seg.doc_start + (c - seg.start) + (1 if end else 0)
        return seg.doc_end if end else seg.doc_start

    def _beside(self, i: int, *, forward: bool) -> int:
        order = [*range(i + 1, len(self.segs)), *range(i - 1, -1, -1)]
        if not forward:
            order = [*range(i - 1, -1, -1), *range(i + 1, len(self.segs))]
        for j in order:
            seg = self.segs[j]
            if not seg.separator:
                return seg.doc_start if j > i else seg.doc_end
        return 0

    def doc_range(self, start: int, end: int) -> tuple[int, int]:
        """Document span of ``text[start:end]``."""
        a = self.doc_pos(start)
        b = self.doc_pos(end, end=True) if end > start else a
        return (a, max(a, b))

    def emit(self, builder: TextBuilder, start: int, end: int) -> None:
        """Append ``text[start:end]`` to ``builder`` with its source map."""
        if end <= start or not self.segs:
            return
        i = self._seg_index(start)
        while i < len(self.segs):
            seg = self.segs[i]
            if seg.start >= end:
                break
            a = max(start, seg.start)
            b = min(end, seg.end)
            if a < b:
                part = self.text[a:b]
                if seg.separator:
                    builder.separator(part)
                elif seg.exact:
                    builder.literal(part, seg.doc_start + (a - seg.start))
                else:
                    builder.decoded(part, seg.doc_start, seg.doc_end)
            i += 1

    def normalized_newlines(self) -> MappedText:
        """``\\r\\n`` and ``\\r`` as ``\\n``, as template engines read them."""
        if "\r" not in self.text:
            return self
        out = MapBuilder()
        for seg in self.segs:
            part = self.text[seg.start : seg.end]
            if seg.separator:
                out.separator(part.replace("\r\n", "\n").replace("\r", "\n"))
                continue
            if not seg.exact:
                out.decoded(
                    part.replace("\r\n", "\n").replace("\r", "\n"), seg.doc_start, seg.doc_end
                )
                continue
            i = 0
            while i < len(part):
                j = part.find("\r", i)
                if j < 0:
                    out.literal(part[i:], seg.doc_start + i)
                    break
                out.literal(part[i:j], seg.doc_start + i)
                width = 2 if part.startswith("\r\n", j) else 1
                out.decoded("\n", seg.doc_start + j, seg.doc_start + j + width)
                i = j + width
        return out.build()
