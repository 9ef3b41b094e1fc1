"""Where the shipped data (top-level ``rules/``) lives, installed or not."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path


@lru_cache(maxsize=1)
def rules_dir() -> Path:
    here = Path(__file__).resolve().parent
    for candidate in (here / "_rules_data", here.parent / "rules"):
        if (candidate / "catalogue.toml").is_file():
            return candidate
    raise FileNotFoundError("prism-lint's rules/ data is missing from this installation")


def load_toml(relative: str) -> dict:
    import sys

    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib
    with (rules_dir() / relative).open("rb") as fh:
        return tomllib.load(fh)
