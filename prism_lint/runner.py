"""Run the engine over many files: cheap first pass, cache, process pool.

Most files in a code base hold no persona. The first pass reads a file's
bytes and asks :mod:`prism_lint.prefilter` whether any persona could be in
them; only those files are decoded and parsed. Results are cached by file
content, settings and version. Large runs fan out to worker processes;
small runs (pre-commit, one file, the editor) never start a pool.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor

from prism_lint.config import Resolver, Settings
from prism_lint.discovery import Target
from prism_lint.engine import FileResult, check_bytes, check_path, read_limited

POOL_THRESHOLD = 24  # files that pass the first pass; below this, one process
CHUNK = 8


def _check_chunk(items: list[tuple[Target, Settings]]) -> list[FileResult]:
    out = []
    for target, settings in items:
        result = check_path(target.path, settings, named=target.named, kind=target.kind)
        _slim(result)
        out.append(result)
    return out


def _slim(result: FileResult) -> None:
    """Keep only what the report and the fixer need."""
    result.prompts = []
    if not result.diagnostics:
        result.text = None


def workers() -> int:
    try:
        n = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        n = os.cpu_count() or 1
    return max(1, n)


def check_targets(targets: list[Target], resolver: Resolver,
                  adjust: Callable[[Settings], Settings], *, use_cache: bool = True,
                  keep_prompts: bool = False) -> Iterator[tuple[Target, FileResult]]:
    from prism_lint.cache import Cache
    from prism_lint.prefilter import worth_checking

    settings_of = {t.path: adjust(resolver.for_path(t.path)) for t in targets}
    cache = Cache.open(settings_of, enabled=use_cache and not keep_prompts)
    done: dict[str, FileResult] = {}
    todo: list[tuple[Target, bytes]] = []
    for target in targets:
        settings = settings_of[target.path]
        if cache is not None:
            hit = cache.get(target.path, settings)
            if hit is not None:
                done[target.path] = hit
                continue
        data, early = read_limited(target.path, settings, target.named)
        if data is None:
            done[target.path] = early
            continue
        if not worth_checking(data, settings, named=target.named, kind=target.kind):
            done[target.path] = early  # empty: nothing a rule could report
            if cache is not None:
                cache.put(target.path, settings, early, data)
            continue
        todo.append((target, data))

    if len(todo) >= POOL_THRESHOLD and workers() > 1 and not keep_prompts:
        items = [(t, settings_of[t.path]) for t, _ in todo]
        size = max(1, min(CHUNK, len(items) // (workers() * 4) or 1))
        chunks = [items[i : i + size] for i in range(0, len(items), size)]
        with ProcessPoolExecutor(max_workers=workers()) as pool:
            for chunk, results in zip(chunks, pool.map(_check_chunk, chunks), strict=True):
                for (target, _settings), result in zip(chunk, results, strict=True):
                    done[target.path] = result
    else:
        for target, data in todo:
            result = check_bytes(target.path, data, settings_of[target.path],
                                 named=target.named, kind=target.kind)
            if not keep_prompts:
                _slim_keep_text(result)
            done[target.path] = result
    if cache is not None:
        for target, data in todo:
            cache.put(target.path, settings_of[target.path], done[target.path], data)
        cache.save()
    for target in targets:
        yield target, done[target.path]


def _slim_keep_text(result: FileResult) -> None:
    result.prompts = []
