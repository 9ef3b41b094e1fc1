"""Remove a persona from prompt text and leave a prompt that reads naturally.

Everything here works on ``PromptUnit.text`` only; :mod:`prism_lint.fix.mapping`
turns the result into document edits. The plan is a handful of deletions
(and at most one capital letter), so the same plan can also be used to wrap
the persona in a conditional instead of deleting it.

Shapes handled, with what is removed besides the persona itself:

- a sentence on a line with others: the sentence and the spaces after it;
- a sentence that is its whole line: the line, and a blank line when the
  persona was a paragraph of its own, so no doubled blank lines are left;
  a bullet or heading marker in front of it goes with it;
- a leading clause ("As a senior engineer, write ..."): the clause and the
  comma after it, and the next word gets its capital letter;
- a trailing clause ("Review it as a security expert."): the clause and the
  space or comma before it, keeping the full stop;
- a clause between commas: the clause and one of the commas.

A fix is safe only when nothing but the persona, white space and punctuation
goes (and the capital letter is repaired). Dropping a conjunction ("and"), a
label ("Role:") or an emptied section heading makes it unsafe.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from prism_lint.lazy_re import lazy
from prism_lint.model import HOLE

HSPACE = " \t"
# White space that may separate sentences on a line, beyond spaces and tabs.
_GAP = HSPACE + "\u00a0\u2002\u2003\u2009\u200a\u202f\u205f\u3000\u2028\u2029"
_END = ".!?…。！？"
_CLOSERS = "\"'”’»)]*_"
_JUNCTION = ",;:—–，、；："
_CJK_END = "。！？"
_CONJUNCTION = re.compile(r"(?i)(?:and then|and|then|so|but|while)\b[ \t]*")
_TRAILING_CONJUNCTION = re.compile(r"(?i)[ \t]+(?:and|or|while|but)[ \t]*$")
_CONJUNCTION_REACH = 80  # characters before a clause a conjunction is looked for in
# What may stand before a sentence on its line and go with it.
_MARKER = lazy(r"[ \t]*(?:(?:[-*+•]|\d{1,3}[.)])[ \t]+|>[ \t]*|#{1,6}[ \t]+)?")
_LABEL = lazy(
    r"[ \t]*(?:[-*+][ \t]+)?(?:\*\*|__)?[A-Za-z][\w /&'-]{0,30}?(?:\*\*|__)?[ \t]*:"
    r"(?:\*\*|__)?[ \t]*"
)
_HEADING = re.compile(r"[ \t]{0,3}#{1,6}[ \t]+\S.*")
_LABEL_LINE = lazy(
    r"[ \t]*(?:(?:\*\*|__)[^*_\n]{1,40}(?:\*\*|__)|[A-Za-z][\w /&'-]{0,30})"
    r":?(?:\*\*|__)?[ \t]*:?[ \t]*"
)
_WORD = re.compile(r"\w+")
# What goes on describing the persona after its noun ("... developer who
# writes clean code."): the sentence is all persona.
_DESCRIBES = lazy(
    r"(?i)(?:who|that|which|whose|with|specializ|specialis|skilled|known|experienced|trained"
    r"|proficient|versed)\w*\b"
)


@dataclass(frozen=True)
class TextEdit:
    """Replace ``text[start:end]`` with ``content`` (prompt-text offsets)."""

    start: int
    end: int
    content: str = ""


@dataclass
class StripPlan:
    """The edits that remove a persona, and whether they are safe."""

    edits: list[TextEdit]
    new_text: str
    safe: bool
    # Why the plan is not safe, for the fix message and the tests.
    notes: list[str] = field(default_factory=list)
    # The whole span the plan removes, first to last deleted character.
    region: tuple[int, int] = (0, 0)
    # Where the first character after a removed leading clause was capitalised.
    capital: int | None = None
    shape: str = "sentence"
    # What the fix message adds: what a rewrite keeps, or why it is unsafe.
    reason: str = ""

    @property
    def empty(self) -> bool:
        """Nothing of the prompt is left but white space and punctuation."""
        return not has_words(self.new_text)


def has_words(text: str) -> bool:
    return HOLE in text or bool(_WORD.search(text))


def _is_punct(ch: str) -> bool:
    return unicodedata.category(ch).startswith("P") or ch in "*_`~|>#-•+"


def _line_start(text: str, pos: int) -> int:
    return text.rfind("\n", 0, pos) + 1


def _line_end(text: str, pos: int) -> int:
    nl = text.find("\n", pos)
    return len(text) if nl < 0 else nl


def _blank(line: str) -> bool:
    return not line.strip()


def starts_sentence(text: str, s: int) -> bool:
    """Whether a sentence starts at ``s`` (after a line break, a full stop,
    a list marker, a label or a tag)."""
    return _starts_sentence(text, s)


def rewritten(text: str, edits: list[TextEdit]) -> StripPlan:
    """The plan that carries out a rewrite of the persona sentence
    (:mod:`prism_lint.fix.rewrite`): replacements inside it, nothing around it."""
    edits = sorted(edits, key=lambda x: x.start)
    out = []
    pos = 0
    for ed in edits:
        out.append(text[pos : ed.start])
        out.append(ed.content)
        pos = ed.end
    out.append(text[pos:])
    plan = _plan(edits, "rewrite")
    plan.new_text = "".join(out)
    plan.region = (edits[0].start, edits[-1].end)
    return plan


def _starts_sentence(text: str, s: int) -> bool:
    i = s
    while i > 0 and text[i - 1] in HSPACE:
        i -= 1
    if i == 0:
        return True
    if text[i - 1] == "\n":
        # "... the function,\nas an expert." goes on from the line above
        return not (text[s].islower() and _wrapped_previous_line(text, i))
    ls = _line_start(text, s)
    if _MARKER.fullmatch(text[ls:s]) or _LABEL.fullmatch(text[ls:s]):
        return True
    if _TAG_BEFORE.search(text, ls, i):
        return True  # "<instructions> You are ..." : a tag opens a sentence
    j = i
    while j > ls and text[j - 1] in _CLOSERS:
        j -= 1
    return j > ls and text[j - 1] in _END + ":"


_TAG_BEFORE = re.compile(r"</?[A-Za-z][\w:.-]*(?:\s[^<>\n]*)?>\Z")


def plan_strip(text: str, start: int, end: int) -> StripPlan | None:
    """How to remove ``text[start:end]`` (a persona) cleanly, or None."""
    s, e = start, end
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    if s >= e:
        return None
    # Take in the sentence's closing punctuation when the span stops short of it.
    rest = e
    while rest < len(text) and text[rest] in HSPACE:
        rest += 1
    if rest < len(text) and text[rest] in _END and text[e - 1] not in _END:
        e = rest + 1
        while e < len(text) and text[e] in _CLOSERS and text[e] not in "*_":
            e += 1
    starts = _starts_sentence(text, s)
    after = text[e : _line_end(text, e)].lstrip(HSPACE)
    closed = text[e - 1] in _END or (e - s > 1 and text[e - 1] in _CLOSERS and text[e - 2] in _END)
    # "As an expert,\nwrite ..." : the clause ends its line, the sentence goes on below
    wraps = not closed and not after and text[e - 1] in _JUNCTION and _next_line_lower(text, e)
    ends = (closed or not after or after[0] in _END) and not wraps
    plan: StripPlan | None
    if starts and ends:
        plan = _sentence(text, s, e)
    elif starts:
        plan = _leading_clause(text, s, e)
    elif ends:
        plan = _trailing_clause(text, s, e)
    else:
        plan = _inner_clause(text, s, e)
    if plan is None:
        return None
    _finish(text, s, e, plan)
    return plan


def _finish(text: str, s: int, e: int, plan: StripPlan) -> None:
    plan.edits.sort(key=lambda x: x.start)
    out = []
    pos = 0
    removed = []
    for ed in plan.edits:
        out.append(text[pos : ed.start])
        out.append(ed.content)
        if not ed.content:
            removed.append((ed.start, ed.end))
        pos = ed.end
    out.append(text[pos:])
    plan.new_text = "".join(out)
    dels = [ed for ed in plan.edits if not ed.content]
    plan.region = (min(d.start for d in dels), max(d.end for d in dels))
    for a, b in removed:
        for i in range(a, b):
            if s <= i < e:
                continue
            ch = text[i]
            if ch == HOLE:
                _unsafe(plan, "a placeholder next to the persona would go")
            elif not (ch.isspace() or _is_punct(ch)):
                if not plan.notes:
                    _unsafe(plan, "removes words besides the persona")
                plan.safe = False
                break
    if HOLE in text[s:e]:
        _unsafe(plan, "the persona holds a placeholder")


def _unsafe(plan: StripPlan, why: str) -> None:
    plan.safe = False
    if why not in plan.notes:
        plan.notes.append(why)


def _plan(edits: list[TextEdit], shape: str) -> StripPlan:
    return StripPlan(edits, "", True, shape=shape)


# --------------------------------------------------------------------------
# Whole sentences
# --------------------------------------------------------------------------


def _sentence(text: str, s: int, e: int) -> StripPlan:
    ls = _line_start(text, s)
    le = _line_end(text, e)
    prefix = text[ls:s]
    suffix = text[e:le]
    if _blank(suffix):
        label = _LABEL.fullmatch(prefix) is not None and _MARKER.fullmatch(prefix) is None
        if _MARKER.fullmatch(prefix) or label:
            plan = _whole_lines(text, ls, le)
            if label:
                _unsafe(plan, f"removes the label {prefix.strip()!r}")
            return plan
        # Other sentences before it on the line: take the space before it.
        a = s
        while a > ls and text[a - 1] in HSPACE:
            a -= 1
        return _plan([TextEdit(a, le if suffix else e)], "sentence")
    b = e
    while b < le and text[b] in _GAP:
        b += 1
    plan = _plan([TextEdit(s, b)], "sentence")
    nxt = text[b] if b < len(text) else ""
    if nxt.islower() and text[s].isupper():
        # What follows now starts the sentence.
        plan.edits.append(TextEdit(b, b + 1, nxt.upper()))
        plan.capital = b
    return plan


def _whole_lines(text: str, ls: int, le: int) -> StripPlan:
    """Remove the lines ``text[ls:le]`` and tidy the blank lines around them."""
    n = len(text)
    prev_blank = ls == 0 or _blank(text[_line_start(text, ls - 1) : ls - 1])
    a, b = ls, min(le + 1, n)
    next_blank = b >= n or _blank(text[b : _line_end(text, b)])
    notes: list[str] = []
    if prev_blank and next_blank:
        # A paragraph of its own: take the blank lines after it too.
        while b < n and _blank(text[b : _line_end(text, b)]):
            b = min(_line_end(text, b) + 1, n)
        if b >= n and ls > 0:
            # It was the last paragraph: take the blank lines before it instead.
            a, b = _after_content(text, ls), n
        a, b, notes = _empty_section(text, a, b)
    elif le >= n and ls > 0:
        # Last line without a line break: take the break before it.
        a = ls - 1
    else:
        # Right under a heading or label ("## Role" / "Role:"): it goes too
        # when nothing else is left in its section.
        a, b, notes = _empty_section(text, a, b)
    if a == 0:
        # The prompt now starts at the next line: not with blank lines or indentation.
        while b < n and _blank(text[b : _line_end(text, b)]) and _line_end(text, b) < n:
            b = _line_end(text, b) + 1
        while b < n and text[b] in HSPACE:
            b += 1
    plan = _plan([TextEdit(a, b)], "lines")
    for note in notes:
        _unsafe(plan, note)
    return plan


def _after_content(text: str, ls: int) -> int:
    """Where to cut so that the text ends as it did, after the last content
    line before row start ``ls``: after its line break if the text ended with
    one, else before it."""
    a = ls
    while a > 0:
        pls = _line_start(text, a - 1)
        if not _blank(text[pls : a - 1]):
            break
        a = pls
    if a > 0 and not text.endswith("\n"):
        a -= 1
    return a


def _empty_section(text: str, a: int, b: int) -> tuple[int, int, list[str]]:
    """Take a heading or label whose section the removal leaves empty."""
    if a == 0:
        return a, b, []
    # The line before the removed paragraph(s), skipping blank lines.
    p = a
    while p > 0:
        pls = _line_start(text, p - 1)
        line = text[pls : p - 1]
        if not _blank(line):
            break
        p = pls
    if p == 0:
        return a, b, []
    hls = _line_start(text, p - 1)
    head = text[hls : p - 1]
    is_heading = _HEADING.fullmatch(head) is not None
    is_label = (
        not is_heading
        and len(head.split()) <= 4
        and _LABEL_LINE.fullmatch(head) is not None
        and (head.rstrip().endswith(":") or head.strip().startswith(("**", "__")))
    )
    if not (is_heading or is_label):
        return a, b, []
    # What follows the removal must be another heading, or nothing.
    q = b
    n = len(text)
    while q < n and _blank(text[q : _line_end(text, q)]):
        q = min(_line_end(text, q) + 1, n)
    if q < n:
        nxt = text[q : _line_end(text, q)]
        next_label = (
            is_label and _LABEL_LINE.fullmatch(nxt) is not None and (nxt.rstrip().endswith(":"))
        )
        if _HEADING.fullmatch(nxt) is None and not next_label:
            return a, b, []
        if is_heading and _level(nxt) > _level(head):
            return a, b, []
    if b >= n:
        # Nothing after: remove from the end of the content before the heading.
        return (
            _after_content(text, hls),
            n,
            [f"removes the emptied section heading {head.strip()!r}"],
        )
    return hls, b, [f"removes the emptied section heading {head.strip()!r}"]


def _level(heading: str) -> int:
    h = heading.lstrip()
    return len(h) - len(h.lstrip("#")) or 7


# --------------------------------------------------------------------------
# Clauses
# --------------------------------------------------------------------------


def _next_line_lower(text: str, e: int) -> bool:
    """Whether the line after ``e``'s line goes on with a lower-case word."""
    nl = _line_end(text, e)
    if nl >= len(text) or text[nl] != "\n":
        return False
    i = nl + 1
    while i < len(text) and text[i] in HSPACE:
        i += 1
    return i < len(text) and text[i].islower()


