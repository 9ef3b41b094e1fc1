"""What a prompt asks the model to do, with the evidence for it.

Task cues from the vocabulary are matched over the prompt's words (longest
phrase first, so "video script" is writing while "bash script" is code) and
over what the call site says about the prompt: variable and function names,
hole names, the user message, the response format and the tools. Each match
adds its weight to a category; repeats count less and less. The persona's own
words count for little, but the persona's field (a developer writes code)
still decides when the prompt says nothing else. A ``prism: task=...``
declaration settles the question.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import islice, pairwise

from prism_lint.analysis.material import closing_tags, first_close, merge_spans, supplied_spans
from prism_lint.analysis.model import ACCURACY_TASKS, TASKS, Persona, TaskInference
from prism_lint.analysis.persona import CAPABILITY, SITUATION
from prism_lint.analysis.sentences import QUESTION_MARKS, split_sentences
from prism_lint.analysis.vocabulary import (
    GENERAL,
    Cue,
    TaskLexicon,
    current_extras,
    has_cjk,
    vocabulary,
    word_re,
    words,
)
from prism_lint.analysis.whole_text import WholeText, folded, may_hold
from prism_lint.model import HOLE, Evidence, PromptUnit

# How much a cue counts, by where it was seen.
SOURCE_WEIGHTS = {
    "prompt": 1.0,
    "persona": 0.35,  # words inside the persona passage
    "persona-head": 1.0,  # words of an expert's identity ("Python" in "Python developer")
    "persona-role": 4,  # the field of the expert role itself (per persona)
    "name": 2.0,  # variable, function or class names at the call site
    "hole": 1.5,  # names of the prompt's dynamic parts
    "sibling": 1.0,  # other messages of the same call: the user turn is the request
    "response_format": 1.5,
    "tools": 1.5,
    "model": 1.5,
    # an image, audio or file sent with the prompt: what the request works on
    # (halved like every call-site fact beside a stated request)
    "attachment": 6.0,
}
# Request evidence (summed weight) that says the prompt states its request.
REQUEST_MIN = 1.0
# How much less sure a task assumed from the persona is.
ASSUMED_CONFIDENCE = 0.6
# An accuracy task must lead the best other task by more than this share to
# be the task: a prompt that is as much teaching as coding is not flagged.
NEAR_TIE = 0.9
# Extraction evidence in the request that says it works on supplied material,
# and what the topic words of that material then count.
GROUNDED = 3.0
# A cue that hands material over rather than says what to do with it.
_HANDS_OVER = re.compile(
    r"(?i)(?:(?:read|look\s+at|consider|see|here\s+(?:is|are))\s+)?(?:the\s+)?"
    r"(?:following|below|above|attached|provided|given)\b"
)
# Grounding words ("hallucinated", "faithful to the context"): in a request
# that asks for a label they name what is judged, as the material does.
_CRITERION = re.compile(
    r"(?i)hallucinat"
    # ... and a bare name of the material it is judged against ("the
    # retrieved context"), not the work a preposition says is done on it
    # ("answer from the context", "in the transcript")
    r"|(?:the\s+)?(?:(?:retrieved|provided|given|supplied|input|source|reference)\s+)?"
    r"(?:context|contexts|documents?|passages?|transcripts?|structured\s+data)$"
)
# A request's own judgement evidence (a verb or a pattern asking for a label,
# not a topic word) from which the material it names is what is judged.
LABELLED = 3.0
GROUNDED_DISCOUNT = 0.4
SUPPLIED_TOPIC_DISCOUNT = 0.2
_GROUNDED_TOPICS = frozenset({"factual", "math"})
# ... and the categories whose topic words (not their requests) describe it
_GROUNDED_WORDS = frozenset({"code"})
# The persona's field beside a stated request: a tie-breaker, no more.
PERSONA_BESIDE_REQUEST = 2.0
# ... growing with a long request whose many topics blur it (a long system
# prompt about a product's domain), never past a fifth of the request
PERSONA_PRIOR_SHARE = 0.2
PERSONA_PRIOR_MAX = 6.0
# The call site's names and placeholders count less beside a stated request.
CONTEXT_BESIDE_REQUEST = 0.5
# the n-th repeat of one cue counts DECAY**(n-1): a topic named on every
# line of a long prompt ("code", "data") adds at most twice its weight
REPEAT_DECAY = 0.5
# Cues in the sentence that states the main job count this much more.
TASK_STATEMENT_BOOST = 2.0
TASK_LIST_BOOST = 1.5
STATEMENT_WORDS = 20
ASIDE_WEIGHT = 0.3
LABEL_BOOST = 2.0
# A line that labels a section: "## Rules", "**Constraints:**", "VARIABLES:".
_LABEL = re.compile(
    r"^[ \t]*(?:#{1,6}[ \t]+(?P<h>[^\n]{1,60})"
    r"|(?:\*\*|__)?(?P<c>[^\n:*#\-•\s][^\n:*#]{1,40}?)(?:\*\*|__)?[ \t]*[:：](?:\*\*|__)?[ \t]*"
    r"|(?P<u>[A-Z][A-Z0-9 &/_\-]{2,40}))$",
    re.MULTILINE,
)
_ASIDE_WORDS = re.compile(
    r"(?i)^(?:[\W\d]*)(?:rules?|constraints?|guidelines?|notes?|variables?|inputs?|examples?|"
    r"sample|samples|style|tone|format(?:ting)?|output(?: format)?|restrictions?|limitations?|"
    r"important|remember|considerations?|principles?|mandatory|context|background|"
    r"do(?:n't| not)|avoid|meta|changelog|version|author|metadata)\b"
)
# A roster of the agents the model hands work to ("delegating to specialized
# agents:" then "- Financial Analyst: For stock data analysis"): their jobs,
# not the model's own request. The line opening the list names the team or
# the handing on, and is not one of the model's own duties ("As an agent, you
# will:"); a list of how to equip the agents it creates is asked.
_ROSTER = re.compile(
    r"(?im)^(?![^\n]*\byou\s+(?:will|must|should|shall|need|are\s+to)\b)"
    r"(?=[^\n]*\b(?:delegat\w*|hand(?:s|ing)?[\s-]*off|coordinat\w*|collaborat\w*\s+with|"
    r"work(?:s|ing)?\s+with|team\s+members|teammates|(?:your|the|our)\s+team|"
    r"(?:available|following|these|other)\s+(?:agents|sub-?agents|specialists|workers|assistants))\b)"
    r"[^\n]{0,200}[:：][ \t]*\r?\n"
    r"((?:[ \t]*(?:[-*•]|\d{1,2}[.)])[ \t]+[^\n]*(?:\n|\Z))+)"
)
_ASIDE_TAG = re.compile(
    r"(?i)capabilit|environment|team|tools?\b|rules?\b|constraints?|notes?\b|style|tone|"
    r"format|guidelines?|examples?|restrictions?|limitations?|resources"
)
# An agent's standing aim, as frameworks compose it ("Your personal goal is:
# ...", "Goal: ...", "Your objective is to ..."): beside a user turn that asks
# for something, the aim is context and the turn is the request.
_GOAL = re.compile(
    r"(?i)(?:your\s+(?:personal\s+|main\s+|primary\s+|overall\s+|ultimate\s+|core\s+)?"
    r"(?:goal|objective|mission|aim)s?\s*(?:is|are|:)|(?:goal|objective|mission)s?\s*[:：])"
)
GOAL_BESIDE_REQUEST = 0.5
_STATEMENT = re.compile(
    r"(?i)(?:your\s+(?:main\s+|primary\s+|core\s+|sole\s+|only\s+|first\s+|overall\s+)?"
    r"(?:task|job|goal|objective|mission|role\s+is\s+to|purpose|responsibilit\w*|assignment)\b"
    r"|you\s+(?:will(?!\s+be\s+(?:given|provided|presented|shown|sent|passed|handed|supplied)\b)"
    r"|are\s+tasked|are\s+responsible|are\s+asked|need\s+to|must)\b"
    r"|(?:i|we)\s+(?:want|would\s+like|need|['’]d\s+like)\s+you\s+to\b(?!\s+act\b)"
    r"|(?:my|the)\s+(?:first\s+)?(?:request|question|command|suggestion|task)\b"
    r"|[\"']?(?:task|goal|objective|mission)[\"']?\s*[:：]"
    r"|help\s+(?:me|users?|the\s+user|students?|developers?)\b|" + SITUATION + ")"
)
# What follows an expert's identity and still names its field: "an expert
# *in distributed systems*", "a developer *specializing in payments*".
_COMPLEMENT = re.compile(
    r"(?:\s*,)?\s+(?:(?:who\s+)?(?:speciali[sz](?:ed|es|ing)|skilled|proficient|experienced|"
    r"versed|fluent)\s+(?:in|at|on|with)|with\s+(?:(?:deep|extensive|broad|strong|solid)\s+)?"
    r"(?:expertise|experience|knowledge|background)\s+in|in|at|on|of|for)\s+"
    r"[^.,;:!?\n()]{1,90}",
    re.IGNORECASE,
)
_IMPERATIVE = re.compile(r"([A-Za-z]+)\b")
_BULLETS = frozenset({"-", "*", "•", "·", "+"}) | {f"{i}." for i in range(1, 21)}
# Declared task names people write, mapped to categories.
# fmt: off
_ALIASES = {
    "coding": "code", "programming": "code", "sql": "code", "maths": "math",
    "calculation": "math", "facts": "factual", "knowledge": "factual", "qa": "factual",
    "research": "factual", "grading": "judgement", "judge": "judgement", "judgment": "judgement",
    "classification": "judgement", "evaluation": "judgement", "eval": "judgement",
    "creative": "writing", "copywriting": "writing", "translation": "writing",
    "chat": "roleplay", "character": "roleplay", "role-play": "roleplay",
    "summarization": "extraction", "summary": "extraction", "teaching": "stem",
    "education": "stem", "explanation": "stem", "planning": "reasoning", "coaching": "advice",
    "image": "other",
}
# fmt: on
_SPLIT_NAME = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")
# Cues that mean "a free question from the user": the prompt is open-ended.
_OPEN_HOLES = frozenset(
    {"question", "query", "input", "message", "user_input", "prompt", "request"}
)


@dataclass
class _Tally:
    """Scores per task category, and the evidence for each."""

    scores: dict[str, float]
    evidence: list[Evidence]
    repeats: dict[tuple[str, str, str], int]
    # (cue lower-cased, category, source) -> its evidence: a long prompt
    # repeats a cue hundreds of times, each adding to the same entry
    by_key: dict[tuple[str, str, str], Evidence] = field(default_factory=dict)
    # the part of each score that topic words gave (a word or a name, not a
    # verb and its object): what describes supplied material
    topics: dict[str, float] = field(default_factory=lambda: defaultdict(float))

    def add(
        self, cue: str, category: str, source: str, weight: float, *, topic: bool = False
    ) -> None:
        key = (cue.lower(), category, source)
        n = self.repeats.get(key, 0)
        self.repeats[key] = n + 1
        w = weight * (REPEAT_DECAY**n)
        if w <= 0:
            return
        self.scores[category] += w
        if topic:
            self.topics[category] += w
        if n == 0:
            self.by_key[key] = ev = Evidence(cue, category, source, round(weight, 3))
            self.evidence.append(ev)
        else:
            found = self.by_key.get(key)  # none when the first was weightless
            if found is not None:
                found.weight = round(found.weight + w, 3)


def infer_task(unit: PromptUnit, personas: list[Persona]) -> TaskInference:
    """The task category of ``unit``, read from what it asks.

    Three tallies are kept apart: the **request** (the prompt's own words
    outside every expert persona passage and outside supplied material, and
    the other messages of the call, such as the user turn), the **context**
    (names at the call site, placeholders, response format, tools, model) and
    the **persona** (its words and its field). When the prompt states a
    request, the task is the request's, with the context beside it; the
    persona's words never count. Only when it states none does the
    persona's field stand in, and then the inference says so
    (``assumed``) and is less confident.
    """
    declared = _declared(unit.declared_task)
    if declared is not None:
        return TaskInference(
            declared,
            1.0,
            [Evidence(f"task={unit.declared_task}", declared, "declaration", 1.0)],
            {declared: 1.0},
            declared=True,
        )
    lex = vocabulary().tasks
    text = unit.text
    # an expert's passage describes the persona; a role's ("a helpful
    # assistant that answers questions about ...") describes the job
    spans = [
        (p.passage_start, max(p.measured_end, p.passage_end, p.end))
        for p in personas
        if p.kind == "expert"
    ]
    jobs = [j for p in personas if p.kind == "expert" for j in _job_clause(text, p)]
    passages = _Spans.of(_carved(merge_spans(spans), jobs))
    heads = _Spans.of(_head_spans(text, personas))
    material = _Spans.of(material_spans(text))
    # the job a persona sentence states is the task statement when the
    # prompt states no other and the call's user turn does not either (the
    # study's "data extraction specialist expert in parsing ..." on a math
    # question asks the question)
    turns = _user_turns(unit)
    asked_beside = bool(turns)
    statements = _task_statements(text, passages, standing=_user_asks(turns))
    if not statements and not asked_beside:
        statements = [(a, _word_limit(text, a, b), TASK_STATEMENT_BOOST) for a, b in jobs]
    focus = _Spans(statements)
    asides = _Spans(_aside_sections(text))
    request = _Tally(defaultdict(float), [], {})
    persona = _Tally(defaultdict(float), [], {})
    context = _Tally(defaultdict(float), [], {})
    general = 0.0
    hits, n_cues = cue_hits(text, lex)
    strongest: dict[str, tuple[float, str, int]] = {}  # category -> weight, text, offset
    problem = _word_problem(text, passages, material, turns, lex)
    story = problem[1] if problem else (0, 0)
    for i, (category, cue_weight, start, end) in enumerate(hits):
        inside = passages.holds(start)
        if category == GENERAL:
            if not material.holds(start):
                general += cue_weight
            continue
        if material.holds(start):
            continue  # a document, transcript or example is not what is asked
        if inside:
            source = "persona-head" if heads.holds(start) else "persona"
            persona.add(text[start:end], category, source, cue_weight * SOURCE_WEIGHTS[source])
            continue
        if category not in _KEEPS_NEGATED and _negated(text, start):
            continue  # "no explanation", "do not write code": not asked
        weight = cue_weight * focus.at(start) * asides.at(start)
        if story[0] <= start < story[1] and category != "math":
            weight *= STORY_WEIGHT
        request.add(text[start:end], category, "prompt", weight, topic=i < n_cues)
        if weight > strongest.get(category, (0.0, "", 0))[0]:
            strongest[category] = (weight, text, start)
    _persona_fields(personas, persona)
    said = _siblings(turns, request, lex, strongest)
    choice = _multiple_choice(text, passages, turns, request)
    if problem:
        request.add("word problem", "math", problem[0], WORD_PROBLEM_WEIGHT)
    _written_code(text, passages, material, turns, request)
    _context(unit, context, lex)
    asked = sum(request.scores.values())
    stated = asked >= REQUEST_MIN or said or _states_request(text, passages, material)
    _holes(unit, request, lex)
    _material_holes(unit, context)
    if stated:
        # beside a stated request the persona's field only breaks near-ties
        # (an "SVG designer" asked to "make an image"); its words never count
        field = _Tally(defaultdict(float), [], {})
        prior = min(PERSONA_PRIOR_MAX, max(PERSONA_BESIDE_REQUEST, PERSONA_PRIOR_SHARE * asked))
        _persona_fields(personas, field, prior)
        if not field.scores or _generic_field(field, persona):
            field = _Tally(defaultdict(float), [], {})
            _stack_field(persona, field, prior)
        tallies = [request, context, field]
    else:
        tallies = [request, context, persona]
    return _decide(
        tallies,
        general,
        unit,
        assumed=not stated and bool(persona.scores),
        asked=asked,
        strongest=strongest,
        choice=choice,
    )


# A cue under a negation ("no preamble or explanation", "do not write code")
# names what is not asked. Grounding is said in the negative ("do not make
# up facts", "never hallucinate"), so extraction cues keep their weight.
_KEEPS_NEGATED = frozenset({"extraction"})
_NEGATORS = (
    r"\b(?:no|not|never|without|avoid|nor|neither|don['’]t|doesn['’]t|mustn['’]t|"
    r"shouldn['’]t|can['’]t|cannot|won['’]t)\b"
)
_NEGATION = re.compile(rf"(?i){_NEGATORS}(?:[ \t]+[\w'’-]+){{0,3}}[ \t]*$")
# where a sentence (and, with a comma, a clause) breaks off
_SENTENCE_BREAKS = ".;:!?\n([{"
_CLAUSE_BREAKS = _SENTENCE_BREAKS + ","


def _negated(text: str, start: int) -> bool:
    """Whether the words right before ``start``, in its clause, negate it;
    or, for an item of a list, the words before the list ("Do not give
    medical, *legal*, *financial* or professional advice")."""
    window = text[max(0, start - 48) : start]
    # the clause starts past the last break: one look from the end for each
    # break character costs less than finding every break from the start
    cut = max(map(window.rfind, _CLAUSE_BREAKS)) + 1
    clause = window[cut:]
    if clause.strip() and _NEGATION.search(clause) is not None:
        return True
    if not _LIST_ITEM_AFTER.match(text, start) and not _LIST_LAST.search(clause):
        return False
    window = text[max(0, start - 160) : start]
    cut = max(map(window.rfind, _SENTENCE_BREAKS)) + 1
    return _NEGATED_LIST.search(window, cut) is not None


# A list's items: one or two words each, set off by commas; its last one
# after "or", "and" or "nor".
_ITEM = r"[\w'’-]+(?:[ \t]+[\w'’-]+)?"
_NEGATED_LIST = re.compile(
    rf"(?i){_NEGATORS}(?:[ \t]+[\w'’-]+){{0,3}}(?:[ \t]*,[ \t]*{_ITEM}){{0,8}}"
    r"(?:[ \t]*,[ \t]*(?:(?:or|and|nor)[ \t]+(?:[\w'’-]+[ \t]+)?)?"
    r"|[ \t]+(?:or|and|nor)[ \t]+(?:[\w'’-]+[ \t]+)?)$"
)
_LIST_ITEM_AFTER = re.compile(r"[\w'’-]*(?:[ \t]+[\w'’-]+)?[ \t]*,")  # the cue goes on the list
_LIST_LAST = re.compile(
    r"(?i)(?:^|[ \t])(?:or|and|nor)[ \t]+(?:[\w'’-]+[ \t]+)?$"
)  # the cue ends the list


# The job a persona sentence gives ("an expert *at routing a user question
# to a vectorstore*", "a developer *who has been asked to make a
# specification*", "an evaluator *assessing how well ...*"): the request, said
# inside the persona sentence. A skill ("who writes clean code") is not one.
_JOB = re.compile(
    r"(?i)\b(?:(?:who|that|which)\s+(?:(?:has|have)\s+been\s+|is\s+|are\s+|will\s+)?"
    r"(?:asked|tasked|charged|responsible|hired|here|going)\b"
    r"|whose\s+(?:main\s+|sole\s+|only\s+)?(?:job|task|role|purpose|goal)\s+is\s+to\b"
    r"|(?:tasked|charged)\s+with\b|responsible\s+for\b|in\s+charge\s+of\b"
    r"|(?:expert|specialized|specialised|specializing|specialising)\s+"
    r"(?:at|in)\s+(?=\w+ing\b)"
    r"|\b(?:expert|specialist)\s+to\s+(?=[a-z]+\b)"
    r"|\s+(?=(?:assessing|evaluating|grading|reviewing|analy[sz]ing|extracting|summari[sz]ing|"
    r"translating|generating|writing|answering|classifying|routing|validating|checking|"
    r"helping|converting|solving|detecting|creating|planning)\b))"
)


def _job_clause(text: str, persona: Persona) -> list[tuple[int, int]]:
    """Where the persona sentence states the job: from the job marker to the
    sentence's end."""
    m = _JOB.search(text, persona.start, persona.end)
    if m is None:
        return []
    identity = persona.identity_end
    if identity and m.start() > identity + 2:
        return []  # a skill further on ("skilled at world-building, creating ...")
    return [(m.end(), persona.end)]


def _carved(spans: list[tuple[int, int]], holes: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """``spans`` without ``holes``."""
    out = []
    for a, b in spans:
        cuts = sorted((max(a, h0), min(b, h1)) for h0, h1 in holes if h0 < b and h1 > a)
        for h0, h1 in cuts:
            if h0 > a:
                out.append((a, h0))
            a = max(a, h1)
        if a < b:
            out.append((a, b))
    return out


def _sentence_at(text: str, offset: int) -> str:
    """The sentence of ``text`` holding ``offset``, for explanations."""
    sentences = split_sentences(text)
    k = bisect_right(sentences, offset, key=lambda x: x.end)
    if k < len(sentences) and sentences[k].start <= offset:
        sent = sentences[k]
        words = " ".join(text[sent.start : sent.end].split())
        return words.lstrip("-*•·#>0123456789.) \t").strip()
    return ""


def _states_request(text: str, passages: _Spans, material: _Spans) -> bool:
    """Whether the prompt asks something in its own words, cue or not: a
    question, or a sentence that starts with a task verb ("Say hi.")."""
    verbs = vocabulary().by_code["en"].task_verbs
    for sent in split_sentences(text):
        if passages.holds(sent.start) or material.holds(sent.start):
            continue
        body = text[sent.start : sent.end]
        tokens = word_re(body).findall(body)
        if len(tokens) < 2 and not has_cjk(body):
            continue  # (Chinese and Japanese words are characters, not tokens)
        if body.rstrip().endswith(QUESTION_MARKS) or (tokens and tokens[0].lower() in verbs):
            return True
    return False


# Lettered options, one per line ("A. ...", "(B) ...", "C) ..."): a
# multiple-choice question, which asks for the one right option.
_CHOICES = re.compile(
    r"(?m)^[ \t]*\(?A[.):][ \t]+\S[^\n]*\n[ \t]*\(?B[.):][ \t]+\S[^\n]*\n"
    r"[ \t]*\(?C[.):][ \t]+\S"
)
CHOICE_WEIGHT = 6.0


def _multiple_choice(text: str, passages: _Spans, turns: list[str], request: _Tally) -> bool:
    """Whether the prompt or its user turn asks a multiple-choice question; its
    options count as the request's evidence of a question with one right answer."""
    if any(not passages.holds(m.start()) for m in _CHOICES.finditer(text)):
        source = "prompt"
    elif any("\n" in turn and _CHOICES.search(turn) for turn in turns):
        source = "sibling"
    else:
        return False
    request.add("multiple-choice options", "factual", source, CHOICE_WEIGHT)
    return True


# A word problem: a short paragraph that states quantities and asks for one
# ("... 27 students ... 2 glue sticks each ... packs of 8. How many packs?").
# Its story's words (students, songs, a book) are the setting, not the task.
# quantities in digits ("27", "$19.50", "25%"); those in words, and the
# questions that ask for a quantity, are vocabulary ([word_problem])
_NUMBER = re.compile(r"(?<![\w.])(?:[$€£]\s?)?\d[\d,]*(?:\.\d+)?\s*%?")
# a numbered list's markers ("1. Map the context"), which count nothing
_ENUMERATOR = re.compile(r"(?m)^[ \t]*\d{1,3}[.)](?=[ \t])")
_WORD = re.compile(r"[^\W\d_]+")
# (a run of a line's characters at a time: one a step costs several times more)
_PARAGRAPH = re.compile(r"\S(?:[^\n]+|\n(?![ \t]*\n))*")
WORD_PROBLEM_WORDS = 150
WORD_PROBLEM_WEIGHT = 8.0
# what the story's other words count ("gathers apples from the trees" is
# not extraction)
STORY_WEIGHT = 0.5


def _word_problem(
    text: str, passages: _Spans, material: _Spans, turns: list[str], lex: TaskLexicon
) -> tuple[str, tuple[int, int]] | None:
    """Where a paragraph of the prompt, or else of its user turn, states
    quantities and asks for one: the source and the prompt's span of it."""
    low = folded(text)
    if _may_ask_quantity(text, low, lex):
        for m in _PARAGRAPH.finditer(text):
            if (
                not passages.holds(m.start())
                and not material.holds(m.start())
                and _asks_sum(m.group(), lex, low and low[m.start() : m.end()])
            ):
                return "prompt", m.span()
    if any(_turn_asks_sum(turn, lex) for turn in turns):
        return "sibling", (0, 0)
    return None


def _turn_asks_sum(turn: str, lex: TaskLexicon) -> bool:
    low = folded(turn)
    return _may_ask_quantity(turn, low, lex) and any(
        _asks_sum(p.group(), lex, low and low[p.start() : p.end()])
        for p in _PARAGRAPH.finditer(turn)
    )


def _may_ask_quantity(text: str, low: str | None, lex: TaskLexicon) -> bool:
    """False when no part of ``text`` (lowered: ``low``) can ask for a
    quantity: each question pattern lacks what it must hold. Most prompts
    then have no paragraph searched."""
    return any(may_hold(p.source, p.flags, text, low) for p in lex.asks_quantity)


def _asks_sum(paragraph: str, lex: TaskLexicon, low: str | None = None) -> bool:
    """Two quantities or more, one in digits, or three in words ("four
    bowls ... two children ... one bowl"), and a question for a quantity.
    ``low``: the paragraph lowered as :func:`folded` lowers it, when known."""
    asks = [p for p in lex.asks_quantity if may_hold(p.source, p.flags, paragraph, low)]
    if not asks or len(paragraph.split()) > WORD_PROBLEM_WORDS:
        return False
    if not any(p.compiled.search(paragraph) for p in asks):
        return False
    digits = len(_NUMBER.findall(paragraph)) - len(_ENUMERATOR.findall(paragraph))
    words = sum(1 for w in _WORD.findall(paragraph) if w.lower() in lex.number_words)
    return digits + words >= 2 if digits else words >= 3


# Source code written out in the request. A function that has only its
# signature and docstring asks for its body (HumanEval's form); other lines of
# code name the subject, which supplied material may also be. The lines after
# the docstring read one way only: blank lines that split their spaces
# between two runs made a failed match try every split.
_STUB = re.compile(
    r"(?m)^[ \t]*(?:async[ \t]+)?def[ \t]+\w+[ \t]*\([^)]{0,400}\)[^:\n]{0,80}:[ \t]*\n"
    r"[ \t]+(?:\"\"\"|\'\'\')(?:(?!\"\"\"|\'\'\').){0,4000}?(?:\"\"\"|\'\'\')[ \t]*"
    r"(?:\n[ \t]*(?:(?:pass|\.\.\.)[ \t]*|#[^\n]*)?)*\Z",
    re.S,
)
_CODE_LINE = re.compile(
    r"(?m)^[ \t]*(?:(?:async[ \t]+)?def[ \t]+\w+[ \t]*\(|class[ \t]+\w+[ \t]*[(:]|"
    r"from[ \t]+[\w.]+[ \t]+import[ \t]|import[ \t]+[\w.]+[ \t]*$|return\b|"
    r"#include[ \t]*<|(?:public|private|static)[ \t]+\w+[ \t]+\w+[ \t]*\(|"
    r"function[ \t]+\w+[ \t]*\(|(?:const|let|var)[ \t]+\w+[ \t]*=)"
)
STUB_WEIGHT = 8.0
CODE_LINES = 3
CODE_LINES_WEIGHT = 3.0


def _written_code(
    text: str, passages: _Spans, material: _Spans, turns: list[str], request: _Tally
) -> None:
    """Evidence from source code in the prompt or its user turn."""
    places = [("prompt", text)] + [("sibling", turn) for turn in turns]
    for source, body in places:
        stub = _STUB.search(body)
        if stub and (
            source != "prompt" or not (passages.holds(stub.start()) or material.holds(stub.start()))
        ):
            request.add("function to complete", "code", source, STUB_WEIGHT)
            return
    for source, body in places:
        lines = [
            m
            for m in _CODE_LINE.finditer(body)
            if source != "prompt" or not (passages.holds(m.start()) or material.holds(m.start()))
        ]
        if len(lines) >= CODE_LINES:
            request.add("source code", "code", source, CODE_LINES_WEIGHT, topic=True)
            return


def _user_turns(unit: PromptUnit) -> list[str]:
    """The texts of the call's other messages that ask: the user turn, a
    CrewAI task, an included template (not a system or assistant message)."""
    return [
        sib.text
        for sib in unit.context.siblings
        if sib.text and sib.role not in ("system", "developer", "assistant")
    ]


def _user_asks(turns: list[str]) -> bool:
    """Whether the call's user turn states a request of its own words (a
    CrewAI task's description, a written user message), not only a
    placeholder."""
    return any(_has_words(turn, 4) for turn in turns)


def _has_words(text: str, n: int) -> bool:
    """Whether ``text`` holds ``n`` words or more: read only as far as the
    n-th (a user turn may be a whole document)."""
    found = word_re(text).finditer(text)
    return sum(1 for _ in islice(found, n)) >= n


def _siblings(
    turns: list[str],
    request: _Tally,
    lex: TaskLexicon,
    strongest: dict[str, tuple[float, str, int]],
) -> bool:
    """The call's other messages (the user turn, a CrewAI task, an included
    template) are the request; True when any of them says something."""
    said = False
    for sib_text in turns:
        if _has_words(sib_text, 2):
            said = True
        material, focus = _turn_spans(sib_text, current_extras())
        hits, n_cues = cue_hits(sib_text, lex)
        for i, (category, cue_weight, start, end) in enumerate(hits):
            if category == GENERAL or material.holds(start):
                continue
            if category not in _KEEPS_NEGATED and _negated(sib_text, start):
                continue
            weight = cue_weight * SOURCE_WEIGHTS["sibling"] * focus.at(start)
            request.add(sib_text[start:end], category, "sibling", weight, topic=i < n_cues)
            if weight > strongest.get(category, (0.0, "", 0))[0]:
                strongest[category] = (weight, sib_text, start)
    return said


@lru_cache(maxsize=64)
def _turn_spans(turn: str, extras: object) -> tuple[_Spans, _Spans]:
    """A user turn's supplied material and its task statements. Remembered:
    each message of a call (each section of a template) is the prompt of one
    analysis and a turn beside the others in every other one. ``extras``:
    the vocabulary read (its task verbs)."""
    return _Spans.of(material_spans(turn)), _Spans(_task_statements(turn, _Spans([])))


# Supplied material: what the prompt hands the model to work on, never what
# it asks. Fenced code and quotes, XML-style blocks (<document>...</document>),
# and what follows a line that introduces it ("Transcript:", "the following
# text:").
_QUOTE_BLOCK = re.compile(r"(?:^[ \t]*>[^\n]*(?:\n|\Z))+", re.M)
# A block opens with a tag that ends its line and runs to the first closing
# tag of the same name. Found by the tags alone, not by one pattern whose
# lazy body scans to the end of the text from every opening tag that is
# never closed (a log of pages with hundreds of <BEGIN_TEXT> markers took
# seconds).
_TAG_OPEN = re.compile(r"<([A-Za-z][\w-]{0,40})(?:\s[^<>\n]{0,200})?>\s*\n")


def tag_blocks(text: str) -> list[tuple[int, int, str]]:
    """The tagged blocks of ``text`` (start, end, tag name), outermost first
    and apart: a block inside another is part of it."""
    closes = closing_tags(text, fold=False)
    out: list[tuple[int, int, str]] = []
    done = 0
    for m in _TAG_OPEN.finditer(text):
        if m.start() < done:
            continue
        close = first_close(closes, m.group(1), m.end())
        if close is not None:
            done = close[1]
            out.append((m.start(), done, m.group(1)))
    return out


# Tags that hold the prompt's own voice, not material: <role>, <task>,
# <instructions>, <rules>, <output_format> ...
_SPEAKS = re.compile(
    r"(?i)role|persona|identity|instruction|task|goal|objective|mission|rule|guideline|"
    r"constraint|capabilit|step|workflow|format|responsibilit|behavio|style|tone|polic|"
    r"principle|requirement|process|approach|guidance|system|prompt|purpose|job|skill|"
    r"expertise|profile|environment|team|tool|important|critical|note|priorit|directive"
)
_MATERIAL_LABEL = re.compile(
    r"(?im)^[ \t]*(?:#{1,6}[ \t]*)?(?:\*\*|__)?(?:the[ \t]+)?(?:input[ \t]+)?"
    r"(?:text|document|documents|transcript|passage|article|context|contexts|data|dataset|"
    r"excerpt|content|conversation|chat[ \t]+history|history|sources?|search[ \t]+results?|"
    r"results|memories|diff|patch|logs?|email|review|reviews|paragraph|story|essay|report|"
    r"notes|example|examples|sample|samples|few[- ]shot[ \t]+examples?|code|snippet|"
    r"reference|references|retrieved[ \t]+\w+|knowledge[ \t]+base|information|facts)"
    r"(?:\*\*|__)?[ \t]*[:：](?:\*\*|__)?[ \t]*(?:\n|$)"
)
_INTRODUCES = re.compile(
    r"(?i)\b(?:following|attached|provided|supplied|given|below|this|these)[ \t]+"
    r"(?:[\w-]+[ \t]+){0,3}?(?:text|document|documents|transcript|passage|article|data|"
    r"paragraph|email|conversation|content|information|reviews?|code|diff|logs?|notes|report|"
    r"excerpt|equations?|table|records?|results|sources)\b"
)


# "Here are some few-shot examples:": what follows shows, it does not ask
_EXAMPLES = re.compile(
    r"(?i)\b(?:here\s+(?:is|are)|below\s+(?:is|are)|see|consider|the\s+following\s+(?:is|are))\b"
    r"[^:\n]{0,40}?\b(?:examples?|samples?|demonstrations?)\b"
)


def material_spans(text: str) -> list[tuple[int, int]]:
    """Where ``text`` holds supplied material rather than instructions."""
    # fences, named example/document sections and tags, as persona detection
    # reads them; then what only a request's reading needs
    spans: list[tuple[int, int]] = list(supplied_spans(text))
    if ">" in text:
        spans.extend((m.start(), m.end()) for m in _QUOTE_BLOCK.finditer(text))
        if "</" in text:
            spans.extend(
                (start, end) for start, end, tag in tag_blocks(text) if not _SPEAKS.search(tag)
            )
    for m in _MATERIAL_LABEL.finditer(text):
        spans.append((m.end(), _section_end(text, m.end())))
    for sent in split_sentences(text):
        body = text[sent.start : sent.end].rstrip()
        if body.endswith((":", "：")) and (_INTRODUCES.search(body) or _EXAMPLES.search(body)):
            spans.append((sent.end, _introduced_end(text, sent.end)))
        elif CAPABILITY.match(body[:120]):
            # "You have access to ...", "You can run these scripts with
            # Bash:": what the model can use, not what it is asked; and the
            # list such a sentence opens
            end = sent.end
            if body.endswith((":", "：")):
                blank = text.find("\n\n", sent.end)
                end = len(text) if blank < 0 else blank
            spans.append((sent.start, end))
    if '"' in text or "“" in text:
        spans.extend(_scripted_lines(text))
    if HOLE in text:
        # "Debug info: {debug_info}": a field's label and the program's value
        spans.extend(m.span() for m in _LABELLED_HOLE.finditer(text))
    return merge_spans(spans)


_LABELLED_HOLE = re.compile(r"(?m)^[ \t]*[\w][\w \t'/-]{0,40}[:：][ \t]*" + HOLE + r"[ \t]*$")


# A line the prompt has the model say ("Then ask: \"Should I proceed?\"",
# "reply with \"Done.\""): the model's words, not what it is asked.
_SCRIPTED = re.compile(
    r"(?i)\b(?:ask|say|(?:reply|respond|answer|end|conclude)[ \t]+with|"
    r"tell[ \t]+(?:them|the[ \t]+user))[ \t]*:?[ \t]*[\"“]([^\"”\n]{1,300})[\"”]"
)
# ... unless someone else speaks it: "I will ask: \"What is ...?\""
_OTHER_SPEAKER = re.compile(
    r"(?i)\b(?:i|we|they|let[ \t]+(?:me|us)|users?|customers?|people|someone|students?)"
    r"\b[^.!?\n\"“]{0,25}\Z"
)


def _scripted_lines(text: str) -> list[tuple[int, int]]:
    out = []
    for m in _SCRIPTED.finditer(text):
        if not _OTHER_SPEAKER.search(text, max(0, m.start() - 30), m.start()):
            out.append(m.span(1))
    return out


_SECTION = re.compile(r"^[ \t]*#{1,6}[ \t]+\S", re.M)
# A line that labels a section (_LABEL's "Instructions:", "**Output format:**")
# of the prompt's own, as its name says, ends the material before it
# ("Milestones:", "Team notes:" are the material's own labels).
_OWN_SECTION = re.compile(
    r"(?i)(?:your[ \t]+|the[ \t]+|additional[ \t]+|important[ \t]+)?"
    r"(?:instructions?|tasks?|rules?|guidelines?|requirements?|constraints?|steps?|output|"
    r"response|answer|format|important|objective|goal|procedure|criteria|"
    r"evaluation[ \t]+criteria)\b"
)


@lru_cache(maxsize=16)
def _section_starts(text: str) -> tuple[int, ...]:
    """Where each section of ``text`` starts: a Markdown heading, or a label
    line of the prompt's own; found once per text, looked up for each label."""
    starts = [m.start() for m in _SECTION.finditer(text)]
    starts.extend(
        m.start()
        for m in _LABEL.finditer(text)
        if m.group("c") is not None and _OWN_SECTION.match(m.group("c"))
    )
    return tuple(sorted(starts))


def _section_end(text: str, start: int) -> int:
    """Material runs to the next Markdown heading, or the next label of the
    prompt's own section ("Instructions:"), or the end."""
    starts = _section_starts(text)
    k = bisect_left(starts, start)
    return starts[k] if k < len(starts) else len(text)


# What a colon's sentence introduces, when it is a tagged block or a fence.
_OPENS_TAG = re.compile(r"\s*<(?P<name>[A-Za-z][\w-]{0,40})(?:\s[^<>\n]{0,80})?>")
_OPENS_FENCE = re.compile(r"\s*(?P<fence>```+|~~~+)[^\n]*\n")


_OPENS_HOLE_LINE = re.compile(r"[ \t]*(?:\r?\n)?[ \t]*" + HOLE + r"[ \t]*(?=\r?\n|\Z)")


def _introduced_end(text: str, start: int) -> int:
    """Where the material a sentence ending in a colon introduces ends: with
    the tagged block or the fence it opens ("Here are some examples:" then
    ``<examples>...</examples>``), else at the next heading. What follows the
    block is the prompt's own again ("Classify this text as ALLOW or BLOCK")."""
    end = _section_end(text, start)
    tag = _OPENS_TAG.match(text, start, end)
    if tag is not None:
        close = first_close(closing_tags(text), tag.group("name").lower(), tag.end())
        if close is not None and close[1] <= end:
            return close[1]
    fence = _OPENS_FENCE.match(text, start, end)
    if fence is not None:
        closed = text.find(fence.group("fence"), fence.end(), end)
        if closed >= 0:
            return closed + len(fence.group("fence"))
    # "the following table structure definition:" then "{table_info}" on a
    # line of its own: the program's value is the material, and the lines
    # after it ("Give the correct SQL") are the prompt's own again
    hole = _OPENS_HOLE_LINE.match(text, start, end)
    if hole is not None:
        return hole.end()
    return end


def _head_spans(text: str, personas: list[Persona]) -> list[tuple[int, int]]:
    """Where each expert's identity phrase ("Senior *Python* Developer") sits."""
    out = []
    for p in personas:
        if p.kind != "expert" or not p.head:
            continue
        k = text.find(p.head, p.start, p.end)
        if k < 0:
            continue
        end = k + len(p.head)
        m = _COMPLEMENT.match(text, end, p.passage_end)
        if m is not None:
            end = m.end()
        out.append((k, end))
    return out


def _task_statements(
    text: str, personas: _Spans, *, standing: bool = False
) -> list[tuple[int, int, float]]:
    """Where the prompt states its main job, and how much more cues there count.

    "Your task is to ...", "I want you to ...", "My first request is ...",
    an imperative right after the persona, and the list that a statement
    ending in a colon introduces. With ``standing``, the call's user turn
    asks for something itself, and an agent's standing goal ("Your personal
    goal is: ...") is its general aim beside that request, so it counts less.
    """
    out: list[tuple[int, int, float]] = []
    sentences = split_sentences(text)
    in_list = False
    imperatives = 0
    for sent in sentences:
        if personas.holds(sent.start):
            continue
        pos = sent.start
        while pos < sent.end and text[pos] in " \t*_#>-•·\"'“0123456789.)":
            pos += 1
        head = text[pos : min(sent.end, pos + 80)]
        if standing and _GOAL.match(head):
            out.append((sent.start, sent.end, GOAL_BESIDE_REQUEST))
            in_list = False
            continue
        if _STATEMENT.match(head):
            out.append((sent.start, _word_limit(text, pos, sent.end), TASK_STATEMENT_BOOST))
            in_list = text[sent.end - 1 : sent.end] == ":" or head.rstrip().endswith(":")
            imperatives = 3
            continue
        if in_list and sent.block and text[sent.start : pos].strip(" \t") in _BULLETS:
            out.append((sent.start, sent.end, TASK_LIST_BOOST))
            continue
        in_list = False
        if text[sent.start : sent.end].rstrip().endswith(QUESTION_MARKS):
            # a question is what is asked: its words, not the story before it
            out.append((sent.start, sent.end, TASK_STATEMENT_BOOST))
            continue
        if imperatives < 2:
            m = _IMPERATIVE.match(head)
            if m and m.group(1).lower() in vocabulary().by_code["en"].task_verbs:
                out.append((sent.start, _word_limit(text, pos, sent.end), TASK_STATEMENT_BOOST))
                in_list = head.rstrip().endswith(":")
            imperatives += 1
    return out


# A parenthesis that lists examples ("(e.g., policy background, historical
# trends)", "(such as SQL or regex)"): topics the work may touch, not the work
_EXAMPLES_ASIDE = re.compile(
    r"(?i)\((?:e\.\s?g\.|eg\.|for\s+example|for\s+instance|such\s+as)[^()\n]{0,300}\)"
)


def _aside_sections(text: str) -> list[tuple[int, int, float]]:
    """Sections that constrain rather than state the job: "Rules:",
    "Variables:", "Example:", "Tone:", and a parenthesis of examples. Their
    cues count less."""
    out: list[tuple[int, int, float]] = []
    if "(" in text:  # first: within a section, the parenthesis holds
        out.extend((m.start(), m.end(), ASIDE_WEIGHT) for m in _EXAMPLES_ASIDE.finditer(text))
    current: tuple[int, float] | None = None
    for m in _LABEL.finditer(text):
        if current is not None:
            out.append((current[0], m.start(), current[1]))
            current = None
        # a heading sums up what follows: its own words count more, unless
        # it heads an aside ("## Notes")
        label = (m.group("h") or m.group("c") or m.group("u") or "").lower()
        aside = bool(_ASIDE_WORDS.search(label))
        out.append((m.start(), m.end(), ASIDE_WEIGHT if aside else LABEL_BOOST))
        if aside:
            current = (m.end(), ASIDE_WEIGHT)
    if current is not None:
        out.append((current[0], len(text), current[1]))
    if ":" in text or "：" in text:
        out.extend((m.start(1), m.end(1), ASIDE_WEIGHT) for m in _ROSTER.finditer(text))
    if "</" in text:
        # <capabilities>, <team_structure>, <operating_environment>: what the
        # model can use and who it works with, not what it is asked
        for start, end, tag in tag_blocks(text):
            if _ASIDE_TAG.search(tag):
                out.append((start, end, ASIDE_WEIGHT))
    return out


def _word_limit(text: str, start: int, end: int) -> int:
    """The end of the first STATEMENT_WORDS words: the verb and its object."""
    for n, m in enumerate(word_re(text).finditer(text, start, end)):
        if n == STATEMENT_WORDS:
            return m.start()
    return end


class _Spans:
    """Spans of a prompt looked up for every cue: persona passages, task
    statements, sections. They come apart (sentences, sections), so a
    bisection finds the span of an offset; spans that overlap are scanned,
    and the first that holds the offset wins either way."""

    def __init__(self, spans: list[tuple[int, int, float]]) -> None:
        self.spans = spans
        self.ordered = sorted(spans)
        self.starts = [s for s, _e, _b in self.ordered]
        self.apart = all(a[1] <= b[0] for a, b in pairwise(self.ordered))

    def at(self, offset: int, default: float = 1.0) -> float:
        """The value of the span that holds ``offset``, else ``default``."""
        if not self.apart:
            return next((b for s, e, b in self.spans if s <= offset < e), default)
        k = bisect_right(self.starts, offset) - 1
        if k >= 0 and offset < self.ordered[k][1]:
            return self.ordered[k][2]
        return default

    def holds(self, offset: int) -> bool:
        if not self.apart:
            return any(s <= offset < e for s, e, _b in self.spans)
        k = bisect_right(self.starts, offset) - 1
        return k >= 0 and offset < self.ordered[k][1]

    @classmethod
    def of(cls, spans: list[tuple[int, int]]) -> _Spans:
        return cls([(s, e, 0.0) for s, e in spans])


def _declared(value: str | None) -> str | None:
    if not value:
        return None
    v = value.strip().lower()
    v = _ALIASES.get(v, v)
    return v if v in TASKS else None


Hit = tuple[str, float, int, int]  # category, weight, start, end
_MAX_HITS_KEPT = 1024  # texts whose hits a lexicon keeps


def cue_hits(text: str, lex: TaskLexicon) -> tuple[tuple[Hit, ...], int]:
    """The task cues of ``text``, then its pattern matches, and how many of
    them are cues. Worked out once a text: the same text is read again as a
    sibling of each other message of its call, and as a copy of a template."""
    kept = lex.hits.get(text)
    if kept is not None:
        return kept
    cues = [(cue.category, cue.weight, start, end) for cue, start, end in match_cues(text, lex)]
    found = (tuple(cues + _pattern_hits(text, lex)), len(cues))
    while lex.hits and len(lex.hits) >= _MAX_HITS_KEPT:
        lex.hits.pop(next(iter(lex.hits)))  # the oldest
    lex.hits[text] = found
    return found


def match_cues(text: str, lex: TaskLexicon) -> list[tuple[Cue, int, int]]:
    """Task cues in ``text``: (cue, start, end), longest phrase first, no overlaps."""
    out: list[tuple[Cue, int, int]] = []
    toks = words(text)
    n = len(toks)
    singles, pairs, starred, plans = lex.singles, lex.pairs, lex.starred, lex.plans
    i = 0
    while i < n:
        word, start, end = toks[i]
        plan = plans.get(word)
        if plan is None:
            plan = _plan(word, lex)
        first, found, compound = plan
        if not (first or found or compound):
            i += 1
            continue
        step = 0
        if first and i + 1 < n:
            longer = pairs.get((word, toks[i + 1][0]))
            if word in starred:
                longer = sorted([*(longer or ()), *starred[word]], key=lambda c: -len(c.words))
            if longer:
                # longest first: the first phrase that matches wins, with its equals
                for cue in longer:
                    k = len(cue.words)
                    if step and k < step:
                        break
                    if i + k <= n and _phrase_at(cue.words, toks, i):
                        step = k
                        out.append((cue, start, toks[i + k - 1][2]))
        if not step:
            if found:
                step = 1
                out.extend((cue, start, end) for cue in found)
            elif compound:
                # a compound: "python-based", "ui/ux"
                for part in re.split(r"[-/]", word):
                    out.extend((cue, start, end) for cue in singles.get(part, ()))
        i += step or 1
    if lex.cjk is not None and has_cjk(text):
        for m in lex.cjk.finditer(text):
            for cue in lex.cjk_cues.get(m.group(0).lower(), ()):
                out.append((cue, m.start(), m.end()))
    return out


def _pattern_hits(text: str, lex: TaskLexicon) -> list[tuple[str, float, int, int]]:
    """Matches of the vocabulary's regular-expression cues (verb ... object)."""
    out: list[tuple[str, float, int, int]] = []
    tried = _trigger_starts(text, lex)
    chars: frozenset[str] | None = None  # the text's characters, for symbol triggers
    low: str | None = None
    for k, (pattern, category, weight, triggers) in enumerate(lex.patterns):
        if triggers is None:
            out.extend((category, weight, m.start(), m.end()) for m in pattern.finditer(text))
            continue
        if isinstance(triggers, WholeText):
            if chars is None:  # one pass over the text, not one a symbol
                chars = frozenset(text)
                low = folded(text)
            if triggers.may_match(text, chars, low):
                out.extend((category, weight, s, e) for s, e in triggers.spans(text))
            continue
        last = -1
        for start in tried.get(k, ()):
            if start >= last:
                m = pattern.match(text, start)
                if m is not None:
                    out.append((category, weight, m.start(), m.end()))
                    last = m.end()
    return out


def _trigger_starts(text: str, lex: TaskLexicon) -> dict[int, list[int]]:
    """Where each pattern that starts with a word is tried: the offsets of
    the words it can start with, in order (by its index in ``lex.patterns``).
    One pass over the words, not one over each pattern's words."""
    index = lex.pattern_index
    tried: dict[int, list[int]] = {}
    for word, start, _ in words(text):
        ks = index.get(word)
        if ks is not None:
            for k in ks:
                at = tried.get(k)
                if at is None:
                    tried[k] = [start]
                else:
                    at.append(start)
    return tried


def _phrase_at(cue_words: tuple[str, ...], toks: tuple[tuple[str, int, int], ...], i: int) -> bool:
    for k, w in enumerate(cue_words):
        tok = toks[i + k][0]
        if w.endswith("*"):
            if not tok.startswith(w[:-1]):
                return False
        elif tok != w:
            return False
    return True


def _plan(word: str, lex: TaskLexicon) -> tuple[bool, list[Cue], bool]:
    """What :func:`match_cues` needs to know of a word, worked out once."""
    found = lex.singles.get(word)
    if found is None:
        found = _prefix_cues(word, lex)
    plan = (word in lex.firsts, found, "-" in word or "/" in word)
    if len(lex.plans) < 50_000:
        lex.plans[word] = plan
    return plan


def _prefix_cues(word: str, lex: TaskLexicon) -> list[Cue]:
    cached = lex.cache.get(word)
    if cached is not None:
        return cached
    found: list[Cue] = []
    for k in lex.prefix_lengths:
        if k <= len(word):
            cues = lex.prefixes.get(word[:k])
            if cues:
                found = list(cues)
                break
    if len(lex.cache) < 50_000:
        lex.cache[word] = found
    return found


def _persona_fields(
    personas: list[Persona], tally: _Tally, weight: float = SOURCE_WEIGHTS["persona-role"]
) -> None:
    """The field of each expert role ("developer" -> code) counts once."""
    vocab = vocabulary()
    for p in personas:
        if p.kind != "expert":
            continue
        field_ = _field_of(p.head, vocab.occupations)
        if field_:
            word, category = field_
            tally.add(word, category, "persona-role", weight)


def _stack_field(persona: _Tally, field: _Tally, weight: float) -> None:
    """An "expert in TypeScript, React and Tailwind" has no occupation to
    name a field, but the stack it is expert in does: the strongest category
    of its identity's own words, as a tie-breaker like an occupation's."""
    heads: dict[str, float] = defaultdict(float)
    for e in persona.evidence:
        if e.source == "persona-head":
            heads[e.category] += e.weight
    if heads:
        category = max(heads, key=lambda k: heads[k])
        cue = next(
            e.cue for e in persona.evidence if e.source == "persona-head" and e.category == category
        )
        field.add(cue, category, "persona-role", weight)


def _generic_field(field: _Tally, persona: _Tally) -> bool:
    """An occupation with no field of its own ("designer", "illustrator")
    whose identity names a technology ("an *SVG* designer"): the technology
    is the medium of its work. A subject ("a *scientific* illustrator") is
    what the work depicts, not what it is made of."""
    return set(field.scores) == {"other"} and any(
        e.source == "persona-head" and e.category == "code" for e in persona.evidence
    )


def _field_of(head: str, occupations: dict[str, str]) -> tuple[str, str] | None:
    toks = [w.lower() for w in word_re(head).findall(head)]
    for i in range(len(toks) - 1, -1, -1):
        if i > 0:
            pair = f"{toks[i - 1]} {toks[i]}"
            if occupations.get(pair):
                return pair, occupations[pair]
        if occupations.get(toks[i]):
            return toks[i], occupations[toks[i]]
    if has_cjk(head):
        best = ""
        for occ, category in occupations.items():
            if category and len(occ) > len(best) and occ in head:
                best = occ
        if best:
            return best, occupations[best]
    return None


def _context(unit: PromptUnit, tally: _Tally, lex: TaskLexicon) -> None:
    """Evidence from the call site: names, holes, the user turn, format, model,
    tools and attachments."""
    ctx = unit.context
    names = lex.context.get("names", {})
    for name in ctx.names:
        for part in _name_parts(name):
            hit = names.get(part)
            if hit:
                tally.add(part, hit[0], "name", hit[1] * SOURCE_WEIGHTS["name"] / 2)
    formats = lex.context.get("response_format", {})
    for part in _name_parts(ctx.response_format or ""):
        hit = formats.get(part)
        if hit:
            weight = hit[1] * SOURCE_WEIGHTS["response_format"] / 2
            tally.add(f"response_format={part}", hit[0], "response_format", weight)
    models = lex.context.get("model", {})
    for part in _name_parts(ctx.model or ""):
        hit = models.get(part)
        if hit:
            tally.add(f"model={ctx.model}", hit[0], "model", hit[1] * SOURCE_WEIGHTS["model"] / 2)
            break
    for kind in ctx.attachments:
        tally.add(f"attached {kind}", "extraction", "attachment", SOURCE_WEIGHTS["attachment"])
    if ctx.after_agent:
        # handed over like a block of material in the request: it grounds the
        # facts asked about, and an explicit code or math request still says
        # what is done with it
        tally.add("handed the previous agent's output", "extraction", "material", 2 * GROUNDED)
    tools = lex.context.get("tools", {})
    # what the call's tools say, once per category: a toolbox of ten file
    # tools fetches no more material than one does
    strongest: dict[str, tuple[float, str]] = {}
    for tool in ctx.tools:
        parts = _name_parts(tool)
        # "OpenBBToolkit" -> open, bb, toolkit: "openbb" is two of them
        pairs = [a + b for a, b in pairwise(parts)]
        hit = next((h for part in [tool.lower(), *parts, *pairs] if (h := tools.get(part))), None)
        if hit and hit[1] > strongest.get(hit[0], (0.0, ""))[0]:
            strongest[hit[0]] = (hit[1], tool)
    for category, (weight, tool) in strongest.items():
        tally.add(f"tool={tool}", category, "tools", weight * SOURCE_WEIGHTS["tools"] / 2)


# A placeholder that is a block of its own, alone on its line, bare or under
# its label ("COMPETITOR PROFILE:\n{competitor_profile}", "Context: {context}")
# (linear: the label's trailing blanks need the line break after them) ...
_BLOCK_HOLE = re.compile(
    r"(?m)^[ \t]*(?:[^\W\d][\w \t'/()-]{0,40}[:：](?:[ \t]*\n)?)?[ \t]*" + HOLE + r"[ \t]*$"
)
# ... whose name says it holds material to work on (a document, a transcript,
# an earlier stage's research or analysis), not what is asked, a subject
# ("{person}", "{event}") or figures a task computes with ("{data}")
_MATERIAL_NAME = re.compile(
    r"(?i)(?:^|_|(?<=[a-z])(?=[A-Z]))(?:transcripts?|documents?|docs|texts?|articles?|context|"
    r"passages?|excerpts?|chunks?|notes|emails?|reports?|reviews?|logs|conversations?|history|"
    r"records|sources|results|research|findings|analysis|analyses|profile|summary|summaries|"
    r"memo|intel|information|info|content|outputs?)(?:$|_|(?=[A-Z]))"
)
_PLAIN_NAME = re.compile(r"[^\W\d][\w.]*")  # a value's name, not an expression
BLOCK_HOLE_WEIGHT = GROUNDED  # each, for at most two: one grounds the request
BLOCK_HOLES_COUNTED = 2


def _holes(unit: PromptUnit, tally: _Tally, lex: TaskLexicon) -> None:
    """The names of the prompt's placeholders: what is put into the request
    ("Review this: {diff}"), so they count with it."""
    names = lex.context.get("names", {})
    holes = lex.context.get("holes", {})
    for hole in unit.holes:
        for part in _name_parts(hole.name):
            hit = holes.get(part) or names.get(part)
            if hit:
                tally.add(part, hit[0], "hole", hit[1] * SOURCE_WEIGHTS["hole"] / 2, topic=True)


def _material_holes(unit: PromptUnit, tally: _Tally) -> None:
    """The placeholders that stand for blocks of material: facts of the
    call (the context), which ground the request's questions in what the
    program puts there without deciding its task on their own."""
    if unit.holes:
        blocks = [m.span() for m in _BLOCK_HOLE.finditer(unit.text)]
        counted = 0
        for hole in unit.holes:
            if counted == BLOCK_HOLES_COUNTED:
                break
            name = hole.name
            if (
                hole.source.startswith("{%")  # a template's statement, not a value
                or not _PLAIN_NAME.fullmatch(name)
                or not _MATERIAL_NAME.search(name.rsplit(".", 1)[-1])
                or not any(a <= hole.text_offset < b for a, b in blocks)
            ):
                continue
            counted += 1
            tally.add(f"{{{name}}}", "extraction", "material", BLOCK_HOLE_WEIGHT)


def _name_parts(name: str) -> list[str]:
    """``grade_answer`` -> grade, answer; ``SQLPrompt`` -> sql, prompt."""
    parts: list[str] = []
    for chunk in re.split(r"[^A-Za-z0-9]+", name):
        parts.extend(p.lower() for p in _SPLIT_NAME.findall(chunk))
    return parts


def _decide(
    tallies: list[_Tally],
    general: float,
    unit: PromptUnit,
    *,
    assumed: bool,
    asked: float,
    strongest: dict[str, tuple[float, str, int]],
    choice: bool = False,
) -> TaskInference:
    request, context = tallies[0], tallies[1]
    # A request that works on supplied material ("the following reviews",
    # "extract ... from each equation") is extraction whatever the material's
    # topic: the topic's knowledge and judgement words describe the material.
    # Options to choose from ask for the one right answer, passage or not.
    # Material a tool fetches, a model that searches for every answer fetches,
    # or the call attaches grounds it too.
    fetched = material = 0.0
    for e in context.evidence:
        if e.category == "extraction" and e.source in ("tools", "attachment", "model"):
            fetched += e.weight
        elif e.category == "extraction" and e.source == "material":
            material += e.weight
    supplied = fetched + material
    grounded = request.scores.get("extraction", 0.0) + supplied >= GROUNDED and not choice
    # A request that asks for a label of the material ("If this is spam reply
    # with STOP", "Answer yes or no", "classify each review") judges it: the
    # words that hand the material over, and those that name it ("the
    # following email"), say what is judged, not the task.
    labelled = (
        request.scores.get("judgement", 0.0) - request.topics.get("judgement", 0.0) >= LABELLED
    )
    # what only hands the material over ("Read the following post"), not
    # the work done on it ("Summarise the following memo"), and what names
    # the criterion it is judged by ("grounded or hallucinated?")
    handed = (
        sum(
            e.weight
            for e in request.evidence
            if e.category == "extraction" and (_HANDS_OVER.match(e.cue) or _CRITERION.match(e.cue))
        )
        if labelled
        else 0.0
    )
    merged: dict[str, float] = defaultdict(float)
    for tally in tallies:
        scale = CONTEXT_BESIDE_REQUEST if tally is context and not assumed else 1.0
        for k, v in tally.scores.items():
            if labelled and tally is request and k == "extraction":
                v = max(0.0, v - min(v, handed) * (1 - GROUNDED_DISCOUNT))
            elif labelled and tally is request and k == "writing":
                v -= tally.topics.get(k, 0.0) * (1 - GROUNDED_DISCOUNT)
            elif grounded and tally is request and k == "factual" and supplied >= GROUNDED:
                # what the program puts in (a block of material, what a search
                # or data tool returns) answers the facts asked for: the
                # questions are what to look up in it
                v *= SUPPLIED_TOPIC_DISCOUNT
            elif grounded and tally is request and k in _GROUNDED_TOPICS:
                topics = min(v, tally.topics.get(k, 0.0))
                # the topic words of what a tool fetches or the call attaches
                # are its contents: they count least
                share = SUPPLIED_TOPIC_DISCOUNT if supplied >= GROUNDED else GROUNDED_DISCOUNT
                v = (v - topics) * GROUNDED_DISCOUNT + topics * share
            elif (
                supplied >= GROUNDED
                and (tally is not context or k == "factual")
                and k in _GROUNDED_TOPICS
            ):
                # a search or data tool, or an attachment, supplies the facts
                # of the persona's field and of the call's names: "a stock
                # analyst" with a stock-price tool reports what the tool returns
                v *= GROUNDED_DISCOUNT
            elif grounded and tally is request and k in _GROUNDED_WORDS:
                # "git", "repo", "function" around supplied diffs and code
                # describe them, unless the request also asks for the work
                # in its own verb and object ("fix the bug", "find bugs")
                topics = tally.topics.get(k, 0.0)
                if v - topics <= 1e-6:
                    v -= topics * (1 - GROUNDED_DISCOUNT)
            merged[k] += v * scale
    if not assumed:
        # what the call hands over counts in full: a fact about the call,
        # not a hint from its names
        merged["extraction"] += fetched * (1 - CONTEXT_BESIDE_REQUEST)
    scores = {k: round(v, 3) for k, v in merged.items() if v > 0}
    if not scores:
        open_ended = general >= 2.5 or _free_question(unit)
        return TaskInference("other", 0.2, [], {}, open_ended=open_ended)
    # on a tie, the task that does not make a finding: a linter is sure first
    ranked = sorted(
        scores.items(), key=lambda kv: (kv[1], kv[0] not in ACCURACY_TASKS), reverse=True
    )
    best, top = ranked[0]
    if best in ACCURACY_TASKS:
        rival = next(((k, v) for k, v in ranked[1:] if k not in ACCURACY_TASKS), None)
        if rival is not None and rival[1] >= NEAR_TIE * top:
            best, top = rival  # too close to call: the task that makes no finding
            ranked = [rival, *(kv for kv in ranked if kv != rival)]
    second = ranked[1][1] if len(ranked) > 1 else 0.0
    total = sum(scores.values())
    confidence = min(0.95, (top / total) * (1 - 0.5 ** (top / 3)) + 0.1)
    if assumed:
        confidence *= ASSUMED_CONFIDENCE
    accurate = sum(v for k, v in scores.items() if k in ACCURACY_TASKS)
    generative = total - accurate
    mixed = best in ACCURACY_TASKS and generative >= 0.6 * accurate and second >= 0.6 * top
    open_ended = general >= 2.5 or mixed or (_free_question(unit) and asked < 6)
    # the request's evidence first (strongest first), then the context's,
    # then anything from the persona; the winning category before the rest
    order = {id(t): n for n, t in enumerate(tallies)}
    evidence = [e for t in tallies for e in t.evidence]
    owner = {id(e): order[id(t)] for t in tallies for e in t.evidence}
    evidence.sort(key=lambda e: (e.category != best, owner[id(e)], -e.weight))
    return TaskInference(
        best,
        round(confidence, 3),
        evidence,
        scores,
        open_ended=open_ended,
        assumed=assumed,
        request=_request_of(strongest.get(best)),
    )


def _request_of(found: tuple[float, str, int] | None) -> str:
    """The sentence the strongest evidence for the task was read from."""
    return "" if found is None else _sentence_at(found[1], found[2])[:160]


def _free_question(unit: PromptUnit) -> bool:
    return any(h.name.lower() in _OPEN_HOLES for h in unit.holes)
