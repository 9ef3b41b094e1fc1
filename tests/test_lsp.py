"""The language server, end to end: a real ``prism-lint server`` subprocess
driven by pytest-lsp with the captured capabilities of real editors.

- VS Code 1.65: UTF-16 positions, push diagnostics, versioned edits;
- Neovim 0.11: UTF-8 positions, pull diagnostics, plain ``changes`` edits;
- Emacs 29: UTF-32 positions, push diagnostics.

Expected ranges are computed here independently of the server (splitting
lines only on \\r\\n, \\r and \\n, and counting code units per encoding).
The helpers at the bottom test the pure parts (positions, suppression
edits, settings) without a server.
"""

from __future__ import annotations

import ast
import asyncio
import os
import re
import sys
import textwrap
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

from prism_lint.lines import LineIndex
from prism_lint.lsp.editor_settings import EditorSettings, parse
from prism_lint.lsp.positions import PositionMap
from prism_lint.lsp.session import minimal_edit
from prism_lint.lsp.suppress import ignore_edit
from prism_lint.model import Diagnostic, Document

lsp = pytest.mark.asyncio(loop_scope="module")
TIMEOUT = 10.0

_SCRIPT = Path(sys.executable).with_name("prism-lint")
SERVER = (
    [str(_SCRIPT), "server"] if _SCRIPT.exists() else [sys.executable, "-m", "prism_lint", "server"]
)

# A server whose fixer returns a known fix, so the quick-fix and fix-all
# plumbing is tested whatever the real fixer does: strip the persona and
# the spaces after it; safe for code tasks, unsafe for math tasks.
STUB_FIXES = textwrap.dedent(
    """
    import prism_lint.fix
    from prism_lint.model import Edit, Fix

    def fix_for(unit, analysis, finding, code, settings):
        start, end = unit.to_doc(finding.start, finding.end)
        text = unit.doc.text
        while end < len(text) and text[end] == " ":
            end += 1
        safety = "unsafe" if code == "PRS102" else "safe"
        return Fix("Remove the expert persona", [Edit(start, end, "")], safety)

    prism_lint.fix.fix_for = fix_for
    from prism_lint.lsp import serve
    raise SystemExit(serve())
    """
)
STUB_SERVER = [sys.executable, "-c", STUB_FIXES]

CLIENTS = {
    "visual-studio-code": ("utf-16", False),
    "neovim@v0.11.0": ("utf-8", True),
    "emacs": ("utf-32", False),
}

CODE_PERSONA = "You are a senior Python engineer with 15 years of experience."
CODE_PROMPT = f"{CODE_PERSONA}\nWrite a function that parses ISO-8601 dates.\n"
MATH_PERSONA = "You are an expert mathematician."
MATH_PROMPT = f"{MATH_PERSONA}\nSolve the equation 3x + 5 = 20 and show each step of the algebra.\n"

PYTHON = """\
from openai import OpenAI

client = OpenAI()


def review(code: str) -> str:
    response = client.chat.completions.create(
        model="gpt-4o",
        messages=[
            {"role": "system", "content": "You are a senior Python engineer. "
                                          "Review the code below and fix any bugs."},
            {"role": "user", "content": code},
        ],
    )
    return response.choices[0].message.content
"""

YAML = """\
name: Code review
model: openai/gpt-4o
messages:
  - role: system
    content: You are a senior Python engineer. Review the pull request diff and point out bugs in the code.
  - role: user
    content: "{{diff}}"
"""  # noqa: E501

JINJA = """\
You are a senior Python engineer with 15 years of experience.
Review the following code and fix any bugs:
{{ code }}
"""


# -- independent position arithmetic -------------------------------------------


def _width(text: str, encoding: str) -> int:
    if encoding == "utf-8":
        return len(text.encode("utf-8"))
    if encoding == "utf-16":
        return len(text.encode("utf-16-le")) // 2
    return len(text)


def expected_position(text: str, offset: int, encoding: str) -> tuple[int, int]:
    rows = re.split(r"\r\n|\r|\n", text[:offset])
    return len(rows) - 1, _width(rows[-1], encoding)


def to_offset(text: str, line: int, character: int, encoding: str) -> int:
    starts = [0] + [m.end() for m in re.finditer(r"\r\n|\r|\n", text)]
    start = starts[line]
    m = re.compile(r"\r\n|\r|\n").search(text, start)
    row = text[start : m.start() if m else len(text)]
    for i in range(len(row) + 1):
        if _width(row[:i], encoding) >= character:
            return start + i
    return start + len(row)


def text_in(text: str, rng: types.Range, encoding: str) -> str:
    a = to_offset(text, rng.start.line, rng.start.character, encoding)
    b = to_offset(text, rng.end.line, rng.end.character, encoding)
    return text[a:b]


def apply_edit(text: str, uri: str, edit: types.WorkspaceEdit, encoding: str) -> str:
    if edit.document_changes:
        edits = [e for change in edit.document_changes for e in change.edits]  # type: ignore[union-attr]
    else:
        assert edit.changes is not None
        edits = list(edit.changes[uri])
    spans = [
        (
            to_offset(text, e.range.start.line, e.range.start.character, encoding),
            to_offset(text, e.range.end.line, e.range.end.character, encoding),
            e.new_text,  # type: ignore[union-attr]
        )
        for e in edits
    ]
    for start, end, new in sorted(spans, reverse=True):
        text = text[:start] + new + text[end:]
    return text


# -- the editor side -------------------------------------------------------------


