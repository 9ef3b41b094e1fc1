"""Rules: one module per rule, indexed by ``rules/catalogue.toml``.

A rule module defines one :class:`Rule` subclass whose docstring is its
documentation (What it does / Why is this bad? / Example / Fix safety), and
whose ``VALID``/``INVALID`` examples are both its tests and the examples that
``prism-lint rule CODE`` prints.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, ClassVar

from prism_lint.data import load_toml
from prism_lint.model import HOLE

if TYPE_CHECKING:
    from prism_lint.analysis import Analysis, Persona
    from prism_lint.config import Settings
    from prism_lint.extract import Comment
    from prism_lint.model import PromptUnit
    from prism_lint.suppression import Suppressions

DOCS_URL = "https://github.com/prism-lint/prism-lint/blob/main/docs/rules.md#{code}"


@dataclass(frozen=True)
class CatalogueEntry:
    """A rule's line in rules/catalogue.toml: its name, family and default."""

    code: str
    name: str
    module: str
    default: bool


@lru_cache(maxsize=1)
def catalogue() -> dict[str, CatalogueEntry]:

    table = load_toml("catalogue.toml")
    return {
        code: CatalogueEntry(code, entry["name"], entry["module"], bool(entry["default"]))
        for code, entry in sorted(table.items())
    }


@dataclass(frozen=True)
class Example:
    """A prompt the rule must (INVALID) or must not (VALID) flag.

    ``fixed`` is the prompt after the rule's fix, where it has one.
    """

    prompt: str
    role: str = "system"
    model: str | None = None
    fixed: str | None = None


@dataclass
class Finding:
    """What a rule reports, in prompt-text offsets; the engine maps it."""

    start: int
    end: int
    message: str
    persona: Persona | None = None
    details: dict[str, object] = field(default_factory=dict)


class Rule:
    code: ClassVar[str]
    name: ClassVar[str]
    summary: ClassVar[str]  # one line, shown in `rule --all` and SARIF
    figure: ClassVar[str]  # the paper's figure behind the rule, quoted in messages
    fix_availability: ClassVar[str] = "sometimes"  # "always" | "sometimes" | "never"
    VALID: ClassVar[list[Example]] = []
    INVALID: ClassVar[list[Example]] = []

    # What the rule needs and how it is shown; the engine, the first pass,
    # the fixes, the reporters and the editor ask the rule, never its code.
    # Checked prompt by prompt (:meth:`check`); False: a finding on the file
    # itself (an unreadable file, a stale comment), never silenced by a comment.
    per_prompt: ClassVar[bool] = True
    # Reports personas that are not expert ones too: the first pass keeps a
    # file with any persona cue, and the analysis looks for every persona.
    any_persona: ClassVar[bool] = False
    # Reads the file's suppression comments (:meth:`check_directives`): the
    # first pass keeps a file that has one, persona or not.
    directives: ClassVar[bool] = False
    default_fix: ClassVar[str] = "strip"  # "strip" | "gate" (``fix-strategy`` overrides it)
    level: ClassVar[str] = "warning"  # SARIF's: "error" | "warning" | "note"
    tags: ClassVar[tuple[str, ...]] = ("prompt", "persona", "accuracy")  # SARIF properties
    unnecessary: ClassVar[bool] = False  # the editor shows the span faded (dead code)

    def check(self, unit: PromptUnit, analysis: Analysis, settings: Settings) -> Iterator[Finding]:
        """The findings on one prompt; file-level rules report elsewhere."""
        return iter(())

    def check_directives(
        self, suppressions: Iterable[Suppressions]
    ) -> Iterator[tuple[Comment, int, str]]:
        """For a rule that reads directives: (comment, row, message) for each
        it reports, once every prompt of the file has been checked."""
        return iter(())

    @classmethod
    def documentation(cls) -> str:
        import inspect

        return inspect.cleandoc(cls.__doc__ or "")


_RULES: dict[str, Rule] = {}


def load_rule(code: str) -> Rule:
    rule = _RULES.get(code)
    if rule is None:
        entry = catalogue()[code]
        module = importlib.import_module(entry.module)
        classes = [
            v
            for v in vars(module).values()
            if isinstance(v, type) and issubclass(v, Rule) and getattr(v, "code", None) == code
        ]
        if len(classes) != 1:
            raise RuntimeError(f"{entry.module} must define exactly one rule with code {code}")
        rule = classes[0]()
        _RULES[code] = rule
    return rule


