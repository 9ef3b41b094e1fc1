"""CI output formats: SARIF (schema and GitHub's needs), GitHub workflow
commands, GitLab Code Quality and JUnit.

The golden files under ``tests/golden/`` pin the exact output for
hand-built diagnostics (so a change of a rule's wording does not move
them); ``PRISM_LINT_UPDATE_GOLDEN=1`` rewrites them. End-to-end tests run
the CLI on real files.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from prism_lint.engine import FileResult
from prism_lint.model import Diagnostic, Document, Edit, Fix
from prism_lint.report import ReportContext
from prism_lint.report.formats import renderer
from prism_lint.report.github import escape_data, escape_property

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden"
SCHEMA = ROOT.parent / "shared" / "schemas" / "sarif-schema-2.1.0.json"

PERSONA = "You are a senior Python engineer."
MD = f"# Review\n\n{PERSONA} Write a function that parses dates.\n"
PY = f'SYSTEM = """\n{PERSONA}\nFix the bug."""\n'


def _diag(
    doc: Document,
    needle: str,
    code: str = "PRS101",
    message: str = "Expert persona on a code task.",
) -> Diagnostic:
    start = doc.text.index(needle)
    return Diagnostic(
        code,
        "expert-persona-code-task",
        message,
        doc,
        start,
        start + len(needle),
        anchor_first_row=1,
        anchor_last_row=1,
    )


def sample() -> list[FileResult]:
    """Diagnostics that exercise every corner the formats care about."""
    md = Document("prompts/review.md", MD)
    py = Document("src/agent.py", PY)
    odd = Document("prompts/100%, odd: name.md", f"{PERSONA}\n")
    cell = Document("notebooks/demo.ipynb", f'p = "{PERSONA}"\n', cell=3)
    one = _diag(md, PERSONA)
    one.fix = Fix("Remove the persona", [Edit(one.start, one.end + 1, "")], "safe")
    multi = _diag(py, f"{PERSONA}\nFix", "PRS201", "Long persona:\nspans two lines, 100% sure.")
    twin_a = _diag(odd, PERSONA, message="Same text, same rule")
    twin_b = _diag(odd, PERSONA, message="Same text, same rule")
    broken = Diagnostic("PRS900", "file-error", "cannot parse: bad token", py, 0, 0)
    unused = Diagnostic(
        "PRS901", "unused-suppression", "Suppression comment silences nothing.", md, 0, 8
    )
    in_cell = _diag(cell, PERSONA)
    return [
        FileResult("prompts/review.md", [unused, one], text=MD),
        FileResult("src/agent.py", [broken, multi], text=PY),
        FileResult("prompts/100%, odd: name.md", [twin_a, twin_b]),
        FileResult("notebooks/demo.ipynb", [in_cell]),
        FileResult("prompts/clean.md", []),
    ]


def render(fmt: str, results: list[FileResult] | None = None) -> str:
    return renderer(fmt)(sample() if results is None else results, ReportContext(fmt=fmt))


@pytest.fixture(autouse=True)
def _neutral_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI_PROJECT_DIR", raising=False)
    monkeypatch.delenv("GITHUB_WORKSPACE", raising=False)
    monkeypatch.chdir(ROOT)


@pytest.mark.parametrize(
    ("fmt", "name"), [("github", "github.txt"), ("gitlab", "gitlab.json"), ("junit", "junit.xml")]
)
def test_golden(fmt: str, name: str) -> None:
    out = render(fmt)
    path = GOLDEN / name
    if os.environ.get("PRISM_LINT_UPDATE_GOLDEN"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(out, encoding="utf-8")
    assert out == path.read_text(encoding="utf-8")


# -- GitHub ----------------------------------------------------------------------


def _github_lines() -> list[str]:
    return render("github").splitlines()


def test_github_columns_only_on_single_line_ranges() -> None:
    for line in _github_lines():
        props = dict(p.split("=", 1) for p in line.split("::")[1].split(" ", 1)[1].split(","))
        if props["line"] != props["endLine"]:
            assert "col" not in props and "endColumn" not in props, line
        else:
            assert int(props["endColumn"]) >= int(props["col"]) >= 1, line


def test_github_escaping_and_levels() -> None:
    lines = _github_lines()
    assert len(lines) == 7
    assert lines[0].startswith("::notice ") and "PRS901" in lines[0]
    assert lines[2].startswith("::error ") and "PRS900" in lines[2]
    multi = next(line for line in lines if "PRS201" in line)
    assert "Long persona: spans two lines, 100%25 sure." in multi  # one line, % escaped
    odd = next(line for line in lines if "odd" in line)
    assert "file=prompts/100%25%2C odd%3A name.md," in odd


@given(st.text(max_size=60))
@settings(max_examples=150)
def test_github_escaping_round_trips(text: str) -> None:
    def unescape(s: str) -> str:
        for raw, esc in ((",", "%2C"), (":", "%3A"), ("\n", "%0A"), ("\r", "%0D"), ("%", "%25")):
            s = s.replace(esc, raw)
        return s

    prop = escape_property(text)
    assert not set(prop) & {"\n", "\r", ",", ":"}
    assert unescape(prop) == text
    data = escape_data(text)
    assert "\n" not in data and "\r" not in data and unescape(data) == text


def test_paths_are_relative_to_the_github_checkout(monkeypatch: pytest.MonkeyPatch) -> None:
    """A run from a subdirectory still names files from the repository root."""
    monkeypatch.setenv("GITHUB_WORKSPACE", str(ROOT.parent))
    line = _github_lines()[1]
    assert f"file={ROOT.name}/prompts/review.md," in line
    log = _sarif()
    uri = log["runs"][0]["results"][1]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert uri == {"uri": f"{ROOT.name}/prompts/review.md", "uriBaseId": "%SRCROOT%"}
    assert log["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"] == ROOT.parent.as_uri() + "/"


def test_github_is_the_default_under_github_actions(tmp_path: Path) -> None:
    (tmp_path / "prompts").mkdir()
    (tmp_path / "prompts" / "review.md").write_text(MD)
    env = {**os.environ, "GITHUB_ACTIONS": "true", "GITHUB_WORKSPACE": str(tmp_path)}
    env.pop("PRISM_LINT_OUTPUT_FORMAT", None)
    out = subprocess.run(
        [sys.executable, "-m", "prism_lint", "check", "--no-cache", "prompts/review.md"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 1, out.stderr
    assert out.stdout.startswith(
        "::warning title=prism-lint (PRS101),file=prompts/review.md,line=3,col=1,endLine=3,"
        f"endColumn={len(PERSONA) + 1}::prompts/review.md:3:1: PRS101 "
    ), out.stdout


# -- GitLab ----------------------------------------------------------------------


def test_gitlab_code_quality_fields() -> None:
    issues = json.loads(render("gitlab"))
    assert len(issues) == 7
    for issue in issues:
        assert set(issue) >= {"description", "check_name", "fingerprint", "severity", "location"}
        assert issue["description"].startswith(issue["check_name"] + ": ")
        assert issue["severity"] in {"info", "minor", "major", "critical", "blocker"}
        assert re.fullmatch(r"[0-9a-f]{32}", issue["fingerprint"])
        assert not issue["location"]["path"].startswith("/")
        assert issue["location"]["lines"]["begin"] >= 1
    assert len({i["fingerprint"] for i in issues}) == len(issues)  # twins get distinct ones
    assert {i["severity"] for i in issues if i["check_name"] == "PRS900"} == {"major"}
    assert json.loads(render("gitlab", [FileResult("a.md", [])])) == []


def test_gitlab_fingerprint_survives_moving_lines() -> None:
    def fp_of(text: str, needle: str) -> str:
        doc = Document("prompts/a.md", text)
        d = _diag(doc, needle)
        (issue,) = json.loads(render("gitlab", [FileResult("prompts/a.md", [d])]))
        return str(issue["fingerprint"])

    assert fp_of(MD, PERSONA) == fp_of("\n\n\n" + MD, PERSONA)
    staff = PERSONA.replace("senior", "staff")
    assert fp_of(MD, PERSONA) != fp_of(MD.replace(PERSONA, staff), staff)


def test_gitlab_paths_relative_to_the_project_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI_PROJECT_DIR", str(ROOT / "prompts"))
    issues = json.loads(render("gitlab"))
    assert issues[0]["location"]["path"] == "review.md"


# -- JUnit ------------------------------------------------------------------------


def test_junit_unique_names_and_counts() -> None:
    root = ET.fromstring(render("junit"))
    cases = root.findall("./testsuite/testcase")
    names = [c.get("name") for c in cases]
    assert len(names) == 7 and len(set(names)) == 7
    assert root.get("tests") == "7" and root.get("failures") == "7"
    assert all(c.find("failure") is not None for c in cases)
    suites = {s.get("name"): s for s in root.findall("testsuite")}
    assert "prompts/clean.md" not in suites
    assert suites["src/agent.py"].get("failures") == "2"


def test_junit_clean_run_has_one_passing_case() -> None:
    root = ET.fromstring(render("junit", [FileResult("a.md", [])]))
    cases = root.findall("./testsuite/testcase")
    assert len(cases) == 1 and cases[0].find("failure") is None
    assert root.get("failures") == "0"


@given(st.text(max_size=40), st.text(max_size=20))
@settings(max_examples=100)
def test_junit_is_well_formed_for_any_text(message: str, name: str) -> None:
    path = f"p/{name}.md"
    doc = Document(path, PERSONA)
    d = Diagnostic("PRS101", "n", message, doc, 0, len(PERSONA))
    ET.fromstring(render("junit", [FileResult(path, [d])]))


# -- SARIF ------------------------------------------------------------------------


def _sarif(results: list[FileResult] | None = None) -> dict[str, Any]:
    log = json.loads(render("sarif", results))
    assert isinstance(log, dict)
    return log


def test_sarif_shape_for_github_code_scanning() -> None:
    log = _sarif()
    assert log["version"] == "2.1.0" and log["$schema"].endswith("sarif-2.1.0.json")
    (run,) = log["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "prism-lint" and driver["version"] and driver["informationUri"]
    assert run["columnKind"] == "unicodeCodePoints"
    rules = driver["rules"]
    assert {r["id"] for r in rules} >= {"PRS101", "PRS201", "PRS900", "PRS901"}
    for rule in rules:
        assert rule["name"] and rule["helpUri"].startswith("https://")
        for key in ("shortDescription", "fullDescription"):
            assert 0 < len(rule[key]["text"]) <= 1024
        assert rule["help"]["text"] and rule["help"]["markdown"]
        assert rule["defaultConfiguration"]["level"] in {"note", "warning", "error"}
    results = run["results"]
    assert len(results) == 7
    fingerprints = set()
    for result in results:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] in {"note", "warning", "error"} and result["message"]["text"]
        (location,) = result["locations"]
        artifact = location["physicalLocation"]["artifactLocation"]
        assert artifact["uriBaseId"] == "%SRCROOT%" and not artifact["uri"].startswith("/")
        region = location["physicalLocation"]["region"]
        assert region["startLine"] >= 1 and region["startColumn"] >= 1
        assert (region["endLine"], region["endColumn"]) >= (
            region["startLine"],
            region["startColumn"],
        )
        fingerprints.add(result["partialFingerprints"]["prismLintFinding/v1"])
    assert len(fingerprints) == len(results)
    first = next(r for r in results if r["ruleId"] == "PRS101")
    region = first["locations"][0]["physicalLocation"]["region"]
    assert (region["startLine"], region["startColumn"]) == (3, 1)
    assert region["endColumn"] - region["startColumn"] == len(PERSONA)
    assert first["fixes"][0]["artifactChanges"][0]["replacements"][0]["insertedContent"] == {
        "text": ""
    }
    odd = next(r for r in results if "odd" in json.dumps(r["locations"]))
    assert odd["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == (
        "prompts/100%25%2C%20odd%3A%20name.md"
    )


def _validator() -> Any:
    if not SCHEMA.is_file():
        pytest.skip(f"{SCHEMA} is not present beside this checkout")
    import jsonschema

    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    return jsonschema.Draft4Validator(schema)


def test_sarif_validates_against_the_official_schema() -> None:
    validator = _validator()
    errors = sorted(validator.iter_errors(_sarif()), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]
    # the validator does reject a broken log
    broken = _sarif()
    broken["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startColumn"] = 0
    assert list(validator.iter_errors(broken))


def test_sarif_from_the_cli_validates(tmp_path: Path) -> None:
    validator = _validator()
    (tmp_path / "prompts").mkdir()
    (tmp_path / "prompts" / "review.md").write_text(MD)
    (tmp_path / "prompts" / "clean.md").write_text("Write a haiku about autumn.\n")
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "prism_lint",
            "check",
            "--no-cache",
            "--output-format",
            "sarif",
            ".",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 1, out.stderr
    log = json.loads(out.stdout)
    assert not list(validator.iter_errors(log))
    (result,) = log["runs"][0]["results"]
    assert result["ruleId"] == "PRS101"
    assert result["locations"][0]["physicalLocation"]["artifactLocation"] == {
        "uri": "prompts/review.md",
        "uriBaseId": "%SRCROOT%",
    }


# -- the GitHub Action ------------------------------------------------------------


def test_action_run_step(tmp_path: Path) -> None:
    """The composite action's lint step, run as the runner would run it."""
    import yaml

    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    assert action["runs"]["using"] == "composite"
    assert {"args", "paths", "version", "sarif-file", "upload-sarif"} <= set(action["inputs"])
    steps = {step["name"]: step for step in action["runs"]["steps"]}
    upload = steps["Upload SARIF"]
    assert upload["uses"].startswith("github/codeql-action/upload-sarif@")
    assert "always()" in upload["if"]
    (tmp_path / "prompts").mkdir()
    (tmp_path / "prompts" / "review.md").write_text(MD)
    outputs = tmp_path / "github_output"
    outputs.write_text("")
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "PRISM_ARGS": "--no-cache",
        "PRISM_PATHS": "prompts",
        "PRISM_SARIF": "",
        "PRISM_UPLOAD": "true",
        "GITHUB_OUTPUT": str(outputs),
    }
    out = subprocess.run(
        ["bash", "-c", steps["Run prism-lint"]["run"]],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 0, out.stderr  # the last step fails the job, after the upload
    assert out.stdout.startswith("::warning title=prism-lint (PRS101),file=prompts/review.md,")
    assert outputs.read_text().splitlines() == ["exit-code=1", "sarif-file=prism-lint.sarif"]
    log = json.loads((tmp_path / "prism-lint.sarif").read_text())
    assert [r["ruleId"] for r in log["runs"][0]["results"]] == ["PRS101"]


def _notebook_findings(tmp_path: Path, fmt: str) -> str:
    import shutil

    root = Path(__file__).resolve().parent.parent
    nb = tmp_path / "cookbook.ipynb"
    shutil.copy(root / "fixtures" / "notebook" / "cookbook.ipynb", nb)
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "prism_lint",
            "check",
            "--no-cache",
            "--output-format",
            fmt,
            str(nb),
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
        env={k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "CI_"))},
    )
    assert out.returncode == 1, out.stderr
    return out.stdout


