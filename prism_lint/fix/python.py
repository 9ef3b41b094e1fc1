"""Python-specific fix steps: tidy emptied literals, drop persona-only messages,
and gate a persona through :mod:`prism_lint.router`.

Positions come from tree-sitter; every change is a plain text edit, so the
rest of the file keeps its formatting byte for byte. libcst checks the
result (see :mod:`prism_lint.fix.verify`).
"""

from __future__ import annotations

import bisect
import json
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from prism_lint.extract.python.source import tree_of
from prism_lint.extract.shared.tree_source import encode
from prism_lint.model import Edit, PromptUnit

Node = Any  # tree_sitter.Node

ROUTER_IMPORT = "from prism_lint.router import persona_for"
# Keyword arguments that carry a system prompt and may simply be left out.
SYSTEM_KWARGS = frozenset(
    {"system", "instructions", "system_prompt", "system_message", "system_instruction", "preamble"}
)
# Keyword arguments that carry the user's request.
REQUEST_KWARGS = (
    "input",
    "prompt",
    "contents",
    "query",
    "question",
    "user_prompt",
    "user_message",
    "message",
    "content",
)
_USER_ROLES = frozenset({"user", "human"})
_SYSTEM_ROLES = frozenset({"system", "developer"})
# Node types whose value is safe to evaluate a second time.
_PURE = frozenset(
    {
        "identifier",
        "attribute",
        "subscript",
        "string",
        "concatenated_string",
        "string_start",
        "string_content",
        "string_end",
        "escape_sequence",
        "interpolation",
        "integer",
        "float",
        "true",
        "false",
        "none",
        "parenthesized_expression",
        "binary_operator",
        "format_specifier",
        "type_conversion",
        "slice",
        "unary_operator",
        "+",
        "-",
        "*",
        "%",
        "(",
        ")",
        "[",
        "]",
        ".",
        ":",
        "{",
        "}",
        "!",
        "escape_interpolation",
    }
)


@dataclass
class PySource:
    """A parsed Python text with character <-> byte offsets."""

    text: str
    tree: Any
    # as :func:`prism_lint.extract.shared.tree_source.encode` gives them (empty for
    # ASCII): byte offset of each non-ASCII character, and the bytes beyond
    # one per character up to and including it
    _starts: list[int]
    _extra: list[int]
    _chars: list[int] | None = None  # character offset of each non-ASCII character

    @classmethod
    def parse(cls, text: str) -> PySource:
        """Parsed once per text: every fix of a file looks at the same tree."""
        return _parse(text)

    @classmethod
    def _build(cls, text: str) -> PySource:
        _data, starts, extra = encode(text)  # the extraction's, for the same text
        return cls(text, tree_of(text), starts, extra)

    def c(self, byte: int) -> int:
        if not self._starts:
            return byte
        k = bisect.bisect_left(self._starts, byte)
        return byte - (self._extra[k - 1] if k else 0)

    def b(self, char: int) -> int:
        if not self._starts:
            return char
        chars = self._chars
        if chars is None:
            extra = self._extra
            chars = self._chars = [
                s - (extra[j - 1] if j else 0) for j, s in enumerate(self._starts)
            ]
        k = bisect.bisect_left(chars, char)
        return char + (self._extra[k - 1] if k else 0)

    def span(self, node: Node) -> tuple[int, int]:
        return self.c(node.start_byte), self.c(node.end_byte)

    def src(self, node: Node) -> str:
        a, b = self.span(node)
        return self.text[a:b]

    def node_at(self, start: int, end: int) -> Node:
        return self.tree.root_node.descendant_for_byte_range(self.b(start), self.b(end))

    def line_start(self, pos: int) -> int:
        return self.text.rfind("\n", 0, pos) + 1


@lru_cache(maxsize=8)
def _parse(text: str) -> PySource:
    return PySource._build(text)


def _strings(node: Node, lo: int, hi: int, src: PySource) -> Iterator[Node]:
    """``string`` nodes overlapping the character range ``[lo, hi)``."""
    stack = [node]
    blo, bhi = src.b(lo), src.b(hi)
    while stack:
        n = stack.pop()
        if n.end_byte <= blo or n.start_byte >= bhi:
            continue
        if n.type == "string":
            yield n
            continue
        stack.extend(n.children)


def _content(n: Node, src: PySource) -> tuple[int, int]:
    first, last = n.children[0], n.children[-1]
    return src.c(first.end_byte), src.c(last.start_byte)


def _covered(a: int, b: int, ranges: list[tuple[int, int]]) -> bool:
    pos = a
    for s, e in ranges:
        if s <= pos < e:
            pos = e
        if pos >= b:
            return True
    return pos >= b