def declares(code: str, fact: str, value: object = True) -> bool:
    """Whether rule ``code`` sets its class attribute ``fact`` to ``value``:
    what a module asks instead of naming codes. Only that rule is loaded."""
    return code in catalogue() and getattr(load_rule(code), fact) == value


def selected_where(fact: str, selectors: Iterable[str]) -> bool:
    """Whether a rule that :func:`declares` ``fact`` is among those a
    ``select``/``extend-select`` list names explicitly (the opt-in rules)."""
    wanted = tuple(selectors)
    return bool(wanted) and any(
        declares(code, fact)
        for code in catalogue()
        if any(code.startswith(s) or s == "ALL" for s in wanted)
    )


def unknown_codes(codes: frozenset[str] | None) -> list[str]:
    """The prism-lint codes (``PRS...``) of a suppression that name no rule
    nor a prefix of one; other tools' codes are theirs to judge."""
    if not codes:
        return []
    known = catalogue()
    return sorted(
        c for c in codes if c.startswith("PRS") and not any(k.startswith(c) for k in known)
    )


def resolve_selection(
    select: Iterable[str] | None, extend_select: Iterable[str], ignore: Iterable[str]
) -> frozenset[str]:
    """ruff's order: the select base, then extend-select, then ignore."""
    cat = catalogue()

    def matches(selector: str) -> set[str]:
        if selector == "ALL":
            return set(cat)
        return {c for c, e in cat.items() if c.startswith(selector) or e.name == selector}

    chosen: set[str] = set()
    if select is None:
        chosen = {c for c, e in cat.items() if e.default}
    else:
        for s in select:
            chosen |= matches(s)
    for s in extend_select:
        chosen |= matches(s)
    for s in ignore:
        chosen -= matches(s)
    return frozenset(chosen)


def persona_details(unit: PromptUnit, analysis: Analysis, persona: Persona) -> dict[str, object]:
    """The explanation every persona finding carries: what, on which task, why."""
    task = analysis.task
    return {
        "persona": persona.text.strip(),
        "persona_kind": persona.kind,
        "persona_words": persona.words,
        "task": task.category,
        "task_confidence": round(task.confidence, 2),
        "task_declared": task.declared,
        "task_assumed": task.assumed,
        "request": task.request,
        "evidence": [
            {"cue": e.cue, "category": e.category, "source": e.source} for e in task.evidence[:6]
        ],
        "role": unit.role,
        "model": unit.context.model,
        "call": unit.context.call,
    }


# Where a piece of task evidence was seen, as a reader would say it.
SOURCE_LABELS = {
    "persona": "in the persona",
    "persona-head": "the persona's role",
    "persona-role": "the persona's role",
    "name": "a name at the call site",
    "hole": "a placeholder",
    "material": "material a placeholder stands for",
    "sibling": "another message of the prompt",
    "attachment": "a file sent with the prompt",
    "model": "the model",
    "tools": "the tools",
    "response_format": "the response format",
}


def how_inferred(analysis: Analysis) -> str:
    """How the task was found, as a finding says it: the request's own words
    first; a task taken from the persona says so."""
    task = analysis.task
    if task.declared:
        return "declared"
    if task.assumed:
        return (
            f"task assumed from the persona: the request is not in the code; "
            f"from {evidence_phrase(analysis)}"
        )
    return f"inferred from {evidence_phrase(analysis)}"


# A task assumed from the persona alone (the request is not in the code) is a
# guess about code the linter cannot see: it must be this much surer.
ASSUMED_MARGIN = 1.25


def reportable(analysis: Analysis, settings: Settings) -> bool:
    """An accuracy task sure enough to report (``min-confidence``; a task
    assumed from the persona needs ``ASSUMED_MARGIN`` times that)."""
    task = analysis.task
    if not task.accuracy_critical:
        return False
    least = settings.min_confidence * (ASSUMED_MARGIN if task.assumed else 1.0)
    return task.declared or task.confidence >= least


def evidence_phrase(analysis: Analysis, limit: int = 3) -> str:
    cues: list[str] = []
    for e in analysis.task.evidence:
        if e.category != analysis.task.category:
            continue
        label = SOURCE_LABELS.get(e.source, e.source)
        cue = f"'{e.cue}'" if e.source == "prompt" else f"'{e.cue}' ({label})"
        if cue.lower() not in (c.lower() for c in cues):
            cues.append(cue)
        if len(cues) == limit:
            break
    return ", ".join(cues) if cues else "the prompt as a whole"


def short(text: str, limit: int = 60) -> str:
    text = " ".join(text.replace(HOLE, "{…}").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
