"""A parsed JavaScript/TypeScript document: character offsets, rows, scopes, names, imports.

tree-sitter speaks UTF-8 bytes; everything after this module speaks ``str``
offsets into ``Document.text`` (the mapping, rows and scope nesting are
shared with Python in :mod:`tree_source`). One query (run in C) collects every node
the later steps look at, so building the index stays linear in the file.
"""

from __future__ import annotations

import bisect
from collections.abc import Collection
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from prism_lint.extract.shared import bounded
from prism_lint.extract.shared.tree_source import Binding, Node, TreeSource, encode, fold_bindings
from prism_lint.lines import line_index
from prism_lint.model import Document

# Node kinds captured by the index query, when the grammar has them.
_CAPTURES = {
    "call_expression": "call",
    "new_expression": "call",
    "comment": "comment",
    "variable_declarator": "decl",
    "assignment_expression": "assign",
    "augmented_assignment_expression": "aug",
    "function_declaration": "func",
    "generator_function_declaration": "func",
    "function_expression": "func",
    "generator_function": "func",
    "arrow_function": "func",
    "method_definition": "func",
    "class_declaration": "class",
    "abstract_class_declaration": "class",
    "class": "class",
    "field_definition": "field",
    "public_field_definition": "field",
    "import_statement": "import",
    "object": "object",
    "array": "array",
    "assignment_pattern": "default",
    "required_parameter": "default",
    "optional_parameter": "default",
}

FUNCTION_TYPES = frozenset(k for k, v in _CAPTURES.items() if v == "func")
CLASS_TYPES = frozenset(k for k, v in _CAPTURES.items() if v == "class")
# Parents whose children are statements: a prompt's rows are its statement's.
_STATEMENT_PARENTS = frozenset(
    {"program", "statement_block", "class_body", "switch_case", "switch_default"}
)
# Wrappers that change nothing about a value (TypeScript casts, parentheses, await).
TRANSPARENT = frozenset(
    {
        "parenthesized_expression",
        "as_expression",
        "satisfies_expression",
        "non_null_expression",
        "type_assertion",
    }
)


def grammar_for(path: str) -> str:
    """Which grammar reads ``path``: typescript, tsx or javascript (with JSX)."""
    lower = path.lower()
    if lower.endswith(".tsx"):
        return "tsx"
    if lower.endswith((".ts", ".mts", ".cts")):
        return "typescript"
    return "javascript"


@lru_cache(maxsize=3)
def _parser_and_query(grammar: str) -> tuple[Any, Any, Any]:
    """One parser and query per grammar per process, created on first use."""
    import tree_sitter

    from prism_lint.extract.shared.grammar import binding

    if grammar == "javascript":
        raw = binding("tree_sitter_javascript").language()
    else:
        typescript = binding("tree_sitter_typescript")
        raw = typescript.language_tsx() if grammar == "tsx" else typescript.language_typescript()
    language = tree_sitter.Language(raw)
    patterns = [
        f"({kind}) @{name}"
        for kind, name in _CAPTURES.items()
        if language.id_for_node_kind(kind, True) is not None
    ]
    patterns.extend(f"({parent} (_) @stmt)" for parent in sorted(_STATEMENT_PARENTS))
    if language.id_for_node_kind("jsx_attribute", True) is not None:
        patterns.append("(jsx_attribute (string) @jsx_string)")
    query = tree_sitter.Query(language, "\n".join(patterns))
    return tree_sitter.Parser(language), query, tree_sitter.QueryCursor


@dataclass
class Function:
    node: Node
    name: str
    params: list[str | None]  # positional parameter names (None for a pattern)
    all_params: set[str]  # every name the parameters bind
    is_method: bool