@dataclass
class Editor:
    """What an editor does: open, edit, read diagnostics, ask for actions."""

    client: LanguageClient
    root: Path
    encoding: str
    pull: bool
    init: types.InitializeResult
    registrations: list[types.Registration]
    published: dict[str, list[types.PublishDiagnosticsParams]]
    versions: dict[str, int] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)

    def uri(self, name: str) -> str:
        return (self.root / name).as_uri()

    def open(self, name: str, text: str, language: str) -> str:
        uri = self.uri(name)
        self.versions[uri] = 1
        self.texts[uri] = text
        self.client.text_document_did_open(
            types.DidOpenTextDocumentParams(types.TextDocumentItem(uri, language, 1, text))
        )
        return uri

    def change(self, uri: str, text: str) -> None:
        self.versions[uri] += 1
        self.texts[uri] = text
        self.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                types.VersionedTextDocumentIdentifier(uri=uri, version=self.versions[uri]),
                [types.TextDocumentContentChangeWholeDocument(text=text)],
            )
        )

    def close(self, uri: str) -> None:
        self.client.text_document_did_close(
            types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(uri))
        )

    def open_notebook(
        self, name: str, cells: list[str], languages: list[str] | None = None
    ) -> list[str]:
        """Open a notebook of code cells, in Python unless ``languages`` says
        otherwise; the cells' URIs, in order."""
        nb_uri = self.uri(name)
        # as VS Code spells them: the path and the fragment percent-escaped
        cell_uris = [
            f"vscode-notebook-cell:{(self.root / name).as_uri()[7:]}#W{i}sZmlsZQ%3D%3D"
            for i in range(len(cells))
        ]
        for uri, text in zip(cell_uris, cells, strict=True):
            self.versions[uri] = 1
            self.texts[uri] = text
        self.versions[nb_uri] = 1
        self.client.notebook_document_did_open(
            types.DidOpenNotebookDocumentParams(
                notebook_document=types.NotebookDocument(
                    uri=nb_uri,
                    notebook_type="jupyter-notebook",
                    version=1,
                    cells=[
                        types.NotebookCell(kind=types.NotebookCellKind.Code, document=u)
                        for u in cell_uris
                    ],
                ),
                cell_text_documents=[
                    types.TextDocumentItem(u, language, 1, t)
                    for u, t, language in zip(
                        cell_uris, cells, languages or ["python"] * len(cells), strict=True
                    )
                ],
            )
        )
        return cell_uris

    def change_cell(self, name: str, cell_uri: str, text: str) -> None:
        nb_uri = self.uri(name)
        self.versions[nb_uri] += 1
        self.versions[cell_uri] += 1
        self.texts[cell_uri] = text
        self.client.notebook_document_did_change(
            types.DidChangeNotebookDocumentParams(
                notebook_document=types.VersionedNotebookDocumentIdentifier(
                    version=self.versions[nb_uri], uri=nb_uri
                ),
                change=types.NotebookDocumentChangeEvent(
                    cells=types.NotebookDocumentCellChanges(
                        text_content=[
                            types.NotebookDocumentCellContentChanges(
                                document=types.VersionedTextDocumentIdentifier(
                                    uri=cell_uri, version=self.versions[cell_uri]
                                ),
                                changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
                            )
                        ]
                    )
                ),
            )
        )

    def close_notebook(self, name: str, cell_uris: list[str]) -> None:
        self.client.notebook_document_did_close(
            types.DidCloseNotebookDocumentParams(
                notebook_document=types.NotebookDocumentIdentifier(self.uri(name)),
                cell_text_documents=[types.TextDocumentIdentifier(u) for u in cell_uris],
            )
        )

    async def pushed(
        self, uri: str, until: Callable[[list[types.Diagnostic]], bool], after: int = 0
    ) -> list[types.Diagnostic]:
        """A notebook cell's diagnostics: always pushed, whatever the client."""
        deadline = time.monotonic() + TIMEOUT
        last: list[types.Diagnostic] = []
        while time.monotonic() < deadline:
            for params in self.published.get(uri, [])[after:]:
                last = list(params.diagnostics)
                if until(last):
                    return last
            await asyncio.sleep(0.02)
        raise AssertionError(f"diagnostics for {uri} never satisfied the test; last: {last}")

    def marker(self, uri: str) -> int:
        return len(self.published.get(uri, []))

    async def diagnostics(
        self,
        uri: str,
        until: Callable[[list[types.Diagnostic]], bool] = lambda _: True,
        after: int = 0,
    ) -> list[types.Diagnostic]:
        """The document's diagnostics once ``until`` holds: pulled again and
        again by a pull client; for a push client, the first publication
        (after the ``after``-th) for the current version that satisfies it."""
        deadline = time.monotonic() + TIMEOUT
        last: list[types.Diagnostic] = []
        while time.monotonic() < deadline:
            if self.pull:
                report = await asyncio.wait_for(
                    self.client.text_document_diagnostic_async(
                        types.DocumentDiagnosticParams(types.TextDocumentIdentifier(uri))
                    ),
                    TIMEOUT,
                )
                last = list(report.items)  # type: ignore[union-attr]
                if until(last):
                    return last
            else:
                for params in self.published.get(uri, [])[after:]:
                    if params.version in (None, self.versions.get(uri)):
                        last = list(params.diagnostics)
                        if until(last):
                            return last
            await asyncio.sleep(0.02)
        raise AssertionError(f"diagnostics for {uri} never satisfied the test; last: {last}")

    async def actions(
        self, uri: str, diagnostics: list[types.Diagnostic], only: list[str] | None = None
    ) -> list[types.CodeAction]:
        rng = (
            diagnostics[0].range
            if diagnostics
            else types.Range(types.Position(0, 0), types.Position(0, 0))
        )
        result = await asyncio.wait_for(
            self.client.text_document_code_action_async(
                types.CodeActionParams(
                    types.TextDocumentIdentifier(uri),
                    rng,
                    types.CodeActionContext(diagnostics=diagnostics, only=only),
                )
            ),
            TIMEOUT,
        )
        return [a for a in result or [] if isinstance(a, types.CodeAction)]

    def apply(self, uri: str, action: types.CodeAction) -> str:
        assert action.edit is not None
        return apply_edit(self.texts[uri], uri, action.edit, self.encoding)

    async def configure(self, settings: dict[str, Any]) -> None:
        self.client.set_configuration(settings, section="prismLint")
        self.client.workspace_did_change_configuration(
            types.DidChangeConfigurationParams(settings=None)
        )


