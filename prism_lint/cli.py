"""Command line, shaped like ruff's: check, rule, prompts, server, clean.

Imports are deferred to the command that needs them: a pre-commit run on one
file should not pay for the LSP server or every reporter.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import Any

from prism_lint.exits import EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS, fail
from prism_lint.report import OUTPUT_FORMATS

__all__ = ["EXIT_CLEAN", "EXIT_ERROR", "EXIT_FINDINGS", "OUTPUT_FORMATS", "entry", "fail", "main"]


def _columns() -> int:
    """The terminal's width as ``shutil.get_terminal_size`` finds it, without
    importing shutil (and the compression modules it imports) in every run:
    argparse sizes a formatter for each argument it is given."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns or 80


class _Formatter(argparse.HelpFormatter):
    def __init__(
        self,
        prog: str,
        indent_increment: int = 2,
        max_help_position: int = 24,
        width: int | None = None,
    ) -> None:
        super().__init__(
            prog,
            indent_increment,
            max_help_position,
            width if width is not None else _columns() - 2,
        )


class _Parser(argparse.ArgumentParser):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        sys.stderr.write(f"prism-lint: error: {message}\n")
        raise SystemExit(EXIT_ERROR)


def _codes(value: str) -> list[str]:
    """Codes as written: checked, and normalised, once the run starts (an
    error quotes them as the user typed them)."""
    return [c.strip() for c in value.split(",") if c.strip()]


