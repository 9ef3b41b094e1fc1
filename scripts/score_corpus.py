#!/usr/bin/env python3
"""Score prism-lint's analysis against the labelled prompt corpus.

For each labelled prompt (``ambiguous`` rows left out) the analysis decides
"flag" exactly as the PRS1xx rules do (``prism_lint.analysis.is_flagged``:
an expert persona on an accuracy-critical task), and this compares it with
the annotators' verdict. It prints precision, recall and F1, the misses
with what the analysis saw, and how often the persona span agrees with the
annotated ``persona_text``.

The corpus is read where it lies (``../shared/corpus`` next to the checkout
by default); it is never copied into the project.

    python scripts/score_corpus.py [--corpus DIR] [--labels FILE] [--quiet] [--json]
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from prism_lint.analysis import Analysis, analyse_text, is_flagged

REPO = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus"
CSV_NAME = "awesome-chatgpt-prompts.csv"
LABELS_NAME = "labels-dev.jsonl"


@dataclass
class Row:
    id: str
    prompt: str
    verdict: str  # "flag" or "ok"
    persona: str  # gold persona kind
    persona_text: str
    task: str


@dataclass
class Miss:
    id: str
    kind: str  # "FP" or "FN"
    gold_task: str
    gold_persona: str
    gold_persona_text: str
    persona_kind: str
    persona_text: str
    task: str
    confidence: float
    evidence: list[str]
    scores: dict[str, float]


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    skipped: int = 0  # ambiguous rows
    span_rows: int = 0  # rows with a gold persona and one of ours
    span_exact: int = 0
    span_overlap: int = 0
    persona_found: int = 0  # gold expert rows where we found an expert
    persona_gold: int = 0
    seconds: float = 0.0
    misses: list[Miss] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def load_rows(corpus: Path, labels: Path | None = None) -> list[Row]:
    """The labelled rows, joined to their prompts by the row index in the id."""
    csv.field_size_limit(sys.maxsize)
    with (corpus / CSV_NAME).open(encoding="utf-8", newline="") as fh:
        prompts = [r["prompt"] for r in csv.DictReader(fh)]
    rows = []
    with (labels or corpus / LABELS_NAME).open(encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            lab = json.loads(line)
            index = int(lab["id"].split("-")[1])
            rows.append(
                Row(
                    lab["id"],
                    prompts[index],
                    lab["verdict"],
                    lab.get("persona", ""),
                    lab.get("persona_text", ""),
                    lab.get("task", ""),
                )
            )
    return rows


def primary_persona(analysis: Analysis):  # type: ignore[no-untyped-def]
    """The persona a diagnostic would point at: the first expert, else the first one."""
    experts = analysis.experts
    if experts:
        return experts[0]
    return analysis.personas[0] if analysis.personas else None


def score(rows: list[Row]) -> Score:
    result = Score()
    analyse_text("You are a warm-up.")  # load the vocabulary outside the timing
    started = time.perf_counter()
    analyses = [analyse_text(r.prompt) if r.verdict != "ambiguous" else None for r in rows]
    result.seconds = time.perf_counter() - started
    for row, analysis in zip(rows, analyses, strict=True):
        if analysis is None:
            result.skipped += 1
            continue
        flagged = is_flagged(analysis)
        gold = row.verdict == "flag"
        if flagged and gold:
            result.tp += 1
        elif flagged:
            result.fp += 1
        elif gold:
            result.fn += 1
        else:
            result.tn += 1
        ours = primary_persona(analysis)
        if row.persona == "expert":
            result.persona_gold += 1
            result.persona_found += bool(analysis.experts)
        if row.persona_text and ours is not None:
            start = row.prompt.find(row.persona_text)
            if start >= 0:
                result.span_rows += 1
                end = start + len(row.persona_text)
                result.span_exact += (ours.start, ours.end) == (start, end)
                result.span_overlap += ours.start < end and start < ours.end
        if flagged != gold:
            task = analysis.task
            result.misses.append(
                Miss(
                    row.id,
                    "FP" if flagged else "FN",
                    row.task,
                    row.persona,
                    row.persona_text,
                    ours.kind if ours else "-",
                    ours.text if ours else "",
                    task.category,
                    task.confidence,
                    [f"{e.cue}:{e.category}:{e.source}:{e.weight}" for e in task.evidence[:8]],
                    dict(sorted(task.scores.items(), key=lambda kv: -kv[1])[:4]),
                )
            )
    return result


def _report(s: Score, quiet: bool) -> None:
    n = s.tp + s.fp + s.fn + s.tn
    print(f"rows scored {n} (ambiguous skipped {s.skipped})")
    print(f"TP {s.tp}  FP {s.fp}  FN {s.fn}  TN {s.tn}")
    print(f"precision {s.precision:.3f}  recall {s.recall:.3f}  F1 {s.f1:.3f}")
    print(f"expert persona found on {s.persona_found}/{s.persona_gold} gold expert rows")
    if s.span_rows:
        print(
            f"persona span vs gold persona_text ({s.span_rows} rows): "
            f"exact {s.span_exact / s.span_rows:.1%}, overlap {s.span_overlap / s.span_rows:.1%}"
        )
    print(
        f"analysis time {s.seconds * 1000:.1f} ms for {n} prompts "
        f"({s.seconds * 1e6 / max(n, 1):.0f} µs each)"
    )
    if quiet:
        return
    for m in s.misses:
        print(f"\n{m.kind} {m.id}  gold task={m.gold_task} persona={m.gold_persona}")
        print(f"   gold persona: {m.gold_persona_text[:100]!r}")
        print(f"   ours: {m.persona_kind} {m.persona_text[:100]!r}")
        print(f"   task={m.task} conf={m.confidence} scores={m.scores}")
        print(f"   evidence: {', '.join(m.evidence)}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="corpus directory")
    ap.add_argument("--labels", type=Path, default=None, help="labels JSONL (default: dev)")
    ap.add_argument("--quiet", action="store_true", help="numbers only, no misses")
    ap.add_argument("--json", action="store_true", help="machine-readable output")
    args = ap.parse_args(argv)
    if not (args.corpus / CSV_NAME).is_file():
        print(f"corpus not found: {args.corpus / CSV_NAME}", file=sys.stderr)
        return 2
    s = score(load_rows(args.corpus, args.labels))
    if args.json:
        out = asdict(s)
        out.update(precision=s.precision, recall=s.recall, f1=s.f1)
        print(json.dumps(out, ensure_ascii=False, indent=1))
    else:
        _report(s, args.quiet)
    return 0


if __name__ == "__main__":
    sys.exit(main())
