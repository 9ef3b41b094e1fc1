"""A wrapper in a module the first pass leaves out is learned from that module,
read because a checked module sends a persona through it."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from prism_lint.config import Resolver, Settings
from prism_lint.discovery import Target, discover
from prism_lint.extract.python.flow import Table
from prism_lint.imported import ModuleIndex, learn_modules, wanted
from prism_lint.prefilter import worth_checking
from prism_lint.runner import check_targets

# No persona word anywhere: the first pass leaves this module out.
_LLM = """from openai import OpenAI

client = OpenAI()


def ask(system, question, model="gpt-4o"):
    return client.chat.completions.create(
        model=model,
        messages=[{"role": "system", "content": system},
                  {"role": "user", "content": question}],
    )
"""

# The same module once ``ask`` only logs what it is given: no wrapper.
_LLM_FIXED = """import logging


def ask(system, question, model="gpt-4o"):
    logging.getLogger(__name__).debug("%s %s %s", system, question, model)
"""

_APP = """from llm import ask

ask("You are an expert mathematician.", "What is 17 times 23?", model="o3-mini")
"""

_PERSONA = "You are an expert mathematician."


def _run(root: Path, cache: bool = False) -> dict[str, list]:
    resolver = Resolver(forced=Settings())
    return {
        os.path.relpath(t.path, root): r.diagnostics
        for t, r in check_targets(
            discover([str(root)], resolver), resolver, lambda s: s, use_cache=cache
        )
    }


def _codes(found: dict[str, list], path: str) -> list[str]:
    return sorted(d.code for d in found[path])


def test_the_wrapper_module_has_no_persona_cue() -> None:
    assert not worth_checking(_LLM.encode(), Settings())
    assert not worth_checking(_LLM_FIXED.encode(), Settings())
    assert worth_checking(_APP.encode(), Settings())


def test_a_persona_sent_through_a_left_out_modules_wrapper_keeps_role_and_model(
    tmp_path: Path,
) -> None:
    (tmp_path / "llm.py").write_text(_LLM, encoding="utf-8")
    (tmp_path / "app.py").write_text(_APP, encoding="utf-8")
    found = _run(tmp_path)
    assert found["llm.py"] == []
    assert _codes(found, "app.py") == ["PRS102", "PRS105"]
    for d in found["app.py"]:
        assert _APP[d.start : d.end] == _PERSONA
        assert d.details["role"] == "system"
        assert d.details["model"] == "o3-mini"
        assert d.details["call"] == "ask"
        assert d.details["request"] == "What is 17 times 23?"


@pytest.mark.parametrize(
    ("layout", "caller"),
    [
        # a package, imported relatively
        (
            {"pkg/__init__.py": "", "pkg/llm.py": _LLM},
            ("pkg/app.py", _APP.replace("from llm import ask", "from .llm import ask")),
        ),
        (
            {"pkg/__init__.py": "", "pkg/llm.py": _LLM},
            (
                "pkg/app.py",
                _APP.replace("from llm import ask", "from . import llm").replace(
                    "\nask(", "\nllm.ask("
                ),
            ),
        ),
        # a module imported whole, by its package's name
        (
            {"src/proj/__init__.py": "", "src/proj/llm.py": _LLM},
            (
                "src/proj/app.py",
                _APP.replace("from llm import ask", "import proj.llm").replace(
                    "\nask(", "\nproj.llm.ask("
                ),
            ),
        ),
        (
            {"src/proj/__init__.py": "", "src/proj/core/llm.py": _LLM},
            (
                "src/proj/app.py",
                _APP.replace("from llm import ask", "from proj.core.llm import ask"),
            ),
        ),
    ],
)
def test_the_import_forms_reach_the_wrapper(
    tmp_path: Path, layout: dict[str, str], caller: tuple[str, str]
) -> None:
    for rel, text in {**layout, caller[0]: caller[1]}.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
    found = _run(tmp_path)
    assert _codes(found, os.path.normpath(caller[0])) == ["PRS102", "PRS105"]


def test_a_package_of_the_same_name_elsewhere_is_not_the_wrapper(tmp_path: Path) -> None:
    # ``ask`` comes from a module the run does not hold: nothing is learned
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "llm.py").write_text(_LLM, encoding="utf-8")
    (tmp_path / "app.py").write_text(
        _APP.replace("from llm import", "from otherpkg import"), encoding="utf-8"
    )
    found = _run(tmp_path)
    assert "PRS105" not in _codes(found, "app.py")


def test_a_warm_run_reads_the_wrapper_module_again_only_when_it_changes(
    tmp_path: Path, monkeypatch
) -> None:
    import prism_lint.imported as imported

    monkeypatch.setenv("PRISM_LINT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr("prism_lint.runner.CACHE_THRESHOLD", 0)
    read: list[str] = []
    monkeypatch.setattr(
        imported,
        "learn_modules",
        lambda items: (read.extend(p for p, _k in items), learn_modules(items))[1],
    )
    root = tmp_path / "tree"
    root.mkdir()
    llm = root / "llm.py"
    llm.write_text(_LLM, encoding="utf-8")
    (root / "app.py").write_text(_APP, encoding="utf-8")
    assert _codes(_run(root, cache=True), "app.py") == ["PRS102", "PRS105"]
    assert [os.path.basename(p) for p in read] == ["llm.py"]
    read.clear()
    assert _codes(_run(root, cache=True), "app.py") == ["PRS102", "PRS105"]  # served warm
    assert read == [], "an unchanged module was read again"
    llm.write_text(_LLM_FIXED, encoding="utf-8")  # only the wrapper's module changes
    assert _codes(_run(root, cache=True), "app.py") == []
    assert [os.path.basename(p) for p in read] == ["llm.py"]
    assert _codes(_run(root, cache=True), "app.py") == []
    llm.write_text(_LLM, encoding="utf-8")
    assert _codes(_run(root, cache=True), "app.py") == ["PRS102", "PRS105"]
    llm.unlink()  # gone: the caller reads alone again
    warm = _run(root, cache=True)
    assert "PRS105" not in _codes(warm, "app.py")
    assert warm == _run(root)


def test_a_cached_result_gets_the_table_a_later_run_reads(tmp_path: Path, monkeypatch) -> None:
    """The wrapper module was cached before any module sent a persona through
    it; once one does, its table is read and kept with its cached result."""
    import prism_lint.imported as imported

    monkeypatch.setenv("PRISM_LINT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr("prism_lint.runner.CACHE_THRESHOLD", 0)
    read: list[str] = []
    monkeypatch.setattr(
        imported,
        "learn_modules",
        lambda items: (read.extend(p for p, _k in items), learn_modules(items))[1],
    )
    root = tmp_path / "tree"
    root.mkdir()
    (root / "llm.py").write_text(_LLM, encoding="utf-8")
    _run(root, cache=True)
    (root / "app.py").write_text(_APP, encoding="utf-8")
    assert _codes(_run(root, cache=True), "app.py") == ["PRS102", "PRS105"]
    assert len(read) == 1
    assert _codes(_run(root, cache=True), "app.py") == ["PRS102", "PRS105"]
    assert len(read) == 1, "the table read was not kept with the cached result"


@pytest.mark.parametrize("modules", [24, 3])
def test_a_pool_learns_the_left_out_modules_as_one_process_does(
    tmp_path: Path, monkeypatch, modules: int
) -> None:
    """However few the modules to read for their definitions (3 are fewer
    than a chunk), a pool's workers read them and the run reports what one
    process does."""
    import prism_lint.runner as runner

    # (a name more than a few modules define says not which one is meant)
    for i in range(modules):
        (tmp_path / f"llm{i:02d}.py").write_text(
            _LLM.replace("def ask(", f"def ask{i}("), encoding="utf-8"
        )
        (tmp_path / f"app{i:02d}.py").write_text(
            _APP.replace("ask", f"ask{i}").replace("from llm import", f"from llm{i:02d} import"),
            encoding="utf-8",
        )
    serial = {p: [d.code for d in ds] for p, ds in _run(tmp_path).items()}
    assert [serial[f"app{i:02d}.py"] for i in range(modules)] == [["PRS102", "PRS105"]] * modules
    monkeypatch.setattr(runner, "POOL_THRESHOLD", 4)
    monkeypatch.setattr(runner, "workers", lambda: 2)
    assert {p: [d.code for d in ds] for p, ds in _run(tmp_path).items()} == serial


_TS_LLM = """import OpenAI from "openai";