def _wrapped_previous_line(text: str, ls: int) -> bool:
    """Whether the line before ``ls`` ends mid-sentence (a comma, a word)."""
    if ls == 0 or text[ls - 1] != "\n":
        return False
    i = ls - 1
    while i > 0 and text[i - 1] in HSPACE:
        i -= 1
    # a colon at the end of a line opens a block ("ai_persona:", "Rules:"),
    # it does not wrap a sentence
    return i > 0 and text[i - 1] in _JUNCTION and text[i - 1] not in ":："


def _leading_clause(text: str, s: int, e: int) -> StripPlan | None:
    """ "As a senior engineer, write ..." -> "Write ..." """
    r = e
    junction = text[e - 1] in _JUNCTION
    while r < len(text) and text[r] in HSPACE:
        r += 1
    if junction and r < len(text) and text[r] == "\n" and _next_line_lower(text, e):
        r += 1  # the sentence goes on on the next line: take the line break
        while r < len(text) and text[r] in HSPACE:
            r += 1
    while r < len(text) and text[r] in _JUNCTION:
        junction = True
        r += 1
        while r < len(text) and text[r] in HSPACE:
            r += 1
    conj = _CONJUNCTION.match(text, r)
    if conj and r < len(text) and conj.end() < len(text):
        r = conj.end()
        junction = True
    le = _line_end(text, r)
    remainder = text[r:le]
    short = len(_WORD.findall(remainder.replace(HOLE, " x "))) < 2
    if short or (not junction and _DESCRIBES.match(text, r)):
        # Too little follows to stand alone, or what follows goes on
        # describing the persona: the sentence goes as a whole.
        plan = _sentence(text, s, _sentence_end(text, e))
        _unsafe(plan, "removes the whole sentence the persona opens")
        return plan
    if not junction:
        return None  # the persona runs on into the sentence: no clean cut
    plan = _plan([TextEdit(s, r)], "leading-clause")
    if conj:
        _unsafe(plan, f"removes the conjunction {conj.group(0).strip()!r}")
    ch = text[r] if r < len(text) else ""
    if ch.islower() and (text[s].isupper() or s == _line_start(text, s)):
        plan.edits.append(TextEdit(r, r + 1, ch.upper()))
        plan.capital = r
    return plan


