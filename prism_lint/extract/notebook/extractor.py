"""Jupyter notebooks: every Python code cell is its own document, read as Python.

A code cell VS Code marks as another language (``metadata.vscode.languageId``,
a shell or SQL cell) is not read.

Cells are numbered from 1 among all cells, as ruff's JSON ``cell`` field is.
IPython magics and shell escapes are blanked with spaces of the same length,
so every offset in the cell still points at the character the user sees.
"""

from __future__ import annotations

import bisect
import json
import re
from dataclasses import replace

from prism_lint.extract import ExtractError, Extraction, ExtractOptions
from prism_lint.lines import LineIndex
from prism_lint.model import Document

# A line magic, a shell escape, or help syntax at the start of a line.
_MAGIC_LINE = re.compile(r"(?m)^[ \t]*(?:%|!|\?)[^\r\n]*")
# ``files = !ls`` / ``t = %timeit f()``: an assignment from a magic.
_MAGIC_ASSIGN = re.compile(
    r"(?m)^([ \t]*[A-Za-z_][\w.]*(?:\s*,\s*[A-Za-z_]\w*)*\s*=\s*)[!%][^\r\n]*"
)
# Cell magics whose body is still Python.
_PYTHON_CELL_MAGICS = frozenset(
    {"time", "timeit", "capture", "prun", "debug", "pdb", "memit", "mprun", "snakeviz", "noprun"}
)
_KERNEL_PYTHON = ("python", "ipython", "python3", "")


def _number(digits: str) -> int | float:
    """A JSON integer. Python refuses to read one of more than 4,300 digits
    (a guard against slow conversion); a notebook may hold one all the same,
    and nothing prism-lint reads is a number that long."""
    return int(digits) if len(digits) <= 4000 else float(digits)


def load_json(text: str | bytes) -> object:
    """A notebook's JSON, with integers of any length."""
    return json.loads(text, parse_int=_number)


def extract(doc: Document, options: ExtractOptions) -> Extraction:
    """Read every Python code cell of a notebook with the Python extractor.

    Cells share one namespace, so all code cells are read as one module (a
    constant defined in one cell is resolved where a later cell uses it) and
    every unit and comment is then mapped back to its own cell. When the
    cells do not parse together, each cell is read on its own.
    """
    try:
        nb = load_json(doc.text)
    except json.JSONDecodeError as exc:
        raise ExtractError(
            f"not a valid notebook: invalid JSON ({exc.msg})", exc.lineno, exc.colno
        ) from exc
    except RecursionError as exc:
        raise ExtractError("not a valid notebook: JSON nested too deeply") from exc
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        raise ExtractError("not a valid notebook: no list of cells")
    out = Extraction()
    if not _is_python(nb):
        return out
    cells: list[Document] = []
    for index, cell in enumerate(nb["cells"], start=1):
        if not _python_cell(cell):
            continue
        source = cell_source(cell.get("source", ""))
        if source is None:
            out.problems.append(ExtractError(f"cell {index}: source is not text"))
            continue
        code = blank_magics(source)
        if code is not None:
            cells.append(Document(doc.path, code, cell=index))
    if not cells:
        return out
    if not _extract_together(doc.path, cells, options, out):
        for cell_doc in cells:
            _extract_cell(cell_doc, options, out)
    return out


def code_of(data: bytes) -> bytes | None:
    """The source of a notebook's Python code cells, one after another: all
    the extractor reads (outputs and markdown often quote whole prompts).
    None when the bytes are no notebook this can tell about: the full pass
    then reports why."""
    try:
        nb = load_json(data)
    except (ValueError, RecursionError):
        return None
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        return None
    if not _is_python(nb):
        return b""
    parts: list[str] = []
    for cell in nb["cells"]:
        if _python_cell(cell):
            source = cell_source(cell.get("source", ""))
            if source is None:
                return None
            parts.append(source)
    return "\n".join(parts).encode("utf-8", "surrogatepass")


def _extract_cell(cell_doc: Document, options: ExtractOptions, out: Extraction) -> None:
    from prism_lint.extract.python.extractor import extract as extract_python

    result = extract_python(cell_doc, options)
    if result.learned is not None:  # what the cells teach, for check's second look
        if out.learned is None:
            out.learned = result.learned
        else:
            out.learned.merge(result.learned)
            out.learned.called |= result.learned.called
            out.learned.sets |= result.learned.sets
            out.learned.imports |= result.learned.imports
            for name, role in result.learned.own.items():
                out.learned.own.setdefault(name, role)
    out.units.extend(result.units)
    out.comments.extend(result.comments)
    for problem in result.problems:
        out.problems.append(
            ExtractError(problem.message, problem.row, problem.column, problem.code, doc=cell_doc)
        )


