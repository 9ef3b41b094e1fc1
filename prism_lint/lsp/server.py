"""The language server: pygls handlers around :class:`Session`.

Design, after ruff's server:

- incremental document sync, applied with our own line index
  (:mod:`.sync`); positions through that index in the negotiated encoding
  (pygls splits lines with ``str.splitlines``, which breaks on U+2028 where
  LSP does not);
- pull diagnostics when the client can pull, push otherwise; a push after
  a change starts at once (or after the ``debounce`` setting), and the
  edits that arrive while it runs are coalesced into one more lint;
- every lint runs on one worker thread, so the event loop keeps answering;
- code actions: each finding's fix, a suppression comment, and
  ``source.fixAll.prism-lint`` (safe fixes; unsafe ones only when enabled);
- settings from ``initializationOptions`` and ``workspace/configuration``;
  config files are watched and re-read when they change.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import unquote, urlparse

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from prism_lint import __version__
from prism_lint.config import CONFIG_FILES
from prism_lint.extract import kind_of
from prism_lint.formats import LANGUAGE_SUFFIX
from prism_lint.lsp import editor_settings
from prism_lint.lsp.notebooks import View, cell_views, notebook_json
from prism_lint.lsp.positions import UTF8, UTF16, UTF32, PositionMap
from prism_lint.lsp.session import Linted, Session, minimal_edit
from prism_lint.lsp.suppress import ignore_edit
from prism_lint.model import Diagnostic, Edit
from prism_lint.report.common import url
from prism_lint.rules import catalogue, load_rule

log = logging.getLogger("prism_lint.lsp")

SOURCE = "prism-lint"
FIX_ALL = "source.fixAll.prism-lint"
QUICK_FIX = types.CodeActionKind.QuickFix.value
WATCHED = tuple(f"**/{name}" for name in CONFIG_FILES)

# A rule's SARIF level as the editor shows it.
_SEVERITY = {
    "error": types.DiagnosticSeverity.Error,
    "warning": types.DiagnosticSeverity.Warning,
    "note": types.DiagnosticSeverity.Hint,
}

T = TypeVar("T")


def capability(obj: Any, dotted: str) -> Any:
    """A nested client capability, or None where any link is missing."""
    for name in dotted.split("."):
        obj = getattr(obj, name, None)
        if obj is None:
            return None
    return obj


@dataclass
class _Pending:
    task: asyncio.Task[None] | None = None
    dirty: bool = False


@dataclass
class _State:
    pull: bool = False
    refresh: bool = False
    document_changes: bool = False
    encoding: str = UTF16
    init_editor: editor_settings.EditorSettings = field(
        default_factory=editor_settings.EditorSettings
    )
    shown: set[str] = field(default_factory=set)


class PrismServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__(
            "prism-lint",
            __version__,
            text_document_sync_kind=types.TextDocumentSyncKind.Incremental,
            notebook_document_sync=types.NotebookDocumentSyncOptions(
                notebook_selector=[
                    types.NotebookDocumentFilterWithCells(
                        cells=[types.NotebookCellLanguage(language="python")]
                    )
                ],
            ),
        )
        self.session = Session()
        self.state = _State()
        self.pending: dict[str, _Pending] = {}
        self.linter = ThreadPoolExecutor(max_workers=1, thread_name_prefix="prism-lint")

    async def on_lint_thread(self, fn: Callable[..., T], *args: Any) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.linter, fn, *args)

    # -- helpers ---------------------------------------------------------

    def tell(self, message: str, kind: types.MessageType = types.MessageType.Warning) -> None:
        """Show a message once per server lifetime, and log it."""
        log.warning("%s", message)
        self.window_log_message(types.LogMessageParams(kind, message))
        if message not in self.state.shown:
            self.state.shown.add(message)
            self.window_show_message(types.ShowMessageParams(kind, f"prism-lint: {message}"))

    def path_of(self, uri: str, language_id: str | None, path: str | None) -> str:
        if path and uri.startswith("file:"):
            return path
        # an unsaved buffer ("untitled:Untitled-1"): its language says what it holds
        name = unquote(urlparse(uri).path).rsplit("/", 1)[-1] or "untitled"
        if "." not in name and language_id in LANGUAGE_SUFFIX:
            name += LANGUAGE_SUFFIX[language_id]
        return os.path.join(self.session.root, name)

    async def lint_document(self, uri: str) -> Linted | None:
        doc = self.workspace.get_text_document(uri)
        path = self.path_of(uri, doc.language_id, doc.path)
        text = doc.source
        try:
            linted = await self.on_lint_thread(self.session.lint, uri, path, text, doc.version)
        except Exception as exc:
            log.exception("linting %s failed", uri)
            kind = kind_of(path) or "file"
            self.tell(f"cannot check {kind} files: {type(exc).__name__}: {exc}")
            return None
        while self.session.config_errors:
            self.tell(self.session.config_errors.pop(0), types.MessageType.Error)
        return linted

    def lsp_diagnostics(self, view: View) -> list[types.Diagnostic]:
        pm = PositionMap(view.text, self.state.encoding, view.index)
        return [to_lsp(d, pm) for d in view.diagnostics]

    # pygls keys its documents by the percent-decoded URI (a Windows drive,
    # a space, a VS Code cell's fragment are all escaped); the client knows
    # them, and is answered, by the URI as sent.

    def is_open(self, uri: str) -> bool:
        return unquote(uri) in self.workspace.text_documents

    def is_notebook(self, uri: str) -> bool:
        return unquote(uri) in self.workspace.notebook_documents

    def notebook_of(self, cell_uri: str) -> str | None:
        """The notebook a cell document belongs to, if it is one."""
        nb = self.workspace.get_notebook_document(cell_uri=cell_uri)
        return nb.uri if nb is not None else None

    async def lint_view(self, uri: str, *, fixes: bool = False) -> tuple[Linted, View] | None:
        """The result for the document ``uri`` shows: a file's own, or its
        notebook's findings in that cell; ``fixes`` works their fixes out."""
        nb_uri = self.notebook_of(uri)
        if nb_uri is None:
            linted = await self.lint_document(uri)
            if linted is None:
                return None
            if fixes:
                linted = await self.on_lint_thread(self.session.ensure_fixes, linted)
            mine = [d for d in linted.result.diagnostics if d.doc.cell is None]
            return linted, View(uri, linted.text, linted.index, mine)
        found = await self.lint_notebook(nb_uri, fixes=fixes)
        if found is None:
            return None
        linted, views = found
        for view in views:
            if view.uri == uri:
                return linted, view
        return None

    async def lint_notebook(
        self, nb_uri: str, *, fixes: bool = False
    ) -> tuple[Linted, list[View]] | None:
        nb = self.workspace.get_notebook_document(notebook_uri=nb_uri)
        if nb is None:
            return None
        uris = [cell.document for cell in nb.cells]
        docs = [self.workspace.get_text_document(u) for u in uris]
        texts = [doc.source for doc in docs]
        text = notebook_json(
            [
                (int(cell.kind), doc.source, doc.language_id)
                for cell, doc in zip(nb.cells, docs, strict=True)
            ]
        )
        path = self.path_of(nb_uri, None, to_fs_path(nb_uri))
        if not path.endswith(LANGUAGE_SUFFIX["jupyter"]):
            path += LANGUAGE_SUFFIX["jupyter"]
        try:
            linted = await self.on_lint_thread(self.session.lint, nb_uri, path, text, nb.version)
        except Exception as exc:
            log.exception("linting %s failed", nb_uri)
            self.tell(f"cannot check notebooks: {type(exc).__name__}: {exc}")
            return None
        if linted is None:
            return None
        if fixes:
            linted = await self.on_lint_thread(self.session.ensure_fixes, linted)
        return linted, cell_views(uris, texts, linted.result.diagnostics)

    def workspace_edit(self, uri: str, version: int | None, edits: list[types.TextEdit]) -> Any:
        if self.state.document_changes:
            return types.WorkspaceEdit(
                document_changes=[
                    types.TextDocumentEdit(
                        text_document=types.OptionalVersionedTextDocumentIdentifier(
                            uri=uri, version=version
                        ),
                        edits=list(edits),
                    )
                ]
            )
        return types.WorkspaceEdit(changes={uri: list(edits)})

    # -- push ------------------------------------------------------------

    def stop(self, uri: str) -> None:
        """A document closed: no lint left pending for it, no result kept."""
        pending = self.pending.pop(uri, None)
        if pending is not None and pending.task is not None:
            pending.task.cancel()
        self.session.forget(uri)

    def clear(self, uri: str) -> None:
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=[])
        )

    def schedule(self, uri: str, delay_ms: int) -> None:
        """Lint and publish ``uri`` soon; calls during a pending lint coalesce.
        A notebook's cells are published together, and always pushed (as
        editors expect for notebooks)."""
        nb_uri = uri if self.is_notebook(uri) else self.notebook_of(uri)
        if nb_uri is not None:
            uri = nb_uri
        elif self.state.pull:
            return
        pending = self.pending.setdefault(uri, _Pending())
        if pending.task is not None and not pending.task.done():
            pending.dirty = True
            return
        pending.task = asyncio.ensure_future(self._publish_loop(uri, pending, delay_ms))

    async def _publish_loop(self, uri: str, pending: _Pending, delay_ms: int) -> None:
        if delay_ms:
            await asyncio.sleep(delay_ms / 1000)
        while True:
            pending.dirty = False
            if self.is_notebook(uri):
                found = await self.lint_notebook(uri)
                if pending.dirty:
                    continue
                nb = self.workspace.get_notebook_document(notebook_uri=uri)
                if nb is None:
                    return  # closed while linting
                views = {v.uri: v for v in found[1]} if found is not None else {}
                for cell in nb.cells:  # the cells it has now; none found: none shown
                    view = views.get(cell.document)
                    doc = self.workspace.text_documents.get(unquote(cell.document))
                    self.text_document_publish_diagnostics(
                        types.PublishDiagnosticsParams(
                            uri=cell.document,
                            diagnostics=self.lsp_diagnostics(view) if view is not None else [],
                            version=doc.version if doc is not None else None,
                        )
                    )
                return
            if not self.is_open(uri):
                return
            version = self.workspace.get_text_document(uri).version
            linted = await self.lint_document(uri)
            if pending.dirty:
                continue  # edited while linting: lint the newest text first
            items = []
            if linted is not None:
                mine = [d for d in linted.result.diagnostics if d.doc.cell is None]
                items = self.lsp_diagnostics(View(uri, linted.text, linted.index, mine))
            self.text_document_publish_diagnostics(
                types.PublishDiagnosticsParams(uri=uri, diagnostics=items, version=version)
            )
            return

    async def refresh_all(self) -> None:
        """Settings changed: have every open document checked again."""
        for nb in list(self.workspace.notebook_documents.values()):
            self.schedule(nb.uri, 0)  # notebooks are always pushed
        if self.state.pull:
            if self.state.refresh:
                await self.workspace_diagnostic_refresh_async(None)
            return
        for doc in list(self.workspace.text_documents.values()):
            if self.notebook_of(doc.uri) is None:
                self.schedule(doc.uri, 0)

    # -- settings --------------------------------------------------------

    async def pull_configuration(self) -> None:
        if not capability(self.client_capabilities, "workspace.configuration"):
            return
        try:
            items = await self.workspace_configuration_async(
                types.ConfigurationParams(
                    items=[types.ConfigurationItem(section=editor_settings.SECTION)]
                )
            )
        except Exception as exc:
            log.warning("workspace/configuration failed: %s", exc)
            return
        raw = items[0] if items else None
        if raw is not None:
            await self.apply_settings(raw)

    async def apply_settings(self, raw: Any) -> None:
        parsed = editor_settings.parse(raw, self.state.init_editor)
        for problem in parsed.problems:
            self.tell(f"settings: {problem}", types.MessageType.Error)
        if parsed != self.session.editor:
            await self.on_lint_thread(self.session.set_editor, parsed)
            await self.refresh_all()

    async def reload_config(self) -> None:
        await self.on_lint_thread(self.session.reload)
        await self.refresh_all()


