"""YAML front matter between ``---`` lines (Prompty, Dotprompt).

The body's offset is found first, so a front matter that does not parse
costs its settings and one error, not the prompt below it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from yaml.nodes import MappingNode

from prism_lint.extract import Comment, ExtractError
from prism_lint.extract.shared.yaml_source import comments, compose, construct
from prism_lint.lines import LineIndex
from prism_lint.model import Document

_OPEN = re.compile(r"\ufeff?---[ \t]*(?:\r\n|\r|\n)")
_CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*(?:\r\n|\r|\n|\Z)", re.MULTILINE)


@dataclass
class FrontMatter:
    data: dict[str, Any] = field(default_factory=dict)
    body_start: int = 0  # where the template body starts in the document
    comments: list[Comment] = field(default_factory=list)
    present: bool = False


def read_front_matter(doc: Document, lines: LineIndex, problems: list[ExtractError]) -> FrontMatter:
    """Front matter of ``doc`` if it opens with ``---``; problems are appended.

    Raises ``ExtractError`` only when the front matter never closes (then
    nothing tells where the body starts).
    """
    text = doc.text
    opened = _OPEN.match(text)
    if opened is None:
        start = 1 if text.startswith("\ufeff") else 0
        return FrontMatter(body_start=start)
    closed = _CLOSE.search(text, opened.end())
    if closed is None:
        raise ExtractError("front matter opened with '---' is never closed by a '---' line", 1, 1)
    yaml_start, yaml_end = opened.end(), closed.start()
    fm = FrontMatter(body_start=closed.end(), present=True)
    try:
        roots, shift = compose(text[yaml_start:yaml_end], base=yaml_start, lines=lines)
    except ExtractError as exc:
        problems.append(ExtractError(f"front matter: {exc.message}", exc.row, exc.column))
        return fm
    fm.comments = comments(doc, lines, roots, shift, start=yaml_start, end=yaml_end)
    if not roots:
        return fm
    if len(roots) > 1 or not isinstance(roots[0], MappingNode):
        loc = lines.location(roots[0].start_mark.index + shift)
        problems.append(
            ExtractError(
                "front matter must be one YAML mapping (key: value lines)", loc.row, loc.column
            )
        )
        return fm
    data = construct(roots[0])
    if isinstance(data, dict):
        fm.data = data
    return fm
