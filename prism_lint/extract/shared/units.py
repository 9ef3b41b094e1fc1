"""Prompt drafts of a code file: one owner per literal, merged contexts, final units.

Both code extractors (Python, JavaScript/TypeScript) read call sites into
groups of messages. The same constant used by two calls is one prompt with
both contexts, not two findings, and a draft whose literals overlap another
prompt's keeps the shared part as a hole. That bookkeeping is the same in
both languages, so it lives here; each language's units module says only how
a foreign literal becomes a hole, which rows a draft stands on, and how an
agent and its runs see each other.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from prism_lint.extract.shared import segments
from prism_lint.extract.shared.segments import HOLE_KIND, Segs
from prism_lint.extract.shared.tree_source import TreeSource
from prism_lint.lazy_re import lazy
from prism_lint.model import UNSPACED, CallContext, PromptUnit, Sibling

TASK_RE = re.compile(r"prism\s*:\s*task\s*=\s*([A-Za-z][\w-]*)")
# A text found by its name alone (``SYSTEM_PROMPT = "..."``, a prompt-named
# key) is a prompt when it is this long and reads as words: a space between
# two of them, or a run of a script written without spaces (Chinese,
# Japanese: "你是一名资深的Python工程师，请写一个函数。").
MIN_NAMED_CHARS = 12
_UNSPACED_WORDS = lazy(f"[{UNSPACED}]{{4}}")  # compiled for the first such text


def worded(text: str) -> bool:
    """Whether a text found by its name is long enough and reads as words."""
    return len(text) >= MIN_NAMED_CHARS and (
        " " in text or (not text.isascii() and _UNSPACED_WORDS.search(text) is not None)
    )


_ROLES = ("system", "developer", "user", "assistant")

Key = tuple[tuple[int, int, int], ...]  # (literal, doc start, doc end) per literal


@dataclass
class Msg:
    """One prompt text of a call, before it becomes a unit."""

    role: str
    segs: Segs
    argument: str
    syntax: str | None = None  # template syntax of the final text
    names: list[str] = field(default_factory=list)


@dataclass
class Group:
    """The prompts of one call (or one agent, one docstring) and their shared context."""

    ctx: CallContext
    msgs: list[Msg] = field(default_factory=list)
    rows: tuple[int, int] | None = None  # the call statement's rows
    tier: str = "call"
    agent: int | None = None  # byte start of the agent constructor call, when one
    runs: list[int] = field(default_factory=list)  # agent constructor calls it feeds
    # a run sent in a call of its own (a MetaGPT action's ``_aask``): it sees
    # its agent's prompts, not the other runs of the agent
    apart: bool = False
    keys: list[Key] = field(default_factory=list)
    # Rows that stand for the prompt instead of its statement's: a property of
    # a prompt object, so that a comment above it applies to it alone.
    own_rows: tuple[int, int] | None = None


@dataclass
class Draft:
    """A prompt being assembled from one or more uses of the same literals."""

    key: Key
    segs: Segs
    role: str
    tier: str
    ctx: CallContext
    syntax: str | None
    anchor_rows: list[tuple[int, int]] = field(default_factory=list)  # statement rows
    first_literal: int = -1
    own_rows: tuple[int, int] | None = None


S = TypeVar("S", bound=TreeSource)


class Registry(Generic[S]):
    """Collects the drafts of one file; a language subclass supplies the hooks below."""

    # Whether a hole (an f-string or template substitution) counts towards the
    # span of the literal it sits in when drafts are keyed.
    key_holes = False
    # Whether a ``prism: task=...`` comment inside a template hole declares the task.
    task_in_holes = False

    def __init__(self, src: S, literal_nodes: dict[int, Any]) -> None:
        self.src = src
        self.literal_nodes = literal_nodes
        self.drafts: dict[Key, Draft] = {}
        self.claims: dict[int, list[tuple[Key, int, int]]] = {}
        self.agent_groups: dict[int, list[Group]] = {}
        self.run_groups: list[Group] = []
        # agents of a sequence after its first: each works on what the one
        # before it returned, not on the task the code hands the sequence
        self.fed: set[int] = set()

    # -- hooks ---------------------------------------------------------------

    def cut(self, segs: Segs, foreign: set[int]) -> Segs:
        """``segs`` with the parts from ``foreign`` literals turned into holes."""
        raise NotImplementedError

    def rows(self, draft: Draft) -> tuple[int, int]:
        """The first and last rows a draft's suppression comments are looked for on."""
        raise NotImplementedError

    def link(self) -> None:
        """Let agents and the runs given to them see each other's messages."""
        raise NotImplementedError

    # -- claims ----------------------------------------------------------------

    def claimed(self, literal: int) -> bool:
        return literal in self.claims

    def key(self, segs: Segs) -> Key:
        spans: dict[int, list[int]] = {}
        for s in segs:
            if s.literal < 0 or (s.kind == HOLE_KIND and not self.key_holes):
                continue
            span = spans.get(s.literal)
            if span is None:
                spans[s.literal] = [s.start, s.end]
            else:
                span[0] = min(span[0], s.start)
                span[1] = max(span[1], s.end)
        return tuple(sorted((lit, a, b) for lit, (a, b) in spans.items()))

    def own_text(self, segs: Segs, spans: Sequence[tuple[int, int]]) -> str | None:
        """The text that makes a string read by its name a prompt, or None when
        it is part of one already found.

        Its own literals are those written inside ``spans`` (the expressions
        assigned to the name); the others come from constants it interpolates.
        When no literal is owned yet this is the whole text. When another
        prompt owns one of its own literals, the string is that prompt. When
        it only shares a constant with another prompt, it is a prompt of its
        own (the shared part becomes a hole, as :meth:`emit` cuts it) if its
        own literals say something: ``f"{A}\n\n{B}"`` only joins prompts.
        """
        lits = segments.literal_ids(segs)
        if not any(self.claimed(lit) for lit in lits):
            return segments.joined(segs)
        own = {lit for lit in lits if any(a <= lit < b for a, b in spans)}
        if not own or any(self.claimed(lit) for lit in own):
            return None
        return "".join(s.text for s in segs if s.literal in own and s.kind != HOLE_KIND)

    def foreign(self, key: Key) -> set[int]:
        """Literals of ``key`` whose span overlaps another draft's claim."""
        out = set()
        for lit, a, b in key:
            for other, oa, ob in self.claims.get(lit, ()):
                if other != key and oa < b and a < ob:
                    out.add(lit)
        return out

    # -- emission --------------------------------------------------------------

    def emit(self, group: Group) -> None:
        """Turn a group's messages into drafts; record links between agents and runs."""
        sib_texts = [(m.role, segments.joined(m.segs)) for m in group.msgs]
        for i, msg in enumerate(group.msgs):
            if not segments.has_content(msg.segs):
                continue
            segs = msg.segs
            key = self.key(segs)
            foreign = self.foreign(key)
            if foreign:
                segs = self.cut(segs, foreign)
                if not segments.has_content(segs):
                    continue
                key = self.key(segs)
            ctx = CallContext(
                library=group.ctx.library,
                call=group.ctx.call,
                argument=msg.argument,
                model=group.ctx.model,
                names=unique(msg.names + group.ctx.names),
                siblings=[Sibling(r, t) for j, (r, t) in enumerate(sib_texts) if j != i],
                response_format=group.ctx.response_format,
                tools=list(group.ctx.tools),
                attachments=list(group.ctx.attachments),
                origin=group.ctx.origin,
            )
            existing = self.drafts.get(key)
            if existing is not None:
                merge(existing, msg.role, group.tier, ctx)
                if group.rows:
                    existing.anchor_rows.append(group.rows)
            else:
                draft = Draft(
                    key, segs, msg.role, group.tier, ctx, msg.syntax, own_rows=group.own_rows
                )
                draft.first_literal = next(
                    (s.literal for s in segs if s.literal >= 0 and s.kind != HOLE_KIND), -1
                )
                if group.rows:
                    draft.anchor_rows.append(group.rows)
                self.drafts[key] = draft
                for lit, a, b in key:
                    self.claims.setdefault(lit, []).append((key, a, b))
            group.keys.append(key)
        if group.agent is not None:
            self.agent_groups.setdefault(group.agent, []).append(group)
        if group.runs:
            self.run_groups.append(group)

    # -- final units -----------------------------------------------------------

    def units(self, comments_by_row: dict[int, list[str]]) -> list[PromptUnit]:
        out = []
        for draft in self.drafts.values():
            tb = segments.to_builder(draft.segs)
            if not tb.pieces:
                continue
            first_row, last_row = self.rows(draft)
            declared = declared_task(comments_by_row, [(first_row, last_row), *draft.anchor_rows])
            if declared is None and self.task_in_holes:  # {# prism: task=writing #}
                for hole in tb.holes:
                    m = TASK_RE.search(hole.source) if "prism" in hole.source else None
                    if m:
                        declared = m.group(1).lower()
                        break
            role = draft.role if draft.role in _ROLES else "unknown"
            out.append(
                PromptUnit(
                    doc=self.src.doc,
                    text=tb.text,
                    pieces=tb.pieces,
                    holes=tb.holes,
                    role=role,  # type: ignore[arg-type]
                    tier=draft.tier,  # type: ignore[arg-type]
                    context=draft.ctx,
                    first_row=first_row,
                    last_row=last_row,
                    declared_task=declared,
                    template_syntax=draft.syntax,
                )
            )
        out.sort(key=lambda u: (u.doc_start, u.doc_end))
        return out


