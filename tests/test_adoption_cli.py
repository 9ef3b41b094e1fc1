"""The command line a team rolls out on day one, point by point with ruff:
exit codes, stdin, usage errors, configuration (``extend`` kept inside the
project), adoption flags, ``--add-noqa`` round trips in every format."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest

from prism_lint.cli import main

ROOT = Path(__file__).resolve().parent.parent
PY = (
    'SYSTEM_PROMPT = "You are a senior Python engineer. Write a function that '
    'sorts a list and fix the bug."\n'
)
UNSAFE = (
    'SYSTEM_PROMPT = f"You are a senior {lang} engineer. Write a function that '
    'sorts a list and fix the bug."\n'
)


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    """Run ``prism-lint`` in ``tmp_path``: (exit code, stdout, stderr)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PRISM_LINT_CACHE_DIR", str(tmp_path / ".cache"))
    for name in ("GITHUB_ACTIONS", "PRISM_LINT_OUTPUT_FORMAT", "NO_COLOR", "FORCE_COLOR"):
        monkeypatch.delenv(name, raising=False)

    def run(*args: str, stdin: bytes | None = None) -> tuple[int, str, str]:
        if stdin is not None:
            monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(stdin)))
        try:
            code = main(list(args))
        except SystemExit as exc:
            code = int(exc.code or 0)
        out = capsys.readouterr()
        return code, out.out, out.err

    return run


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


# -- exit codes, stdin, usage -----------------------------------------------------


def test_diff_with_exit_zero_exits_zero(cli, tmp_path: Path) -> None:
    write(tmp_path, {"a.py": PY})
    code, out, _ = cli("check", "--diff", "a.py")
    assert code == 1 and out.startswith("--- a/a.py")
    assert cli("check", "--diff", "--exit-zero", "a.py")[0] == 0
    assert (
        cli("check", "--diff", "--exit-zero", "-", "--stdin-filename", "a.py", stdin=PY.encode())[0]
        == 0
    )
    assert (tmp_path / "a.py").read_text() == PY  # --diff writes nothing


def test_fix_on_stdin_reports_what_is_left_on_stderr(cli) -> None:
    code, out, err = cli("check", "--fix", "-", "--stdin-filename", "u.py", stdin=UNSAFE.encode())
    assert out == UNSAFE  # the only fix is unsafe: the text comes back as it was
    assert code == 1
    assert "u.py:1:" in err and "PRS101" in err and "Found 1 finding" in err


def test_unknown_flag_shows_the_commands_usage(cli) -> None:
    code, _, err = cli("check", "--no-such-flag")
    assert code == 2
    assert err.startswith("usage: prism-lint check ")
    assert "unrecognized arguments: --no-such-flag" in err


def test_errors_keep_the_users_spelling(cli, tmp_path: Path) -> None:
    code, _, err = cli("check", "--select", "E501")
    assert code == 2 and "unknown rule 'E501'" in err
    write(tmp_path, {"pyproject.toml": '[tool.prism-lint]\nignore = ["Prs1O1"]\n', "a.py": PY})
    code, _, err = cli("check", "a.py")
    assert code == 2 and "'Prs1O1'" in err


def test_unknown_code_in_a_suppression_is_named(cli, tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "a.py": PY.rstrip("\n") + "  # noqa: PRS101, PRS999\n",
            "b.py": 'X = "plain"  # noqa: PRS101\n',
        },
    )
    code, out, _ = cli(
        "check", "--extend-select", "PRS901", "--output-format", "concise", "a.py", "b.py"
    )
    assert code == 1
    assert "a.py:1:1: PRS901 Suppression comment names unknown code PRS999" in out
    assert "b.py:1:1: PRS901 Suppression comment silences no prism-lint finding" in out


def test_prompts_names_a_named_prompt_and_reads_stdin(cli, tmp_path: Path) -> None:
    write(tmp_path, {"a.py": PY})
    code, out, _ = cli("prompts", "a.py")
    assert code == 0 and "(name, SYSTEM_PROMPT)" in out and "(name, )" not in out
    code, out, _ = cli("prompts", "-", "--stdin-filename", "b.py", stdin=PY.encode())
    assert code == 0 and out.startswith("b.py:1:") and "1 prompt found." in out
    code, out, _ = cli("prompts", "--output-format", "json", "a.py")
    assert json.loads(out)[0]["names"] == ["SYSTEM_PROMPT"]