def _text_at(path: Path, row: int, column: int, end_column: int) -> str:
    return path.read_text(encoding="utf-8").splitlines()[row - 1][column - 1 : end_column - 1]


def test_notebook_findings_point_into_the_notebook_file(tmp_path: Path) -> None:
    """CI annotations are drawn on the .ipynb file: its JSON lines, not the cell's."""
    nb = tmp_path / "cookbook.ipynb"
    personas = ["You are an expert Python developer.", "You are a senior mathematician."]
    lines = _notebook_findings(tmp_path, "github").splitlines()
    found = []
    for line in lines:
        props = dict(p.split("=", 1) for p in line.split("::")[1].split(" ", 1)[1].split(","))
        found.append(_text_at(nb, int(props["line"]), int(props["col"]), int(props["endColumn"])))
        assert "(cell " in line
    assert found == personas
    sarif = json.loads(_notebook_findings(tmp_path, "sarif"))
    regions = [r["locations"][0]["physicalLocation"]["region"] for r in sarif["runs"][0]["results"]]
    assert [
        _text_at(nb, g["startLine"], g["startColumn"], g["endColumn"]) for g in regions
    ] == personas
    assert all("fixes" not in r for r in sarif["runs"][0]["results"])
    gitlab = json.loads(_notebook_findings(tmp_path, "gitlab"))
    assert [i["location"]["lines"]["begin"] for i in gitlab] == [g["startLine"] for g in regions]


def test_notebook_positions_follow_json_escapes() -> None:
    from prism_lint.extract.notebook.positions import (
        cell_source,
        file_end_position,
        file_position,
    )

    raw = (
        '{"cells": [{"cell_type": "code", "source": ["x = \\"\\u00e9\\\\n\\"\\n", '
        '"Y = \\"You are an expert.\\"\\n"]}], "nbformat": 4}'
    )
    src = cell_source(raw, 1)
    start = src.index("You")
    end = start + len("You are an expert.")
    a = file_position(raw, 1, start)
    b = file_end_position(raw, 1, start, end)
    assert raw[a:b] == "You are an expert."
    assert raw[file_position(raw, 1, src.index("é")) :].startswith("\\u00e9")


def test_notebook_positions_survive_a_lone_high_surrogate() -> None:
    from prism_lint.extract.notebook.positions import cell_source, file_position

    raw = '{"cells": [{"cell_type": "code", "source": "a\\ud800\\u0041 You are"}]}'
    src = cell_source(raw, 1)
    assert raw[file_position(raw, 1, src.index("You")) :].startswith("You are")
