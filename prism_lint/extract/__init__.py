"""Extractors: one module per format, one function per module.

Each extractor module defines ``extract(doc: Document, options: ExtractOptions)
-> Extraction``. This package only knows which module reads which file, and
imports it on first use so that start-up stays cheap.
"""

from __future__ import annotations

import fnmatch
import importlib
import re
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any

from prism_lint.formats import BY_KIND, BY_SUFFIX, FORMATS, PROSE_KINDS
from prism_lint.model import Document, PromptUnit


class ExtractError(Exception):
    """The file cannot be read as its format says; one diagnostic, run goes on."""

    def __init__(
        self,
        message: str,
        row: int = 1,
        column: int = 1,
        code: str = "PRS900",
        doc: Document | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.row = row
        self.column = column
        self.code = code
        self.doc = doc  # a notebook cell it is in: row and column are the cell's


# What every directive a comment can hold spells (:mod:`prism_lint.suppression`):
# a comment without it is read for nothing, and a file without it anywhere
# needs none of its comments.
DIRECTIVE_WORDS = re.compile(r"(?i)prism|noqa")
# Characters that pattern takes for a letter of those words and ``str.lower``
# does not give it (dotted and dotless I, the long s).
_FOLDED = re.compile("[\u0130\u0131\u017f]")


def spells_directive(text: str) -> bool:
    """Whether ``text`` holds what :data:`DIRECTIVE_WORDS` finds. The words
    are looked for in the lower-cased text: a case-insensitive pattern reads
    a whole module several times slower, and every module is asked."""
    if not text.isascii() and _FOLDED.search(text):
        return DIRECTIVE_WORDS.search(text) is not None
    low = text.lower()
    return "prism" in low or "noqa" in low


@dataclass
class Comment:
    """A comment in the file's own syntax, for suppressions and declarations."""

    doc: Document
    row: int  # 1-based row of the comment's start
    text: str  # the body, without delimiters (``#``, ``<!-- -->``, ``{# #}``)
    own_line: bool  # nothing but white space precedes it on its row


@dataclass
class Extraction:
    """What an extractor found in one file: prompts, comments and problems."""

    units: list[PromptUnit] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)
    # Non-fatal problems (a cell that does not parse, an unresolved source).
    problems: list[ExtractError] = field(default_factory=list)
    # Python: the module's wrappers and the names that reach its calls
    # (python_flow.Table), which other modules of the project read
    learned: Any = None


@dataclass
class ExtractOptions:
    """Settings extractors need; filled from the user's configuration."""

    extra_call_sites: dict[str, str] = field(default_factory=dict)  # "pkg.fn" -> role
    extra_prompt_names: list[str] = field(default_factory=list)  # fnmatch on names
    named_explicitly: bool = False  # the user named this file on the command line
    # Reads another file of the project (a YAML config, an included
    # template); returns None when it cannot. Set by the engine.
    read_related: Callable[[str], str | None] | None = None
    # Whether a text holds a persona cue (the first pass's own test): calls
    # whose arguments do are the ones whose callee's module is worth reading.
    # Set by the engine; without it every such call is taken to (a module
    # more is read, never one less).
    persona_cue: Callable[[str], bool] | None = None
    # Whether to learn those modules at all (``Table.imports``): only a
    # check's run reads them; the inventory reads every module that may
    # hold a prompt anyway, and working them out walks every call's
    # arguments.
    learn_imports: bool = True
    # What ``persona_cue`` answers by besides the text (the project's own
    # vocabulary words): part of :meth:`learning_key`.
    persona_cue_key: Hashable = None

    def sends_persona(self, texts: list[str]) -> bool:
        return self.persona_cue is None or self.persona_cue("\n".join(texts))

    def learning_key(self) -> Hashable:
        """What a module's table (its wrappers, sinks, imports) depends on
        besides its text: what a reading of the same text keeps it under."""
        return (
            tuple(sorted(self.extra_call_sites.items())),
            tuple(self.extra_prompt_names),
            self.named_explicitly,
            self.persona_cue,
            self.persona_cue_key,
            self.learn_imports,
        )


ExtractFn = Callable[[Document, ExtractOptions], Extraction]

# The module that reads each format (:mod:`prism_lint.formats`), and the one
# that reads a prose file its content calls a prompt (see the engine).
_MODULES: dict[str, str] = {f.kind: f.extractor for f in FORMATS}
_MODULES["prose"] = BY_KIND["text"].extractor

# Markdown and text files that are prompts wherever they sit.
PROMPT_FILE_NAMES = (
    "AGENTS.md",
    "CLAUDE.md",
    "SKILL.md",
    "GEMINI.md",
    ".cursorrules",
    ".windsurfrules",
    "copilot-instructions.md",
)
PROMPT_FILE_GLOBS = (
    "*.prompt.md",
    "*.instructions.md",
    "*.mdc",
    "*.prompt.txt",
    "*_prompt.md",
    "*-prompt.md",
    "*_prompt.txt",
    "*-prompt.txt",
)
# Folders whose .md/.txt files are prompts (fabric patterns, prompt libraries).
PROMPT_DIR_NAMES = frozenset(
    {
        "prompts",
        "prompt",
        "prompt-library",
        "prompt_library",
        "prompt-templates",
        "prompt_templates",
        "prompttemplates",
        "system-prompts",
        "system_prompts",
        "instructions",
        "agent_prompts",
        "personas",
    }
)
# fabric keeps each pattern as data/patterns/<name>/system.md (+ user.md).
FABRIC_NAMES = ("system.md", "user.md")
SYSTEM_PROMPT_NAMES = (
    "system_prompt.md",
    "system-prompt.md",
    "system_prompt.txt",
    "system-prompt.txt",
)


