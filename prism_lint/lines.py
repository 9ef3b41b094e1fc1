"""Offsets to rows and columns, splitting lines only on \\n, \\r\\n and \\r.

``str.splitlines`` also breaks on U+2028, form feeds and friends; editors,
LSP and ruff do not, and prompts do contain such characters.
"""

from __future__ import annotations

import bisect
import re
from functools import lru_cache
from itertools import accumulate, repeat
from operator import add

from prism_lint.model import Location

_NEWLINE = re.compile(r"\r\n|\r|\n")


class LineIndex:
    __slots__ = ("starts", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        if "\r" in text:
            self.starts = [0] + [m.end() for m in _NEWLINE.finditer(text)]
        else:  # the common case, in C: each line's length plus its break
            lengths = map(len, text.split("\n"))
            self.starts = list(accumulate(map(add, lengths, repeat(1)), initial=0))[:-1]

    def location(self, offset: int) -> Location:
        offset = max(0, min(offset, len(self.text)))
        row = bisect.bisect_right(self.starts, offset) - 1
        return Location(row + 1, offset - self.starts[row] + 1)

    def offset(self, row: int, column: int) -> int:
        """Inverse of :meth:`location` (1-based row and column)."""
        row = max(1, min(row, len(self.starts)))
        return min(self.starts[row - 1] + column - 1, len(self.text))

    def line_start(self, row: int) -> int:
        return self.starts[max(0, min(row, len(self.starts)) - 1)]

    def line_text(self, row: int) -> str:
        """The row's text without its line break."""
        start = self.line_start(row)
        end = self.starts[row] if row < len(self.starts) else len(self.text)
        return self.text[start:end].rstrip("\r\n")

    @property
    def rows(self) -> int:
        return len(self.starts)


@lru_cache(maxsize=8)
def line_index(text: str) -> LineIndex:
    """The index of ``text``, built once: the extractor and the rules (and
    each fix) of a file read the same rows."""
    return LineIndex(text)
