"""JavaScript prompt drafts: how a shared literal becomes a hole, rows, agent links.

The bookkeeping both code extractors share (drafts, claims, merging, the
final units) is in :mod:`code_units`; this module adds what JavaScript reads
differently: a property of a prompt object stands on its own rows, and an
agent sees the input of its runs while a run sees the agent's instructions.
"""

from __future__ import annotations

from prism_lint.extract.javascript.source import Source
from prism_lint.extract.shared import segments
from prism_lint.extract.shared import units as code_units
from prism_lint.extract.shared.segments import HOLE_KIND, Seg, Segs
from prism_lint.extract.shared.units import add_siblings
from prism_lint.model import Sibling


class Registry(code_units.Registry[Source]):
    def cut(self, segs: Segs, foreign: set[int]) -> Segs:
        return _holes_for(segs, foreign, self.src.doc.text)

    def link(self) -> None:
        """An agent sees the input of its runs, and a run sees the agent's instructions."""
        for run in self.run_groups:
            for agent_call in run.runs:
                for agent in self.agent_groups.get(agent_call, ()):
                    if agent is run:
                        continue
                    a_sibs = [Sibling(m.role, segments.joined(m.segs)) for m in agent.msgs]
                    r_sibs = [Sibling(m.role, segments.joined(m.segs)) for m in run.msgs]
                    for key in agent.keys:
                        d = self.drafts.get(key)
                        if d is not None:
                            add_siblings(d.ctx, r_sibs)
                            d.ctx.model = d.ctx.model or run.ctx.model
                    for key in run.keys:
                        d = self.drafts.get(key)
                        if d is not None:
                            add_siblings(d.ctx, a_sibs)
                            d.ctx.model = d.ctx.model or agent.ctx.model
                            if not d.ctx.library:
                                d.ctx.library = agent.ctx.library

    def rows(self, draft: code_units.Draft) -> tuple[int, int]:
        if draft.own_rows is not None:
            return draft.own_rows
        node = self.literal_nodes.get(draft.first_literal)
        if node is None:
            start = next((s.start for s in draft.segs if s.start >= 0), 0)
            row = self.src.row(start)
            return row, row
        return self.src.statement_rows(node)


def _holes_for(segs: Segs, literals: set[int], source: str) -> Segs:
    """Replace the parts of ``segs`` that come from ``literals`` by one hole per run."""
    out: Segs = []
    for s in segs:
        # a foreign literal's own holes (``${x}``, ``{{x}}``) are part of its run
        if s.literal in literals:
            prev = out[-1] if out else None
            if (
                prev is not None
                and prev.kind == HOLE_KIND
                and prev.start <= s.start
                and prev.literal == -2 - s.literal
            ):
                out[-1] = Seg(
                    HOLE_KIND, source[prev.start : s.end], prev.start, s.end, prev.literal
                )
            else:
                # marked with -2 - literal while merging; not owned by this prompt
                out.append(Seg(HOLE_KIND, source[s.start : s.end], s.start, s.end, -2 - s.literal))
        else:
            out.append(s)
    return [
        Seg(s.kind, s.text, s.start, s.end, -1) if s.kind == HOLE_KIND and s.literal <= -2 else s
        for s in out
    ]
