"""PRS103 expert-persona-factual-task."""

from __future__ import annotations

from prism_lint.rules import Example
from prism_lint.rules._persona_task import PersonaOnTaskRule


class ExpertPersonaFactualTask(PersonaOnTaskRule):
    """
    ## What it does
    Flags an expert persona ("You are an experienced physician", "Act as a
    historian", "You are a senior financial analyst") in a prompt whose task
    is knowledge recall or getting facts right: answering questions, fact
    checking, history, law, medicine or finance facts, research, data
    analysis.

    ## Why is this bad?
    PRISM (arXiv 2603.18507) measured MMLU at **71.6% with no persona and
    lower with every one of 36 persona x length combinations** (68.0% with a
    minimal persona, 66.3% with a long one, in the paper's text). MT-Bench
    humanities fell by 0.85 points with the matched long persona. Across
    models the loss reached -13.3 points on Llama-3.1-8B and -18 to -28 on
    reasoning-distilled models. The paper's explanation: the persona favours
    instruction-following over recalling what was learned in pre-training.

    ## Example
    ```text
    You are a board-certified pharmacist. Answer questions about drug
    interactions and dosages.
    ```

    Use instead:
    ```text
    Answer questions about drug interactions and dosages.
    ```

    ## Fix safety
    Stripping is safe when only the identity goes (a task or field the
    persona sentence carries is kept as a plain statement) and no
    placeholder. Gating (`fix-strategy`) is always unsafe.
    """

    code = "PRS103"
    name = "expert-persona-factual-task"
    summary = "Expert persona on a factual (knowledge recall) task"
    category = "factual"
    task_label = "a factual task"
    figure = "PRISM: MMLU fell from 71.6% with every persona tested (68.0% minimal, 66.3% long)."
    VALID = [
        Example("Answer questions about the French Revolution using the sources provided."),
        Example("You are a travel writer. Write a lively paragraph about Lisbon."),
    ]
    INVALID = [
        Example(
            "You are an experienced historian. Answer questions about the causes of the "
            "French Revolution with dates.",
            fixed="Answer questions about the causes of the French Revolution with dates.",
        ),
    ]
