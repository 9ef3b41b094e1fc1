"""The analysis against the labelled corpus (read in place, never copied).

The floors sit a little under what the analysis reaches on the development
labels, so a change that costs precision or recall fails here.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "corpus"
LABELS = CORPUS / "labels-dev.jsonl"

F1_FLOOR = 0.93
PRECISION_FLOOR = 0.92
RECALL_FLOOR = 0.92
SPAN_OVERLAP_FLOOR = 0.95


def _scorer() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "score_corpus", REPO / "scripts" / "score_corpus.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["score_corpus"] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def score():  # type: ignore[no-untyped-def]
    if not LABELS.is_file() or not (CORPUS / "awesome-chatgpt-prompts.csv").is_file():
        pytest.skip(f"labelled corpus not available at {CORPUS}")
    scorer = _scorer()
    return scorer.score(scorer.load_rows(CORPUS))


def test_dev_precision_recall_f1(score) -> None:  # type: ignore[no-untyped-def]
    misses = "\n".join(f"{m.kind} {m.id} gold={m.gold_task} ours={m.task}" for m in score.misses)
    assert score.precision >= PRECISION_FLOOR, misses
    assert score.recall >= RECALL_FLOOR, misses
    assert score.f1 >= F1_FLOOR, misses
    assert score.skipped > 0  # ambiguous rows are left out, not counted


def test_dev_persona_spans_agree_with_the_annotators(score) -> None:  # type: ignore[no-untyped-def]
    assert score.span_rows > 150
    assert score.span_overlap / score.span_rows >= SPAN_OVERLAP_FLOOR
    assert score.persona_found / score.persona_gold >= 0.95


def test_scorer_command_line(capsys: pytest.CaptureFixture[str]) -> None:
    if not LABELS.is_file():
        pytest.skip(f"labelled corpus not available at {CORPUS}")
    assert _scorer().main(["--corpus", str(CORPUS), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "precision" in out and "F1" in out
