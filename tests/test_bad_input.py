"""Inputs that once cost a whole run (a traceback, exit 1) or an internal
error: each now gives one clear result. The inputs are in tests/crashes/."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from prism_lint.cli import main

CRASHES = Path(__file__).parent / "crashes"
FORMATS = ("full", "concise", "json", "json-lines", "sarif", "github", "gitlab", "junit")


def check(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["check", "--no-cache", *args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("name", ["surrogate.py", "surrogate.ts", "surrogate.ipynb"])
@pytest.mark.parametrize("fmt", FORMATS)
def test_lone_surrogate_in_a_prompt_is_reported(
    name: str,
    fmt: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    shutil.copy(CRASHES / name, tmp_path / name)
    monkeypatch.chdir(tmp_path)
    code, out, _err = check(capsys, name, "--output-format", fmt)
    assert code == 1
    out.encode("utf-8")  # what the terminal or the file receives
    assert "PRS101" in out
    if fmt in ("json", "sarif", "gitlab"):
        assert "\ud800" in json.dumps(json.loads(out), ensure_ascii=False)
    if fmt == "json-lines":
        assert all(json.loads(line) for line in out.splitlines())
    if fmt in ("full", "concise"):
        assert "engineer \\ud800" in out


@pytest.mark.parametrize("fmt", FORMATS)
def test_file_name_that_is_not_utf8(
    fmt: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    source = (CRASHES / "surrogate.py").read_bytes().replace(b" \\ud800", b"")
    (tmp_path / "src").mkdir()
    (tmp_path / "src").joinpath(b"bad\xff.py".decode("utf-8", "surrogateescape")).write_bytes(
        source
    )
    monkeypatch.chdir(tmp_path)
    code, out, _err = check(capsys, "src", "--output-format", fmt)
    assert code == 1
    out.encode("utf-8")
    if fmt == "sarif":
        uris = [
            loc["physicalLocation"]["artifactLocation"]["uri"]
            for run in json.loads(out)["runs"]
            for r in run["results"]
            for loc in r["locations"]
        ]
        assert uris == ["src/bad%FF.py"]
    if fmt in ("full", "concise", "github"):
        assert "bad\\xff.py" in out


@pytest.mark.parametrize("fmt", ["full", "concise", "github"])
def test_control_characters_are_escaped_for_people(
    fmt: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    source = (CRASHES / "surrogate.py").read_text(encoding="utf-8")
    source = source.replace("engineer \\ud800", "engineer \\x1b[2J\\r\\u202e")
    name = "evil\x1b]0;title\x07\r.py"
    (tmp_path / name).write_text(source, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code, out, _err = check(capsys, ".", "--output-format", fmt)
    assert code == 1
    for ch in "\x1b\x07\r\u202e":
        assert ch not in out
    cr = "%0D" if fmt == "github" else "\\x0d"  # GitHub's own escape comes first
    assert f"evil\\x1b]0;title\\x07{cr}.py" in out
    if fmt != "github":  # GitHub's message holds the location only
        assert "engineer \\x1b[2J" in out and "\\u202e." in out


def test_hex_escape_without_digits_is_no_internal_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _err = check(
        capsys, str(CRASHES / "hex_escape_without_digits.py"), "--output-format", "concise"
    )
    assert "internal error" not in out
    assert "PRS101" in out
    assert code == 1


def test_notebook_with_a_very_long_number(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _err = check(
        capsys, str(CRASHES / "long_number.ipynb"), "--output-format", "concise"
    )
    assert "internal error" not in out
    assert "PRS101" in out
    assert code == 1


def test_notebook_with_a_very_long_number_is_fixed(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    target = tmp_path / "long_number.ipynb"
    shutil.copy(CRASHES / "long_number.ipynb", target)
    code, out, err = check(capsys, str(target), "--fix")
    assert code == 0, out + err
    text = target.read_text(encoding="utf-8")
    assert "You are an expert" not in text
    assert "9" * 5000 in text


@pytest.mark.parametrize("line", ["!", "\\", "[z-a]", "!\\", "a/[z-a]/b"])
def test_gitignore_lines_git_accepts(
    line: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    source = (CRASHES / "surrogate.py").read_text(encoding="utf-8").replace(" \\ud800", "")
    (tmp_path / "kept.py").write_text(source, encoding="utf-8")
    (tmp_path / "ignored.py").write_text(source, encoding="utf-8")
    (tmp_path / ".gitignore").write_text(f"{line}\nignored.py\n", encoding="utf-8")
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    code, out, _err = check(capsys, ".", "--output-format", "concise")
    assert code == 1
    assert "kept.py" in out
    assert "ignored.py" not in out


def test_config_that_is_not_utf8_is_a_configuration_error(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    (tmp_path / "pyproject.toml").write_bytes(b'[tool.prism-lint]\nselect = ["PRS1"]\n# caf\xe9\n')
    (tmp_path / "a.py").write_text("x = 1\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code, _out, err = check(capsys, ".")
    assert code == 2
    assert "pyproject.toml" in err and "not valid UTF-8" in err
    assert "Traceback" not in err


def test_file_over_what_the_analysis_serves_is_one_finding(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import prism_lint.engine

    # The real ceiling is 4 MiB; a lower one keeps the test quick.
    monkeypatch.setattr(prism_lint.engine, "ANALYSIS_LIMIT", 100_000, raising=False)
    source = (CRASHES / "surrogate.py").read_text(encoding="utf-8").replace(" \\ud800", "")
    big = tmp_path / "big.py"
    big.write_text(source + "x = 1\n" * 30_000, encoding="utf-8")
    code, out, _err = check(
        capsys, str(big), "--config", "max-file-size = 10000000", "--output-format", "concise"
    )
    assert code == 1
    assert out.count("PRS900") == 1 and "PRS101" not in out
    assert "180," in out and "analyse in reasonable time" in out


def test_stdin_over_max_file_size_is_one_finding(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import io

    source = (CRASHES / "surrogate.py").read_text(encoding="utf-8").replace(" \\ud800", "")
    data = (source + "x = 1\n" * 3_000).encode("utf-8")
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(data)))
    code, out, _err = check(
        capsys,
        "-",
        "--stdin-filename",
        "m.py",
        "--config",
        "max-file-size = 10000",
        "--output-format",
        "concise",
    )
    assert code == 1
    assert out.count("PRS900") == 1 and "over max-file-size (10,000)" in out


WIDE = {
    "utf-16-le": b"\xff\xfe",
    "utf-16-be": b"\xfe\xff",
    "utf-32-le": b"\xff\xfe\x00\x00",
    "utf-32-be": b"\x00\x00\xfe\xff",
}


@pytest.mark.parametrize("encoding", list(WIDE))
def test_utf16_and_utf32_files_are_text(
    encoding: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    source = (CRASHES / "surrogate.py").read_text(encoding="utf-8").replace(" \\ud800", "")
    (tmp_path / "m.py").write_bytes(WIDE[encoding] + source.encode(encoding))
    monkeypatch.chdir(tmp_path)
    code, out, _err = check(capsys, ".", "--output-format", "concise")
    assert code == 1
    assert "m.py:6:46: PRS101" in out
    code, out, err = check(capsys, ".", "--fix")
    assert code == 0, out + err
    data = (tmp_path / "m.py").read_bytes()
    assert data.startswith(WIDE[encoding])
    fixed = data[len(WIDE[encoding]) :].decode(encoding)
    assert fixed == source.replace("You are an expert Python engineer. ", "")


def test_utf16_on_stdin_is_fixed_in_utf16(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import io

    source = (CRASHES / "surrogate.py").read_text(encoding="utf-8").replace(" \\ud800", "")
    data = b"\xff\xfe" + source.encode("utf-16-le")
    stdout = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(data)))
    monkeypatch.setattr("sys.stdout", stdout)
    assert main(["check", "--no-cache", "-", "--stdin-filename", "m.py", "--fix"]) == 0
    stdout.flush()
    written = stdout.buffer.getvalue()  # type: ignore[attr-defined]
    assert written == b"\xff\xfe" + source.replace(
        "You are an expert Python engineer. ", ""
    ).encode("utf-16-le")


def test_bad_utf16_is_one_clear_finding(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    (tmp_path / "m.py").write_bytes(b"\xff\xfe" + "x = 1\n".encode("utf-16-le") + b"\x00\xd8")
    code, out, _err = check(capsys, str(tmp_path / "m.py"), "--output-format", "concise")
    assert code == 1
    assert "PRS900 not valid UTF-16" in out


def test_prompts_listing_escapes_control_characters(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    source = (CRASHES / "surrogate.py").read_text(encoding="utf-8")
    source = source.replace("engineer \\ud800", "engineer \\x1b[2J\\ud800")
    (tmp_path / "evil\x1b[31m.py").write_text(source, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    for fmt in ("text", "json"):
        assert main(["prompts", ".", "--output-format", fmt]) == 0
        out, _err = capsys.readouterr()
        out.encode("utf-8")
        if fmt == "text":
            assert "\x1b" not in out
            assert "evil\\x1b[31m.py" in out and "engineer \\x1b[2J\\ud800" in out
        else:
            assert json.loads(out)[0]["text"].startswith("You are an expert Python engineer")


def test_diff_headers_show_a_strange_name_escaped(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    source = (CRASHES / "surrogate.py").read_text(encoding="utf-8").replace(" \\ud800", "")
    (tmp_path / b"b\xff\x1b.py".decode("utf-8", "surrogateescape")).write_text(source)
    monkeypatch.chdir(tmp_path)
    code, out, _err = check(capsys, ".", "--diff")
    assert code == 1
    out.encode("utf-8")
    assert "--- a/b\\xff\\x1b.py" in out and "\x1b" not in out


def test_a_large_notebook_is_read_under_a_raised_max_file_size(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import prism_lint.engine

    monkeypatch.setattr(prism_lint.engine, "ANALYSIS_LIMIT", 10_000, raising=False)
    nb = json.loads((CRASHES / "surrogate.ipynb").read_text(encoding="utf-8"))
    nb["cells"][0]["outputs"] = [
        {"output_type": "display_data", "metadata": {}, "data": {"image/png": "iVBORw0KGgo" * 5000}}
    ]
    (tmp_path / "big.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    code, out, _err = check(
        capsys,
        str(tmp_path / "big.ipynb"),
        "--config",
        "max-file-size = 10000000",
        "--output-format",
        "concise",
    )
    assert code == 1
    assert "PRS101" in out and "PRS900" not in out


def test_bad_utf16_found_by_a_walk_is_a_notice(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # a UTF-16 file with one stray byte at its end, as a UTF-8 tool leaves it
    (tmp_path / "m.js").write_bytes(b"\xff\xfe" + "let x = 1;\r\n".encode("utf-16-le") + b"\n")
    monkeypatch.chdir(tmp_path)
    code, out, err = check(capsys, ".", "--output-format", "concise")
    assert code == 0
    assert "All checks passed!" in out
    assert "m.js: not valid UTF-16" in err


@pytest.mark.parametrize("fmt", ["full", "concise", "grouped"])
def test_a_coloured_report_escapes_what_it_colours(
    fmt: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import re

    source = (CRASHES / "surrogate.py").read_text(encoding="utf-8")
    source = source.replace("engineer \\ud800", "engineer \\x1b[2J\\ud800")
    (tmp_path / "evil\x1b]0;title\x07.py").write_text(source, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("FORCE_COLOR", "1")
    code, out, _err = check(capsys, ".", "--output-format", fmt)
    assert code == 1
    assert "\x1b[" in out  # coloured
    out.encode("utf-8")
    own = re.sub(r"\x1b\[(?:0|1|3|31|36)m", "", out)  # the report's own colours
    assert "\x1b" not in own and "\x07" not in own
    assert "evil\\x1b]0;title\\x07.py" in own
