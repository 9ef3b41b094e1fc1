"""JavaScript/TypeScript extractor: prompts at LLM call sites and in prompt-named constants.

tree-sitter parses the file (fast, and it recovers from syntax errors, so
the parts that parse are still read): ``.ts``/``.mts``/``.cts`` with the
TypeScript grammar, ``.tsx`` with TSX, everything else with JavaScript (which
reads JSX). A file that does not parse yields one problem pointing at the
first error, alongside whatever could be extracted. Declaration files and
minified bundles hold no prompts a person wrote, so they are skipped before
parsing.
"""

from __future__ import annotations

from prism_lint.extract import Comment, ExtractError, Extraction, ExtractOptions
from prism_lint.extract.javascript.catalogue import load_catalogue
from prism_lint.extract.javascript.grammar_gaps import tolerated
from prism_lint.extract.javascript.sites import SiteFinder
from prism_lint.extract.javascript.source import Node, Source, grammar_for, parse
from prism_lint.extract.javascript.units import Registry
from prism_lint.extract.javascript.values import Evaluator
from prism_lint.extract.shared.sites import code_extraction
from prism_lint.extract.shared.tree_source import syntax_problem as first_problem
from prism_lint.model import Document

_DECLARATION_SUFFIXES = (".d.ts", ".d.mts", ".d.cts")
_MINIFIED_SUFFIXES = (".min.js", ".min.mjs", ".min.cjs", "-min.js")
# A line this long is a bundle or a generated file, unless it is mostly prose.
LONG_LINE = 4000
_CODE_CHARS = ";{}()=,"
_CODE_DENSITY = 0.06


def skipped(doc: Document, options: ExtractOptions) -> bool:
    """Whether the file is a declaration file or a minified bundle."""
    name = doc.path.replace("\\", "/").rsplit("/", 1)[-1].lower()
    if name.endswith(_DECLARATION_SUFFIXES):
        return True
    if options.named_explicitly:
        return False
    if name.endswith(_MINIFIED_SUFFIXES):
        return True
    return is_minified(doc.text)


def is_minified(text: str) -> bool:
    """A line over ``LONG_LINE`` characters that reads as code, not as a long string."""
    if len(text) < LONG_LINE:
        return False
    for line in text.split("\n"):
        if len(line) > LONG_LINE:
            code = sum(line.count(c) for c in _CODE_CHARS)
            if code > _CODE_DENSITY * len(line):
                return True
    return False


def extract(doc: Document, options: ExtractOptions) -> Extraction:
    """Read prompts, comments and syntax problems out of one JavaScript/TypeScript file."""
    if skipped(doc, options):
        return Extraction()

    try:
        src = parse(doc, grammar_for(doc.path))
    except (ValueError, UnicodeError) as exc:  # text tree-sitter refuses outright
        raise ExtractError(f"cannot parse as JavaScript/TypeScript: {exc}") from exc
    comments = [c for node in src.captures.get("comment", ()) for c in comments_of(src, node)]
    ev = Evaluator(src)
    reg = Registry(src, ev.literal_nodes)
    finder = SiteFinder(src, ev, load_catalogue(), reg, options)
    return code_extraction(
        comments,
        syntax_problem(src),
        finder,
        reg,
        "file is nested too deeply to read all its prompts",
    )


def comments_of(src: Source, node: Node) -> list[Comment]:
    """A ``//`` comment, or each line of a ``/* */`` comment, without delimiters.

    A block comment is reported line by line so that a directive in it sits
    on its own row, as it would in a run of ``//`` comments.
    """
    start, end = src.span(node)
    text = src.doc.text
    loc = src.lines.location(start)
    own_line = not text[start - (loc.column - 1) : start].strip()
    raw = text[start:end]
    if raw.startswith("//"):
        return [Comment(src.doc, loc.row, raw[2:], own_line)]
    body = raw[2:-2] if raw.startswith("/*") and raw.endswith("*/") and len(raw) >= 4 else raw[2:]
    lines = body.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    out = [Comment(src.doc, loc.row, lines[0], own_line)]
    for i, line in enumerate(lines[1:], start=1):
        stripped = line.lstrip()
        if stripped.startswith("*"):
            stripped = stripped[1:]
        out.append(Comment(src.doc, loc.row + i, stripped, True))
    return out


def syntax_problem(src: Source) -> ExtractError | None:
    """One ``ExtractError`` at the first ERROR or MISSING node, if the tree
    has any, but those the grammar gets wrong (:mod:`.grammar_gaps`)."""
    return first_problem(src, "syntax error: unexpected {!r}", "syntax error", tolerated(src))
