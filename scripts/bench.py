"""Time prism-lint against ruff on the same tree; print medians and ratios.

Runs alternate (ruff, prism-lint cold, prism-lint warm, ...) so both see the
same machine state. Cold = ``--no-cache``; warm = with a cache primed by an
earlier run on the unchanged tree. Every run, cold ones too, reads what the
user's data cache keeps whatever the tree (the data's JSON copies, compiled
patterns: :mod:`prism_lint.data`, :mod:`prism_lint.regex_cache`), as a
hook's runs do after its first; the priming run makes it. CPU seconds
(processes and workers) are printed beside wall time, and the ratio of the
fastest runs beside that of the medians (on a machine others share, the
fastest runs move less). Also times both tools on one file, as a
pre-commit hook on a one-file commit runs them (start-up): a small module
with no prompt, and a file with prompts (``--single FILE``; by default this
checkout's ``fixtures/python/openai_chat.py``), and reports peak memory (max
RSS of the run and its worker processes). ``--named`` also times both tools
given every ``.py`` file of prism-lint's walk of the tree as arguments, as
``pre-commit run --all-files`` and CI wrappers call a linter. ``--lsp FILE``
adds the language server's latency while typing in FILE
(``scripts/lsp_latency.py``: diagnostics after each keystroke, pushed and
pulled, and the engine alone). ``--inventory`` also times
``prism-lint prompts`` (JSON) against the cold check of the same tree.
``--no-respect-gitignore`` has both tools walk (and ``--named`` name) the
files the tree's ``.gitignore`` leaves out too, as a dataset repository that
ignores its own code needs.

    python scripts/bench.py PATH [--runs 5] [--single FILE] [--named] [--inventory]
                                [--lsp FILE] [--no-respect-gitignore]

ruff must be on PATH (``pip install ruff``). Example on a public repository:

    git clone --depth 1 https://github.com/<owner>/<repo> /tmp/tree
    python scripts/bench.py /tmp/tree --runs 7
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time


def timed(cmd: list[str], cwd: str, env: dict[str, str]) -> tuple[float, float, float]:
    """Wall seconds, peak RSS (MiB) and CPU seconds (user and system) of one
    run, descendants included. On a machine others share, CPU seconds move
    less than wall time with its load: compare small changes by them."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        raise SystemExit(f"{' '.join(cmd[:6])} ... exited {code}")
    return wall, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--single", help="a file with prompts for the one-file measurement")
    parser.add_argument(
        "--named",
        action="store_true",
        help="also time both tools with every .py file named on the command line",
    )
    parser.add_argument(
        "--inventory",
        action="store_true",
        help="also time `prism-lint prompts` against the cold check",
    )
    parser.add_argument(
        "--lsp", metavar="FILE", help="also time the language server's re-lint while typing in FILE"
    )
    parser.add_argument("--edits", type=int, default=30, help="keystrokes for --lsp")
    parser.add_argument(
        "--no-respect-gitignore",
        action="store_true",
        help="both tools also walk the files .gitignore leaves out",
    )
    args = parser.parse_args()
    tree = os.path.abspath(args.path)
    ruff = shutil.which("ruff")
    if ruff is None:
        return print("ruff is not on PATH", file=sys.stderr) or 2  # type: ignore[func-returns-value]
    prism = [sys.executable, "-m", "prism_lint"]
    cache = tempfile.mkdtemp(prefix="prism-bench-cache-")
    env = {**os.environ, "PRISM_LINT_CACHE_DIR": cache}
    env.pop("GITHUB_ACTIONS", None)
    # As installed: pip compiles the package's bytecode, and a run reads it.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    import prism_lint

    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", os.path.dirname(prism_lint.__file__)], check=True
    )

    walk = ["--no-respect-gitignore"] if args.no_respect_gitignore else []
    ruff_cmd = [ruff, "check", "--no-cache", "--exit-zero", "--quiet", *walk, "."]
    cold_cmd = [*prism, "check", "--no-cache", "--exit-zero", "--quiet", *walk, "."]
    warm_cmd = [*prism, "check", "--exit-zero", "--quiet", *walk, "."]
    timed(warm_cmd, tree, env)  # prime the cache

    cases = [("ruff", ruff_cmd), ("cold", cold_cmd), ("warm", warm_cmd)]
    named = _walked_python(tree, not args.no_respect_gitignore) if args.named else []
    if named:
        ruff_named = [*ruff_cmd[:-1], *named]
        if subprocess.run(
            ruff_named, cwd=tree, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        ).returncode not in (0, 1):
            # a configuration ruff cannot read beside a named file (a template's
            # pyproject.toml): ruff's defaults, as it then reads no file
            ruff_named.insert(2, "--isolated")
            print(
                "ruff cannot read a configuration beside a named file: ruff named runs --isolated"
            )
        cases += [("ruff named", ruff_named), ("named", [*cold_cmd[:-1], *named])]
    if args.inventory:
        cases.append(("inventory", [*prism, "prompts", "--output-format", "json", *walk, "."]))
    times: dict[str, list[float]] = {name: [] for name, _cmd in cases}
    cpu_times: dict[str, list[float]] = {name: [] for name, _cmd in cases}
    peak: dict[str, float] = {name: 0.0 for name, _cmd in cases}
    for _ in range(args.runs):
        for name, cmd in cases:
            wall, rss, used = timed(cmd, tree, env)
            times[name].append(wall)
            cpu_times[name].append(used)
            peak[name] = max(peak[name], rss)

    med = {k: statistics.median(v) for k, v in times.items()}
    low = {k: min(v) for k, v in times.items()}
    cpu = {k: statistics.median(v) for k, v in cpu_times.items()}
    files = sum(1 for _ in _python_files(tree))
    print(f"tree: {tree} ({files} .py files), {args.runs} alternating runs, {os.cpu_count()} cores")
    print(
        f"ruff check --no-cache      median {med['ruff']:.3f} s  peak {peak['ruff']:.0f} MiB"
        f"  cpu {cpu['ruff']:.3f} s"
    )
    print(
        f"prism-lint check (cold)    median {med['cold']:.3f} s  peak {peak['cold']:.0f} MiB"
        f"  ratio {med['cold'] / med['ruff']:.2f}x  cpu {cpu['cold']:.3f} s"
    )
    # On a machine others share, the fastest runs move less than the medians.
    print(
        f"  fastest runs               ruff {low['ruff']:.3f} s  prism-lint {low['cold']:.3f} s"
        f"  ratio {low['cold'] / low['ruff']:.2f}x"
    )
    print(
        f"prism-lint check (warm)    median {med['warm']:.3f} s  peak {peak['warm']:.0f} MiB"
        f"  ratio {med['warm'] / med['ruff']:.2f}x  cpu {cpu['warm']:.3f} s"
    )
    if named:
        print(
            f"ruff check, {len(named)} files named  median {med['ruff named']:.3f} s"
            f"  peak {peak['ruff named']:.0f} MiB"
        )
        print(
            f"prism-lint check, named (cold) median {med['named']:.3f} s"
            f"  peak {peak['named']:.0f} MiB  ratio {med['named'] / med['ruff named']:.2f}x"
            f"  (fastest runs {low['named'] / low['ruff named']:.2f}x)"
        )
    if args.inventory:
        print(
            f"prism-lint prompts (json)  median {med['inventory']:.3f} s"
            f"  peak {peak['inventory']:.0f} MiB  {med['inventory'] / med['cold']:.2f}x the cold"
            f" check  cpu {cpu['inventory']:.3f} s ({cpu['inventory'] / cpu['cold']:.2f}x)"
        )
    small = os.path.join(cache, "small.py")  # a small module with no prompt, as most files are
    with open(small, "w", encoding="utf-8") as f:
        f.write("import os\n\n\ndef home() -> str:\n    return os.path.expanduser('~')\n")
    prompts = os.path.abspath(args.single) if args.single else PROMPT_FILE
    for label, single in (("no prompt", small), ("with prompts", prompts)):
        if not os.path.isfile(single):
            print(f"one file {label}: {single} not found; skipped")
            continue
        pair: dict[str, list[float]] = {"ruff": [], "prism": []}
        one_cpu: list[float] = []
        for _ in range(args.runs):  # alternating, as above
            pair["ruff"].append(
                timed(
                    [ruff, "check", "--no-cache", "--exit-zero", "--isolated", single], tree, env
                )[0]
            )
            wall, _rss, used = timed(
                [*prism, "check", "--no-cache", "--exit-zero", single], tree, env
            )
            pair["prism"].append(wall)
            one_cpu.append(used)
        one, ruff_one = statistics.median(pair["prism"]), statistics.median(pair["ruff"])
        print(
            f"one file, {label:<12} prism-lint median {one:.3f} s  ruff {ruff_one:.3f} s"
            f"  ratio {one / ruff_one:.1f}x  cpu {statistics.median(one_cpu):.3f} s"
            f"  ({single})"
        )
    if args.lsp:
        _lsp(args.lsp, args.edits)
    shutil.rmtree(cache, ignore_errors=True)
    return 0


