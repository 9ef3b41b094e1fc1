"""What every fix must respect (prism_lint.fix.guard): line endings, and
code blocks quoted in Markdown."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from prism_lint.cli import main
from prism_lint.fix.guard import blocks, vet
from prism_lint.model import Document, Edit, Fix


def fix_file(
    tmp_path: Path,
    name: str,
    data: bytes,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> bytes:
    (tmp_path / name).write_bytes(data)
    monkeypatch.chdir(tmp_path)
    main(["check", "--fix", "--unsafe-fixes", "--no-cache", name])
    capsys.readouterr()
    return (tmp_path / name).read_bytes()


PATTERN = (
    "# IDENTITY and PURPOSE\r\n"
    "You are a senior database engineer specializing in query tuning. Your purpose is to "
    "rewrite the SQL query below so that it runs faster. You excel at reading query plans "
    "and finding the missing index.\r\n"
    "\r\n"
    "# STEPS\r\n"
    "- Write the faster SQL query.\r\n"
)


def test_a_fix_keeps_crlf_line_endings(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = fix_file(tmp_path, "system.md", PATTERN.encode(), monkeypatch, capsys)
    assert out != PATTERN.encode()  # the persona went
    assert b"You are a senior" not in out
    assert out.count(b"\n") == out.count(b"\r\n") == PATTERN.count("\r\n")


AGENTS = """# Flows

The flow below defines two agents.

```yaml
agents:
  researcher:
    role: Research analyst
    goal: Research {topic} for {audience}
    backstory: Expert at concise technical research.
```

Then run it.
"""


def test_no_fix_breaks_a_yaml_block_in_markdown(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = fix_file(tmp_path, "AGENTS.md", AGENTS.encode(), monkeypatch, capsys)
    assert out == AGENTS.encode()


# -- vet, directly --------------------------------------------------------------


def vetted(text: str, edits: list[Edit], kind: str = "markdown") -> list[Edit] | None:
    fix = vet(Fix("fix", edits, "safe"), Document("a.md", text), kind)
    return None if fix is None else fix.edits


def test_an_edit_ending_inside_a_pair_keeps_the_carriage_return() -> None:
    text = "one two.\r\nthree\r\n"
    assert vetted(text, [Edit(3, 9, "")]) == [Edit(3, 8, "")]


def test_an_edit_starting_inside_a_pair_takes_the_carriage_return() -> None:
    text = "one\r\ntwo\r\n"
    assert vetted(text, [Edit(4, 9, "")]) == [Edit(3, 8, "")]  # "one\r\n"


def test_new_lines_in_a_crlf_file_end_with_crlf() -> None:
    text = "one\r\ntwo\r\n"
    assert vetted(text, [Edit(0, 3, "a\nb")]) == [Edit(0, 3, "a\r\nb")]


def test_a_mixed_file_keeps_the_content_as_it_is() -> None:
    text = "one\r\ntwo\nthree"
    assert vetted(text, [Edit(0, 3, "a\nb")]) == [Edit(0, 3, "a\nb")]


MD = "Intro\n\n```python\nx = 'You are an expert.'\n```\n\n~~~\nplain\n~~~\n\n```yaml\nk: v\n"


def test_fenced_blocks_are_found() -> None:
    found = [(b.language, MD[b.body_start : b.body_end]) for b in blocks(MD)]
    assert found == [("python", "x = 'You are an expert.'\n"), ("", "plain\n"), ("yaml", "k: v\n")]


def test_a_fix_inside_a_block_that_still_parses_is_kept() -> None:
    start = MD.index("You are")
    edit = Edit(start, start + len("You are an expert."), "")
    assert vetted(MD, [edit]) == [edit]


def test_a_fix_that_breaks_the_block_is_dropped() -> None:
    start = MD.index("'You")
    assert vetted(MD, [Edit(start, start + 1, "")]) is None


def test_a_block_of_no_language_is_not_touched() -> None:
    start = MD.index("plain")
    assert vetted(MD, [Edit(start, start + 5, "text")]) is None


def test_outside_blocks_and_formats_nothing_changes() -> None:
    assert vetted(MD, [Edit(0, 5, "Hello")]) == [Edit(0, 5, "Hello")]
    start = MD.index("plain")
    assert vetted(MD, [Edit(start, start + 5, "x")], kind="python") == [Edit(start, start + 5, "x")]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="ab \r\n", max_size=30), st.data())
def test_property_no_pair_is_split(text: str, data: st.DataObject) -> None:
    a = data.draw(st.integers(0, len(text)))
    b = data.draw(st.integers(a, len(text)))
    content = data.draw(st.text(alphabet="x\n", max_size=3))
    edits = vetted(text, [Edit(a, b, content)], kind="python")
    if not edits:
        return
    e = edits[0]
    new = text[: e.start] + e.content + text[e.end :]
    # every \r\n of the text is still there, or went whole
    assert new.count("\r\n") >= text.count("\r\n") - text[e.start : e.end].count("\r\n")
    if "\r\n" in text and "\n" not in text.replace("\r\n", ""):
        assert "\n" not in new.replace("\r\n", "")
