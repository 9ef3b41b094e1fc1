"""Prompt-text edits become document edits through a unit's pieces."""

from __future__ import annotations

from prism_lint.builder import TextBuilder
from prism_lint.fix.mapping import doc_boundary, map_edits
from prism_lint.fix.strip import TextEdit, plan_strip
from prism_lint.fix.verify import apply
from prism_lint.model import Document, PromptUnit


def unit_of(doc: str, builder: TextBuilder) -> PromptUnit:
    return PromptUnit(Document("x.py", doc), builder.text, builder.pieces, builder.holes)


def literal(b: TextBuilder, doc: str, text: str, after: int = 0) -> None:
    b.literal(text, doc.index(text, after))


def strip_doc(unit: PromptUnit, persona: str) -> tuple[str, bool]:
    start = unit.text.index(persona)
    plan = plan_strip(unit.text, start, start + len(persona))
    assert plan is not None
    mapped = map_edits(unit, plan.edits)
    assert mapped is not None
    assert mapped.realised == plan.new_text or not mapped.exact
    return apply(unit.doc.text, mapped.edits), mapped.exact


def test_implicit_concatenation_keeps_the_quotes_between_pieces() -> None:
    doc = 'x = ("You are an " "expert. " "Write code.")\n'
    b = TextBuilder()
    for part in ("You are an ", "expert. ", "Write code."):
        literal(b, doc, part)
    new, exact = strip_doc(unit_of(doc, b), "You are an expert.")
    assert new == 'x = ("" "" "Write code.")\n'
    assert exact


def test_escape_goes_whole() -> None:
    doc = 'x = "You are an expert.\\nWrite code."\n'
    b = TextBuilder()
    literal(b, doc, "You are an expert.")
    esc = doc.index("\\n")
    b.decoded("\n", esc, esc + 2)
    literal(b, doc, "Write code.")
    new, exact = strip_doc(unit_of(doc, b), "You are an expert.")
    assert new == 'x = "Write code."\n'
    assert exact


def test_escape_cut_in_half_is_refused() -> None:
    doc = 'x = "ab\\x41\\x42cd"\n'
    b = TextBuilder()
    literal(b, doc, "ab")
    s = doc.index("\\x41")
    b.decoded("AB", s, s + 8)
    literal(b, doc, "cd")
    unit = unit_of(doc, b)
    assert unit.text == "abABcd"
    assert map_edits(unit, [TextEdit(0, 3)]) is None
    whole = map_edits(unit, [TextEdit(0, 4)])
    assert whole is not None
    assert apply(doc, whole.edits) == 'x = "cd"\n'


def test_hole_goes_with_its_whole_source() -> None:
    doc = 'x = f"You are an expert in {lang}. Write code."\n'
    b = TextBuilder()
    literal(b, doc, "You are an expert in ")
    h = doc.index("{lang}")
    b.hole("{lang}", h, h + 6)
    literal(b, doc, ". Write code.")
    unit = unit_of(doc, b)
    start = 0
    end = unit.text.index("Write")
    mapped = map_edits(unit, [TextEdit(start, end)])
    assert mapped is not None
    assert [h.source for h in mapped.holes] == ["{lang}"]
    assert apply(doc, mapped.edits) == 'x = f"Write code."\n'


def test_separator_white_space_is_kept_and_reported() -> None:
    doc = 'x = "\\n".join(["You are an expert.", "Write code."])\n'
    b = TextBuilder()
    literal(b, doc, "You are an expert.")
    b.separator("\n")
    literal(b, doc, "Write code.")
    unit = unit_of(doc, b)
    mapped = map_edits(unit, [TextEdit(0, 19)])
    assert mapped is not None
    assert mapped.kept == [18]
    assert not mapped.exact
    assert mapped.realised == "\nWrite code."


def test_separator_with_words_cannot_be_removed() -> None:
    doc = 'x = " and ".join(["You are an expert", "code"])\n'
    b = TextBuilder()
    literal(b, doc, "You are an expert")
    b.separator(" and ")
    literal(b, doc, "code")
    assert map_edits(unit_of(doc, b), [TextEdit(0, 22)]) is None


def yaml_block_unit(doc: str, lines: list[str]) -> PromptUnit:
    b = TextBuilder()
    pos = 0
    for line in lines:
        at = doc.index(line, pos)
        b.literal(line + "\n", at)
        pos = at + len(line)
    return unit_of(doc, b)


