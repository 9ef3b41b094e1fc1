"""Settings from ``[tool.prism-lint]`` in pyproject.toml or ``prism-lint.toml``.

The closest configuration file to a linted file wins, as in ruff. Unknown
keys and bad values are errors that name the file, the key and what would be
accepted: a silently ignored setting is worse than a failed run.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from prism_lint.analysis import TASKS
from prism_lint.reading import inside, project_root, read_file
from prism_lint.rules import catalogue

CONFIG_FILES = ("prism-lint.toml", ".prism-lint.toml", "pyproject.toml")

DEFAULT_EXCLUDE = (
    ".git",
    ".hg",
    ".svn",
    ".bzr",
    ".venv",
    "venv",
    ".env",
    "env",
    ".tox",
    ".nox",
    ".mypy_cache",
    ".ruff_cache",
    ".pytest_cache",
    ".prism_lint_cache",
    "__pycache__",
    "__pypackages__",
    "node_modules",
    "site-packages",
    "build",
    "dist",
    "_build",
    ".eggs",
    "*.egg-info",
    ".ipynb_checkpoints",
    ".direnv",
    ".idea",
    ".vscode",
)

DEFAULT_REASONING_MODELS = (
    "o1",
    "o1-*",
    "o3",
    "o3-*",
    "o4-*",
    "*/o1*",
    "*/o3*",
    "*/o4-*",
    "deepseek-reasoner",
    "*deepseek-r1*",
    "*deepseek-reasoner*",
    "*r1-distill*",
    "*qwq*",
    "*qwen3*-thinking*",
    "*-thinking",
    "*magistral*",
    "*phi-4-reasoning*",
)

FIX_STRATEGIES = ("strip", "gate")


class ConfigError(Exception):
    """A configuration problem the user must fix; reported with exit code 2."""


@dataclass(frozen=True)
class Settings:
    """Every option of a configuration, resolved: what one file is checked with."""

    select: tuple[str, ...] | None = None  # None: the default rule set
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    include: tuple[str, ...] = ()  # extra globs of files to read as prompts
    exclude: tuple[str, ...] = DEFAULT_EXCLUDE
    extend_exclude: tuple[str, ...] = ()
    respect_gitignore: bool = True
    max_file_size: int = 2 * 1024 * 1024
    call_sites: tuple[tuple[str, str], ...] = ()  # ("mypkg.ask", "system")
    prompt_names: tuple[str, ...] = ()
    extra_experts: tuple[str, ...] = ()
    extra_roles: tuple[str, ...] = ()
    extra_task_words: tuple[tuple[str, tuple[str, ...]], ...] = ()
    reasoning_models: tuple[str, ...] = DEFAULT_REASONING_MODELS
    extend_reasoning_models: tuple[str, ...] = ()
    long_persona_words: int = 50
    # Persona-on-task findings whose inferred task is less certain than this
    # are not reported (`prompts` still lists them with their confidence).
    min_confidence: float = 0.2
    gate_variable: str = "persona_enabled"
    fix_strategy: tuple[tuple[str, str], ...] = ()  # (code prefix, "strip"|"gate")
    unsafe_fixes: bool = False
    extend_safe_fixes: tuple[str, ...] = ()
    extend_unsafe_fixes: tuple[str, ...] = ()  # safe fixes of these rules count as unsafe
    unfixable: tuple[str, ...] = ()  # these rules' fixes are never offered
    cache_dir: str = ".prism_lint_cache"
    force_select: tuple[str, ...] = ()  # --select/--extend-select: win over the config's ignore
    source: str = ""  # the file these came from, for messages
    root: str = ""  # the folder of the configuration file: the project's root

    def strategy_for(self, code: str) -> str:
        best = ("", "strip")
        for prefix, strategy in self.fix_strategy:
            if code.startswith(prefix) and len(prefix) > len(best[0]):
                best = (prefix, strategy)
        return best[1]

    def fingerprint(self) -> str:
        """Stable text that changes whenever a setting that affects results does."""
        found = self.__dict__.get("_fingerprint")
        if found is None:  # asked once per file by the cache: worked out once
            found = repr(replace(self, source="", root=""))
            object.__setattr__(self, "_fingerprint", found)
        return found


_STR_LIST = "a list of strings"

# TOML key -> (Settings field, description of the expected value)
_KEYS: dict[str, tuple[str, str]] = {
    "select": ("select", _STR_LIST),
    "extend-select": ("extend_select", _STR_LIST),
    "ignore": ("ignore", _STR_LIST),
    "per-file-ignores": ("per_file_ignores", "a table of glob = [codes]"),
    "include": ("include", _STR_LIST),
    "exclude": ("exclude", _STR_LIST),
    "extend-exclude": ("extend_exclude", _STR_LIST),
    "respect-gitignore": ("respect_gitignore", "true or false"),
    "max-file-size": ("max_file_size", "a positive number of bytes"),
    "call-sites": ("call_sites", 'a table of "module.function" = "system"|"user"|...'),
    "prompt-names": ("prompt_names", _STR_LIST),
    "extra-experts": ("extra_experts", _STR_LIST),
    "extra-roles": ("extra_roles", _STR_LIST),
    "extra-task-words": ("extra_task_words", "a table of category = [words]"),
    "reasoning-models": ("reasoning_models", _STR_LIST),
    "extend-reasoning-models": ("extend_reasoning_models", _STR_LIST),
    "long-persona-words": ("long_persona_words", "a positive integer"),
    "min-confidence": ("min_confidence", "a number from 0 to 1"),
    "gate-variable": ("gate_variable", "an identifier"),
    "fix-strategy": ("fix_strategy", 'a table of rule code (or prefix) = "strip"|"gate"'),
    "unsafe-fixes": ("unsafe_fixes", "true or false"),
    "extend-safe-fixes": ("extend_safe_fixes", _STR_LIST),
    "extend-unsafe-fixes": ("extend_unsafe_fixes", _STR_LIST),
    "unfixable": ("unfixable", _STR_LIST),
    "extend": ("", "a path to a configuration file inside the project"),
    "cache-dir": ("cache_dir", "a path"),
}


def _close(word: str, known: Any) -> list[str]:
    """The known name closest to a misspelt one (an error message's hint)."""
    import difflib

    return difflib.get_close_matches(word, list(known), n=1)


def _fail(source: str, key: str, expected: str, value: Any) -> ConfigError:
    return ConfigError(f"{source}: `{key}` must be {expected}, got {value!r}")


def _str_list(source: str, key: str, value: Any) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, list):
        raise _fail(source, key, _STR_LIST, value)
    if not all(isinstance(v, str) for v in value):
        raise _fail(source, key, _STR_LIST, value)
    return tuple(value)


