"""The PRISM study-set scorer: its expected verdicts and the cases it builds.

The study's own files are not part of the project, so the case builder is
checked on a tiny synthetic persona/question set written in tmp_path.
"""

from __future__ import annotations

import ast
import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parent.parent
MT_BENCH_CATEGORIES = (
    "writing",
    "roleplay",
    "reasoning",
    "math",
    "coding",
    "extraction",
    "stem",
    "humanities",
)
STUDY_PERSONAS = (
    "writing",
    "roleplay",
    "reasoning",
    "math",
    "coding",
    "extraction",
    "stem",
    "humanities",
    "critic",
    "safety_monitor",
    "helpful",
    "compliant",
)


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "score_prism", REPO / "scripts" / "score_prism.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["score_prism"] = module
    spec.loader.exec_module(module)
    return module


sp = _load()


def _data(tmp_path: Path, questions: list[dict[str, object]]) -> Path:
    texts = {
        "min": {
            "coding": "You are a software engineer.",
            "helpful": "You are a helpful assistant.",
        },
        "half": {
            "coding": "You are a senior software engineer.\nYou write correct code.",
            "helpful": "You are a capable assistant.",
        },
        "full": {
            "coding": "  You are a senior software engineer with decades of experience.  \n",
            "helpful": "You are a genuinely helpful assistant.",
        },
    }
    for length, personas in texts.items():
        folder = tmp_path / "personas" / f"{length}_personas"
        folder.mkdir(parents=True)
        for name, text in personas.items():
            (folder / f"persona_{name}.txt").write_text(text, encoding="utf-8")
    with (tmp_path / "question.jsonl").open("w", encoding="utf-8") as fh:
        for q in questions:
            fh.write(json.dumps(q) + "\n")
    return tmp_path


QUESTIONS = [
    {
        "question_id": 1,
        "category": "coding",
        "turns": ["Write a function that adds 'a' and \"b\".\nThen test it.", "More?"],
    },
    {"question_id": 2, "category": "writing", "turns": ["Write a short poem about rain."]},
]


@pytest.fixture(scope="module")
def expected():  # type: ignore[no-untyped-def]
    return sp.load_expected(sp.DEFAULT_EXPECTED)


def test_expected_file_covers_every_category_and_persona(expected) -> None:  # type: ignore[no-untyped-def]
    for category in (*MT_BENCH_CATEGORIES, "mmlu"):
        assert category in expected.categories, category
    assert set(expected.personas) == set(STUDY_PERSONAS)
    assert expected.personas["helpful"] == "role"
    assert expected.personas["critic"] == "expert"
    # The targets: accuracy categories at least 95% flagged, generative at most 5%.
    for category in ("coding", "math", "mmlu"):
        assert expected.targets[category] == ("min", 0.95)
    for category in ("writing", "roleplay", "extraction"):
        assert expected.targets[category] == ("max", 0.05)


def test_per_question_categories_label_every_question(expected) -> None:  # type: ignore[no-untyped-def]
    # MT-Bench numbers its questions by category: reasoning 101-110, stem 141-150,
    # humanities 151-160.
    per_question = [c for c, v in expected.categories.items() if v == "per-question"]
    assert sorted(per_question) == ["humanities", "reasoning", "stem"]
    for qid in [*range(101, 111), *range(141, 161)]:
        assert expected.questions[str(qid)] in ("flag", "ok", "unsure"), qid


def test_expected_verdict_needs_an_expert_persona(expected) -> None:  # type: ignore[no-untyped-def]
    coding = sp.Question("121", "coding", "x")
    unsure = sp.Question("159", "humanities", "x")
    assert expected.verdict("writing", coding) == "flag"  # any expert persona counts
    assert expected.verdict("helpful", coding) == "ok"
    assert expected.verdict("math", sp.Question("85", "writing", "x")) == "ok"
    assert expected.verdict("math", unsure) == "unsure"
    assert expected.verdict("math", sp.Question("104", "reasoning", "x")) == "flag"
    assert expected.verdict("math", sp.Question("103", "reasoning", "x")) == "ok"


def test_cases_are_built_as_the_study_sent_them(tmp_path: Path, expected) -> None:  # type: ignore[no-untyped-def]
    data = _data(tmp_path, QUESTIONS)
    personas = sp.load_personas(data)
    questions = sp.load_questions(data)
    cases = sp.build_cases(personas, questions, expected)
    assert len(cases) == 2 * 3 * 2  # personas x lengths x questions
    assert len({c.key for c in cases}) == len(cases)
    full = next(c for c in cases if (c.persona, c.length, c.qid) == ("coding", "full", "1"))
    # The persona file is read whole and stripped; the user turn is turn 1 only.
    assert full.system == "You are a senior software engineer with decades of experience."
    assert full.user == "Write a function that adds 'a' and \"b\".\nThen test it."
    assert full.expected == "flag"
    assert next(c for c in cases if c.persona == "helpful" and c.qid == "1").expected == "ok"
    assert sp.case_text(full) == full.system + "\n\n" + full.user


def test_code_shape_is_an_openai_chat_call_holding_both_messages(tmp_path: Path, expected) -> None:  # type: ignore[no-untyped-def]
    data = _data(tmp_path, QUESTIONS)
    cases = sp.build_cases(sp.load_personas(data), sp.load_questions(data), expected)
    for case in cases:
        tree = ast.parse(sp.case_source(case))
        calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call)]
        create = next(c for c in calls if ast.unparse(c.func) == "client.chat.completions.create")
        kwargs = {k.arg: ast.literal_eval(k.value) for k in create.keywords}
        assert kwargs["model"] == "gpt-4o"
        assert kwargs["messages"] == [
            {"role": "system", "content": case.system},
            {"role": "user", "content": case.user},
        ]


