"""A file's result as plain JSON data, and back, validated field by field.

The results cache lives in the checked tree, so whoever wrote the tree may
have written the cache too. Its entries are therefore plain JSON (nothing in
them names a type to build) and every field is checked on the way
in: a value of the wrong shape makes the whole entry a miss
(:class:`Invalid`), never an exception further on and never code.
"""

from __future__ import annotations

import math
from typing import Any

from prism_lint.engine import FileResult
from prism_lint.model import Diagnostic, Document, Edit, Fix, Recheck

# Every key a finding's ``details`` may carry, with the JSON shape it must
# have; a cached entry with any other key or shape is not trusted.
_DETAIL_SHAPES: dict[str, str] = {
    "persona": "str",
    "persona_kind": "str",
    "persona_words": "int",
    "task": "str",
    "task_confidence": "number",
    "task_declared": "bool",
    "task_assumed": "bool",
    "evidence": "evidence",
    "request": "str",
    "role": "str",
    "model": "str?",
    "call": "str",
}
_APPLICABILITY = ("safe", "unsafe", "display-only")
MAX_TEXT = 64 * 1024 * 1024  # no cached text is longer than a file we would read


class Invalid(ValueError):
    """A cached value that is not what this version writes."""


def encode(result: FileResult) -> dict[str, Any]:
    """``result`` (diagnostics only: the cache never holds prompts) as JSON data."""
    docs: list[Document] = []
    index: dict[int, int] = {}

    def doc_ref(doc: Document) -> int:
        found = index.get(id(doc))
        if found is None:
            found = index[id(doc)] = len(docs)
            docs.append(doc)
        return found

    diagnostics = [_encode_diagnostic(d, doc_ref(d.doc)) for d in result.diagnostics]
    out: dict[str, Any] = {
        "path": result.path,
        "diagnostics": diagnostics,
        "docs": [[d.path, d.cell, d.text] for d in docs],
        "bom": result.bom,
        "notice": result.notice,
        "kind": result.kind,
        "related": list(result.related),
    }
    if result.text is not None:
        out["text"] = result.text
    return out


def _encode_diagnostic(d: Diagnostic, doc: int) -> dict[str, Any]:
    out: dict[str, Any] = {
        "code": d.code,
        "name": d.name,
        "message": d.message,
        "doc": doc,
        "start": d.start,
        "end": d.end,
        "details": d.details,
        "anchor": [d.anchor_first_row, d.anchor_last_row],
    }
    if d.fix is not None:
        f = d.fix
        out["fix"] = {
            "message": f.message,
            "edits": [[e.start, e.end, e.content] for e in f.edits],
            "applicability": f.applicability,
            "planned": f.planned,
            "recheck": None if f.recheck is None else [f.recheck.kind, list(f.recheck.expect)],
        }
    return out


def decode(data: object, path: str) -> FileResult:
    """The result ``encode`` made for ``path``; :class:`Invalid` unless every
    field has the shape this version writes."""
    obj = _dict(data)
    if _str(obj.get("path")) != path:
        raise Invalid("entry for another path")
    docs = [_document(d) for d in _list(obj.get("docs"))]
    result = FileResult(
        path,
        text=_opt_str(obj.get("text")),
        bom=_bool(obj.get("bom")),
        notice=_opt_str(obj.get("notice")),
        kind=_opt_str(obj.get("kind")),
        related=[_str(p) for p in _list(obj.get("related"))],
    )
    result.diagnostics = [_diagnostic(d, docs) for d in _list(obj.get("diagnostics"))]
    return result


def _document(data: object) -> Document:
    items = _list(data)
    if len(items) != 3:
        raise Invalid("document")
    cell = items[1]
    if cell is not None:
        cell = _int(cell)
    return Document(_str(items[0]), _str(items[2]), cell)


def _diagnostic(data: object, docs: list[Document]) -> Diagnostic:
    obj = _dict(data)
    ref = _int(obj.get("doc"))
    if not 0 <= ref < len(docs):
        raise Invalid("document reference")
    doc = docs[ref]
    start, end = _int(obj.get("start")), _int(obj.get("end"))
    if not 0 <= start <= end <= len(doc.text):
        raise Invalid("range")
    anchor = _list(obj.get("anchor"))
    if len(anchor) != 2:
        raise Invalid("anchor")
    first, last = (None if a is None else _int(a) for a in anchor)
    diag = Diagnostic(
        _str(obj.get("code")),
        _str(obj.get("name")),
        _str(obj.get("message")),
        doc,
        start,
        end,
        details=_details(obj.get("details")),
        anchor_first_row=first,
        anchor_last_row=last,
    )
    if obj.get("fix") is not None:
        diag.fix = _fix(obj["fix"], len(doc.text))
    return diag


def _fix(data: object, length: int) -> Fix:
    obj = _dict(data)
    edits = []
    for raw in _list(obj.get("edits")):
        items = _list(raw)
        if len(items) != 3:
            raise Invalid("edit")
        start, end = _int(items[0]), _int(items[1])
        if not 0 <= start <= end <= length:
            raise Invalid("edit range")
        edits.append(Edit(start, end, _str(items[2])))
    applicability = obj.get("applicability")
    planned = obj.get("planned")
    if applicability not in _APPLICABILITY or planned not in (*_APPLICABILITY, ""):
        raise Invalid("applicability")
    recheck = None
    if obj.get("recheck") is not None:
        items = _list(obj["recheck"])
        if len(items) != 2:
            raise Invalid("recheck")
        recheck = Recheck(_str(items[0]), tuple(_str(e) for e in _list(items[1])))
    return Fix(
        _str(obj.get("message")),
        edits,
        applicability,
        recheck,  # type: ignore[arg-type]
        planned,
    )  # type: ignore[arg-type]


def _details(data: object) -> dict[str, object]:
    obj = _dict(data)
    for key, value in obj.items():
        shape = _DETAIL_SHAPES.get(key)
        if shape is None:
            raise Invalid(f"detail {key!r}")
        _check_shape(shape, value)
    return obj


def _check_shape(shape: str, value: object) -> None:
    if shape == "str":
        _str(value)
    elif shape == "str?":
        _opt_str(value)
    elif shape == "int":
        _int(value)
    elif shape == "bool":
        _bool(value)
    elif shape == "number":
        if (
            isinstance(value, bool)
            or not isinstance(value, (int, float))
            or not math.isfinite(value)
        ):
            raise Invalid("number")
    elif shape == "evidence":
        for item in _list(value):
            entry = _dict(item)
            if set(entry) - {"cue", "category", "source"}:
                raise Invalid("evidence")
            for field_value in entry.values():
                _str(field_value)
    else:  # pragma: no cover - a shape this module does not know
        raise Invalid(shape)


def _dict(value: object) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise Invalid("object")
    return value


def _list(value: object) -> list[Any]:
    if not isinstance(value, list):
        raise Invalid("list")
    return value


def _str(value: object) -> str:
    if not isinstance(value, str) or len(value) > MAX_TEXT:
        raise Invalid("string")
    return value


def _opt_str(value: object) -> str | None:
    return None if value is None else _str(value)


def _int(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or abs(value) > 1 << 62:
        raise Invalid("integer")
    return value


def _bool(value: object) -> bool:
    if not isinstance(value, bool):
        raise Invalid("boolean")
    return value
