"""Follow prompt text to the call across JavaScript/TypeScript modules.

A route sends ``streamText({system: toPrompt(template)})`` where ``toPrompt``
is exported by ``lib/prompt.ts`` and returns a template literal; a constant
of any name is exported by one module and sent by another. This module keeps
what one file teaches the project, in the table Python modules fill too
(:class:`python_flow.Table`):

- **sinks**: names imported from a module of the project (a relative or
  aliased specifier, not a package) whose value reaches a call site's prompt
  argument, by the name they are exported under;
- **wrappers**: the file's functions whose parameters reach a call site's
  prompt (or its ``model``), under :data:`JS` and their name; a call to one,
  in the file or in a module importing it, is read as a call site with the
  roles and the model the function passes on;
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
from prism_lint.extract.python.flow import MAX_IMPORTS, Table, Wrapper
from prism_lint.extract.shared.segments import HOLE_KIND

if TYPE_CHECKING:
    from prism_lint.extract.javascript.sites import SiteFinder
    from prism_lint.extract.javascript.source import Function, Node
    from prism_lint.extract.javascript.values import Value

# A hole that is a name or a call of one: `toPrompt(t)`, `${SYSTEM}`, `await build()`.
_HOLE_NAME = re.compile(r"\s*(?:\$\{)?\s*(?:await\s+)?([A-Za-z_$][\w$]*)\s*(?:\(|\}?\s*$)")
# Specifiers of the project's own modules: relative, or a path alias.
_PROJECT_MODULES = (".", "@/", "~/", "#", "src/")
_MAX_SINKS = 256  # names one file may teach
_MAX_RETURNS = 8
# Wrappers are kept apart from Python's, whose parameters are matched by other
# rules: a JavaScript name is taught under this prefix (no Python name holds it).
JS = "js:"


def is_project_module(module: str) -> bool:
    return module.startswith(_PROJECT_MODULES)


class Flow:
    """What one file learns while its call sites are read."""

    def __init__(self) -> None:
        self.table = Table()
        self.params: dict[str, dict[str, str]] = {}  # function -> parameter -> role
        self.models: dict[str, str] = {}  # function -> its model parameter
        self.fixed: dict[str, str] = {}  # function -> the model it names itself
        self.libraries: dict[str, str] = {}
        self.called: set[str] = set()  # project imports this file calls, under JS
        self.imports: set[str] = set()  # the project modules they come from, under JS

    def param(self, finder: SiteFinder, node: Node | None, role: str, library: str) -> None:
        """A value sent to a call site: the parameters of the enclosing function it
        is (``content: system``, `` `${question}` ``) make that function a wrapper."""
        for name, fn in _params_in(finder, node):
            roles = self.params.setdefault(fn.name, {})
            if roles.get(name) in (None, "unknown"):
                roles[name] = role
            if library:
                self.libraries.setdefault(fn.name, library)

    def model(self, finder: SiteFinder, node: Node, named: str | None) -> None:
        """A call site's model: a parameter of the enclosing function, or the
        model it names (``named``), which its wrapper's calls then name too."""
        found = _params_in(finder, node)
        for name, fn in found:
            self.models.setdefault(fn.name, name)
            self.params.setdefault(fn.name, {})
        outer = finder.src.function_at(node.start_byte) if named and not found else None
        if outer is not None and outer.name:
            self.fixed.setdefault(outer.name, named or "")

    def wrappers(self, finder: SiteFinder) -> dict[str, Wrapper]:
        """The file's functions that pass a parameter on to a call site."""
        out: dict[str, Wrapper] = {}
        for fname, roles in self.params.items():
            funcs = finder.src.functions.get(fname)
            if not roles or not funcs or len(funcs) != 1:
                continue
            fn = funcs[0]
            model = self.models.get(fname, "")
            default = self.fixed.get(fname, "")
            if model:
                value = _default_of(finder, fn, model)
                default = (finder.model_of(value, 0) or "") if value is not None else ""
            out[fname] = Wrapper(
                tuple(_param_name(p, i) for i, p in enumerate(fn.params)),
                tuple(sorted(roles.items())),
                model,
                self.libraries.get(fname, ""),
                default[:200],
            )
        return out

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
        wrappers = self.wrappers(finder)
        defined.update(JS + name for name in src.functions)
        self.table.defines = dict.fromkeys(defined, 1)
        self.table.wrappers = {JS + name: w for name, w in wrappers.items()}
        self.table.called = frozenset(self.called)
        self.table.imports = frozenset(sorted(self.imports)[:MAX_IMPORTS])
        return self.table


