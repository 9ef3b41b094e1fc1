"""Keep a persona but apply it only when a template variable says so.

The persona's region (the same span "strip" would remove) is wrapped in a
conditional, so the template renders exactly as before when the variable is
true and exactly as the stripped prompt when it is false or not passed:

- Jinja (``.j2``, Prompty, Prompt flow, Jinja values in YAML):
  ``{% if persona_enabled %}...{% endif %}``;
- Handlebars (Dotprompt, Semantic Kernel): ``{{#if persona_enabled}}...{{/if}}``;
- Mustache (Prompty with ``template: mustache``):
  ``{{#persona_enabled}}...{{/persona_enabled}}``.

Where removing a leading clause capitalises the next word, the word goes
inside the conditional and its capitalised form in the ``else`` branch.
Tags are inserted inline, so no line is added and YAML indentation is kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from prism_lint.fix.mapping import doc_boundary
from prism_lint.fix.strip import StripPlan
from prism_lint.formats import format_of
from prism_lint.model import Edit, PromptUnit

JINJA = ("jinja", "jinja2", "nunjucks", "liquid")
HANDLEBARS = ("handlebars", "dotprompt")
# Formats that fill in ``{{var}}`` but have no conditionals.
NO_CONDITIONALS = ("github-models",)
MUSTACHE = ("mustache",)


@dataclass(frozen=True)
class Tags:
    """The opening and closing markup of an intent gate, in a template's syntax."""

    open: str
    otherwise: str
    close: str


def tags_for(style: str, var: str) -> Tags:
    if style == "jinja":
        return Tags(f"{{% if {var} %}}", "{% else %}", "{% endif %}")
    if style == "handlebars":
        return Tags(f"{{{{#if {var}}}}}", "{{else}}", "{{/if}}")
    return Tags(f"{{{{#{var}}}}}", f"{{{{/{var}}}}}{{{{^{var}}}}}", f"{{{{/{var}}}}}")


def style_of(unit: PromptUnit, kind: str | None) -> str | None:
    """Which conditional syntax the prompt's template language has, if any."""
    syntax = (unit.template_syntax or "").lower()
    if unit.context.library in NO_CONDITIONALS:
        return None
    if syntax in JINJA:
        return "jinja"
    if syntax in HANDLEBARS:
        return "handlebars"
    if syntax in MUSTACHE:
        return "mustache"
    if not syntax and (found := format_of(kind)) is not None:
        return found.gate
    return None


def gate_region(text: str, plan: StripPlan) -> tuple[int, int, str]:
    """The prompt span to wrap, and what stands in its place when it is off."""
    a, b = plan.region
    if plan.capital is None:
        return a, b, ""
    m = re.compile(r"\w+").match(text, plan.capital)
    c = m.end() if m else plan.capital + 1
    word = text[plan.capital : c]
    return a, c, word[:1].upper() + word[1:]


def template_gate(unit: PromptUnit, plan: StripPlan, style: str, var: str) -> list[Edit] | None:
    """Edits wrapping the persona in a conditional on ``var``, or None."""
    text = unit.text
    a, c, otherwise = gate_region(text, plan)
    if a >= c:
        return None
    start = doc_boundary(unit, a, end=False)
    stop = doc_boundary(unit, c, end=False) if c < len(text) else doc_boundary(unit, c, end=True)
    if start is None or stop is None or stop <= start:
        return None
    tags = tags_for(style, var)
    close = tags.otherwise + otherwise + tags.close if otherwise else tags.close
    return [Edit(start, start, tags.open), Edit(stop, stop, close)]


_OPEN = {
    "jinja": r"\{%-?\s*if\s+{var}\s*-?%\}",
    "handlebars": r"\{\{~?\s*#if\s+{var}\s*~?\}\}",
    "mustache": r"\{\{~?\s*#\s*{var}\s*~?\}\}",
}


def is_gated(unit: PromptUnit, start: int, var: str) -> bool:
    """Whether the persona at ``start`` sits inside a gate on ``var``.

    Template tags are holes in the prompt text: the persona is gated when
    the nearest tag before it opens a gate on ``var`` (any other tag, such as
    the gate's ``else`` or ``endif``, ends the gated region).
    """
    before = [h for h in unit.holes if h.text_offset < start]
    if not before:
        return False
    hole = max(before, key=lambda h: h.text_offset)
    name = re.escape(var)
    return any(re.fullmatch(p.replace("{var}", name), hole.source.strip()) for p in _OPEN.values())
