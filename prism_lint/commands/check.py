"""`prism-lint check`."""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import replace

from prism_lint.cli import EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS, OUTPUT_FORMATS, fail


def _resolver(configs: list[str]):  # type: ignore[no-untyped-def]
    from pathlib import Path

    from prism_lint.config import Resolver, load_file, parse_override, parse_table

    resolver = Resolver()
    for item in configs:
        if os.path.isfile(item):
            settings = load_file(Path(item))
            resolver.forced = settings if settings is not None else parse_table({}, item)
        elif "=" in item:
            resolver.overrides.update(parse_override(item))
        else:
            raise_config(f"--config {item!r}: no such file, and not a 'key = value' override")
    if resolver.forced is not None and resolver.overrides:
        resolver.forced = parse_table(resolver.overrides, "--config", base=resolver.forced)
    return resolver


def raise_config(message: str) -> None:
    from prism_lint.config import ConfigError

    raise ConfigError(message)


def _cli_settings(args: argparse.Namespace, settings):  # type: ignore[no-untyped-def]
    changes = {}
    if args.select is not None:
        changes["select"] = tuple(args.select)
    if args.extend_select:
        changes["extend_select"] = (*settings.extend_select, *args.extend_select)
    if args.ignore:
        changes["ignore"] = (*settings.ignore, *args.ignore)
    if args.unsafe_fixes is not None:
        changes["unsafe_fixes"] = args.unsafe_fixes
    if args.select or args.extend_select:
        changes["force_select"] = (*(args.select or ()), *(args.extend_select or ()))
    return replace(settings, **changes) if changes else settings


def run(args: argparse.Namespace) -> int:
    from prism_lint.config import ConfigError

    try:
        return _run(args)
    except ConfigError as exc:
        return fail(str(exc))


def _run(args: argparse.Namespace) -> int:
    from prism_lint.config import Settings
    from prism_lint.engine import FileResult, check_source
    from prism_lint.report import ReportContext, renderer

    resolver = _resolver(args.config)
    for codes in (args.select or [], args.extend_select or [], args.ignore or []):
        from prism_lint.config import _check_codes

        _check_codes("command line", "--select/--ignore", tuple(codes))
    fmt = args.output_format or os.environ.get("PRISM_LINT_OUTPUT_FORMAT")
    if fmt and fmt not in OUTPUT_FORMATS:
        return fail(f"PRISM_LINT_OUTPUT_FORMAT={fmt!r} is not one of {', '.join(OUTPUT_FORMATS)}")
    if not fmt:
        fmt = "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "full"
    paths = args.paths or ["."]
    results: list[FileResult] = []
    ctx = ReportContext(fmt=fmt, show_fixes=args.show_fixes, statistics=args.statistics)
    settings_of: dict[str, Settings] = {}
    fixing = args.fix or args.diff
    ctx.planned = not fixing

    if paths == ["-"]:
        from prism_lint.engine import check_bytes, decode

        name = args.stdin_filename or "-"
        stream = getattr(sys.stdin, "buffer", None)
        # bytes, decoded as files are (BOM, bad UTF-8)
        data = stream.read() if stream is not None else sys.stdin.read().encode("utf-8")
        settings = _cli_settings(args, resolver.for_path(name if name != "-" else "stdin"))
        ctx.unsafe_fixes = settings.unsafe_fixes
        result = check_bytes(name, data, settings, named=True)
        try:
            text, bom = decode(data)
        except ValueError:
            fixing = False  # nothing to fix in text that could not be read
            text, bom = "", False
        if fixing:
            from prism_lint.fix.apply import fix_text

            def recheck(t: str) -> list:  # type: ignore[type-arg]
                return check_source(name, t, settings, named=True).diagnostics

            new, n, remaining = fix_text(
                text, recheck, settings.unsafe_fixes, settings.extend_safe_fixes
            )
            result.diagnostics = remaining
            if args.diff:
                sys.stdout.write(_diff(name, text, new))
                return EXIT_FINDINGS if new != text else EXIT_CLEAN
            sys.stdout.write(("\ufeff" if bom else "") + new)
            return _exit(args, [result], n)
        results.append(result)
    else:
        from prism_lint.discovery import discover

        missing = [p for p in paths if not os.path.exists(p)]
        if missing:
            return fail(f"{missing[0]}: no such file or directory")
        from prism_lint.runner import check_targets

        adjusted: dict[int, Settings] = {}

        def adjust(base: Settings) -> Settings:
            found = adjusted.get(id(base))
            if found is None:
                found = adjusted[id(base)] = _cli_settings(args, base)
            return found

        for target, result in check_targets(
            discover(paths, resolver, force_exclude=args.force_exclude),
            resolver,
            adjust,
            use_cache=not args.no_cache and not fixing,
            # People read the text report; machines apply what the others export.
            verify_fixes=fixing or fmt not in ("full", "concise"),
        ):
            if result.diagnostics:  # the fixer needs the settings of files it may fix
                settings_of[target.path] = adjust(resolver.for_path(target.path))
            if result.notice:
                ctx.notices.append(f"{target.path}: {result.notice}")
            results.append(result)
        if results:
            ctx.unsafe_fixes = adjust(resolver.for_path(results[0].path)).unsafe_fixes

    total_fixed = 0
    if fixing and paths != ["-"]:
        total_fixed = _apply_fixes(results, settings_of, args, ctx)
        if args.diff:
            return EXIT_CLEAN if total_fixed == 0 else EXIT_FINDINGS

    if not args.silent:
        report = renderer(fmt)(results, ctx)
        if args.quiet and fmt in ("full", "concise"):
            kept = [line for line in report.splitlines()
                    if not line.startswith(("Found ", "All checks", "[*]"))]
            report = "\n".join(kept) + "\n" if any(kept) else ""
        if args.output_file:
            try:
                with open(args.output_file, "w", encoding="utf-8") as fh:
                    fh.write(report)
            except OSError as exc:
                return fail(f"cannot write {args.output_file}: {exc.strerror or exc}")
        else:
            sys.stdout.write(report)
        for notice in ctx.notices:
            sys.stderr.write(f"prism-lint: notice: {notice}\n")
    return _exit(args, results, total_fixed)


