"""Whether a Python module's bytes can hold a prompt or teach the project's table.

The inventory lists every prompt, persona or not, so the persona first pass
(:mod:`prism_lint.prefilter`) cannot rule modules out for it; yet most
modules of a code base hold no prompt, and parsing them all costs several
times a check. This pass tells, from a module's bytes, the modules that
surely read as no prompt and teach no wrapper or sink
(:mod:`prism_lint.extract.python.flow`) when read alone. Every way the
extractor finds a prompt or learns a wrapper starts from a word written
in the module, in a place this pass looks for (one automaton over the
lower-cased bytes, then a look around each word found):

- a catalogued callee called (``run(``) or imported under another name
  (``run as r``), its every dotted part written, and, for a site that asks
  for them, one of its imports or keywords; a configured call site too;
- a name the prompt-name patterns match (``*prompt*``, ``system``, ...,
  and the configured ones), a prompt keyword (``instructions``) or a name
  of chat messages (``messages``, ``history``, ``role``) where a name is
  given a value or taken: a keyword, a parameter, an assignment's target,
  a dict key; a prompt-named function; a prompt keyword in a decorator;
- DSPy, guidance, ell, MetaGPT beside a ``profile``, a ``Signature`` class, a chat role written as a
  string first in a tuple (``("system", ...)``), a fabric pattern
  (``# IDENTITY``), a string that opens with a persona (``"You are a``,
  :mod:`prism_lint.extract.shared.opening`);
- what could spell any of these out of sight: an escape in a string of
  printable ASCII or white space, a line continuation in a word or at a
  quote, a character whose case maps onto ASCII letters (``ſ``, the Kelvin
  sign), a dict key in triple quotes, a UTF-16 or UTF-32 file.

A module ruled out may still read differently with the project's table (it
calls another module's wrapper, or defines a name another module sends):
the command reads it when the table names a word it writes
(:class:`Mentions`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from prism_lint.extract.python.catalogue import Catalogue, load_catalogue
from prism_lint.extract.shared.opening import OPENINGS, quote_before

# Names of chat messages: keywords, parameters, targets and keys; a role
# counts as a keyword (``dict(role=...)``) or a key only.
_MESSAGE_WORDS = ("messages", "chat_messages", "history")
# Read wherever they are written (as words), when the module also writes
# the word beside each: imports of DSPy (its predictors) and guidance (its
# role blocks), ell's decorators, MetaGPT's roles (a ``profile`` field is
# sent as "You are a {profile}", :mod:`metagpt_roles`).
_ANYWHERE = {b"dspy": b"", b"guidance": b"", b"ell": b"", b"metagpt": b"profile"}
_SIGNATURE = b"Signature"  # a DSPy signature class: its superclass ends so
_IDENTITY = b"identity"  # a fabric pattern opens with "# IDENTITY"
_TRIPLES = (b'"""', b"'''")  # a dict key in triple quotes may hold any name
# Characters outside ASCII that ``lower``, ``upper``, ``casefold`` or a
# case-insensitive match take for ASCII letters (tests/test_prompt_cues.py
# checks the list against the whole of Unicode).
FOLDING = "".join(
    map(
        chr,
        (
            0xDF,
            0x130,
            0x131,
            0x149,
            0x17F,
            0x1F0,
            0x1E96,
            0x1E97,
            0x1E98,
            0x1E99,
            0x1E9A,
            0x1E9E,
            0x212A,
            0xFB00,
            0xFB01,
            0xFB02,
            0xFB03,
            0xFB04,
            0xFB05,
            0xFB06,
        ),
    )
)
_ROLES = rb"(?:system|human|user|ai|assistant|developer)"

