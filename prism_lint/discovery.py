"""Which files to check: walk directories honouring .gitignore and excludes.

Dot directories are walked (prompts live in ``.github/`` and ``.cursor/``);
only the well-known tool and environment folders are excluded by default.
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterator
from dataclasses import dataclass

from prism_lint.config import Resolver, Settings
from prism_lint.extract import kind_of


@dataclass(frozen=True)
class Target:
    path: str
    kind: str
    named: bool  # given on the command line


def _excluded(name: str, rel: str, settings: Settings) -> bool:
    for pattern in (*settings.exclude, *settings.extend_exclude):
        if "/" in pattern.rstrip("/"):
            if fnmatch.fnmatch(rel, pattern.rstrip("/")) or fnmatch.fnmatch(
                rel, pattern.rstrip("/") + "/*"
            ):
                return True
        elif fnmatch.fnmatch(name, pattern.rstrip("/")):
            return True
    return False


class _GitIgnores:
    """The .gitignore files that apply to a directory, nearest last."""

    def __init__(self) -> None:
        self._specs: dict[str, object] = {}

    def load(self, directory: str) -> object | None:
        if directory in self._specs:
            return self._specs[directory]
        spec = None
        path = os.path.join(directory, ".gitignore")
        if os.path.isfile(path):
            import pathspec

            try:
                with open(path, encoding="utf-8", errors="replace") as fh:
                    spec = pathspec.GitIgnoreSpec.from_lines(fh)
            except OSError:
                spec = None
        self._specs[directory] = spec
        return spec

    def ignored(self, path: str, is_dir: bool, chain: list[tuple[str, object]]) -> bool:
        verdict = False
        for base, spec in chain:
            rel = os.path.relpath(path, base).replace(os.sep, "/")
            if is_dir:
                rel += "/"
            result = spec.check_file(rel)  # type: ignore[attr-defined]
            if result.include is not None:
                verdict = bool(result.include)
        return verdict


def _repo_root(start: str) -> str | None:
    current = os.path.abspath(start)
    while True:
        if os.path.exists(os.path.join(current, ".git")):
            return current
        parent = os.path.dirname(current)
        if parent == current:
            return None
        current = parent


def discover(
    paths: list[str], resolver: Resolver, *, force_exclude: bool = False
) -> Iterator[Target]:
    gitignores = _GitIgnores()
    seen: set[str] = set()
    for given in paths:
        if os.path.isfile(given) or not os.path.exists(given):
            settings = resolver.for_path(given)
            rel = os.path.relpath(given).replace(os.sep, "/")
            if force_exclude and any(
                _excluded(part, rel, settings) for part in rel.split("/") if part not in ("", "..")
            ):
                continue
            kind = kind_of(given, named=True, globs=settings.include)
            if kind and given not in seen:
                seen.add(given)
                yield Target(given, kind, True)
            continue
        yield from _walk(given, resolver, gitignores, seen)


def _walk(
    root: str, resolver: Resolver, gitignores: _GitIgnores, seen: set[str]
) -> Iterator[Target]:
    top = _repo_root(root)
    # .gitignore files between the repository root and the walk's root apply too.
    chain: list[tuple[str, object]] = []
    if top is not None:
        ancestors = []
        current = os.path.abspath(root)
        while True:
            ancestors.append(current)
            if current == top:
                break
            parent = os.path.dirname(current)
            if parent == current:
                break
            current = parent
        for directory in reversed(ancestors[1:]):
            spec = gitignores.load(directory)
            if spec is not None:
                chain.append((directory, spec))
    yield from _walk_dir(root, resolver, gitignores, chain, seen)


def _walk_dir(
    directory: str,
    resolver: Resolver,
    gitignores: _GitIgnores,
    chain: list[tuple[str, object]],
    seen: set[str],
) -> Iterator[Target]:
    settings = resolver.for_dir(os.path.abspath(directory))
    spec = gitignores.load(os.path.abspath(directory)) if settings.respect_gitignore else None
    if spec is not None:
        chain = [*chain, (os.path.abspath(directory), spec)]
    try:
        entries = sorted(os.scandir(directory), key=lambda e: e.name)
    except OSError:
        return
    for entry in entries:
        path = entry.path
        rel = os.path.relpath(path).replace(os.sep, "/")
        try:
            is_dir = entry.is_dir(follow_symlinks=False)
            is_file = entry.is_file()
        except OSError:
            continue
        if _excluded(entry.name, rel, settings):
            continue
        if (
            settings.respect_gitignore
            and chain
            and gitignores.ignored(os.path.abspath(path), is_dir, chain)
        ):
            continue
        if is_dir:
            yield from _walk_dir(path, resolver, gitignores, chain, seen)
        elif is_file:
            kind = kind_of(path, globs=settings.include)
            if kind and path not in seen:
                seen.add(path)
                yield Target(path, kind, False)
