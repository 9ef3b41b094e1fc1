"""Incremental document sync, with LSP's own idea of a line.

The server asks for incremental changes: an editor then sends a keystroke,
not the whole document. pygls would apply a ranged change with lines split
by ``str.splitlines``, which also breaks at U+2028 and form feeds where LSP
does not, and so would put an edit after such a character in the wrong
place. Changes are applied here through :class:`PositionMap`, in the
negotiated encoding; a change without a range replaces the document.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import unquote

from lsprotocol import types

from prism_lint.lsp.positions import Pos, PositionMap

log = logging.getLogger("prism_lint.lsp")


def apply_change(text: str, change: Any, encoding: str) -> str:
    """``text`` after one ``TextDocumentContentChangeEvent``."""
    rng = getattr(change, "range", None)
    if rng is None:
        return str(change.text)
    pm = PositionMap(text, encoding)
    start = pm.offset(Pos(rng.start.line, rng.start.character))
    end = pm.offset(Pos(rng.end.line, rng.end.character))
    if end < start:
        start, end = end, start
    return text[:start] + change.text + text[end:]


def install(workspace: Any, encoding: str) -> None:
    """Have ``workspace`` (pygls's) apply text changes with :func:`apply_change`.
    Notebook cells' changes go through the same method."""

    def update_text_document(text_doc: Any, change: Any) -> None:
        if unquote(text_doc.uri) not in workspace.text_documents:
            log.warning("a change to %s, which is not open, is ignored", text_doc.uri)
            return  # asking for it would read the file from disk instead
        doc = workspace.get_text_document(text_doc.uri)
        text = apply_change(doc.source, change, encoding)
        workspace.put_text_document(
            types.TextDocumentItem(
                uri=text_doc.uri,
                language_id=doc.language_id or "",
                version=text_doc.version,
                text=text,
            )
        )

    workspace.update_text_document = update_text_document
