"""Run the engine over many files."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from prism_lint.config import Resolver, Settings
from prism_lint.discovery import Target
from prism_lint.engine import FileResult, check_path


def check_targets(
    targets: list[Target],
    resolver: Resolver,
    adjust: Callable[[Settings], Settings],
    *,
    use_cache: bool = True,
) -> Iterator[tuple[Target, FileResult]]:
    for target in targets:
        settings = adjust(resolver.for_path(target.path))
        yield target, check_path(target.path, settings, named=target.named, kind=target.kind)
