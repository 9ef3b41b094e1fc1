"""The catalogue of Python call sites that carry prompts, loaded from ``call_sites.toml``.

The catalogue is data so that a new library is a TOML entry, not code. It is
read once per process, from the data folder (:func:`prism_lint.data.rules_dir`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from prism_lint.data import load_toml, rules_dir
from prism_lint.extract.shared.sites import names_regex, suffix_matches

CATALOGUE_FILE = "call_sites.toml"

SHAPES = ("text", "messages", "input", "contents", "config")
KINDS = ("call", "message", "crewai_agent", "crewai_task")
ROLES = ("system", "developer", "user", "assistant", "unknown")
_SITE_KEYS = {
    "library",
    "libraries",
    "callee",
    "imports",
    "when_kwargs",
    "kind",
    "role",
    "role_kw",
    "content",
    "syntax",
    "syntax_kw",
    "sections",
    "model_pos",
    "agent",
    "runs_agent",
    "args",
    "defer",
}
_ARG_KEYS = {"kw", "pos", "shape", "role", "label"}


def rules_path(name: str) -> Path:
    """Where a file of the top-level ``rules/`` folder is, installed or in a checkout."""
    return rules_dir() / name


@dataclass(frozen=True)
class ArgSpec:
    """One argument of a site, by keyword or position, and the shape it holds."""

    kw: str | None
    pos: int | None
    shape: str = "text"
    role: str = "unknown"
    label: str = ""


@dataclass(frozen=True)
class Site:
    """One catalogued call: where its prompt arguments are and how they are shaped."""

    library: str
    callees: tuple[tuple[str, ...], ...]
    libraries: tuple[str, ...] = ()
    imports: tuple[str, ...] = ()
    when_kwargs: tuple[str, ...] = ()
    kind: str = "call"
    role: str = "unknown"
    role_kw: str | None = None
    content: tuple[str | int, ...] = ()
    syntax: str | None = None
    syntax_kw: str | None = None
    sections: str | None = None
    model_pos: int | None = None
    agent: bool = False
    runs_agent: str | None = None
    args: tuple[ArgSpec, ...] = ()
    defer: bool = False

    @property
    def constrained(self) -> bool:
        return bool(self.imports or self.when_kwargs)


@dataclass
class Catalogue:
    """The call-site catalogue, indexed by a callee's last name."""

    by_last: dict[str, list[tuple[tuple[str, ...], Site]]] = field(default_factory=dict)
    generic_kwargs: dict[str, str] = field(default_factory=dict)
    media_parts: dict[str, str] = field(default_factory=dict)
    # keywords read as the user turn of a call that has a system keyword
    user_beside_system: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    _excluded: frozenset[str] | None = field(default=None, repr=False, compare=False)
    # in order of preference: the first keyword present wins
    model_kwargs: tuple[str, ...] = ()
    response_format_kwargs: tuple[str, ...] = ()
    tools_kwargs: tuple[str, ...] = ()
    # keywords of a model's constructor that let the model search the web itself
    model_search_kwargs: tuple[str, ...] = ()
    # a team's constructor -> which of its agents its run's task reaches
    # ("all" or "first")
    teams: dict[str, str] = field(default_factory=dict)
    # sequences whose later agents are each handed the one before's output
    ordered_teams: frozenset[str] = frozenset()
    libraries: tuple[tuple[str, str], ...] = ()  # (import root, label), longest root first
    prompt_name: re.Pattern[str] = re.compile(r"(?!)")
    name_patterns: tuple[str, ...] = ()  # what ``prompt_name`` is compiled from
    system_name: re.Pattern[str] = re.compile(r"(?!)")
    user_name: re.Pattern[str] = re.compile(r"(?!)")
    # last names every call of which is read as a site (a callee of one name
    # with no imports or keywords asked): never a project wrapper's call
    always_sites: frozenset[str] = frozenset()

    def user_turn_keywords(self, names: Iterable[str]) -> list[str]:
        """The keywords of a call (``names``) that are its user turn because a
        generic system keyword is beside them (``ask(inputs=q, sys_prompt=...)``):
        [generic.user_beside_system], none of them a prompt keyword itself."""
        present = set(names)
        if not any(self.generic_kwargs.get(n) == "system" for n in present):
            return []
        return [n for n in self.user_beside_system if n in present and n not in self.generic_kwargs]

    def candidates(self, parts: tuple[str, ...]) -> list[tuple[int, Site]]:
        """Sites whose callee is a suffix of ``parts``, as (suffix length, site)."""
        return suffix_matches(self.by_last, parts)

    def excluded(self, parts: tuple[str, ...], *, under: bool = True) -> bool:
        """Whether a callee (its dotted name's parts) is one whose prompt
        keywords are no LLM prompt: an excluded name (``input``), one ending
        the callee's name (``self.click.option``), or, ``under``, one the
        callee lies under (``questionary.text``). Asked of every call that
        passes a prompt keyword, so looked up by the name's ends."""
        names = self._excluded
        if names is None:
            names = self._excluded = frozenset(self.exclude)
        if not names:
            return False
        n = len(parts)
        if any(".".join(parts[i:]) in names for i in range(n)):
            return True
        return under and any(".".join(parts[:i]) in names for i in range(1, n))

    def library_of(self, module: str) -> str | None:
        for root, label in self.libraries:
            if module == root or module.startswith(root + "."):
                return label
        return None


