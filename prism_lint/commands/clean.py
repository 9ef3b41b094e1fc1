"""`prism-lint clean`: remove the cache directory."""

from __future__ import annotations

import argparse
import os
import shutil

from prism_lint.cli import EXIT_CLEAN


def run(args: argparse.Namespace) -> int:
    from prism_lint.cache import cache_root
    from prism_lint.config import Resolver

    resolver = Resolver()
    for base in args.paths or ["."]:
        settings = resolver.for_dir(os.path.abspath(base))
        root = cache_root(settings)
        cache = root if os.path.isabs(root) else os.path.join(base, root)
        if os.path.isdir(cache):
            shutil.rmtree(cache, ignore_errors=True)
            print(f"Removed cache at {cache}")
    return EXIT_CLEAN
