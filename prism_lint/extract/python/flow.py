"""Follow prompt text to the call: the project's wrappers and the names that reach a call.

A prompt is often written far from the call that sends it: returned by a
function (``return f"You are ..."``), kept in a constant or a class
attribute of any name, in a dict of routes or a list of instructions, in
another module of the project, and sent through the project's own wrapper
(``create_chat_completion(model=..., messages=...)``). This module learns,
from each module's calls:

- **wrappers**: functions whose parameters reach a known call site's prompt
  arguments (or its ``model``); calls to them are then read as call sites,
  with the roles and the model they pass on;
- **sinks**: the names whose values reach a call site's prompt arguments
  (constants, attributes, functions whose result is sent, containers);
  definitions of those names are then read as prompts, with their origin.

Nothing is imported or run: names are matched as written. A project's
table is the union of its modules' (:func:`learn`), built by the command
before files are read and handed to the extractor (:data:`PROJECT`); a
file read alone learns from itself.
"""

from __future__ import annotations

import builtins
import re
import sys
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from prism_lint.model import HOLE

if TYPE_CHECKING:
    from prism_lint.extract.python.catalogue import Catalogue, Site
    from prism_lint.extract.python.sites import SiteFinder
    from prism_lint.extract.python.source import Function, Node, Source

MESSAGES = "messages"  # a parameter that carries chat messages, roles inside
MAX_IMPORTS = 64  # imported names one module records for the run to follow
MAX_DEFINITIONS = 3  # modules defining a name beyond which it is too common to follow
_MAX_WALK = 400  # nodes of one argument walked for names
_MAX_HOPS = 3  # local names followed to their values
# Names too plain to say which definition they stand for.
_PLAIN = frozenset(
    {
        "context",
        "error",
        "params",
        "event",
        "state",
        "raw",
        "task",
        "agent",
        "tools",
        "llm",
        "options",
        "request",
        "history",
        "description",
        "kwargs",
        "payload",
        "body",
        "chunk",
        "content",
        "text",
        "message",
        "messages",
        "input",
        "query",
        "question",
        "data",
        "value",
        "result",
        "response",
        "output",
        "str",
        "join",
        "strip",
        "format",
        "name",
        "role",
        "get",
        "items",
        "keys",
        "values",
        "append",
        "dumps",
        "loads",
        "json",
        "dict",
        "list",
        "len",
        "replace",
        "lower",
        "upper",
        "split",
        "dedent",
        "render",
        "system",
        "user",
        "args",
        "self",
        "cls",
        "os",
        "getenv",
        "environ",
        "model",
        "config",
        "settings",
        "print",
        "log",
        "info",
    }
)
# Calls whose result is their receiver's or argument's text, reshaped.
_TEXT_METHODS = frozenset(
    {
        "format",
        "join",
        "strip",
        "lstrip",
        "rstrip",
        "dedent",
        "str",
        "cleandoc",
        "replace",
        "format_map",
    }
)
# DSPy modules: an instance called with keywords sends them as its input fields.
_PREDICTORS = frozenset(
    {
        "Predict",
        "ChainOfThought",
        "ReAct",
        "ProgramOfThought",
        "CodeAct",
        "MultiChainComparison",
        "BestOfN",
        "Refine",
        "RLM",
    }
)
_BUILTINS = frozenset(dir(builtins))
# What a list, a dict, a set, a string or bytes answers to: every module calls these.
_BUILTIN_METHODS = frozenset(
    name
    for kind in (list, dict, set, frozenset, tuple, str, bytes)
    for name in dir(kind)
    if not name.startswith("_")
)
_KEY = re.compile(r"""["']([A-Za-z_][\w-]{0,63})["']""")  # a plain string key
# Methods that log, print or handle text or data: what they are given is not sent.
_NOT_SENDING = frozenset(
    {
        "debug",
        "info",
        "warning",
        "warn",
        "error",
        "exception",
        "critical",
        "log",
        "print",
        "echo",
        "write",
        "format",
        "join",
        "append",
        "extend",
        "add",
        "get",
        "set",
        "update",
        "replace",
        "split",
        "strip",
        "startswith",
        "endswith",
        "encode",
        "decode",
        "dumps",
        "loads",
        "dump",
        "load",
        "render",
        "escape",
        "secho",
        "status",
        "success",
        "fail",
        "assertEqual",
        "assertIn",
        "raises",
        "emit",
        "send_event",
        "track",
        "capture",
        "record",
        "put",
        "post",
    }
)
# Arguments whose text is worked out to look for a persona cue in it.
_VALUED = frozenset(
    {"string", "concatenated_string", "identifier", "attribute", "binary_operator", "call"}
)
_BY_NAME = {"messages": MESSAGES, "chat_messages": MESSAGES, "history": MESSAGES}
_SHAPED = {"messages": MESSAGES, "input": MESSAGES, "contents": MESSAGES, "config": ""}


