"""Files named on the command line go through the first pass too.

pre-commit names every file of a commit (``--all-files``: of the
repository); most hold no prompt. A named file the first pass rules out is
not parsed, and still reports what its bytes show: unreadable, binary, not
decodable, too large.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import prism_lint.engine as engine
from prism_lint.config import Resolver, Settings
from prism_lint.discovery import Target
from prism_lint.runner import check_targets

PERSONA = (
    "from openai import OpenAI\n\nclient = OpenAI()\n"
    'SYSTEM = "You are a senior Python engineer. Write a function that parses ISO dates."\n'
    'client.chat.completions.create(model="gpt-4o", '
    'messages=[{"role": "system", "content": SYSTEM}])\n'
)
PLAIN = "import os\n\n\ndef home() -> str:\n    return os.path.expanduser('~')\n"


def _run(targets: list[Target], settings: Settings | None = None) -> dict[str, list[str]]:
    resolver = Resolver(forced=settings or Settings())
    return {
        t.path: [d.code for d in r.diagnostics]
        for t, r in check_targets(targets, resolver, lambda s: s, use_cache=False)
    }


@pytest.fixture
def extractions(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths the run extracted prompts from (parsed)."""
    seen: list[str] = []
    real = engine.extractor

    def counting(kind: str):  # type: ignore[no-untyped-def]
        extract = real(kind)

        def run(doc, options):  # type: ignore[no-untyped-def]
            seen.append(doc.path)
            return extract(doc, options)

        return run

    monkeypatch.setattr(engine, "extractor", counting)
    return seen


def test_a_named_file_the_first_pass_rules_out_is_not_parsed(
    tmp_path: Path, extractions: list[str]
) -> None:
    plain, persona = tmp_path / "plain.py", tmp_path / "agent.py"
    plain.write_text(PLAIN)
    persona.write_text(PERSONA)
    found = _run([Target(str(plain), "python", True), Target(str(persona), "python", True)])
    assert found == {str(plain): [], str(persona): ["PRS101"]}
    assert extractions == [str(persona)]


def test_a_named_file_still_reports_problems_of_the_file_itself(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    binary = tmp_path / "blob.py"
    binary.write_bytes(b"x = 1\n\x00\x01\x02\n")
    latin1 = tmp_path / "latin1.py"
    latin1.write_bytes(b"NAME = 'caf\xe9'\n")
    big = tmp_path / "big.py"
    big.write_text("x = 1\n" * 400)
    huge = tmp_path / "huge.py"
    huge.write_text("y = 2\n" * 300)
    missing = tmp_path / "missing.py"
    monkeypatch.setattr(engine, "ANALYSIS_LIMIT", 1000)  # read, but too large to analyse
    files = [binary, latin1, big, huge, missing]
    settings = Settings(max_file_size=2000)
    named = _run([Target(str(p), "python", True) for p in files], settings)
    messages = {
        str(binary): "binary file",
        str(latin1): "not valid UTF-8",
        str(big): "max-file-size",
        str(huge): "analyse in reasonable time",
        str(missing): "",
    }
    for path, codes in named.items():
        assert codes == ["PRS900"], path
    resolver = Resolver(forced=settings)
    for target, result in check_targets(
        [Target(str(p), "python", True) for p in files], resolver, lambda s: s, use_cache=False
    ):
        assert messages[target.path] in result.diagnostics[0].message
    # Walked, the same files are passed over (a notice at most), as before.
    walked = _run([Target(str(p), "python", False) for p in files[:-1]], settings)
    assert all(codes == [] for codes in walked.values())


def test_a_named_file_with_a_syntax_error_reports_it_only_with_a_persona(tmp_path: Path) -> None:
    broken = tmp_path / "broken.py"
    broken.write_text("def f(:\n    pass\n")
    assert _run([Target(str(broken), "python", True)]) == {str(broken): []}
    broken.write_text(PERSONA + "def f(:\n    pass\n")
    assert sorted(_run([Target(str(broken), "python", True)])[str(broken)]) == ["PRS101", "PRS900"]


def test_named_and_walked_runs_report_the_same_prompts(tmp_path: Path) -> None:
    """The command line: naming every file gives what walking them gives."""
    for i in range(20):
        (tmp_path / f"m{i:02d}.py").write_text(PERSONA if i % 5 == 0 else PLAIN)
    (tmp_path / "AGENTS.md").write_text(
        "You are an expert Python developer. Fix the failing unit test in utils.py.\n"
    )
    (tmp_path / "notes.yaml").write_text("steps:\n  - run: make\n")
    names = sorted(p.name for p in tmp_path.iterdir())

    def report(*args: str) -> list[str]:
        out = subprocess.run(
            [
                sys.executable,
                "-m",
                "prism_lint",
                "check",
                "--no-cache",
                "--output-format",
                "concise",
                *args,
            ],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert out.returncode == 1, out.stderr
        return sorted(
            line.removeprefix("./") for line in out.stdout.splitlines() if ": PRS" in line
        )

    walked = report(".")
    assert len(walked) == 5
    assert report(*names) == walked
