"""What the Python and JavaScript/TypeScript site finders share.

Both match a call by the dotted suffix of its callee, take extra call sites
and prompt names from the configuration, tell a role from a variable's name
and from a role word, start from the same finder state and return a file's
comments, problem and prompts the same way, under one last guard against
deep nesting. The calls and values they read differ by language; these steps
do not, so they are written once here.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable, Sequence
from typing import Any, Generic, Protocol, TypeVar

from prism_lint.extract import Comment, ExtractError, Extraction, ExtractOptions
from prism_lint.model import Document, PromptUnit

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


def suffix_matches(
    by_last: dict[str, list[tuple[tuple[str, ...], T]]], parts: tuple[str, ...]
) -> list[tuple[int, T]]:
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


class HasDocument(Protocol):
    """A parsed file: its document is what every finder reads text from."""

    doc: Document


class Finder(Protocol):
    learned: Any

    def run(self) -> None: ...


class Drafts(Protocol):
    def units(self, comments_by_row: dict[int, list[str]]) -> list[PromptUnit]: ...


SrcT = TypeVar("SrcT", bound=HasDocument)
EvT = TypeVar("EvT")
CatT = TypeVar("CatT", bound=NamePatterns)
RegT = TypeVar("RegT")


class FinderBase(Generic[SrcT, EvT, CatT, RegT]):
    """What a code file's site finder starts from, in either language: the
    parse, its value reader, the catalogue, the drafts it fills and the
    configured extra sites and prompt names."""

    def __init__(self, src: SrcT, ev: EvT, cat: CatT, reg: RegT, options: ExtractOptions) -> None:
        self.src = src
        self.ev = ev
        self.cat = cat
        self.reg = reg
        self.extract_options = options
        self.text = src.doc.text
        self.extra = extra_sites(options)
        self.name_re = prompt_name_regex(cat, options)


def code_extraction(
    comments: Iterable[Comment],
    problem: ExtractError | None,
    finder: Finder,
    drafts: Drafts,
    too_deep: str,
) -> Extraction:
    """What a code extractor returns once its file is parsed: the comments in
    row order, the first syntax problem, and the prompts the finder reads.

    Reading is bounded everywhere; a file nested past Python's recursion
    limit is the last guard, and what was read before it tripped is kept.
    """
    out = Extraction()
    comments_by_row: dict[int, list[str]] = {}
    for comment in sorted(comments, key=lambda c: c.row):
        out.comments.append(comment)
        comments_by_row.setdefault(comment.row, []).append(comment.text)
    if problem is not None:
        out.problems.append(problem)
    try:
        finder.run()
    except RecursionError:
        out.problems.append(ExtractError(too_deep))
    out.learned = finder.learned
    out.units = drafts.units(comments_by_row)
    return out
