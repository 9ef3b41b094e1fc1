"""The settings a command starts from: ``--config``, ``--isolated`` and
the flags that choose files (excludes, ``.gitignore``).

Shared by ``check`` and ``prompts``, which read configuration and find
files the same way.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from prism_lint.config import (
    ConfigError,
    Resolver,
    Settings,
    _check_codes,
    load_file,
    parse_override,
    parse_table,
)


def resolver_for(configs: list[str], isolated: bool = False) -> Resolver:
    """The resolver of a run's settings: ``--config`` names a file (used
    instead of any found) or gives a ``key = value`` override."""
    resolver = Resolver(isolated=isolated)
    for item in configs:
        if os.path.isfile(item):
            settings = load_file(Path(item))
            resolver.forced = settings if settings is not None else parse_table({}, item)
        elif "=" in item:
            resolver.overrides.update(parse_override(item))
        else:
            raise_config(f"--config {item!r}: no such file, and not a 'key = value' override")
    if resolver.forced is not None and resolver.overrides:
        resolver.forced = parse_table(resolver.overrides, "--config", base=resolver.forced)
    return resolver


def raise_config(message: str) -> None:
    raise ConfigError(message)


def discovery_settings(args: argparse.Namespace) -> Callable[[Settings], Settings] | None:
    """What the command line changes in every configuration before files are
    found: excludes, .gitignore, per-file ignores (``check`` only; globs
    relative to the working directory); None when it changes nothing."""

    pairs = []
    for item in getattr(args, "per_file_ignores", ()):
        glob, colon, codes = item.rpartition(":")
        written = [c.strip() for c in codes.split(",") if c.strip()]
        if not colon or not glob or not written:
            raise_config(f"--per-file-ignores {item!r}: expected GLOB:CODE[,CODE...]")
        _check_codes("command line", "--per-file-ignores", tuple(written))
        if "/" in glob or os.sep in glob:
            glob = os.path.join(os.getcwd(), glob)
        pairs.append((glob, tuple(c.upper() for c in written)))
    if (
        args.exclude is None
        and not args.extend_exclude
        and args.respect_gitignore is None
        and not pairs
    ):
        return None

    def change(settings: Settings) -> Settings:
        changes: dict[str, object] = {}
        if args.exclude is not None:
            changes["exclude"] = tuple(args.exclude)
        if args.extend_exclude:
            changes["extend_exclude"] = (*settings.extend_exclude, *args.extend_exclude)
        if args.respect_gitignore is not None:
            changes["respect_gitignore"] = args.respect_gitignore
        if pairs:
            changes["per_file_ignores"] = (*settings.per_file_ignores, *pairs)
        return replace(settings, **changes)  # type: ignore[arg-type]

    return change
