"""PRS101 expert-persona-code-task."""

from __future__ import annotations

from prism_lint.rules import Example
from prism_lint.rules._persona_task import PersonaOnTaskRule


class ExpertPersonaCodeTask(PersonaOnTaskRule):
    """
    ## What it does
    Flags an expert persona ("You are a senior Python engineer", "Act as an
    expert developer", "As a seasoned DBA, ...") in a prompt whose task is
    writing, reviewing, debugging or explaining code, SQL, regular
    expressions, shell commands or configuration.

    ## Why is this bad?
    In PRISM (Hu, Rostami and Thomason, arXiv 2603.18507), coding was the
    category personas hurt most: on Qwen2.5-7B-Instruct **every one of the 8
    expert personas lowered MT-Bench coding, by 0.5 to 1.2 points** (1-10
    scale), the matched coding persona included (-0.65 for its long form,
    7.40 -> 6.75). The persona's "correct first" wording did not prevent it.
    A persona switches on instruction-following behaviour (tone, format) at
    the cost of what the model learned in pre-training, which is where code
    knowledge lives.

    ## Example
    ```text
    You are a senior Python engineer with 15 years of experience.
    Write a function that parses ISO-8601 dates.
    ```

    Use instead:
    ```text
    Write a function that parses ISO-8601 dates.
    ```

    ## Fix safety
    The fix strips the persona sentence or clause and leaves the task. It is
    **safe** when what goes is only the identity and holds no placeholder.
    When the persona sentence also carries the task or the project's stack,
    the fix keeps it as a plain statement ("You are a planner that plans API
    calls." -> "Plan API calls."; "You are an expert in TypeScript and
    React." in a rule file -> "This project uses TypeScript and React."), by
    fixed, tested rules; anything else it would lose makes the fix unsafe,
    and the message says what. With `fix-strategy = {PRS101 =
    "gate"}` the fix keeps the persona behind an intent check instead; gating
    restructures the prompt and is always unsafe.
    """

    code = "PRS101"
    name = "expert-persona-code-task"
    summary = "Expert persona on a code task"
    category = "code"
    task_label = "a code task"
    figure = "PRISM: every expert persona lowered MT-Bench coding, by 0.5 to 1.2 points."
    VALID = [
        Example("Write a function that parses ISO-8601 dates and returns a datetime."),
        Example("You are a helpful assistant. Fix the bug in the code below."),
        Example("You are a professional copywriter. Write a slogan for our bakery."),
    ]
    INVALID = [
        Example(
            "You are a senior Python engineer. Write a function that parses ISO-8601 dates.",
            fixed="Write a function that parses ISO-8601 dates.",
        ),
        Example(
            "As an expert SQL developer, write a query that returns the ten newest orders.",
            fixed="Write a query that returns the ten newest orders.",
        ),
    ]
