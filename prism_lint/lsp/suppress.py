"""The "ignore this finding" edit: a suppression comment in the file's own syntax.

- Python: ``  # noqa: PRS101`` at the end of the statement's last row (the
  end of its logical line, never inside a string or after a backslash); an
  existing ``# noqa: X`` on that row gets the code appended.
- YAML: ``# prism: ignore[PRS101]`` on its own line above the key (a ``#``
  inside a block scalar would be prompt text, not a comment); JavaScript and
  TypeScript: ``// prism: ignore[PRS101]`` above the statement, for the same
  reason with template literals.
- Jinja: ``{# prism: ignore[PRS101] #}`` on the line above the finding.
- Markdown and text: ``<!-- prism: ignore[PRS101] -->`` on the line above.

A reason, when given, follows the codes: ``# noqa: PRS101 -- reason``.
"""

from __future__ import annotations

import io
import re
import tokenize

from prism_lint.extract.templates.prompty import template_engine
from prism_lint.formats import BY_KIND, format_of
from prism_lint.lines import LineIndex
from prism_lint.model import Diagnostic, Edit
from prism_lint.suppression import BLANKET_NOQA, IGNORE_LIST, NOQA_CODES

# What may not appear in a reason: it would end the comment that holds it.
COMMENT_ENDS = ("-->", "#}", "}}", "*/")


def ignore_edit(
    kind: str | None, d: Diagnostic, index: LineIndex | None = None, reason: str = ""
) -> Edit | None:
    """The edit that silences ``d``, or None where no comment can. A
    notebook cell is edited as the Python text it is (``kind`` "python").
    ``reason``: one line without :data:`COMMENT_ENDS`, written after the codes."""
    if kind is None or d.anchor_last_row is None:
        return None
    index = index or LineIndex(d.doc.text)
    found = format_of(kind)
    if found is None:
        return None
    if found.placement == "end":
        return _python(d, index, reason)
    template = found.ignore_comment
    if template is None:
        return None
    if kind == "prompty" and _mustache_prompty(d, index):
        template = BY_KIND["dotprompt"].ignore_comment or template  # a Mustache body: {{! }}
    if found.placement in ("statement", "key"):
        row = d.anchor_first_row or index.location(d.start).row
        if found.placement == "key":
            row = _yaml_key_row(index, row)
    else:
        row = index.location(d.start).row
    # "--" inside an HTML comment is best avoided
    dash = " - " if template.startswith("<!--") else " -- "
    braced = reason.replace("{", "{{").replace("}", "}}")  # the template is formatted
    return _above(
        template.replace("{reason}", f"{dash}{braced}" if reason else ""), d.code, row, index
    )


def _mustache_prompty(d: Diagnostic, index: LineIndex) -> bool:
    from prism_lint.extract.shared.frontmatter import read_front_matter

    return template_engine(read_front_matter(d.doc, index, []).data) == "mustache"


_YAML_KEY = re.compile(r"^\s*(?:-\s+)?[\w.\-\"']+\s*:(?:\s|$)")
_YAML_BLOCK = re.compile(r":\s*[|>][-+0-9]*\s*(?:#.*)?$")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _yaml_key_row(index: LineIndex, row: int) -> int:
    """``row``, or, when it lies inside a block scalar (``template: |``), the
    row of the key that opens the block: a ``#`` line inside it would be
    part of the prompt."""
    line = index.line_text(row)
    if _YAML_KEY.match(line):
        return row
    own = _indent(line)
    for above in range(row - 1, 0, -1):
        text = index.line_text(above)
        if not text.strip():
            continue
        if _indent(text) < own:
            return above if _YAML_BLOCK.search(text) else row
    return row


def _above(template: str, code: str, row: int, index: LineIndex) -> Edit:
    """Add ``code`` to a directive on the row above, or insert a new line."""
    if row > 1:
        prev = index.line_text(row - 1)
        m = IGNORE_LIST.search(prev)
        opener = template.split("prism")[0].replace("{{", "{").replace("}}", "}").strip()
        if m and opener in prev:
            start = index.line_start(row - 1) + m.start(2)
            end = index.line_start(row - 1) + m.end(2)
            return Edit(start, end, _merge(m.group(2), code))
    line = index.line_text(row)
    indent = line[: len(line) - len(line.lstrip(" \t"))]
    start = index.line_start(row)
    newline = _newline(index)
    return Edit(start, start, indent + template.format(codes=code) + newline)


def _merge(existing: str, code: str) -> str:
    codes = [c.strip() for c in re.split(r"[\s,]+", existing) if c.strip()]
    if code not in codes:
        codes.append(code)
    return ", ".join(codes)


def _newline(index: LineIndex) -> str:
    text = index.text
    if len(index.starts) > 1:
        end = index.starts[1]
        return "\r\n" if text[end - 2 : end] == "\r\n" else text[end - 1]
    return "\n"


def _python(d: Diagnostic, index: LineIndex, reason: str = "") -> Edit | None:
    row = d.anchor_last_row or index.location(max(d.start, d.end - 1)).row
    row, comment = _statement_end(index.text, row)
    line = index.line_text(row)
    start = index.line_start(row)
    if comment is not None:
        body = line[comment:]
        if BLANKET_NOQA.search(body):
            return None  # a bare noqa silences every code already
        m = NOQA_CODES.search(body)
        if m:
            return Edit(
                start + comment + m.start(2),
                start + comment + m.end(2),
                _merge(m.group(2), d.code),
            )
    end = start + len(line.rstrip(" \t"))
    return Edit(end, end, f"  # noqa: {d.code}" + (f" -- {reason}" if reason else ""))


def _statement_end(text: str, row: int) -> tuple[int, int | None]:
    """The row on which the logical line holding ``row`` ends, and the column
    of a comment on it. Unparsable text keeps ``row`` and finds no comment."""
    if re.search(r"\r(?!\n)", text):
        return row, None  # old Mac line ends: tokenize's rows would not be ours
    comment: tuple[int, int] | None = None
    try:
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            if tok.type == tokenize.COMMENT:
                comment = tok.start
            elif tok.type == tokenize.NEWLINE and tok.start[0] >= row:
                end = tok.start[0]
                col = comment[1] if comment is not None and comment[0] == end else None
                return end, col
            elif tok.type == tokenize.ENDMARKER:
                break
    except (tokenize.TokenError, SyntaxError, ValueError):
        pass
    return row, None