def _exit(args: argparse.Namespace, results: list, fixed: int) -> int:  # type: ignore[type-arg]
    remaining = sum(len(r.diagnostics) for r in results)
    if args.exit_non_zero_on_fix and fixed:
        return EXIT_FINDINGS
    if remaining and not args.exit_zero:
        return EXIT_FINDINGS
    return EXIT_CLEAN


def _diff(path: str, old: str, new: str) -> str:
    import difflib

    if old == new:
        return ""
    return "".join(
        difflib.unified_diff(
            old.splitlines(keepends=True),
            new.splitlines(keepends=True),
            fromfile=f"a/{path}",
            tofile=f"b/{path}",
        )
    )


def _apply_fixes(results, settings_of, args, ctx) -> int:  # type: ignore[no-untyped-def]
    from prism_lint.engine import check_source
    from prism_lint.fix.apply import ChangedOnDisk, fix_text, still_valid, write_atomic

    total = 0
    for result in results:
        if result.text is None or not any(d.fix for d in result.diagnostics):
            continue
        settings = settings_of[result.path]
        path = result.path

        def recheck(t: str, path=path, settings=settings):  # type: ignore[no-untyped-def]
            return check_source(path, t, settings, named=True).diagnostics

        try:
            mtime = os.stat(path).st_mtime
        except OSError:
            continue
        new, n, remaining = fix_text(
            result.text, recheck, settings.unsafe_fixes, settings.extend_safe_fixes
        )
        if n == 0 or new == result.text:
            continue
        if not still_valid(result.kind, result.text, new):
            sys.stderr.write(f"prism-lint: error: {path}: the fixed file would not parse; "
                             "not written (please report it)\n")
            continue
        if args.diff:
            sys.stdout.write(_diff(path, result.text, new))
            total += n
            continue
        try:
            write_atomic(path, new, bom=result.bom, expected_mtime=mtime)
        except (ChangedOnDisk, OSError) as exc:
            sys.stderr.write(f"prism-lint: error: {exc}\n")
            continue
        result.diagnostics = remaining
        ctx.fixed[path] = n
        total += n
    return total


__all__ = ["EXIT_ERROR", "run"]
