#!/usr/bin/env python3
"""Write the ``mmlu.jsonl`` that ``score_prism.py`` reads, from MMLU CSV files.

MMLU's questions are public test data; they are read where they lie and never
copied into the project. Two CSV layouts are read:

* MMLU-Redux (``question,choices,answer,error_type,...`` with a header;
  ``choices`` a Python list literal): rows whose ``error_type`` is not ``ok``
  are left out, since their question or key is known to be wrong;
* the original MMLU test files (no header: question, four options, answer).

The subject is the file name without ``mmlu_`` and ``_test``. A fixed number
of questions per subject is drawn with a fixed seed, so the sample is the
same on every machine:

    python scripts/mmlu_sample.py CSV_DIR OUT/mmlu.jsonl [--per-subject 5] [--seed 7]
"""

from __future__ import annotations

import argparse
import ast
import csv
import json
import random
import sys
from pathlib import Path


def read_rows(path: Path) -> list[tuple[str, list[str]]]:
    """(question, choices) of one CSV file, in either layout."""
    with path.open(encoding="utf-8", errors="replace", newline="") as fh:
        rows = list(csv.reader(fh))
    if not rows:
        return []
    out: list[tuple[str, list[str]]] = []
    if rows[0][:2] == ["question", "choices"]:
        header = rows[0]
        for row in rows[1:]:
            rec = dict(zip(header, row, strict=False))
            if rec.get("error_type", "ok") != "ok":
                continue
            try:
                choices = ast.literal_eval(rec.get("choices", ""))
            except (ValueError, SyntaxError):
                continue
            if isinstance(choices, list) and len(choices) >= 2:
                out.append((rec["question"], [str(c) for c in choices]))
        return out
    for row in rows:
        if len(row) >= 6:
            out.append((row[0], row[1:5]))
    return out


def subject_of(path: Path) -> str:
    return path.stem.removeprefix("mmlu_").removesuffix("_test").replace("_", " ")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("csv_dir", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--per-subject", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    files = sorted(args.csv_dir.rglob("*.csv"))
    if not files:
        print(f"no .csv files under {args.csv_dir}", file=sys.stderr)
        return 2
    rng = random.Random(args.seed)
    written = 0
    with args.out.open("w", encoding="utf-8") as out:
        for path in files:
            rows = read_rows(path)
            for question, choices in rng.sample(rows, min(args.per_subject, len(rows))):
                out.write(
                    json.dumps(
                        {"subject": subject_of(path), "question": question, "choices": choices}
                    )
                    + "\n"
                )
                written += 1
    print(f"{written} questions from {len(files)} files -> {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
