"""Compiled regular expressions kept from one run to the next.

Python's regular-expression compiler is written in Python: a one-file run
compiles about 180 patterns (the vocabulary's, the analysis's, those of the
libraries it reads YAML and Jinja with), a fifth of its time, and every
worker of a large run compiles again those the warm-up did not. What the
compiler makes is a list of integers, the code of the ``_sre`` matching
engine, from which the engine builds the pattern in microseconds.

:func:`load` puts the patterns an earlier run kept into :mod:`re`'s own
cache, where ``re.compile`` (and ``re.match`` with a pattern's text) finds
them; :func:`save` keeps the ones this process compiled that were not there
yet, each checked equal to the pattern ``re`` made (equal patterns have the
same code). The file sits beside the data's JSON copies
(:func:`prism_lint.data.cache_dir`), one per Python build: another build's
file is ignored, and a pattern keyed by its text and flags compiles to the
same code in the same build, whoever asked for it.

Reading it is safe: plain JSON of bounded size, nothing evaluated, and the
engine checks the code it is given (``_sre.compile`` refuses code that jumps
or reads out of bounds). A damaged entry is skipped; anything unexpected
(a Python whose ``re`` is laid out otherwise) leaves the cache unused and
patterns compile as they always do.
"""

from __future__ import annotations

import binascii
import contextlib
import json
import os
import re
import sys
from collections.abc import Iterator
from typing import Any

MAX_BYTES = 8 * 1024 * 1024  # a larger file is not read
MAX_ENTRIES = 1024  # kept in the file, the newest first
MAX_CODE = 1 << 20  # code words of one pattern; a larger one is not kept
_FORMAT = 1

# Patterns this process has from the file, has kept, or is not to keep: (text, flags).
_known: set[tuple[str, int]] = set()
_enabled = False


@contextlib.contextmanager
def not_kept() -> Iterator[None]:
    """Patterns compiled within are not kept: those a tree's own files make
    (its .gitignore rules) serve no other tree, and would crowd out the
    patterns every run compiles."""
    if not _enabled:
        yield
        return
    before = {key for cache in _caches() for key in cache}
    try:
        yield
    finally:
        for cache in _caches():
            _known.update((key[1], key[2]) for key in cache
                          if key not in before and isinstance(key, tuple) and len(key) == 3)


def _build() -> str:
    """What the compiled code depends on: the Python build and the engine."""
    import _sre

    return f"{sys.implementation.name} {sys.version} {_sre.MAGIC} {_sre.CODESIZE}"


def _path() -> str | None:
    from prism_lint.data import cache_dir

    folder = cache_dir()
    if folder is None:
        return None
    return os.path.join(folder, f"patterns-{sys.implementation.cache_tag}.json")


def _caches() -> list[dict[Any, Any]]:
    """``re``'s caches of compiled patterns (two from Python 3.12 on)."""
    return [c for c in (getattr(re, "_cache", None), getattr(re, "_cache2", None))
            if isinstance(c, dict)]


def _usable() -> bool:
    import _sre

    return (sys.implementation.name == "cpython" and _sre.CODESIZE == 4
            and memoryview(b"\0\0\0\0").cast("I").itemsize == 4 and bool(_caches()))


def load() -> None:
    """Put the kept patterns into ``re``'s cache (at most as many as it holds)."""
    global _enabled
    try:
        path = _path()
        if path is None or not _usable():
            return
        _enabled = True
        entries = _read(path)
    except Exception:  # a Python laid out otherwise: no cache
        return
    cache = _caches()[0]
    room = max(0, getattr(re, "_MAXCACHE", 512) - len(cache))
    for entry in entries[:room]:
        made = _from_entry(entry)
        if made is not None:
            key, pattern = made
            cache.setdefault((str, *key), pattern)
            _known.add(key)


