"""Run the engine over many files: cheap first pass, cache, process pool.

Most files in a code base hold no persona. The first pass reads a file's
bytes and asks :mod:`prism_lint.prefilter` whether any persona could be in
them; only those files are decoded and parsed. Results are cached by file
content, settings and version. Large runs fan the reading, the first pass
and the checks out to worker processes forked after the vocabularies are
loaded; small runs (pre-commit, one file, the editor) never start a pool.
The project's table (the wrappers and sinks its modules teach) is known only
once every kept module is read. In a pool, a Python module the first pass
keeps is read for its table only; its prompts are read once the table is
known, in the worker that read it first and kept its parse, with the table
when the table reads it differently and alone otherwise: one reading of its
prompts. A run in one process does the same once it has enough files to
keep parses for (:data:`CACHE_THRESHOLD`); a smaller one checks each module
in full, then checks again those the table reads differently.
"""

from __future__ import annotations

import gc
import hashlib
import itertools
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from prism_lint import time_budget
from prism_lint.analysis.cues import vocab
from prism_lint.cache import Cache, digest
from prism_lint.config import Resolver, Settings
from prism_lint.discovery import Target
from prism_lint.engine import (
    FileResult,
    at_path,
    check_bytes,
    check_source,
    learn_bytes,
    over_budget,
    read_with_stat,
    settle_fixes,
)
from prism_lint.extract import extractor
from prism_lint.extract.python import flow as python_flow
from prism_lint.extract.python.flow import Table, needs_project
from prism_lint.flow_cache import facts
from prism_lint.formats import READS_BESIDE
from prism_lint.imported import imported_constants
from prism_lint.prefilter import head_needed, ruled_out_by_head, worth_checking

POOL_THRESHOLD = 200  # files left after the cache; below this, one process
CACHE_THRESHOLD = 16  # files in a run; below this, no cache
CHUNK = 16  # files per task: small enough to balance, large enough to amortise
# Characters of Python sources each process keeps while a run lasts, for the
# second checks with the project's table (about 30 bytes a character).
KEPT_SOURCES = 4_000_000


@dataclass
class Outcome:
    """One file's result with what the cache keys it on."""

    result: FileResult
    size: int = -1  # what the cache keys on; -1 when the file could not be read
    mtime_ns: int = 0
    ctime_ns: int = 0  # with the inode: what no tree can know ahead (see cache)
    inode: int = 0
    digest: bytes = b""  # of the bytes read: a file ruled out by its head, of its head
    same: bytes = b""  # what a copy of this file would share with it (see _Claims)
    copy: bool = False  # another file of the run with the same ``same`` is checked instead
    worker: int = 0  # the process that read it, which keeps its parse for a while
    # a Python module read for its table only (``result.learned``): the run
    # reads its prompts once the project's table is known (see with_project)
    deferred: bool = False