@dataclass
class Source(TreeSource[Function]):
    """The document, its tree, and the indexes every later step looks things up in."""

    captures: dict[str, list[Node]] = field(default_factory=dict)
    # (scope key, name) -> bindings; scope key: byte start of a function or
    # class, -1 for the module. Class members are bound as "this.<name>".
    functions: dict[str, list[Function]] = field(default_factory=dict)
    classes: dict[str, Node] = field(default_factory=dict)
    # local name -> (module specifier, imported name: "default", "*" or the export)
    imports: dict[str, tuple[str, str]] = field(default_factory=dict)
    modules: set[str] = field(default_factory=set)
    _class_names: dict[int, str] = field(default_factory=dict)
    jsx_strings: set[int] = field(default_factory=set)  # byte starts of JSX attribute values
    # statements sorted by start: (start byte, end byte, parent index)
    _stmt_starts: list[int] = field(default_factory=list)
    _stmts: list[tuple[int, int, int]] = field(default_factory=list)

    # -- offsets -----------------------------------------------------------

    def text(self, node: Node) -> str:
        if not self._starts:
            return self.doc.text[node.start_byte : node.end_byte]
        return node.text.decode("utf-8", "surrogatepass")  # type: ignore[no-any-return]

    def statement_rows(self, node: Node) -> tuple[int, int]:
        """Rows of the innermost statement (or class member) holding ``node``.

        Looked up in an index rather than by walking up parents: finding a
        node's parent costs tree-sitter a walk down from the root.
        """
        start, end = node.start_byte, node.end_byte
        k = bisect.bisect_right(self._stmt_starts, start) - 1
        while k >= 0:
            s_start, s_end, parent = self._stmts[k]
            if s_start <= start and end <= s_end:
                a, b = self.c(s_start), self.c(s_end)
                return self.row(a), self.row(max(a, b - 1))
            k = parent
        return self.node_rows(node)

    # -- scopes ------------------------------------------------------------

    def enclosing_names(self, byte: int) -> list[str]:
        """Names of the enclosing functions and classes, innermost first."""
        out: list[str] = []
        for key, kind in self.scope_chain(byte):
            if kind == "function":
                fn = self._func_by_key.get(key)
                if fn is not None and fn.name and fn.name not in out:
                    out.append(fn.name)
            elif kind == "class":
                name = self._class_names.get(key)
                if name and name not in out:
                    out.append(name)
        return out

    # -- names -------------------------------------------------------------

    def params_of(self, key: int) -> Collection[str]:
        fn = self._func_by_key.get(key)
        return () if fn is None else fn.all_params

    def member_bindings(self, class_key: int, name: str) -> list[Binding] | None:
        entries = self.bindings.get((class_key, "this." + name))
        return fold_bindings(entries) if entries else None

    def module_of(self, local: str) -> str | None:
        imp = self.imports.get(local)
        return imp[0] if imp else None


def tree_of(text: str, grammar: str) -> Any:
    """The bare tree of ``text`` (no indexes): what a fix's checks read."""
    parser, _query, _cursor = _parser_and_query(grammar)
    return bounded.parse(parser, text.encode("utf-8", "surrogatepass").replace(b"\x00", b" "))


def reads_cleanly(text: str, grammar: str = "tsx") -> bool:
    """Whether ``grammar`` (by default TSX's, which reads JavaScript, JSX and
    TypeScript alike) finds no syntax error in ``text``: a fix's check."""
    return not tree_of(text, grammar).root_node.has_error


def parse(doc: Document, grammar: str) -> Source:
    """Parse ``doc`` with ``grammar`` and build the indexes."""
    parser, query, cursor_cls = _parser_and_query(grammar)
    text = doc.text
    data, starts, extra_list = encode(text)
    # tree-sitter's scanners take a NUL byte for the end of the input (a
    # template literal holding one was cut short there): a space is parsed
    # in its place, one byte for one, and text is read from the document
    nul = b"\x00" in data
    tree = bounded.parse(parser, data.replace(b"\x00", b" ") if nul else data)
    src = Source(doc, tree, line_index(text), starts, extra_list)
    src._exact = not nul
    src.captures = bounded.captures(cursor_cls, query, tree.root_node)
    for nodes in src.captures.values():
        nodes.sort(key=lambda n: n.start_byte)
    _index(src)
    return src


# --------------------------------------------------------------------------
# Index
# --------------------------------------------------------------------------


