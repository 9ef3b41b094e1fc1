"""What the Python and JavaScript/TypeScript site finders share.

Both match a call by the dotted suffix of its callee, take extra call sites
and prompt names from the configuration, tell a role from a variable's name
and from a role word, and read a file's sites under one last guard against
deep nesting. The calls and values they read differ by language; these steps
do not, so they are written once here.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Callable, Sequence
from typing import Protocol, TypeVar

from prism_lint.extract import ExtractError, Extraction, ExtractOptions

# A role word as written (``human``, ``ai``, ``bot``) -> the role it stands for.
ROLE_NAMES = {
    "system": "system",
    "developer": "developer",
    "user": "user",
    "human": "user",
    "assistant": "assistant",
    "ai": "assistant",
    "model": "assistant",
    "bot": "assistant",
    "chatbot": "assistant",
}

T = TypeVar("T")
ExtraSites = dict[str, list[tuple[tuple[str, ...], str]]]


class NamePatterns(Protocol):
    """The part of a catalogue that tells a prompt's role from its name."""

    prompt_name: re.Pattern[str]
    system_name: re.Pattern[str]
    user_name: re.Pattern[str]


def names_regex(patterns: Sequence[str]) -> re.Pattern[str]:
    """One case-insensitive regex for fnmatch-style name patterns."""
    if not patterns:
        return re.compile(r"(?!)")
    return re.compile("|".join(fnmatch.translate(p) for p in patterns), re.IGNORECASE)


def suffix_matches(by_last: dict[str, list[tuple[tuple[str, ...], T]]],
                   parts: tuple[str, ...]) -> list[tuple[int, T]]:
    """Sites whose callee is a suffix of ``parts``, as (suffix length, site)."""
    out = []
    for pattern, site in by_last.get(parts[-1], ()):
        n = len(pattern)
        if n <= len(parts) and parts[-n:] == pattern:
            out.append((n, site))
    return out


def extra_sites(options: ExtractOptions) -> ExtraSites:
    """Configured extra call sites, by the last part of their dotted callee."""
    out: ExtraSites = {}
    for dotted, role in options.extra_call_sites.items():
        parts = tuple(dotted.split("."))
        out.setdefault(parts[-1], []).append((parts, role))
    return out


def prompt_name_regex(cat: NamePatterns, options: ExtractOptions) -> re.Pattern[str]:
    """The catalogue's prompt-name regex, widened by configured extra prompt names."""
    if not options.extra_prompt_names:
        return cat.prompt_name
    return re.compile(
        cat.prompt_name.pattern + "|" + names_regex(options.extra_prompt_names).pattern,
        re.IGNORECASE,
    )


def name_role(cat: NamePatterns, name: str) -> str:
    """The role a prompt-named variable's name suggests (``SYSTEM_PROMPT``: system)."""
    if cat.system_name.match(name):
        return "system"
    if cat.user_name.match(name):
        return "user"
    return "unknown"


def read_sites(out: Extraction, run: Callable[[], None], too_deep: str) -> None:
    """Run a site finder; if the file is nested past Python's recursion limit, say so.

    Reading is bounded everywhere; this is the last guard, and what was read
    before it tripped is kept.
    """
    try:
        run()
    except RecursionError:
        out.problems.append(ExtractError(too_deep))
