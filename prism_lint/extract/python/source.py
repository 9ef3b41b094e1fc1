"""A parsed Python document: offsets in characters, rows, scopes, names and imports.

tree-sitter speaks UTF-8 bytes; everything after this module speaks ``str``
offsets into ``Document.text`` (the mapping, rows and scope nesting are
shared with JavaScript in :mod:`tree_source`). The index is built from one
query over the tree (run in C), so building it stays linear in the size of
the file.
"""

from __future__ import annotations

import heapq
import re
from collections import OrderedDict
from collections.abc import Collection
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any, ClassVar

from prism_lint.extract.shared import bounded
from prism_lint.extract.shared.tree_source import (
    Binding,
    Node,
    TreeSource,
    encode,
    fold_bindings,
)
from prism_lint.lines import line_index
from prism_lint.model import Document

_QUERY = """
(call) @call
(comment) @comment
(assignment) @assign
(augmented_assignment) @aug
(function_definition) @func
(class_definition) @class
(decorated_definition) @decorated
(import_statement) @import
(import_from_statement) @import
(future_import_statement) @import
(with_statement) @with
(dictionary) @dict
(list (tuple) @tuple)
(default_parameter) @default
(typed_default_parameter) @default
"""


@lru_cache(maxsize=1)
def _parser_and_query() -> tuple[Any, Any, Any]:
    """Create the parser and query once per process (imports are lazy)."""
    import tree_sitter

    from prism_lint.extract.shared.grammar import binding
    from prism_lint.extract.shared.reparse import Reparser

    language = tree_sitter.Language(binding("tree_sitter_python").language())
    parser = Reparser(tree_sitter.Parser(language))
    query = tree_sitter.Query(language, _QUERY)
    return parser, query, tree_sitter.QueryCursor


def tree_of(text: str) -> Any:
    """The tree of a Python text, parsed once: the extraction and then each
    fix of the file read the same text. An edit of the text parsed last (a
    keystroke in the editor, a fix read back) is parsed from its tree."""
    tree = _TREES.get(text)
    if tree is not None:
        _TREES.move_to_end(text)
        return tree
    parser, _query, _cursor = _parser_and_query()
    data = text.encode("utf-8", "surrogatepass")
    if b"\r" in data:
        # Python ends a line at a lone \r too (old Mac files); tree-sitter
        # does not. The same one byte as \n keeps every offset.
        data = _LONE_CR.sub(b"\n", data)
    tree = parser.parse(data)
    _remember_tree(text, tree)
    return tree


# The last texts parsed, with their trees: a module's fixes read the tree of
# its extraction. A kept parse read again (:func:`parse`) is put back here,
# since its fixes are worked out long after it was parsed.
_TREES: OrderedDict[str, Any] = OrderedDict()
_TREES_SIZE = 8


def _remember_tree(text: str, tree: Any) -> None:
    _TREES[text] = tree
    _TREES.move_to_end(text)
    while len(_TREES) > _TREES_SIZE:
        _TREES.popitem(last=False)


def forget_trees() -> None:
    """Drop the trees kept by :func:`tree_of` (tests start from nothing)."""
    _TREES.clear()


_LONE_CR = re.compile(rb"\r(?!\n)")


@dataclass
class Function:
    """A function defined in the module, for wrappers and returned prompts."""

    node: Node
    name: str
    params: list[str]
    scope: int  # scope key of the function's own body
    is_method: bool


@dataclass
class Source(TreeSource[Function]):
    """The document, its tree, and the indexes every later step looks things up in."""

    class_body_names: ClassVar[bool] = True
    captures: dict[str, list[Node]] = field(default_factory=dict)
    functions: dict[str, list[Function]] = field(default_factory=dict)
    classes: dict[str, Node] = field(default_factory=dict)
    imports: dict[str, str] = field(default_factory=dict)  # local name -> module path
    imported_modules: set[str] = field(default_factory=set)
    _class_names: dict[int, str] = field(default_factory=dict)
    # What a reading worked out that the next reading of the same text keeps
    # (shared by the copies :func:`parse` makes of a kept source), by key.
    memo: dict[Any, Any] = field(default_factory=dict)

    # -- scopes ------------------------------------------------------------

    def enclosing_names(self, byte: int) -> list[str]:
        """Names of the enclosing function(s) and class(es), innermost first."""
        out = []
        for key, kind in self.scope_chain(byte):
            if kind == "function":
                fn = self._func_by_key.get(key)
                if fn:
                    out.append(fn.name)
            elif kind == "class":
                name = self._class_names.get(key)
                if name:
                    out.append(name)
        return out

    # -- names -------------------------------------------------------------

    def params_of(self, key: int) -> Collection[str]:
        fn = self._func_by_key.get(key)
        return () if fn is None else fn.params

    def class_bindings(self, class_key: int, name: str) -> list[Binding] | None:
        """``name`` assigned in a class body, or as ``self.name`` in one of its methods."""
        entries = self.bindings.get((class_key, name)) or self.bindings.get(
            (class_key, "self." + name)
        )
        return fold_bindings(entries) if entries else None

    def is_imported_from(self, local: str, modules: tuple[str, ...]) -> bool | None:
        """True/False when ``local`` is an imported name; None when it is not imported."""
        mod = self.imports.get(local)
        if mod is None:
            return None
        return any(mod == m or mod.startswith(m + ".") for m in modules)

    def imports_any(self, modules: tuple[str, ...]) -> bool:
        return any(
            imp == m or imp.startswith(m + ".") for imp in self.imported_modules for m in modules
        )


