"""Check a fix before offering it: the file still parses, the prompt is what we meant.

Two checks, both on the edited document:

- its language still accepts it: Python parses (libcst), YAML loads with
  every value but the edited one unchanged, a Jinja template parses,
  Handlebars blocks still balance, front matter is untouched;
- extracting it again yields the prompt text the plan intended, which proves
  the source map was followed correctly (a YAML fold, a dedent, an escape).

A check that failed on the original document already is not held against
the fix.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from prism_lint.extract import ExtractError, ExtractOptions, extractor, kind_of
from prism_lint.fix.python import PySource
from prism_lint.formats import format_of, load
from prism_lint.model import Diagnostic, Document, Edit

if TYPE_CHECKING:
    from prism_lint.config import Settings


def apply(text: str, edits: list[Edit]) -> str:
    parts = []
    pos = 0
    for e in sorted(edits, key=lambda e: (e.start, e.end)):
        parts.append(text[pos : e.start])
        parts.append(e.content)
        pos = e.end
    parts.append(text[pos:])
    return "".join(parts)


def kind_for(doc: Document, settings: Settings) -> str | None:
    if doc.cell is not None:
        return "python"
    return kind_of(doc.path, named=True, globs=settings.include)


def options_for(settings: Settings) -> ExtractOptions:
    return ExtractOptions(
        extra_call_sites=dict(settings.call_sites),
        extra_prompt_names=list(settings.prompt_names),
        named_explicitly=True,
    )


def prompt_texts(doc: Document, kind: str, settings: Settings) -> list[str] | None:
    """The prompt texts extracted from ``doc``; None when it cannot be read."""
    try:
        extraction = extractor(kind)(doc, options_for(settings))
    except (ExtractError, RecursionError):
        return None
    return [u.text for u in extraction.units if u.doc.path == doc.path]


def settle(diagnostics: list[Diagnostic], settings: Settings) -> None:
    """Run the re-extractions safe fixes were left waiting on; a fix whose
    file does not read back as planned becomes unsafe. Done before a fix is
    applied or exported; the text report lists fixes without it."""
    for d in diagnostics:
        fix = d.fix
        if fix is None or fix.recheck is None:
            continue
        check, fix.recheck = fix.recheck, None
        fixed = Document(d.doc.path, apply(d.doc.text, fix.edits), d.doc.cell)
        texts = prompt_texts(fixed, check.kind, settings)
        if texts is None or not any(e in texts for e in check.expect):
            fix.planned = fix.planned or fix.applicability
            fix.applicability = "unsafe"


# --------------------------------------------------------------------------
# Syntax
# --------------------------------------------------------------------------


def parses(kind: str, text: str) -> bool:
    """Whether ``text`` is still valid in its format."""
    found = format_of(kind)
    if found is None or found.verifier is None:
        return True
    return _cached(load(found.verifier), text)


@lru_cache(maxsize=64)
def _cached(checker: Any, text: str) -> bool:
    try:
        return bool(checker(text))
    except RecursionError:
        return False


def syntax_kept(kind: str, old: str, new: str, edits: list[Edit] | None = None) -> bool:
    """The edit breaks nothing the original had: it parses, and for formats
    with structured data, only the edited value changed.

    For Python, given the ``edits``, only the top-level statements they touch
    are parsed again: the rest of the file is unchanged text.
    """
    if kind == "python" and edits:
        regions = _python_regions(old, new, edits)
        if regions is not None:
            # the original is parsed only when the fix does not parse
            return all(parses(kind, b) or not parses(kind, a) for a, b in regions)
    if not parses(kind, new) and parses(kind, old):
        return False
    invariants = found.invariants if (found := format_of(kind)) is not None else ()
    if "one_value" in invariants and not _yaml_one_value(old, new):
        return False
    return "front_matter" not in invariants or _front_matter(old) == _front_matter(new)


def _python_regions(old: str, new: str, edits: list[Edit]) -> list[tuple[str, str]] | None:
    """(old, new) text of the top-level statements the edits touch; None
    when the file has a syntax error tree-sitter can see (check it whole)."""

    src = PySource.parse(old)
    root = src.tree.root_node
    if root.has_error:
        return None
    stmts = [src.span(c) for c in root.children]
    spans: list[tuple[int, int]] = []
    for e in edits:
        hit = [(a, b) for a, b in stmts if a <= e.end and e.start <= b]
        spans.append((min(a for a, _ in hit), max(b for _, b in hit)) if hit else (e.start, e.end))
    merged: list[tuple[int, int]] = []
    for a, b in sorted(spans):
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    out = []
    for a, b in merged:
        na = a + sum(len(e.content) - (e.end - e.start) for e in edits if e.start < a)
        nb = b + sum(len(e.content) - (e.end - e.start) for e in edits if e.start <= b)
        out.append((old[a:b], new[na:nb]))
    return out


def python_parses(text: str) -> bool:
    """tree-sitter's verdict, cheap enough for every finding of a lint run;
    the file as a whole is checked with libcst before a fix is written
    (:func:`python_strict`)."""

    return not PySource.parse(text).tree.root_node.has_error


def javascript_parses(text: str) -> bool:
    """tree-sitter's verdict (TSX's grammar reads every JavaScript and most
    TypeScript); a file it cannot read before a fix is not held to it after
    (:func:`syntax_kept`)."""
    from prism_lint.extract.javascript.source import reads_cleanly

    return reads_cleanly(text)


# CPython itself refuses more than 200 nested brackets; libcst's native
# parser recurses on nesting and overflows its stack long before a file is
# deep enough to hit a recursion limit, taking the process down.
MAX_PYTHON_DEPTH = 400


def python_depth(text: str, limit: int = MAX_PYTHON_DEPTH) -> int:
    """How deep the syntax tree of ``text`` goes, counted up to ``limit + 1``
    with tree-sitter's cursor (no recursion)."""

    cursor = PySource.parse(text).tree.walk()
    depth = deepest = 0
    while True:
        if depth <= limit and cursor.goto_first_child():
            depth += 1
            deepest = max(deepest, depth)
            continue
        while not cursor.goto_next_sibling():
            if not cursor.goto_parent():
                return deepest
            depth -= 1


