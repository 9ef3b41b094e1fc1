"""The shipped rules/ data: the JSON copy is current and never overrides an edit."""

from __future__ import annotations

from pathlib import Path

import pytest

import prism_lint.data as data


def test_compiled_copy_is_current() -> None:
    path = data.rules_dir() / data.COMPILED
    assert path.read_text(encoding="utf-8") == data.compiled_text(), (
        "rules/ changed: run `python scripts/gen_compiled_data.py`"
    )


@pytest.mark.parametrize("relative", sorted(
    p.relative_to(data.rules_dir()).as_posix() for p in data.rules_dir().rglob("*.toml")))
def test_every_table_reads_as_its_toml(relative: str) -> None:
    raw = (data.rules_dir() / relative).read_bytes()
    assert data.load_toml(relative) == data.parse_toml(raw)


def test_a_table_is_a_fresh_copy_each_time() -> None:
    first = data.load_toml("vocabulary/en.toml")
    first.clear()
    assert data.load_toml("vocabulary/en.toml")


def test_an_edited_toml_file_wins_over_the_copy(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "vocabulary").mkdir()
    (tmp_path / "catalogue.toml").write_text('title = "old"\n', encoding="utf-8")
    monkeypatch.setattr(data, "rules_dir", lambda: tmp_path)
    data._compiled.cache_clear()
    try:
        # the copy is what is read while its file is unchanged ...
        index, _table = data.compiled_text().splitlines()
        (tmp_path / data.COMPILED).write_text(f'{index}\n{{"title": "copy"}}\n',
                                              encoding="utf-8")
        data._compiled.cache_clear()
        assert data.load_toml("catalogue.toml") == {"title": "copy"}
        # ... and not once the file is edited
        (tmp_path / "catalogue.toml").write_text('title = "new"\n', encoding="utf-8")
        assert data.load_toml("catalogue.toml") == {"title": "new"}
        (tmp_path / data.COMPILED).write_text("not json\n", encoding="utf-8")
        data._compiled.cache_clear()
        assert data.load_toml("catalogue.toml") == {"title": "new"}
    finally:
        data._compiled.cache_clear()


def _plain(value: object, depth: int = 0) -> object:
    """A value as nested lists and dicts with sets sorted, so two builds of
    the vocabulary compare equal (set order differs from process to process)."""
    import dataclasses

    from prism_lint.analysis.vocabulary import Language, LazyPattern

    if isinstance(value, Language) and depth > 2:
        return value.code  # indexes refer back to the languages
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name), depth + 1)
                for f in dataclasses.fields(value)}
    if isinstance(value, LazyPattern):
        return ["pattern", value.source, value.flags]
    if isinstance(value, dict):
        return sorted((repr(k), _plain(v, depth + 1)) for k, v in value.items())
    if isinstance(value, (set, frozenset)):
        return sorted(repr(_plain(v, depth + 1)) for v in value)
    if isinstance(value, (list, tuple)):
        return [_plain(v, depth + 1) for v in value]
    return value


def test_prebuilt_vocabulary_is_current() -> None:
    import pickle
    import zlib

    from prism_lint.analysis import vocabulary as vocab

    raw = (data.rules_dir() / vocab.PREBUILT).read_bytes()
    hint = "rules/vocabulary or its builder changed: run `python scripts/gen_compiled_data.py`"
    assert raw[:64].decode() == vocab.sources_digest(), hint
    shipped = pickle.loads(zlib.decompress(raw[64:]))
    assert _plain(shipped) == _plain(vocab._build(vocab.NO_EXTRAS)), hint
    assert vocab._prebuilt() is not None


def test_a_stale_or_damaged_prebuilt_vocabulary_is_not_used(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from prism_lint.analysis import vocabulary as vocab

    real = data.rules_dir()
    for name in ("vocabulary", "catalogue.toml"):
        target = tmp_path / name
        target.symlink_to(real / name)
    monkeypatch.setattr(data, "rules_dir", lambda: tmp_path)
    good = (real / vocab.PREBUILT).read_bytes()
    assert vocab._prebuilt() is None  # absent
    (tmp_path / vocab.PREBUILT).write_bytes(good)
    assert vocab._prebuilt() is not None
    (tmp_path / vocab.PREBUILT).write_bytes(("0" * 64).encode() + good[64:])
    assert vocab._prebuilt() is None  # made from other sources
    (tmp_path / vocab.PREBUILT).write_bytes(good[:200])
    assert vocab._prebuilt() is None  # cut short
