"""PRS104 expert-persona-judgement-task."""

from __future__ import annotations

from prism_lint.rules import Example
from prism_lint.rules._persona_task import PersonaOnTaskRule


class ExpertPersonaJudgementTask(PersonaOnTaskRule):
    """
    ## What it does
    Flags an expert persona in a prompt that grades, scores, classifies or
    picks an answer: LLM-as-judge prompts, multiple choice, labelling.

    ## Why is this bad?
    These are discriminative tasks with one right answer, the kind PRISM
    (arXiv 2603.18507) found personas damage: MMLU (multiple choice) dropped
    from **71.6% with no persona in all 36 persona x length combinations**,
    and the paper's router sent only ~6% of MMLU questions to the persona
    path. The paper also found a pointwise judge rewarded a persona's verbose
    formatting over correctness (a 68% win rate for a persona that lowered
    real math scores by 2.95 points), which is why it judges pairwise with
    positions swapped and no persona.

    ## Example
    ```text
    You are an expert grader with 20 years of experience. Score the answer
    from 1 to 10 for correctness.
    ```

    Use instead:
    ```text
    Score the answer from 1 to 10 for correctness.
    ```

    ## Fix safety
    Stripping is safe when only the identity goes ("tasked with categorizing
    X" is kept as "Categorize X") and no placeholder. Gating (`fix-strategy`) is always unsafe.
    """

    code = "PRS104"
    name = "expert-persona-judgement-task"
    summary = "Expert persona on a grading, classification or multiple-choice task"
    category = "judgement"
    task_label = "a judgement task"
    figure = "PRISM: personas lowered multiple-choice accuracy (MMLU 71.6%) in all 36 settings."
    VALID = [
        Example("Classify the sentiment of the review as positive, negative or neutral."),
    ]
    INVALID = [
        Example(
            "You are an expert grader. Score the student's answer from 1 to 10 for correctness.",
            fixed="Score the student's answer from 1 to 10 for correctness.",
        ),
    ]
