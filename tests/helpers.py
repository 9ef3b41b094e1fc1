"""Helpers the template-file extractor tests share (Jinja, Dotprompt, Prompty, YAML).

Each of those tests reads a text with related files at hand and checks that
a unit's pieces and holes map back to the document; the checks are the same
for every format, so they are written once.
"""

from __future__ import annotations

from collections.abc import Callable

from prism_lint.extract import Extraction, ExtractOptions
from prism_lint.model import HOLE, Document, PromptUnit


def extract_text(
    extract: Callable[[Document, ExtractOptions], Extraction],
    text: str,
    path: str,
    files: dict[str, str] | None = None,
) -> Extraction:
    """Run ``extract`` on ``text`` at ``path``; ``files`` are the related files it may read."""
    related = files or {}
    return extract(Document(path, text), ExtractOptions(read_related=lambda p: related.get(p)))


def assert_map(unit: PromptUnit) -> None:
    """Every exact piece copies the document, and every hole stands where its source is."""
    text = unit.doc.text
    for p in unit.pieces:
        assert 0 <= p.doc_start <= p.doc_end <= len(text)
        if p.exact:
            assert text[p.doc_start : p.doc_end] == unit.text[p.text_start : p.text_end]
    for h in unit.holes:
        assert unit.text[h.text_offset] == HOLE
        assert text[h.doc_start : h.doc_end] == h.source


def doc_slice(unit: PromptUnit, needle: str) -> str:
    """The document text that ``needle`` (found in the prompt text) maps back to."""
    start = unit.text.index(needle)
    a, b = unit.to_doc(start, start + len(needle))
    return unit.doc.text[a:b]
