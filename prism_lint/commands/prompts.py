"""`prism-lint prompts`: the inventory of every prompt found.

For audits, and for "why didn't it flag my prompt?": shows each prompt's
place, role, tier, the persona seen and the task inferred. Every file that
may hold a prompt is read in full (the first pass of ``check`` looks for
personas only), without working out fixes; a Python module only when its
bytes can hold a prompt (:mod:`prism_lint.extract.python.prompt_cues`) or
the project's table names a word it calls, defines or sets (then it is
read for those names first, and in full with the table only when it
meets it). Large trees are shared out among worker processes as ``check``
does.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from prism_lint import runner, time_budget
from prism_lint.commands.configs import discovery_settings, resolver_for
from prism_lint.config import ConfigError
from prism_lint.discovery import discover
from prism_lint.encodings import decode_wide, wide
from prism_lint.engine import check_source, decode, read_limited
from prism_lint.exits import EXIT_CLEAN, fail
from prism_lint.extract.python import flow as python_flow
from prism_lint.extract.python.flow import MAX_DEFINITIONS, Table, calls_wrapper, needs_project
from prism_lint.flow_cache import facts
from prism_lint.imported import MAX_BYTES as MAX_LEARNED
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


def inventory(
    path: str, data: bytes | None, settings: Settings, *, named: bool, kind: str | None
) -> list[dict[str, Any]]:
    """The rows of one file (``data``: its bytes, read here when None)."""
    return _inventory(path, data, settings, named=named, kind=kind).rows


@dataclass
class _Reading:
    """One file read for the inventory."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    learned: Any = None  # what a Python module teaches the others (wrappers, sinks)
    reader: int = 0  # the process that read it, which remembers its prompts' analyses
    # a Python module the cues rule out (:mod:`prompt_cues`): not parsed; it
    # reads as no prompt and teaches nothing unless the project's table names
    # a word it writes
    ruled_out: bool = False
    # whether ``learned`` goes into the project's table: not for a Python
    # module over MAX_LEARNED, generated or vendored (REST models of a few
    # megabytes), as check reads no such module for its definitions
    # (prism_lint.imported); it is read again only for a wrapper it calls
    teaches: bool = True


def _inventory(
    path: str,
    data: bytes | None,
    settings: Settings,
    *,
    named: bool,
    kind: str | None,
    first: bool = False,
    names: bool = False,
) -> _Reading:
    """The rows of one file, and what it teaches the project's other modules.
    ``first``: the first reading of a run, alone, which a Python module the
    cues rule out skips. ``names``: a module the cues ruled out, read for
    the names it defines, calls and sets only (it holds no prompt and
    teaches no wrapper or sink read alone): parsed, and its parse kept for
    a reading with the project's table."""

    if data is None:
        data, _result = read_limited(path, settings, named)
        if data is None:
            return _Reading()
    if first and kind == "python":
        found = data
        may_hold = time_budget.within(lambda: cues_of(settings).may_hold_prompt(found), None)
        if may_hold is None:
            return _Reading()  # as a check over its budget: no prompt read
        if not may_hold:
            return _Reading(ruled_out=True)
    encoding = wide(data[:4])
    try:
        if encoding is not None:  # UTF-16 or UTF-32, as check reads it
            text = decode_wide(data, encoding)
        elif b"\x00" in data[:8192]:
            return _Reading()
        else:
            text, _bom = decode(data)
    except ValueError:
        return _Reading()
    teaches = kind != "python" or len(data) <= MAX_LEARNED
    if names and kind == "python":
        over = _Reading()
        learned = time_budget.within(lambda: names_in(path, text, settings), over)
        return over if learned is over else _Reading(learned=learned, teaches=teaches)
    result = check_source(path, text, settings, named=named, kind=kind, inventory=True, fixes=False)
    return _Reading(rows_of(result), result.learned, teaches=teaches)


