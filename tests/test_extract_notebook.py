"""The notebook extractor: cells, magics, kernels, bad JSON, and mapping back to cells."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from prism_lint.extract import ExtractError, Extraction, ExtractOptions
from prism_lint.extract.notebook.extractor import blank_magics, extract
from prism_lint.model import HOLE, Document

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "notebook" / "cookbook.ipynb"


def notebook(*cells: dict[str, object], language: str | None = "python") -> str:
    meta: dict[str, object] = {}
    if language is not None:
        meta = {"kernelspec": {"name": "k", "language": language, "display_name": "K"}}
    return json.dumps({"cells": list(cells), "metadata": meta, "nbformat": 4, "nbformat_minor": 5})


def code(source: str | list[str]) -> dict[str, object]:
    return {
        "cell_type": "code",
        "metadata": {},
        "outputs": [],
        "source": source,
        "execution_count": None,
    }


def markdown(source: str) -> dict[str, object]:
    return {"cell_type": "markdown", "metadata": {}, "source": source}


def run(text: str) -> Extraction:
    out = extract(Document("nb.ipynb", text), ExtractOptions())
    for unit in out.units:
        assert unit.doc.cell is not None
        for p in unit.pieces:
            if p.exact:
                assert (
                    unit.doc.text[p.doc_start : p.doc_end] == unit.text[p.text_start : p.text_end]
                )
        for h in unit.holes:
            assert unit.doc.text[h.doc_start : h.doc_end] == h.source
    return out


ANTHROPIC = (
    "import anthropic\nc = anthropic.Anthropic()\n"
    "c.messages.create(model='m', system='{}', messages=[])\n"
)


def test_cells_are_numbered_among_all_cells() -> None:
    text = notebook(
        markdown("# Title"),
        code(ANTHROPIC.format("First prompt.")),
        markdown("more"),
        code(["x = 1\n", "# noqa: PRS101\n", "c.messages.create(model='m', system='Second.')"]),
    )
    out = run(text)
    assert [(u.doc.cell, u.text, u.first_row) for u in out.units] == [
        (2, "First prompt.", 3),
        (4, "Second.", 3),
    ]
    assert [(c.doc.cell, c.row, c.text) for c in out.comments] == [(4, 2, " noqa: PRS101")]
    assert out.units[1].doc.text == (
        "x = 1\n# noqa: PRS101\nc.messages.create(model='m', system='Second.')"
    )


def test_names_resolve_across_cells() -> None:
    text = notebook(
        code("SYSTEM = 'Defined in cell one.'\nMODEL = 'gpt-4o'"),
        code(
            "from openai import OpenAI\nclient = OpenAI()\n"
            "client.responses.create(model=MODEL, instructions=SYSTEM, input=f'{q}')"
        ),
    )
    out = run(text)
    assert len(out.units) == 1
    u = out.units[0]
    assert (u.doc.cell, u.first_row, u.last_row) == (1, 1, 1)
    assert u.context.model == "gpt-4o"
    assert u.context.call == "client.responses.create"
    assert [s.text for s in u.context.siblings] == [HOLE]
    assert u.doc.text[u.doc_start : u.doc_end] == "Defined in cell one."


def test_magics_are_blanked_with_the_same_length() -> None:
    source = (
        "!pip install openai\n%env X=1\nfiles = !ls -la\nP = '''text\n! kept inside a string\n'''\n"
    )
    blanked = blank_magics(source)
    assert blanked is not None
    assert len(blanked) == len(source)
    lines = blanked.split("\n")
    assert lines[0].strip() == "" and lines[1].strip() == ""
    assert lines[2].rstrip() == "files ="
    assert lines[4] == "! kept inside a string"


def test_cell_magics() -> None:
    assert blank_magics("%%bash\necho hi\n") is None
    assert blank_magics("%%writefile x.py\nprint(1)\n") is None
    assert blank_magics("%%time\nx = 1\n") == "      \nx = 1\n"


def test_prompt_after_magic_keeps_exact_offsets() -> None:
    text = notebook(
        code(["%%capture\n", "!pip install anthropic\n", ANTHROPIC.format("After magics.")])
    )
    out = run(text)
    assert [u.text for u in out.units] == ["After magics."]
    assert out.units[0].first_row == 5
    assert not out.problems


def test_non_python_kernels_are_skipped() -> None:
    assert run(notebook(code(ANTHROPIC.format("x")), language="R")).units == []
    assert len(run(notebook(code(ANTHROPIC.format("x")), language=None)).units) == 1


def test_a_cell_vs_code_marks_as_another_language_is_not_read(tmp_path: Path) -> None:
    """``metadata.vscode.languageId``: a shell cell (``pip install``) is not
    Python, as ruff reads it; the cells keep their numbers among all cells."""
    from prism_lint.config import Settings
    from prism_lint.engine import check_path
    from prism_lint.extract.notebook.extractor import code_of

    shell = {
        **code('pip install -U "openai"\n'),
        "metadata": {"vscode": {"languageId": "shellscript"}},
    }
    sql = {**code("SELECT 'You are an expert.'"), "metadata": {"vscode": {"languageId": "SQL"}}}
    tagged = {**code(ANTHROPIC.format("Tagged.")), "metadata": {"vscode": {"languageId": "python"}}}
    text = notebook(shell, sql, code(ANTHROPIC.format("You are an expert historian.")), tagged)
    out = run(text)
    assert [(u.doc.cell, u.text) for u in out.units] == [
        (3, "You are an expert historian."),
        (4, "Tagged."),
    ]
    assert not out.problems
    first_pass = code_of(text.encode())
    assert (
        first_pass is not None and b"pip install" not in first_pass and b"SELECT" not in first_pass
    )
    path = tmp_path / "nb.ipynb"
    path.write_text(text, encoding="utf-8")
    found = check_path(str(path), Settings(), named=True).diagnostics
    assert [(d.code, d.doc.cell) for d in found] == [("PRS103", 3)]
    # unmarked, the same shell cell is Python that does not parse
    path.write_text(notebook(code('pip install -U "openai"\n')), encoding="utf-8")
    assert [d.code for d in check_path(str(path), Settings(), named=True).diagnostics] == ["PRS900"]


def test_invalid_json_is_a_clear_error() -> None:
    with pytest.raises(ExtractError) as err:
        run('{"cells": [\n  {"cell_type": }]}')
    assert "invalid JSON" in err.value.message
    assert err.value.row == 2


@pytest.mark.parametrize("text", ["[]", '{"cells": 3}', '"just a string"', "{}"])
def test_not_a_notebook(text: str) -> None:
    with pytest.raises(ExtractError, match="not a valid notebook"):
        run(text)


def test_bad_cell_source_is_a_problem_not_a_crash() -> None:
    out = run(notebook(code([1, 2]), code(ANTHROPIC.format("Fine."))))
    assert [u.text for u in out.units] == ["Fine."]
    assert [p.message for p in out.problems] == ["cell 1: source is not text"]


def test_syntax_error_in_one_cell_reads_cells_alone() -> None:
    text = notebook(code("def broken(:\n    pass"), code(ANTHROPIC.format("Still here.")))
    out = run(text)
    assert [(u.doc.cell, u.text) for u in out.units] == [(2, "Still here.")]
    assert len(out.problems) == 1
    problem = out.problems[0]
    assert problem.message.startswith("syntax error")
    assert problem.doc is not None and problem.doc.cell == 1 and problem.row == 1


def test_cell_syntax_error_is_reported_in_its_cell(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """In every output a cell's syntax error names the cell and its own row."""
    from prism_lint.config import Settings
    from prism_lint.engine import check_path
    from prism_lint.report.common import file_span

    path = tmp_path / "nb.ipynb"
    path.write_text(
        notebook(code("x = 1"), code("y = 2\ndef broken(:\n    pass")), encoding="utf-8"
    )
    [d] = check_path(str(path), Settings(), named=True).diagnostics
    assert (d.code, d.doc.cell) == ("PRS900", 2)
    assert d.doc.text.count("\n", 0, d.start) == 1  # the cell's second line
    span, in_file = file_span(d)
    line = path.read_text(encoding="utf-8").splitlines()[span.start.row - 1]
    assert in_file and "def broken(" in line
    assert line[span.start.column - 1] == d.doc.text[d.start]


