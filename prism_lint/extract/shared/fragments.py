"""Constants that several prompt constants of a file put into their text.

``APP_CONTEXT = "..."``, written once and put into two templates, is a
prompt in its own right: each template holds it as a hole and its text is
read (and fixed) once, at its own line. Without this the first template read
would own it and the others would hold it as a hole, so where it is listed
would depend on the order the tiers read the file. Each language finds its
constants and the templates that use them; the counting is here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

MAX_NAMED = 3  # users named in the origin
N = TypeVar("N")


def shared(
    consts: dict[int, str],
    users: Iterable[tuple[str, N]],
    literals_of: Callable[[N], Iterable[int] | None],
    span: Callable[[N], tuple[int, int]],
) -> list[tuple[int, str]]:
    """The constants (literal id, origin) that two or more users put into their text.

    ``consts`` maps the literal a module constant is set to onto its name;
    each user is a prompt constant's name and the expression it is set to,
    whose literals ``literals_of`` reads (None: not text) and whose ``span``
    is where it is written (a literal there is its own, not a constant's).
    """
    used_by: dict[int, list[str]] = {}
    for name, node in users:
        literals = literals_of(node)
        if literals is None:
            continue
        a, b = span(node)
        for lit in literals:
            if lit in consts and not a <= lit < b and name not in used_by.get(lit, ()):
                used_by.setdefault(lit, []).append(name)
    out = []
    for lit, names in sorted(used_by.items()):
        if len(names) >= 2:
            out.append((lit, origin(names)))
    return out


def origin(names: list[str]) -> str:
    shown = ", ".join(f"`{n}`" for n in names[:MAX_NAMED])
    more = f" and {len(names) - MAX_NAMED} more" if len(names) > MAX_NAMED else ""
    return f"part of {shown}{more}"