def tidy_literals(text: str, edits: list[Edit]) -> tuple[list[Edit], list[str]]:
    """Drop the string literals that ``edits`` empty, when other parts remain.

    ``("You are an expert. " "Write code.")`` would otherwise keep an empty
    ``""`` in front of ``"Write code."``. Returns the edits (deletions merged)
    and notes on anything beyond the literal's own text that goes with it.
    """
    dels = sorted((e.start, e.end) for e in edits if not e.content and e.end > e.start)
    if not dels:
        return edits, []
    src = PySource.parse(text)
    extra: list[tuple[int, int]] = []
    notes: list[str] = []
    for n in _strings(src.tree.root_node, dels[0][0], dels[-1][1], src):
        a, b = _content(n, src)
        if a >= b or not _covered(a, b, dels):
            continue
        parent = n.parent
        if parent is None:
            continue
        if parent.type == "concatenated_string":
            parts = [c for c in parent.children if c.type == "string"]
            keep = [
                c
                for c in parts
                if not _covered(*_content(c, src), dels)
                or _content(c, src)[0] == _content(c, src)[1]
            ]
            if not keep:
                continue  # all of it goes: that is the whole prompt, handled elsewhere
            i = parts.index(n)
            if i + 1 < len(parts):
                span = (src.c(n.start_byte), src.c(parts[i + 1].start_byte))
            else:
                span = (src.c(parts[i - 1].end_byte), src.c(n.end_byte))
            if any(
                c.type == "comment" and span[0] <= src.c(c.start_byte) < span[1]
                for c in parent.children
            ):
                notes.append("removes a comment beside the emptied string")
            extra.append(span)
        elif parent.type in ("list", "tuple") and len(parent.named_children) > 1:
            # An element of a list of lines that gets joined: drop the element,
            # and with it the separator the join puts after it.
            dropped = remove_element(src, n)
            if dropped is None:
                continue
            extra.append(dropped)
            notes.append("removes the emptied list element")
        elif parent.type == "binary_operator" and _op(parent) == "+":
            left = parent.child_by_field_name("left")
            right = parent.child_by_field_name("right")
            if left is None or right is None:
                continue
            if left.id == n.id:
                extra.append((src.c(n.start_byte), src.c(right.start_byte)))
            elif right.id == n.id:
                extra.append((src.c(left.end_byte), src.c(n.end_byte)))
            else:
                continue
            notes.append("removes a '+' with the emptied string")
    if not extra:
        return edits, []
    merged: list[tuple[int, int]] = []
    for s, e in sorted(dels + extra):
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    out = [Edit(s, e, "") for s, e in merged]
    for ed in edits:
        if ed.content and not any(s <= ed.start and ed.end <= t for s, t in merged):
            out.append(ed)
    out.sort(key=lambda e: (e.start, e.end))
    return out, notes


def _op(node: Node) -> str:
    op = node.child_by_field_name("operator")
    return op.type if op is not None else ""


# --------------------------------------------------------------------------
# Where the prompt sits
# --------------------------------------------------------------------------


def prompt_expression(src: PySource, unit: PromptUnit) -> Node | None:
    """The expression holding the unit's literal(s) as a whole: a string, an
    implicit concatenation, or a parenthesised one."""
    if not unit.pieces:
        return None
    n = src.node_at(unit.doc_start, unit.doc_end)
    while n is not None and n.type not in ("string", "concatenated_string"):
        if n.type in (
            "string_content",
            "string_start",
            "string_end",
            "escape_sequence",
            "interpolation",
        ):
            n = n.parent
            continue
        return None
    if n is None:
        return None
    if n.parent is not None and n.parent.type == "concatenated_string":
        n = n.parent
    while n.parent is not None and n.parent.type == "parenthesized_expression":
        n = n.parent
    # Every piece must lie inside it, or the prompt was assembled elsewhere.
    a, b = src.span(n)
    if not all(a <= p.doc_start and p.doc_end <= b for p in unit.pieces):
        return None
    return n


def _string_value(src: PySource, node: Node | None) -> str | None:
    if node is None or node.type != "string":
        return None
    if any(c.type == "interpolation" for c in node.children):
        return None
    a, b = _content(node, src)
    return src.text[a:b]


def _pair_value(d: Node, key: str, src: PySource) -> Node | None:
    for pair in d.named_children:
        if pair.type != "pair":
            continue
        k = pair.child_by_field_name("key")
        if _string_value(src, k) == key:
            return pair.child_by_field_name("value")
    return None


def _kwarg(call: Node, name: str, src: PySource) -> Node | None:
    args = call.child_by_field_name("arguments")
    if args is None:
        return None
    for a in args.named_children:
        if a.type == "keyword_argument":
            n = a.child_by_field_name("name")
            if n is not None and src.src(n) == name:
                return a.child_by_field_name("value")
    return None


