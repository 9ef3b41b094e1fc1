"""Collect prompt drafts of a JavaScript file, give each literal one owner, build units.

The same constant used by two calls is one prompt with both contexts, not
two findings. A draft whose literals overlap another prompt's keeps the
shared part as a hole. Agents and the runs given to them see each other's
messages as siblings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from prism_lint.extract import python_strings as ps
from prism_lint.extract.javascript_source import Node, Source
from prism_lint.extract.python_strings import HOLE_KIND, Seg, Segs
from prism_lint.model import CallContext, PromptUnit, Sibling

_TASK_RE = re.compile(r"prism\s*:\s*task\s*=\s*([A-Za-z][\w-]*)")
_ROLES = ("system", "developer", "user", "assistant")

Key = tuple[tuple[int, int, int], ...]  # (literal, doc start, doc end) per literal


@dataclass
class Msg:
    """One prompt text of a call, before it becomes a unit."""

    role: str
    segs: Segs
    argument: str
    syntax: str | None = None
    names: list[str] = field(default_factory=list)


@dataclass
class Group:
    """The prompts of one call (or one agent) and their shared context."""

    ctx: CallContext
    msgs: list[Msg] = field(default_factory=list)
    rows: tuple[int, int] | None = None  # the call statement's rows
    tier: str = "call"
    agent: int | None = None  # byte start of the agent constructor, when one
    runs: list[int] = field(default_factory=list)  # agent constructors it feeds
    keys: list[Key] = field(default_factory=list)
    # Rows that stand for the prompt instead of its statement's: a property of
    # a prompt object, so that a comment above it applies to it alone.
    own_rows: tuple[int, int] | None = None


@dataclass
class Draft:
    key: Key
    segs: Segs
    role: str
    tier: str
    ctx: CallContext
    syntax: str | None
    anchor_rows: list[tuple[int, int]] = field(default_factory=list)
    first_literal: int = -1
    own_rows: tuple[int, int] | None = None


class Registry:
    def __init__(self, src: Source, literal_nodes: dict[int, Node]) -> None:
        self.src = src
        self.literal_nodes = literal_nodes
        self.drafts: dict[Key, Draft] = {}
        self.claims: dict[int, list[tuple[Key, int, int]]] = {}
        self.agent_groups: dict[int, list[Group]] = {}
        self.run_groups: list[Group] = []

    def claimed(self, literal: int) -> bool:
        return literal in self.claims

    def emit(self, group: Group) -> None:
        """Turn a group's messages into drafts."""
        texts = [(m.role, ps.joined(m.segs)) for m in group.msgs]
        for i, msg in enumerate(group.msgs):
            if not ps.has_content(msg.segs):
                continue
            segs = msg.segs
            key = _key(segs)
            foreign = self._foreign(key)
            if foreign:
                segs = _holes_for(segs, foreign, self.src.doc.text)
                if not ps.has_content(segs):
                    continue
                key = _key(segs)
            ctx = CallContext(
                library=group.ctx.library,
                call=group.ctx.call,
                argument=msg.argument,
                model=group.ctx.model,
                names=_unique(msg.names + group.ctx.names),
                siblings=[Sibling(r, t) for j, (r, t) in enumerate(texts) if j != i],
                response_format=group.ctx.response_format,
                tools=list(group.ctx.tools),
            )
            existing = self.drafts.get(key)
            if existing is not None:
                _merge(existing, msg.role, group.tier, ctx)
                if group.rows:
                    existing.anchor_rows.append(group.rows)
            else:
                draft = Draft(key, segs, msg.role, group.tier, ctx, msg.syntax,
                              own_rows=group.own_rows)
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

    def _foreign(self, key: Key) -> set[int]:
        out = set()
        for lit, a, b in key:
            for other, oa, ob in self.claims.get(lit, ()):
                if other != key and oa < b and a < ob:
                    out.add(lit)
        return out

    def link(self) -> None:
        """An agent sees the input of its runs, and a run sees the agent's instructions."""
        for run in self.run_groups:
            for agent_call in run.runs:
                for agent in self.agent_groups.get(agent_call, ()):
                    if agent is run:
                        continue
                    a_sibs = [Sibling(m.role, ps.joined(m.segs)) for m in agent.msgs]
                    r_sibs = [Sibling(m.role, ps.joined(m.segs)) for m in run.msgs]
                    for key in agent.keys:
                        d = self.drafts.get(key)
                        if d is not None:
                            _add_siblings(d.ctx, r_sibs)
                            d.ctx.model = d.ctx.model or run.ctx.model
                    for key in run.keys:
                        d = self.drafts.get(key)
                        if d is not None:
                            _add_siblings(d.ctx, a_sibs)
                            d.ctx.model = d.ctx.model or agent.ctx.model
                            if not d.ctx.library:
                                d.ctx.library = agent.ctx.library

    def units(self, comments_by_row: dict[int, list[str]]) -> list[PromptUnit]:
        out = []
        for draft in self.drafts.values():
            tb = ps.to_builder(draft.segs)
            if not tb.pieces:
                continue
            first_row, last_row = self._rows(draft)
            declared = _declared(comments_by_row, [(first_row, last_row), *draft.anchor_rows])
            role = draft.role if draft.role in _ROLES else "unknown"
            out.append(PromptUnit(
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
            ))
        out.sort(key=lambda u: (u.doc_start, u.doc_end))
        return out

    def _rows(self, draft: Draft) -> tuple[int, int]:
        if draft.own_rows is not None:
            return draft.own_rows
        node = self.literal_nodes.get(draft.first_literal)
        if node is None:
            start = next((s.start for s in draft.segs if s.start >= 0), 0)
            row = self.src.row(start)
            return row, row
        return self.src.statement_rows(node)