# A line continuation: Python drops it inside a string, and it joins lines in code.
_CONTINUATION = rb"\\(?:\r\n|\r|\n)"
# White space, comments and continuations between a name and what follows it.
# A comment runs to the end of its line, and only there (``(?![^\n])``): else
# a line of "#####" splits into comments in as many ways as it has pairs of
# marks, and a failed match tries every one of them.
_GAP = rb"(?:\s|#[^\n]*(?![^\n])|" + _CONTINUATION + rb")*"
# What ``str.strip`` removes, as UTF-8 or as an escape, and continuations.
_SPACE = (
    rb"(?:\s|\x1c|\x1d|\x1e|\x1f|\xc2\x85|\xc2\xa0|\xe1\x9a\x80|\xe2\x80[\x80-\x8a]"
    rb"|\xe2\x80[\xa8\xa9\xaf]|\xe2\x81\x9f|\xe3\x80\x80|\\[ntrfv]|" + _CONTINUATION + rb")*"
)
_IDENT_RUN = re.compile(rb"[\w\x80-\xff]*")
# After a name: it is a keyword, a parameter, a target or an annotated name.
_AS_NAME = re.compile(_GAP + rb"(?:=(?!=)|\+=|:|,|\))")
_GIVEN = re.compile(_GAP + rb"(?:=(?!=)|\+=)")  # a keyword or a target only
_DEFINED = re.compile(_GAP + rb"(?:=(?!=)|\+=|:)")  # an assignment's target, annotated or not
_KEY_END = re.compile(rb"['\"]{1,3}" + _GAP + b":")  # the end of a dict key
_KEY_RUNS_ON = re.compile(rb"[^\n]*?['\"]" + _GAP + b":")  # a dict key, more of it first
# A name in a docstring's field (``:param str prompt:``), when a colon follows it.
_FIELD = re.compile(rb":[a-z]+[ \t]+(?:[\w.]+[ \t]+)?\Z")
# A dict key in triple quotes; not a docstring's opening quotes before a
# field (``:param``), which opens its own line.
_TRIPLE_KEY_END = re.compile(_GAP + b":")
_IMPORT_LINE = re.compile(rb"[ \t]*(?:from[ \t]+[\w.]+[ \t]+)?import[ \t]")
_IMPORT_OPENS = re.compile(rb"[ \t]*from[ \t]+[\w.]+[ \t]+import[ \t]*\([\w \t,]*(?:#[^\n]*)?\r?")
_NAMES_LINE = re.compile(rb"[\w \t,]*(?:#[^\n]*)?\r?")  # names, commas, a comment
# Bounds on the looks around each word found: a file past them is read in full.
_MAX_LOOKS = 3000  # words found in one file, or one a _BYTES_PER_LOOK bytes when more
_BYTES_PER_LOOK = 32  # a look's cost is bounded: the looks of a file grow with its size
_MAX_IMPORT_LINES = 100  # lines of one import's parenthesised names
_MAX_SCOPE_LINES = 300  # lines up to the block a name is assigned in
_MAX_LIST_BYTES = 1000  # looked back for the bracket a name is listed in
_DEF_HEAD = re.compile(rb"\bdef[ \t]+[\w\x80-\xff]+[ \t]*(?:\[[^\n]*\])?\Z")
_SELF_BEFORE = re.compile(rb"\bself\s*\.\s*\Z")
_TARGETS = re.compile(rb"(?:[\w.]+[ \t]*=[ \t]*)+")  # ``a = b = `` before the name
_OPENS_BRACKET = re.compile(rb"[(\[{][ \t]*\r?\n[ \t\r\n]*\Z")  # the line above ends so
_CLASS_OPENS = re.compile(rb"class\b")
_DEF_OPENS = re.compile(rb"(?:async[ \t]+)?def\b")
_GAP_RE = re.compile(_GAP)
_SCALAR = re.compile(_GAP + rb"(?:-?[0-9][\w.]*|none|true|false)(?![\w.])")
_ITEM_END = re.compile(_GAP + rb"[,}]")
_MAX_LITERAL = 20_000  # bytes of a dict's value read to find where it ends
# a call, or an import under another name (a comment or a continuation may
# stand before its "as"; ``_whole`` has kept "…promptas" out)
_CALLED = re.compile(_GAP + rb"(?:\(|as\b)")
_SUPERCLASS_END = re.compile(_GAP + rb"[,)]")
_ROLE_FIRST = re.compile(
    rb"\(" + _GAP + rb"[rbuf]{0,2}['\"]+" + _SPACE + _ROLES + _SPACE + rb"['\"]"
)
_HASH_IDENTITY = re.compile(b"#" + _SPACE + _IDENTITY)
_ESCAPE = re.compile(
    rb"\\(?:x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|N\{[^}\n]{0,100}\}|[0-7]{1,3}"
    rb"|\r\n|\r|\n)"
)
_WORD = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")
_NAME_BYTES = _WORD | frozenset(range(0x80, 0x100))
_LETTERS = frozenset(b"abcdefghijklmnopqrstuvwxyz")
_BLANK = frozenset(b" \t\n\r\x0b\x0c\\")
_WIDE_BOMS = (b"\xff\xfe", b"\xfe\xff")

