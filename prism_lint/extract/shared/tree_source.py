"""What the Python and JavaScript/TypeScript sources share: a tree-sitter parse read in characters.

tree-sitter speaks UTF-8 bytes; everything after the parse speaks ``str``
offsets into ``Document.text``. Both code extractors map one to the other,
nest their scopes, fold their bindings and report the first syntax error in
the same way, so that is written once here and each language's source module
adds only what its grammar needs.
"""

from __future__ import annotations

import bisect
import operator
import re
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, ClassVar, Generic, TypeVar

from prism_lint.extract import ExtractError
from prism_lint.lines import LineIndex
from prism_lint.model import Document

Node = Any  # tree_sitter.Node; kept loose so importing this module stays cheap

_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


@lru_cache(maxsize=8)
def encode(text: str) -> tuple[bytes, list[int], list[int]]:
    """The UTF-8 bytes tree-sitter reads, and the tables that map its offsets back
    (shared: the extraction and each fix of a text read the same ones).

    ``starts`` holds the byte offset of each non-ASCII character, ``extra``
    the bytes beyond one per character counted up to and including it; both
    stay empty for ASCII text, where bytes and characters are the same.
    """
    starts: list[int] = []
    extra_list: list[int] = []
    if text.isascii():
        return text.encode("ascii"), starts, extra_list
    extra = 0
    for m in _NON_ASCII.finditer(text):
        base = m.start()
        run = m.group()
        top = max(run)
        # a run of one width (accented Latin, CJK) in two ranges; else char by char
        size = 2 if top < "\u0800" else 3 if top < "\U00010000" and min(run) >= "\u0800" else 0
        if size:
            first = base + extra
            starts.extend(range(first, first + size * len(run), size))
            extra_list.extend(range(extra + size - 1, extra + (size - 1) * len(run) + 1, size - 1))
            extra += (size - 1) * len(run)
            continue
        for j, ch in enumerate(run):
            o = ord(ch)
            size = 2 if o < 0x800 else 3 if o < 0x10000 else 4
            starts.append(base + j + extra)
            extra += size - 1
            extra_list.append(extra)
    return text.encode("utf-8", "surrogatepass"), starts, extra_list


@dataclass
class Binding:
    """One assignment to a name: ``=`` (declaration or assignment) or ``+=``."""

    pos: int  # byte offset of the statement, declarator or assignment
    op: str  # "=" or "+="
    value: Node | None
    stmt: Node


def fold_bindings(entries: list[Binding]) -> list[Binding]:
    """The last ``=`` binding and the ``+=`` bindings after it: what gives the value."""
    for i in range(len(entries) - 1, -1, -1):
        if entries[i].op == "=":
            return entries[i:]
    return entries


_POS = operator.attrgetter("pos")

F = TypeVar("F")


