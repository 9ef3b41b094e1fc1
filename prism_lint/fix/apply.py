"""Apply fixes to text and write files atomically.

Fixes are applied in rounds: non-overlapping edits first, then the file is
checked again, until nothing applicable is left (as ruff does). A file is
written through a temporary file and a rename, keeping its mode, and only
if it has not changed on disk since it was read.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass

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
    """Apply every applicable fix that does not overlap an earlier one."""
    chosen: list[Edit] = []
    taken: list[tuple[int, int]] = []
    count = 0
    seen: set[tuple[tuple[int, int, str], ...]] = set()
    for d in sorted(diagnostics, key=lambda d: (d.start, d.code)):
        if d.doc.cell is not None or not applicable(d, unsafe, extend_safe):
            continue
        assert d.fix is not None
        key = tuple((e.start, e.end, e.content) for e in d.fix.edits)
        if key in seen:  # two rules, one persona, one fix
            count += 1
            continue
        spans = [(e.start, e.end) for e in d.fix.edits]
        if any((s < te and ts < e) or (s == e == ts == te) for s, e in spans for ts, te in taken):
            continue
        seen.add(key)
        taken.extend(spans)
        chosen.extend(d.fix.edits)
        count += 1
    if not chosen:
        return text, 0
    return apply_edits(text, chosen), count


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


class ChangedOnDisk(Exception):
    pass


def write_atomic(
    path: str, text: str, *, bom: bool = False, expected_mtime: float | None = None
) -> None:
    """Replace ``path`` with ``text`` (UTF-8) or leave it untouched."""
    data = (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")
    st = os.stat(path)
    if expected_mtime is not None and st.st_mtime != expected_mtime:
        raise ChangedOnDisk(f"{path} changed on disk while it was being fixed; not written")
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".prism-lint-", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, st.st_mode & 0o7777)
        if expected_mtime is not None and os.stat(path).st_mtime != expected_mtime:
            raise ChangedOnDisk(f"{path} changed on disk while it was being fixed; not written")
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


@dataclass
class FixOutcome:
    path: str
    original: str
    fixed: str
    count: int
