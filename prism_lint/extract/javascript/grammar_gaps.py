"""Valid JavaScript and TypeScript the tree-sitter grammars read as errors.

A syntax error is a finding (PRS900), so an error node the grammar makes of
valid code is a false one. Each gap is told by the exact shape of the error
node the grammar leaves, so a real error beside it is still found.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from prism_lint.extract.javascript.source import Node, Source


def tolerated(src: Source) -> Callable[[Node], bool]:
    """Whether an error node of ``src`` stands for valid code the grammar misreads."""
    return lambda node: node.is_error and any(gap(src, node) for gap in _GAPS)


def _bare_ampersand(src: Source, node: Node) -> bool:
    """ "descriptive & memorable" in JSX text: TypeScript and Babel take a
    bare "&" as text, the grammar wants an entity."""
    parent = node.parent
    return (
        parent is not None
        and parent.type in ("jsx_element", "jsx_fragment")
        and src.text(node).startswith("&")
    )


def _typeof_import_argument(src: Source, node: Node) -> bool:
    """``importOriginal<typeof import("./m")>()`` (Vitest's mocks). The
    grammar takes ``f < typeof import("./m")`` for a comparison and stops at
    the ``>()`` that closes the type argument: the error is that ``>``
    right after such a comparison or, with no semicolon after the call, the
    ``()`` after a ``>`` that compares such a comparison."""
    text = src.text(node)
    if text.startswith("("):
        before, parent = node.prev_sibling, node.parent
        return (
            before is not None
            and before.type == ">"
            and parent is not None
            and parent.type == "binary_expression"
            and _typeof_import_comparison(src, parent.child_by_field_name("left"))
        )
    if not text.startswith(">") or node.start_byte == 0:
        return False
    before = src.tree.root_node.descendant_for_byte_range(node.start_byte - 1, node.start_byte)
    while before is not None and before.end_byte == node.start_byte:
        if before.type == "binary_expression":
            return _typeof_import_comparison(src, before)
        before = before.parent
    return False


def _typeof_import_comparison(src: Source, node: Node | None) -> bool:
    """Whether ``node`` is ``f < typeof import("./m")`` (or a member of it)."""
    if node is None or node.type != "binary_expression":
        return False
    operator = node.child_by_field_name("operator")
    right = node.child_by_field_name("right")
    return (
        operator is not None
        and operator.type == "<"
        and right is not None
        and right.type == "unary_expression"
        and src.text(right).startswith("typeof")
        and _imported_module(right.child_by_field_name("argument"))
    )


def _type_only_star_export(src: Source, node: Node) -> bool:
    """``export type * from "./m"`` (TypeScript 5.0), which the grammar does
    not know: it leaves the ``type`` of a star export as an error."""
    parent = node.parent
    after = node.next_sibling
    return (
        src.text(node) == "type"
        and parent is not None
        and parent.type == "export_statement"
        and after is not None
        and after.type in ("*", "namespace_export")
    )


_NAME = re.compile(r"(?:out\s+)?[A-Za-z_$][\w$]*")
# words no type parameter may be named
_RESERVED = frozenset({"in", "out", "const", "extends", "keyof", "typeof", "infer", "new"})


def _variance_annotation(src: Source, node: Node) -> bool:
    """``interface State<in out T>`` (TypeScript 4.7's variance annotations):
    the grammar takes ``in`` or ``out`` for the parameter's name and leaves
    the rest (``out T``, ``T``) as an error after it: after the parameter
    when nothing follows the name, inside it before its constraint or
    default (``<in T extends object>``, ``<in out T = string>``)."""
    parent, before, after = node.parent, node.prev_sibling, node.next_sibling
    if parent is None or before is None:
        return False
    if parent.type == "type_parameters":
        alone = before.type == "type_parameter"
    else:
        alone = (
            parent.type == "type_parameter"
            and before.type == "type_identifier"
            and before.prev_sibling is None
            and after is not None
            and after.type in ("constraint", "default_type")
        )
    return (
        alone
        and src.text(before) in ("in", "out")
        and (name := _NAME.fullmatch(src.text(node))) is not None
        and not (src.text(before) == "out" and name.group(0).startswith("out"))
        and name.group(0).split()[-1] not in _RESERVED
    )


def _deferred_import(src: Source, node: Node) -> bool:
    """``import defer * as feature from "./feature.js"`` (TypeScript 5.9):
    the grammar leaves ``defer`` as an error before the namespace import."""
    parent, before, after = node.parent, node.prev_sibling, node.next_sibling
    return (
        src.text(node) == "defer"
        and parent is not None
        and parent.type == "import_statement"
        and before is not None
        and before.type == "import"
        and after is not None
        and after.type == "import_clause"
        and after.named_child_count == 1
        and after.named_children[0].type == "namespace_import"
    )


# Adobe ExtendScript's preprocessor directives, each alone at a line's start
# of a ``.jsx`` script: ``#target illustrator``, ``#include "lib.jsx"``.
_DIRECTIVES = frozenset(
    {"#target", "#targetengine", "#include", "#includepath", "#script", "#strict", "#engine"}
)


def _extendscript_directive(src: Source, node: Node) -> bool:
    """``#target illustrator`` heading an ExtendScript ``.jsx`` script: the
    grammar leaves the directive's ``#`` word as an error; what follows it
    (a name, a string) reads as a statement of its own."""
    parent = node.parent
    return (
        src.doc.path.lower().endswith(".jsx")
        and node.start_point[1] == 0
        and parent is not None
        and parent.type == "program"
        and src.text(node) in _DIRECTIVES
    )


def _imported_module(node: Node | None) -> bool:
    """Whether ``node`` is ``import("m")`` or a member of it (``import("m").default``)."""
    while node is not None and node.type == "member_expression":
        node = node.child_by_field_name("object")
    if node is None or node.type != "call_expression":
        return False
    callee = node.child_by_field_name("function")
    return callee is not None and callee.type == "import"


_GAPS: tuple[Callable[[Source, Node], bool], ...] = (
    _bare_ampersand,
    _typeof_import_argument,
    _type_only_star_export,
    _extendscript_directive,
    _variance_annotation,
    _deferred_import,
)
