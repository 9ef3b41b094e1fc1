"""Persona cues in bytes: the phrases that start a persona, and expert words near them.

Two automata (Aho-Corasick, C speed) built from the vocabulary: the cues
("you are", "act as", "as a", "role", "eres", "你是", ...; data in
``rules/vocabulary/first_pass.toml``) and the expert words (occupations and
expertise words of the vocabulary files). The first pass over whole files
(:mod:`prism_lint.prefilter`) and the analysis of one prompt both ask here
whether a text can hold a persona at all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from prism_lint.analysis.vocabulary import AGENT_SUFFIXES, NO_EXTRAS, current_extras, expert_words
from prism_lint.data import load_toml

WORDS = 16  # words after an anchor in which the identity is looked for
_WORD = re.compile(rb"[a-z]+")
_WINDOW = WORDS * 14
_ESCAPE = re.compile(rb"\\[ntr]")
_AFTER_ESCAPE = re.compile(rb"\\(?:[abfnrtv]|x[0-9a-f]{2}|u[0-9a-f]{4}|u[0-9a-f]{8})\Z")


_WORD_HIT, _STEM_HIT, _WIDE_HIT = 0, 1, 2


@dataclass(frozen=True)
class _Vocab:
    """The cues, and the expert words of one set of configured extras."""

    extras: Any
    cues: Any  # DFA over anchors and direct cues, matched in the lower-cased bytes
    cue_text: tuple[bytes, ...]  # by pattern index
    cue_direct: tuple[bool, ...]
    after: frozenset[bytes]  # anchors that follow the identity
    whole: frozenset[bytes]  # anchors that do not run on into a longer word
    compounding: frozenset[bytes]  # anchors whose occupation may end a compound
    fields: dict[bytes, bytes]  # a framework's identity field -> the word marking the framework

    @property
    def experts(self) -> tuple[Any, tuple[int, ...]]:
        """The expert words' automaton, and the kind of each pattern
        (_WORD_HIT, _STEM_HIT or _WIDE_HIT), built when a cue is first found:
        they come from the whole analysis vocabulary, whose build a file
        with no cue never pays for."""
        return _experts(self.extras)


def vocab() -> _Vocab:
    """The shared vocabulary's cues and expert words. The first pass uses it
    as it is: a project's own expert words are looked for on their own."""
    return _vocab(NO_EXTRAS)


def _project_vocab() -> _Vocab:
    """With the expert words of the configuration being applied, which the
    analysis of a prompt must know (``extra-experts``)."""
    return _vocab(current_extras())


@lru_cache(maxsize=8)
def _vocab(extras: Any) -> _Vocab:
    return _Vocab(extras, *_cues())


@lru_cache(maxsize=1)
def _cues() -> tuple[
    Any,
    tuple[bytes, ...],
    tuple[bool, ...],
    frozenset[bytes],
    frozenset[bytes],
    frozenset[bytes],
    dict[bytes, bytes],
]:
    """The cue automaton, built once per process from the first pass's own
    small table: a file with no cue (most files) needs nothing more."""
    import ahocorasick_rs

    table = load_toml("vocabulary/first_pass.toml")
    cues = {a: False for a in _cased(table["anchors"])}
    cues.update((a, True) for a in _cased(table["direct"]))
    # The cues are sought through whole files: a DFA.
    return (
        ahocorasick_rs.BytesAhoCorasick(
            list(cues), implementation=ahocorasick_rs.Implementation.DFA
        ),
        tuple(cues),
        tuple(cues.values()),
        frozenset(a.encode() for a in table["after"]),
        frozenset(a.encode() for a in table["whole_words"]),
        frozenset(a.encode() for a in table["compounding"]),
        {a.encode(): marker.encode() for a, marker in table["fields"].items()},
    )


@lru_cache(maxsize=8)
def _experts(extras: Any) -> tuple[Any, tuple[int, ...]]:
    import ahocorasick_rs

    words = expert_words(extras)
    experts: dict[bytes, int] = {}
    for w in sorted(words):
        if not w.isascii():  # as lower-cased bytes hold it: "dÉveloppeur" too
            experts.update((c, _WIDE_HIT) for c in _cased([w]))
        elif len(w) > 2:
            experts[w.encode()] = _WORD_HIT
    for stem in load_toml("vocabulary/first_pass.toml")["expert_stems"]:
        experts[stem.encode()] = _STEM_HIT  # a stem wins over the same word
    # Only read in short windows, where a DFA's build (11 ms here) is not repaid.
    return (
        ahocorasick_rs.BytesAhoCorasick(
            list(experts), implementation=ahocorasick_rs.Implementation.ContiguousNFA
        ),
        tuple(experts.values()),
    )