def names_in(path: str, text: str, settings: Settings) -> Any:
    """The table a module the cues ruled out teaches (:func:`flow.names_of`);
    None where a check would read no table either (too large, not parsed)."""
    from prism_lint.engine import size_problem
    from prism_lint.extract.python.catalogue import load_catalogue
    from prism_lint.extract.python.source import parse
    from prism_lint.model import Document

    if size_problem(text, settings, "python") is not None:
        return None
    try:
        src = parse(Document(path, text))
    except (ValueError, UnicodeError, RecursionError):
        return None
    return python_flow.names_of(src, load_catalogue())


def cues_of(settings: Settings) -> Any:
    """The first pass's cues for a configuration's call sites and prompt names."""
    from prism_lint.extract.python.prompt_cues import cues_for

    return cues_for(tuple(dotted for dotted, _role in settings.call_sites), settings.prompt_names)


def _chunk(
    items: list[tuple[Target, Settings]],
    table: Any = None,
    first: bool = False,
    names: bool = False,
) -> list[_Reading]:
    """Some files read with the project's table of wrappers and sinks (it
    travels with the chunk to the worker); ``first``, ``names``: see
    :func:`_inventory`."""
    python_flow.set_project(table)
    try:
        return [_read(item, first, names) for item in items]
    finally:
        python_flow.set_project(None)


def _read(item: tuple[Target, Settings], first: bool = False, names: bool = False) -> _Reading:
    target, settings = item
    found = _inventory(
        target.path, None, settings, named=target.named, kind=target.kind, first=first, names=names
    )
    found.reader = os.getpid()
    return found


def _mentioning(
    items: list[tuple[Target, Settings]], wrappers: frozenset[str], sinks: frozenset[str]
) -> list[bool]:
    """Which of some modules the cues ruled out call or define one of the
    project's ``wrappers`` or define one of its ``sinks`` (a module too large
    to teach the table: call one of its wrappers)."""
    from prism_lint.extract.python.prompt_cues import mentions_of

    found = mentions_of(wrappers, sinks)
    out = []
    for target, settings in items:
        data, _result = read_limited(target.path, settings, target.named)
        # a module over MAX_LEARNED teaches the table nothing: it is read
        # again only when it calls a wrapper (see _Reading.teaches)
        out.append(data is not None and found.written_in(data, calls_only=len(data) > MAX_LEARNED))
    return out


ROUNDS = 2  # second looks: a wrapper's callers, then the modules defining what they send
# A test module this large is read after the others, with the table they
# taught: it is read again only when the rest of the run changes a fact it
# read (:func:`prism_lint.flow_cache.facts`). Tests call the library's
# wrappers and define its names, so most would be read twice otherwise, and
# a large one (a suite of a thousand agents) costs the most to read; the
# library's own large modules teach the table, and are read first.
LATE_BYTES = 64 * 1024
_TEST_DIRS = frozenset({"test", "tests"})


def _late(item: tuple[Target, Settings]) -> int:
    """The size of a test module read late (:data:`LATE_BYTES`), else 0."""
    target, _settings = item
    if target.kind != "python" or not _is_test(target.path):
        return 0
    try:
        size = os.stat(target.path).st_size
    except OSError:
        return 0  # read (and reported) as any other file
    return size if size >= LATE_BYTES else 0


def _is_test(path: str) -> bool:
    """A module pytest or unittest would collect, or one under a tests folder."""
    *folders, name = path.replace("\\", "/").split("/")
    return (
        name.startswith("test_") or name.endswith("_test.py") or not _TEST_DIRS.isdisjoint(folders)
    )


def _all_rows(targets: Iterable[Target], settings: Iterable[Settings]) -> list[dict[str, Any]]:
    """The rows of ``targets``, each read with its ``settings`` (see :func:`_rows`)."""
    return _rows(zip(targets, settings, strict=True))