def check_one(
    target: Target,
    settings: Settings,
    *,
    keep: bool = False,
    verify_fixes: bool = True,
    digests: bool = True,
    copies: bool = True,
    defer: bool = False,
    passed: bool = False,
) -> Outcome:
    """Read, first pass, full check: one file, in whichever process.
    ``digests``: note the digest of the bytes (the cache keys on it).
    ``copies``: a copy of a file the run has taken comes back unchecked,
    marked as one (the run gives it the result of the first).
    ``defer``: a Python module the first pass keeps comes back with its table
    only, marked as deferred (the run checks it once the project's table is
    known: one reading of its prompts, not one before and one after).
    ``passed``: the first pass kept the file when it was deferred; it is not
    asked again (a file changed since is checked in full, which never
    reports less)."""

    head = None if passed else head_needed(target.kind, target.named)
    data, early, st = read_with_stat(target.path, settings, target.named, head)
    if data is None or st is None:
        return Outcome(early)
    if head is not None and len(data) < st.st_size:
        if ruled_out_by_head(data, target.kind):
            # what rules it out is in its first bytes: the rest is never
            # read (a tree's logs, data files and recorded HTTP traffic are
            # most of its text files' bytes)
            return _stamped(early, st, data, digests)
        data, early, st = read_with_stat(target.path, settings, target.named)
        if data is None or st is None:
            return Outcome(early)
    outcome = _stamped(early, st, data, digests)
    if not passed:
        kept = time_budget.within(lambda: worth_checking(data, settings, kind=target.kind), None)
        if kept is None:
            outcome.result = over_budget(target.path, settings, target.kind)
            return outcome
        passed = kept
    if not passed:
        if target.named:  # no parse: what the bytes show (binary, undecodable, too large)
            outcome.result = check_bytes(
                target.path, data, settings, named=True, kind=target.kind, parse=False
            )
        if target.kind == "python":
            # the constants it imports: a checked module may define the prompt it sends
            constants = imported_constants(data)
            if constants:
                outcome.result.learned = Table(imports=constants, definitions_only=True)
        return outcome
    # Only files that are checked in full are worth telling apart from copies.
    if copies and not keep:
        outcome.same = _same_key(target, settings, outcome.digest or digest(data), verify_fixes)
        if outcome.same and not _CLAIMS.claim(outcome.same):
            outcome.copy = True
            return outcome
    if defer and target.kind == "python":
        from prism_lint.extract.python.source import may_keep

        # deferred only while its parse can be kept for the reading of its
        # prompts: one that cannot is read whole now, as a small run does
        own = (
            learn_bytes(target.path, data, settings, named=target.named)
            if may_keep(len(data))
            else None
        )
        if own is not None:
            outcome.result = FileResult(target.path, kind="python", learned=own)
            outcome.deferred = True
            return outcome
    outcome.result = check_bytes(
        target.path, data, settings, named=target.named, kind=target.kind, verify_fixes=verify_fixes
    )
    if not keep:
        outcome.result.prompts = []  # the report and the fixer need diagnostics only
    return outcome


def _stamped(result: FileResult, st: os.stat_result, data: bytes, digests: bool) -> Outcome:
    """A result with what the cache keys it on: the stat of the file and the
    digest of the bytes read."""
    return Outcome(
        result,
        st.st_size,
        st.st_mtime_ns,
        st.st_ctime_ns,
        st.st_ino,
        digest(data) if digests else b"",
        worker=os.getpid(),
    )


def _same_key(target: Target, settings: Settings, digest: bytes, verify_fixes: bool) -> bytes:
    """What a file's result depends on besides its path: bytes, name, format,
    settings. Empty for files checked each time: formats that read files
    beside them, and settings with per-file ignores (globs on the path)."""
    if target.kind in READS_BESIDE or settings.per_file_ignores:
        return b""
    meta = "\0".join(
        (
            os.path.basename(target.path),
            target.kind,
            str(int(target.named)),
            str(int(verify_fixes)),
            settings.fingerprint(),
        )
    )
    return hashlib.blake2b(digest + meta.encode("utf-8", "surrogatepass"), digest_size=16).digest()


class _Claims:
    """The files a run has taken to check, by :func:`_same_key`: a copied
    example, a vendored module, the empty ``__init__.py`` of every package
    is checked once, and the run hands its result to the others at their own
    paths. With worker processes the table lives in memory mapped before
    they fork, so each of them sees what the others took."""

    SLOTS = 1 << 16  # 16-byte keys: 1 MiB; a fuller table stops telling copies apart

    def __init__(self, shared: bool = False) -> None:
        self.taken: set[bytes] | None = None if shared else set()
        self.table: Any = None
        self.lock: Any = None
        if shared:
            import mmap
            import multiprocessing

            self.table = mmap.mmap(-1, self.SLOTS * 16)
            self.lock = multiprocessing.get_context("fork").Lock()

    def claim(self, key: bytes) -> bool:
        """True for the first file with ``key`` (check it), False for a copy."""
        if self.taken is not None:
            if key in self.taken:
                return False
            self.taken.add(key)
            return True
        table, mask = self.table, self.SLOTS - 1
        # keys need not be spread (the second reads' are consecutive numbers):
        # a hash of the key spreads them, so probes stay short
        slot = int.from_bytes(hashlib.blake2b(key, digest_size=8).digest(), "little") & mask
        with self.lock:
            for _probe in range(64):
                at = slot * 16
                held = table[at : at + 16]
                if held == key:
                    return False
                if held == bytes(16):
                    table[at : at + 16] = key
                    return True
                slot = (slot + 1) & mask
        return True  # crowded: checked, as if no copy had been seen


