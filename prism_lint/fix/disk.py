"""Write a fixed file back: atomically, as it was, or not at all.

A fix is worked out from the bytes read at the start of the run; someone
may have saved the file since. So the file's modification time (in
nanoseconds) and size are taken when it is read, and right before the
rename both are compared again along with the bytes themselves: any
difference and the file is left alone.

The new file takes the old one's place by a rename, so it must look like
the old one: mode, owner, group and extended attributes (ACLs, SELinux
labels, macOS quarantine) are copied first. Where one cannot be kept, the
file is not written. Some files cannot be replaced that way at all:

- a symbolic link: its target is written, inside the project, and the link
  stays a link; a target outside the project is not written;
- a file with hard links: a rename would leave the other names with the old
  text, and rewriting it in place cannot be atomic (a crash halfway leaves
  half a file). It is not written; the message says so, and ``--diff``
  shows the fix to apply by hand;
- a read-only file (no write permission, or mode 0444 even for root):
  read-only is a choice someone made, and it is left alone.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from dataclasses import dataclass
from typing import TYPE_CHECKING

from prism_lint.encodings import encode
from prism_lint.reading import inside, project_root
from prism_lint.report.safe import printable

if TYPE_CHECKING:
    from prism_lint.engine import FileResult


@dataclass(frozen=True)
class Stamp:
    """A file as it was read: what the guard compares before writing."""

    mtime_ns: int
    size: int

    @classmethod
    def of(cls, st: os.stat_result) -> Stamp:
        return cls(st.st_mtime_ns, st.st_size)


class NotWritten(Exception):
    """The file was left as it is; the message says why."""


class ChangedOnDisk(NotWritten):
    pass


def target_of(path: str, root: str | None = None) -> str:
    """The file a fix of ``path`` writes: itself, or where the links on its
    way (the file, or a folder) lead, when that lies inside the project
    (``root``, else as :func:`prism_lint.reading.project_root` finds it)."""

    real = os.path.realpath(path)
    if real == os.path.abspath(path):
        return path
    if not inside(real, root or project_root(path)):
        raise NotWritten(f"{path} leads to {real}, outside the project; not written")
    return real


def write_fixed(
    path: str, data: bytes, *, original: bytes, stamp: Stamp | None, root: str | None = None
) -> None:
    """Replace the file at ``path`` (the target of a link) with ``data`` if
    it still holds ``original`` as read at ``stamp``; else NotWritten.
    ``root``: the project the file's links may lead into."""
    target = target_of(path, root)
    st = os.stat(target)
    _check(path, target, st, stamp)
    directory = os.path.dirname(os.path.abspath(target))
    fd, tmp = tempfile.mkstemp(prefix=".prism-lint-", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            _keep_attributes(path, fh.fileno(), st, target)
            os.fsync(fh.fileno())
        # The last look, as close to the rename as it can be.
        now = os.stat(target)
        _check(path, target, now, stamp)
        if _read(target, len(original) + 1) != original:
            raise ChangedOnDisk(f"{path} changed on disk while it was being fixed; not written")
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _check(path: str, target: str, st: os.stat_result, stamp: Stamp | None) -> None:
    if not stat.S_ISREG(st.st_mode):
        raise NotWritten(f"{path} is not a regular file; not written")
    if stamp is not None and Stamp.of(st) != stamp:
        raise ChangedOnDisk(f"{path} changed on disk while it was being fixed; not written")
    if not st.st_mode & 0o222 or not os.access(target, os.W_OK):
        raise NotWritten(f"{path} is read-only; not fixed")
    if st.st_nlink > 1:
        raise NotWritten(
            f"{path} has {st.st_nlink} hard links, and replacing it would split them "
            "(rewriting it in place would not be atomic); not written: see --diff"
        )


def _read(path: str, limit: int) -> bytes:
    with open(path, "rb") as fh:
        return fh.read(limit)


def _keep_attributes(path: str, fd: int, st: os.stat_result, target: str) -> None:
    """Give the new file the old one's mode, owner, group and extended
    attributes, or raise NotWritten."""
    try:
        if hasattr(os, "fchown"):
            mine = os.fstat(fd)
            if (mine.st_uid, mine.st_gid) != (st.st_uid, st.st_gid):
                os.fchown(fd, st.st_uid, st.st_gid)
        if hasattr(os, "fchmod"):
            os.fchmod(fd, stat.S_IMODE(st.st_mode))
    except OSError as exc:
        raise NotWritten(
            f"{path}: cannot keep its owner and mode ({exc.strerror}); not written"
        ) from exc
    if not hasattr(os, "listxattr"):
        return
    try:
        names = os.listxattr(target)
    except OSError as exc:
        if exc.errno in (errno.ENOTSUP, errno.EOPNOTSUPP):
            return
        raise NotWritten(
            f"{path}: cannot read its extended attributes ({exc.strerror}); not written"
        ) from exc
    for name in names:
        try:
            os.setxattr(fd, name, os.getxattr(target, name))
        except OSError as exc:
            raise NotWritten(
                f"{path}: cannot keep its extended attribute {name} ({exc.strerror}); not written"
            ) from exc


def write_result(path: str, new: str, result: FileResult, root: str) -> bool:
    """Write ``new`` over the file ``result`` was read from, as a fix is
    written (see :func:`write_fixed`); on any refusal say why on standard
    error and return False."""
    import sys

    try:
        write_fixed(
            path,
            encode(new, bom=result.bom, encoding=result.encoding),
            original=encode(result.text or "", bom=result.bom, encoding=result.encoding),
            stamp=Stamp(*result.stamp) if result.stamp is not None else None,
            root=root,
        )
    except NotWritten as exc:
        sys.stderr.write(printable(f"prism-lint: error: {exc}\n"))
        return False
    except OSError as exc:
        sys.stderr.write(
            printable(
                f"prism-lint: error: {path}: cannot write: {exc.strerror or exc}; not written\n"
            )
        )
        return False
    return True