def python_strict(text: str) -> bool:
    """libcst's parser, which knows every Python version's grammar; a file
    nested deeper than any real module is refused before it is asked."""
    import libcst

    if python_depth(text) > MAX_PYTHON_DEPTH:
        return False
    try:
        libcst.parse_module(text)
    except (libcst.ParserSyntaxError, ValueError, IndexError, RecursionError):
        return False
    return True


@lru_cache(maxsize=16)
def _yaml_docs(text: str) -> tuple[Any, ...] | None:
    """The documents of a YAML text (libyaml when there), None when it does not load."""
    import yaml

    from prism_lint.extract.shared.yaml_source import MAX_EXPANDED_NODES, expanded_size

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        if "&" in text and "*" in text:  # never build what an alias bomb asks for
            roots = [r for r in yaml.compose_all(text, Loader=loader) if r is not None]
            if expanded_size(roots) > MAX_EXPANDED_NODES:
                return None
        return tuple(yaml.load_all(text, Loader=loader))
    except (yaml.YAMLError, RecursionError, ValueError, TypeError, OverflowError):
        return None


def yaml_loads(text: str) -> bool:
    return _yaml_docs(text) is not None


def jinja_parses(text: str) -> bool:
    import jinja2

    try:
        jinja2.Environment().parse(text)  # parsed, never compiled or rendered
    except (jinja2.TemplateSyntaxError, RecursionError):
        return False
    return True