def test_colour_follows_the_environment(
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path, {"a.py": PY})
    assert "\x1b[" not in cli("check", "a.py")[1]  # captured, not a terminal
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert "\x1b[" in cli("check", "a.py")[1]
    monkeypatch.setenv("NO_COLOR", "1")
    assert "\x1b[" not in cli("check", "a.py")[1]


# -- fixes ------------------------------------------------------------------------


def test_unfixable_and_extend_unsafe_fixes(cli, tmp_path: Path) -> None:
    write(tmp_path, {"a.py": PY})
    _, out, _ = cli("check", "--unfixable", "PRS1", "a.py")
    assert "[*]" not in out and "= fix" not in out
    write(tmp_path, {"pyproject.toml": '[tool.prism-lint]\nextend-unsafe-fixes = ["PRS101"]\n'})
    _, out, _ = cli("check", "a.py")
    assert "= fix (unsafe)" in out and "1 more fix available with `--unsafe-fixes`" in out
    assert cli("check", "--fix", "a.py")[0] == 1
    assert (tmp_path / "a.py").read_text() == PY  # no longer applied unasked
    write(
        tmp_path,
        {"pyproject.toml": '[tool.prism-lint]\nunfixable = ["expert-persona-code-task"]\n'},
    )
    assert cli("check", "--fix", "--unsafe-fixes", "a.py")[0] == 1
    assert (tmp_path / "a.py").read_text() == PY


def test_fix_only_fixes_and_reports_nothing_left(cli, tmp_path: Path) -> None:
    write(tmp_path, {"a.py": PY, "u.py": UNSAFE})
    code, out, _ = cli("check", "--fix-only", ".")
    assert code == 0 and out == "Fixed 1 finding.\n"
    assert "You are" not in (tmp_path / "a.py").read_text()
    assert (tmp_path / "u.py").read_text() == UNSAFE
    assert cli("check", "--fix-only", "--exit-non-zero-on-fix", ".")[0] == 0  # nothing left


# -- discovery and settings ---------------------------------------------------------


def test_show_files_and_settings(cli, tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "src/a.py": PY,
            "README.md": "You are an expert.\n",
            "prompts/p.md": "You are an expert.\n",
            ".gitignore": "gen/\n",
            "gen/b.py": PY,
            "pyproject.toml": '[tool.prism-lint]\nignore = ["PRS104"]\n',
        },
    )
    (tmp_path / ".git").mkdir()
    code, out, _ = cli("check", "--show-files")
    assert code == 0 and out.splitlines() == ["prompts/p.md", "src/a.py"]
    assert "gen/b.py" in cli("check", "--show-files", "--no-respect-gitignore")[1]
    code, out, _ = cli("check", "--show-settings", "src/a.py")
    assert code == 0 and "Resolved settings for: src/a.py" in out
    assert f"Settings path: {tmp_path / 'pyproject.toml'}" in out
    assert 'ignore = ["PRS104"]' in out and "PRS104" not in out.split("rules = ")[1].split("\n")[0]
    out = cli("check", "--show-settings", "--isolated", "src/a.py")[1]
    assert "(defaults: no configuration file)" in out and "PRS104" in out


def test_command_line_excludes_and_per_file_ignores(cli, tmp_path: Path) -> None:
    write(tmp_path, {"src/a.py": PY, "tests/t.py": PY, "build/b.py": PY})
    files = cli("check", "--show-files")[1].splitlines()
    assert files == ["src/a.py", "tests/t.py"]  # build/ is a default exclude
    assert cli("check", "--show-files", "--extend-exclude", "tests")[1].splitlines() == ["src/a.py"]
    assert "build/b.py" in cli("check", "--show-files", "--exclude", "tests")[1]
    _, out, _ = cli(
        "check", "--output-format", "concise", "--per-file-ignores", "tests/*.py:PRS101", "."
    )
    assert "src/a.py" in out and "tests/t.py" not in out
    assert cli("check", "--per-file-ignores", "nocolon", ".")[0] == 2


