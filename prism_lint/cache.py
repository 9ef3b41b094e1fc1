"""Results cache keyed by file content, settings and version (ruff's model).

One pickle per (version, settings) under ``.prism_lint_cache/``: path ->
(size, mtime_ns, digest, result). A matching size and mtime trusts the
stored digest without reading the file; otherwise the file is read and its
digest compared. Writes go through a temporary file and a rename, so
concurrent runs never see a torn cache; the last writer wins.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from prism_lint.config import Settings
    from prism_lint.engine import FileResult

# size, mtime_ns, digest, result, and the other files the result was read from
Entry = tuple[int, int, bytes, "FileResult", tuple[tuple[str, int, int], ...]]


def digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


def cache_root(settings: Settings) -> str:
    return os.environ.get("PRISM_LINT_CACHE_DIR") or settings.cache_dir


@dataclass
class _Bucket:
    """The cached results of one settings fingerprint."""

    path: str
    entries: dict[str, Entry]
    dirty: bool = False


@dataclass
class Cache:
    """Results by file content, settings and version."""

    buckets: dict[str, _Bucket] = field(default_factory=dict)  # fingerprint -> bucket
    keys: dict[str, str] = field(default_factory=dict)  # settings fingerprint -> bucket key

    @classmethod
    def open(cls, *, enabled: bool) -> Cache | None:
        """A cache whose files are read as each configuration first needs one."""
        return cls() if enabled else None

    def _bucket(self, settings: Settings) -> _Bucket:
        fp = settings.fingerprint()
        key = self.keys.get(fp)
        if key is None:
            from prism_lint import __version__

            key = hashlib.blake2b(f"{__version__}\0{fp}".encode(), digest_size=8).hexdigest()
            self.keys[fp] = key
        bucket = self.buckets.get(key)
        if bucket is None:
            from prism_lint import __version__

            path = os.path.join(cache_root(settings), __version__, f"{key}.pickle")
            bucket = self.buckets[key] = _Bucket(path, _load(path))
        return bucket

    def get(self, path: str, settings: Settings, key: str | None = None) -> FileResult | None:
        """The cached result for ``path``; ``key`` tells apart the ways one file
        is checked (named on the command line or found by a walk)."""
        bucket = self._bucket(settings)
        key = key or path
        entry = bucket.entries.get(key)
        if entry is None or len(entry) != 5:
            return None
        try:
            st = os.stat(path)
        except OSError:
            return None
        size, mtime, dig, result, deps = entry
        if not _deps_unchanged(deps):
            return None  # a template it includes, a config it reads, has changed
        if st.st_size == size and st.st_mtime_ns == mtime:
            return result
        if st.st_size != size:
            return None
        try:
            with open(path, "rb") as fh:
                data = fh.read()
        except OSError:
            return None
        if digest(data) == dig:
            bucket.entries[key] = (size, st.st_mtime_ns, dig, result, deps)
            bucket.dirty = True
            return result
        return None

    def put(self, path: str, settings: Settings, result: FileResult, data: bytes | None = None,
            key: str | None = None) -> None:
        try:
            st = os.stat(path)
            if data is None:
                with open(path, "rb") as fh:
                    data = fh.read()
        except OSError:
            return
        self.store(path, settings, result, st.st_size, st.st_mtime_ns, digest(data), key)

    def store(self, path: str, settings: Settings, result: FileResult, size: int, mtime_ns: int,
              dig: bytes, key: str | None = None) -> None:
        """Record a result whose file's stat and digest the caller already has."""
        bucket = self._bucket(settings)
        bucket.entries[key or path] = (size, mtime_ns, dig, result, _deps(result.related))
        bucket.dirty = True

    def save(self) -> None:
        for bucket in self.buckets.values():
            if bucket.dirty:
                _store(bucket.path, bucket.entries)
                bucket.dirty = False


def _deps(paths: list[str]) -> tuple[tuple[str, int, int], ...]:
    out = []
    for p in paths:
        try:
            st = os.stat(p)
            out.append((p, st.st_size, st.st_mtime_ns))
        except OSError:
            out.append((p, -1, 0))
    return tuple(out)


def _deps_unchanged(deps: tuple[tuple[str, int, int], ...]) -> bool:
    return _deps([p for p, _, _ in deps]) == deps


def _load(path: str) -> dict[str, Entry]:
    try:
        with open(path, "rb") as fh:
            data = pickle.load(fh)
        return data if isinstance(data, dict) else {}
    except Exception:  # a missing, torn or foreign cache is just a cold cache
        return {}


def _store(path: str, entries: dict[str, Entry]) -> None:
    directory = os.path.dirname(path)
    try:
        os.makedirs(directory, exist_ok=True)
        root = os.path.dirname(directory)
        ignore = os.path.join(root, ".gitignore")
        if not os.path.exists(ignore):
            with open(ignore, "w", encoding="utf-8") as fh:
                fh.write("# Automatically created by prism-lint.\n*\n")
        import tempfile  # only a run that writes the cache needs it

        fd, tmp = tempfile.mkstemp(dir=directory, prefix=".tmp-", suffix=".pickle")
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(entries, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError:
        with contextlib.suppress(OSError, UnboundLocalError):
            os.unlink(tmp)
