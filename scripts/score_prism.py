#!/usr/bin/env python3
"""Score prism-lint on the PRISM study's own materials.

Every persona x length x question is built the way the study sent it: the
persona file's text as the system message and the question (MT-Bench turn 1,
or an MMLU question in the study's multiple-choice form) as the user message.
Each case is checked in two shapes:

* ``code``: a Python file with an OpenAI chat call holding both messages,
  linted by the command line (``check`` for findings, ``prompts`` for the
  inferred task of unflagged cases), once over a temporary directory;
* ``text``: persona, blank line, question as one text, through the
  in-process analysis (``prism_lint.analysis``).

The expected verdicts live in ``scripts/prism_expected.toml``, written from
the study and the labelling guide, not from the tool's output. The data (the
persona files and MT-Bench's ``question.jsonl``, optionally ``mmlu.jsonl``)
is read where it lies and never copied into the project:

    DATA/personas/{min,half,full}_personas/persona_<name>.txt
    DATA/question.jsonl
    DATA/mmlu.jsonl   (optional: {"subject", "question", "choices"} per line)
    DATA/gsm8k.jsonl  (optional: GSM8K's test file; 150 questions drawn with a fixed seed)
    DATA/humaneval.jsonl  (optional: HumanEval's problems, each prompt sent as is)
    DATA/vicuna.jsonl (optional: FastChat's vicuna_bench question.jsonl)

The three optional sets test the same rules on questions of other forms than
MT-Bench's: word problems, bare function stubs, and Vicuna's counterfactual,
roleplay and advice questions.

    python scripts/score_prism.py [DATA] [--shape code|text|both] [--show] [--json]

DATA defaults to the PRISM_DATA environment variable.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from lint_json import run_json as run_json_of

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

HERE = Path(__file__).resolve().parent
DEFAULT_EXPECTED = HERE / "prism_expected.toml"
LENGTHS = ("min", "half", "full")  # the paper's Min, Short and Long
SHAPES = ("code", "text")
MMLU_FILE = "mmlu.jsonl"
GSM8K_FILE = "gsm8k.jsonl"
GSM8K_SAMPLE = 150
HUMANEVAL_FILE = "humaneval.jsonl"
VICUNA_FILE = "vicuna.jsonl"
FLAG_PREFIX = "PRS1"


@dataclass(frozen=True)
class Persona:
    name: str  # "math", from persona_math.txt
    length: str  # one of LENGTHS
    text: str


@dataclass(frozen=True)
class Question:
    qid: str  # MT-Bench question_id, or "mmlu-<n>"
    category: str
    text: str


@dataclass(frozen=True)
class Case:
    """One persona on one question, as the study sent it."""

    persona: str
    length: str
    qid: str
    category: str
    system: str
    user: str
    persona_kind: str  # "expert" or "role"
    expected: str  # "flag", "ok" or "unsure"

    @property
    def key(self) -> str:
        return f"{self.persona}__{self.length}__{self.qid}"


@dataclass
class Outcome:
    """What the linter said about one case in one shape."""

    flagged: bool
    codes: list[str] = field(default_factory=list)
    task: str = ""
    confidence: float = 0.0
    evidence: list[str] = field(default_factory=list)


@dataclass
class Expected:
    """The parsed expected-verdicts file."""

    personas: dict[str, str]  # name -> "expert" | "role"
    categories: dict[str, str]  # category -> "flag" | "ok" | "per-question"
    targets: dict[str, tuple[str, float]]  # category -> ("min"|"max", rate)
    questions: dict[str, str]  # qid -> "flag" | "ok" | "unsure"

    def verdict(self, persona: str, question: Question) -> str:
        q = self.questions.get(question.qid) or self.categories.get(question.category, "")
        if q not in ("flag", "ok", "unsure"):
            raise ValueError(f"no expected verdict for question {question.qid}")
        if q == "unsure":
            return "unsure"
        return "flag" if q == "flag" and self.personas[persona] == "expert" else "ok"


class DataError(Exception):
    """The data directory or the expected-verdicts file is not usable."""


# -- loading -----------------------------------------------------------------


def load_expected(path: Path) -> Expected:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise DataError(f"{path}: {exc}") from exc
    personas = {name: str(p["kind"]) for name, p in raw.get("personas", {}).items()}
    categories: dict[str, str] = {}
    targets: dict[str, tuple[str, float]] = {}
    for name, cat in raw.get("categories", {}).items():
        categories[name] = str(cat["expected"])
        for bound, rate in cat.get("target", {}).items():
            targets[name] = (bound, float(rate))
    questions = {str(q): str(v["verdict"]) for q, v in raw.get("questions", {}).items()}
    bad = [k for k, v in personas.items() if v not in ("expert", "role")]
    if bad:
        raise DataError(f"{path}: persona kind must be expert or role: {', '.join(bad)}")
    return Expected(personas, categories, targets, questions)


def load_personas(data: Path) -> list[Persona]:
    personas = []
    for length in LENGTHS:
        folder = data / "personas" / f"{length}_personas"
        if not folder.is_dir():
            raise DataError(f"persona folder not found: {folder}")
        for path in sorted(folder.glob("persona_*.txt")):
            name = path.stem.removeprefix("persona_")
            # The study reads each file whole and strips it.
            personas.append(Persona(name, length, path.read_text(encoding="utf-8").strip()))
    if not personas:
        raise DataError(f"no persona files under {data / 'personas'}")
    return personas


def _read_jsonl(path: Path) -> list[dict[str, object]]:
    rows = []
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if line.strip():
                try:
                    rows.append(json.loads(line))
                except ValueError as exc:
                    raise DataError(f"{path}:{n}: bad JSON: {exc}") from exc
    return rows


def format_mmlu(subject: str, question: str, choices: Iterable[str]) -> str:
    """An MMLU question as the study's evaluation writes it (lettered options)."""
    text = f"The following is a multiple choice question about {subject.replace('_', ' ')}.\n\n"
    text += f"{question}\n"
    for i, choice in enumerate(choices):
        text += f"{chr(65 + i)}. {choice}\n"
    return text + "Answer:"


