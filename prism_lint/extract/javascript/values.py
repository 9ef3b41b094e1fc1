"""Fold a JavaScript/TypeScript expression into prompt text.

Literals, template literals, ``+``, constants of the same file, object
members (``PROMPTS.coder``), ``[...].join("\\n")``, ``trim()``, ``dedent``
tags and same-file functions with one ``return`` are folded; anything else
becomes a hole. Nothing is guessed. A value remembers the literals it was
built from, so each literal can be owned by one prompt only.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from prism_lint.extract.javascript import strings as js
from prism_lint.extract.javascript.source import (
    FUNCTION_TYPES,
    TRANSPARENT,
    Binding,
    Node,
    Source,
    unwrap,
)
from prism_lint.extract.shared import segments
from prism_lint.extract.shared.segments import HOLE_KIND, LIT, SEP, Seg, Segs, literal_ids

MAX_DEPTH = 8

# Expressions that are never strings.
NOT_STRING = frozenset(
    {
        "number",
        "true",
        "false",
        "null",
        "undefined",
        "object",
        "array",
        "arrow_function",
        "function_expression",
        "function",
        "class",
        "regex",
        "unary_expression",
        "update_expression",
        "jsx_element",
        "jsx_self_closing_element",
        "bigint",
    }
)
# Template tags that remove the common indentation and trim (dedent, ts-dedent,
# outdent, common-tags).
DEDENT_TAGS = frozenset(
    {"dedent", "outdent", "stripIndent", "stripIndents", "ts_dedent", "dedentString", "endent"}
)
_TRIMS = {
    "trim": (True, True),
    "trimStart": (True, False),
    "trimEnd": (False, True),
    "trimLeft": (True, False),
    "trimRight": (False, True),
}
# Array methods that keep the text of the strings they hold.
_ARRAY_PASS = frozenset({"filter", "flat"})


@dataclass
class Value:
    """Prompt text folded from an expression."""

    segs: Segs
    template: bool = False  # built from a template literal with substitutions
    names: list[str] = field(default_factory=list)  # constants it was read from

    @property
    def literals(self) -> list[int]:
        return literal_ids(self.segs)

    @property
    def has_hole(self) -> bool:
        return any(s.kind == HOLE_KIND for s in self.segs)

    @property
    def text(self) -> str:
        return segments.joined(self.segs)


class Evaluator:
    """Evaluates the expressions of one file; caches by node."""

    def __init__(self, src: Source) -> None:
        self.src = src
        self.literal_nodes: dict[int, Node] = {}  # literal id (char offset) -> node
        self._cache: dict[tuple[int, int, str], Value | None] = {}
        self._busy: set[tuple[int, int, str]] = set()
        self._resolved: dict[tuple[int, int, str], Node | None] = {}
        self._resolving: set[tuple[int, int, str]] = set()

    # -- public ------------------------------------------------------------

    def value(self, node: Node | None, depth: int = 0) -> Value | None:
        """The prompt text ``node`` evaluates to; None when it is not a string."""
        if node is None:
            return None
        key = (node.start_byte, node.end_byte, node.type)
        if key in self._cache:
            return self._cache[key]
        if key in self._busy or depth > MAX_DEPTH:
            return self.hole(node)
        self._busy.add(key)
        try:
            result = self._value(node, depth)
        finally:
            self._busy.discard(key)
        self._cache[key] = result
        return result

    def hole(self, node: Node) -> Value:
        a, b = self.src.span(node)
        return Value([Seg(HOLE_KIND, self.src.doc.text[a:b], a, b)])

    def known(self, node: Node | None) -> str | None:
        """The text of ``node`` when it is fully known (a model name, a role, a key)."""
        v = self.value(node)
        if v is None or v.has_hole:
            return None
        return v.text

    def resolve(self, node: Node | None, depth: int = 0) -> Node | None:
        """Follow names and members to the expression assigned to them."""
        if node is None or depth > MAX_DEPTH:
            return node
        key = (node.start_byte, node.end_byte, node.type)
        if key in self._resolved:
            return self._resolved[key]
        if key in self._resolving:
            return node  # a cycle: `a = a.next`
        self._resolving.add(key)
        try:
            result = self._resolve(node, depth)
        finally:
            self._resolving.discard(key)
        self._resolved[key] = result
        return result

    def _resolve(self, node: Node | None, depth: int) -> Node | None:
        for _ in range(MAX_DEPTH):
            if node is None:
                return None
            if node.type in TRANSPARENT:
                inner = [c for c in node.named_children if c.type != "comment"]
                if not inner:
                    return node
                node = inner[0]
                continue
            target = self._target(node, depth + 1)
            if target is None:
                return node
            node = target
        return node

    def pairs(self, obj: Node) -> Iterator[tuple[str, Node]]:
        """``(key, value)`` of an object literal; a shorthand ``{x}`` yields the name."""
        for child in obj.named_children:
            t = child.type
            if t == "pair":
                k = child.child_by_field_name("key")
                v = child.child_by_field_name("value")
                if k is None or v is None:
                    continue
                name = self.key_name(k)
                if name is not None:
                    yield name, v
            elif t == "shorthand_property_identifier":
                yield self.src.text(child), child

    def key_name(self, key: Node) -> str | None:
        t = key.type
        if t in ("property_identifier", "number", "private_property_identifier"):
            return self.src.text(key)
        if t == "string":
            return self.known(key)
        if t == "computed_property_name" and key.named_child_count == 1:
            inner = key.named_children[0]
            if inner.type == "string":
                return self.known(inner)
        return None

    def function_return(self, name: str) -> Node | None:
        """The returned expression of a same-file function with one ``return``."""
        funcs = self.src.functions.get(name)
        if not funcs or len(funcs) != 1:
            return None
        returns = returns_of(funcs[0].node)
        return returns[0] if len(returns) == 1 else None

    # -- cases ---------------------------------------------------------------

    def _value(self, node: Node, depth: int) -> Value | None:
        t = node.type
        if t == "string":
            return self._string(node)
        if t == "template_string":
            return self._template(node, depth, raw=False)
        if t in TRANSPARENT:
            inner = [c for c in node.named_children if c.type != "comment"]
            return self.value(inner[0], depth) if inner else None
        if t == "binary_expression":
            return self._binary(node, depth)
        if t == "call_expression":
            return self._call(node, depth)
        if t in (
            "identifier",
            "member_expression",
            "subscript_expression",
            "shorthand_property_identifier",
        ):
            if t == "identifier" and self.src.text(node) == "undefined":
                return None
            return self._name(node, depth)
        if t in NOT_STRING:
            return None
        return self.hole(node)

    def _string(self, node: Node) -> Value:
        src = self.src
        a, b = src.span(node)
        text = src.doc.text
        self.literal_nodes[a] = node
        segs: Segs = []
        quote = text[a] if a < b else ""
        end = b - 1 if b - a >= 2 and text[b - 1] == quote else b
        if node.start_byte in src.jsx_strings:  # no escapes in JSX attribute values
            if end > a + 1:
                segs.append(Seg(LIT, text[a + 1 : end], a + 1, end, a))
        else:
            js.decode_run(text[a + 1 : end], a + 1, template=False, literal=a, out=segs)
        return Value(segs)

    def _template(self, node: Node, depth: int, *, raw: bool) -> Value:
        src = self.src
        text = src.doc.text
        lit = src.c(node.start_byte)
        self.literal_nodes[lit] = node
        segs: Segs = []
        names: list[str] = []
        pos = lit + 1
        has_sub = False
        for child in node.children:
            if child.type != "template_substitution":
                continue
            has_sub = True
            a, b = src.span(child)
            self._run(text[pos:a], pos, raw, lit, segs)
            inner = [c for c in child.named_children if c.type != "comment"]
            sub = self.value(inner[0], depth + 1) if len(inner) == 1 else None
            if sub is None or (len(sub.segs) == 1 and sub.segs[0].kind == HOLE_KIND):
                segs.append(Seg(HOLE_KIND, text[a:b], a, b, lit))
            else:
                segs.extend(sub.segs)
                names.extend(n for n in sub.names if n not in names)
            pos = b
        end = src.c(node.end_byte)
        if end - 1 >= pos and text[end - 1] == "`" and end - 1 > lit:
            end -= 1
        self._run(text[pos:end], pos, raw, lit, segs)
        return Value(segs, has_sub, names)

    @staticmethod
    def _run(chunk: str, start: int, raw: bool, lit: int, out: Segs) -> None:
        if not chunk:
            return
        if raw:
            js.raw_run(chunk, start, literal=lit, out=out)
        else:
            js.decode_run(chunk, start, template=True, literal=lit, out=out)

    def _binary(self, node: Node, depth: int) -> Value | None:
        op = node.child_by_field_name("operator")
        if op is None:
            return self.hole(node)
        if op.type in ("??", "||", "&&"):
            return self.hole(node)  # a fallback: which side is used is not known
        if op.type != "+":
            return None  # arithmetic and comparisons are not text
        # `"a" + "b" + ... + "z"` nests to the left; read the chain in one pass so
        # a long concatenation costs no depth.
        operands: list[Node] = []
        cur = node
        while True:
            left = cur.child_by_field_name("left")
            right = cur.child_by_field_name("right")
            if left is None or right is None:
                return self.hole(node)
            operands.append(right)
            cur_op = (
                left.child_by_field_name("operator") if left.type == "binary_expression" else None
            )
            if cur_op is None or cur_op.type != "+":
                operands.append(left)
                break
            cur = left
        operands.reverse()
        values = [self.value(o, depth + 1) for o in operands]
        if all(v is None for v in values):
            return None
        return join([v or self.hole(o) for v, o in zip(values, operands, strict=True)])

    def _call(self, node: Node, depth: int) -> Value | None:
        src = self.src
        fn = node.child_by_field_name("function")
        args = node.child_by_field_name("arguments")
        if fn is None or args is None:
            return self.hole(node)
        if args.type == "template_string":
            return self._tagged(node, fn, args, depth)
        positional = [a for a in args.named_children if a.type != "comment"]
        if fn.type == "member_expression":
            prop = fn.child_by_field_name("property")
            receiver = fn.child_by_field_name("object")
            method = src.text(prop) if prop is not None else ""
            if receiver is None:
                return self.hole(node)
            if method in _TRIMS and not positional:
                rv = self.value(receiver, depth + 1)
                if rv is None:
                    return self.hole(node)
                left, right = _TRIMS[method]
                return Value(
                    segments.strip(rv.segs, src.doc.text, left=left, right=right),
                    rv.template,
                    list(rv.names),
                )
            if method == "join" and len(positional) <= 1:
                return self._join(node, receiver, positional, depth)
            if method == "concat":
                rv = self.value(receiver, depth + 1)
                if rv is None:
                    return self.hole(node)
                parts = [rv] + [self.value(a, depth + 1) or self.hole(a) for a in positional]
                return join(parts)
            if method in ("replace", "replaceAll") and len(positional) == 2:
                return self._replace(node, receiver, positional[0], method == "replaceAll", depth)
            if method == "toString" and not positional:
                return self.value(receiver, depth + 1) or self.hole(node)
            return self.hole(node)
        if fn.type == "identifier":
            name = src.text(fn)
            if name == "String" and len(positional) == 1:
                return self.value(positional[0], depth + 1) or self.hole(node)
            if name in DEDENT_TAGS and len(positional) == 1:
                inner = self.value(positional[0], depth + 1)
                if inner is None:
                    return self.hole(node)
                return Value(dedent_js(inner.segs, src.doc.text), inner.template, list(inner.names))
            returned = self.function_return(name)
            if returned is not None:
                v = self.value(returned, depth + 1)
                if v is not None:
                    return v
        return self.hole(node)

    def _tagged(self, node: Node, fn: Node, tmpl: Node, depth: int) -> Value:
        tag = self.src.text(fn)
        if tag == "String.raw":
            return self._template(tmpl, depth, raw=True)
        if tag in DEDENT_TAGS or tag.rsplit(".", 1)[-1] in DEDENT_TAGS:
            inner = self._template(tmpl, depth, raw=False)
            return Value(
                dedent_js(inner.segs, self.src.doc.text), inner.template, list(inner.names)
            )
        return self.hole(node)

    def _join(self, node: Node, receiver: Node, positional: list[Node], depth: int) -> Value:
        sep = ","
        if positional:
            known = self.known(positional[0])
            if known is None:
                return self.hole(node)
            sep = known
        items = self._array(receiver)
        if items is None:
            return self.hole(node)
        parts: list[Value] = []
        for el in items.named_children:
            t = el.type
            if t == "comment" or t in ("null", "undefined", "false"):
                continue
            v = self.value(el, depth + 1)
            parts.append(v if v is not None else self.hole(el))
        out: Segs = []
        names: list[str] = []
        named = unwrap(receiver)
        if named is not None and named.type in ("identifier", "member_expression"):
            names.append(self.src.text(named))
        for i, p in enumerate(parts):
            if i and sep:
                out.append(Seg(SEP, sep, -1, -1))
            out.extend(p.segs)
            names.extend(n for n in p.names if n not in names)
        return Value(out, any(p.template for p in parts), names)

    def _array(self, node: Node) -> Node | None:
        """The array literal an expression stands for (through ``.filter(...)``)."""
        for _ in range(4):
            target = self.resolve(node)
            if target is None:
                return None
            if target.type == "array":
                return target
            if target.type != "call_expression":
                return None
            fn = target.child_by_field_name("function")
            if fn is None or fn.type != "member_expression":
                return None
            prop = fn.child_by_field_name("property")
            if prop is None or self.src.text(prop) not in _ARRAY_PASS:
                return None
            node = fn.child_by_field_name("object")
        return None

    def _replace(self, node: Node, receiver: Node, pattern: Node, every: bool, depth: int) -> Value:
        rv = self.value(receiver, depth + 1)
        want = self.known(pattern) if pattern.type in ("string", "template_string") else None
        if rv is None or not want:
            return self.hole(node)
        text = rv.text
        edits: list[segments.Edit] = []
        start = text.find(want)
        while start >= 0:
            edits.append((start, start + len(want), ("hole", "")))
            if not every:
                break
            start = text.find(want, start + len(want))
        segs = segments.rewrite(rv.segs, edits, self.src.doc.text)
        return Value(segs, rv.template, list(rv.names))

    def _name(self, node: Node, depth: int) -> Value | None:
        bindings = self.bindings_of(node)
        if bindings is None:
            member = self._member_value(node, depth)
            if member is None:
                return self.hole(node)
            v = self.value(member, depth + 1)
            if v is None:
                return None
            out = Value(list(v.segs), v.template, list(v.names))
        else:
            parts: list[Value] = []
            for b in bindings:
                if b.value is None:
                    return self.hole(node)
                v = self.value(b.value, depth + 1)
                if v is None:
                    return None if b.op == "=" and len(bindings) == 1 else self.hole(node)
                parts.append(v)
            out = join(parts)
        name = self.src.text(node)
        if name not in out.names:
            out.names.insert(0, name)
        return out

    # -- names -----------------------------------------------------------------

    def bindings_of(self, node: Node) -> list[Binding] | None:
        """The assignments that give a name, ``this.x`` or ``Cls.x`` its value."""
        src = self.src
        t = node.type
        if t in ("identifier", "shorthand_property_identifier"):
            found = src.lookup(src.text(node), node.start_byte)
            return found if isinstance(found, list) else None
        if t == "member_expression":
            obj = node.child_by_field_name("object")
            prop = node.child_by_field_name("property")
            if obj is None or prop is None:
                return None
            if obj.type == "this":
                key = src.class_key_at(node.start_byte)
            elif obj.type == "identifier" and src.text(obj) in src.classes:
                key = src.classes[src.text(obj)].start_byte
            else:
                return None
            if key is None:
                return None
            return src.member_bindings(key, src.text(prop))
        return None

    def _target(self, node: Node, depth: int) -> Node | None:
        """One step of :meth:`resolve`: the expression a name or member is set to."""
        bindings = self.bindings_of(node)
        if bindings is not None:
            if len(bindings) != 1 or bindings[0].op != "=":
                return None
            return bindings[0].value
        return self._member_value(node, depth)

    def _member_value(self, node: Node, depth: int = 0) -> Node | None:
        """``OBJ.key`` / ``OBJ["key"]`` where ``OBJ`` is an object literal of this file."""
        t = node.type
        if t == "member_expression":
            obj = node.child_by_field_name("object")
            prop = node.child_by_field_name("property")
            want = self.src.text(prop) if prop is not None else None
        elif t == "subscript_expression":
            obj = node.child_by_field_name("object")
            index = node.child_by_field_name("index")
            want = self.known(index) if index is not None and index.type == "string" else None
        else:
            return None
        if (
            obj is None
            or want is None
            or obj.type not in ("identifier", "member_expression", "subscript_expression")
        ):
            return None
        target = self.resolve(obj, depth + 1)
        if target is None or target is obj or target.type != "object":
            return None
        for key, value in self.pairs(target):
            if key == want:
                return value
        return None


def join(parts: list[Value]) -> Value:
    if len(parts) == 1:
        p = parts[0]
        return Value(list(p.segs), p.template, list(p.names))
    segs: Segs = []
    names: list[str] = []
    for p in parts:
        segs.extend(p.segs)
        names.extend(n for n in p.names if n not in names)
    return Value(segs, any(p.template for p in parts), names)


def returns_of(func: Node) -> list[Node]:
    """Returned expressions of a function (an arrow's expression body is one)."""
    body = func.child_by_field_name("body")
    if body is None:
        return []
    if body.type != "statement_block":
        return [body]
    out: list[Node] = []
    stack = [body]
    while stack:
        node = stack.pop()
        for child in node.named_children:
            t = child.type
            if t == "return_statement":
                inner = [c for c in child.named_children if c.type != "comment"]
                if inner:
                    out.append(inner[0])
            elif (
                t not in FUNCTION_TYPES
                and t not in ("class_declaration", "class")
                and child.named_child_count
                and (
                    t.endswith("statement")
                    or t
                    in (
                        "statement_block",
                        "else_clause",
                        "switch_body",
                        "switch_case",
                        "switch_default",
                        "catch_clause",
                        "finally_clause",
                    )
                )
            ):
                stack.append(child)
    out.sort(key=lambda n: n.start_byte)
    return out


def dedent_js(segs: Segs, source: str) -> Segs:
    """What the ``dedent`` family of tags does: drop the least indentation, then trim.

    As in the ``dedent`` package, only lines that start with white space and
    go on to text count towards the indentation to remove.
    """
    text = segments.joined(segs)
    keep = bytearray(b"\x01") * len(text)
    lines: list[tuple[int, int]] = []
    start = 0
    while True:
        nl = text.find("\n", start)
        end = len(text) if nl < 0 else nl
        lines.append((start, end))
        if nl < 0:
            break
        start = nl + 1
    margin: int | None = None
    for a, b in lines:
        line = text[a:b]
        stripped = line.lstrip()
        indent = len(line) - len(stripped)
        if indent and stripped:
            margin = indent if margin is None else min(margin, indent)
    if margin:
        for a, b in lines:
            if a < b and text[a] in " \t":
                for k in range(a, min(b, a + margin)):
                    keep[k] = 0
        segs = segments.deletions(segs, keep, source)
    return segments.strip(segs, source)
