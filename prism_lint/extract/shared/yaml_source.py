"""YAML read with positions: node trees, clear errors and comments.

Shared by the YAML extractor and the front matter of Prompty and Dotprompt
files. Uses libyaml when PyYAML was built with it (much faster on large
files); its marks count characters, as PyYAML's own do, except that it does
not count a leading byte-order mark, which is stripped here and added back.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from prism_lint.extract import Comment, ExtractError
from prism_lint.lines import LineIndex
from prism_lint.model import Document

_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
STR_TAG = "tag:yaml.org,2002:str"
_MERGE_TAG = "tag:yaml.org,2002:merge"
_COMMENT_START = re.compile(r"(?:^|(?<=[ \t\r]))#", re.MULTILINE)


def compose(text: str, *, base: int = 0, lines: LineIndex | None = None) -> tuple[list[Node], int]:
    """Node trees of every document in ``text``, and the index shift.

    ``text`` may be a part of a document that starts at ``base``; errors
    are raised as ``ExtractError`` with rows and columns in the whole
    document (``lines``).
    """
    shift = 1 if text.startswith("\ufeff") else 0
    try:
        roots = [
            root for root in yaml.compose_all(text[shift:], Loader=_LOADER) if root is not None
        ]
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        offset = base + shift + (mark.index if mark is not None else 0)
        row, column = _row_column(lines, offset, mark)
        problem = exc.problem or exc.context or "cannot be parsed"
        context = f" ({exc.context})" if exc.context and exc.problem else ""
        raise ExtractError(f"invalid YAML: {problem}{context}", row, column) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "mark", None) or getattr(exc, "problem_mark", None)
        offset = base + shift + (getattr(mark, "index", 0) or 0)
        row, column = _row_column(lines, offset, mark)
        raise ExtractError(f"invalid YAML: {exc}".splitlines()[0], row, column) from None
    except UnicodeError as exc:
        raise ExtractError(f"invalid YAML: cannot read the text ({exc})") from None
    except RecursionError:
        raise ExtractError("invalid YAML: nested too deeply to read") from None
    if "&" in text and "*" in text and expanded_size(roots) > MAX_EXPANDED_NODES:
        raise ExtractError(
            f"YAML aliases expand to more than {MAX_EXPANDED_NODES:,} nodes "
            "(an alias bomb); not read"
        ) from None
    return roots, shift + base


# What a document's aliases may expand to: far above any real prompt file,
# far below the billions a few lines of nested aliases ask for.
MAX_EXPANDED_NODES = 200_000


def expanded_size(roots: list[Node]) -> int:
    """How many nodes the documents hold once every alias is expanded, as
    loading them would build; stops counting past the limit. A node that
    holds itself counts once (loading builds a cycle, not a copy)."""
    sizes: dict[int, int] = {}
    total = 0
    for root in roots:
        stack: list[tuple[Node, bool]] = [(root, False)]
        while stack:
            node, done = stack.pop()
            key = id(node)
            if done:
                children = _children(node)
                size = 1 + sum(sizes.get(id(c), 1) for c in children)
                sizes[key] = min(size, MAX_EXPANDED_NODES + 1)
                continue
            if key in sizes:
                continue
            sizes[key] = 1  # in progress: a cycle back to it counts once
            stack.append((node, True))
            stack.extend((c, False) for c in _children(node) if id(c) not in sizes)
        total += sizes[id(root)]
        if total > MAX_EXPANDED_NODES:
            break
    return total


def _children(node: Node) -> list[Node]:
    if isinstance(node, MappingNode):
        return [n for pair in node.value for n in pair]
    if isinstance(node, SequenceNode):
        return list(node.value)
    return []


def _row_column(lines: LineIndex | None, offset: int, mark: Any) -> tuple[int, int]:
    if lines is not None:
        loc = lines.location(offset)
        return loc.row, loc.column
    if mark is not None:
        return mark.line + 1, mark.column + 1
    return 1, 1


def walk(roots: list[Node]) -> Iterator[Node]:
    """Every node once (aliases and recursive structures visited once)."""
    seen: set[int] = set()
    stack: list[Node] = list(reversed(roots))
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        yield node
        if isinstance(node, MappingNode):
            for key, value in reversed(node.value):
                stack.append(value)
                stack.append(key)
        elif isinstance(node, SequenceNode):
            stack.extend(reversed(node.value))


def mapping(node: MappingNode) -> dict[str, tuple[ScalarNode, Node]]:
    """Scalar keys to (key node, value node), merge keys (``<<``) applied."""
    out: dict[str, tuple[ScalarNode, Node]] = {}
    merged: list[MappingNode] = []
    for key, value in node.value:
        if not isinstance(key, ScalarNode):
            continue
        if key.tag == _MERGE_TAG:
            if isinstance(value, MappingNode):
                merged.append(value)
            elif isinstance(value, SequenceNode):
                merged.extend(v for v in value.value if isinstance(v, MappingNode))
            continue
        out[key.value] = (key, value)
    for other in merged:
        for key, value in other.value:
            if isinstance(key, ScalarNode) and key.tag != _MERGE_TAG:
                out.setdefault(key.value, (key, value))
    return out


def is_str(node: Node | None) -> bool:
    return isinstance(node, ScalarNode) and node.tag == STR_TAG


def str_value(node: Node | None) -> str | None:
    return node.value if isinstance(node, ScalarNode) and node.tag == STR_TAG else None


def construct(node: Node) -> Any:
    """The Python value ``yaml.safe_load`` would give for ``node``."""
    try:
        return yaml.SafeLoader("").construct_document(node)
    except (yaml.YAMLError, RecursionError, ValueError, TypeError, OverflowError):
        return None


def comments(
    doc: Document,
    lines: LineIndex,
    roots: list[Node],
    shift: int,
    *,
    start: int = 0,
    end: int | None = None,
) -> list[Comment]:
    """``#`` comments in ``doc.text[start:end]``, outside every scalar.

    A ``#`` is a comment only at a line start or after white space, and never
    inside a scalar: quoted and plain scalars are skipped by their spans,
    block scalars from the line after their header (the header line may end
    in a comment of its own).
    """
    text = doc.text
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    for node in walk(roots):
        if not isinstance(node, ScalarNode):
            continue
        a = node.start_mark.index + shift
        b = node.end_mark.index + shift
        if node.style in ("|", ">"):
            nl = _next_break(text, a, b)
            a = nl
        if b > a:
            spans.append((a, b))
    spans.sort()
    starts = [s for s, _ in spans]
    out: list[Comment] = []
    for m in _COMMENT_START.finditer(text, start, end):
        pos = m.start()
        i = bisect.bisect_right(starts, pos) - 1
        if i >= 0 and spans[i][0] <= pos < spans[i][1]:
            continue
        line_end = _next_break(text, pos, end)
        loc = lines.location(pos)
        own = text[lines.line_start(loc.row) : pos].strip() == ""
        out.append(Comment(doc, loc.row, text[pos + 1 : line_end].strip(), own))
    return out


def _next_break(text: str, pos: int, end: int) -> int:
    for i in range(pos, end):
        if text[i] in "\r\n":
            return i
    return end


def node_span(node: Node, shift: int) -> tuple[int, int]:
    return node.start_mark.index + shift, node.end_mark.index + shift


def last_char(text: str, node: Node, shift: int) -> int:
    """Offset of the node's last non-blank character (block scalars end late)."""
    a, b = node_span(node, shift)
    i = min(b, len(text)) - 1
    while i > a and text[i] in " \t\r\n":
        i -= 1
    return max(a, i)
