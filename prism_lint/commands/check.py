"""`prism-lint check`."""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import replace

from prism_lint import runner
from prism_lint.commands.configs import discovery_settings, resolver_for
from prism_lint.config import ConfigError, Settings, _check_codes, _selector
from prism_lint.discovery import discover
from prism_lint.encodings import encode
from prism_lint.engine import FileResult, check_bytes, check_source
from prism_lint.exits import EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS, fail
from prism_lint.reading import project_root
from prism_lint.report import OUTPUT_FORMATS, ReportContext
from prism_lint.report.formats import renderer
from prism_lint.report.safe import printable
from prism_lint.report.text import shown_path


def _normal(codes: list[str] | None) -> list[str] | None:

    return None if codes is None else [_selector(c) for c in codes]


def _cli_settings(args: argparse.Namespace, settings):  # type: ignore[no-untyped-def]
    changes = {}
    select, extend, ignore = _normal(args.select), _normal(args.extend_select), _normal(args.ignore)
    if select is not None:
        changes["select"] = tuple(select)
    if extend:
        changes["extend_select"] = (*settings.extend_select, *extend)
    if ignore:
        changes["ignore"] = (*settings.ignore, *ignore)
    if args.unsafe_fixes is not None:
        changes["unsafe_fixes"] = args.unsafe_fixes
    if select or extend:
        changes["force_select"] = (*(select or ()), *(extend or ()))
    if args.unfixable:
        changes["unfixable"] = (*settings.unfixable, *(_normal(args.unfixable) or ()))
    return replace(settings, **changes) if changes else settings


def use_color(args: argparse.Namespace, fmt: str) -> bool:
    """Colour for people at a terminal: ``NO_COLOR`` turns it off,
    ``FORCE_COLOR`` on (https://no-color.org, https://force-color.org); else
    on when standard output is a terminal."""
    if fmt not in ("full", "concise", "grouped") or args.output_file:
        return False
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


def run(args: argparse.Namespace) -> int:
    try:
        return _run(args)
    except ConfigError as exc:
        return fail(str(exc))


def _run(args: argparse.Namespace) -> int:
    import time

    started = time.perf_counter()
    resolver = resolver_for(args.config, args.isolated)
    resolver.cli = discovery_settings(args)
    for flag, codes in (
        ("--select", args.select),
        ("--extend-select", args.extend_select),
        ("--ignore", args.ignore),
        ("--unfixable", args.unfixable),
    ):
        _check_codes("command line", flag, tuple(codes or ()))
    if args.fix_only:
        args.fix = True
    fmt = args.output_format or os.environ.get("PRISM_LINT_OUTPUT_FORMAT")
    if fmt and fmt not in OUTPUT_FORMATS:
        return fail(f"PRISM_LINT_OUTPUT_FORMAT={fmt!r} is not one of {', '.join(OUTPUT_FORMATS)}")
    if not fmt:
        fmt = "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "full"
    paths = args.paths or ["."]
    if args.show_files or args.show_settings:
        from prism_lint.commands.show import show

        return show(args, paths, resolver, lambda s: _cli_settings(args, s))
    results: list[FileResult] = []
    ctx = ReportContext(
        fmt=fmt, show_fixes=args.show_fixes, statistics=args.statistics, color=use_color(args, fmt)
    )
    settings_of: dict[str, Settings] = {}
    fixing = args.fix or args.diff
    ctx.planned = not fixing
    if args.add_noqa and fixing:
        return fail("--add-noqa cannot be combined with --fix or --diff")

    if paths == ["-"]:
        name = args.stdin_filename or "-"
        stream = getattr(sys.stdin, "buffer", None)
        # bytes, decoded as files are (BOM, bad UTF-8)
        data = stream.read() if stream is not None else sys.stdin.read().encode("utf-8")
        settings = _cli_settings(args, resolver.for_path(name if name != "-" else "stdin"))
        ctx.unsafe_fixes = settings.unsafe_fixes
        result = check_bytes(name, data, settings, named=True)
        text = result.text if result.text is not None else ""
        if result.text is None:
            fixing = False  # nothing to fix in text that could not be read
        if args.add_noqa:
            from prism_lint.commands.add_noqa import add_to_text

            try:
                new, added = add_to_text(name, text, settings, args.noqa_reason)
            except ValueError as exc:
                return fail(str(exc))
            _write_source(new, result)
            _added(args, added)
            return EXIT_CLEAN
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
                return EXIT_FINDINGS if new != text and not args.exit_zero else EXIT_CLEAN
            _write_source(new, result)
            if remaining and not args.silent and not args.fix_only:
                # the fixed text owns standard output: what is left goes to stderr
                ctx.unsafe_fixes = settings.unsafe_fixes
                ctx.fmt = "concise" if fmt == "full" else fmt
                sys.stderr.write(renderer(ctx.fmt)([result], ctx))
            return (
                EXIT_CLEAN
                if args.fix_only and not args.exit_non_zero_on_fix
                else _exit(args, [result], n)
            )
        results.append(result)
    else:
        missing = [p for p in paths if not os.path.exists(p)]
        if missing:
            return fail(f"{missing[0]}: no such file or directory")

        adjusted: dict[int, Settings] = {}

        def adjust(base: Settings) -> Settings:
            found = adjusted.get(id(base))
            if found is None:
                found = adjusted[id(base)] = _cli_settings(args, base)
            return found

        targets = discover(paths, resolver, force_exclude=args.force_exclude)
        if args.verbose:
            targets = _verbose(targets, resolver)
        for target, result in runner.check_targets(
            targets,
            resolver,
            adjust,
            use_cache=not args.no_cache and not fixing and not args.add_noqa,
            # People read the text report; machines apply what the others export.
            verify_fixes=fixing or fmt not in ("full", "concise"),
        ):
            if result.diagnostics:  # the fixer needs the settings of files it may fix
                settings_of[target.path] = adjust(resolver.for_path(target.path))
            if result.notice:
                ctx.notices.append(f"{shown_path(target.path)}: {result.notice}")
            results.append(result)
        if results:
            ctx.unsafe_fixes = adjust(resolver.for_path(results[0].path)).unsafe_fixes

    if args.verbose:
        checked = len(results)
        sys.stderr.write(
            f"prism-lint: checked {checked} file{'s' if checked != 1 else ''} "
            f"in {time.perf_counter() - started:.2f}s\n"
        )
    if args.add_noqa:
        from prism_lint.commands.add_noqa import add_to_files

        try:
            added = add_to_files(results, settings_of, args.noqa_reason)
        except ValueError as exc:
            return fail(str(exc))
        _added(args, added)
        return EXIT_CLEAN

    total_fixed = 0
    if fixing and paths != ["-"]:
        total_fixed = _apply_fixes(results, settings_of, args, ctx)
        if args.diff:
            return EXIT_CLEAN if total_fixed == 0 or args.exit_zero else EXIT_FINDINGS
    if args.fix_only:
        if not args.silent and not args.quiet:
            fixed = sum(ctx.fixed.values())
            sys.stdout.write(
                f"Fixed {fixed} finding{'s' if fixed != 1 else ''}.\n"
                if fixed
                else "No fixes available.\n"
            )
        return EXIT_FINDINGS if args.exit_non_zero_on_fix and total_fixed else EXIT_CLEAN

    if not args.silent:
        report = renderer(fmt, args.statistics)(results, ctx)
        if args.quiet and fmt in ("full", "concise", "grouped"):
            kept = [
                line
                for line in report.splitlines()
                if not line.startswith(("Found ", "All checks", "[*]"))
            ]
            report = "\n".join(kept) + "\n" if any(kept) else ""
        if args.output_file:
            from prism_lint.report.output import write_report

            problem = write_report(args.output_file, report)
            if problem is not None:
                return fail(problem)
        else:
            sys.stdout.write(report)
        for notice in ctx.notices:
            sys.stderr.write(printable(f"prism-lint: notice: {notice}\n"))
    return _exit(args, results, total_fixed)