server = PrismServer()


def to_lsp(d: Diagnostic, pm: PositionMap) -> types.Diagnostic:
    start, end = pm.position(d.start), pm.position(d.end)
    rule = load_rule(d.code) if d.code in catalogue() else None
    severity = _SEVERITY[rule.level if rule is not None else "warning"]
    tags = [types.DiagnosticTag.Unnecessary] if rule is not None and rule.unnecessary else None
    return types.Diagnostic(
        range=types.Range(
            start=types.Position(start.line, start.character),
            end=types.Position(end.line, end.character),
        ),
        message=d.message,
        severity=severity,
        code=d.code,
        code_description=types.CodeDescription(href=url(d.code)),
        source=SOURCE,
        tags=tags,
        data={"name": d.name},
    )


def _text_edits(edits: list[Edit], pm: PositionMap) -> list[types.TextEdit]:
    out = []
    for e in sorted(edits, key=lambda e: (e.start, e.end)):
        s, t = pm.position(e.start), pm.position(e.end)
        out.append(
            types.TextEdit(
                range=types.Range(
                    start=types.Position(s.line, s.character),
                    end=types.Position(t.line, t.character),
                ),
                new_text=e.content,
            )
        )
    return out


def _wanted(kind: str, only: Any) -> bool:
    if not only:
        return True
    return any(kind == o or kind.startswith(f"{o}.") for o in only)


