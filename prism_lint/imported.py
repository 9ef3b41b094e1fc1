"""The project modules that checked modules import, read for their definitions.

The first pass leaves out a module with no persona cue, but such a module
may hold the project's wrapper (``def ask(system, question, model)``) or a
name another module sends: a prompt given to ``ask`` in a kept module then
loses its roles and its model. The modules the run checks in full record
which project names they call or send (``Table.imports``); this module finds
those modules among the run's own files (a walk found them, so they are
inside the project and not excluded) and reads them the cheap way, for what
they teach the project's table and nothing else: no analysis, no rules.

The other way round, a module left out that imports a constant (``from
consts import REFLECTION``) and may send a prompt (its cheap reading, done
with the first pass: :func:`imported_constants`) is read the same way when
a checked module defines that constant: what it sends is then known, and
the checked module reads its constant as the prompt it is.

One hop only: a wrapper of a wrapper defined in yet another left-out module
is not followed. A module outside the run's files (a pre-commit run names
only the changed ones) is not read.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from prism_lint.formats import BY_KIND

if TYPE_CHECKING:
    from prism_lint.discovery import Target
    from prism_lint.extract.python.flow import Table

MAX_BYTES = 512 * 1024  # larger modules are generated or vendored: not read
MAX_MODULES = 2000  # modules one run reads for their definitions
_TAIL = 3  # trailing path parts a module is found by (``pkg/sub/llm``)
_NEAREST = 2  # modules of one name taken, nearest the importer first
# The formats' own suffixes (``.py`` first: a stub's signatures wrap nothing).
_PY_SUFFIXES = BY_KIND["python"].suffixes
_JS_SUFFIXES = BY_KIND["javascript"].suffixes
_JS_ALIASES = ("@/", "~/", "#", "src/")
JS = "js:"  # JavaScript's names in a table (javascript.flow.JS; its import costs a run)
# What a module that sends a prompt holds: a cheap test before its imports are read.
_SENDS = (b"messages", b"prompt", b"backstory", b"instructions")
# Unanchored, so that the engine looks for "from" with its fast literal
# search; :func:`_from_imports` keeps the matches at a line's start (a
# ``^`` in MULTILINE mode is tried at every byte, five times slower).
_FROM_IMPORT = re.compile(rb"from[ \t]+([\w.]+)[ \t]+import[ \t]*(?:\(([^)]{0,2000})\)|([^\n]*))")
_CONSTANT = re.compile(rb"\b[A-Z][A-Z0-9_]{2,}\b")
_HEAD = 8192  # bytes of a module its imports are looked for in
_MAX_CONSTANTS = 32
# Stamp of the bytes read: size, (mtime_ns, ctime_ns, inode), digest.
Read = tuple[int, tuple[int, int, int], bytes]


class ModuleIndex:
    """The run's Python and JavaScript files by the last part of their module
    name (``llm`` for ``pkg/llm.py``, ``pkg/llm/__init__.py``, ``lib/llm.ts``)."""

    def __init__(self, targets: Iterable[Target]) -> None:
        self.kind: dict[str, str] = {}  # normalised path -> its kind
        self.shown: dict[str, str] = {}  # normalised path -> the path as the run shows it
        # (kind, last part) -> the module's path parts, and its normalised path
        self.stems: dict[tuple[str, str], list[tuple[tuple[str, ...], str]]] = {}
        for t in targets:
            kind = t.kind
            if kind != "python" and kind != "javascript":
                continue
            norm = os.path.normpath(t.path)
            self.kind[norm] = kind
            self.shown[norm] = t.path
            stem, ext = os.path.splitext(norm)
            if kind == "python" and ext != _PY_SUFFIXES[0]:
                continue
            parts = tuple(p for p in stem.split(os.sep) if p and p != ".")
            if parts and parts[-1] == ("__init__" if kind == "python" else "index"):
                parts = parts[:-1]  # a package, a folder: found by its name
            if parts:
                self.stems.setdefault((kind, parts[-1]), []).append((parts, norm))

    def _by_tail(self, kind: str, tail: tuple[str, ...]) -> list[str]:
        n = len(tail)
        return [norm for parts, norm in self.stems.get((kind, tail[-1]), ()) if parts[-n:] == tail]

    def resolve(self, importer: str, spec: str) -> list[str]:
        """The run's files ``spec`` (as :class:`Table` records it) may name, as shown."""
        found = (
            self._js(importer, spec[len(JS) :])
            if spec.startswith(JS)
            else self._python(importer, spec)
        )
        return [self.shown[p] for p in found]

    def _python(self, importer: str, spec: str) -> list[str]:
        dots = len(spec) - len(spec.lstrip("."))
        names = [n for n in spec[dots:].split(".") if n]
        if dots:
            # ``from . import llm`` is recorded as ``..llm``, as ``from ..llm import x``
            # would be: both readings are tried
            here = os.path.dirname(os.path.normpath(importer))
            for level in (dots, dots - 1):
                if level < 1:
                    continue
                base = here
                for _up in range(level - 1):
                    base = os.path.dirname(base)
                # the module is the longest leading part that is a file of the run
                for k in range(len(names), 0, -1):
                    stem = os.path.join(base, *names[:k])
                    for cand in (
                        stem + _PY_SUFFIXES[0],
                        os.path.join(stem, "__init__" + _PY_SUFFIXES[0]),
                    ):
                        if os.path.normpath(cand) in self.kind:
                            return [os.path.normpath(cand)]
            return []
        for k in range(len(names), 0, -1):
            found = self._by_tail("python", tuple(names[:k][-_TAIL:]))
            if found and (k > 1 or len(names) > 1):
                return _nearest(importer, found)
        return []

    def _js(self, importer: str, spec: str) -> list[str]:
        if spec.startswith("."):
            stem = os.path.normpath(os.path.join(os.path.dirname(importer), spec))
            base, ext = os.path.splitext(stem)
            if ext in _JS_SUFFIXES:  # ``./llm.js`` written for ``llm.ts``
                stem = base
            for cand in (
                stem,
                *(stem + s for s in _JS_SUFFIXES),
                *(os.path.join(stem, "index" + s) for s in _JS_SUFFIXES),
            ):
                if cand in self.kind and self.kind[cand] == "javascript":
                    return [cand]
            return []
        for alias in _JS_ALIASES:
            if spec.startswith(alias):
                rest = os.path.splitext(spec[len(alias) :])[0]
                parts = tuple(p for p in rest.split("/") if p)
                found = self._by_tail("javascript", parts[-_TAIL:]) if parts else []
                return _nearest(importer, found) if found else []
        return []