@dataclass(frozen=True)
class Wrapper:
    """A function of the project that passes its parameters to a call site."""

    params: tuple[str, ...]  # in order, without self/cls
    roles: tuple[tuple[str, str], ...]  # parameter -> role (or MESSAGES)
    model: str = ""  # parameter that carries the model name
    library: str = ""
    model_default: str = ""  # the model named when the call passes none (JavaScript's default)
    # the parameter that takes the call's other keywords (Python's ``**kw``)
    # and passes them on: its keys are named ``kw.messages``, ``kw.model``
    spread: str = ""

    def role_of(self, param: str) -> str | None:
        for p, r in self.roles:
            if p == param:
                return r
        return None

    def keyed(self, param: str) -> bool:
        """Whether the wrapper passes on keys of ``param`` (an options dict or
        object: roles and model named ``opts.system``, ``opts.model``)."""
        prefix = param + "."
        return self.model.startswith(prefix) or any(p.startswith(prefix) for p, _r in self.roles)


@dataclass
class Table:
    """What a project's modules taught: wrappers by name, sink names with their role."""

    wrappers: dict[str, Wrapper] = field(default_factory=dict)
    sinks: dict[str, str] = field(default_factory=dict)
    # sinks this module defines itself: not taught to the other modules, whose
    # names of the same spelling are other definitions
    own: dict[str, str] = field(default_factory=dict)
    # name -> how many modules define it (a function, a constant, a class
    # attribute): a name many modules define says not which one is meant
    defines: dict[str, int] = field(default_factory=dict)
    called: frozenset[str] = frozenset()  # a module's callees (their last names)
    # attributes a module sets on another object (``coder.reply = "..."``):
    # with the project's table, such a value is read as a prompt when another
    # module sends the attribute
    sets: frozenset[str] = frozenset()
    # the project modules a module calls a function of with a persona cue in
    # its arguments, as written (``llm.ask``, ``.client.ask``; JavaScript's
    # under ``js:``): the run reads those the first pass left out for their
    # definitions
    imports: frozenset[str] = frozenset()
    # learned from a module's definitions only (the first pass left it out):
    # what it teaches the others, never a reason to check it again
    definitions_only: bool = False

    def merge(self, other: Table) -> None:
        for name, n in other.defines.items():
            self.defines[name] = self.defines.get(name, 0) + n
        for name, w in other.wrappers.items():
            old = self.wrappers.get(name)
            if old is None or len(w.roles) > len(old.roles):
                self.wrappers[name] = w
        for name, role in other.sinks.items():
            if self.sinks.get(name) in (None, "unknown", "user") and role != "unknown":
                self.sinks[name] = role
            else:
                self.sinks.setdefault(name, role)

    def __bool__(self) -> bool:
        return bool(self.wrappers or self.sinks or self.own)

    def resolved(self) -> Table:
        """The table without the names too many modules define to tell which
        one a call means (``description``, ``run``, ``call``)."""
        clear = {n for n, count in self.defines.items() if count > MAX_DEFINITIONS}
        return Table(
            {k: v for k, v in self.wrappers.items() if k not in clear},
            {k: v for k, v in self.sinks.items() if k not in clear},
        )


PROJECT: Table | None = None  # the run's table, set before files are read


def builtin_method(fn: Node | None, name: str) -> bool:
    """``items.append(x)``, ``text.format(...)``: a method called by a name a
    list, a dict, a set or a string answers to is that object's, not another
    module's wrapper of the same name (nearly every module calls these). An
    imported function so named (``translate(...)``), or the module's own
    method, is still read as the wrapper it is."""
    return fn is not None and fn.type == "attribute" and name in _BUILTIN_METHODS


def set_project(table: Table | None) -> None:
    global PROJECT
    PROJECT = table


def learn(f: SiteFinder, known: Table | None = None) -> Table:
    """The wrappers and sinks of one module (``known``: the project's so far)."""
    return _learn(f, known)[0]


def _learn(f: SiteFinder, known: Table | None) -> tuple[Table, set[str]]:
    learner = _Learner(f, known)
    learner.run()
    return learner.table, learner.called


