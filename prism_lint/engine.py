"""Check one file: read, extract, analyse, run rules, apply suppressions.

Everything per file goes through :func:`check_source`, so the CLI, the LSP
server and the tests see the same diagnostics for the same text.
"""

from __future__ import annotations

import fnmatch
import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from prism_lint.analysis import analyse
from prism_lint.analysis.cues import sends_persona
from prism_lint.analysis.vocabulary import current_extras, use_extras
from prism_lint.encodings import decode_wide, wide
from prism_lint.extract import (
    PROSE,
    Comment,
    ExtractError,
    Extraction,
    ExtractOptions,
    extractor,
    kind_of,
    prose_kind,
    spells_directive,
)
from prism_lint.lines import LineIndex, line_index
from prism_lint.model import Diagnostic, Document, Fix, PromptUnit
from prism_lint.reading import (
    Unreadable,
    inside,
    open_regular,
    project_root,
    read_file,
    read_head,
    read_open,
)
from prism_lint.rules import catalogue, declares, load_rule, resolve_selection
from prism_lint.rules.prs900_file_error import FileError
from prism_lint.suppression import Suppressions

if TYPE_CHECKING:
    from prism_lint.analysis import Analysis
    from prism_lint.config import Settings

BINARY_SNIFF = 8192
# Past this size the parser's queries and the indexes grow faster than the
# text (a 5 MB module of assignments: 12 s and 1 GB; 10 MB: 34 s and 2.2 GB),
# and no prompt file is that long: raising max-file-size does not lift it.
ANALYSIS_LIMIT = 4 * 1024 * 1024


@dataclass
class FileResult:
    """What checking one file gave: findings, prompts and why it was skipped."""

    path: str
    diagnostics: list[Diagnostic] = field(default_factory=list)
    prompts: list[tuple[PromptUnit, Analysis]] = field(default_factory=list)
    text: str | None = None  # decoded source, for fixes
    bom: bool = False
    encoding: str = "utf-8"  # what it is written back in (see prism_lint.encodings)
    notice: str | None = None  # why the file was skipped, when it was
    kind: str | None = None
    related: list[str] = field(default_factory=list)  # other files read (includes)
    # (st_mtime_ns, st_size) of the file when it was read: a fix is written
    # only if the file is still so (see prism_lint.fix.disk)
    stamp: tuple[int, int] | None = None
    learned: Any = None  # a Python module's wrappers and sinks (extract/python/flow.py)


def at_path(result: FileResult, path: str) -> FileResult:
    """``result`` as the result of ``path``, a file with the same bytes, name,
    format and settings (and no file beside it read)."""
    import copy
    from dataclasses import replace

    docs: dict[int, Document] = {}

    def moved(doc: Document) -> Document:
        if doc.path != result.path:
            return doc
        found = docs.get(id(doc))
        if found is None:
            found = docs[id(doc)] = replace(doc, path=path)
        return found

    out = copy.copy(result)
    out.path = path
    out.diagnostics = [
        replace(d, doc=moved(d.doc), fix=copy.deepcopy(d.fix), details=copy.deepcopy(d.details))
        for d in result.diagnostics
    ]
    out.prompts = []
    out.related = []
    return out


def selected_rules(settings: Settings, path: str) -> frozenset[str]:
    codes = resolve_selection(settings.select, settings.extend_select, settings.ignore)
    if settings.per_file_ignores:
        for glob, ignored in settings.per_file_ignores:
            if _path_matches(path, glob, settings):
                codes = frozenset(c for c in codes if not any(c.startswith(i) for i in ignored))
    # --select / --extend-select on the command line win over the config's ignore
    codes |= resolve_selection(settings.force_select, (), ()) if settings.force_select else set()
    return frozenset(codes)


def _path_matches(path: str, glob: str, settings: Settings) -> bool:
    """A per-file glob, relative to the directory of the config file that set it
    (as in ruff), or to the current directory without one."""
    if os.path.isabs(glob):  # --per-file-ignores: already joined to the working directory
        return fnmatch.fnmatch(os.path.abspath(path).replace("\\", "/"), glob.replace("\\", "/"))
    source = settings.source
    base = os.path.dirname(os.path.abspath(source)) if os.path.isfile(source) else os.getcwd()
    rel = os.path.relpath(os.path.abspath(path), base).replace("\\", "/")
    return fnmatch.fnmatch(rel, glob) or (
        "/" not in glob and fnmatch.fnmatch(os.path.basename(rel), glob)
    )


