#!/usr/bin/env python3
"""Strip every flagged persona in the labelled corpus and check nothing else is lost.

Each prompt of ``labels-dev.jsonl`` (its text from ``awesome-chatgpt-prompts.csv``)
is checked as a prompt file; every persona finding is fixed with the strip
strategy (safe and unsafe fixes), and the result is checked:

- **placeholders**: every placeholder of the original (``{x}``, ``{{x}}``,
  ``${x}``, ``[X]``, ``<X>``, quoted ``"..."`` first requests) is still
  there, except those inside the removed persona itself;
- **task sentences**: every sentence that does not overlap a removed persona
  is still there word for word; a sentence the persona opened ("As a
  lawyer, answer ...") must keep what followed the persona, up to the
  capital letter;
- **personas gone**: re-checking finds no persona finding in the result.

The same placeholder and sentence checks are run on the strip plan alone for
every annotated ``persona_text`` (expert or role, flagged by the linter or
not), which tests the removal itself apart from the detection.

It also counts fixes by applicability, prompts left unfixed and why, and how
often the removed text is the annotators' ``persona_text``.

With ``--tree DIR`` (repeatable) it fixes copies of real source trees
instead and classifies every changed hunk (see ``strip_trees.py``):
identity only, identity + rewritten clause, anything else; "anything else"
must be zero for safe fixes.

    python scripts/check_strip_corpus.py [--corpus DIR] [--verbose] [--json]
    python scripts/check_strip_corpus.py --tree ../trees/owner+name [--tree ...] [--verbose]
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

from prism_lint.analysis.sentences import split_sentences
from prism_lint.config import Settings
from prism_lint.engine import check_source
from prism_lint.fix.apply import fix_text
from prism_lint.fix.strip import plan_strip
from prism_lint.model import Diagnostic

REPO = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus"
PERSONA_CODES = ("PRS1", "PRS2", "PRS3")
PLACEHOLDER = re.compile(
    r"\{\{[^{}\n]{1,60}\}\}|\$\{[^{}\n]{1,60}\}|\{[^{}\n]{1,60}\}|\[[A-Z][^\]\n]{0,60}\]"
    r"|<[A-Za-z_][^<>\n]{0,40}>"
)
SETTINGS = Settings()


@dataclass
class Outcome:
    id: str
    findings: int = 0
    fixed: int = 0
    applicability: list[str] = field(default_factory=list)
    unfixed: list[str] = field(default_factory=list)  # codes left without a fix
    lost_placeholders: list[str] = field(default_factory=list)
    lost_sentences: list[str] = field(default_factory=list)
    placeholders: int = 0  # placeholders checked
    sentences: int = 0  # sentences checked
    persona_sentences: list[str] = field(default_factory=list)  # removed, all persona
    remaining: list[str] = field(default_factory=list)  # fixable findings after fixing
    left: list[str] = field(default_factory=list)  # findings with no fix, after fixing
    removed: list[str] = field(default_factory=list)
    matches_label: bool | None = None

    @property
    def ok(self) -> bool:
        return not (self.lost_placeholders or self.lost_sentences or self.remaining)


def load(corpus: Path) -> list[tuple[dict[str, object], str]]:
    csv.field_size_limit(sys.maxsize)
    with (corpus / "awesome-chatgpt-prompts.csv").open(encoding="utf-8", newline="") as fh:
        prompts = [row["prompt"] for row in csv.DictReader(fh)]
    out = []
    with (corpus / "labels-dev.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            label = json.loads(line)
            row = int(str(label["id"]).split("-")[1])
            out.append((label, prompts[row]))
    return out


def persona_findings(path: str, text: str) -> list[Diagnostic]:
    diags = check_source(path, text, SETTINGS, named=True).diagnostics
    return [d for d in diags if d.code.startswith(PERSONA_CODES)]


def _spans(found: list[Diagnostic]) -> list[tuple[int, int]]:
    """The document spans the first round of fixes removes."""
    spans = []
    for d in found:
        if d.fix is None:
            continue
        for e in d.fix.edits:
            if not e.content:
                spans.append((e.start, e.end))
    return sorted(spans)


def _squash(text: str) -> str:
    return " ".join(text.split())


def check_prompt(label: dict[str, object], text: str) -> Outcome:
    out = Outcome(str(label["id"]))
    path = f"prompts/{out.id}.txt"
    found = persona_findings(path, text)
    out.findings = len(found)
    if not found:
        return out
    out.applicability = [d.fix.applicability if d.fix else "none" for d in found]
    out.unfixed = sorted({d.code for d in found if d.fix is None})
    seen: list[str] = []  # the persona found in every round, as text

    def recheck(t: str) -> list[Diagnostic]:
        diags = persona_findings(path, t)
        seen.extend(_squash(t[d.start : d.end]) for d in diags)
        return diags

    fixed, n, remaining = fix_text(text, recheck, unsafe=True)
    out.fixed = n
    out.remaining = [d.code for d in remaining if d.code.startswith(PERSONA_CODES) and d.fix]
    out.left = [
        f"{d.code} {_squash(fixed[d.start : d.end])[:80]}"
        for d in remaining
        if d.code.startswith(PERSONA_CODES) and d.fix is None
    ]
    # What the first round removes: the persona spans (for the other checks).
    removed = _spans(found)
    out.removed = [text[a:b] for a, b in removed]
    gold = str(label.get("persona_text") or "").strip()
    if gold and removed:
        out.matches_label = any(
            _squash(gold) in _squash(text[a:b])
            and len(_squash(text[a:b])) <= len(_squash(gold)) + 3
            for a, b in removed
        )

    def in_removed(a: int, b: int) -> bool:
        return any(s < b and a < e for s, e in removed)

    # Placeholders outside the persona must all survive, as often as before.
    wanted = Counter(
        m.group(0) for m in PLACEHOLDER.finditer(text) if not in_removed(m.start(), m.end())
    )
    have = Counter(m.group(0) for m in PLACEHOLDER.finditer(fixed))
    out.lost_placeholders = sorted((wanted - have).elements())
    out.placeholders = sum(wanted.values())
    _sentences_kept(out, text, fixed, seen)
    return out


def _sentences_kept(out: Outcome, text: str, fixed: str, personas: list[str]) -> None:
    flat = _squash(fixed)
    # Every sentence survives word for word, but for the personas found in
    # any round (a persona sentence after the first is found once the first
    # is gone); a sentence a persona opened keeps what followed it.
    for s in split_sentences(text):
        sentence = _squash(text[s.start : s.end])
        out.sentences += 1
        if sentence in flat:
            continue
        rest = sentence
        for persona in sorted(set(personas), key=len, reverse=True):
            if persona and persona in rest:
                rest = rest.replace(persona, " ")
        words = _squash(rest).strip(" ,;:.-—。")
        words = re.sub(r"(?i)^(?:and then|and|then|so|but)\s+", "", words)
        if len(words.split()) < 2 and len(words) < 6:
            out.persona_sentences.append(sentence)
            continue
        probe = words[:1].lower() + words[1:]
        if probe not in flat and (words[:1].upper() + words[1:]) not in flat:
            out.lost_sentences.append(sentence)


def check_gold(label: dict[str, object], text: str) -> Outcome | None:
    """Strip the annotated persona with the text-level plan alone."""
    gold = str(label.get("persona_text") or "")
    start = text.find(gold) if gold else -1
    if start < 0:
        return None
    out = Outcome(str(label["id"]))
    plan = plan_strip(text, start, start + len(gold))
    if plan is None:
        out.unfixed = ["no plan"]
        return out
    if plan.empty:
        out.unfixed = ["the prompt is only the persona"]
        return out
    out.applicability = ["safe" if plan.safe else "unsafe"]
    out.removed = [text[e.start : e.end] for e in plan.edits if not e.content]
    wanted = Counter(
        m.group(0)
        for m in PLACEHOLDER.finditer(text)
        if not (start < m.end() and m.start() < start + len(gold))
    )
    have = Counter(m.group(0) for m in PLACEHOLDER.finditer(plan.new_text))
    out.lost_placeholders = sorted((wanted - have).elements())
    out.placeholders = sum(wanted.values())
    _sentences_kept(out, text, plan.new_text, [_squash(gold)])
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--verbose", action="store_true", help="list every problem")
    parser.add_argument("--json", action="store_true", help="print the outcomes as JSON")
    parser.add_argument(
        "--tree",
        type=Path,
        action="append",
        default=[],
        help="fix a copy of this source tree and classify the hunks",
    )
    args = parser.parse_args(argv)
    if args.tree:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from strip_trees import check_tree, report

        missing = [t for t in args.tree if not t.is_dir()]
        if missing:
            print(f"no tree at {missing[0]}", file=sys.stderr)
            return 2
        return report([check_tree(t) for t in args.tree], args.verbose)
    if not (args.corpus / "labels-dev.jsonl").exists():
        print(f"no corpus at {args.corpus}", file=sys.stderr)
        return 2
    rows = load(args.corpus)
    outcomes = [check_prompt(label, text) for label, text in rows]
    golds = [g for g in (check_gold(label, text) for label, text in rows) if g is not None]
    if args.json:
        print(
            json.dumps(
                {"linter": [asdict(o) for o in outcomes], "annotated": [asdict(o) for o in golds]},
                indent=2,
                ensure_ascii=False,
            )
        )
        return 0
    flagged = [o for o in outcomes if o.findings]
    applic = Counter(a for o in flagged for a in o.applicability)
    problems = [o for o in flagged if not o.ok]
    unfixed = [o for o in flagged if o.unfixed]
    labelled = [o for o in flagged if o.matches_label is not None]
    print(
        f"prompts: {len(outcomes)}; with persona findings: {len(flagged)} "
        f"({sum(o.findings for o in flagged)} findings)"
    )
    print(f"fixes offered: safe {applic['safe']}, unsafe {applic['unsafe']}, none {applic['none']}")
    later = [o for o in flagged if o.left]
    print(
        f"prompts with a finding left unfixed: {len(unfixed)} at first, {len(later)} after fixing"
    )
    print(
        f"prompts where the removed text is the annotated persona: "
        f"{sum(1 for o in labelled if o.matches_label)} of {len(labelled)}"
    )
    lost_p = [o for o in flagged if o.lost_placeholders]
    lost_s = [o for o in flagged if o.lost_sentences]
    left = [o for o in flagged if o.remaining]
    print(
        f"placeholders lost: {len(lost_p)} prompts; task sentences lost: {len(lost_s)} "
        f"prompts; personas still found after fixing: {len(left)} prompts"
    )
    more = sum(1 for o in flagged if len(o.persona_sentences) > len(o.removed))
    print(f"prompts whose persona ran over several sentences, all removed: {more}")
    print(
        f"checked {sum(o.placeholders for o in flagged)} placeholders and "
        f"{sum(o.sentences for o in flagged)} sentences"
    )
    print(f"clean: {len(flagged) - len(problems)} of {len(flagged)}")
    gold_applic = Counter(a for g in golds for a in g.applicability)
    gold_problems = [g for g in golds if not g.ok]
    gold_unfixed = Counter(u for g in golds for u in g.unfixed)
    print(
        f"\nannotated personas stripped by the plan alone: {len(golds)}; "
        f"safe {gold_applic['safe']}, unsafe {gold_applic['unsafe']}, "
        f"not stripped {dict(gold_unfixed) or 0}"
    )
    print(
        f"checked {sum(g.placeholders for g in golds)} placeholders and "
        f"{sum(g.sentences for g in golds)} sentences; placeholders lost: "
        f"{sum(1 for g in golds if g.lost_placeholders)} prompts; sentences lost: "
        f"{sum(1 for g in golds if g.lost_sentences)} prompts"
    )
    if args.verbose:
        for o in problems:
            print(f"\n{o.id}: removed {o.removed!r}")
            for p in o.lost_placeholders:
                print(f"  lost placeholder {p!r}")
            for s in o.lost_sentences:
                print(f"  lost sentence {s[:120]!r}")
            if o.remaining:
                print(f"  still flagged: {o.remaining}")
        for o in unfixed:
            print(f"\n{o.id}: no fix for {o.unfixed}; removed {o.removed!r}")
        for o in later:
            print(f"\n{o.id}: left without a fix after fixing: {o.left}")
        for g in gold_problems:
            print(f"\nannotated {g.id}: removed {g.removed!r}")
            for p in g.lost_placeholders:
                print(f"  lost placeholder {p!r}")
            for s in g.lost_sentences:
                print(f"  lost sentence {s[:120]!r}")
    return 1 if problems or gold_problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
