"""What the analysis finds in a prompt: its personas and its task.

Plain data, apart from the analysis itself, so that the detector, task
inference and every reader of their results share it without importing
one another.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from prism_lint.model import Evidence

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
