"""Autofixes: strip a persona or gate it on intent.

``fix_for`` is called by the engine for every persona finding. It plans the
change on the prompt text (:mod:`.strip`), maps it onto the document through
the unit's pieces (:mod:`.mapping`), adds what the format needs (:mod:`.python`,
:mod:`.gate`), and checks the result (:mod:`.verify`) before offering it.

Applicability, as in ruff:

- **safe**: strip removes exactly the persona with the white space and
  punctuation around it (and repairs a capital letter); no placeholder, no
  escape cut in half, the file still parses and re-reading it gives the
  intended prompt;
- **unsafe**: anything else that is still clean: a conjunction, label or
  emptied heading removed with it, a placeholder inside the persona, a
  persona-only message removed from a call, and every gate;
- **no fix**: the persona cannot be removed cleanly (an escape or separator
  in the way, a syntax error after the edit), or the prompt is nothing but
  the persona and there is no message or argument to drop in its place,
  because an empty prompt is rejected by some APIs and meaningless in a file.
"""

from __future__ import annotations

import bisect
import itertools
import re
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from prism_lint.analysis.persona import find_personas
from prism_lint.analysis.sentences import split_sentences
from prism_lint.fix import layout, verify
from prism_lint.fix.gate import gate_region, is_gated, style_of, template_gate
from prism_lint.fix.mapping import map_edits
from prism_lint.fix.python import (
    PySource,
    import_edit,
    is_pure,
    prompt_expression,
    remove_element,
    router_call,
    site_of,
    tidy_literals,
)
from prism_lint.fix.rewrite import plan_rewrite
from prism_lint.fix.strip import TextEdit, has_words, plan_strip, rewritten, starts_sentence
from prism_lint.fix.verify import kind_for
from prism_lint.formats import format_of, load
from prism_lint.lazy_re import lazy
from prism_lint.model import HOLE, Document, Edit, Fix, Recheck
from prism_lint.rules import declares

if TYPE_CHECKING:
    from prism_lint.analysis import Analysis, Persona
    from prism_lint.config import Settings
    from prism_lint.fix.mapping import Mapped
    from prism_lint.fix.strip import StripPlan
    from prism_lint.model import PromptUnit
    from prism_lint.rules import Finding

# A persona clause longer than this is a sentence split gone wrong (text
# with literal "\n" escapes, a list with no full stops): no fix.
MAX_PERSONA_WORDS = 100
_POSITIONAL = re.compile(r"\{\d*(?:![rsa])?(?::[^}]*)?\}|%[-#0 +]*\d*(?:\.\d+)?[a-zA-Z]")


def fix_for(
    unit: PromptUnit, analysis: Analysis, finding: Finding, code: str, settings: Settings
) -> Fix | None:
    """The fix for one finding, or None where none can be made."""
    if finding.persona is None:
        return None
    try:
        span = (min(finding.start, finding.persona.start), max(finding.end, finding.persona.end))
        return build_fix(unit, analysis, finding.persona, code, settings, span)
    except (ValueError, IndexError, KeyError, AttributeError, RecursionError):
        # A fix that cannot be worked out is no fix; the finding still stands.
        return None


def persona_gated(unit: PromptUnit, persona: Persona, settings: Settings) -> bool:
    """Whether the persona already sits inside a gate on ``gate-variable``
    (put there by the gate fix): it is then applied only when the
    application says so, and no rule should report it again."""

    return is_gated(unit, persona.start, settings.gate_variable)


def strategy(code: str, settings: Settings) -> str:
    """``fix-strategy`` from the configuration, else the rule's default."""
    if any(code.startswith(prefix) for prefix, _ in settings.fix_strategy):
        return settings.strategy_for(code)
    return "gate" if declares(code, "default_fix", "gate") else "strip"


