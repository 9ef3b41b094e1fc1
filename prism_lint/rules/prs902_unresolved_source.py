"""PRS902 unresolved-prompt-source."""

from __future__ import annotations

from prism_lint.rules import Rule


class UnresolvedPromptSource(Rule):
    """
    ## What it does
    Reports a prompt argument whose text prism-lint cannot see statically: a
    prompt pulled from a hub (`hub.pull(...)`), read from a path computed at
    run time, or built entirely from variables. Opt-in; useful in audits to
    learn which prompts were not checked.

    ## Why is this bad?
    An unchecked prompt can carry the same persona problems as a checked one.

    ## Example
    ```python
    prompt = hub.pull("rlm/rag-prompt")
    ```

    ## Fix safety
    No automatic fix.
    """

    code = "PRS902"
    name = "unresolved-prompt-source"
    summary = "Prompt text that cannot be resolved statically"
    figure = ""
    fix_availability = "never"
