"""Notebooks in the editor: the cells an editor syncs, read as one notebook.

An editor that syncs a notebook (``notebookDocument/*``) sends its cells as
text documents. They are checked together, as the command line checks an
``.ipynb`` file (a constant from one cell is resolved where a later cell
uses it), and each finding goes back to its own cell's document.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from prism_lint.lines import LineIndex
from prism_lint.model import Diagnostic

CODE, MARKUP = 2, 1  # lsprotocol NotebookCellKind values


@dataclass
class View:
    """What one editor document shows: a file, or one cell of a notebook."""

    uri: str
    text: str
    index: LineIndex
    diagnostics: list[Diagnostic]
    cell: int | None = None  # 1-based, among all the notebook's cells


def notebook_json(cells: list[tuple[int, str, str | None]]) -> str:
    """An nbformat 4 notebook holding ``cells`` ((kind, source, the cell
    document's language) in order). A code cell's language is kept where VS
    Code writes it in a saved notebook (``metadata.vscode.languageId``): a
    shell or SQL cell is then not read as Python, as in the file."""
    return json.dumps(
        {
            "cells": [
                {
                    "cell_type": "code" if kind == CODE else "markdown",
                    "metadata": (
                        {"vscode": {"languageId": language}} if kind == CODE and language else {}
                    ),
                    "source": source,
                    **({"execution_count": None, "outputs": []} if kind == CODE else {}),
                }
                for kind, source, language in cells
            ],
            "metadata": {"kernelspec": {"language": "python", "name": "python3"}},
            "nbformat": 4,
            "nbformat_minor": 5,
        },
        ensure_ascii=False,
    )


def cell_views(cell_uris: list[str], texts: list[str], diagnostics: list[Diagnostic]) -> list[View]:
    """One view per cell, each with the findings in that cell."""
    views = [
        View(uri, text, LineIndex(text), [], n)
        for n, (uri, text) in enumerate(zip(cell_uris, texts, strict=True), start=1)
    ]
    for d in diagnostics:
        if d.doc.cell is not None and 1 <= d.doc.cell <= len(views):
            views[d.doc.cell - 1].diagnostics.append(d)
    return views