def _sentence_end(text: str, e: int) -> int:
    le = _line_end(text, e)
    for i in range(e, le):
        if text[i] in _CJK_END or (text[i] in _END and (i + 1 >= le or text[i + 1].isspace())):
            return i + 1
    return le


def _trailing_clause(text: str, s: int, e: int) -> StripPlan:
    """ "Review the diff, as a security expert." -> "Review the diff." """
    core_end = e
    while core_end > s and (text[core_end - 1] in _END or text[core_end - 1] in "\"'”’»)"):
        core_end -= 1
    if core_end <= s:
        core_end = e
    ls = _line_start(text, s)
    a = s
    while a > ls and text[a - 1] in HSPACE:
        a -= 1
    if a == ls and text[s].islower() and _wrapped_previous_line(text, ls):
        # the clause opens its line; its comma ends the line above
        ls = _line_start(text, ls - 1)
        a = _line_end(text, ls)
        while a > ls and text[a - 1] in HSPACE:
            a -= 1
    comma = a > ls and text[a - 1] in _JUNCTION
    if comma:
        a -= 1
        while a > ls and text[a - 1] in HSPACE:
            a -= 1
    # the conjunction ends where the clause starts: looked for just before it,
    # not from the start of what may be a very long line
    conj = _TRAILING_CONJUNCTION.search(text, max(ls, a - _CONJUNCTION_REACH), a)
    if conj:
        a = conj.start()
    head = _sentence_head(text, ls, a)
    if head is not None and (_only_cue_words(text[head:a]) or _LEAD_PHRASE.fullmatch(text[head:a])):
        # "You are acting as a reviewer." must not leave "You are.": what
        # stands before the clause is the cue's own subject, it goes too
        plan = _sentence(text, head, e)
        plan.shape = "sentence"
        return plan
    plan = _plan([TextEdit(a, core_end)], "trailing-clause")
    if conj:
        _unsafe(plan, f"removes the conjunction {conj.group(0).strip()!r}")
    if not comma and not conj:
        _unsafe(plan, "no punctuation marks where the persona clause starts")
    return plan


