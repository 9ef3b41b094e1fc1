"""Python extractor: prompts at LLM call sites, in prompt-like code shapes, and comments.

tree-sitter parses the file (fast, and it recovers from syntax errors, so
the parts that parse are still read). A file that does not parse yields one
problem pointing at the first error, alongside whatever could be extracted.
"""

from __future__ import annotations

from prism_lint.extract import Comment, ExtractError, Extraction, ExtractOptions
from prism_lint.model import Document


def extract(doc: Document, options: ExtractOptions) -> Extraction:
    """Read prompts, comments and syntax problems out of one Python document."""
    from prism_lint.extract.python_catalogue import load_catalogue
    from prism_lint.extract.python_sites import SiteFinder
    from prism_lint.extract.python_source import parse
    from prism_lint.extract.python_units import Registry
    from prism_lint.extract.python_values import Evaluator

    try:
        src = parse(doc)
    except (ValueError, UnicodeError) as exc:  # text tree-sitter refuses outright
        raise ExtractError(f"cannot parse as Python: {exc}") from exc
    out = Extraction()
    comments_by_row: dict[int, list[str]] = {}
    text = doc.text
    for node in src.captures.get("comment", ()):
        start, end = src.span(node)
        loc = src.lines.location(start)
        line_start = start - (loc.column - 1)
        body = text[start + 1:end] if text.startswith("#", start) else text[start:end]
        own_line = not text[line_start:start].strip()
        out.comments.append(Comment(doc, loc.row, body, own_line))
        comments_by_row.setdefault(loc.row, []).append(body)
    out.comments.sort(key=lambda c: c.row)
    problem = syntax_problem(src)
    if problem is not None:
        out.problems.append(problem)
    ev = Evaluator(src)
    reg = Registry(src, ev.literal_nodes)
    try:
        SiteFinder(src, ev, load_catalogue(), reg, options).run()
    except RecursionError:
        # pathological nesting: keep what was read, say the rest was not
        out.problems.append(ExtractError("code nested too deeply to read every prompt"))
    out.units = reg.units(comments_by_row)
    return out


def syntax_problem(src: object) -> ExtractError | None:
    """One ``ExtractError`` at the first ERROR or MISSING node, if the tree has any."""
    from prism_lint.extract.python_source import Source, first_error

    assert isinstance(src, Source)
    root = src.tree.root_node
    if not root.has_error:
        return None
    node = first_error(root)
    if node is None:
        return None
    start, end = src.span(node)
    loc = src.lines.location(start)
    if node.is_missing:
        message = f"syntax error: missing {node.type!r}"
    else:
        snippet = src.doc.text[start:end].strip().splitlines()
        near = snippet[0][:40] if snippet else ""
        message = f"syntax error: invalid syntax near {near!r}" if near else \
            "syntax error: invalid syntax"
    return ExtractError(message, loc.row, loc.column)