PROMPT_FILE = os.path.join(
    os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
    "fixtures",
    "python",
    "openai_chat.py",
)


def _lsp(path: str, edits: int) -> None:
    """The language server's figures, from scripts/lsp_latency.py."""
    import asyncio
    from pathlib import Path

    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    try:
        import lsp_latency
    except ImportError as exc:  # pygls is an optional dependency
        print(f"language server: not timed ({exc})")
        return
    file = Path(path)
    lines = file.read_text(encoding="utf-8").count("\n")
    print(f"language server, typing in {file} ({lines:,} lines), {edits} keystrokes:")
    for mode in ("push", "pull"):
        _first, times, _found = asyncio.run(lsp_latency.session(file, mode, edits))
        print("  " + lsp_latency.summary(f"{mode}: diagnostics after a change", times))
    print(
        "  "
        + lsp_latency.summary("engine alone (check_source)", lsp_latency.engine_times(file, 15))
    )


def _walked_python(tree: str, gitignore: bool = True) -> list[str]:
    """The ``.py`` files prism-lint's own walk of the tree finds, relative to it
    (``gitignore``: with the tree's ``.gitignore`` applied)."""
    from dataclasses import replace

    from prism_lint.config import Resolver
    from prism_lint.discovery import discover

    here = os.getcwd()
    os.chdir(tree)
    try:
        resolver = Resolver()
        if not gitignore:
            resolver.cli = lambda settings: replace(settings, respect_gitignore=False)
        return [t.path for t in discover(["."], resolver) if t.path.endswith(".py")]
    finally:
        os.chdir(here)


def _python_files(tree: str):  # type: ignore[no-untyped-def]
    for _root, dirs, names in os.walk(tree):
        dirs[:] = [d for d in dirs if d not in (".git", "node_modules", ".venv")]
        yield from (n for n in names if n.endswith(".py"))


if __name__ == "__main__":
    raise SystemExit(main())
