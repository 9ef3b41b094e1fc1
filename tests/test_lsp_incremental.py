"""The editor's re-lint reuses what the previous text left (the parse tree,
the prompts' analyses): its findings must be those of a fresh full check."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lsprotocol import types
from pygls.workspace import Workspace

from prism_lint.config import Settings
from prism_lint.engine import check_source
from prism_lint.extract.shared.reparse import MIN_SIZE, Reparser, changed_span
from prism_lint.lsp.positions import PositionMap
from prism_lint.lsp.session import Session
from prism_lint.lsp.sync import install

FIXTURE = Path(__file__).parent.parent / "fixtures" / "python" / "openai_chat.py"
PADDING = "".join(
    f"\n\ndef helper_{i}(values: list[int]) -> int:\n"
    f"    '''Sum of the values, plus {i}.'''\n"
    f"    return sum(values) + {i}\n"
    for i in range(40)
)
BASE = FIXTURE.read_text(encoding="utf-8") + PADDING
PIECES = [
    "You are an expert ",
    "mathematician. ",
    "Solve the equation. ",
    "x",
    " ",
    '"',
    "'",
    "\n",
    "\\n",
    "(",
    ")",
    "#",
    "é",
    "中",
    "{",
    "}",
    "You are a ",
    ".",
    "def f():\n    ",
    "    ",
    ",",
    "noqa",
]


def fresh_state() -> None:
    """Forget every parse and analysis kept between checks."""
    from prism_lint.analysis import _CACHE
    from prism_lint.extract.python.source import _parser_and_query, forget_trees
    from prism_lint.extract.shared.tree_source import encode

    _CACHE.clear()
    forget_trees()
    encode.cache_clear()
    _parser_and_query.cache_clear()


def findings(diagnostics: list[Any]) -> list[tuple[object, ...]]:
    return [(d.code, d.start, d.end, d.message, d.details) for d in diagnostics]


edits = st.lists(
    st.tuples(st.floats(0, 1), st.integers(0, 12), st.sampled_from(PIECES), st.booleans()),
    min_size=1,
    max_size=25,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edits=edits, encoding=st.sampled_from(["utf-16", "utf-8"]))
def test_property_relint_after_edits_equals_a_fresh_check(
    edits: list[tuple[float, int, str, bool]], encoding: str, tmp_path_factory: Any
) -> None:
    root = tmp_path_factory.mktemp("ws")
    path = str(root / "chat.py")
    uri = Path(path).as_uri()
    workspace = Workspace(root.as_uri())
    install(workspace, encoding)
    workspace.put_text_document(types.TextDocumentItem(uri, "python", 1, BASE))
    session = Session(str(root))
    session.lint(uri, path, BASE, 1)
    version = 1
    for where, length, piece, lint_now in edits:
        text = workspace.get_text_document(uri).source
        # most edits land in a prompt, as when one is being written
        prompts = [i for i in range(len(text)) if text.startswith("You are", i)]
        start = (
            prompts[int(where * len(prompts)) % len(prompts)]
            if prompts and where < 0.7
            else int(where * len(text))
        )
        start = min(start, len(text))
        end = min(len(text), start + length)
        pm = PositionMap(text, encoding)
        a, b = pm.position(start), pm.position(end)
        version += 1
        workspace.update_text_document(
            types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            types.TextDocumentContentChangePartial(
                range=types.Range(
                    types.Position(a.line, a.character), types.Position(b.line, b.character)
                ),
                text=piece,
            ),
        )
        if lint_now:
            session.lint(uri, path, workspace.get_text_document(uri).source, version)
    final = workspace.get_text_document(uri).source
    linted = session.lint(uri, path, final, version)
    assert linted is not None
    settings_ = session.settings_for(path)
    fresh_state()
    expected = check_source(path, final, settings_, named=False, fixes=False)
    assert findings(linted.result.diagnostics) == findings(expected.diagnostics)


def test_an_edit_in_a_prompt_is_reported_at_once() -> None:
    """The reused state follows the text: a persona typed in is found, and
    found gone once deleted again."""
    session = Session()
    path = "/nonexistent/chat.py"
    settings_ = Settings()
    session.settings_for = lambda _path: settings_  # type: ignore[method-assign]
    clean = BASE.replace("You are an expert Python developer. ", "")
    before = session.lint("file:///chat.py", path, clean, 1)
    after = session.lint("file:///chat.py", path, BASE, 2)
    again = session.lint("file:///chat.py", path, clean, 3)
    assert before is not None and after is not None and again is not None
    codes = [d.code for d in after.result.diagnostics]
    assert codes.count("PRS101") == [d.code for d in before.result.diagnostics].count("PRS101") + 1
    assert findings(again.result.diagnostics) == findings(before.result.diagnostics)


def _shape(node: Any) -> list[tuple[object, ...]]:
    out, stack = [], [node]
    while stack:
        n = stack.pop()
        out.append(
            (
                n.type,
                n.start_byte,
                n.end_byte,
                n.start_point,
                n.end_point,
                n.is_missing,
                n.has_error,
            )
        )
        stack.extend(reversed(n.children))
    return out


@settings(max_examples=80, deadline=None)
@given(
    edits=st.lists(
        st.tuples(st.floats(0, 1), st.integers(0, 8), st.sampled_from(PIECES)),
        min_size=1,
        max_size=15,
    )
)
def test_property_a_reparsed_tree_is_the_fresh_tree(edits: list[tuple[float, int, str]]) -> None:
    import tree_sitter
    import tree_sitter_python

    language = tree_sitter.Language(tree_sitter_python.language())
    fresh = tree_sitter.Parser(language)
    reparser = Reparser(tree_sitter.Parser(language))
    text = BASE
    old_tree = reparser.parse(text.encode())
    old_shape = _shape(old_tree.root_node)
    for where, length, piece in edits:
        start = int(where * len(text))
        text = text[:start] + piece + text[start + length :]
        data = text.encode("utf-8")
        assert _shape(reparser.parse(data).root_node) == _shape(fresh.parse(data).root_node)
    assert _shape(old_tree.root_node) == old_shape  # an earlier tree is never edited


@given(old=st.text(max_size=40), new=st.text(max_size=40), keep=st.text(min_size=1, max_size=60))
def test_property_changed_span_turns_old_into_new(old: str, new: str, keep: str) -> None:
    a = (keep + old + keep).encode("utf-8", "surrogatepass")
    b = (keep + new + keep).encode("utf-8", "surrogatepass")
    span = changed_span(a, b)
    if span is None:  # only a text that shares less than half of itself
        assert 4 * len(keep.encode("utf-8", "surrogatepass")) < len(b)
        return
    start, old_end, new_end = span
    assert a[:start] + b[start:new_end] + a[old_end:] == b
    assert len(a) - old_end == len(b) - new_end
    for at, data in ((start, b), (new_end, b), (old_end, a)):  # on character boundaries
        assert at == len(data) or data[at] & 0xC0 != 0x80


def test_small_texts_parse_from_nothing() -> None:
    assert len(BASE.encode()) > MIN_SIZE  # the property tests exercise the reuse
