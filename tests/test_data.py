"""The shipped rules/ data: read as its TOML says, with a JSON copy that
never outlives an edit and is never trusted blindly."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import prism_lint.data as data

TABLES = sorted(
    p.relative_to(data.rules_dir()).as_posix() for p in data.rules_dir().rglob("*.toml")
)


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A data folder of one table, with its own cache of copies."""
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "catalogue.toml").write_text('title = "old"\n', encoding="utf-8")
    monkeypatch.setattr(data, "rules_dir", lambda: tmp_path / "rules")
    monkeypatch.setenv("PRISM_LINT_DATA_CACHE", str(tmp_path / "cache"))
    return tmp_path


@pytest.mark.parametrize("relative", TABLES)
def test_every_table_reads_as_its_toml(relative: str) -> None:
    raw = (data.rules_dir() / relative).read_bytes()
    first = data.load_toml(relative)  # parsed, and its copy kept
    assert first == data.parse_toml(raw)
    assert data.load_toml(relative) == first  # read from the copy


def test_a_table_is_a_fresh_copy_each_time() -> None:
    first = data.load_toml("vocabulary/en.toml")
    first.clear()
    assert data.load_toml("vocabulary/en.toml")


def test_the_copy_is_made_once_and_read_after(folder: Path) -> None:
    assert data.load_toml("catalogue.toml") == {"title": "old"}
    copies = list((folder / "cache").glob("*.json"))
    assert len(copies) == 1
    copy = json.loads(copies[0].read_text(encoding="utf-8"))
    copy["table"] = {"title": "copy"}
    copies[0].write_text(json.dumps(copy), encoding="utf-8")
    assert data.load_toml("catalogue.toml") == {"title": "copy"}  # the copy, not the TOML


def test_an_edited_toml_file_is_read_at_once(folder: Path) -> None:
    """Editing the TOML is the whole change: no step regenerates anything."""
    assert data.load_toml("catalogue.toml") == {"title": "old"}
    (folder / "rules" / "catalogue.toml").write_text('title = "new"\n', encoding="utf-8")
    assert data.load_toml("catalogue.toml") == {"title": "new"}
    assert len(list((folder / "cache").glob("*.json"))) == 2


@pytest.mark.parametrize(
    "content",
    [
        "not json",
        "[1, 2]",
        '{"format": 1, "sha256": "0", "table": {"title": "x"}}',
        '{"format": 99, "sha256": "DIGEST", "table": {"title": "x"}}',
        '{"format": 1, "sha256": "DIGEST", "table": ["x"]}',
        "{" * 100_000,
    ],
)
def test_a_damaged_or_foreign_copy_is_ignored_and_made_again(folder: Path, content: str) -> None:
    data.load_toml("catalogue.toml")
    (copy,) = (folder / "cache").glob("*.json")
    copy.write_text(content.replace("DIGEST", copy.stem), encoding="utf-8")
    assert data.load_toml("catalogue.toml") == {"title": "old"}
    assert json.loads(copy.read_text(encoding="utf-8"))["table"] == {"title": "old"}


def test_an_unwritable_cache_costs_nothing_but_time(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (folder / "cache").write_text("a file where the folder should be", encoding="utf-8")
    assert data.load_toml("catalogue.toml") == {"title": "old"}
    monkeypatch.setenv("PRISM_LINT_DATA_CACHE", "")  # no cache at all
    assert data.cache_dir() is None
    assert data.load_toml("catalogue.toml") == {"title": "old"}


def test_no_generated_copy_is_kept_with_the_sources() -> None:
    """The data folder holds what people write: TOML and its notes."""
    assert {p.suffix for p in data.rules_dir().rglob("*") if p.is_file()} <= {".toml", ".md"}


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


def test_a_wheel_ships_the_data_under_its_own_name_beside_the_rules() -> None:
    """The wheel puts rules/ where rules_dir() looks first, named as in the
    source tree, and no data file takes the place of a rule module there."""
    root = Path(data.__file__).resolve().parent.parent  # the tests run from the source tree
    project = data.parse_toml((root / "pyproject.toml").read_bytes())
    mapping = project["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]
    assert mapping == {"rules": "prism_lint/rules"}
    shipped = {p.relative_to(root / "rules") for p in (root / "rules").rglob("*") if p.is_file()}
    code = {
        p.relative_to(root / "prism_lint" / "rules")
        for p in (root / "prism_lint" / "rules").rglob("*")
        if p.is_file()
    }
    assert shipped and not shipped & code


def test_compounding_anchors_belong_to_a_compounding_language() -> None:
    from prism_lint.analysis.vocabulary import vocabulary
    from prism_lint.data import load_toml

    table = load_toml("vocabulary/first_pass.toml")
    assert set(table["compounding"]) <= set(table["anchors"])
    suffixing = [lang.code for lang in vocabulary().languages if lang.compounds == "suffix"]
    assert suffixing == ["de"]
    assert all(lang.compounds in ("", "suffix", "prefix") for lang in vocabulary().languages)


def test_request_patterns_start_only_where_one_of_their_words_is() -> None:
    from prism_lint.analysis.vocabulary import _leading_words, _word_forms

    assert _word_forms(r"analy[sz]e\s+the") == {"analyse", "analyze"}
    assert _word_forms(r"questions?\s+about") == {"question", "questions"}
    assert _word_forms(r"fix(?:es)?\s+to") == {"fix", "fixes"}
    assert _word_forms(r"analy[sz]e\w*") is None  # not a finite set of words
    assert _leading_words(r"(?:changes?|patch(?:es)?)\s+to") == {
        "change",
        "changes",
        "patch",
        "patches",
    }
