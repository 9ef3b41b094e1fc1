"""The file formats prism-lint reads: one entry each, everything known about it.

Which files a format reads, which module extracts its prompts, how its
comments are written (for an "ignore this" edit), which conditional its
templates gate a persona with, how a fix is checked to leave it valid, which
editor languages it is, and whether reading it reads other files: every
module that treats formats differently asks here. Adding a format is one
extractor module and one entry in :data:`FORMATS`.

Modules are named, not imported: a run imports only the formats it meets.
"""

from __future__ import annotations

import importlib
from functools import cache
from typing import Any, Literal, NamedTuple

# Where an "ignore this" comment goes:
# - "end": at the end of the statement's last row (Python's noqa comment);
# - "above": on its own line above the finding's row;
# - "statement": on its own line above the statement the finding is in
#   (a ``#`` or ``//`` inside a string or template literal would be prompt text);
# - "key": as "statement", moved up to the key that opens a block scalar;
# - "cells": none in the file itself: each cell is edited as the code it is.
Placement = Literal["end", "above", "statement", "key", "cells"]
# What else a fix must leave as it was, besides the file still parsing:
# "one_value": only the edited string value of the data changes (YAML);
# "front_matter": the front matter is untouched.
Invariant = Literal["one_value", "front_matter"]


class Format(NamedTuple):
    """One file format and all that its modules need to know of it. (A named
    tuple: a frozen dataclass of this size costs a millisecond of every
    run's start-up to define.)"""

    kind: str  # the name the rest of prism-lint knows it by
    extractor: str  # module whose ``extract(doc, options)`` reads its prompts
    suffixes: tuple[str, ...]  # names ending so are this format (lower case, with the dot)
    # comment syntax (read): what the extractor hands over as comments, for
    # suppressions and task declarations
    comments: str
    # comment syntax (write): the own-line suppression, ``{codes}`` and
    # ``{reason}`` filled in (``str.format``); None: written as the Python ``noqa``
    ignore_comment: str | None
    placement: Placement
    # the conditional a persona is gated with when the prompt names no
    # template syntax of its own (:mod:`prism_lint.fix.gate`); None: no gate
    gate: str | None = None
    # ``module:function`` telling whether a text is still valid in the format
    verifier: str | None = None
    invariants: tuple[Invariant, ...] = ()
    # ``module:function`` that tidies the string literals a strip edited, for
    # formats whose prompts are literals in code; None: whole lines are tidied
    literals: str | None = None
    # editor language ids (LSP ``languageId``) and the suffix an untitled
    # buffer of that language is read with
    languages: tuple[tuple[str, str], ...] = ()
    # a prompt only where its name, its folder or its content says the file
    # is one (Markdown, text: most such files are documents); else wherever it is
    prose: bool = False
    reads_beside: bool = False  # its extractor may read other files (includes, partials)
    # its prompts may open with a title that names a role ("# Code Reviewer",
    # which a prompt of a whole file may be given: :mod:`prism_lint.prefilter`
    # reads its headings too)
    titles: bool = False
    # ``module:function(data) -> bytes | None``: the part of the file the
    # first pass reads (a notebook's code cells); None from it: the whole file
    first_pass_reads: str | None = None
    # ``module:function(head) -> bool``: the file's first 512 bytes show it
    # is no prompt file of the format (a recording of HTTP traffic in YAML)
    unread: str | None = None
    # documents of its own inside the file (notebook cells): ``module`` with
    # ``file_position`` and ``file_end_position`` mapping a cell's offsets into the file
    cells: str | None = None
    # pre-commit's file type tags (identify) that select this format's files
    precommit_types: tuple[str, ...] = ()


_ABOVE_HASH = "# prism: ignore[{codes}]{reason}"
_ABOVE_JINJA = "{{# prism: ignore[{codes}]{reason} #}}"
_ABOVE_HTML = "<!-- prism: ignore[{codes}]{reason} -->"
_ABOVE_HANDLEBARS = "{{{{! prism: ignore[{codes}]{reason} }}}}"

