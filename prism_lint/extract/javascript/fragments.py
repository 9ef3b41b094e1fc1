"""Constants that several prompt constants of a file interpolate.

``const APP_CONTEXT = `...```, written once and put into two templates, is
a prompt in its own right: each template holds it as a hole and its text is
read (and fixed) once, at its own line. Without this the first template read
would own it and the others would hold it as a hole, so where it is listed
would depend on the order the tiers read the file. A call that sends a
template directly still owns all of it: that is read before this.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from prism_lint.extract.javascript.source import Node, unwrap

if TYPE_CHECKING:
    from prism_lint.extract.javascript.sites import SiteFinder

MAX_NAMED = 3  # users named in the origin


def shared_fragments(finder: SiteFinder, sinks: dict[str, str]) -> None:
    """Read each module constant that two or more prompt constants interpolate."""
    src = finder.src
    consts: dict[int, tuple[str, Node]] = {}  # literal id -> (name, value)
    users: list[tuple[str, Node]] = []
    for (scope, name), bindings in src.bindings.items():
        if scope != -1 or len(bindings) != 1 or bindings[0].op != "=":
            continue
        value = bindings[0].value
        if value is None:
            continue
        inner = unwrap(value)
        if inner is not None and inner.type in ("string", "template_string"):
            consts[src.c(inner.start_byte)] = (name, value)
        if inner is not None and inner.type in ("template_string", "binary_expression") \
                and (finder.name_re.match(name) or name in sinks):
            users.append((name, value))
    if len(consts) < 2 or len(users) < 2:
        return
    used_by: dict[int, list[str]] = {}
    for name, value in users:
        v = finder.ev.value(value)
        if v is None:
            continue
        a, b = src.span(value)
        for lit in v.literals:
            if lit in consts and not a <= lit < b:
                used_by.setdefault(lit, []).append(name)
    for lit, names in sorted(used_by.items()):
        if len(names) < 2:
            continue
        name, value = consts[lit]
        shown = ", ".join(f"`{n}`" for n in names[:MAX_NAMED])
        more = f" and {len(names) - MAX_NAMED} more" if len(names) > MAX_NAMED else ""
        role = sinks.get(name)
        finder.name_unit(name, value, role=role, origin=f"part of {shown}{more}",
                         tier="call" if role is not None else "name")
