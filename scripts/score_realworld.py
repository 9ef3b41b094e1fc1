#!/usr/bin/env python3
"""Score prism-lint on the real-world development corpus.

The corpus (``labels.jsonl``, 408 labelled prompt locations in 19 public
repositories) is read where it lies: the nearest ``shared/corpus/realworld``
above the checkout, or ``--corpus``. The exported trees are never part of
the project: give their folder as TREES or in PRISM_REALWORLD_TREES (one
``<owner>+<name>`` folder per repository).

Matching follows the corpus README: a finding counts for an item when it is
in the same file (and notebook cell) and its line range overlaps the item's
line +-2. A ``flag`` item with a PRS1xx finding is a true positive, without
one a miss; an ``ok`` item with one is a false flag; ``unsure`` items are
left out; findings away from labelled items are not counted.

It prints precision, recall and F1 overall, per repository and per code.
A code's precision counts the items its findings land on; its recall is
over the flagged items whose labelled task is the code's (code: PRS101,
math: PRS102, factual: PRS103 and PRS104 together; PRS105 depends on the
model, not the task, so it has no recall). ``--show`` lists the misses and
false flags with what the tool inferred there (``prompts`` output:
message role, personas, task, confidence, evidence).

    python scripts/score_realworld.py [TREES] [--prism-lint EXE] [--show] [--json]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from lint_json import run_json as run_json_of

REPO = Path(__file__).resolve().parent.parent
CORPUS_REL = Path("shared") / "corpus" / "realworld"
TOLERANCE = 2
CODES = ("PRS101", "PRS102", "PRS103", "PRS104", "PRS105")
# The labelled task each code's recall is measured on.
CODE_TASKS = {"PRS101": ("code",), "PRS102": ("math",), "PRS103/104": ("factual",)}


class ScoreError(Exception):
    """Input the scorer cannot use: said plainly, never as a traceback."""


def default_corpus() -> Path | None:
    """The nearest shared/corpus/realworld above the checkout."""
    for parent in REPO.parents:
        candidate = parent / CORPUS_REL
        if (candidate / "labels.jsonl").is_file():
            return candidate
    return None


@dataclass
class Item:
    id: str
    repo: str
    path: str
    line: int
    cell: int | None
    verdict: str
    persona: str
    task: str
    persona_text: str
    excerpt: str


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    has_recall: bool = True  # False for a code whose misses cannot be told apart

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else math.nan

    @property
    def recall(self) -> float:
        if not self.has_recall or not self.tp + self.fn:
            return math.nan
        return self.tp / (self.tp + self.fn)

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        if math.isnan(p) or math.isnan(r):
            return math.nan
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Result:
    overall: Counts = field(default_factory=Counts)
    repos: dict[str, Counts] = field(default_factory=dict)
    codes: dict[str, Counts] = field(default_factory=dict)
    by_task: dict[str, list[int]] = field(default_factory=dict)  # task -> [caught, flag items]
    misses: list[tuple[Item, list[dict[str, Any]]]] = field(default_factory=list)
    false_flags: list[tuple[Item, list[dict[str, Any]], list[dict[str, Any]]]] = field(
        default_factory=list
    )
    unsure: int = 0
    absent: list[str] = field(default_factory=list)
    skipped_repos: list[str] = field(default_factory=list)


def load_items(path: Path) -> list[Item]:
    items = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise ScoreError(f"cannot read labels: {exc}") from exc
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
            items.append(
                Item(
                    raw["id"],
                    raw["repo"],
                    raw["path"],
                    int(raw["line"]),
                    raw.get("cell"),
                    raw["verdict"],
                    raw.get("persona", ""),
                    raw.get("task", ""),
                    raw.get("persona_text", ""),
                    raw.get("excerpt", ""),
                )
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise ScoreError(f"{path}:{n}: bad label: {exc}") from exc
    return items


def run_json(exe: str, args: list[str]) -> list[dict[str, Any]]:
    return run_json_of(exe, args, ScoreError)


def _relpath(tree: Path, filename: str) -> str:
    return Path(os.path.relpath(os.path.realpath(filename), os.path.realpath(tree))).as_posix()


def index_by_file(
    tree: Path, rows: list[dict[str, Any]]
) -> dict[tuple[str, Any], list[dict[str, Any]]]:
    index: dict[tuple[str, Any], list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        index[(_relpath(tree, row["filename"]), row.get("cell"))].append(row)
    return index


def near(item: Item, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows whose line range overlaps the item's line +-TOLERANCE."""
    lo, hi = item.line - TOLERANCE, item.line + TOLERANCE
    return [
        r
        for r in rows
        if r["location"]["row"] <= hi and (r.get("end_location") or r["location"])["row"] >= lo
    ]


