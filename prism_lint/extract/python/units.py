"""Python prompt drafts: how a shared literal becomes a hole, rows, agent links.

The bookkeeping both code extractors share (drafts, claims, merging, the
final units) is in :mod:`code_units`; this module adds what Python reads
differently: a hole that covers a whole foreign literal stands for it as
written, a draft's rows are its statement's, and an agent, its decorated
prompts and its runs all see one another.
"""

from __future__ import annotations

from collections.abc import Callable

from prism_lint.extract.python import strings as ps
from prism_lint.extract.python.source import Source, statement_of
from prism_lint.extract.python.strings import HOLE_KIND, Seg, Segs
from prism_lint.extract.shared import units as code_units
from prism_lint.extract.shared.units import Group, add_siblings
from prism_lint.model import Sibling


class Registry(code_units.Registry[Source]):
    key_holes = True  # an f-string's substitutions count towards its literal's span
    task_in_holes = True

    def _literal_span(self, literal: int) -> tuple[int, int] | None:
        node = self.literal_nodes.get(literal)
        return self.src.span(node) if node is not None else None

    def cut(self, segs: Segs, foreign: set[int]) -> Segs:
        return _holes_for(segs, foreign, self.src.doc.text, self._literal_span)

    def link(self) -> None:
        """An agent, its decorated prompts and its runs all see one another."""
        by_agent: dict[int, list[Group]] = {}
        for run in self.run_groups:
            for agent_call in run.runs:
                members = by_agent.setdefault(
                    agent_call, list(self.agent_groups.get(agent_call, ()))
                )
                if run not in members:
                    members.append(run)
        # an agent also handed a task directly (run alone, or first of
        # another team) is not only working on what came before it
        for agent_call in self.fed - by_agent.keys():
            for g in self.agent_groups.get(agent_call, ()):
                for key in g.keys:
                    d = self.drafts.get(key)
                    if d is not None:
                        d.ctx.after_agent = True
        for agent_call, members in by_agent.items():
            model = next((g.ctx.model for g in members if g.ctx.model), None)
            library = next((g.ctx.library for g in members if g.ctx.library), "")
            agents = self.agent_groups.get(agent_call, ())
            for g in members:
                others = [
                    Sibling(m.role, ps.joined(m.segs))
                    for o in members
                    if o is not g
                    and not ((g.apart or o.apart) and g not in agents and o not in agents)
                    for m in o.msgs
                ]
                for key in g.keys:
                    d = self.drafts.get(key)
                    if d is None:
                        continue
                    add_siblings(d.ctx, others)
                    d.ctx.model = d.ctx.model or model
                    d.ctx.library = d.ctx.library or library

    def rows(self, draft: code_units.Draft) -> tuple[int, int]:
        node = self.literal_nodes.get(draft.first_literal)
        if node is None:
            start = draft.segs[0].start if draft.segs else 0
            row = self.src.row(max(0, start))
            return row, row
        return self.src.node_rows(statement_of(node))


def _holes_for(
    segs: Segs,
    literals: set[int],
    source: str,
    literal_span: Callable[[int], tuple[int, int] | None],
) -> Segs:
    """Replace the parts of ``segs`` from ``literals`` by one hole per literal run.

    The hole stands for the whole literal as written, quotes included, when
    the run covers all of it.
    """
    out: Segs = []
    for s in segs:
        if s.literal in literals:
            prev = out[-1] if out else None
            if (
                prev is not None
                and prev.kind == HOLE_KIND
                and prev.literal == s.literal
                and prev.start <= s.start
            ):
                out[-1] = Seg(HOLE_KIND, source[prev.start : s.end], prev.start, s.end, s.literal)
            else:
                out.append(Seg(HOLE_KIND, source[s.start : s.end], s.start, s.end, s.literal))
        else:
            out.append(s)
    for i, s in enumerate(out):
        if s.kind == HOLE_KIND and s.literal in literals:
            span = literal_span(s.literal)
            if span is not None and span[0] <= s.start and s.end <= span[1]:
                out[i] = Seg(HOLE_KIND, source[span[0] : span[1]], span[0], span[1], s.literal)
    # a hole standing for another prompt's literal is not owned by this one
    return [
        Seg(s.kind, s.text, s.start, s.end, -1)
        if s.kind == HOLE_KIND and s.literal in literals
        else s
        for s in out
    ]