def test_fixture_notebook() -> None:
    out = run(FIXTURE.read_text(encoding="utf-8"))
    by_text = {u.text[:30]: u for u in out.units}
    expert = by_text["You are an expert Python devel"]
    assert (expert.doc.cell, expert.role, expert.context.model) == (5, "system", "gpt-4o")
    assert "SYSTEM" in expert.context.names
    math = by_text["You are a senior mathematician"]
    assert (math.doc.cell, math.context.library) == (8, "anthropic")
    assert not out.problems
    assert all(u.doc.cell != 7 for u in out.units)  # the %%bash cell


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("%!?ab =\n'\"#")), max_size=80))
def test_property_blanking_preserves_length(source: str) -> None:
    out = blank_magics(source)
    if out is not None:
        assert len(out) == len(source)
        assert [i for i, ch in enumerate(out) if ch == "\n"] == [
            i for i, ch in enumerate(source) if ch == "\n"
        ]


@settings(max_examples=100, deadline=None)
@given(
    st.recursive(
        st.none() | st.booleans() | st.text(max_size=20) | st.integers(),
        lambda inner: (
            st.lists(inner, max_size=4)
            | st.dictionaries(
                st.sampled_from(["cells", "cell_type", "source", "metadata", "code"]),
                inner,
                max_size=4,
            )
        ),
        max_leaves=20,
    )
)
def test_property_any_json_gives_units_or_extract_error(value: object) -> None:
    with contextlib.suppress(ExtractError):
        run(json.dumps(value))
