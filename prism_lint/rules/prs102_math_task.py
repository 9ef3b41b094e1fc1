"""PRS102 expert-persona-math-task."""

from __future__ import annotations

from prism_lint.rules import Example
from prism_lint.rules._persona_task import PersonaOnTaskRule


class ExpertPersonaMathTask(PersonaOnTaskRule):
    """
    ## What it does
    Flags an expert persona ("You are a brilliant mathematician", "Act as a
    statistics professor") in a prompt whose task is to solve, compute or
    prove something.

    ## Why is this bad?
    PRISM (arXiv 2603.18507) found the matched math persona lowered MT-Bench
    math on Qwen2.5-7B-Instruct (8.50 -> 8.35 with the long persona), and
    personas lowered MMLU accuracy in all 36 persona x length combinations
    (71.6% with no persona). The averages hide single-question collapses: on
    MT-Bench Q114 (the probability that two dice total at least 3) the model
    scored **9/10 without a persona and 1.5/10 with the math persona**. The
    paper's math persona said "Accuracy is your highest value" and still
    hurt.

    ## Example
    ```text
    You are a world-class mathematician. Solve the equation and give x.
    ```

    Use instead:
    ```text
    Solve the equation and give x.
    ```

    ## Fix safety
    Stripping the persona is safe when only the identity goes (a task or
    field the persona sentence carries is kept as a plain statement) and no
    placeholder. Gating (`fix-strategy`) is always unsafe.
    """

    code = "PRS102"
    name = "expert-persona-math-task"
    summary = "Expert persona on a math task"
    category = "math"
    task_label = "a math task"
    figure = (
        "PRISM: the math persona lowered MT-Bench math; on the dice question Q114 the score "
        "fell from 9/10 to 1.5/10."
    )
    VALID = [
        Example("Solve for x: 3x + 7 = 22. Show each step."),
        Example("You are a friendly tutor. Write a short poem about prime numbers."),
    ]
    INVALID = [
        Example(
            "You are an expert mathematician. Solve for x: 3x + 7 = 22.",
            fixed="Solve for x: 3x + 7 = 22.",
        ),
        Example(
            "Act as a statistics professor. Calculate the probability that two dice sum to 7.",
            fixed="Calculate the probability that two dice sum to 7.",
        ),
    ]
