"""Sentences of a prompt, as exact offsets into its text.

Persona spans must be whole sentences or clauses that a fix can remove, so
the analysis needs sentence boundaries that respect the way prompts are
written: Markdown headings and bullets, hard-wrapped lines, CJK full stops,
abbreviations and dotted names such as ``Node.js``.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from functools import lru_cache
from typing import NamedTuple

# Punctuation that ends a sentence, with any closing quotes or brackets.
# (a literal "\n" escape after the stop, as in text pasted from JSON, is a break too)
# Each opens with one character of its class before the repeat: a pattern
# that opens with a class (not a repeat) lets Python's engine skip ahead to
# where a match can start, several times faster over a whole prompt.
# A match starts where a run of stops starts (the look-behind after the
# first one): tried from every stop of a long run not followed by white
# space ("....Python"), each try ran to the run's end.
_LATIN_END = re.compile(r"[.!?…](?<![.!?…][.!?…])[.!?…]*[\"'”’»)\]*_]*(?=\s|$|\\n)")
# A stop a typist left no space after, before a word that starts an order
# or a sentence ("... developer.Write unit tests", "expert.You must"): a
# closed list followed by a space, so that a dotted name ("nn.Module",
# "time.Now()", "file.Write(b)") cuts nothing.
_GLUED_END = re.compile(
    r"[.!?](?<=[a-z]{2}[.!?])(?=(?:You|Your|Write|Please|The|This|Always|Never|Do|Don't|When|"
    r"If|Make|Use|Answer|Return|Respond|Provide|Create|Generate|Given|Here|Then|Keep|Be|Only|"
    r"Each|It|We|I|My|Our)[ \t])"
)
_CJK_END = re.compile(r"[。！？!?；][。！？!?；]*[」』”’）)]*")
# A line that starts a block of its own (heading, bullet, numbered item,
# table row, fence, tag, key: value line).
_BLOCK_START = re.compile(
    r"""^[^\S\n]*(?:
        \#{1,6}\s | [-*+•·▪►✓✔→]\s | \d{1,3}[.)]\s | [a-zA-Z][.)]\s(?=[A-Z]) |
        \| | ``` | ~~~ | </?[A-Za-z][\w-]*[^>]*> | \{ | \} | --- |
        [A-Za-z_][\w -]{0,30}:\s*$ | [A-Z][A-Z0-9 &/_-]{2,40}: | "[^"\n]{1,40}"\s*:
    )""",
    re.X,
)
# A line that ends a sentence: a stop, then closing quotes or brackets, then
# white space (what "[stops]['"”’»)\]*_]*\s*$" matches, read from the end).
STOPS = ".!?:;。！？：；…"  # the marks that can end a sentence
_CLOSING = "'\"”’»)]*_"
# Words after which a line break cannot end a sentence (a hard wrap).
# fmt: off
_CONTINUES = frozenset({
    "a", "an", "the", "of", "in", "on", "at", "to", "for", "with", "by", "from", "and", "or",
    "but", "as", "into", "that", "which", "who", "whose", "is", "are", "was", "were", "be",
    "your", "my", "our", "their", "its", "this", "these", "those", "than",
})
# fmt: on
# What ends a question: the ASCII mark, the full-width one of Chinese and
# Japanese text, and the Arabic one.
QUESTION_MARKS = ("?", "\uff1f", "\u061f")
# Titles written before or after a name, with a full stop that ends no sentence.
TITLES = frozenset({"mr", "mrs", "ms", "dr", "prof", "st", "jr", "sr"})
# fmt: off
_ABBREVIATIONS = TITLES | frozenset({
    "e.g", "i.e", "etc", "vs", "no", "fig", "approx", "inc", "ltd", "cf", "al", "eg", "ie",
    "resp",
})
# fmt: on
_LAST_WORD = re.compile(r"([\w.]+)\W*$")
_TICK = re.compile("`")


class Sentence(NamedTuple):
    """A prompt has hundreds of these: a named tuple is cheap to make."""

    start: int  # offsets into the text; ``end`` includes closing punctuation
    end: int
    block: bool = False  # starts a heading, bullet or other block line


@lru_cache(maxsize=16)
def split_sentences(text: str) -> tuple[Sentence, ...]:
    """Split ``text`` into sentences, skipping blank space between them.

    Cached: persona detection and task inference both read the same text.
    """
    out: list[Sentence] = []
    stops = _Stops(text)
    for start, end, block in _units(text):
        _split_unit(text, start, end, block, stops, out)
    return tuple(out)


class _Stops:
    """Where sentence-ending punctuation stands in the whole text, found in
    one pass each rather than one search per unit (a prompt has hundreds of
    units, most without a stop). A unit is bounded by white space on both
    sides and no match holds white space, so the matches inside a unit are
    those a search of the unit alone finds; its own look-ahead reads white
    space (or the end) past the unit either way."""

    def __init__(self, text: str) -> None:
        latin = [(m.start(), m.end()) for m in _LATIN_END.finditer(text)]
        glued = [(m.start(), m.end()) for m in _GLUED_END.finditer(text)]
        if glued:
            latin = sorted(latin + glued)
        self.latin_starts = [s for s, _e in latin]
        self.latin = latin
        # by their ends ("?" and "!" are here too: "Really?!" ends before "x")
        self.cjk = [m.end() for m in _CJK_END.finditer(text)]
        self.ticks = [m.start() for m in _TICK.finditer(text)] if "`" in text else []

    def cuts(self, text: str, start: int, end: int) -> list[int]:
        """Where the unit ``text[start:end]`` is cut, in order (repeats
        possible: a "?" ends both kinds)."""
        cuts: list[int] = []
        lo = bisect_left(self.latin_starts, start)
        hi = bisect_left(self.latin_starts, end, lo)
        for s, e in self.latin[lo:hi]:
            if not _is_abbreviation(text, start, s, self.ticks):
                cuts.append(e)
        if self.cjk:
            lo = bisect_right(self.cjk, start)
            hi = bisect_right(self.cjk, end, lo)
            if lo < hi:
                cuts.extend(self.cjk[lo:hi])
                cuts.sort()
        return cuts


def _units(text: str) -> list[tuple[int, int, bool]]:
    """Join hard-wrapped lines; every other line break ends a unit."""
    units: list[tuple[int, int, bool]] = []
    cur_start = -1
    cur_end = -1
    cur_block = False
    prev_line = ""
    prev_block = False
    le = -1
    for line in text.split("\n"):
        ls = le + 1
        le = ls + len(line)
        stripped = line.strip()
        if not stripped:
            if cur_start >= 0:
                units.append((cur_start, cur_end, cur_block))
                cur_start = -1
            prev_line = ""
            continue
        block = bool(_BLOCK_START.match(line))
        if cur_start >= 0 and not block and _wraps(prev_line, stripped, prev_block):
            cur_end = le
        else:
            if cur_start >= 0:
                units.append((cur_start, cur_end, cur_block))
            cur_start, cur_end, cur_block = ls, le, block
        prev_line = line
        prev_block = block
    if cur_start >= 0:
        units.append((cur_start, cur_end, cur_block))
    return units


def _wraps(prev: str, nxt: str, prev_block: bool) -> bool:
    """Whether the line break between ``prev`` and ``nxt`` is a hard wrap.
    ``prev_block``: whether ``prev`` starts a block (known from its own turn)."""
    if not prev.strip() or _ends_sentence(prev):
        return False
    if prev_block and prev.lstrip().startswith("#"):
        return False
    if prev.endswith((" ", "\t", ",")):
        return True
    if nxt[:1].islower():
        return True
    m = _LAST_WORD.search(prev)
    return bool(m and m.group(1).lower() in _CONTINUES)


def _ends_sentence(line: str) -> bool:
    """Whether ``line`` ends with a stop, past closing marks and white space
    (the two kinds share no character, so stripping each in turn is exact)."""
    body = line.rstrip().rstrip(_CLOSING)
    return body != "" and body[-1] in STOPS


def _split_unit(
    text: str, start: int, end: int, block: bool, stops: _Stops, out: list[Sentence]
) -> None:
    # Leading whitespace is not part of a sentence.
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start >= end:
        return
    cuts = stops.cuts(text, start, end)
    if not cuts:  # most units: one sentence, already trimmed
        out.append(Sentence(start, end, block))
        return
    s = start
    first = True
    for c in cuts:
        if c <= s:
            continue
        _emit(text, s, c, block and first, out)
        first = False
        s = c
    if s < end:
        _emit(text, s, end, block and first, out)


def _emit(text: str, start: int, end: int, block: bool, out: list[Sentence]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start < end:
        out.append(Sentence(start, end, block))


def _is_abbreviation(text: str, unit_start: int, dot: int, ticks: list[int]) -> bool:
    """A period after "e.g", "Dr" or a single initial does not end a sentence."""
    if text[dot] != ".":
        return False
    i = dot
    while i > unit_start and (text[i - 1].isalnum() or text[i - 1] == "."):
        i -= 1
    word = text[i:dot].lower()
    if word in _ABBREVIATIONS:
        return True
    if "." in word and all(len(part) <= 2 and part.isalpha() for part in word.split(".")):
        return True  # "U.S.", "a.m.", "Ph.D."
    if _in_code(ticks, unit_start, dot):
        return True  # a full stop inside `inline code`
    return len(word) == 1 and word.isalpha() and text[i].isupper()


def _in_code(ticks: list[int], unit_start: int, pos: int) -> bool:
    """Whether ``pos`` sits inside an inline code span of its unit: an odd
    number of backticks before it in the unit, and one within 200 characters
    after it. ``ticks``: where the text's backticks are, so that no stop has
    the unit read from its start."""
    if not ticks:
        return False
    after = bisect_right(ticks, pos)
    if after == len(ticks) or ticks[after] >= pos + 200:
        return False
    return (bisect_left(ticks, pos) - bisect_left(ticks, unit_start)) % 2 == 1