_CALLEE, _NAME, _ANY, _TRIPLE, _OTHER, _OPENING = range(6)


@dataclass(frozen=True)
class _Name:
    """A name, or the letters every name of a pattern holds, and where it counts."""

    open_start: bool  # more of the name may come before (``*prompt``)
    open_end: bool  # more of the name may come after (``prompt*``)
    function: bool  # as a function's name too (prompt-name patterns)
    decorator: bool  # anywhere in a decorator (prompt keywords)
    parameter: bool = True  # as a parameter or an annotated name too, not only given a value


@dataclass(frozen=True)
class _Keywords:
    """Keywords a site reads its prompts from: given when one is written as
    a keyword (``task=``) or as a key of a dict (``**{"task": ...}``)."""

    words: tuple[bytes, ...]

    def given(self, data: bytes) -> bool:
        for word in self.words:
            at = data.find(word)
            while at >= 0:
                end = at + len(word)
                if _whole(data, at, end) and (
                    _GIVEN.match(data, end)
                    or (at and data[at - 1] in b"'\"" and _KEY_END.match(data, end))
                ):
                    return True
                at = data.find(word, end)
        return False


def _site_keywords(site: Any) -> _Keywords | None:
    """The keywords a catalogued site reads its prompts from, when it reads
    none by position and is no agent (whose runs read theirs by position)."""
    if (
        site.agent
        or site.kind.startswith("crewai")
        or site.runs_agent == "pos0"
        or any(a.pos is not None for a in site.args)
        or any(isinstance(c, int) for c in site.content)
    ):
        return None
    words = {a.kw for a in site.args if a.kw} | {c for c in site.content if isinstance(c, str)}
    return _Keywords(tuple(sorted(w.encode() for w in words))) if words else None


@dataclass(frozen=True)
class _Callee:
    name: bytes  # as written
    before: tuple[bytes, ...]  # the callee's other dotted parts
    needs: tuple[tuple[bytes, ...], ...]  # a constrained site's imports (parts) or keywords
    # a site that reads keywords only: one of them given (``task=``, or a
    # key of a dict passed as ``**``); None: any call of it counts
    keywords: _Keywords | None = None


def _words(words: Iterable[str]) -> bytes:
    return b"|".join(re.escape(w.encode()) for w in sorted(words, key=len, reverse=True))


def _pattern_name(pattern: str) -> tuple[bytes, _Name] | None:
    """A prompt-name pattern (fnmatch, case-insensitive) as letters every
    name it matches holds, or None when bytes cannot say it."""
    if any(c in pattern for c in "[]") or not pattern.isascii():
        return None
    inner = pattern.strip("*")
    if "*" in inner or "?" in inner:
        # ``my*prompt``: its longest run of letters is in every name it matches
        longest = max(re.split(r"[*?]", inner), key=len)
        return (longest.lower().encode(), _Name(True, True, True, False)) if longest else None
    if not inner:
        return None
    word = re.compile(r"\w", re.ASCII)
    open_start = pattern.startswith("*") or not word.match(inner[0])
    open_end = pattern.endswith("*") or not word.match(inner[-1])
    return inner.lower().encode(), _Name(open_start, open_end, True, False)


