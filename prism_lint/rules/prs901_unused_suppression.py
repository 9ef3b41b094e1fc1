"""PRS901 unused-suppression."""

from __future__ import annotations

from prism_lint.rules import Rule


class UnusedSuppression(Rule):
    """
    ## What it does
    Reports a `noqa: PRS...` or `prism: ignore[...]` comment that suppresses
    no finding (the prompt was fixed, or the code is wrong). Opt-in, like
    ruff's RUF100.

    ## Why is this bad?
    Stale suppressions hide the next real finding on the same prompt.

    ## Example
    ```python
    PROMPT = "Write a function that merges two lists."  # noqa: PRS101
    ```

    ## Fix safety
    No automatic fix yet.
    """

    code = "PRS901"
    name = "unused-suppression"
    summary = "Suppression comment that suppresses nothing"
    figure = ""
    fix_availability = "never"
