"""Results cache keyed by file content, settings and version (ruff's model).

One JSON file per (version, settings) under ``.prism_lint_cache/``: path ->
(size, stamp, digest, result). An entry is used only when the file's size
and stamp (modification time, change time and inode, to the nanosecond) are
exactly those this machine recorded when it checked the file: a cache
written by anyone else, a tree's committed one included, cannot know them,
so it never matches. Writes go through a temporary file and a rename, so
concurrent runs never see a torn cache; the last writer wins.

The cache folder sits in the checked tree, so it is as untrusted as the
tree: it holds data only, every entry is validated as it is used
(:mod:`prism_lint.result_codec`), a malformed or hostile one is a miss, and
a folder that is a link or that resolves outside the project is never used.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from prism_lint import __version__, flow_cache

if TYPE_CHECKING:
    from prism_lint.config import Settings
    from prism_lint.engine import FileResult

# size, (mtime_ns, ctime_ns, inode), digest, result, and the other files the
# result was read from
Stamp = tuple[int, int, int]
# (size, stamp, digest, result, files it read, its own flow table, the
# digest of the project's table facts it read: see prism_lint.flow_cache)
Entry = tuple[int, Stamp, bytes, "FileResult", tuple[tuple[str, int, int], ...], Any, str]


def digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


FORMAT = "prism-lint-cache"
# 5: a wrapper keeps the model its default names; 6: a module's table keeps
# the imports it follows, modules read for their definitions keep theirs, and a
# wrapper the parameter it passes keywords on from
FORMAT_VERSION = 7
MAX_CACHE_FILE = 256 * 1024 * 1024  # a larger file is not ours: a cold cache
TAG_NAME = "CACHEDIR.TAG"
TAG_SIGNATURE = "Signature: 8a477f597d28d172789f06886806bc55"  # bford.info/cachedir
TAG_TEXT = (
    f"{TAG_SIGNATURE}\n# This file is a cache directory tag created by prism-lint.\n"
    "# For information about cache directory tags see https://bford.info/cachedir/\n"
)


def cache_home(settings: Settings) -> str:
    """The folder the cache and ``clean`` must stay inside: the folder of the
    configuration file, or the working directory when there is none."""
    return os.path.abspath(settings.root or os.getcwd())


def cache_root(settings: Settings) -> str:
    """Where the cache folder is: ``PRISM_LINT_CACHE_DIR`` (the user's own
    choice, anywhere), else ``cache-dir`` inside the project root."""
    chosen = os.environ.get("PRISM_LINT_CACHE_DIR")
    if chosen:
        return os.path.abspath(chosen)
    return os.path.join(cache_home(settings), settings.cache_dir)


def usable(folder: str, settings: Settings) -> bool:
    """Whether the cache may be read from and written to ``folder``: a link,
    or a folder whose real path leaves the project, is never followed (the
    tree could point it at any folder of the machine)."""
    if os.environ.get("PRISM_LINT_CACHE_DIR"):
        return True
    root = os.path.realpath(cache_home(settings))
    probe = folder
    while True:  # the folder and each existing parent up to the root: no links
        if os.path.islink(probe):
            return False
        parent = os.path.dirname(probe)
        if parent == probe or os.path.realpath(parent) == root:
            break
        probe = parent
    real = os.path.realpath(folder)
    return real != root and real.startswith(root.rstrip(os.sep) + os.sep)


@dataclass
class _Bucket:
    """The cached results of one settings fingerprint."""

    path: str
    entries: dict[str, Any]  # raw JSON entries until used, then decoded ``Entry``
    dirty: bool = False
    unusable: bool = False  # a link or a folder outside the project: never written


@dataclass
class Cache:
    """Results by file content, settings and version."""

    buckets: dict[str, _Bucket] = field(default_factory=dict)  # folder/key -> bucket
    keys: dict[str, str] = field(default_factory=dict)  # settings fingerprint -> bucket key
    # key -> digest of the project's table facts a hit's result read (flow_cache)
    facts: dict[str, str] = field(default_factory=dict)

    @classmethod
    def open(cls, *, enabled: bool) -> Cache | None:
        """A cache whose files are read as each configuration first needs one."""
        return cls() if enabled else None

    def _bucket(self, settings: Settings) -> _Bucket:
        fp = settings.fingerprint()
        key = self.keys.get(fp)
        if key is None:
            key = hashlib.blake2b(f"{__version__}\0{fp}".encode(), digest_size=8).hexdigest()
            self.keys[fp] = key
        folder = cache_root(settings)
        bucket = self.buckets.get(folder + os.sep + key)
        if bucket is None:
            path = os.path.join(folder, __version__, f"{key}.json")
            if usable(folder, settings):
                bucket = _Bucket(path, _load(path))
            else:
                bucket = _Bucket(path, {}, unusable=True)
            self.buckets[folder + os.sep + key] = bucket
        return bucket

    def get(self, path: str, settings: Settings, key: str | None = None) -> FileResult | None:
        """The cached result for ``path``; ``key`` tells apart the ways one file
        is checked (named on the command line or found by a walk)."""
        bucket = self._bucket(settings)
        key = key or path
        entry = _entry(bucket, key, path)
        if entry is None:
            return None
        try:
            st = os.stat(path)
        except OSError:
            return None
        size, stamp, _dig, result, deps, learned, facts = entry
        if not _deps_unchanged(deps):
            return None  # a template it includes, a config it reads, has changed
        if st.st_size == size and (st.st_mtime_ns, st.st_ctime_ns, st.st_ino) == stamp:
            result.learned = learned
            self.facts[key] = facts
            return result
        return None

    def put(
        self,
        path: str,
        settings: Settings,
        result: FileResult,
        data: bytes | None = None,
        key: str | None = None,
        facts: str = "",
    ) -> None:
        try:
            st = os.stat(path)
            if data is None:
                with open(path, "rb") as fh:
                    data = fh.read()
        except OSError:
            return
        self.store(
            path,
            settings,
            result,
            st.st_size,
            (st.st_mtime_ns, st.st_ctime_ns, st.st_ino),
            digest(data),
            key,
            facts,
        )

    def store(
        self,
        path: str,
        settings: Settings,
        result: FileResult,
        size: int,
        stamp: Stamp,
        dig: bytes,
        key: str | None = None,
        facts: str = "",
    ) -> None:
        """Record a result whose file's stat and digest the caller already has;
        ``facts``: the digest of the project's table facts it read."""
        bucket = self._bucket(settings)
        bucket.entries[key or path] = (
            size,
            stamp,
            dig,
            result,
            _deps(result.related),
            result.learned,
            facts,
        )
        bucket.dirty = True

    def keep_table(
        self,
        path: str,
        settings: Settings,
        key: str,
        table: Any,
        size: int,
        stamp: Stamp,
        dig: bytes,
    ) -> None:
        """Keep the table a module's definitions teach with its cached result,
        when the bytes it was read from are those the result was."""
        bucket = self._bucket(settings)
        entry = _entry(bucket, key, path)
        if entry is None or (entry[0], entry[1], entry[2]) != (size, stamp, dig):
            return
        bucket.entries[key] = (*entry[:5], table, entry[6])
        bucket.dirty = True

    def save(self) -> None:
        for bucket in self.buckets.values():
            if bucket.dirty and not bucket.unusable:
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