def score(
    trees: Path,
    items: list[Item],
    exe: str,
    prefixes: tuple[str, ...] = ("PRS1",),
    details: bool = False,
) -> Result:
    res = Result()
    by_repo: dict[str, list[Item]] = defaultdict(list)
    for it in items:
        by_repo[it.repo].append(it)
    for code in CODES:
        res.codes[code] = Counts(has_recall=code in CODE_TASKS)
    for repo in sorted(by_repo, key=str.lower):
        tree = trees / repo.replace("/", "+", 1)
        if not tree.is_dir():
            res.skipped_repos.append(repo)
            continue
        check = ["check", "--no-cache", "--exit-zero", "--output-format", "json", str(tree)]
        findings = [f for f in run_json(exe, check) if str(f.get("code", "")).startswith(prefixes)]
        found = index_by_file(tree, findings)
        prompts = (
            index_by_file(tree, run_json(exe, ["prompts", "--output-format", "json", str(tree)]))
            if details
            else {}
        )
        counts = res.repos.setdefault(repo, Counts())
        for it in by_repo[repo]:
            if not (tree / it.path).is_file():
                res.absent.append(f"{it.id} {it.path}")
                continue
            if it.verdict == "unsure":
                res.unsure += 1
                continue
            key = (it.path, it.cell)
            hits = near(it, found.get(key, []))
            seen = near(it, prompts.get(key, [])) if details else []
            hit_codes = {str(h["code"]) for h in hits}
            gold = it.verdict == "flag"
            for c in (counts, res.overall):
                _add(c, gold, bool(hits))
            for code in hit_codes & set(CODES):
                _add(res.codes[code], gold, True)
            if gold:
                tally = res.by_task.setdefault(it.task, [0, 0])
                tally[0] += bool(hits)
                tally[1] += 1
                if not hits:
                    res.misses.append((it, seen))
            elif hits:
                res.false_flags.append((it, hits, seen))
    _code_recall(res, items)
    return res


def _add(c: Counts, gold: bool, flagged: bool) -> None:
    if gold and flagged:
        c.tp += 1
    elif flagged:
        c.fp += 1
    elif gold:
        c.fn += 1
    else:
        c.tn += 1


def _code_recall(res: Result, items: list[Item]) -> None:
    """Give each task-bound code its misses: flagged items of its task it did not catch."""
    missed = {it.id for it, _ in res.misses}
    for label, tasks in CODE_TASKS.items():
        area = [it for it in items if it.verdict == "flag" and it.task in tasks]
        fn = sum(1 for it in area if it.id in missed)
        if label in res.codes:
            res.codes[label].fn = fn
        else:
            merged = Counts()
            for code in ("PRS103", "PRS104"):
                merged.tp += res.codes[code].tp
                merged.fp += res.codes[code].fp
            merged.fn = fn
            res.codes[label] = merged


def fmt(x: float) -> str:
    return "  n/a" if math.isnan(x) else f"{x:5.3f}"


def _row(name: str, c: Counts) -> str:
    fn = f"{c.fn:4d}" if c.has_recall else f"{'-':>4s}"
    return (
        f"{name:36s} {c.tp:4d} {c.fp:4d} {fn}  {fmt(c.precision)} {fmt(c.recall):>6s} {fmt(c.f1)}"
    )


