"""Facts every reporter needs about a diagnostic, computed one way."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from prism_lint.formats import cell_positions
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
    """A diagnostic's start and end, as rows and columns."""

    start: Location
    end: Location


def span(d: Diagnostic) -> Span:
    idx = index(d.doc)
    return Span(idx.location(d.start), idx.location(d.end))


def file_span(d: Diagnostic) -> tuple[Span, bool]:
    """The span in the file on disk, and whether it is one. For a notebook
    cell that is the JSON text holding the cell's source (CI annotations are
    drawn on the file); where the notebook cannot be read again (stdin, a
    file since changed), the cell's own lines, and False."""
    if d.doc.cell is None:
        return span(d), True
    positions = cell_positions(d.path)
    if positions is None:
        return span(d), False
    try:
        raw = _raw_text(d.path)
        now = _cell_text(d.path, d.doc.cell)  # magics are blanked in the checked text
        if len(now) != len(d.doc.text) or now[d.start : d.end] != d.doc.text[d.start : d.end]:
            return span(d), False  # the file changed since it was checked
        idx = _raw_index(d.path)
        return Span(
            idx.location(positions.file_position(raw, d.doc.cell, d.start)),
            idx.location(positions.file_end_position(raw, d.doc.cell, d.start, d.end)),
        ), True
    except (OSError, UnicodeDecodeError, ValueError, IndexError):
        return span(d), False


@lru_cache(maxsize=64)
def _cell_text(path: str, cell: int) -> str:
    positions = cell_positions(path)
    if positions is None:
        raise ValueError(f"{path}: no cells")
    return str(positions.cell_source(_raw_text(path), cell))


@lru_cache(maxsize=8)
def _raw_text(path: str) -> str:
    with open(path, encoding="utf-8-sig") as fh:
        return fh.read()


@lru_cache(maxsize=8)
def _raw_index(path: str) -> LineIndex:
    return LineIndex(_raw_text(path))


def edit_span(doc: Document, start: int, end: int) -> Span:
    idx = index(doc)
    return Span(idx.location(start), idx.location(end))


def url(code: str) -> str:
    return DOCS_URL.format(code=code.lower())


@lru_cache(maxsize=4096)
def absolute(path: str) -> str:
    return path if path == "-" else os.path.abspath(path)


def fix_label(d: Diagnostic, unsafe: bool, planned: bool = False) -> str:
    if d.fix is None:
        return ""
    if d.fix.listed(planned) == "safe" or unsafe:
        return "[*] "
    return ""


def source_root() -> str:
    """Where repository-relative paths start: the checkout under GitHub
    Actions (so a run from a subdirectory still points at the right file),
    else the working directory."""
    return os.environ.get("GITHUB_WORKSPACE") or os.getcwd()


def relative_path(path: str, base: str | None = None) -> str:
    """``path`` relative to ``base`` (default: :func:`source_root`) with
    forward slashes, or absolute when it lies outside."""
    if path == "-":
        return path
    base = os.path.abspath(base or source_root())
    full = os.path.abspath(path)
    try:
        rel = os.path.relpath(full, base)
    except ValueError:  # another drive on Windows
        return Path(full).as_posix()
    if rel == ".." or rel.startswith(".." + os.sep):
        return Path(full).as_posix()
    return Path(rel).as_posix()