def _index(src: Source) -> None:
    caps = src.captures
    src.jsx_strings = {n.start_byte for n in caps.get("jsx_string", ())}
    stmts = sorted(
        {(n.start_byte, n.end_byte) for n in caps.get("stmt", ())}, key=lambda se: (se[0], -se[1])
    )
    open_stmts: list[int] = []
    for i, (start, end) in enumerate(stmts):
        while open_stmts and stmts[open_stmts[-1]][1] <= start:
            open_stmts.pop()
        src._stmts.append((start, end, open_stmts[-1] if open_stmts else -1))
        src._stmt_starts.append(start)
        open_stmts.append(i)
    scopes: list[tuple[int, int, int, str]] = []
    for node in caps.get("func", ()):
        scopes.append((node.start_byte, node.end_byte, node.start_byte, "function"))
    for node in caps.get("class", ()):
        body = node.child_by_field_name("body")
        if body is None:
            continue
        scopes.append((body.start_byte, body.end_byte, body.start_byte, "class"))
        name = _class_name(src, node)
        if name:
            src._class_names[body.start_byte] = name
            src.classes.setdefault(name, body)
    scopes.sort(key=lambda s: (s[0], -s[1]))
    src.nest_scopes(scopes)

    for node in caps.get("func", ()):
        name = function_name(src, node)
        positional, every = _params(src, node)
        fn = Function(node, name, positional, every, node.type == "method_definition")
        src._func_by_key[node.start_byte] = fn
        if name:
            src.functions.setdefault(name, []).append(fn)

    for node in caps.get("decl", ()):
        name_node = node.child_by_field_name("name")
        value = node.child_by_field_name("value")
        if name_node is None:
            continue
        if name_node.type == "identifier":
            _bind(src, node.start_byte, src.text(name_node), "=", value, node)
        if value is not None and _is_require(src, value):
            _require(src, name_node, value)
    for node in caps.get("assign", ()):
        _bind_assignment(src, node, "=")
    for node in caps.get("aug", ()):
        op = node.child_by_field_name("operator")
        if op is not None and op.type == "+=":
            _bind_assignment(src, node, "+=")
    for node in caps.get("field", ()):
        name_node = node.child_by_field_name("name") or node.child_by_field_name("property")
        value = node.child_by_field_name("value")
        class_key = src.class_key_at(node.start_byte)
        if name_node is None or class_key is None:
            continue
        entry = Binding(node.start_byte, "=", value, node)
        src.bindings.setdefault((class_key, "this." + src.text(name_node)), []).append(entry)
    for entries in src.bindings.values():
        entries.sort(key=lambda b: b.pos)
    for node in caps.get("import", ()):
        _index_import(src, node)


def _class_name(src: Source, node: Node) -> str:
    name = node.child_by_field_name("name")
    if name is not None:
        return src.text(name)
    parent = node.parent
    if parent is not None and parent.type == "variable_declarator":
        n = parent.child_by_field_name("name")
        if n is not None and n.type == "identifier":
            return src.text(n)
    return ""


def function_name(src: Source, node: Node) -> str:
    """A function's own name, or the name it is assigned to."""
    name = node.child_by_field_name("name")
    if name is not None:
        return src.text(name)
    parent = node.parent
    while parent is not None and parent.type in TRANSPARENT:
        parent = parent.parent
    if parent is None:
        return ""
    if parent.type == "variable_declarator":
        n = parent.child_by_field_name("name")
        return src.text(n) if n is not None and n.type == "identifier" else ""
    if parent.type == "pair":
        k = parent.child_by_field_name("key")
        return src.text(k).strip("'\"`") if k is not None else ""
    if parent.type in ("assignment_expression", "field_definition", "public_field_definition"):
        n = (
            parent.child_by_field_name("left")
            or parent.child_by_field_name("name")
            or parent.child_by_field_name("property")
        )
        if n is not None:
            return src.text(n).rsplit(".", 1)[-1]
    return ""


_PATTERN_SKIP = frozenset({"type_annotation", "accessibility_modifier", "override_modifier"})


def _params(src: Source, fn: Node) -> tuple[list[str | None], set[str]]:
    params = fn.child_by_field_name("parameters")
    if params is None:
        single = fn.child_by_field_name("parameter")  # `x => ...`
        if single is not None and single.type == "identifier":
            name = src.text(single)
            return [name], {name}
        return [], set()
    positional: list[str | None] = []
    every: set[str] = set()
    for p in params.named_children:
        if p.type == "comment":
            continue
        target = p
        if p.type in ("required_parameter", "optional_parameter"):
            target = p.child_by_field_name("pattern") or p
        if target.type == "assignment_pattern":
            target = target.child_by_field_name("left") or target
        positional.append(src.text(target) if target.type == "identifier" else None)
        _pattern_names(src, target, every)
    return positional, every