const openai = new OpenAI();

export async function ask(system: string, user: string, model = "gpt-4o") {
  return openai.chat.completions.create({
    model,
    messages: [{ role: "system", content: system }, { role: "user", content: user }],
  });
}
"""

_TS_APP = """import { ask } from "../lib/llm.js";

export async function GET() {
  return ask("You are an expert mathematician.", "What is 17 times 23?", "o3-mini");
}
"""


def test_a_typescript_wrapper_in_a_left_out_module_is_learned(tmp_path: Path) -> None:
    assert not worth_checking(_TS_LLM.encode(), Settings(), kind="javascript")
    (tmp_path / "lib").mkdir()
    (tmp_path / "app").mkdir()
    (tmp_path / "lib" / "llm.ts").write_text(_TS_LLM, encoding="utf-8")
    (tmp_path / "app" / "route.ts").write_text(_TS_APP, encoding="utf-8")
    found = _run(tmp_path)
    diags = found[os.path.join("app", "route.ts")]
    assert sorted(d.code for d in diags) == ["PRS102", "PRS105"]
    for d in diags:
        assert d.details["role"] == "system"
        assert d.details["model"] == "o3-mini"
        assert _TS_APP[d.start : d.end] == _PERSONA


def _targets(*paths: str) -> list[Target]:
    return [Target(p, "python" if p.endswith(".py") else "javascript", False) for p in paths]


def test_the_index_finds_modules_by_their_trailing_parts() -> None:
    index = ModuleIndex(
        _targets(
            "a/pkg/__init__.py",
            "a/pkg/llm.py",
            "b/llm.py",
            "c/d/llm.py",
            "web/lib/llm.ts",
            "web/lib/chat/index.ts",
            "x.txt",
        )
    )
    assert index.resolve("a/pkg/app.py", ".llm.ask") == ["a/pkg/llm.py"]
    assert index.resolve("a/pkg/app.py", "..llm.ask") == ["a/pkg/llm.py"]  # from . import llm
    assert index.resolve("a/pkg/app.py", "pkg.llm.ask") == ["a/pkg/llm.py"]
    assert index.resolve("a/pkg/app.py", "pkg.ask") == ["a/pkg/__init__.py"]
    # one name, several modules: the nearest ones
    assert index.resolve("c/d/e/app.py", "llm.ask") == ["c/d/llm.py", "a/pkg/llm.py"]
    assert index.resolve("a/app.py", "os.path.join") == []
    assert index.resolve("a/app.py", "llm") == []  # a bare module name calls nothing
    assert index.resolve("web/app/route.ts", "js:../lib/llm") == ["web/lib/llm.ts"]
    assert index.resolve("web/app/route.ts", "js:../lib/llm.js") == ["web/lib/llm.ts"]
    assert index.resolve("web/app/route.ts", "js:../lib/chat") == ["web/lib/chat/index.ts"]
    assert index.resolve("web/app/route.ts", "js:@/lib/llm") == ["web/lib/llm.ts"]
    assert index.resolve("web/app/route.ts", "js:openai") == []


def test_only_modules_not_checked_in_full_are_wanted() -> None:
    index = ModuleIndex(_targets("llm.py", "prompts.py", "app.py"))
    app = Table(imports=frozenset({"llm.ask", "prompts.build"}))
    assert wanted(index, [("app.py", app)], {"app.py"}) == ["llm.py", "prompts.py"]
    assert wanted(index, [("app.py", app)], {"app.py", "prompts.py"}) == ["llm.py"]


def test_learning_reads_regular_files_only(tmp_path: Path) -> None:
    (tmp_path / "llm.py").write_text(_LLM, encoding="utf-8")
    (tmp_path / "big.py").write_text("x = 1\n" * 200_000, encoding="utf-8")
    (tmp_path / "bad.py").write_bytes(b"\xff\xfe\x00broken")
    ((_learned, table, read), (_b, big, _r), (_c, bad, _s), (_d, missing, none)) = learn_modules(
        [
            (str(tmp_path / "llm.py"), "python"),
            (str(tmp_path / "big.py"), "python"),
            (str(tmp_path / "bad.py"), "python"),
            (str(tmp_path / "gone.py"), "python"),
        ]
    )
    assert table is not None and table.definitions_only and "ask" in table.wrappers
    assert table.wrappers["ask"].model == "model"
    assert read is not None and read[0] == len(_LLM)
    assert big is None and bad is None and missing is None and none is None


# Wrappers that take their prompts in one options dict, object or ``**kwargs``;
# no persona word in the module.
_LLM_OPTIONS = """from openai import OpenAI

