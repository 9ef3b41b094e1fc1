"""Markdown and plain-text prompt files: the body is the prompt.

AGENTS.md, CLAUDE.md, .cursorrules, .cursor/rules/*.mdc, copilot
instructions, *.prompt.md, fabric's system.md, and .md/.txt files in prompt
folders. YAML front matter (between ``---`` lines) is metadata, not prompt.
HTML comments are where Markdown keeps directives
(``<!-- prism: ignore[PRS101] -->``).
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from prism_lint.builder import TextBuilder
from prism_lint.extract import Comment, ExtractError, Extraction, ExtractOptions
from prism_lint.lines import LineIndex
from prism_lint.model import CallContext, Document, PromptUnit, Role

_FRONT = re.compile(r"\A---[ \t]*\r?\n(?P<body>.*?)^(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.S | re.M)
_HTML_COMMENT = re.compile(r"<!--(.*?)-->", re.S)
_MODEL = re.compile(r"(?m)^model\s*:\s*['\"]?([^'\"\n#]+)")

# Files sent as the user's message rather than as instructions.
_USER_FILES = ("user.md",)
_USER_GLOBS = (".prompt.md",)


def _role(path: str) -> Role:
    name = PurePosixPath(path.replace("\\", "/")).name.lower()
    if name in _USER_FILES or name.endswith(_USER_GLOBS):
        return "user"
    return "system"


def extract(doc: Document, options: ExtractOptions) -> Extraction:
    text = doc.text
    out = Extraction()
    body_start = 0
    model = None
    if text.startswith("---"):
        m = _FRONT.match(text)
        if m is None:
            raise ExtractError("front matter opened with '---' is never closed", 1, 1)
        body_start = m.end()
        fm = _MODEL.search(m.group("body"))
        model = fm.group(1).strip() if fm else None
    index = LineIndex(text)
    for m in _HTML_COMMENT.finditer(text, body_start):
        loc = index.location(m.start())
        own = not text[index.line_start(loc.row) : m.start()].strip()
        out.comments.append(Comment(doc, loc.row, m.group(1).strip(), own))
    body = text[body_start:]
    if not body.strip():
        return out
    builder = TextBuilder()
    builder.literal(body, body_start)
    kind = "markdown" if doc.path.lower().endswith((".md", ".mdc", ".markdown")) else "text"
    unit = PromptUnit(
        doc=doc,
        text=builder.text,
        pieces=builder.pieces,
        role=_role(doc.path),
        tier="file",
        context=CallContext(
            library=kind,
            call=PurePosixPath(doc.path).name,
            model=model,
            names=[PurePosixPath(doc.path).stem],
        ),
        first_row=index.location(body_start).row,
        last_row=index.rows,
    )
    out.units.append(unit)
    return out
