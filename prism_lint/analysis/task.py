"""Task intent with evidence. (First cut.)"""

from __future__ import annotations

import re

from prism_lint.analysis import Persona, TaskInference
from prism_lint.model import Evidence, PromptUnit

_CUES = {
    "code": r"\b(code|python|sql|function|debug|regex|bug)\b",
    "math": r"\b(solve|calculate|equation|probability|prove)\b",
    "factual": r"\b(facts?|history|answer questions?|diagnos\w+|legal)\b",
    "judgement": r"\b(grade|classify|score|judge)\b",
    "writing": r"\b(write|essay|poem|story|blog)\b",
}


def infer_task(unit: PromptUnit, personas: list[Persona]) -> TaskInference:
    scores: dict[str, float] = {}
    evidence: list[Evidence] = []
    for cat, pat in _CUES.items():
        for m in re.finditer(pat, unit.text, re.I):
            scores[cat] = scores.get(cat, 0) + 1
            evidence.append(Evidence(m.group(0), cat, "prompt"))
    if not scores:
        return TaskInference("other", 0.3, [], {})
    best = max(scores, key=lambda k: scores[k])
    return TaskInference(best, 0.6, [e for e in evidence if e.category == best], scores)