def _client_factory(
    published: dict[str, list[types.PublishDiagnosticsParams]],
    registrations: list[types.Registration],
) -> Callable[[], LanguageClient]:
    """A pytest-lsp client that keeps every publication (with its version)
    and answers ``client/registerCapability``."""

    def make() -> LanguageClient:
        client = LanguageClient()
        features = dict(DEFAULT_CLIENT_FEATURES)

        def on_publish(client: LanguageClient, params: types.PublishDiagnosticsParams) -> None:
            client.diagnostics[params.uri] = params.diagnostics
            published.setdefault(params.uri, []).append(params)

        def on_register(client: LanguageClient, params: types.RegistrationParams) -> None:
            registrations.extend(params.registrations)

        features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS] = on_publish
        features[types.CLIENT_REGISTER_CAPABILITY] = on_register
        register_lsp_features(client, features)
        return client

    return make


async def _start(
    request: pytest.FixtureRequest,
    root: Path,
    command: list[str],
    init_options: dict[str, Any] | None,
) -> Any:
    name = request.param
    encoding, pull = CLIENTS[name]
    published: dict[str, list[types.PublishDiagnosticsParams]] = {}
    registrations: list[types.Registration] = []
    config = ClientServerConfig(
        server_command=command,
        client_factory=_client_factory(published, registrations),
        server_env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    client = await config.start()
    assert isinstance(client, LanguageClient)
    caps = client_capabilities(name)
    init = await asyncio.wait_for(
        client.initialize_session(
            types.InitializeParams(
                capabilities=caps,
                root_uri=root.as_uri(),
                workspace_folders=[types.WorkspaceFolder(uri=root.as_uri(), name="ws")],
                initialization_options=init_options,
            )
        ),
        TIMEOUT,
    )
    editor = Editor(client, root, encoding, pull, init, registrations, published)
    return client, editor


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("workspace")
    (root / "pyproject.toml").write_text(
        '[project]\nname = "demo"\nversion = "0"\n\n[tool.prism-lint]\nextend-select = []\n'
    )
    (root / "prompts").mkdir()
    (root / "templates").mkdir()
    (root / "sub").mkdir()
    return root


@pytest_asyncio.fixture(scope="module", loop_scope="module", params=list(CLIENTS))
async def editor(request: pytest.FixtureRequest, workspace: Path) -> Any:
    client, ed = await _start(
        request, workspace, SERVER, {"settings": {"ignore": ["PRS104"], "debounce": 10}}
    )
    yield ed
    await asyncio.wait_for(client.shutdown_session(), TIMEOUT)
    await client.stop()


@pytest_asyncio.fixture(
    scope="module", loop_scope="module", params=["visual-studio-code", "neovim@v0.11.0"]
)
async def stub_editor(request: pytest.FixtureRequest, workspace: Path) -> Any:
    client, ed = await _start(request, workspace, STUB_SERVER, None)
    yield ed
    await asyncio.wait_for(client.shutdown_session(), TIMEOUT)
    await client.stop()


def _only(diags: list[types.Diagnostic], code: str) -> types.Diagnostic:
    found = [d for d in diags if d.code == code]
    assert len(found) == 1, diags
    return found[0]


def _range_of(text: str, needle: str, encoding: str) -> tuple[tuple[int, int], tuple[int, int]]:
    start = text.index(needle)
    return (
        expected_position(text, start, encoding),
        expected_position(text, start + len(needle), encoding),
    )


def _as_tuple(rng: types.Range) -> tuple[tuple[int, int], tuple[int, int]]:
    return (rng.start.line, rng.start.character), (rng.end.line, rng.end.character)


# -- initialize --------------------------------------------------------------------


@lsp
async def test_initialize_negotiates_encoding_and_capabilities(editor: Editor) -> None:
    caps = editor.init.capabilities
    assert editor.init.server_info is not None
    assert editor.init.server_info.name == "prism-lint"
    assert caps.position_encoding == editor.encoding
    sync = caps.text_document_sync
    assert isinstance(sync, types.TextDocumentSyncOptions)
    assert sync.change == types.TextDocumentSyncKind.Incremental
    assert sync.save is not None
    assert isinstance(caps.code_action_provider, types.CodeActionOptions)
    assert set(caps.code_action_provider.code_action_kinds or []) == {
        "quickfix",
        "source.fixAll.prism-lint",
    }
    assert isinstance(caps.diagnostic_provider, types.DiagnosticOptions)
    assert caps.diagnostic_provider.identifier == "prism-lint"
    client_caps = editor.client.capabilities
    assert client_caps is not None and client_caps.workspace is not None
    watch = client_caps.workspace.did_change_watched_files
    if watch is not None and watch.dynamic_registration:
        # registered from the server's `initialized` handler, soon after
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline and not editor.registrations:
            await asyncio.sleep(0.02)
        registration = next(
            r for r in editor.registrations if r.method == types.WORKSPACE_DID_CHANGE_WATCHED_FILES
        )
        options = registration.register_options
        assert isinstance(options, dict)
        globs = {w["globPattern"] for w in options["watchers"]}
        assert {"**/pyproject.toml", "**/prism-lint.toml"} <= globs
    else:
        assert not any(
            r.method == types.WORKSPACE_DID_CHANGE_WATCHED_FILES for r in editor.registrations
        )


# -- diagnostics per file kind -------------------------------------------------------


@lsp
async def test_markdown_diagnostic_is_ranged_on_the_persona(editor: Editor) -> None:
    uri = editor.open("prompts/code_review.md", CODE_PROMPT, "markdown")
    diags = await editor.diagnostics(uri, lambda d: len(d) > 0)
    d = _only(diags, "PRS101")
    assert _as_tuple(d.range) == _range_of(CODE_PROMPT, CODE_PERSONA, editor.encoding)
    assert text_in(CODE_PROMPT, d.range, editor.encoding) == CODE_PERSONA
    assert d.source == "prism-lint"
    assert d.severity == types.DiagnosticSeverity.Warning
    assert d.code_description is not None and "prs101" in d.code_description.href


@lsp
async def test_python_diagnostic(editor: Editor) -> None:
    uri = editor.open("agent.py", PYTHON, "python")
    diags = await editor.diagnostics(uri, lambda d: len(d) > 0)
    d = _only(diags, "PRS101")
    assert text_in(PYTHON, d.range, editor.encoding) == "You are a senior Python engineer."
    assert _as_tuple(d.range) == _range_of(
        PYTHON, "You are a senior Python engineer.", editor.encoding
    )


@lsp
async def test_unsaved_buffer_is_read_by_its_language(editor: Editor) -> None:
    uri = "untitled:Untitled-1"
    editor.versions[uri] = 1
    editor.texts[uri] = PYTHON
    editor.client.text_document_did_open(
        types.DidOpenTextDocumentParams(types.TextDocumentItem(uri, "python", 1, PYTHON))
    )
    diags = await editor.diagnostics(uri, lambda d: len(d) > 0)
    assert _only(diags, "PRS101")


@lsp
async def test_yaml_diagnostic(editor: Editor) -> None:
    uri = editor.open("review.prompt.yml", YAML, "yaml")
    diags = await editor.diagnostics(uri, lambda d: len(d) > 0)
    d = _only(diags, "PRS101")
    assert _as_tuple(d.range) == _range_of(
        YAML, "You are a senior Python engineer.", editor.encoding
    )


@lsp
async def test_jinja_diagnostic(editor: Editor) -> None:
    uri = editor.open("templates/review.j2", JINJA, "jinja")
    diags = await editor.diagnostics(uri, lambda d: len(d) > 0)
    d = _only(diags, "PRS101")
    assert text_in(JINJA, d.range, editor.encoding) == CODE_PERSONA


@lsp
async def test_non_ascii_and_line_separators(editor: Editor) -> None:
    """U+2028 and a form feed are not line breaks in LSP; emoji and umlauts
    count differently in UTF-8, UTF-16 and UTF-32."""
    persona = "You are a senior Python engineer from Zürich."
    text = (
        "# Notes für Café ☕\u2028still the first line\f and more 😀\r\n"
        f"Grüße 😀. {persona} Write a function that parses ISO-8601 dates.\n"
    )
    uri = editor.open("prompts/unicode.md", text, "markdown")
    diags = await editor.diagnostics(uri, lambda d: len(d) > 0)
    d = _only(diags, "PRS101")
    assert d.range.start.line == 1  # str.splitlines would say 3
    assert _as_tuple(d.range) == _range_of(text, persona, editor.encoding)
    assert text_in(text, d.range, editor.encoding) == persona
    # After an edit above it (full sync), it moves with the text.
    edited = "Ünïcödé 😀😀\u2028\n" + text
    marker = editor.marker(uri)
    editor.change(uri, edited)
    diags = await editor.diagnostics(
        uri, lambda ds: any(x.range.start.line == 2 for x in ds), after=marker
    )
    assert _as_tuple(_only(diags, "PRS101").range) == _range_of(edited, persona, editor.encoding)


@lsp
async def test_change_and_close(editor: Editor) -> None:
    clean = "Write a function that parses ISO-8601 dates.\n"
    uri = editor.open("prompts/changing.md", clean, "markdown")
    assert await editor.diagnostics(uri) == []
    marker = editor.marker(uri)
    editor.change(uri, CODE_PROMPT)
    diags = await editor.diagnostics(uri, lambda d: len(d) == 1, after=marker)
    assert diags[0].code == "PRS101"
    marker = editor.marker(uri)
    editor.change(uri, clean)
    assert await editor.diagnostics(uri, lambda d: d == [], after=marker) == []
    if editor.pull:
        # a pull with the last result id and no change since: "unchanged"
        ident = types.TextDocumentIdentifier(uri)
        first = await editor.client.text_document_diagnostic_async(
            types.DocumentDiagnosticParams(ident)
        )
        assert first.kind == "full" and first.result_id
        again = await editor.client.text_document_diagnostic_async(
            types.DocumentDiagnosticParams(ident, previous_result_id=first.result_id)
        )
        assert again.kind == "unchanged" and again.result_id == first.result_id
        editor.change(uri, MATH_PROMPT)
        changed = await editor.client.text_document_diagnostic_async(
            types.DocumentDiagnosticParams(ident, previous_result_id=first.result_id)
        )
        assert changed.kind == "full"
        assert [d.code for d in changed.items] == ["PRS102"]  # type: ignore[union-attr]
    else:
        # closing clears what was published
        editor.change(uri, CODE_PROMPT)
        await editor.diagnostics(uri, lambda d: len(d) == 1)
        marker = editor.marker(uri)
        editor.close(uri)
        deadline = time.monotonic() + TIMEOUT
        while editor.marker(uri) == marker and time.monotonic() < deadline:
            await asyncio.sleep(0.02)
        assert list(editor.published[uri][-1].diagnostics) == []


async def _type_a_burst(editor: Editor, name: str) -> None:
    """Fifteen edits in a row, then a math prompt: the last text is linted,
    and a push client gets far fewer publications than changes."""
    uri = editor.open(name, "Write a haiku.\n", "markdown")
    await editor.diagnostics(uri)
    for i in range(15):
        editor.change(uri, f"Draft {i}. Write a haiku.\n")
    editor.change(uri, MATH_PROMPT)
    diags = await editor.diagnostics(uri, lambda d: len(d) == 1)
    assert diags[0].code == "PRS102"
    if not editor.pull:
        assert len(editor.published[uri]) < 10  # coalesced


@lsp
async def test_burst_of_changes_is_linted_for_the_last_text(editor: Editor) -> None:
    await _type_a_burst(editor, "prompts/burst.md")  # the fixture's 10 ms debounce


@lsp
async def test_a_burst_is_coalesced_with_no_debounce(editor: Editor) -> None:
    """The default: a lint starts at once, and the edits made while it runs
    are merged into one more lint, not linted one by one."""
    await editor.configure({"debounce": 0})
    try:
        await _type_a_burst(editor, "prompts/burst0.md")
    finally:
        await editor.configure({"ignore": ["PRS104"], "debounce": 10})


# -- settings ---------------------------------------------------------------------


@lsp
async def test_initialization_options_apply(editor: Editor) -> None:
    # The fixture starts the server with ignore = ["PRS104"].
    text = "You are a senior hiring manager. Grade this essay from 1 to 10 against the rubric.\n"
    uri = editor.open("prompts/grading.md", text, "markdown")
    assert await editor.diagnostics(uri) == []
    marker = editor.marker(uri)
    await editor.configure({"ignore": []})
    try:
        diags = await editor.diagnostics(uri, lambda d: len(d) == 1, after=marker)
        assert diags[0].code == "PRS104"
    finally:
        await editor.configure({"ignore": ["PRS104"]})


@lsp
async def test_workspace_configuration_change(editor: Editor) -> None:
    uri = editor.open("prompts/configured.md", CODE_PROMPT, "markdown")
    await editor.diagnostics(uri, lambda d: len(d) == 1)
    marker = editor.marker(uri)
    await editor.configure({"ignore": ["PRS101"]})
    assert await editor.diagnostics(uri, lambda d: d == [], after=marker) == []
    marker = editor.marker(uri)
    await editor.configure({"ignore": ["PRS104"]})
    diags = await editor.diagnostics(uri, lambda d: len(d) == 1, after=marker)
    assert diags[0].code == "PRS101"


@lsp
async def test_bad_settings_are_reported(editor: Editor) -> None:
    await editor.configure({"select": ["PRS999"], "ignore": ["PRS104"]})
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        if any("PRS999" in m.message for m in editor.client.messages):
            break
        await asyncio.sleep(0.02)
    assert any(
        "PRS999" in m.message and m.type == types.MessageType.Error for m in editor.client.messages
    )
    await editor.configure({"ignore": ["PRS104"]})


@lsp
async def test_config_file_change_reloads(editor: Editor) -> None:
    # sub/ is not a prompt folder, and the file does not open as a prompt:
    # include it through config
    uri = editor.open("sub/code.md", "Notes kept for the team.\n\n" + CODE_PROMPT, "markdown")
    assert await editor.diagnostics(uri) == []
    config = editor.root / "sub" / "prism-lint.toml"
    config.write_text('include = ["*.md"]\n')
    try:
        marker = editor.marker(uri)
        editor.client.workspace_did_change_watched_files(
            types.DidChangeWatchedFilesParams(
                [types.FileEvent(uri=config.as_uri(), type=types.FileChangeType.Created)]
            )
        )
        diags = await editor.diagnostics(uri, lambda d: len(d) == 1, after=marker)
        assert diags[0].code == "PRS101"
    finally:
        config.unlink()
    marker = editor.marker(uri)
    editor.client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            [types.FileEvent(uri=config.as_uri(), type=types.FileChangeType.Deleted)]
        )
    )
    assert await editor.diagnostics(uri, lambda d: d == [], after=marker) == []