def _rows(stream: Iterable[tuple[Target, Settings]]) -> list[dict[str, Any]]:
    """Every file read once, but the Python modules the cues rule out; then
    the files the project's table may read differently (they call a wrapper
    of another module, or define or set a name another module sends) read
    again with it: those that call a wrapper in each round (they may teach
    the table more), the others once, with the table as it ends. A module
    ruled out is read for its names when the table names a word it writes:
    it may call such a wrapper or define such a name, and it counts among a
    name's definitions (:meth:`Table.resolved`).

    ``stream`` may be a walk still under way: once it has named enough files
    for a pool, they are handed to the workers as they come, as ``check``
    does."""
    import functools
    import itertools

    stream = iter(stream)
    head = list(itertools.islice(stream, runner.POOL_THRESHOLD))
    items: list[tuple[Target, Settings]] = []
    found: list[_Reading] = []

    def read_all(mapper: Callable[..., Iterable[Any]], pool: Any = None) -> list[dict[str, Any]]:
        def chunked(
            idx: list[int], size: int = runner.CHUNK
        ) -> list[list[tuple[Target, Settings]]]:
            return [[items[i] for i in idx[j : j + size]] for j in range(0, len(idx), size)]

        def read(
            idx: list[int],
            table: Table | None,
            first: bool = False,
            names: bool = False,
            size: int = runner.CHUNK,
        ) -> None:
            if table is not None and pool is not None and not first:
                # each file back to the worker that read it first, which has its
                # prompts' analyses at hand
                again = runner.read_again(
                    pool, _read, table, [items[i] for i in idx], [found[i].reader for i in idx]
                )
                if again is not None:
                    for i, reading in zip(idx, again, strict=True):
                        found[i] = reading
                    return
            done = (
                reading
                for part in mapper(
                    functools.partial(_chunk, table=table, first=first, names=names),
                    chunked(idx, size),
                )
                for reading in part
            )
            for i, reading in zip(idx, done, strict=True):
                found[i] = reading

        def taught() -> Table:
            """What the modules read so far teach the project's table."""
            table = Table()
            for reading in found:
                if reading.learned and reading.teaches:
                    table.merge(reading.learned)
            return table

        def merged() -> Table:
            """The project's table, with every module ruled out that may meet
            one of its names read first (:class:`prompt_cues.Mentions`)."""
            while True:
                table = taught()
                # a name more modules define than the table follows is dropped
                # whatever the others do
                wrappers = frozenset(
                    n
                    for n in table.wrappers
                    if n not in asked[0] and table.defines.get(n, 0) <= MAX_DEFINITIONS
                )
                sinks = frozenset(
                    n
                    for n in table.sinks
                    if n not in asked[1] and table.defines.get(n, 0) <= MAX_DEFINITIONS
                )
                out = [i for i, reading in enumerate(found) if reading.ruled_out]
                if not (wrappers or sinks) or not out:
                    return table
                asked[0].update(wrappers)
                asked[1].update(sinks)
                look = functools.partial(_mentioning, wrappers=wrappers, sinks=sinks)
                flags = (flag for part in mapper(look, chunked(out)) for flag in part)
                todo = [i for i, flag in zip(out, flags, strict=True) if flag]
                if not todo:
                    return table
                read(todo, None, names=True)

        # the wrappers and sinks the modules ruled out were looked through for
        asked: tuple[set[str], set[str]] = (set(), set())
        late: dict[int, int] = {}  # the large modules held back, by index: their sizes
        if pool is None:
            items.extend(itertools.chain(head, stream))
            found.extend(_Reading() for _item in items)
            for i, item in enumerate(items):
                if size := _late(item):
                    late[i] = size
            read([i for i in range(len(items)) if i not in late], None, first=True)
        else:
            found.extend(_first_reads(pool, itertools.chain(head, stream), items, late))
        # the table's facts each module read again was read with: a later
        # round reads it once more only when the facts it reads have changed
        # (a wrapper of a wrapper learned in the round before)
        read_with: dict[int, str] = {}
        if late:
            # the largest first, one a task: the workers finish together
            todo = sorted(late, key=lambda i: -late[i])
            # what the others taught, the modules the cues ruled out looked
            # through for its names first: read with the table as it will
            # mostly end, a late module is seldom read again
            partial = merged().resolved()
            read(todo, partial or None, first=True, size=1)
            read_with.update((i, facts(found[i].learned, partial)) for i in todo)
        for round_ in range(ROUNDS):
            table = merged().resolved()
            again = [
                i
                for i, reading in enumerate(found)
                if reading.learned is not None
                and (
                    # read with facts the table no longer holds (a late
                    # module read with a wrapper more modules define than
                    # the table follows): read again, alone if need be
                    bool(read_with.get(i))
                    or (
                        needs_project(reading.learned, table)
                        if reading.teaches
                        else calls_wrapper(reading.learned, table)
                    )
                )
                and read_with.get(i) != facts(reading.learned, table)
            ]
            if not again:
                break
            # before the last round, only the modules that may teach the table
            # more (they call a wrapper); those that only define or set a name
            # it sends are read once, with the table as it ends
            teaching = [i for i in again if calls_wrapper(found[i].learned, table)]
            last = round_ == ROUNDS - 1 or not teaching
            todo = again if last else teaching
            read(todo, table)
            read_with.update((i, facts(found[i].learned, table)) for i in todo)
            if last:
                break
        return [row for reading in found for row in reading.rows]

    from prism_lint.extract.python.source import keep_sources

    pooled = len(head) >= runner.POOL_THRESHOLD and runner.workers() > 1
    if not pooled:
        head.extend(stream)  # a small run: the walk is over before the first read
    # the parses of a run's modules are kept for their second reading (in the
    # worker that read them first)
    keep_sources(runner.KEPT_SOURCES if len(head) >= runner.CACHE_THRESHOLD else 0)
    try:
        if not pooled:
            return read_all(map)
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        runner._warm_up({t.kind for t, _settings in head})
        cues_of(head[0][1])  # built here, so workers inherit it
        import gc

        # what is loaded now lives as long as the workers: their collector
        # need not walk it (nor touch its pages, which they share), as check's
        gc.freeze()
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if "fork" in methods else None)
        runner.prepare_second_reads(context)
        with ProcessPoolExecutor(
            max_workers=runner.workers(), mp_context=context, initializer=runner._collect_less
        ) as pool:
            return read_all(pool.map, pool)
    finally:
        keep_sources(0)