def _callee(call: Node, src: PySource) -> str:
    f = call.child_by_field_name("function")
    return src.src(f).rsplit(".", 1)[-1] if f is not None else ""


def _message(elem: Node, src: PySource) -> tuple[str, Node | None] | None:
    """(role, content) of one element of a messages list."""
    if elem.type == "dictionary":
        role = _string_value(src, _pair_value(elem, "role", src))
        return (role or "", _pair_value(elem, "content", src))
    if elem.type == "tuple" and len(elem.named_children) == 2:
        role = _string_value(src, elem.named_children[0])
        return (role or "", elem.named_children[1])
    if elem.type == "call":
        name = _callee(elem, src)
        role = {
            "SystemMessage": "system",
            "HumanMessage": "user",
            "UserMessage": "user",
            "ChatMessage": "",
        }.get(name)
        if role is None:
            return None
        args = elem.child_by_field_name("arguments")
        positional = (
            [a for a in args.named_children if a.type != "keyword_argument"] if args else []
        )
        content = _kwarg(elem, "content", src) or (positional[0] if positional else None)
        return (role, content)
    return None


@dataclass
class Site:
    """Where the prompt expression sits: what can be removed, where the request is."""

    element: Node | None  # the message (list element) or keyword argument holding it
    request: Node | None  # the user's request, when the call has one


def site_of(src: PySource, expr: Node) -> Site:
    parent = expr.parent
    if parent is None:
        return Site(None, None)
    if parent.type == "pair" and parent.parent is not None and parent.parent.type == "dictionary":
        d = parent.parent
        key = _string_value(src, parent.child_by_field_name("key"))
        if key in ("content", "text") and d.parent is not None and d.parent.type == "list":
            block = _message_of_block(d, src)
            if block is not None:
                # A content block: the request is in the messages around its message.
                return Site(None, _request_in_list(block.parent, src, exclude=block))
            return Site(d, _request_in_list(d.parent, src, exclude=d))
        return Site(None, None)
    if parent.type == "tuple" and parent.parent is not None and parent.parent.type == "list":
        return Site(parent, None)  # a template's messages: no request at run time
    if parent.type == "argument_list" and parent.parent is not None:
        call = parent.parent
        if (
            _callee(call, src) == "SystemMessage"
            and call.parent is not None
            and call.parent.type == "list"
        ):
            return Site(call, _request_in_list(call.parent, src, exclude=call))
        return Site(None, None)
    if parent.type == "keyword_argument":
        name_node = parent.child_by_field_name("name")
        name = src.src(name_node) if name_node is not None else ""
        args = parent.parent
        call = args.parent if args is not None else None
        if call is None or call.type != "call":
            return Site(None, None)
        if name == "content" and _callee(call, src) == "SystemMessage":
            if call.parent is not None and call.parent.type == "list":
                return Site(call, _request_in_list(call.parent, src, exclude=call))
            return Site(None, None)
        if name not in SYSTEM_KWARGS:
            return Site(None, None)
        return Site(parent, _request_of_call(call, src))
    return Site(None, None)


def _message_of_block(d: Node, src: PySource) -> Node | None:
    """The message dict whose ``content`` list holds the block ``d``."""
    lst = d.parent
    pair = lst.parent if lst is not None else None
    if pair is None or pair.type != "pair":
        return None
    if _string_value(src, pair.child_by_field_name("key")) != "content":
        return None
    msg = pair.parent
    if msg is None or msg.type != "dictionary" or msg.parent is None or msg.parent.type != "list":
        return None
    return msg


def _request_in_list(lst: Node, src: PySource, exclude: Node) -> Node | None:
    found = None
    for elem in lst.named_children:
        if elem.id == exclude.id:
            continue
        msg = _message(elem, src)
        if msg is not None and msg[0] in _USER_ROLES:
            found = msg[1]
    if found is not None and found.type == "list":
        # Content blocks: the first one with text.
        texts = (
            _pair_value(b, "text", src) for b in found.named_children if b.type == "dictionary"
        )
        found = next((t for t in texts if t is not None), None)
    return found


def _request_of_call(call: Node, src: PySource, depth: int = 0) -> Node | None:
    messages = _kwarg(call, "messages", src)
    if messages is not None and messages.type == "list":
        return _request_in_list(messages, src, exclude=messages)
    for name in REQUEST_KWARGS:
        value = _kwarg(call, name, src)
        if value is not None:
            if value.type == "list":
                return _request_in_list(value, src, exclude=value)
            return value
    # GenerateContentConfig(system_instruction=...) passed as config= to the call.
    up = call.parent
    if depth == 0 and up is not None and up.type == "keyword_argument":
        outer = up.parent.parent if up.parent is not None else None
        if outer is not None and outer.type == "call":
            return _request_of_call(outer, src, depth + 1)
    return None