# -- lifecycle ----------------------------------------------------------------


@server.feature(types.INITIALIZE)
def initialize(ls: PrismServer, params: types.InitializeParams) -> None:
    caps = params.capabilities
    ls.state.pull = capability(caps, "text_document.diagnostic") is not None
    ls.state.refresh = bool(capability(caps, "workspace.diagnostics.refresh_support"))
    ls.state.document_changes = bool(capability(caps, "workspace.workspace_edit.document_changes"))
    encoding = ls.workspace.position_encoding or UTF16
    encoding = getattr(encoding, "value", encoding)
    ls.state.encoding = encoding if encoding in (UTF8, UTF16, UTF32) else UTF16
    from prism_lint.lsp import sync

    sync.install(ls.workspace, ls.state.encoding)
    root = ls.workspace.root_path
    if not root and params.workspace_folders:
        from pygls.uris import to_fs_path

        root = to_fs_path(params.workspace_folders[0].uri)
    if root:
        ls.session.root = root
    parsed = editor_settings.parse(params.initialization_options)
    ls.state.init_editor = parsed
    ls.session.set_editor(parsed)
    for problem in parsed.problems:
        ls.tell(f"settings: {problem}")  # logMessage is allowed during initialize


@server.feature(types.INITIALIZED)
async def initialized(ls: PrismServer, params: types.InitializedParams) -> None:
    caps = ls.client_capabilities
    registrations = []
    if capability(caps, "workspace.did_change_watched_files.dynamic_registration"):
        registrations.append(
            types.Registration(
                id="prism-lint/watch-config",
                method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                register_options=types.DidChangeWatchedFilesRegistrationOptions(
                    watchers=[types.FileSystemWatcher(glob_pattern=g) for g in WATCHED]
                ),
            )
        )
    if capability(caps, "workspace.did_change_configuration.dynamic_registration"):
        registrations.append(
            types.Registration(
                id="prism-lint/configuration",
                method=types.WORKSPACE_DID_CHANGE_CONFIGURATION,
                register_options=types.DidChangeConfigurationRegistrationOptions(
                    section=editor_settings.SECTION
                ),
            )
        )
    if registrations:
        try:
            await ls.client_register_capability_async(
                types.RegistrationParams(registrations=registrations)
            )
        except Exception as exc:
            log.warning("client/registerCapability failed: %s", exc)
    await ls.pull_configuration()


