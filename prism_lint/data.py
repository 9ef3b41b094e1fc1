"""The shipped data (top-level ``rules/``), installed or not, and how it is read.

The data is written in TOML for people. Every process needs much of it, and
parsing TOML costs more than the rest of start-up, so ``rules/compiled.jsonl``
holds the same tables as JSON, each under the SHA-256 of the TOML bytes it
came from. A table is taken from there only while its TOML file is unchanged;
an edited file is read as TOML until ``scripts/gen_compiled_data.py`` is run
(a test keeps the checked-in copy current).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

COMPILED = "compiled.jsonl"


@lru_cache(maxsize=1)
def rules_dir() -> Path:
    here = Path(__file__).resolve().parent
    for candidate in (here / "_rules_data", here.parent / "rules"):
        if (candidate / "catalogue.toml").is_file():
            return candidate
    raise FileNotFoundError("prism-lint's rules/ data is missing from this installation")


def load_toml(relative: str) -> dict[str, Any]:
    """The table in ``rules/<relative>``: a fresh copy on every call."""
    import hashlib
    import json

    raw = (rules_dir() / relative).read_bytes()
    found = _compiled().get(relative)
    if found is not None and found[0] == hashlib.sha256(raw).hexdigest():
        table: dict[str, Any] = json.loads(found[1])
        return table
    return parse_toml(raw)


def parse_toml(raw: bytes) -> dict[str, Any]:
    import sys

    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib
    return tomllib.loads(raw.decode("utf-8"))


@lru_cache(maxsize=1)
def _compiled() -> dict[str, tuple[str, bytes]]:
    """relative path -> (SHA-256 of its TOML, JSON of its table); {} if absent."""
    import json

    try:
        lines = (rules_dir() / COMPILED).read_bytes().split(b"\n")
        index = json.loads(lines[0])["files"]
        return {name: (sha, lines[i + 1]) for i, (name, sha) in enumerate(index.items())}
    except (OSError, ValueError, KeyError, IndexError, TypeError, AttributeError):
        return {}  # a missing or damaged copy: every table is read as TOML


def compiled_text() -> str:
    """What ``rules/compiled.jsonl`` holds for the TOML files there now."""
    import hashlib
    import json

    root = rules_dir()
    names = sorted(p.relative_to(root).as_posix() for p in root.rglob("*.toml"))
    raws = {name: (root / name).read_bytes() for name in names}
    index = {name: hashlib.sha256(raw).hexdigest() for name, raw in raws.items()}
    lines = [json.dumps({"files": index}, ensure_ascii=False)]
    lines += [json.dumps(parse_toml(raws[name]), ensure_ascii=False) for name in names]
    return "\n".join(lines) + "\n"