def _descendants(node: Node) -> Iterator[Node]:
    stack = [node]
    while stack:
        n = stack.pop()
        yield n
        stack.extend(n.children)


def is_pure(node: Node, src: PySource) -> bool:
    """Evaluating ``node`` again has no effect and gives the same value, and
    it is not a constant (routing on a fixed request decides nothing)."""
    if node.type in ("string", "concatenated_string") and not any(
        c.type == "interpolation" for c in _descendants(node)
    ):
        return False
    stack = [node]
    while stack:
        n = stack.pop()
        if n.type not in _PURE:
            return False
        if n.type == "string" and not any(c.type == "interpolation" for c in n.children):
            # A plain template such as "{question}" is not a request.
            a, b = _content(n, src)
            if "{" in src.text[a:b] and not src.src(n).lower().lstrip("rbu").startswith("f"):
                return False
        stack.extend(n.children)
    return True


# --------------------------------------------------------------------------
# Removing a message or argument that is nothing but a persona
# --------------------------------------------------------------------------


def remove_element(src: PySource, node: Node) -> tuple[int, int] | None:
    """The span that removes ``node`` from its list or argument list cleanly."""
    parent = node.parent
    if parent is None:
        return None
    elems = [c for c in parent.named_children if c.type != "comment"]
    if node.id not in [e.id for e in elems]:
        return None
    if parent.type == "list" and len(elems) < 2:
        return None  # an empty messages list is an error, not a fix
    i = [e.id for e in elems].index(node.id)
    text = src.text
    a, b = src.span(node)
    ls = src.line_start(a)
    if not text[ls:a].strip():
        # On lines of its own: take the lines, through its comma.
        j = b
        while j < len(text) and text[j] in " \t":
            j += 1
        if j < len(text) and text[j] == ",":
            j += 1
            while j < len(text) and text[j] in " \t":
                j += 1
        if j < len(text) and text[j] == "#":
            j = text.find("\n", j)
            j = len(text) if j < 0 else j
        if j < len(text) and text[j] == "\n":
            return (ls, j + 1)
    if i + 1 < len(elems):
        return (a, src.c(elems[i + 1].start_byte))
    if i > 0:
        return (src.c(elems[i - 1].end_byte), b)
    return None


# --------------------------------------------------------------------------
# Gating through the router
# --------------------------------------------------------------------------


def py_literal(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def router_call(request: str, persona: str, otherwise: str) -> str:
    args = [request, py_literal(persona)]
    if otherwise:
        args.append(py_literal(otherwise))
    return f"persona_for({', '.join(args)})"


def import_edit(src: PySource) -> Edit | bool | None:
    """An edit adding the router import; None when it is there already,
    False when ``persona_for`` already means something else here."""
    root = src.tree.root_node
    imported = False
    used = False
    stack = [root]
    while stack:
        n = stack.pop()
        if (
            n.type == "import_from_statement"
            and "prism_lint.router" in src.src(n)
            and "persona_for" in src.src(n)
        ):
            imported = True
            continue
        if n.type == "identifier" and src.src(n) == "persona_for":
            used = True
        stack.extend(n.children)
    if imported:
        return None
    if used:
        return False
    last = None
    for child in root.children:
        if child.type in ("import_statement", "import_from_statement", "future_import_statement"):
            last = child
        elif child.type == "comment" or (
            child.type == "expression_statement"
            and last is None
            and child.named_children
            and child.named_children[0].type == "string"
        ):
            if child.type == "expression_statement" and last is None:
                last = child  # the module docstring
            continue
        elif child.type == "if_statement" and "TYPE_CHECKING" in src.src(child)[:40]:
            continue
        else:
            break
    text = src.text
    if last is None:
        pos = 0
        # Keep a shebang or encoding line first.
        while text.startswith("#", pos):
            nl = text.find("\n", pos)
            if nl < 0:
                return Edit(len(text), len(text), "\n" + ROUTER_IMPORT + "\n")
            pos = nl + 1
        return Edit(pos, pos, ROUTER_IMPORT + "\n")
    end = src.c(last.end_byte)
    nl = text.find("\n", end)
    if nl < 0:
        return Edit(len(text), len(text), "\n" + ROUTER_IMPORT + "\n")
    newline = "\r\n" if text[nl - 1 : nl] == "\r" else "\n"
    return Edit(nl + 1, nl + 1, ROUTER_IMPORT + newline)
