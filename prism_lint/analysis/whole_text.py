"""Look for a vocabulary pattern no first word triggers, cheaply, with the same matches.

Most task patterns start with a word, and are tried only where one of their
first words stands. The others (``\\d+ %``, a rubric's ``Accuracy (1-5):``,
``multiple choice question``) are searched through the whole text of every
prompt, and that search cost more than the rest of task inference: each
vocabulary pattern opens with a look-behind (no letter or digit before it),
which keeps Python's engine from skipping ahead to where a match can start.

A :class:`WholeText` tells first, from runs of plain characters that every
match holds (read off the pattern's top level), the texts the pattern
cannot match; then searches the pattern without its look-behind and tests
the look-behind where that matches. Both steps leave the matches as they
were: a text without a run holds no match, and a search from each position
on finds the leftmost match that :meth:`re.Pattern.finditer` finds.

A text whose lower-case letters stand where its letters do (see
:func:`folded`) is told apart more cheaply still: each run with letters is a
substring test of the lower-cased text, so every run counts, and so does a
group of alternatives one of which every match holds ("true or false",
"fact-check", "is it true that").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

LOOK_BEHIND = r"(?<![^\W_])"  # what every vocabulary pattern opens with
_LOOK = re.compile(LOOK_BEHIND)
_QUANTIFIERS = "?*+{"
_COUNT = re.compile(r"\{\d*(?:,\d*)?\}")  # a quantifier in braces
_INLINE_FLAGS = re.compile(r"\(\?[aiLmsux-]+[:)]")  # may change what a character matches
_MIN_WORD_RUN = 4  # shorter runs with letters rule out too few texts to be worth a search
# Characters that match an ASCII letter when case is ignored but lower-case
# to something else ("ſ" matches "s"): a text with one is not read lowered.
_FOLDS_ELSEWHERE = ("\u0130", "\u0131", "\u017f")
_REFERS_BACK = re.compile(r"\\[1-9]|\(\?P=|\(\?\(")  # a back-reference, a conditional


class Pattern(Protocol):
    """A compiled pattern, or one compiled when first used (``LazyPattern``)."""

    def search(self, string: str, pos: int = ...) -> re.Match[str] | None: ...

    def finditer(self, string: str, pos: int = ...) -> Iterator[re.Match[str]]: ...


@dataclass(frozen=True)
class WholeText:
    """How one pattern is looked for in a whole text (see the module)."""

    pattern: Pattern  # the vocabulary's pattern, look-behind first
    # the same without the look-behind; None for one that opens with a group
    # (of words), which the look-behind has the engine try at fewer places
    scanner: Pattern | None
    chars: str | None  # one of these must be in the text (a symbol it starts with)
    symbols: tuple[str, ...]  # runs of symbols and digits every match holds
    words: tuple[Pattern, ...]  # runs with letters every match holds, as patterns
    # For a text read lowered (see :func:`folded`): runs with letters every
    # match holds, lower-cased, and groups of runs one of each every match
    # holds (empty for a pattern whose case matters).
    lowered: tuple[str, ...] = ()
    choices: tuple[tuple[str, ...], ...] = ()
    # the pattern from a symbol on that every match holds (see :func:`tail`)
    probe: Pattern | None = None

    def may_match(self, text: str, chars: frozenset[str], low: str | None = None) -> bool:
        """False when ``text`` (whose characters are ``chars``) surely holds no
        match. ``low``: ``folded(text)``, when the caller has it."""
        if self.chars is not None and chars.isdisjoint(self.chars):
            return False
        if not all(s in text for s in self.symbols):
            return False
        if low is not None:
            if not all(r in low for r in self.lowered) or not all(
                any(r in low for r in group) for group in self.choices
            ):
                return False
        elif not all(w.search(text) is not None for w in self.words):
            return False
        return self.probe is None or self.probe.search(text) is not None

    def spans(self, text: str) -> Iterator[tuple[int, int]]:
        """The (start, end) of each match, as ``finditer`` of the pattern gives them."""
        if self.scanner is None:
            yield from (m.span() for m in self.pattern.finditer(text))
            return
        pos, n = 0, len(text)
        while pos <= n:
            m = self.scanner.search(text, pos)
            if m is None:
                return
            start, end = m.span()
            if end == start:  # an empty match: finditer's own rules, from here on
                yield from (f.span() for f in self.pattern.finditer(text, start))
                return
            if _LOOK.match(text, start) is None:
                pos = start + 1  # a letter before it: the pattern starts no match here
                continue
            yield start, end
            pos = end


@lru_cache(maxsize=16)
def folded(text: str) -> str | None:
    """``text`` lower-cased, when a run of ASCII characters matches ``text``
    ignoring case only where the lower-cased text holds the run lower-cased
    (every offset kept, no "ſ" that matches "s"); None otherwise. A
    substring test of it then stands in for a search that ignores case.
    Cached: persona detection and task inference both read it."""
    low = text.lower()
    if len(low) != len(text) or any(c in text for c in _FOLDS_ELSEWHERE):
        return None
    return low


def may_hold(source: str, flags: int, text: str, low: str | None) -> bool:
    """False when ``text`` surely holds no match of the pattern ``source``:
    it lacks every run of a group :func:`required_choices` reads off it.
    ``low``: ``folded(text)``, which a pattern that ignores case is read
    against (None: such a pattern may match)."""
    if flags & re.VERBOSE:
        return True  # white space and comments in it: its runs are not read
    if flags & re.IGNORECASE:
        if low is None:
            return True
        text = low
    return all(any(r in text for r in group) for group in _witnesses(source, flags))


@lru_cache(maxsize=256)
def _witnesses(source: str, flags: int) -> tuple[tuple[str, ...], ...]:
    lower = bool(flags & re.IGNORECASE)
    return tuple(
        tuple(r.lower() if lower else r for r in group) for group in required_choices(source)
    )


def whole_text(
    source: str, flags: int, chars: str | None, make: Callable[[str, int], Pattern] = re.compile
) -> WholeText | None:
    """The :class:`WholeText` of a vocabulary pattern ``source`` (its
    look-behind first), or None for a pattern that does not open so;
    ``make`` compiles a pattern (the vocabulary's compile when first used)."""
    if not source.startswith(LOOK_BEHIND):
        return None
    body = source[len(LOOK_BEHIND) :]
    runs = required_runs(body)
    symbols = tuple(r for r in runs if r.isascii() and not any(c.isalpha() for c in r))
    # the longest run with letters: its search costs about what one of the
    # pattern does, so one is worth it and more are not
    lettered = sorted((r for r in runs if r not in symbols), key=len, reverse=True)
    words = tuple(make(re.escape(r), flags) for r in lettered[:1] if len(r) >= _MIN_WORD_RUN)
    scanner = make(body, flags) if not _unwrapped(body).startswith("(") else None
    lowered: tuple[str, ...] = ()
    choices: tuple[tuple[str, ...], ...] = ()
    if flags & re.IGNORECASE:
        lowered = tuple(r.lower() for r in runs if r not in symbols and r.isascii())
        choices = tuple(
            tuple(r.lower() for r in group) for group in required_choices(body) if len(group) > 1
        )
    rest = tail(body) if not flags & re.VERBOSE else None
    probe = make(rest, flags) if rest is not None else None
    return WholeText(make(source, flags), scanner, chars, symbols, words, lowered, choices, probe)


def _unwrapped(body: str) -> str:
    """``body`` without the groups that hold the whole of it."""
    while body.startswith("(?:") and _group_end(body, 0) == len(body) - 1:
        body = body[3:-1]
    return body


def required_runs(body: str) -> list[str]:
    """Runs of plain characters that every match of ``body`` holds, read off
    its top level: a group, a class, an escape of a kind of character, an
    optional or repeated item ends a run; an alternation at the top level
    leaves none. What it cannot read surely it leaves out (fewer runs only
    mean fewer texts ruled out)."""
    if _INLINE_FLAGS.search(body):
        return []
    body = _unwrapped(body)
    runs: list[str] = []
    run = ""
    i = 0
    while i < len(body):
        ch = body[i]
        literal: str | None = None
        if ch == "\\":
            if i + 1 >= len(body):
                return []
            nxt = body[i + 1]
            if nxt.isdigit() or nxt in "xuUN":
                return []  # a reference to a group, a character by its code: not read here
            literal = nxt if not nxt.isalnum() and nxt.isascii() else None
            j = i + 2
        elif ch == "[":
            j = _class_end(body, i)
        elif ch == "(":
            j = _group_end(body, i) + 1
        elif ch == "|":
            return []
        elif ch in ".^$" or ch in _QUANTIFIERS or ch in ")]}":
            j = i + 1
        else:
            literal, j = ch, i + 1
        if j <= i:
            return []  # unbalanced: nothing read surely
        if j < len(body) and body[j] in _QUANTIFIERS:
            if body[j] == "{" and not _COUNT.match(body, j):
                return []  # a brace that is no count: not read here
            if body[j] == "+" and literal is not None:
                run += literal  # once at least, then more: the run ends with it
            literal = None
            j = _past_quantifier(body, j)
        if literal is None:
            if run:
                runs.append(run)
            run = ""
        else:
            run += literal
        i = j
    if run:
        runs.append(run)
    return runs


def required_choices(body: str) -> list[tuple[str, ...]]:
    """Groups of ASCII runs one of which every match of ``body`` holds: of an
    alternation, the longest run of each alternative ("true or false" or
    "fact check": "false" or "check"); and so for each group that a match
    must hold once at least. Each run alone is a group of one. Read as
    :func:`required_runs` reads: what it cannot read surely it leaves out."""
    if _INLINE_FLAGS.search(body):
        return []
    body = _unwrapped(body)
    alternatives = _alternatives(body)
    if alternatives is None:
        return []
    if len(alternatives) > 1:
        witnesses = []
        for alternative in alternatives:
            runs = [r for r in required_runs(alternative) if r.isascii()]
            if not runs:
                return []  # an alternative without a run: any text may hold it
            witnesses.append(max(runs, key=len))
        return [tuple(dict.fromkeys(witnesses))]
    out: list[tuple[str, ...]] = [(r,) for r in required_runs(body) if r.isascii()]
    for inner in _required_groups(body):
        out.extend(required_choices(inner))
    return out


# An unbounded run of any character but a line break: ``[^\n]*``, ``.+``.
_LINE_RUN = re.compile(r"(?:\[\^\\n\]|(?<!\\)\.)[*+]")


def tail(body: str) -> str | None:
    """``body`` from its first top-level symbol (or class of symbols) on
    that every match holds, past its first item: every match of ``body``
    ends with a match of it, so a text where it is not found holds no match.
    Its search skips ahead to that symbol, where one of ``body``, which opens
    with a repeat or with letters that case does not matter for, tries every
    position ("Accuracy (1-5):" is looked for from each "(" on). None when
    there is none, or when the rest may refer back to a group before it."""
    if _INLINE_FLAGS.search(body) or _REFERS_BACK.search(body):
        return None
    body = _unwrapped(body)
    alternatives = _alternatives(body)
    if alternatives is None or len(alternatives) > 1:
        return None  # an alternation: its rest is not sure
    i = 0
    while i < len(body):
        ch = body[i]
        symbol = False
        if ch == "\\":
            nxt = body[i + 1 : i + 2]
            symbol = bool(nxt) and nxt.isascii() and not nxt.isalnum()
            j = i + 2
        elif ch == "[":
            j = _class_end(body, i)
            inner = body[i + 1 : j - 1]
            symbol = not inner.startswith("^") and "\\" not in inner
            symbol = symbol and not any(c.isalnum() or c.isspace() for c in inner)
        elif ch == "(":
            j = _group_end(body, i) + 1
        elif ch in ".^$" or ch in _QUANTIFIERS or ch in ")]}|":
            j = i + 1
        else:
            symbol = ch.isascii() and not ch.isalnum() and not ch.isspace()
            j = i + 1
        if j <= i:
            return None
        if symbol and i > 0 and not _allows_none(body, j):
            rest = body[i:]
            # searched from each of its symbols, a run to the line's end costs
            # the line each time: on a text of one long line, far more than
            # the whole pattern
            return None if _LINE_RUN.search(rest) else rest
        if j < len(body) and body[j] in _QUANTIFIERS:
            j = _past_quantifier(body, j)
        i = j
    return None


def _items(body: str) -> Iterator[tuple[int, int]]:
    """The top-level items of a pattern's ``body``, as (start, end): an
    escape, a class, a group, or any other character (a quantifier's too).
    A class or group that does not close ends it with an item whose end is
    not past its start."""
    i = 0
    while i < len(body):
        ch = body[i]
        if ch == "\\":
            j = i + 2
        elif ch == "[":
            j = _class_end(body, i)
        elif ch == "(":
            j = _group_end(body, i) + 1
        else:
            j = i + 1
        yield i, j
        if j <= i:
            return
        i = j


def _alternatives(body: str) -> list[str] | None:
    """``body`` split at its top-level ``|``; None when it cannot be read."""
    parts = []
    start = 0
    for i, j in _items(body):
        if j <= i:
            return None
        if body[i] == "|":
            parts.append(body[start:i])
            start = j
    parts.append(body[start:])
    return parts


def _required_groups(body: str) -> list[str]:
    """The insides of the top-level groups that every match holds once at
    least: plain or non-capturing, with no quantifier that allows none."""
    out: list[str] = []
    for i, j in _items(body):
        if j <= i:
            return out
        if body[i] != "(":
            continue
        if body.startswith("(?:", i):
            inner = body[i + 3 : j - 1]
        elif body.startswith("(?", i):
            continue  # a look-around, a named group, flags: not read here
        else:
            inner = body[i + 1 : j - 1]
        if not _allows_none(body, j):
            out.append(inner)
    return out


def _allows_none(body: str, j: int) -> bool:
    """Whether the quantifier at ``j`` (if any) lets its item match no time."""
    if j >= len(body):
        return False
    if body[j] in "?*":
        return True
    if body[j] == "{":
        m = _COUNT.match(body, j)
        if m is None:
            return True  # a brace that is no count: not read here
        least = m.group(0)[1:-1].split(",")[0]
        return not least or int(least) == 0
    return False


def _past_quantifier(body: str, j: int) -> int:
    if body[j] == "{":
        close = body.find("}", j)
        j = close + 1 if close > 0 else len(body)
    else:
        j += 1
    if j < len(body) and body[j] in "?+":  # lazy or possessive
        j += 1
    return j


def _class_end(body: str, i: int) -> int:
    """Past the ``]`` that closes the class opened at ``i``; ``i`` when none does."""
    j = i + 1
    if j < len(body) and body[j] == "^":
        j += 1
    if j < len(body) and body[j] == "]":
        j += 1  # a "]" first is a member
    while j < len(body):
        if body[j] == "\\":
            j += 2
            continue
        if body[j] == "]":
            return j + 1
        j += 1
    return i


def _group_end(body: str, i: int) -> int:
    """The index of the ``)`` that closes the group opened at ``i``; -1 when none does."""
    depth = 0
    j = i
    while j < len(body):
        c = body[j]
        if c == "\\":
            j += 2
            continue
        if c == "[":
            end = _class_end(body, j)
            if end == j:
                return -1
            j = end
            continue
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return j
        j += 1
    return -1