@server.feature(types.SHUTDOWN)
def shutdown(ls: PrismServer, params: None) -> None:
    for pending in ls.pending.values():
        if pending.task is not None:
            pending.task.cancel()
    ls.linter.shutdown(wait=False, cancel_futures=True)


# -- documents ----------------------------------------------------------------


def _is_config(uri: str) -> bool:
    return unquote(urlparse(uri).path).rsplit("/", 1)[-1] in CONFIG_FILES


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
def did_open(ls: PrismServer, params: types.DidOpenTextDocumentParams) -> None:
    ls.schedule(params.text_document.uri, 0)


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
def did_change(ls: PrismServer, params: types.DidChangeTextDocumentParams) -> None:
    if ls.session.editor.run == "onType":
        ls.schedule(params.text_document.uri, ls.session.editor.debounce_ms)


@server.feature(types.TEXT_DOCUMENT_DID_SAVE, types.SaveOptions(include_text=False))
async def did_save(ls: PrismServer, params: types.DidSaveTextDocumentParams) -> None:
    uri = params.text_document.uri
    if _is_config(uri):  # for clients that cannot watch files
        await ls.reload_config()
        return
    ls.schedule(uri, 0)


@server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
def did_close(ls: PrismServer, params: types.DidCloseTextDocumentParams) -> None:
    uri = params.text_document.uri
    ls.stop(uri)
    if not ls.state.pull:
        ls.clear(uri)


