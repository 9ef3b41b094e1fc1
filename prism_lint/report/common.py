"""Facts every reporter needs about a diagnostic, computed one way."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache

from prism_lint.lines import LineIndex
from prism_lint.model import Diagnostic, Document, Location
from prism_lint.rules import DOCS_URL

_INDEXES: dict[int, tuple[Document, LineIndex]] = {}


def index(doc: Document) -> LineIndex:
    entry = _INDEXES.get(id(doc))
    if entry is None or entry[0] is not doc:
        entry = (doc, LineIndex(doc.text))
        _INDEXES[id(doc)] = entry
    return entry[1]


@dataclass(frozen=True)
class Span:
    start: Location
    end: Location


def span(d: Diagnostic) -> Span:
    idx = index(d.doc)
    return Span(idx.location(d.start), idx.location(d.end))


def edit_span(doc: Document, start: int, end: int) -> Span:
    idx = index(doc)
    return Span(idx.location(start), idx.location(end))


def url(code: str) -> str:
    return DOCS_URL.format(code=code.lower())


@lru_cache(maxsize=4096)
def absolute(path: str) -> str:
    return path if path == "-" else os.path.abspath(path)


def fix_label(d: Diagnostic, unsafe: bool) -> str:
    if d.fix is None:
        return ""
    if d.fix.applicability == "safe" or unsafe:
        return "[*] "
    return ""
