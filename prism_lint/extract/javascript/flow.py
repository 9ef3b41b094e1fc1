"""Follow prompt text to the call across JavaScript/TypeScript modules.

A route sends ``streamText({system: toPrompt(template)})`` where ``toPrompt``
is exported by ``lib/prompt.ts`` and returns a template literal; a constant
of any name is exported by one module and sent by another. This module keeps
what one file teaches the project, in the table Python modules fill too
(:class:`python_flow.Table`):

- **sinks**: names imported from a module of the project (a relative or
  aliased specifier, not a package) whose value reaches a call site's prompt
  argument, by the name they are exported under;
- **defines**: the functions and module constants the file defines, so the
  run knows which files to read again with the project's table.

With the table set (:data:`python_flow.PROJECT`), a file reads its
functions and constants named there as prompts, with their origin
("returned by `toPrompt`", "value of `SYSTEM`"). Nothing is imported or run.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from prism_lint.extract.javascript.values import returns_of
from prism_lint.extract.python.flow import Table
from prism_lint.extract.shared.segments import HOLE_KIND

if TYPE_CHECKING:
    from prism_lint.extract.javascript.sites import SiteFinder
    from prism_lint.extract.javascript.values import Value

# A hole that is a name or a call of one: `toPrompt(t)`, `${SYSTEM}`, `await build()`.
_HOLE_NAME = re.compile(r"\s*(?:\$\{)?\s*(?:await\s+)?([A-Za-z_$][\w$]*)\s*(?:\(|\}?\s*$)")
# Specifiers of the project's own modules: relative, or a path alias.
_PROJECT_MODULES = (".", "@/", "~/", "#", "src/")
_MAX_SINKS = 256  # names one file may teach
_MAX_RETURNS = 8


class Flow:
    """What one file learns while its call sites are read."""

    def __init__(self) -> None:
        self.table = Table()

    def saw(self, finder: SiteFinder, value: Value, role: str) -> None:
        """A value sent to a call site: names its holes hold reach the call."""
        src = finder.src
        for seg in value.segs:
            if seg.kind != HOLE_KIND or len(self.table.sinks) + len(self.table.own) >= _MAX_SINKS:
                continue
            m = _HOLE_NAME.match(seg.text)
            if m is None:
                continue
            local = m.group(1)
            imported = src.imports.get(local)
            if imported is not None:
                module, name = imported
                if not module.startswith(_PROJECT_MODULES) or name in ("default", "*"):
                    continue
                _add(self.table.sinks, name, role)
            elif local in src.functions:
                _add(self.table.own, local, role)

    def finish(self, finder: SiteFinder) -> Table:
        src = finder.src
        defined = {name for (scope, name) in src.bindings if scope == -1}
        defined.update(src.functions)
        self.table.defines = dict.fromkeys(defined, 1)
        return self.table


def _add(sinks: dict[str, str], name: str, role: str) -> None:
    old = sinks.get(name)
    if old is None or (old in ("unknown", "user") and role == "system"):
        sinks[name] = role


def flow_tier(finder: SiteFinder, project: Table | None, own: Table) -> None:
    """Read the functions and module constants of this file whose value the
    project (or this file) sends to a call site."""
    sinks = dict(own.own)
    if project is not None:
        for name, said in project.sinks.items():
            sinks.setdefault(name, said)
    if not sinks:
        return

    src = finder.src
    for name, funcs in src.functions.items():
        role = sinks.get(name)
        if role is None:
            continue
        for fn in funcs[:2]:
            for ret in returns_of(fn.node)[:_MAX_RETURNS]:
                finder.name_unit(name, ret, role=role, origin=f"returned by `{name}`",
                                 tier="call")
    for (scope, name), bindings in src.bindings.items():
        const = sinks.get(name)
        if const is None or scope != -1 or len(bindings) != 1 or bindings[0].value is None:
            continue
        finder.name_unit(name, bindings[0].value, role=const, origin=f"value of `{name}`",
                         tier="call")
