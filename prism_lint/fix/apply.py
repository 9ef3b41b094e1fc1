"""Apply fixes to text and write files atomically.

Fixes are applied in rounds: non-overlapping edits first, then the file is
checked again, until nothing applicable is left (as ruff does). A file is
written by :mod:`prism_lint.fix.disk`: through a temporary file and a
rename, as it was, and only if it has not changed on disk since it was read.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from prism_lint.extract.notebook.extractor import blank_magics, load_json
from prism_lint.extract.notebook.positions import cell_source
from prism_lint.fix.notebook import replace_source
from prism_lint.fix.verify import python_strict
from prism_lint.model import Diagnostic, Edit

MAX_ROUNDS = 10


def applicable(d: Diagnostic, unsafe: bool, extend_safe: tuple[str, ...] = ()) -> bool:
    if d.fix is None or not d.fix.edits:
        return False
    if d.fix.applicability == "safe":
        return True
    if d.fix.applicability == "unsafe":
        return unsafe or any(d.code.startswith(c) for c in extend_safe)
    return False


def still_valid(kind: str | None, old: str, new: str) -> bool:
    """The last check before a fixed file is written: Python that parsed
    (by libcst, which knows every version's grammar) still parses."""
    if kind not in ("python", "notebook"):
        return True
    if kind == "notebook":
        try:
            load_json(new)
        except ValueError:
            return False
        return True

    return not python_strict(old) or python_strict(new)


def apply_edits(text: str, edits: list[Edit]) -> str:
    parts = []
    pos = 0
    for e in sorted(edits, key=lambda e: (e.start, e.end)):
        parts.append(text[pos : e.start])
        parts.append(e.content)
        pos = e.end
    parts.append(text[pos:])
    return "".join(parts)


def apply_round(
    text: str, diagnostics: list[Diagnostic], unsafe: bool, extend_safe: tuple[str, ...] = ()
) -> tuple[str, int]:
    """Apply every applicable fix that does not overlap an earlier one.

    Edits of a notebook cell are applied to that cell's source and written
    back into the notebook's JSON (see :mod:`prism_lint.fix.notebook`).
    A diagnostic about another file (a template a YAML file points at) is
    left alone: its edits are not offsets into ``text``.
    """
    chosen: dict[int | None, list[Edit]] = {}
    taken: dict[int | None, list[tuple[int, int]]] = {}
    docs: dict[int, str] = {}
    count = 0
    seen: set[tuple[int | None, tuple[tuple[int, int, str], ...]]] = set()
    for d in sorted(diagnostics, key=_order):
        if not applicable(d, unsafe, extend_safe):
            continue
        cell = d.doc.cell
        if cell is None and d.doc.text != text:
            continue
        assert d.fix is not None
        key = (cell, tuple((e.start, e.end, e.content) for e in d.fix.edits))
        if key in seen:  # two rules, one persona, one fix
            count += 1
            continue
        spans = [(e.start, e.end) for e in d.fix.edits]
        held = taken.setdefault(cell, [])
        if any(_clash(s, e, ts, te) for s, e in spans for ts, te in held):
            continue
        if cell is not None:
            docs[cell] = d.doc.text
        seen.add(key)
        held.extend(spans)
        chosen.setdefault(cell, []).extend(d.fix.edits)
        count += 1
    if not chosen:
        return text, 0
    new = apply_edits(text, chosen.pop(None, []))
    for cell, edits in sorted(chosen.items(), key=lambda kv: kv[0] or 0):
        assert cell is not None
        try:
            new = _fix_cell(new, cell, docs[cell], edits)
        except ValueError:
            count -= sum(1 for k in seen if k[0] == cell)
    return new, count


def _order(d: Diagnostic) -> tuple[int, int, int, str]:
    """By position; where two fixes start together, the one that removes
    more goes first (a long persona's passage before its first sentence)."""
    removed = sum(e.end - e.start for e in d.fix.edits) if d.fix is not None else 0
    return (d.doc.cell or 0, d.start, -removed, d.code)


def _clash(s: int, e: int, ts: int, te: int) -> bool:
    """Edits that overlap, or an insertion at or inside another edit (their
    order would be ambiguous). Two removals that only touch do not clash."""
    if s < te and ts < e:
        return True
    if s == e:
        return ts <= s <= te
    return ts == te and s <= ts <= e


def _fix_cell(text: str, cell: int, cell_text: str, edits: list[Edit]) -> str:
    """Apply ``edits`` (offsets into the cell as it was read) to the notebook."""

    source = cell_source(text, cell)
    if blank_magics(source) != cell_text:
        raise ValueError(f"cell {cell} is not the cell that was checked")
    for e in edits:
        if source[e.start : e.end] != cell_text[e.start : e.end]:
            raise ValueError(f"cell {cell}: an edit touches a magic")
    return replace_source(text, cell, apply_edits(source, edits))


def fix_text(
    text: str,
    check: Callable[[str], list[Diagnostic]],
    unsafe: bool,
    extend_safe: tuple[str, ...] = (),
) -> tuple[str, int, list[Diagnostic]]:
    """Fix until stable; returns the new text, fixes applied, what remains."""
    total = 0
    diagnostics = check(text)
    for _ in range(MAX_ROUNDS):
        new, n = apply_round(text, diagnostics, unsafe, extend_safe)
        if n == 0 or new == text:
            break
        text, total = new, total + n
        diagnostics = check(text)
    return text, total, diagnostics


@dataclass
class FixOutcome:
    path: str
    original: str
    fixed: str
    count: int
