"""Run the engine over many files: cheap first pass, cache, process pool.

Most files in a code base hold no persona. The first pass reads a file's
bytes and asks :mod:`prism_lint.prefilter` whether any persona could be in
them; only those files are decoded and parsed. Results are cached by file
content, settings and version. Large runs fan the reading, the first pass
and the checks out to worker processes forked after the vocabularies are
loaded; small runs (pre-commit, one file, the editor) never start a pool.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from prism_lint.config import Resolver, Settings
from prism_lint.discovery import Target
from prism_lint.engine import FileResult, check_bytes, read_limited

POOL_THRESHOLD = 200  # files left after the cache; below this, one process
CACHE_THRESHOLD = 16  # files in a run; below this, no cache
CHUNK = 24  # files per task: small enough to balance, large enough to amortise


@dataclass
class Outcome:
    result: FileResult
    size: int = -1  # what the cache keys on; -1 when the file could not be read
    mtime_ns: int = 0
    digest: bytes = b""


def check_one(target: Target, settings: Settings, *, keep: bool = False,
              verify_fixes: bool = True) -> Outcome:
    """Read, first pass, full check: one file, in whichever process."""
    from prism_lint.cache import digest
    from prism_lint.prefilter import worth_checking

    data, early = read_limited(target.path, settings, target.named)
    if data is None:
        return Outcome(early)
    try:
        st = os.stat(target.path)
    except OSError:
        return Outcome(early)
    outcome = Outcome(early, st.st_size, st.st_mtime_ns, digest(data))
    if worth_checking(data, settings, named=target.named, kind=target.kind):
        outcome.result = check_bytes(target.path, data, settings, named=target.named,
                                     kind=target.kind, verify_fixes=verify_fixes)
        if not keep:
            outcome.result.prompts = []  # the report and the fixer need diagnostics only
    return outcome


def _check_chunk(items: list[tuple[Target, Settings, bool]]) -> list[Outcome]:
    out = []
    for target, settings, verify_fixes in items:
        outcome = check_one(target, settings, verify_fixes=verify_fixes)
        if not outcome.result.diagnostics:
            outcome.result.text = None  # nothing to fix: do not ship the text back
        out.append(outcome)
    return out


def _key(target: Target) -> str:
    """A file named on the command line is checked in full (its parse errors
    reported), one found by a walk goes through the first pass: two results."""
    return f"{target.path}\0{target.kind}\0{int(target.named)}"


def workers() -> int:
    try:
        n = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        n = os.cpu_count() or 1
    return max(1, n)


def _warm_up() -> None:
    """Load what every check needs before forking, so workers inherit it."""
    from prism_lint.analysis.persona import vocabulary
    from prism_lint.extract import extractor
    from prism_lint.prefilter import vocab

    vocab()
    vocabulary()
    extractor("python")


def check_targets(targets: list[Target], resolver: Resolver,
                  adjust: Callable[[Settings], Settings], *, use_cache: bool = True,
                  keep_prompts: bool = False, verify_fixes: bool = True
                  ) -> Iterator[tuple[Target, FileResult]]:
    """Check every target; ``verify_fixes=False`` leaves safe fixes' read-back
    pending (the text report), and the cache keeps results either way."""
    from prism_lint.cache import Cache
    from prism_lint.engine import settle_fixes

    settings_of = {t.path: adjust(resolver.for_path(t.path)) for t in targets}
    # Loading and rewriting the cache costs more than checking a handful of
    # files (a pre-commit run): small runs go without it.
    enabled = use_cache and not keep_prompts and len(targets) >= CACHE_THRESHOLD
    cache = Cache.open(settings_of, enabled=enabled)
    done: dict[str, FileResult] = {}
    todo: list[Target] = []
    for target in targets:
        if cache is not None:
            hit = cache.get(target.path, settings_of[target.path], _key(target))
            if hit is not None:
                if verify_fixes:
                    settle_fixes(hit, settings_of[target.path])
                done[target.path] = hit
                continue
        todo.append(target)

    outcomes: dict[str, Outcome] = {}
    by_path = {t.path: t for t in targets}
    if len(todo) >= POOL_THRESHOLD and workers() > 1 and not keep_prompts:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        _warm_up()
        items = [(t, settings_of[t.path], verify_fixes) for t in todo]
        chunks = [items[i : i + CHUNK] for i in range(0, len(items), CHUNK)]
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if "fork" in methods else None)
        with ProcessPoolExecutor(max_workers=workers(), mp_context=context) as pool:
            for chunk, results in zip(chunks, pool.map(_check_chunk, chunks), strict=True):
                for (target, _settings, _verify), outcome in zip(chunk, results, strict=True):
                    outcomes[target.path] = outcome
    else:
        for target in todo:
            outcomes[target.path] = check_one(target, settings_of[target.path],
                                              keep=keep_prompts, verify_fixes=verify_fixes)
    for path, outcome in outcomes.items():
        done[path] = outcome.result
        if cache is not None and outcome.size >= 0:
            cache.store(path, settings_of[path], outcome.result, outcome.size, outcome.mtime_ns,
                        outcome.digest, _key(by_path[path]))
    if cache is not None:
        cache.save()
    for target in targets:
        yield target, done[target.path]