def _added(args: argparse.Namespace, added: int) -> None:
    if not args.silent:
        sys.stderr.write(f"Added {added} suppression comment{'s' if added != 1 else ''}.\n")


def _verbose(targets, resolver):  # type: ignore[no-untyped-def]
    """Each file as it is found, with the configuration it is checked with."""
    for target in targets:
        source = resolver.for_path(target.path).source or "defaults"
        sys.stderr.write(f"prism-lint: {target.path} ({target.kind}; settings: {source})\n")
        yield target


def _write_source(text: str, result) -> None:  # type: ignore[no-untyped-def]
    """A fixed text read from stdin, back on stdout in its own encoding and mark."""

    data = encode(text, bom=result.bom, encoding=result.encoding)
    sys.stdout.flush()
    out = getattr(sys.stdout, "buffer", None)
    if out is not None:
        out.write(data)
    else:
        sys.stdout.write(data.decode(result.encoding, "surrogateescape"))


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
            fromfile=f"a/{printable(path)}",  # the name as the reports show it
            tofile=f"b/{printable(path)}",
        )
    )


def _apply_fixes(results, settings_of, args, ctx) -> int:  # type: ignore[no-untyped-def]
    from prism_lint.fix.apply import fix_text, still_valid
    from prism_lint.fix.disk import write_result

    total = 0
    for result in results:
        if result.text is None or not any(d.fix for d in result.diagnostics):
            continue
        settings = settings_of[result.path]
        path = result.path

        def recheck(t: str, path=path, settings=settings):  # type: ignore[no-untyped-def]
            return check_source(path, t, settings, named=True).diagnostics

        new, n, remaining = fix_text(
            result.text, recheck, settings.unsafe_fixes, settings.extend_safe_fixes
        )
        if n == 0 or new == result.text:
            continue
        if not still_valid(result.kind, result.text, new):
            sys.stderr.write(
                printable(
                    f"prism-lint: error: {path}: the fixed file would not "
                    "parse; not written (please report it)\n"
                )
            )
            continue
        if args.diff:
            sys.stdout.write(_diff(path, result.text, new))
            total += n
            continue
        if not write_result(path, new, result, project_root(path, settings.root)):
            continue
        result.diagnostics = remaining
        ctx.fixed[path] = n
        total += n
    return total


__all__ = ["EXIT_ERROR", "run"]
