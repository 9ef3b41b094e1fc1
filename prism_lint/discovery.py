"""Which files to check: walk directories honouring .gitignore and excludes.

Dot directories are walked (prompts live in ``.github/`` and ``.cursor/``);
only the well-known tool and environment folders are excluded by default.
The walk runs over every file of a tree, so it works on plain strings and
asks the (slower) gitignore matcher only about candidates.
"""

from __future__ import annotations

import fnmatch
import operator
import os
import re
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from prism_lint.config import ConfigError, Resolver, Settings
from prism_lint.extract import kind_in, kind_of
from prism_lint.reading import project_root, read_file, repository_of


@dataclass(frozen=True)
class Target:
    """A file to check: how it is shown, its format, and whether it was named."""

    path: str
    kind: str
    named: bool  # given on the command line


@dataclass(frozen=True)
class _Excludes:
    """A configuration's exclude patterns, split into the quick cases."""

    names: frozenset[str]  # exact names
    name_re: re.Pattern[str] | None  # globs on a name
    path_globs: tuple[str, ...]  # globs on a relative path

    def hit(self, name: str, rel: str) -> bool:
        if name in self.names or (self.name_re is not None and self.name_re.match(name)):
            return True
        return bool(self.path_globs) and any(
            fnmatch.fnmatch(rel, g) or fnmatch.fnmatch(rel, g + "/*") for g in self.path_globs
        )


@lru_cache(maxsize=64)
def _excludes(patterns: tuple[str, ...]) -> _Excludes:
    names, globs, paths = set(), [], []
    for raw in patterns:
        p = raw.rstrip("/")
        if "/" in p:
            paths.append(p.removeprefix("./"))
        elif any(ch in p for ch in "*?["):
            globs.append(fnmatch.translate(p))
        else:
            names.add(p)
    regex = re.compile("|".join(globs)) if globs else None
    return _Excludes(frozenset(names), regex, tuple(paths))


def excludes_for(settings: Settings) -> _Excludes:
    return _excludes((*settings.exclude, *settings.extend_exclude))


@dataclass
class _Ignore:
    """One .gitignore, ready for many paths. Most paths match none of its
    patterns; asking pathspec pattern by pattern cost more than the rest of
    a warm run on a tree with a long .gitignore. So each pattern's longest
    literal ("node_modules", ".pyc") is looked for in one Aho-Corasick pass,
    only patterns whose literal is there (or that have none) are tried, and
    pathspec has the last word on a path one of them matches."""

    spec: Any
    literals: Any  # DFA over the literals; None when no pattern has one
    owners: list[list[Any]]  # by literal index: the patterns' compiled regexes
    always: list[Any]  # regexes of patterns with no literal to look for

    @classmethod
    def of(cls, spec: Any) -> _Ignore:
        by_literal: dict[str, list[Any]] = {}
        always: list[Any] = []
        for p in spec.patterns:
            regex = getattr(p, "regex", None)
            if p.include is None or regex is None:
                continue
            literal = _literal(str(getattr(p, "pattern", "") or ""))
            if literal:
                by_literal.setdefault(literal, []).append(regex)
            else:
                always.append(regex)
        literals = None
        if by_literal:
            import ahocorasick_rs

            literals = ahocorasick_rs.AhoCorasick(
                list(by_literal), implementation=ahocorasick_rs.Implementation.DFA
            )
        return cls(spec, literals, list(by_literal.values()), always)

    def check(self, rel: str) -> bool | None:
        """True (ignored), False (re-included) or None (no pattern matches)."""
        if not self._any_match(rel):
            return None
        result = self.spec.check_file(rel)
        return None if result.include is None else bool(result.include)

    def _any_match(self, rel: str) -> bool:
        if any(r.match(rel) for r in self.always):
            return True
        if self.literals is None:
            return False
        for index, _start, _end in self.literals.find_matches_as_indexes(rel, overlapping=True):
            if any(r.match(rel) for r in self.owners[index]):
                return True
        return False


# A bracket expression ("[Ll]", "[!a-z]", "[]a]": a "]" first is a member),
# a wildcard, a separator or an escape ends a run of plain characters.
_GLOB_SPLIT = re.compile(r"\[!?\]?[^\]]*\]|[*?/\\\[\]]")


