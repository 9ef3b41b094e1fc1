"""Prompts that are not call arguments: decorated functions, docstrings, role blocks,
loose chat messages, and strings that only their name calls a prompt.

These read the module after its calls, so a literal a call site already owns
is never read again here.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import TYPE_CHECKING

from prism_lint.extract.python import strings as ps
from prism_lint.extract.python.source import Binding, Node
from prism_lint.extract.python.strings import SEP, Seg
from prism_lint.extract.python.values import (
    CONTENT_KEYS,
    Value,
    docstring_of,
    joined_values,
    method_call,
    returns_of,
)
from prism_lint.extract.shared import fragments
from prism_lint.extract.shared.opening import (
    MAX_LEAD,
    Uses,
    goes_on,
    opens_with_persona,
    quoted_openings,
    shows,
    written_names,
)
from prism_lint.extract.shared.segments import joined
from prism_lint.extract.shared.units import Group, Msg, worded
from prism_lint.model import CallContext, Sibling

if TYPE_CHECKING:
    from prism_lint.extract.python.sites import SiteFinder

_TUPLE_ROLES = frozenset({"system", "human", "user", "ai", "assistant", "developer"})
_GUIDANCE_ROLES = {
    "system": "system",
    "user": "user",
    "assistant": "assistant",
    "instruction": "user",
}
_OUTLINES_DECORATORS = frozenset(
    {"prompt", "outlines.prompt", "text.prompt", "outlines.text.prompt"}
)
_MAX_LOCAL_HOPS = 2  # local names followed from a returned value
_MAX_LOCAL_VALUES = 8  # assignments of one local name read as its values
_MAX_DICT_PROMPTS = 64  # items of a prompt-named dict read as prompts
_FLOW_ROLES = frozenset({"system", "developer", "user", "assistant", "unknown"})
_WS = re.compile(r"\s+")
# the nodes a prompt's text can be read from
_TEXT_NODES = frozenset(
    {
        "string",
        "concatenated_string",
        "binary_operator",
        "call",
        "parenthesized_expression",
        "identifier",
        "attribute",
    }
)


# what may stand around a keyword's string: a concatenation, parentheses
_AROUND_STRING = frozenset({"concatenated_string", "parenthesized_expression"})
_MAX_CLIMB = 8


def _unparenthesized(value: Node | None) -> Node | None:
    """The expression in parentheses (a comment beside it), or None when they hold more."""
    while value is not None and value.type == "parenthesized_expression":
        inner = [c for c in value.named_children if c.type != "comment"]
        value = inner[0] if len(inner) == 1 else None
    return value


class DefinitionFinder:
    """Reads definitions and loose strings with the call finder's helpers."""

    def __init__(self, finder: SiteFinder) -> None:
        self.f = finder
        self._uses: Uses | None = None

    def run(self) -> None:
        caps = self.f.src.captures
        for node in caps.get("decorated", ()):
            self.decorated(node)
        for node in caps.get("class", ()):
            self.dspy_signature(node)
        self.guidance(caps.get("with", []))
        for node in caps.get("dict", ()):
            self.loose_dict(node)
        for node in caps.get("tuple", ()):
            self.loose_tuple(node)
        self.shared_fragments()
        if self.f.flow.sinks:
            self.flow_tier()
        self.name_tier()

    def decorated(self, node: Node) -> None:
        definition = node.child_by_field_name("definition")
        if definition is None or definition.type != "function_definition":
            return
        name_node = definition.child_by_field_name("name")
        fname = self.f.src.text(name_node) if name_node is not None else ""
        for deco in node.named_children:
            if deco.type != "decorator" or not deco.named_child_count:
                continue
            expr = deco.named_children[0]
            is_call = expr.type == "call"
            target = expr.child_by_field_name("function") if is_call else expr
            if target is None:
                continue
            dotted = _WS.sub("", self.f.src.text(target))
            last = dotted.rsplit(".", 1)[-1]
            if target.type == "attribute" and last in ("system_prompt", "instructions"):
                obj = target.child_by_field_name("object")
                self.returned_prompt(definition, fname, obj, dotted)
            elif self.f.src.imports.get(dotted, dotted).rsplit(".", 1)[-1] == "dynamic_prompt" and (
                self.f.src.imports_any(("langchain",))
            ):
                # LangChain's agent middleware: the function returns the
                # system prompt of each model call
                self.returned_prompt(definition, fname, None, dotted, "langchain")
            elif not is_call and dotted in _OUTLINES_DECORATORS:
                self.docstring_prompt(definition, fname, "outlines", dotted, "unknown", "jinja")
            elif dotted in ("ell.simple", "ell.complex"):
                group = self.def_group(definition, "ell", dotted, fname)
                if is_call:
                    kw, pos = self.f.arguments(expr)
                    self.f.fill_context(group.ctx, None, kw, pos)
                doc = docstring_of(definition)
                if doc is not None:
                    v = self.f.ev.value(doc)
                    if v is not None:
                        v = Value(ps.cleandoc(v.segs, self.f.text), v.syntax, v.fstring, v.names)
                        self.f.add_msg(group, v, "system", "docstring", None, None)
                for ret in returns_of(definition):
                    self.f.text_msg(ret, "user", "return", None, None, group)
                self.f.reg.emit(group)

    def def_group(self, definition: Node, library: str, call: str, fname: str) -> Group:
        ctx = CallContext(library=library, call=call)
        ctx.names = [fname, *self.f.src.enclosing_names(definition.start_byte)]
        group = Group(ctx)
        return group

    def returned_prompt(
        self,
        definition: Node,
        fname: str,
        agent_expr: Node | None,
        dotted: str,
        library: str | None = None,
    ) -> None:
        """pydantic-ai ``@agent.system_prompt``, LangChain's ``@dynamic_prompt``:
        the returned text is the prompt."""
        if library is None:
            library = "pydantic-ai" if self.f.src.imports_any(("pydantic_ai",)) else ""
        group = self.def_group(definition, library, "@" + dotted, fname)
        returns = returns_of(definition)
        for ret in returns:
            self.f.text_msg(ret, "system", "return", None, None, group)
        if agent_expr is not None:
            agent = self.f.agent_call(agent_expr)
            if agent is not None:
                group.runs.append(agent)
        self.f.reg.emit(group)

    def docstring_value(self, definition: Node) -> Value | None:
        """A function's or class's docstring as the model reads it (cleaned as
        ``inspect.cleandoc`` does), or None."""
        doc = docstring_of(definition)
        v = None if doc is None else self.f.ev.value(doc)
        if v is None:
            return None
        return Value(ps.cleandoc(v.segs, self.f.text), v.syntax, v.fstring, v.names)

    def docstring_prompt(
        self, definition: Node, fname: str, library: str, call: str, role: str, syntax: str | None
    ) -> None:
        v = self.docstring_value(definition)
        if v is None:
            return
        group = self.def_group(definition, library, "@" + call, fname)
        self.f.add_msg(group, v, role, "docstring", syntax, None)
        self.f.reg.emit(group)

    def dspy_signature(self, cls: Node) -> None:
        supers = cls.child_by_field_name("superclasses")
        if supers is None:
            return
        if not any(self.f.src.text(s).endswith("Signature") for s in supers.named_children):
            return
        name_node = cls.child_by_field_name("name")
        cname = self.f.src.text(name_node) if name_node is not None else ""
        group = self.def_group(cls, "dspy", "dspy.Signature", cname)
        group.ctx.names = group.ctx.names[:1]
        body = cls.child_by_field_name("body")
        extra: list[Sibling] = []
        if body is not None:
            for stmt in body.named_children:
                if stmt.type != "expression_statement" or not stmt.named_child_count:
                    continue
                assign = stmt.named_children[0]
                if assign.type != "assignment":
                    continue
                left = assign.child_by_field_name("left")
                right = assign.child_by_field_name("right")
                if left is None or right is None or right.type != "call":
                    continue
                fn = right.child_by_field_name("function")
                kind = self.f.src.text(fn).rsplit(".", 1)[-1] if fn is not None else ""
                if kind not in ("InputField", "OutputField"):
                    continue
                self.f.processed.add(right.start_byte)
                field_name = self.f.src.text(left)
                group.ctx.names.append(field_name)
                kw, _pos = self.f.arguments(right)
                texts = [field_name]
                for key in ("prefix", "desc"):
                    if key in kw:
                        v = self.f.ev.value(kw[key])
                        if v is not None:
                            texts.append(ps.joined(v.segs))
                extra.append(
                    Sibling("input" if kind == "InputField" else "output", ": ".join(texts))
                )
        v = self.docstring_value(cls)
        if v is None:
            return
        self.f.add_msg(group, v, "system", "docstring", None, None)
        group.msgs.extend(Msg(s.role, [Seg(SEP, s.text, -1, -1)], "field") for s in extra)
        self.f.reg.emit(group)

    def guidance(self, withs: list[Node]) -> None:
        """guidance: ``with system(): lm += "..."``; the blocks of one scope are one chat."""
        if not withs or not self.f.src.imports_any(("guidance",)):
            return
        groups: dict[int, Group] = {}
        for w in withs:
            role = None
            for clause in w.named_children:
                if clause.type != "with_clause":
                    continue
                for item in clause.named_children:
                    value = item.child_by_field_name("value") if item.type == "with_item" else None
                    if value is not None and value.type == "call":
                        fn = value.child_by_field_name("function")
                        name = self.f.src.text(fn).rsplit(".", 1)[-1] if fn is not None else ""
                        role = _GUIDANCE_ROLES.get(name, role)
            if role is None:
                continue
            body = w.child_by_field_name("body")
            if body is None:
                continue
            values: list[Value] = []
            for stmt in body.named_children:
                if stmt.type != "expression_statement" or not stmt.named_child_count:
                    continue
                aug = stmt.named_children[0]
                if aug.type != "augmented_assignment":
                    continue
                right = aug.child_by_field_name("right")
                v = self.f.ev.value(right) if right is not None else None
                if v is not None:
                    values.append(v)
            if not values:
                continue
            scope = self.f.src.innermost_scope(w.start_byte)
            group = groups.get(scope)
            if group is None:
                ctx = CallContext(library="guidance", call="with role()")
                ctx.names = self.f.src.enclosing_names(w.start_byte)
                group = Group(ctx)
                groups[scope] = group
            self.f.add_msg(group, joined_values(values, ""), role, f"with {role}()", None, None)
        for group in groups.values():
            self.f.reg.emit(group)

    def loose_dict(self, d: Node) -> None:
        if d.start_byte in self.f.claimed:
            return
        keys = dict(self.f.dict_pairs(d))
        if "role" not in keys or not any(k in keys for k in CONTENT_KEYS):
            return
        parent = d.parent
        group = Group(CallContext(call=""))
        in_list = (
            parent is not None
            and parent.type in ("list", "tuple")
            and parent.start_byte not in self.f.claimed
        )
        group.ctx.names = self.f.call_names(parent if in_list else d)
        if in_list:
            self.f.messages(parent, group, None, "messages", "user")
        else:
            self.f.dict_message(d, group, "message", None)
        self.f.reg.emit(group)

    def loose_tuple(self, t: Node) -> None:
        parent = t.parent
        if parent is None or parent.start_byte in self.f.claimed or t.start_byte in self.f.claimed:
            return
        items = [c for c in t.named_children if c.type != "comment"]
        if len(items) != 2 or items[0].type != "string":
            return
        v = self.f.ev.value(items[0])
        if v is None or ps.joined(v.segs).strip().lower() not in _TUPLE_ROLES:
            return
        group = Group(CallContext(call=""))
        group.ctx.names = self.f.call_names(parent)
        self.f.messages(parent, group, None, "messages", "user")
        self.f.reg.emit(group)

    def shared_fragments(self) -> None:
        """A module constant that two or more prompt constants join into their
        text (``RULES + "..."``) is read first, as a prompt of its own; see
        :mod:`prism_lint.extract.shared.fragments`."""
        f = self.f
        src = f.src
        sinks = f.flow.sinks
        consts: dict[int, str] = {}  # literal id -> name
        values: dict[str, Node] = {}
        users: list[tuple[str, Node]] = []
        for (scope, name), bindings in src.bindings.items():
            if scope != -1 or len(bindings) != 1 or bindings[0].op != "=":
                continue
            value = bindings[0].value
            if value is None:
                continue
            if value.type == "string":
                consts[src.c(value.start_byte)] = name
                values[name] = value
            elif value.type in ("binary_operator", "call", "parenthesized_expression") and (
                f.name_re.match(name) or name in sinks
            ):
                users.append((name, value))
        if not consts or len(users) < 2:
            return

        def literals_of(node: Node) -> list[int] | None:
            v = f.ev.value(node)
            return None if v is None else v.literals

        for lit, origin in fragments.shared(consts, users, literals_of, src.span):
            name = consts[lit]
            role = sinks.get(name)
            if role is not None:
                self.flow_text(name, values[name], role, origin)
            else:
                self.name_unit(name, [values[name]], origin)

    def flow_tier(self) -> None:
        """Definitions whose value reaches a call site, in this module or another:
        constants and class attributes of any name, the items of their dicts and
        lists, and what functions return."""
        src = self.f.src
        sinks = self.f.flow.sinks
        for (scope, name), bindings in src.bindings.items():
            short = name[5:] if name.startswith("self.") else name
            role = sinks.get(short)
            if role is None or (scope != -1 and scope not in src._class_names):
                continue
            value = bindings[-1].value if len(bindings) == 1 else None
            if value is None:
                continue
            self.flow_value(short, value, role, f"value of `{short}`")
        for fname, funcs in src.functions.items():
            role = sinks.get(fname)
            if role is None:
                continue
            for fn in funcs:
                for ret in returns_of(fn.node)[:8]:
                    self.flow_value(fname, ret, role, f"returned by `{fname}`")

    def flow_value(self, name: str, node: Node, role: str, origin: str, hops: int = 0) -> None:
        f = self.f
        target = node
        if target.type == "dictionary":
            for key, value in list(f.pairs(target))[:64]:
                self.flow_value(name, value, role, f"value of `{name}[{key!r}]`", hops)
            return
        if hops < _MAX_LOCAL_HOPS and (local := self.local_values(target)) is not None:
            # ``return instr`` / ``return "\n".join(instr)``: a local list or text
            # the function builds in branches and grows with append/extend; read
            # whole first, then each value on its own (a claimed one is not read again)
            whole, values = local
            if whole:
                self.flow_text(name, target, role, origin)
            for value in values:
                self.flow_value(name, value, role, origin, hops + 1)
            return
        if target.type in ("list", "tuple"):
            items = [c for c in target.named_children if c.type != "comment"]
            if (
                items
                and all(i.type in ("dictionary", "call") for i in items)
                and any(i.type == "dictionary" and "role" in dict(f.pairs(i)) for i in items)
            ):
                group = Group(CallContext(call="", origin=f"value of `{name}`"))
                group.ctx.names = [name, *f.src.enclosing_names(node.start_byte)]
                f.messages(target, group, None, name, "user")
                f.reg.emit(group)
                return
            for i, item in enumerate(items[:64]):
                where = origin if hops else f"item of `{name}[{i}]`"
                self.flow_value(name, item, role, where, hops)
            return
        if target.type in ("conditional_expression", "boolean_operator"):
            for branch in alternatives(target):
                self.flow_value(name, branch, role, origin, hops)
            return
        if target.type not in _TEXT_NODES:
            return
        self.flow_text(name, target, role, origin)

    def flow_text(self, name: str, target: Node, role: str, origin: str) -> None:
        f = self.f
        v = f.ev.value(target)
        if v is None or not ps.has_content(v.segs):
            return
        own = f.reg.own_text(v.segs, [f.src.span(target)])
        if own is None:
            return
        text = own.strip()
        if not worded(text):
            return
        group = Group(CallContext(call="", origin=origin))
        group.ctx.names = [name, *f.src.enclosing_names(target.start_byte)]
        f.add_msg(group, v, role if role in _FLOW_ROLES else "user", name, None, None)
        f.reg.emit(group)

    def local_values(self, node: Node) -> tuple[bool, list[Node]] | None:
        """Whether ``node``, a function's local name (or a text joined from it),
        says something read whole, and the values the name takes, each on its
        own: every assignment in the function's own scope, and what
        ``append``/``extend`` add. None when ``node`` is no such name."""
        f = self.f
        src = f.src
        ident = node
        if node.type == "call":
            _fn, attr, args = method_call(node)
            if attr is None or src.text(attr) != "join" or args is None:
                return None
            items = [a for a in args.named_children if a.type != "comment"]
            if len(items) != 1:
                return None
            ident = items[0]
        if ident.type != "identifier":
            return None
        host = src.function_at(ident.start_byte)
        if host is None:
            return None
        v = f.ev.value(node)
        bound = src.bindings.get((host.scope, src.text(ident)), ())
        values = [b.value for b in bound[:_MAX_LOCAL_VALUES] if b.value is not None]
        return v is not None and ps.has_content(v.segs), [*values, *f.ev.growth(ident)]

    def name_tier(self) -> None:
        src = self.f.src
        for (_scope, name), bindings in src.bindings.items():
            short = name[5:] if name.startswith("self.") else name
            if not self.f.name_re.match(short):
                self.pattern_text(short, bindings)
                continue
            chain: list[Node] = []
            for b in bindings:  # each "=" starts a value, "+=" extends it
                if b.op == "=" and chain:
                    self.name_unit(short, chain)
                    chain = []
                if b.value is not None:
                    chain.append(b.value)
            if chain:
                self.name_unit(short, chain)
        for d in src.captures.get("dict", ()):
            if d.start_byte in self.f.claimed:
                continue
            for key, value in self.f.dict_pairs(d):
                if self.f.name_re.match(key):
                    self.name_unit(key, [value])
        for p in src.captures.get("default", ()):
            n = p.child_by_field_name("name")
            value = p.child_by_field_name("value")
            if n is None or value is None:
                continue
            if self.f.name_re.match(src.text(n)):
                self.name_unit(src.text(n), [value])
            else:  # ``def __init__(self, description: str = "You're an expert ...")``
                self.opened_text(src.text(n), value, 1)
        self.opened_keywords()
        for node in src.captures.get("assign", ()):
            # ``interpreter.system_message = "..."``: a prompt set on an object
            # of another module (``self.x`` is a binding of the class already)
            left = node.child_by_field_name("left")
            value = node.child_by_field_name("right")
            if left is None or value is None or left.type != "attribute":
                continue
            obj = left.child_by_field_name("object")
            attr = left.child_by_field_name("attribute")
            if obj is None or attr is None or src.text(obj) in ("self", "cls"):
                continue
            name = src.text(attr)
            if self.f.name_re.match(name) or name in self.f.flow.sinks:
                self.name_unit(name, [value], f"set as `{src.text(left)}`")
        for fname, funcs in src.functions.items():
            # ``def generate_prompt(context): return f"..."`` (a promptfoo
            # prompt function, a prompt builder): what it returns
            if fname.startswith("_") and not fname.startswith("__"):
                fname_match = fname.lstrip("_")
            else:
                fname_match = fname
            if not self.f.name_re.match(fname_match):
                continue
            for fn in funcs:
                for ret in returns_of(fn.node)[:8]:
                    self.name_unit(fname, [ret], f"returned by `{fname}`")

    def pattern_text(self, name: str, bindings: list[Binding]) -> None:
        """A string whose own text says it is a prompt, whatever its name: a
        fabric pattern (``# IDENTITY and PURPOSE`` ...), the text of a prompt
        file kept in code; or a text that opens by telling the model who it
        is (``prefix: str = "You are an expert ..."``, :mod:`.opening`)."""
        value = _unparenthesized(bindings[-1].value)
        if value is None or value.type not in ("string", "concatenated_string"):
            return
        head = self.f.src.text(value)[:60].lstrip("rbuf").lstrip("'\"").lstrip()
        if head.upper().startswith("# IDENTITY"):
            self.name_unit(name, [value], "a fabric pattern")
        else:
            self.opened_text(name, value, len(bindings))

    def opened_text(self, name: str, value: Node | None, bound: int | None) -> None:
        """``value`` given to ``name`` (a binding, a parameter's default, a
        keyword argument) is a prompt when it opens with a persona, goes on
        (:mod:`.opening`) and is not only shown to people. ``bound``: how
        often the name is bound in the module; None for a keyword, whose
        value goes straight to its call."""
        value = _unparenthesized(value)
        if value is None or value.type not in ("string", "concatenated_string"):
            return
        written = self.f.src.text(value)
        if not opens_with_persona(written[: 2 * MAX_LEAD + 40]):
            return
        v = self.f.ev.value(value)
        if v is None or not goes_on(joined(v.segs)):
            return
        if bound is not None and self.uses().shown_only(name, bound, written):
            return
        self.name_unit(name, [value], "a text that opens with a persona")

    def opened_keywords(self) -> None:
        """Keyword arguments of any call but one that shows its text to
        people: ``Agent(agent_description="You are an expert ...")``. Only
        the strings that open with a persona are looked at, found in one pass
        over the module's text."""
        f = self.f
        text = f.src.doc.text
        ascii_text = text.isascii()
        root = f.src.tree.root_node
        byte = done = 0
        for at in quoted_openings(text, "="):  # in order: each is encoded from the last
            if ascii_text:
                byte = at
            else:
                byte += len(text[done:at].encode("utf-8", "surrogatepass"))
                done = at
            node = root.descendant_for_byte_range(byte, byte + 1)
            if node is not None and node.type == "string_start":
                node = node.parent
            if node is None or node.type != "string":
                continue  # a quote in a comment, or inside another string
            for _step in range(_MAX_CLIMB):
                parent = node.parent
                if parent is None or parent.type not in _AROUND_STRING:
                    break
                node = parent
            node = node.parent
            if node is None or node.type != "keyword_argument":
                continue
            n = node.child_by_field_name("name")
            call = node.parent.parent if node.parent is not None else None
            if n is None or call is None or call.type != "call" or f.name_re.match(f.src.text(n)):
                continue
            fn = call.child_by_field_name("function")
            parts = f.callee_parts(fn) if fn is not None else None
            if not (parts and shows(parts[-1])):
                self.opened_text(f.src.text(n), node.child_by_field_name("value"), None)

    def uses(self) -> Uses:
        """How the module uses its names (:class:`Uses`), counted once."""
        if self._uses is None:
            f = self.f
            shown: Counter[str] = Counter()
            for call in f.src.captures.get("call", ()):
                fn = call.child_by_field_name("function")
                parts = f.callee_parts(fn) if fn is not None else None
                args = call.child_by_field_name("arguments")
                if not parts or not shows(parts[-1]) or args is None:
                    continue
                for arg in args.named_children:
                    if arg.type == "keyword_argument":
                        arg = arg.child_by_field_name("value") or arg
                    if arg.type == "attribute":
                        arg = arg.child_by_field_name("attribute") or arg
                    if arg.type == "identifier":
                        shown[f.src.text(arg)] += 1
            self._uses = Uses(written_names(f.src.doc.text), shown)
        return self._uses

    def name_unit(self, name: str, nodes: list[Node], origin: str = "", key: str = "") -> None:
        if len(nodes) == 1 and nodes[0].type in ("conditional_expression", "boolean_operator"):
            # ``f"..." if context else ""``, ``given or "You are ..."``: each
            # branch is a text it may hold
            for branch in alternatives(nodes[0]):
                self.name_unit(name, [branch], origin, key)
            return
        if len(nodes) == 1 and nodes[0].type == "dictionary" and not key:
            self.dict_units(name, nodes[0], origin)
            return
        values = []
        for i, node in enumerate(nodes):
            # a text extended by a lookup (``prompt += SUFFIXES[kind]``) is
            # still the text: the lookup reads as what it finds, or a hole
            if node.type not in _TEXT_NODES and not (i and node.type == "subscript"):
                return
            v = self.f.ev.value(node)
            if v is None:
                return
            values.append(v)
        if not values:
            return
        v = joined_values(values, "") if len(values) > 1 else values[0]
        if not ps.has_content(v.segs):
            return
        node = nodes[0]
        own = self.f.reg.own_text(v.segs, [self.f.src.span(n) for n in nodes])
        if own is None:
            return
        text = own.strip()
        if not worded(text):
            return
        group = Group(CallContext(call="", origin=origin), tier="name")
        names = [key] if key else []
        group.ctx.names = [name, *names, *self.f.src.enclosing_names(node.start_byte)]
        self.f.add_msg(group, v, self.f.name_role(name), name, None, None)
        self.f.reg.emit(group)

    def dict_units(self, name: str, d: Node, origin: str) -> None:
        """The texts of a dict a prompt name holds (``SYSTEM_MESSAGES =
        {"planner": "You are ..."}``), each a prompt of that name, keyed: one
        prompt per agent or per mode, looked up by key where it is sent. A
        chat message (``{"role": ..., "content": ...}``) is read as one
        elsewhere, and a prompt-named key (``{"system_prompt": ...}``) gives
        its own name to its value."""
        f = self.f
        if d.start_byte in f.claimed:
            return
        pairs = f.dict_pairs(d)
        keys = {k for k, _v in pairs}
        if "role" in keys and "content" in keys:
            return
        for k, value in pairs[:_MAX_DICT_PROMPTS]:
            if f.name_re.match(k):
                continue
            if value.type in _TEXT_NODES or value.type in (
                "conditional_expression",
                "boolean_operator",
            ):
                self.name_unit(name, [value], origin or f"value of `{name}[{k!r}]`", k)


MAX_ALTERNATIVES = 16


def alternatives(node: Node) -> list[Node]:
    """The expressions ``a if c else b`` and ``a or b`` may evaluate to, in order.

    A condition is not among them, nor is anything joined by ``and`` (its
    value is a truth test more often than a text).
    """
    out: list[Node] = []
    stack = [node]
    while stack and len(out) < MAX_ALTERNATIVES:
        cur = stack.pop()
        parts = [c for c in cur.named_children if c.type != "comment"]
        if cur.type == "conditional_expression" and len(parts) == 3:
            stack.extend([parts[2], parts[0]])
        elif cur.type == "boolean_operator" and len(parts) == 2 and _is_or(cur):
            stack.extend([parts[1], parts[0]])
        elif (
            cur.type == "parenthesized_expression"
            and len(parts) == 1
            and parts[0].type in ("conditional_expression", "boolean_operator")
        ):
            stack.append(parts[0])
        elif cur.type not in ("conditional_expression", "boolean_operator"):
            out.append(cur)
    return out


def _is_or(node: Node) -> bool:
    op = node.child_by_field_name("operator")
    return op is not None and op.type == "or"
