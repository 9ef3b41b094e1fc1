"""The package's layers: the import contracts, and rule facts kept in rule files.

The layers (extraction below analysis, analysis below the pipeline, commands
below the command line, no import cycle between sibling modules) are
import-linter contracts in ``pyproject.toml``; CI runs ``lint-imports`` on
them, and so does this test, so that a plain ``pytest`` sees a broken layer.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import prism_lint

PACKAGE = Path(prism_lint.__file__).parent
ROOT = PACKAGE.parent


def test_the_import_contracts_hold() -> None:
    tool = Path(sys.executable).with_name("lint-imports")
    done = subprocess.run(
        [str(tool), "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-1000:]
    assert "0 broken" in done.stdout


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
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and code.fullmatch(node.value)
                and node.value != "PRS"
            ):
                offenders.append(f"{relative}:{node.lineno}: {node.value!r}")
    assert offenders == []
