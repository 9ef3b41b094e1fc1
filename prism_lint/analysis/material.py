"""Where a prompt quotes material it was given rather than speaking itself.

A transcript, a document, few-shot examples, a sample output: the words in
them are not the prompt's own, so "you are an engineer" inside a podcast
transcript assigns the model nothing, and a fix must never edit it. Material
is recognised from how prompts mark it off:

- a Markdown section whose heading names it ("# EXAMPLE", "## Example
  output", "# TRANSCRIPT", "# INPUT"), up to the next heading of the same or
  a higher level (an example whose parts have headings of their own, of a
  higher level, runs to the next example);
- an XML-style tag pair naming it (``<example>``, ``<document>``,
  ``<transcript>``, ``<article>`` ...);
- a fenced code block, unless it holds most of the text (a prompt written
  inside a fence);
- the paragraph under a line that labels an example and says nothing more
  ("Good example:", "✅ Example 2:", "Example output:"), up to the next
  blank line.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from functools import lru_cache

from prism_lint.lazy_re import lazy

_NAMES = (
    r"(?:examples?|sample(?:\s+(?:input|output|conversation|transcript))?s?"
    r"|few[- ]shot(?:\s+examples?)?"
    r"|example\s+(?:input|output|conversation|transcript|response)s?"
    r"|(?:input|output)\s+examples?|transcripts?|documents?|articles?|input(?:\s+data)?"
    r"|conversation(?:\s+history)?|chat\s+history|reference\s+(?:text|material))"
)
_HEADING = lazy(
    rf"^(?P<marks>#{{1,6}})[ \t]+(?:\*\*)?(?P<name>{_NAMES})(?:\*\*)?[ \t]*:?[ \t]*(?:\d+[ \t]*)?$",
    re.IGNORECASE | re.MULTILINE,
)
_ANY_HEADING = re.compile(r"^(?P<marks>#{1,6})[ \t]+\S", re.MULTILINE)
_TAG = lazy(
    r"<(?P<name>(?:[A-Za-z][\w -]{0,40}?[ _-])?(?:examples?|samples?|documents?|transcripts?"
    r"|articles?|conversation|chat_history|few_shot)(?:[ _-]\w+){0,2})(?:\s[^<>\n]{0,80})?>",
    re.IGNORECASE,
)
# What an example shows, named before or after the word ("Example output:",
# "Sample response:", "JSON example:")
_SHOWN = r"(?:input|output|response|answer|reply|result|json|conversation|dialogue|transcript)s?"
_EXAMPLE_LABEL = lazy(
    r"^[ \t]*(?:[^\w\s]{1,3}[ \t]*)?(?:\*\*)?(?:(?:good|bad|strong|weak|great|poor|sample|"
    rf"another|an?|one)[ \t]+)?(?:{_SHOWN}[ \t]+)?(?:examples?|samples?)(?:[ \t]+\d{{1,2}})?"
    rf"(?:[ \t]+{_SHOWN})?(?:\*\*)?[ \t]*:(?:\*\*)?[ \t]*\n"
    r"(?:[ \t]*\n)*",
    re.IGNORECASE | re.MULTILINE,
)
_PARAGRAPH_END = re.compile(r"\n[ \t]*\n")
_FENCE = re.compile(r"^[ \t]{0,3}(?P<fence>```+|~~~+)(?P<info>[^\n]*)$", re.MULTILINE)
# A fence that names a language other than prose holds code or data, never
# the prompt's own voice, however much of the text it is.
_PROSE_INFO = frozenset({"", "text", "txt", "md", "markdown", "prompt", "plain", "plaintext"})


@lru_cache(maxsize=16)
def supplied_spans(text: str) -> tuple[tuple[int, int], ...]:
    """Sorted, merged spans of ``text`` that hold supplied material."""
    spans: list[tuple[int, int]] = []
    if "#" in text:
        for m in _HEADING.finditer(text):
            spans.append((m.end(), _section_end(text, m.end(), len(m.group("marks")))))
    if "<" in text:
        closes = closing_tags(text)
        for m in _TAG.finditer(text):
            c = first_close(closes, m.group("name").lower(), m.end())
            if c is not None:
                spans.append((m.end(), c[0]))
    if "ample" in text or "AMPLE" in text:
        blanks: list[int] | None = None
        for m in _EXAMPLE_LABEL.finditer(text):
            if blanks is None:  # found once, looked up for each label
                blanks = [b.start() for b in _PARAGRAPH_END.finditer(text)]
            k = bisect_left(blanks, m.end())
            spans.append((m.end(), blanks[k] if k < len(blanks) else len(text)))
    if "```" in text or "~~~" in text:
        fences = list(_FENCE.finditer(text))
        i = 0
        while i + 1 < len(fences):
            a, b = fences[i].end(), fences[i + 1].start()
            info = fences[i].group("info").strip().lower().split(" ")[0]
            if info not in _PROSE_INFO or 2 * (b - a) < len(text.strip()):
                spans.append((a, b))  # a prose fence holding most of the text is the prompt
            i += 2
    return tuple(merge_spans(spans))


def _section_end(text: str, start: int, level: int) -> int:
    """Where a material section that starts at ``start`` under a heading of
    ``level`` ends: at the next heading of the same or a higher level. An
    example whose own parts are headed one level higher ("### Example 1"
    then "# Domain", "# Data") runs instead to the next heading of its own
    level, or to where its first part's heading comes again (the next
    example, or the real input laid out the same way); with neither, it is
    an empty section."""
    heads, starts, where = _headings(text)
    k = bisect_left(starts, start)
    while k < len(heads):
        at, _end, marks, first = heads[k]
        k += 1
        if marks > level:
            continue
        if marks == level or text[start:at].strip():
            return at
        # the example's first part, headed above it
        for j in range(k, len(heads)):  # no copy of the rest: one is read
            later, later_end, n, name = heads[j]
            if n == level:
                # the next example, if the parts come again in it
                again = where[(marks, first)]
                comes_again = bisect_left(again, later_end) < len(again)
                return later if comes_again and _HEADING.match(text, later) else at
            if n == marks and name == first:
                return later  # the same parts again: the real input
        return at  # no second example nor input: an empty section
    return len(text)


@lru_cache(maxsize=16)
def _headings(
    text: str,
) -> tuple[list[tuple[int, int, int, str]], list[int], dict[tuple[int, str], list[int]]]:
    """The Markdown headings of ``text`` (start, end, level, name), their
    starts, and the starts of each (level, name): read once a text, so
    that each example section looks its parts up instead of reading on."""
    heads: list[tuple[int, int, int, str]] = []
    where: dict[tuple[int, str], list[int]] = {}
    for h in _ANY_HEADING.finditer(text):
        line_end = text.find("\n", h.end())
        line = text[h.start() : line_end if line_end >= 0 else len(text)]
        name = line.lstrip("#").strip().strip("*:").strip().lower()
        marks = len(h.group("marks"))
        heads.append((h.start(), h.end(), marks, name))
        where.setdefault((marks, name), []).append(h.start())
    return heads, [h[0] for h in heads], where


# A closing tag, its name as written (spaces and all): the closing tag of a
# block is looked up among them, not searched for from each opening tag to
# the end of a text where it may never come.
_CLOSE = re.compile(r"</([^<>/\n]{1,60}?)\s*>")


@lru_cache(maxsize=16)
def _closing(text: str) -> tuple[tuple[str, int, int], ...]:
    return tuple((m.group(1), m.start(), m.end()) for m in _CLOSE.finditer(text))


@lru_cache(maxsize=32)
def closing_tags(text: str, fold: bool = True) -> dict[str, list[tuple[int, int]]]:
    """The closing tags of ``text`` by name (lower-cased when ``fold``):
    (start, end) of each, in order. The text is read once for both forms."""
    out: dict[str, list[tuple[int, int]]] = {}
    for name, start, end in _closing(text):
        out.setdefault(name.lower() if fold else name, []).append((start, end))
    return out


def first_close(
    closes: dict[str, list[tuple[int, int]]], name: str, after: int
) -> tuple[int, int] | None:
    """The first closing tag named ``name`` that starts at or after ``after``."""
    found = closes.get(name)
    if not found:
        return None
    i = bisect_left(found, (after, -1))
    return found[i] if i < len(found) else None


def merge_spans(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted spans, overlapping or touching ones joined."""
    out: list[tuple[int, int]] = []
    for a, b in sorted(spans):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def in_material(text: str, pos: int) -> bool:
    """Whether offset ``pos`` lies inside supplied material."""
    return any(a <= pos < b for a, b in supplied_spans(text))