def _literal(line: str) -> str:
    """The longest run of plain characters a path matching ``line`` holds."""
    body = line.strip()
    if body.startswith("!"):
        body = body[1:]
    runs = _GLOB_SPLIT.split(body)
    best = max(runs, key=len) if runs else ""
    return best if len(best) >= 2 else ""


class _GitIgnores:
    """Loads each directory's .gitignore once."""

    def __init__(self) -> None:
        self._specs: dict[str, _Ignore | None] = {}

    def load(self, directory: str, names: frozenset[str] | None = None) -> _Ignore | None:
        """``names``: the directory's entries, when the caller has listed them."""
        if directory in self._specs:
            return self._specs[directory]
        spec = None
        path = os.path.join(directory, ".gitignore")
        if (names is None or ".gitignore" in names) and os.path.isfile(path):
            import pathspec

            from prism_lint import regex_cache

            try:
                raw = read_file(path, lambda: project_root(path), 1024 * 1024)
                lines = raw.decode("utf-8", errors="replace").splitlines()
                with regex_cache.not_kept():  # a tree's own patterns: not for other runs
                    spec = _Ignore.of(_gitignore_spec(pathspec, lines))
            except OSError:
                spec = None
        self._specs[directory] = spec
        return spec


def _gitignore_spec(pathspec: Any, lines: list[str]) -> Any:
    """The spec of a .gitignore's lines. A line git accepts and pathspec
    does not ("!", a lone "\\", the empty range "[z-a]") matches nothing in
    git: it is left out, rather than costing the run."""
    try:
        return pathspec.GitIgnoreSpec.from_lines(lines)
    except (ValueError, re.error):  # GitIgnorePatternError is a ValueError
        pass
    kept = []
    for line in lines:
        try:
            pathspec.GitIgnoreSpec.from_lines([line])
        except (ValueError, re.error):
            continue
        kept.append(line)
    return pathspec.GitIgnoreSpec.from_lines(kept)


def _ignored(rel_to: list[tuple[str, _Ignore]], path: str, is_dir: bool) -> bool:
    """Last matching rule wins, deeper .gitignore files after shallower ones."""
    verdict = False
    for base, ignore in rel_to:
        rel = path[len(base) + 1 :] if base else path
        if is_dir:
            rel += "/"
        found = ignore.check(rel)
        if found is not None:
            verdict = found
    return verdict


def _repo_root(start: str) -> str | None:
    return repository_of(os.path.abspath(start))


def discover(
    paths: list[str], resolver: Resolver, *, force_exclude: bool = False
) -> Iterator[Target]:
    gitignores = _GitIgnores()
    seen: set[str] = set()
    for given in paths:
        # one stat a path: pre-commit names every file it checks
        try:
            mode: int | None = os.stat(given).st_mode
        except (OSError, ValueError):
            mode = None  # missing, a broken link, unreadable: read (and reported) as a file
        if mode is not None and not stat.S_ISDIR(mode) and not stat.S_ISREG(mode):
            # a FIFO, device or socket named on the command line: never read,
            # but reported (one PRS900 finding), not passed over as clean
            real = os.path.abspath(given)
            if real not in seen:
                seen.add(real)
                yield Target(given, kind_of(given, named=True) or "text", True)
            continue
        if mode is None or stat.S_ISREG(mode):
            settings = resolver.for_path(given)
            if force_exclude:
                rel = os.path.relpath(given).replace(os.sep, "/")
                ex = excludes_for(settings)
                if any(ex.hit(part, rel) for part in rel.split("/") if part not in ("", ".", "..")):
                    continue
            kind = kind_of(given, named=True, globs=settings.include)
            real = os.path.abspath(given)
            if kind and real not in seen:
                seen.add(real)
                yield Target(given, kind, True)
            continue
        try:  # a folder named on the command line that cannot be read is an error, not a pass
            with os.scandir(given):
                pass
        except OSError as exc:
            raise ConfigError(f"{given}: cannot read folder: {exc.strerror or exc}") from None
        yield from _walk(given, resolver, gitignores, seen)