def test_prompts_chooses_files_as_check_does(cli, tmp_path: Path) -> None:
    """The inventory takes check's file-selection flags: an audit of the
    prompts .gitignore leaves out, or of one folder less, is one flag away."""
    write(
        tmp_path,
        {"src/a.py": PY, "tests/t.py": PY, "gen/g.py": PY, ".gitignore": "gen/\n"},
    )
    (tmp_path / ".git").mkdir()

    def listed(*args: str) -> list[str]:
        code, out, _ = cli("prompts", "--output-format", "json", *args)
        assert code == 0
        return sorted(row["path"] for row in json.loads(out))

    assert listed() == ["src/a.py", "tests/t.py"]
    assert listed("--no-respect-gitignore") == ["gen/g.py", "src/a.py", "tests/t.py"]
    assert listed("--extend-exclude", "tests") == ["src/a.py"]
    assert listed("--exclude", "src") == ["tests/t.py"]
    # a file named on the command line is listed unless excludes are forced
    assert listed("--extend-exclude", "tests", "tests/t.py") == ["tests/t.py"]
    assert listed("--extend-exclude", "tests", "--force-exclude", "tests/t.py") == []
    code, _out, err = cli("prompts", "--per-file-ignores", "x:PRS101")
    assert code == 2 and "unrecognized arguments: --per-file-ignores" in err


def test_verbose_names_each_file_and_its_settings(cli, tmp_path: Path) -> None:
    write(tmp_path, {"a.py": PY, "prism-lint.toml": 'ignore = ["PRS104"]\n'})
    _, _, err = cli("check", "-v", ".")
    assert "a.py (python; settings: " in err and "prism-lint.toml" in err
    assert "checked 1 file in" in err


# -- extend ------------------------------------------------------------------------


