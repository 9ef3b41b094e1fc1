"""Expert persona spans. (First cut; see rules/vocabulary for the words.)"""

from __future__ import annotations

import re

from prism_lint.analysis import Persona

_EXPERT = re.compile(
    r"(?i)\b(?:you are|you're|act as|i want you to act as)\s+(?:an?|the)\s+"
    r"(?:[\w-]+\s+){0,3}?(expert|engineer|developer|programmer|mathematician|analyst|"
    r"scientist|lawyer|doctor|specialist|consultant)\b[^.\n]*[.\n]?"
)


def find_personas(text: str) -> list[Persona]:
    out = []
    for m in _EXPERT.finditer(text):
        out.append(
            Persona(
                m.start(),
                m.end(),
                m.group(0),
                "expert",
                m.group(1),
                "you are",
                passage_start=m.start(),
                passage_end=m.end(),
                words=len(m.group(0).split()),
            )
        )
    return out


# Kept in step with the patterns above; tests/test_prefilter.py checks it.
PREFILTER_CUES = ("you are", "you're", "act as")
