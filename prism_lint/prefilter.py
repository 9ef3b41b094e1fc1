"""The cheap first pass: can these bytes hold anything a rule reports?

Most files hold no persona. Their lower-cased bytes are searched (C-speed)
for the phrases that start a persona ("you are", "act as", "as a", "role",
"eres", "你是", ...; data in ``rules/vocabulary/first_pass.toml``); where one
is found, the few words after it are checked for an expert word (an
occupation or an expertise word of the vocabulary; both automata are
:mod:`prism_lint.analysis.cues`, which the analysis of one prompt asks too).
A prompt that is a whole file (Markdown, text, YAML, Jinja, Prompty,
Dotprompt: ``Format.titles``) may be titled with a role and nothing else
("# Code Reviewer"): its headings are read for an expert word too. Only
files that pass are decoded and parsed, prompt files as much as source
files: a template with no persona cue has no persona to report. Files named
on the command line go through the same first pass (pre-commit names every
file of a commit, ``--all-files`` every file of the repository); one it
rules out still reports what its bytes show without parsing (unreadable,
binary, not decodable, too large), never a parse error (see the runner).
A walked file whose first bytes rule it out (a Markdown or text file whose
head is no prompt, a YAML cassette of recorded traffic) is read no further
than them (:func:`head_needed`).

Known limits: a cue phrase cut in two by implicit concatenation ("You "
"are an expert") is not seen; cuts between sentences or clauses are. A
title's role word more than a few words after its "# " (a template tag
of many words between them) is not seen either.
"""

from __future__ import annotations

from prism_lint.analysis.cues import scan, titled
from prism_lint.config import Settings
from prism_lint.extract import PROSE
from prism_lint.formats import TITLED, format_of, load
from prism_lint.rules import selected_where

_DIRECTIVES = (b"prism:", b"noqa")
SNIFF = 512  # bytes a format's test of a file it does not read looks at (recorded traffic)


def head_needed(kind: str, named: bool) -> int | None:
    """How many of a walked file's first bytes can rule it out alone, read
    before the rest (None: the whole file is needed): a Markdown or text
    file no name calls a prompt is told by its head, a YAML cassette by its
    first lines. A named file is read whole: what its bytes show (not
    decodable) is reported even when the first pass rules it out."""
    if named:
        return None
    if kind == PROSE:
        from prism_lint.extract.text.prose import HEAD_BYTES  # a rare kind

        return HEAD_BYTES
    found = format_of(kind)
    return SNIFF if found is not None and found.unread is not None else None


def ruled_out_by_head(head: bytes, kind: str) -> bool:
    """Whether a file's first bytes (:func:`head_needed`; the whole file
    will do) rule it out: :func:`worth_checking` asks this first."""
    found = format_of(kind)
    if found is not None and found.unread is not None and load(found.unread)(head[:SNIFF]):
        return True  # the extractor skips it
    if kind == PROSE:
        from prism_lint.extract.text.prose import looks_like_prompt_bytes  # a rare kind

        return not looks_like_prompt_bytes(head)  # read as no prompt at all
    return False


def may_hold_persona(data: bytes) -> bool:
    """True unless no expert persona can be in a sentence of these bytes (a
    prompt file's title is looked for apart: :func:`worth_checking`)."""
    return scan(data)[0]


def worth_checking(data: bytes, settings: Settings, *, kind: str = "python") -> bool:
    """Whether the full check could report anything but a problem of the
    file itself (:func:`prism_lint.engine.check_bytes` with ``parse=False``
    finds those). The same for a named file as for a walked one."""
    if ruled_out_by_head(data, kind):
        return False
    found = format_of(kind)
    # a prompt file found by its content may as well say nothing of a persona
    if kind != PROSE and found is None:
        return True  # no format prism-lint knows: read in full
    if data[:2] in (b"\xff\xfe", b"\xfe\xff") or data[:4] == b"\x00\x00\xfe\xff":
        return True  # UTF-16 or UTF-32: the first pass reads bytes as UTF-8 would
    low = data.lower()
    expert, anchored = scan(data, low)
    if found is not None and found.first_pass_reads is not None and (expert or anchored):
        # A notebook's outputs and markdown quote prompts; only its code cells are read.
        code = load(found.first_pass_reads)(data)
        return code is None or worth_checking(code, settings)
    if expert or ((kind == PROSE or kind in TITLED) and titled(low)):
        return True
    if settings.extra_experts and any(w.lower().encode() in low for w in settings.extra_experts):
        return True  # the project's own expert words are not in the shared vocabulary
    selected = (*(settings.select or ()), *settings.extend_select)
    # An opt-in rule may report a persona that is not an expert one ...
    if anchored and selected_where("any_persona", selected):
        return True
    # ... or read the file's suppression comments, persona or not.
    if selected_where("directives", selected):
        return any(d in low for d in _DIRECTIVES)
    return False
