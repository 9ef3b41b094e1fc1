"""Compiled regular expressions kept from one run to the next.

Python's regular-expression compiler is written in Python: a one-file run
compiles about 180 patterns (the vocabulary's, the analysis's, those of the
libraries it reads YAML and Jinja with), a fifth of its time, and every
worker of a large run compiles again those the warm-up did not. What the
compiler makes is a list of integers, the code of the ``_sre`` matching
engine, from which the engine builds the pattern in microseconds.

:func:`load` reads the patterns an earlier run kept and lets :mod:`re`'s
own cache answer with them: ``re.compile`` (and ``re.match`` with a
pattern's text) looks a pattern up there first, and a kept one is built the
first time it is asked for, so a run pays only for the patterns it uses.
:func:`save` keeps the ones this process compiled that were not kept yet,
each checked equal to the pattern ``re`` made (equal patterns have the same
code). The file sits beside the data's JSON copies
(:func:`prism_lint.data.cache_dir`), one per Python build: another build's
file is ignored, and a pattern, keyed by its text and flags, compiles to the
same code in the same build whoever asks for it.

Reading it is safe: a bounded file of JSON and integers, nothing evaluated,
and the engine checks the code it is given (``_sre.compile`` refuses code
that jumps or reads out of bounds). A damaged entry is skipped; anything
unexpected (a Python whose ``re`` is laid out otherwise) leaves the cache
unused, and patterns compile as they always do.
"""

from __future__ import annotations

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
_FORMAT = 2

# Kept patterns not asked for yet, by (text, flags): what the file says of each.
_waiting: dict[tuple[str, int], list[Any]] = {}
# Patterns this process has from the file, has kept, or is not to keep.
_known: set[tuple[str, int]] = set()
_code: memoryview = memoryview(b"")  # the file's code words
_enabled = False


class _Kept(dict):  # type: ignore[type-arg]
    """``re``'s cache, answering a miss with a kept pattern when there is one."""

    __slots__ = ()

    def __missing__(self, key: Any) -> Any:
        entry = (
            _waiting.pop(key[1:], None)
            if isinstance(key, tuple) and len(key) == 3 and key[0] is str
            else None
        )
        pattern = _from_entry(entry) if entry is not None else None
        if pattern is None:
            raise KeyError(key)
        self[key] = pattern
        return pattern


def _build() -> str:
    """What the compiled code depends on: the Python build and the engine."""
    import _sre

    return f"{sys.implementation.name} {sys.version} {_sre.MAGIC} {_sre.CODESIZE}"


def _path() -> str | None:
    from prism_lint.data import cache_dir

    folder = cache_dir()
    if folder is None:
        return None
    return os.path.join(folder, f"patterns-{sys.implementation.cache_tag}.bin")


def _caches() -> list[dict[Any, Any]]:
    """``re``'s caches of compiled patterns (two from Python 3.12 on)."""
    return [
        c
        for c in (getattr(re, "_cache", None), getattr(re, "_cache2", None))
        if isinstance(c, dict)
    ]


def _first_cache_name() -> str | None:
    """The cache ``re`` looks a pattern up in first, by subscript; None when
    ``re`` is laid out otherwise than this module knows."""
    import _sre

    if sys.implementation.name != "cpython" or _sre.CODESIZE != 4:
        return None
    name = "_cache2" if sys.version_info >= (3, 12) else "_cache"
    return name if type(getattr(re, name, None)) in (dict, _Kept) else None


def load() -> None:
    """Read the kept patterns; ``re`` builds each when it is first asked for."""
    global _enabled, _code
    try:
        path = _path()
        name = _first_cache_name()
        if path is None or name is None:
            return
        _enabled = True
        entries, _code = _read(path)
    except Exception:  # a Python laid out otherwise: no cache
        return
    for entry in entries:
        if (
            isinstance(entry, list)
            and len(entry) == 7
            and isinstance(entry[0], str)
            and type(entry[1]) is int
        ):
            _waiting[entry[0], entry[1]] = entry
            _known.add((entry[0], entry[1]))
    cache = getattr(re, name)
    if type(cache) is dict:
        setattr(re, name, _Kept(cache))


def _read(path: str) -> tuple[list[Any], memoryview]:
    """The entries and the code words of a file: a line of JSON, then the
    code of every entry, 4-byte words end to end."""
    try:
        with open(path, "rb") as fh:
            raw = fh.read(MAX_BYTES + 1)
        if len(raw) > MAX_BYTES:
            return [], memoryview(b"")
        head, _newline, blob = raw.partition(b"\n")
        data = json.loads(head)
    except (OSError, ValueError, RecursionError):
        return [], memoryview(b"")
    if (
        not isinstance(data, dict)
        or data.get("format") != _FORMAT
        or data.get("build") != _build()
        or not isinstance(data.get("patterns"), list)
        or len(blob) % 4
    ):
        return [], memoryview(b"")
    entries: list[Any] = data["patterns"]
    return entries, memoryview(blob).cast("I")


