"""`prism-lint prompts`: the inventory of every prompt found.

For audits, and for "why didn't it flag my prompt?": shows each prompt's
place, role, tier, the persona seen and the task inferred. Every file that
may hold a prompt is read in full (the first pass of ``check`` looks for
personas only), without working out fixes; large trees are shared out
among worker processes as ``check`` does.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import TYPE_CHECKING, Any

from prism_lint import runner
from prism_lint.commands.configs import resolver_for
from prism_lint.config import ConfigError
from prism_lint.discovery import discover
from prism_lint.encodings import decode_wide, wide
from prism_lint.engine import check_source, decode, read_limited
from prism_lint.exits import EXIT_CLEAN, fail
from prism_lint.extract.python import flow as python_flow
from prism_lint.extract.python.flow import Table, needs_project
from prism_lint.lines import line_index
from prism_lint.report.common import absolute
from prism_lint.report.message import quoted
from prism_lint.report.safe import json_safe, printable
from prism_lint.report.text import shown_path
from prism_lint.rules import short

if TYPE_CHECKING:
    from prism_lint.config import Settings
    from prism_lint.discovery import Target
    from prism_lint.engine import FileResult


def rows_of(result: FileResult) -> list[dict[str, Any]]:
    """One inventory row per prompt of a checked file."""

    rows = []
    for unit, analysis in result.prompts:
        idx = line_index(unit.doc.text)  # one index a document, whatever its prompts
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
                "names": list(unit.context.names),
                "model": unit.context.model,
                # where the text comes from when it is not written at the call
                "origin": unit.context.origin,
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
    return rows


def inventory(path: str, data: bytes | None, settings: Settings, *, named: bool,
              kind: str | None) -> list[dict[str, Any]]:
    """The rows of one file (``data``: its bytes, read here when None)."""
    return _inventory(path, data, settings, named=named, kind=kind)[0]


def _inventory(path: str, data: bytes | None, settings: Settings, *, named: bool,
               kind: str | None) -> tuple[list[dict[str, Any]], Any]:
    """The rows of one file, and what it teaches the project's other modules
    (a Python module's wrappers and sinks, else None)."""

    if data is None:
        data, _result = read_limited(path, settings, named)
        if data is None:
            return [], None

    encoding = wide(data[:4])
    try:
        if encoding is not None:  # UTF-16 or UTF-32, as check reads it
            text = decode_wide(data, encoding)
        elif b"\x00" in data[:8192]:
            return [], None
        else:
            text, _bom = decode(data)
    except ValueError:
        return [], None
    result = check_source(path, text, settings, named=named, kind=kind, inventory=True,
                          fixes=False)
    return rows_of(result), result.learned


def _chunk(items: list[tuple[Target, Settings]], table: Any = None
           ) -> list[tuple[list[dict[str, Any]], Any, int]]:
    """Rows of some files, read with the project's table of wrappers and sinks
    (it travels with the chunk to the worker), what they teach, and the
    process that read them (it remembers their prompts' analyses, which a
    second reading mostly meets again)."""
    python_flow.set_project(table)
    try:
        return [(*_again((t, s)), os.getpid()) for t, s in items]
    finally:
        python_flow.set_project(None)


def _again(item: tuple[Target, Settings]) -> tuple[list[dict[str, Any]], Any]:
    target, settings = item
    return _inventory(target.path, None, settings, named=target.named, kind=target.kind)


ROUNDS = 2  # second looks: a wrapper's callers, then the modules defining what they send


def _all_rows(targets: list[Target], settings: list[Settings]) -> list[dict[str, Any]]:
    """Every file read once; then the files the project's table may read
    differently (they call a wrapper of another module, or define a name
    another module sends) read again with it."""
    import functools
    from collections.abc import Callable, Iterable


    items = list(zip(targets, settings, strict=True))

    def read_all(mapper: Callable[..., Iterable[Any]], pool: Any = None) -> list[dict[str, Any]]:
        def read(idx: list[int], table: Table | None) -> None:
            if table is not None and pool is not None:
                # each file back to the worker that read it first, which has its
                # prompts' analyses at hand
                again = runner.read_again(pool, _again, table, [items[i] for i in idx],
                                          [readers[i] for i in idx])
                if again is not None:
                    for i, pair in zip(idx, again, strict=True):
                        found[i] = pair
                    return
            size = runner.CHUNK
            chunks = [[items[i] for i in idx[j : j + size]] for j in range(0, len(idx), size)]
            done = (triple for part in mapper(functools.partial(_chunk, table=table), chunks)
                    for triple in part)
            for i, (rows, learned, reader) in zip(idx, done, strict=True):
                found[i] = (rows, learned)
                readers[i] = reader

        found: list[tuple[list[dict[str, Any]], Any]] = [([], None)] * len(items)
        readers = [0] * len(items)
        read(list(range(len(items))), None)
        taken: set[int] = set()
        for _round in range(ROUNDS):
            merged = Table()
            for _rows, learned in found:
                if learned:
                    merged.merge(learned)
            table = merged.resolved()
            again = [i for i, (_rows, learned) in enumerate(found) if i not in taken
                     and learned is not None and needs_project(learned, table)]
            if not table or not again:
                break
            taken.update(again)
            read(again, table)
        return [row for rows, _learned in found for row in rows]

    if len(items) < runner.POOL_THRESHOLD or runner.workers() < 2:
        return read_all(map)
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    runner._warm_up({t.kind for t in targets})
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    runner.prepare_second_reads(context)
    with ProcessPoolExecutor(max_workers=runner.workers(), mp_context=context,
                             initializer=runner._collect_less) as pool:
        return read_all(pool.map, pool)


def run(args: argparse.Namespace) -> int:
    try:
        resolver = resolver_for(args.config, args.isolated)
        paths = args.paths or ["."]
        if paths == ["-"]:
            name = args.stdin_filename or "-"
            stream = getattr(sys.stdin, "buffer", None)
            data = stream.read() if stream is not None else sys.stdin.read().encode("utf-8")
            settings = resolver.for_path(name if name != "-" else "stdin")
            rows = inventory(name, data, settings, named=True, kind=None)
        else:
            missing = [p for p in paths if not os.path.exists(p)]
            if missing:
                return fail(f"{missing[0]}: no such file or directory")
            targets = list(discover(paths, resolver))
            rows = _all_rows(targets, [resolver.for_path(t.path) for t in targets])
    except ConfigError as exc:
        return fail(str(exc))

    if args.output_format == "json":
        print(json_safe(json.dumps(rows, indent=2, ensure_ascii=False)))
        return EXIT_CLEAN
    sys.stdout.write(printable("".join(line(r) for r in rows)))
    sys.stdout.write(f"{len(rows)} prompt{'s' if len(rows) != 1 else ''} found.\n")
    return EXIT_CLEAN


def line(r: dict[str, Any]) -> str:
    """A row as text: where, what kind of prompt, where it was found, persona, task."""

    cell = f"cell {r['cell']}:" if r["cell"] is not None else ""
    where = f"{shown_path(r['path'])}:{cell}{r['location']['row']}:{r['location']['column']}"
    personas = "; ".join(f"{p['kind']}: {quoted(short(p['text'], 50))}" for p in r["personas"])
    # how it was found: the call, else the library, else the name that marks it
    site = r["call"] or r["library"] or ", ".join(r["names"][:2]) or "?"
    return (
        f"{where}: {r['role']} prompt ({r['tier']}, {site})"
        f" task={r['task']} ({r['task_confidence']})"
        + (f" from {r['origin']}" if r.get("origin") else "")
        + (f" persona=[{personas}]" if personas else "")
        + f"\n    {short(str(r['text']), 100)}\n"
    )