def _walk(
    root: str, resolver: Resolver, gitignores: _GitIgnores, seen: set[str]
) -> Iterator[Target]:
    top = _repo_root(root)
    absroot = os.path.abspath(root)
    chain: list[tuple[str, _Ignore]] = []
    if top is not None and resolver.for_dir(absroot).respect_gitignore:
        # .gitignore files between the repository root and the walk's root apply too.
        ancestors = []
        current = absroot
        while current != top:
            parent = os.path.dirname(current)
            if parent == current:
                break
            ancestors.append(parent)
            current = parent
        for directory in reversed(ancestors):
            spec = gitignores.load(directory)
            if spec is not None:
                chain.append((directory, spec))
    display = root.rstrip("/") if root not in ("/", "") else root
    yield from _walk_dir(absroot, display, resolver, gitignores, chain, seen)


_BY_NAME = operator.attrgetter("name")


@dataclass
class _Folder:
    """A folder being walked: its entries still to look at, and what applies to them."""

    absdir: str
    entries: Iterator[os.DirEntry[str]]
    prefix: str  # the folder as shown, with a final "/" ("" for ".")
    folder: str  # as kind_of reads a path
    hit: Callable[[str, str], bool]  # the excludes
    include: tuple[str, ...]  # configured globs
    chain: list[tuple[str, _Ignore]]  # the .gitignore files above and in it
    use_git: bool  # whether they apply here


def _open_folder(
    absdir: str,
    display: str,
    resolver: Resolver,
    gitignores: _GitIgnores,
    chain: list[tuple[str, _Ignore]],
) -> _Folder | None:
    try:
        with os.scandir(absdir) as it:
            entries = sorted(it, key=_BY_NAME)
    except OSError:
        return None
    names = frozenset(e.name for e in entries)  # spares a stat per config file name
    settings = resolver.for_dir(absdir, names)
    ex = excludes_for(settings)
    use_git = settings.respect_gitignore
    if use_git:
        spec = gitignores.load(absdir, names)
        if spec is not None:
            chain = [*chain, (absdir, spec)]
    prefix = "" if display in (".", "") else display + "/"
    folder = prefix.replace("\\", "/")
    return _Folder(absdir, iter(entries), prefix, folder, ex.hit, settings.include, chain, use_git)


def _walk_dir(
    absdir: str,
    display: str,
    resolver: Resolver,
    gitignores: _GitIgnores,
    chain: list[tuple[str, _Ignore]],
    seen: set[str],
) -> Iterator[Target]:
    """The files to check under ``absdir``, folders and files in name order,
    each folder's files where the folder sorts. Walked with a stack of open
    folders rather than by recursion: a file is handed up through no
    generator per level, and no nesting, however deep, exhausts the stack."""
    top = _open_folder(absdir, display, resolver, gitignores, chain)
    if top is None:
        return
    stack = [top]
    while stack:
        level = stack[-1]
        absdir, prefix, hit, chain_here = level.absdir, level.prefix, level.hit, level.chain
        ignoring = level.use_git and bool(chain_here)
        for entry in level.entries:
            name = entry.name
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
            except OSError:
                continue
            if is_dir:
                shown = prefix + name
                if hit(name, shown):
                    continue
                abspath = absdir + "/" + name
                if ignoring and _ignored(chain_here, abspath, True):
                    continue
                sub = _open_folder(abspath, shown, resolver, gitignores, chain_here)
                if sub is not None:
                    stack.append(sub)
                    break  # into the folder; this one goes on where it stopped
                continue
            # most files of a tree hold no prompt by their name: told before
            # the excludes are asked (a documentation tree: tens of thousands
            # of pages)
            kind = kind_in(level.folder, name, globs=level.include)
            if kind is None:
                continue
            shown = prefix + name
            if hit(name, shown):
                continue
            abspath = absdir + "/" + name
            if abspath in seen:
                continue
            try:
                if not entry.is_file():
                    continue
            except OSError:
                continue
            if ignoring and _ignored(chain_here, abspath, False):
                continue
            seen.add(abspath)
            yield Target(shown, kind, False)
        else:
            stack.pop()
