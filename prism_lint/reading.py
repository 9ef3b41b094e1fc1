"""Reading files of an untrusted tree: regular files only, inside the project,
never more than a limit.

Every file prism-lint reads (a checked file, a template it includes, a
configuration, a ``.gitignore``) was written by whoever wrote the tree. A
link may point at any file of the machine (whose text would then be quoted
in findings, in public CI logs), a FIFO or device never ends (``/dev/zero``),
and a file may be any size. So a read opens without following a final link
unless the link resolves inside the project, refuses anything that is not a
regular file, and stops at the limit it is given.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from functools import lru_cache

_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_BINARY", 0)
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_NOCTTY", 0)
)


class Unreadable(OSError):
    """A file that is not read, with the reason to show."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def inside(path: str, root: str) -> bool:
    """Whether ``path``'s real location is ``root`` or below it."""
    real = os.path.realpath(path)
    top = os.path.realpath(root)
    return real == top or real.startswith(top.rstrip(os.sep) + os.sep)


@lru_cache(maxsize=256)
def repository_of(directory: str) -> str | None:
    """The closest folder at or above ``directory`` holding ``.git``."""
    current = directory
    while True:
        if os.path.lexists(os.path.join(current, ".git")):
            return current
        parent = os.path.dirname(current)
        if parent == current:
            return None
        current = parent


def project_root(path: str, configured: str = "") -> str:
    """The folder a file's links may point into: the folder of its
    configuration, else its repository, else the working directory when the
    file is under it, else the file's own folder."""
    if configured:
        return configured
    absolute = os.path.abspath(path)
    folder = os.path.dirname(absolute)
    repo = repository_of(folder)
    if repo is not None:
        return repo
    cwd = os.getcwd()
    if absolute.startswith(cwd.rstrip(os.sep) + os.sep):
        return cwd
    return folder


def open_regular(path: str, root: str | Callable[[], str]) -> tuple[int, os.stat_result]:
    """An open descriptor on ``path`` with its stat; :class:`Unreadable`
    for a link leaving ``root`` (worked out only for a link, when a
    callable), a device, FIFO, socket or folder."""
    try:
        fd = os.open(path, _FLAGS | getattr(os, "O_NOFOLLOW", 0))
    except OSError as exc:
        if not os.path.islink(path):
            raise
        if not inside(path, root if isinstance(root, str) else root()):
            raise Unreadable("symbolic link to a file outside the project; not read") from exc
        fd = os.open(path, _FLAGS)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            kind = "a folder" if stat.S_ISDIR(st.st_mode) else "a device, FIFO or socket"
            raise Unreadable(f"not a regular file ({kind}); not read")
    except BaseException:
        os.close(fd)
        raise
    return fd, st


def read_open(fd: int, st: os.stat_result, limit: int) -> bytes:
    """At most ``limit + 1`` bytes of an open regular file (one more than the
    limit tells a file that grew past it)."""
    first = os.read(fd, min(st.st_size, limit) + 1)
    if len(first) <= st.st_size or len(first) > limit:
        return first
    chunks, total = [first], len(first)
    while total <= limit and (chunk := os.read(fd, min(1 << 16, limit + 1 - total))):
        chunks.append(chunk)
        total += len(chunk)
    return b"".join(chunks)


def read_head(fd: int, size: int) -> bytes:
    """The first ``size`` bytes of an open file (fewer only at its end)."""
    chunks, total = [], 0
    while total < size and (chunk := os.read(fd, size - total)):
        chunks.append(chunk)
        total += len(chunk)
    return b"".join(chunks)


def read_file(path: str, root: str | Callable[[], str], limit: int) -> bytes:
    """The bytes of a regular file inside ``root`` (or linked into it), or
    :class:`Unreadable` / :class:`OSError`; over ``limit`` bytes is refused."""
    fd, st = open_regular(path, root)
    try:
        if st.st_size > limit:
            raise Unreadable(f"file is {st.st_size:,} bytes, over the limit ({limit:,})")
        data = read_open(fd, st, limit)
    finally:
        os.close(fd)
    if len(data) > limit:
        raise Unreadable(f"file grew past the limit ({limit:,} bytes)")
    return data
