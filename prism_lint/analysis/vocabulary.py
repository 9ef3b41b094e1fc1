"""The analysis vocabulary (``rules/vocabulary/*.toml``), compiled once.

Words live in data so that a missed occupation or a new language is a data
change. This module turns them into regular expressions and lookup tables
the first time the analysis runs and keeps them for the process.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from prism_lint.analysis.whole_text import WholeText, whole_text
from prism_lint.data import load_toml, rules_dir
from prism_lint.lazy_re import lazy
from prism_lint.model import UNSPACED

# Scripts written without spaces between words.
CJK = UNSPACED
# One word of a space-separated language: letters and digits, with inner
# hyphens, dots, slashes, apostrophes and a trailing ++ or # (c++, c#).
# The same for text without CJK characters (much faster to match).
WORD_PLAIN = re.compile(r"[^\W_]\w*(?:[-.'’/&+][^\W_]\w*)*(?:\+\+|#)?")
_LANGS_FIRST = ("en",)  # English cues are tried first; the rest in file order
GENERAL = "general"  # pseudo-category: the prompt takes any question


class LazyPattern:
    """A vocabulary pattern, compiled the first time it is used. Most runs
    need the cues of one or two languages; compiling every language's
    patterns up front cost more than reading the files. Once compiled, its
    methods are the compiled pattern's own."""

    __slots__ = ("_compiled", "finditer", "flags", "match", "search", "source")

    match: Callable[..., re.Match[str] | None]
    search: Callable[..., re.Match[str] | None]
    finditer: Callable[..., Iterator[re.Match[str]]]

    def __init__(self, source: str, flags: int = 0) -> None:
        self.source = source
        self.flags = flags
        self._compiled: re.Pattern[str] | None = None
        self.match = lambda *a: self.compiled.match(*a)
        self.search = lambda *a: self.compiled.search(*a)
        self.finditer = lambda *a: self.compiled.finditer(*a)

    @property
    def compiled(self) -> re.Pattern[str]:
        found = self._compiled
        if found is None:
            found = self._compiled = re.compile(self.source, self.flags)
            self.match, self.search, self.finditer = found.match, found.search, found.finditer
        return found

    @property
    def pattern(self) -> str:
        return self.source

    def __reduce__(self) -> tuple[type[LazyPattern], tuple[str, int]]:
        return LazyPattern, (self.source, self.flags)


_CJK_RANGES = tuple((CJK[i], CJK[i + 2]) for i in range(0, len(CJK), 3))
# A CJK character is no part of a word here (CJK text is matched against
# phrases of its own). In a text that holds one, words are read as in any
# other text once each CJK character is blanked: a character class over the
# CJK blocks costs Python's regular-expression compiler about 5 ms, in every
# process, where blanking a prompt costs microseconds.
BLANK = "\ue000"  # private use: neither a word character nor white space


@lru_cache(maxsize=1)
def _blank_table() -> dict[int, int]:
    table: dict[int, int] = {}
    for lo, hi in _CJK_RANGES:
        table.update(dict.fromkeys(range(ord(lo), ord(hi) + 1), ord(BLANK)))
    return table


@lru_cache(maxsize=32)
def blank_cjk(text: str) -> str:
    """``text`` with each CJK character replaced by :data:`BLANK`: every
    offset holds. Cached: one prompt is read word by word many times."""
    return text.translate(_blank_table())


def cjk_count(text: str) -> int:
    """How many CJK characters ``text`` holds."""
    return blank_cjk(text).count(BLANK) - text.count(BLANK) if has_cjk(text) else 0


