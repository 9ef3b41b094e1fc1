"""A string that opens by telling the model who it is: a prompt by its text.

``prefix: str = "You are an expert of using multiple tools ..."`` is a
prompt whatever its name: a text that tells its reader who they are in its
first words and goes on to ask something is written for a model. The Python
and JavaScript extractors read such a string as a prompt when it is a
name's value, goes on past the persona (:func:`goes_on`) and is not only
shown to people (:class:`Uses`); the Python inventory's cue pass
(:mod:`prism_lint.extract.python.prompt_cues`) keeps every module where one
may be written. All read the same definition here, from the source as
written: after the quote, only white space or the escapes ``\\n``, ``\\r``,
``\\t`` (at most :data:`MAX_LEAD` of them, each one or two characters), then
an opening, then an article. ASCII only, so that the cue pass's
``bytes.lower()`` and the extractors' case-insensitive match agree on every
text.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

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
MAX_LEAD = 200  # white space characters and escapes between the quote and the opening
# Calls that show a text to people: a name passed to these alone is no prompt
# (``print(NOTE)``, ``console.log(NOTE)``, a logger's); and exceptions, whose
# messages people read (``raise PermissionError(MSG)``).
SHOWN_BY = frozenset(
    {"print", "pprint", "echo", "secho", "debug", "info", "warning", "warn", "error"}
    | {"exception", "critical", "log"}
)
_RAISED = ("Error", "Exception", "Warning")


def shows(callee: str) -> bool:
    """Whether a call of ``callee`` (its last name) shows its arguments to people."""
    return callee in SHOWN_BY or callee.endswith(_RAISED)


@dataclass
class Uses:
    """How often a module writes each name, and how often as a whole argument
    of a call that only shows it (:func:`shows`): counted once per module,
    in one pass over its text and one over its calls."""

    written: Counter[str]
    shown: Counter[str]

    def shown_only(self, name: str, bound: int, value: str) -> bool:
        """Whether every use of ``name`` shows it to people, but its ``bound``
        bindings and the words of its own ``value``. A word in a comment or
        another string counts as a use: the text is then read as a prompt,
        as when the name is used anywhere else."""
        shown = self.shown[name]
        own = bound + written_names(value)[name] if shown else 0
        return shown > 0 and self.written[name] - own <= shown


def written_names(text: str) -> Counter[str]:
    """Every identifier-like word of a module's text, counted."""
    return Counter(m.group(0) for m in _IDENT.finditer(text))


_IDENT = re.compile(r"[^\W\d]\w*|\$[\w$]*")


_LEAD_CHARS = " \t\n\r\f\v"
# white space, escaped letters, quotes and the backslash, as text and as bytes
_SPELLING: dict[type, tuple[Any, Any, Any, Any]] = {
    str: (_LEAD_CHARS, "nrt", "\"'`", "\\"),
    bytes: (_LEAD_CHARS.encode(), b"nrt", b"\"'`", b"\\"),
}

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


MAX_FOUND = 1024  # strings opening with a persona looked at in one module
_LOOK_BACK = 200  # characters read back from a quote for what stands before it
_ARTICLE = re.compile(r"[ \t\n\r\f\v]+(?:an?|the)[ \t\n\r\f\v]", re.IGNORECASE | re.ASCII)


def quoted_openings(text: str, after: str = "") -> list[int]:
    """Where a quote stands that opens with a persona, in a module's text:
    the strings worth a look. Each opening is looked for with ``str.find``,
    then the quote before it; ``after``: what must come just before the
    quote (past white space, a string prefix and parentheses), as ``=``
    before a keyword argument's value. At most :data:`MAX_FOUND`."""
    low = text.lower()
    if len(low) != len(text):  # a few characters lower-case to two
        low = "".join(c if c.isascii() else "?" for c in text).lower()
    found: list[int] = []
    for opening in OPENINGS:
        at = low.find(opening)
        while at >= 0 and len(found) < MAX_FOUND:
            quote = quote_before(low, at)
            if (
                quote >= 0
                and _ARTICLE.match(low, at + len(opening))
                and (not after or _preceded_by(low, quote, after))
            ):
                found.append(quote)
            at = low.find(opening, at + 1)
    return sorted(set(found))


def _preceded_by(low: str, quote: int, mark: str) -> bool:
    """Whether ``mark`` stands before the string whose quote is at ``quote``."""
    i = quote - 1
    while i >= 0 and quote - i < _LOOK_BACK and (low[i] in _LEAD_CHARS or low[i] in "rbuf(\"'"):
        i -= 1
    return i >= 0 and low.endswith(mark, 0, i + 1) and not low.endswith("=" + mark, 0, i + 1)


def quote_before(low: str | bytes, start: int) -> int:
    """Where the quote is that only white space and escapes stand between
    and ``start`` in a lower-cased text or its bytes (as :data:`_WRITTEN`
    reads them, at most :data:`MAX_LEAD` of them), or -1. The extractors ask
    it of the text, the inventory's cue pass of a module's bytes: one
    reading, so the cue pass keeps every string the extractors read."""
    lead_chars, escaped, quotes, backslash = _SPELLING[type(low)]
    i, lead = start - 1, 0
    while i >= 0 and lead <= MAX_LEAD:
        c = low[i : i + 1]
        if c in lead_chars:
            i -= 1
        elif c in escaped and i > 0 and low[i - 1 : i] == backslash:
            i -= 2
        else:
            return i if c in quotes else -1
        lead += 1
    return -1


def opens_with_persona(written: str, language: str = "python") -> bool:
    """Whether a string literal, as written in the source (prefix and quote
    first), opens by telling the model who it is."""
    return _WRITTEN[language].match(written) is not None


# Where the sentence or line that opens a text ends.
# A single capital's period ("U.S.", "J. Smith") ends no sentence.
_BREAK = re.compile(r"(?<![^A-Za-z][A-Z])[.!?:;](?=\s)|\n(?![^\S\n]*[a-z])")
_LOOK = 4000  # characters after that end read for the words that follow


def goes_on(text: str) -> bool:
    """Whether a text that opens with a persona says more than who the model
    is: two words or more after the end of its first sentence or line (the
    first end will do: whatever follows a later one follows it too). A line
    break ends the sentence unless the next line goes on with a lower-case
    word (``"You are an expert\\nsoftware architect."`` is one sentence). A
    persona alone (``TASK_CONTEXT = "You are an expert lawyer."``) is a piece
    of a prompt put together elsewhere; its task cannot be read from it, only
    guessed from the persona's title."""
    body = text.strip()
    end = _BREAK.search(body)
    return end is not None and len(body[end.end() : end.end() + _LOOK].split(None, 2)) >= 2
