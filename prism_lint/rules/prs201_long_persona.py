"""PRS201 long-expert-persona."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from prism_lint.rules import Example, Finding, Rule, persona_details, reportable, short

if TYPE_CHECKING:
    from prism_lint.analysis import Analysis
    from prism_lint.config import Settings
    from prism_lint.model import PromptUnit


class LongExpertPersona(Rule):
    """
    ## What it does
    Flags an expert persona passage of about 50 words or more (the persona
    sentence and the sentences that go on describing it: credentials, years
    of experience, values) in a prompt with an accuracy-critical task. The
    threshold is `long-persona-words`.

    ## Why is this bad?
    PRISM (arXiv 2603.18507) ran every persona at three lengths. The mean MMLU
    loss grew with length: **-1.7 points for 4-6 word personas, -4.1 for
    50-60 words and -4.3 for 150-180 words** (Qwen2.5-7B-Instruct, 12
    personas). A long persona on an accuracy task compounds the PRS1xx
    finding it accompanies.

    ## Example
    ```text
    You are a senior software engineer with 20 years of experience across
    Python, Java and Rust. You hold a PhD ... (60 more words) ...
    Write a function that merges two sorted lists.
    ```

    Use instead: drop the passage, or if you must keep a persona, keep it to
    a few words.

    ## Fix safety
    The fix removes the persona sentence and the sentences right after it, in
    its paragraph, that go on describing the persona ("You have 20 years of
    ...", "Your expertise spans ..."). It is unsafe, because such sentences
    may carry instructions as well as identity. When the persona sentence
    itself carries the task, the passage has no fix: the persona's own
    finding keeps the task.

    The passage is measured whole: the persona sentence, the sentences that
    go on describing it, and the rest of its paragraph while it goes on
    speaking to "you" ("You focus on ...", "Accuracy is your highest
    value."), as the study wrote its 50- and 150-word personas.
    """

    code = "PRS201"
    name = "long-expert-persona"
    summary = "Long expert persona on an accuracy-critical task"
    figure = (
        "PRISM: mean MMLU loss -1.7 points for 4-6 word personas, -4.1 for 50-60 words, "
        "-4.3 for 150-180 words."
    )
    VALID = [
        Example("You are a Python developer. Write a function that merges two sorted lists."),
    ]
    INVALID = [
        Example(
            "You are a senior software engineer with twenty years of experience building "
            "distributed systems in Python, Java, Go and Rust at large companies. You have led "
            "teams, reviewed thousands of pull requests, written style guides, mentored juniors "
            "and you care deeply about correctness, clarity, performance, testing and "
            "maintainability above all else. Write a function that merges two sorted lists.",
        ),
    ]

    def check(self, unit: PromptUnit, analysis: Analysis, settings: Settings) -> Iterator[Finding]:
        if not reportable(analysis, settings):
            return
        for persona in analysis.experts:
            if persona.words < settings.long_persona_words:
                continue
            start = min(persona.start, persona.passage_start or persona.start)
            end = max(persona.end, persona.passage_end, persona.measured_end)
            message = (
                f'Expert persona of {persona.words} words ("{short(persona.text, 40)}") on a '
                f"{analysis.task.category} task. {self.figure}"
            )
            yield Finding(start, end, message, persona, persona_details(unit, analysis, persona))