client = OpenAI()


def ask(opts):
    return client.chat.completions.create(
        model=opts.get("model", "gpt-4o"),
        messages=[{"role": "system", "content": opts["system"]},
                  {"role": "user", "content": opts["user"]}],
    )


def ask_request(request):
    return client.chat.completions.create(
        model=request.model,
        messages=[{"role": "system", "content": request.system},
                  {"role": "user", "content": request.user}],
    )


def send(**kwargs):
    return client.chat.completions.create(**kwargs)
"""


def test_the_keys_an_options_wrapper_passes_on_are_learned() -> None:
    from prism_lint.extract.python.project import learn_text

    found = learn_text("llm.py", _LLM_OPTIONS, None)
    assert found is not None
    w = found[0].wrappers
    assert w["ask"].params == ("opts",)
    assert w["ask"].roles == (("opts.system", "system"), ("opts.user", "user"))
    assert w["ask"].model == "opts.model"
    assert w["ask"].keyed("opts") and not w["ask"].keyed("op")
    assert w["ask_request"].roles == (("request.system", "system"), ("request.user", "user"))
    assert w["ask_request"].model == "request.model"
    assert w["send"].spread == "kwargs"
    assert w["send"].role_of("kwargs.messages") == "messages"
    assert w["send"].model == "kwargs.model"
    assert w["send"].library == "openai"


@pytest.mark.parametrize(
    "call",
    [
        'ask({"system": "You are an expert mathematician.", "user": "What is 17 times 23?", '
        '"model": "o3-mini"})',
        'ask(dict(system="You are an expert mathematician.", user="What is 17 times 23?", '
        'model="o3-mini"))',
        'ask_request(SimpleNamespace(system="You are an expert mathematician.", '
        'user="What is 17 times 23?", model="o3-mini"))',
        'send(model="o3-mini", messages=[{"role": "system", "content": '
        '"You are an expert mathematician."}, '
        '{"role": "user", "content": "What is 17 times 23?"}])',
    ],
)
def test_a_persona_in_an_options_argument_keeps_role_model_and_request(
    tmp_path: Path, call: str
) -> None:
    app = f"from types import SimpleNamespace\n\nfrom llm import ask, ask_request, send\n\n{call}\n"
    (tmp_path / "llm.py").write_text(_LLM_OPTIONS, encoding="utf-8")
    (tmp_path / "app.py").write_text(app, encoding="utf-8")
    assert not worth_checking(_LLM_OPTIONS.encode(), Settings())
    found = _run(tmp_path)
    assert _codes(found, "app.py") == ["PRS102", "PRS105"]
    for d in found["app.py"]:
        assert app[d.start : d.end] == _PERSONA
        assert d.details["role"] == "system"
        assert d.details["model"] == "o3-mini"
        assert d.details["request"] == "What is 17 times 23?"


def test_the_request_in_an_options_argument_is_read_with_the_persona(tmp_path: Path) -> None:
    # not a math task once the request is read: the persona alone said it was
    (tmp_path / "llm.py").write_text(_LLM_OPTIONS, encoding="utf-8")
    (tmp_path / "app.py").write_text(
        'from llm import ask\n\nask({"system": "You are an expert mathematician.", '
        '"user": "Write a limerick about a cat who loves naps."})\n',
        encoding="utf-8",
    )
    assert "PRS102" not in _codes(_run(tmp_path), "app.py")


_TS_OPTIONS = """import OpenAI from "openai";

