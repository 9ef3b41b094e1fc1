"""The cache is as untrusted as the tree: whatever bytes sit in its folder,
a run reports what it would report with no cache at all."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from prism_lint.config import Resolver, Settings
from prism_lint.discovery import discover
from prism_lint.runner import check_targets

FILES = {
    "prompts/a.md": "You are a senior Go engineer. Fix the bug in this Go code.\n",
    "prompts/b.md": "Write a haiku about rain.\n",
    "prompts/c.yaml": "system: You are an expert mathematician. Solve 3x + 5 = 20.\n",
}


def _findings(root: Path) -> list[tuple[str, str, int, int, str]]:
    resolver = Resolver(forced=Settings())
    targets = list(discover([str(root)], resolver))
    out = []
    for target, result in check_targets(targets, resolver, lambda s: s):
        for d in result.diagnostics:
            fix = None if d.fix is None else [(e.start, e.end, e.content) for e in d.fix.edits]
            out.append(
                (
                    os.path.basename(target.path),
                    d.code,
                    d.start,
                    d.end,
                    json.dumps([d.message, d.details, fix], sort_keys=True),
                )
            )
    return sorted(out)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=20,
)


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tree with findings of two formats and a file without any."""
    root = tmp_path_factory.mktemp("tree")
    for name, text in FILES.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def _mutations(draw: st.DrawFn, real: dict) -> bytes:
    choice = draw(st.integers(0, 3))
    if choice == 0:
        return draw(st.binary(max_size=200))
    if choice == 1:
        return json.dumps(draw(JSON)).encode()
    # The real cache with one entry's part replaced by arbitrary JSON, as
    # whoever wrote the tree could have written it: they know each file's
    # bytes, size and digest, but not the stamp (times to the nanosecond and
    # inode) this machine gave the file when it was checked out.
    data = json.loads(json.dumps(real))
    for entry in data.get("entries", {}).values():
        entry[1] = draw(st.lists(st.integers(0, 2**62), min_size=3, max_size=3))
    entries = list(data.get("entries", {}).values())
    if entries:
        entry = draw(st.sampled_from(entries))
        where = draw(st.integers(0, len(entry) - 1))
        if choice == 2 or not isinstance(entry[where], dict):
            entry[where] = draw(JSON)
        else:
            key = draw(st.sampled_from(sorted(entry[where]) or ["path"]))
            entry[where][key] = draw(JSON)
    return json.dumps(data).encode()


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_any_bytes_in_the_cache_give_the_findings_of_no_cache(
    tree: Path, monkeypatch: pytest.MonkeyPatch, data: st.DataObject
) -> None:
    root = tree
    monkeypatch.setattr("prism_lint.runner.CACHE_THRESHOLD", 0)
    with tempfile.TemporaryDirectory() as cache:
        monkeypatch.setenv("PRISM_LINT_CACHE_DIR", cache)
        expected = _findings(root)  # cold: writes the cache
        (written,) = Path(cache).rglob("*.json")
        real = json.loads(written.read_text())
        written.write_bytes(_mutations(data.draw, real))
        assert _findings(root) == expected


def test_a_result_goes_through_the_codec_unchanged() -> None:
    from prism_lint.engine import check_source
    from prism_lint.result_codec import decode, encode

    for name, text in FILES.items():
        result = check_source(name, text, Settings())
        again = decode(json.loads(json.dumps(encode(result))), name)
        assert again.diagnostics == result.diagnostics
        assert (again.text, again.kind, again.bom) == (result.text, result.kind, result.bom)
