"""The real-world corpus scorer: matching, counting and its command line.

The corpus trees are not part of the project, so the scorer is run on a tiny
tree and label file written in tmp_path.
"""

from __future__ import annotations

import importlib.util
import json
import math
import sys
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parent.parent
LINT = f"{sys.executable} -m prism_lint"


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "score_realworld", REPO / "scripts" / "score_realworld.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["score_realworld"] = module
    spec.loader.exec_module(module)
    return module


sr = _load()

CODE_CALL = """from openai import OpenAI

client = OpenAI()
client.chat.completions.create(
    model="gpt-4o",
    messages=[
        {"role": "system", "content": "You are a senior Python developer."},
        {"role": "user", "content": "Write a Python function that parses ISO dates."},
    ],
)
"""

PLAIN_CALL = """from openai import OpenAI

client = OpenAI()
client.chat.completions.create(
    model="gpt-4o",
    messages=[{"role": "user", "content": "Write a short poem about the sea."}],
)
"""


def _label(id_: str, path: str, line: int, verdict: str, task: str = "code") -> dict[str, object]:
    return {
        "id": id_,
        "repo": "acme/app",
        "commit": "0" * 40,
        "path": path,
        "line": line,
        "cell": None,
        "kind": "python",
        "excerpt": "",
        "persona": "expert",
        "persona_text": "",
        "task": task,
        "accuracy_critical": verdict == "flag",
        "verdict": verdict,
        "note": "",
    }


@pytest.fixture()
def corpus(tmp_path: Path) -> tuple[Path, Path]:
    tree = tmp_path / "trees" / "acme+app"
    (tree / "pkg").mkdir(parents=True)
    (tree / "pkg" / "code.py").write_text(CODE_CALL, encoding="utf-8")
    (tree / "pkg" / "poem.py").write_text(PLAIN_CALL, encoding="utf-8")
    labels = tmp_path / "corpus" / "labels.jsonl"
    labels.parent.mkdir()
    rows = [
        _label("rw-1", "pkg/code.py", 7, "flag"),
        _label("rw-2", "pkg/poem.py", 6, "ok", "writing"),
        _label("rw-3", "pkg/code.py", 7, "unsure"),
        _label("rw-4", "pkg/gone.py", 1, "flag"),
    ]
    labels.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return tmp_path / "trees", labels.parent


def test_scores_a_tree_against_its_labels(corpus: tuple[Path, Path]) -> None:
    trees, labels = corpus
    res = sr.score(trees, sr.load_items(labels / "labels.jsonl"), LINT, details=True)
    assert (res.overall.tp, res.overall.fp, res.overall.fn, res.overall.tn) == (1, 0, 0, 1)
    assert res.repos["acme/app"].tp == 1
    assert res.codes["PRS101"].tp == 1
    assert res.unsure == 1
    assert res.absent == ["rw-4 pkg/gone.py"]
    assert res.by_task == {"code": [1, 1]}


def test_a_finding_matches_within_two_lines_only() -> None:
    item = sr.Item("rw-1", "a/b", "f.py", 10, None, "flag", "expert", "code", "", "")

    def row(start: int, end: int | None = None) -> dict[str, object]:
        out: dict[str, object] = {"location": {"row": start}}
        if end is not None:
            out["end_location"] = {"row": end}
        return out

    assert sr.near(item, [row(12)]) == [row(12)]
    assert sr.near(item, [row(8)]) == [row(8)]
    assert sr.near(item, [row(13)]) == []
    assert sr.near(item, [row(1, 7)]) == []
    assert sr.near(item, [row(1, 8)]) == [row(1, 8)]  # a range that reaches the window


def test_counts_leave_undefined_ratios_undefined() -> None:
    empty = sr.Counts()
    assert math.isnan(empty.precision) and math.isnan(empty.recall) and math.isnan(empty.f1)
    c = sr.Counts(tp=3, fp=1, fn=1)
    assert c.precision == 0.75 and c.recall == 0.75 and c.f1 == pytest.approx(0.75)
    assert math.isnan(sr.Counts(tp=3, fn=1, has_recall=False).recall)


def test_command_line_reads_trees_from_the_environment(
    corpus: tuple[Path, Path], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    trees, labels = corpus
    monkeypatch.setenv("PRISM_REALWORLD_TREES", str(trees))
    assert sr.main(["--corpus", str(labels), "--prism-lint", LINT, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["overall"]["tp"] == 1 and out["overall"]["precision"] == 1.0
    assert out["codes"]["PRS105"]["recall"] is None


def test_command_line_errors_are_plain(
    corpus: tuple[Path, Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    trees, labels = corpus
    monkeypatch.delenv("PRISM_REALWORLD_TREES", raising=False)
    assert sr.main(["--corpus", str(labels)]) == 2
    assert "PRISM_REALWORLD_TREES" in capsys.readouterr().err
    assert sr.main([str(trees), "--corpus", str(tmp_path / "none")]) == 2
    assert "corpus not found" in capsys.readouterr().err
    args = [str(trees), "--corpus", str(labels), "--prism-lint", "no-such-linter-xyz"]
    assert sr.main(args) == 2
    assert "cannot run" in capsys.readouterr().err
    (labels / "labels.jsonl").write_text('{"id": "rw-1"}\n', encoding="utf-8")
    assert sr.main([str(trees), "--corpus", str(labels), "--prism-lint", LINT]) == 2
    assert "bad label" in capsys.readouterr().err
