"""How a finding reads in one line, and what the longer formats add.

Rules write one full sentence per finding: persona, task, the evidence for
the task and the paper's figure. A line of a concise report keeps the code,
the persona (quoted, at most :data:`PERSONA_LIMIT` characters) and the task;
the evidence, the figure and the fix belong to ``full`` output and to
``prism-lint rule``. The rule's data is left as it is: only its layout
changes here.
"""

from __future__ import annotations

import re

from prism_lint.model import Diagnostic
from prism_lint.rules import catalogue, load_rule, short

PERSONA_LIMIT = 60
_SENTENCE_BREAK = re.compile(r"[.!?][\"'”’)\]]*\s+\S")


def one_line(text: str) -> str:
    """``text`` with every run of whitespace (newlines included) as one space."""
    return " ".join(text.split())


def quoted(text: str) -> str:
    """``text`` in double quotes, with quotes and backslashes in it escaped."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def figure_of(code: str) -> str:
    if code not in catalogue():
        return ""
    return str(load_rule(code).figure or "")


def headline(d: Diagnostic) -> str:
    """The finding in one line, without its evidence or the paper's figure."""

    message = d.message
    figure = figure_of(d.code)
    if figure and message.endswith(figure):
        message = message[: -len(figure)].rstrip()
    persona = d.details.get("persona") if d.details else None
    at = 0
    if isinstance(persona, str) and persona:
        for limit in (PERSONA_LIMIT, 40):  # PRS201 quotes its persona shorter
            written = f'"{short(persona, limit)}"'
            at = message.find(written)
            if at >= 0:
                shown = quoted(short(persona, min(limit, PERSONA_LIMIT)))
                message = message[:at] + shown + message[at + len(written) :]
                at += len(shown)
                break
        at = max(at, 0)
    cut = message.find(" (inferred from ", at)
    assumed = message.find(" (task assumed from the persona", at)
    if cut < 0 <= assumed:
        cut = assumed
    if cut >= 0:  # the evidence list: one parenthesis to the sentence's end
        close = message.rfind(")")
        rest = message[close + 1 :] if close > cut else ""
        message = message[:cut] + (" (task assumed from the persona)" if cut == assumed else "")
        message += rest
    return one_line(message)


def shown_cue(cue: str) -> str | None:
    """A cue as a report shows it: on one line; None for one that runs
    across a sentence boundary ("answer.\\nQuestion"), which is not a phrase
    a reader would recognise in the prompt."""
    flat = one_line(cue)
    if _SENTENCE_BREAK.search(cue):
        return None
    return flat


__all__ = ["PERSONA_LIMIT", "figure_of", "headline", "one_line", "quoted", "shown_cue"]