class _CJKWords:
    """The word pattern for a text with CJK characters: :data:`WORD_PLAIN`
    over the text with them blanked. Matches read the blanked text, whose
    words are the original's (a blank is no word character)."""

    def search(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        return WORD_PLAIN.search(blank_cjk(string), pos, endpos)

    def fullmatch(
        self, string: str, pos: int = 0, endpos: int = sys.maxsize
    ) -> re.Match[str] | None:
        return WORD_PLAIN.fullmatch(blank_cjk(string), pos, endpos)

    def finditer(
        self, string: str, pos: int = 0, endpos: int = sys.maxsize
    ) -> Iterator[re.Match[str]]:
        return WORD_PLAIN.finditer(blank_cjk(string), pos, endpos)

    def findall(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> list[str]:
        return WORD_PLAIN.findall(blank_cjk(string), pos, endpos)


_WORDS_CJK = _CJKWords()


# Characters from U+3040 on, where every CJK block lies: one range, so the
# pattern compiles in about a millisecond, where one over the CJK blocks
# themselves takes several.
_HIGH = lazy("[^\x00-\u303f]")


@lru_cache(maxsize=256)
def has_cjk(text: str) -> bool:
    """Whether ``text`` holds a CJK character. Only the characters above
    U+3040 are looked at, and they are few (a placeholder, an emoji): the
    engine finds them, and Python compares only those with the CJK blocks.
    An ASCII text (most prompts) is known as one without reading it. Cached:
    the analysis asks it of the same prompt for every sentence."""
    if text.isascii():
        return False
    return any(lo <= c <= hi for c in set(_HIGH.findall(text)) for lo, hi in _CJK_RANGES)


def word_re(text: str) -> re.Pattern[str] | _CJKWords:
    """The word pattern for ``text``: a CJK character is no part of a word."""
    return _WORDS_CJK if has_cjk(text) else WORD_PLAIN


@dataclass
class Cue:
    """One way to match a task category: a word sequence and its weight."""

    words: tuple[str, ...]  # the last one may end in "*" (prefix)
    category: str
    weight: float
    text: str  # the cue as written in the vocabulary


@dataclass
class Language:
    """Persona vocabulary of one language, compiled."""

    code: str
    spaces: bool
    cues: LazyPattern | None  # named groups: assign, weak, third
    # First words the cues can start with (None: unknown, scan everything).
    cue_triggers: frozenset[str] | None
    start_triggers: frozenset[str] | None  # same for clause and claims
    after_triggers: frozenset[str] | None  # same for cues after the identity
    after: LazyPattern | None  # cues that follow the identity (tr, ja, ko)
    clause: LazyPattern | None
    claims: LazyPattern | None
    continues: LazyPattern | None
    continues_not: LazyPattern | None
    lead_in: LazyPattern | None
    mention_before: frozenset[str]
    determiners: frozenset[str]
    stops: frozenset[str]
    expert_words: frozenset[str]
    # qualities with no field: "a knowledgeable assistant" is still the
    # assistant; "a knowledgeable historian" is the historian
    generalist_words: frozenset[str]
    role_nouns: frozenset[str]
    machine_nouns: frozenset[str]
    transparent: frozenset[str]
    component_nouns: frozenset[str]
    # the last word of a title that names a document, not a role
    document_nouns: frozenset[str]
    occupations: dict[str, str]  # word -> task category ("" = none)
    task_verbs: frozenset[str]  # verbs that state the job ("create", "debug")
    # how an occupation sits in a compound word: "suffix" (German
    # "Softwareentwickler"), "prefix" (Turkish, Russian endings), or ""
    compounds: str = ""
    # every cue fragment and key as written, for the first-pass literals
    fragments: tuple[str, ...] = ()
    # for languages without spaces: all nouns, longest first
    nouns_by_length: list[str] = field(default_factory=list)
    # leading letters of the words continues, continues_not and claims can
    # start with (None: unknown, try them everywhere)
    continue_leads: frozenset[str] | None = None
    # subjects that make a weak cue the speaker's ("I ... work as"), and the
    # words by which such a clause still addresses the model
    speakers: frozenset[str] = frozenset()
    addressees: frozenset[str] = frozenset()


@dataclass
class TaskLexicon:
    """Task cues of every language, indexed for a single pass over the words."""

    exact: dict[str, list[Cue]]  # first word -> cues starting with it
    singles: dict[str, list[Cue]]  # one-word cues
    pairs: dict[tuple[str, str], list[Cue]]  # first two words -> longer cues, longest first
    starred: dict[str, list[Cue]]  # first word -> longer cues whose second word ends in "*"
    prefixes: dict[str, list[Cue]]  # one-word prefix cues ("debug*")
    prefix_lengths: tuple[int, ...]
    cjk: LazyPattern | None  # substring cues of languages without spaces
    cjk_cues: dict[str, list[Cue]]
    general: dict[str, float]  # open-ended cues (phrases) -> weight
    categories: tuple[str, ...]
    # (pattern, category, weight, first words or None)
    patterns: list[tuple[LazyPattern, str, float, frozenset[str] | WholeText | None]] = field(
        default_factory=list
    )
    # first word -> the indexes in ``patterns`` of those it starts: one
    # lookup per word of a prompt finds where each pattern is tried
    pattern_index: dict[str, tuple[int, ...]] = field(default_factory=dict)
    # call-site context: source ("names", "holes", "tools", "response_format")
    # -> name part -> (category, weight)
    context: dict[str, dict[str, tuple[str, float]]] = field(default_factory=dict)
    cache: dict[str, list[Cue]] = field(default_factory=dict)
    # words that start a longer cue (pairs and starred), and per word seen:
    # (starts a longer cue, its one-word cues, is a compound): most words of
    # a prompt are no cue at all, and one lookup says so
    firsts: frozenset[str] = frozenset()
    plans: dict[str, tuple[bool, list[Cue], bool]] = field(default_factory=dict)
    # a word problem's quantities written as words ("three", "twice"), and
    # the questions that ask for a quantity, of every language
    number_words: frozenset[str] = frozenset()
    asks_quantity: list[LazyPattern] = field(default_factory=list)
    # text -> its cue and pattern hits, and how many are cues (task.cue_hits)
    hits: dict[str, tuple[tuple[tuple[str, float, int, int], ...], int]] = field(
        default_factory=dict
    )


@dataclass
class Vocabulary:
    """Every language's persona vocabulary and the task lexicon, indexed for lookups."""

    languages: list[Language]
    by_code: dict[str, Language]
    tasks: TaskLexicon
    occupations: dict[str, str]  # every language merged
    # word -> languages whose cues can start with it (English first)
    cue_index: dict[str, tuple[Language, ...]] = field(default_factory=dict)
    after_index: dict[str, tuple[Language, ...]] = field(default_factory=dict)
    start_index: dict[str, tuple[Language, ...]] = field(default_factory=dict)
    # languages whose cues cannot be indexed by a first word
    unindexed_cues: tuple[Language, ...] = ()
    unindexed_after: tuple[Language, ...] = ()
    unindexed_starts: tuple[Language, ...] = ()
    role_keys: LazyPattern | None = None  # every language's "Role:" keys
    # a line start, its markup and the first word of a key, in lower-cased text
    # after a "\n": the lines where a key can be (a cheap first look)
    role_key_lines: LazyPattern | None = None
    role_key_language: dict[str, Language] = field(default_factory=dict)


def vocabulary_dir() -> Path:
    """``rules/vocabulary`` in the installed wheel or in a checkout."""

    return rules_dir() / "vocabulary"


@cache
def _load(path: Path) -> dict[str, Any]:
    """A vocabulary file's table, read once per process: the first pass's
    expert words and the compiled vocabulary read the same files, and
    neither changes what it reads (a test holds them to that)."""
    return load_toml(f"vocabulary/{path.name}")


# A project's own words from its configuration (extra-experts, extra-roles,
# extra-task-words): (experts, roles, ((category, words), ...)).
Extras = tuple[tuple[str, ...], tuple[str, ...], tuple[tuple[str, tuple[str, ...]], ...]]
NO_EXTRAS: Extras = ((), (), ())

# Endings of an agent noun ("guardian", "pioneer") that make an identity no
# listed occupation names an expert's, in English; the first pass keeps a
# cue followed by one (prism_lint.analysis.cues).
AGENT_SUFFIXES = ("ist", "ian", "eer", "smith", "wright", "grapher", "ologist", "ician")
_current: list[Extras] = [NO_EXTRAS]


def use_extras(extras: Extras) -> None:
    """Analyse with the project's extra words from now on (one project is
    checked at a time per process; the engine sets this for each file)."""
    _current[0] = extras


def current_extras() -> Extras:
    return _current[0]


def vocabulary_for(extras: Extras) -> Vocabulary:
    """The vocabulary with a configuration's own words."""
    return _vocabulary(extras)


def vocabulary() -> Vocabulary:
    """Every vocabulary file compiled (once per process and set of extras)."""
    return _vocabulary(_current[0])


@lru_cache(maxsize=8)
def _vocabulary(extras: Extras) -> Vocabulary:
    # Built from the TOML data (read through rules/compiled.jsonl) in each
    # process: about 17 ms, and nothing but data is ever loaded.
    return _build(extras)


def _occupations(experts: tuple[str, ...]) -> dict[str, dict[str, str]]:
    """Each language's occupations, with the project's own expert words in English."""
    occupations_all = _load(vocabulary_dir() / "occupations.toml")
    if experts:
        en_occ = dict(occupations_all.get("en", {}))
        en_occ.update({w.lower(): "" for w in experts})
        occupations_all = {**occupations_all, "en": en_occ}
    return occupations_all


def _language_files() -> list[Path]:
    """One file per language, English first (the first pass's own table and
    the occupations are no language)."""
    files = sorted(p for p in vocabulary_dir().glob("*.toml") if p.name not in _NOT_LANGUAGES)
    files.sort(key=lambda p: (p.stem not in _LANGS_FIRST, p.stem))
    return files


_NOT_LANGUAGES = ("occupations.toml", "first_pass.toml")


def expert_words(extras: Extras) -> frozenset[str]:
    """The words that make a persona an expert's, as the first pass looks for
    them: each occupation's head noun ("data scientist": "scientist") and
    each language's expertise words. Read from the tables: a file with no
    persona cue is ruled out without compiling the vocabulary."""
    words: set[str] = set()
    for table in _occupations(extras[0]).values():
        # a multi-word occupation ends in its head noun ("data scientist")
        words.update(occupation.lower().replace("-", " ").split()[-1] for occupation in table)
    for path in _language_files():
        persona = _load(path).get("persona", {})
        words.update(w.lower() for w in persona.get("expert_words", []))
    return frozenset(words)


def _build(extras: Extras) -> Vocabulary:
    experts, roles, task_words = extras
    occupations_all = _occupations(experts)
    files = _language_files()
    merged_occ: dict[str, str] = {}
    for table in occupations_all.values():
        for k, v in table.items():
            merged_occ.setdefault(k.lower(), v)
    languages = []
    task_tables: list[tuple[bool, dict[str, Any], dict[str, Any]]] = []
    patterns: list[tuple[LazyPattern, str, float, frozenset[str] | WholeText | None]] = []
    role_key_lists: list[tuple[Language, list[str]]] = []
    context: dict[str, dict[str, tuple[str, float]]] = {}
    problem_words: list[str] = []
    asks_quantity: list[str] = []
    for path in files:
        data = _load(path)
        code = data.get("language", path.stem)
        spaces = bool(data.get("spaces", True))
        occ = {k.lower(): v for k, v in occupations_all.get(code, {}).items()}
        if spaces and code != "en":
            # English job titles are common inside other languages' prompts.
            for k, v in occupations_all.get("en", {}).items():
                occ.setdefault(k.lower(), v)
        persona_table = data.get("persona", {})
        if roles and code == "en":
            persona_table = {
                **persona_table,
                "role_nouns": [*persona_table.get("role_nouns", []), *(r.lower() for r in roles)],
            }
        if task_words and code == "en":
            task_table = {cat: dict(cues) for cat, cues in data.get("task", {}).items()}
            for category, words in task_words:
                task_table.setdefault(category, {}).update({w: 3.0 for w in words})
            data = {**data, "task": task_table}
        lang = _compile_language(code, spaces, persona_table, occ)
        languages.append(lang)
        role_key_lists.append((lang, persona_table.get("role_keys", [])))
        task_tables.append((spaces, data.get("task", {}), data.get("general", {})))
        patterns.extend(_compile_patterns(data.get("patterns", {}), spaces))
        problems = data.get("word_problem", {})
        problem_words.extend(str(w) for w in problems.get("number_words", []))
        asks_quantity.extend(str(p) for p in problems.get("asks_quantity", []))
        for source, table in data.get("context", {}).items():
            bucket = context.setdefault(source, {})
            for part, (category, weight) in table.items():
                bucket.setdefault(part.lower(), (str(category), float(weight)))
    tasks = _compile_tasks(task_tables)
    tasks.patterns = patterns
    tasks.pattern_index = _pattern_index(patterns)
    tasks.context = context
    tasks.number_words = frozenset(w.lower() for w in problem_words)
    tasks.asks_quantity = [LazyPattern(p, re.IGNORECASE) for p in asks_quantity]
    vocab = Vocabulary(languages, {lang.code: lang for lang in languages}, tasks, merged_occ)
    _index(vocab, role_key_lists)
    return vocab


def _index(vocab: Vocabulary, role_key_lists: list[tuple[Language, list[str]]]) -> None:
    """Index the cues by the word they start with, for a single pass over a text."""
    for attr, index_name, rest_name in (
        ("cue_triggers", "cue_index", "unindexed_cues"),
        ("after_triggers", "after_index", "unindexed_after"),
        ("start_triggers", "start_index", "unindexed_starts"),
    ):
        index: dict[str, list[Language]] = {}
        rest: list[Language] = []
        for lang in vocab.languages:
            pattern = {
                "cue_triggers": lang.cues,
                "after_triggers": lang.after,
                "start_triggers": lang.clause or lang.claims,
            }[attr]
            if pattern is None:
                continue
            triggers = getattr(lang, attr)
            if triggers is None:
                rest.append(lang)
                continue
            for word in triggers:
                index.setdefault(word, []).append(lang)
        setattr(vocab, index_name, {k: tuple(v) for k, v in index.items()})
        setattr(vocab, rest_name, tuple(rest))
    keys: list[str] = []
    for lang, items in role_key_lists:
        for key in items:
            vocab.role_key_language.setdefault(" ".join(key.lower().split()), lang)
            keys.append(key)
    if keys:
        # Markup before the key is read once: "[ws][markup ws]", never two
        # adjacent whitespace runs, which backtrack on every indented line.
        prefix = r"[^\S\n]*(?:[>#*\-]+[^\S\n]*)?(?:\*\*|__)?[\"']?"
        firsts = sorted({k.lower().split()[0] for k in keys}, key=lambda w: (-len(w), w))
        vocab.role_key_lines = LazyPattern(
            r"\n" + prefix + "(?:" + "|".join(re.escape(w) for w in firsts) + ")"
        )
        vocab.role_keys = LazyPattern(
            r"(?im)^"
            + prefix
            + "(?P<key>"
            + _alternation(keys, True)
            + r")[\"']?(?:\*\*|__)?[^\S\n]*(?:\*\*|__)?[:：=][^\S\n]*(?:\*\*|__)?[^\S\n]*[\"'“]?"
        )


def _fragment(text: str, spaces: bool) -> str:
    return text.replace(" ", r"\s+") if spaces else text


def _alternation(items: list[str], spaces: bool) -> str:
    return "|".join(f"(?:{_fragment(i, spaces)})" for i in sorted(items, key=len, reverse=True))


def _compile(items: list[str], spaces: bool, *, anchored: bool = False) -> LazyPattern | None:
    if not items:
        return None
    body = _alternation(items, spaces)
    if spaces:
        pattern = rf"(?:{body})(?![^\W_])" if anchored else rf"(?<![^\W_])(?:{body})(?![^\W_])"
    else:
        pattern = f"(?:{body})"
    return LazyPattern(pattern, re.IGNORECASE)


def _compile_language(code: str, spaces: bool, p: dict[str, Any], occ: dict[str, str]) -> Language:
    groups = []
    for name, key in (("assign", "assign"), ("weak", "assign_weak"), ("third", "third_person")):
        items = p.get(key, [])
        if items:
            groups.append(f"(?P<{name}>{_alternation(items, spaces)})")
    cues = None
    if groups:
        body = "|".join(groups)
        # a cue may end in an elided article ("en tant qu'expert")
        pattern = rf"(?<![^\W_])(?:{body})(?:(?<=['’])|(?![^\W_]))" if spaces else f"(?:{body})"
        cues = LazyPattern(pattern, re.IGNORECASE)
    lower = _lower_set
    expert_words = lower(p.get("expert_words", []))
    role_nouns = lower(p.get("role_nouns", []))
    cue_items = p.get("assign", []) + p.get("assign_weak", []) + p.get("third_person", [])
    lang = Language(
        code=code,
        spaces=spaces,
        cues=cues,
        cue_triggers=first_words(cue_items) if spaces else None,
        start_triggers=first_words(p.get("clause", []) + p.get("claims", [])) if spaces else None,
        after_triggers=first_words(p.get("assign_after", [])) if spaces else None,
        # a trailing \b asserts nothing about the first word
        continue_leads=leads(
            first_words(
                [
                    f.removesuffix("\\b")
                    for f in (
                        p.get("continues", []) + p.get("continues_not", []) + p.get("claims", [])
                    )
                ]
            )
        )
        if spaces
        else None,
        after=_compile(p.get("assign_after", []), spaces),
        clause=_compile(p.get("clause", []), spaces, anchored=True),
        claims=_compile(p.get("claims", []), spaces, anchored=True),
        continues=_compile(p.get("continues", []), spaces, anchored=True),
        continues_not=_compile(p.get("continues_not", []), spaces, anchored=True),
        lead_in=_compile(p.get("lead_in", []), spaces, anchored=True),
        mention_before=lower(p.get("mention_before", [])),
        determiners=lower(p.get("determiners", [])),
        stops=lower(p.get("stops", [])),
        expert_words=expert_words,
        generalist_words=lower(p.get("generalist_words", [])),
        role_nouns=role_nouns,
        machine_nouns=lower(p.get("machine_nouns", [])),
        transparent=lower(p.get("transparent", [])),
        component_nouns=lower(p.get("component_nouns", [])),
        document_nouns=lower(p.get("document_nouns", [])),
        occupations=occ,
        task_verbs=lower(p.get("task_verbs", [])),
        speakers=lower(p.get("speakers", [])),
        addressees=lower(p.get("addressees", [])),
        compounds=str(p.get("compounds", "")),
        fragments=tuple(
            cue_items
            + p.get("assign_after", [])
            + p.get("clause", [])
            + p.get("claims", [])
            + p.get("role_keys", [])
        ),
    )
    if not spaces:
        nouns = set(occ) | set(role_nouns) | set(expert_words)
        # ties by text, so that every run reads the same head noun
        lang.nouns_by_length = sorted(nouns, key=lambda n: (-len(n), n))
    return lang


def first_words(fragments: list[str]) -> frozenset[str] | None:
    """The words a set of cue fragments can start with, or ``None`` if unknown.

    Understands the small regular-expression subset the vocabulary uses:
    literals, ``(?:a|b)`` groups, ``[xy]`` classes and ``?``. Lets the
    analysis try its cues only where a word could start one.
    """
    out: set[str] = set()
    for fragment in fragments:
        strings = _expand(_first_part(fragment.lower()))
        if strings is None:
            return None
        for s in strings:
            word = s.split(" ")[0]
            if not word:
                return None
            out.add(word)
    return frozenset(out)


LEAD = re.compile(r"[^\W_]+")


def leads(words: frozenset[str] | None) -> frozenset[str] | None:
    """The leading run of letters and digits of each word ("you're" -> "you"):
    a pattern that starts with the word can only match where the text's own
    leading run is the same, whatever follows it."""
    if words is None:
        return None
    out = set()
    for w in words:
        m = LEAD.match(w)
        if m is None:
            return None
        out.add(m.group(0))
    return frozenset(out)


def literal_keys(fragment: str, common: frozenset[str]) -> set[str]:
    """Literal substrings one of which every match of ``fragment`` contains.

    The first word of each way the fragment can start, or its first two
    words when the first is a common one ("you are", not "you"). For a
    first pass over raw bytes, which cannot run the regular expressions.
    """
    low = fragment.lower()
    two = _first_part(low, 2)
    strings = _expand(two)
    if strings is None:
        strings = _expand(_first_part(low))
    if strings is None:
        runs = re.findall(r"[^\W\d_]{5,}", low)
        return {max(runs, key=len)} if runs else set()
    out = set()
    for s in strings:
        parts = s.split()
        if not parts:
            continue
        if parts[0] in common and len(parts) > 1:
            out.add(f"{parts[0]} {parts[1]}")
        elif parts[0] in common:
            runs = re.findall(r"[^\W\d_]{5,}", low)
            out.add(max(runs, key=len) if runs else parts[0])
        else:
            out.add(parts[0])
    return out


def _first_part(fragment: str, words: int = 1) -> str:
    """The fragment up to its first space (or ``words``-th) outside any group or class."""
    if words > 0 and not any(c in fragment for c in "\\[()"):  # plain words (most cues)
        at = -1
        for _ in range(words):
            at = fragment.find(" ", at + 1)
            if at < 0:
                return fragment
        return fragment[:at]
    depth = 0
    in_class = False
    for i, ch in enumerate(fragment):
        if in_class:
            in_class = ch != "]"
        elif ch == "\\":
            continue
        elif ch == "[":
            in_class = True
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == " " and depth == 0:
            words -= 1
            if words == 0:
                return fragment[:i]
    return fragment


def _expand(fragment: str, limit: int = 4000) -> set[str] | None:
    """Every string ``fragment`` matches (spaces kept), or ``None``."""
    results, pos = _expand_seq(fragment, 0, limit)
    return results if pos == len(fragment) else None


_SPECIAL = frozenset("|)([\\.*+{?")


def _expand_seq(f: str, i: int, limit: int) -> tuple[set[str] | None, int]:
    acc: set[str] | None = {""}
    while i < len(f) and f[i] not in "|)":
        item: set[str] | None
        if f.startswith("(?:", i):
            item, i = _expand_alt(f, i + 3, limit)
            if i >= len(f) or f[i] != ")":
                return None, len(f) + 1
            i += 1
        elif f.startswith(("(?=", "(?!", "(?<"), i):
            return None, len(f) + 1
        elif f[i] == "[":
            j = f.find("]", i)
            chars = f[i + 1 : j]
            if j < 0 or "-" in chars.strip("-") or "\\" in chars or chars.startswith("^"):
                return None, len(f) + 1
            item, i = set(chars), j + 1
        elif f[i] == "\\":
            if i + 1 < len(f) and f[i + 1] in ".+*?()[]{}|\\-":
                item, i = {f[i + 1]}, i + 2
            else:
                return None, len(f) + 1
        elif f[i] in ".*+{":
            return None, len(f) + 1
        else:
            # a run of plain characters at once, less a last one that "?" makes optional
            j = i
            while j < len(f) and f[j] not in _SPECIAL:
                j += 1
            if j < len(f) and f[j] == "?" and j - i > 1:
                j -= 1
            j = max(j, i + 1)
            item, i = {f[i:j]}, j
        if item is None:
            return None, len(f) + 1
        if i < len(f) and f[i] == "?":
            item = item | {""}
            i += 1
        if acc is None:
            return None, len(f) + 1
        acc = {a + b for a in acc for b in item}
        if len(acc) > limit:
            return None, len(f) + 1
    return acc, i


def _expand_alt(f: str, i: int, limit: int) -> tuple[set[str] | None, int]:
    out: set[str] = set()
    while True:
        seq, i = _expand_seq(f, i, limit)
        if seq is None:
            return None, len(f) + 1
        out |= seq
        if i < len(f) and f[i] == "|":
            i += 1
            continue
        return out, i


def _lower_set(items: list[str]) -> frozenset[str]:
    return frozenset(i.lower() for i in items)


def _compile_patterns(
    table: dict[str, Any], spaces: bool
) -> list[tuple[LazyPattern, str, float, frozenset[str] | WholeText | None]]:
    out = []
    for category, patterns in table.items():
        for pattern, weight in patterns.items():
            body = _fragment(pattern, spaces)
            # words are not spaced apart in Chinese or Japanese: a pattern
            # starts anywhere, as the vocabulary's plain cues do there
            source = rf"(?<![^\W_])(?:{body})" if spaces else f"(?:{body})"
            compiled = LazyPattern(source, re.IGNORECASE)
            words = first_words([pattern]) if spaces else None
            if words is None and spaces:
                words = _leading_words(pattern)
            triggers: frozenset[str] | WholeText | None = words
            if words is None:
                # no first word to try it at: looked for in the whole text
                chars = _needles(pattern) if spaces else None
                triggers = whole_text(source, re.IGNORECASE, chars, LazyPattern)
            out.append((compiled, category, float(weight), triggers))
    return out


def _pattern_index(
    patterns: list[tuple[LazyPattern, str, float, frozenset[str] | WholeText | None]],
) -> dict[str, tuple[int, ...]]:
    index: dict[str, list[int]] = {}
    for k, (_pattern, _category, _weight, triggers) in enumerate(patterns):
        if isinstance(triggers, frozenset):
            for word in triggers:
                index.setdefault(word, []).append(k)
    return {word: tuple(ks) for word, ks in index.items()}


def _leading_words(pattern: str) -> frozenset[str] | None:
    """The words a pattern written with explicit ``\\s+`` can start with:
    ``(?:write|draft)\\s+...`` starts with "write" or "draft". None when that
    cannot be read off the pattern (it is then searched in the whole text)."""
    body = pattern.removeprefix("\\b")
    if body.startswith("(?:"):
        depth, end = 0, -1
        for i, ch in enumerate(body):
            if ch == "(" and body[i - 1 : i] != "\\":
                depth += 1
            elif ch == ")" and body[i - 1 : i] != "\\":
                depth -= 1
                if depth == 0:
                    end = i
                    break
        if end < 0 or body[end + 1 : end + 2] in ("*", "{"):
            return None
        if body[end + 1 : end + 2] == "?":
            # an optional first group, "(?:the\\s+)?(?:total|final)\\s+...": the words
            # it starts with and those of what follows it
            inner = _leading_words(body[: end + 1])
            after = _leading_words(body[end + 2 :])
            return inner | after if inner is not None and after is not None else None
        alternatives, depth, start = [], 0, 3
        for i in range(3, end):
            ch = body[i]
            if ch == "(":
                depth += 1
            elif ch == ")":
                depth -= 1
            elif ch == "|" and depth == 0:
                alternatives.append(body[start:i])
                start = i + 1
        alternatives.append(body[start:end])
    else:
        alternatives = [body]
    out: set[str] = set()
    for alt in alternatives:
        m = re.match(r"[a-z]+", alt)
        if m is None:
            return None
        rest = alt[m.end() :]
        if rest.startswith("(?:\\x27|’)s"):
            out.update({m.group(0) + "'s", m.group(0) + "’s"})
        elif not rest.startswith(("\\s", "\\b")) and rest:
            forms = _word_forms(alt)
            if forms is None:
                return None
            out.update(forms)
        else:
            out.add(m.group(0))
    return frozenset(out)


_FORM_PART = re.compile(
    r"(?P<letter>[a-z])(?P<opt1>\?)?"
    r"|\[(?P<cls>[a-z]+)\](?P<opt2>\?)?"
    r"|\(\?:(?P<alts>[a-z]+(?:\|[a-z]+)*)\)(?P<opt3>\?)?"
)


def _word_forms(alt: str) -> set[str] | None:
    """The whole words a pattern's first word can be, when it is spelt with
    letter classes and optional endings: ``analy[sz]e``, ``questions?``,
    ``fix(?:es)?``. None when the word is not a finite set of spellings or
    does not end where a word ends."""
    forms = {""}
    pos = 0
    while pos < len(alt):
        m = _FORM_PART.match(alt, pos)
        if m is None:
            break
        if m.group("letter"):
            grown = {f + m.group("letter") for f in forms}
            optional = bool(m.group("opt1"))
        elif m.group("cls"):
            grown = {f + c for f in forms for c in m.group("cls")}
            optional = bool(m.group("opt2"))
        else:
            grown = {f + x for f in forms for x in m.group("alts").split("|")}
            optional = bool(m.group("opt3"))
        forms = grown | forms if optional else grown
        if len(forms) > 64:
            return None
        pos = m.end()
    rest = alt[pos:]
    if rest and not rest.startswith(("\\s", "\\b")):
        return None
    forms.discard("")
    return forms or None


def _needles(pattern: str) -> str | None:
    """For a pattern that starts with a symbol rather than a word: characters
    one of which the text must hold for it to match anywhere."""
    for lead, needles in (
        ("\\d", "0123456789"),
        ("[a-z]\\(", "("),
        ("\\\\", "\\"),
        ("\\$", "$"),
        ("\\|", "|"),
        ("[a-z]\\s*\\^", "^"),
        ("[a-z]\\s*[-+*]", "="),
    ):
        if pattern.startswith(lead):
            return needles
    return None


def _compile_tasks(tables: list[tuple[bool, dict[str, Any], dict[str, Any]]]) -> TaskLexicon:
    exact: dict[str, list[Cue]] = {}
    prefixes: dict[str, list[Cue]] = {}
    cjk_cues: dict[str, list[Cue]] = {}
    general: dict[str, float] = {}
    categories: list[str] = []
    for spaces, task, gen in tables:
        for category, cues in task.items():
            if category not in categories:
                categories.append(category)
            for text, weight in cues.items():
                if not spaces or has_cjk(text):
                    cjk_cues.setdefault(text.lower(), []).append(
                        Cue((text.lower(),), category, float(weight), text)
                    )
                    continue
                words = tuple(_cue_words(text))
                if not words:
                    continue
                cue = Cue(words, category, float(weight), text)
                if len(words) == 1 and words[0].endswith("*"):
                    prefixes.setdefault(words[0][:-1], []).append(cue)
                else:
                    exact.setdefault(words[0], []).append(cue)
        for text, weight in gen.items():
            general[" ".join(_cue_words(text))] = float(weight)
            words_ = tuple(_cue_words(text))
            if words_:
                exact.setdefault(words_[0], []).append(Cue(words_, GENERAL, float(weight), text))
    # several vocabularies list the same word ("python" in each language's
    # table): one cue per words and category, so a word seen once counts
    # once, at the weight of the first vocabulary to list it (English is
    # read first: a word it weighs low on purpose, such as "sources", keeps
    # that weight in English text)
    for table in (exact, prefixes):
        for key, cues_list in table.items():
            table[key] = _distinct(cues_list)
    for cues_list in exact.values():
        cues_list.sort(key=lambda c: len(c.words), reverse=True)
    cjk = None
    if cjk_cues:
        cjk = LazyPattern("|".join(re.escape(k) for k in sorted(cjk_cues, key=len, reverse=True)))
    singles: dict[str, list[Cue]] = {}
    pairs: dict[tuple[str, str], list[Cue]] = {}
    starred: dict[str, list[Cue]] = {}
    for first, cues_list in exact.items():
        for cue in cues_list:
            if len(cue.words) == 1:
                singles.setdefault(first, []).append(cue)
            elif cue.words[1].endswith("*"):
                starred.setdefault(first, []).append(cue)
            else:
                pairs.setdefault((first, cue.words[1]), []).append(cue)
    return TaskLexicon(
        exact,
        singles,
        pairs,
        starred,
        prefixes,
        tuple(sorted({len(k) for k in prefixes}, reverse=True)),
        cjk,
        cjk_cues,
        general,
        tuple(categories),
        firsts=frozenset({first for first, _second in pairs} | set(starred)),
    )


def _distinct(cues: list[Cue]) -> list[Cue]:
    """``cues`` with one per (words, category): the first listed."""
    first: dict[tuple[tuple[str, ...], str], Cue] = {}
    for cue in cues:
        first.setdefault((cue.words, cue.category), cue)
    return list(first.values())


def _cue_words(text: str) -> list[str]:
    """Split a cue as written into the words the matcher compares."""
    out = []
    for part in text.lower().split():
        star = part.endswith("*")
        core = part.rstrip("*")
        # one plain word (most cues) is a word as it is, as the pattern would say
        if (core.isalnum() and not has_cjk(core)) or word_re(core).fullmatch(core):
            out.append(core + ("*" if star else ""))
        else:
            # punctuation-only or oddly formed parts: keep the word pieces
            out.extend(w + ("*" if star else "") for w in word_re(core).findall(core))
    return out


@lru_cache(maxsize=16)
def words(text: str) -> tuple[tuple[str, int, int], ...]:
    """Lower-case words of ``text`` with their offsets.

    Cached: persona detection and task inference both read the same text.
    """
    pattern = word_re(text)
    low = text.lower()
    if len(low) != len(text):  # a few characters lower-case to two
        return tuple([(m[0].lower(), m.start(), m.end()) for m in pattern.finditer(text)])
    return tuple([(m[0], m.start(), m.end()) for m in pattern.finditer(low)])