# The last source read at each path, while a run over many files keeps them
# (:func:`keep_sources`): a module that other modules' wrappers and names
# make read again (``python_flow``) is read from the same text. Bounded by
# the characters they hold (a source takes about 30 bytes a character), one
# text a path, the order it was kept in beside it. When they hold too many,
# the smallest go first: a large module costs the most to parse again and,
# defining and calling the most names, is the likeliest to be read again
# (a run's first reading of a tree parses more than a process keeps, and
# kept in the order read, promptflow's three generated 2 MB modules were
# parsed twice each). A module over an eighth of the budget is not kept at
# all: kept, those three let 150 others go that the inventory then parsed
# again, and such modules are generated code that is read once.
_PARSED: dict[str, tuple[str, Source, int]] = {}
_SMALLEST: list[tuple[int, int, str]] = []  # heap: (characters, order kept, path)
_PARSED_CHARS = 0  # off: one file, the editor
_LARGEST_SHARE = 8  # a text over this share of the budget is not kept
_parsed_chars = 0
_kept_order = 0


def keep_sources(chars: int) -> None:
    """Keep the sources of parsed texts up to ``chars`` characters, the
    largest first (0: keep none); what was kept is let go either way."""
    global _PARSED_CHARS, _parsed_chars
    _PARSED.clear()
    _SMALLEST.clear()
    _parsed_chars = 0
    _PARSED_CHARS = chars


def may_keep(chars: int) -> bool:
    """Whether a parse of ``chars`` characters would be kept now without
    letting another go (:func:`keep_sources`)."""
    return 0 < chars <= _PARSED_CHARS // _LARGEST_SHARE and _parsed_chars + chars <= _PARSED_CHARS


def parse(doc: Document) -> Source:
    """Parse ``doc`` and build the indexes, or take them from the last
    reading of the same text at the same path (nothing changes a source once
    it is built)."""
    kept = _PARSED.pop(doc.path, None) if _PARSED else None
    if kept is not None:
        _forget(kept[0])
        if kept[0] == doc.text:
            src = replace(kept[1], doc=doc)
            _keep(doc.path, doc.text, src)
            _remember_tree(doc.text, src.tree)
            return src
    src = _parse(doc)
    if 0 < len(doc.text) <= _PARSED_CHARS // _LARGEST_SHARE:
        _keep(doc.path, doc.text, src)
    return src


def _forget(text: str) -> None:
    global _parsed_chars
    _parsed_chars -= len(text)


def _keep(path: str, text: str, src: Source) -> None:
    global _parsed_chars, _kept_order
    _kept_order += 1
    _PARSED[path] = (text, src, _kept_order)
    heapq.heappush(_SMALLEST, (len(text), _kept_order, path))
    _parsed_chars += len(text)
    while _parsed_chars > _PARSED_CHARS and _SMALLEST:
        _chars, order, old_path = heapq.heappop(_SMALLEST)
        held = _PARSED.get(old_path)
        if held is not None and held[2] == order:  # else taken, or kept again since
            del _PARSED[old_path]
            _forget(held[0])


def _parse(doc: Document) -> Source:
    _parser, query, cursor_cls = _parser_and_query()
    text = doc.text
    data, starts, extra_list = encode(text)
    tree = tree_of(text)
    src = Source(doc, tree, line_index(text), starts, extra_list)
    src._exact = b"\r" not in data or _LONE_CR.search(data) is None  # as tree_of parsed it
    captures = bounded.captures(cursor_cls, query, tree.root_node)
    for nodes in captures.values():  # document order, outer nodes first
        nodes.sort(key=lambda n: (n.start_byte, -n.end_byte))
    src.captures = captures
    _index(src)
    return src


_SCOPE_TYPES = {"function_definition": "function", "class_definition": "class"}