# -- code actions: ignore this finding --------------------------------------------------


async def _ignore(editor: Editor, uri: str) -> str:
    diags = await editor.diagnostics(uri, lambda d: len(d) > 0)
    d = _only(diags, "PRS101")
    actions = await editor.actions(uri, [d], only=["quickfix"])
    ignore = [a for a in actions if "Ignore" in a.title]
    assert len(ignore) == 1, actions
    assert ignore[0].kind == "quickfix"
    new = editor.apply(uri, ignore[0])
    marker = editor.marker(uri)
    editor.change(uri, new)
    assert await editor.diagnostics(uri, lambda ds: ds == [], after=marker) == []
    return new


@lsp
async def test_ignore_action_markdown(editor: Editor) -> None:
    uri = editor.open("prompts/ignore_me.md", "# Reviewer\n\n" + CODE_PROMPT, "markdown")
    new = await _ignore(editor, uri)
    assert new == "# Reviewer\n\n<!-- prism: ignore[PRS101] -->\n" + CODE_PROMPT


@lsp
async def test_ignore_action_python(editor: Editor) -> None:
    uri = editor.open("ignore_agent.py", PYTHON, "python")
    new = await _ignore(editor, uri)
    assert "# noqa: PRS101" in new
    tree_before, tree_after = ast.dump(ast.parse(PYTHON)), ast.dump(ast.parse(new))
    assert tree_before == tree_after  # a comment, not a change to any string
    assert new.replace("  # noqa: PRS101", "") == PYTHON