def test_extend_inherits_from_a_parent_config(cli, tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    write(
        tmp_path,
        {
            "pyproject.toml": (
                '[tool.prism-lint]\nignore = ["PRS101"]\nextend-select = ["PRS301"]\n'
            ),
            "pkg/prism-lint.toml": 'extend = "../pyproject.toml"\nunfixable = ["PRS102"]\n',
            "pkg/a.py": PY,
        },
    )
    out = cli("check", "--show-settings", "pkg/a.py")[1]
    assert 'ignore = ["PRS101"]' in out and 'unfixable = ["PRS102"]' in out
    assert 'extend-select = ["PRS301"]' in out
    assert cli("check", "pkg/a.py")[0] == 0  # PRS101 ignored by the parent


def test_extended_per_file_ignores_stay_relative_to_their_file(cli, tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    write(
        tmp_path,
        {
            "prism-lint.toml": 'per-file-ignores = { "pkg/legacy/*" = ["PRS101"] }\n',
            "pkg/prism-lint.toml": 'extend = "../prism-lint.toml"\n',
            "pkg/legacy/a.py": PY,
            "pkg/new/a.py": PY,
        },
    )
    _, out, _ = cli("check", "--output-format", "concise", "pkg")
    assert "pkg/new/a.py" in out and "pkg/legacy/a.py" not in out


@pytest.mark.parametrize(
    ("value", "error"),
    [
        ("/etc/passwd.toml", "must be relative"),
        ("../../outside.toml", "outside the project"),
        ("missing.toml", "no such file"),
        ("notes.txt", "must name a .toml file"),
        (42, "must be a relative path"),
    ],
)
def test_extend_stays_inside_the_project(cli, tmp_path: Path, value: object, error: str) -> None:
    project = tmp_path / "project"
    (project / ".git").mkdir(parents=True)
    write(tmp_path, {"outside.toml": 'ignore = ["PRS101"]\n'})
    write(project, {"pkg/prism-lint.toml": f"extend = {json.dumps(value)}\n", "pkg/a.py": PY})
    code, _, err = cli("check", "project/pkg/a.py")
    assert code == 2 and error in err and "Traceback" not in err


def test_extend_cycles_and_long_chains_are_errors(cli, tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    write(
        tmp_path,
        {
            "a/prism-lint.toml": 'extend = "../b/prism-lint.toml"\n',
            "b/prism-lint.toml": 'extend = "../a/prism-lint.toml"\n',
            "a/x.py": PY,
        },
    )
    code, _, err = cli("check", "a/x.py")
    assert code == 2 and "cycle" in err
    chain = {
        f"c{i}/prism-lint.toml": f'extend = "../c{i + 1}/prism-lint.toml"\n' for i in range(12)
    }
    write(tmp_path, {**chain, "c12/prism-lint.toml": "\n", "c0/x.py": PY})
    code, _, err = cli("check", "c0/x.py")
    assert code == 2 and "more than 8 configurations" in err


# -- --add-noqa ----------------------------------------------------------------------


def _kept(old: str, new: str) -> bool:
    """Every line of ``old`` is in ``new``, in order: as it was, or with a
    suppression comment at its end."""
    lines = iter(new.splitlines())
    for line in old.splitlines():
        for candidate in lines:
            if candidate == line or (
                candidate.startswith(line) and candidate[len(line) :].lstrip().startswith("# noqa")
            ):
                break
        else:
            return False
    return True


def _cells(text: str) -> list[str]:
    return ["".join(c.get("source", "")) for c in json.loads(text).get("cells", [])]


def test_add_noqa_round_trip_in_every_format(cli, tmp_path: Path) -> None:
    tree = tmp_path / "fixtures"
    shutil.copytree(ROOT / "fixtures", tree)
    before = {p: p.read_text(encoding="utf-8") for p in tree.rglob("*") if p.is_file()}
    code, out, _ = cli("check", "--no-cache", "--output-format", "json", "fixtures")
    found = json.loads(out)
    kinds = {Path(d["filename"]).suffix for d in found if d["code"] != "PRS900"}
    assert {".py", ".ipynb", ".yaml", ".j2", ".md", ".ts", ".prompty", ".prompt"} <= kinds
    code, _, err = cli("check", "--add-noqa=legacy prompts", "fixtures")
    assert code == 0 and "Added" in err
    code, out, _ = cli("check", "--no-cache", "--output-format", "json", "fixtures")
    left = json.loads(out)
    assert [d["code"] for d in left] == ["PRS900"] * len(left)  # parse errors only
    assert len(left) == sum(d["code"] == "PRS900" for d in found)
    changed = 0
    for path, old in before.items():
        new = path.read_text(encoding="utf-8")
        changed += new != old
        if path.suffix == ".ipynb":
            assert all(_kept(a, b) for a, b in zip(_cells(old), _cells(new), strict=True))
        else:
            assert _kept(old, new), path
    assert changed >= len({d["filename"] for d in found if d["code"] != "PRS900"})
    texts = "\n".join(p.read_text(encoding="utf-8") for p in tree.rglob("*") if p.is_file())
    for comment in (
        "# noqa: PRS101 -- legacy prompts",
        "# prism: ignore[PRS1",
        "// prism: ignore[PRS1",
        "{# prism: ignore[PRS1",
        "{{! prism: ignore[PRS1",
        "<!-- prism: ignore[PRS1",
    ):
        assert comment in texts, comment
    # once more: nothing left to add, nothing changes
    again = {p: p.read_text(encoding="utf-8") for p in tree.rglob("*") if p.is_file()}
    assert cli("check", "--add-noqa", "fixtures")[0] == 0
    assert again == {p: p.read_text(encoding="utf-8") for p in tree.rglob("*") if p.is_file()}


def test_add_noqa_keeps_a_titled_prompt_suppressed(cli, tmp_path: Path) -> None:
    """The comment added above a prompt's title leaves the title read as its
    persona: the finding is silenced, and the comment is no unused one."""
    write(tmp_path, {"prompts/review.md": "# Code Reviewer\n\nReview this Python code for bugs.\n"})
    assert cli("check", "--no-cache", "prompts")[0] == 1
    code, _, err = cli("check", "--add-noqa", "prompts")
    assert code == 0 and "Added" in err
    text = (tmp_path / "prompts" / "review.md").read_text(encoding="utf-8")
    assert text.startswith("<!-- prism: ignore[PRS101] -->\n# Code Reviewer\n")
    code, out, _ = cli("check", "--no-cache", "--extend-select", "PRS901", "prompts")
    assert code == 0, out


def test_add_noqa_on_stdin_and_bad_reasons(cli, tmp_path: Path) -> None:
    code, out, _ = cli("check", "--add-noqa", "-", "--stdin-filename", "a.py", stdin=PY.encode())
    assert code == 0 and out == PY.rstrip("\n") + "  # noqa: PRS101\n"
    write(tmp_path, {"a.py": PY})
    for reason in ("ends a --> comment", "two\nlines"):
        code, _, err = cli("check", f"--add-noqa={reason}", "a.py")
        assert code == 2 and "reason" in err
    assert (tmp_path / "a.py").read_text() == PY
    assert cli("check", "--add-noqa", "--fix", "a.py")[0] == 2


# -- docs ------------------------------------------------------------------------------


def test_oversized_file_is_a_notice_in_a_walk_and_a_finding_when_named(cli, tmp_path: Path) -> None:
    write(tmp_path, {"prism-lint.toml": "max-file-size = 64\n", "big.py": PY * 4})
    code, out, err = cli("check", ".")
    assert code == 0 and "prism-lint: notice: big.py: file is" in err and "PRS900" not in out
    code, out, _ = cli("check", "big.py")
    assert code == 1 and "PRS900" in out and "over max-file-size" in out
    from prism_lint.rules import load_rule

    doc = load_rule("PRS900").documentation()
    assert "walking a directory is not a\nfinding" in doc and "notice" in doc


def test_rule_examples_show_their_role_and_model() -> None:
    from prism_lint.commands.rule import as_text, describe

    prs105 = as_text(describe("PRS105"))
    flagged, not_flagged = prs105.split("## Not flagged")
    assert "model `o3-mini`" in flagged and "model `gpt-4o`" in not_flagged
    prs202 = as_text(describe("PRS202"))
    assert "*user message:*" in prs202.split("## Not flagged")[0]
    assert "*system message:*" in prs202.split("## Not flagged")[1]
    assert "The paper's figure" in prs202


def test_network_tests_are_marked_and_the_marker_registered() -> None:
    import ast
    import sys

    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    markers = config["tool"]["pytest"]["ini_options"]["markers"]
    assert any(m.startswith("network:") for m in markers)
    tree = ast.parse((ROOT / "tests" / "test_precommit.py").read_text(encoding="utf-8"))
    assigned = [
        n
        for n in tree.body
        if isinstance(n, ast.Assign)
        and any(isinstance(t, ast.Name) and t.id == "pytestmark" for t in n.targets)
    ]
    assert assigned and ast.unparse(assigned[0].value) == "pytest.mark.network"
    assert '-m "not network"' not in (ROOT / ".ci" / "run").read_text()  # CI runs them


def test_prompts_inventory_is_the_same_with_worker_processes(
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path, {f"m{i}.py": PY.replace("SYSTEM_PROMPT", f"P{i}_PROMPT") for i in range(40)})
    alone = cli("prompts", "--output-format", "json", ".")[1]
    import prism_lint.runner

    monkeypatch.setattr(prism_lint.runner, "POOL_THRESHOLD", 2)
    monkeypatch.setattr(prism_lint.runner, "workers", lambda: 2)
    shared = cli("prompts", "--output-format", "json", ".")[1]
    assert len(json.loads(alone)) == 40 and shared == alone


def test_prompts_inventory_reads_a_walk_still_under_way(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Files go to the workers as the walk names them: the rows are those of
    the whole list, in the walk's order, whether the walk is over or not."""
    import prism_lint.runner
    from prism_lint.commands.prompts import _rows
    from prism_lint.config import Resolver, Settings
    from prism_lint.discovery import discover

    write(
        tmp_path, {f"m{i:02d}.py": PY.replace("SYSTEM_PROMPT", f"P{i}_PROMPT") for i in range(40)}
    )
    monkeypatch.setattr(prism_lint.runner, "POOL_THRESHOLD", 4)
    monkeypatch.setattr(prism_lint.runner, "CHUNK", 4)
    monkeypatch.setattr(prism_lint.runner, "workers", lambda: 2)
    resolver = Resolver(forced=Settings())
    walked: list[str] = []

    def walk():
        for target in discover([str(tmp_path)], resolver):
            walked.append(target.path)
            yield target, Settings()

    rows = _rows(walk())
    assert len(walked) == 40
    assert [r["path"] for r in rows] == walked
    assert [r["names"] for r in rows] == [[f"P{i}_PROMPT"] for i in range(40)]


def test_prompts_inventory_stops_at_a_bad_configuration_met_mid_walk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The error of a configuration found while the workers already read
    what the walk named reaches the command, and no worker is left waiting."""
    import prism_lint.runner
    from prism_lint.commands.prompts import _rows
    from prism_lint.config import ConfigError, Resolver, Settings
    from prism_lint.discovery import discover

    write(tmp_path, {f"m{i:02d}.py": PY for i in range(40)})
    monkeypatch.setattr(prism_lint.runner, "POOL_THRESHOLD", 4)
    monkeypatch.setattr(prism_lint.runner, "CHUNK", 4)
    monkeypatch.setattr(prism_lint.runner, "workers", lambda: 2)

    def walk():
        for n, target in enumerate(discover([str(tmp_path)], Resolver(forced=Settings()))):
            if n == 20:
                raise ConfigError("sub/pyproject.toml: unknown rule 'PRS999'")
            yield target, Settings()

    with pytest.raises(ConfigError, match="PRS999"):
        _rows(walk())