_CLAIMS = _Claims()


def _check_chunk(
    items: list[tuple[Target, Settings, bool, bool]], copies: bool = True, defer: bool = False
) -> list[Outcome]:
    out = []
    for target, settings, verify_fixes, digests in items:
        outcome = check_one(
            target, settings, verify_fixes=verify_fixes, digests=digests, copies=copies, defer=defer
        )
        if not outcome.result.diagnostics:
            outcome.result.text = None  # nothing to fix: do not ship the text back
        out.append(outcome)
    return out


def _check_with_project(table: Any, items: list[Again]) -> list[Outcome]:
    """Check again with the project's table of wrappers and sinks (it travels
    with the chunk to the worker)."""

    python_flow.set_project(table)
    try:
        return [_check_again(item) for item in items]
    finally:
        python_flow.set_project(None)


Item = tuple[Target, Settings, bool, bool]  # a file, its settings, verify_fixes, digests
# A file read after the first pass, whether alone (a deferred module the
# project's table reads no differently is read without it), and whether it
# was deferred (the first pass kept it).
Again = tuple[Target, Settings, bool, bool, bool, bool]
# Shared by the workers of a pool forked with it: a barrier that has each of
# them take one share of the second reads, and which of these are taken.
_SECOND: tuple[Any, _Claims] | None = None
_second_reads = 0  # calls of read_again in this run: each claims its own files


def prepare_second_reads(context: Any) -> None:
    """Call before a pool forks its workers (``context``: its start method's),
    so that :func:`read_again` can share files out among them."""
    global _SECOND
    _SECOND = None
    if context.get_start_method() == "fork":
        _SECOND = (context.Barrier(workers()), _Claims(shared=True))


def read_again(
    pool: Any, fn: Callable[[Any], Any], table: Any, items: list[Any], readers: list[int]
) -> list[Any] | None:
    """``fn`` of each item, with the project's ``table``, in the pool's workers:
    each file goes back to the worker that read it first (``readers``: their
    process ids), which keeps what it worked out (a check's workers keep
    parses, :data:`KEPT_SOURCES`; every process keeps prompts' analyses).
    None when the pool was not prepared for it (:func:`prepare_second_reads`)."""
    global _second_reads
    if _SECOND is None:
        return None
    _second_reads += 1
    shares = [
        (k, reader, item) for k, (reader, item) in enumerate(zip(readers, items, strict=True))
    ]
    futures = [
        pool.submit(_second_share, fn, table, _second_reads, shares) for _worker in range(workers())
    ]
    done: dict[int, Any] = {}
    for future in futures:
        done.update(future.result())
    return [done[k] for k in range(len(items))]


def _second_share(
    fn: Callable[[Any], Any], table: Any, call: int, items: list[tuple[int, int, Any]]
) -> list[tuple[int, Any]]:
    """One worker's share of the second reads (``items``: index, the process
    that read the file first, the item). Each worker takes the files it read
    first, then helps with the others' from the far end; a file is read once."""
    import contextlib
    import threading

    assert _SECOND is not None
    barrier, taken = _SECOND
    # every worker holds a share, so none takes two; a share taken late (a
    # broken barrier) still reads what is left
    with contextlib.suppress(threading.BrokenBarrierError):
        barrier.wait(timeout=10)
    me = os.getpid()
    mine = [item for item in items if item[1] == me]
    others = [item for item in reversed(items) if item[1] != me]
    out = []
    python_flow.set_project(table)
    try:
        for index, _reader, item in mine + others:
            if taken.claim((index + 1).to_bytes(8, "little") + call.to_bytes(8, "little")):
                out.append((index, fn(item)))
    finally:
        python_flow.set_project(None)
    return out


def _check_again(item: Again, keep: bool = False) -> Outcome:
    target, settings, verify_fixes, digests, alone, deferred = item
    table = python_flow.PROJECT
    if alone:
        python_flow.set_project(None)
    try:
        outcome = check_one(
            target,
            settings,
            keep=keep,
            verify_fixes=verify_fixes,
            digests=digests,
            copies=False,
            passed=deferred,
        )
    finally:
        if alone:
            python_flow.set_project(table)
    if not outcome.result.diagnostics and not keep:
        outcome.result.text = None  # nothing to fix: do not ship the text back
    return outcome


