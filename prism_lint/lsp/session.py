"""What the server knows, without the protocol: settings, results, fixes.

Kept apart from the pygls handlers so it can be driven (and timed) directly.
Every method here may be slow and runs on the lint thread, never on the
event loop; one thread, so the engine's lazy caches are never raced.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path

from prism_lint.config import ConfigError, Resolver, Settings, load_file, parse_table
from prism_lint.engine import FileResult, check_source
from prism_lint.fix.apply import fix_text
from prism_lint.lines import LineIndex
from prism_lint.lsp.editor_settings import EditorSettings
from prism_lint.model import Diagnostic, Edit
from prism_lint.reading import inside


@dataclass
class Linted:
    """One document's result, for the version it was computed from."""

    uri: str
    version: int | None
    generation: int
    text: str
    result: FileResult
    settings: Settings
    index: LineIndex
    with_fixes: bool = False  # diagnostics are computed without fixes until asked

    @property
    def result_id(self) -> str:
        return f"{self.generation}:{self.version}:{hash(self.text)}"


class Session:
    def __init__(self, root: str | None = None) -> None:
        self.root = root or os.getcwd()
        self.editor = EditorSettings()
        self.generation = 0  # bumped when any setting changes
        self._resolver = Resolver()
        self._cache: dict[str, Linted] = {}
        self.config_errors: list[str] = []

    # -- settings --------------------------------------------------------

    def set_editor(self, editor: EditorSettings) -> None:
        self.editor = editor
        self.reload()

    def reload(self) -> None:
        """Forget every config file read and every result computed."""
        self._resolver = Resolver()
        if self.editor.configuration:
            path = Path(os.path.expanduser(self.editor.configuration))
            if not path.is_absolute():
                path = Path(self.root) / path

            # Workspace settings are the repository's, as untrusted as its
            # files: the configuration they name must be one of its files.
            if not inside(str(path), self.root):
                self._note(
                    f"{path}: the configuration must be a file inside the workspace "
                    f"({self.root}); ignored"
                )
            else:
                try:
                    found = load_file(path)
                    forced = found if found is not None else parse_table({}, str(path))
                    self._resolver.forced = replace(forced, root=self.root)
                except ConfigError as exc:
                    self._note(str(exc))
        self.generation += 1
        self._cache.clear()

    def _note(self, message: str) -> None:
        if message not in self.config_errors:
            self.config_errors.append(message)

    def settings_for(self, path: str) -> Settings:
        try:
            base = self._resolver.for_path(path)
        except ConfigError as exc:
            self._note(str(exc))
            base = Settings()
        return self.editor.apply(base)

    # -- linting ---------------------------------------------------------

    def lint(self, uri: str, path: str, text: str, version: int | None) -> Linted | None:
        """The document's result, computed unless the cache has it."""
        if not self.editor.enable:
            return None
        cached = self._cache.get(uri)
        if cached is not None and cached.generation == self.generation and cached.text == text:
            if cached.version != version:
                cached.version = version
            return cached
        settings = self.settings_for(path)
        result = check_source(path, text, settings, named=False, fixes=False)
        linted = Linted(uri, version, self.generation, text, result, settings, LineIndex(text))
        self._cache[uri] = linted
        return linted

    def ensure_fixes(self, linted: Linted) -> Linted:
        """The same result with fixes worked out (for code actions)."""
        if not linted.with_fixes:
            linted.result = check_source(
                linted.result.path, linted.text, linted.settings, named=False
            )
            linted.with_fixes = True
        return linted

    def cached(self, uri: str) -> Linted | None:
        return self._cache.get(uri)

    def forget(self, uri: str) -> None:
        self._cache.pop(uri, None)

    def fix_all(self, linted: Linted) -> str:
        """The document with every safe fix applied (unsafe ones too when the
        settings allow them), fixing again until nothing changes."""

        path = linted.result.path
        settings = linted.settings

        def recheck(text: str) -> list[Diagnostic]:
            if text == linted.text:
                return linted.result.diagnostics
            return check_source(path, text, settings, named=False).diagnostics

        new, _count, _left = fix_text(
            linted.text, recheck, settings.unsafe_fixes, settings.extend_safe_fixes
        )
        return new


def minimal_edit(old: str, new: str) -> Edit | None:
    """One edit turning ``old`` into ``new``, touching as little as it can
    (so the editor keeps the cursor and folds outside it)."""
    if old == new:
        return None
    limit = min(len(old), len(new))
    start = 0
    while start < limit and old[start] == new[start]:
        start += 1
    end_old, end_new = len(old), len(new)
    while end_old > start and end_new > start and old[end_old - 1] == new[end_new - 1]:
        end_old -= 1
        end_new -= 1
    # never split a \r\n pair
    if start > 0 and old[start - 1] == "\r" and start < len(old) and old[start] == "\n":
        start -= 1
    if 0 < end_old < len(old) and old[end_old - 1] == "\r" and old[end_old] == "\n":
        end_old += 1
        end_new += 1
    return Edit(start, end_old, new[start:end_new])