def _params_in(finder: SiteFinder, node: Node | None) -> list[tuple[str, Function]]:
    """The parameters ``node`` is, or holds as a template's holes, with their function."""
    from prism_lint.extract.javascript.source import unwrap

    inner = unwrap(node)
    if inner is None:
        return []
    idents: list[Node] = []
    if inner.type == "member_expression":
        # ``opts.system``: a key of an options object the function takes
        obj = unwrap(inner.child_by_field_name("object"))
        prop = inner.child_by_field_name("property")
        if (
            obj is not None
            and prop is not None
            and obj.type == "identifier"
            and prop.type == "property_identifier"
        ):
            fn = finder.src.function_at(obj.start_byte)
            name = finder.src.text(obj)
            if fn is not None and fn.name and name in fn.params:
                return [(f"{name}.{finder.src.text(prop)}", fn)]
        return []
    if inner.type in ("identifier", "shorthand_property_identifier"):
        idents.append(inner)
    elif inner.type == "template_string":
        for sub in inner.named_children:
            if sub.type == "template_substitution":
                expr = unwrap(sub.named_children[0]) if sub.named_children else None
                if expr is not None and expr.type == "identifier":
                    idents.append(expr)
    src = finder.src
    out = []
    for ident in idents:
        name = src.text(ident)
        fn = src.function_at(ident.start_byte)
        if fn is None or not fn.name:
            continue
        if name in fn.params:
            out.append((name, fn))
        elif name in fn.all_params:
            # ``function ask({ system, user })``: a key of the object it is given
            key = _pattern_keys(finder, fn).get(name)
            if key is not None:
                out.append((key, fn))
    return out


def _param_name(name: str | None, index: int) -> str:
    """A parameter's name; ``#0`` for a destructured one (no name can be that)."""
    return name if name is not None else f"#{index}"


def _pattern_keys(finder: SiteFinder, fn: Function) -> dict[str, str]:
    """The names an object pattern among the parameters binds, with the key they
    take (``{ system, user: u }`` at the first place: system -> ``#0.system``,
    u -> ``#0.user``)."""
    src = finder.src
    params = fn.node.child_by_field_name("parameters")
    out: dict[str, str] = {}
    index = -1
    for p in params.named_children if params is not None else ():
        if p.type == "comment":
            continue
        index += 1
        target = p
        if p.type in ("required_parameter", "optional_parameter"):
            target = p.child_by_field_name("pattern") or p
        if target.type == "assignment_pattern":
            target = target.child_by_field_name("left") or target
        if target.type != "object_pattern":
            continue
        for part in target.named_children:
            key = local = None
            if part.type == "shorthand_property_identifier_pattern":
                key = local = src.text(part)
            elif part.type == "object_assignment_pattern":
                left = part.child_by_field_name("left")
                if left is not None:
                    key = local = src.text(left)
            elif part.type == "pair_pattern":
                k = part.child_by_field_name("key")
                v = part.child_by_field_name("value")
                if v is not None and v.type == "assignment_pattern":
                    v = v.child_by_field_name("left")
                if k is not None and v is not None and v.type == "identifier":
                    key, local = src.text(k).strip("'\""), src.text(v)
            if key and local:
                out[local] = f"#{index}.{key}"
    return out


def _default_of(finder: SiteFinder, fn: Function, name: str) -> Node | None:
    """The default value of parameter ``name`` (``model = "gpt-4o"``)."""
    params = fn.node.child_by_field_name("parameters")
    for p in params.named_children if params is not None else ():
        target = p
        value = (
            p.child_by_field_name("value")
            if p.type in ("required_parameter", "optional_parameter")
            else None
        )
        if p.type in ("required_parameter", "optional_parameter"):
            target = p.child_by_field_name("pattern") or p
        if target.type == "assignment_pattern":
            value = target.child_by_field_name("right")
            target = target.child_by_field_name("left") or target
        if target.type == "identifier" and finder.src.text(target) == name:
            return value
    return None


def _add(sinks: dict[str, str], name: str, role: str) -> None:
    old = sinks.get(name)
    if old is None or (old in ("unknown", "user") and role == "system"):
        sinks[name] = role


def sinks_of(project: Table | None, own: Table) -> dict[str, str]:
    """The names (with their role) whose value this file or the project sends to a call."""
    sinks = dict(own.own)
    if project is not None:
        for name, said in project.sinks.items():
            sinks.setdefault(name, said)
    return sinks


def flow_tier(finder: SiteFinder, sinks: dict[str, str]) -> None:
    """Read the functions and module constants of this file whose value the
    project (or this file) sends to a call site."""
    if not sinks:
        return

    src = finder.src
    for name, funcs in src.functions.items():
        role = sinks.get(name)
        if role is None:
            continue
        for fn in funcs[:2]:
            for ret in returns_of(fn.node)[:_MAX_RETURNS]:
                finder.name_unit(name, ret, role=role, origin=f"returned by `{name}`", tier="call")
    for (scope, name), bindings in src.bindings.items():
        const = sinks.get(name)
        if const is None or scope != -1 or len(bindings) != 1 or bindings[0].value is None:
            continue
        finder.name_unit(
            name, bindings[0].value, role=const, origin=f"value of `{name}`", tier="call"
        )