def load_questions(data: Path) -> list[Question]:
    path = data / "question.jsonl"
    if not path.is_file():
        raise DataError(f"MT-Bench questions not found: {path}")
    questions = []
    for row in _read_jsonl(path):
        turns = row.get("turns")
        if not isinstance(turns, list) or not turns:
            raise DataError(f"{path}: question {row.get('question_id')} has no turns")
        questions.append(Question(str(row["question_id"]), str(row["category"]), str(turns[0])))
    mmlu = data / MMLU_FILE
    if mmlu.is_file():
        for n, row in enumerate(_read_jsonl(mmlu), 1):
            choices = row.get("choices")
            if not isinstance(choices, list):
                raise DataError(f"{mmlu}:{n}: 'choices' must be a list")
            text = format_mmlu(str(row.get("subject", "")), str(row["question"]), map(str, choices))
            questions.append(Question(f"mmlu-{n}", "mmlu", text))
    questions.extend(_other_benchmarks(data))
    return questions


def _other_benchmarks(data: Path) -> list[Question]:
    out: list[Question] = []
    gsm8k = data / GSM8K_FILE
    if gsm8k.is_file():
        rows = _read_jsonl(gsm8k)
        picked = sorted(random.Random(13).sample(range(len(rows)), min(GSM8K_SAMPLE, len(rows))))
        for n in picked:
            out.append(Question(f"gsm8k-{n + 1}", "gsm8k", str(rows[n]["question"])))
    humaneval = data / HUMANEVAL_FILE
    if humaneval.is_file():
        for n, row in enumerate(_read_jsonl(humaneval), 1):
            out.append(Question(f"humaneval-{n}", "humaneval", str(row["prompt"])))
    vicuna = data / VICUNA_FILE
    if vicuna.is_file():
        for row in _read_jsonl(vicuna):
            turns = row.get("turns")
            if not isinstance(turns, list) or not turns:
                raise DataError(f"{vicuna}: question {row.get('question_id')} has no turns")
            category = f"vicuna-{row['category']}"
            out.append(Question(f"vicuna-{row['question_id']}", category, str(turns[0])))
    return out


