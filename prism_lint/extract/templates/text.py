"""Template syntaxes read as literal text, holes, comments and role switches.

Every prompt format here is text with some template syntax in it: Jinja
(``.j2``, Prompty, Prompt flow, smolagents YAML), Handlebars (Dotprompt,
Semantic Kernel), ``{var}`` format fields (CrewAI, LangChain), ``${{ }}``
(GitHub Actions). Each tokeniser turns a ``MappedText`` into ``Tok``s on its
text; ``assemble`` turns tokens into messages with roles, holes and the
source map, the same way for every format.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from prism_lint.builder import TextBuilder
from prism_lint.extract import Comment
from prism_lint.extract.shared.mapped import MappedText
from prism_lint.extract.shared.sites import ROLE_NAMES
from prism_lint.lines import LineIndex
from prism_lint.model import HOLE, Document, Role

if TYPE_CHECKING:
    import jinja2

TokKind = Literal["text", "hole", "subst", "comment", "role", "end_role", "control"]


@dataclass(frozen=True)
class Tok:
    """``text[start:end]`` of a ``MappedText`` and what it is.

    ``value``: the role of a ``role`` token, a comment's body, the text a
    ``subst`` token stands for (``{{`` read as ``{``), or the file named by
    an ``{% include %}`` hole.
    """

    kind: TokKind
    start: int
    end: int
    value: str = ""


@dataclass
class SyntaxProblem:
    """A template that does not read cleanly; tokens after it are plain text."""

    message: str
    offset: int  # in the MappedText's text


# ---------------------------------------------------------------- roles


def normalize_role(name: str, default: Role = "unknown") -> Role:
    """A role name as written (``human``, ``AI``, ``System``) as a ``Role``."""
    role = ROLE_NAMES.get(name.strip().lower())
    return role if role is not None else default  # type: ignore[return-value]


# Prompty and Prompt flow role lines: "system:", "# user:", "assistant[name=x]:".
MARKER_RE = re.compile(
    # one way to split the white space: "[ \t]*#?[ \t]*" tried every split
    # of a long run of blanks (a line of 300,000 spaces took seconds)
    r"(?i)^[ \t]*(?:#[ \t]*)?(system|developer|user|assistant|function|tools?)"
    r"(\[[^\]\n]*\])?[ \t]*:[ \t]*$"
)

_TASK_RE = re.compile(r"prism:\s*task\s*=\s*([A-Za-z_-]+)")


def declared_task(comment: str) -> str | None:
    """The task a ``prism: task=...`` comment declares, if it is one."""
    m = _TASK_RE.search(comment)
    return m.group(1).lower() if m else None


# ---------------------------------------------------------------- jinja

_JINJA_TAG_ROLES = ("chat", "message")
_JINJA_INCLUDES = ("include", "extends", "import", "from")
_jinja_env: list[jinja2.Environment] = []


def _environment() -> jinja2.Environment:
    """Default delimiters and no line statements: the syntax prompt files use."""
    if not _jinja_env:
        import jinja2

        _jinja_env.append(jinja2.Environment(keep_trailing_newline=True))
    return _jinja_env[0]


def _locate(text: str, pos: int, value: str) -> int:
    """Where the lexer's next token sits: at ``pos`` or after stripped space."""
    if text.startswith(value, pos):
        return pos
    q = pos
    while q < len(text) and text[q].isspace():
        q += 1
    if text.startswith(value, q):
        return q
    return text.find(value, pos)


def jinja_tokens(text: str) -> tuple[list[Tok], SyntaxProblem | None]:
    """Tokens of a Jinja template (``text`` with ``\\n`` line breaks only).

    Uses Jinja's own lexer, so ``{% raw %}``, strings holding ``}}`` and
    whitespace control read as Jinja reads them.
    """
    import jinja2

    toks: list[Tok] = []
    pos = 0
    group: tuple[str, int] | None = None  # kind of the open tag and where it opened
    inner: list[tuple[str, str]] = []
    try:
        for _lineno, kind, value in _environment().lexer.tokeniter(text, None):
            at = _locate(text, pos, value)
            if at < 0:
                return toks, SyntaxProblem("cannot follow the template lexer", pos)
            end = at + len(value)
            if kind == "data":  # literal text, also inside {% raw %}
                toks.append(Tok("text", at, end))
            elif kind in ("variable_begin", "block_begin", "comment_begin"):
                group = (kind, at)
                inner = []
            elif kind in ("variable_end", "block_end", "comment_end") and group is not None:
                closer = {"variable_end": "}}", "block_end": "%}", "comment_end": "#}"}[kind]
                close_at = value.find(closer)
                tag_end = at + (close_at + len(closer) if close_at >= 0 else len(value))
                toks.append(_jinja_group(group[0], group[1], tag_end, inner))
                group = None
            elif kind in ("raw_begin", "raw_end"):
                toks.append(Tok("control", at, end))
            elif group is not None:
                inner.append((kind, value))
            pos = end
    except jinja2.TemplateSyntaxError as exc:
        offset = _offset_of_line(text, exc.lineno or 1)
        if group is not None:
            offset = group[1]
        return toks, SyntaxProblem(f"Jinja syntax error: {exc.message}", offset)
    if group is not None:
        opener = text[group[1] : group[1] + 2]
        return toks, SyntaxProblem(f"Jinja syntax error: '{opener}' is never closed", group[1])
    return toks, None


def _offset_of_line(text: str, lineno: int) -> int:
    pos = 0
    for _ in range(lineno - 1):
        nxt = text.find("\n", pos)
        if nxt < 0:
            break
        pos = nxt + 1
    return pos


def _jinja_group(kind: str, start: int, end: int, inner: list[tuple[str, str]]) -> Tok:
    if kind == "comment_begin":
        body = "".join(v for k, v in inner if k == "comment")
        return Tok("comment", start, end, body.strip("- \t\n"))
    if kind == "variable_begin":
        return Tok("hole", start, end)
    words = [(k, v) for k, v in inner if k != "whitespace"]
    tag = words[0][1] if words and words[0][0] == "name" else ""
    if tag in _JINJA_TAG_ROLES:
        role = ""
        for i, (k, v) in enumerate(words):
            if k == "name" and v == "role" and i + 2 < len(words) and words[i + 2][0] == "string":
                role = words[i + 2][1][1:-1]
        return Tok("role", start, end, role)
    if tag in ("end" + t for t in _JINJA_TAG_ROLES):
        return Tok("end_role", start, end)
    if tag in _JINJA_INCLUDES:
        name = next((v[1:-1] for k, v in words if k == "string"), "")
        return Tok("hole", start, end, name)
    return Tok("hole", start, end)


# ---------------------------------------------------------------- handlebars

_HB_ROLE = re.compile(r"""^~?\s*role\s+(?:"([^"]*)"|'([^']*)')\s*~?$""")


def handlebars_tokens(text: str, *, roles: bool = False) -> tuple[list[Tok], SyntaxProblem | None]:
    """Tokens of a Handlebars/Mustache template; ``{{role "x"}}`` when ``roles``."""
    toks: list[Tok] = []
    pos = 0
    n = len(text)
    while pos < n:
        at = text.find("{{", pos)
        if at < 0:
            toks.append(Tok("text", pos, n))
            break
        if at > pos:
            toks.append(Tok("text", pos, at))
        if text.startswith("{{!--", at) or text.startswith("{{~!--", at):
            close = text.find("--", at + 5)
            close = text.find("}}", close) if close >= 0 else -1
            body_start = text.index("--", at) + 2
            closer = 2
        elif text.startswith("{{!", at) or text.startswith("{{~!", at):
            close = text.find("}}", at)
            body_start = text.index("!", at) + 1
            closer = 2
        elif text.startswith("{{{", at):
            close = text.find("}}}", at)
            body_start = at + 3
            closer = 3
        else:
            close = text.find("}}", at + 2)
            body_start = at + 2
            closer = 2
        if close < 0:
            toks.append(Tok("text", at, n))
            return toks, SyntaxProblem("'{{' is never closed", at)
        end = close + closer
        inner = text[body_start:close]
        if text[at + 2 : at + 4].lstrip("~").startswith("!"):
            toks.append(Tok("comment", at, end, inner.strip("-~ \t\n")))
        else:
            m = _HB_ROLE.match(inner.strip()) if roles else None
            partial = inner.strip("~ \t\n")
            if m:
                toks.append(Tok("role", at, end, m.group(1) or m.group(2) or ""))
            elif partial.startswith(">") and partial[1:].split():
                toks.append(Tok("hole", at, end, partial[1:].split()[0].strip("\"'")))
            else:
                toks.append(Tok("hole", at, end))
        pos = end
    return toks, None


# ---------------------------------------------------------------- format fields

_FIELD = re.compile(
    r"\{[A-Za-z_][\w]*(?:\.[A-Za-z_]\w*|\[[^\]{}\n]*\])*(?:![rsa])?"
    r"(?::[^{}\n]*)?\}"
)


_BRACES = re.compile(r"\{\{|\}\}|\{")


def format_tokens(text: str, *, escapes: bool) -> list[Tok]:
    """``{name}`` fields as holes; with ``escapes``, ``{{``/``}}`` read as braces."""
    toks: list[Tok] = []
    lit = 0
    pos = 0
    while True:
        m = _BRACES.search(text, pos)
        if m is None:
            break
        at = m.start()
        brace = m.group(0)
        if len(brace) == 2 and escapes:
            if lit < at:
                toks.append(Tok("text", lit, at))
            toks.append(Tok("subst", at, at + 2, brace[0]))
            pos = lit = at + 2
            continue
        if brace[0] == "{":
            if len(brace) == 2:  # "{{" read literally: a field may start at the second brace
                at += 1
            f = _FIELD.match(text, at)
            if f:
                if lit < at:
                    toks.append(Tok("text", lit, at))
                toks.append(Tok("hole", at, f.end()))
                pos = lit = f.end()
                continue
            pos = at + 1
            continue
        pos = at + 2 if len(brace) == 2 else at + 1
    if lit < len(text):
        toks.append(Tok("text", lit, len(text)))
    return toks


_ACTIONS_EXPR = re.compile(r"\$\{\{.*?\}\}", re.DOTALL)


def regex_hole_tokens(text: str, pattern: re.Pattern[str]) -> list[Tok]:
    """Holes where ``pattern`` matches, text elsewhere."""
    toks: list[Tok] = []
    pos = 0
    for m in pattern.finditer(text):
        if m.start() > pos:
            toks.append(Tok("text", pos, m.start()))
        toks.append(Tok("hole", m.start(), m.end()))
        pos = m.end()
    if pos < len(text):
        toks.append(Tok("text", pos, len(text)))
    return toks


def actions_tokens(text: str) -> list[Tok]:
    """GitHub Actions ``${{ expression }}``s as holes."""
    return regex_hole_tokens(text, _ACTIONS_EXPR)


def guess_tokens(text: str) -> list[Tok]:
    """Template syntax of a value whose format nobody declared."""
    if "{{" in text or "{%" in text:
        toks, problem = jinja_tokens(text)
        if problem is None:
            return toks
        toks, problem = handlebars_tokens(text)
        if problem is None:
            return toks
        return [Tok("text", 0, len(text))] if text else []
    if "{" in text:
        return format_tokens(text, escapes=False)
    return [Tok("text", 0, len(text))] if text else []


def tokens_for(syntax: str | None, text: str) -> tuple[list[Tok], SyntaxProblem | None]:
    """Tokens of ``text`` in a named template syntax."""
    if syntax in ("jinja", "jinja2", "liquid", "nunjucks"):
        toks, problem = jinja_tokens(text)
        if problem is not None:  # not meant as Jinja after all: read holes leniently
            toks, _ = handlebars_tokens(text)
        return toks, None
    if syntax in ("mustache", "handlebars", "semantic-kernel"):
        return handlebars_tokens(text)
    if syntax == "fstring":
        return format_tokens(text, escapes=True), None
    if syntax == "format":
        return format_tokens(text, escapes=False), None
    if syntax == "actions":
        return actions_tokens(text), None
    if syntax == "guess":
        return guess_tokens(text), None
    return ([Tok("text", 0, len(text))] if text else []), None


# ---------------------------------------------------------------- splitting text tokens


def split_lines(toks: list[Tok], text: str, classify: Callable[[str], Tok | None]) -> list[Tok]:
    """Split text tokens at whole lines that ``classify`` turns into a token.

    Only a line that is entirely literal text counts (``{{ role }}:`` is not
    a marker). The returned token spans the line and its line break.
    """
    out: list[Tok] = []
    n = len(text)
    for tok in toks:
        if tok.kind != "text":
            out.append(tok)
            continue
        pos = tok.start
        line = tok.start
        while line < tok.end:
            nl = text.find("\n", line, tok.end)
            line_end = nl if nl >= 0 else tok.end
            whole = (line == 0 or text[line - 1] == "\n") and (
                line_end < tok.end or line_end == n or text[line_end] == "\n"
            )
            found = classify(text[line:line_end]) if whole else None
            if found is not None:
                if pos < line:
                    out.append(Tok("text", pos, line))
                stop = line_end + 1 if nl >= 0 else line_end
                out.append(Tok(found.kind, line, stop, found.value))
                pos = stop
            if nl < 0:
                break
            line = nl + 1
        if pos < tok.end:
            out.append(Tok("text", pos, tok.end))
    return out


def marker_line(line: str) -> Tok | None:
    """``system:`` / ``# user:`` role lines (Prompty, Prompt flow)."""
    m = MARKER_RE.match(line)
    return Tok("role", 0, 0, m.group(1).lower()) if m else None


_MESSAGE_TAG = re.compile(r"""<message\s+role\s*=\s*(?:"([^"]*)"|'([^']*)')\s*>|</message\s*>""")


def split_message_tags(toks: list[Tok], text: str) -> list[Tok]:
    """Semantic Kernel ``<message role="system">...</message>`` tags as roles."""
    out: list[Tok] = []
    for tok in toks:
        if tok.kind != "text":
            out.append(tok)
            continue
        pos = tok.start
        for m in _MESSAGE_TAG.finditer(text, tok.start, tok.end):
            if m.start() > pos:
                out.append(Tok("text", pos, m.start()))
            if m.group(0).startswith("</"):
                out.append(Tok("end_role", m.start(), m.end()))
            else:
                out.append(Tok("role", m.start(), m.end(), m.group(1) or m.group(2) or ""))
            pos = m.end()
        if pos < tok.end:
            out.append(Tok("text", pos, tok.end))
    return out


# ---------------------------------------------------------------- assembling


@dataclass
class Message:
    """One message of a template: its role, text with map, and rows."""

    role: Role
    builder: TextBuilder
    first_row: int
    last_row: int
    marker_row: int | None = None
    declared_task: str | None = None
    includes: list[str] = field(default_factory=list)
    region: tuple[int, int] = (0, 0)  # document span, for declarations inside it


def assemble(
    doc: Document,
    lines: LineIndex,
    mt: MappedText,
    toks: list[Tok],
    *,
    default_role: Role,
    trim: bool,
    comments: list[Comment],
    keep_empty: bool = False,
) -> list[Message]:
    """Messages from tokens; fills ``comments`` with template comments.

    ``trim`` drops white space around each message (role-marker formats);
    without it the text is the value exactly (a YAML scalar).
    """
    messages: list[Message] = []
    stack: list[Role] = []
    current: list[Tok] = []
    role: Role = default_role
    marker_row: int | None = None
    region_start = mt.doc_pos(0)
    pending_task: str | None = None  # declared before any message: applies to all
    task_here: str | None = None
    seen_role = False

    def close(region_end: int) -> None:
        nonlocal current, task_here
        msg = _build(
            doc, lines, mt, current, role, trim=trim, marker_row=marker_row, keep_empty=keep_empty
        )
        if msg is not None:
            msg.declared_task = task_here
            msg.region = (region_start, region_end)
            messages.append(msg)
        current = []
        task_here = None

    for tok in toks:
        if tok.kind == "comment":
            a, _b = mt.doc_range(tok.start, tok.end)
            loc = lines.location(a)
            line_start = lines.line_start(loc.row)
            own = doc.text[line_start:a].strip() == ""
            comments.append(Comment(doc, loc.row, tok.value, own))
            task = declared_task(tok.value)
            if task:
                if not seen_role and not _has_content(mt, current):
                    pending_task = task
                else:
                    task_here = task
            continue
        if tok.kind == "role":
            a, _b = mt.doc_range(tok.start, tok.end)
            close(a)
            stack.append(role)
            role = normalize_role(tok.value)
            marker_row = lines.location(a).row
            region_start = a
            seen_role = True
            continue
        if tok.kind == "end_role":
            a, b = mt.doc_range(tok.start, tok.end)
            close(b)
            role = stack.pop() if stack else default_role
            marker_row = None
            region_start = b
            continue
        current.append(tok)
    close(mt.doc_pos(len(mt.text), end=True))
    if pending_task:
        for msg in messages:
            msg.declared_task = msg.declared_task or pending_task
    return messages


def _has_content(mt: MappedText, toks: list[Tok]) -> bool:
    return any(
        t.kind in ("hole", "subst") or (t.kind == "text" and mt.text[t.start : t.end].strip())
        for t in toks
    )


def _build(
    doc: Document,
    lines: LineIndex,
    mt: MappedText,
    toks: list[Tok],
    role: Role,
    *,
    trim: bool,
    marker_row: int | None,
    keep_empty: bool,
) -> Message | None:
    items = [t for t in toks if t.kind in ("text", "hole", "subst")]
    text = mt.text
    if trim:
        while items and items[0].kind == "text":
            first = items[0]
            stripped = len(text[first.start : first.end]) - len(
                text[first.start : first.end].lstrip()
            )
            if first.start + stripped >= first.end:
                items.pop(0)
                continue
            items[0] = Tok("text", first.start + stripped, first.end)
            break
        while items and items[-1].kind == "text":
            last = items[-1]
            kept = len(text[last.start : last.end].rstrip())
            if kept == 0:
                items.pop()
                continue
            items[-1] = Tok("text", last.start, last.start + kept)
            break
    builder = TextBuilder()
    includes: list[str] = []
    first_doc: int | None = None
    last_doc = 0
    for tok in items:
        if tok.kind == "text":
            mt.emit(builder, tok.start, tok.end)
            body = text[tok.start : tok.end]
            if body.strip():
                lead = len(body) - len(body.lstrip())
                tail = len(body.rstrip())
                a = mt.doc_pos(tok.start + lead)
                b = mt.doc_pos(tok.start + tail, end=True)
                first_doc = a if first_doc is None else first_doc
                last_doc = max(last_doc, b)
        elif tok.kind == "subst":
            a, b = mt.doc_range(tok.start, tok.end)
            builder.decoded(tok.value, a, b)
            first_doc = a if first_doc is None else first_doc
            last_doc = max(last_doc, b)
        else:
            a, b = mt.doc_range(tok.start, tok.end)
            source = text[tok.start : tok.end]
            written = doc.text[a:b]
            if written.replace("\r\n", "\n").replace("\r", "\n") == source:
                source = written  # as written, line breaks and all
            builder.hole(source, a, b)
            if tok.value:
                includes.append(tok.value)
            first_doc = a if first_doc is None else first_doc
            last_doc = max(last_doc, b)
    if not builder.text.strip() and not (keep_empty and items):
        return None
    if first_doc is None:
        first_doc = builder.pieces[0].doc_start if builder.pieces else mt.doc_pos(0)
        last_doc = builder.pieces[-1].doc_end if builder.pieces else first_doc
    first_row = marker_row if marker_row is not None else lines.location(first_doc).row
    last_row = lines.location(max(first_doc, last_doc - 1)).row
    return Message(
        role, builder, first_row, max(first_row, last_row), marker_row, includes=includes
    )


def render_plain(text: str, toks: list[Tok]) -> str:
    """Template text as a prompt, holes as ``HOLE``: for context, not positions."""
    out: list[str] = []
    for tok in toks:
        if tok.kind == "text":
            out.append(text[tok.start : tok.end])
        elif tok.kind == "subst":
            out.append(tok.value)
        elif tok.kind == "hole":
            out.append(HOLE)
    return "".join(out).strip()