def _site(raw: dict[str, Any]) -> Site:
    unknown = set(raw) - _SITE_KEYS
    if unknown:
        raise ValueError(f"unknown call-site keys {sorted(unknown)} in {raw.get('callee')}")
    args = []
    for a in raw.get("args", []):
        bad = set(a) - _ARG_KEYS
        if bad:
            raise ValueError(f"unknown argument keys {sorted(bad)} in {raw.get('callee')}")
        shape = a.get("shape", "text")
        role = a.get("role", "unknown")
        if shape not in SHAPES or role not in ROLES:
            raise ValueError(f"bad shape or role in {raw.get('callee')}: {a}")
        args.append(ArgSpec(a.get("kw"), a.get("pos"), shape, role, a.get("label", "")))
    kind = raw.get("kind", "call")
    if kind not in KINDS or raw.get("role", "unknown") not in ROLES:
        raise ValueError(f"bad kind or role in {raw.get('callee')}")
    return Site(
        library=raw.get("library", ""),
        callees=tuple(tuple(c.split(".")) for c in raw["callee"]),
        libraries=tuple(raw.get("libraries", ())),
        imports=tuple(raw.get("imports", ())),
        when_kwargs=tuple(raw.get("when_kwargs", ())),
        kind=kind,
        role=raw.get("role", "unknown"),
        role_kw=raw.get("role_kw"),
        content=tuple(raw.get("content", ())),
        syntax=raw.get("syntax"),
        syntax_kw=raw.get("syntax_kw"),
        sections=raw.get("sections"),
        model_pos=raw.get("model_pos"),
        agent=bool(raw.get("agent", False)),
        runs_agent=raw.get("runs_agent"),
        args=tuple(args),
        defer=bool(raw.get("defer", False)) or kind == "message",
    )


def parse_catalogue(data: dict[str, Any]) -> Catalogue:
    cat = Catalogue()
    for raw in data.get("site", []):
        site = _site(raw)
        for parts in site.callees:
            cat.by_last.setdefault(parts[-1], []).append((parts, site))
    cat.always_sites = frozenset(
        last
        for last, entries in cat.by_last.items()
        if any(len(parts) == 1 and not site.constrained for parts, site in entries)
    )
    generic = data.get("generic", {})
    cat.generic_kwargs = dict(generic.get("kwargs", {}))
    cat.media_parts = dict(generic.get("media_parts", {}))
    cat.user_beside_system = tuple(generic.get("user_beside_system", {}).get("keywords", ()))
    cat.exclude = tuple(generic.get("exclude", ()))
    cat.model_kwargs = tuple(generic.get("model_kwargs", ()))
    cat.response_format_kwargs = tuple(generic.get("response_format_kwargs", ()))
    cat.tools_kwargs = tuple(generic.get("tools_kwargs", ()))
    cat.model_search_kwargs = tuple(generic.get("model_search_kwargs", ()))
    libs = data.get("libraries", {})
    cat.libraries = tuple(sorted(libs.items(), key=lambda kv: -len(kv[0])))
    teams = data.get("teams", {})
    cat.teams = {name: kind for kind in ("all", "first") for name in teams.get(kind, ())}
    cat.ordered_teams = frozenset(teams.get("ordered", ()))
    names = data.get("names", {})
    cat.name_patterns = tuple(names.get("patterns", ()))
    cat.prompt_name = names_regex(list(cat.name_patterns))
    cat.system_name = names_regex(list(names.get("system", ())))
    cat.user_name = names_regex(list(names.get("user", ())))
    return cat


@lru_cache(maxsize=1)
def load_catalogue() -> Catalogue:
    return parse_catalogue(load_toml(CATALOGUE_FILE))
