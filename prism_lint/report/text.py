"""Human output: ruff's full format (with the source line), concise and grouped.

Paths are shown relative to the current directory (absolute outside it), as
ruff shows them, whatever spelling the command line used.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from prism_lint.model import Diagnostic
from prism_lint.report import ReportContext
from prism_lint.report.common import fix_label, index, relative_path, span
from prism_lint.report.message import figure_of, headline, one_line, shown_cue
from prism_lint.report.safe import printable
from prism_lint.report.tally import table
from prism_lint.rules import SOURCE_LABELS

if TYPE_CHECKING:
    from prism_lint.engine import FileResult

_BOLD, _RED, _CYAN, _RESET = "\x1b[1m", "\x1b[31m", "\x1b[36m", "\x1b[0m"


def shown_path(path: str) -> str:
    """``path`` as reports show it: relative to the working directory when
    inside it, else absolute; ``-`` (stdin) as is."""
    if path == "-":
        return path
    return printable(relative_path(path, os.getcwd()))


class _Paint:
    """ANSI colour when the context asks for it, plain text otherwise."""

    def __init__(self, on: bool) -> None:
        self.on = on

    def __call__(self, text: str, *styles: str) -> str:
        return f"{''.join(styles)}{text}{_RESET}" if self.on and text else text


def _position(d: Diagnostic) -> str:
    s = span(d)
    cell = f"cell {d.doc.cell}:" if d.doc.cell is not None else ""
    return f"{cell}{s.start.row}:{s.start.column}"


def _head(d: Diagnostic, ctx: ReportContext, paint: _Paint) -> str:
    sep = paint(":", _CYAN)
    label = fix_label(d, ctx.unsafe_fixes, ctx.planned)
    mark = paint(label.strip(), _CYAN) + " " if label else ""
    return (
        f"{paint(shown_path(d.path), _BOLD)}{sep}{_position(d).replace(':', sep)}{sep} "
        f"{paint(d.code, _BOLD, _RED)} {mark}{printable(headline(d))}"
    )


def _snippet(d: Diagnostic, paint: _Paint) -> list[str]:
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
    # escaped before it is coloured: what a terminal would act on is shown
    shown = printable(line if len(line) <= 160 else line[:160] + "…")
    lead = " " * (s.start.column - 1)
    bar = paint("|", _CYAN)
    carets = paint("^" * min(width, max(1, 161 - s.start.column)), _RED)
    out = [
        f"{' ' * gutter} {bar}",
        f"{paint(str(s.start.row), _CYAN)} {bar} {shown}",
        f"{' ' * gutter} {bar} {lead}{carets}",
    ]
    if s.end.row != s.start.row:
        out[-1] += f" (to line {s.end.row})"
    return out


def _cues(evidence: list[dict[str, str]]) -> str:
    shown: list[str] = []
    for e in evidence:
        cue = shown_cue(str(e.get("cue", "")))
        if not cue:
            continue
        source = e.get("source", "prompt")
        text = f"'{cue}'" + (
            "" if source == "prompt" else f" ({SOURCE_LABELS.get(source, source)})"
        )
        if text.lower() not in (c.lower() for c in shown):
            shown.append(text)
    return ", ".join(shown[:4])


def _explain(d: Diagnostic, planned: bool) -> list[str]:
    det = d.details
    lines = []
    if det:
        task = det.get("task")
        if task:
            conf = det.get("task_confidence")
            how = "declared" if det.get("task_declared") else f"confidence {conf}"
            if det.get("task_assumed"):
                how += "; assumed from the persona: the request is not in the code"
            cues = _cues(det.get("evidence") or [])  # type: ignore[arg-type]
            lines.append(f"  = task: {task} ({how})" + (f"; evidence: {cues}" if cues else ""))
            request = det.get("request")
            if request and not det.get("task_assumed"):
                lines.append(f"  = request: {one_line(str(request))}")
        if det.get("role") and det.get("role") != "unknown":
            extra = f", model {one_line(str(det['model']))}" if det.get("model") else ""
            lines.append(f"  = prompt role: {det['role']}{extra}")
    figure = figure_of(d.code)
    if figure:
        lines.append(f"  = why: {figure}")
    if d.fix is not None:
        lines.append(f"  = fix ({d.fix.listed(planned)}): {one_line(d.fix.message)}")
    return [printable(line) for line in lines]


def _grouped(diags: list[Diagnostic], ctx: ReportContext, paint: _Paint) -> list[str]:
    out: list[str] = []
    by_path: dict[str, list[Diagnostic]] = {}
    for d in diags:
        by_path.setdefault(d.path, []).append(d)
    for path, found in by_path.items():
        out.append(paint(shown_path(path), _BOLD) + ":")
        where = [_position(d) for d in found]
        width = max(len(w) for w in where)
        for d, w in zip(found, where, strict=True):
            label = fix_label(d, ctx.unsafe_fixes, ctx.planned)
            mark = paint(label.strip(), _CYAN) + " " if label else ""
            out.append(
                f"  {w.ljust(width)} {paint(d.code, _BOLD, _RED)} {mark}{printable(headline(d))}"
            )
        out.append("")
    return out


def render(results: list[FileResult], ctx: ReportContext) -> str:
    paint = _Paint(ctx.color)
    diags = [d for r in results for d in r.diagnostics]
    if ctx.statistics:
        out = table(diags, ctx)
    elif ctx.fmt == "grouped":
        out = _grouped(diags, ctx, paint)
    else:
        out = []
        for d in diags:
            out.append(_head(d, ctx, paint))
            if ctx.fmt != "concise":
                out.extend(_snippet(d, paint))
                out.extend(_explain(d, ctx.planned))
                out.append("")
    out.extend(summary(diags, ctx))
    return "\n".join(out) + "\n"


def summary(diags: list[Diagnostic], ctx: ReportContext) -> list[str]:
    """The closing lines: what was found, fixed and is fixable."""
    out: list[str] = []
    total = len(diags)
    fixed = sum(ctx.fixed.values())
    if ctx.show_fixes and ctx.fixed:
        out.append("")
        out.append(f"Fixed {fixed} finding{'s' if fixed != 1 else ''}:")
        for path, n in sorted(ctx.fixed.items()):
            out.append(f"- {shown_path(path)}: {n}")
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
    return out
