"""Prompt units from a template file's tokens (Jinja, Prompty, Dotprompt)."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from dataclasses import replace

from prism_lint.extract import Comment, ExtractError, ExtractOptions
from prism_lint.extract.shared.mapped import MappedText
from prism_lint.extract.templates.text import SyntaxProblem, Tok, assemble
from prism_lint.lines import LineIndex
from prism_lint.model import CallContext, Document, PromptUnit, Role, Sibling

# the words of a file name that is a role and nothing else ("system.prompt",
# "system_message.prompt", "user.prompt")
_ROLE_NAME_WORDS = frozenset({"system", "sys", "user", "human", "prompt", "message", "msg"})


def role_from_name(path: str, *, whole: bool = False) -> Role:
    """The role a template file's name gives the text before any role
    marker (``system.prompt``, ``user_message.j2``); unknown otherwise.
    ``whole``: only a name that is a role and nothing else
    ("system_design.prompt" is a prompt about system design)."""
    base = posixpath.basename(path.replace("\\", "/")).lower()
    words = set(re.split(r"[^a-z]+", base))
    if whole and not set(re.split(r"[^a-z]+", base.rsplit(".", 1)[0])) - {""} <= _ROLE_NAME_WORDS:
        return "unknown"
    if words & {"system", "sys", "developer"}:
        return "system"
    if words & {"user", "human"}:
        return "user"
    return "unknown"


def problem_error(mt: MappedText, lines: LineIndex, problem: SyntaxProblem) -> ExtractError:
    loc = lines.location(mt.doc_pos(problem.offset))
    return ExtractError(problem.message, loc.row, loc.column)


def rest_as_text(toks: list[Tok], length: int) -> list[Tok]:
    """After a syntax error, read what the lexer did not reach as plain text."""
    end = max((t.end for t in toks), default=0)
    return [*toks, Tok("text", end, length)] if end < length else toks


def file_units(
    doc: Document,
    lines: LineIndex,
    mt: MappedText,
    toks: list[Tok],
    *,
    default_role: Role,
    context: CallContext,
    syntax: str,
    comments: list[Comment],
    options: ExtractOptions,
    render_include: Callable[[str], str | None] | None = None,
) -> list[PromptUnit]:
    """One unit per message; the other messages and included files as context."""
    messages = assemble(
        doc, lines, mt, toks, default_role=default_role, trim=True, comments=comments
    )
    units: list[PromptUnit] = []
    for msg in messages:
        b = msg.builder
        ctx = replace(context, names=list(context.names), siblings=[], tools=list(context.tools))
        units.append(
            PromptUnit(
                doc,
                b.text,
                b.pieces,
                b.holes,
                role=msg.role,
                tier="file",
                context=ctx,
                first_row=msg.first_row,
                last_row=msg.last_row,
                declared_task=msg.declared_task,
                template_syntax=syntax,
            )
        )
    for unit, msg in zip(units, messages, strict=True):
        unit.context.siblings.extend(Sibling(o.role, o.text) for o in units if o is not unit)
        if render_include is None:
            continue
        for name in msg.includes:
            text = render_include(name)
            if text:
                unit.context.siblings.append(Sibling("include", text))
    return units


def related_reader(options: ExtractOptions) -> Callable[[str], str | None]:
    """Read a file named relative to the document's folder, or None."""

    def read(name: str) -> str | None:
        if options.read_related is None or not name or "\0" in name:
            return None
        try:
            return options.read_related(posixpath.normpath(name.replace("\\", "/")))
        except (OSError, ValueError):
            return None

    return read
