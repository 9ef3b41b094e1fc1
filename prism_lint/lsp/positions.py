"""LSP positions <-> ``str`` offsets, in the encoding the client negotiated.

Lines are split by :class:`~prism_lint.lines.LineIndex` (``\\n``, ``\\r\\n``,
``\\r`` only), as LSP counts them: U+2028 or a form feed inside a prompt is
not a line break here, whatever ``str.splitlines`` says.
"""

from __future__ import annotations

from dataclasses import dataclass

from prism_lint.lines import LineIndex

UTF8, UTF16, UTF32 = "utf-8", "utf-16", "utf-32"


def units(text: str, encoding: str) -> int:
    """Length of ``text`` in the encoding's code units."""
    if encoding == UTF32 or text.isascii():
        return len(text)
    if encoding == UTF8:
        return len(text.encode("utf-8", "surrogatepass"))
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _char_units(ch: str, encoding: str) -> int:
    code = ord(ch)
    if encoding == UTF8:
        return 1 if code < 0x80 else 2 if code < 0x800 else 3 if code < 0x10000 else 4
    if encoding == UTF16:
        return 2 if code > 0xFFFF else 1
    return 1


@dataclass(frozen=True)
class Pos:
    """A zero-based LSP position."""

    line: int
    character: int


class PositionMap:
    """Converts between offsets into one text and LSP positions."""

    __slots__ = ("encoding", "index")

    def __init__(self, text: str, encoding: str = UTF16, index: LineIndex | None = None) -> None:
        self.index = index if index is not None else LineIndex(text)
        self.encoding = encoding

    def position(self, offset: int) -> Pos:
        loc = self.index.location(offset)
        start = self.index.line_start(loc.row)
        prefix = self.index.text[start : start + loc.column - 1]
        return Pos(loc.row - 1, units(prefix, self.encoding))

    def offset(self, pos: Pos | tuple[int, int]) -> int:
        """The offset of a client position; past the end of a line means its end."""
        line, character = (pos.line, pos.character) if isinstance(pos, Pos) else pos
        if line < 0:
            return 0
        if line >= self.index.rows:
            return len(self.index.text)
        start = self.index.line_start(line + 1)
        text = self.index.line_text(line + 1)
        if self.encoding == UTF32 or text.isascii():
            return start + max(0, min(character, len(text)))
        seen = 0
        for i, ch in enumerate(text):
            if seen >= character:
                return start + i
            seen += _char_units(ch, self.encoding)
        return start + len(text)
