"""JavaScript/TypeScript call sites that carry prompts, read from
``rules/call_sites_javascript.toml`` (the data, with its keys explained).

JavaScript SDKs take one options object, so a site names the properties of
that object that hold prompt text, and their shape. A callee is matched by
the dotted suffix of what is called (``chat.completions.create`` matches
``openai.chat.completions.create`` and ``this.client.chat.completions.create``);
the longest matching suffix wins.

Shapes: ``text`` (a string), ``messages`` (an array of ``{role, content}``,
``["system", "..."]`` pairs or message objects), ``input`` (a string for the
given role, or a messages array), ``blocks`` (a string or an array of text
blocks, joined), ``contents`` (Gemini contents), ``config`` (an object with
``systemInstruction``), ``instructions`` (a string or a function returning one).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from prism_lint.data import load_toml
from prism_lint.extract.shared.sites import names_regex, suffix_matches


@dataclass(frozen=True)
class Arg:
    key: str | None  # property of the options object; None: the argument itself
    pos: int = 0  # position of the argument (or of the options object)
    shape: str = "text"
    role: str = "unknown"
    label: str = ""


@dataclass(frozen=True)
class Site:
    library: str
    callees: tuple[str, ...]
    args: tuple[Arg, ...] = ()
    kind: str = "call"  # call | message
    new: bool | None = None  # True: only `new X(...)`; False: only calls; None: either
    role: str = "unknown"  # message sites: the role they stand for
    role_key: str | None = None  # message sites: property giving the role
    content_pos: int = 0  # message sites: the argument holding text or options
    content_keys: tuple[str, ...] = ("content",)
    syntax: str | None = None  # template syntax of the text (LangChain: format)
    imports: tuple[str, ...] = ()  # applies only when a module with this prefix is imported
    agent: bool = False  # builds an agent: its runs are linked to it


CATALOGUE_FILE = "call_sites_javascript.toml"
SHAPES = frozenset({"text", "messages", "input", "blocks", "contents", "config", "instructions"})
ROLES = frozenset({"system", "developer", "user", "assistant", "unknown"})
KINDS = frozenset({"call", "message"})
_SITE_KEYS = frozenset(
    {
        "library",
        "callee",
        "args",
        "kind",
        "new",
        "role",
        "role_key",
        "content_pos",
        "content_keys",
        "syntax",
        "imports",
        "agent",
    }
)
_ARG_KEYS = frozenset({"key", "pos", "shape", "role", "label"})


def _strings(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"{CATALOGUE_FILE}: {where} must be a list of strings")
    return tuple(value)


def _arg(raw: Any, where: str) -> Arg:
    if not isinstance(raw, dict) or set(raw) - _ARG_KEYS:
        raise ValueError(f"{CATALOGUE_FILE}: bad argument {raw!r} in {where}")
    key, pos = raw.get("key"), raw.get("pos", 0)
    shape, role, label = raw.get("shape", "text"), raw.get("role", "unknown"), raw.get("label", "")
    if (
        (key is not None and not isinstance(key, str))
        or isinstance(pos, bool)
        or not isinstance(pos, int)
        or shape not in SHAPES
        or role not in ROLES
        or not isinstance(label, str)
    ):
        raise ValueError(f"{CATALOGUE_FILE}: bad argument {raw!r} in {where}")
    return Arg(key, pos, shape, role, label)


def _site(raw: Any) -> Site:
    """One ``[[site]]`` table, checked: a typo fails loudly, not silently."""
    if not isinstance(raw, dict) or "callee" not in raw:
        raise ValueError(f"{CATALOGUE_FILE}: a site needs a callee: {raw!r}")
    where = f"site {raw['callee']!r}"
    unknown = set(raw) - _SITE_KEYS
    if unknown:
        raise ValueError(f"{CATALOGUE_FILE}: unknown keys {sorted(unknown)} in {where}")
    kind, role = raw.get("kind", "call"), raw.get("role", "unknown")
    new, agent = raw.get("new"), raw.get("agent", False)
    content_pos = raw.get("content_pos", 0)
    optional = (raw.get("library", ""), raw.get("role_key"), raw.get("syntax"))
    if (
        kind not in KINDS
        or role not in ROLES
        or new not in (None, True, False)
        or not isinstance(agent, bool)
        or isinstance(content_pos, bool)
        or not isinstance(content_pos, int)
        or not all(v is None or isinstance(v, str) for v in optional)
    ):
        raise ValueError(f"{CATALOGUE_FILE}: bad kind, role or flag in {where}")
    args = raw.get("args", [])
    if not isinstance(args, list):
        raise ValueError(f"{CATALOGUE_FILE}: args of {where} must be a list")
    return Site(
        library=raw.get("library", ""),
        callees=_strings(raw["callee"], f"callee of {where}"),
        args=tuple(_arg(a, where) for a in args),
        kind=kind,
        new=new,
        role=role,
        role_key=raw.get("role_key"),
        content_pos=content_pos,
        content_keys=_strings(raw.get("content_keys", ["content"]), f"content_keys of {where}"),
        syntax=raw.get("syntax"),
        imports=_strings(raw.get("imports", []), f"imports of {where}"),
        agent=agent,
    )


def _mapping(value: Any, where: str) -> dict[str, str]:
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise ValueError(f"{CATALOGUE_FILE}: {where} must map names to strings")
    return dict(value)


_TABLE = load_toml(CATALOGUE_FILE)
_GENERIC = _TABLE.get("generic", {})
_NAMES = _TABLE.get("names", {})

# Properties that carry a prompt on any call (wrappers, unknown libraries).
GENERIC_KEYS = _mapping(_GENERIC.get("keys", {}), "[generic.keys]")
for _role in GENERIC_KEYS.values():
    if _role not in ROLES:
        raise ValueError(f"{CATALOGUE_FILE}: unknown role {_role!r} in [generic.keys]")
# Calls whose `prompt`/`system` properties are not LLM prompts.
GENERIC_EXCLUDE = frozenset(_strings(_GENERIC.get("exclude", []), "generic.exclude"))
MODEL_KEYS = _strings(_GENERIC.get("model_keys", []), "generic.model_keys")
RESPONSE_FORMAT_KEYS = _strings(
    _GENERIC.get("response_format_keys", []), "generic.response_format_keys"
)
TOOLS_KEYS = _strings(_GENERIC.get("tools_keys", []), "generic.tools_keys")
# Content part types that send an image, audio or a file beside the text.
MEDIA_PARTS = _mapping(_GENERIC.get("media_parts", {}), "[generic.media_parts]")
# Module specifiers and the library label they stand for (longest first).
LIBRARIES = tuple(
    sorted(_mapping(_TABLE.get("libraries", {}), "[libraries]").items(), key=lambda kv: -len(kv[0]))
)


def library_of(module: str) -> str | None:
    for root, label in LIBRARIES:
        if module == root or module.startswith(root + "/"):
            return label
    return None


# Names whose string value is probably a prompt (fnmatch, case-insensitive).
NAME_PATTERNS = _strings(_NAMES.get("patterns", []), "names.patterns")
SYSTEM_NAME_PATTERNS = _strings(_NAMES.get("system", []), "names.system")
USER_NAME_PATTERNS = _strings(_NAMES.get("user", []), "names.user")


@dataclass
class Catalogue:
    by_last: dict[str, list[tuple[tuple[str, ...], Site]]]
    prompt_name: re.Pattern[str]
    system_name: re.Pattern[str]
    user_name: re.Pattern[str]

    def candidates(self, parts: tuple[str, ...]) -> list[tuple[int, Site]]:
        """Sites whose callee is a suffix of ``parts``, as (suffix length, site)."""
        return suffix_matches(self.by_last, parts)


@lru_cache(maxsize=1)
def load_catalogue() -> Catalogue:
    by_last: dict[str, list[tuple[tuple[str, ...], Site]]] = {}
    sites = _TABLE.get("site", [])
    if not isinstance(sites, list):
        raise ValueError(f"{CATALOGUE_FILE}: [[site]] must be an array of tables")
    for site in map(_site, sites):
        for callee in site.callees:
            parts = tuple(callee.split("."))
            by_last.setdefault(parts[-1], []).append((parts, site))
    return Catalogue(
        by_last,
        names_regex(NAME_PATTERNS),
        names_regex(SYSTEM_NAME_PATTERNS),
        names_regex(USER_NAME_PATTERNS),
    )