def build_cases(
    personas: list[Persona], questions: list[Question], expected: Expected
) -> list[Case]:
    cases = []
    for p in personas:
        if p.name not in expected.personas:
            raise DataError(f"persona {p.name!r} has no kind in the expected-verdicts file")
        for q in questions:
            cases.append(
                Case(
                    p.name,
                    p.length,
                    q.qid,
                    q.category,
                    p.text,
                    q.text,
                    expected.personas[p.name],
                    expected.verdict(p.name, q),
                )
            )
    return cases


# -- the two shapes --------------------------------------------------------------


def case_text(case: Case) -> str:
    """Shape (b): the persona and the question as one text."""
    return f"{case.system}\n\n{case.user}"


def case_source(case: Case) -> str:
    """Shape (a): the call the study made, as application code writes it."""
    return (
        "from openai import OpenAI\n"
        "\n"
        "client = OpenAI()\n"
        "response = client.chat.completions.create(\n"
        '    model="gpt-4o",\n'
        "    messages=[\n"
        f'        {{"role": "system", "content": {case.system!r}}},\n'
        f'        {{"role": "user", "content": {case.user!r}}},\n'
        "    ],\n"
        ")\n"
    )


def run_text(cases: list[Case]) -> dict[str, Outcome]:
    from prism_lint.analysis import analyse_text, is_flagged

    out = {}
    for case in cases:
        a = analyse_text(case_text(case))
        flagged = is_flagged(a)
        out[case.key] = Outcome(
            flagged,
            [f"PRS1xx:{a.task.category}"] if flagged else [],
            a.task.category,
            a.task.confidence,
            [f"{e.cue}:{e.category}:{e.source}" for e in a.task.evidence],
        )
    return out


def question_alone(questions: list[Question]) -> dict[str, dict[str, int]]:
    """The task inferred from each question with no persona, per category.

    It separates what the request alone says from what the persona adds.
    """
    from prism_lint.analysis import analyse_text

    out: dict[str, dict[str, int]] = {}
    for q in questions:
        task = analyse_text(q.text).task.category
        tally = out.setdefault(q.category, {})
        tally[task] = tally.get(task, 0) + 1
    return out


def _run_cli(exe: str, args: list[str]) -> list[dict[str, Any]]:
    return run_json_of(exe, args, DataError)


def run_code(cases: list[Case], exe: str) -> dict[str, Outcome]:
    with tempfile.TemporaryDirectory(prefix="prism-set-") as tmp:
        root = Path(tmp)
        for case in cases:
            (root / f"{case.key}.py").write_text(case_source(case), encoding="utf-8")
        findings = _run_cli(
            exe, ["check", "--output-format", "json", "--no-cache", "--exit-zero", str(root)]
        )
        prompts = _run_cli(exe, ["prompts", "--output-format", "json", str(root)])
    out = {case.key: Outcome(False) for case in cases}
    for f in findings:
        code = str(f.get("code", ""))
        key = Path(str(f["filename"])).stem
        if not code.startswith(FLAG_PREFIX) or key not in out:
            continue
        o = out[key]
        details = f.get("details") or {}
        if not o.flagged:
            o.flagged = True
            o.task = str(details.get("task", ""))
            o.confidence = float(details.get("task_confidence", 0.0))
            o.evidence = [
                f"{e.get('cue')}:{e.get('category')}:{e.get('source')}"
                for e in details.get("evidence", [])
            ]
        o.codes.append(code)
    for p in prompts:
        key = Path(str(p["filename"])).stem
        seen = out.get(key)
        # The system message is where the persona sits; its task is the verdict's.
        if seen is None or seen.flagged or p.get("role") != "system":
            continue
        seen.task = str(p.get("task", ""))
        seen.confidence = float(p.get("task_confidence", 0.0))
        seen.evidence = [str(e) for e in p.get("evidence", [])]
    return out


# -- scoring -----------------------------------------------------------------------


@dataclass
class Rate:
    flagged: int = 0
    total: int = 0

    @property
    def rate(self) -> float:
        return self.flagged / self.total if self.total else float("nan")

    def add(self, flagged: bool) -> None:
        self.total += 1
        self.flagged += flagged