def build_fix(
    unit: PromptUnit,
    analysis: Analysis,
    persona: Persona,
    code: str,
    settings: Settings,
    span: tuple[int, int] | None = None,
) -> Fix | None:
    """The fix for ``persona``. ``span`` is what the finding points at (the
    persona clause, or for the long-persona rule the whole passage): what
    strip removes. It defaults to the persona itself."""

    if is_gated(unit, persona.start, settings.gate_variable):
        return None
    kind = kind_for(unit.doc, settings)
    if kind is None:
        return None
    start, end = span or (persona.start, persona.end)
    if len(unit.text[persona.start : persona.end].split()) > MAX_PERSONA_WORDS:
        return None  # no persona clause is that long: the span is not one
    clause = unit.text[persona.start : persona.end]
    if HOLE in clause and re.search(r"[.!?。]\s*" + HOLE + r"\s*\w", clause):
        # words after a placeholder: the span runs past the persona into
        # template output ("... engineer.{{ sep }}Write ..."), no clean cut
        return None
    if end > persona.end:
        end = _describing(unit.text, persona.end, end)
    ds, de = unit.to_doc(persona.start, persona.end)
    label = _short(unit.doc.text[ds:de])
    try:
        plan, notes = _rewrite(unit, persona, start, end)
    except _Kept:
        return None
    if plan is None:
        plan = plan_strip(unit.text, start, end)
        if plan is None:
            return None
        for note in notes:
            _note(plan, note)
        if notes:
            plan.reason = notes[0]
        whole = plan.empty or _only_personas(unit.text, analysis)
    else:
        whole = False
        said = _short(plan.new_text[plan.region[0] :].split("\n", 1)[0], 60)
        plan.reason = f'keep what it says besides the identity: "{said}"'
    material = _material_holes(unit.text, analysis)
    if _drops(plan, material, whole):
        return None
    if start < persona.start or end > persona.end:
        # A passage beyond the persona clause (the long-persona rule): its
        # sentences may carry instructions as well as identity.
        plan.safe = False
    if strategy(code, settings) == "gate":
        fix = _gate(unit, plan, kind, settings)
        if fix is not None:
            return fix
        fallback = _strip(unit, plan, kind, settings, whole, label)
        if fallback is not None:
            fallback.applicability = "unsafe"
            fallback.recheck = None  # unsafe already: reading it back would change nothing
            fallback.message += " (it cannot be gated here)"
        return fallback
    fix = _strip(unit, plan, kind, settings, whole, label)
    if fix is None and plan.shape == "rewrite":
        # the rewrite cannot be written here (a placeholder in the way):
        # removing the sentence is still a fix, but not a safe one
        plain = plan_strip(unit.text, start, end)
        if plain is not None and not plain.empty:
            _note(
                plain,
                "the persona sentence carries more than the identity, and it cannot be kept here",
            )
            plain.reason = plain.notes[0]
            if not _drops(plain, material, whole):
                fix = _strip(unit, plain, kind, settings, whole, label)
    return fix


def _rewrite(
    unit: PromptUnit, persona: Persona, start: int, end: int
) -> tuple[StripPlan | None, list[str]]:
    """A plan that keeps what the persona sentence says besides the identity
    (its task, its field), or the notes that make plain removal unsafe."""

    text = unit.text
    if not persona.start < persona.identity_end < persona.end:
        return None, []
    if (start, end) != (persona.start, persona.end):
        # the long-persona rule's passage: when the persona sentence itself
        # carries a task or a field, its own finding's fix keeps it
        rw = plan_rewrite(text, persona.start, persona.identity_end, persona.end, _subject(unit))
        if rw is not None and rw.safe and rw.edits:
            raise _Kept
        return None, []
    rw = plan_rewrite(text, persona.start, persona.identity_end, persona.end, _subject(unit))
    if rw is None:
        return None, []
    if not starts_sentence(text, persona.start):
        # "In the terminal, you are also an expert at suggesting commands."
        return None, [
            "the persona clause carries more than the identity, inside a sentence "
            "that would be left without it"
        ]
    if not rw.safe or not rw.edits:
        return None, rw.notes
    if any(ch in "*_`~[" for ch in text[persona.start : rw.edits[0].end]):
        return None, [
            "markup inside the persona sentence: the task it carries would be lost with it"
        ]
    plan = rewritten(text, rw.edits)
    # one pass converges: what the rewrite leaves must not read as a persona

    new_end = persona.end + len(plan.new_text) - len(text)
    # read the rewritten paragraph only: a long prompt has many personas, and
    # reading the whole text again for each of them is quadratic
    new = plan.new_text
    a = max(new.rfind("\n\n", 0, plan.region[0]) + 1, plan.region[0] - _AROUND)
    b = new.find("\n\n", new_end)
    b = min(len(new) if b < 0 else b, new_end + _AROUND)
    if any(p.start + a < new_end and plan.region[0] < p.end + a for p in find_personas(new[a:b])):
        return None, ["the sentence would still read as a persona once rewritten"]
    return plan, []


