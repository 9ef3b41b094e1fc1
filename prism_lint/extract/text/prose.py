"""Markdown and text files that are prompts by what they say, wherever they sit.

A name or a folder says a file is a prompt (``AGENTS.md``, ``prompts/``);
many prompt files have neither (a fabric-style ``system.md`` copied into an
app, ``qna_prompt.md`` beside a flow, a check agent's ``.md``). Such a file
is read as a prompt when its head addresses the model: its first sentence
is an identity or an order given to the model ("You are ...", "Act as
..."), or it opens with fabric's ``# IDENTITY and PURPOSE``, or it has a
prompt's section headings ("# Instructions", "## Role") together with a
line speaking to the model. A README or a guide opens with a title and a
description of a project, and is left alone.

Only the head is read (:data:`HEAD` characters), so the test costs the same on
every file, and the first pass asks it of the bytes before anything else.
"""

from __future__ import annotations

import re

from prism_lint.reading import open_regular, project_root, read_head

HEAD = 4096  # characters of a file the test reads
HEAD_BYTES = HEAD * 4 + 3  # bytes that hold them whatever the characters (at most 4 bytes each)
KIND = "prose"  # what discovery calls a .md/.txt file no name or folder claims

_FRONT = re.compile(r"\A---[ \t]*\r?\n.*?^(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.S | re.M)
# fabric's pattern files; "IDENTITY" on its own is its shorter form
_IDENTITY = re.compile(r"(?im)^#{1,3}[ \t]*identity(?:[ \t]+and[ \t]+purpose)?[ \t]*$")
# the model addressed: an identity given to it, or an order
_ADDRESS = re.compile(
    r"(?i)^(?:\*\*|__)?(?:(?:you are|you're|you’re)\s+(?:an?|the|now|tasked|responsible|acting"
    r"|playing|going|given|helping|working|operating|in charge|my|our|to|ai)\b|act as|acting as"
    r"|i want you to act as"
    r"|your (?:role|task|job|goal|purpose|mission)(?: as [^.,\n]{1,40})? (?:is|will be)"
    r"|you will (?:be|act|receive)|your name is|the assistant is"
    r"|as an? (?:ai|assistant|expert|helpful)\b"
    # a product's agent named, then what it is: "You are Devin, a software
    # engineer ...", "You are Notion AI, an AI agent ...", "You are E1, the ..."
    r"|(?:you are|you're|you’re)\s+(?-i:[A-Z0-9][\w.@-]*(?:\s+[A-Z0-9][\w.@-]*){0,3})"
    r"(?:\s*\([^)\n]{0,60}\))?\s*,\s+(?:an?|the|[\w-]+['’]s)\s)"
)
# A line of nothing but tags ("<identity>", "</role>", "<|im_start|>system")
# opens a section as a heading does; a tag before the first sentence on its
# line ("<goal> You are ...") is read past.
_TAG_LINE = re.compile(r"^(?:<[^<>\n]{1,60}>\w*[ \t]*)+$")
_LEADING_TAGS = re.compile(r"^(?:<[^<>\n]{1,60}>[ \t]*)+")
# A line of facts given to the model before it is addressed ("Knowledge
# cutoff: 2024-06", "Image input capabilities: Enabled"): read past, a few.
_FACT_LINE = re.compile(r"^[A-Z][\w ]{0,40}:[ \t]*[\w.-]{1,30}$")
_MAX_FACT_LINES = 3
_HEADING = re.compile(r"^#{1,4}[ \t]+(?P<title>[^\n]{1,60}?)[ \t]*#*[ \t]*$")
# A label on a line of its own that names a prompt's section ("PERSONA:",
# "**Role:**"): read past, as a tag line is; the sentence after it must still
# address the model. (Labels such as "Context:" or "Steps:" open documents of
# every kind, and are not read past.)
_PROMPT_LABELS = frozenset(
    {"persona", "role", "system", "system prompt", "instructions", "your task"}
)
_LABEL = re.compile(
    r"^(?:\*\*|__)?(?P<title>[A-Za-z][A-Za-z ]{0,30}?)[ \t]*(?::(?:\*\*|__)?|(?:\*\*|__)[ \t]*:)$"
)
_PROMPT_HEADINGS = frozenset(
    {
        "instructions",
        "instruction",
        "role",
        "persona",
        "system",
        "system prompt",
        "task",
        "your task",
        "goal",
        "objective",
        "steps",
        "output format",
        "output instructions",
        "constraints",
        "rules",
        "context",
    }
)
_SPEAKS = re.compile(r"(?im)^(?:[-*][ \t]+)?(?:you|your)\b")
_FENCE = re.compile(r"^(?:```|~~~)")


def looks_like_prompt(text: str) -> bool:
    """Whether the head of a Markdown or text file is a prompt for a model."""
    head = text.lstrip("\ufeff")[:HEAD]
    m = _FRONT.match(head)
    if m is not None:
        head = head[m.end() :]
    if _IDENTITY.search(head):
        return True
    headings = 0
    facts = 0
    for line in head.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        if _FENCE.match(stripped):
            break  # a quoted block: what follows is an example, not the file's voice
        h = _HEADING.match(stripped)
        if h is not None:
            title = h.group("title").strip(" :*_").lower()
            headings += title in _PROMPT_HEADINGS
            continue
        if stripped.startswith(("<!--", "[//]:")) or _TAG_LINE.match(stripped):
            continue
        label = _LABEL.match(stripped)
        if label is not None and label.group("title").strip().lower() in _PROMPT_LABELS:
            continue
        if facts < _MAX_FACT_LINES and _FACT_LINE.match(stripped):
            facts += 1
            continue
        # the first sentence of the file: a prompt speaks to the model here
        # (in a heading too: "# Act as a world-class engineer ...")
        sentence = _LEADING_TAGS.sub("", stripped).lstrip("#").strip().replace("\xa0", " ")
        return bool(_ADDRESS.match(sentence)) or (headings > 0 and _speaks_below(head))
    return False


def _speaks_below(head: str) -> bool:
    return _SPEAKS.search(head) is not None


def looks_like_prompt_bytes(data: bytes) -> bool:
    """:func:`looks_like_prompt` of a file's first bytes (the first pass's form)."""
    return looks_like_prompt(data[:HEAD_BYTES].decode("utf-8", "replace"))


def file_looks_like_prompt(path: str) -> bool:
    """:func:`looks_like_prompt` of a file's head, for listings that do not
    check (``--show-files``); a file that cannot be read is listed, as the
    run would report it."""
    import os

    try:
        fd, _st = open_regular(path, lambda: project_root(path))
    except OSError:
        return True
    try:
        head = read_head(fd, HEAD_BYTES)
    except OSError:
        return True
    finally:
        os.close(fd)
    return looks_like_prompt_bytes(head)