@dataclass
class Confusion:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    def add(self, expected: bool, got: bool) -> None:
        if expected and got:
            self.tp += 1
        elif got:
            self.fp += 1
        elif expected:
            self.fn += 1
        else:
            self.tn += 1

    @property
    def accuracy(self) -> float:
        n = self.tp + self.fp + self.fn + self.tn
        return (self.tp + self.tn) / n if n else float("nan")


@dataclass
class Report:
    # (shape, category, length) -> flag rate over expert-persona cases, unsure left out
    rates: dict[str, Rate] = field(default_factory=dict)
    # (shape, category) -> rate, for the targets
    targets: dict[str, dict[str, Any]] = field(default_factory=dict)
    # (shape, category) -> agreement with the per-case expected verdict
    agreement: dict[str, Confusion] = field(default_factory=dict)
    # (shape, persona) -> flag rate on cases expected flag / expected ok
    by_persona: dict[str, dict[str, Rate]] = field(default_factory=dict)
    role_false_flags: dict[str, Rate] = field(default_factory=dict)
    unsure: dict[str, Rate] = field(default_factory=dict)
    # category -> share of its expert-persona cases expected to be flagged
    expected_share: dict[str, Rate] = field(default_factory=dict)
    wrong: list[dict[str, Any]] = field(default_factory=list)
    passed: bool = True


def score(cases: list[Case], results: dict[str, dict[str, Outcome]], expected: Expected) -> Report:
    rep = Report()
    target_rates: dict[tuple[str, str], Rate] = defaultdict(Rate)
    for shape, outcomes in results.items():
        for case in cases:
            o = outcomes[case.key]
            if case.expected == "unsure":
                rep.unsure.setdefault(f"{shape}/{case.category}", Rate()).add(o.flagged)
                continue
            want = case.expected == "flag"
            if case.persona_kind == "expert":
                if shape == next(iter(results)):
                    rep.expected_share.setdefault(case.category, Rate()).add(want)
                rep.rates.setdefault(f"{shape}/{case.category}/{case.length}", Rate()).add(
                    o.flagged
                )
                target_rates[(shape, case.category)].add(o.flagged)
            else:
                rep.role_false_flags.setdefault(shape, Rate()).add(o.flagged)
            rep.agreement.setdefault(f"{shape}/{case.category}", Confusion()).add(want, o.flagged)
            side = rep.by_persona.setdefault(f"{shape}/{case.persona}/{case.length}", {})
            side.setdefault("expected flag" if want else "expected ok", Rate()).add(o.flagged)
            if want != o.flagged:
                rep.wrong.append(
                    {"shape": shape, **asdict(case), **asdict(o), "kind": "miss" if want else "FP"}
                )
    for (shape, category), r in sorted(target_rates.items()):
        if category not in expected.targets:
            continue
        bound, limit = expected.targets[category]
        ok = r.rate >= limit if bound == "min" else r.rate <= limit
        rep.passed &= ok
        rep.targets[f"{shape}/{category}"] = {
            "bound": bound,
            "limit": limit,
            "flagged": r.flagged,
            "total": r.total,
            "rate": r.rate,
            "met": ok,
        }
    return rep


# -- output ------------------------------------------------------------------------


def _pct(r: Rate) -> str:
    return "   -" if not r.total else f"{r.rate * 100:4.0f}%"