def _read(path: str) -> list[Any]:
    try:
        with open(path, "rb") as fh:
            raw = fh.read(MAX_BYTES + 1)
        if len(raw) > MAX_BYTES:
            return []
        data = json.loads(raw)
    except (OSError, ValueError, RecursionError):
        return []
    if not isinstance(data, dict) or data.get("format") != _FORMAT \
            or data.get("build") != _build() or not isinstance(data.get("patterns"), list):
        return []
    entries: list[Any] = data["patterns"]
    return entries


def _from_entry(entry: Any) -> tuple[tuple[str, int], re.Pattern[str]] | None:
    """The pattern an entry holds, or None for one that is not well formed."""
    import _sre

    try:
        source, flags, final, groups, names, code = entry
        if not (isinstance(source, str) and type(flags) is int and type(final) is int
                and type(groups) is int and isinstance(names, dict) and isinstance(code, str)
                and 0 < groups <= 65536 and all(type(i) is int and 0 < i < groups
                                              and isinstance(n, str) for n, i in names.items())):
            return None
        words = memoryview(binascii.a2b_base64(code)).cast("I").tolist()
        if not words or len(words) > MAX_CODE:
            return None
        index: list[str | None] = [None] * groups
        for name, i in names.items():
            index[i] = name
        pattern = _sre.compile(source, final, words, groups - 1, dict(names), tuple(index))
    except (ValueError, TypeError, RuntimeError, OverflowError, MemoryError, binascii.Error):
        return None
    return (source, flags), pattern


def _entry(source: str, flags: int, compiled: Any) -> list[Any] | None:
    """An entry for a pattern ``re`` compiled, or None when what this module
    works out is not that very pattern."""
    import _sre

    try:
        parser, compiler = _compiler_modules()
        parsed = parser.parse(source, flags)
        words = compiler._code(parsed, flags)
        groups = parsed.state.groups
        names = dict(parsed.state.groupdict)
        final = flags | parsed.state.flags
        if len(words) > MAX_CODE:
            return None
        index: list[str | None] = [None] * groups
        for name, i in names.items():
            index[i] = name
        again = _sre.compile(source, final, words, groups - 1, names, tuple(index))
        if again != compiled or again.flags != compiled.flags:
            return None
        import array

        code = binascii.b2a_base64(array.array("I", words).tobytes(), newline=False)
    except Exception:  # a Python laid out otherwise, or a pattern it reads otherwise
        return None
    return [source, flags, final, groups, names, code.decode("ascii")]


def _compiler_modules() -> tuple[Any, Any]:
    if sys.version_info >= (3, 11):
        from re import _compiler, _parser  # type: ignore[attr-defined]

        return _parser, _compiler
    import sre_compile  # pragma: no cover - Python 3.10
    import sre_parse  # pragma: no cover

    return sre_parse, sre_compile  # pragma: no cover


def save() -> None:
    """Keep the patterns this process compiled that the file did not hold.
    Written whole or not at all; a file that cannot be written costs only
    the next run's compiling."""
    if not _enabled:
        return
    new = []
    for cache in _caches():
        for key, compiled in list(cache.items()):
            if (isinstance(key, tuple) and len(key) == 3 and key[0] is str
                    and type(key[2]) is int and (key[1], key[2]) not in _known):
                entry = _entry(key[1], key[2], compiled)
                _known.add((key[1], key[2]))
                if entry is not None:
                    new.append(entry)
    if not new:
        return
    path = _path()
    if path is None:
        return
    seen = {(e[0], e[1]) for e in new}
    kept = new + [e for e in _read(path) if isinstance(e, list) and len(e) == 6
                  and (e[0], e[1]) not in seen]
    try:
        text = json.dumps({"format": _FORMAT, "build": _build(),
                           "patterns": kept[:MAX_ENTRIES]})  # ASCII: lone surrogates too
    except (TypeError, ValueError):
        return
    folder = os.path.dirname(path)
    temp = os.path.join(folder, f".patterns.{os.getpid()}.tmp")
    try:
        os.makedirs(folder, exist_ok=True)
        with open(temp, "w", encoding="ascii") as fh:
            fh.write(text)
        os.replace(temp, path)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(temp)
