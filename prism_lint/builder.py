"""Assemble a prompt's text from source pieces while recording the map back."""

from __future__ import annotations

from prism_lint.model import HOLE, Hole, Piece


class TextBuilder:
    """Append literal runs, decoded escapes and holes; keep the source map.

    Every extractor builds its units through this, so the map from prompt
    characters to document offsets is made the same way for every format.
    """

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._len = 0
        self.pieces: list[Piece] = []
        self.holes: list[Hole] = []

    def literal(self, text: str, doc_start: int) -> None:
        """Text copied verbatim from ``doc[doc_start:doc_start+len(text)]``."""
        if not text:
            return
        self._push(text)
        last = self.pieces[-1] if self.pieces else None
        if (
            last is not None
            and last.exact
            and last.text_end == self._len - len(text)
            and last.doc_end == doc_start
        ):
            self.pieces[-1] = Piece(
                last.text_start, self._len, last.doc_start, doc_start + len(text)
            )
        else:
            self.pieces.append(
                Piece(self._len - len(text), self._len, doc_start, doc_start + len(text))
            )

    def decoded(self, text: str, doc_start: int, doc_end: int) -> None:
        """Text that stands for the source span as a whole (an escape)."""
        if not text:
            return
        self._push(text)
        self.pieces.append(Piece(self._len - len(text), self._len, doc_start, doc_end, exact=False))

    def hole(self, source: str, doc_start: int, doc_end: int) -> None:
        self.holes.append(Hole(self._len, doc_start, doc_end, source))
        self._push(HOLE)

    def separator(self, text: str = "\n") -> None:
        """Text the model sees between parts that has no source (e.g. join)."""
        self._push(text)

    def _push(self, text: str) -> None:
        self._parts.append(text)
        self._len += len(text)

    @property
    def text(self) -> str:
        return "".join(self._parts)

    def __len__(self) -> int:
        return self._len