FORMATS: tuple[Format, ...] = (
    Format(
        "python",
        "prism_lint.extract.python.extractor",
        (".py", ".pyi"),
        "# ...",
        None,
        "end",
        verifier="prism_lint.fix.verify:python_parses",
        literals="prism_lint.fix.python:tidy_literals",
        languages=(("python", ".py"),),
        precommit_types=("python", "pyi"),
    ),
    Format(
        "notebook",
        "prism_lint.extract.notebook.extractor",
        (".ipynb",),
        "# ... (code cells)",
        None,
        "cells",
        languages=(("jupyter", ".ipynb"),),
        first_pass_reads="prism_lint.extract.notebook.extractor:code_of",
        cells="prism_lint.extract.notebook.positions",
        precommit_types=("jupyter",),
    ),
    Format(
        "markdown",
        "prism_lint.extract.text.extractor",
        (".md", ".markdown", ".mdc"),
        "<!-- ... -->",
        _ABOVE_HTML,
        "above",
        invariants=("front_matter",),
        languages=(("markdown", ".md"),),
        prose=True,
        precommit_types=("markdown",),
        titles=True,
    ),
    Format(
        "text",
        "prism_lint.extract.text.extractor",
        (".txt",),
        "<!-- ... -->",
        _ABOVE_HTML,
        "above",
        invariants=("front_matter",),
        languages=(("plaintext", ".txt"),),
        prose=True,
        precommit_types=("text",),
        titles=True,
    ),
    Format(
        "yaml",
        "prism_lint.extract.yaml.extractor",
        (".yaml", ".yml"),
        "# ...",
        _ABOVE_HASH,
        "key",
        verifier="prism_lint.fix.verify:yaml_loads",
        invariants=("one_value",),
        languages=(("yaml", ".yaml"),),
        reads_beside=True,
        unread="prism_lint.extract:recorded_traffic",
        precommit_types=("yaml",),
        titles=True,
    ),
    Format(
        "jinja",
        "prism_lint.extract.templates.jinja",
        (".j2", ".jinja", ".jinja2", ".jinja-md"),
        "{# ... #}",
        _ABOVE_JINJA,
        "above",
        gate="jinja",
        verifier="prism_lint.fix.verify:jinja_parses",
        languages=(("jinja", ".j2"), ("jinja2", ".j2")),
        reads_beside=True,
        precommit_types=("jinja",),
        titles=True,
    ),
    Format(
        "prompty",
        "prism_lint.extract.templates.prompty",
        (".prompty",),
        "{# ... #} or {{! ... }}",
        _ABOVE_JINJA,
        "above",
        gate="jinja",
        verifier="prism_lint.fix.verify:prompty_parses",
        invariants=("front_matter",),
        reads_beside=True,
        titles=True,
    ),
    Format(
        "dotprompt",
        "prism_lint.extract.templates.dotprompt",
        (".prompt",),
        "{{! ... }}",
        _ABOVE_HANDLEBARS,
        "above",
        gate="handlebars",
        verifier="prism_lint.fix.verify:dotprompt_parses",
        invariants=("front_matter",),
        reads_beside=True,
        titles=True,
    ),
    Format(
        "javascript",
        "prism_lint.extract.javascript.extractor",
        (".js", ".mjs", ".cjs", ".jsx", ".ts", ".mts", ".cts", ".tsx"),
        "// ... and /* ... */",
        "// prism: ignore[{codes}]{reason}",
        "statement",
        literals="prism_lint.fix.javascript:tidy_literals",
        verifier="prism_lint.fix.verify:javascript_parses",
        languages=(
            ("javascript", ".js"),
            ("javascriptreact", ".jsx"),
            ("typescript", ".ts"),
            ("typescriptreact", ".tsx"),
        ),
        precommit_types=("javascript", "ts"),
    ),
)

BY_KIND: dict[str, Format] = {f.kind: f for f in FORMATS}
BY_SUFFIX: dict[str, str] = {s: f.kind for f in FORMATS for s in f.suffixes}
PROSE_KINDS = frozenset(f.kind for f in FORMATS if f.prose)
READS_BESIDE = frozenset(f.kind for f in FORMATS if f.reads_beside)
TITLED = frozenset(f.kind for f in FORMATS if f.titles)
LANGUAGE_SUFFIX: dict[str, str] = {lang: suffix for f in FORMATS for lang, suffix in f.languages}


def format_of(kind: str | None) -> Format | None:
    """The format named ``kind``, or None (an unknown file, a pseudo-kind)."""
    return BY_KIND.get(kind) if kind is not None else None


def cell_positions(path: str) -> Any:
    """The module that maps a cell's offsets into the file at ``path``
    (``file_position``, ``file_end_position``, ``cell_source``), or None
    when its format has no cells."""
    dot = path.rfind(".")
    found = format_of(BY_SUFFIX.get(path[dot:].lower())) if dot > 0 else None
    return load(found.cells) if found is not None and found.cells else None


@cache
def load(dotted: str) -> Any:
    """The object ``module:name`` (or the module ``module``), imported on first use."""
    module, _, name = dotted.partition(":")
    found = importlib.import_module(module)
    return getattr(found, name) if name else found
