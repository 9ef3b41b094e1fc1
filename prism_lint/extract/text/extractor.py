"""Markdown and plain-text prompt files: the body is the prompt.

AGENTS.md, CLAUDE.md, .cursorrules, .cursor/rules/*.mdc, copilot
instructions, *.prompt.md, fabric's system.md, and .md/.txt files in prompt
folders. YAML front matter (between ``---`` lines) is metadata, not prompt:
its model, and the tools an agent file allows, are the call's context.
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
# The tools an agent file gives its model: a Claude Code subagent's
# ``tools: Read, Grep, WebSearch``, a skill's or a command's ``allowed-tools``,
# a Copilot prompt's ``tools: ['fetch', 'codebase']``.
_TOOLS_KEYS = ("tools", "allowed-tools", "allowed_tools")
_TOOL_NAME = re.compile(r"[A-Za-z_][\w.-]{0,80}")
MAX_TOOLS = 64

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
    tools: list[str] = []
    if text.startswith("---"):
        m = _FRONT.match(text)
        if m is None:
            raise ExtractError("front matter opened with '---' is never closed", 1, 1)
        body_start = m.end()
        fm = _MODEL.search(m.group("body"))
        model = fm.group(1).strip() if fm else None
        if "tools" in m.group("body"):
            tools = _tools(doc)
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
            tools=tools,
        ),
        first_row=index.location(body_start).row,
        last_row=index.rows,
    )
    out.units.append(unit)
    return out


def _tools(doc: Document) -> list[str]:
    """The tool names a front matter lists (see :data:`_TOOLS_KEYS`): a
    comma-separated string or a YAML list; ``Bash(git add:*)`` is Bash. A
    front matter that does not parse as YAML lists none (it stays metadata)."""
    from prism_lint.extract.shared.frontmatter import read_front_matter

    try:
        data = read_front_matter(doc, LineIndex(doc.text), []).data
    except ExtractError:
        return []
    out: list[str] = []
    for key in _TOOLS_KEYS:
        value = data.get(key)
        items = value.split(",") if isinstance(value, str) else value
        if not isinstance(items, list):
            continue
        for item in items:
            name = _TOOL_NAME.match(item.strip()) if isinstance(item, str) else None
            if name is not None and name.group(0) not in out and len(out) < MAX_TOOLS:
                out.append(name.group(0))
    return out