def _extract_together(
    path: str, cells: list[Document], options: ExtractOptions, out: Extraction
) -> bool:
    """Read all cells as one module; False (and nothing added) if that does not parse."""
    from prism_lint.extract.python.extractor import extract as extract_python

    starts: list[int] = []
    first_rows: list[int] = []
    parts: list[str] = []
    pos = 0
    row = 1
    for cell_doc in cells:
        starts.append(pos)
        first_rows.append(row)
        text = cell_doc.text
        if not text.endswith(("\n", "\r")):
            text += "\n"
        parts.append(text)
        pos += len(text)
        row += LineIndex(text).rows - 1
    combined = Document(path, "".join(parts))
    result = extract_python(combined, options)
    if result.problems:
        return False
    out.learned = result.learned

    def cell_of(offset: int) -> int:
        return max(0, bisect.bisect_right(starts, offset) - 1)

    def cell_of_row(r: int) -> int:
        return max(0, bisect.bisect_right(first_rows, r) - 1)

    for comment in result.comments:
        k = cell_of_row(comment.row)
        out.comments.append(replace(comment, doc=cells[k], row=comment.row - first_rows[k] + 1))
    for unit in result.units:
        k = cell_of(unit.doc_start)
        lo, hi = starts[k], starts[k] + len(cells[k].text)
        pieces = [
            replace(p, doc_start=p.doc_start - lo, doc_end=p.doc_end - lo)
            for p in unit.pieces
            if lo <= p.doc_start and p.doc_end <= hi
        ]
        if not pieces:
            continue
        holes = [
            replace(h, doc_start=h.doc_start - lo, doc_end=h.doc_end - lo)
            if lo <= h.doc_start and h.doc_end <= hi
            else replace(h, doc_start=pieces[0].doc_start, doc_end=pieces[0].doc_start)
            for h in unit.holes
        ]
        last_row = cells[k].text.count("\n") + 1
        out.units.append(
            replace(
                unit,
                doc=cells[k],
                pieces=pieces,
                holes=holes,
                first_row=min(max(1, unit.first_row - first_rows[k] + 1), last_row),
                last_row=min(max(1, unit.last_row - first_rows[k] + 1), last_row),
            )
        )
    return True


def cell_source(source: object) -> str | None:
    """A cell's source: a string, or a list of lines (each keeping its newline)."""
    if isinstance(source, str):
        return source
    if isinstance(source, list) and all(isinstance(s, str) for s in source):
        return "".join(source)
    return None


def blank_magics(source: str) -> str | None:
    """The cell with magics blanked out; None when the whole cell is not Python."""
    stripped = source.lstrip()
    if stripped.startswith("%%"):
        words = stripped[2:].split(None, 1)
        name = words[0] if words else ""
        if name not in _PYTHON_CELL_MAGICS:
            return None
    if "%" not in source and "!" not in source and "?" not in source:
        return source
    strings = _multiline_strings(source)

    def code(start: int) -> bool:
        return not any(a < start < b for a, b in strings)

    source = _MAGIC_ASSIGN.sub(
        lambda m: (
            m.group(1) + _spaces(m.group()[len(m.group(1)) :]) if code(m.start()) else m.group()
        ),
        source,
    )
    return _MAGIC_LINE.sub(lambda m: _spaces(m.group()) if code(m.start()) else m.group(), source)


_TOKEN = re.compile(r"#[^\n]*|(?P<q>'''|\"\"\"|'|\")")
_CLOSE = {
    '"""': re.compile(r'(?:[^"\\]|\\.|"(?!""))*"""', re.S),
    "'''": re.compile(r"(?:[^'\\]|\\.|'(?!''))*'''", re.S),
    '"': re.compile(r'(?:[^"\\\n]|\\.)*"'),
    "'": re.compile(r"(?:[^'\\\n]|\\.)*'"),
}


def _multiline_strings(source: str) -> list[tuple[int, int]]:
    """Spans of string literals that cross a line break (magics inside are prompt text)."""
    out: list[tuple[int, int]] = []
    pos = 0
    while True:
        m = _TOKEN.search(source, pos)
        if m is None:
            return out
        quote = m.group("q")
        if quote is None:
            pos = m.end()
            continue
        close = _CLOSE[quote].match(source, m.end())
        end = (
            close.end()
            if close is not None
            else (
                len(source) if len(quote) == 3 else source.find("\n", m.end()) % (len(source) + 1)
            )
        )
        if "\n" in source[m.start() : end]:
            out.append((m.start(), end))
        pos = max(end, m.end())


def _spaces(text: str) -> str:
    return " " * len(text)


def _python_cell(cell: object) -> bool:
    """Whether a cell is a code cell in Python. VS Code keeps a cell's own
    language in ``metadata.vscode.languageId`` (a shell or SQL cell in a
    Python notebook), as ruff reads it: such a cell is not Python."""
    if not isinstance(cell, dict) or cell.get("cell_type") != "code":
        return False
    meta = cell.get("metadata")
    vscode = meta.get("vscode") if isinstance(meta, dict) else None
    language = vscode.get("languageId") if isinstance(vscode, dict) else None
    return not isinstance(language, str) or language.strip().lower() in _KERNEL_PYTHON


def _is_python(nb: dict[str, object]) -> bool:
    meta = nb.get("metadata")
    if not isinstance(meta, dict):
        return True
    for key, field in (("kernelspec", "language"), ("language_info", "name")):
        info = meta.get(key)
        if isinstance(info, dict):
            lang = info.get(field)
            if isinstance(lang, str):
                return lang.strip().lower() in _KERNEL_PYTHON
    return True