@lsp
async def test_ignore_action_yaml(editor: Editor) -> None:
    uri = editor.open("ignore.prompt.yml", YAML, "yaml")
    new = await _ignore(editor, uri)
    assert "# prism: ignore[PRS101]" in new
    assert yaml.safe_load(new) == yaml.safe_load(YAML)


@lsp
async def test_ignore_action_jinja(editor: Editor) -> None:
    uri = editor.open("templates/ignore.j2", JINJA, "jinja")
    new = await _ignore(editor, uri)
    assert new.startswith("{# prism: ignore[PRS101] #}\n")
    import jinja2

    env = jinja2.Environment()
    assert (
        env.from_string(new).render(code="x").strip()
        == env.from_string(JINJA).render(code="x").strip()
    )


# -- code actions: quick fix and fix all (stubbed fixer) -----------------------------------


@lsp
async def test_quick_fix_applies_the_fix(stub_editor: Editor) -> None:
    ed = stub_editor
    uri = ed.open("prompts/fix_me.md", CODE_PROMPT, "markdown")
    d = _only(await ed.diagnostics(uri, lambda x: len(x) > 0), "PRS101")
    actions = await ed.actions(uri, [d], only=["quickfix"])
    fixes = [a for a in actions if "Remove the expert persona" in a.title]
    assert len(fixes) == 1
    fix = fixes[0]
    assert fix.is_preferred is True and "(unsafe)" not in fix.title
    assert fix.diagnostics and fix.diagnostics[0].code == "PRS101"
    assert fix.edit is not None
    if ed.client.capabilities and ed.client.capabilities.workspace.workspace_edit.document_changes:  # type: ignore[union-attr]
        assert fix.edit.document_changes and fix.edit.changes is None
    else:
        assert fix.edit.changes and fix.edit.document_changes is None
    new = ed.apply(uri, fix)
    assert new == CODE_PROMPT.replace(CODE_PERSONA, "")
    marker = ed.marker(uri)
    ed.change(uri, new)
    assert await ed.diagnostics(uri, lambda x: x == [], after=marker) == []


