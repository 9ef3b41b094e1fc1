"""PRS301 persona-open-ended-prompt."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from prism_lint.rules import Example, Finding, Rule, persona_details, short

if TYPE_CHECKING:
    from prism_lint.analysis import Analysis
    from prism_lint.config import Settings
    from prism_lint.model import PromptUnit


class PersonaOpenEndedPrompt(Rule):
    """
    ## What it does
    Flags an expert persona in an open-ended prompt: a general assistant that
    answers whatever the user asks, or a prompt that mixes generative
    requests (writing, tone) with accuracy-critical ones (facts, math, code).
    It suggests gating the persona on the request's intent rather than
    removing it. Opt-in (`extend-select = ["PRS301"]`).

    ## Why is this bad?
    The same persona helps some requests and hurts others. PRISM (arXiv
    2603.18507) keeps the persona's benefits (MT-Bench writing, roleplay,
    extraction, STEM, and safety refusal: JailbreakBench 53.2% -> 70.9%)
    while keeping MMLU at its base 71.7% by routing on intent: its learned
    gate sent ~6% of MMLU questions but ~75% of safety prompts to the
    persona path, and raised the overall score from 71.8 to 73.5 on
    Qwen2.5-7B-Instruct.

    ## Example
    ```text
    You are a world-class expert in every field. Answer the user's question.
    ```

    Use instead: keep the persona only for generative requests, e.g. with
    `prism_lint.router.persona_for(request, persona)`.

    ## Fix safety
    Gating restructures the prompt and is always unsafe.
    """

    code = "PRS301"
    name = "persona-open-ended-prompt"
    summary = "Expert persona in an open-ended or mixed-intent prompt: gate it on intent"
    figure = (
        "PRISM: routing the persona by intent kept MMLU at 71.7% and lifted the overall "
        "score from 71.8 to 73.5."
    )
    fix_availability = "sometimes"
    default_fix = "gate"  # the persona helps some of the requests an open prompt gets
    VALID = [
        Example("Answer the user's question concisely."),
    ]
    INVALID = [
        Example("You are a world-class expert in every field. Answer any question the user asks."),
    ]

    def check(self, unit: PromptUnit, analysis: Analysis, settings: Settings) -> Iterator[Finding]:
        task = analysis.task
        if not task.open_ended or task.declared:
            return
        for persona in analysis.experts:
            message = (
                f'Expert persona "{short(persona.text)}" in an open-ended prompt: gate it on the '
                f"request's intent. {self.figure}"
            )
            yield Finding(
                persona.start,
                persona.end,
                message,
                persona,
                persona_details(unit, analysis, persona),
            )
