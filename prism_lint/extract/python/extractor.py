"""Python extractor: prompts at LLM call sites, in prompt-like code shapes, and comments.

tree-sitter parses the file (fast, and it recovers from syntax errors, so
the parts that parse are still read). A file that does not parse yields one
problem pointing at the first error, alongside whatever could be extracted.
"""

from __future__ import annotations

from typing import Any

from prism_lint.extract import (
    Comment,
    ExtractError,
    Extraction,
    ExtractOptions,
    spells_directive,
)
from prism_lint.extract.python.catalogue import load_catalogue
from prism_lint.extract.python.sites import SiteFinder
from prism_lint.extract.python.source import Source, parse
from prism_lint.extract.python.units import Registry
from prism_lint.extract.python.values import Evaluator
from prism_lint.extract.shared.sites import code_extraction
from prism_lint.extract.shared.tree_source import TreeSource
from prism_lint.extract.shared.tree_source import syntax_problem as first_problem
from prism_lint.model import Document


def extract(doc: Document, options: ExtractOptions) -> Extraction:
    """Read prompts, comments and syntax problems out of one Python document."""

    try:
        src = parse(doc)
    except (ValueError, UnicodeError) as exc:  # text tree-sitter refuses outright
        raise ExtractError(f"cannot parse as Python: {exc}") from exc
    comments = []
    text = doc.text
    # only a comment spelling a directive's word can hold one: a module with
    # none hands over none (most modules have many comments and no directive)
    for node in src.captures.get("comment", ()) if spells_directive(text) else ():
        start, end = src.span(node)
        loc = src.lines.location(start)
        line_start = start - (loc.column - 1)
        body = text[start + 1 : end] if text.startswith("#", start) else text[start:end]
        own_line = not text[line_start:start].strip()
        comments.append(Comment(doc, loc.row, body, own_line))
    finder = finder_of(src, options)
    return code_extraction(
        comments,
        syntax_problem(src),
        finder,
        finder.reg,
        "code nested too deeply to read every prompt",
    )


def learn(doc: Document, options: ExtractOptions) -> Any:
    """What the module teaches the project's table, as :func:`extract` would
    find it (``Extraction.learned``) with no project's table set, without
    reading its prompts. Raises what parsing raises."""
    finder = finder_of(parse(doc), options)
    finder.learn_flow()
    return finder.learned


def finder_of(src: Source, options: ExtractOptions) -> SiteFinder:
    """The reader of a parsed module's calls, with its evaluator and the
    registry its prompts are drafted in."""
    ev = evaluator(src)
    return SiteFinder(src, ev, load_catalogue(), Registry(src, ev.literal_nodes), options)


def evaluator(src: Source) -> Evaluator:
    """The module's evaluator, kept with its parse: what an expression
    evaluates to depends on the module's text alone, so the reading of its
    prompts takes what learning its table worked out."""
    ev: Evaluator | None = src.memo.get("evaluator")
    if ev is None:
        ev = src.memo["evaluator"] = Evaluator(src)
    ev.src = src  # the same text, read as this document
    return ev


def syntax_problem(src: object) -> ExtractError | None:
    """One ``ExtractError`` at the first ERROR or MISSING node, if the tree has any."""

    assert isinstance(src, TreeSource)
    return first_problem(
        src, "syntax error: invalid syntax near {!r}", "syntax error: invalid syntax"
    )