def _key(segs: Segs) -> Key:
    spans: dict[int, list[int]] = {}
    for s in segs:
        if s.literal < 0 or s.kind == HOLE_KIND:
            continue
        span = spans.get(s.literal)
        if span is None:
            spans[s.literal] = [s.start, s.end]
        else:
            span[0] = min(span[0], s.start)
            span[1] = max(span[1], s.end)
    return tuple(sorted((lit, a, b) for lit, (a, b) in spans.items()))


def _declared(comments_by_row: dict[int, list[str]], spans: list[tuple[int, int]]) -> str | None:
    if not comments_by_row:
        return None
    for first, last in spans:
        for row in range(first - 1, last + 1):
            for text in comments_by_row.get(row, ()):
                m = _TASK_RE.search(text)
                if m:
                    return m.group(1).lower()
    return None


def _holes_for(segs: Segs, literals: set[int], source: str) -> Segs:
    """Replace the parts of ``segs`` that come from ``literals`` by one hole per run."""
    out: Segs = []
    for s in segs:
        if s.literal in literals and s.kind != HOLE_KIND:
            prev = out[-1] if out else None
            if prev is not None and prev.kind == HOLE_KIND and prev.start <= s.start \
                    and prev.literal == -2 - s.literal:
                out[-1] = Seg(HOLE_KIND, source[prev.start:s.end], prev.start, s.end,
                              prev.literal)
            else:
                # marked with -2 - literal while merging; not owned by this prompt
                out.append(Seg(HOLE_KIND, source[s.start:s.end], s.start, s.end,
                               -2 - s.literal))
        else:
            out.append(s)
    return [Seg(s.kind, s.text, s.start, s.end, -1) if s.kind == HOLE_KIND and s.literal <= -2
            else s for s in out]


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, None] = {}
    for n in names:
        if n:
            seen.setdefault(n, None)
    return list(seen)


def _add_siblings(ctx: CallContext, sibs: list[Sibling]) -> None:
    have = {(s.role, s.text) for s in ctx.siblings}
    for s in sibs:
        if (s.role, s.text) not in have:
            ctx.siblings.append(s)
            have.add((s.role, s.text))


def _merge(draft: Draft, role: str, tier: str, ctx: CallContext) -> None:
    if draft.role == "unknown" and role != "unknown":
        draft.role = role
    if draft.tier != "call" and tier == "call":
        draft.tier = tier
    old = draft.ctx
    if not old.library and ctx.library:
        old.library, old.call, old.argument = ctx.library, ctx.call, ctx.argument
    old.model = old.model or ctx.model
    old.response_format = old.response_format or ctx.response_format
    old.names = _unique(old.names + ctx.names)
    for t in ctx.tools:
        if t not in old.tools:
            old.tools.append(t)
    _add_siblings(old, ctx.siblings)
