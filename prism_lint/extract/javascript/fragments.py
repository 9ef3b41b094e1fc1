"""JavaScript constants that several prompt constants interpolate (see
:mod:`prism_lint.extract.shared.fragments`). A call that sends a template
directly still owns all of it: calls are read before this."""

from __future__ import annotations

from typing import TYPE_CHECKING

from prism_lint.extract.javascript.source import Node, unwrap
from prism_lint.extract.shared import fragments

if TYPE_CHECKING:
    from prism_lint.extract.javascript.sites import SiteFinder


def shared_fragments(finder: SiteFinder, sinks: dict[str, str]) -> None:
    """Read each module constant that two or more prompt constants interpolate."""
    src = finder.src
    consts: dict[int, str] = {}  # literal id -> name
    values: dict[str, Node] = {}
    users: list[tuple[str, Node]] = []
    for (scope, name), bindings in src.bindings.items():
        if scope != -1 or len(bindings) != 1 or bindings[0].op != "=":
            continue
        value = bindings[0].value
        inner = unwrap(value) if value is not None else None
        if value is None or inner is None:
            continue
        if inner.type in ("string", "template_string"):
            consts[src.c(inner.start_byte)] = name
            values[name] = value
        if inner.type in ("template_string", "binary_expression") and (
            finder.name_re.match(name) or name in sinks
        ):
            users.append((name, value))
    if len(consts) < 2 or len(users) < 2:
        return

    def literals_of(node: Node) -> list[int] | None:
        v = finder.ev.value(node)
        return None if v is None else v.literals

    for lit, origin in fragments.shared(consts, users, literals_of, src.span):
        name = consts[lit]
        role = sinks.get(name)
        finder.name_unit(
            name,
            values[name],
            role=role,
            origin=origin,
            tier="call" if role is not None else "name",
        )