_AROUND = 2000  # characters of the rewritten text read around a rewrite


class _Kept(Exception):
    """The passage's persona sentence carries more than the identity."""


# Files whose prompt describes a project rather than one request.
_PROJECT_FILES = re.compile(
    r"(?i)(?:^|/)(?:\.cursorrules|\.windsurfrules|\.clinerules|agents\.md|claude\.md|gemini\.md"
    r"|copilot-instructions\.md|[^/]*\.instructions\.md|[^/]*\.mdc)$"
)


def _subject(unit: PromptUnit) -> str:
    path = unit.doc.path.replace("\\", "/")
    return "This project" if _PROJECT_FILES.search(path) else "This task"


def _around(old: str, new: str, edits: list[Edit], margin: int = 2000) -> tuple[str, str]:
    """The lines around a fix's edits, before and after it: the layout checks
    read only what a fix can change (a long prompt has hundreds of fixes,
    and reading the whole file for each is quadratic)."""
    if not edits:
        return old, new
    first = min(e.start for e in edits)
    last = max(e.end for e in edits)
    a = old.rfind("\n", 0, max(0, first - margin)) + 1
    b = old.find("\n", min(len(old), last + margin))
    b = len(old) if b < 0 else b
    # whole lines, unless a line is far longer than the margin (minified
    # JSON, a log of one line): the same offsets cut before and after alike
    a = max(a, first - 4 * margin)
    b = min(b, last + 4 * margin)
    grown = sum(len(e.content) - (e.end - e.start) for e in edits)
    return old[a:b], new[a : b + grown]


def _note(plan: StripPlan, why: str) -> None:
    plan.safe = False
    if why not in plan.notes:
        plan.notes.append(why)


# Sentences that go on describing the persona ("You have ...", "Your
# expertise ..."), as opposed to "Your task is ..." or "You will: ...".
_DESCRIBING = lazy(
    r"(?i)(?:you(?:'re|'ve| are| were| have| bring| combine| speciali[sz]e| excel| know"
    r"| possess| hold| understand| thrive| care)|your (?:mastery|expertise|background"
    r"|experience|knowledge|skills?|speciali[sz]ations?|specialt(?:y|ies)|career"
    r"|strengths?|passion)|with (?:over |more than )?\d+|with (?:deep|extensive|years))\b"
)


def _describing(text: str, persona_end: int, end: int) -> int:
    """How far the passage after the persona goes on describing it: whole
    sentences of the paragraph that read as description, up to ``end``.
    A sentence that runs over lines or past 60 words is not one of them."""

    stop = persona_end
    for s in split_sentences(text[persona_end:end]):
        a, b = persona_end + s.start, persona_end + s.end
        sentence = text[a:b]
        if (
            "\n\n" in text[stop:a]
            or not _DESCRIBING.match(sentence)
            or "\n" in sentence
            or "\\n" in sentence
            or len(sentence.split()) > 60
        ):
            break
        stop = b
    return stop