class _Learner:
    def __init__(self, f: SiteFinder, known: Table | None) -> None:
        self.f = f
        self.known = known
        self.table = Table()
        self.params: dict[str, dict[str, str]] = {}  # function -> param -> role
        self.models: dict[str, str] = {}  # function -> its model parameter
        self.libraries: dict[str, str] = {}
        self.called: set[str] = set()  # last names of the callees of the module
        self.imports: set[str] = set()  # imported names called or sent, as imported
        self.spreads: dict[str, str] = {}  # function -> its ``**`` parameter it passes on
        self.returning = False  # feeding what a function returns
        # whether the module imports DSPy and builds a module of it: a call is
        # a predictor's only when its name is bound to such a constructor's
        # call, written here
        self.dspy: bool | None = None
        # the imports a call may name are looked for on the first pass over
        # the calls only: a second pass finds the same
        self.again = False
        self.bound: frozenset[str] | None = None  # names the module assigns (_bound)
        # callee names a call is read for whatever its arguments: catalogue and
        # configured sites, the project's wrappers (this module's are learned
        # as it is read: ``params``, ``table.wrappers``)
        self.reading: frozenset[str] | None = None
        # the imports an earlier reading of the same text learned: no call's
        # arguments need walking for them again (they do not depend on the
        # project's table)
        options = f.extract_options
        self.imports_key = ("imports", options.learning_key())
        kept = f.src.memo.get(self.imports_key) if options.learn_imports else None
        self.imports_known = kept is not None
        if kept is not None:
            self.imports.update(kept)

    def run(self) -> None:
        calls = self.f.src.captures.get("call", ())
        # callee's last name of each call the first round had no reason to
        # read (most calls), by index
        quiet = {i: last for i, call in enumerate(calls) if (last := self.call(call)) is not None}
        if any(self.params.values()):  # a wrapper of a wrapper of the same module
            self.again = True
            for i, call in enumerate(calls):
                last = quiet.get(i)
                # only a name that has become this module's wrapper since
                # gives a quiet call a reason to be read: nothing else asked changes
                if last is None or last in self.params or last in self.table.wrappers:
                    self.call(call)
        # a chat message built on its own ({"role": "system", "content": x},
        # dict(role=..., content=...)) is sent to a model, however far the call
        for d in self.f.src.captures.get("dict", ()):
            pairs = dict(self.f.dict_pairs(d))
            if "role" in pairs and "content" in pairs:
                said = self.f.role_value(pairs["role"]) or "unknown"
                self.feed(pairs["content"], said, None, 0, "")
        # ``agent.system_prompt = build()``: a value set on an object under a
        # name that carries a prompt is sent by that object
        for node in self.f.src.captures.get("assign", ()):
            self.assignment(node)
        self.returns()
        src = self.f.src
        self.table.defines = dict.fromkeys(_defined(src), 1)
        self.table.called = frozenset(self.called)
        self.table.sets = frozenset(_set_attributes(src))
        self.table.imports = frozenset(sorted(self.imports)[:MAX_IMPORTS])
        if self.f.extract_options.learn_imports and not self.imports_known:
            src.memo[self.imports_key] = frozenset(self.imports)
        for fname, roles in self.params.items():
            funcs = src.functions.get(fname)
            if (
                not funcs
                or len(funcs) != 1
                or fname.startswith("__")
                or fname in self.f.cat.always_sites
            ):
                # a special method (``__call__``) is called by no name a call
                # writes; every call of a catalogued ``run`` is read as the site
                continue
            fn = funcs[0]
            params = [p for p in fn.params if not (fn.is_method and p in ("self", "cls"))]
            if not roles and fname in self.models:
                # it passes a model on, and takes what a chat call takes: its names say
                roles = {
                    p: r
                    for p in params
                    if (r := self.f.cat.generic_kwargs.get(p) or _BY_NAME.get(p, ""))
                }
            if not roles:
                continue
            self.table.wrappers[fname] = Wrapper(
                tuple(params),
                tuple(sorted(roles.items())),
                self.models.get(fname, ""),
                self.libraries.get(fname, ""),
                spread=self.spreads.get(fname, ""),
            )

    def predictor(self, call: Node) -> bool:
        """Whether ``call`` calls a DSPy module this module built
        (``p = dspy.Predict(Sig)`` ... ``p(question=...)``)."""
        if self.dspy is None:
            src = self.f.src
            self.dspy = src.imports_any(("dspy",)) and any(
                (fn := c.child_by_field_name("function")) is not None
                and src.text(fn).rsplit(".", 1)[-1] in _PREDICTORS
                for c in src.captures.get("call", ())
            )
        if not self.dspy:
            return False
        fn = call.child_by_field_name("function")
        if fn is None or fn.type not in ("identifier", "attribute"):
            return False
        target = self.f.ev.resolve(fn)
        if target is None or target is fn or target.type != "call":
            return False
        ctor = target.child_by_field_name("function")
        return ctor is not None and self.f.src.text(ctor).rsplit(".", 1)[-1] in _PREDICTORS

    def assignment(self, node: Node) -> None:
        left = node.child_by_field_name("left")
        right = node.child_by_field_name("right")
        if left is None or right is None or left.type != "attribute":
            return
        attr = left.child_by_field_name("attribute")
        role = self.f.cat.generic_kwargs.get(self.f.src.text(attr)) if attr is not None else None
        if role:
            self.feed(right, role, self.f.src.function_at(node.start_byte), 0, "")

    def returns(self) -> None:
        """What a function of this module returns reaches the call its result
        reaches: the names it returns from are sent too (``return self.desc``,
        ``return prefix`` built from a template)."""
        from prism_lint.extract.python.values import returns_of

        src = self.f.src
        done: set[str] = set()
        for _round in range(_MAX_HOPS):
            todo = [
                (name, role)
                for sinks in (self.table.sinks, self.table.own)
                for name, role in sinks.items()
                if name not in done and name in src.functions
            ]
            if not todo:
                break
            # a returned parameter makes no wrapper: the result of a helper is
            # not what its callers pass it
            self.returning = True
            for name, role in todo:
                done.add(name)
                for fn in src.functions[name][:2]:
                    for ret in returns_of(fn.node)[:8]:
                        self.feed(ret, role, fn, 1, "", direct=False)
        self.returning = False

    def wrapper(self, name: str, fn: Node | None = None) -> Wrapper | None:
        """This module's wrapper ``name``, else the project's one, unless
        ``fn`` calls it as a list's or a string's method (:func:`builtin_method`)."""
        w = self.table.wrappers.get(name)
        if w is None and self.known is not None and not builtin_method(fn, name):
            w = self.known.wrappers.get(name)
        return w

    def _imported(self, node: Node | None, last: str) -> str:
        """The import a callee's name comes from (``ask``, ``llm.ask``), spelled
        from the module it was imported from; empty when it was not imported.
        ``last``: the callee's last name (:func:`_last_name`), which rules out
        a logger's method before the chain is read."""
        if node is None:
            return ""
        src = self.f.src
        # the chain's objects first: most callees are no import's, and their
        # attributes need no reading then
        chain: list[Node] = []
        while node.type == "attribute" and len(chain) < 4:
            obj = node.child_by_field_name("object")
            if obj is None or node.child_by_field_name("attribute") is None:
                return ""
            chain.append(node)
            node = obj
        if node.type != "identifier" or (chain and last in _NOT_SENDING):
            return ""
        module = src.imports.get(src.text(node))
        if not module or module.split(".", 1)[0] in sys.stdlib_module_names:
            return ""  # the standard library's, a logger's: no wrapper of the project
        rest = [src.text(n.child_by_field_name("attribute")) for n in reversed(chain)]
        return ".".join((module, *rest))

    def _sends_persona(self, call: Node) -> bool:
        """Whether a call's arguments hold a persona cue (what the first pass
        looks for): only then can the callee's own module change a finding."""
        from prism_lint.extract.python.strings import joined

        args = call.child_by_field_name("arguments")
        stack = list(args.named_children) if args is not None else []
        texts: list[str] = []
        seen = 0
        src = self.f.src
        value = self.f.ev.value
        bound = self._bound()
        # whether some text holds more than holes: one of holes alone (a
        # parameter, an imported name, a keyword's name) holds no cue
        worded = False
        while stack and seen < _MAX_WALK:
            n = stack.pop()
            seen += 1
            t = n.type
            if t == "identifier":
                name = src.text(n)
                if name not in bound or not isinstance(src.lookup(name, n.start_byte), list):
                    # a name this module gives no value is a hole, as
                    # Evaluator.value reads it: no need to ask it
                    texts.append(HOLE)
                    continue
            elif t not in _VALUED:
                stack.extend(n.named_children)
                continue
            v = value(n)
            if v is not None:
                text = joined(v.segs)
                texts.append(text)
                worded = worded or text != HOLE
            if t == "call":
                stack.extend(n.named_children)
        options = self.f.extract_options
        if not texts or (not worded and options.persona_cue is not None):
            return False
        return options.sends_persona(texts)

    def _bound(self) -> frozenset[str]:
        """The names this module assigns in some scope: any other name is,
        wherever it is read, a parameter or a name from elsewhere (a hole)."""
        if self.bound is None:
            self.bound = frozenset(name for _scope, name in self.f.src.bindings)
        return self.bound

    def _may_matter(self, call: Node, last: str) -> bool:
        """Whether a call may pass prompt text or a model on: most calls do
        not, and telling so costs less than reading them."""
        f = self.f
        if self.reading is None:
            known = self.known.wrappers if self.known is not None else ()
            self.reading = frozenset({*f.cat.by_last, *f.extra, "dict", *known})
        if last in self.reading or last in self.params or last in self.table.wrappers:
            return True
        if self.dspy is not False and self.predictor(call):
            return True
        args = call.child_by_field_name("arguments")
        if args is None or args.type != "argument_list" or b"=" not in args.text:
            return False
        for a in args.named_children:
            if a.type == "keyword_argument":
                name = a.child_by_field_name("name")
                text = f.src.text(name) if name is not None else ""
                if text in f.cat.generic_kwargs or text == "messages" or text in f.cat.model_kwargs:
                    return True
        return False

    def call(self, call: Node) -> str | None:
        """Read one call; its callee's last name when the call gives no
        reason to read it (:meth:`_may_matter`), else None."""
        f = self.f
        fn = call.child_by_field_name("function")
        last = _last_name(f.src, fn)
        # a call read as a site whatever the project's wrappers, or the
        # standard library's: no reason to read the module again with them
        project = (
            bool(last)
            and last not in self.called
            and not builtin_method(fn, last)
            and _project_callee(f.src, fn, f.cat, last)
        )
        if last and (
            not self.again
            and not self.imports_known
            and len(self.imports) < MAX_IMPORTS
            and self.f.extract_options.learn_imports
        ):
            origin = self._imported(fn, last)
            if origin and origin not in self.imports and self._sends_persona(call):
                self.imports.add(origin)
        if not self._may_matter(call, last):
            if project:
                self.called.add(last)
            return last
        read = f.read_call(call)
        if read is None:
            if project:
                self.called.add(last)
            return None
        _fn, parts, kw, pos = read
        args: list[tuple[Node, str]] = []
        model: Node | None = None
        site = f.select(parts, kw)
        if project and site is None:
            # a catalogued site (``client.chat.completions.create``) is read
            # as one before any wrapper of the same name another module defines
            self.called.add(last)
        if parts == ("dict",) and "role" in kw and "content" in kw:
            args.append((kw["content"], f.role_value(kw["role"]) or "unknown"))
        elif site is not None:
            if site.kind == "message":
                for where in site.content:
                    node = (
                        pos[where]
                        if isinstance(where, int) and len(pos) > where
                        else kw.get(where)
                        if isinstance(where, str)
                        else None
                    )
                    if node is not None:
                        args.append((node, site.role))
            elif site.kind.startswith("crewai"):
                for key in ("role", "goal", "backstory", "description", "expected_output"):
                    if key in kw:
                        args.append((kw[key], "system" if key != "description" else "user"))
            else:
                for spec in site.args:
                    node = kw.get(spec.kw) if spec.kw else None
                    if node is None and spec.pos is not None and len(pos) > spec.pos:
                        node = pos[spec.pos]
                    if node is not None:
                        args.append((node, _SHAPED.get(spec.shape, spec.role)))
            for name in f.cat.model_kwargs:
                if name in kw:
                    model = kw[name]
                    break
        elif self.predictor(call):
            # a DSPy module called with its input fields: each is sent to the model
            args.extend((node, "user") for node in kw.values())
        else:
            local = self._local_wrapper(parts)
            # ``re.search``: no wrapper of the project, whatever its name
            w = local or (None if outside_project(f.src, _fn) else self.wrapper(parts[-1], _fn))
            if w is not None:
                for i, node in enumerate(pos):
                    if i < len(w.params):
                        role = w.role_of(w.params[i])
                        if role is not None:
                            args.append((node, role))
                        elif w.params[i] == w.model:
                            model = node
                for name, node in kw.items():
                    role = w.role_of(name)
                    if role is not None:
                        args.append((node, role))
                    elif name == w.model:
                        model = node
            for name, node in kw.items():
                role = f.cat.generic_kwargs.get(name)
                if role:
                    args.append((node, role))
                elif name == "messages":
                    args.append((node, MESSAGES))
                elif name in f.cat.model_kwargs and model is None and w is None:
                    model = node
            args.extend((kw[name], "user") for name in f.cat.user_turn_keywords(kw))
        host = f.src.function_at(call.start_byte)
        spread = (
            site is not None
            and host is not None
            and b"**" in call.text
            and self._evident(site, parts, call.start_byte)
        )
        if not args and model is None and not spread:
            return None
        library = f.library(site, parts, call.start_byte) if site is not None else ""
        if spread and site is not None and host is not None:
            self._spread(call, site, host, library)
        if not args and model is None:
            return None
        for node, role in args:
            self.feed(node, role, host, 0, library)
        keyed = self._param_path(model) if model is not None else None
        if keyed is not None and host is not None and keyed[0] is host:
            self.models.setdefault(host.name, keyed[1])
            self.params.setdefault(host.name, {})
        elif model is not None and host is not None:
            for ident in _identifiers(model):
                name = f.src.text(ident)
                if name in host.params:
                    self.models.setdefault(host.name, name)
                    self.params.setdefault(host.name, {})
        return None

    def _evident(self, site: Site, parts: tuple[str, ...], at: int) -> bool:
        """Whether the module says a call is the site's by more than its last
        name: the site's imports or keywords, a dotted callee of the site
        (``chat.completions.create``), a receiver or an import of the site's
        library. A keyword's value says so by itself; only a call that
        passes ``**kw`` on needs it (``self._pipeline.run(request, **kwargs)``
        in generated REST code is no agent's run)."""
        f = self.f
        if site.constrained:
            return True
        if any(len(c) > 1 and parts[-len(c) :] == c for c in site.callees):
            return True
        root = parts[0]
        module = f.src.imports.get(root) if root else None
        if module is not None:  # ``uvicorn.run``, ``asyncio.run``: the import's own
            return f.cat.library_of(module) is not None
        if root and root not in ("self", "cls"):
            made = f._module_of_variable(root, at)  # ``client = OpenAI()``
            if made and f.cat.library_of(made):
                return True
        roots = {r for r, label in f.cat.libraries if label == site.library}
        return f.src.imports_any((*site.libraries, *sorted(roots)))

    def _spread(self, call: Node, site: Site, host: Function, library: str) -> None:
        """``create(**kw)`` in a function taking ``**kw``: the keywords its callers
        give reach the call site as its own (``messages=``, ``model=``)."""
        args = call.child_by_field_name("arguments")
        for a in args.named_children if args is not None else ():
            if a.type != "dictionary_splat" or not a.named_children:
                continue
            inner = a.named_children[0]
            name = self.f.src.text(inner)
            if (
                inner.type != "identifier"
                or name not in host.params
                or self.f.src.lookup(name, inner.start_byte) != "param"
                or host.name == "__init__"
                or site.kind == "message"
            ):
                continue
            roles = self.params.setdefault(host.name, {})
            for spec in site.args:
                if spec.kw:
                    roles.setdefault(f"{name}.{spec.kw}", _SHAPED.get(spec.shape, spec.role))
            if roles and self.f.cat.model_kwargs:
                self.models.setdefault(host.name, f"{name}.{self.f.cat.model_kwargs[0]}")
            self.spreads.setdefault(host.name, name)
            if library:
                self.libraries.setdefault(host.name, library)

    def _param_path(self, node: Node) -> tuple[Function, str] | None:
        """A key of a parameter (``opts["system"]``, ``opts.get("system")``,
        ``opts.system``), with its function and its name (``opts.system``)."""
        src = self.f.src
        base: Node | None = None
        key = ""
        if node.type == "subscript":
            base = node.child_by_field_name("value")
            key = _plain_key(src, node.child_by_field_name("subscript"))
        elif node.type == "attribute":
            base = node.child_by_field_name("object")
            attr = node.child_by_field_name("attribute")
            key = src.text(attr) if attr is not None else ""
        elif node.type == "call":
            from prism_lint.extract.python.values import method_call

            fn, attr, args = method_call(node)
            if (
                attr is not None
                and src.text(attr) == "get"
                and args is not None
                and args.named_children
            ):
                base = fn.child_by_field_name("object") if fn is not None else None
                key = _plain_key(src, args.named_children[0])
        if base is None or base.type != "identifier" or not key:
            return None
        name = src.text(base)
        if name in ("self", "cls") or src.lookup(name, base.start_byte) != "param":
            return None
        fn = src.function_at(base.start_byte)
        if fn is None or name not in fn.params or fn.name == "__init__":
            return None
        return fn, f"{name}.{key}"

    def _local_wrapper(self, parts: tuple[str, ...]) -> Wrapper | None:
        roles = self.params.get(parts[-1])
        if not roles:
            return None
        funcs = self.f.src.functions.get(parts[-1])
        if not funcs or len(funcs) != 1:
            return None
        fn = funcs[0]
        params = [p for p in fn.params if not (fn.is_method and p in ("self", "cls"))]
        return Wrapper(
            tuple(params),
            tuple(sorted(roles.items())),
            self.models.get(parts[-1], ""),
            spread=self.spreads.get(parts[-1], ""),
        )

    def feed(
        self, node: Node, role: str, host: object, hops: int, library: str, direct: bool = True
    ) -> None:
        """Record the names ``node`` is built from as reaching a call with ``role``."""
        f = self.f
        src = f.src
        seen = 0
        # (node, its role, whether the node's text is sent as it is: a parameter
        # met only inside another function's arguments makes no wrapper)
        stack: list[tuple[Node, str, bool]] = [(node, role, direct)]
        while stack and seen < _MAX_WALK:
            n, role, direct = stack.pop()
            seen += 1
            t = n.type
            if t == "identifier":
                self._name(n, role, host, hops, library, direct)
                continue
            if t == "lambda":
                continue  # ``filter(lambda key: ..., d)``: a function, not what is sent
            if t in ("subscript", "attribute", "call") and direct and not self.returning:
                keyed = self._param_path(n)
                if keyed is not None:
                    roles = self.params.setdefault(keyed[0].name, {})
                    if roles.get(keyed[1]) in (None, "unknown"):
                        roles[keyed[1]] = role
                    if library:
                        self.libraries.setdefault(keyed[0].name, library)
                    continue
            if t == "dictionary" and role == MESSAGES:
                pairs = dict(f.pairs(n))
                if "role" in pairs:
                    said = f.role_value(pairs["role"]) or "unknown"
                    for key in ("content", "text", "parts"):
                        if key in pairs:
                            stack.append((pairs[key], said, direct))
                    continue
            if t == "attribute":
                if outside_project(self.f.src, n):
                    continue  # ``os.path.join``: the standard library's names
                attr = n.child_by_field_name("attribute")
                obj = n.child_by_field_name("object")
                if attr is not None:
                    self._sink(src.text(attr), role)
                if obj is not None and obj.type not in ("identifier",):
                    stack.append((obj, role, False))
                elif obj is not None and src.text(obj) not in ("self", "cls"):
                    self._sink(src.text(obj), role)
                continue
            if t == "call":
                fn = n.child_by_field_name("function")
                last = ""
                if fn is not None and fn.type == "identifier":
                    last = src.text(fn)
                    if not outside_project(self.f.src, fn):
                        own = last in src.functions and last not in src.imports
                        self._sink(last, role, own=own)
                elif fn is not None and fn.type == "attribute":
                    attr = fn.child_by_field_name("attribute")
                    last = src.text(attr) if attr is not None else ""
                    stack.append((fn, role, direct and last in _TEXT_METHODS))
                args = n.child_by_field_name("arguments")
                if args is not None:
                    stack.append((args, role, direct and last in _TEXT_METHODS))
                continue
            if t in ("keyword_argument", "pair"):
                value = n.child_by_field_name("value")
                if value is not None:
                    stack.append((value, role, direct))
                continue
            if t in ("string", "comment", "integer", "float", "true", "false", "none"):
                if t == "string":
                    for c in n.named_children:
                        if c.type == "interpolation":
                            stack.extend((x, role, direct) for x in c.named_children)
                continue
            if t == "subscript":
                value = n.child_by_field_name("value")
                if value is not None:
                    stack.append((value, role, direct))
                continue
            stack.extend((x, role, direct) for x in n.named_children)

    def _name(
        self, ident: Node, role: str, host: object, hops: int, library: str, direct: bool
    ) -> None:
        src = self.f.src
        name = src.text(ident)
        found = src.lookup(name, ident.start_byte)
        if found == "param":
            fn = src.function_at(ident.start_byte)
            if fn is not None and hops < _MAX_HOPS:
                # what the function puts in the parameter itself: its default,
                # a value it is rebound to (``x = x or DEFAULT``)
                for value in _own_values(src, fn, name):
                    self.feed(value, role, host, hops + 1, library)
            if not direct or self.returning:
                return
            if fn is not None and fn.name not in ("__init__",):
                roles = self.params.setdefault(fn.name, {})
                if name not in ("self", "cls") and roles.get(name) in (None, "unknown"):
                    roles[name] = role
                if library:
                    self.libraries.setdefault(fn.name, library)
            return
        if isinstance(found, list) and hops < _MAX_HOPS:
            local = any(b.stmt.parent is not None and b.stmt.parent.type == "block" for b in found)
            for b in found:
                if b.value is not None:
                    self.feed(b.value, role, host, hops + 1, library)
            if local:
                return
        if found is None and outside_project(self.f.src, ident):
            return
        # a constant of this module is this module's; an imported name may
        # be defined in any module of the project
        self._sink(name, role, own=isinstance(found, list) and name not in src.imports)

    def _sink(self, name: str, role: str, own: bool = False) -> None:
        if name in _PLAIN or len(name) < 3 or name.startswith("__"):
            return
        sinks = self.table.own if own else self.table.sinks
        old = sinks.get(name)
        if old is None or (old in ("unknown", "user", MESSAGES) and role == "system"):
            sinks[name] = role