def _cased(phrases: list[str]) -> tuple[bytes, ...]:
    """Each phrase as the lower-cased bytes will hold it. ``bytes.lower`` lowers
    ASCII only, so a phrase with accented letters also comes with them upper."""
    out: list[bytes] = []
    for phrase in phrases:
        low = phrase.lower()
        out.append(low.encode())
        if not low.isascii():  # bytes.lower() leaves these letters as written
            out.append("".join(c if c.isascii() else c.upper() for c in low).encode())
            out.append(low[:1].upper().encode() + low[1:].encode())
    return tuple(dict.fromkeys(out))


_LETTERS = frozenset(b"abcdefghijklmnopqrstuvwxyz")
_WORD_BYTES = _LETTERS | frozenset(b"0123456789_")

# An agent noun the vocabulary does not list ("You are the Test Guardian"):
# the analysis takes such an identity for an expert's, so the first pass
# keeps it.
_AGENT_WORD = re.compile(
    rb"(?<![a-z])[a-z]{3,}(?:" + b"|".join(s.encode() for s in AGENT_SUFFIXES) + rb")(?![a-z])"
)


def _expert_near(low: bytes, anchor: bytes, at: int, v: _Vocab) -> bool:
    """Whether one of the first few words beside the anchor is an expert word:
    an occupation or expertise word (plural too), a word starting with an
    expert stem, or a non-ASCII expert word anywhere in the window."""
    if anchor in v.after:
        window = low[max(0, at - _WINDOW) : at]
    else:
        window = low[at + len(anchor) : at + len(anchor) + _WINDOW]
    if b"\\" in window:  # "a\nsenior engineer" inside a string literal
        window = _ESCAPE.sub(b" ", window)
    experts, kinds = v.experts
    for index, start, end in experts.find_matches_as_indexes(window, overlapping=True):
        kind = kinds[index]
        if kind == _WIDE_HIT:
            return True
        if (
            start
            and window[start - 1] in _LETTERS
            and not (anchor in v.compounding and end - start >= 5)
        ):
            continue  # inside a word (German compounds end in theirs: "Grundschul*lehrer*")
        if kind == _WORD_HIT:
            rest = end
            while rest < len(window) and window[rest] == 0x73:  # plural "s"
                rest += 1
            if rest < len(window) and window[rest] in _LETTERS:
                continue  # "engineering" is not "engineer"
        if len(_WORD.findall(window, 0, start)) < WORDS:
            return True
    agent = _AGENT_WORD.search(window)
    return agent is not None and len(_WORD.findall(window, 0, agent.start())) < WORDS


_TITLE = re.compile(rb"#[ \t]")  # a Markdown heading's marker, as persona._HEADING reads it


def titled(low: bytes) -> bool:
    """Whether a heading may title a prompt with a role ("# Code Reviewer"),
    which a prompt of a whole file may be given with no other cue: an expert
    word in the first few words after a "# " (a heading's text, or a comment's
    in a format whose comments look alike). ``low``: the lower-cased bytes."""
    if b"#" not in low:
        return False
    v = vocab()
    return any(_expert_near(low, b"#", m.start(), v) for m in _TITLE.finditer(low))


def expert_cue(text: str) -> bool:
    """Whether a prompt's text has a persona cue with an expert word near it:
    without one it holds no expert persona (the first pass, less its last
    look with the detector)."""
    v = _project_vocab()
    low = text.lower().encode("utf-8", "surrogatepass")
    fielded = {a for a, marker in v.fields.items() if marker in low}
    for index, at, end in v.cues.find_matches_as_indexes(low, overlapping=True):
        if v.cue_direct[index]:
            return True
        anchor = v.cue_text[index]
        if _inside_word(low, anchor, at, end, v):
            continue
        if anchor in fielded or _expert_near(low, anchor, at, v):
            return True
    return False


def _inside_word(low: bytes, anchor: bytes, at: int, end: int, v: _Vocab) -> bool:
    """An anchor that is part of a longer word: "totals " is not "als ";
    for a whole-word anchor, "personal" is not "persona" nor "role_name"
    "role". "\\nYou are" still starts one."""
    if (
        anchor[:1].isalpha()
        and at > 0
        and low[at - 1 : at].isalpha()
        and not (_AFTER_ESCAPE.search(low, max(0, at - 10), at))
    ):
        return True
    return anchor in v.whole and end < len(low) and low[end] in _WORD_BYTES


