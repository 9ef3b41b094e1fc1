"""Compiled patterns kept between runs: the same patterns, never a crash."""

from __future__ import annotations

import importlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from prism_lint import regex_cache

# re's compiler module (sre_compile before Python 3.11)
COMPILER = getattr(re, "_compiler", None) or importlib.import_module("sre_compile")
WORDS = r"(?i)(?P<verb>write|draft|compose)\s+(?:an?\s+)?(?P<what>essay|poem|story)"
TEXTS = ["Write a poem", "please DRAFT an essay now", "compose story", "write code", ""]


def _restart(monkeypatch: pytest.MonkeyPatch) -> None:
    """As a new process would start: nothing compiled, nothing known."""
    for name in ("_cache", "_cache2"):
        if hasattr(re, name):
            monkeypatch.setattr(re, name, {})
    monkeypatch.setattr(regex_cache, "_known", set())
    monkeypatch.setattr(regex_cache, "_waiting", {})
    monkeypatch.setattr(regex_cache, "_enabled", False)


@pytest.fixture
def fresh(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty ``re`` cache and module state, the data cache in tmp_path."""
    monkeypatch.setenv("PRISM_LINT_DATA_CACHE", str(tmp_path))
    _restart(monkeypatch)
    return tmp_path


def _file(folder: Path) -> Path:
    files = list(folder.glob("patterns-*.bin"))
    assert len(files) == 1
    return files[0]


def _kept(folder: Path) -> list[list[object]]:
    head = _file(folder).read_bytes().partition(b"\n")[0]
    patterns: list[list[object]] = json.loads(head)["patterns"]
    return patterns


def _not_compiled(*args: object) -> None:
    raise AssertionError("compiled, not taken from the kept patterns")


def _same_behaviour(a: re.Pattern[str], b: re.Pattern[str]) -> None:
    assert a == b and a.flags == b.flags and a.groupindex == b.groupindex
    for text in TEXTS:
        ma, mb = a.search(text), b.search(text)
        assert (ma and (ma.span(), ma.groupdict())) == (mb and (mb.span(), mb.groupdict()))


def test_a_kept_pattern_is_the_compiled_one(fresh: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    regex_cache.load()  # nothing kept yet
    compiled = re.compile(WORDS)
    regex_cache.save()
    assert [e[0] for e in _kept(fresh)] == [WORDS]
    _restart(monkeypatch)
    regex_cache.load()
    with monkeypatch.context() as m:
        m.setattr(COMPILER, "compile", _not_compiled)
        served = re.compile(WORDS)
        assert re.compile(WORDS) is served
    _same_behaviour(served, compiled)
    before = _file(fresh).stat().st_mtime_ns
    regex_cache.save()  # nothing new: the file is not written again
    assert _file(fresh).stat().st_mtime_ns == before and len(_kept(fresh)) == 1


def test_kept_patterns_add_up(fresh: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    regex_cache.load()
    re.compile(WORDS)
    regex_cache.save()
    _restart(monkeypatch)
    regex_cache.load()
    other = re.compile(r"\b(?:solve|prove)\s+(?P<what>\w+)")
    regex_cache.save()
    assert sorted(e[0] for e in _kept(fresh)) == sorted([WORDS, other.pattern])
    _restart(monkeypatch)
    regex_cache.load()
    with monkeypatch.context() as m:
        m.setattr(COMPILER, "compile", _not_compiled)
        _same_behaviour(re.compile(WORDS), re.compile(WORDS))
        assert re.compile(other.pattern) == other


def test_damaged_or_foreign_files_are_ignored(fresh: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    regex_cache.load()
    re.compile(WORDS)
    regex_cache.save()
    path = _file(fresh)
    head, _newline, blob = path.read_bytes().partition(b"\n")
    good = json.loads(head)
    entry = good["patterns"][0]
    past_end = [*entry[:5], entry[5], entry[6] + 1]  # more code than the file holds
    bad_groups = [*entry[:3], 1, *entry[4:]]  # fewer groups than the names say
    variants = [
        b"not json",
        b"\xff\xfe",
        json.dumps({**good, "build": "another python"}).encode() + b"\n" + blob,
        json.dumps({**good, "patterns": [past_end, bad_groups, [1, 2], "x", None]}).encode()
        + b"\n"
        + blob,
        json.dumps([good]).encode() + b"\n" + blob,
        head + b"\n" + blob[:-1],  # not whole words
        head + b"\n" + bytes(len(blob)),  # code the engine refuses
        head + b"\n" + b"\xff" * len(blob),
    ]
    for raw in variants:
        path.write_bytes(raw)
        _restart(monkeypatch)
        regex_cache.load()
        _same_behaviour(re.compile(WORDS), COMPILER.compile(WORDS))


def test_patterns_made_from_a_tree_are_not_kept(fresh: Path) -> None:
    regex_cache.load()
    with regex_cache.not_kept():
        re.compile(r"^(?:.+/)?build(?P<dir>/)")
    re.compile(WORDS)
    regex_cache.save()
    assert [e[0] for e in _kept(fresh)] == [WORDS]


def test_no_cache_folder_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PRISM_LINT_DATA_CACHE", "")
    _restart(monkeypatch)
    regex_cache.load()
    re.compile(WORDS + "x")
    regex_cache.save()
    assert list(tmp_path.iterdir()) == []


def test_a_run_keeps_patterns_and_the_next_reports_the_same(tmp_path: Path) -> None:
    source = tmp_path / "prompt.py"
    source.write_text(
        "from openai import OpenAI\n\nclient = OpenAI()\n"
        'client.chat.completions.create(model="gpt-4o", messages=[{"role": "system", '
        '"content": "You are an expert Python developer. Write a function that sorts."}])\n',
        encoding="utf-8",
    )
    env = {**os.environ, "PRISM_LINT_DATA_CACHE": str(tmp_path / "data")}
    runs = [
        subprocess.run(
            [
                sys.executable,
                "-m",
                "prism_lint",
                "check",
                "--no-cache",
                "--output-format",
                "json",
                str(source),
            ],
            capture_output=True,
            text=True,
            env=env,
            cwd=tmp_path,
        )
        for _ in range(2)
    ]
    assert [r.returncode for r in runs] == [1, 1]
    assert runs[0].stdout == runs[1].stdout and '"PRS101"' in runs[0].stdout
    assert len(_kept(tmp_path / "data")) > 50  # the vocabulary's and the analysis's


def test_keeping_never_fails_a_run(fresh: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    regex_cache.load()
    re.compile(WORDS)

    def broken(*args: object) -> None:
        raise RuntimeError("a Python laid out otherwise")

    monkeypatch.setattr(regex_cache, "_read", broken)
    regex_cache.save()  # nothing raised, nothing written
    assert list(fresh.iterdir()) == []


def test_the_file_stays_within_what_is_read(fresh: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """However large the patterns a configuration makes, the file is never
    written larger than a file that is read back."""
    monkeypatch.setattr(regex_cache, "MAX_BYTES", 64 * 1024)
    regex_cache.load()
    for n in range(40):  # about 4,000 code words each
        re.compile("|".join(f"w{n}x{i}" for i in range(400)))
    regex_cache.save()
    assert 0 < len(_kept(fresh)) < 40
    assert _file(fresh).stat().st_size <= 64 * 1024
    _restart(monkeypatch)
    monkeypatch.setattr(regex_cache, "MAX_BYTES", 64 * 1024)
    regex_cache.load()
    assert len(regex_cache._waiting) == len(_kept(fresh))