def _index(src: Source) -> None:
    caps = src.captures
    scopes: list[tuple[int, int, int, str]] = []
    for node in caps.get("func", ()):
        scopes.append((node.start_byte, node.end_byte, node.start_byte, "function"))
    for node in caps.get("class", ()):
        scopes.append((node.start_byte, node.end_byte, node.start_byte, "class"))
        name = node.child_by_field_name("name")
        if name is not None:
            src.classes.setdefault(src.text(name), node)
            src._class_names[node.start_byte] = src.text(name)
    scopes.sort()
    src.nest_scopes(scopes)

    for node in caps.get("func", ()):
        name_node = node.child_by_field_name("name")
        if name_node is None:
            continue
        params = _params(src, node.child_by_field_name("parameters"))
        chain = list(src.scope_chain(node.start_byte))
        is_method = len(chain) > 1 and chain[1][1] == "class"
        fn = Function(node, src.text(name_node), params, node.start_byte, is_method)
        src.functions.setdefault(fn.name, []).append(fn)
        src._func_by_key[node.start_byte] = fn

    for node in caps.get("assign", ()):
        _bind_assignment(src, node, "=")
    for node in caps.get("aug", ()):
        op = node.child_by_field_name("operator")
        if op is not None and op.type == "+=":
            _bind_assignment(src, node, "+=")
    for entries in src.bindings.values():
        entries.sort(key=lambda b: b.pos)

    for node in caps.get("import", ()):
        _index_import(src, node)


def _params(src: Source, params: Node | None) -> list[str]:
    out: list[str] = []
    if params is None:
        return out
    for p in params.named_children:
        t = p.type
        if t == "identifier":
            out.append(src.text(p))
        elif t in ("default_parameter", "typed_default_parameter"):
            n = p.child_by_field_name("name")
            if n is not None:
                out.append(src.text(n))
        elif t in ("typed_parameter", "list_splat_pattern", "dictionary_splat_pattern"):
            for c in p.named_children:
                if c.type == "identifier":
                    out.append(src.text(c))
                    break
    return out


def _bind_assignment(src: Source, node: Node, op: str) -> None:
    left = node.child_by_field_name("left")
    right = node.child_by_field_name("right")
    if left is None:
        return
    stmt = node.parent if node.parent is not None else node
    if right is not None and right.type == "assignment":
        # a = b = "..." : bind every target to the innermost value
        inner = right
        while (
            inner.child_by_field_name("right") is not None
            and inner.child_by_field_name("right").type == "assignment"
        ):
            inner = inner.child_by_field_name("right")
        _bind_target(
            src,
            inner.child_by_field_name("left"),
            op,
            inner.child_by_field_name("right"),
            stmt,
            node.start_byte,
        )
        right = inner.child_by_field_name("right")
    _bind_target(src, left, op, right, stmt, node.start_byte)


def _bind_target(
    src: Source, left: Node | None, op: str, right: Node | None, stmt: Node, pos: int
) -> None:
    if left is None:
        return
    scope_key = src.innermost_scope(pos)
    if left.type == "identifier":
        name = src.text(left)
    elif left.type == "attribute":
        obj = left.child_by_field_name("object")
        attr = left.child_by_field_name("attribute")
        if obj is None or attr is None or obj.type != "identifier" or src.text(obj) != "self":
            return
        class_key = src.class_key_at(pos)
        if class_key is None:
            return
        scope_key = class_key
        name = "self." + src.text(attr)
    else:
        return
    src.bindings.setdefault((scope_key, name), []).append(Binding(pos, op, right, stmt))


def _index_import(src: Source, node: Node) -> None:
    if node.type == "import_statement":
        for child in node.named_children:
            if child.type == "dotted_name":
                full = src.text(child)
                src.imports[full.split(".")[0]] = full.split(".")[0]
                src.imported_modules.add(full)
            elif child.type == "aliased_import":
                name = child.child_by_field_name("name")
                alias = child.child_by_field_name("alias")
                if name is not None and alias is not None:
                    full = src.text(name)
                    src.imports[src.text(alias)] = full
                    src.imported_modules.add(full)
        return
    if node.type != "import_from_statement":
        return
    module_node = node.child_by_field_name("module_name")
    if module_node is None:
        return
    module = src.text(module_node)
    src.imported_modules.add(module)
    for child in node.children_by_field_name("name"):
        if child.type == "dotted_name":
            local = src.text(child)
            src.imports[local.split(".")[0]] = f"{module}.{local}"
        elif child.type == "aliased_import":
            name = child.child_by_field_name("name")
            alias = child.child_by_field_name("alias")
            if name is not None and alias is not None:
                src.imports[src.text(alias)] = f"{module}.{src.text(name)}"


def statement_of(node: Node) -> Node:
    """The statement holding ``node`` (a decorator and a default value count as one)."""
    cur = node
    while True:
        parent = cur.parent
        if parent is None:
            return cur
        if parent.type in ("module", "block"):
            return cur
        if cur.type in ("decorator", "default_parameter", "typed_default_parameter"):
            return cur
        cur = parent
