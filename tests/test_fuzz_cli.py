"""Fuzz the command line through stdin, in every output format.

Seeds are the annotated fixtures; each example mutates one (bytes spliced
in, cut out, replaced, with the inputs that once crashed a run among the
pieces) and reads it as one file type. Whatever comes in, the run gives
one clear result: exit 0 or 1, output that encodes and parses in its
format, no traceback and no internal error. Bounded for CI: a few dozen
examples, each under a deadline; ``PRISM_FUZZ_EXAMPLES`` asks for more.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from prism_lint.cli import OUTPUT_FORMATS, main

FIXTURES = Path(__file__).parent.parent / "fixtures"
# (bytes, the name they are read as): a fixture's own name, so most examples
# reach the analysis and the fixes, not only the parsers' errors.
SEEDS = sorted(
    (p.read_bytes(), p.name)
    for p in FIXTURES.rglob("*")
    if p.is_file() and ".fixed" not in p.name and p.stat().st_size < 4096
)
NAMES = ("p.py", "p.ts", "p.ipynb", "p.yaml", "system.md", "p.j2", "p.prompty", "p.prompt", "p.txt")
# Pieces that once cost a run, and the bytes parsers trip on.
PIECES = (
    b"\\ud800",
    b"\\x",
    b"\\u",
    b"\\N{",
    b"\xed\xa0\x80",
    b"\x1b[2J",
    b"\r",
    b"\r\n",
    b"\x00",
    b"\xff\xfe",
    b"\xfe\xff",
    b"\xef\xbb\xbf",
    b"\xff",
    b"9" * 5000,
    b"'''",
    b'"""',
    b"{{",
    b"{%",
    b"```",
    b"---\n",
    b"&a [*a, *a]",
    b"You are an expert Python engineer. ",
    "\u2028".encode(),
    b"[" * 200,
    b"\t",
    b"\\",
)


@st.composite
def inputs(draw: st.DrawFn) -> tuple[bytes, str]:
    seed, own = draw(st.sampled_from(SEEDS))
    name = draw(st.one_of(st.just(own), st.sampled_from(NAMES)))
    data = bytearray(seed)
    for _ in range(draw(st.integers(0, 4))):
        at = draw(st.integers(0, len(data)))
        how = draw(st.sampled_from(("insert", "cut", "replace")))
        piece = draw(st.one_of(st.sampled_from(PIECES), st.binary(max_size=8)))
        if how == "insert":
            data[at:at] = piece
        elif how == "cut":
            del data[at : at + draw(st.integers(1, 40))]
        else:
            data[at : at + len(piece)] = piece
    return bytes(data), name


@contextlib.contextmanager
def standard_streams(stdin: bytes) -> Iterator[tuple[io.TextIOWrapper, io.StringIO]]:
    """stdin from bytes, stdout strict UTF-8 as a terminal's, stderr kept."""
    saved = sys.stdin, sys.stdout, sys.stderr
    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="strict")
    err = io.StringIO()
    sys.stdin = io.TextIOWrapper(io.BytesIO(stdin))
    sys.stdout, sys.stderr = out, err
    try:
        yield out, err
    finally:
        sys.stdin, sys.stdout, sys.stderr = saved


def run(stdin: bytes, *args: str) -> tuple[int, bytes, str]:
    with standard_streams(stdin) as (out, err):
        code = main(["check", "--no-cache", "-", *args])
        out.flush()
    return code, out.buffer.getvalue(), err.getvalue()  # type: ignore[attr-defined]


def assert_parses(fmt: str, out: bytes) -> None:
    text = out.decode("utf-8")
    if fmt in ("json", "sarif", "gitlab"):
        json.loads(text)
    elif fmt == "json-lines":
        for line in text.splitlines():
            json.loads(line)
    elif fmt == "junit":
        ET.fromstring(out)
    else:  # people read these: nothing a terminal would act on
        assert not any(c in text for c in "\x1b\r\x00\x07")


@pytest.fixture(scope="module", autouse=True)
def warm() -> None:
    """Imports and compiled patterns, before the deadline counts."""
    for name in NAMES:
        run(SEEDS[0][0], "--stdin-filename", name, "--output-format", "json")


# PRISM_FUZZ_EXAMPLES=5000 for a long, random hunt; CI runs the same 40.
DEEP = int(os.environ.get("PRISM_FUZZ_EXAMPLES", "0"))


@settings(
    max_examples=DEEP or 40,
    deadline=timedelta(seconds=3),
    derandomize=not DEEP,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(example=inputs(), fmt=st.sampled_from((*OUTPUT_FORMATS, "--fix")))
def test_any_stdin_gives_one_clear_result(example: tuple[bytes, str], fmt: str) -> None:
    data, name = example
    args = ["--fix"] if fmt == "--fix" else ["--output-format", fmt]
    code, out, err = run(data, "--stdin-filename", name, *args)
    assert code in (0, 1), err
    assert "Traceback" not in err
    assert b"internal error" not in out, out.decode("utf-8", "replace")
    if fmt != "--fix":
        assert_parses(fmt, out)