def _plain_key(src: Source, node: Node | None) -> str:
    """The text of a plain string key (``"system"``), else empty."""
    if node is None or node.type != "string":
        return ""
    m = _KEY.fullmatch(src.text(node))
    return m.group(1) if m else ""


def _own_values(src: Source, fn: Function, name: str) -> list[Node]:
    out: list[Node] = []
    params = fn.node.child_by_field_name("parameters")
    if params is not None:
        for p in params.named_children:
            if p.type in ("default_parameter", "typed_default_parameter"):
                n = p.child_by_field_name("name")
                value = p.child_by_field_name("value")
                if n is not None and value is not None and src.text(n) == name:
                    out.append(value)
    for b in src.bindings.get((fn.scope, name), ())[:8]:
        if b.value is not None:
            out.append(b.value)
    return out


def _identifiers(node: Node) -> list[Node]:
    out: list[Node] = []
    stack = [node]
    while stack and len(out) < 50:
        n = stack.pop()
        if n.type == "identifier":
            out.append(n)
        else:
            stack.extend(n.named_children)
    return out


def outside_project(src: Source, node: Node) -> bool:
    """Whether ``node`` names what no module of the project defines: a
    builtin the module does not bind (``int``, ``getattr``), a name imported
    from the standard library (``Any``, ``datetime``), or an attribute of one
    (``os.path.dirname``, ``re.search``). Another module's definition of the
    same name (a wrapper ``search``, a sink ``path``) is not what it means."""
    while node.type == "attribute":
        obj = node.child_by_field_name("object")
        if obj is None:
            return False
        node = obj
    if node.type != "identifier":
        return False
    name = src.text(node)
    module = src.imports.get(name)
    if module is not None:
        outside = module.split(".", 1)[0] in sys.stdlib_module_names
    else:
        outside = name in _BUILTINS
    # unless the module binds it too (an import is no binding)
    return outside and name not in src.functions and src.lookup(name, node.start_byte) is None