def _first_reads(
    pool: Any,
    stream: Iterable[tuple[Target, Settings]],
    items: list[tuple[Target, Settings]],
    late: dict[int, int],
) -> list[_Reading]:
    """The first reading of every file of ``stream`` (appended to ``items``),
    handed to the pool's workers in chunks while the walk goes on; the tail
    in smaller pieces, so the workers finish together. The large Python
    modules are held back, unread, in ``late`` (index -> size). A walk that
    fails (a bad configuration met on the way, ^C) leaves no chunk waiting."""
    futures = []
    waiting: list[tuple[Target, Settings]] = []
    order: list[int] = []  # the index of each file read now, in the order read
    try:
        for item in stream:
            items.append(item)
            if size := _late(item):
                late[len(items) - 1] = size
                continue
            order.append(len(items) - 1)
            waiting.append(item)
            if len(waiting) >= runner.CHUNK:
                futures.append(pool.submit(_chunk, waiting, None, True))
                waiting = []
    except BaseException:
        for future in futures:
            future.cancel()
        raise
    tail = max(1, runner.CHUNK // 4)
    for j in range(0, len(waiting), tail):
        futures.append(pool.submit(_chunk, waiting[j : j + tail], None, True))
    found = [_Reading() for _item in items]
    read = (reading for future in futures for reading in future.result())
    for i, reading in zip(order, read, strict=True):
        found[i] = reading
    return found


def run(args: argparse.Namespace) -> int:
    try:
        resolver = resolver_for(args.config, args.isolated)
        resolver.cli = discovery_settings(args)
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
            targets = discover(paths, resolver, force_exclude=args.force_exclude)
            rows = _rows((t, resolver.for_path(t.path)) for t in targets)
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