@server.feature(types.NOTEBOOK_DOCUMENT_DID_OPEN)
def notebook_did_open(ls: PrismServer, params: types.DidOpenNotebookDocumentParams) -> None:
    ls.schedule(params.notebook_document.uri, 0)


@server.feature(types.NOTEBOOK_DOCUMENT_DID_CHANGE)
def notebook_did_change(ls: PrismServer, params: types.DidChangeNotebookDocumentParams) -> None:
    uri = params.notebook_document.uri
    # cells that left the notebook keep no findings
    structure = params.change.cells.structure if params.change.cells else None
    for cell in (structure.did_close or []) if structure is not None else []:
        ls.clear(cell.uri)
    if ls.session.editor.run == "onType":
        ls.schedule(uri, ls.session.editor.debounce_ms)


@server.feature(types.NOTEBOOK_DOCUMENT_DID_SAVE)
def notebook_did_save(ls: PrismServer, params: types.DidSaveNotebookDocumentParams) -> None:
    ls.schedule(params.notebook_document.uri, 0)


@server.feature(types.NOTEBOOK_DOCUMENT_DID_CLOSE)
def notebook_did_close(ls: PrismServer, params: types.DidCloseNotebookDocumentParams) -> None:
    ls.stop(params.notebook_document.uri)
    for cell in params.cell_text_documents:
        ls.clear(cell.uri)


@server.feature(
    types.TEXT_DOCUMENT_DIAGNOSTIC,
    types.DiagnosticOptions(
        identifier=SOURCE, inter_file_dependencies=False, workspace_diagnostics=False
    ),
)
async def pull_diagnostics(
    ls: PrismServer, params: types.DocumentDiagnosticParams
) -> types.FullDocumentDiagnosticReport | types.UnchangedDocumentDiagnosticReport:
    uri = params.text_document.uri
    if ls.notebook_of(uri) is not None:
        return types.FullDocumentDiagnosticReport(items=[])  # a cell's findings are pushed
    found = await ls.lint_view(uri)
    if found is None:
        return types.FullDocumentDiagnosticReport(items=[])
    linted, view = found
    if params.previous_result_id == linted.result_id:
        return types.UnchangedDocumentDiagnosticReport(result_id=linted.result_id)
    return types.FullDocumentDiagnosticReport(
        items=ls.lsp_diagnostics(view), result_id=linted.result_id
    )