def drop_unselected(result: FileResult, settings: Settings) -> FileResult:
    """Read and parse problems (file-level rules) obey --select/--ignore like any rule."""
    file_level = {d.code for d in result.diagnostics if declares(d.code, "per_prompt", False)}
    if file_level:
        codes = selected_rules(settings, result.path)
        result.diagnostics = [
            d for d in result.diagnostics if d.code not in file_level or d.code in codes
        ]
    return result


def decode(data: bytes) -> tuple[str, bool]:
    """UTF-8 (with or without BOM) or a ValueError saying where it is not."""
    bom = data.startswith(b"\xef\xbb\xbf")
    if bom:
        data = data[3:]
    try:
        return data.decode("utf-8"), bom
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        row = before.count(b"\n") + 1
        col = len(before) - (before.rfind(b"\n") + 1) + 1
        raise ValueError(
            f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at line {row}, byte column {col}); "
            "prism-lint reads UTF-8 only"
        ) from None


def file_problem(
    path: str,
    message: str,
    text: str = "",
    row: int = 1,
    column: int = 1,
    code: str = FileError.code,
) -> Diagnostic:
    doc = Document(path, text)
    offset = LineIndex(text).offset(row, column) if text else 0
    return Diagnostic(code, catalogue()[code].name, message, doc, offset, offset)


def read_limited(path: str, settings: Settings, named: bool) -> tuple[bytes | None, FileResult]:
    """The file's bytes, or None with the reason recorded on the result."""
    data, result, _st = read_with_stat(path, settings, named)
    return data, result


def read_with_stat(
    path: str, settings: Settings, named: bool, head: int | None = None
) -> tuple[bytes | None, FileResult, os.stat_result | None]:
    """:func:`read_limited`, with the stat of the file that was read. Only
    regular files are read, through a link only into the project, and never
    past ``max-file-size`` (see :mod:`prism_lint.reading`). ``head``: read
    at most that many bytes of a file under the limit (what a first look
    needs); the stat tells whether that is all of it."""

    result = FileResult(path)

    def refuse(msg: str) -> None:
        if named:
            result.diagnostics.append(file_problem(path, msg))
        else:
            result.notice = msg

    try:
        fd, st = open_regular(path, lambda: project_root(path, settings.root))
        try:
            limit = settings.max_file_size
            if st.st_size > limit:
                refuse(f"file is {st.st_size:,} bytes, over max-file-size ({limit:,}); skipped")
                return None, result, st
            if head is not None and st.st_size > head:
                return read_head(fd, head), result, st
            data = read_open(fd, st, limit)
            if len(data) > limit:
                refuse(f"file grew past max-file-size ({limit:,}) while read; skipped")
                return None, result, st
            return data, result, st
        finally:
            os.close(fd)
    except Unreadable as why:
        refuse(why.reason)
        return None, result, None
    except OSError as exc:
        result.diagnostics.append(file_problem(path, f"cannot read file: {exc.strerror or exc}"))
        return None, result, None


def check_path(
    path: str,
    settings: Settings,
    *,
    named: bool = False,
    kind: str | None = None,
    inventory: bool = False,
) -> FileResult:
    """Read and check a file; reading problems become one PRS900 diagnostic."""
    data, result = read_limited(path, settings, named)
    if data is None:
        return drop_unselected(result, settings)
    return check_bytes(path, data, settings, named=named, kind=kind, inventory=inventory)


def check_bytes(
    path: str,
    data: bytes,
    settings: Settings,
    *,
    named: bool = False,
    kind: str | None = None,
    inventory: bool = False,
    verify_fixes: bool = True,
    parse: bool = True,
) -> FileResult:
    """``parse=False``: only what the bytes themselves show (binary, not
    decodable, too large to analyse), never the extraction; what a named
    file the first pass rules out still reports."""

    encoding = wide(data[:4])
    if encoding is not None:
        try:
            text = decode_wide(data, encoding)
        except ValueError as exc:
            # As a binary file is: a finding when named, a notice when walked
            # (its zero bytes once had it skipped as binary).
            result = FileResult(path)
            if named:
                result.diagnostics.append(file_problem(path, str(exc)))
            else:
                result.notice = f"{exc}; skipped"
            return drop_unselected(result, settings)
        if not parse:
            return _unparsed(path, text, settings, kind)
        out = check_source(
            path,
            text,
            settings,
            named=named,
            kind=kind,
            inventory=inventory,
            verify_fixes=verify_fixes,
        )
        out.bom, out.encoding = True, encoding
        return out
    if b"\x00" in data[:BINARY_SNIFF]:
        result = FileResult(path)
        if named:
            result.diagnostics.append(file_problem(path, "binary file, not a prompt; skipped"))
        else:
            result.notice = "binary file; skipped"
        return drop_unselected(result, settings)
    try:
        text, bom = decode(data)
    except ValueError as exc:
        result = FileResult(path)
        result.diagnostics.append(file_problem(path, str(exc)))
        return drop_unselected(result, settings)
    if not parse:
        return _unparsed(path, text, settings, kind)
    out = check_source(
        path, text, settings, named=named, kind=kind, inventory=inventory, verify_fixes=verify_fixes
    )
    out.bom = bom
    return out