@dataclass
class TreeSource(Generic[F]):
    """A document, its tree, byte<->character offsets, rows and nested scopes,
    and the language's function records ``F`` by scope key."""

    doc: Document
    tree: Any
    lines: LineIndex
    _starts: list[int]
    _extra: list[int]
    # sorted scopes: (start byte, end byte, scope key, kind, parent index)
    _scope_starts: list[int] = field(default_factory=list)
    _scopes: list[tuple[int, int, int, str, int]] = field(default_factory=list)
    # the tree was parsed from the text's own UTF-8 bytes (nothing replaced):
    # a node's text can be read from them
    _exact: bool = True
    # (scope key, name) -> its assignments in that scope, in source order
    bindings: dict[tuple[int, str], list[Binding]] = field(default_factory=dict)
    _func_by_key: dict[int, F] = field(default_factory=dict)
    # whether a class body's own assignments are names inside that body
    # (Python); in JavaScript a member is only ever "this.name"
    class_body_names: ClassVar[bool] = False

    # -- offsets -----------------------------------------------------------

    def c(self, byte: int) -> int:
        """Character offset of a byte offset."""
        if not self._starts:
            return byte
        k = bisect.bisect_left(self._starts, byte)
        return byte - (self._extra[k - 1] if k else 0)

    def span(self, node: Node) -> tuple[int, int]:
        return self.c(node.start_byte), self.c(node.end_byte)

    def text(self, node: Node) -> str:
        if not self._starts:  # ASCII: bytes are characters
            return self.doc.text[node.start_byte : node.end_byte]
        if self._exact:  # the node's bytes, decoded: no offsets to map
            return node.text.decode("utf-8", "surrogatepass")  # type: ignore[no-any-return]
        a, b = self.span(node)
        return self.doc.text[a:b]

    def row(self, offset: int) -> int:
        return self.lines.location(offset).row

    def node_rows(self, node: Node) -> tuple[int, int]:
        a, b = self.span(node)
        return self.row(a), self.row(max(a, b - 1))

    # -- scopes ------------------------------------------------------------

    def nest_scopes(self, scopes: list[tuple[int, int, int, str]]) -> None:
        """Index ``scopes`` (sorted by start, outer first) with each one's parent."""
        stack: list[int] = []
        for i, (start, end, key, kind) in enumerate(scopes):
            while stack and scopes[stack[-1]][1] <= start:
                stack.pop()
            parent = stack[-1] if stack else -1
            self._scopes.append((start, end, key, kind, parent))
            self._scope_starts.append(start)
            stack.append(i)

    def scope_chain(self, byte: int) -> Iterator[tuple[int, str]]:
        """(scope key, kind) from the innermost scope holding ``byte`` out to the module."""
        # Scopes nest, so the innermost one holding ``byte`` is an ancestor of
        # (or is) the last scope that starts at or before it.
        k = bisect.bisect_right(self._scope_starts, byte) - 1
        while k >= 0:
            start, end, key, kind, parent = self._scopes[k]
            if start <= byte < end:
                yield key, kind
            k = parent
        yield -1, "module"

    def innermost_scope(self, byte: int) -> int:
        """The key of the innermost scope holding ``byte`` (-1: the module):
        the first of :meth:`scope_chain`, without a generator (every binding
        of a module asks it)."""
        k = bisect.bisect_right(self._scope_starts, byte) - 1
        scopes = self._scopes
        while k >= 0:
            start, end, key, _kind, parent = scopes[k]
            if start <= byte < end:
                return key
            k = parent
        return -1

    def function_at(self, byte: int) -> F | None:
        """The innermost function holding ``byte``, if any."""
        for key, kind in self.scope_chain(byte):
            if kind == "function":
                return self._func_by_key.get(key)
        return None

    def class_key_at(self, byte: int) -> int | None:
        for key, kind in self.scope_chain(byte):
            if kind == "class":
                return key
        return None

    # -- names -------------------------------------------------------------

    def params_of(self, key: int) -> Collection[str]:
        """The names the parameters of the function scope ``key`` bind."""
        return ()

    def lookup(self, name: str, byte: int) -> list[Binding] | str | None:
        """The bindings that give ``name`` its value at ``byte``.

        "param" for a parameter of an enclosing function; None when this file
        does not assign it; else the last ``=`` binding and the ``+=`` after
        it (in the innermost scope that assigns it, those before ``byte``).
        """
        innermost = True
        for key, kind in self.scope_chain(byte):
            if kind == "class" and not (innermost and self.class_body_names):
                continue
            if kind == "function" and name in self.params_of(key):
                return "param"
            entries = self.bindings.get((key, name))
            if entries:
                chosen = entries
                if innermost:
                    # entries are sorted by position: a module that assigns
                    # one name a thousand times is looked up as often
                    k = bisect.bisect_left(entries, byte, key=_POS)
                    chosen = entries[:k] if k else entries
                return fold_bindings(chosen)
            innermost = False
        return None


def first_error(root: Node, tolerated: Callable[[Node], bool] | None = None) -> Node | None:
    """The first ERROR or MISSING node, descending only where errors are;
    ``tolerated`` says which errors are the grammar's, not the file's."""
    stack = [root]
    while stack:
        node = stack.pop()
        if node.is_error or node.is_missing:
            if tolerated is None or not tolerated(node):
                return node
            continue
        if node.has_error:
            stack.extend(reversed(node.children))
    return None


def syntax_problem(
    src: TreeSource, near: str, bare: str, tolerated: Callable[[Node], bool] | None = None
) -> ExtractError | None:
    """One ``ExtractError`` at the first ERROR or MISSING node, if the tree has any.

    ``near`` is the message with ``{!r}`` for the start of the bad text, ``bare``
    the message when that text is blank; each language words its own.
    """
    root = src.tree.root_node
    if not root.has_error:
        return None
    node = first_error(root, tolerated)
    if node is None:
        return None
    start, end = src.span(node)
    loc = src.lines.location(start)
    if node.is_missing:
        message = f"syntax error: missing {node.type!r}"
    else:
        snippet = src.doc.text[start:end].strip().splitlines()
        text = snippet[0][:40] if snippet else ""
        message = near.format(text) if text else bare
    return ExtractError(message, loc.row, loc.column)