def declared_task(
    comments_by_row: dict[int, list[str]], spans: list[tuple[int, int]]
) -> str | None:
    """The task a ``prism: task=...`` comment on or just above one of ``spans`` declares."""
    if not comments_by_row:
        return None
    for first, last in spans:
        for row in range(first - 1, last + 1):
            for text in comments_by_row.get(row, ()):
                m = TASK_RE.search(text)
                if m:
                    return m.group(1).lower()
    return None


def unique(names: list[str]) -> list[str]:
    """``names`` without blanks and repeats, first occurrence first."""
    seen: dict[str, None] = {}
    for n in names:
        if n:
            seen.setdefault(n, None)
    return list(seen)


def add_siblings(ctx: CallContext, sibs: list[Sibling]) -> None:
    """Add the siblings ``ctx`` does not have yet, keeping their order."""
    have = {(s.role, s.text) for s in ctx.siblings}
    for s in sibs:
        if (s.role, s.text) not in have:
            ctx.siblings.append(s)
            have.add((s.role, s.text))


def merge(draft: Draft, role: str, tier: str, ctx: CallContext) -> None:
    """Fold one more use of a draft's text into it: the most specific role, tier and context."""
    if draft.role == "unknown" and role != "unknown":
        draft.role = role
    if draft.tier != "call" and tier == "call":
        draft.tier = tier
    old = draft.ctx
    if not old.library and ctx.library:
        old.library, old.call, old.argument = ctx.library, ctx.call, ctx.argument
    old.model = old.model or ctx.model
    old.origin = old.origin or ctx.origin
    old.response_format = old.response_format or ctx.response_format
    old.names = unique(old.names + ctx.names)
    for t in ctx.tools:
        if t not in old.tools:
            old.tools.append(t)
    for a in ctx.attachments:
        if a not in old.attachments:
            old.attachments.append(a)
    add_siblings(old, ctx.siblings)