def _key(target: Target) -> str:
    """A file named on the command line reports what a walked one leaves to
    a notice (binary, over max-file-size): two results."""
    return f"{target.path}\0{target.kind}\0{int(target.named)}"


def workers() -> int:
    try:
        n = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        n = os.cpu_count() or 1
    return max(1, n)


def _collect_less() -> None:
    """A worker makes many small objects and few cycles: collect rarely."""
    gc.set_threshold(50_000, 50, 50)


def _start_worker() -> None:
    """A check's worker collects rarely, and keeps the patterns it compiled
    when it exits (see :mod:`prism_lint.regex_cache`)."""
    from multiprocessing.util import Finalize

    from prism_lint import regex_cache

    _collect_less()
    Finalize(None, regex_cache.save, exitpriority=0)


_WARM_UP_SOURCE = (
    "from openai import OpenAI\n\nclient = OpenAI()\n"
    'SYSTEM = "You are a senior Python engineer. Write a function that sorts a list."\n'
    'client.chat.completions.create(model="gpt-4o", '
    'messages=[{"role": "system", "content": SYSTEM}])\n'
)


def _warm_up(kinds: Iterable[str] = ()) -> None:
    """Load what every check needs before forking, so workers inherit it:
    the first pass, and one whole check of a small module, which imports the
    extractor, the analysis, the rules and the fixes and compiles the common
    patterns once rather than once in each worker."""

    vocab().experts  # noqa: B018  (built here, so workers inherit it)
    import prism_lint.extract.text.prose  # noqa: F401  (the first pass reads prose files with it)

    check_source("warm_up.py", _WARM_UP_SOURCE, Settings(), named=True, verify_fixes=False)
    for kind in kinds:
        extractor(kind)


def check_targets(
    targets: Iterable[Target],
    resolver: Resolver,
    adjust: Callable[[Settings], Settings],
    *,
    use_cache: bool = True,
    keep_prompts: bool = False,
    verify_fixes: bool = True,
) -> Iterator[tuple[Target, FileResult]]:
    """Check every target, in the order given; ``verify_fixes=False`` leaves
    safe fixes' read-back pending (the text report), and the cache keeps
    results either way.

    ``targets`` may be a discovery still under way: files are handed to the
    workers while the tree is being walked.
    """

    global _CLAIMS
    _CLAIMS = _Claims()  # copies are told apart within one run: files change between runs
    stream = iter(targets)
    head = list(itertools.islice(stream, CACHE_THRESHOLD))
    # Loading and rewriting the cache costs more than checking a handful of
    # files (a pre-commit run): small runs go without it.
    cache = Cache.open(enabled=use_cache and not keep_prompts and len(head) >= CACHE_THRESHOLD)
    adjusted: dict[int, Settings] = {}  # one adjusted Settings per configuration
    order: list[Target] = []
    settings_of: dict[str, Settings] = {}
    done: dict[str, FileResult] = {}
    hits: dict[str, tuple[FileResult, str]] = {}  # cached results, with the facts they read
    work = _Work(keep_prompts, verify_fixes, digests=cache is not None)
    try:
        for target in itertools.chain(head, stream):
            base = resolver.for_path(target.path)
            settings = adjusted.get(id(base))
            if settings is None:
                settings = adjusted[id(base)] = adjust(base)
            order.append(target)
            settings_of[target.path] = settings
            if cache is not None:
                hit = cache.get(target.path, settings, _key(target))
                if hit is not None:
                    if verify_fixes:
                        settle_fixes(hit, settings)
                    done[target.path] = hit
                    hits[target.path] = (hit, cache.facts.get(_key(target), ""))
                    continue
            work.add(target, settings)
        by_path = {t.path: t for t in order}
        finished, table = work.with_project(list(work.finish()), by_path, settings_of, hits)
        for path, outcome in finished:
            done[path] = outcome.result
            if cache is not None and outcome.size >= 0:
                cache.store(
                    path,
                    settings_of[path],
                    outcome.result,
                    outcome.size,
                    (outcome.mtime_ns, outcome.ctime_ns, outcome.inode),
                    outcome.digest,
                    _key(by_path[path]),
                    facts(outcome.result.learned, table),
                )
        if cache is not None:
            for path, (own, (size, stamp, dig)) in work.learned_again.items():
                cache.keep_table(
                    path, settings_of[path], _key(by_path[path]), own, size, stamp, dig
                )
    finally:
        work.close()  # a bad configuration met mid-walk, ^C: no worker left running
    if cache is not None:
        cache.save()
    for target in order:
        yield target, done[target.path]