def _pattern_names(src: Source, node: Node, out: set[str]) -> None:
    stack = [node]
    while stack:
        n = stack.pop()
        t = n.type
        if t in ("identifier", "shorthand_property_identifier_pattern"):
            out.add(src.text(n))
        elif t in ("assignment_pattern", "object_assignment_pattern"):
            left = n.child_by_field_name("left")
            if left is not None:
                stack.append(left)
        elif t == "pair_pattern":
            value = n.child_by_field_name("value")
            if value is not None:
                stack.append(value)
        elif t not in _PATTERN_SKIP:
            stack.extend(n.named_children)


def _bind(src: Source, pos: int, name: str, op: str, value: Node | None, stmt: Node) -> None:
    scope_key = -1
    for key, kind in src.scope_chain(pos):
        if kind != "class":
            scope_key = key
            break
    src.bindings.setdefault((scope_key, name), []).append(Binding(pos, op, value, stmt))


def _bind_assignment(src: Source, node: Node, op: str) -> None:
    left = node.child_by_field_name("left")
    right = node.child_by_field_name("right")
    if left is None:
        return
    if left.type == "identifier":
        _bind(src, node.start_byte, src.text(left), op, right, node)
        return
    if left.type == "member_expression":
        obj = left.child_by_field_name("object")
        prop = left.child_by_field_name("property")
        if obj is None or prop is None or obj.type != "this":
            return
        key = src.class_key_at(node.start_byte)
        if key is not None:
            entry = Binding(node.start_byte, op, right, node)
            src.bindings.setdefault((key, "this." + src.text(prop)), []).append(entry)


def string_value(src: Source, node: Node) -> str | None:
    """The text of a plain string literal without escapes (module names, keys)."""
    if node.type != "string":
        return None
    text = src.text(node)
    if len(text) < 2 or "\\" in text:
        return None
    return text[1:-1]


def _is_require(src: Source, value: Node) -> bool:
    while value.type == "member_expression":
        value = value.child_by_field_name("object")
        if value is None:
            return False
    if value.type != "call_expression":
        return False
    fn = value.child_by_field_name("function")
    return fn is not None and fn.type == "identifier" and src.text(fn) == "require"


def _require(src: Source, name_node: Node, value: Node) -> None:
    member = None
    while value.type == "member_expression":
        prop = value.child_by_field_name("property")
        member = src.text(prop) if prop is not None else None
        value = value.child_by_field_name("object")
    args = value.child_by_field_name("arguments")
    if args is None or not args.named_children:
        return
    module = string_value(src, args.named_children[0])
    if module is None:
        return
    src.modules.add(module)
    if name_node.type == "identifier":
        src.imports[src.text(name_node)] = (module, member or "default")
    elif name_node.type == "object_pattern":
        for p in name_node.named_children:
            if p.type == "shorthand_property_identifier_pattern":
                src.imports[src.text(p)] = (module, src.text(p))
            elif p.type == "pair_pattern":
                k = p.child_by_field_name("key")
                v = p.child_by_field_name("value")
                if k is not None and v is not None and v.type == "identifier":
                    src.imports[src.text(v)] = (module, src.text(k))


def _index_import(src: Source, node: Node) -> None:
    source = node.child_by_field_name("source")
    if source is None:
        return
    module = string_value(src, source)
    if module is None:
        return
    src.modules.add(module)
    for clause in node.named_children:
        if clause.type != "import_clause":
            continue
        for part in clause.named_children:
            if part.type == "identifier":
                src.imports[src.text(part)] = (module, "default")
            elif part.type == "namespace_import":
                for n in part.named_children:
                    if n.type == "identifier":
                        src.imports[src.text(n)] = (module, "*")
            elif part.type == "named_imports":
                for spec in part.named_children:
                    if spec.type != "import_specifier":
                        continue
                    name = spec.child_by_field_name("name")
                    alias = spec.child_by_field_name("alias")
                    if name is None:
                        continue
                    imported = src.text(name).strip("'\"")
                    local = src.text(alias) if alias is not None else imported
                    src.imports[local] = (module, imported)


# --------------------------------------------------------------------------
# Tree helpers
# --------------------------------------------------------------------------


def unwrap(node: Node | None) -> Node | None:
    """Look through parentheses, TypeScript casts and ``await``."""
    while node is not None and (node.type in TRANSPARENT or node.type == "await_expression"):
        inner = [c for c in node.named_children if c.type != "comment"]
        if not inner:
            return node
        node = inner[0]
    return node