def _entry(bucket: _Bucket, key: str, path: str) -> Entry | None:
    """The entry for ``key``, decoded and validated the first time it is asked
    for; anything that is not exactly what this version writes is a miss."""
    raw = bucket.entries.get(key)
    if raw is None or isinstance(raw, tuple):
        return raw
    from prism_lint.result_codec import Invalid, decode

    try:
        if not isinstance(raw, list) or len(raw) != 7:
            raise Invalid("entry")
        size, stamp, dig, result, deps, learned, facts = raw
        if not isinstance(facts, str) or len(facts) > 16:
            raise Invalid("facts")
        if not isinstance(stamp, list) or len(stamp) != 3:
            raise Invalid("stamp")
        for number in (size, *stamp):
            if isinstance(number, bool) or not isinstance(number, int):
                raise Invalid("stat")
        if not isinstance(dig, str) or len(dig) != 32:
            raise Invalid("digest")
        checked_deps = []
        for dep in deps if isinstance(deps, list) else ():
            if (
                not isinstance(dep, list)
                or len(dep) != 3
                or not isinstance(dep[0], str)
                or not all(isinstance(n, int) and not isinstance(n, bool) for n in dep[1:])
            ):
                raise Invalid("dependency")
            checked_deps.append((dep[0], dep[1], dep[2]))
        if not isinstance(deps, list):
            raise Invalid("dependencies")
        entry: Entry = (
            size,
            (stamp[0], stamp[1], stamp[2]),
            bytes.fromhex(dig),
            decode(result, path),
            tuple(checked_deps),
            flow_cache.decode(learned),
            facts,
        )
    except (Invalid, flow_cache.Invalid, ValueError, TypeError, RecursionError):
        del bucket.entries[key]
        return None
    bucket.entries[key] = entry
    return entry


def _load(path: str) -> dict[str, Any]:
    """The raw entries of a cache file; a missing, torn, oversized or foreign
    file is a cold cache."""
    try:
        flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
        fd = os.open(path, flags)
    except OSError:
        return {}
    try:
        import stat

        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_CACHE_FILE:
            return {}
        chunks = []
        left = st.st_size + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        data = json.loads(b"".join(chunks))
    except (OSError, ValueError, RecursionError):
        return {}
    finally:
        os.close(fd)
    if (
        not isinstance(data, dict)
        or data.get("format") != FORMAT
        or data.get("version") != FORMAT_VERSION
        or not isinstance(data.get("entries"), dict)
    ):
        return {}
    entries: dict[str, Any] = data["entries"]
    return entries


def _raw(entry: Any) -> Any:
    if not isinstance(entry, tuple):
        return entry  # never used this run: written back as it was read
    from prism_lint.result_codec import encode

    size, stamp, dig, result, deps, learned, facts = entry
    return [
        size,
        list(stamp),
        dig.hex(),
        encode(result),
        [list(d) for d in deps],
        flow_cache.encode(learned),
        facts,
    ]


def _store(path: str, entries: dict[str, Any]) -> None:
    directory = os.path.dirname(path)
    tmp = ""
    try:
        os.makedirs(directory, exist_ok=True)
        root = os.path.dirname(directory)
        for name, text in (
            (".gitignore", "# Automatically created by prism-lint.\n*\n"),
            (TAG_NAME, TAG_TEXT),
        ):
            marker = os.path.join(root, name)
            if not os.path.lexists(marker):
                with open(marker, "x", encoding="utf-8") as fh:
                    fh.write(text)
        import tempfile  # only a run that writes the cache needs it

        payload = {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "entries": {k: _raw(v) for k, v in entries.items()},
        }
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=".tmp-", suffix=".json")
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            json.dump(payload, fh, separators=(",", ":"))
        os.replace(tmp, path)
    except (OSError, ValueError):
        if tmp:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
