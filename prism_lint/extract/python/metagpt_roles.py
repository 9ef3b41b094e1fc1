"""MetaGPT roles: the system prompt a ``Role`` subclass's fields make.

MetaGPT sends every call of a role's actions with the role's prefix as the
system message, built from the class's fields: "You are a {profile}, named
{name}, your goal is {goal}. " and "the constraint is {constraints}. "
(``Role._get_prefix``). A role written as a subclass (``class
SimpleCoder(Role): profile: str = "SimpleCoder"``) thus casts the model as
its profile for the prompts of the actions it sets
(``self.set_actions([SimpleWriteCode])``) and of its own methods. No string
of the module says "You are": the prefix is read here, the actions'
prompts are joined to it as an agent's runs are (:meth:`SiteFinder.runs`).

A profile is a class name as often as a title ("SimpleCoder",
"QaEngineer", "SEOExpert"): one written in CamelCase is read as its words.
A role that sets ``desc`` sends that instead; an ``_aask`` given its own
``system_msgs`` sends those instead of the prefix.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from prism_lint.extract.python.source import Node, Source
from prism_lint.extract.python.strings import DEC, LIT, SEP, Seg, Segs

LIBRARY = ("metagpt",)
# The fields of the prefix, in the order MetaGPT writes them, with the glue
# before each.
PREFIX = (
    ("You are a ", "profile"),
    (", named ", "name"),
    (", your goal is ", "goal"),
    (". the constraint is ", "constraints"),
)
_SETS_ACTIONS = ("set_actions", "_init_actions", "set_action")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_CASE_CHANGE = re.compile(r"[a-z][A-Z]|[A-Z][A-Z][a-z]")
_MAX_PROFILE = 200  # characters of a profile read as one CamelCase word


@dataclass
class RoleClass:
    """A ``Role`` subclass: its prefix fields and what it runs."""

    node: Node
    name: str
    fields: dict[str, Node] = field(default_factory=dict)  # field -> its value
    actions: list[str] = field(default_factory=list)  # action class names it sets


def roles_of(src: Source) -> list[RoleClass]:
    """The module's ``Role`` subclasses that give a profile, when it imports MetaGPT."""
    if not src.imports_any(LIBRARY):
        return []
    out = []
    for cls in src.captures.get("class", ()):
        supers = cls.child_by_field_name("superclasses")
        if supers is None or not any(
            src.text(s).rsplit(".", 1)[-1] == "Role" for s in supers.named_children
        ):
            continue
        name_node = cls.child_by_field_name("name")
        role = RoleClass(cls, src.text(name_node) if name_node is not None else "")
        for _glue, key in PREFIX:
            value = _field_value(src, cls, key)
            if value is not None:
                role.fields[key] = value
        if "profile" not in role.fields or role.fields["profile"].type != "string":
            continue  # a profile to read, written as text
        if _field_value(src, cls, "desc") is not None:
            continue  # a role's own ``desc`` is its prefix, not "You are a {profile}"
        role.actions = _actions(src, cls)
        out.append(role)
    return out


def scopes(src: Source, roles: list[RoleClass]) -> list[tuple[int, int, int]]:
    """(start, end, role) byte ranges whose calls a role's prefix is sent
    with: the role's own class and the action classes this module defines
    for it."""
    out = []
    for role in roles:
        key = role.node.start_byte
        out.append((role.node.start_byte, role.node.end_byte, key))
        for action in role.actions:
            cls = src.classes.get(action)
            if cls is not None and cls is not role.node:
                out.append((cls.start_byte, cls.end_byte, key))
    return out


def camel_words(segs: Segs) -> Segs:
    """A profile written as one CamelCase word, read as its words
    ("SimpleCoder" as "Simple Coder"); each stands for its whole literal."""
    out: Segs = []
    for s in segs:
        word = s.text.strip()
        if (
            s.kind == LIT
            and len(word) <= _MAX_PROFILE
            and word.isascii()
            and word.isalpha()
            and word[:1].isupper()
            and _CASE_CHANGE.search(word)
        ):
            out.append(Seg(DEC, _CAMEL.sub(" ", s.text), s.start, s.end, s.literal))
        else:
            out.append(s)
    return out


def glue(text: str) -> Seg:
    """Text of the prefix that no literal of the module writes."""
    return Seg(SEP, text, -1, -1)


def _field_value(src: Source, cls: Node, key: str) -> Node | None:
    bindings = src.class_bindings(cls.start_byte, key)
    if not bindings:
        return None
    value = bindings[-1].value
    if value is not None and value.type == "call":  # ``Field(default="...")``, ``Field("...")``
        args = value.child_by_field_name("arguments")
        value = None
        for i, arg in enumerate(args.named_children if args is not None else ()):
            if arg.type == "keyword_argument":
                name = arg.child_by_field_name("name")
                if name is not None and src.text(name) == "default":
                    value = arg.child_by_field_name("value")
            elif i == 0 and arg.type != "comment":
                value = arg
    return value


def _actions(src: Source, cls: Node) -> list[str]:
    """Names of the action classes the role sets: ``self.set_actions([A,
    B()])`` in its methods, or an ``actions`` field."""
    lists: list[Node] = []
    for call in src.captures.get("call", ()):
        if not cls.start_byte <= call.start_byte < cls.end_byte:
            continue
        fn = call.child_by_field_name("function")
        if fn is None or src.text(fn).rsplit(".", 1)[-1] not in _SETS_ACTIONS:
            continue
        args = call.child_by_field_name("arguments")
        if args is not None and args.named_child_count:
            lists.append(args.named_children[0])
    bound = src.class_bindings(cls.start_byte, "actions")
    if bound and bound[-1].value is not None:
        lists.append(bound[-1].value)
    names = []
    for node in lists:
        if node.type not in ("list", "tuple"):
            continue
        for el in node.named_children:
            target = el.child_by_field_name("function") if el.type == "call" else el
            if target is not None and target.type in ("identifier", "attribute"):
                names.append(src.text(target).rsplit(".", 1)[-1])
    return names