def _short(text: str, limit: int = 50) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# A placeholder that a colon or a line break introduces, bare or in markup
# ("the following error message: {error}", ": <error>{error}</error>"):
# what follows is handed over.
_HANDED_OVER = re.compile(r"[:\n](?:[ \t\"'`*_(\[]|<[\w-]{1,30}>)*\Z")


def _material_holes(text: str, analysis: Analysis) -> tuple[int, ...]:
    """Where placeholders of material stand in a persona's sentence, past its
    identity: introduced by a colon or a line break (``... about the
    following error message: {error}``), what the program fills in there is
    what the model is given, not the persona. A placeholder that only
    describes ("expertise in {language}") is not. Asked for each finding of
    a prompt with its one analysis: the last answer is kept for it."""
    if HOLE not in text:
        return ()
    last, found = _LAST_HANDED
    if last is analysis:
        return found
    found = _handed_over(text, sorted((p.start, p.identity_end or p.end) for p in analysis.experts))
    _LAST_HANDED[:] = [analysis, found]
    return found


# the analysis last asked about, and its placeholders of material (held, so
# the identity test cannot meet another object at the same address)
_LAST_HANDED: list[Any] = [None, ()]


def _handed_over(text: str, identities: list[tuple[int, int]]) -> tuple[int, ...]:
    """Found by searching, each placeholder placed among the identities by
    bisection: a prompt of many personas and placeholders is read once."""
    starts = [a for a, _b in identities]
    reach = list(itertools.accumulate((b for _a, b in identities), max))
    out = []
    i = text.find(HOLE)
    while i >= 0:
        k = bisect.bisect_right(starts, i)
        if not (k and i < reach[k - 1]) and _HANDED_OVER.search(text, max(0, i - 40), i):
            out.append(i)
        i = text.find(HOLE, i + 1)
    return tuple(out)


def _drops(plan: StripPlan, material: tuple[int, ...], whole: bool) -> bool:
    """Whether a fix would drop a placeholder of material: the fix of a
    prompt that is all persona removes all of it, another its edits' spans
    (a rewrite keeps what its new text holds again)."""
    if not material:
        return False
    if whole:
        return True
    for edit in plan.edits:
        gone = sum(edit.start <= i < edit.end for i in material)
        if gone > edit.content.count(HOLE):
            return True
    return False


def _only_personas(text: str, analysis: Analysis) -> bool:
    """Whether the prompt is nothing but expert personas."""
    return _nothing_but(text, tuple((p.start, p.end) for p in analysis.experts))


@lru_cache(maxsize=64)
def _nothing_but(text: str, spans: tuple[tuple[int, int], ...]) -> bool:
    """Whether ``text`` has no word outside ``spans``. Asked once for each
    finding of a prompt, with the same answer: a prompt with hundreds of
    personas would read its text hundreds of times."""

    outside: list[str] = []
    pos = 0
    for start, end in sorted(spans):
        outside.append(text[pos : max(pos, start)])
        pos = max(pos, end)
    outside.append(text[pos:])
    return not has_words(" ".join(outside))


# --------------------------------------------------------------------------
# strip
# --------------------------------------------------------------------------


