"""Settings an editor passes to the server, and how they meet the config files.

They arrive as ``initializationOptions`` (``{"settings": {...}}``, or the
settings object itself) and as the ``prismLint`` section of
``workspace/configuration``. Rule selection and ``unsafeFixes`` override the
project's ``pyproject.toml``/``prism-lint.toml`` unless
``configurationPreference`` says otherwise, as in ruff's server.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from prism_lint.config import ConfigError, Settings, _check_codes

SECTION = "prismLint"
PREFERENCES = ("editorFirst", "filesystemFirst", "editorOnly")
RUN_MODES = ("onType", "onSave")


@dataclass(frozen=True)
class EditorSettings:
    enable: bool = True
    select: tuple[str, ...] | None = None
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    unsafe_fixes: bool | None = None
    fix_all: bool = True
    fix_violation: bool = True  # quick fixes from the rules' fixes
    disable_rule_comment: bool = True  # the "ignore this finding" action
    run: str = "onType"
    configuration: str | None = None  # a config file that replaces discovery
    preference: str = "editorFirst"
    # no wait by default: the edits that arrive while a lint runs are merged
    # into one more lint, which coalesces a burst without delaying a keystroke
    debounce_ms: int = 0
    problems: list[str] = field(default_factory=list, compare=False)

    @property
    def overrides_rules(self) -> bool:
        return bool(
            self.select is not None
            or self.extend_select
            or self.ignore
            or self.unsafe_fixes is not None
        )

    def apply(self, settings: Settings) -> Settings:
        """The project's settings with the editor's on top (or underneath)."""
        if self.preference == "editorOnly":
            settings = Settings(source="editor settings")
        elif self.preference == "filesystemFirst" and settings.source:
            return settings
        changes: dict[str, Any] = {}
        if self.select is not None:
            changes["select"] = self.select
        if self.extend_select:
            changes["extend_select"] = (*settings.extend_select, *self.extend_select)
        if self.ignore:
            changes["ignore"] = (*settings.ignore, *self.ignore)
        if self.unsafe_fixes is not None:
            changes["unsafe_fixes"] = self.unsafe_fixes
        return replace(settings, **changes) if changes else settings


def unwrap(options: Any) -> dict[str, Any]:
    """The settings object inside ``initializationOptions``, whatever the wrapping."""
    if not isinstance(options, dict):
        return {}
    for key in ("settings", "globalSettings", SECTION):
        inner = options.get(key)
        if isinstance(inner, dict):
            return inner
    return options


def _get(raw: dict[str, Any], *keys: str) -> Any:
    """First of ``keys`` present; dotted keys look into nested objects too."""
    for key in keys:
        if key in raw:
            return raw[key]
        node: Any = raw
        for part in key.split("."):
            if not isinstance(node, dict) or part not in node:
                break
            node = node[part]
        else:
            return node
    return None


def parse(raw: Any, base: EditorSettings | None = None) -> EditorSettings:
    """Validate editor settings; bad values are reported and left out."""
    raw = unwrap(raw)
    base = base or EditorSettings()
    problems: list[str] = []
    changes: dict[str, Any] = {}

    def codes(value: Any, key: str) -> tuple[str, ...] | None:
        if isinstance(value, str):
            value = [v for v in value.replace(",", " ").split() if v]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            problems.append(f"`{key}` must be a list of rule codes, got {value!r}")
            return None
        out = tuple(v.strip().upper() for v in value if v.strip())
        try:
            _check_codes("editor settings", key, out)
        except ConfigError as exc:
            problems.append(str(exc))
            return None
        return out

    def flag(value: Any, key: str) -> bool | None:
        if isinstance(value, bool):
            return value
        problems.append(f"`{key}` must be true or false, got {value!r}")
        return None

    for key, name in (
        ("select", "select"),
        ("extendSelect", "extend_select"),
        ("ignore", "ignore"),
    ):
        value = _get(raw, key, f"lint.{key}")
        if value is not None:
            parsed = codes(value, key)
            if parsed is not None:
                changes[name] = parsed
    for key, name, aliases in (
        ("enable", "enable", ("lint.enable",)),
        ("unsafeFixes", "unsafe_fixes", ()),
        ("fixAll", "fix_all", ()),
        ("codeAction.fixViolation.enable", "fix_violation", ()),
        ("codeAction.disableRuleComment.enable", "disable_rule_comment", ()),
    ):
        value = _get(raw, key, *aliases)
        if value is not None:
            parsed_flag = flag(value, key)
            if parsed_flag is not None:
                changes[name] = parsed_flag
    run = _get(raw, "run", "lint.run")
    if run is not None:
        if run in RUN_MODES:
            changes["run"] = run
        else:
            problems.append(f"`run` must be one of {', '.join(RUN_MODES)}, got {run!r}")
    pref = _get(raw, "configurationPreference")
    if pref is not None:
        if pref in PREFERENCES:
            changes["preference"] = pref
        else:
            problems.append(
                f"`configurationPreference` must be one of {', '.join(PREFERENCES)}, got {pref!r}"
            )
    conf = _get(raw, "configuration")
    if conf is not None:
        if isinstance(conf, str) and conf:
            changes["configuration"] = conf
        else:
            problems.append(f"`configuration` must be a path to a config file, got {conf!r}")
    debounce = _get(raw, "debounce", "lint.debounce")
    if debounce is not None:
        if isinstance(debounce, int) and not isinstance(debounce, bool) and debounce >= 0:
            changes["debounce_ms"] = debounce
        else:
            problems.append(f"`debounce` must be a number of milliseconds, got {debounce!r}")
    return replace(base, problems=problems, **changes)
