"""``check --show-files`` and ``check --show-settings``: what a run would
read, and with which settings, without checking anything."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import fields
from typing import Any

from prism_lint.config import Resolver, Settings
from prism_lint.discovery import discover
from prism_lint.exits import EXIT_CLEAN, fail
from prism_lint.extract import PROSE
from prism_lint.extract.text.prose import file_looks_like_prompt
from prism_lint.report.text import shown_path
from prism_lint.rules import resolve_selection


def show(
    args: argparse.Namespace,
    paths: list[str],
    resolver: Resolver,
    adjust: Callable[[Settings], Settings],
) -> int:
    import os

    if paths == ["-"]:
        name = args.stdin_filename or "stdin"
        targets = [(name, adjust(resolver.for_path(name)))]
    else:
        missing = [p for p in paths if not os.path.exists(p)]
        if missing:
            return fail(f"{missing[0]}: no such file or directory")

        # a Markdown or text file is checked only when its content is a prompt
        targets = [
            (t.path, adjust(resolver.for_path(t.path)))
            for t in discover(paths, resolver, force_exclude=args.force_exclude)
            if t.kind != PROSE or file_looks_like_prompt(t.path)
        ]
    if args.show_files:
        for path in sorted(shown_path(p) for p, _settings in targets):
            sys.stdout.write(path + "\n")
        return EXIT_CLEAN
    if not targets:
        return fail("no file to check under the paths given")
    path, settings = targets[0]
    sys.stdout.write(settings_text(shown_path(path), settings))
    return EXIT_CLEAN


def settings_text(path: str, settings: Settings) -> str:
    """Every setting one file is checked with, as TOML-like lines."""

    source = settings.source or "(defaults: no configuration file)"
    lines = [f"Resolved settings for: {path}", f"Settings path: {source}", ""]
    rules = sorted(
        resolve_selection(settings.select, settings.extend_select, settings.ignore)
        | (
            resolve_selection(settings.force_select, (), ())
            if settings.force_select
            else frozenset()
        )
    )
    lines.append(f"rules = {_value(tuple(rules))}")
    for f in fields(Settings):
        if f.name in ("source", "force_select"):
            continue
        lines.append(f"{f.name.replace('_', '-')} = {_value(getattr(settings, f.name))}")
    return "\n".join(lines) + "\n"


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "(default)"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, tuple):
        if value and isinstance(value[0], tuple):  # pairs: a table
            return "{ " + ", ".join(f'"{k}" = {_value(v)}' for k, v in value) + " }"
        return "[" + ", ".join(_value(v) for v in value) + "]"
    return str(value)
