"""The last word on a fix before it is offered: what every fix of a file
must respect, whatever rule or strategy made it.

- Line endings: an edit never splits a ``\\r\\n`` pair (a persona removed up
  to the end of its line took the ``\\r`` and left a lone ``\\n``), and new
  lines in a file that ends its lines with ``\\r\\n`` end that way too.
- Code blocks in Markdown are quoted material: an example of YAML or Python
  inside a fence is not a prompt to rewrite. A fix that touches a fenced
  block is kept only if the block still parses in the language its fence
  names, and did before; a block of another or no language is not touched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

from prism_lint.fix.verify import parses as parses_as
from prism_lint.model import Document, Edit, Fix

# Formats whose prose is Markdown, or may quote code the Markdown way.
FENCED_KINDS = frozenset({"markdown", "text", "prompty", "dotprompt"})

_FENCE_OPEN = re.compile(r"^ {0,3}(`{3,}|~{3,})([^\n]*)$", re.MULTILINE)


def vet(fix: Fix, doc: Document, kind: str | None) -> Fix | None:
    """``fix`` as it may be offered for ``doc`` (of format ``kind``), or None."""
    if doc.cell is not None:  # a notebook cell: its text is not the file's
        return fix
    text = doc.text
    edits = _line_endings(text, fix.edits)
    if not edits:
        return None
    fenced = kind in FENCED_KINDS and ("```" in text or "~~~" in text)
    if fenced and not _fences_kept(text, edits):
        return None
    return fix if edits == fix.edits else replace(fix, edits=edits)


# --------------------------------------------------------------------------
# line endings
# --------------------------------------------------------------------------


def _line_endings(text: str, edits: list[Edit]) -> list[Edit]:
    if "\r" not in text:
        return edits
    crlf = "\r\n" in text and "\n" not in text.replace("\r\n", "")
    out = []
    for e in edits:
        start, end, content = e.start, e.end, e.content
        if start == end and _between(text, start):
            start = end = start - 1  # an insertion goes before the pair
        if start < end and _between(text, start):
            start -= 1  # it removes the \n: the \r goes with it
        if start < end and _between(text, end):
            end -= 1  # it removes the \r and keeps the \n: keep both
        if crlf and "\n" in content:
            content = re.sub(r"(?<!\r)\n", "\r\n", content)
        if start == end and not content:
            continue
        out.append(
            e if (start, end, content) == (e.start, e.end, e.content) else Edit(start, end, content)
        )
    return out


def _between(text: str, pos: int) -> bool:
    """Whether ``pos`` falls between the two characters of a ``\\r\\n``."""
    return 0 < pos < len(text) and text[pos - 1] == "\r" and text[pos] == "\n"


# --------------------------------------------------------------------------
# code blocks
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Block:
    """A fenced code block: from its opening fence line to the end of its
    closing one; ``body`` is the code between them."""

    start: int
    end: int
    body_start: int
    body_end: int
    language: str


@lru_cache(maxsize=16)
def blocks(text: str) -> tuple[Block, ...]:
    """The fenced code blocks of a Markdown text, CommonMark's way: a fence
    closes with the same character, at least as many, and nothing else on
    the line; an unclosed fence runs to the end."""
    found = []
    pos = 0
    while True:
        m = _FENCE_OPEN.search(text, pos)
        if m is None:
            break
        fence, info = m.group(1), m.group(2).strip()
        if fence[0] == "`" and "`" in info:  # inline code, not a fence
            pos = m.end()
            continue
        language = info.split()[0].lower().strip("{}.") if info else ""
        body_start = min(len(text), m.end() + 1)
        close = re.compile(
            r"^ {0,3}" + re.escape(fence[0]) + "{" + str(len(fence)) + r",}[ \t]*$", re.MULTILINE
        )
        c = close.search(text, body_start)
        if c is None:
            found.append(Block(m.start(), len(text), body_start, len(text), language))
            break
        found.append(Block(m.start(), c.end(), body_start, c.start(), language))
        pos = c.end()
    return tuple(found)


def _fences_kept(text: str, edits: list[Edit]) -> bool:
    for block in blocks(text):
        inside = [e for e in edits if e.start < block.end and block.start < e.end]
        if not inside:
            continue
        if any(e.start < block.body_start or e.end > block.body_end for e in inside):
            return False  # it moves a fence: the block's extent changes
        body = text[block.body_start : block.body_end]
        new = _apply(
            body,
            [Edit(e.start - block.body_start, e.end - block.body_start, e.content) for e in inside],
        )
        if not (parses(block.language, body) and parses(block.language, new)):
            return False
    return True


def _apply(text: str, edits: list[Edit]) -> str:
    parts, pos = [], 0
    for e in sorted(edits, key=lambda e: (e.start, e.end)):
        parts += [text[pos : e.start], e.content]
        pos = e.end
    parts.append(text[pos:])
    return "".join(parts)


_LANGUAGES = {
    "python": "python",
    "py": "python",
    "python3": "python",
    "py3": "python",
    "yaml": "yaml",
    "yml": "yaml",
    "json": "json",
    "toml": "toml",
    "javascript": "javascript",
    "js": "javascript",
    "jsx": "javascript",
    "mjs": "javascript",
    "cjs": "javascript",
    "typescript": "typescript",
    "ts": "typescript",
    "tsx": "tsx",
}


def parses(language: str, code: str) -> bool:
    """Whether ``code`` is valid in the language a fence names; False for a
    language this cannot check."""
    grammar = _LANGUAGES.get(language)
    if grammar is None:
        return False
    try:
        if grammar in ("python", "yaml"):
            return parses_as(grammar, code)
        if grammar == "json":
            import json

            json.loads(code)
            return True
        if grammar == "toml":
            try:
                import tomllib
            except ImportError:  # pragma: no cover - Python 3.10
                import tomli as tomllib

            tomllib.loads(code)
            return True
        from prism_lint.extract.javascript.source import _parser_and_query

        parser = _parser_and_query(grammar)[0]
        return not parser.parse(code.encode("utf-8", "surrogatepass")).root_node.has_error
    except (ValueError, RecursionError, ImportError):  # TOMLDecodeError is a ValueError
        return False
