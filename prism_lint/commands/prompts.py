"""`prism-lint prompts`: the inventory of every prompt found.

For audits, and for "why didn't it flag my prompt?": shows each prompt's
place, role, tier, the persona seen and the task inferred.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

from prism_lint.cli import EXIT_CLEAN, fail


def run(args: argparse.Namespace) -> int:
    from prism_lint.commands.check import _resolver
    from prism_lint.config import ConfigError
    from prism_lint.discovery import discover
    from prism_lint.engine import check_path
    from prism_lint.lines import LineIndex
    from prism_lint.report.common import absolute
    from prism_lint.rules import short

    try:
        resolver = _resolver(args.config)
        paths = args.paths or ["."]
        missing = [p for p in paths if not os.path.exists(p)]
        if missing:
            return fail(f"{missing[0]}: no such file or directory")
        rows: list[dict[str, Any]] = []
        for target in discover(paths, resolver):
            result = check_path(
                target.path, resolver.for_path(target.path), named=target.named, kind=target.kind,
                inventory=True,
            )
            for unit, analysis in result.prompts:
                idx = LineIndex(unit.doc.text)
                start = idx.location(unit.doc_start)
                end = idx.location(unit.doc_end)
                rows.append(
                    {
                        "filename": absolute(unit.doc.path),
                        "path": unit.doc.path,
                        "cell": unit.doc.cell,
                        "location": {"row": start.row, "column": start.column},
                        "end_location": {"row": end.row, "column": end.column},
                        "role": unit.role,
                        "tier": unit.tier,
                        "library": unit.context.library,
                        "call": unit.context.call,
                        "argument": unit.context.argument,
                        "model": unit.context.model,
                        "holes": len(unit.holes),
                        "personas": [
                            {"text": p.text, "kind": p.kind, "head": p.head, "words": p.words}
                            for p in analysis.personas
                        ],
                        "task": analysis.task.category,
                        "task_confidence": round(analysis.task.confidence, 2),
                        "task_declared": analysis.task.declared,
                        "evidence": [e.cue for e in analysis.task.evidence[:5]],
                        "text": unit.text,
                    }
                )
    except ConfigError as exc:
        return fail(str(exc))
    if args.output_format == "json":
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return EXIT_CLEAN
    for r in rows:
        cell = f"cell {r['cell']}:" if r["cell"] is not None else ""
        where = f"{r['path']}:{cell}{r['location']['row']}:{r['location']['column']}"
        personas = "; ".join(f"{p['kind']}: {short(p['text'], 50)}" for p in r["personas"])
        site = r["call"] or r["library"]
        sys.stdout.write(
            f"{where}: {r['role']} prompt ({r['tier']}, {site})"
            f" task={r['task']} ({r['task_confidence']})"
            + (f" persona=[{personas}]" if personas else "")
            + f"\n    {short(str(r['text']), 100)}\n"
        )
    sys.stdout.write(f"{len(rows)} prompt{'s' if len(rows) != 1 else ''} found.\n")
    return EXIT_CLEAN
