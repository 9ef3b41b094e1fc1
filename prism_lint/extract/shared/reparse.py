"""Parse an edited text from the tree of the text it was edited from.

The editor checks a file again on every keystroke, and parsing a large
module from nothing is the longest single step of that (9 ms for a
2,300-line file). tree-sitter re-reads only what an edit touched when it is
told where the edit was: the previous parse is kept, and a text that shares
most of its bytes with the previous one is parsed from it. The same holds
for a fix read back (the file with one persona removed).

tree-sitter builds the same tree either way. Its error recovery is the one
place where a reused tree could steer it elsewhere, so a tree with a syntax
error on either side of the edit is parsed from nothing.
"""

from __future__ import annotations

from typing import Any

from prism_lint.extract.shared import bounded

MIN_SIZE = 4096  # bytes; a smaller text parses from nothing in microseconds


class Reparser:
    """A tree-sitter parser that remembers its last tree (one thread's)."""

    def __init__(self, parser: Any) -> None:
        self._parser = parser
        self._last: tuple[bytes, Any] | None = None

    def parse(self, data: bytes) -> Any:
        tree = None
        if self._last is not None and len(data) >= MIN_SIZE:
            tree = self._from_last(data, *self._last)
        if tree is None:
            tree = bounded.parse(self._parser, data)
        self._last = (data, tree)
        return tree

    def _from_last(self, data: bytes, old: bytes, old_tree: Any) -> Any:
        if old == data:
            return old_tree
        if old_tree.root_node.has_error:
            return None
        edit = changed_span(old, data)
        if edit is None:
            return None
        start, old_end, new_end = edit
        tree = old_tree.copy()  # the old tree may still be read: edit a copy
        tree.edit(
            start_byte=start,
            old_end_byte=old_end,
            new_end_byte=new_end,
            start_point=point(old, start),
            old_end_point=point(old, old_end),
            new_end_point=point(data, new_end),
        )
        new_tree = bounded.parse(self._parser, data, tree)
        if new_tree is None or new_tree.root_node.has_error:
            return None
        return new_tree


def changed_span(old: bytes, new: bytes) -> tuple[int, int, int] | None:
    """(start, end in ``old``, end in ``new``) of the one edit that turns
    ``old`` into ``new``, on UTF-8 character boundaries; None when the two
    share less than half of ``new`` (another text, not an edit of it)."""
    start = _common_prefix(old, new)
    suffix = _common_suffix(old, new, min(len(old), len(new)) - start)
    if 2 * (start + suffix) < len(new):
        return None
    old_end, new_end = len(old) - suffix, len(new) - suffix
    while start > 0 and _continuation(new, start):
        start -= 1
    while new_end < len(new) and _continuation(new, new_end):
        new_end += 1
        old_end += 1
    return start, old_end, new_end


def _continuation(data: bytes, at: int) -> bool:
    return at < len(data) and data[at] & 0xC0 == 0x80


def _common_prefix(a: bytes, b: bytes) -> int:
    """Length of the longest common prefix, by bisection over slices
    (each comparison runs in C)."""
    lo, hi = 0, min(len(a), len(b))
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[:mid] == b[:mid]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _common_suffix(a: bytes, b: bytes, limit: int) -> int:
    """Length of the longest common suffix, at most ``limit``."""
    lo, hi = 0, max(0, limit)
    la, lb = len(a), len(b)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[la - mid :] == b[lb - mid :]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def point(data: bytes, offset: int) -> tuple[int, int]:
    """tree-sitter's (row, byte column) of a byte offset."""
    row = data.count(b"\n", 0, offset)
    return row, offset - (data.rfind(b"\n", 0, offset) + 1)
