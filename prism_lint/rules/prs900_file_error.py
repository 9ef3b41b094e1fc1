"""PRS900 file-error."""

from __future__ import annotations

from prism_lint.rules import Rule


class FileError(Rule):
    """
    ## What it does
    Reports a file prism-lint could not read or parse: not valid UTF-8 (or
    UTF-16/32, when a byte-order mark says so), a Python syntax error,
    malformed YAML, Jinja or front matter, an invalid notebook, a text over
    the 4 MiB the analysis serves in reasonable time, and, for a file named
    on the command line, a binary file or one over `max-file-size`. One
    finding per file, at the place of the problem; the run goes on with the
    other files.

    A binary or oversized file found by walking a directory is not a
    finding: it is skipped with a notice on standard error
    (`prism-lint: notice: big.json: file is ... bytes, over max-file-size`),
    since a tree is expected to hold files that are not prompts. Name the
    file on the command line to have it reported.

    A parse error (Python, YAML, a template, notebook JSON, front matter)
    is reported in a file that holds a persona cue ("You are", "Act as",
    ..., or in a prompt file a heading naming a role, "# Code Reviewer"),
    named or walked: a file with none is not parsed (the first pass), as it
    has no prompt to check.

    ## Why is this bad?
    A prompt in a file that cannot be parsed is a prompt nobody checked. For
    a syntax error, prism-lint still checks the parts of a Python file that
    parse.

    ## Example
    ```python
    SYSTEM_PROMPT = "You are an expert SQL developer.
    ```

    ## Fix safety
    No automatic fix.
    """

    code = "PRS900"
    name = "file-error"
    summary = "File could not be read or parsed"
    figure = ""
    fix_availability = "never"
    per_prompt = False
    level = "error"
    tags = ("prism-lint",)