@lsp
async def test_unsafe_quick_fix_is_offered_but_not_preferred(stub_editor: Editor) -> None:
    ed = stub_editor
    uri = ed.open("prompts/unsafe.md", MATH_PROMPT, "markdown")
    d = _only(await ed.diagnostics(uri, lambda x: len(x) > 0), "PRS102")
    actions = await ed.actions(uri, [d])
    fix = next(a for a in actions if "Remove the expert persona" in a.title)
    assert "(unsafe)" in fix.title and not fix.is_preferred
    # fix-all applies safe fixes only
    assert not [a for a in actions if a.kind == "source.fixAll.prism-lint"]


@lsp
async def test_fix_all(stub_editor: Editor) -> None:
    ed = stub_editor
    uri = ed.open("prompts/fix_all.md", "Intro line.\n" + CODE_PROMPT, "markdown")
    diags = await ed.diagnostics(uri, lambda x: len(x) > 0)
    for only in (["source.fixAll"], ["source.fixAll.prism-lint"], ["source"]):
        actions = await ed.actions(uri, diags, only=only)
        assert [a.kind for a in actions] == ["source.fixAll.prism-lint"], only
    assert await ed.actions(uri, diags, only=["source.organizeImports"]) == []
    action = (await ed.actions(uri, [], only=["source.fixAll"]))[0]
    new = ed.apply(uri, action)
    assert new == "Intro line.\n" + CODE_PROMPT.replace(CODE_PERSONA, "")
    # unsafe fixes join fix-all when the settings allow them
    math = ed.open("prompts/fix_all_unsafe.md", MATH_PROMPT, "markdown")
    await ed.diagnostics(math, lambda x: len(x) > 0)
    assert await ed.actions(math, [], only=["source.fixAll"]) == []
    await ed.configure({"unsafeFixes": True})
    try:
        deadline = time.monotonic() + TIMEOUT
        fix_all: list[types.CodeAction] = []
        while not fix_all and time.monotonic() < deadline:
            fix_all = await ed.actions(math, [], only=["source.fixAll"])
            await asyncio.sleep(0.02)
        assert ed.apply(math, fix_all[0]) == MATH_PROMPT.replace(MATH_PERSONA, "")
    finally:
        await ed.configure({"unsafeFixes": False})


@lsp
async def test_real_fixer_offers_a_quick_fix(editor: Editor) -> None:
    """With the real fixer, a plain persona sentence has a fix."""
    uri = editor.open("prompts/real_fix.md", CODE_PROMPT, "markdown")
    d = _only(await editor.diagnostics(uri, lambda x: len(x) > 0), "PRS101")
    actions = await editor.actions(uri, [d], only=["quickfix"])
    fixes = [a for a in actions if "Ignore" not in a.title]
    assert fixes, "no quick fix: prism_lint.fix.fix_for returned None"
    new = editor.apply(uri, fixes[0])
    assert CODE_PERSONA not in new and "ISO-8601" in new


# -- notebooks ------------------------------------------------------------------------

NB_SETUP = (
    "from openai import OpenAI\n\nclient = OpenAI()\n"
    'PERSONA = "You are a senior Python engineer."\n'
)
NB_CALL = (
    "%%time\n"
    "reply = client.chat.completions.create(\n"
    '    model="gpt-4o",\n'
    '    messages=[{"role": "system",\n'
    '               "content": PERSONA + " Write a function that sorts a list."}],\n'
    ")\n"
)


@lsp
async def test_notebook_cells_are_checked_together(editor: Editor) -> None:
    """The persona is defined in one cell and sent in the next: the finding
    lands on the cell that holds the persona text, at its exact range."""
    sync = editor.init.capabilities.notebook_document_sync
    declared = (
        editor.client.capabilities is not None
        and editor.client.capabilities.notebook_document is not None
    )
    # advertised to clients that declare notebook support (pygls's rule)
    assert isinstance(sync, types.NotebookDocumentSyncOptions) if declared else sync is None
    cells = editor.open_notebook("nb/demo.ipynb", [NB_SETUP, NB_CALL, "print('done')\n"])
    found = _only(await editor.pushed(cells[0], lambda x: len(x) > 0), "PRS101")
    assert text_in(NB_SETUP, found.range, editor.encoding) == "You are a senior Python engineer."
    assert await editor.pushed(cells[1], lambda x: x == []) == []
    assert await editor.pushed(cells[2], lambda x: x == []) == []