def _unparsed(path: str, text: str, settings: Settings, kind: str | None) -> FileResult:
    """A decoded file that is not analysed: only its size can be a finding."""
    result = FileResult(path)
    too_large = size_problem(
        text, settings, kind or kind_of(path, named=True, globs=settings.include)
    )
    if too_large is not None:
        result.diagnostics.append(file_problem(path, too_large))
    return drop_unselected(result, settings)


def check_source(
    path: str,
    text: str,
    settings: Settings,
    *,
    named: bool = False,
    kind: str | None = None,
    inventory: bool = False,
    fixes: bool = True,
    verify_fixes: bool = True,
) -> FileResult:
    """Check decoded text as the file ``path`` (which need not exist).

    ``fixes=False`` leaves ``Diagnostic.fix`` empty: the editor shows
    diagnostics on every change and works fixes out only when asked for
    code actions. ``verify_fixes=False`` leaves a safe fix's read-back
    pending (:func:`prism_lint.fix.verify.settle`): the text report needs
    only to list fixes."""
    kind = kind or kind_of(path, named=named, globs=settings.include)
    too_large = size_problem(text, settings, kind)
    if too_large is not None:
        result = FileResult(path, text=text)
        result.diagnostics.append(file_problem(path, too_large))
        return drop_unselected(result, settings)
    from prism_lint import time_budget

    try:
        with time_budget.budget():
            result = _check_source(
                path, text, settings, named=named, kind=kind, inventory=inventory, fixes=fixes
            )
            if fixes and verify_fixes:
                settle_fixes(result, settings)
    except time_budget.OverBudget:
        return over_budget(path, settings, kind, text)
    return drop_unselected(result, settings)


def over_budget(
    path: str, settings: Settings, kind: str | None, text: str | None = None
) -> FileResult:
    """The result of a file whose check ran past the time budget: one PRS900
    finding, whichever step it was in (:mod:`prism_lint.time_budget`)."""
    from prism_lint import time_budget

    result = FileResult(path, text=text, kind=kind)
    result.diagnostics.append(file_problem(path, time_budget.over_budget_message()))
    return drop_unselected(result, settings)


def size_problem(text: str, settings: Settings, kind: str | None = None) -> str | None:
    """Why ``text`` is too large to check (stdin, an editor's buffer, a file
    under a raised max-file-size), or None. The size is in UTF-8 bytes, as
    for a file on disk; a text of fewer characters than a quarter of the
    limit is under it without encoding. A notebook's size is mostly its
    outputs, which are never parsed: only max-file-size applies to it."""
    ceiling = ANALYSIS_LIMIT if kind != "notebook" else settings.max_file_size
    limit = min(settings.max_file_size, ceiling)
    if len(text) <= limit // 4:
        return None
    size = len(text.encode("utf-8", "surrogatepass"))
    if size <= limit:
        return None
    if size > settings.max_file_size:
        return f"file is {size:,} bytes, over max-file-size ({settings.max_file_size:,}); skipped"
    return (
        f"file is {size:,} bytes, over the {ANALYSIS_LIMIT:,} that prism-lint can "
        "analyse in reasonable time; skipped"
    )


def settle_fixes(result: FileResult, settings: Settings) -> None:
    if any(d.fix is not None and d.fix.recheck is not None for d in result.diagnostics):
        from prism_lint.fix.verify import settle

        settle(result.diagnostics, settings)