class Cues:
    """The words of one configuration: the catalogue, configured call sites
    and prompt names."""

    def __init__(
        self, cat: Catalogue, call_sites: Iterable[str] = (), prompt_names: Iterable[str] = ()
    ) -> None:
        import ahocorasick_rs

        found: dict[bytes, list[tuple[int, Any]]] = {}

        def add(low: bytes, kind: int, what: Any) -> None:
            found.setdefault(low, []).append((kind, what))

        for last, entries in cat.by_last.items():
            for parts, site in entries:
                needs: tuple[tuple[bytes, ...], ...] = ()
                if site.constrained:
                    needs = (
                        *(tuple(p.encode() for p in m.split(".")) for m in site.imports),
                        *((k.encode(),) for k in site.when_kwargs),
                    )
                add(
                    last.lower().encode(),
                    _CALLEE,
                    _Callee(
                        last.encode(),
                        tuple(p.encode() for p in parts[:-1]),
                        needs,
                        _site_keywords(site),
                    ),
                )
        for dotted in call_sites:
            last = dotted.rsplit(".", 1)[-1]
            add(last.lower().encode(), _CALLEE, _Callee(last.encode(), (), ()))
        self.every = False  # a configured name bytes cannot say: every module is read
        for pattern in (*cat.name_patterns, *prompt_names):
            named = _pattern_name(pattern)
            if named is None:
                self.every = True
            else:
                add(named[0], _NAME, named[1])
        for word in cat.generic_kwargs:
            add(word.lower().encode(), _NAME, _Name(False, False, False, True))
        add(b"prompt", _NAME, _Name(False, False, False, True))  # outlines' @prompt
        for message_word in _MESSAGE_WORDS:
            add(message_word.encode(), _NAME, _Name(False, False, False, False))
        add(b"role", _NAME, _Name(False, False, False, False, parameter=False))
        for anywhere, beside in _ANYWHERE.items():
            add(anywhere, _ANY, beside)
        add(_SIGNATURE.lower(), _OTHER, _SIGNATURE)
        add(_IDENTITY, _OTHER, _IDENTITY)
        for triple in _TRIPLES:
            add(triple, _TRIPLE, triple)
        for opening in OPENINGS:
            add(opening.encode(), _OPENING, None)
        for c in FOLDING:  # bytes.lower() leaves them as they are
            add(c.encode("utf-8"), _OTHER, None)
        self.words = list(found)
        self.meanings = [found[w] for w in self.words]
        self.automaton = ahocorasick_rs.BytesAhoCorasick(
            self.words, implementation=ahocorasick_rs.Implementation.DFA
        )

    def may_hold_prompt(self, data: bytes) -> bool:
        """False only when the module surely reads as no prompt and teaches
        no wrapper or sink when read alone."""
        if self.every or data[:2] in _WIDE_BOMS or data[:4] == b"\x00\x00\xfe\xff":
            return True
        low = data.lower()
        seen: dict[_Keywords, bool] = {}
        seen_beside: dict[bytes, bool] = {}
        looked = False
        found = self.automaton.find_matches_as_indexes(low, overlapping=True)
        if len(found) > _looks(data):
            return True  # so many words a prompt is found by: read it, rather than look
        for index, start, end in found:
            for kind, what in self.meanings[index]:
                if kind == _NAME and _named(low, start, end, what):
                    return True
                if kind == _CALLEE and _called(data, start, end, what, seen):
                    return True
                if kind == _ANY and _whole(low, start, end) and _beside(low, what, seen_beside):
                    return True
                if kind == _TRIPLE and _triple_key(low, end):
                    return True
                if kind == _OPENING and quote_before(low, start) >= 0:
                    return True
                if kind == _OTHER and what != _IDENTITY and _other(data, start, end, what):
                    return True
                if kind == _OTHER and what == _IDENTITY and not looked:
                    looked = True  # a fabric pattern: looked for once
                    if _HASH_IDENTITY.search(low):
                        return True
        return _ROLE_FIRST.search(low) is not None or _escaped(data)


def _beside(low: bytes, word: bytes, seen: dict[bytes, bool]) -> bool:
    """Whether the module writes ``word`` too: looked for once per module."""
    found = seen.get(word)
    if found is None:
        found = seen[word] = word in low
    return found


def _whole(low: bytes, start: int, end: int) -> bool:
    return (start == 0 or low[start - 1] not in _WORD) and (
        end == len(low) or low[end] not in _WORD
    )


def _triple_key(low: bytes, end: int) -> bool:
    found = _TRIPLE_KEY_END.match(low, end)
    return found is not None and not _opens_field(low, found.end() - 1)


def _opens_field(low: bytes, colon: int) -> bool:
    """Whether the colon at ``colon`` opens a docstring's field (``:param``):
    first on its line, a letter after it. Code puts no colon there."""
    return (
        colon + 1 < len(low)
        and low[colon + 1] in _LETTERS
        and not low[low.rfind(b"\n", 0, colon) + 1 : colon].strip()
    )