_COMMANDS = {
    "check": "lint files and directories (default: .)",
    "rule": "explain a rule",
    "prompts": "list every prompt found, with role, persona, task",
    "server": "run the language server (LSP) on stdio",
    "clean": "remove the cache",
    "version": "print the version",
}


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The command line's parser. Given the arguments, only the parser of the
    command they name is built: each costs argparse a lookup of its message
    catalogues on disk, and a one-file pre-commit run should not pay for six."""
    from prism_lint import __version__

    parser = _Parser(
        prog="prism-lint",
        description="Find expert personas on accuracy-critical prompts (PRISM, arXiv 2603.18507).",
    )
    parser.add_argument("--version", action="version", version=f"prism-lint {__version__}")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)
    named = next((a for a in argv or () if not a.startswith("-")), None)
    commands: dict[str, argparse.ArgumentParser] = {}
    for command, text in _COMMANDS.items():
        if named in _COMMANDS and command != named:
            continue
        commands[command] = sub.add_parser(command, help=text)
        _ARGUMENTS.get(command, _no_arguments)(commands[command])
    parser.set_defaults(_commands=commands)
    return parser


def parse(argv: Sequence[str]) -> argparse.Namespace:
    """The arguments; an unknown one is reported with the usage of the
    command it was given to (``prism-lint check``'s), not the top level's."""
    parser = build_parser(argv)
    args, extra = parser.parse_known_args(argv)
    if extra:
        command = parser.get_default("_commands").get(args.command or "", parser)
        command.error(f"unrecognized arguments: {' '.join(extra)}")
    return args


def _no_arguments(parser: argparse.ArgumentParser) -> None:
    return None


def _check_arguments(check: argparse.ArgumentParser) -> None:
    check.add_argument("paths", nargs="*", help="files or directories; '-' reads stdin")
    check.add_argument("--fix", action="store_true", help="apply safe fixes")
    check.add_argument(
        "--unsafe-fixes",
        action="store_true",
        default=None,
        help="include unsafe fixes (with --fix: apply them)",
    )
    check.add_argument("--no-unsafe-fixes", dest="unsafe_fixes", action="store_false")
    check.add_argument(
        "--diff", action="store_true", help="print the fixes as a unified diff; write nothing"
    )
    check.add_argument("--show-fixes", action="store_true", help="list the fixes applied")
    check.add_argument("--statistics", action="store_true", help="count findings per rule")
    check.add_argument(
        "--output-format",
        choices=OUTPUT_FORMATS,
        default=None,
        help="default: full (github under GitHub Actions)",
    )
    check.add_argument("-o", "--output-file", help="write the report here instead of stdout")
    check.add_argument("--select", type=_codes, help="rules to enable (codes or prefixes)")
    check.add_argument("--extend-select", type=_codes, help="rules to add to the selection")
    check.add_argument("--ignore", type=_codes, help="rules to disable")
    check.add_argument("--exit-zero", action="store_true", help="exit 0 even with findings")
    check.add_argument(
        "--exit-non-zero-on-fix", action="store_true", help="exit 1 when anything was fixed"
    )
    check.add_argument("--stdin-filename", help="the name of the file read from stdin")
    check.add_argument("--no-cache", action="store_true", help="do not read or write the cache")
    check.add_argument(
        "--config",
        action="append",
        default=[],
        help="a config file, or an inline 'key = value' override",
    )
    check.add_argument(
        "--fix-only",
        action="store_true",
        help="apply fixes and report nothing about what is left (implies --fix)",
    )
    check.add_argument(
        "--unfixable", type=_codes, metavar="CODES", help="rules whose fixes are never applied"
    )
    check.add_argument(
        "--add-noqa",
        action="store_true",
        help="add a suppression comment for every finding (--add-noqa=REASON adds a reason)",
    )
    check.add_argument("--noqa-reason", default="", help=argparse.SUPPRESS)
    check.add_argument(
        "--show-files", action="store_true", help="list the files that would be checked"
    )
    check.add_argument(
        "--show-settings", action="store_true", help="print the settings used for the first file"
    )
    _file_selection(check, "check")
    check.add_argument(
        "--per-file-ignores",
        action="append",
        default=[],
        metavar="GLOB:CODES",
        help="rules to ignore in files matching a glob (relative to here), e.g. 'tests/*:PRS101'",
    )
    check.add_argument(
        "--isolated", action="store_true", help="read no configuration file (defaults only)"
    )
    check.add_argument(
        "-v", "--verbose", action="store_true", help="say which configurations and files are read"
    )
    check.add_argument("-q", "--quiet", action="store_true", help="print findings only")
    check.add_argument("-s", "--silent", action="store_true", help="print nothing")


def _file_selection(parser: argparse.ArgumentParser, verb: str) -> None:
    """The flags that choose files, alike in every command that walks a tree."""
    parser.add_argument(
        "--exclude", type=_globs, metavar="GLOBS", help="globs to exclude, instead of the defaults"
    )
    parser.add_argument(
        "--extend-exclude", type=_globs, metavar="GLOBS", help="globs to exclude, besides the rest"
    )
    parser.add_argument(
        "--force-exclude",
        action="store_true",
        help="apply excludes to files named on the command line too",
    )
    parser.add_argument(
        "--no-respect-gitignore",
        dest="respect_gitignore",
        action="store_false",
        default=None,
        help=f"{verb} files .gitignore leaves out",
    )
    parser.add_argument(
        "--respect-gitignore", dest="respect_gitignore", action="store_true", help=argparse.SUPPRESS
    )


def _globs(value: str) -> list[str]:
    return [g.strip() for g in value.split(",") if g.strip()]


def _rule_arguments(rule: argparse.ArgumentParser) -> None:
    rule.add_argument("code", nargs="?", help="a rule code such as PRS101, or its name")
    rule.add_argument("--all", action="store_true", help="every rule")
    rule.add_argument("--output-format", choices=("text", "json"), default="text")


def _prompts_arguments(prompts: argparse.ArgumentParser) -> None:
    prompts.add_argument("paths", nargs="*", help="files or directories; '-' reads stdin")
    prompts.add_argument("--output-format", choices=("text", "json"), default="text")
    prompts.add_argument(
        "--config",
        action="append",
        default=[],
        help="a config file, or an inline 'key = value' override",
    )
    prompts.add_argument("--stdin-filename", help="the name of the file read from stdin")
    _file_selection(prompts, "list prompts of")
    prompts.add_argument("--isolated", action="store_true", help="read no configuration file")


def _clean_arguments(clean: argparse.ArgumentParser) -> None:
    clean.add_argument("paths", nargs="*")


_ARGUMENTS = {
    "check": _check_arguments,
    "rule": _rule_arguments,
    "prompts": _prompts_arguments,
    "clean": _clean_arguments,
}


def entry() -> None:
    """The ``prism-lint`` command: :func:`main`, then an exit that skips
    tearing the interpreter down (freeing every object of a large run one by
    one takes tens of milliseconds, and nothing is left to do: reports are
    written, fixes and the cache saved, workers joined)."""
    import gc

    from prism_lint import regex_cache

    # A run makes many objects and few cycles: collect rarely (as workers do).
    gc.set_threshold(50_000, 50, 50)
    regex_cache.load()  # before the modules that compile patterns as they load
    code = main()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except OSError:  # a reader that went away: what it missed cannot be helped
        pass
    regex_cache.save()  # once the report is out: only new patterns, rarely any
    os._exit(code)


def main(argv: Sequence[str] | None = None) -> int:
    if argv is None:
        argv = sys.argv[1:]
    # ``--add-noqa=REASON``: a reason only with "=", so that ``--add-noqa src``
    # reads src as a path
    argv = [
        a
        for arg in argv
        for a in (
            ("--add-noqa", "--noqa-reason", arg.partition("=")[2])
            if arg.startswith("--add-noqa=")
            else (arg,)
        )
    ]
    args = parse(argv)
    from prism_lint.config import ConfigError

    try:
        if args.command == "check":
            from prism_lint.commands.check import run

            return run(args)
        if args.command == "rule":
            from prism_lint.commands.rule import run as run_rule

            return run_rule(args)
        if args.command == "prompts":
            from prism_lint.commands.prompts import run as run_prompts

            return run_prompts(args)
        if args.command == "server":
            from prism_lint.lsp import serve

            return serve()
        if args.command == "clean":
            from prism_lint.commands.clean import run as run_clean

            return run_clean(args)
        if args.command == "version":
            from prism_lint import __version__

            print(f"prism-lint {__version__}")
            return EXIT_CLEAN
        build_parser().print_help()
        return EXIT_ERROR
    except ConfigError as exc:
        return fail(str(exc))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_FINDINGS