# Words that say nothing once the persona after them is gone ("You are",
# "Are you ready to", "I want you to").
_CUE_WORDS = frozenset(
    {
        "you",
        "are",
        "you're",
        "youre",
        "will",
        "be",
        "now",
        "ready",
        "to",
        "i",
        "we",
        "want",
        "need",
        "would",
        "like",
        "please",
        "always",
        "going",
        "act",
        "acting",
        "also",
        "just",
        "can",
        "could",
        "should",
        "must",
        "shall",
        "here",
        "today",
        "from",
        "on",
        "d",
        "re",
        "ll",
    }
)


# A phrase that cannot stand as a sentence without the clause after it
# ("In the terminal," + "you are an expert at ...").
_LEAD_PHRASE = lazy(
    r"(?i)(?:in|on|at|for|when|while|during|with|within|inside|from|after|before|here|there)"
    r"\b[^.!?:;\n]{0,50}?,?[ \t]*"
)


def _sentence_head(text: str, ls: int, a: int) -> int | None:
    """Where the sentence holding ``a`` starts on its line, or None."""
    i = a
    while i > ls:
        ch = text[i - 1]
        if ch in _END and (i == a or text[i].isspace()):
            break
        i -= 1
    while i < a and (text[i] in HSPACE or _is_punct(text[i])):
        i += 1
    return i if i < a else None


def _only_cue_words(fragment: str) -> bool:
    words = re.findall(r"[A-Za-z]+", fragment.lower().replace("’", "'"))
    return bool(words) and all(w in _CUE_WORDS for w in words)


def _inner_clause(text: str, s: int, e: int) -> StripPlan | None:
    """ "Please, as a senior engineer, review this." -> "Please review this." """
    ls = _line_start(text, s)
    a = s
    while a > ls and text[a - 1] in HSPACE:
        a -= 1
    b = e
    if text[e - 1] in ",;—–":
        left_comma = a > ls and text[a - 1] in ",;—–"
        if left_comma:
            return _plan([TextEdit(a - 1, e)], "inner-clause")
    while b < len(text) and text[b] in HSPACE:
        b += 1
    if b < len(text) and text[b] in ",;—–" and a > ls and text[a - 1] in ",;—–":
        return _plan([TextEdit(a - 1, b + 1)], "inner-clause")
    # Inside a sentence with nothing to mark it off: no clean way to take it out.
    return None
