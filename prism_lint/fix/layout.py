"""Keep a document's layout whole when a persona is removed from it.

The strip plan works on prompt text; in a YAML block scalar the prompt's
line is the document's line minus its indentation, so removing the line's
words can leave the indentation behind as a line of nothing but spaces, or
leave a ``backstory: >`` with no text under it (an empty string where the
application expects one); in code, ``backstory="..."`` can become
``backstory=""``. These checks run on the document edits.
"""

from __future__ import annotations

import re

from prism_lint.model import Edit

_BLOCK_HEADER = re.compile(
    r"^(?P<indent>[ \t]*)(?:- )?[^\s#][^\n]*?:[ \t]*[>|][-+]?\d*[ \t]*(?:#.*)?$"
)


def whole_lines(doc: str, edits: list[Edit]) -> list[Edit]:
    """Deletions that take all a line's words take the line: no line of
    nothing but indentation is left behind."""
    out = []
    for e in edits:
        if e.content or e.end <= e.start:
            out.append(e)
            continue
        ls = doc.rfind("\n", 0, e.start) + 1
        le = doc.find("\n", e.end)
        le = len(doc) if le < 0 else le
        words_gone = doc[ls : e.start].strip() == "" and doc[e.end : le].strip() == ""
        if words_gone and (e.start > ls or e.end < le) and doc[e.start : e.end].strip():
            end = le + 1 if le < len(doc) else le
            start = ls if end > le or ls == 0 else ls - 1
            out.append(Edit(start, end, ""))
        else:
            out.append(e)
    return _merge(out)


def _merge(edits: list[Edit]) -> list[Edit]:
    out: list[Edit] = []
    for e in sorted(edits, key=lambda x: (x.start, x.end)):
        if out and not e.content and not out[-1].content and e.start <= out[-1].end:
            last = out[-1]
            out[-1] = Edit(last.start, max(last.end, e.end), "")
        else:
            out.append(e)
    return out


def empty_block_scalars(doc: str) -> int:
    """How many ``key: >`` / ``key: |`` block scalars hold no text."""
    lines = doc.split("\n")
    count = 0
    for i, line in enumerate(lines):
        m = _BLOCK_HEADER.match(line)
        if m is None:
            continue
        indent = len(m.group("indent"))
        body = False
        for nxt in lines[i + 1 :]:
            if not nxt.strip():
                continue
            body = len(nxt) - len(nxt.lstrip()) > indent
            break
        if not body:
            count += 1
    return count


def blank_filled_lines(doc: str) -> int:
    """Lines of nothing but spaces or tabs."""
    return sum(1 for line in doc.split("\n") if line and not line.strip())


# An empty string passed as a keyword argument (``backstory=""``, written
# without spaces as keyword arguments are) or as a dict or object value
# (``"content": ""``); a variable set to "" (``PERSONA = ""``) and joined on
# later is a fine result and is not counted.
# An empty string given as a keyword or a key's value: Python's (any prefix,
# an f-string too) and JavaScript's, a template literal too.
_EMPTY_STRING = re.compile(r"""(?:\w=|:[ \t]*)[rRuUbBfF]{0,2}(?:""|''|``)(?!["'`])""")


def empty_strings(source: str) -> int:
    """How many empty string arguments a code file holds: a persona fix that
    leaves one more has emptied a prompt argument."""
    if '""' not in source and "''" not in source and "``" not in source:
        return 0  # the pattern's quotes, looked for in C first
    return len(_EMPTY_STRING.findall(source))
