"""Keep what a persona sentence says besides the identity.

"You are a content moderation expert tasked with categorizing user-generated
text ..." names an identity and then the task; "You are an expert in
TypeScript, Node.js and React." names an identity and the project's stack.
Removing the sentence would remove the task or the stack with the persona, so
the fix rewrites what follows the identity as a plain statement instead:

- a task ("tasked with categorizing X", "that plans X", "analyzing X",
  "here to help X") becomes an instruction: "Categorize X", "Plan X";
- a field or stack ("in TypeScript and React", "with deep knowledge of Jest",
  "specializing in modern web development", "using Go") becomes, in a
  project's rule file, "This project uses TypeScript and React" (a name
  first) or "This project involves modern web development", and in any other
  prompt "This task concerns the Roman Empire";
- credentials ("with 15 years of experience", "known for ...") are identity
  and go.

Only these shapes are rewritten, each by a fixed rule, and a verb is turned
into an instruction only when :data:`rules/rewrite.toml` lists it. Anything
else after the identity makes the fix unsafe, with the words it would lose
named in the message. The rewrite is a handful of replacements inside the
sentence: the words kept are not copied, so quoting and escapes stay as they
were.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from functools import lru_cache

from prism_lint.analysis.vocabulary import LazyPattern, vocabulary
from prism_lint.data import load_toml
from prism_lint.fix.strip import TextEdit

# The patterns that read a persona's tail are compiled when a tail is first
# read: most personas end at their identity ("You are an expert."), and
# compiling them cost a one-file run 6 ms.
# Modifiers that open a new part of the tail after a comma.
_PART = LazyPattern(
    r",\s*(?=(?:and\s+)?(?:with|having|tasked|responsible|charged|in charge|specializ|specialis"
    r"|focus|who|that|which|whose|known|skilled|proficient|experienced|versed|well[- ]versed"
    r"|using|working|here to|designed|built|trained|capable|able|dedicated|passionate"
    r"|an?\s+(?:\w+\s+)?(?:expert|specialist)\b|(?<!and\s)(?<!or\s)[a-z]+ing\b))"
    # a relative clause opens a part without a comma too (tried where a run
    # of white space starts: from every blank of a long run it was quadratic)
    r"|(?<!\s)\s+(?=(?:that|who|which)\s+(?:\w+ly\s+)?[a-z]+s\b)",
    re.IGNORECASE,
)
_ADJ = (
    r"(?:deep|extensive|broad|strong|solid|vast|proven|advanced|expert|in-depth|thorough"
    r"|comprehensive|extensive|hands-on|practical|professional|specialized|specialised"
    r"|working|intimate|detailed|excellent|exceptional|unparalleled|encyclopedic)"
)
# "in X", "with deep knowledge of X", "specializing in X", "using X", ...
_FIELD = LazyPattern(
    rf"(?:and\s+)?(?:(?:with|having)\s+(?:an?\s+)?(?:{_ADJ}[\s,]+)*(?:and\s+)?(?:{_ADJ}\s+)?"
    r"(?:expertise|knowledge|experience|understanding|mastery|proficiency|command|skills?"
    r"|background|grasp|familiarity)\s+(?:in|of|with|across|on)"
    r"|(?:who\s+(?:is|are)\s+)?(?:(?:highly|deeply)\s+)?(?:speciali[sz](?:ed|ing|es)|skilled"
    r"|proficient|experienced|(?:well[- ])?versed|fluent|knowledgeable|focused|focusing"
    r"|seasoned|expert)\s+(?:in|on|with|at|about)"
    r"|(?:who|that)\s+(?:speciali[sz]es|works)\s+(?:in|on|with)"
    r"|(?:an?\s+)?(?:[\w-]+\s+)?(?:expert|specialist)\s+(?:in|on|with|at)"
    r"|in|at(?=\s+[a-z]+ing\b)|across|spanning|covering|including"
    r"|using|working\s+with"
    r"|(?:who|that)\s+uses?)\s+(?=\S)",
    re.IGNORECASE,
)
# "with a strong emphasis on X", "who focuses on X": what the work stresses
_FOCUS = LazyPattern(
    r"(?:and\s+)?(?:with\s+(?:an?\s+)?(?:(?:strong|particular|special|clear|deep)\s+)?"
    r"(?:focus|emphasis)\s+on|(?:who|that)\s+(?:\w+ly\s+)?(?:focus|focuses)\s+on"
    r"|focused\s+on|focusing\s+on)\s+(?=\S)",
    re.IGNORECASE,
)
# "tasked with categorizing", "that plans", "here to help", "analyzing"
_TASK = LazyPattern(
    r"(?:and\s+)?(?:(?:tasked|charged)\s+with|responsible\s+for|in\s+charge\s+of"
    r"|(?:whose|your)\s+(?:job|task|role|goal|purpose|mission)\s+is\s+(?:to\s+)?"
    r"|you\s+(?:will|should|must|shall)\s+"
    r"|(?:here|designed|built|meant|trained|dedicated|able|ready)\s+to"
    r"|(?:who|that|which)\s+(?:(?:will|can|must|should|shall)\s+)?)?"
    r"\s*(?:(?:primarily|mainly|mostly|always|also|then|carefully|efficiently|quickly)\s+)?"
    r"(?P<verb>[A-Za-z]+)\b",
    re.IGNORECASE,
)
# Credentials: identity only.
_CREDENTIALS = LazyPattern(
    r"(?:and\s+)?(?:(?:with|having)\s+(?:over\s+|more\s+than\s+|nearly\s+|almost\s+|about\s+)?"
    r"[\w+-]+(?:\s+[\w+-]+)?\s+(?:years?|decades?)\b"
    r"|known\s+for|(?:with|having)\s+(?:an?\s+|the\s+)?(?:passion|love|eye|knack|talent"
    r"|track\s+record|reputation|phd|ph\.d\.|doctorate|degree|keen)"
    r"|who\s+(?:is|are)\s+(?:an?\s+)?(?:passionate|obsessed|dedicated|committed|meticulous"
    r"|detail-oriented|known|renowned|recognized|recognised|respected)"
    r"|(?:passionate|obsessed|renowned|recognized|recognised|respected)\s+(?:about|for|in|as))"
    r"\b.*",
    re.IGNORECASE | re.DOTALL,
)
# A claim that ends with its verb: what follows is what it claims.
_CLAIMED = LazyPattern(
    r"(?i)\b(?:spans|span|includes|include|covers|encompasses|ranges|extends)\s*\Z"
)
_CLAIMED_PREP = LazyPattern(r"(?i)\b(?:excels?|speciali[sz]es?|have speciali[sz]ed)\s*\Z")
_KNOWLEDGE = LazyPattern(
    r"(?i)\b(?:knowledge|understanding|expertise|mastery|command|grasp|experience)\s*\Z"
)
_LISTED_VERB = LazyPattern(r",\s+(?:and\s+)?(?P<verb>[a-z]+(?:es|s))\b(?=\s+[\w\"'])")
_STOP_INSIDE = re.compile(r"[.!?]\s+[A-Z]")
_MORE_VERBS = LazyPattern(r"\s*(?:,\s*)?(?:and|or|,)\s+(?P<verb>[A-Za-z]+)\b")
_END_MARKS = ".:;!?…*_\"'”’)"  # with white space, what closes a persona sentence
_CODE_SUBJECTS = ("This project", "This task")


@dataclass
class Rewrite:
    """Replacements inside the persona sentence, and whether they are safe."""

    edits: list[TextEdit]
    safe: bool = True
    notes: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # "the task", "the stack", ...


@dataclass
class _Part:
    start: int  # offsets into the text
    end: int
    kind: str  # "credentials", "field", "task", "unknown"
    keep_from: int = 0  # where the kept words start (field, task)
    lead: str = ""  # what stands before them ("This project uses ", "Categorize")
    # further verbs of the task to put in the base form: (start, end, base)
    more: list[tuple[int, int, str]] = field(default_factory=list)


@lru_cache(maxsize=1)
def _verbs() -> frozenset[str]:
    table = load_toml("rewrite.toml")
    return frozenset(str(v).lower() for v in table["instructions"]["verbs"])


def imperative(word: str) -> str | None:
    """The base form of a task verb ("categorizing", "plans", "analyze"), or
    None when it is not one the table lists (or the form is not regular)."""
    low = word.lower()
    verbs = _verbs()
    candidates = [low]
    if low.endswith("ing") and len(low) > 5:
        stem = low[:-3]
        candidates += [stem, stem + "e"]
        if len(stem) > 2 and stem[-1] == stem[-2]:
            candidates.append(stem[:-1])  # planning -> plan
    if low.endswith("ies") and len(low) > 4:
        candidates.append(low[:-3] + "y")  # classifies -> classify
    if low.endswith("es") and len(low) > 3:
        candidates.append(low[:-2])  # fixes -> fix
    if low.endswith("s") and len(low) > 2:
        candidates.append(low[:-1])  # plans -> plan
    for c in candidates:
        if c in verbs:
            return c
    return None


def plan_rewrite(
    text: str, start: int, identity_end: int, end: int, subject: str
) -> Rewrite | None:
    """How to keep what follows the identity in ``text[start:end]``.

    ``start`` is where the persona sentence starts, ``identity_end`` where its
    identity phrase ends. None when nothing but identity follows (the whole
    sentence can go); otherwise replacements that turn the sentence into what
    it says besides the identity.
    """
    if subject not in _CODE_SUBJECTS:
        raise ValueError(subject)
    tail_end = _closing_run(text, identity_end, end)
    if tail_end <= identity_end or not re.search(r"\w", text[identity_end:tail_end]):
        return None
    if _STOP_INSIDE.search(text, identity_end, tail_end):
        # "... categorizing jr. Write a function that sorts ...": the sentence
        # may end inside the span; a rewrite there could reach the request
        return Rewrite(
            [], False, ["the persona sentence may run on into the next one; check where it ends"]
        )
    parts = _parts(text, identity_end, tail_end)
    if all(p.kind == "credentials" for p in parts):
        return None
    out = Rewrite([])
    for p in parts:
        if p.kind == "unknown":
            words = " ".join(text[p.start : p.end].strip(" ,").split())
            out.safe = False
            out.notes.append(
                f"the persona sentence goes on with {_quote(words)}, which may "
                "carry the task; check what it asks before removing it"
            )
            return out
        if p.kind == "task" and not p.lead:
            out.safe = False
            verb = text[p.keep_from : p.end].split()[0] if text[p.keep_from : p.end].split() else ""
            out.notes.append(
                f"{_quote(verb)} is not a verb the fix knows how to turn into an "
                "instruction; check the rewritten task"
            )
            return out
    kept = [p for p in parts if p.kind in ("field", "task")]
    pos = start
    for i, p in enumerate(kept):
        lead = p.lead
        if p.kind == "field":
            # a prompt's subject "concerns" whatever it is; a project "uses"
            # a named stack and "involves" an activity or a field
            if subject != "This project" and lead != "focuses on ":
                lead = "concerns "
            lead = f"{subject} {lead}"
        if i:
            lead = ". " + lead
        out.edits.append(TextEdit(pos, p.keep_from, lead))
        out.edits.extend(TextEdit(a, b, base) for a, b, base in p.more)
        out.kept.append("the task" if p.kind == "task" else "the field")
        pos = p.end
    if pos < tail_end:
        out.edits.append(TextEdit(pos, tail_end))  # credentials at the end
    return out


def _closing_run(text: str, a: int, b: int) -> int:
    """Where the white space and closing marks that end ``text[a:b]`` start
    (read back from ``b``: a pattern anchored at the end was tried from
    every blank of a long run)."""
    while b > a and (text[b - 1].isspace() or text[b - 1] in _END_MARKS):
        b -= 1
    return b


def _parts(text: str, a: int, b: int) -> list[_Part]:
    cuts = [a]
    for m in _PART.finditer(text, a, b):
        if not _in_brackets(text, a, m.start()) and text[cuts[-1] : m.start()].strip():
            cuts.append(m.start())
    cuts.append(b)
    parts = []
    for x, y in itertools.pairwise(cuts):
        parts.append(_classify(text, x, y, first=x == a))
    return parts


def _in_brackets(text: str, a: int, pos: int) -> bool:
    seg = text[a:pos]
    return seg.count("(") > seg.count(")") or seg.count("[") > seg.count("]")


def _classify(text: str, x: int, y: int, *, first: bool) -> _Part:
    i = x
    while i < y and (text[i].isspace() or text[i] in ",;—–-"):
        i += 1
    body = text[i:y]
    if _CREDENTIALS.match(body) or _another_identity(body):
        return _Part(x, y, "credentials")
    m = _FOCUS.match(body)
    if m is not None and _is_object(body[m.end() :]):
        return _Part(x, y, "field", i + m.end(), "focuses on ")
    m = _FIELD.match(body)
    if m is not None:
        obj = body[m.end() :]
        gerund = re.match(r"[A-Za-z]+ing\b", obj)
        if gerund is not None and imperative(gerund.group(0)) is None and not obj[:1].isupper():
            # "in building ...": an activity; "involves" reads for any -ing
            return _Part(x, y, "field", i + m.end(), "involves ")
        if not _is_object(obj):
            return _Part(x, y, "unknown")
        return _Part(x, y, "field", i + m.end(), _verb_for(obj))
    knows = first and body[:3].lower() == "of " and _KNOWLEDGE.search(text, max(0, x - 20), x)
    if knows and _is_object(body[3:]):
        # "You have deep knowledge | of Drupal's API": what the claim knows
        return _Part(x, y, "field", i + 3, _verb_for(body[3:]))
    prep = re.match(r"(?:at|in)\s+", body) if first else None
    if prep and _CLAIMED_PREP.search(text, max(0, x - 20), x) and _is_object(body[prep.end() :]):
        # "you excel | at data analysis": what the claim is about
        obj = body[prep.end() :]
        lead = "involves " if re.match(r"[a-z]+ing\b", obj) else _verb_for(obj)
        return _Part(x, y, "field", i + prep.end(), lead)
    if first and _CLAIMED.search(text, max(0, x - 20), x) and _is_object(body):
        # "Your expertise spans | Bayesian methods": the claim's object
        return _Part(x, y, "field", i, _verb_for(body))
    m = _TASK.match(body)
    if m is not None:
        verb = m.group("verb")
        introduced = m.start("verb") > 0
        base = imperative(verb)
        participle = verb.lower().endswith("ing")
        third = not participle and verb.lower().endswith("s")
        if introduced or participle or (not first and base):
            if base is None or (not introduced and not participle and not third):
                return _Part(x, y, "task", i + m.start("verb"), "")
            lead = base[:1].upper() + base[1:]
            part = _Part(x, y, "task", i + m.end("verb"), lead)
            if participle or introduced:
                # "tracking and documenting defects": every verb of the list
                at = i + m.end("verb")
                while (more := _MORE_VERBS.match(text, at, y)) is not None:
                    if not more.group("verb").lower().endswith("ing"):
                        break
                    other = imperative(more.group("verb"))
                    if other is None:
                        return _Part(x, y, "task", i + m.start("verb"), "")
                    part.more.append((more.start("verb"), more.end("verb"), other))
                    at = more.end()
            if third:
                # "who searches the web, identifies findings, and produces
                # summaries": each verb of the list in the same form
                for more in _LISTED_VERB.finditer(text, i + m.end("verb"), y):
                    word = more.group("verb")
                    other = imperative(word)
                    if other is not None and word.lower() != other:
                        part.more.append((more.start("verb"), more.end("verb"), other))
            return part
    return _Part(x, y, "unknown")


def _another_identity(body: str) -> bool:
    """ "seasoned Kubernetes operator", "and a mentor": the identity again,
    in other words (adjectives, names and a role noun last)."""

    en = vocabulary().by_code["en"]
    toks = re.findall(r"[\w.+#/-]+", body)
    if not toks or len(toks) > 8:
        return False
    nouns = set(en.occupations) | set(en.role_nouns)
    if toks[-1].lower() not in nouns:
        return False
    for t in toks[:-1]:
        low = t.lower()
        if not (
            low in ("and", "a", "an", "the")
            or low in en.expert_words
            or low in nouns
            or t[:1].isupper()
            or t[:1].isdigit()
        ):
            return False
    return True


def _is_object(obj: str) -> bool:
    """A noun phrase: words, names, lists; not a clause with its own verb."""
    words = re.findall(r"[\w.+#-]+", obj)
    if not words or len(words) > 60:
        return False
    return not re.match(r"(?i)(?:you|your|i|we|it|this|that|which|who)\b", obj)


def _verb_for(obj: str) -> str:
    """ "uses" before a name ("TypeScript", ".NET", "the TALL stack"), else
    "involves" ("modern web development")."""
    s = obj.lstrip("*_`\"'“(")
    if re.match(r"(?:the\s+)?[A-Z0-9.]", s):
        return "uses "
    return "involves "


def _quote(words: str) -> str:
    return f'"{words}"' if len(words) <= 60 else f'"{words[:59]}…"'
