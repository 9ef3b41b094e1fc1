"""Fold a Python expression into prompt text: literals, names, ``+``, ``format``, ``join`` ...

Anything that is not known from the module itself becomes a hole; nothing is
guessed. A value remembers the literals it was built from, so each literal
can be owned by one prompt only.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator
from dataclasses import dataclass, field

from prism_lint.extract.python import strings as ps
from prism_lint.extract.python.source import Binding, Node, Source
from prism_lint.extract.python.strings import HOLE_KIND, SEP, Seg, Segs
from prism_lint.extract.shared.segments import concat, literal_ids, merged_names

# The keys of a message dict that hold its text.
CONTENT_KEYS = ("content", "message", "parts", "text", "prompt")

MAX_DEPTH = 6  # hops through names and functions
MAX_NESTING = 120  # nested expressions read before the rest becomes a hole

_NOT_STRING = frozenset(
    {
        "integer",
        "float",
        "true",
        "false",
        "none",
        "list",
        "dictionary",
        "set",
        "tuple",
        "lambda",
        "list_comprehension",
        "dictionary_comprehension",
        "set_comprehension",
        "generator_expression",
        "ellipsis",
        "comparison_operator",
        "not_operator",
        "boolean_operator",
        "unary_operator",
    }
)
_REPEATED_WORDS = 3  # words a repeated text needs to be read as prose
_DEDENT = frozenset({"dedent", "textwrap.dedent"})
_CLEANDOC = frozenset({"cleandoc", "inspect.cleandoc"})
# Statements whose bodies can hold a ``return`` of the same function.
_COMPOUND = frozenset(
    {
        "block",
        "if_statement",
        "elif_clause",
        "else_clause",
        "try_statement",
        "except_clause",
        "except_group_clause",
        "finally_clause",
        "with_statement",
        "for_statement",
        "while_statement",
        "match_statement",
        "case_clause",
    }
)
_STRIPS = {"strip": (True, True), "lstrip": (True, False), "rstrip": (False, True)}


@dataclass
class Value:
    """Prompt text folded from an expression."""

    segs: Segs
    syntax: str | None = None  # template syntax already applied (format/percent)
    fstring: bool = False
    names: list[str] = field(default_factory=list)  # constants it was read from

    @property
    def literals(self) -> list[int]:
        return literal_ids(self.segs)


class Evaluator:
    """Evaluates expressions of one module; caches by node."""

    def __init__(self, src: Source) -> None:
        self.src = src
        self.literal_nodes: dict[int, Node] = {}  # literal id (char offset) -> string node
        self._cache: dict[tuple[int, int, str], Value | None] = {}
        self._busy: set[tuple[int, int, str]] = set()
        self._nesting = 0

    # -- public ------------------------------------------------------------

    def value(self, node: Node | None, depth: int = 0) -> Value | None:
        """The prompt text ``node`` evaluates to; None when it is not a string."""
        if node is None:
            return None
        key = (node.start_byte, node.end_byte, node.type)
        if key in self._cache:
            return self._cache[key]
        if key in self._busy or depth > MAX_DEPTH or self._nesting > MAX_NESTING:
            return self.hole(node)
        self._busy.add(key)
        self._nesting += 1
        try:
            result = self._value(node, depth)
        finally:
            self._busy.discard(key)
            self._nesting -= 1
        self._cache[key] = result
        return result

    def hole(self, node: Node) -> Value:
        a, b = self.src.span(node)
        return Value([Seg(HOLE_KIND, self.src.doc.text[a:b], a, b)])

    def resolve(self, node: Node, depth: int = 0) -> Node | None:
        """Follow a name (or ``self.x``, ``Cls.X``) to the expression assigned to it."""
        for _ in range(MAX_DEPTH):
            if node is None:
                return None
            if node.type == "parenthesized_expression" and node.named_child_count == 1:
                node = node.named_children[0]
                continue
            bindings = self.bindings_of(node)
            if not bindings or bindings[0].op != "=" or len(bindings) > 1:
                return node
            if node.type == "identifier" and not _applies(bindings[0], node.start_byte):
                return node
            if bindings[0].value is None:
                return node
            node = bindings[0].value
        return node

    def bindings_of(self, node: Node) -> list[Binding] | None:
        src = self.src
        if node.type == "identifier":
            found = src.lookup(src.text(node), node.start_byte)
            return found if isinstance(found, list) else None
        if node.type == "attribute":
            obj = node.child_by_field_name("object")
            attr = node.child_by_field_name("attribute")
            if obj is None or attr is None or obj.type != "identifier":
                return None
            name = src.text(obj)
            if name in ("self", "cls"):
                key = src.class_key_at(node.start_byte)
            else:
                cls = src.classes.get(name)
                key = cls.start_byte if cls is not None else None
            if key is None:
                return None
            return src.class_bindings(key, src.text(attr))
        return None

    # -- cases ---------------------------------------------------------------

    def _value(self, node: Node, depth: int) -> Value | None:
        t = node.type
        if t == "string":
            return self._string(node)
        if t == "concatenated_string":
            parts: list[Value] = []
            for child in node.named_children:
                if child.type == "string":
                    v = self._string(child)
                    if v is None:
                        return None
                    parts.append(v)
            return _join(parts)
        if t == "parenthesized_expression":
            inner = [c for c in node.named_children if c.type != "comment"]
            return self.value(inner[0], depth) if len(inner) == 1 else None
        if t == "binary_operator":
            return self._binary(node, depth)
        if t == "call":
            return self._call(node, depth)
        if t in ("identifier", "attribute"):
            return self._name(node, depth)
        if t == "subscript":
            return self._subscript(node, depth)
        if t in _NOT_STRING:
            return None
        return self.hole(node)

    def _string(self, node: Node) -> Value | None:
        src = self.src
        children = node.children
        if not children or children[0].type != "string_start":
            return self.hole(node)
        start_node = children[0]
        opener = src.text(start_node)
        prefix = opener.rstrip("'\"").lower()
        if "b" in prefix:
            return None
        raw = "r" in prefix
        fstring = "f" in prefix or "t" in prefix
        lit_id = src.c(node.start_byte)
        self.literal_nodes[lit_id] = node
        segs: Segs = []
        text = src.doc.text
        pos_b = start_node.end_byte
        for child in children[1:]:
            if child.type == "interpolation":
                self._run(pos_b, child.start_byte, raw, fstring, lit_id, segs)
                a, b = src.span(child)
                segs.append(Seg(HOLE_KIND, text[a:b], a, b, lit_id))
                pos_b = child.end_byte
            elif child.type == "string_end":
                self._run(pos_b, child.start_byte, raw, fstring, lit_id, segs)
                pos_b = -1
                break
        if pos_b >= 0:  # unterminated (error recovery): read to the node's end
            self._run(pos_b, node.end_byte, raw, fstring, lit_id, segs)
        return Value(segs, "fstring" if fstring else None, fstring)

    def _run(self, a_b: int, b_b: int, raw: bool, fstring: bool, lit: int, out: Segs) -> None:
        if b_b <= a_b:
            return
        a, b = self.src.c(a_b), self.src.c(b_b)
        ps.decode_run(self.src.doc.text[a:b], a, raw=raw, fstring=fstring, literal=lit, out=out)

    def _binary(self, node: Node, depth: int) -> Value | None:
        op = node.child_by_field_name("operator")
        left = node.child_by_field_name("left")
        right = node.child_by_field_name("right")
        if op is None or left is None or right is None:
            return None
        if op.type == "+":
            # a + b + c nests to the left: read the operands in one loop
            operands = [right]
            cur = left
            while cur.type == "binary_operator":
                cur_op = cur.child_by_field_name("operator")
                if cur_op is None or cur_op.type != "+":
                    break
                r = cur.child_by_field_name("right")
                nxt = cur.child_by_field_name("left")
                if r is None or nxt is None:
                    break
                operands.append(r)
                cur = nxt
            operands.append(cur)
            operands.reverse()
            values = [self.value(o, depth) for o in operands]
            if all(v is None for v in values):
                return None
            parts: list[Value] = []
            for o, v in zip(operands, values, strict=True):
                if v is None:
                    if o.type in _NOT_STRING:
                        return None  # arithmetic, or a list + list
                    v = self.hole(o)
                parts.append(v)
            return _join(parts)
        if op.type == "%":
            lv = self.value(left, depth + 1)
            if lv is None:
                return None
            segs = ps.apply_template(lv.segs, "percent", self.src.doc.text)
            return Value(segs, "percent", lv.fstring, list(lv.names))
        if op.type == "*":
            # `("You are ..." "...") * 80` pads a prompt to a length: the
            # repeated text is read once, so every position is a literal's.
            # A rule such as `"=" * 40` is no prose and stays unread.
            for text_side, count_side in ((left, right), (right, left)):
                if count_side.type == "integer" and text_side.type not in _NOT_STRING:
                    v = self.value(text_side, depth + 1)
                    if v is not None and len(ps.joined(v.segs).split()) >= _REPEATED_WORDS:
                        return v
        return None

    def _call(self, node: Node, depth: int) -> Value | None:
        src = self.src
        fn = node.child_by_field_name("function")
        args = node.child_by_field_name("arguments")
        if fn is None or args is None or args.type != "argument_list":
            return self.hole(node)
        positional = [
            a for a in args.named_children if a.type not in ("keyword_argument", "comment")
        ]
        if fn.type == "attribute":
            method_node = fn.child_by_field_name("attribute")
            receiver = fn.child_by_field_name("object")
            method = src.text(method_node) if method_node is not None else ""
            full = src.text(fn)
            if full in _DEDENT or full in _CLEANDOC:
                return self._transform(full, positional, depth)
            if receiver is not None and method == "format":
                rv = self.value(receiver, depth + 1)
                if rv is None:
                    return self.hole(node)
                segs = ps.apply_template(rv.segs, "format", src.doc.text)
                return Value(segs, "format", rv.fstring, list(rv.names))
            if receiver is not None and method in _STRIPS and not positional:
                rv = self.value(receiver, depth + 1)
                if rv is None:
                    return self.hole(node)
                left, right = _STRIPS[method]
                return Value(
                    ps.strip(rv.segs, src.doc.text, left=left, right=right),
                    rv.syntax,
                    rv.fstring,
                    list(rv.names),
                )
            if receiver is not None and method == "join" and len(positional) == 1:
                return self._join_call(node, receiver, positional[0], depth)
            return self.hole(node)
        if fn.type == "identifier":
            name = src.text(fn)
            if name in _DEDENT or name in _CLEANDOC:
                return self._transform(name, positional, depth)
            if name == "str" and len(positional) == 1:
                return self.value(positional[0], depth + 1) or self.hole(node)
            returned = self.function_return(name, node.start_byte)
            if returned is not None:
                v = self.value(returned, depth + 1)
                if v is not None:
                    return Value(list(v.segs), v.syntax, v.fstring, [name, *v.names])
        return self.hole(node)

    def function_return(self, name: str, at: int) -> Node | None:
        """The returned expression of a same-module function with one ``return``."""
        funcs = self.src.functions.get(name)
        if not funcs or len(funcs) != 1 or funcs[0].is_method:
            return None
        returns = returns_of(funcs[0].node)
        return returns[0] if len(returns) == 1 else None

    def _transform(self, name: str, positional: list[Node], depth: int) -> Value | None:
        if len(positional) != 1:
            return None
        inner = self.value(positional[0], depth + 1)
        if inner is None:
            return None
        text = self.src.doc.text
        segs = ps.dedent(inner.segs, text) if name in _DEDENT else ps.cleandoc(inner.segs, text)
        return Value(segs, inner.syntax, inner.fstring, list(inner.names))

    def _join_call(self, node: Node, receiver: Node, arg: Node, depth: int) -> Value | None:
        sep_value = self.value(receiver, depth + 1)
        if sep_value is None:
            return self.hole(node)
        sep = ps.joined(sep_value.segs)
        items = self.resolve(arg, depth)
        grown = self._growth(arg) if arg.type == "identifier" else []
        if items is None or (items.type not in ("list", "tuple") and not grown):
            return self.hole(node)
        parts: list[Value] = []
        elements = list(items.named_children) if items.type in ("list", "tuple") else [items]
        for element in [*elements, *grown]:
            if element.type == "comment":
                continue
            v = self.value(element, depth + 1) if element is not items else None
            parts.append(v if v is not None else self.hole(element))
        out: Segs = []
        names: list[str] = [self.src.text(arg)] if arg.type == "identifier" else []
        for i, p in enumerate(parts):
            if i and sep:
                out.append(Seg(SEP, sep, -1, -1))
            out.extend(p.segs)
            names.extend(p.names)
        return Value(out, None, any(p.fstring for p in parts), names)

    def growth(self, name_node: Node) -> list[Node]:
        """What ``append``/``extend`` add to the list ``name_node`` names, before it."""
        return self._growth(name_node)

    def list_growth(self, node: Node) -> list[Node]:
        """What ``append``/``extend`` add, after the list is made, to the list a
        local name holds when it is used (through ``alias = name``)."""
        name = node
        for _ in range(MAX_DEPTH):
            if name.type != "identifier":
                return []
            bindings = self.bindings_of(name)
            if (
                not bindings
                or len(bindings) > 1
                or bindings[0].op != "="
                or bindings[0].value is None
                or not _applies(bindings[0], name.start_byte)
            ):
                return []
            value = bindings[0].value
            if value.type == "list":
                return [g for g in self._growth(name) if g.start_byte >= value.end_byte]
            name = value
        return []

    def _growth(self, name_node: Node) -> list[Node]:
        """What ``name.append(x)`` / ``name.extend([...])`` add to a list in the
        function (or module) that joins it, before the join."""
        host = self.src.function_at(name_node.start_byte)
        lo = host.node.start_byte if host is not None else 0
        out: list[Node] = []
        for _call, method, first in self.method_calls(name_node, lo, (host,)):
            if len(out) >= 64:
                break
            if first is None:
                continue
            if method == "append":
                out.append(first)
            elif method == "extend":
                if first.type in ("list", "tuple"):
                    out.extend(c for c in first.named_children if c.type != "comment")
                else:
                    out.append(first)
        return out

    def method_calls(
        self, name_node: Node, start: int, scopes: tuple[object, ...]
    ) -> Iterator[tuple[Node, str, Node | None]]:
        """The calls of a method on the name ``name_node`` writes
        (``name.method(first, ...)``) from byte ``start`` up to the name, in
        one of ``scopes`` (functions; None: the module's top level): each
        call, its method's name and its first argument."""
        src = self.src
        name = src.text(name_node)
        calls = src.captures.get("call", ())
        i = bisect.bisect_left(calls, start, key=lambda c: c.start_byte)
        for call in calls[i:]:
            if call.start_byte >= name_node.start_byte:
                break
            fn = call.child_by_field_name("function")
            if fn is None or fn.type != "attribute":
                continue
            obj = fn.child_by_field_name("object")
            attr = fn.child_by_field_name("attribute")
            if obj is None or attr is None or obj.type != "identifier" or src.text(obj) != name:
                continue
            if src.function_at(call.start_byte) not in scopes:
                continue
            args = call.child_by_field_name("arguments")
            first = (
                next((a for a in args.named_children if a.type != "comment"), None)
                if args is not None
                else None
            )
            yield call, src.text(attr), first

    def _name(self, node: Node, depth: int) -> Value | None:
        src = self.src
        if node.type == "identifier":
            found = src.lookup(src.text(node), node.start_byte)
            if not isinstance(found, list):
                return self.hole(node)
            bindings = found
        else:
            got = self.bindings_of(node)
            if not got:
                return self.hole(node)
            bindings = got
        parts: list[Value] = []
        for b in bindings:
            if b.value is None:
                return self.hole(node)
            if node.type == "identifier" and not _applies(b, node.start_byte):
                # assigned in a branch the use is not in: which value holds is unknown
                if b.op == "=":
                    return self.hole(node)
                parts.append(self.hole(b.value))
                continue
            v = self.value(b.value, depth + 1)
            if v is None:
                return None if b.op == "=" and len(bindings) == 1 else self.hole(node)
            parts.append(v)
        out = _join(parts)
        name = src.text(node)
        if name not in out.names:
            out.names.insert(0, name)
        return out

    def _subscript(self, node: Node, depth: int) -> Value | None:
        """``PROMPTS["coder"]`` where ``PROMPTS`` is a dict literal of this module."""
        value = node.child_by_field_name("value")
        index = node.child_by_field_name("subscript")
        if value is None or index is None or index.type != "string":
            return self.hole(node)
        target = self.resolve(value, depth)
        if target is None or target.type != "dictionary":
            return self.hole(node)
        want = self.value(index, depth + 1)
        if want is None:
            return self.hole(node)
        key_text = ps.joined(want.segs)
        for pair in target.named_children:
            if pair.type != "pair":
                continue
            k = pair.child_by_field_name("key")
            if k is not None and k.type == "string":
                kv = self._string(k)
                if kv is not None and ps.joined(kv.segs) == key_text:
                    return self.value(pair.child_by_field_name("value"), depth + 1)
        return self.hole(node)


def _applies(binding: Binding, use: int) -> bool:
    """True when the binding's block encloses the use, so it surely ran before it."""
    block = binding.stmt.parent
    return block is None or block.start_byte <= use < block.end_byte


def _join(parts: list[Value]) -> Value:
    if len(parts) == 1:
        p = parts[0]
        return Value(list(p.segs), p.syntax, p.fstring, list(p.names))
    segs: Segs = []
    names: list[str] = []
    syntaxes = {p.syntax for p in parts}
    for p in parts:
        segs.extend(p.segs)
        for n in p.names:
            if n not in names:
                names.append(n)
    syntax = syntaxes.pop() if len(syntaxes) == 1 else None
    return Value(segs, syntax, any(p.fstring for p in parts), names)


def method_call(call: Node) -> tuple[Node | None, Node | None, Node | None]:
    """A call's function, its method name when it is ``obj.name(...)``
    (``opts.get``, ``"".join``), and its arguments."""
    fn = call.child_by_field_name("function")
    args = call.child_by_field_name("arguments")
    attr = (
        fn.child_by_field_name("attribute") if fn is not None and fn.type == "attribute" else None
    )
    return fn, attr, args


def returns_of(func: Node) -> list[Node]:
    """Returned expressions of a function, not counting nested functions and classes."""
    out: list[Node] = []
    body = func.child_by_field_name("body")
    if body is None:
        return out
    stack = [body]
    while stack:
        node = stack.pop()
        for child in node.named_children:
            t = child.type
            if t == "return_statement":
                if child.named_child_count:
                    out.append(child.named_children[0])
            elif t in _COMPOUND:
                stack.append(child)
    out.sort(key=lambda n: n.start_byte)
    return out


def docstring_of(definition: Node) -> Node | None:
    """The docstring literal of a function or class definition."""
    body = definition.child_by_field_name("body")
    if body is None:
        return None
    for child in body.named_children:
        if child.type == "comment":
            continue
        if child.type == "expression_statement" and child.named_child_count == 1:
            expr = child.named_children[0]
            if expr.type in ("string", "concatenated_string"):
                return expr
        return None
    return None


def joined_values(parts: list[Value], sep: str) -> Value:
    return Value(
        concat((p.segs for p in parts), sep),
        None,
        any(p.fstring for p in parts),
        merged_names(p.names for p in parts),
    )