const openai = new OpenAI();

export async function ask({ system, user: question, model = "gpt-4o" }: Options) {
  return openai.chat.completions.create({
    model,
    messages: [{ role: "system", content: system }, { role: "user", content: question }],
  });
}

export async function askWith(opts: Options) {
  return openai.chat.completions.create({
    model: opts.model,
    messages: [{ role: "system", content: opts.system }, { role: "user", content: opts.user }],
  });
}
"""


@pytest.mark.parametrize("callee", ["ask", "askWith"])
def test_a_typescript_options_wrapper_of_a_left_out_module(tmp_path: Path, callee: str) -> None:
    app = (
        f'import {{ {callee} }} from "@/lib/llm";\n\nexport async function GET() {{\n'
        f'  return {callee}({{ system: "You are an expert mathematician.", '
        f'user: "What is 17 times 23?", model: "o3-mini" }});\n}}\n'
    )
    assert not worth_checking(_TS_OPTIONS.encode(), Settings(), kind="javascript")
    (tmp_path / "src" / "lib").mkdir(parents=True)
    (tmp_path / "src" / "app").mkdir()
    (tmp_path / "src" / "lib" / "llm.ts").write_text(_TS_OPTIONS, encoding="utf-8")
    (tmp_path / "src" / "app" / "route.ts").write_text(app, encoding="utf-8")
    diags = _run(tmp_path)[os.path.join("src", "app", "route.ts")]
    assert sorted(d.code for d in diags) == ["PRS102", "PRS105"]
    for d in diags:
        assert app[d.start : d.end] == _PERSONA
        assert d.details["role"] == "system"
        assert d.details["model"] == "o3-mini"
        assert d.details["request"] == "What is 17 times 23?"


def test_javascript_specifiers_carry_the_javascript_prefix() -> None:
    from prism_lint import imported
    from prism_lint.extract.javascript import flow

    assert imported.JS == flow.JS


# A constant of any name in a module the first pass keeps, sent by a module it
# leaves out (no persona word there). Its text does not open with the persona:
# one that does is a prompt by its text alone, sent or not (the last test).
_CONSTS = 'REFLECTION = "Solve the equation step by step. You are an expert mathematician."\n'
_SENDER = """from openai import OpenAI