def _named(low: bytes, start: int, end: int, name: _Name) -> bool:
    """Whether a name found at ``start:end`` is in a place a name counts."""
    if name.decorator and b"@" in low[low.rfind(b"\n", 0, start) + 1 : start]:
        return True
    if not name.open_end and end < len(low) and low[end] in _WORD:
        return False  # another name, longer
    if name.open_start or start == 0 or low[start - 1] not in _WORD:
        after = _IDENT_RUN.match(low, end).end() if name.open_end else end  # type: ignore[union-attr]
        given = (_AS_NAME if name.parameter else _GIVEN).match(low, after)
        if given is not None and not _imported(low, start):
            mark = given.end() - 1
            if low[mark] in b",)":
                # a parameter, unless the list is surely a call's or a tuple's
                if not _listed_outside_def(low, start):
                    return True
            elif low[mark] != 0x3A or not (_opens_field(low, mark) or _in_field(low, start)):
                return True
        key = (_KEY_RUNS_ON if name.open_end else _KEY_END).match(low, end)
        if (
            key is not None
            and not _opens_field(low, key.end() - 1)
            and not (name.function and _plain_value(low, key.end()))
        ):
            return True
    if name.function:
        first = start
        while first > 0 and low[first - 1] in _NAME_BYTES:
            first -= 1
        # ``def _system``: one leading "_" is read past
        if name.open_start or first == start or (first == start - 1 and low[first] == 0x5F):
            i = first
            while i > 0 and low[i - 1] in _BLANK:
                i -= 1
            if low[max(0, i - 3) : i] == b"def" and (i < 4 or low[i - 4] not in _WORD):
                return True
    return False


def _imported(low: bytes, start: int) -> bool:
    """Whether the name at ``start`` is one an import statement lists
    (``from app import PROMPTFLOW_DIR, run``), which binds no value."""
    line_start = low.rfind(b"\n", 0, start) + 1
    if b";" in low[line_start:start]:
        return False  # another statement
    if _IMPORT_LINE.match(low, line_start, start):
        return True
    line_end = low.find(b"\n", start)
    if not _NAMES_LINE.fullmatch(low, line_start, line_end if line_end >= 0 else len(low)):
        return False
    for _line in range(_MAX_IMPORT_LINES):  # up through a parenthesised list of names
        if line_start == 0:
            return False
        end = line_start - 1
        line_start = low.rfind(b"\n", 0, end) + 1
        if _IMPORT_OPENS.fullmatch(low, line_start, end):
            return True
        if not _NAMES_LINE.fullmatch(low, line_start, end):
            return False
    return False


def _listed_outside_def(low: bytes, start: int) -> bool:
    """Whether the name at ``start``, followed by "," or ")", surely stands in
    a list that is no function's parameters: the bracket it is in opens a
    call's arguments, a tuple, a list. Quotes or comments on the way, or a
    long way, leave it unsure (False)."""
    depth = 0
    i = start
    floor = max(0, start - _MAX_LIST_BYTES)
    while i > floor:
        i -= 1
        c = low[i]
        if c in b")]}":
            depth += 1
        elif c in b"([{":
            if depth:
                depth -= 1
                continue
            if c != 0x28:  # "(": [ and { hold items, never parameters
                return True
            head = low[max(0, i - 200) : i].rstrip()
            return _DEF_HEAD.search(head) is None and not head.endswith(b"lambda")
        elif c in b"'\"#\\":
            return False
    return False


def _in_field(low: bytes, start: int) -> bool:
    """Whether the name at ``start`` follows a docstring field's opening
    (``:param str``), which no code does."""
    first = start
    while first > 0 and low[first - 1] in _NAME_BYTES:
        first -= 1
    return _FIELD.search(low, max(0, low.rfind(b"\n", 0, first) + 1), first) is not None


