"""Write a report to the file ``--output-file`` names.

The file is usually inside the checked tree (``prism-lint.sarif``, the
GitHub Action's default), and the tree is written by strangers: a link
committed under that name, or a linked folder on the way to it, would have
the report written wherever it points. No link inside the working
directory is followed; the last step is opened with ``O_NOFOLLOW``, so a
link put there after the check is not followed either.
"""

from __future__ import annotations

import os


def link_on_the_way(path: str) -> str | None:
    """The first symbolic link among the parts of ``path`` that lie inside
    the working directory, or None."""
    base = os.getcwd()
    full = os.path.abspath(path)
    rel = os.path.relpath(full, base)
    if rel == os.curdir or rel == os.pardir or rel.startswith(os.pardir + os.sep):
        return None  # outside the tree: the user's own choice of place
    current = base
    for part in rel.split(os.sep):
        current = os.path.join(current, part)
        if os.path.islink(current):
            return current
    return None


def write_report(path: str, report: str) -> str | None:
    """Write ``report`` (UTF-8) to ``path``; the problem, or None."""
    link = link_on_the_way(path)
    if link is not None:
        shown = os.path.relpath(link)
        return (
            f"cannot write {path}: {shown} is a symbolic link, "
            "and links in the tree are not followed"
        )
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags, 0o666)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(report)
    except OSError as exc:
        return f"cannot write {path}: {exc.strerror or exc}"
    return None
