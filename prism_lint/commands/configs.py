"""The settings a command starts from: ``--config`` and ``--isolated``.

Shared by ``check`` and ``prompts``, which read configuration the same way.
"""

from __future__ import annotations

import os
from pathlib import Path

from prism_lint.config import ConfigError, Resolver, load_file, parse_override, parse_table


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
