"""A string that opens by telling the model who it is: a prompt by its text.

``prefix: str = "You are an expert of using multiple tools ..."`` is a
prompt whatever its name: nothing but a model is told "you are a ..." at the
start of a text. The Python and JavaScript extractors read such a string as
a prompt when it is a name's value and goes on past the persona; the Python
inventory's cue pass (:mod:`prism_lint.extract.python.prompt_cues`) keeps
every module where one may be written. All read the same definition here,
from the source as written: after the quote, only white space or the
escapes ``\\n``, ``\\r``, ``\\t`` (at most :data:`MAX_LEAD` of them), then an
opening, then an article. ASCII only, so that the cue pass's
``bytes.lower()`` and the extractors' case-insensitive match agree on every
text.
"""

from __future__ import annotations

import re

# How a text tells the model who it is, lower-case.
OPENINGS = (
    "you are",
    "you're",
    "you\u2019re",
    "act as",
    "you will act as",
    "imagine you are",
    "pretend you are",
    "pretend to be",
)
MAX_LEAD = 200  # characters of white space and escapes between the quote and the opening
# Calls that show a text to people: a name passed to these alone is no prompt
# (``print(NOTE)``, ``console.log(NOTE)``, a logger's).
SHOWN_BY = frozenset(
    {"print", "pprint", "echo", "secho", "debug", "info", "warning", "warn", "error"}
    | {"exception", "critical", "log"}
)
_LEAD_BYTES = b" \t\n\r\f\v"
_ESCAPED = b"nrt"

_REST = (
    rf"(?:[ \t\n\r\f\v]|\\[nrt]){{0,{MAX_LEAD}}}"
    rf"(?:{'|'.join(re.escape(o) for o in OPENINGS)})"
    r"[ \t\n\r\f\v]+(?:an?|the)[ \t\n\r\f\v]"
)
# How each language opens a string literal: Python's prefixes and quotes,
# JavaScript's quotes and template literals.
_WRITTEN = {
    "python": re.compile(r"[rbuf]{0,2}(?:\"\"\"|\'\'\'|\"|')" + _REST, re.IGNORECASE | re.ASCII),
    "javascript": re.compile(r"[`\"']" + _REST, re.IGNORECASE | re.ASCII),
}


def opens_with_persona(written: str, language: str = "python") -> bool:
    """Whether a string literal, as written in the source (prefix and quote
    first), opens by telling the model who it is."""
    return _WRITTEN[language].match(written) is not None


# Where the sentence or line that opens a text ends.
_BREAK = re.compile(r"[.!?:;](?=\s)|\n")
_LOOK = 4000  # characters after that end read for the words that follow


def goes_on(text: str) -> bool:
    """Whether a text that opens with a persona says more than who the model
    is: two words or more after the end of its first sentence or line (the
    first end will do: whatever follows a later one follows it too). A
    persona alone (``TASK_CONTEXT = "You are an expert lawyer."``) is a piece
    of a prompt put together elsewhere; its task cannot be read from it, only
    guessed from the persona's title."""
    body = text.strip()
    end = _BREAK.search(body)
    return end is not None and len(body[end.end() : end.end() + _LOOK].split(None, 2)) >= 2


def quoted_before(low: bytes, start: int) -> bool:
    """Whether the opening found at ``start`` of a module's lower-cased bytes
    may begin a string: only white space and ``\\n``-style escapes, at most
    :data:`MAX_LEAD` bytes of them, between it and a quote."""
    i = start - 1
    floor = max(-1, start - 1 - 2 * MAX_LEAD)
    while i > floor:
        c = low[i]
        if c in _LEAD_BYTES:
            i -= 1
        elif c in _ESCAPED and i > 0 and low[i - 1] == 0x5C:  # a backslash
            i -= 2
        else:
            break
    return i >= 0 and low[i] in b"\"'"
