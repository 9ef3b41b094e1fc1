"""What a prompt says: its expert personas and the task it asks for.

Deterministic and offline. ``analyse`` is the one entry point that rules,
fixes, the runtime router and the inventory use.
"""

from __future__ import annotations

from collections import OrderedDict

from prism_lint.analysis.model import (
    ACCURACY_TASKS,
    GENERATIVE_TASKS,
    TASKS,
    Analysis,
    Persona,
    TaskInference,
)
from prism_lint.model import Document, Piece, PromptUnit

# The detector, task inference and the vocabulary are imported when first
# used: importing them costs about 40 ms, and a run whose files the first
# pass rules out, or that only reads the task names, needs none of them.

__all__ = [
    "ACCURACY_TASKS",
    "GENERATIVE_TASKS",
    "NOT_INFERRED",
    "TASKS",
    "Analysis",
    "Persona",
    "TaskInference",
    "analyse",
    "analyse_text",
    "is_flagged",
    "prefilter_cues",
]


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
    with no expert word near its cues skips detection too, and one whose
    personas are none of them expert skips task inference. The inventory
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
# unchanged: their analyses are kept, keyed by everything analyse() reads
# (tests/test_analysis.py checks the key against every field it reads).
_CACHE: OrderedDict[tuple[object, ...], Analysis] = OrderedDict()
_CACHE_SIZE = 4096


def _key(unit: PromptUnit, full: bool, roles: bool) -> tuple[object, ...]:
    from prism_lint.analysis.vocabulary import current_extras

    ctx = unit.context
    return (
        current_extras(),
        unit.text,
        unit.role,
        unit.tier,
        unit.declared_task,
        full,
        roles,
        ctx.library,
        ctx.call,
        ctx.argument,
        ctx.model,
        tuple(ctx.names),
        tuple((s.role, s.text) for s in ctx.siblings),
        ctx.response_format,
        tuple(ctx.tools),
        tuple(ctx.attachments),
        ctx.after_agent,
        tuple(h.source for h in unit.holes),
    )


def _analyse(unit: PromptUnit, full: bool, roles: bool) -> Analysis:
    from prism_lint.analysis.persona import find_personas
    from prism_lint.analysis.task import infer_task

    if not full and unit.tier != "file":
        from prism_lint.analysis.cues import expert_cue, has_cue

        if not has_cue(unit.text) or (not roles and not expert_cue(unit.text)):
            return Analysis([], NOT_INFERRED)
    personas = find_personas(unit.text, titles=unit.tier == "file")
    if not full and not (personas if roles else any(p.kind == "expert" for p in personas)):
        # no rule that runs reads a prompt without an (expert) persona
        return Analysis(personas, NOT_INFERRED)
    task = infer_task(unit, personas)
    return Analysis(personas, task)


def analyse_text(text: str) -> Analysis:
    """Analyse a bare prompt string (corpus scoring, the runtime router)."""
    doc = Document("<text>", text)
    unit = PromptUnit(doc, text, [Piece(0, len(text), 0, len(text))], tier="file")
    return analyse(unit)


def prefilter_cues() -> list[str]:
    """Literal substrings (any case) that every persona the analysis can find
    contains at least one of: the first pass skips files with none of them.
    """
    from prism_lint.analysis.persona import PREFILTER_CUES

    return list(PREFILTER_CUES)