def _plain_value(low: bytes, at: int) -> bool:
    """Whether the value of a dict key at ``at`` is a whole literal no
    prompt-named key is read for: a dict, a list, a number, None, True or
    False, then the next key or the end of the dict."""
    found = _SCALAR.match(low, at)
    if found is not None:
        end = found.end()
    else:
        opened = _GAP_RE.match(low, at).end()  # type: ignore[union-attr]
        if opened >= len(low) or low[opened] not in b"{[":
            return False
        closed = _closing(low, opened)
        if closed is None:
            return False
        end = closed
    return _ITEM_END.match(low, end) is not None


def _closing(low: bytes, i: int) -> int | None:
    """Past the bracket matching the one at ``i``; None when strings or
    comments make it uncertain (triple quotes, a string running off its line)
    or it is far."""
    depth = 0
    n = min(len(low), i + _MAX_LITERAL)
    while i < n:
        c = low[i]
        if c in b"{[(":
            depth += 1
        elif c in b"}])":
            depth -= 1
            if depth == 0:
                return i + 1
        elif c in b"'\"":
            if low[i : i + 3] in _TRIPLES:
                return None
            i += 1
            while i < n and low[i] != c:
                if low[i] == 0x0A:
                    return None
                i += 2 if low[i] == 0x5C else 1
        elif c == 0x23:  # a comment
            i = low.find(b"\n", i)
            if i < 0:
                return None
        i += 1
    return None


def _called(
    data: bytes, start: int, end: int, callee: _Callee, seen: dict[_Keywords, bool]
) -> bool:
    """Whether a catalogued callee found at ``start:end`` is called there
    (``seen``: what this file's keyword searches found, by pattern)."""
    if data[start:end] != callee.name or not _whole(data, start, end):
        return False
    if not _CALLED.match(data, end):
        return False
    if not all(p in data for p in callee.before) or (
        callee.needs and not any(all(p in data for p in need) for need in callee.needs)
    ):
        return False
    if callee.keywords is None:
        return True
    given = seen.get(callee.keywords)
    if given is None:
        given = seen[callee.keywords] = callee.keywords.given(data)
    return given


def _other(data: bytes, start: int, end: int, what: bytes | None) -> bool:
    if what is None:
        return True  # a folding character
    # a superclass: ``class Ask(dspy.Signature):``
    return data[start:end] == _SIGNATURE and _SUPERCLASS_END.match(data, end) is not None


def _escaped(data: bytes) -> bool:
    """Whether an escape or a continuation may spell a word the bytes do not
    write: an escape of printable ASCII, white space or a folding character;
    a continuation in a word or at a quote."""
    if b"\\" not in data:
        return False
    for looks, m in enumerate(_ESCAPE.finditer(data)):
        if looks > _MAX_LOOKS:
            return True  # read it, rather than look
        body = m.group()[1:]
        if body[:1] in b"\r\n":
            before = data[m.start() - 1] if m.start() else 0
            after = data[m.end()] if m.end() < len(data) else 0
            if before in _NAME_BYTES or after in _NAME_BYTES or before in b"'\"" or after in b"'\"":
                return True
            continue
        try:
            if body[:1] in (b"x", b"u", b"U"):
                char = chr(int(body[1:], 16))
            elif body[:1] == b"N":
                import unicodedata

                char = unicodedata.lookup(body[2:-1].decode("ascii", "replace"))
            else:
                char = chr(int(body, 8))
        except (ValueError, KeyError, OverflowError):
            return True  # Python would not read it either: as good as unknown
        if " " <= char <= "~" or char.isspace() or char in FOLDING:
            return True
    return False