@lsp
async def test_a_notebook_cell_in_another_language_is_not_read_as_python(editor: Editor) -> None:
    """A shell cell (``pip install``) of a notebook, as VS Code syncs it with
    its own language: no syntax error, and the Python cells still checked."""
    cells = editor.open_notebook(
        "nb/setup.ipynb",
        [NB_SETUP, 'pip install -U "openai"\n', NB_CALL],
        ["python", "shellscript", "python"],
    )
    found = _only(await editor.pushed(cells[0], lambda x: len(x) > 0), "PRS101")
    assert text_in(NB_SETUP, found.range, editor.encoding) == "You are a senior Python engineer."
    assert await editor.pushed(cells[1], lambda x: x == []) == []
    assert await editor.pushed(cells[2], lambda x: x == []) == []


@lsp
async def test_escaped_uris_are_answered_as_sent(editor: Editor) -> None:
    """A space (or a Windows drive) is escaped in the URI the client sends;
    the server must answer on that URI, for files and for notebook cells."""
    uri = editor.open("prompts/with space.md", CODE_PROMPT, "markdown")
    assert "%20" in uri
    found = await editor.diagnostics(uri, lambda x: len(x) > 0)
    assert _only(found, "PRS101")
    cells = editor.open_notebook("nb/with space.ipynb", [NB_SETUP, NB_CALL])
    d = _only(await editor.pushed(cells[0], lambda x: len(x) > 0), "PRS101")
    assert [a for a in await editor.actions(cells[0], [d]) if "Ignore" not in a.title]


@lsp
async def test_notebook_cell_change_and_close(editor: Editor) -> None:
    cells = editor.open_notebook("nb/change.ipynb", [NB_SETUP, NB_CALL])
    await editor.pushed(cells[0], lambda x: len(x) > 0)
    mark = editor.marker(cells[0])
    calm = NB_SETUP.replace("You are a senior Python engineer.", "Be brief.")
    editor.change_cell("nb/change.ipynb", cells[0], calm)
    assert await editor.pushed(cells[0], lambda x: x == [], after=mark) == []
    editor.change_cell("nb/change.ipynb", cells[0], NB_SETUP)
    await editor.pushed(cells[0], lambda x: len(x) > 0, after=mark + 1)
    mark = editor.marker(cells[0])
    editor.close_notebook("nb/change.ipynb", cells)
    assert await editor.pushed(cells[0], lambda x: x == [], after=mark) == []


@lsp
async def test_notebook_cell_quick_fix_edits_the_cell(editor: Editor) -> None:
    cells = editor.open_notebook("nb/fix.ipynb", [NB_SETUP, NB_CALL])
    d = _only(await editor.pushed(cells[0], lambda x: len(x) > 0), "PRS101")
    actions = await editor.actions(cells[0], [d])
    fixes = [a for a in actions if "Ignore" not in a.title]
    assert fixes and all(a.kind == "quickfix" for a in actions)
    new = editor.apply(cells[0], fixes[0])
    assert "You are a senior Python engineer." not in new and "PERSONA" in new
    ignore = [a for a in actions if "Ignore" in a.title]
    assert ignore and "# noqa: PRS101" in editor.apply(cells[0], ignore[0])
    everything = await editor.actions(cells[0], [], only=["source.fixAll.prism-lint"])
    assert everything == []  # asked per cell at once: a notebook-wide edit would repeat


# -- pure parts ----------------------------------------------------------------------


def test_notebook_sync_offered_for_python_cells() -> None:
    """What a client that declares notebook support is offered (pygls sends
    it only then; the captured clients above predate LSP notebooks)."""
    from lsprotocol.converters import get_converter

    from prism_lint.lsp.server import PrismServer

    offered = get_converter().unstructure(PrismServer()._notebook_document_sync)
    assert offered == {"notebookSelector": [{"cells": [{"language": "python"}]}]}


def _diag(text: str, needle: str, first: int, last: int, path: str = "x") -> Diagnostic:
    start = text.index(needle)
    return Diagnostic(
        "PRS101",
        "expert-persona-code-task",
        "m",
        Document(path, text),
        start,
        start + len(needle),
        anchor_first_row=first,
        anchor_last_row=last,
    )


def _applied(text: str, d: Diagnostic, kind: str) -> str:
    edit = ignore_edit(kind, d)
    assert edit is not None
    return text[: edit.start] + edit.content + text[edit.end :]


def test_noqa_goes_after_the_statement_not_inside_the_string() -> None:
    text = 'PROMPT = f"""\nYou are a senior Python engineer. {x}\nWrite code.\n"""  # keep\nz = 1\n'
    d = _diag(text, "You are a senior Python engineer.", 1, 2)  # an anchor row in the string
    new = _applied(text, d, "python")
    assert new.splitlines()[3] == '"""  # keep  # noqa: PRS101'
    assert ast.dump(ast.parse(new)) == ast.dump(ast.parse(text))


def test_noqa_after_backslash_continuation_and_merge() -> None:
    text = 'P = "You are a senior Python engineer." \\\n    "Fix it."\n'
    d = _diag(text, "You are a senior Python engineer.", 1, 1)
    assert _applied(text, d, "python").splitlines()[1] == '    "Fix it."  # noqa: PRS101'
    merged = 'P = "You are a senior Python engineer. Fix it."  # noqa: E501\n'
    d = _diag(merged, "You are a senior Python engineer.", 1, 1)
    assert _applied(merged, d, "python").endswith("# noqa: E501, PRS101\n")
    blanket = 'P = "You are a senior Python engineer. Fix it."  # noqa\n'
    assert ignore_edit("python", _diag(blanket, "You are", 1, 1)) is None