def _check_source(
    path: str,
    text: str,
    settings: Settings,
    *,
    named: bool,
    kind: str | None,
    inventory: bool,
    fixes: bool,
) -> FileResult:
    result = FileResult(path, text=text)
    kind = kind or kind_of(path, named=named, globs=settings.include)
    if kind == PROSE:
        from prism_lint.extract.text.prose import looks_like_prompt  # a rare kind

        kind = prose_kind(path) if looks_like_prompt(text) else None
    result.kind = kind
    if kind is None:
        return result
    options = _options(path, settings, named=named, inventory=inventory, related=result.related)
    try:
        extraction = extractor(kind)(Document(path, text), options)
    except ExtractError as exc:
        result.diagnostics.append(
            file_problem(path, exc.message, text, exc.row, exc.column, exc.code)
        )
        return result
    except RecursionError:
        result.diagnostics.append(file_problem(path, "file is nested too deeply to analyse"))
        return result
    except Exception as exc:  # a bug must cost one file, never the run
        result.diagnostics.append(file_problem(path, internal_error(exc)))
        return result
    try:
        result.learned = extraction.learned
        run_rules(result, extraction, settings, inventory=inventory, fixes=fixes)
    except Exception as exc:
        result.diagnostics = [file_problem(path, internal_error(exc))]
    return result


def _options(
    path: str, settings: Settings, *, named: bool, inventory: bool, related: list[str]
) -> ExtractOptions:
    """How the extractor reads ``path`` under ``settings`` (``related``: where
    the files it reads beside it are noted)."""
    # the project's own words, for the persona cue the extraction asks too
    use_extras((settings.extra_experts, settings.extra_roles, settings.extra_task_words))
    return ExtractOptions(
        extra_call_sites=dict(settings.call_sites),
        extra_prompt_names=list(settings.prompt_names),
        named_explicitly=named,
        read_related=_related_reader(path, settings, related),
        persona_cue=sends_persona,
        persona_cue_key=current_extras(),
        learn_imports=not inventory,
    )


def learn_bytes(path: str, data: bytes, settings: Settings, *, named: bool) -> Any:
    """What a Python module teaches the project's table (its wrappers, sinks,
    names: the ``learned`` of its full check), read without its prompts: the
    runner reads them once it knows the whole table. None when the module is
    better checked at once: what its bytes or its parse show is a finding
    (not decodable, too large, over the time budget), or reading failed."""
    from prism_lint import time_budget

    if wide(data[:4]) is not None or b"\x00" in data[:BINARY_SNIFF]:
        return None
    try:
        text, _bom = decode(data)
    except ValueError:
        return None
    if size_problem(text, settings, "python") is not None:
        return None
    from prism_lint.extract.python.extractor import learn

    options = _options(path, settings, named=named, inventory=False, related=[])
    try:
        with time_budget.budget():
            return learn(Document(path, text), options)
    except time_budget.OverBudget:
        return None
    except Exception:  # a bug, a recursion: the full check reports it
        return None


def fix_policy(code: str, fix: Fix | None, settings: Settings) -> Fix | None:
    """A rule's fix as the configuration allows it: none for ``unfixable``
    rules, unsafe for ``extend-unsafe-fixes`` ones."""
    if fix is None or not (settings.unfixable or settings.extend_unsafe_fixes):
        return fix
    if code in resolve_selection(settings.unfixable, (), ()):
        return None
    if fix.applicability == "safe" and code in resolve_selection(
        settings.extend_unsafe_fixes, (), ()
    ):
        fix.applicability = "unsafe"
    return fix


def internal_error(exc: BaseException) -> str:
    import traceback

    frame = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
    where = f" at {os.path.basename(frame.filename)}:{frame.lineno}" if frame else ""
    return (
        f"internal error while checking this file: {type(exc).__name__}: {exc}{where}; "
        "please report it with the file"
    )


_NO_FOLLOW = hasattr(os, "O_NOFOLLOW")  # an open that refuses a final link


def _related_reader(path: str, settings: Settings, seen: list[str]):  # type: ignore[no-untyped-def]
    """Reads a file a template includes: only inside the project (a template
    naming ``/etc/passwd`` or ``../../secret`` reads nothing), only a regular
    file, never past ``max-file-size``."""

    base = os.path.dirname(os.path.abspath(path))
    root = project_root(path, settings.root)
    base_inside: list[bool] = []  # worked out at the first read of a sibling

    def read(relative: str) -> str | None:
        target = os.path.normpath(os.path.join(base, relative))
        if _NO_FOLLOW and os.path.dirname(target) == base:
            # a sibling (``flow.dag.yaml`` beside a template, read for each
            # of them): inside when its folder is, and a sibling that is a
            # link is checked where it points as it is opened (read_file)
            if not base_inside:
                base_inside.append(inside(base, root))
            if not base_inside[0]:
                return None
        elif not inside(target, root):
            return None
        if target not in seen:
            seen.append(target)  # the cache checks it has not changed
        try:
            return decode(read_file(target, root, settings.max_file_size))[0]
        except (OSError, ValueError):
            return None

    return read


