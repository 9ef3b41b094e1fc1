"""The package's layers: no import cycle between its modules.

The graph is read from the source (ast), not from a run: every import of a
prism_lint module counts, at module level or inside a function, since a
deferred import still ties the two modules together. Imports under
``if TYPE_CHECKING:`` are for the type checker only and are left out.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import prism_lint

PACKAGE = Path(prism_lint.__file__).parent


def _modules() -> dict[str, Path]:
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


def _type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imported(node: ast.Import | ast.ImportFrom, package: str, modules: dict[str, Path]
              ) -> list[str]:
    """The prism_lint modules an import statement loads (the package itself
    for a name defined in its ``__init__``)."""
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    else:
        base = node.module or ""
        if node.level:
            parts = package.split(".")[: len(package.split(".")) - node.level + 1]
            base = ".".join([*parts, base] if base else parts)
        names = [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base
                 for a in node.names]
    out = []
    for name in names:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        if name:
            out.append(name)
    return out


def import_graph() -> dict[str, set[str]]:
    """module -> the prism_lint modules it imports (outside TYPE_CHECKING)."""
    modules = _modules()
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        edges: set[str] = set()

        def walk(node: ast.AST, package: str = package, edges: set[str] = edges) -> None:
            for child in ast.iter_child_nodes(node):
                if isinstance(child, ast.If) and _type_checking(child.test):
                    for other in child.orelse:
                        walk(other)
                elif isinstance(child, (ast.Import, ast.ImportFrom)):
                    edges.update(_imported(child, package, modules))
                else:
                    walk(child)

        walk(ast.parse(path.read_text(encoding="utf-8")))
        edges.discard(name)
        graph[name] = edges
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_the_graph_sees_the_imports_it_should() -> None:
    graph = import_graph()
    assert "prism_lint.model" in graph["prism_lint.engine"]
    assert "prism_lint.extract" in graph["prism_lint.engine"]
    # a deferred import counts too: the command line loads each command on demand
    assert "prism_lint.commands.check" in graph["prism_lint.cli"]


def test_cycles_are_found() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycle() -> None:
    assert cycles(import_graph()) == []


@pytest.mark.parametrize(("low", "high"), [
    ("prism_lint.analysis", "prism_lint.prefilter"),
    ("prism_lint.commands", "prism_lint.cli"),
])
def test_a_lower_layer_does_not_import_a_higher_one(low: str, high: str) -> None:
    graph = import_graph()
    offenders = sorted(m for m, edges in graph.items()
                       if (m == low or m.startswith(low + ".")) and high in edges)
    assert offenders == []


def test_rule_facts_stay_in_rule_files() -> None:
    """Outside the rules (and the extractors, which report read errors under
    the file-error code), no module names a rule: each asks the rule for
    what it needs (prism_lint.rules.Rule's class attributes)."""
    code = re.compile(r"PRS\d*")
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE).as_posix()
        if relative.startswith(("rules/", "extract/")):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) \
                    and code.fullmatch(node.value) and node.value != "PRS":
                offenders.append(f"{relative}:{node.lineno}: {node.value!r}")
    assert offenders == []