def _strip(
    unit: PromptUnit, plan: StripPlan, kind: str, settings: Settings, whole: bool, label: str
) -> Fix | None:
    doc = unit.doc
    if whole:
        if kind == "python":
            dropped = _drop_message(unit, kind, settings)
        else:
            dropped = _drop_script_template(unit, plan, kind)
        if dropped is not None and plan.reason:
            dropped.message += f" (unsafe: {plan.reason})"
        return dropped
    mapped = map_edits(unit, plan.edits)
    if mapped is None:
        return None
    for hole in mapped.holes:
        if _POSITIONAL.fullmatch(hole.source.strip()):
            return None  # removing it would shift the other arguments
    edits = mapped.edits
    notes = list(plan.notes)
    found = format_of(kind)
    literals = found.literals if found is not None else None
    if literals is not None:  # prompts are string literals in code
        edits, more = load(literals)(doc.text, edits)
        notes += more
    else:
        edits = layout.whole_lines(doc.text, edits)
    new = verify.apply(doc.text, edits)
    if not verify.syntax_kept(kind, doc.text, new, edits):
        return None
    before, after = _around(doc.text, new, edits)
    if literals is not None:
        if layout.empty_strings(after) > layout.empty_strings(before):
            return None  # an argument of nothing but the persona: an empty string is no fix
    elif layout.empty_block_scalars(after) > layout.empty_block_scalars(before):
        return None  # a value of nothing but the persona: an empty string is no fix
    elif layout.blank_filled_lines(after) > layout.blank_filled_lines(before):
        return None
    safe = plan.safe and mapped.exact and not mapped.holes and not notes
    message = f'Remove the persona "{label}"'
    if plan.shape == "rewrite":
        message += f" and {plan.reason}"
    elif plan.reason:
        message += f" (unsafe: {plan.reason})"
    fix = Fix(message, edits, "safe" if safe else "unsafe")
    if safe and not _local(unit, plan, mapped):
        # Reading the fixed file back costs a second extraction: it is run
        # when the fix is applied or exported (verify.settle), not to list it.
        fix.recheck = Recheck(kind, (mapped.realised, plan.new_text))
    return fix


def _local(unit: PromptUnit, plan: StripPlan, mapped: Mapped) -> bool:
    """Whether the edit is too small to change how the prompt is read back:
    each removal inside one verbatim piece, within one line that keeps other
    text. Anything else is checked by extracting the fixed file again (a
    removed line can change what ``dedent`` strips, a YAML fold, a join)."""
    for t in plan.edits:
        if not t.content and "\n" in unit.text[t.start : t.end]:
            return False
    pieces = unit.pieces
    for d in mapped.edits:
        if d.content:
            continue
        if not any(p.exact and p.doc_start <= d.start and d.end <= p.doc_end for p in pieces):
            return False
    return mapped.exact and not mapped.holes


def _drop_message(unit: PromptUnit, kind: str, settings: Settings) -> Fix | None:
    """A prompt that is only a persona: remove its message or argument."""

    src = PySource.parse(unit.doc.text)
    expr = prompt_expression(src, unit)
    if expr is None:
        return None
    site = site_of(src, expr)
    if site.element is None:
        return None
    span = remove_element(src, site.element)
    if span is None:
        return None
    edits = [Edit(span[0], span[1], "")]
    new = verify.apply(unit.doc.text, edits)
    if not verify.syntax_kept(kind, unit.doc.text, new, edits):
        return None
    what = "argument" if site.element.type == "keyword_argument" else "message"
    return Fix(f"Remove the {what} that holds nothing but the persona", edits, "unsafe")


def _drop_script_template(unit: PromptUnit, plan: StripPlan, kind: str) -> Fix | None:
    """A GenAIScript ``$`...``` template of nothing but the persona, alone on
    its line: the line goes, as a message of nothing but the persona does."""
    if unit.context.library != "genaiscript":
        return None
    mapped = map_edits(unit, plan.edits)
    if mapped is None or len(mapped.edits) != 1:
        return None
    text = unit.doc.text
    edit = mapped.edits[0]
    if text[edit.start - 2 : edit.start] != "$`" or text[edit.end : edit.end + 1] != "`":
        return None
    line_start = text.rfind("\n", 0, edit.start) + 1
    line_end = text.find("\n", edit.end)
    line_end = len(text) if line_end < 0 else line_end + 1
    if text[line_start : edit.start - 2].strip() or text[edit.end + 1 : line_end].strip() not in (
        "",
        ";",
    ):
        return None
    if not _statement_of_its_own(unit.doc, edit.start - 2):
        return None
    edits = [Edit(line_start, line_end, "")]
    new = verify.apply(text, edits)
    if not verify.syntax_kept(kind, text, new, edits):
        return None
    return Fix("Remove the template that holds nothing but the persona", edits, "unsafe")