def scan(data: bytes, low: bytes | None = None) -> tuple[bool, bool]:
    """(may hold an expert persona, holds any persona cue), in one pass.
    ``low``: ``data.lower()``, when the caller has it."""
    v = vocab()
    if low is None:
        low = data.lower()
    anchored = False
    looked: dict[int, int] = {}  # window start -> end already read by the detector
    marked: dict[bytes, bool] = {}  # a field's anchor -> whether its framework's word is here
    for index, at, end in v.cues.find_matches_as_indexes(low, overlapping=True):
        if v.cue_direct[index]:
            return True, True
        anchor = v.cue_text[index]
        if _inside_word(low, anchor, at, end, v):
            continue
        anchored = True
        if anchor in v.fields:
            # a framework's identity field ("You are {role}"): no cue in the
            # file, and its value may be written anywhere (``role=TITLE``,
            # ``Field(description=..., default="Data Scientist")``)
            found = marked.get(anchor)
            if found is None:
                found = marked[anchor] = v.fields[anchor] in low
            if found:
                return True, True
        if _expert_near(low, anchor, at, v) and _persona_in_window(data, at, looked):
            return True, True
    return False, anchored


_QUOTE = re.compile(r"""(?<![^\W\d_])['"`]|['"`](?![^\W\d_])""")
_QUOTE_AT_EOL = re.compile(r"""['"`](?=\n)""")
_ESCAPES = re.compile(r"\\(?:x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[ntr'\"\\])")
_SIMPLE = {"n": "\n", "t": "\t", "r": "\r", "'": "'", '"': '"', "\\": "\\"}
# A string's opening quote: one no letter stands before (a letter makes it an
# apostrophe, "don't"), or one after a string prefix standing alone (f'You are
# ...', rb"..."), where the prefix and the quote would read as one word.
_OPENING = re.compile(
    rb"""(?:^|(?<![A-Za-z]))['"`]|(?<![\w])(?:[rbuft]|r[bft]|[bft]r)['"]""",
    re.IGNORECASE,
)


def _unescape(m: re.Match[str]) -> str:
    body = m.group(0)[1:]
    if body in _SIMPLE:
        return _SIMPLE[body]
    try:
        return chr(int(body[1:], 16))
    except (ValueError, OverflowError):
        return " "


def _persona_in_window(data: bytes, at: int, looked: dict[int, int]) -> bool:
    """Second look, with the detector itself: the persona sentence around a
    cue, freed of the string-literal syntax around it. The window opens at
    the start of the line, or of the string literal the cue is in."""
    line = data.rfind(b"\n", max(0, at - 300), at) + 1 or max(0, at - 300)
    start = line
    for m in _OPENING.finditer(data, line, at):
        start = m.end()
    if looked.get(start, -1) >= at + 300:
        return False  # this cue's sentence was in a window already read
    end = _window_end(data, at)
    looked[start] = end
    window = data[start:end].decode("utf-8", "replace").replace("\r\n", "\n")
    window = window.replace("\r", "\n")  # as Python reads source lines
    # a quote ending a line goes without a trace: a space there would make
    # the line read as wrapped into the next (a string's end, or a quote
    # of its own text: "I`" then "You're an expert" on the next line)
    window = _QUOTE.sub(" ", _QUOTE_AT_EOL.sub("", _ESCAPES.sub(_unescape, window)))
    return _window_holds_persona(window, current_extras())


@lru_cache(maxsize=1024)
def _window_holds_persona(window: str, extras: Any) -> bool:
    """Remembered: the same prompt sentence turns up in file after file.
    ``extras``: the vocabulary the detector reads (the project's words)."""
    from prism_lint.analysis.persona import has_expert_persona  # 13 ms: only when a cue is near

    return has_expert_persona(window)


def _window_end(data: bytes, at: int) -> int:
    """Where the cue's sentence surely ends: at a blank line, unless all that
    comes before it is a heading or label with no sentence in it ("# Role",
    then the identity in the next paragraph); at most 500 bytes on."""
    limit = at + 500
    pos = at
    while True:
        end = data.find(b"\n\n", pos, limit)
        if end < 0:
            return limit
        if _SENTENCE_END.search(data, at, end):
            return end
        pos = end + 2
        while pos < limit and data[pos : pos + 1] in (b"\n", b"\r", b" ", b"\t"):
            pos += 1


_SENTENCE_END = re.compile(rb"[.!?]")


def sends_persona(text: str) -> bool:
    """Whether ``text`` holds a persona cue as the first pass reads files:
    an expert word near a cue, or a cue that starts a persona."""
    expert, anchored = scan(text.encode("utf-8", "surrogatepass"))
    return expert or anchored


def has_cue(text: str) -> bool:
    """Whether a prompt's text holds any persona cue at all (expert or not)."""
    low = text.lower().encode("utf-8", "surrogatepass")
    return bool(vocab().cues.find_matches_as_indexes(low))
