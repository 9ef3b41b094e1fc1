"""Human output: ruff's full format (with the source line) and concise."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from prism_lint.model import Diagnostic
from prism_lint.report import ReportContext
from prism_lint.report.common import fix_label, index, span
from prism_lint.rules import catalogue

if TYPE_CHECKING:
    from prism_lint.engine import FileResult


def _where(d: Diagnostic) -> str:
    s = span(d)
    cell = f"cell {d.doc.cell}:" if d.doc.cell is not None else ""
    return f"{d.path}:{cell}{s.start.row}:{s.start.column}"


def _snippet(d: Diagnostic) -> list[str]:
    s = span(d)
    idx = index(d.doc)
    line = idx.line_text(s.start.row).expandtabs(1)
    if not d.doc.text:
        return []
    gutter = len(str(s.start.row))
    if s.end.row == s.start.row:
        width = max(1, s.end.column - s.start.column)
    else:
        width = max(1, len(line) - s.start.column + 1)
    shown = line if len(line) <= 160 else line[:160] + "…"
    lead = " " * (s.start.column - 1)
    out = [
        f"{' ' * gutter} |",
        f"{s.start.row} | {shown}",
        f"{' ' * gutter} | {lead}{'^' * min(width, max(1, 161 - s.start.column))}",
    ]
    if s.end.row != s.start.row:
        out[-1] += f" (to line {s.end.row})"
    return out


def _explain(d: Diagnostic, planned: bool) -> list[str]:
    det = d.details
    if not det:
        return []
    lines = []
    task = det.get("task")
    if task:
        conf = det.get("task_confidence")
        how = "declared" if det.get("task_declared") else f"confidence {conf}"
        ev: list[dict[str, str]] = det.get("evidence") or []  # type: ignore[assignment]
        from prism_lint.rules import SOURCE_LABELS

        def seen(e: dict[str, str]) -> str:
            where = SOURCE_LABELS.get(e["source"], e["source"])
            return f"'{e['cue']}'" + ("" if e["source"] == "prompt" else f" ({where})")

        shown: list[str] = []
        for e in ev:
            cue = seen(e)
            if cue.lower() not in (c.lower() for c in shown):
                shown.append(cue)
        cues = ", ".join(shown[:4])
        lines.append(f"  = task: {task} ({how})" + (f"; evidence: {cues}" if cues else ""))
    if det.get("role") and det.get("role") != "unknown":
        extra = f", model {det['model']}" if det.get("model") else ""
        lines.append(f"  = prompt role: {det['role']}{extra}")
    if d.fix is not None:
        lines.append(f"  = fix ({d.fix.listed(planned)}): {d.fix.message}")
    return lines


def render(results: list[FileResult], ctx: ReportContext) -> str:
    out: list[str] = []
    diags = [d for r in results for d in r.diagnostics]
    for d in diags:
        head = f"{_where(d)}: {d.code} {fix_label(d, ctx.unsafe_fixes, ctx.planned)}{d.message}"
        out.append(head)
        if ctx.fmt != "concise":
            out.extend(_snippet(d))
            out.extend(_explain(d, ctx.planned))
            out.append("")
    if ctx.statistics:
        out = []
        counts = Counter(d.code for d in diags)
        fixable = Counter(d.code for d in diags if fix_label(d, ctx.unsafe_fixes, ctx.planned))
        names = catalogue()
        for code, n in counts.most_common():
            mark = "[*]" if fixable[code] else "   "
            out.append(f"{n:>5}\t{code}\t{mark} {names[code].name}")
    total = len(diags)
    fixed = sum(ctx.fixed.values())
    if ctx.show_fixes and ctx.fixed:
        out.append("")
        out.append(f"Fixed {fixed} finding{'s' if fixed != 1 else ''}:")
        for path, n in sorted(ctx.fixed.items()):
            out.append(f"- {path}: {n}")
    if total:
        found = total + fixed
        msg = f"Found {found} finding{'s' if found != 1 else ''}"
        if fixed:
            msg += f" ({fixed} fixed, {total} remaining)"
        out.append(msg + ".")
        listed = [d.fix.listed(ctx.planned) for d in diags if d.fix is not None]
        safe = listed.count("safe")
        unsafe = listed.count("unsafe")
        if safe:
            out.append(f"[*] {safe} fixable with the `--fix` option.")
        if unsafe and not ctx.unsafe_fixes:
            out.append(
                f"{unsafe} more fix{'es' if unsafe != 1 else ''} available with `--unsafe-fixes`."
            )
    elif fixed:
        out.append(
            f"Found {fixed} finding{'s' if fixed != 1 else ''} ({fixed} fixed, 0 remaining)."
        )
    else:
        out.append("All checks passed!")
    return "\n".join(out) + "\n"
