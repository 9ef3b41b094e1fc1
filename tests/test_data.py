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


def test_the_package_loads_no_pickle_marshal_or_eval() -> None:
    """Everything prism-lint loads is data: no module of the package may
    unpickle, unmarshal or evaluate, whatever file it was handed."""
    import re

    root = Path(data.__file__).parent
    banned = re.compile(r"\b(pickle|marshal|shelve)\b|\b(eval|exec)\s*\(")
    offenders = []
    for path in sorted(root.rglob("*.py")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("#", 1)[0]
            if banned.search(code):
                offenders.append(f"{path.relative_to(root)}:{number}: {line.strip()}")
    assert offenders == []
    assert not list(data.rules_dir().rglob("*.pickle"))
