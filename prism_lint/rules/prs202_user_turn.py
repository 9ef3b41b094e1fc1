"""PRS202 expert-persona-in-user-turn."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from prism_lint.rules import Example, Finding, Rule, persona_details, reportable, short

if TYPE_CHECKING:
    from prism_lint.analysis import Analysis
    from prism_lint.config import Settings
    from prism_lint.model import PromptUnit


class ExpertPersonaInUserTurn(Rule):
    """
    ## What it does
    Flags an expert persona placed in a user message (`{"role": "user"}`,
    `HumanMessage`, a Dotprompt body with no role marker, ...) of a prompt
    with an accuracy-critical task.

    ## Why is this bad?
    Moving a persona out of the system prompt is not a fix. In PRISM (arXiv
    2603.18507, Figure 1d) the persona in the user turn **nearly doubled the
    MMLU loss on Llama-3.1-8B (-13.3 -> -23.5 points)** and turned small
    MT-Bench gains on the R1-distilled models into losses of 1.6 to 2.1
    points.

    ## Example
    ```python
    messages = [{"role": "user", "content": f"You are an expert tax lawyer. {question}"}]
    ```

    Use instead: state the task in the user message without an identity.

    ## Fix safety
    Stripping is safe when the removed span is exactly the persona and holds
    no placeholder.
    """

    code = "PRS202"
    name = "expert-persona-in-user-turn"
    summary = "Expert persona in a user message of an accuracy-critical prompt"
    figure = (
        "PRISM: in the user turn the persona's MMLU loss on Llama-3.1-8B went from -13.3 to -23.5."
    )
    VALID = [
        Example(
            "You are an expert tax lawyer. Answer the question about deductions.", role="system"
        ),
    ]
    INVALID = [
        Example(
            "You are an expert tax lawyer. Answer the question about deductions.",
            role="user",
            fixed="Answer the question about deductions.",
        ),
    ]

    def check(self, unit: PromptUnit, analysis: Analysis, settings: Settings) -> Iterator[Finding]:
        if unit.role != "user" or not reportable(analysis, settings):
            return
        for persona in analysis.experts:
            message = (
                f'Expert persona "{short(persona.text)}" in the user turn of a '
                f"{analysis.task.category} prompt. {self.figure}"
            )
            yield Finding(
                persona.start,
                persona.end,
                message,
                persona,
                persona_details(unit, analysis, persona),
            )