def _nearest(importer: str, paths: list[str]) -> list[str]:
    """The modules of one name closest to the importer (most folders in common)."""
    here = os.path.normpath(importer).split(os.sep)

    def shared(path: str) -> int:
        n = 0
        for a, b in zip(here, path.split(os.sep), strict=False):
            if a != b:
                break
            n += 1
        return n

    return sorted(paths, key=lambda p: (-shared(p), p))[:_NEAREST]


def wanted(
    index: ModuleIndex, importers: Iterable[tuple[str, Table]], checked: set[str]
) -> list[str]:
    """The run's modules the importers take names from that were not checked
    in full (``checked``: their paths as shown), each once, in a stable order."""
    out: dict[str, None] = {}
    for path, table in importers:
        for spec in sorted(table.imports):
            for found in index.resolve(path, spec):
                if found not in checked and found != path:
                    out[found] = None
        if len(out) >= MAX_MODULES:
            break
    return list(out)[:MAX_MODULES]


def senders(
    index: ModuleIndex, left_out: dict[str, Table], defines: dict[str, dict[str, int]]
) -> list[str]:
    """The modules the first pass left out that import a name a module checked
    in full defines (``defines``: its names, by path), as their cheap reading
    recorded (:func:`imported_constants`): they may send it to a model."""
    out = []
    for path, own in left_out.items():
        for spec in sorted(own.imports):
            name = spec.rpartition(".")[2]
            if any(name in defines.get(found, ()) for found in index.resolve(path, spec)):
                out.append(path)
                break
    return out


def imported_constants(data: bytes) -> frozenset[str]:
    """The constants (``UPPER_CASE`` names) a Python module the first pass left
    out imports (``from app.prompts import SYSTEM`` -> ``app.prompts.SYSTEM``),
    read from its first bytes when it may send a prompt at all; a checked
    module that defines one of them then has its definition read as the
    prompt this module sends."""
    if not any(w in data for w in _SENDS):
        return frozenset()
    specs: set[str] = set()
    for m in _from_imports(data):
        module = m.group(1).decode("ascii", "replace")
        for name in _CONSTANT.findall(m.group(2) or m.group(3) or b""):
            specs.add(f"{module}.{name.decode('ascii')}")
            if len(specs) >= _MAX_CONSTANTS:
                return frozenset(specs)
    return frozenset(specs)


def _from_imports(data: bytes) -> Iterator[re.Match[bytes]]:
    """The ``from ... import`` statements that start a line in a module's
    first :data:`_HEAD` bytes. After a match inside a line the search goes on
    from its next byte: what that match ran over may hold a statement."""
    at = 0
    while (m := _FROM_IMPORT.search(data, at, _HEAD)) is not None:
        start = m.start()
        if start == 0 or data[start - 1] == 0x0A:
            yield m
            at = m.end()
        else:
            at = start + 1


def learn_modules(items: list[tuple[str, str]]) -> list[tuple[str, Table | None, Read | None]]:
    """What each module (path, kind) teaches, read from its definitions,
    with the stamp of the bytes read (the cache keeps the table with it)."""
    from prism_lint import time_budget

    # each within a file's time budget: past it, nothing is learned
    none: tuple[Table | None, Read | None] = (None, None)
    return [
        (path, *time_budget.within(lambda: _learn(path, kind), none))  # noqa: B023
        for path, kind in items
    ]


def _learn(path: str, kind: str) -> tuple[Table | None, Read | None]:
    from prism_lint.cache import digest
    from prism_lint.reading import open_regular, project_root, read_open

    try:
        fd, st = open_regular(path, lambda: project_root(path))
    except OSError:
        return None, None
    try:
        if st.st_size > MAX_BYTES:
            return None, None
        data = read_open(fd, st, MAX_BYTES)
    except OSError:
        return None, None
    finally:
        os.close(fd)
    if len(data) > MAX_BYTES:
        return None, None
    read: Read = (st.st_size, (st.st_mtime_ns, st.st_ctime_ns, st.st_ino), digest(data))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None, read
    table = _python(path, text) if kind == "python" else _javascript(path, text)
    if table is not None:
        table.definitions_only = True
    return table, read


def _python(path: str, text: str) -> Table | None:
    from prism_lint.extract.python.project import learn_text

    found = learn_text(path, text, None)
    return found[0] if found is not None else None


def _javascript(path: str, text: str) -> Table | None:
    from prism_lint.extract import ExtractError, ExtractOptions
    from prism_lint.extract.javascript.extractor import extract
    from prism_lint.model import Document

    try:
        learned = extract(Document(path, text), ExtractOptions()).learned
    except (ExtractError, ValueError, UnicodeError, RecursionError):
        return None
    from prism_lint.extract.python.flow import Table

    return learned if isinstance(learned, Table) else None