def test_ignore_comment_above_for_yaml_and_markdown_keeps_line_ends() -> None:
    text = "a: 1\r\nitems:\r\n  - role: system\r\n    content: You are an expert.\r\n"
    d = _diag(text, "You are an expert.", 3, 4)
    new = _applied(text, d, "yaml")
    assert new.split("\r\n")[2] == "  # prism: ignore[PRS101]"
    assert yaml.safe_load(new) == yaml.safe_load(text)
    md = "Intro\n<!-- prism: ignore[PRS102] -->\nYou are an expert.\n"
    merged = _applied(md, _diag(md, "You are an expert.", 1, 3), "markdown")
    assert merged == "Intro\n<!-- prism: ignore[PRS102, PRS101] -->\nYou are an expert.\n"


def test_no_ignore_action_for_file_errors_or_notebooks() -> None:
    d = _diag("x = 1\n", "x", 1, 1)
    d.anchor_last_row = None
    assert ignore_edit("python", d) is None
    assert ignore_edit("notebook", _diag("x = 1\n", "x", 1, 1)) is None  # cells are "python"


_TEXT = st.text(alphabet=st.sampled_from(list("ab \t\r\n\u2028\x0cé😀€\ufeff")), max_size=40)


@given(_TEXT, st.sampled_from(["utf-8", "utf-16", "utf-32"]), st.data())
@settings(max_examples=150, deadline=None)
def test_position_map_matches_independent_arithmetic(text: str, enc: str, data: Any) -> None:
    pm = PositionMap(text, enc)
    offset = data.draw(st.integers(0, len(text)))
    if 0 < offset < len(text) and text[offset - 1 : offset + 1] == "\r\n":
        offset -= 1  # between \r and \n is no position at all
    pos = pm.position(offset)
    assert (pos.line, pos.character) == expected_position(text, offset, enc)
    assert pm.offset(pos) == offset


@given(st.text(max_size=30), st.text(max_size=30))
@settings(max_examples=150, deadline=None)
def test_minimal_edit_turns_old_into_new(old: str, new: str) -> None:
    edit = minimal_edit(old, new)
    if old == new:
        assert edit is None
        return
    assert edit is not None
    assert old[: edit.start] + edit.content + old[edit.end :] == new


def test_editor_settings_parse_and_apply() -> None:
    from prism_lint.config import Settings

    parsed = parse(
        {
            "settings": {
                "select": "PRS1, PRS2",
                "lint": {"ignore": ["prs104"]},
                "unsafeFixes": True,
                "codeAction": {"disableRuleComment": {"enable": False}},
                "run": "sometimes",
            }
        }
    )
    assert parsed.select == ("PRS1", "PRS2") and parsed.ignore == ("PRS104",)
    assert parsed.unsafe_fixes is True and parsed.disable_rule_comment is False
    assert parsed.run == "onType" and any("run" in p for p in parsed.problems)
    project = Settings(ignore=("PRS105",), source="pyproject.toml")
    applied = parsed.apply(project)
    assert applied.select == ("PRS1", "PRS2") and applied.ignore == ("PRS105", "PRS104")
    assert applied.unsafe_fixes is True
    fs_first = parse({"configurationPreference": "filesystemFirst"}, parsed)
    assert fs_first.apply(project) == project
    assert fs_first.apply(Settings()).select == ("PRS1", "PRS2")
    assert parse({"select": ["PRS999"]}).select is None
    assert EditorSettings().apply(project) == project
    assert LineIndex("a\u2028b").rows == 1


_P = CODE_PERSONA
IGNORE_SAMPLES = {
    "agent.py": PYTHON,
    "review.prompt.yml": YAML,
    "templates/review.j2": JINJA,
    "prompts/review.md": "# Reviewer\n\n" + CODE_PROMPT,
    ".cursorrules": CODE_PROMPT,
    "reviewer.prompty": (
        f"---\nname: reviewer\nmodel:\n  api: chat\n---\nsystem:\n{_P}\n"
        "Review the code and fix any bugs.\n\nuser:\n{{code}}\n"
    ),
    "review.prompt": (
        '---\nmodel: googleai/gemini-2.0-flash\n---\n{{role "system"}}\n'
        f'{_P}\nReview the code and fix any bugs.\n{{{{role "user"}}}}\n{{{{code}}}}\n'
    ),
    "agent.ts": (
        "async function review(code: string) {\n"
        "  const r = await openai.chat.completions.create({\n"
        '    model: "gpt-4o",\n'
        f'    messages: [{{ role: "system", content: `{_P} Fix the bugs.` }}],\n'
        "  });\n}\n"
    ),
}


@pytest.mark.parametrize("name", list(IGNORE_SAMPLES))
def test_ignore_edit_silences_the_finding_in_every_format(name: str) -> None:
    """The comment each format gets is one its extractor reads as a suppression."""
    from prism_lint.config import Settings
    from prism_lint.engine import check_source

    text = IGNORE_SAMPLES[name]
    result = check_source(name, text, Settings())
    codes = [d.code for d in result.diagnostics]
    assert codes == ["PRS101"], (name, result.diagnostics)
    edit = ignore_edit(result.kind, result.diagnostics[0])
    assert edit is not None and edit.start == edit.end  # inserts, never rewrites
    new = text[: edit.start] + edit.content + text[edit.end :]
    assert "PRS101" in edit.content
    assert check_source(name, new, Settings()).diagnostics == []
