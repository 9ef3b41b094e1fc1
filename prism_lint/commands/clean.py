"""`prism-lint clean`: remove the cache folder, and nothing prism-lint did not make.

The folder's name comes from a configuration that whoever wrote the tree
may have written, so it is removed only when it is plainly a prism-lint
cache: not a link, not the project, a parent of it, the home folder or the
filesystem root, tagged with prism-lint's ``CACHEDIR.TAG``, and holding
nothing but what the cache writes. Anything else is refused with exit 2.
"""

from __future__ import annotations

import argparse
import os
import re
import stat
import sys

from prism_lint.cache import TAG_NAME, TAG_SIGNATURE, cache_home, cache_root
from prism_lint.config import Resolver
from prism_lint.exits import EXIT_CLEAN, EXIT_ERROR

_CACHE_FILE = re.compile(r"[0-9a-f]{16}\.json|\.tmp-[A-Za-z0-9_]+\.json")
_VERSION = re.compile(r"[0-9A-Za-z.+_-]{1,64}")


class Refused(Exception):
    """Why a folder will not be removed."""


def run(args: argparse.Namespace) -> int:
    resolver = Resolver()
    status = EXIT_CLEAN
    done: set[str] = set()
    for base in args.paths or ["."]:
        settings = resolver.for_dir(os.path.abspath(base))
        folder = cache_root(settings)
        if folder in done or not os.path.lexists(folder):
            continue
        done.add(folder)
        try:
            files, folders = _plan(folder, cache_home(settings))
        except Refused as why:
            print(f"prism-lint clean: not removing {folder}: {why}", file=sys.stderr)
            status = EXIT_ERROR
            continue
        try:
            for path in files:
                os.unlink(path)
            for path in folders:
                os.rmdir(path)
        except OSError as exc:
            print(
                f"prism-lint clean: could not remove {folder}: {exc.strerror or exc}",
                file=sys.stderr,
            )
            status = EXIT_ERROR
            continue
        print(f"Removed cache at {folder}")
    return status


def _plan(folder: str, project: str) -> tuple[list[str], list[str]]:
    """The files, then the folders (deepest first), that removing the cache
    at ``folder`` takes; :class:`Refused` unless every one is the cache's."""

    if os.path.islink(folder):
        raise Refused("it is a symbolic link")
    real = os.path.realpath(folder)
    protected = {os.path.realpath(p) for p in (os.sep, os.path.expanduser("~"), project)}
    project_real = os.path.realpath(project)
    if real in protected or project_real.startswith(real.rstrip(os.sep) + os.sep):
        raise Refused("it is the project, one of its parents, the home folder or the root")
    if not os.path.isdir(folder):
        raise Refused("it is not a folder")
    tag = os.path.join(folder, TAG_NAME)
    try:
        with open(tag, "rb") as fh:
            head = fh.read(4096)
    except OSError:
        raise Refused(f"it holds no {TAG_NAME} written by prism-lint") from None
    if not head.startswith(TAG_SIGNATURE.encode()) or b"prism-lint" not in head:
        raise Refused(f"its {TAG_NAME} was not written by prism-lint")
    files: list[str] = []
    folders: list[str] = []
    for entry in _entries(folder):
        path = os.path.join(folder, entry.name)
        mode = entry.stat(follow_symlinks=False).st_mode
        if stat.S_ISREG(mode) and entry.name in (TAG_NAME, ".gitignore"):
            files.append(path)
        elif stat.S_ISDIR(mode) and _VERSION.fullmatch(entry.name):
            for inner in _entries(path):
                inner_mode = inner.stat(follow_symlinks=False).st_mode
                if not (stat.S_ISREG(inner_mode) and _CACHE_FILE.fullmatch(inner.name)):
                    raise Refused(f"{os.path.join(path, inner.name)} is not a cache file")
                files.append(os.path.join(path, inner.name))
            folders.append(path)
        else:
            raise Refused(f"{path} is not part of a prism-lint cache")
    folders.append(folder)
    return files, folders


def _entries(folder: str) -> list[os.DirEntry[str]]:
    try:
        with os.scandir(folder) as it:
            return list(it)
    except OSError as exc:
        raise Refused(f"cannot list {folder}: {exc.strerror or exc}") from None
