"""PRS105 persona-reasoning-model."""

from __future__ import annotations

import fnmatch
from collections.abc import Iterator
from functools import lru_cache
from typing import TYPE_CHECKING

from prism_lint.rules import Example, Finding, Rule, persona_details, short

if TYPE_CHECKING:
    from prism_lint.analysis import Analysis
    from prism_lint.config import Settings
    from prism_lint.model import PromptUnit


def is_reasoning_model(model: str | None, settings: Settings) -> bool:
    if not model:
        return False
    return _matches(model, (*settings.reasoning_models, *settings.extend_reasoning_models))


@lru_cache(maxsize=1024)
def _matches(model: str, patterns: tuple[str, ...]) -> bool:
    """A file names a few models many times: each is matched once."""
    name = model.strip().lower()
    bare = name.split(":", 1)[-1]  # "openai:o3-mini" (pydantic-ai style)
    return any(
        fnmatch.fnmatchcase(candidate, p.lower()) for p in patterns for candidate in (name, bare)
    )


class PersonaReasoningModel(Rule):
    """
    ## What it does
    Flags an expert persona, whatever the task, in a prompt sent to a
    reasoning model (o1, o3, o4-mini, deepseek-reasoner and DeepSeek-R1
    distills, QwQ, ...). A model's own default line ("You are a helpful
    assistant.") and non-expert roles ("You are a dice game.") are not
    findings. The model is read from the call site (`model=`); the list is
    configurable with `reasoning-models` / `extend-reasoning-models`.

    ## Why is this bad?
    In PRISM (arXiv 2603.18507) the reasoning-distilled models lost the most
    and gained nothing: **MMLU -18.2 (DeepSeek-R1-Distill-Qwen-7B) and -28.5
    (DeepSeek-R1-Distill-Llama-8B) points** with the persona in the system
    prompt, refusal rates unchanged at 0%, and MT-Bench gains that any random
    persona gave equally ("context-driven rather than expertise-specific").
    Moved into the user turn, the persona cost 1.6 to 2.1 MT-Bench points.

    ## Example
    ```python
    client.chat.completions.create(
        model="o3-mini",
        messages=[{"role": "system", "content": "You are a senior data engineer. ..."}],
    )
    ```

    Use instead: state the task and its constraints without an identity.

    ## Fix safety
    Stripping the persona is safe when the removed span is exactly the persona
    and holds no placeholder.
    """

    code = "PRS105"
    name = "persona-reasoning-model"
    summary = "Persona in a prompt sent to a reasoning model"
    figure = (
        "PRISM: on R1-distilled reasoning models personas cost 18-28 MMLU points and gave "
        "no safety gain."
    )
    VALID = [
        Example("You are a senior data engineer. Write the SQL.", model="gpt-4o"),
        Example("Write the SQL for the monthly revenue report.", model="o3-mini"),
        Example("You are a helpful assistant. Plan my week.", model="o3-mini"),
        Example("You are a potato. Tell me a joke.", model="deepseek-reasoner"),
    ]
    INVALID = [
        Example(
            "You are a senior data engineer. Write the SQL for the monthly revenue report.",
            model="o3-mini",
            fixed="Write the SQL for the monthly revenue report.",
        ),
    ]

    def check(self, unit: PromptUnit, analysis: Analysis, settings: Settings) -> Iterator[Finding]:
        model = unit.context.model
        if not is_reasoning_model(model, settings):
            return
        for persona in analysis.experts:
            message = (
                f'Persona "{short(persona.text)}" in a prompt for reasoning model '
                f"{model!r}. {self.figure}"
            )
            yield Finding(
                persona.start,
                persona.end,
                message,
                persona,
                persona_details(unit, analysis, persona),
            )