def _project_callee(src: Source, fn: Node | None, cat: Catalogue, last: str) -> bool:
    """Whether a project's wrapper may be called by a callee of last name
    ``last`` (:func:`_last_name`): not by a call read as a catalogued site
    whatever the project's wrappers (``run``), nor by the standard
    library's and the builtins'."""
    return (
        bool(last) and last not in cat.always_sites and not (fn is None or outside_project(src, fn))
    )


def names_of(src: Source, cat: Catalogue) -> Table:
    """What a module that holds no prompt and teaches no wrapper or sink (as
    :mod:`prompt_cues` rules out) tells the project's table: the names it
    defines, calls and sets, as :func:`learn` would find them without
    reading a call's arguments."""
    called: set[str] = set()
    for call in src.captures.get("call", ()):
        fn = call.child_by_field_name("function")
        last = _last_name(src, fn)
        if last not in called and _project_callee(src, fn, cat, last):
            called.add(last)
    return Table(
        defines=dict.fromkeys(_defined(src), 1),
        called=frozenset(called),
        sets=frozenset(_set_attributes(src)),
    )


def _defined(src: Source) -> set[str]:
    """The names a module defines: its functions, and what it binds in the
    module or a class (``self.name`` counts as ``name``)."""
    defined = {
        name[5:] if name.startswith("self.") else name
        for (scope, name) in src.bindings
        if scope == -1 or scope in src._class_names
    }
    defined.update(src.functions)
    return defined