class Mentions:
    """Where a module the cues ruled out may meet a project's table: it calls
    or defines one of its wrappers, or defines one of its sinks (a function,
    an assignment's target) or sets one on an object (``coder.reply = ...``).
    A module that does none of these reads the same with the table, and
    counts among the definitions of none of its names."""

    def __init__(self, wrappers: Iterable[str], sinks: Iterable[str]) -> None:
        import ahocorasick_rs

        called = {n.encode("utf-8", "surrogatepass") for n in wrappers if n}
        sent = {n.encode("utf-8", "surrogatepass") for n in sinks if n}
        defined = sent | called
        self.called = frozenset(called)
        self.sent = frozenset(sent)
        self.words = sorted(defined)
        self.automaton = ahocorasick_rs.BytesAhoCorasick(self.words) if self.words else None

    def written_in(self, data: bytes, calls_only: bool = False) -> bool:
        """Whether ``data`` may call or define a wrapper, or define or set a
        sink; ``calls_only``: whether it may call a wrapper (all a module that
        teaches the table nothing is read again for)."""
        if self.automaton is None:
            return False
        if data[:2] in _WIDE_BOMS or data[:4] == b"\x00\x00\xfe\xff":
            return True  # not the bytes the names are looked for in
        found = self.automaton.find_matches_as_indexes(data, overlapping=True)
        if len(found) > _looks(data):
            return True
        for index, start, end in found:
            if not _whole(data, start, end):
                continue
            if not calls_only and (
                _after_def(data, start)
                or (
                    _DEFINED.match(data, end)
                    and (
                        _outside_functions(data, start)
                        or (self.words[index] in self.sent and _on_object(data, start))
                    )
                )
            ):
                return True
            if (
                self.words[index] in self.called
                and _CALLED.match(data, end)
                and not _after_def(data, start)  # ``def ask(``: no call
            ):
                return True
        return False


def _looks(data: bytes) -> int:
    """The words a file is looked at around before it is read instead."""
    return max(_MAX_LOOKS, len(data) // _BYTES_PER_LOOK)


def _on_object(data: bytes, start: int) -> bool:
    """Whether the name at ``start`` is an attribute (``coder.reply``): set
    on an object, anywhere, it is read with the project's table."""
    i = start
    while i > 0 and data[i - 1] in _BLANK:
        i -= 1
    return i > 0 and data[i - 1] == 0x2E  # "."


def _outside_functions(data: bytes, start: int) -> bool:
    """Whether a name assigned at ``start`` may be bound outside a function
    (in the module, in a class, as ``self.name``): what the table counts
    among a name's definitions. A local of a function is not. Said by
    indentation: the nearest block above that opens a function or a class;
    anything that may mislead that reading (triple quotes, tabs, a long way
    up) counts as outside."""
    line_start = data.rfind(b"\n", 0, start) + 1
    if _SELF_BEFORE.search(data, line_start, start):
        return True
    indent = _indent(data, line_start)
    if indent is None:
        return True
    before = data[line_start + indent : start]
    if before and not _TARGETS.fullmatch(before):
        # a keyword argument, an item, an operand: no binding; unless a
        # block or another statement opens the line (``if x: name = 1``)
        return b":" in before or b";" in before
    if indent == 0:
        return True
    if _OPENS_BRACKET.search(data, max(0, line_start - 256), line_start):
        return False  # inside brackets the line above opens: an argument
    for _line in range(_MAX_SCOPE_LINES):
        if line_start == 0:
            return True
        end = line_start - 1
        line_start = data.rfind(b"\n", 0, end) + 1
        line = data[line_start:end]
        if b'"""' in line or b"'''" in line or b"\t" in line:
            return True
        stripped = line.lstrip(b" ")
        if not stripped.strip() or stripped.startswith(b"#"):
            continue
        above = len(line) - len(stripped)
        if above >= indent:
            continue
        if _CLASS_OPENS.match(stripped):
            return True
        if _DEF_OPENS.match(stripped):
            return False
        indent = above
        if indent == 0:
            return True
    return True


def _indent(data: bytes, line_start: int) -> int | None:
    """The spaces a line opens with; None when a tab is among them."""
    i = line_start
    while i < len(data) and data[i] == 0x20:
        i += 1
    return None if i < len(data) and data[i] == 0x09 else i - line_start


def _after_def(data: bytes, start: int) -> bool:
    """Whether the name at ``start`` is a function's (``def name``)."""
    i = start
    while i > 0 and data[i - 1] in _BLANK:
        i -= 1
    return i < start and data[max(0, i - 3) : i] == b"def" and (i < 4 or data[i - 4] not in _WORD)


@lru_cache(maxsize=4)
def mentions_of(wrappers: frozenset[str], sinks: frozenset[str]) -> Mentions:
    return Mentions(wrappers, sinks)


@lru_cache(maxsize=8)
def cues_for(call_sites: tuple[str, ...], prompt_names: tuple[str, ...]) -> Cues:
    """The cues of a configuration (its ``call-sites`` and ``prompt-names``)."""
    return Cues(load_catalogue(), call_sites, prompt_names)
