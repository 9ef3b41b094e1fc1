"""The grammars' extensions load on their own, and stand in for their packages."""

from __future__ import annotations

import json
import subprocess
import sys

from prism_lint.extract.shared.grammar import binding


def test_each_grammar_is_its_compiled_extension() -> None:
    for package, functions in (
        ("tree_sitter_python", ("language",)),
        ("tree_sitter_javascript", ("language",)),
        ("tree_sitter_typescript", ("language_typescript", "language_tsx")),
    ):
        module = binding(package)
        assert module.__name__ == f"{package}._binding"
        assert all(callable(getattr(module, name)) for name in functions)


def test_a_package_laid_out_otherwise_is_imported_as_it_is() -> None:
    assert binding("json") is json


def test_reading_python_imports_no_query_files() -> None:
    """Checking a Python file leaves the grammar package's resources
    unread (importlib.resources, tempfile and the compressors not loaded by
    it: an interpreter's own start-up may load them),
    and the package imported afterwards shares the loaded extension."""
    code = (
        "import sys\n"
        "before = {m for m in ('importlib.resources', 'tempfile') if m in sys.modules}\n"
        "from prism_lint.engine import check_source\n"
        "from prism_lint.config import Settings\n"
        "r = check_source('a.py', 'x = 1\\n', Settings(), named=True)\n"
        "assert r.kind == 'python', r.kind\n"
        "names = ('importlib.resources', 'tempfile')\n"
        "print(*(m in sys.modules and m not in before for m in names))\n"
        "import tree_sitter_python as package\n"
        "print(package.language is sys.modules['tree_sitter_python._binding'].language)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False", "True"]
