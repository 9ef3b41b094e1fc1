"""Find the identities a prompt assigns to the model, with exact spans.

A persona is found from a cue ("you are", "act as", "Role:", "As a ...,",
"Eres un ...", "你是...") followed (or, in Turkish and Japanese, preceded) by
an identity phrase. The phrase's head noun decides the kind: a professional
or skilled role is ``expert``; a tool, game, character or helper is
``role``. Mentions ("consult an expert", "if you are a developer") are not
personas. The span is the shortest sentence or clause that a fix can remove;
the passage adds the sentences that go on describing the persona, for the
length rule.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, replace
from functools import lru_cache
from operator import itemgetter
from typing import Any

from prism_lint.analysis.material import in_material, supplied_spans
from prism_lint.analysis.model import Persona
from prism_lint.analysis.sentences import (
    QUESTION_MARKS,
    STOPS,
    TITLES,
    Sentence,
    split_sentences,
)
from prism_lint.analysis.vocabulary import (
    AGENT_SUFFIXES,
    CJK,
    LEAD,
    WORD_PLAIN,
    Language,
    Vocabulary,
    blank_cjk,
    cjk_count,
    current_extras,
    has_cjk,
    literal_keys,
    vocabulary,
    word_re,
    words,
)
from prism_lint.analysis.whole_text import folded, may_hold
from prism_lint.lazy_re import lazy
from prism_lint.model import HOLE


# Tokens of an identity phrase: a dynamic part, a word, markup, a quote or
# other punctuation.
def _token_pattern(word: str) -> str:
    return (
        rf"(?P<hole>{HOLE}|\$?\{{\{{?[^{{}}\n]{{0,80}}\}}\}}?|\[[^\]\n]{{1,40}}\])"
        rf"|(?P<word>{word})"
        r"|(?P<mark>\*\*|__|[*_`~])"
        r"|(?P<quote>[\"“”«»„])"
        r"|(?P<nl>\n)"
        r"|(?P<punct>[^\s])"
    )


_TOKEN_PLAIN = re.compile(_token_pattern(WORD_PLAIN.pattern))
_AND_OR = frozenset({"and", "&", "or", "/"})
# "and"/"or" by language (English ones apply everywhere: titles are often English)
_CONJUNCTIONS = {
    "es": _AND_OR | {"y", "e", "o", "u"},
    "fr": _AND_OR | {"et", "ou"},
    "de": _AND_OR | {"und", "oder"},
    "pt": _AND_OR | {"e", "ou"},
    "it": _AND_OR | {"e", "ed", "o"},
    "ru": _AND_OR | {"и", "или"},
    "tr": _AND_OR | {"ve", "veya"},
}
_MARKUP = " \t*_#>`\"'“”«»-•·|"
_COMPARISON = re.compile(
    r"\s+(?:would|does|do|did|might|could|will|can)\b(?!\s+(?:you|i)\b)", re.IGNORECASE
)
_CLAUSE_TAIL = re.compile(r"(?:\s+(?:in|on|at|of|with|for)\s+[^,.;:!?\n]{1,60})?[ \t]*[,.;!?]")
_DESCRIBES = lazy(r"(?i)(?:(?:who|with|having|known)\b|speciali[sz])")
_INNER_AS = re.compile(r"[,;]\s*(?P<cue>as\s+(?:an?|the))\s+(?=\w)", re.IGNORECASE)
# A line under "# Persona" that states something ("This project uses
# Playwright") is no identity, whatever its last word.
_STATEMENT = re.compile(r"(?i)\b(?:uses|involves|concerns|focuses|is|are|has|have)\b")
_VIEWPOINTS = re.compile(r"(?i)\b(?:perspectives?|viewpoints?|points? of view|lens(?:es)?)\b")
_APPOSITIVE = lazy(r"^\s*(?:[,—–:]|\s-)\s*(?=(?:an?|the|one)\s)|^\s*\(\s*(?=\w)")
_EXPERTISE_AFTER = lazy(
    r"^\s*(?:,\s*)?(?:who\s+(?:is|are)\s+(?:an?\s+)?(?:expert|specialist|experienced|skilled|"
    r"highly)|(?:with|having)\s+(?:(?:deep|extensive|broad|strong|solid|vast|proven|"
    r"advanced|real|expert|in-depth)\s+)*(?:expertise|mastery|specialization)|"
    r"(?:with|having)\s+(?:over\s+|more\s+than\s+)?\d+\+?\s+years|"
    r"speciali[sz](?:ed|ing)\s+in|expert\s+in|skilled\s+in|proficient\s+in|"
    r"well[- ]versed|knowledgeable|who\s+speciali[sz]es)",
    re.IGNORECASE,
)
_WITH_EXPERTISE = lazy(
    r"^\s*(?:,\s*)?(?:with|having)\s+(?:(?:deep|extensive|broad|strong|solid|vast|proven|"
    r"advanced|real|in-depth)\s+)*(?:expertise|mastery)",
    re.IGNORECASE,
)
# Acronyms that would otherwise read as stop words ("University IT Consultant").
_ACRONYMS = frozenset({"IT", "US", "UK", "UN", "EU"})
# A name written with a leading dot (".NET", ".NET Core"), not a full stop.
# What may follow "As a <role>" before its comma: the role's own modifiers.
_AS_MODIFIER = lazy(
    r"\s+(?:with|in|at|of|for|from|on|who|having|specializing|specialising|specialized|"
    r"specialised|working|trained|experienced|skilled|focused|focusing|designed|to)\b"
    r"[^,.;:!?\n]{1,160}[,，、]\s*",
    re.IGNORECASE,
)
# After "As a <expert>,": the speaker's own wish ("I want", "we need": a user
# story, the user's identity), unless the prompt speaks as the model does
# its job ("I will evaluate each statement ...", with no "you" in it).
_FIRST_PERSON = re.compile(r"(?i)(?:i|we)\b")
_MODEL_VOICE = re.compile(
    r"(?i)(?:i|we)\s+(?:will|shall|am\s+to)\s+(?:carefully\s+|now\s+)?"
    r"(?:evaluate|assess|rate|score|grade|judge|classify)\b"
)
# ... and the rest of it neither addresses the model nor asks it anything
# ("As a nurse, I will evaluate the patient. What is a normal heart rate?"
# is the user speaking)
_ADDRESSED = re.compile(r"(?i)\byou(?:r|rs|rself)?\b|\?")
_DOTTED_NAME = re.compile(r"(?<![\w.])\.[A-Z][\w]*(?=[\s,;:/)]|$)")
_MODALS = frozenset(
    ["to", "can", "could", "will", "would", "should", "must", "may", "might", "shall"]
)
_COMMA_TASK = re.compile(
    r"[,;:—–]\s*(?:and\s+|so\s+|then\s+)?(?:(?:your|you|i|we|please|now|here|the|this|below|"
    r"today|let's)\b|(?P<verb>[a-z]+)\b)"
)
_AND_VERB = re.compile(r"(?:(?P<conj>and|&|then|to|und|y|et|e|и|ve)\s+)?(?P<verb>[^\W\d_]+)")
_CHAT_ROLES = frozenset(
    {"system", "user", "assistant", "developer", "tool", "function", "human", "ai", "model", "bot"}
)
_HEADING = re.compile(r"^[ \t]{0,3}#{1,3}[ \t]+(?P<text>[^\n]{2,80})$", re.MULTILINE)
# What may stand before a prompt's title: white space and HTML comments (a
# suppression comment ``<!-- prism: ignore[...] -->``, a licence header)
_BEFORE_TITLE = re.compile(r"\s*(?:<!--.*?-->\s*)*", re.DOTALL)
_ROLE_HEADING = re.compile(
    r"^[ \t]{0,3}#{1,6}[ \t]*(?:\*\*)?(?:role|persona|identity)(?:\*\*)?[ \t]*:?[ \t]*\n+"
    r"(?P<line>[^\n#]{3,120})",
    re.IGNORECASE | re.MULTILINE,
)


@dataclass
class _Identity:
    """What an identity phrase says."""

    kind: str  # "expert" or "role"
    head: str
    end: int  # offset just past the phrase
    recognised: bool  # its head is a known occupation or role


# Personas found, by vocabulary, text and titles: the same text comes back as
# each copy of a template, and as the prompt of several calls.
_FOUND: dict[tuple[object, str, bool], tuple[Persona, ...]] = {}
_MAX_FOUND = 1024


def find_personas(text: str, *, titles: bool = True) -> list[Persona]:
    """Every persona the text assigns, in order, with exact spans.

    ``titles``: also read a prompt titled with a role and nothing else ("#
    Frontend Architect") as a persona; only whole prompt files are written
    that way, and a title in a code string is as likely a section name.
    Worked out once a text; each call gets its own copies.
    """
    key = (current_extras(), text, titles)
    kept = _FOUND.get(key)
    if kept is None:
        kept = tuple(_find_personas(text, titles))
        while _FOUND and len(_FOUND) >= _MAX_FOUND:
            _FOUND.pop(next(iter(_FOUND)))  # the oldest
        _FOUND[key] = kept
    return [replace(p) for p in kept]


def _find_personas(text: str, titles: bool) -> list[Persona]:
    sentences = _sentences_of(text)
    if not sentences:
        return []
    found: dict[int, Persona] = {}  # sentence index -> persona
    for _claimed in _claims(text, sentences, found, titles):
        pass
    if found and supplied_spans(text):
        # a persona inside a transcript, an example or a document is the
        # material's, not the model's: not reported, never edited
        found = {i: p for i, p in found.items() if not in_material(text, p.start)}
    return _passages(text, sentences, found, vocabulary().languages)


def has_expert_persona(text: str) -> bool:
    """Whether the text assigns an expert persona: :func:`find_personas`
    read only as far as the first one (the first pass asks this)."""
    sentences = _sentences_of(text)
    found: dict[int, Persona] = {}
    return any(p.kind == "expert" for p in _claims(text, sentences, found, False))


def _sentences_of(text: str) -> tuple[Sentence, ...]:
    return split_sentences(text) if text.strip() else ()


def _claims(
    text: str, sentences: tuple[Sentence, ...], found: dict[int, Persona], titles: bool
) -> Iterator[Persona]:
    """Each persona as it is found, recorded in ``found`` by sentence: a
    sentence keeps the first persona claimed for it."""
    if not sentences:
        return
    vocab = vocabulary()
    starts = [s.start for s in sentences]
    cjk = has_cjk(text)
    tokens = words(text)
    present = frozenset(map(itemgetter(0), tokens))  # the text's distinct words

    def claim(idx: int, p: Persona | None) -> bool:
        if p is not None and idx >= 0 and idx not in found:
            found[idx] = p
            return True
        return False

    # cues before the identity ("you are", "act as"), tried where a word can start one
    for m, lang in _cue_matches(text, tokens, vocab, cjk, present):
        idx = bisect_right(starts, m.start()) - 1
        following = sentences[idx + 1] if idx + 1 < len(sentences) else None
        if (
            idx >= 0
            and idx not in found
            and m.start() < sentences[idx].end
            and claim(idx, _from_cue(text, sentences[idx], m, lang, following))
        ):
            if following is not None and found[idx].end > sentences[idx].end:
                found[idx + 1] = found[idx]  # the line it went on into is its own
            yield found[idx]
    # cues after the identity (Turkish, Japanese, Korean)
    for m, lang in _after_matches(text, tokens, vocab, cjk, present):
        idx = bisect_right(starts, m.start()) - 1
        if (
            idx >= 0
            and idx not in found
            and claim(idx, _from_after_cue(text, sentences[idx], m, lang))
        ):
            yield found[idx]
    # "Role: Senior Engineer"
    if vocab.role_keys is not None:
        for m in _role_key_matches(text, vocab):
            idx = bisect_right(starts, m.end()) - 1
            if idx >= 0 and idx not in found:
                key = " ".join(m.group("key").lower().split())
                lang = vocab.role_key_language.get(key, vocab.by_code["en"])
                if claim(idx, _from_role_key(text, sentences[idx], m, lang)):
                    yield found[idx]
    # "As a seasoned lawyer, ..." and "You specialize in ..." at a sentence start
    inner = _INNER_AS.search(text) is not None  # none in the text: none in a sentence
    everywhere = _unindexed_starts(text, vocab, cjk)
    for idx, sent in enumerate(sentences):
        if idx in found:
            continue
        first = _first_word(text, sent, tokens)
        for lang in (*vocab.start_index.get(first, ()), *everywhere):
            if not lang.spaces and not cjk:
                continue
            p = _from_sentence_start(text, sent, lang)
            if p is not None:
                found[idx] = p
                yield p
                break
        else:
            # "Review the diff, as a security expert."
            if inner and claim(idx, _from_inner_clause(text, sent, vocab.by_code["en"])):
                yield found[idx]

    if not found:
        p = _from_headings(text, vocab.by_code["en"], sentences, titles=titles)
        if p is not None:
            found[bisect_right(starts, p.start) - 1] = p
            yield p


def _role_key_matches(text: str, vocab: Vocabulary) -> list[re.Match[str]]:
    """``vocab.role_keys`` matches, tried only at the start of lines that
    begin with the first word of some key (the pattern anchors at a line
    start, and trying it at every position costs more than the lines)."""
    assert vocab.role_keys is not None and vocab.role_key_lines is not None
    low = text.lower()
    if len(low) != len(text):  # a character lower-cased to two: offsets differ
        return list(vocab.role_keys.finditer(text))
    out: list[re.Match[str]] = []
    for line in vocab.role_key_lines.finditer("\n" + low):
        m = vocab.role_keys.match(text, line.start())  # "\n" + text: one ahead
        if m is not None and (not out or m.start() >= out[-1].end()):
            out.append(m)
    return out


# -- the first pass -----------------------------------------------------------

# Words too common to tell a file apart on their own: the next word is kept.
# fmt: off
_COMMON_FIRST = frozenset({
    "you", "your", "i", "we", "the", "a", "an", "as", "being", "with", "having", "to", "be",
    "in", "en", "de", "el", "la", "le", "il", "lo", "o", "e", "y", "si", "te", "tu", "du",
    "sie", "ich", "je", "lei", "sei", "hai", "usted", "vous", "votre", "ton", "deine", "ihre",
    "sen", "siz", "der", "come", "como", "comme", "als", "age", "ты", "вы", "в", "у", "как",
})
# fmt: on


@lru_cache(maxsize=1)
def prefilter_cues() -> tuple[str, ...]:
    """Lower-case literals, at least one of which is in any text holding a
    persona this module can find: the cues of every language, the role keys,
    and the occupations (a prompt titled "# Frontend Architect")."""
    vocab = vocabulary()
    keys: set[str] = set()
    for lang in vocab.languages:
        for fragment in lang.fragments:
            keys |= literal_keys(fragment, _COMMON_FIRST)
    keys |= {o for o in vocab.occupations if len(o) >= 3}
    keys |= {w for lang in vocab.languages for w in lang.expert_words if len(w) >= 4}
    return tuple(sorted(k for k in keys if k.strip()))


def __getattr__(name: str) -> Any:
    if name == "PREFILTER_CUES":
        return prefilter_cues()
    raise AttributeError(name)


# -- cues --------------------------------------------------------------------


def _cue_matches(
    text: str,
    tokens: tuple[tuple[str, int, int], ...],
    vocab: Vocabulary,
    cjk: bool,
    present: frozenset[str],
) -> list[tuple[re.Match[str], Language]]:
    """Cue matches of every language, tried only at words that can start one
    (``present``: the text's distinct words; the few that can are picked out
    before the words are read in order)."""
    out: list[tuple[re.Match[str], Language]] = []
    last_end = -1
    starting = present & vocab.cue_index.keys()
    candidates = [t for t in tokens if t[0] in starting] if starting else []
    for word, start, _ in candidates:
        if start < last_end:
            continue
        for lang in vocab.cue_index.get(word, ()):
            assert lang.cues is not None
            m = lang.cues.match(text, start)
            if m is not None:
                out.append((m, lang))
                last_end = m.end()
                break
    for lang in vocab.unindexed_cues:
        if lang.cues is not None and (lang.spaces or cjk):
            out.extend((m, lang) for m in lang.cues.finditer(text))
    return out


def _after_matches(
    text: str,
    tokens: tuple[tuple[str, int, int], ...],
    vocab: Vocabulary,
    cjk: bool,
    present: frozenset[str],
) -> list[tuple[re.Match[str], Language]]:
    out: list[tuple[re.Match[str], Language]] = []
    # few words start one, and most texts hold none of them
    if not vocab.after_index.keys().isdisjoint(present):
        for word, start, _ in tokens:
            for lang in vocab.after_index.get(word, ()):
                assert lang.after is not None
                m = lang.after.match(text, start)
                if m is not None:
                    out.append((m, lang))
                    break
    for lang in vocab.unindexed_after:
        if lang.after is not None and (lang.spaces or cjk):
            out.extend((m, lang) for m in lang.after.finditer(text))
    return out


def _first_word(text: str, sent: Sentence, tokens: tuple[tuple[str, int, int], ...]) -> str:
    """The sentence's first word within its first 60 characters, lower-cased.

    Read off the text's words: no word runs into a sentence from before it
    (a sentence starts after white space, a line break, or a stop that no
    word holds), so the first word that starts in it is the one a search
    from its start finds. Only a word cut at the limit is searched for, as
    the search sees it cut.
    """
    limit = min(sent.end, sent.start + 60)
    k = bisect_left(tokens, sent.start, key=_START)
    if k == len(tokens) or tokens[k][1] >= limit:
        return ""
    _word, start, end = tokens[k]
    if end <= limit:
        # lowered alone, as the search's word is: a final sigma lowers by
        # what follows it, which the text's words were lowered with
        return text[start:end].lower()
    m = word_re(text).search(text, sent.start, limit)
    return m.group(0).lower() if m else ""


_START = itemgetter(1)


def _unindexed_starts(text: str, vocab: Vocabulary, cjk: bool) -> tuple[Language, ...]:
    """The languages whose sentence-start patterns no first word indexes
    (tried at every sentence), less those the text cannot hold a match of
    (see :func:`may_hold`: Turkish "yıllık deneyim" in an English prompt)
    and, in a text without CJK, those written without spaces."""
    langs = [lang for lang in vocab.unindexed_starts if lang.spaces or cjk]
    if not langs:
        return ()
    low = folded(text)
    return tuple(
        lang
        for lang in langs
        if any(
            may_hold(p.source, p.flags, text, low)
            for p in (lang.clause, lang.claims)
            if p is not None
        )
    )


def _from_cue(
    text: str, sent: Sentence, m: re.Match[str], lang: Language, following: Sentence | None = None
) -> Persona | None:
    """``following``: the next sentence, which the persona's phrase goes on
    into when the line it starts on breaks before its noun."""
    group = m.lastgroup or "assign"
    if _is_mention(text, sent, m.start(), lang):
        return None
    strict = m.group(0).strip().lower()
    ident = _identity(text, m.end(), sent.end, lang, strict=strict)
    if (
        ident is not None
        and not _names_a_noun(ident.head, lang)
        and following is not None
        and _line_goes_on(text, sent, following)
    ):
        joined = Sentence(sent.start, following.end, sent.block)
        wider = _identity(text, m.end(), joined.end, lang, strict=strict)
        if wider is not None and wider.end > sent.end and _names_a_noun(wider.head, lang):
            ident, sent = wider, joined
    if ident is None or (group == "weak" and not ident.recognised):
        return None
    if group == "weak" and _speaker_clause(text, sent, m.start(), lang):
        return None  # "I am 35 and work as a software engineer": the speaker's job
    if _COMPARISON.match(text, ident.end, sent.end):
        return None  # "answer like an expert would": a comparison, not an identity
    start = _span_start(text, sent, m.start(), lang)
    end = _span_end(text, sent, ident.end, lang)
    cue = _cue_name(m.group(0))
    return _persona(text, start, end, ident, cue, lang.code)


def _names_a_noun(head: str, lang: Language) -> bool:
    """Whether an identity phrase reached a known noun ("seasoned" did not)."""
    return any(_noun_of(w, lang) for w in head.lower().split())


def _line_goes_on(text: str, sent: Sentence, following: Sentence) -> bool:
    """Whether ``sent`` ends at a line break with no stop and ``following``
    starts the next line, no block of its own: a line broken mid-phrase,
    which sentence splitting took for two when the next line is capitalised."""
    gap = text[sent.end : following.start]
    return (
        not following.block
        and gap.count("\n") == 1
        and not gap.strip()
        and text[sent.end - 1] not in STOPS
    )


# where the clause a weak cue stands in may begin: a mark, a dash between
# spaces, or "please" and "then", which start an order to the model
_SPEAKER_BREAK = re.compile(r"[,;:()\n]|\s[-–—]\s|(?i:\bplease\b|\bthen\b)")


def _speaker_clause(text: str, sent: Sentence, at: int, lang: Language) -> bool:
    """Whether the clause a weak cue's verb stands in has the speaker for its
    subject (its first word one of the language's ``speakers``) and does not
    address the model: then the verb is the speaker's, not an order."""
    if not lang.speakers:
        return False
    start = sent.start
    for brk in _SPEAKER_BREAK.finditer(text, max(sent.start, at - 200), at):
        start = brk.end()
    words = [w.group(0).lower() for w in word_re(text).finditer(text, start, at)]
    return (
        bool(words)
        and re.split(r"['’]", words[0])[0] in lang.speakers
        and not any(w in lang.addressees for w in words)
    )


def _from_after_cue(text: str, sent: Sentence, m: re.Match[str], lang: Language) -> Persona | None:
    """Turkish "… olarak hareket et", Japanese "…として振る舞って": the identity comes first."""
    before = text[sent.start : m.start()]
    ident = _identity_before(before, lang)
    if ident is None:
        return None
    kind, head = ident
    start = _skip_markup(text, sent.start, sent.end)
    return _persona(
        text,
        start,
        sent.end,
        _Identity(kind, head, m.end(), True),
        _cue_name(m.group(0)),
        lang.code,
    )


def _from_role_key(text: str, sent: Sentence, m: re.Match[str], lang: Language) -> Persona | None:
    line_end = text.find("\n", m.end())
    if line_end < 0:
        line_end = len(text)
    ident = _identity(text, m.end(), line_end, lang, strict="role")
    if ident is None or not ident.recognised:
        return None
    value = text[m.end() : ident.end].strip(" \t\"'”*").lower()
    if value in _CHAT_ROLES or _states_a_job(text[m.end() : line_end], lang):
        return None
    start = _skip_markup(text, m.start(), line_end)
    if start > 0 and text[start - 1] in "\"'":
        start -= 1
    end = ident.end
    # take the rest of the value (a closing quote, a bracketed placeholder)
    rest = text[end:line_end]
    tail = re.match(r"[^,;\n]*?[\"”']|\s*\[[^\]\n]*\]", rest)
    end = end + tail.end() if tail else _trim_end(text, m.end(), line_end)
    return _persona(text, start, end, ident, "role key", lang.code)


def _states_a_job(value: str, lang: Language) -> bool:
    """ "Role: Generate professional Python docstrings" gives a job, not an
    identity: a task verb followed by a lower-case word ("Role: Research
    Assistant" is a title)."""
    words = re.findall(r"[^\W\d_][\w'-]*", value)
    return len(words) >= 2 and words[0].lower() in lang.task_verbs and words[1][:1].islower()


_ENDS_SENTENCE = re.compile(r"[.!]?\s*\Z")


def _from_sentence_start(text: str, sent: Sentence, lang: Language) -> Persona | None:
    """ "As a seasoned lawyer, ..." and expertise claims ("You specialize in ...")."""
    pos = _skip_markup(text, sent.start, sent.end)
    if lang.clause is not None:
        m = lang.clause.match(text, pos, sent.end)
        if m is not None:
            ident = _identity(text, m.end(), sent.end, lang, strict="as a")
            if ident is not None and ident.kind == "expert":
                after = text[ident.end : sent.end]
                # "As a senior engineer with 15 years of experience, write ..."
                if _ENDS_SENTENCE.match(after):
                    # "As an experienced Python developer." says the identity only
                    return _persona(text, pos, sent.end, ident, "as a", lang.code)
                comma = re.match(r"\s*[,，、]\s*", after) or _AS_MODIFIER.match(after)
                rest = after[comma.end() :] if comma else ""
                if comma and (
                    not _FIRST_PERSON.match(rest)
                    or (_MODEL_VOICE.match(rest) and not _ADDRESSED.search(text, sent.end))
                ):
                    end = ident.end + comma.end()
                    claim = lang.claims.match(text, end, sent.end) if lang.claims else None
                    if claim is not None:
                        # "As a data scientist, you excel at ...": the claim is
                        # the same persona; taking only the clause would leave it
                        p = _persona(text, pos, sent.end, ident, "as a", lang.code)
                        p.identity_end = claim.end()
                        return p
                    return _persona(text, pos, end, ident, "as a", lang.code)
    if lang.claims is not None:
        m = lang.claims.match(text, pos, sent.end)
        if m is not None:
            found = word_re(text).finditer(text, m.start(), sent.end)
            head = " ".join(w.group(0) for w in list(found)[:8])
            ident = _Identity("expert", head, sent.end, True)
            p = _persona(text, pos, sent.end, ident, "expertise claim", lang.code)
            # what the claim names ("... deep knowledge | of Drupal's API") may
            # be the project's stack: the identity is the claim itself
            p.identity_end = m.end()
            return p
    return None


def _from_inner_clause(text: str, sent: Sentence, lang: Language) -> Persona | None:
    """An expert clause set off by commas inside a sentence."""
    if (
        _VIEWPOINTS.search(text, sent.start, sent.end)
        or len(_INNER_AS.findall(text, sent.start, sent.end)) > 1
    ):
        return None  # "read it from several perspectives, as a lawyer, as an engineer"
    for m in _INNER_AS.finditer(text, sent.start, sent.end):
        ident = _identity(text, m.end(), sent.end, lang, strict="as a")
        if ident is None or ident.kind != "expert" or not ident.recognised:
            continue
        tail = _CLAUSE_TAIL.match(text[ident.end : sent.end])
        if tail is None and ident.end < sent.end:
            continue
        if tail is not None and re.search(
            r"(?i)\b(?:would|does|do|did|might|could|can)\W*$", tail.group(0)
        ):
            continue  # "as a developer in our team would": a comparison
        end = ident.end + (tail.end() if tail else 0)
        return _persona(text, m.start("cue"), end, ident, "as a", lang.code)
    return None


def _from_headings(
    text: str, lang: Language, sentences: tuple[Sentence, ...], *, titles: bool = True
) -> Persona | None:
    """A prompt titled with a role and nothing else ("# Frontend Architect")."""
    m = _ROLE_HEADING.search(text)
    if m is not None:
        line_start = m.start("line")
        ident = _identity(text, line_start, m.end("line"), lang, strict="role")
        if (
            ident is not None
            and ident.recognised
            and ident.kind == "expert"
            and not _STATEMENT.search(ident.head)
        ):
            start = _skip_markup(text, line_start, m.end("line"))
            return _persona(
                text, start, _trim_end(text, start, m.end("line")), ident, "role heading", lang.code
            )
    if not titles:
        return None
    m = _HEADING.match(text, _BEFORE_TITLE.match(text).end())  # type: ignore[union-attr]
    if m is None:
        return None
    start = m.start("text")
    line_end = m.end("text")
    ident = _identity(text, start, line_end, lang, strict="heading")
    if ident is None or ident.kind != "expert" or not ident.recognised:
        return None
    # the heading must be nothing but the role (an aside in brackets is fine)
    rest = text[ident.end : line_end].strip()
    if rest and not rest.startswith(("(", "[", "—", "–", "-", "|")):
        return None
    # a title that ends naming a document ("Data Analyst Guide") is no role
    words = ident.head.lower().split()
    if words and words[-1] in lang.document_nouns:
        return None
    if _names_a_tool(text, line_end, ident.head):
        return None
    return _persona(text, start, _trim_end(text, start, line_end), ident, "heading", lang.code)


def _names_a_tool(text: str, after: int, head: str) -> bool:
    """A one-word title the text goes on to use ("# Playwright ... Use
    Playwright to capture the site"): the name of a tool, not a role."""
    if not head or " " in head.strip():
        return False
    used = re.compile(
        rf"\b(?:[Uu]se|[Uu]sing|[Ww]ith|[Vv]ia|[Ii]nstall|[Rr]un|[Ll]aunch|[Oo]pen)\s+{re.escape(head.strip())}\b"
    )
    return used.search(text, after, after + 2000) is not None


# -- the identity phrase -----------------------------------------------------


def _identity(text: str, pos: int, limit: int, lang: Language, *, strict: str) -> _Identity | None:
    """Parse the identity phrase at ``pos`` (up to ``limit``)."""
    if not lang.spaces:
        return _identity_cjk(text, pos, limit, lang)
    toks: list[tuple[str, str, int, int]] = []  # (kind, lower text, start, end)
    quoted = False
    had_determiner = False
    seen_word = False
    head_seen = False
    end = pos
    # a CJK character is a punctuation token: blanked, and read back from the text
    for m in _TOKEN_PLAIN.finditer(blank_cjk(text) if has_cjk(text) else text, pos, limit):
        kind = m.lastgroup or "punct"
        tok = text[m.start() : m.end()]
        if kind == "mark":
            continue
        if kind == "nl":
            if seen_word and (
                head_seen
                or quoted
                or _labels_a_line(text, m.end())
                or not _noun_ahead(text, m.end(), limit, lang)
            ):
                break  # a hard wrap before the noun ("a seasoned\nPython developer") goes on
            continue
        if kind == "quote":
            if not seen_word and not quoted:
                quoted = True
                continue
            if quoted:
                end = m.end()
                break
            break
        if kind == "hole":
            toks.append(("hole", tok, m.start(), m.end()))
            end = m.end()
            seen_word = True
            continue
        if kind == "punct":
            if tok in "&/+" and seen_word:
                continue
            if (
                tok == ","
                and seen_word
                and not head_seen
                and not quoted
                and toks[-1][0] == "word"
                and _noun_ahead(text, m.end(), limit, lang, between=" \t,")
            ):
                continue  # "a smart, creative and meticulous researcher"
            if tok == "." and _DOTTED_NAME.match(text, m.start()):
                # ".NET developer": a name that starts with a dot is a word
                dotted = _DOTTED_NAME.match(text, m.start())
                assert dotted is not None
                toks.append(("word", dotted.group(0).lower(), m.start(), dotted.end()))
                seen_word = True
                end = dotted.end()
                continue
            if tok == "." and _titled_name(text, toks, m.start()):
                continue  # "Dr. Smith", "John F. Kowalski": the name goes on
            if tok in "'‘’":
                continue  # 'Vibecoder' Architect
            if quoted and tok not in ".!?:;":
                continue
            break
        if "." in tok:
            # "expert.create 10 ideas": a missing space after a full stop
            first_part = tok.split(".", 1)[0]
            low_first = first_part.lower()
            if _noun_of(low_first, lang) is not None or low_first in lang.expert_words:
                toks.append(("word", low_first, m.start(), m.start() + len(first_part)))
                end = m.start() + len(first_part)
                break
        if tok in _ACRONYMS:
            toks.append(("word", tok.lower(), m.start(), m.end()))
            seen_word = True
            end = m.end()
            continue
        low = tok.lower().replace("’", "'")
        if low.endswith("'s"):
            low = low[:-2]
        if not seen_word and not quoted and low in lang.determiners:
            had_determiner = True
            continue
        if not quoted:
            # a task's gerund after a person: the work starts ("an expert analyzing")
            person = low.endswith("ing") and _person(toks, lang)
            if low in lang.expert_words and not head_seen:
                pass  # "seasoned", "skilled in" at the start: part of the phrase
            elif (
                not head_seen
                and not any(t[0] == "hole" for t in toks)  # "a {role} named ..."
                and _attributive(text, m.end(), limit, low, lang)
            ):
                pass  # "a specially trained medical expert": before its noun
            elif (
                (low in lang.stops and low not in _conjunctions(lang))
                or (seen_word and low in lang.determiners)
                or ((head_seen or person) and _ends_phrase(text, m, low, limit, lang, person))
            ):
                break
            elif (
                head_seen
                and toks
                and toks[-1][1] in _conjunctions(lang)
                and tok[:1].islower()
                and _noun_of(low, lang) is None
                and _is_task_word(low)
                and not _noun_follows(text, m.end(), limit, lang)
            ):
                break  # "un experto y responde": a task verb after the conjunction
        toks.append(("word", low, m.start(), m.end()))
        seen_word = True
        end = m.end()
        if _noun_of(low, lang) is not None:
            head_seen = True
        if len(toks) >= 12:
            break
    conj = _conjunctions(lang)
    if toks and toks[-1][1] in conj:
        while toks and toks[-1][1] in conj:
            toks.pop()
        if toks:
            end = toks[-1][3]
    words_ = [t for t in toks if t[0] == "word"]
    if not toks:
        return None
    if not words_:
        # only a dynamic part: "You are a {role}.", unless what it is follows
        # as it does a name: "You are {name}, a specialist in {field}."
        # (not in a title, "# {project} — a senior engineer's toolkit", nor
        # in an apposition already)
        named = (
            None
            if strict in ("apposition", "heading")
            else _named_then_what(text, end, limit, lang)
        )
        return named or _Identity("role", toks[0][1], end, False)
    bare_you_are = strict.startswith(("you are", "you're", "you’re")) and not (
        quoted or had_determiner
    )
    if bare_you_are and not _may_start_identity(text, words_[0], lang, toks):
        return None
    return _classify(text, toks, end, limit, lang, nested=strict == "apposition")


def _conjunctions(lang: Language) -> frozenset[str]:
    return _CONJUNCTIONS.get(lang.code, _AND_OR)


def _person(toks: list[tuple[str, str, int, int]], lang: Language) -> bool:
    """Whether the phrase's last word names a person ("engineer", "expert"):
    a task's gerund after it is the work ("an expert analyzing CEOs"), not
    a compound ("a machine learning engineer")."""
    if not toks or toks[-1][0] != "word":
        return False
    last = toks[-1][1]
    return _noun_of(last, lang) == "occupation"  # "expert" and "professional" are too


def _ends_phrase(
    text: str, m: re.Match[str], low: str, limit: int, lang: Language, after_person: bool = False
) -> bool:
    """After the head noun, a verb ends the identity: "nutritionist and create
    a recipe", "coach guiding a person", "system specialized in ..."."""
    if _noun_of(low, lang) is not None or low in lang.expert_words:
        return False
    if (
        low in _task_verbs()
        and not m.group(0)[:1].isupper()
        and not _noun_ahead(text, m.end(), limit, lang, occupation=True)
    ):
        return True  # but "an expert research article reviewer" goes on
    if lang.code == "de" and m.group(0)[:1].islower():
        return True  # German nouns are capitalised: "Datenanalyst und analysiere"
    if (
        low.endswith("ing")
        and _gerund_of_task(low)
        and (after_person or not _noun_follows(text, m.end(), limit, lang))
        and not _expert_word_follows(text, m.end(), limit, lang)
    ):
        return True  # "developer building applications with ...": the work, not the role
    if low.endswith(("ing", "ed")):
        nxt = word_re(text).search(text, m.end(), limit)
        if nxt is None:
            return True
        word = nxt.group(0).lower()
        return word in lang.determiners or word in lang.stops
    return False


def _expert_word_follows(text: str, pos: int, limit: int, lang: Language) -> bool:
    nxt = word_re(text).search(text, pos, limit)
    return bool(nxt and nxt.group(0).lower() in lang.expert_words)


def _gerund_of_task(low: str) -> bool:
    """ "building", "writing", "planning": the -ing form of a task verb."""
    stem = low[:-3]
    verbs = _task_verbs()
    return len(stem) > 2 and (
        stem in verbs or stem + "e" in verbs or (stem[-1] == stem[-2] and stem[:-1] in verbs)
    )


def _task_verbs() -> frozenset[str]:
    return vocabulary().by_code["en"].task_verbs


# words of a noun phrase an attributive participle may stand before the noun
# in ("a trained medical expert"); beyond that it ends the phrase
_ATTRIBUTIVE_REACH = 3


def _attributive(text: str, pos: int, limit: int, low: str, lang: Language) -> bool:
    """Whether a participle the phrase would stop at ("trained",
    "designed", "dedicated") stands before the noun it qualifies, as in "a
    specially trained medical expert", rather than after one, as in "a model
    trained on ...": a known noun follows within a few words, with no word
    between that ends a phrase ("a trained code reviewer": a task word may
    be one of them)."""
    if not (low.endswith("ed") or low == "built") or low not in lang.stops:
        return False
    return _noun_ahead(text, pos, limit, lang, verbs_end=False)


def _labels_a_line(text: str, start: int) -> bool:
    """Whether the line at ``start`` opens with a label ("Patient: what is
    ...", "Student asks: ..."): a colon before its first stop. Such a line
    is a speaker's or a field's, not the rest of a wrapped phrase."""
    end = text.find("\n", start)
    line = text[start : end if end >= 0 else len(text)]
    colon = line.find(":")
    if colon < 0:
        return False
    stops = [i for i in (line.find("."), line.find("!"), line.find("?")) if i >= 0]
    return not stops or colon < min(stops)


def _noun_ahead(
    text: str,
    pos: int,
    limit: int,
    lang: Language,
    *,
    between: str = " \t",
    occupation: bool = False,
    verbs_end: bool = True,
) -> bool:
    """Whether the phrase left without its noun at ``pos`` goes on to one: a
    known noun (an occupation, when ``occupation``) comes within a few words,
    none of them a stop (nor a task verb, when ``verbs_end``), with nothing
    but ``between`` before each (a line broken in "a world-class" / "Python
    developer", a list of qualities in "a smart, creative and meticulous
    researcher"). Expertise words and conjunctions go on as the phrase
    itself does ("a trained and experienced tax accountant")."""
    pattern = word_re(text)
    reach = _ATTRIBUTIVE_REACH
    for _ in range(2 * _ATTRIBUTIVE_REACH):
        nxt = pattern.search(text, pos, limit)
        if nxt is None or text[pos : nxt.start()].strip(between):
            return False  # a blank line, a bullet or a mark first
        word = nxt.group(0).lower()
        noun = _noun_of(word, lang)
        if noun is not None:
            return noun == "occupation" or not occupation
        pos = nxt.end()
        if word in _conjunctions(lang) or word in lang.expert_words:
            continue  # "and", "experienced": the phrase goes on
        if word in lang.stops or word in lang.determiners or (verbs_end and word in _task_verbs()):
            return False
        reach -= 1
        if reach == 0:
            return False
    return False


def _noun_follows(text: str, pos: int, limit: int, lang: Language) -> bool:
    nxt = word_re(text).search(text, pos, limit)
    return bool(
        nxt
        and text[pos : nxt.start()].strip() == ""
        and _noun_of(nxt.group(0).lower(), lang) is not None
    )


def _is_task_word(low: str) -> bool:
    """A word the task vocabulary knows (in any language): "responde", "analysiere"."""
    tasks = vocabulary().tasks
    return low in tasks.exact or any(low[:k] in tasks.prefixes for k in tasks.prefix_lengths)


def _may_start_identity(
    text: str, tok: tuple[str, str, int, int], lang: Language, toks: list[tuple[str, str, int, int]]
) -> bool:
    """After a bare "you are", only an expertise word, a known noun or a name
    may follow ("You are about to ..." is no persona)."""
    low = tok[1]
    if low in lang.expert_words or _noun_of(low, lang) is not None:
        return True
    if _noun_ahead(text, tok[2], len(text), lang, occupation=True):
        return True  # with no article: "You are software engineer"
    original = text[tok[2] : tok[3]]
    return original[:1].isupper() and low not in lang.stops and len(toks) <= 4


def _noun_of(low: str, lang: Language) -> str | None:
    """ "occupation", "role" or ``None`` for one lower-case word."""
    if low in lang.role_nouns:
        return "role"
    if low in lang.occupations:
        return "occupation"
    if lang.compounds == "suffix" and len(low) > 6:
        for occ in lang.occupations:
            if len(occ) >= 5 and low.endswith(occ):
                return "occupation"
    if lang.compounds == "prefix" and len(low) > 4:
        for occ in lang.occupations:
            if len(occ) >= 4 and low.startswith(occ):
                return "occupation"
    return None


def _classify(
    text: str,
    toks: list[tuple[str, str, int, int]],
    end: int,
    limit: int,
    lang: Language,
    *,
    nested: bool = False,
) -> _Identity:
    """``nested``: the phrase is itself an apposition, which is not read
    for one of its own (a chain of them in a stranger's text would recurse
    as deep as it goes)."""
    words_ = [t[1] for t in toks if t[0] == "word"]
    phrase = text[toks[0][2] : toks[-1][3]]
    after = text[end:limit]
    # "Strategy Consultant and Game Theorist": each conjunct names a role
    conjuncts: list[list[str]] = [[]]
    for w in words_:
        if w in _conjunctions(lang):
            conjuncts.append([])
        else:
            conjuncts[-1].append(w)
    kinds = [_kind_of(c, after, lang) for c in conjuncts if c]
    if any(k == "expert" for k, _ in kinds):
        return _Identity("expert", phrase, end, any(r for k, r in kinds if k == "expert"))
    recognised = any(r for _, r in kinds)
    if not recognised:
        # a name or title, then what it is: "Lyra, a master-level prompt
        # specialist", "SciSim-Pro (Scientific Simulation Specialist)"
        named = None if nested else _named_then_what(text, end, limit, lang)
        if named is not None:
            return named
    elif not nested:
        # "a Graphviz DOT generator, an expert in diagrams"
        found = _apposition(text, end, limit, lang)
        if found is not None and found[0].startswith((",", "—", "–")):
            inner = found[1]
            if inner.kind == "expert":
                return _Identity("expert", inner.head, inner.end, True)
    return _Identity("role", phrase, end, recognised)


def _titled_name(text: str, toks: list[tuple[str, str, int, int]], dot: int) -> bool:
    """Whether the full stop at ``dot`` ends a title or an initial of a name
    ("Dr. Smith", "John F. Kowalski"), a capitalised word right after it."""
    if not toks or toks[-1][0] != "word" or toks[-1][3] != dot:
        return False
    word = text[toks[-1][2] : dot]
    initial = len(word) == 1 and word.isupper()
    return (initial or word.lower() in TITLES) and _NAME_AFTER.match(text, dot + 1) is not None


_NAME_AFTER = re.compile(r"[ \t]+[A-Z]")


def _apposition(text: str, end: int, limit: int, lang: Language) -> tuple[str, _Identity] | None:
    """The recognised identity said in apposition after a phrase ending at
    ``end`` ("Lyra, a prompt specialist"), and the mark that opens it."""
    m = _APPOSITIVE.match(text[end:limit])  # anchored at the slice's start
    if m is None:
        return None
    inner = _identity(text, end + m.end(), limit, lang, strict="apposition")
    if inner is None or not inner.recognised:
        return None
    return m.group(0).strip(), inner


def _named_then_what(text: str, end: int, limit: int, lang: Language) -> _Identity | None:
    """What a name ending at ``end`` is said to be: its apposition."""
    found = _apposition(text, end, limit, lang)
    if found is None:
        return None
    inner = found[1]
    return _Identity(inner.kind, inner.head, inner.end, True)


def _kind_of(words_: list[str], after: str, lang: Language) -> tuple[str, bool]:
    """(kind, recognised) of one conjunct of an identity phrase."""
    head_i = -1
    head_kind = ""
    head_word = ""
    i = 0
    # (index of the noun's last word, of its first, kind, noun)
    nouns: list[tuple[int, int, str, str]] = []
    while i < len(words_):
        pair = f"{words_[i]} {words_[i + 1]}" if i + 1 < len(words_) else ""
        if pair and (pair in lang.role_nouns or pair in lang.occupations):
            nouns.append((i + 1, i, "role" if pair in lang.role_nouns else "occupation", pair))
            i += 2
            continue
        k = _noun_of(words_[i], lang)
        if k is not None:
            nouns.append((i, i, k, words_[i]))
        i += 1
    if nouns:
        head_i, first, head_kind, head_word = nouns[-1]
        # "a Senior Data Analyst AI", "a data analyst language model", "a
        # Python developer AI agent", "an evaluator scoring LLM outputs": the
        # occupation before the agent words names it; not one that only
        # qualifies another noun ("a Hacker News briefing agent")
        at = len(nouns) - 1
        while head_kind == "role" and nouns[at][3] in lang.transparent and at > 0:
            j, j_first, kind, w = nouns[at - 1]
            if j != first - 1 and not words_[j + 1].endswith("ing"):
                break
            if kind == "occupation":
                head_i, head_kind, head_word = j, kind, w
                break
            if w not in lang.transparent:
                break
            at, first = at - 1, j_first
    marks = {w for j, w in enumerate(words_) if j != head_i and w in lang.expert_words}
    if (
        head_kind == "occupation"
        and head_word in lang.component_nouns
        and head_i == 0
        and not marks
        and not _EXPERTISE_AFTER.match(after)
    ):
        return "role", True  # "the Planner", "the Coordinator for the team": no field
    if head_kind == "role" and marks <= lang.generalist_words:
        marks = set()
    expert_mark = bool(marks)
    if head_i < 0:
        if expert_mark or any(w in lang.expert_words for w in words_):
            return "expert", True
        last = words_[-1]
        if _EXPERTISE_AFTER.match(after):
            return "expert", False
        if lang.code == "en" and last.endswith(AGENT_SUFFIXES) and len(last) > 5:
            return "expert", False
        return "role", False
    if head_kind == "occupation" or expert_mark or _WITH_EXPERTISE.match(after):
        return "expert", True
    if head_word not in lang.machine_nouns and _EXPERTISE_AFTER.match(after):
        return "expert", True
    return "role", True


def _identity_cjk(text: str, pos: int, limit: int, lang: Language) -> _Identity | None:
    """Identity phrase in a language written without spaces."""
    seg_end = limit
    for stop in lang.stops:  # the first stop word ends the phrase, whichever it is
        k = text.find(stop, pos, limit)
        if 0 <= k < seg_end:
            seg_end = k
    # also stop at the first sentence punctuation of any script
    m = re.compile(r"[，。！？；：,.!?;:\n、]").search(text, pos, seg_end)
    if m is not None:
        seg_end = m.start()
    phrase = text[pos:seg_end].strip()
    if not phrase or len(phrase) > 40:
        return None
    kind, head = _classify_cjk(phrase, lang)
    if kind is None:
        return None
    return _Identity(kind, head, seg_end, True)


def _classify_cjk(phrase: str, lang: Language) -> tuple[str | None, str]:
    low = phrase.lower()
    head = ""
    head_pos = -1
    for noun in lang.nouns_by_length:
        k = low.rfind(noun.lower())
        if k >= 0 and k + len(noun) > head_pos + len(head):
            head, head_pos = noun, k
    expert = any(w.lower() in low for w in lang.expert_words)
    if not head:
        # an English title inside a CJK sentence ("扮演 Senior Engineer")
        en = vocabulary().by_code["en"]
        latin = [w.group(0).lower() for w in word_re(phrase).finditer(phrase)]
        for w in reversed(latin):
            kind_of = _noun_of(w, en)
            if kind_of is not None:
                return ("expert" if kind_of == "occupation" or expert else "role"), phrase
        return ("expert", phrase) if expert else (None, phrase)
    if head in lang.occupations or head.lower() in lang.expert_words:
        return "expert", phrase
    if expert:
        return "expert", phrase
    return "role", phrase


def _identity_before(before: str, lang: Language) -> tuple[str, str] | None:
    """The identity phrase that ends just before a trailing cue."""
    if not lang.spaces:
        # drop a leading "あなたは" and everything up to the last comma
        part = re.split(r"[、，,。]", before)[-1]
        part = re.sub(r"^(?:あなた|君|きみ)(?:は|が)", "", part).strip()
        if not part or len(part) > 40:
            return None
        kind, head = _classify_cjk(part, lang)
        return (kind, head) if kind else None
    toks = [w.lower() for w in word_re(before).findall(before)][-6:]
    if "bir" in toks:
        toks = toks[len(toks) - 1 - toks[::-1].index("bir") + 1 :]
    if not toks:
        return None
    for w in reversed(toks):
        k = _noun_of(w, lang) or _noun_of(w, vocabulary().by_code["en"])
        if k == "occupation":
            return "expert", " ".join(toks)
        if k == "role":
            expert = any(t in lang.expert_words for t in toks)
            return ("expert" if expert else "role"), " ".join(toks)
    if any(t in lang.expert_words for t in toks):
        return "expert", " ".join(toks)
    return None


# -- spans -------------------------------------------------------------------


def _is_mention(text: str, sent: Sentence, cue_start: int, lang: Language) -> bool:
    """ "If you are a developer", "when you act as": not an assignment."""
    long = cue_start - sent.start > _LONG_CLAUSE and cue_start <= sent.end
    start, prev = (_clause_indexed if long else _clause_read)(text, sent, cue_start)
    if not prev:
        return False
    if prev[-1] in lang.speakers and _addresses(text, cue_start, lang):
        # "I" ending a line with a space, "You are a ..." on the next: no
        # clause has a subject before "you"; the line break read as a soft
        # wrap stands between them
        return False
    if prev[-1] in lang.mention_before:
        return True
    if prev[-1] in _MODALS and not (_says_you_indexed if long else _says_you_read)(
        text, sent, start, cue_start
    ):
        return True  # "the tool should act as a bridge"
    return len(prev) >= 2 and f"{prev[-2]} {prev[-1]}" in lang.mention_before


def _addresses(text: str, cue_start: int, lang: Language) -> bool:
    """Whether the cue opens with a word that addresses the model ("you are")."""
    m = next(iter(word_re(text).finditer(text, cue_start, cue_start + 16)), None)
    if m is None or m.start() != cue_start:
        return False
    return re.split(r"['’]", m.group(0).lower())[0] in lang.addressees  # "you're" too


# The clause before a cue, read as it is when the sentence before the cue is
# short (most are), and from an index of the sentence when it is long: a
# run-on sentence of thousands of cues read its whole beginning for each.
_LONG_CLAUSE = 2000
_CLAUSE_BREAK = re.compile(r"[,;:(—–]")
_YOU_WORD = re.compile(r"(?i)\byou\b")
# only a long clause reads these: compiled then (the CJK class takes 3 ms)
_YOU_ANY = lazy(r"(?i)you")
_CJK_CHAR = lazy(f"[{CJK}]")
_WORD_CHAR = lazy(r"\w")


def _clause_read(text: str, sent: Sentence, cue_start: int) -> tuple[int, list[str]]:
    """Where the clause before the cue starts, and its last three words (lower case)."""
    clause = _CLAUSE_BREAK.split(text[sent.start : cue_start])[-1]
    return cue_start - len(clause), [w.lower() for w in word_re(clause).findall(clause)][-3:]


def _says_you_read(text: str, _sent: Sentence, start: int, cue_start: int) -> bool:
    return _YOU_WORD.search(text[start:cue_start]) is not None


@lru_cache(maxsize=8)
def _sentence_marks(text: str, start: int, end: int) -> tuple[list[int], list[int], list[int]]:
    """Where ``text[start:end]`` breaks into clauses, holds a CJK character,
    and writes "you" in any case."""
    return (
        [m.start() for m in _CLAUSE_BREAK.finditer(text, start, end)],
        [m.start() for m in _CJK_CHAR.finditer(text, start, end)],
        [m.start() for m in _YOU_ANY.finditer(text, start, end)],
    )


def _clause_indexed(text: str, sent: Sentence, cue_start: int) -> tuple[int, list[str]]:
    """:func:`_clause_read` from the sentence's index, reading only the end
    of the clause: the last three of four or more words in a stretch of it
    are its last three (a word cut at the stretch's start is the first)."""
    breaks, cjk, _you = _sentence_marks(text, sent.start, sent.end)
    k = bisect_left(breaks, cue_start)
    start = breaks[k - 1] + 1 if k else sent.start
    i = bisect_left(cjk, start)
    blanked = i < len(cjk) and cjk[i] < cue_start  # as word_re reads the clause
    size = 256
    while True:
        at = max(start, cue_start - size)
        stretch = text[at:cue_start]
        found = WORD_PLAIN.findall(blank_cjk(stretch) if blanked else stretch)
        if at == start or len(found) >= 4:
            return start, [w.lower() for w in found[-3:]]
        size *= 4


def _says_you_indexed(text: str, sent: Sentence, start: int, cue_start: int) -> bool:
    """:func:`_says_you_read` from the sentence's index: a "you" whose ends
    are word boundaries in the clause (its own ends count as boundaries)."""
    yous = _sentence_marks(text, sent.start, sent.end)[2]
    for at in yous[bisect_left(yous, start) :]:
        end = at + 3
        if end > cue_start:
            return False
        if (at == start or not _WORD_CHAR.match(text, at - 1)) and (
            end == cue_start or not _WORD_CHAR.match(text, end)
        ):
            return True
    return False


def _span_start(text: str, sent: Sentence, cue_start: int, lang: Language) -> int:
    """The cue, or the sentence start when only a lead-in comes before it."""
    first = _skip_markup(text, sent.start, cue_start)
    if first >= cue_start:
        return cue_start
    prefix = text[first:cue_start]
    if lang.lead_in is None:
        return cue_start
    pos = 0
    while True:
        rest = prefix[pos:].lstrip(" \t,.:;!-—–")
        pos = len(prefix) - len(rest)
        if not rest:
            return first
        m = lang.lead_in.match(prefix, pos)
        if m is None or m.end() == pos:
            return cue_start
        pos = m.end()


def _span_end(text: str, sent: Sentence, ident_end: int, lang: Language) -> int:
    """The sentence end, or the clause end when the task follows in the same sentence."""
    after = text[ident_end : sent.end]
    if not lang.spaces:
        m = re.match(r"[，,、]", after)
        if m and len(after.strip()) > 4:
            return ident_end + 1
        return sent.end
    stripped = after.lstrip(" \t")
    if not stripped:
        return sent.end
    # "Act as a digital marketing expert.create 10 ideas"
    if (
        stripped[0] in ".!?"
        and len(stripped) > 1
        and stripped[1].islower()
        and not _DOTTED_NAME.match(stripped)
    ):
        return ident_end + (len(after) - len(stripped)) + 1
    m = _AND_VERB.match(stripped)
    offset = ident_end + len(after) - len(stripped)
    if (
        m
        and not stripped[:1].isupper()
        and _starts_task(text, offset + m.start("verb"), m, sent.end, lang)
    ):
        return _trim_end(text, sent.start, ident_end)
    m = _COMMA_TASK.match(stripped)
    if m:
        verb = m.group("verb")
        if verb is None or verb.lower() in _task_verbs():
            return _trim_end(text, sent.start, ident_end)
    return sent.end


def _starts_task(text: str, pos: int, m: re.Match[str], limit: int, lang: Language) -> bool:
    """Whether the word at ``pos`` starts the task: "and create", "to help",
    "y responde", but not "and code reviewer" (a noun follows)."""
    verb = m.group("verb").lower()
    conj = (m.group("conj") or "").lower()
    is_verb = verb in _task_verbs() or (
        conj not in ("", "to") and lang.code != "en" and _is_task_word(verb)
    )
    return is_verb and not _noun_follows(text, pos + len(verb), limit, lang)


def _skip_markup(text: str, start: int, end: int) -> int:
    while start < end and text[start] in _MARKUP:
        start += 1
    return start


def _trim_end(text: str, start: int, end: int) -> int:
    while end > start and (text[end - 1].isspace() or text[end - 1] in "*_#"):
        end -= 1
    return end


def _cue_name(cue: str) -> str:
    return " ".join(cue.lower().split())


def _persona(text: str, start: int, end: int, ident: _Identity, cue: str, language: str) -> Persona:
    end = max(start, end)
    return Persona(
        start=start,
        end=end,
        text=text[start:end],
        kind="expert" if ident.kind == "expert" else "role",
        head=" ".join(ident.head.split()),
        cue=cue,
        language=language,
        passage_start=start,
        passage_end=end,
        words=_count_words(text[start:end]),
        identity_end=min(max(start, ident.end), end),
    )


# -- passages ----------------------------------------------------------------


def _passages(
    text: str, sentences: tuple[Sentence, ...], found: dict[int, Persona], languages: list[Language]
) -> list[Persona]:
    """Merge each persona with the sentences that go on describing it."""
    out: list[Persona] = []
    order = sorted(found)
    taken: set[int] = set()
    for idx in order:
        p = found[idx]
        if idx > 0 and found.get(idx - 1) is p:
            continue  # the second line of a persona broken before its noun
        if idx in taken:
            # Inside an earlier persona's passage: still reported on its own,
            # so that removing the first one reveals nothing new, but measured
            # with the passage it belongs to.
            p.passage_start, p.passage_end = p.start, p.end
            p.measured_end = p.end
            p.words = _count_words(text[p.start : p.end])
            out.append(p)
            continue
        taken.add(idx)
        j = idx + 1
        end = max(p.end, sentences[idx].end)
        # in the bulleted list a colon of the persona's opened ("with
        # expertise in:"): every item of it goes on describing the persona
        listing = False
        if p.end < sentences[idx].end and not _describes(text, sentences[idx], p):
            end = p.end  # a clause; the task follows in the same sentence
            j = len(sentences)
        while j < len(sentences):
            sent = sentences[j]
            other = found.get(j)
            if other is not None:
                if other.kind == "expert" and p.kind != "expert":
                    break  # an expert claim after a role starts its own persona
                if other.kind != p.kind and "\n\n" in text[end : sent.start].replace("\r", ""):
                    break  # "Pretend to be a pirate" in the next paragraph is the request
                if other.end < sent.end and not _describes(text, sent, other):
                    break  # "As a space colonist, describe your day": a request
                taken.add(j)
            else:
                listed = listing and "\n\n" not in text[end : sent.start].replace("\r", "")
                if listed and _states_job(text, sent, languages):
                    break  # "with these duties: ... - Write unit tests": the request
                opened = text[end - 1 : end] == ":" or listed
                if not _continues(text, sent, languages, after_colon=opened):
                    break
                listing = opened and _list_item(text, sent)
            end = sent.end
            j += 1
        p.passage_start = p.start
        p.passage_end = max(p.end, end)
        # Measured whole: the sentences of the same paragraph that go on
        # speaking to "you" belong to the persona as the study wrote them.
        measured = p.passage_end
        while j < len(sentences) and p.kind == "expert":
            if _second_person(text, measured, sentences[j]):
                if j in found:
                    taken.add(j)
                measured = sentences[j].end
                j += 1
            else:
                break
        p.measured_end = measured
        p.words = _count_words(text[p.passage_start : measured])
        out.append(p)
    return out


SECOND_PERSON = re.compile(r"(?i)\b(?:you|your|yours|yourself)\b")
_OTHER_SUBJECT = lazy(
    r"(?i)[\s*_>-]*(?:i|we|my|our|the user|users?|now|here|below|given"
    r"|your (?:task|job|assignment|request|input|output|answer|response)s?"
    r"|you (?:will|must|should|shall|need to|are to|are given|are asked|are tasked)|(?:do|don['’]t)"
    r")\b"
)


# The situation a prompt puts the model in ("You are in a debate", "You are
# taking part in a negotiation"): what it is to do there, not who it is.
SITUATION = (
    r"you\s+are\s+(?:now\s+)?(?:in|taking\s+part\s+in|participating\s+in)\s+(?:a|an|the)\s+"
    r"(?!(?:role|position|shoes|field|industry|business)\b)"
)
# A sentence that asks for something ends the persona's description: the
# request starts there ("You will be given ...", "The user provides ...").
ASKS = re.compile(
    r"(?i)^[\W\d]*(?:you\s+(?:will|['’]ll|need\s+to|are\s+(?:tasked|asked|responsible|"
    r"given|provided|going\s+to)|must\s+(?:now\s+)?(?:answer|write|solve|respond|read|"
    r"review|summari[sz]e|extract|translate|classify|grade|evaluate|generate|create))"
    r"|your\s+(?:main\s+|primary\s+|first\s+|only\s+|sole\s+|core\s+|overall\s+)?(?:task|job|assignment)\b"
    r"|your\s+(?:main\s+|primary\s+|first\s+|only\s+|sole\s+|core\s+|overall\s+)?(?:role|purpose|mission|"
    r"responsibilit(?:y|ies))\s+(?:is|are|will\s+be)\s+(?:to|as\s+follows)\b"
    r"|your\s+personal\s+goal\s+is\b"
    # the job stated as what "you" do: "You answer multiple choice questions
    # on this topic" (the questions come in the user turn)
    r"|you\s+(?:will\s+)?answer\s+(?:the\s+)?multiple[\s-]+choice\s+questions?\b"
    # "When the user gives a country, you should respond with its capital",
    # "When user gives you a number, simply respond with its double"
    r"|(?:when|if|once)\b[^.!?\n]{0,80}?,\s*(?:you\s+(?:should|must|will|shall)\s+)?"
    r"(?:simply\s+|only\s+|just\s+)?"
    r"(?:respond|reply|answer|return|give|output|provide|write|solve|calculate|compute|translate|classify)\b"
    r"|(?:i|we)\s+(?:want|would\s+like|need|['’]d\s+like)\s+you\b"
    r"|(?:the|a|each)\s+(?:user|customer|student|client|human|input|question|request)\b"
    r"|(?:here\s+is|here\s+are|given|below|the\s+following|this\s+is|please)\b"
    r"|(?:my|our)\s+(?:first\s+)?(?:request|question|task)\b"
    r"|(?:always|never|only|please|do\s+not|don['’]t|make\s+sure|be\s+sure|ensure)\b"
    # the situation the model is put in, and what it may do there: "You are
    # in a debate. Feel free to challenge the others."
    r"|" + SITUATION + r"|feel\s+free\s+to\b)"
)


# "You have access to ...", "you can run these scripts": what the model can
# use, which neither describes the persona nor asks anything
CAPABILITY = re.compile(
    r"(?i)^[\W\d]*(?:apart\s+from\s+[^,\n]{1,60},\s*)?(?:you\s+(?:also\s+)?(?:have|can|may|are\s+able\s+to)\s+"
    r"(?:(?:full\s+|direct\s+|root-level\s+)?access\s+to|use|run|call|invoke|execute)\b"
    r"|you\s+(?:also\s+)?have\s+(?:[\w-]+\s+){0,4}?(?:tools?|scripts?|functions?|commands?|"
    r"toolkits?|subagents?|agents?)\b"
    r"|(?:available\s+)?tools?\s*[:：]|with\s+access\s+to\b)"
)


# A blurb that slips into the third person ("He evaluates every project as
# though ...") still describes the persona it follows.
_THIRD_PERSON = re.compile(r"(?i)^[\W]*(?:he|she|his|her)\b")


def _second_person(text: str, prev_end: int, sent: Sentence) -> bool:
    """A sentence in the same paragraph that goes on describing "you" ("You
    focus on ...", "Accuracy is your highest value.", or "he" in a blurb):
    the study's long personas are one paragraph of these, measured as one
    passage."""
    if "\n\n" in text[prev_end : sent.start] or sent.end - sent.start > 400:
        return False
    body = text[sent.start : sent.end]
    if (
        body.rstrip().endswith(QUESTION_MARKS)
        or _OTHER_SUBJECT.match(body)
        or ASKS.match(body)
        or CAPABILITY.match(body)
    ):
        return False
    first = next(iter(WORD_PLAIN.findall(body[:40])), "").lower()
    if first in vocabulary().by_code["en"].task_verbs:
        return False  # "Tidy up the sheets." asks
    m = SECOND_PERSON.search(body)
    return (m is not None and m.start() < 120) or _THIRD_PERSON.match(body) is not None


def _describes(text: str, sent: Sentence, p: Persona) -> bool:
    """Whether the rest of the persona's sentence still describes it."""
    rest = text[p.end : sent.end].lstrip(" ,;—–-")
    return bool(_DESCRIBES.match(rest))


_BULLETS = frozenset({"-", "*", "•", "·"})


def _list_item(text: str, sent: Sentence) -> bool:
    """Whether a sentence is an item of a bulleted list."""
    return (
        sent.block
        and text[sent.start : _skip_markup(text, sent.start, sent.end)].strip(" \t") in _BULLETS
    )


def _states_job(text: str, sent: Sentence, languages: list[Language]) -> bool:
    """Whether a sentence opens with a verb that states the job ("Write ...")."""
    pos = _skip_markup(text, sent.start, sent.end)
    lead = LEAD.match(text[pos : min(pos + 40, sent.end)].lower())
    return lead is not None and any(lead.group(0) in lang.task_verbs for lang in languages)


def _continues(text: str, sent: Sentence, languages: list[Language], *, after_colon: bool) -> bool:
    pos = _skip_markup(text, sent.start, sent.end)
    if after_colon and _list_item(text, sent):
        return True
    head = text[pos : min(pos + 60, sent.end)]  # as the patterns see it
    low = head.lower()
    lead = LEAD.match(low) if len(low) == len(head) else None
    word = lead.group(0) if lead is not None else None  # None: try every language
    for lang in languages:
        if lang.continues is None:
            continue
        leads = lang.continue_leads
        if word is not None and leads is not None and word not in leads:
            continue  # none of this language's patterns starts with this word
        if lang.continues_not is not None and lang.continues_not.match(text, pos, sent.end):
            return False
        if lang.continues.match(text, pos, sent.end):
            return True
        if lang.claims is not None and lang.claims.match(text, pos, sent.end):
            return True
    return False


def _count_words(s: str) -> int:
    latin = len(word_re(s).findall(s))
    return latin + (cjk_count(s) + 1) // 2
