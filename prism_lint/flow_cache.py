"""What a cached result owes to other files: the project's table facts it read.

A module's result depends on its own bytes and on what other modules teach
it (python_flow.Table): the wrappers of the names it calls, the roles of the
names it defines that another module sends. The cache keeps, with each
result, the module's own table (so a warm run knows the project's table
without reading the module again) and a digest of the facts it read; when
another module's change alters those facts, the digest differs and the
module is checked again.

The cache is written by strangers: a table read back is checked field by
field and bounded, anything else is no table.
"""

from __future__ import annotations

import hashlib
from typing import Any

from prism_lint.extract.python.flow import Table, Wrapper

MAX_NAMES = 4096  # names one module's table may hold when read back
_MAX_NAME = 200


def facts(own: Table | None, table: Table) -> str:
    """A digest of the table's facts ``own`` reads (what ``needs_project`` looks at)."""
    if own is None or own.definitions_only:
        return ""  # a module read for its definitions reports nothing of its own
    parts: list[str] = []
    for n in sorted(own.called):
        w = table.wrappers.get(n)
        if w is not None and n not in own.wrappers:
            parts.append(
                f"w\0{n}\0{w.params}\0{w.roles}\0{w.model}\0{w.library}"
                f"\0{w.model_default}\0{w.spread}"
            )
    for n in sorted(own.defines.keys() | own.sets):
        role = table.sinks.get(n)
        if role is not None and n not in own.sinks and n not in own.own:
            parts.append(f"s\0{n}\0{role}")
    if not parts:
        return ""
    return hashlib.blake2b("\n".join(parts).encode(), digest_size=8).hexdigest()


def encode(table: Table | None) -> Any:
    if table is None:
        return None
    return {
        "wrappers": {
            n: [
                list(w.params),
                [list(r) for r in w.roles],
                w.model,
                w.library,
                w.model_default,
                w.spread,
            ]
            for n, w in table.wrappers.items()
        },
        "sinks": dict(table.sinks),
        "own": dict(table.own),
        "defines": sorted(table.defines),
        "called": sorted(table.called),
        "sets": sorted(table.sets),
        "imports": sorted(table.imports),
        "definitions_only": table.definitions_only,
    }


class Invalid(ValueError):
    pass


def decode(data: Any) -> Table | None:
    """A table read back from the cache; raises :class:`Invalid` when it is not
    exactly what :func:`encode` writes."""
    if data is None:
        return None
    if not isinstance(data, dict) or set(data) != {
        "wrappers",
        "sinks",
        "own",
        "defines",
        "called",
        "sets",
        "imports",
        "definitions_only",
    }:
        raise Invalid("table")
    if not isinstance(data["definitions_only"], bool):
        raise Invalid("definitions_only")
    wrappers: dict[str, Wrapper] = {}
    raw = data["wrappers"]
    if not isinstance(raw, dict) or len(raw) > MAX_NAMES:
        raise Invalid("wrappers")
    for n, w in raw.items():
        _name(n)
        if not isinstance(w, list) or len(w) != 6:
            raise Invalid("wrapper")
        params, roles, model, library, default, spread = w
        if (
            not isinstance(params, list)
            or len(params) > 64
            or not isinstance(roles, list)
            or len(roles) > 64
        ):
            raise Invalid("wrapper")
        for p in params:
            _name(p)
        pairs = []
        for r in roles:
            if not isinstance(r, list) or len(r) != 2:
                raise Invalid("role")
            pairs.append((_name(r[0]), _name(r[1])))
        wrappers[n] = Wrapper(
            tuple(params), tuple(pairs), _text(model), _text(library), _text(default), _text(spread)
        )
    return Table(
        wrappers,
        _roles(data["sinks"]),
        _roles(data["own"]),
        dict.fromkeys(_names(data["defines"]), 1),
        frozenset(_names(data["called"])),
        frozenset(_names(data["sets"])),
        frozenset(_names(data["imports"])),
        data["definitions_only"],
    )


def _text(v: Any) -> str:
    if not isinstance(v, str) or len(v) > _MAX_NAME:
        raise Invalid("text")
    return v


def _name(v: Any) -> str:
    if not isinstance(v, str) or not v or len(v) > _MAX_NAME:
        raise Invalid("name")
    return v


def _names(v: Any) -> list[str]:
    if not isinstance(v, list) or len(v) > MAX_NAMES:
        raise Invalid("names")
    return [_name(n) for n in v]


def _roles(v: Any) -> dict[str, str]:
    if not isinstance(v, dict) or len(v) > MAX_NAMES:
        raise Invalid("roles")
    return {_name(n): _name(r) for n, r in v.items()}