def _from_entry(entry: list[Any]) -> re.Pattern[str] | None:
    """The pattern an entry holds, or None for one that is not well formed."""
    import _sre

    try:
        source, _flags, final, groups, names, start, size = entry
        if not (
            type(final) is int
            and type(groups) is int
            and isinstance(names, dict)
            and 0 < groups <= 65536
            and _fits(entry, _code)
        ):
            return None
        index: list[str | None] = [None] * groups
        for name, i in names.items():
            if not (isinstance(name, str) and type(i) is int and 0 < i < groups):
                return None
            index[i] = name
        words = _code[start : start + size].tolist()
        pattern: re.Pattern[str] = _sre.compile(
            source, final, words, groups - 1, dict(names), tuple(index)
        )
    except Exception:  # refused by the engine, or not well formed: compiled as usual
        return None
    return pattern


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
            _known.update(
                (key[1], key[2])
                for key in cache
                if key not in before and isinstance(key, tuple) and len(key) == 3
            )


def _entry(source: str, flags: int, compiled: Any) -> tuple[list[Any], list[int]] | None:
    """What to keep of a pattern ``re`` compiled (its entry, its code), or
    None when what this module works out is not that very pattern."""
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
    except Exception:  # a Python laid out otherwise, or a pattern it reads otherwise
        return None
    return [source, flags, final, groups, names, 0, len(words)], list(words)


def _compiler_modules() -> tuple[Any, Any]:
    if sys.version_info >= (3, 11):
        from re import _compiler, _parser  # type: ignore[attr-defined]

        return _parser, _compiler
    import sre_compile  # pragma: no cover - Python 3.10
    import sre_parse  # pragma: no cover

    return sre_parse, sre_compile  # pragma: no cover


def save() -> None:
    """Keep the patterns this process compiled that were not kept yet, with
    those kept before (the newest first, at most :data:`MAX_ENTRIES`).
    Written whole or not at all; a file that cannot be written costs only
    the next run's compiling, and nothing here ever fails the run (it is
    called once the report is out, and as a worker exits)."""
    if not _enabled:
        return
    with contextlib.suppress(Exception):
        _save()


def _save() -> None:
    new: list[tuple[list[Any], list[int]]] = []
    for cache in _caches():
        for key, compiled in list(cache.items()):
            if (
                isinstance(key, tuple)
                and len(key) == 3
                and key[0] is str
                and type(key[2]) is int
                and (key[1], key[2]) not in _known
            ):
                _known.add((key[1], key[2]))
                made = _entry(key[1], key[2], compiled)
                if made is not None:
                    new.append(made)
    path = _path()
    if not new or path is None:
        return
    seen = {(entry[0], entry[1]) for entry, _words in new}
    entries, code = _read(path)  # as it is now: another process may have kept more
    for entry in entries:
        if (
            isinstance(entry, list)
            and len(entry) == 7
            and isinstance(entry[0], str)
            and (entry[0], entry[1]) not in seen
            and _fits(entry, code)
        ):
            seen.add((entry[0], entry[1]))
            new.append((entry, code[entry[5] : entry[5] + entry[6]].tolist()))
    import array

    blob = array.array("I")
    kept = []
    size = 0  # about what the file will take: no larger than a file that is read
    for entry, words in new[:MAX_ENTRIES]:
        size += 4 * len(words) + 2 * len(entry[0]) + 64
        if size > MAX_BYTES:
            break
        kept.append([*entry[:5], len(blob), len(words)])
        blob.extend(words)
    try:
        head = json.dumps({"format": _FORMAT, "build": _build(), "patterns": kept})
    except (TypeError, ValueError):
        return
    folder = os.path.dirname(path)
    temp = os.path.join(folder, f".patterns.{os.getpid()}.tmp")
    try:
        os.makedirs(folder, exist_ok=True)
        with open(temp, "wb") as fh:
            fh.write(head.encode("ascii") + b"\n")  # ASCII: lone surrogates escaped too
            fh.write(blob.tobytes())
        os.replace(temp, path)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(temp)


def _fits(entry: list[Any], code: memoryview) -> bool:
    """Whether an entry's code is within the file's code words."""
    start, size = entry[5], entry[6]
    return (
        type(start) is int
        and type(size) is int
        and start >= 0
        and 0 < size <= MAX_CODE
        and start + size <= len(code)
    )