def print_report(rep: Report, shapes: list[str], categories: list[str], show: bool) -> None:
    print("Flag rate over expert-persona cases (unsure questions left out)")
    head = f"{'category':12s} {'exp':>6s}"
    for shape in shapes:
        head += "  " + " ".join(f"{shape[:4]}/{length:<4s}" for length in LENGTHS)
    print(head)
    for category in categories:
        line = f"{category:12s} {_pct(rep.expected_share.get(category, Rate())):>6s}"
        for shape in shapes:
            line += "  " + " ".join(
                f"{_pct(rep.rates.get(f'{shape}/{category}/{length}', Rate())):>9s}"
                for length in LENGTHS
            )
        print(line)

    print("\nTargets (issue 13)")
    for key, t in rep.targets.items():
        sign = ">=" if t["bound"] == "min" else "<="
        mark = "met" if t["met"] else "NOT met"
        print(
            f"  {key:20s} {t['flagged']:5d}/{t['total']:<5d} {float(t['rate']) * 100:5.1f}%"
            f"  target {sign} {float(t['limit']) * 100:.0f}%  {mark}"
        )
    print(f"  all targets: {'met' if rep.passed else 'NOT met'}")

    print("\nAgreement with the expected verdict per case (all 12 personas)")
    for key, c in rep.agreement.items():
        print(
            f"  {key:20s} accuracy {c.accuracy * 100:5.1f}%"
            f"  (TP {c.tp} FP {c.fp} FN {c.fn} TN {c.tn})"
        )
    for shape, r in rep.role_false_flags.items():
        print(f"  {shape}: role personas (expected ok everywhere) flagged {r.flagged}/{r.total}")
    for key, r in rep.unsure.items():
        print(f"  {key}: unsure questions, flagged {r.flagged}/{r.total} (not scored)")

    print("\nBy persona and length: flagged where the expected verdict is flag | ok")
    for shape in shapes:
        print(f"  {shape:16s}" + "".join(f"{length:>16s}" for length in LENGTHS))
        names = sorted({k.split("/")[1] for k in rep.by_persona if k.startswith(f"{shape}/")})
        for name in names:
            cells = ""
            for length in LENGTHS:
                sides = rep.by_persona.get(f"{shape}/{name}/{length}", {})
                f, o = sides.get("expected flag", Rate()), sides.get("expected ok", Rate())
                cells += f"{_pct(f):>8s} |{_pct(o):>6s}"
            print(f"  {name:16s}{cells}")

    if show:
        print("\nWRONG CASES (kind shape persona/length qid [category]: tool task conf evidence)")
        for w in rep.wrong:
            print(
                f"  {w['kind']:4s} {w['shape']:4s} {w['persona']}/{w['length']} {w['qid']} "
                f"[{w['category']}]: {w['task']} {float(w['confidence']):.2f} "
                f"{', '.join(w['evidence'][:8])}"
            )
            print(f"        Q: {str(w['user'])[:140]!r}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "data",
        nargs="?",
        default=os.environ.get("PRISM_DATA"),
        help="data directory (default: $PRISM_DATA)",
    )
    ap.add_argument("--expected", type=Path, default=DEFAULT_EXPECTED)
    ap.add_argument("--shape", choices=(*SHAPES, "both"), default="both")
    ap.add_argument(
        "--prism-lint",
        default="prism-lint",
        help="command for the code shape (default: prism-lint)",
    )
    ap.add_argument("--show", action="store_true", help="list the wrong cases")
    ap.add_argument(
        "--alone",
        action="store_true",
        help="also print the task inferred from each question with no persona",
    )
    ap.add_argument("--json", action="store_true", help="machine-readable output")
    args = ap.parse_args(argv)
    if not args.data:
        print("no data directory: give DATA or set PRISM_DATA", file=sys.stderr)
        return 2
    try:
        expected = load_expected(args.expected)
        questions = load_questions(Path(args.data))
        cases = build_cases(load_personas(Path(args.data)), questions, expected)
        shapes = list(SHAPES) if args.shape == "both" else [args.shape]
        results = {}
        for shape in shapes:
            results[shape] = (
                run_code(cases, args.prism_lint) if shape == "code" else run_text(cases)
            )
    except DataError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    rep = score(cases, results, expected)
    categories = list(dict.fromkeys(q.category for q in questions))
    if args.json:
        print(json.dumps(asdict(rep), indent=1, default=str))
    else:
        if "mmlu" not in categories:
            print(f"(no {MMLU_FILE} in the data directory: MMLU not scored)")
        print_report(rep, shapes, categories, args.show)
        if args.alone:
            print("\nTask inferred from the question alone (text analysis, no persona)")
            for category, tally in question_alone(questions).items():
                counts = ", ".join(
                    f"{t} {n}" for t, n in sorted(tally.items(), key=lambda kv: -kv[1])
                )
                print(f"  {category:12s} {counts}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