# Formats read wherever their files are; Markdown and text only where the
# name, the folder or the content says the file is a prompt.
_BY_SUFFIX = {suffix: kind for suffix, kind in BY_SUFFIX.items() if kind not in PROSE_KINDS}
_TEXTUAL = tuple(suffix for suffix, kind in BY_SUFFIX.items() if kind in PROSE_KINDS)
_MARKDOWN = tuple(BY_KIND["markdown"].suffixes)
PROSE = "prose"  # a Markdown or text file only its content can call a prompt
# A project's own documents speak to its reader, even when they say "You are".
_PROJECT_DOCS = frozenset(
    {
        "readme",
        "changelog",
        "changes",
        "history",
        "contributing",
        "code_of_conduct",
        "security",
        "license",
        "notice",
        "authors",
        "requirements",
        "support",
        "governance",
        "codeowners",
    }
)
# A VCR cassette (vcrpy, pytest-recording): an HTTP exchange recorded by a
# test, prompts included. The prompt's source is the code that sent it. Each
# line before it reads one way only (a comment keeps its "\r"), so a head of
# many comment lines fails at once rather than in every way of splitting it.
_RECORDING = re.compile(
    rb"\A(?:\xef\xbb\xbf)?(?:[ \t]*(?:#[^\n]*|\r)?\n|---[^\n]*\n)*"
    rb"interactions:[ \t]*\r?\n-[ \t]+request:"
)


def recorded_traffic(head: bytes) -> bool:
    """Whether a YAML file (its first bytes) is recorded HTTP traffic rather
    than prompts a person keeps: the YAML extractor does not read it, and the
    first pass leaves it out."""
    return _RECORDING.match(head) is not None


_GLOB_SUFFIXES = tuple(g.lstrip("*") for g in PROMPT_FILE_GLOBS)


def _suffix(name: str) -> str:
    dot = name.rfind(".")
    return name[dot:].lower() if dot > 0 else ""


# The suffixes (as kind_in reads them) of every name a prose prompt file can have.
_MAYBE_PROSE = frozenset(
    {*_TEXTUAL, *map(_suffix, PROMPT_FILE_NAMES), *(_suffix("x" + g) for g in _GLOB_SUFFIXES)}
)


def kind_of(path: str, *, named: bool = False, globs: tuple[str, ...] = ()) -> str | None:
    """Which extractor reads ``path``; None when it holds no prompts by default.

    A file named on the command line, or matched by a configured glob, is
    always read: as its format when known, else as one plain-text prompt.
    """
    path = path.replace("\\", "/")
    slash = path.rfind("/")
    return kind_in(path[: slash + 1], path[slash + 1 :], named=named, globs=globs)


def kind_in(
    folder: str, name: str, *, named: bool = False, globs: tuple[str, ...] = ()
) -> str | None:
    """:func:`kind_of` for the file ``name`` in ``folder`` ("" or ending in
    "/"), as a walk has them. Called for every file of a tree, so it sticks
    to string operations and reads the folder only when the name cannot say."""
    suffix = _suffix(name)
    kind = _BY_SUFFIX.get(suffix)
    if kind is not None:
        return kind
    if suffix not in _MAYBE_PROSE and not globs and not named:
        return None  # most names of a tree: no prompt file name ends like this
    lower = name.lower()
    prose = "markdown" if suffix in _MARKDOWN else "text"
    if name in PROMPT_FILE_NAMES or lower.endswith(_GLOB_SUFFIXES):
        return prose
    if suffix in _TEXTUAL:
        parts = {part.lower() for part in folder[:-1].split("/")}
        if (
            parts & PROMPT_DIR_NAMES
            or (lower in FABRIC_NAMES and "patterns" in parts)
            or lower in SYSTEM_PROMPT_NAMES
        ):
            return prose
    if (globs and _matches_glob(folder + name, name, globs)) or named:
        return prose
    if suffix in _TEXTUAL and lower.rsplit(".", 1)[0] not in _PROJECT_DOCS:
        return PROSE  # a prompt if its content says so (extract/text/prose.py)
    return None


def prose_kind(path: str) -> str:
    """The kind of a prose file read as a prompt: Markdown or plain text."""
    return "markdown" if _suffix(path.rsplit("/", 1)[-1]) in _MARKDOWN else "text"


def _matches_glob(path: str, name: str, globs: tuple[str, ...]) -> bool:
    """Configured globs are relative to the project: match them at any depth."""
    return any(
        fnmatch.fnmatch(path, g) or fnmatch.fnmatch(path, "*/" + g) or fnmatch.fnmatch(name, g)
        for g in globs
    )


def extractor(kind: str) -> ExtractFn:
    """Import the extractor module for ``kind`` on first use."""
    fn = _LOADED.get(kind)
    if fn is None:
        module = importlib.import_module(_MODULES[kind])
        fn = module.extract
        _LOADED[kind] = fn
    return fn


_LOADED: dict[str, ExtractFn] = {}
