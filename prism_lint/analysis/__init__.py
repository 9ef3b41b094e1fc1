"""What a prompt says: its expert personas and the task it asks for.

Deterministic and offline. ``analyse`` is the one entry point that rules,
fixes, the runtime router and the inventory use.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Literal

from prism_lint.model import Evidence, PromptUnit

# Task categories. The first four are accuracy-critical (PRS1xx).
ACCURACY_TASKS = ("code", "math", "factual", "judgement")
GENERATIVE_TASKS = ("writing", "roleplay", "extraction", "stem", "reasoning", "advice")
TASKS = (*ACCURACY_TASKS, *GENERATIVE_TASKS, "other")


@dataclass
class Persona:
    """One identity the prompt assigns to the model."""

    start: int  # PromptUnit.text offsets of the persona clause or sentence:
    end: int  # what a diagnostic points at and what "strip" removes
    text: str
    kind: Literal["expert", "role"]  # role = non-expert (terminal, character, helper)
    head: str  # the identity itself, e.g. "senior software engineer"
    cue: str  # how it was assigned: "you are", "act as", "as a", "role heading", ...
    language: str = "en"
    # The whole persona passage (the persona sentence and the sentences that
    # go on describing the persona), for the length rule.
    passage_start: int = 0
    passage_end: int = 0
    # The passage measured whole, for the length rule: it also takes the
    # sentences of the paragraph that go on speaking to "you" ("You focus
    # on ...", "Accuracy is your highest value."), which may be instructions.
    measured_end: int = 0
    words: int = 0  # words from passage_start to measured_end
    # Just past the identity phrase itself ("You are a planner" in "You are a
    # planner that plans ..."): what follows it up to ``end`` may carry the
    # task or the project's context, which a fix must keep.
    identity_end: int = 0


@dataclass
class TaskInference:
    """The task a prompt asks for, with the evidence and the scores behind it."""

    category: str  # one of TASKS
    confidence: float  # 0..1
    evidence: list[Evidence] = field(default_factory=list)
    scores: dict[str, float] = field(default_factory=dict)
    declared: bool = False  # settled by a "prism: task=..." declaration
    open_ended: bool = False  # free user question or mixed intents: route, don't strip
    # The prompt states no request of its own (a system prompt that is only a
    # persona, the request arriving later from a variable): the persona's
    # field stood in for the task, with less confidence.
    assumed: bool = False
    request: str = ""  # the words of the request the task was read from

    @property
    def accuracy_critical(self) -> bool:
        return self.category in ACCURACY_TASKS


@dataclass
class Analysis:
    """A prompt's personas and task: all that the rules read."""

    personas: list[Persona]
    task: TaskInference

    @property
    def experts(self) -> list[Persona]:
        return [p for p in self.personas if p.kind == "expert"]


def is_flagged(analysis: Analysis) -> bool:
    """The PRS1xx condition: an expert persona on an accuracy-critical task.

    The rules and the corpus score both use this, so the score measures
    exactly what the linter reports.
    """
    return bool(analysis.experts) and analysis.task.accuracy_critical


NOT_INFERRED = TaskInference("other", 0.0)


def analyse(unit: PromptUnit, *, full: bool = True, roles: bool = True) -> Analysis:
    """Find personas in ``unit.text`` and infer its task from text and context.

    With ``full=False`` (linting), a prompt in code with no persona cue at
    all skips persona detection, and a prompt with no persona skips task
    inference: every rule needs a persona first. ``roles=False`` says no
    rule that runs wants a persona that is not an expert one, so a prompt
    with no expert word near its cues skips detection too. The inventory
    asks for everything.
    """
    key = _key(unit, full, roles)
    cached = _CACHE.get(key)
    if cached is not None:
        _CACHE.move_to_end(key)
        return cached
    result = _analyse(unit, full, roles)
    _CACHE[key] = result
    if len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    return result


# The editor re-lints a file on every change, and most of its prompts are
# unchanged: their analyses are kept, keyed by everything analyse() reads.
_CACHE: OrderedDict[tuple[object, ...], Analysis] = OrderedDict()
_CACHE_SIZE = 4096


def _key(unit: PromptUnit, full: bool, roles: bool) -> tuple[object, ...]:
    from prism_lint.analysis.vocabulary import current_extras

    ctx = unit.context
    return (
        current_extras(),
        unit.text, unit.role, unit.tier, unit.declared_task, full, roles, ctx.library, ctx.call,
        ctx.argument, ctx.model, tuple(ctx.names), tuple((s.role, s.text) for s in ctx.siblings),
        ctx.response_format, tuple(ctx.tools), tuple(h.source for h in unit.holes),
    )


def _analyse(unit: PromptUnit, full: bool, roles: bool) -> Analysis:
    from prism_lint.analysis.persona import find_personas
    from prism_lint.analysis.task import infer_task

    if not full and unit.tier != "file":
        from prism_lint.prefilter import expert_cue, has_cue

        if not has_cue(unit.text) or (not roles and not expert_cue(unit.text)):
            return Analysis([], NOT_INFERRED)
    personas = find_personas(unit.text, titles=unit.tier == "file")
    if not personas and not full:
        return Analysis([], NOT_INFERRED)
    task = infer_task(unit, personas)
    return Analysis(personas, task)


def analyse_text(text: str) -> Analysis:
    """Analyse a bare prompt string (corpus scoring, the runtime router)."""
    from prism_lint.model import Document, Piece

    doc = Document("<text>", text)
    unit = PromptUnit(doc, text, [Piece(0, len(text), 0, len(text))], tier="file")
    return analyse(unit)


def prefilter_cues() -> list[str]:
    """Literal substrings (any case) that every persona the analysis can find
    contains at least one of: the first pass skips files with none of them.
    """
    from prism_lint.analysis.persona import PREFILTER_CUES

    return list(PREFILTER_CUES)