def _bool(source: str, key: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise _fail(source, key, "true or false", value)
    return value


def _positive_int(source: str, key: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise _fail(source, key, "a positive integer", value)
    return value


def _selector(text: str) -> str:
    text = text.strip()
    return text.upper() if text.upper().startswith("PRS") or text.upper() == "ALL" else text.lower()


def _check_codes(source: str, key: str, codes: tuple[str, ...]) -> None:
    """Every selector names a rule (a code, a prefix of codes, or a name);
    the error quotes the selector as the user wrote it."""

    known = catalogue()
    for written in codes:
        code = _selector(written)
        if code == "ALL":
            continue
        if not any(c.startswith(code) or known[c].name == code for c in known):
            close = _close(code, known)
            hint = f" (did you mean {close[0]}?)" if close else ""
            raise ConfigError(f"{source}: `{key}` names unknown rule {written.strip()!r}{hint}")


def parse_table(table: dict[str, Any], source: str, base: Settings | None = None) -> Settings:
    """Validate a ``[tool.prism-lint]`` table into Settings."""
    if not isinstance(table, dict):
        raise ConfigError(f"{source}: [tool.prism-lint] must be a table")
    values: dict[str, Any] = {}
    for key, value in table.items():
        if key not in _KEYS:
            close = _close(key, _KEYS)
            hint = f"; did you mean `{close[0]}`?" if close else ""
            raise ConfigError(
                f"{source}: unknown key `{key}` in [tool.prism-lint]{hint} "
                f"(known keys: {', '.join(sorted(_KEYS))})"
            )
        name, expected = _KEYS[key]
        if not name:
            raise ConfigError(f"{source}: `{key}` is only read from a configuration file")
        if name in (
            "select",
            "extend_select",
            "ignore",
            "extend_safe_fixes",
            "extend_unsafe_fixes",
            "unfixable",
        ):
            # codes are upper case; rule names ("expert-persona-code-task") stay as written
            written = _str_list(source, key, value)
            _check_codes(source, key, written)
            values[name] = tuple(_selector(c) for c in written)
        elif name in (
            "include",
            "exclude",
            "extend_exclude",
            "prompt_names",
            "extra_experts",
            "extra_roles",
            "reasoning_models",
            "extend_reasoning_models",
        ):
            values[name] = _str_list(source, key, value)
        elif name in ("respect_gitignore", "unsafe_fixes"):
            values[name] = _bool(source, key, value)
        elif name == "min_confidence":
            if (
                isinstance(value, bool)
                or not isinstance(value, (int, float))
                or not (0 <= value <= 1)
            ):
                raise _fail(source, key, expected, value)
            values[name] = float(value)
        elif name in ("max_file_size", "long_persona_words"):
            values[name] = _positive_int(source, key, value)
        elif name in ("gate_variable", "cache_dir"):
            if not isinstance(value, str) or not value:
                raise _fail(source, key, expected, value)
            if name == "gate_variable" and not value.isidentifier():
                raise _fail(source, key, expected, value)
            if name == "cache_dir":
                _check_inside(source, key, value)
            values[name] = value
        elif name == "per_file_ignores":
            if not isinstance(value, dict):
                raise _fail(source, key, expected, value)
            pairs = []
            for glob, codes in value.items():
                written = _str_list(source, f"{key}.{glob}", codes)
                _check_codes(source, key, written)
                pairs.append((glob, tuple(c.upper() for c in written)))
            values[name] = tuple(pairs)
        elif name == "call_sites":
            if not isinstance(value, dict):
                raise _fail(source, key, expected, value)
            roles = ("system", "developer", "user", "assistant", "unknown")
            for fn, role in value.items():
                if role not in roles:
                    raise _fail(source, f"{key}.{fn}", f"one of {', '.join(roles)}", role)
            values[name] = tuple(value.items())
        elif name == "extra_task_words":
            if not isinstance(value, dict):
                raise _fail(source, key, expected, value)
            pairs = []
            for cat, words in value.items():
                if cat not in TASKS:
                    raise _fail(
                        source, f"{key}.{cat}", f"a task category ({', '.join(TASKS)})", cat
                    )
                pairs.append((cat, _str_list(source, f"{key}.{cat}", words)))
            values[name] = tuple(pairs)
        elif name == "fix_strategy":
            if not isinstance(value, dict):
                raise _fail(source, key, expected, value)
            for code, strategy in value.items():
                if strategy not in FIX_STRATEGIES:
                    raise _fail(source, f"{key}.{code}", '"strip" or "gate"', strategy)
                _check_codes(source, key, (code,))
            values[name] = tuple((c.upper(), s) for c, s in value.items())
    return replace(base or Settings(), source=source, **values)


def _load_toml(path: Path) -> dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on 3.10 only
        import tomli as tomllib
    try:
        return tomllib.loads(_read_config(path).decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not valid UTF-8 (byte {exc.start})") from exc
    except OSError as exc:
        reason = getattr(exc, "reason", None) or exc.strerror or str(exc)
        raise ConfigError(f"{path}: cannot read: {reason}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from exc
    except RecursionError:
        raise ConfigError(f"{path}: invalid TOML: nested too deeply") from None


MAX_CONFIG_SIZE = 1024 * 1024


def _read_config(path: Path) -> bytes:
    """A configuration file's bytes: a regular file of at most 1 MiB, through
    a link only into its project (see :mod:`prism_lint.reading`)."""

    return read_file(str(path), lambda: project_root(str(path)), MAX_CONFIG_SIZE)


def table_in(path: Path) -> dict[str, Any] | None:
    """The prism-lint table of a config file; None for a pyproject without one.

    A ``pyproject.toml`` that never names prism-lint is not read as TOML: it
    is someone else's file (often a template that is not valid TOML yet),
    and a tree holds many."""
    if path.name == "pyproject.toml":
        try:
            raw = _read_config(path)
        except FileNotFoundError:
            return None
        except OSError as exc:  # unreadable, a link out of the project: never silently ignored
            reason = getattr(exc, "reason", None) or exc.strerror or str(exc)
            raise ConfigError(f"{path}: cannot read: {reason}") from exc
        if b"prism-lint" not in raw:
            return None
    data = _load_toml(path)
    if path.name == "pyproject.toml":
        tool = data.get("tool", {})
        table = tool.get("prism-lint") if isinstance(tool, dict) else None
        return table if table is not None else None
    return data.get("tool", {}).get("prism-lint", data) if "tool" in data else data


MAX_EXTEND = 8  # configurations in one ``extend`` chain


def load_file(path: Path) -> Settings | None:
    """The settings of a configuration file, with those it ``extend``s
    beneath them; None for a pyproject.toml without a prism-lint table."""
    return _load_chain(path, ())


def _load_chain(path: Path, chain: tuple[str, ...]) -> Settings | None:
    table = table_in(path)
    if table is None:
        if chain:
            raise ConfigError(
                f"{chain[-1]}: `extend` names {path}, which has no [tool.prism-lint] table"
            )
        return None
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.prism-lint] must be a table")
    base = None
    if "extend" in table:
        target = extend_target(path, table["extend"], chain)
        base = _load_chain(target, (*chain, os.path.realpath(path)))
        if base is not None and base.per_file_ignores:
            # the base's globs stay relative to the base's own directory
            home = os.path.dirname(str(target))
            base = replace(
                base,
                per_file_ignores=tuple(
                    (os.path.join(home, g) if "/" in g and not os.path.isabs(g) else g, codes)
                    for g, codes in base.per_file_ignores
                ),
            )
        table = {k: v for k, v in table.items() if k != "extend"}
    return replace(parse_table(table, str(path), base=base), root=str(path.parent))


def extend_target(path: Path, value: Any, chain: tuple[str, ...]) -> Path:
    """The file ``extend = value`` in ``path`` names, once it is shown to be
    safe to read: a configuration is written by strangers, so it may only
    point at a TOML file inside its own project, relative to itself, in a
    chain of at most :data:`MAX_EXTEND` files without a cycle."""
    where = f"{path}: `extend`"
    if not isinstance(value, str) or not value.strip() or "\0" in value:
        raise ConfigError(f"{where} must be a relative path to a configuration file, got {value!r}")
    if (
        os.path.isabs(value)
        or value.startswith(("~", "/", "\\"))
        or (len(value) > 1 and value[1] == ":")
    ):
        raise ConfigError(f"{where} must be relative to the file, got {value!r}")
    if not value.endswith(".toml"):
        raise ConfigError(f"{where} must name a .toml file, got {value!r}")
    if len(chain) + 1 >= MAX_EXTEND:
        raise ConfigError(f"{where}: more than {MAX_EXTEND} configurations extend each other")

    here = os.path.realpath(path)
    target = os.path.realpath(os.path.join(os.path.dirname(here), value))
    root = project_root(here)
    if not inside(target, root):
        raise ConfigError(f"{where} names {value!r}, outside the project ({root})")
    if target in (*chain, here):
        names = " -> ".join((*chain, here, target))
        raise ConfigError(f"{where}: configurations extend each other in a cycle: {names}")
    if not os.path.isfile(target):
        raise ConfigError(f"{where} names {value!r}: no such file")
    return Path(target)


def _check_inside(source: str, key: str, value: str) -> None:
    """A path a configuration names must stay inside its project: a
    configuration is written by whoever wrote the tree, and the cache folder
    is written to and removed."""
    normal = os.path.normpath(value.replace("\\", "/"))
    if (
        os.path.isabs(normal)
        or value.startswith("~")
        or normal == "."
        or normal.split(os.sep)[0] == ".."
        or (len(value) > 1 and value[1] == ":")
    ):
        raise ConfigError(
            f"{source}: `{key}` must name a folder inside the project, relative to the "
            f"configuration file (got {value!r})"
        )


def parse_override(text: str) -> dict[str, Any]:
    """``--config "key = value"`` overrides, in TOML."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"--config {text!r}: not a file and not valid TOML: {exc}") from exc


@dataclass
class Resolver:
    """Finds the closest configuration for each directory, once."""

    forced: Settings | None = None  # --config FILE
    overrides: dict[str, Any] = field(default_factory=dict)  # --config "k = v"
    isolated: bool = False  # --isolated: no configuration file is read
    # Command-line options that change discovery (--exclude, ...), applied to
    # every configuration found.
    cli: Any = None
    _by_dir: dict[str, Settings] = field(default_factory=dict)
    _by_file: dict[str, Settings | None] = field(default_factory=dict)
    # (directory as given, working directory) -> settings: a walk asks for
    # every file, and most share their directory with the file before
    _by_given: dict[tuple[str, str], Settings] = field(default_factory=dict)

    def for_path(self, path: str | os.PathLike[str]) -> Settings:
        if self.forced is not None:
            if self.cli is not None and "forced" not in self._by_dir:
                self._by_dir["forced"] = self.cli(self.forced)
            return self._by_dir.get("forced", self.forced)
        key = (os.path.dirname(path), os.getcwd())
        found = self._by_given.get(key)
        if found is None:
            found = self._by_given[key] = self.for_dir(os.path.dirname(os.path.abspath(path)))
        return found

    def for_dir(self, directory: str, names: frozenset[str] | None = None) -> Settings:
        """The settings for files in ``directory``; ``names``, the directory's
        entries when the caller has listed them, saves looking for each
        configuration file name. A folder with no configuration takes its
        parent's, overrides and all; the folders are looked through upwards
        in a loop, so a file however deep is no recursion."""
        cached = self._by_dir.get(directory)
        if cached is not None:
            return cached
        if self.forced is not None:
            return self.for_path(os.path.join(directory, "x"))
        below: list[str] = []  # folders that take the settings found above them
        current, listed = directory, names
        while True:
            cached = self._by_dir.get(current)
            if cached is not None:
                found = cached
                break
            own = self._configured(current, listed)
            parent = os.path.dirname(current)
            if own is not None or parent == current or self.isolated:
                found = self._by_dir[current] = self._applied(own or Settings())
                break
            below.append(current)
            current, listed = parent, None
        for folder in below:
            self._by_dir[folder] = found
        return found

    def _configured(self, directory: str, names: frozenset[str] | None) -> Settings | None:
        """The settings of the configuration file in ``directory``, if any."""
        for name in () if self.isolated else CONFIG_FILES:
            if names is not None and name not in names:
                continue
            candidate = os.path.join(directory, name)
            if os.path.isfile(candidate):
                if candidate not in self._by_file:
                    self._by_file[candidate] = load_file(Path(candidate))
                found = self._by_file[candidate]
                if found is not None:
                    return found
        return None

    def _applied(self, found: Settings) -> Settings:
        """A configuration with the command line's overrides and options."""
        if self.overrides:
            found = parse_table(self.overrides, "--config", base=found)
        if self.cli is not None:
            found = self.cli(found)
        return found


def settings_fields() -> list[str]:
    return [f.name for f in fields(Settings)]