_FRONT = re.compile(r"\A---[ \t]*\r?\n(.*?)^(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.S | re.M)


def _front_matter(text: str) -> str:
    m = _FRONT.match(text)
    return m.group(0) if m else ""


def _body(text: str) -> str:
    m = _FRONT.match(text)
    return text[m.end() :] if m else text


def prompty_parses(text: str) -> bool:
    fm = _FRONT.match(text)
    if fm and not yaml_loads(fm.group(1)):
        return False
    if re.search(r"(?m)^template\s*:\s*['\"]?mustache", fm.group(1) if fm else ""):
        return _handlebars(_body(text))
    return jinja_parses(_body(text))


# A tag's body holds no "}": a tag ends at the first "}" after its name,
# which must open "}}". Matched only where that is known to hold
# (:func:`_hb_tags`): scanned from every "{{" of a text with no "}}" after
# them, the lazy body ran to the end of the text from each (100,000 "{{"
# took seconds).
_HB_TAG = re.compile(r"\{\{\{?~?\s*([#/^]|else\b)?\s*([\w.@-]*)[^}]*?~?\}?\}\}", re.S)


def _hb_tags(text: str) -> Iterator[re.Match[str]]:
    """``_HB_TAG.finditer(text)``, in time linear in the text: a "{{" starts
    a tag exactly when the first "}" after it opens "}}", and every "{{"
    before that "}" fails alike when it does not."""
    pos = 0
    close = -1  # the first "}" at or after the last start's body
    while (start := text.find("{{", pos)) >= 0:
        if close < start + 2:
            close = text.find("}", start + 2)
            if close < 0:
                return
        if text.startswith("}}", close):
            m = _HB_TAG.match(text, start)
            if m is not None:
                yield m
                pos = m.end()
                continue
        pos = close + 1


def _without_comments(text: str) -> str:
    """The text less its comments (``{{!-- ... --}}``, ``{{! ... }}``), as
    the regular expression of both would remove them, in linear time: what
    is searched for after one comment's opening serves every later one."""
    out: list[str] = []
    kept = i = 0
    long_close = -2  # where "--}}" is next found (-1: nowhere further)
    short_close = -1  # the first "}" after the last short comment's opening
    while (start := text.find("{{!", i)) >= 0:
        if text.startswith("{{!--", start):
            if long_close != -1 and long_close < start + 5:
                long_close = text.find("--}}", start + 5)
            if long_close >= 0:
                out.append(text[kept:start])
                kept = i = long_close + 4
                continue
        if short_close < start + 3:
            short_close = text.find("}", start + 3)
            if short_close < 0:
                break
        if text.startswith("}}", short_close):
            out.append(text[kept:start])
            kept = i = short_close + 2
            continue
        i = start + 1  # a long comment may open before that "}" and close after it
    out.append(text[kept:])
    return "".join(out)


def _handlebars(text: str) -> bool:
    """Block helpers open and close in order; that is what an edit can break."""
    text = _without_comments(text)
    stack: list[str] = []
    left: list[str] = []  # the text between tags
    kept = 0
    for m in _hb_tags(text):
        left.append(text[kept : m.start()])
        kept = m.end()
        sigil, name = m.group(1), m.group(2)
        if sigil in ("#", "^"):
            stack.append(name)
        elif sigil == "/" and (not stack or stack.pop() != name):
            return False
    left.append(text[kept:])
    if "{{" in "".join(left):
        return False
    return not stack


def dotprompt_parses(text: str) -> bool:
    fm = _FRONT.match(text)
    if fm and not yaml_loads(fm.group(1)):
        return False
    return _handlebars(_body(text))


def _yaml_one_value(old: str, new: str) -> bool:
    """At most one scalar differs between the two documents, and it is a string."""
    a = _yaml_docs(old)
    b = _yaml_docs(new)
    if a is None or b is None:
        return a is None
    diffs: list[tuple[Any, Any]] = []
    if not _walk(list(a), list(b), diffs) or len(diffs) > 1:
        return False
    return all(isinstance(x, str) and isinstance(y, str) for x, y in diffs)


def _walk(a: Any, b: Any, diffs: list[tuple[Any, Any]]) -> bool:
    """Compare two loaded YAML values; False when their shapes differ."""
    if isinstance(a, dict):
        if not isinstance(b, dict) or list(a) != list(b):
            return False
        return all(_walk(a[k], b[k], diffs) for k in a)
    if isinstance(a, list):
        if not isinstance(b, list) or len(a) != len(b):
            return False
        return all(_walk(x, y, diffs) for x, y in zip(a, b, strict=True))
    if a != b or type(a) is not type(b):
        diffs.append((a, b))
    return True


def renders_like(old: str, new: str, var: str) -> bool:
    """A gated Jinja template renders as the original when ``var`` is true,
    decided without rendering either: the template is the tree's, and
    rendering runs whatever its expressions say.

    Both bodies are read with Jinja's own lexer; the text of data tokens is
    split into characters, so an inserted tag may sit anywhere in it. The
    gated body must be the original's token stream with one ``{% if var %}``
    and one ``{% endif %}`` (or ``{% else %}`` … ``{% endif %}`` holding
    plain text) inserted: then every character and tag the original outputs
    is output again in the same order, and nothing else is. Whitespace
    control on the inserted tags, a tag inside ``{% raw %}`` or a comment,
    anything the lexer reads differently, fails the comparison.
    """
    before = _jinja_stream(_body(old))
    after = _jinja_stream(_body(new))
    if before is None or after is None:
        return False
    opening = [("block_begin", ""), ("name", "if"), ("name", var), ("block_end", "")]
    closing = [("block_begin", ""), ("name", "endif"), ("block_end", "")]
    otherwise = [("block_begin", ""), ("name", "else"), ("block_end", "")]
    # A search over (position in before, position in after, gate state): an
    # inserted tag can look like the start of an original one ("{% endif %}"
    # right before the template's own "{% if %}"), so both readings are tried.
    stack = [(0, 0, 0)]  # state 0: not opened, 1: open, 2: closed
    seen: set[tuple[int, int, int]] = set()
    while stack:
        i, j, state = stack.pop()
        if (i, j, state) in seen:
            continue
        seen.add((i, j, state))
        if j == len(after):
            if i == len(before) and state == 2:
                return True
            continue
        if i < len(before) and before[i] == after[j]:
            stack.append((i + 1, j + 1, state))
        if state == 0 and after[j : j + 4] == opening:
            stack.append((i, j + 4, 1))
        elif state == 1 and after[j : j + 3] == closing:
            stack.append((i, j + 3, 2))
        elif state == 1 and after[j : j + 3] == otherwise:
            k = j + 3
            while k < len(after) and after[k][0] == "data":
                k += 1  # the text shown when the gate is off
            if after[k : k + 3] == closing:
                stack.append((i, k + 3, 2))
    return False


def _jinja_stream(text: str) -> list[tuple[str, str]] | None:
    """The template's tokens, each data token split into its characters;
    None when the lexer rejects the text."""
    import jinja2

    out: list[tuple[str, str]] = []
    try:
        for _line, kind, value in jinja2.Environment(keep_trailing_newline=True).lex(text):
            if kind == "data":
                out.extend(("data", ch) for ch in value)
            elif kind in ("block_begin", "block_end", "variable_begin", "variable_end"):
                out.append((kind, ""))  # "{%-" trims data, which the characters show
            elif kind not in ("whitespace", "comment_begin", "comment", "comment_end"):
                out.append((kind, value))
    except (jinja2.TemplateSyntaxError, RecursionError):
        return None
    return out
