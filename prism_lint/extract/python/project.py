"""The project's table, learned from its Python modules read one by one.

A module that calls a wrapper defined in another module passes its prompts
through it: reading every module of the project first (here) tells the
extractor which names do (:mod:`prism_lint.extract.python.flow`).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import Any

from prism_lint.extract import ExtractOptions
from prism_lint.extract.python.extractor import finder_of
from prism_lint.extract.python.flow import Table, _learn, calls_wrapper
from prism_lint.extract.python.source import parse
from prism_lint.model import Document
from prism_lint.reading import project_root, read_file

MAX_FILES = 4000  # modules a project table is learned from
MAX_BYTES = 512 * 1024  # larger modules are generated or vendored: not learned from
_CHUNK = 32  # modules per task when a pool learns them


def learn_project(paths: list[str], mapper: Callable[..., Iterable[Any]] = map) -> Table:
    """The table of a project's Python modules: their wrappers first, then the
    names that reach their calls and those of the wrappers. Reads only the
    files given (a walk of the project found them), each at most
    :data:`MAX_BYTES`, at most :data:`MAX_FILES` of them; nothing is run.
    ``mapper``: ``map``, or a process pool's, which reads chunks of files in
    its workers."""
    paths = paths[:MAX_FILES]
    chunks = [paths[i : i + _CHUNK] for i in range(0, len(paths), _CHUNK)]
    table = Table()
    firsts: list[tuple[str, Table, frozenset[str]]] = []
    for part in mapper(functools.partial(_learn_chunk, known=None), chunks):
        for path, own, called in part:
            table.merge(own)
            firsts.append((path, own, called))
    found = table.resolved()
    if found.wrappers:
        # the modules that call a wrapper of another module: what they pass reaches a call
        again = [path for path, own, _called in firsts if calls_wrapper(own, found)]
        chunks = [again[i : i + _CHUNK] for i in range(0, len(again), _CHUNK)]
        for part in mapper(functools.partial(_learn_chunk, known=found), chunks):
            for _path, own, _called in part:
                table.merge(Table(sinks=own.sinks))
    return table.resolved()


def _learn_chunk(paths: list[str], known: Table | None) -> list[tuple[str, Table, frozenset[str]]]:
    out = []
    for path in paths:
        text = _read(path)
        if text is None:
            continue
        found = learn_text(path, text, known)
        if found is not None:
            out.append((path, found[0], frozenset(found[1])))
    return out


def _read(path: str) -> str | None:
    """A module's text: a regular file inside the project (a link leaving it,
    a FIFO or a device is not read), at most :data:`MAX_BYTES`."""
    try:
        data = read_file(path, lambda: project_root(path), MAX_BYTES)
    except OSError:
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


def learn_text(path: str, text: str, known: Table | None) -> tuple[Table, set[str]] | None:
    """One module's table and callees, from its calls and definitions alone
    (no prompt is analysed); None when it does not parse."""
    try:
        return _learn(finder_of(parse(Document(path, text)), ExtractOptions()), known)
    except (ValueError, UnicodeError, RecursionError):
        return None