# -- settings and config files ------------------------------------------------


@server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
async def did_change_configuration(
    ls: PrismServer, params: types.DidChangeConfigurationParams
) -> None:
    if capability(ls.client_capabilities, "workspace.configuration"):
        await ls.pull_configuration()
    elif params.settings is not None:
        raw = params.settings
        if isinstance(raw, dict) and isinstance(raw.get(editor_settings.SECTION), dict):
            raw = raw[editor_settings.SECTION]
        await ls.apply_settings(raw)


@server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
async def did_change_watched_files(
    ls: PrismServer, params: types.DidChangeWatchedFilesParams
) -> None:
    if any(_is_config(change.uri) for change in params.changes):
        await ls.reload_config()


# -- code actions -------------------------------------------------------------


@server.feature(
    types.TEXT_DOCUMENT_CODE_ACTION,
    types.CodeActionOptions(code_action_kinds=[QUICK_FIX, FIX_ALL], resolve_provider=False),
)
async def code_action(
    ls: PrismServer, params: types.CodeActionParams
) -> list[types.CodeAction] | None:
    uri = params.text_document.uri
    if not ls.is_open(uri):
        return None
    found = await ls.lint_view(uri, fixes=True)
    if found is None:
        return None
    linted, view = found
    version = ls.workspace.get_text_document(uri).version
    pm = PositionMap(view.text, ls.state.encoding, view.index)
    editor = ls.session.editor
    only = params.context.only
    actions: list[types.CodeAction] = []
    if _wanted(QUICK_FIX, only):
        ours = {
            (
                d.code,
                d.range.start.line,
                d.range.start.character,
                d.range.end.line,
                d.range.end.character,
            ): d
            for d in params.context.diagnostics
            if d.source == SOURCE
        }
        for d in view.diagnostics:
            s, e = pm.position(d.start), pm.position(d.end)
            sent = ours.get((d.code, s.line, s.character, e.line, e.character))
            if sent is None:
                continue
            fix = d.fix
            if (
                editor.fix_violation
                and fix is not None
                and fix.edits
                and fix.applicability != "display-only"
            ):
                unsafe = fix.applicability != "safe"
                actions.append(
                    types.CodeAction(
                        title=f"prism-lint ({d.code}): {fix.message}"
                        + (" (unsafe)" if unsafe else ""),
                        kind=QUICK_FIX,
                        diagnostics=[sent],
                        is_preferred=not unsafe,
                        edit=ls.workspace_edit(uri, version, _text_edits(fix.edits, pm)),
                    )
                )
            if editor.disable_rule_comment:
                kind = "python" if view.cell is not None else linted.result.kind
                edit = ignore_edit(kind, d, view.index)
                if edit is not None:
                    actions.append(
                        types.CodeAction(
                            title=f"prism-lint ({d.code}): Ignore this finding",
                            kind=QUICK_FIX,
                            diagnostics=[sent],
                            edit=ls.workspace_edit(uri, version, _text_edits([edit], pm)),
                        )
                    )
    fixable = any(d.fix is not None and d.fix.edits for d in view.diagnostics)
    # Not for a cell: the editor asks each cell at once, and one notebook-wide
    # edit would be applied once per cell.
    if editor.fix_all and fixable and view.cell is None and _wanted(FIX_ALL, only):
        new = await ls.on_lint_thread(ls.session.fix_all, linted)
        change = minimal_edit(linted.text, new)
        if change is not None:
            actions.append(
                types.CodeAction(
                    title="prism-lint: Fix all auto-fixable problems",
                    kind=FIX_ALL,
                    edit=ls.workspace_edit(uri, version, _text_edits([change], pm)),
                )
            )
    return actions
