"""Regular expressions compiled when first used.

Python's regular-expression compiler is written in Python: a module-level
pattern costs every process that imports the module its compilation, a
large one most of a millisecond. A one-file run (a pre-commit hook) imports
modules whose rarer patterns it never uses; this keeps those from costing it.
"""

from __future__ import annotations

import re
from typing import Any, cast

_DELEGATED = (
    "match",
    "search",
    "fullmatch",
    "finditer",
    "findall",
    "sub",
    "subn",
    "split",
    "pattern",
    "flags",
    "groups",
    "groupindex",
)


class _Lazy:
    """Compiles on the first attribute asked for, then holds the compiled
    pattern's own methods (later calls cost what the pattern's would)."""

    def __init__(self, source: str, flags: int) -> None:
        self._source = source
        self._flags = flags

    def __getattr__(self, name: str) -> Any:  # only until compiled
        if name.startswith("__"):
            raise AttributeError(name)
        compiled = re.compile(self._source, self._flags)
        for attr in _DELEGATED:
            setattr(self, attr, getattr(compiled, attr))
        return getattr(compiled, name)

    def __reduce__(self) -> tuple[Any, tuple[str, int]]:
        return lazy, (self._source, self._flags)


def lazy(source: str, flags: int = 0) -> re.Pattern[str]:
    """``re.compile(source, flags)``, done when the pattern is first used.
    Use it for its methods only (``re.sub(pattern, ...)`` wants a real one)."""
    return cast("re.Pattern[str]", _Lazy(source, flags))
