"""PRS401 short-safety-persona."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from prism_lint.rules import Example, Finding, Rule, persona_details, short

if TYPE_CHECKING:
    from prism_lint.analysis import Analysis
    from prism_lint.config import Settings
    from prism_lint.model import PromptUnit

_SAFETY = re.compile(
    r"(?i)\b(safety|harm|content|trust (?:and|&) safety|abuse|moderat\w*|guard\w*|"
    r"compliance|policy)\b.*\b(monitor|moderator|reviewer|officer|guard|filter|checker|"
    r"analyst|auditor|specialist|expert|classifier)\b"
)


class ShortSafetyPersona(Rule):
    """
    ## What it does
    Flags a one-line safety persona ("You are a safety monitor.", "You are a
    content moderator.") with no description of what to refuse and why.
    Alignment advice, opt-in (`extend-select = ["PRS4"]`).

    ## Why is this bad?
    Safety is where personas help, but only detailed ones. In PRISM (arXiv
    2603.18507, Figure 1c) the long "safety monitor" persona raised
    JailbreakBench refusal **from 53.2% to 70.9%**, while the 5-word version
    ("You are a safety monitor.") *lowered* it, to about 48%.

    ## Example
    ```text
    You are a safety monitor.
    ```

    Use instead: describe what the monitor guards against, what it refuses,
    and how it answers (the paper's effective version runs ~170 words).

    ## Fix safety
    No automatic fix: the detail has to come from you.
    """

    code = "PRS401"
    name = "short-safety-persona"
    summary = "One-line safety persona; the detailed version is what raises refusal"
    figure = (
        "PRISM: the long safety persona raised JailbreakBench refusal 53.2% -> 70.9%; "
        "the 5-word one lowered it (~48%)."
    )
    fix_availability = "never"
    any_persona = True  # a safety persona need not be an expert one
    VALID = [Example("You are a professional copywriter. Write a slogan.")]
    INVALID = [Example("You are a safety monitor.")]

    def check(self, unit: PromptUnit, analysis: Analysis, settings: Settings) -> Iterator[Finding]:
        for persona in analysis.personas:
            if not _SAFETY.search(persona.head or persona.text):
                continue
            if persona.words and persona.words >= 20:
                continue
            message = f'Safety persona "{short(persona.text)}" is one line. {self.figure}'
            yield Finding(
                persona.start,
                persona.end,
                message,
                persona,
                persona_details(unit, analysis, persona),
            )
