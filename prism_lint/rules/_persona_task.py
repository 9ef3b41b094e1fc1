"""Shared logic of PRS101-PRS104: an expert persona on one accuracy task."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, ClassVar

from prism_lint.rules import Finding, Rule, how_inferred, persona_details, reportable, short

if TYPE_CHECKING:
    from prism_lint.analysis import Analysis
    from prism_lint.config import Settings
    from prism_lint.model import PromptUnit


class PersonaOnTaskRule(Rule):
    category: ClassVar[str]  # the task category this rule owns
    task_label: ClassVar[str]  # "a code task"

    def check(self, unit: PromptUnit, analysis: Analysis, settings: Settings) -> Iterator[Finding]:
        task = analysis.task
        if task.category != self.category or not reportable(analysis, settings):
            return
        how = how_inferred(analysis)
        for persona in analysis.experts:
            message = (
                f'Expert persona "{short(persona.text)}" on {self.task_label} ({how}). '
                f"{self.figure}"
            )
            yield Finding(
                persona.start,
                persona.end,
                message,
                persona,
                persona_details(unit, analysis, persona),
            )