def test_mmlu_questions_use_the_studys_lettered_form(tmp_path: Path) -> None:
    data = _data(tmp_path, QUESTIONS)
    row = {"subject": "high_school_physics", "question": "What is 2+2?", "choices": ["3", "4"]}
    (data / "mmlu.jsonl").write_text(json.dumps(row) + "\n", encoding="utf-8")
    mmlu = [q for q in sp.load_questions(data) if q.category == "mmlu"]
    assert [q.qid for q in mmlu] == ["mmlu-1"]
    assert mmlu[0].text == (
        "The following is a multiple choice question about high school physics.\n\n"
        "What is 2+2?\nA. 3\nB. 4\nAnswer:"
    )


def test_other_benchmarks_are_read_when_present_and_each_has_a_verdict(
    tmp_path: Path,
    expected,  # type: ignore[no-untyped-def]
) -> None:
    data = _data(tmp_path, QUESTIONS)
    rows = [{"question": f"Tom has {n} pears and eats 2. How many are left?"} for n in range(200)]
    (data / "gsm8k.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), "utf-8")
    stub = {"task_id": "X/0", "prompt": 'def f(x):\n    """Double x."""\n'}
    (data / "humaneval.jsonl").write_text(json.dumps(stub) + "\n", encoding="utf-8")
    vicuna = {"question_id": 7, "category": "counterfactual", "turns": ["What if Rome had won?"]}
    (data / "vicuna.jsonl").write_text(json.dumps(vicuna) + "\n", encoding="utf-8")
    questions = sp.load_questions(data)
    gsm8k = [q for q in questions if q.category == "gsm8k"]
    assert len(gsm8k) == sp.GSM8K_SAMPLE
    assert gsm8k == [q for q in sp.load_questions(data) if q.category == "gsm8k"]  # fixed seed
    others = {
        q.qid: q.category for q in questions if q.category in ("humaneval", "vicuna-counterfactual")
    }
    assert others == {"humaneval-1": "humaneval", "vicuna-7": "vicuna-counterfactual"}
    for q in questions:
        assert expected.verdict("math", q) in ("flag", "ok", "unsure")
    assert expected.verdict("math", gsm8k[0]) == "flag"


def _case(persona: str, kind: str, category: str, expected: str, qid: str = "1"):  # type: ignore[no-untyped-def]
    return sp.Case(persona, "min", qid, category, "p", "q", kind, expected)


def test_score_counts_targets_over_expert_personas_and_leaves_unsure_out(expected) -> None:  # type: ignore[no-untyped-def]
    cases = [
        _case("coding", "expert", "coding", "flag", "1"),
        _case("writing", "expert", "coding", "flag", "1"),
        _case("helpful", "role", "coding", "ok", "1"),
        _case("coding", "expert", "writing", "ok", "2"),
        _case("coding", "expert", "extraction", "unsure", "3"),
    ]
    flagged = {
        "coding__min__1": True,
        "writing__min__1": False,
        "helpful__min__1": True,
        "coding__min__2": False,
        "coding__min__3": True,
    }
    results = {"text": {k: sp.Outcome(v) for k, v in flagged.items()}}
    rep = sp.score(cases, results, expected)
    assert rep.targets["text/coding"]["flagged"] == 1
    assert rep.targets["text/coding"]["total"] == 2  # the role persona is not in the target
    assert rep.targets["text/coding"]["met"] is False
    assert rep.targets["text/writing"]["met"] is True
    assert "text/extraction" not in rep.targets  # only an unsure case
    assert rep.unsure["text/extraction"].flagged == 1
    assert rep.role_false_flags["text"].flagged == 1
    assert {(w["persona"], w["kind"]) for w in rep.wrong} == {
        ("writing", "miss"),
        ("helpful", "FP"),
    }
    assert rep.passed is False


def test_text_shape_runs_the_analysis(tmp_path: Path, expected) -> None:  # type: ignore[no-untyped-def]
    data = _data(tmp_path, QUESTIONS)
    cases = sp.build_cases(sp.load_personas(data), sp.load_questions(data), expected)
    out = sp.run_text(cases)
    assert set(out) == {c.key for c in cases}
    assert all(o.task for o in out.values())


def test_code_shape_runs_the_command_line(tmp_path: Path, expected) -> None:  # type: ignore[no-untyped-def]
    data = _data(tmp_path / "data", QUESTIONS)
    cases = sp.build_cases(sp.load_personas(data), sp.load_questions(data), expected)
    out = sp.run_code(cases, f"{sys.executable} -m prism_lint")
    assert set(out) == {c.key for c in cases}
    # Every case's system message is found as a prompt, flagged or not.
    assert all(o.task for o in out.values())


def test_missing_or_bad_data_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PRISM_DATA", raising=False)
    assert sp.main([]) == 2
    assert "PRISM_DATA" in capsys.readouterr().err
    assert sp.main([str(tmp_path / "nowhere")]) == 2
    assert "questions not found" in capsys.readouterr().err
    data = _data(tmp_path, QUESTIONS)
    (data / "question.jsonl").write_text("{not json\n", encoding="utf-8")
    assert sp.main([str(data), "--shape", "text"]) == 2
    assert "bad JSON" in capsys.readouterr().err


def test_data_directory_from_the_environment(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PRISM_DATA", str(_data(tmp_path, QUESTIONS)))
    assert sp.main(["--shape", "text", "--alone"]) == 0
    out = capsys.readouterr().out
    assert "text/coding" in out and "text/writing" in out
    assert "no mmlu.jsonl" in out