def _last_name(src: Source, fn: Node | None) -> str:
    """A callee's last name; an imported one's as its module spells it."""
    if fn is None:
        return ""
    if fn.type == "attribute":
        attr = fn.child_by_field_name("attribute")
        return src.text(attr) if attr is not None else ""
    if fn.type == "identifier":
        name = src.text(fn)
        module = src.imports.get(name)
        return module.rsplit(".", 1)[-1] if module else name
    return ""


def _set_attributes(src: Source) -> set[str]:
    """The attributes assigned on objects other than ``self`` and ``cls``
    (what :meth:`DefinitionFinder.name_tier` reads as set on an object)."""
    out: set[str] = set()
    for node in src.captures.get("assign", ()):
        left = node.child_by_field_name("left")
        if left is None or left.type != "attribute":
            continue
        obj = left.child_by_field_name("object")
        attr = left.child_by_field_name("attribute")
        if obj is not None and attr is not None and src.text(obj) not in ("self", "cls"):
            out.add(src.text(attr))
    return out


def calls_wrapper(own: Table, table: Table) -> bool:
    """Whether a module calls a wrapper another module taught: read with the
    table, it may teach more (a wrapper of that wrapper, the names it sends
    through it). A module that only defines or sets a name the table sends
    reads differently, but teaches the same."""
    return any(n in table.wrappers and n not in own.wrappers for n in own.called)


def needs_project(own: Table, table: Table) -> bool:
    """Whether a module read alone may read differently with the project's
    table: it calls a wrapper, or defines or sets on an object a name, that
    another module taught."""
    return calls_wrapper(own, table) or any(
        n in table.sinks and n not in own.sinks and n not in own.own
        for names in (own.defines, own.sets)
        for n in names
    )
