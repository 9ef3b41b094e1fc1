"""PRS901 unused-suppression."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from prism_lint.rules import Rule, unknown_codes

if TYPE_CHECKING:
    from prism_lint.extract import Comment
    from prism_lint.suppression import Suppressions


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
    per_prompt = False
    directives = True
    level = "note"
    tags = ("prism-lint",)
    unnecessary = True

    def check_directives(
        self, suppressions: Iterable[Suppressions]
    ) -> Iterator[tuple[Comment, int, str]]:
        """Every prism-lint suppression that silenced nothing, or names a code
        no rule has; another tool's ``noqa`` is left alone."""
        for sup in suppressions:
            for d in sup.directives:
                ours = d.kind == "ignore" or (
                    d.codes is not None and any(c.startswith("PRS") for c in d.codes)
                )
                unknown = unknown_codes(d.codes)
                if (d.used and not unknown) or not ours:
                    continue
                message = (
                    f"Suppression comment names unknown code{'s' if len(unknown) > 1 else ''} "
                    f"{', '.join(unknown)}; check the spelling (`prism-lint rule --all`)."
                    if unknown
                    else "Suppression comment silences no prism-lint finding; remove it."
                )
                yield d.comment, d.row, message
