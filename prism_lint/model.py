"""Plain data shared by extractors, analysis, rules, fixes and reporters.

Offsets are indices into ``Document.text`` (a decoded ``str``), never bytes:
every format decodes once and every later step speaks in the same units.
Rows and columns shown to users are 1-based, columns counted in characters,
as ruff does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Role = Literal["system", "developer", "user", "assistant", "unknown"]
ROLES: tuple[str, ...] = ("system", "developer", "user", "assistant", "unknown")

# How sure the extractor is that a string is a prompt at all.
#  call: an argument of a known LLM call site (or a value that flows into one)
#  file: the whole body of a prompt file (Markdown rules file, .prompty, ...)
#  name: only its name says so (``*_PROMPT = "..."`` with no known use)
Tier = Literal["call", "file", "name"]

# Stands for each dynamic part (f-string field, ``{var}``, ``{{ var }}``) in
# ``PromptUnit.text``: one character, so no rule can read it as words.
HOLE = "\ufffc"
# Scripts written without spaces between words, as the ranges of a character
# class: Hiragana and Katakana, CJK ideographs (extension A, compatibility
# block), Hangul syllables, half-width Katakana. The analysis reads such text
# character by character; the extractors take a named text in one as words.
UNSPACED = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af\uff66-\uff9f"


@dataclass(frozen=True)
class Document:
    """One text the user can point at: a file, or one cell of a notebook."""

    path: str
    text: str
    cell: int | None = None  # 1-based notebook cell number, as in ruff's JSON

    def __hash__(self) -> int:
        return hash((self.path, self.cell, len(self.text)))


@dataclass(frozen=True)
class Piece:
    """A run of prompt text and where it came from in the document.

    When ``exact`` the run is copied character for character, so
    ``text_end - text_start == doc_end - doc_start`` and any sub-range maps
    precisely. Otherwise (an escape sequence such as ``\\n`` or ``\\u00e9``)
    every character of the run maps to the whole source span.
    """

    text_start: int
    text_end: int
    doc_start: int
    doc_end: int
    exact: bool = True


@dataclass(frozen=True)
class Hole:
    """A dynamic part of the prompt, known to be unknown."""

    text_offset: int  # where its HOLE character sits in PromptUnit.text
    doc_start: int
    doc_end: int
    source: str  # the expression as written, e.g. "{question}" or "user.name"

    @property
    def name(self) -> str:
        """The bare identifier-ish name, useful as task evidence."""
        return self.source.strip("{}% \t\n").split("|")[0].strip()


@dataclass
class Sibling:
    """Another message of the same call, for context."""

    role: str
    text: str


@dataclass
class CallContext:
    """What the call site says about the prompt, beyond its words."""

    library: str = ""  # "openai", "anthropic", "langchain", "crewai", "markdown", ...
    call: str = ""  # e.g. "client.chat.completions.create" or "Agent(backstory=)"
    argument: str = ""  # e.g. "messages[0].content", "system", "instructions"
    model: str | None = None
    names: list[str] = field(default_factory=list)  # variable, function, class names
    siblings: list[Sibling] = field(default_factory=list)
    response_format: str | None = None  # "json", a schema name, a pydantic model ...
    tools: list[str] = field(default_factory=list)
    # what the call sends besides text ("image", "audio", "file"): material
    # the request works on
    attachments: list[str] = field(default_factory=list)
    # an agent after the first of a sequence: it is handed the output of the
    # agent before it, material its request works on
    after_agent: bool = False
    # where the text comes from when it is not written at the call:
    # "returned by `f`", "value of `ROUTES['account']`"
    origin: str = ""


@dataclass
class PromptUnit:
    """The text a model will see, assembled from its source pieces."""

    doc: Document
    text: str
    pieces: list[Piece]
    holes: list[Hole] = field(default_factory=list)
    role: Role = "unknown"
    tier: Tier = "call"
    context: CallContext = field(default_factory=CallContext)
    # Rows (1-based, in doc) of the construct holding the prompt: a Python
    # statement, a YAML key, a Markdown file. Suppression comments are
    # looked for on the first row's line above and on the last row.
    first_row: int = 1
    last_row: int = 1
    declared_task: str | None = None  # from a "prism: task=..." comment
    template_syntax: str | None = None  # "fstring", "format", "jinja", "mustache", ...

    @property
    def doc_start(self) -> int:
        return self.pieces[0].doc_start if self.pieces else 0

    @property
    def doc_end(self) -> int:
        return self.pieces[-1].doc_end if self.pieces else 0

    def to_doc(self, start: int, end: int) -> tuple[int, int]:
        """Map a half-open text range to a half-open document range."""
        return map_range(self.pieces, start, end)


def map_range(pieces: list[Piece], start: int, end: int) -> tuple[int, int]:
    """Map ``[start, end)`` of prompt text onto the document.

    Pieces are sorted by ``text_start``. Text that falls on a hole (which has
    no piece) is clamped to the nearest piece.
    """
    if not pieces:
        return (0, 0)
    if end < start:
        start, end = end, start
    first = _piece_at(pieces, start, prefer_next=True)
    last = _piece_at(pieces, max(start, end - 1), prefer_next=False)
    if first.exact and first.text_start <= start < first.text_end:
        d_start = first.doc_start + (start - first.text_start)
    else:
        d_start = first.doc_start
    if last.exact and last.text_start < end <= last.text_end:
        d_end = last.doc_start + (end - last.text_start)
    else:
        d_end = last.doc_end
    if end == start:
        d_end = d_start
    return (d_start, max(d_start, d_end))


def _piece_at(pieces: list[Piece], offset: int, *, prefer_next: bool) -> Piece:
    lo, hi = 0, len(pieces)
    while lo < hi:
        mid = (lo + hi) // 2
        if pieces[mid].text_end <= offset:
            lo = mid + 1
        else:
            hi = mid
    if lo < len(pieces) and pieces[lo].text_start <= offset:
        return pieces[lo]
    # offset sits in a gap (a hole) or past the end
    if prefer_next and lo < len(pieces):
        return pieces[lo]
    return pieces[max(0, lo - 1)]


@dataclass(frozen=True)
class Location:
    """A row and column, as users count them."""

    row: int  # 1-based
    column: int  # 1-based, in characters


@dataclass
class Edit:
    """Replace ``doc[start:end]`` with ``content``."""

    start: int
    end: int
    content: str


@dataclass
class Recheck:
    """A safe fix's last check, left until someone applies or exports it:
    extracting the document with the fix's edits applied must give one of
    ``expect``."""

    kind: str
    expect: tuple[str, ...]


@dataclass
class Fix:
    """An autofix: its edits and whether it is safe to apply unasked."""

    message: str
    edits: list[Edit]
    applicability: Literal["safe", "unsafe", "display-only"] = "unsafe"
    # Set while "safe" rests on a re-extraction not yet run (see fix.verify.settle).
    recheck: Recheck | None = None
    # What was planned, when settling the fix changed it.
    planned: Literal["safe", "unsafe", "display-only", ""] = ""

    def listed(self, planned: bool) -> str:
        """The applicability to show: as planned (a report that only lists
        fixes, whatever the cache held) or as settled."""
        return (self.planned or self.applicability) if planned else self.applicability


@dataclass
class Evidence:
    """One reason behind a task inference, with where it was seen."""

    cue: str  # the matched words, or the context fact ("model=o3")
    category: str  # task category it points to
    source: str  # "prompt", "sibling", "name", "hole", "model", "response_format", ...
    weight: float = 1.0


@dataclass
class Diagnostic:
    """One finding in one file, as every reporter and the editor receive it."""

    code: str
    name: str
    message: str
    doc: Document
    start: int  # document offsets
    end: int
    fix: Fix | None = None
    # Structured explanation: persona, task, confidence, evidence, figure.
    details: dict[str, object] = field(default_factory=dict)
    # Rows where a suppression comment may sit (see PromptUnit.first_row).
    anchor_first_row: int | None = None
    anchor_last_row: int | None = None

    @property
    def path(self) -> str:
        return self.doc.path