def wants_roles(unit: PromptUnit, codes: frozenset[str], settings: Settings) -> bool:
    """Whether a selected rule reports personas that are not expert ones for
    this prompt (the safety-persona rule, opt-in)."""
    return any(declares(code, "any_persona") for code in codes)


def run_rules(
    result: FileResult,
    extraction: Extraction,
    settings: Settings,
    *,
    inventory: bool = False,
    fixes: bool = True,
) -> None:
    if (
        not extraction.units
        and not extraction.problems
        and not any(spells_directive(c.text) for c in extraction.comments)
    ):
        return  # no prompt, no problem, no directive: nothing any rule could say
    from prism_lint.fix import fix_for, persona_gated
    from prism_lint.fix.guard import vet

    use_extras((settings.extra_experts, settings.extra_roles, settings.extra_task_words))
    codes = selected_rules(settings, result.path)
    by_doc: dict[tuple[str, int | None], list[Comment]] = {}
    for c in extraction.comments:
        by_doc.setdefault((c.doc.path, c.doc.cell), []).append(c)
    suppressions = {key: Suppressions.from_comments(cs) for key, cs in by_doc.items()}
    if any(s.skip_file for s in suppressions.values()):
        return
    empty = Suppressions()
    indexes: dict[int, LineIndex] = {}

    def index_of(doc: Document) -> LineIndex:
        idx = indexes.get(id(doc))
        if idx is None:
            idx = indexes[id(doc)] = line_index(doc.text)
        return idx

    for problem in extraction.problems:
        if problem.code in codes:
            text = result.text or ""
            diag = file_problem(
                result.path,
                problem.message,
                problem.doc.text if problem.doc is not None else text,
                problem.row,
                problem.column,
                problem.code,
            )
            if problem.doc is not None:
                diag.doc = problem.doc  # a notebook cell's: reported as "cell N:row:col"
            result.diagnostics.append(diag)
    chosen = [load_rule(code) for code in sorted(codes)]
    rules = [rule for rule in chosen if rule.per_prompt]
    for unit in extraction.units:
        sup = suppressions.get((unit.doc.path, unit.doc.cell), empty)
        if unit.declared_task is None:
            unit.declared_task = sup.declared_task(unit.first_row, unit.last_row)
        analysis = analyse(unit, full=inventory, roles=wants_roles(unit, codes, settings))
        result.prompts.append((unit, analysis))
        for rule in rules:
            for finding in rule.check(unit, analysis, settings):
                if finding.persona is not None and persona_gated(unit, finding.persona, settings):
                    continue  # a gated persona is applied only when the gate says so
                start, end = unit.to_doc(finding.start, finding.end)
                idx = index_of(unit.doc)
                start_row = idx.location(start).row
                end_row = idx.location(max(start, end - 1)).row
                if sup.suppressed(rule.code, start_row, end_row, unit.first_row, unit.last_row):
                    continue
                diag = Diagnostic(
                    rule.code,
                    rule.name,
                    finding.message,
                    unit.doc,
                    start,
                    end,
                    details=finding.details,
                    anchor_first_row=unit.first_row,
                    anchor_last_row=unit.last_row,
                )
                if fixes and finding.persona is not None and rule.fix_availability != "never":
                    diag.fix = fix_policy(
                        rule.code, fix_for(unit, analysis, finding, rule.code, settings), settings
                    )
                    if diag.fix is not None:
                        diag.fix = vet(diag.fix, unit.doc, result.kind)
                result.diagnostics.append(diag)
    for rule in chosen:
        for comment, row, message in rule.check_directives(suppressions.values()):
            offset = index_of(comment.doc).line_start(row)
            line = index_of(comment.doc).line_text(row)
            result.diagnostics.append(
                Diagnostic(rule.code, rule.name, message, comment.doc, offset, offset + len(line))
            )
    result.diagnostics.sort(key=lambda d: (d.doc.cell or 0, d.start, d.code))
