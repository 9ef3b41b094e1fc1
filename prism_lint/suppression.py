"""Suppression comments and task declarations, in every format's comments.

Each format's comment syntax is in :mod:`prism_lint.formats` (what its
extractor reads as a comment, and the comment an "ignore" edit writes); the
directives inside are the same everywhere, read here and written, with the
patterns below, by :mod:`prism_lint.lsp.suppress`.

Extractors hand over comment bodies; this module reads the directives:

- ``noqa`` / ``noqa: PRS101, PRS102``: on the finding's rows, up to the last
  row of its statement (ruff: after the closing quotes of a multi-line string);
- ``prism: ignore`` / ``prism: ignore[PRS101]``: on its own line, covers the
  statement below it; at the end of a line, acts like ``noqa``;
- ``prism: skip-file``: no findings in the file;
- ``prism: task=<category>``: settles the task of the prompt below or around it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from prism_lint.extract import Comment, spells_directive
from prism_lint.lazy_re import lazy
from prism_lint.lines import LineIndex, line_index

_NOQA = lazy(r"(?i)(?:^|[\s#])noqa\b(?::\s*(?P<codes>[A-Z]+[0-9]+(?:[\s,]+[A-Z]+[0-9]+)*))?")
_IGNORE = lazy(r"(?i)\bprism:\s*ignore(?:\[(?P<codes>[^\]]*)\])?")
_SKIP = lazy(r"(?i)\bprism:\s*skip-file\b")
_TASK = lazy(r"(?i)\bprism:\s*task\s*=\s*(?P<task>[a-z_-]+)")
# The same directives as an edit rewrites them (lsp/suppress.py): the code
# list of an ignore or of a noqa, and a noqa without codes.
IGNORE_LIST = re.compile(r"(?i)(prism:\s*ignore\[)([^\]]*)(\])")
NOQA_CODES = re.compile(r"(?i)(noqa\s*:\s*)([A-Z]+[0-9]+(?:\s*,\s*[A-Z]+[0-9]+|\s+[A-Z]+[0-9]+)*)")
BLANKET_NOQA = re.compile(r"(?i)#\s*noqa\b(?!\s*:)")


@dataclass
class Directive:
    """One suppression or declaration comment, and whether it was used."""

    row: int
    codes: frozenset[str] | None  # None: every code
    above: bool  # an own-line `prism: ignore` that covers the statement below
    comment: Comment
    kind: str = "noqa"  # "noqa" or "ignore"
    used: bool = False

    def covers(self, code: str) -> bool:
        return self.codes is None or any(code.startswith(c) for c in self.codes)


_BLOCK_KEY = re.compile(r"^\s*[\w.\-\"']+\s*:\s*(?:[|>][-+0-9]*)?\s*(?:#.*)?$")


def _opens_block(d: Directive, row: int) -> bool:
    return bool(_BLOCK_KEY.match(LineIndex(d.comment.doc.text).line_text(row)))


_BLOCK_SCALAR = re.compile(r"^(\s*)(?:-\s+)?[\w.\-\"']+\s*:\s*[|>][-+0-9]*\s*(?:#.*)?$")


def _block_holds(d: Directive, row: int) -> bool:
    """An own-line directive right above a YAML key whose block scalar
    (``template: |``) runs down to ``row``."""
    if row <= d.row + 1:
        return False

    index = line_index(d.comment.doc.text)
    if d.row + 1 > len(index.starts):
        return False
    m = _BLOCK_SCALAR.match(index.line_text(d.row + 1))
    if m is None:
        return False
    key_indent = len(m.group(1))
    for r in range(d.row + 2, row + 1):
        line = index.line_text(r)
        if line.strip() and len(line) - len(line.lstrip(" ")) <= key_indent:
            return False
    return True


def _codes(text: str | None) -> frozenset[str] | None:
    if text is None or not text.strip():
        return None
    return frozenset(c.upper() for c in re.split(r"[\s,]+", text.strip()) if c)


@dataclass
class Suppressions:
    """A document's suppression comments, looked up by row."""

    directives: list[Directive] = field(default_factory=list)
    skip_file: bool = False
    tasks: dict[int, str] = field(default_factory=dict)  # row -> declared task
    own_line_task_rows: set[int] = field(default_factory=set)

    @classmethod
    def from_comments(cls, comments: list[Comment]) -> Suppressions:
        out = cls()
        for c in comments:
            text = c.text
            if not spells_directive(text):
                continue  # most comments: no directive can be in them
            if _SKIP.search(text):
                out.skip_file = True
            m = _IGNORE.search(text)
            if m:
                out.directives.append(
                    Directive(c.row, _codes(m.group("codes")), c.own_line, c, "ignore")
                )
            else:
                m = _NOQA.search(text)
                if m:
                    out.directives.append(Directive(c.row, _codes(m.group("codes")), False, c))
            t = _TASK.search(text)
            if t:
                out.tasks[c.row] = t.group("task").lower()
                if c.own_line:
                    out.own_line_task_rows.add(c.row)
        return out

    def suppressed(
        self, code: str, start_row: int, end_row: int, first_row: int, last_row: int
    ) -> bool:
        """Whether a finding on rows ``start_row..end_row`` of a construct spanning
        ``first_row..last_row`` is silenced."""
        hit = False
        for d in self.directives:
            if not d.covers(code):
                continue
            if d.above:
                # own-line: on the line above the construct or above the finding,
                # or above a key line whose block value holds the finding
                # ("# prism: ignore" above "backstory: >" in YAML)
                if (
                    d.row in (first_row - 1, start_row - 1)
                    or (
                        d.row == start_row - 2
                        and first_row <= d.row
                        and _opens_block(d, start_row - 1)
                    )
                    or _block_holds(d, start_row)
                ):
                    d.used = hit = True
            elif start_row <= d.row <= max(end_row, last_row) or d.row == first_row:
                d.used = hit = True
        return hit

    def declared_task(self, first_row: int, last_row: int) -> str | None:
        """A ``prism: task=`` on the line above the construct or on one of its rows."""
        for row in (first_row - 1, *range(first_row, last_row + 1)):
            task = self.tasks.get(row)
            if task:
                return task
        return None
