"""The shipped data (the top-level ``rules/`` folder), and how it is read.

The data is written in TOML for people: the rule catalogue, the call sites
of each language, the rewrite table and the vocabularies. Every process
needs much of it, and parsing TOML costs more than the rest of start-up, so
each table is also kept as JSON in the user's cache, under the SHA-256 of
the TOML bytes it came from. The copy is made the first time a table is
read and taken only while its TOML file is byte for byte the same: editing
a TOML file is the whole change, and nothing generated is kept with the
sources. A copy is plain JSON, checked as it is read (a damaged or foreign
file is ignored and written again); nothing is unpickled or evaluated.

The cache is ``$PRISM_LINT_DATA_CACHE`` when set (empty: no cache), else
``prism-lint/data`` in the platform's user cache folder.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
from functools import lru_cache
from pathlib import Path
from typing import Any

MAX_COPY_BYTES = 16 * 1024 * 1024  # a copy larger than any table is not read
_FORMAT = 1  # the layout of a copy; a copy of another layout is made again


@lru_cache(maxsize=1)
def rules_dir() -> Path:
    """The data folder, ``rules/``: the top-level one of a source tree (also
    under ``pip install -e .``), or in a wheel the same files, which the build
    puts beside the rule modules the catalogue indexes (``prism_lint/rules/``).
    The installed copy is asked first: a folder named ``rules`` beside an
    installed package is not ours."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "rules", here.parent / "rules"):
        if (candidate / "catalogue.toml").is_file():
            return candidate
    raise FileNotFoundError("prism-lint's rules/ data is missing from this installation")


def load_toml(relative: str) -> dict[str, Any]:
    """The table in ``rules/<relative>``: a fresh copy on every call."""
    raw = (rules_dir() / relative).read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    folder = cache_dir()
    if folder is not None:
        found = _read_copy(folder / f"{digest}.json", digest)
        if found is not None:
            return found
    table = parse_toml(raw)
    if folder is not None:
        _write_copy(folder, digest, table)
    return table


def parse_toml(raw: bytes) -> dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib
    return tomllib.loads(raw.decode("utf-8"))


def cache_dir() -> Path | None:
    """Where the JSON copies are kept; None: nowhere (not cached)."""
    chosen = os.environ.get("PRISM_LINT_DATA_CACHE")
    if chosen is not None:
        return Path(chosen) if chosen else None
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA")
    elif sys.platform == "darwin":
        base = os.path.expanduser("~/Library/Caches")
    else:
        base = os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache")
    if not base or not os.path.isabs(base):
        return None
    return Path(base) / "prism-lint" / "data"


def _read_copy(path: Path, digest: str) -> dict[str, Any] | None:
    """The table a copy holds, if it is a well-formed copy of that digest."""
    try:
        with open(path, "rb") as fh:
            raw = fh.read(MAX_COPY_BYTES + 1)
        if len(raw) > MAX_COPY_BYTES:
            return None
        copy = json.loads(raw)
    except (OSError, ValueError):
        return None
    if (
        not isinstance(copy, dict)
        or copy.get("format") != _FORMAT
        or copy.get("sha256") != digest
        or not isinstance(copy.get("table"), dict)
    ):
        return None
    table: dict[str, Any] = copy["table"]
    return table


def _write_copy(folder: Path, digest: str, table: dict[str, Any]) -> None:
    """Keep the table's JSON copy, written whole or not at all; a cache that
    cannot be written (read-only home, full disk) only costs the next run time."""
    try:
        text = json.dumps({"format": _FORMAT, "sha256": digest, "table": table}, ensure_ascii=False)
    except (TypeError, ValueError):
        return  # a TOML value JSON has no form for (a date): read as TOML each time
    temp = folder / f".{digest}.{os.getpid()}.tmp"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        temp.write_text(text, encoding="utf-8")
        os.replace(temp, folder / f"{digest}.json")
    except OSError:
        with contextlib.suppress(OSError):
            temp.unlink()
