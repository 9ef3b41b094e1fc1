"""Sentences of a prompt, as exact offsets into its text.

Persona spans must be whole sentences or clauses that a fix can remove, so
the analysis needs sentence boundaries that respect the way prompts are
written: Markdown headings and bullets, hard-wrapped lines, CJK full stops,
abbreviations and dotted names such as ``Node.js``.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

# Punctuation that ends a sentence, with any closing quotes or brackets.
# (a literal "\n" escape after the stop, as in text pasted from JSON, is a break too)
_LATIN_END = re.compile(r"[.!?…]+[\"'”’»)\]*_]*(?=\s|$|\\n)")
_CJK_END = re.compile(r"[。！？!?；]+[」』”’）)]*")
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
_ENDS_SENTENCE = re.compile(r"[.!?:;。！？：；…]['\"”’»)\]*_]*\s*$")
# Words after which a line break cannot end a sentence (a hard wrap).
# fmt: off
_CONTINUES = frozenset({
    "a", "an", "the", "of", "in", "on", "at", "to", "for", "with", "by", "from", "and", "or",
    "but", "as", "into", "that", "which", "who", "whose", "is", "are", "was", "were", "be",
    "your", "my", "our", "their", "its", "this", "these", "those", "than",
})
# fmt: on
# fmt: off
_ABBREVIATIONS = frozenset({
    "e.g", "i.e", "etc", "vs", "mr", "mrs", "ms", "dr", "prof", "st", "no", "fig", "approx",
    "inc", "ltd", "jr", "sr", "cf", "al", "eg", "ie", "resp",
})
# fmt: on
_LAST_WORD = re.compile(r"([\w.]+)\W*$")


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
    for start, end, block in _units(text):
        _split_unit(text, start, end, block, out)
    return tuple(out)


def _lines(text: str) -> list[tuple[int, int]]:
    spans = []
    pos = 0
    n = len(text)
    while pos <= n:
        nl = text.find("\n", pos)
        if nl < 0:
            spans.append((pos, n))
            break
        spans.append((pos, nl))
        pos = nl + 1
    return spans


def _units(text: str) -> list[tuple[int, int, bool]]:
    """Join hard-wrapped lines; every other line break ends a unit."""
    units: list[tuple[int, int, bool]] = []
    cur_start = -1
    cur_end = -1
    cur_block = False
    prev_line = ""
    for ls, le in _lines(text):
        line = text[ls:le]
        stripped = line.strip()
        if not stripped:
            if cur_start >= 0:
                units.append((cur_start, cur_end, cur_block))
                cur_start = -1
            prev_line = ""
            continue
        block = bool(_BLOCK_START.match(line))
        if cur_start >= 0 and not block and _wraps(prev_line, stripped):
            cur_end = le
        else:
            if cur_start >= 0:
                units.append((cur_start, cur_end, cur_block))
            cur_start, cur_end, cur_block = ls, le, block
        prev_line = line
    if cur_start >= 0:
        units.append((cur_start, cur_end, cur_block))
    return units


def _wraps(prev: str, nxt: str) -> bool:
    """Whether the line break between ``prev`` and ``nxt`` is a hard wrap."""
    if not prev.strip() or _ENDS_SENTENCE.search(prev):
        return False
    if _BLOCK_START.match(prev) and prev.lstrip().startswith("#"):
        return False
    if prev.endswith((" ", "\t", ",")):
        return True
    if nxt[:1].islower():
        return True
    m = _LAST_WORD.search(prev)
    return bool(m and m.group(1).lower() in _CONTINUES)


def _split_unit(text: str, start: int, end: int, block: bool, out: list[Sentence]) -> None:
    # Leading whitespace is not part of a sentence.
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start >= end:
        return
    cuts: list[int] = []
    for m in _LATIN_END.finditer(text, start, end):
        if _is_abbreviation(text, start, m.start()):
            continue
        cuts.append(m.end())
    for m in _CJK_END.finditer(text, start, end):
        cuts.append(m.end())
    cuts.sort()
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


def _is_abbreviation(text: str, unit_start: int, dot: int) -> bool:
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
    if _in_code(text, unit_start, dot):
        return True  # a full stop inside `inline code`
    return len(word) == 1 and word.isalpha() and text[i].isupper()


def _in_code(text: str, unit_start: int, pos: int) -> bool:
    """Whether ``pos`` sits inside an inline code span of its unit."""
    return text.count("`", unit_start, pos) % 2 == 1 and "`" in text[pos + 1 : pos + 200]
