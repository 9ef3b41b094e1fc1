"""tree-sitter, bounded: a parse that stops when the file's budget runs out,
and a query that keeps out of depths no code reaches.

tree-sitter parses in C, where the budget's timer signal is not seen until
the parse returns, and some inputs make its scanners quadratic (tens of
thousands of comment lines in a row, long runs of backticks or of "/*"):
one such file held a run for minutes. Under a budget the bytes are handed
to the parser in chunks, so it asks for them again as it reads; once the
budget has run out it is told the text ends there, which finishes the parse
at once, and the budget is raised as spent. A parse that finished in time
is read once more from its bytes, from the tree it built (nearly free: no
edit), because a tree parsed from chunks reads each node's text through
them.
"""

from __future__ import annotations

import time
from typing import Any

from prism_lint import time_budget

CHUNK = 16384  # bytes handed over at a time: small enough that a rescan asks again


def parse(parser: Any, data: bytes, old_tree: Any = None) -> Any:
    """``parser.parse(data, old_tree)``, raising :class:`OverBudget` rather
    than running past the budget being counted down."""
    limit = time_budget.deadline()
    old = () if old_tree is None else (old_tree,)
    if limit is None or len(data) <= CHUNK:
        # a text of one chunk parses in well under a second however it is
        # written (4,000 comment lines in a row: 0.4 s)
        return parser.parse(data, *old)
    spent = False

    def read(offset: int, _point: Any) -> bytes:
        nonlocal spent
        if spent or time.monotonic() > limit:
            spent = True
            return b""
        return data[offset : offset + CHUNK]

    with time_budget.paused():  # the timer's signal must not land in ``read``
        tree = parser.parse(read, *old)
        if spent:
            raise time_budget.OverBudget
        return parser.parse(data, tree)


# No code is nested this deep; tree-sitter's query cursor keeps depths in 16
# bits, and below 65,536 levels (a run of backticks, each a tagged template
# of the one before) its walk took minutes.
MAX_QUERY_DEPTH = 10_000


# A text tree-sitter cannot read is kept as fragments at the top level. Its
# query cursor walks a run of unmatched brackets there in time quadratic in
# their number (40,000 "{" took seconds for every pattern), so a tree with
# more broken fragments than any module has statements is not queried.
MAX_BROKEN_FRAGMENTS = 10_000


def captures(cursor_cls: Any, query: Any, root: Any) -> dict[str, list[Any]]:
    """The query's captures under ``root``, none of them deeper than
    :data:`MAX_QUERY_DEPTH`. Raises ValueError for a text that is mostly
    syntax errors (:data:`MAX_BROKEN_FRAGMENTS`)."""
    if root.has_error and root.child_count > MAX_BROKEN_FRAGMENTS:
        raise ValueError(f"mostly syntax errors ({root.child_count:,} fragments at the top level)")
    cursor = cursor_cls(query)
    limit_depth = getattr(cursor, "set_max_start_depth", None)  # py-tree-sitter 0.25 and later
    if limit_depth is not None:
        limit_depth(MAX_QUERY_DEPTH)
    return cursor.captures(root)  # type: ignore[no-any-return]