def print_result(res: Result, show: bool) -> None:
    head = f"{'':36s} {'TP':>4s} {'FP':>4s} {'FN':>4s}  {'prec':>5s} {'recall':>6s} {'F1':>5s}"
    print(head)
    for repo, c in res.repos.items():
        print(_row(repo, c))
    print(_row("OVERALL", res.overall))
    print(f"(unsure left out: {res.unsure}; line tolerance +-{TOLERANCE})")
    print("\nPer code (recall over flagged items of the code's labelled task; FN = missed by all)")
    print(head)
    for code, c in res.codes.items():
        print(_row(code, c))
    print("\nFlagged items caught, by labelled task")
    for task, (got, n) in sorted(res.by_task.items()):
        print(f"  {task:12s} {got:3d}/{n:<3d}")
    if res.skipped_repos:
        print(f"trees missing, skipped: {', '.join(res.skipped_repos)}", file=sys.stderr)
    if res.absent:
        print(
            f"{len(res.absent)} labelled file(s) absent: {', '.join(res.absent[:5])}",
            file=sys.stderr,
        )
    if not show:
        return
    unextracted = sum(1 for _, seen in res.misses if not seen)
    print(f"\nMISSES (labelled flag, no finding; {unextracted} with no prompt extracted there)")
    for it, seen in res.misses:
        _show_item(it, seen)
    print("\nFALSE FLAGS (labelled ok, finding present)")
    for it, hits, seen in res.false_flags:
        _show_item(it, seen)
        for h in hits[:2]:
            d = h.get("details") or {}
            ev = ", ".join(
                f"{e.get('cue')}:{e.get('category')}:{e.get('source')}"
                for e in d.get("evidence", [])[:6]
            )
            print(
                f"      {h['code']} L{h['location']['row']} task={d.get('task')} "
                f"conf={d.get('task_confidence')} evidence: {ev}"
            )


def _show_item(it: Item, seen: list[dict[str, Any]]) -> None:
    cell = f" cell {it.cell}" if it.cell else ""
    print(f"  {it.id} {it.repo} {it.path}:{it.line}{cell} [label {it.persona}/{it.task}]")
    print(f"      persona: {it.persona_text[:110]!r}")
    print(f"      excerpt: {it.excerpt[:220]!r}")
    for p in seen[:3]:
        personas = "; ".join(f"{q['kind']}:{q['text'][:60]!r}" for q in p.get("personas", []))
        where = f"L{p['location']['row']} {p.get('role')}/{p.get('tier')}"
        print(
            f"      tool {where}: task={p.get('task')} conf={p.get('task_confidence')} "
            f"evidence={p.get('evidence', [])[:6]} personas=[{personas}]"
        )
    if not seen and it.verdict == "flag":
        print("      tool: no prompt extracted near this line")


def as_json(res: Result) -> dict[str, Any]:
    def num(v: float) -> float | None:
        return None if math.isnan(v) else round(v, 4)

    def c(x: Counts) -> dict[str, Any]:
        return {
            "tp": x.tp,
            "fp": x.fp,
            "fn": x.fn if x.has_recall else None,
            "tn": x.tn,
            "precision": num(x.precision),
            "recall": num(x.recall),
            "f1": num(x.f1),
        }

    return {
        "overall": c(res.overall),
        "repos": {k: c(v) for k, v in res.repos.items()},
        "codes": {k: c(v) for k, v in res.codes.items()},
        "by_task": res.by_task,
        "misses": [it.id for it, _ in res.misses],
        "false_flags": [it.id for it, _, _ in res.false_flags],
        "unsure": res.unsure,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "trees",
        nargs="?",
        default=os.environ.get("PRISM_REALWORLD_TREES"),
        help="folder of exported trees (default: $PRISM_REALWORLD_TREES)",
    )
    ap.add_argument(
        "--corpus",
        type=Path,
        default=None,
        help="folder holding labels.jsonl (default: nearest shared/corpus/realworld)",
    )
    ap.add_argument(
        "--prism-lint", default="prism-lint", help="command to run (default: prism-lint)"
    )
    ap.add_argument("--codes", default="PRS1", help="comma-separated code prefixes that flag")
    ap.add_argument("--show", action="store_true", help="list misses and false flags")
    ap.add_argument("--json", action="store_true", help="machine-readable output")
    args = ap.parse_args(argv)
    if not args.trees:
        print("no trees folder: give TREES or set PRISM_REALWORLD_TREES", file=sys.stderr)
        return 2
    corpus = args.corpus or default_corpus()
    if corpus is None or not (corpus / "labels.jsonl").is_file():
        print("real-world corpus not found: give --corpus", file=sys.stderr)
        return 2
    prefixes = tuple(p.strip() for p in args.codes.split(",") if p.strip())
    try:
        res = score(
            Path(args.trees),
            load_items(corpus / "labels.jsonl"),
            args.prism_lint,
            prefixes,
            details=args.show,
        )
    except ScoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(as_json(res), indent=1))
    else:
        print_result(res, args.show)
    return 0


if __name__ == "__main__":
    sys.exit(main())