from consts import REFLECTION

client = OpenAI()


def solve(question):
    return client.chat.completions.create(
        model="gpt-4o",
        messages=[{"role": "system", "content": REFLECTION},
                  {"role": "user", "content": question}],
    )
"""
_NOT_SENDING = """from consts import REFLECTION

print(len(REFLECTION), "prompt characters")
"""


def test_a_constant_sent_by_a_left_out_module_is_read_as_its_prompt(tmp_path: Path) -> None:
    """``check`` reports what ``prompts`` finds: the module that sends the
    constant is read for its definitions, so the constant is a system prompt."""
    from prism_lint.commands.prompts import _all_rows

    assert not worth_checking(_SENDER.encode(), Settings())
    (tmp_path / "consts.py").write_text(_CONSTS, encoding="utf-8")
    (tmp_path / "send.py").write_text(_SENDER, encoding="utf-8")
    found = _run(tmp_path)
    (d,) = found["consts.py"]
    assert d.code == "PRS102"
    assert d.details["role"] == "system"
    assert _CONSTS[d.start : d.end] == _PERSONA
    targets = list(discover([str(tmp_path)], Resolver(forced=Settings())))
    rows = _all_rows(targets, [Settings()] * len(targets))
    assert [
        (os.path.basename(r["path"]), r["location"]["column"] - 1, r["role"]) for r in rows
    ] == [("consts.py", _CONSTS.index('"') + 1, "system")]


def test_a_constant_no_module_sends_stays_unread(tmp_path: Path) -> None:
    (tmp_path / "consts.py").write_text(_CONSTS, encoding="utf-8")
    (tmp_path / "show.py").write_text(_NOT_SENDING, encoding="utf-8")
    assert _run(tmp_path)["consts.py"] == []


def test_a_constant_that_opens_with_a_persona_is_a_prompt_by_its_text(tmp_path: Path) -> None:
    """No module need send it: a text that opens by telling the model who it
    is says what it is for (:mod:`prism_lint.extract.shared.opening`)."""
    (tmp_path / "consts.py").write_text(
        'REFLECTION = "You are an expert mathematician. Solve the equation step by step."\n',
        encoding="utf-8",
    )
    (tmp_path / "show.py").write_text(_NOT_SENDING, encoding="utf-8")
    assert _codes(_run(tmp_path), "consts.py") == ["PRS102"]


def test_a_warm_run_follows_the_sender_of_a_constant(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("PRISM_LINT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr("prism_lint.runner.CACHE_THRESHOLD", 0)
    root = tmp_path / "tree"
    root.mkdir()
    (root / "consts.py").write_text(_CONSTS, encoding="utf-8")
    sender = root / "send.py"
    sender.write_text(_SENDER, encoding="utf-8")
    assert _codes(_run(root, cache=True), "consts.py") == ["PRS102"]
    assert _codes(_run(root, cache=True), "consts.py") == ["PRS102"]  # served warm
    # only the sender changes: it logs the constant and no longer sends it
    sender.write_text(
        _SENDER.replace('"content": REFLECTION', '"content": "Solve it."')
        + "\nprint(REFLECTION)\n",
        encoding="utf-8",
    )
    assert _codes(_run(root, cache=True), "consts.py") == []
    sender.write_text(_SENDER, encoding="utf-8")
    assert _codes(_run(root, cache=True), "consts.py") == ["PRS102"]
    assert _run(root, cache=True) == _run(root)


def test_imported_constants_are_read_from_a_modules_imports() -> None:
    from prism_lint.imported import imported_constants

    text = (
        b"from app.texts import SYSTEM, helper as h\n"
        b"from .rules import (\n    RULES,\n    Other,\n    MAX_TRIES,\n)\n"
        b"import os\nfrom x import y\n\nclient.create(messages=[SYSTEM])\n"
    )
    assert imported_constants(text) == {"app.texts.SYSTEM", ".rules.RULES", ".rules.MAX_TRIES"}
    # a module that sends nothing a prompt holds is not read further
    assert imported_constants(text.replace(b"messages", b"payload")) == frozenset()
    # a bound on what one module records
    many = b"from a import " + b", ".join(b"NAME%d" % i for i in range(100)) + b"\nprompt\n"
    assert len(imported_constants(many)) == 32


def test_an_import_after_a_from_inside_a_line_is_still_read() -> None:
    """``from`` inside a line starts no statement, and what a match there runs
    over (up to its closing parenthesis) may hold one that does."""
    from prism_lint.imported import imported_constants

    text = b"x = 1; from a import (\nfrom b import SYSTEM)\nprompt = SYSTEM\n"
    assert imported_constants(text) == {"b.SYSTEM"}


# What "a statement at a line's start" means, written the plain way.
_AT_LINE_START = re.compile(
    rb"^from[ \t]+([\w.]+)[ \t]+import[ \t]*(?:\(([^)]{0,2000})\)|([^\n]*))", re.MULTILINE
)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                b"from ",
                b"from a import ",
                b"(",
                b")",
                b"\n",
                b"X_Y",
                b"ABC, ",
                b" ",
                b"z",
                b"import ",
            ]
        ),
        max_size=40,
    ).map(b"".join)
)
def test_from_imports_are_those_at_a_line_start(data: bytes) -> None:
    from prism_lint.imported import _HEAD, _from_imports

    found = [m.span() for m in _from_imports(data)]
    assert found == [m.span() for m in _AT_LINE_START.finditer(data, 0, _HEAD)]


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=4000) | st.text(max_size=2000).map(lambda t: t.encode("utf-8")))
def test_imported_constants_never_fails_on_any_bytes(data: bytes) -> None:
    from prism_lint.imported import imported_constants

    found = imported_constants(b"messages\nfrom m import (" + data)
    assert len(found) <= 32
    # each is a module and one of the constant names it imports
    assert all(re.fullmatch(r"[\w.]+\.[A-Z][A-Z0-9_]{2,}", spec) for spec in found)


def test_only_a_check_learns_the_modules_a_persona_is_sent_to() -> None:
    """The run reads those modules for a check's findings; the inventory,
    which reads every module that may hold a prompt, leaves them unlearned."""
    from prism_lint.engine import check_source

    checked = check_source("app.py", _APP, Settings(), named=True)
    listed = check_source("app.py", _APP, Settings(), named=True, inventory=True, fixes=False)
    assert checked.learned is not None and checked.learned.imports == frozenset({"llm.ask"})
    assert listed.learned is not None and listed.learned.imports == frozenset()
    assert listed.learned.called == checked.learned.called


def test_a_second_reading_takes_the_imports_the_first_learned(monkeypatch) -> None:
    """The imports a module sends a persona to do not depend on the project's
    table, so a second reading of a kept parse (the runner's, with the table)
    takes them instead of walking every call's arguments again; another set
    of the project's words reads them anew."""
    from prism_lint.analysis import vocabulary
    from prism_lint.engine import check_source
    from prism_lint.extract.python import flow
    from prism_lint.extract.python.source import keep_sources

    walked = []
    original = flow._Learner._sends_persona
    monkeypatch.setattr(
        flow._Learner, "_sends_persona", lambda self, call: walked.append(1) or original(self, call)
    )
    keep_sources(1_000_000)
    try:
        first = check_source("app.py", _APP, Settings(), named=True)
        assert walked and first.learned is not None
        assert first.learned.imports == frozenset({"llm.ask"})
        count = len(walked)
        # read again with a project's table, the module is learned again
        flow.set_project(Table(wrappers={}, sinks={"unrelated": "system"}))
        try:
            again = check_source("app.py", _APP, Settings(), named=True)
        finally:
            flow.set_project(None)
        assert len(walked) == count  # nothing walked again
        assert again.learned is not None and again.learned.imports == first.learned.imports
        assert again.diagnostics == first.diagnostics
        # read alone again, the module's whole table is kept with its parse
        alone = check_source("app.py", _APP, Settings(), named=True)
        assert len(walked) == count and alone.learned is first.learned
        # the project's own words may make another call a persona's: read anew
        words = Settings(extra_experts=("zorblaxer",))
        other = check_source("app.py", _APP, words, named=True)
        assert len(walked) > count
        assert other.learned is not None and other.learned.imports == first.learned.imports
    finally:
        keep_sources(0)
        vocabulary.use_extras(vocabulary.NO_EXTRAS)


_TWO_ROUNDS = """from openai import OpenAI
from helpers import shout

client = OpenAI()


def ask(system):
    return client.chat.completions.create(
        model="gpt-4o", messages=[{"role": "system", "content": system}]
    )


def outer(text):
    return ask(text)


shout("You are an expert mathematician.")
"""


def test_a_calls_arguments_are_read_for_a_persona_once(monkeypatch) -> None:
    """A module with a wrapper of its own wrapper is read over twice for its
    wrappers; which project function a persona is sent to is learned the
    first time, and each call's arguments are worked out once."""
    from prism_lint.engine import check_source
    from prism_lint.extract.python import flow

    seen: list[str] = []
    sends = flow._Learner._sends_persona

    def counted(self, call):  # type: ignore[no-untyped-def]
        seen.append(self.f.src.text(call))
        return sends(self, call)

    monkeypatch.setattr(flow._Learner, "_sends_persona", counted)
    learned = check_source("app.py", _TWO_ROUNDS, Settings(), named=True).learned
    assert learned is not None
    assert set(learned.wrappers) == {"ask", "outer"}  # the second reading found outer
    assert learned.imports == frozenset({"helpers.shout"})
    assert seen == ["OpenAI()", 'shout("You are an expert mathematician.")']


_SENDS_BY_NAME = """from helpers import shout, tone

PERSONA = "You are an expert mathematician."


def relay(text, style):
    shout(text, style=tone, role=style)


relay(PERSONA, "plain")
tone(PERSONA)
"""


def _learned_imports(text: str, persona_cue: bool) -> frozenset[str]:
    from prism_lint.analysis.cues import sends_persona
    from prism_lint.extract import ExtractOptions, extractor
    from prism_lint.model import Document

    options = ExtractOptions(persona_cue=sends_persona if persona_cue else None)
    learned = extractor("python")(Document("app.py", text), options).learned
    assert learned is not None
    return frozenset(learned.imports)


def test_a_persona_is_followed_through_a_name_the_module_assigns() -> None:
    """``tone(PERSONA)``: the constant's text is sent. ``shout(text, style=tone,
    role=style)`` sends parameters, an imported name and keywords' names,
    which the module gives no text: holes, no persona, however the keyword
    is called."""
    assert _learned_imports(_SENDS_BY_NAME, persona_cue=True) == frozenset({"helpers.tone"})


def test_without_a_persona_test_every_imported_callee_counts() -> None:
    """With no persona test (``ExtractOptions.persona_cue`` unset) a call whose
    arguments are holes only is still taken to send one: a module more is
    read, never one less."""
    assert _learned_imports(_SENDS_BY_NAME, persona_cue=False) == frozenset(
        {"helpers.tone", "helpers.shout"}
    )


def test_holes_alone_hold_no_persona_cue() -> None:
    """The persona-flow test skips calls whose arguments read as holes only:
    that holds while no cue can match the hole character."""
    from prism_lint.analysis.cues import sends_persona
    from prism_lint.model import HOLE

    assert not sends_persona("\n".join([HOLE] * 4))
    assert not sends_persona(HOLE)
