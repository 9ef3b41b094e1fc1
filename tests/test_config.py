from __future__ import annotations

import os
from pathlib import Path

import pytest

from prism_lint.config import ConfigError, Resolver, parse_table


def test_valid_table() -> None:
    s = parse_table(
        {
            "select": ["PRS1"],
            "ignore": ["PRS104"],
            "long-persona-words": 30,
            "fix-strategy": {"PRS101": "gate"},
            "gate-variable": "use_persona",
            "per-file-ignores": {"tests/*": ["PRS1"]},
        },
        "pyproject.toml",
    )
    assert s.select == ("PRS1",) and s.ignore == ("PRS104",)
    assert s.long_persona_words == 30
    assert s.strategy_for("PRS101") == "gate" and s.strategy_for("PRS102") == "strip"


@pytest.mark.parametrize(
    ("table", "needle"),
    [
        ({"selcet": ["PRS1"]}, "did you mean `select`"),
        ({"select": "PRS101"}, "must be a list of strings"),
        ({"select": ["PRS999"]}, "unknown rule 'PRS999'"),
        ({"long-persona-words": -3}, "positive integer"),
        ({"respect-gitignore": "yes"}, "true or false"),
        ({"fix-strategy": {"PRS101": "delete"}}, '"strip" or "gate"'),
        ({"gate-variable": "not valid"}, "identifier"),
        ({"call-sites": {"mypkg.ask": "boss"}}, "one of system"),
        ({"extra-task-words": {"poetry": ["x"]}}, "task category"),
    ],
)
def test_bad_values_are_clear_errors(table: dict, needle: str) -> None:  # type: ignore[type-arg]
    with pytest.raises(ConfigError) as exc:
        parse_table(table, "pyproject.toml")
    assert needle in str(exc.value) and "pyproject.toml" in str(exc.value)


def test_closest_config_wins(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.prism-lint]\nignore = ["PRS101"]\n')
    sub = tmp_path / "pkg" / "prompts"
    sub.mkdir(parents=True)
    (tmp_path / "pkg" / "prism-lint.toml").write_text('ignore = ["PRS102"]\n')
    r = Resolver()
    assert r.for_path(str(sub / "a.md")).ignore == ("PRS102",)
    assert r.for_path(str(tmp_path / "b.md")).ignore == ("PRS101",)


def test_pyproject_without_table_is_skipped(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.prism-lint]\nignore = ["PRS101"]\n')
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "pyproject.toml").write_text('[project]\nname = "x"\n')
    assert Resolver().for_path(str(sub / "a.py")).ignore == ("PRS101",)


def test_someone_elses_unfinished_pyproject_is_not_read(tmp_path: Path) -> None:
    """A project template's pyproject.toml is often not TOML yet ({{ name }})."""
    sub = tmp_path / "templates"
    sub.mkdir()
    (sub / "pyproject.toml").write_text("[project]\nname = {{ name }}\n")
    assert Resolver().for_path(str(sub / "a.py")).ignore == ()
    (sub / "pyproject.toml").write_text("[tool.prism-lint]\nignore = [\n")
    with pytest.raises(ConfigError, match="invalid TOML"):
        Resolver().for_path(str(sub / "b.py"))


def test_invalid_toml_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "prism-lint.toml").write_text("select = [\n")
    with pytest.raises(ConfigError, match="invalid TOML"):
        Resolver().for_path(str(tmp_path / "a.py"))


def test_extra_vocabulary_reaches_the_analysis(tmp_path: Path) -> None:
    from prism_lint.config import Settings
    from prism_lint.engine import check_source

    def codes(text: str, settings: Settings) -> list[str]:
        return [
            d.code for d in check_source("prompts/a.md", text, settings, named=True).diagnostics
        ]

    text = "You are a query whisperer. Write the SQL query for weekly signups.\n"
    assert codes(text, Settings()) == []
    assert codes(text, Settings(extra_experts=("query whisperer",))) == ["PRS101"]

    text = "You are a data wrangler. Tidy up the quarterly spreadsheets.\n"
    assert codes(text, Settings(extra_experts=("data wrangler",))) != ["PRS101"]
    assert codes(
        text,
        Settings(extra_experts=("data wrangler",), extra_task_words=(("code", ("spreadsheets",)),)),
    ) == ["PRS101"]

    # a program called "debugger" rather than a person who debugs
    text = "You are a debugger. Step through this Python function and find the bug.\n"
    assert codes(text, Settings()) == ["PRS101"]
    assert codes(text, Settings(extra_roles=("debugger",))) == []


def test_project_expert_words_reach_a_walked_run(tmp_path: Path) -> None:
    """A persona known only through extra-experts is found when the file is
    found by a walk too, after other files have loaded the shared words."""
    from prism_lint.discovery import discover
    from prism_lint.runner import check_targets

    (tmp_path / "prism-lint.toml").write_text('extra-experts = ["zorblaxologist"]\n')
    for i in range(20):
        (tmp_path / f"m{i:02d}.py").write_text(f"X = {i}\n")
    (tmp_path / "z_app.py").write_text(
        "from openai import OpenAI\n"
        'SYSTEM = "You are a zorblaxologist. Write a Python function that sorts a list."\n'
        'OpenAI().chat.completions.create(model="gpt-4o", '
        'messages=[{"role": "system", "content": SYSTEM}])\n'
    )
    resolver = Resolver()
    found = {
        os.path.basename(t.path): [d.code for d in r.diagnostics]
        for t, r in check_targets(
            discover([str(tmp_path)], resolver), resolver, lambda s: s, use_cache=False
        )
    }
    assert found["z_app.py"] == ["PRS101"]