def _statement_of_its_own(doc: Document, tag: int) -> bool:
    """Whether the ``$`` template at ``tag`` is a statement of a block or of
    the script, standing alone: not the body of an ``if`` or an arrow, an
    operand, or a call chained on the next line (``.role("system")``)."""
    from prism_lint.extract.javascript.source import grammar_for, tree_of

    byte = len(doc.text[:tag].encode("utf-8", "surrogatepass"))
    tree = tree_of(doc.text, grammar_for(doc.path))
    node = tree.root_node.descendant_for_byte_range(byte, byte + 1)
    while node is not None and node.type != "call_expression":
        node = node.parent if node.start_byte == byte else None
    statement = node.parent if node is not None else None
    return (
        statement is not None
        and statement.type == "expression_statement"
        and statement.parent is not None
        and statement.parent.type in ("program", "statement_block")
        and statement.start_point[0] == statement.end_point[0]
    )


# --------------------------------------------------------------------------
# gate
# --------------------------------------------------------------------------


def _gate(unit: PromptUnit, plan: StripPlan, kind: str, settings: Settings) -> Fix | None:
    """Wrap the persona in the template's conditional, or route it in Python.
    A prompt that is only the persona may be gated whole: it is then empty
    when the gate is off."""

    if plan.shape == "rewrite":
        return None  # the gate's "off" branch would have to repeat the kept words
    if kind == "python":
        return _gate_python(unit, plan, settings)
    style = style_of(unit, kind)
    if style is None:
        return None
    var = settings.gate_variable
    edits = template_gate(unit, plan, style, var)
    if edits is None:
        return None
    new = verify.apply(unit.doc.text, edits)
    if not verify.syntax_kept(kind, unit.doc.text, new):
        return None
    rendered = style == "jinja" and (found := format_of(kind)) is not None and found.gate == "jinja"
    if rendered and not verify.renders_like(unit.doc.text, new, var):
        return None
    return Fix(f"Apply the persona only when `{var}` is true", edits, "unsafe")


def _gate_python(unit: PromptUnit, plan: StripPlan, settings: Settings) -> Fix | None:
    text = unit.text
    a, c, otherwise = gate_region(text, plan)
    if text[:a].strip() or HOLE in text[a:c]:
        return None  # the router call goes in front: the persona must open the prompt
    doc = unit.doc.text
    src = PySource.parse(doc)
    expr = prompt_expression(src, unit)
    if expr is None:
        return None
    site = site_of(src, expr)
    if site.request is None or not is_pure(site.request, src):
        return None
    imp = import_edit(src)
    if imp is False:
        return None
    call = router_call(src.src(site.request), text[a:c], otherwise)
    e_start, e_end = src.span(expr)
    edits: list[Edit] = []
    if not has_words(text[:a] + text[c:]):
        edits.append(Edit(e_start, e_end, call))
    else:
        mapped = map_edits(unit, [TextEdit(a, c)])
        if mapped is None or mapped.holes:
            return None
        removed, _notes = tidy_literals(doc, mapped.edits)
        # ``expr`` is a string, an implicit concatenation or a parenthesised
        # one: ``+`` in front of it needs no parentheses.
        prefix = call + " + "
        merged = False
        for e in removed:
            if e.start == e_start and not e.content:
                edits.append(Edit(e.start, e.end, prefix))
                merged = True
            else:
                edits.append(e)
        if not merged:
            edits.insert(0, Edit(e_start, e_start, prefix))
    if isinstance(imp, Edit):
        edits.append(imp)
    edits.sort(key=lambda e: (e.start, e.end))
    new = verify.apply(doc, edits)
    if not verify.syntax_kept("python", doc, new, edits):
        return None
    return Fix("Apply the persona only to requests it helps (prism_lint.router)", edits, "unsafe")