def _read_for_definitions(own: Table | None) -> bool:
    return own is not None and own.definitions_only


def _checked_in_full(own: Table | None) -> bool:
    """Whether a module's table comes from a whole check (not from its definitions only)."""
    return own is not None and not own.definitions_only


def _tables(
    finished: list[tuple[str, Outcome]],
    cached: dict[str, tuple[FileResult, str]],
    keep: Callable[[Table | None], bool],
) -> list[tuple[str, Table]]:
    """The modules' tables ``keep`` wants, of the files checked now and then
    of those the cache answered for."""
    found = [(path, outcome.result.learned) for path, outcome in finished]
    found.extend((path, result.learned) for path, (result, _facts) in cached.items())
    return [(path, own) for path, own in found if own is not None and keep(own)]


def _stamp(outcome: Outcome) -> None:
    """The result carries its own file's stamp (a copy's too), for the fixer."""
    if outcome.size >= 0:
        outcome.result.stamp = (outcome.mtime_ns, outcome.size)


class _Work:
    """Files to check: kept until there are enough to be worth a pool, then
    handed to worker processes in chunks as they come; a run that stays small
    is checked here, in this process, at the end."""

    def __init__(self, keep_prompts: bool, verify_fixes: bool, *, digests: bool) -> None:
        self.keep_prompts = keep_prompts
        self.verify_fixes = verify_fixes
        self.digests = digests
        self.waiting: list[tuple[Target, Settings, bool, bool]] = []
        self.pool: Any = None
        self.futures: list[tuple[list[tuple[Target, Settings, bool, bool]], Any]] = []
        self.kept = False  # whether sources are kept for the second checks
        # cached results of modules read for their definitions this run: the
        # table they teach, with the stamp of the bytes it was read from
        self.learned_again: dict[str, tuple[Table, tuple[int, tuple[int, int, int], bytes]]] = {}
        # the files of the run that another file is a copy of, by what they
        # share (see _Claims), and the copies: a copy of a file read again
        # takes its last result
        self.firsts: dict[bytes, str] = {}
        self.copies_of: dict[str, bytes] = {}

    def add(self, target: Target, settings: Settings) -> None:
        settings.fingerprint()  # worked out here once, it travels with the settings
        self.waiting.append((target, settings, self.verify_fixes, self.digests))
        if (
            self.pool is None
            and len(self.waiting) >= POOL_THRESHOLD
            and workers() > 1
            and not self.keep_prompts
        ):
            self._start_pool()
        if self.pool is not None:
            while len(self.waiting) >= CHUNK:
                self._submit(self.waiting[:CHUNK])
                del self.waiting[:CHUNK]

    def _start_pool(self) -> None:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        _warm_up({target.kind for target, *_rest in self.waiting})
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if "fork" in methods else None)
        # What is loaded now lives as long as the workers: the collector
        # need not walk it (nor touch its pages, which forked workers share).
        gc.freeze()
        if "fork" in methods:
            global _CLAIMS
            _CLAIMS = _Claims(shared=True)  # before the fork: the workers share it
        prepare_second_reads(context)
        self._keep_sources()  # in the workers, for the second checks
        self.pool = ProcessPoolExecutor(
            max_workers=workers(), mp_context=context, initializer=_start_worker
        )

    def _submit(self, chunk: list[tuple[Target, Settings, bool, bool]]) -> None:
        # a pool's workers keep what they parse until the second reads
        # (KEPT_SOURCES): a module's prompts are read once, with the table
        self.futures.append((chunk, self.pool.submit(_check_chunk, chunk, defer=True)))

    def _keep_sources(self) -> None:
        # imported here: a run of a few files never parses enough to keep any
        from prism_lint.extract.python.source import keep_sources

        keep_sources(KEPT_SOURCES)
        self.kept = True

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None
        if self.kept:
            from prism_lint.extract.python.source import keep_sources

            keep_sources(0)  # what this process kept goes with the run
            self.kept = False

    def finish(self) -> Iterator[tuple[str, Outcome]]:
        """Every file's outcome; copies get the first file's result at their own path."""
        firsts: dict[bytes, FileResult] = {}
        copies: list[tuple[Target, Settings, Outcome]] = []
        for target, settings, outcome in self._outcomes():
            if outcome.copy:
                copies.append((target, settings, outcome))
                continue
            if outcome.same:
                firsts[outcome.same] = outcome.result
                self.firsts[outcome.same] = target.path
            _stamp(outcome)
            yield target.path, outcome
        for target, settings, outcome in copies:
            first = firsts.get(outcome.same)
            if first is None or first.related:  # cannot happen; checked here if it does
                outcome = check_one(
                    target,
                    settings,
                    verify_fixes=self.verify_fixes,
                    digests=self.digests,
                    copies=False,
                )
            else:
                outcome.result = at_path(first, target.path)
                self.copies_of[target.path] = outcome.same
            _stamp(outcome)
            yield target.path, outcome

    def with_project(
        self,
        finished: list[tuple[str, Outcome]],
        targets: dict[str, Target],
        settings_of: dict[str, Settings],
        cached: dict[str, tuple[FileResult, str]] | None = None,
    ) -> tuple[list[tuple[str, Outcome]], Any]:
        """Check again the files a wrapper or a name of another module speaks
        of, with the project's table; and the cached results (``cached``: path
        -> result and the digest of the table facts it read) whose facts the
        table now tells otherwise (another module changed). The table is
        learned from the files the first pass kept, checked in full now or
        before (the cache keeps each module's table), so it costs no file more
        than the run reads. Returns the results and the table."""

        cached = cached or {}
        kept = _tables(finished, cached, _checked_in_full)
        merged = Table()
        for _path, own in kept:
            if own:
                merged.merge(own)
        for own in self._imported(kept, finished, cached, targets).values():
            if own:
                merged.merge(own)
        table = merged.resolved()
        stale = [
            path for path, (result, was) in cached.items() if facts(result.learned, table) != was
        ]
        # a stale result stands in until it is checked again below
        finished = finished + [(path, Outcome(cached[path][0])) for path in stale]
        # the modules whose prompts are yet to be read (deferred), and those
        # read already that the table reads differently
        alone: dict[int, bool] = {}
        for i, (path, outcome) in enumerate(finished):
            learned = outcome.result.learned
            if outcome.deferred:
                alone[i] = not needs_project(learned, table)
            elif path in cached or (
                _checked_in_full(learned) and not outcome.copy and needs_project(learned, table)
            ):
                alone[i] = False
        again = sorted(alone)
        if not again:
            return finished, table
        items: list[Again] = [
            (
                targets[finished[i][0]],
                settings_of[finished[i][0]],
                self.verify_fixes,
                self.digests,
                alone[i],
                finished[i][1].deferred,
            )
            for i in again
        ]
        outcomes: list[Outcome] | None
        if self.pool is None:
            python_flow.set_project(table)
            try:
                outcomes = [_check_again(item, keep=self.keep_prompts) for item in items]
            finally:
                python_flow.set_project(None)
        else:
            # each file goes back to the worker that read it first
            outcomes = read_again(
                self.pool, _check_again, table, items, [finished[i][1].worker for i in again]
            )
        if outcomes is None:
            # the workers have the extractor loaded already; this process has not
            step = max(1, min(CHUNK // 4, -(-len(items) // workers())))
            futures = [
                self.pool.submit(_check_with_project, table, items[j : j + step])
                for j in range(0, len(items), step)
            ]
            outcomes = [o for future in futures for o in future.result()]
        out = list(finished)
        for i, outcome in zip(again, outcomes, strict=True):
            out[i] = (finished[i][0], outcome)
        return self._settle_copies(out, {finished[i][0] for i in again}), table

    def _settle_copies(
        self, finished: list[tuple[str, Outcome]], read_again: set[str]
    ) -> list[tuple[str, Outcome]]:
        """A copy of a file read again (or read only now, deferred) takes
        that file's last result, as a file with the same bytes, name and
        settings is read the same."""
        if not self.copies_of:
            return finished
        final = dict(finished)
        out = []
        for path, outcome in finished:
            first = self.firsts.get(self.copies_of.get(path, b""), "")
            if first in read_again:
                outcome.result = at_path(final[first].result, path)
                _stamp(outcome)
            out.append((path, outcome))
        return out

    def _imported(
        self,
        kept: list[tuple[str, Table]],
        finished: list[tuple[str, Outcome]],
        cached: dict[str, tuple[FileResult, str]],
        targets: dict[str, Target],
    ) -> dict[str, Table]:
        """The tables of the run's modules that the first pass left out and
        that either a module checked in full calls with a persona, or import a
        constant such a module defines (:mod:`prism_lint.imported`): read now
        for their definitions, or kept by the cache from a run that did. What
        is read now is kept on the file's result (the cache stores it) or, for
        a cached result, in :attr:`learned_again`."""
        # left out by the first pass: what their cheap reading or an earlier run's
        # reading for their definitions found
        left_out = dict(_tables(finished, cached, _read_for_definitions))
        defined = {name for _path, own in kept for name in own.defines}
        # those that import a name some checked module defines (which one, the
        # index tells below)
        importing = {
            path: own
            for path, own in left_out.items()
            if any(spec.rpartition(".")[2] in defined for spec in own.imports)
        }
        if not any(own.imports for _path, own in kept) and not importing:
            return {}
        from prism_lint.imported import ModuleIndex, learn_modules, senders, wanted

        index = ModuleIndex(targets.values())
        paths = wanted(index, kept, {path for path, _own in kept})
        if importing:
            paths = list(
                dict.fromkeys(
                    paths + senders(index, importing, {p: own.defines for p, own in kept})
                )
            )
        out: dict[str, Table] = {}
        todo: list[tuple[str, str]] = []
        for path in paths:
            held = left_out.get(path)
            if held is not None and held.defines:  # read before, unchanged
                out[path] = held
            else:
                todo.append((path, targets[path].kind))
        if not todo:
            return out
        if self.pool is None:
            found = learn_modules(todo)
        else:
            # the workers are idle until the second reads: even a few
            # modules are read there, shared out, not here one by one
            step = max(1, min(CHUNK, -(-len(todo) // workers())))
            futures = [
                self.pool.submit(learn_modules, todo[j : j + step])
                for j in range(0, len(todo), step)
            ]
            found = [one for future in futures for one in future.result()]
        outcomes = dict(finished)
        for path, own, read in found:
            if own is None or read is None:
                continue
            # what its cheap reading found travels on with it
            own.imports = left_out[path].imports if path in left_out else frozenset()
            out[path] = own
            outcome = outcomes.get(path)
            if outcome is not None:
                if (
                    outcome.size,
                    (outcome.mtime_ns, outcome.ctime_ns, outcome.inode),
                    outcome.digest or read[2],
                ) == read:
                    outcome.result.learned = own  # the bytes the run read: cached with them
            elif path in cached:
                self.learned_again[path] = (own, read)
        return out

    def _outcomes(self) -> Iterator[tuple[Target, Settings, Outcome]]:
        if self.pool is None:
            if len(self.waiting) >= CACHE_THRESHOLD:
                self._keep_sources()  # a pre-commit run, one file: nothing kept
            for target, settings, verify, digests in self.waiting:
                yield (
                    target,
                    settings,
                    check_one(
                        target,
                        settings,
                        keep=self.keep_prompts,
                        verify_fixes=verify,
                        digests=digests,
                        # with parses kept, prompts are read once the table is known
                        defer=self.kept and not self.keep_prompts,
                    ),
                )
            return
        # the tail in smaller pieces, so both workers finish together
        tail = max(1, CHUNK // 4)
        for i in range(0, len(self.waiting), tail):
            self._submit(self.waiting[i : i + tail])
        self.waiting = []
        for chunk, future in self.futures:
            for (target, settings, *_flags), outcome in zip(chunk, future.result(), strict=True):
                yield target, settings, outcome
