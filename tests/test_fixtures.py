"""Walk every annotated fixture: the findings it must produce, and its fix.

An annotation comment ``ruleid: PRS101`` (``# ...``, ``<!-- ... -->``,
``{# ... #}``, ``{{! ... }}``) claims the block below it: the rows up to the
next blank line. Each claimed code must start a finding in its block, and
every finding must sit in a block that claims its code. ``ok: PRS101`` marks
a block that must stay clean. A ``name.fixed.ext`` sibling holds the expected
result of ``--fix --unsafe-fixes``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from prism_lint.config import Settings
from prism_lint.engine import check_source
from prism_lint.extract import kind_of
from prism_lint.fix.apply import fix_text

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
ANNOTATION = re.compile(
    r"(?:#|<!--|\{#|\{\{!(?:--)?|//)\s*(?P<kind>ruleid|ok)\s*:\s*(?P<codes>PRS\d+(?:\s*,\s*PRS\d+)*)"
)
SETTINGS = Settings()


@dataclass
class Block:
    kind: str
    codes: set[str]
    first: int
    last: int
    row: int  # the annotation's own row


def fixture_files() -> list[Path]:
    files = []
    for path in sorted(FIXTURES.rglob("*")):
        if not path.is_file() or ".fixed." in path.name or path.name.endswith(".fixed"):
            continue
        if kind_of(str(path), named=True) is None:
            continue
        files.append(path)
    return files


def blocks(text: str) -> list[Block]:
    lines = text.splitlines()
    out: list[Block] = []
    for i, line in enumerate(lines):
        m = ANNOTATION.search(line)
        if not m:
            continue
        codes = {c.strip() for c in m.group("codes").split(",")}
        first = i + 2  # 1-based row after the annotation
        last = first - 1
        for j in range(i + 1, len(lines)):
            if not lines[j].strip() or ANNOTATION.search(lines[j]):
                break
            last = j + 1
        out.append(Block(m.group("kind"), codes, first, last, i + 1))
    return out


def documents(path: Path, text: str) -> dict[int | None, str]:
    """Texts that annotations live in: the file, or each notebook cell."""
    if path.suffix != ".ipynb":
        return {None: text}
    nb = json.loads(text)
    out: dict[int | None, str] = {}
    for n, cell in enumerate(nb.get("cells", []), start=1):
        src = cell.get("source", "")
        out[n] = "".join(src) if isinstance(src, list) else src
    return out


@pytest.mark.parametrize("path", fixture_files(), ids=lambda p: str(p.relative_to(FIXTURES)))
def test_fixture_findings(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    result = check_source(str(path), text, SETTINGS, named=True)
    docs = documents(path, text)
    from prism_lint.lines import LineIndex

    found: dict[int | None, list[tuple[str, int]]] = {}
    for d in result.diagnostics:
        row = LineIndex(d.doc.text).location(d.start).row
        found.setdefault(d.doc.cell, []).append((d.code, row))
    problems = []
    for cell, doc_text in docs.items():
        where = f"cell {cell} " if cell is not None else ""
        bl = blocks(doc_text)
        got = found.get(cell, [])
        for b in bl:
            in_block = {code for code, row in got if b.first <= row <= b.last}
            if b.kind == "ruleid":
                for code in sorted(b.codes - in_block):
                    problems.append(
                        f"{where}line {b.row}: expected {code} in rows "
                        f"{b.first}-{b.last}, got {sorted(in_block) or 'nothing'}"
                    )
        for code, row in got:
            if not any(
                b.kind == "ruleid" and code in b.codes and b.first <= row <= b.last for b in bl
            ):
                msg = next(
                    d.message
                    for d in result.diagnostics
                    if d.code == code
                    and d.doc.cell == cell
                    and LineIndex(d.doc.text).location(d.start).row == row
                )
                problems.append(f"{where}line {row}: unexpected {code}: {msg}")
    assert not problems, "\n".join(problems)


def fixed_name(name: str) -> str:
    """``agents.yaml`` -> ``agents.fixed.yaml``; ``a.prompt.yml`` -> ``a.fixed.prompt.yml``."""
    dot = name.find(".", 1)
    return name + ".fixed" if dot < 0 else name[:dot] + ".fixed" + name[dot:]


def fixed_pairs() -> list[tuple[Path, Path]]:
    pairs = []
    for path in fixture_files():
        sibling = path.with_name(fixed_name(path.name))
        if sibling.exists():
            pairs.append((path, sibling))
    return pairs


@pytest.mark.parametrize("pair", fixed_pairs(), ids=lambda p: str(p[0].relative_to(FIXTURES)))
def test_fixture_fix(pair: tuple[Path, Path]) -> None:
    path, expected = pair
    text = path.read_text(encoding="utf-8")

    def check(t: str) -> list:  # type: ignore[type-arg]
        return check_source(str(path), t, SETTINGS, named=True).diagnostics

    fixed, _count, _remaining = fix_text(text, check, unsafe=True)
    assert fixed == expected.read_text(encoding="utf-8")


def test_there_are_fixtures_for_every_rule_family() -> None:
    codes = set()
    for path in fixture_files():
        for b in blocks(path.read_text(encoding="utf-8")):
            if b.kind == "ruleid":
                codes |= b.codes
    assert {"PRS101", "PRS102", "PRS103", "PRS104"} <= codes