def test_removed_line_takes_the_indentation_that_is_not_prompt_text() -> None:
    doc = "key: |\n  You are an expert.\n  Write code.\nother: 1\n"
    unit = yaml_block_unit(doc, ["You are an expert.", "Write code."])
    new, exact = strip_doc(unit, "You are an expert.")
    assert new == "key: |\n  Write code.\nother: 1\n"
    assert exact


def test_removed_last_line_takes_its_own_indentation() -> None:
    doc = "key: |\n  Write code.\n  You are an expert.\nother: 1\n"
    unit = yaml_block_unit(doc, ["Write code.", "You are an expert."])
    new, _ = strip_doc(unit, "You are an expert.")
    assert new == "key: |\n  Write code.\nother: 1\n"


def test_removal_over_two_lines_leaves_no_doubled_indentation() -> None:
    doc = "key: |\n  You are an expert.\n  You have ten years. Write code.\nother: 1\n"
    unit = yaml_block_unit(doc, ["You are an expert.", "You have ten years. Write code."])
    end = unit.text.index("Write")
    mapped = map_edits(unit, [TextEdit(0, end)])
    assert mapped is not None
    assert apply(doc, mapped.edits) == "key: |\n  Write code.\nother: 1\n"


def test_capital_on_an_escape_is_dropped() -> None:
    doc = 'x = "As an expert, \\u0077rite code."\n'
    b = TextBuilder()
    literal(b, doc, "As an expert, ")
    s = doc.index("\\u0077")
    b.decoded("w", s, s + 6)
    literal(b, doc, "rite code.")
    unit = unit_of(doc, b)
    plan = plan_strip(unit.text, 0, 13)
    assert plan is not None and plan.capital is not None
    mapped = map_edits(unit, plan.edits)
    assert mapped is not None
    assert mapped.capital_dropped and not mapped.exact
    assert mapped.realised == "write code."


def test_doc_boundary() -> None:
    doc = 'x = ("ab" "cd")'
    b = TextBuilder()
    literal(b, doc, "ab")
    literal(b, doc, "cd")
    unit = unit_of(doc, b)
    assert doc_boundary(unit, 2, end=False) == doc.index("cd")
    assert doc_boundary(unit, 2, end=True) == doc.index("ab") + 2
    assert doc_boundary(unit, 4, end=False) is None


# --------------------------------------------------------------------------
# any unit
# --------------------------------------------------------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

SEGMENTS = st.lists(
    st.tuples(
        st.sampled_from(["lit", "esc", "hole", "sep", "gap"]),
        st.text(alphabet="ab \n.", min_size=1, max_size=6),
    ),
    max_size=8,
)


@settings(max_examples=200, deadline=None)
@given(SEGMENTS, st.integers(0, 50), st.integers(0, 50))
def test_any_unit_and_deletion(segments: list[tuple[str, str]], a: int, b: int) -> None:
    doc = ""
    builder = TextBuilder()
    for kind, text in segments:
        start = len(doc)
        if kind == "lit":
            doc += text
            builder.literal(text, start)
        elif kind == "esc":
            doc += "\\x" + text
            builder.decoded(text, start, len(doc))
        elif kind == "hole":
            doc += "{" + text + "}"
            builder.hole("{" + text + "}", start, len(doc))
        elif kind == "sep":
            builder.separator(text)
        else:
            doc += '" "' + text.replace("\n", " ")
    unit = unit_of(doc, builder)
    n = len(unit.text)
    a, b = sorted((min(a, n), min(b, n)))
    mapped = map_edits(unit, [TextEdit(a, b)])
    if mapped is None:
        return
    last = 0
    for e in mapped.edits:
        assert last <= e.start <= e.end <= len(doc)
        last = e.end
    kept = set(mapped.kept)
    assert mapped.realised == "".join(
        ch for i, ch in enumerate(unit.text) if not (a <= i < b) or i in kept
    )
    # Nothing outside the prompt's own pieces, holes and white space is removed.
    new = apply(doc, mapped.edits)
    assert len(new) <= len(doc)
    for e in mapped.edits:
        for j in range(e.start, e.end):
            inside = any(p.doc_start <= j < p.doc_end for p in unit.pieces) or any(
                h.doc_start <= j < h.doc_end for h in unit.holes
            )
            assert inside or doc[j].isspace()
