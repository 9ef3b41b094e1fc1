"""`prism-lint clean`: remove the cache directory."""

from __future__ import annotations

import argparse
import os
import shutil

from prism_lint.cli import EXIT_CLEAN


def run(args: argparse.Namespace) -> int:
    from prism_lint.config import Resolver

    resolver = Resolver()
    for base in args.paths or ["."]:
        settings = resolver.for_dir(os.path.abspath(base))
        cache = os.path.join(base, settings.cache_dir)
        if os.path.isdir(cache):
            shutil.rmtree(cache, ignore_errors=True)
            print(f"Removed cache at {cache}")
    return EXIT_CLEAN
