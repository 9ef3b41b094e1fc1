"""Find prompts at Python call sites.

Calls are matched against the catalogue (``rules/call_sites.toml``) by the
dotted suffix of their callee; each argument is walked by its shape (text,
message list, content blocks, config). Values go through the evaluator, so
constants, concatenation, ``format`` and ``dedent`` are folded the same way
everywhere.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from prism_lint.extract import ExtractOptions
from prism_lint.extract.python import flow as python_flow
from prism_lint.extract.python import metagpt_roles
from prism_lint.extract.python import strings as ps
from prism_lint.extract.python.catalogue import Catalogue, Site
from prism_lint.extract.python.definitions import DefinitionFinder
from prism_lint.extract.python.flow import MESSAGES, Table, Wrapper
from prism_lint.extract.python.source import Node, Source, statement_of
from prism_lint.extract.python.strings import SEP, Seg, Segs
from prism_lint.extract.python.units import Registry
from prism_lint.extract.python.values import (
    CONTENT_KEYS,
    Evaluator,
    Value,
    joined_values,
    returns_of,
)
from prism_lint.extract.shared.sites import (
    ROLE_NAMES,
    FinderBase,
    name_role,
)
from prism_lint.extract.shared.units import Group, Msg
from prism_lint.model import CallContext

_TEXT_CALLS = frozenset(
    {
        "Part",
        "from_text",
        "TextBlock",
        "TextBlockParam",
        "TextPart",
        "InputText",
        "ResponseInputTextParam",
    }
)
_WS = re.compile(r"\s+")
_PLAIN_KEY = re.compile(r"\"[\w .:/-]*\"|'[\w .:/-]*'")  # a key read as written
_TEMPLATE_FORMATS = {
    "f-string": "format",
    "jinja2": "jinja",
    "jinja": "jinja",
    "mustache": "mustache",
}
_MAX_SITE_DEPTH = 20
# Keywords that hand a team, a workflow or a swarm its agents; and the most
# members read of one.
_TEAM_KEYWORDS = ("agents", "members", "participants", "workers", "agent_list", "sub_agents")
_MAX_TEAM = 64
_MAX_ADDED = 64  # messages read as added to one history object
_MODEL_SEARCH = "web search (the model's own)"


class SiteFinder(FinderBase[Source, Evaluator, Catalogue, Registry]):
    """Reads one module's calls into a :class:`Registry`; the other finders reuse its helpers."""

    def __init__(
        self, src: Source, ev: Evaluator, cat: Catalogue, reg: Registry, options: ExtractOptions
    ) -> None:
        super().__init__(src, ev, cat, reg, options)
        self.processed: set[int] = set()  # call nodes already read (byte start)
        self._site_depth = 0  # sites read inside sites, against pathological nesting
        self.claimed: set[int] = set()  # dict / list literals already read (byte start)
        self._dict_pairs: dict[int, list[tuple[str, Node]]] = {}  # by byte start
        # a call's arguments, by its byte span: the persona flow, the sites and
        # the definitions all read the same calls
        self._arguments: dict[tuple[int, int], tuple[dict[str, Node], list[Node]]] = {}
        # callee names a call is read for: catalogue sites, this module's
        # functions, configured sites
        self.read_names = {*cat.by_last, *src.functions, *self.extra}
        self.flow = Table()  # the project's wrappers and sinks, this module's included
        self.learned = Table()  # this module's own
        # MetaGPT roles' classes and their actions': (start, end, role) byte ranges
        self.role_scopes: list[tuple[int, int, int]] = []

    def learn_flow(self) -> None:
        """What this module and the project (:data:`python_flow.PROJECT`) teach."""

        project = python_flow.PROJECT
        self.flow = Table()
        # read alone, a module teaches the same each time: the runner learns
        # it first, then reads its prompts from the kept parse
        key = ("learned alone", self.extract_options.learning_key())
        kept = self.src.memo.get(key)
        if project is not None:
            self.flow.merge(project)
            if kept is not None and not any(n in project.wrappers for n in kept.called):
                # the learner reads the project's table for its wrappers
                # only, at the calls of them: a module calling none of them
                # learns with the table what it learned alone
                self.learned = kept
            else:
                self.learned = python_flow.learn(self, project)
        else:
            if kept is None:
                kept = self.src.memo[key] = python_flow.learn(self, None)
            self.learned = kept
        self.flow.merge(self.learned)
        for name, role in self.learned.own.items():
            self.flow.sinks.setdefault(name, role)
        self.read_names.update(self.flow.wrappers)

    # ======================================================================
    # Phases
    # ======================================================================

    def run(self) -> None:
        """Read calls (catalogued ones first, deferred ones after), then definitions."""
        self.learn_flow()
        self.metagpt_roles()
        deferred: list[Node] = []
        for call in self.src.captures.get("call", ()):
            if call.start_byte not in self.processed:
                self.call(call, deferred)
        for call in deferred:
            if call.start_byte not in self.processed:
                self.call(call, None)
        DefinitionFinder(self).run()
        self.reg.link()

    # ======================================================================
    # Calls
    # ======================================================================

    def call(self, call: Node, deferred: list[Node] | None) -> None:
        if self._passes_over(call):
            return
        read = self.read_call(call)
        if read is None:
            return
        fn, parts, kw, pos = read
        site = self.select(parts, kw)
        if site is not None and site.defer and deferred is not None:
            deferred.append(call)
            return
        if site is not None:
            if (
                site.kind == "message"
                and call.parent is not None
                and call.parent.type == "list"
                and call.parent.start_byte not in self.claimed
            ):
                group = self.new_group(call, fn, parts, site, {}, [])
                group.ctx.call = ""
                group.ctx.names = self.call_names(call.parent)
                self.messages(call.parent, group, None, "messages", "user")
                self.reg.emit(group)
                return
            group = self.site_group(call, fn, parts, site, kw, pos, None)
            if self.role_scopes:
                self.role_runs(call, site, kw, pos, group)
            self.reg.emit(group)
            return
        wrapper = self.flow.wrappers.get(parts[-1])
        if wrapper is not None and (
            python_flow.outside_project(self.src, fn)
            or (
                python_flow.builtin_method(fn, parts[-1]) and parts[-1] not in self.learned.wrappers
            )
        ):
            wrapper = None  # ``re.search``, ``items.append``: no wrapper of the project
        if wrapper is not None and self.wrapper_call(call, fn, parts, kw, pos, wrapper):
            return
        self.generic(call, fn, parts, kw, pos)

    def wrapper_call(
        self,
        call: Node,
        fn: Node,
        parts: tuple[str, ...],
        kw: dict[str, Node],
        pos: list[Node],
        wrapper: Wrapper,
    ) -> bool:
        """A call to a project function that passes its arguments to a call site:
        read with the roles and the model it passes on."""
        if self.cat.excluded(parts, under=False):
            return False
        given: list[tuple[str, Node]] = list(zip(wrapper.params, pos, strict=False))
        given.extend((k, v) for k, v in kw.items())
        group = self.new_group(call, fn, parts, None, kw, pos)
        if not group.ctx.library:
            group.ctx.library = wrapper.library
        for param, node in given:
            if wrapper.spread and param not in wrapper.params:
                param = f"{wrapper.spread}.{param}"  # a keyword ``**kw`` passes on
            if param == wrapper.model and group.ctx.model is None:
                group.ctx.model = self.model_of(node, 0)
                continue
            role = wrapper.role_of(param)
            if role is None and wrapper.keyed(param):
                self.keyed_arg(node, param, wrapper, group)
                continue
            if role is None:
                role = self.cat.generic_kwargs.get(param.rpartition(".")[2])
            if role is None:
                continue
            if role == MESSAGES:
                self.messages(node, group, None, param, "user")
            else:
                self.text_msg(node, role, param, None, None, group)
        if not any(ps.has_content(m.segs) for m in group.msgs):
            return False
        self.processed.add(call.start_byte)
        self.reg.emit(group)
        return True

    def keyed_arg(self, node: Node, param: str, wrapper: Wrapper, group: Group) -> None:
        """An options dict or object given to a wrapper that passes some of its
        keys on (``ask({"system": ..., "user": ...})``, ``ask(Options(system=...))``)."""
        target = self.ev.resolve(node) or node
        pairs: Iterable[tuple[str, Node]] = ()
        if target.type == "dictionary":
            pairs = self.dict_pairs(target)
            self.claimed.add(target.start_byte)
        elif target.type == "call":
            read = self.read_call(target)
            if read is not None:
                pairs = read[2].items()
        for key, value in pairs:
            name = f"{param}.{key}"
            if name == wrapper.model and group.ctx.model is None:
                group.ctx.model = self.model_of(value, 0)
                continue
            role = wrapper.role_of(name)
            if role == MESSAGES:
                self.messages(value, group, None, key, "user")
            elif role is not None:
                self.text_msg(value, role, key, None, None, group)

    def _passes_over(self, call: Node) -> bool:
        """Whether a call surely reads no prompt: its callee's last name is
        no catalogue site, same-module function or configured site, and no
        keyword of it is a prompt keyword. Most calls in a module are such;
        telling so costs a fraction of reading them."""
        fn = call.child_by_field_name("function")
        if fn is None:
            return False
        kind = fn.type
        if kind == "attribute":
            attr = fn.child_by_field_name("attribute")
            if attr is None:
                return False
            last = self.src.text(attr)
        elif kind == "identifier":
            last = self.src.text(fn)
            module = self.src.imports.get(last)
            # ``from pydantic_ai import Agent as PAgent``: matched as ``Agent``
            if module and (
                module.rsplit(".", 1)[-1] in self.cat.by_last
                or module.rsplit(".", 1)[-1] in self.extra
            ):
                return False
        else:
            return False
        if last in self.read_names:
            return False
        args = call.child_by_field_name("arguments")
        if args is None or args.type != "argument_list":
            return True
        if b"=" not in args.text:  # no keyword argument at all
            return True
        kwargs = self.cat.generic_kwargs
        for a in args.named_children:
            if a.type == "keyword_argument":
                name = a.child_by_field_name("name")
                if name is not None and (
                    self.src.text(name) in kwargs or self.src.text(name) == "messages"
                ):
                    return False
        return True

    def callee_parts(self, fn: Node) -> tuple[str, ...] | None:
        parts: list[str] = []
        node = fn
        while node.type == "attribute":
            attr = node.child_by_field_name("attribute")
            obj = node.child_by_field_name("object")
            if attr is None or obj is None:
                return None
            parts.append(self.src.text(attr))
            node = obj
        while node.type == "call":
            inner = node.child_by_field_name("function")
            if inner is None:
                return None
            node = inner
            while node.type == "attribute":
                obj = node.child_by_field_name("object")
                if obj is None:
                    return None
                node = obj
        if node.type == "identifier":
            parts.append(self.src.text(node))
        else:
            parts.append("")
        parts.reverse()
        return tuple(parts)

    def read_call(
        self, call: Node
    ) -> tuple[Node, tuple[str, ...], dict[str, Node], list[Node]] | None:
        """A call's callee, its dotted name and its keyword and positional arguments.

        Every reader of a call starts here; None when the callee is missing or
        its name cannot be read.
        """
        fn = call.child_by_field_name("function")
        if fn is None:
            return None
        parts = self.callee_parts(fn)
        if parts is None:
            return None
        kw, pos = self.arguments(call)
        return fn, parts, kw, pos

    def arguments(self, call: Node) -> tuple[dict[str, Node], list[Node]]:
        """A call's keyword arguments (``**`` of a dict literal included) and
        positional ones; read once per call, and shared: not to be changed."""
        key = (call.start_byte, call.end_byte)
        found = self._arguments.get(key)
        if found is None:
            found = self._arguments[key] = self._read_arguments(call)
        return found

    def _read_arguments(self, call: Node) -> tuple[dict[str, Node], list[Node]]:
        kw: dict[str, Node] = {}
        pos: list[Node] = []
        splat: list[Node] = []
        args = call.child_by_field_name("arguments")
        if args is None:
            return kw, pos
        if args.type != "argument_list":  # a generator argument: f(x for x in y)
            return kw, pos
        for a in args.named_children:
            if a.type == "keyword_argument":
                name = a.child_by_field_name("name")
                value = a.child_by_field_name("value")
                if name is not None and value is not None:
                    kw[self.src.text(name)] = value
            elif a.type == "dictionary_splat" and a.named_child_count:
                splat.append(a.named_children[0])
            elif a.type not in ("comment", "list_splat", "dictionary_splat"):
                pos.append(a)
        for node in splat:
            # ``create(**DEFAULT_ARGS, ...)``: a dict literal of this module gives
            # keyword arguments; those written at the call win
            target = self.ev.resolve(node) or node
            if target.type == "dictionary":
                for key, value in self.pairs(target):
                    if key.isidentifier():
                        kw.setdefault(key, value)
        return kw, pos

    def select(self, parts: tuple[str, ...], kw: dict[str, Node]) -> Site | None:
        best: Site | None = None
        best_score = (-1, -1)
        lookup = parts
        module = self.src.imports.get(parts[0]) if parts[0] else None
        if module:  # ``from pydantic_ai import Agent as PAgent``: match as ``Agent``
            lookup = (module.rsplit(".", 1)[-1], *parts[1:])
        for n, site in self.cat.candidates(lookup):
            tier = 0
            if site.constrained:
                ok = False
                if site.imports:
                    imp = self.src.is_imported_from(parts[0], site.imports)
                    ok = imp if imp is not None else self.src.imports_any(site.imports)
                if not ok and site.when_kwargs:
                    ok = any(k in kw for k in site.when_kwargs)
                if not ok:
                    continue
                tier = 1
            score = (n, tier)
            if score > best_score:
                best, best_score = site, score
        return best

    def library(self, site: Site | None, parts: tuple[str, ...], at: int) -> str:
        root = parts[0]
        module = self.src.imports.get(root) if root else None
        if module is None and root and root not in ("self", "cls"):
            module = self._module_of_variable(root, at)
        if module:
            label = self.cat.library_of(module)
            if label:
                return label
        if site is not None:
            for lib in site.libraries:
                if self.src.imports_any((lib,)):
                    return self.cat.library_of(lib) or lib
            return site.library
        return ""

    def _module_of_variable(self, root: str, at: int) -> str | None:
        """``client = OpenAI()``: the module the constructor of ``client`` came from."""
        found = self.src.lookup(root, at)
        if not isinstance(found, list) or not found or found[-1].value is None:
            return None
        value = found[-1].value
        if value.type == "await" and value.named_child_count:
            value = value.named_children[0]
        if value.type != "call":
            return None
        fn = value.child_by_field_name("function")
        if fn is None:
            return None
        inner = self.callee_parts(fn)
        if not inner or not inner[0]:
            return None
        return self.src.imports.get(inner[0])

    # -- context -------------------------------------------------------------

    def new_group(
        self,
        call: Node,
        fn: Node,
        parts: tuple[str, ...],
        site: Site | None,
        kw: dict[str, Node],
        pos: list[Node],
    ) -> Group:
        ctx = CallContext(library=self.library(site, parts, call.start_byte), call=self.short(fn))
        ctx.names = self.call_names(call)
        self.fill_context(ctx, site, kw, pos)
        deco = _decorator_of(call)
        if deco is not None and deco.parent is not None:
            # ``@llm.call(model=...)`` stacked on ``@prompt_template(...)``
            for other in deco.parent.named_children:
                if (
                    other.type == "decorator"
                    and other is not deco
                    and other.named_child_count
                    and other.named_children[0].type == "call"
                ):
                    okw, opos = self.arguments(other.named_children[0])
                    self.fill_context(ctx, None, okw, opos)
        group = Group(ctx)
        group.rows = self.src.node_rows(statement_of(call))
        return group

    def fill_context(
        self, ctx: CallContext, site: Site | None, kw: dict[str, Node], pos: list[Node]
    ) -> None:
        if ctx.model is None:
            for name in self.cat.model_kwargs:
                if name in kw:
                    ctx.model = self.model_of(kw[name], 0)
                    if self.model_searches(kw[name]) and _MODEL_SEARCH not in ctx.tools:
                        ctx.tools.append(_MODEL_SEARCH)
                    if ctx.model:
                        break
            if (
                ctx.model is None
                and site is not None
                and site.model_pos is not None
                and len(pos) > site.model_pos
            ):
                ctx.model = self.model_of(pos[site.model_pos], 0)
        if ctx.response_format is None:
            for name in self.cat.response_format_kwargs:
                if name in kw:
                    ctx.response_format = self.format_of(kw[name])
                    break
        for name in self.cat.tools_kwargs:
            if name in kw:
                for t in self.tools_of(kw[name]):
                    if t not in ctx.tools:
                        ctx.tools.append(t)
        if site is not None and site.agent and "name" in kw:
            v = self.ev.value(kw["name"])
            if v is not None and ps.has_content(v.segs) and not has_hole(v.segs):
                ctx.names.insert(0, ps.joined(v.segs))

    def short(self, node: Node) -> str:
        text = _WS.sub("", self.src.text(node))
        return text if len(text) <= 120 else text[:117] + "..."

    def call_names(self, call: Node) -> list[str]:
        names: list[str] = []
        cur = call
        parent = cur.parent
        while parent is not None and parent.type in ("await", "parenthesized_expression"):
            cur, parent = parent, parent.parent
        if parent is not None and parent.type == "assignment":
            left = parent.child_by_field_name("left")
            if left is not None and left.type in ("identifier", "attribute"):
                names.append(self.src.text(left))
        deco = _decorator_of(cur)
        if deco is not None and deco.parent is not None:
            definition = deco.parent.child_by_field_name("definition")
            if definition is not None:
                n = definition.child_by_field_name("name")
                if n is not None:
                    names.append(self.src.text(n))
        names.extend(self.src.enclosing_names(call.start_byte))
        return names

    def model_searches(self, node: Node) -> bool:
        """Whether a model's constructor lets it search the web itself
        (``Gemini(id=..., search=True)``): what it answers from is fetched."""
        target = self.ev.resolve(node) or node
        if target.type != "call":
            return False
        kw, _pos = self.arguments(target)
        return any(
            k in kw and kw[k].type not in ("false", "none") for k in self.cat.model_search_kwargs
        )

    def model_of(self, node: Node | None, depth: int) -> str | None:
        if node is None or depth > 3:
            return None
        target = self.ev.resolve(node) or node
        t = target.type
        if t in ("string", "concatenated_string", "binary_operator"):
            v = self.ev.value(target)
            if v is None or has_hole(v.segs):
                return None
            text = ps.joined(v.segs).strip()
            return text or None
        if t == "call":
            kw, pos = self.arguments(target)
            for name in (
                "model",
                "model_name",
                "model_id",
                "modelId",
                "id",  # agno's ``OpenAIChat(id="gpt-4o")``
                "deployment_name",
                "azure_deployment",
                "config_list",
                "llm",
            ):
                if name in kw:
                    return self.model_of(kw[name], depth + 1)
            fn = target.child_by_field_name("function")
            callee = self.src.text(fn) if fn is not None else ""
            if callee.endswith(("getenv", ".get")):  # os.getenv("MODEL", "gpt-4o"): the default
                default = kw.get("default") or (pos[1] if len(pos) > 1 else None)
                return self.model_of(default, depth + 1)
            return self.model_of(pos[0], depth + 1) if pos else None
        if t == "dictionary":
            values: list[Node] = []
            for key, value in self.pairs(target):
                if key in ("model", "model_name", "model_id", "modelId"):
                    return self.model_of(value, depth + 1)
                if value.type in ("list", "dictionary", "identifier"):
                    values.append(value)
            for value in values:
                found = self.model_of(value, depth + 1)
                if found:
                    return found
            return None
        if t == "list":
            for el in target.named_children:
                found = self.model_of(el, depth + 1)
                if found:
                    return found
        return None

    def format_of(self, node: Node) -> str | None:
        target = self.ev.resolve(node) or node
        text = self.src.text(target)
        if (
            target.type in ("dictionary", "string", "concatenated_string")
            and "json" in text.lower()
        ):
            return "json"
        if target.type in ("none", "false"):
            return None
        text = _WS.sub(" ", text).strip()
        return text[:80] if text else None

    def tools_of(self, node: Node) -> list[str]:
        target = self.ev.resolve(node) or node
        if target.type == "call":
            # tools=ExaSearchTool.tools(): the toolkit names them, and
            # tools=toolkit.get_tools() the class toolkit was made from
            fn = target.child_by_field_name("function")
            if fn is None:
                return []
            names = [self.src.text(fn)]
            obj = fn.child_by_field_name("object") if fn.type == "attribute" else None
            ctor = self._made_by(obj) if obj is not None else None
            return [*names, ctor] if ctor else names
        if target.type not in ("list", "tuple"):
            return []
        out = []
        for el in target.named_children:
            if el.type in ("identifier", "attribute"):
                out.append(self.src.text(el).split(".")[-1])
                # research_tools = ParallelTools(...): the class names it too
                ctor = self._made_by(el)
                if ctor:
                    out.append(ctor)
            elif el.type == "call":
                kw, pos = self.arguments(el)
                if pos and pos[0].type in ("identifier", "attribute"):
                    out.append(self.src.text(pos[0]).split(".")[-1])
                elif "name" in kw:
                    v = self.ev.value(kw["name"])
                    if v is not None and not has_hole(v.segs):
                        out.append(ps.joined(v.segs))
                else:
                    fn = el.child_by_field_name("function")
                    if fn is not None:
                        out.append(self.src.text(fn).split(".")[-1])
            elif el.type == "dictionary":
                name = self._tool_dict_name(el)
                if name:
                    out.append(name)
            elif el.type == "string":
                v = self.ev.value(el)
                if v is not None and not has_hole(v.segs):
                    out.append(ps.joined(v.segs))
        return out

    def _made_by(self, node: Node) -> str | None:
        """The class (or function) a name was made by: ``t = Search()`` -> Search."""
        made = self.ev.resolve(node) if node.type == "identifier" else None
        fn = (
            made.child_by_field_name("function")
            if made is not None and made.type == "call"
            else None
        )
        return self.src.text(fn).split(".")[-1] if fn is not None else None

    def _tool_dict_name(self, d: Node) -> str | None:
        for key, value in self.pairs(d):
            if key == "name":
                v = self.ev.value(value)
                if v is not None and not has_hole(v.segs):
                    return ps.joined(v.segs)
            if key == "function" and value.type == "dictionary":
                return self._tool_dict_name(value)
        for key, value in self.pairs(d):
            if key == "type":  # a built-in tool: {"type": "code_interpreter"}
                v = self.ev.value(value)
                if v is not None and not has_hole(v.segs):
                    return ps.joined(v.segs)
        return None

    # -- sites ---------------------------------------------------------------

    def site_group(
        self,
        call: Node,
        fn: Node,
        parts: tuple[str, ...],
        site: Site,
        kw: dict[str, Node],
        pos: list[Node],
        group: Group | None,
    ) -> Group:
        self.processed.add(call.start_byte)
        if group is not None and self._site_depth > _MAX_SITE_DEPTH:
            return group
        self._site_depth += 1
        try:
            return self._site_group(call, fn, parts, site, kw, pos, group)
        finally:
            self._site_depth -= 1

    def _site_group(
        self,
        call: Node,
        fn: Node,
        parts: tuple[str, ...],
        site: Site,
        kw: dict[str, Node],
        pos: list[Node],
        group: Group | None,
    ) -> Group:
        if group is None:
            group = self.new_group(call, fn, parts, site, kw, pos)
        else:
            self.fill_context(group.ctx, site, kw, pos)
        syntax = self.site_syntax(site, kw)
        if site.kind == "message":
            self.message_site(call, site, kw, pos, group, site.kind, None)
        elif site.kind == "crewai_agent":
            self.crewai_agent(kw, group)
        elif site.kind == "crewai_task":
            self.crewai_task(kw, group)
        else:
            handled: set[str] = set()
            for spec in site.args:
                node = None
                if spec.kw and spec.kw in kw:
                    node = kw[spec.kw]
                elif spec.pos is not None and len(pos) > spec.pos:
                    node = pos[spec.pos]
                if spec.kw:
                    handled.add(spec.kw)
                if node is None:
                    continue
                label = spec.label or spec.kw or f"args[{spec.pos}]"
                self.shaped(node, spec.shape, spec.role, label, syntax, site.sections, group)
            if site.runs_agent:
                self.runs(call, fn, site, kw, pos, group)
            for name, node in kw.items():
                role = self.cat.generic_kwargs.get(name)
                if role and name not in handled:
                    self.text_msg(node, role, name, syntax, None, group)
        if site.agent or site.kind == "crewai_agent":
            group.agent = call.start_byte
        if site.kind == "crewai_task" and "agent" in kw:
            agent = self.agent_call(kw["agent"])
            if agent is not None:
                group.runs.append(agent)
        return group

    def site_syntax(self, site: Site, kw: dict[str, Node]) -> str | None:
        syntax = site.syntax
        if site.syntax_kw and site.syntax_kw in kw:
            v = self.ev.value(kw[site.syntax_kw])
            if v is not None and not has_hole(v.segs):
                syntax = _TEMPLATE_FORMATS.get(ps.joined(v.segs).strip().lower(), syntax)
        return syntax

    def shaped(
        self,
        node: Node,
        shape: str,
        role: str,
        label: str,
        syntax: str | None,
        sections: str | None,
        group: Group,
    ) -> None:
        if shape == "messages":
            self.messages(
                node, group, syntax, label, role if role != "unknown" else "user", sections
            )
        elif shape == "input":
            target = self.ev.resolve(node) or node
            if target.type in ("list", "tuple"):
                self.messages(target, group, syntax, label, role)
            else:
                self.text_msg(node, role, label, syntax, sections, group)
        elif shape == "contents":
            self.contents(node, role, label, syntax, group)
        elif shape == "config":
            self.config(node, group, label)
        else:
            self.text_msg(node, role, label, syntax, sections, group)

    def _is_site(self, call: Node) -> bool:
        read = self.read_call(call)
        return read is not None and self.select(read[1], read[2]) is not None

    def nested_site(self, node: Node, group: Group) -> Site | None:
        """Read a call that is itself a catalogued site into ``group``."""
        read = self.read_call(node)
        if read is None:
            return None
        fn, parts, kw, pos = read
        site = self.select(parts, kw)
        if site is None:
            return None
        self.site_group(node, fn, parts, site, kw, pos, group)
        return site

    def runs(
        self, call: Node, fn: Node, site: Site, kw: dict[str, Node], pos: list[Node], group: Group
    ) -> None:
        """``agent.run("...")``, ``Runner.run(agent, ...)``, ``a.initiate_chat(b, message=)``."""
        targets: list[Node] = []
        receiver = fn.child_by_field_name("object") if fn.type == "attribute" else None
        if site.runs_agent == "pos0" and pos:
            targets.append(pos[0])
            if receiver is not None:
                targets.append(receiver)
        elif site.runs_agent == "receiver" and receiver is not None:
            targets.append(receiver)
        found = False
        for t in targets:
            agent = self.agent_call(t)
            members = [agent] if agent is not None else self.team_members(t)
            group.runs.extend(members)
            found = found or bool(members)
        if (
            site.runs_agent == "receiver"
            and found
            and pos
            and not any(k in kw for k in ("task", "user_prompt", "message"))
            and not any(spec.pos == 0 for spec in site.args)
        ):
            self.text_msg(pos[0], "user", "input", None, None, group)

    def team_members(self, node: Node) -> list[int]:
        """The agents of a team, a workflow or a swarm an expression stands
        for that running it gives the task to (the catalogue's ``teams``):
        every one of ``ConcurrentWorkflow(agents=[a, b])`` or
        ``RoundRobinGroupChat([a, b])``, the first of ``SequentialWorkflow``."""
        target = self.ev.resolve(node) or node
        if target.type != "call":
            return []
        read = self.read_call(target)
        kind = self.cat.teams.get(read[1][-1]) if read is not None else None
        if kind is None:
            return []  # a router, a director: each agent's own task is not in the code
        kw, pos = self.arguments(target)
        if kind == "first" and "flow" in kw:
            # ``AgentRearrange(flow="b -> a")``: the flow says who is first, not the list
            return []
        lists = [kw[k] for k in _TEAM_KEYWORDS if k in kw]
        if not lists and pos:
            lists = [pos[0]]
        out = []
        for found in lists:
            items = self.ev.resolve(found) or found
            if items.type not in ("list", "tuple"):
                continue
            members = [el for el in items.named_children if el.type != "comment"]
            if kind == "first" and members:
                first = self.agent_call(members[0])
                if read is not None and read[1][-1] in self.cat.ordered_teams:
                    # the others work on what came before them (an agent
                    # that is also the first is handed the task as well)
                    for el in members[1:_MAX_TEAM]:
                        later = self.agent_call(el)
                        if later is not None and later != first:
                            self.reg.fed.add(later)
                return [first] if first is not None else []
            for el in members[:_MAX_TEAM]:
                agent = self.agent_call(el)
                if agent is not None:
                    out.append(agent)
        return out

    def agent_call(self, node: Node) -> int | None:
        """The agent constructor call an expression stands for, if this module has it."""
        target: Node | None = node
        for _ in range(4):
            if target is None:
                return None
            if target.type == "call":
                read = self.read_call(target)
                if read is None:
                    return None
                _fn, parts, kw, _pos = read
                site = self.select(parts, kw)
                if site is not None and (site.agent or site.kind == "crewai_agent"):
                    return int(target.start_byte)
                funcs = self.src.functions.get(parts[-1])
                if funcs and len(funcs) == 1 and (len(parts) == 1 or parts[0] in ("self", "cls")):
                    returns = returns_of(funcs[0].node)
                    target = returns[0] if len(returns) == 1 else None
                    continue
                return None
            if target.type in ("identifier", "attribute"):
                resolved = self.ev.resolve(target)
                if (
                    resolved is None
                    or resolved is target
                    or (resolved.start_byte == target.start_byte and resolved.type == target.type)
                ):
                    return None
                target = resolved
                continue
            if target.type == "await" and target.named_child_count:
                target = target.named_children[0]
                continue
            return None
        return None

    # -- message shapes ----------------------------------------------------------

    def messages(
        self,
        node: Node,
        group: Group,
        syntax: str | None,
        label: str,
        default_role: str,
        sections: str | None = None,
    ) -> None:
        target = self.ev.resolve(node) or node
        if target.type == "call" and node.type == "call":
            fn = target.child_by_field_name("function")
            if fn is not None and fn.type == "identifier":
                returned = self.ev.function_return(self.src.text(fn), target.start_byte)
                if returned is not None and returned.type in ("list", "tuple"):
                    target = returned
        if target.type in ("list", "tuple"):
            self.claimed.add(target.start_byte)
            # ``messages = [system]; messages.append({"role": "user", ...})``
            # then ``messages=messages``: what was appended is sent too
            grown = (
                self.ev.list_growth(node)
                if target.type == "list" and node.type == "identifier"
                else []
            )
            index = 0
            for el in [*target.named_children, *grown]:
                if el.type == "comment":
                    continue
                self.message(el, group, f"{label}[{index}]", syntax, default_role)
                index += 1
            return
        if target.type == "call":
            self.message(target, group, label, syntax, default_role)
            if node.type == "identifier":
                # ``history = ChatHistory(); history.add_user_message(q)``,
                # then ``chat_history=history``: what was added is sent too
                for added in self.added_messages(node):
                    self.message(added, group, label, syntax, default_role)
            return
        self.text_msg(node, default_role, label, syntax, sections, group)

    def added_messages(self, node: Node) -> list[Node]:
        """The calls of a catalogued message site made on the object ``node``
        names (``history.add_user_message(q)``): those in the scope that
        makes the object, and those before the use in the function that
        sends it (a module's history is sent by its functions)."""
        found = self.src.lookup(self.src.text(node), node.start_byte)
        if not isinstance(found, list) or not found:
            return []
        maker = self.src.function_at(found[0].pos)
        sender = self.src.function_at(node.start_byte)
        out: list[Node] = []
        for call, _method, _first in self.ev.method_calls(node, found[0].pos, (maker, sender)):
            if len(out) >= _MAX_ADDED:
                break
            read = self.read_call(call)
            site = self.select(read[1], read[2]) if read is not None else None
            if site is not None and site.kind == "message":
                out.append(call)
        return out

    def message(
        self, el: Node, group: Group, label: str, syntax: str | None, default_role: str
    ) -> None:
        if el.type in ("list_splat", "dictionary_splat"):
            return
        target = self.ev.resolve(el) or el if el.type in ("identifier", "attribute") else el
        if target is not el and target.type != "string":
            before = len(group.msgs)
            self.message(target, group, label, syntax, default_role)
            name = self.src.text(el)
            for m in group.msgs[before:]:
                if name not in m.names:
                    m.names.insert(0, name)
            return
        t = target.type
        if t == "dictionary":
            self.dict_message(target, group, label, syntax)
        elif t in ("tuple", "list"):
            items = [c for c in target.named_children if c.type != "comment"]
            if len(items) == 2:
                role = self.role_value(items[0])
                if role is None:
                    return
                self.claimed.add(target.start_byte)
                self.text_msg(items[1], role, label, syntax, None, group)
        elif t == "call":
            fn = target.child_by_field_name("function")
            if fn is None:
                return
            parts = self.callee_parts(fn)
            if parts is None:
                return
            kw, pos = self.arguments(target)
            if parts == ("dict",) and "role" in kw:
                self.processed.add(target.start_byte)
                role = self.role_value(kw["role"])
                if role is not None and "content" in kw:
                    self.text_msg(kw["content"], role, f"{label}.content", syntax, None, group)
                return
            site = self.select(parts, kw)
            if site is not None and site.kind == "message":
                self.processed.add(target.start_byte)
                self.message_site(target, site, kw, pos, group, label, syntax)
            elif site is not None:
                self.site_group(target, fn, parts, site, kw, pos, group)
            elif "role" in kw and ("parts" in kw or "content" in kw):
                role = self.role_value(kw["role"])
                if role is not None:
                    self.processed.add(target.start_byte)
                    body = kw.get("parts") or kw["content"]
                    self.text_msg(body, role, f"{label}.content", syntax, None, group)
        elif t in (
            "string",
            "concatenated_string",
            "binary_operator",
            "call",
            "identifier",
            "attribute",
        ):
            self.text_msg(el, default_role, label, syntax, None, group)

    def dict_message(self, d: Node, group: Group, label: str, syntax: str | None) -> None:
        pairs = dict(self.pairs(d))
        self.claimed.add(d.start_byte)
        role = self.role_value(pairs["role"]) if "role" in pairs else "user"
        if role is None:
            return
        for key in CONTENT_KEYS:
            if key in pairs:
                self.text_msg(pairs[key], role, f"{label}.{key}", syntax, None, group)
                return

    def message_site(
        self,
        call: Node,
        site: Site,
        kw: dict[str, Node],
        pos: list[Node],
        group: Group,
        label: str,
        syntax: str | None,
    ) -> None:
        self.processed.add(call.start_byte)
        role: str | None = site.role
        if site.role_kw and site.role_kw in kw:
            role = self.role_value(kw[site.role_kw])
        elif site.role_kw and site.role_kw == "role" and pos and site.role == "unknown":
            role = self.role_value(pos[0])
        if role is None:
            return
        own = self.site_syntax(site, kw)
        content: Node | None = None
        for where in site.content:
            if isinstance(where, int):
                if len(pos) > where:
                    content = pos[where]
                    break
            elif where in kw:
                content = kw[where]
                break
        if content is None:
            return
        arg = label if label != "message" else (site.content[0] if site.content else "content")
        self.text_msg(content, role, str(arg), own or syntax, site.sections, group)

    def role_value(self, node: Node) -> str | None:
        target = self.ev.resolve(node) or node
        if target.type == "attribute":
            attr = target.child_by_field_name("attribute")
            name = self.src.text(attr).lower() if attr is not None else ""
            return ROLE_NAMES.get(name)
        v = self.ev.value(target)
        if v is None or has_hole(v.segs):
            return "unknown"
        return ROLE_NAMES.get(ps.joined(v.segs).strip().lower())

    def dict_pairs(self, d: Node) -> list[tuple[str, Node]]:
        """:meth:`pairs` of a dict literal of the module, read once: the flow
        learner, loose messages and prompt-named keys each read every dict."""
        found = self._dict_pairs.get(d.start_byte)
        if found is None:
            found = self._dict_pairs[d.start_byte] = list(self.pairs(d))
        return found

    def pairs(self, d: Node) -> Iterable[tuple[str, Node]]:
        for pair in d.named_children:
            if pair.type != "pair":
                continue
            key = pair.child_by_field_name("key")
            value = pair.child_by_field_name("value")
            if key is None or value is None or key.type != "string":
                continue
            raw = self.src.text(key)
            if _PLAIN_KEY.fullmatch(raw):  # "role", 'content': no prefix, escape or hole
                yield raw[1:-1], value
                continue
            k = self.ev.value(key)
            if k is None or has_hole(k.segs):
                continue
            yield ps.joined(k.segs), value

    def contents(self, node: Node, role: str, label: str, syntax: str | None, group: Group) -> None:
        target = self.ev.resolve(node) or node
        if target.type in ("list", "tuple"):
            items = [c for c in target.named_children if c.type != "comment"]
            if items and all(i.type in ("string", "concatenated_string") for i in items):
                self.text_msg(target, role, label, syntax, None, group)
            else:
                self.messages(target, group, syntax, label, role)
            return
        if target.type in ("dictionary", "call"):
            self.message(target, group, label, syntax, role)
            return
        self.text_msg(node, role, label, syntax, None, group)

    def config(self, node: Node, group: Group, label: str) -> None:
        target = self.ev.resolve(node) or node
        if target.type == "call":
            self.nested_site(target, group)
        elif target.type == "dictionary":
            self.claimed.add(target.start_byte)
            for key, value in self.pairs(target):
                if key in ("system_instruction", "systemInstruction"):
                    self.text_msg(value, "system", f"{label}.{key}", None, None, group)
                elif key in ("response_mime_type", "response_schema", "response_format"):
                    group.ctx.response_format = group.ctx.response_format or self.format_of(value)
                elif key == "tools":
                    group.ctx.tools.extend(
                        t for t in self.tools_of(value) if t not in group.ctx.tools
                    )

    # -- text ------------------------------------------------------------------------

    def text_msg(
        self,
        node: Node,
        role: str,
        label: str,
        syntax: str | None,
        sections: str | None,
        group: Group,
    ) -> None:
        """Add the text of ``node`` as one message of ``group`` (or several, by role)."""
        if node.type == "lambda":
            # ``instructions=lambda ctx, agent: "..."``, ``dynamic_prompt(lambda
            # request: ...)``: a function that returns the text sent, each time
            body = node.child_by_field_name("body")
            if body is None:
                return
            node = body
        if node.type in ("identifier", "attribute"):
            resolved = self.ev.resolve(node)
            if resolved is not None and resolved.type == "call" and self._is_site(resolved):
                before = len(group.msgs)
                self.text_msg(resolved, role, label, syntax, sections, group)
                name = self.src.text(node)
                for m in group.msgs[before:]:
                    if name not in m.names:
                        m.names.insert(0, name)
                return
        if node.type == "call":
            fn = node.child_by_field_name("function")
            parts = self.callee_parts(fn) if fn is not None else None
            if parts is not None and fn is not None:
                kw, pos = self.arguments(node)
                site = self.select(parts, kw)
                if site is not None and site.kind == "message":
                    self.processed.add(node.start_byte)
                    sub_role = site.role if site.role != "unknown" else role
                    if site.role_kw and site.role_kw in kw:
                        sub_role = self.role_value(kw[site.role_kw]) or role
                    for where in site.content:
                        content = (
                            pos[where]
                            if isinstance(where, int) and len(pos) > where
                            else kw.get(where)
                            if isinstance(where, str)
                            else None
                        )
                        if content is not None:
                            self.text_msg(
                                content,
                                sub_role,
                                label,
                                self.site_syntax(site, kw) or syntax,
                                site.sections,
                                group,
                            )
                            return
                    return
                if site is not None and site.kind == "call":
                    self.site_group(node, fn, parts, site, kw, pos, group)
                    return
        self.note_media(node, group)
        value = self.content_value(node, 0)
        if value is None:
            return
        self.add_msg(group, value, role, label, syntax, sections)

    def note_media(self, node: Node, group: Group) -> None:
        """Content parts that send an image, audio or a file beside the text
        (``{"type": "input_audio", ...}``): material the request works on."""
        target = node
        if node.type in ("identifier", "attribute"):
            target = self.ev.resolve(node) or node
        if target.type not in ("list", "tuple"):
            return
        for el in target.named_children:
            if el.type != "dictionary":
                continue
            kind = dict(self.dict_pairs(el)).get("type")
            v = self.ev.value(kind) if kind is not None else None
            if v is None or has_hole(v.segs):
                continue
            media = self.cat.media_parts.get(ps.joined(v.segs).strip())
            if media and media not in group.ctx.attachments:
                group.ctx.attachments.append(media)

    def add_msg(
        self,
        group: Group,
        value: Value,
        role: str,
        label: str,
        syntax: str | None,
        sections: str | None,
    ) -> None:
        segs = value.segs
        applied = value.syntax if value.syntax in ("format", "percent") else None
        final = applied
        if applied is None:
            # an f-string's own braces are already decoded: guess only for plain strings
            chosen = syntax or (None if value.fstring else ps.detect_syntax(ps.joined(segs)))
            if chosen:
                segs = ps.apply_template(segs, chosen, self.text)
            final = chosen or ("fstring" if value.fstring else None)
        if sections:
            found = ps.role_sections(ps.joined(value.segs), sections)
            if found:
                base = value.segs
                for sec_role, a, b in found:
                    part = ps.slice_segs(base, a, b, self.text)
                    if final and final != "fstring":
                        part = ps.apply_template(part, final, self.text)
                    group.msgs.append(
                        Msg(
                            ROLE_NAMES.get(sec_role, "unknown"),
                            part,
                            label,
                            final,
                            list(value.names),
                        )
                    )
                return
        group.msgs.append(Msg(role, segs, label, final, list(value.names)))

    def content_value(self, node: Node, depth: int) -> Value | None:
        """Text of a string expression, a list of strings, or content blocks."""
        if depth > 3:
            return None
        target = node
        grown: list[Node] = []
        if node.type in ("identifier", "attribute"):
            resolved = self.ev.resolve(node)
            if resolved is not None and resolved.type in ("list", "tuple", "dictionary"):
                target = resolved
                if resolved.type == "list":
                    # ``parts = []; parts.append("""...""")`` then ``content=parts``
                    grown = self.ev.list_growth(node)
        t = target.type
        if t in ("list", "tuple"):
            parts: list[Value] = []
            for el in [*target.named_children, *grown]:
                if el.type == "comment":
                    continue
                v = self.block_value(el, depth + 1)
                if v is not None:
                    parts.append(v)
            if not parts:
                return None
            self.claimed.add(target.start_byte)
            return joined_values(parts, "\n")
        if t == "dictionary":
            return self.block_value(target, depth + 1)
        if t == "call":
            v = self.call_content(target, depth + 1)
            if v is not None:
                return v
        return self.ev.value(node)

    def block_value(self, el: Node, depth: int) -> Value | None:
        t = el.type
        if t == "dictionary":
            self.claimed.add(el.start_byte)
            pairs = dict(self.pairs(el))
            if "text" in pairs:
                return self.ev.value(pairs["text"])
            for key in ("parts", "content"):
                if key in pairs:
                    return self.content_value(pairs[key], depth + 1)
            return None
        if t == "call":
            # a content part (``TextBlock(text=...)``), else text a call
            # makes of strings (``SYSTEM.format(lang=lang)``), as a content
            # that is no list is read
            found = self.call_content(el, depth + 1)
            return found if found is not None else self.ev.value(el)
        if t in ("list", "tuple"):
            return self.content_value(el, depth + 1)
        v = self.ev.value(el)
        return v

    def call_content(self, call: Node, depth: int) -> Value | None:
        read = self.read_call(call)
        if read is None:
            return None
        _fn, parts, kw, pos = read
        if "text" in kw:
            self.processed.add(call.start_byte)
            return self.ev.value(kw["text"])
        if parts[-1] in _TEXT_CALLS and pos:
            self.processed.add(call.start_byte)
            return self.ev.value(pos[0])
        if "parts" in kw:
            self.processed.add(call.start_byte)
            return self.content_value(kw["parts"], depth + 1)
        return None

    # -- CrewAI ------------------------------------------------------------------------

    def crewai_agent(self, kw: dict[str, Node], group: Group) -> None:
        """One system prompt, in the order CrewAI renders it: role, backstory, goal."""
        pieces: list[tuple[str, str]] = [
            ("You are ", "role"),
            (". ", "backstory"),
            ("\nYour personal goal is: ", "goal"),
        ]
        segs: Segs = []
        names: list[str] = []
        labels = []
        for glue, key in pieces:
            node = kw.get(key)
            if node is None:
                continue
            v = self.content_value(node, 0)
            if v is None:
                continue
            if key == "backstory" and "role" not in kw:
                glue = ""
            segs.append(Seg(SEP, glue, -1, -1))
            segs.extend(v.segs)
            names.extend(v.names)
            labels.append(key)
        if not labels:
            return
        value = Value(segs, None, False, names)
        self.add_msg(group, value, "system", "+".join(labels), None, None)
        for key in ("system_template", "prompt_template"):
            if key in kw:
                self.text_msg(kw[key], "system", key, None, None, group)

    def crewai_task(self, kw: dict[str, Node], group: Group) -> None:
        segs: Segs = []
        names: list[str] = []
        labels = []
        for glue, key in (
            ("", "description"),
            ("\n\nThis is the expected criteria for your final answer: ", "expected_output"),
        ):
            node = kw.get(key)
            if node is None:
                continue
            v = self.content_value(node, 0)
            if v is None:
                continue
            if glue and segs:
                segs.append(Seg(SEP, glue, -1, -1))
            segs.extend(v.segs)
            names.extend(v.names)
            labels.append(key)
        if labels:
            self.add_msg(
                group, Value(segs, None, False, names), "user", "+".join(labels), None, None
            )

    # -- MetaGPT ----------------------------------------------------------------------

    def metagpt_roles(self) -> None:
        """Each ``Role`` subclass's prefix, as the system prompt of the calls
        its class and its actions' classes make (:mod:`metagpt_roles`)."""
        roles = metagpt_roles.roles_of(self.src)
        if not roles:
            return
        self.role_scopes = metagpt_roles.scopes(self.src, roles)
        for role in roles:
            segs: Segs = []
            names: list[str] = [role.name, *role.actions]  # what it runs says what it does
            labels = []
            for glue, key in metagpt_roles.PREFIX:
                node = role.fields.get(key)
                v = self.content_value(node, 0) if node is not None else None
                if v is None:
                    continue
                body = v.segs
                if key == "profile":
                    body = metagpt_roles.camel_words(body)
                elif key == "name":  # a person's name, written before the profile:
                    # the persona's span is the profile's, not back to the name
                    body = [metagpt_roles.glue(ps.joined(body))]
                if not segs and key != "profile":
                    continue  # no profile read: no "You are"
                segs.append(metagpt_roles.glue(glue))
                segs.extend(body)
                names.extend(v.names)
                labels.append(key)
            if not labels:
                continue
            group = Group(CallContext(library="metagpt", call=f"{role.name}(Role)"))
            group.ctx.names = names
            group.rows = self.src.node_rows(role.fields["profile"])
            group.agent = role.node.start_byte
            segs.append(metagpt_roles.glue(". "))
            self.add_msg(
                group, Value(segs, None, False, []), "system", "+".join(labels), None, None
            )
            self.reg.emit(group)

    def role_runs(
        self, call: Node, site: Site, kw: dict[str, Node], pos: list[Node], group: Group
    ) -> None:
        """A call inside a MetaGPT role's class or its actions' is sent with the
        role's prefix, unless it is given a system message of its own
        (``_aask(prompt, system_msgs=[...])``), which MetaGPT sends instead."""
        for spec in site.args:
            if spec.role == "system" and (
                (spec.kw and spec.kw in kw) or (spec.pos is not None and len(pos) > spec.pos)
            ):
                return
        roles = [role for a, b, role in self.role_scopes if a <= call.start_byte < b]
        if roles:
            group.runs.extend(roles)
            group.apart = True

    # -- calls that match no site ----------------------------------------------------

    def generic(
        self, call: Node, fn: Node, parts: tuple[str, ...], kw: dict[str, Node], pos: list[Node]
    ) -> None:
        """Prompt keywords on any call, positional prompts of same-module wrappers."""
        wants: list[tuple[Node, str, str]] = []  # (node, role, label)
        for name, node in kw.items():
            role = self.cat.generic_kwargs.get(name)
            if role:
                wants.append((node, role, name))
        wants.extend((kw[name], "user", name) for name in self.cat.user_turn_keywords(kw))
        if "messages" in kw and self.holds_roles(kw["messages"]):
            # chat messages handed to any call (a project's own client, a
            # wrapper of another module): the roles say they are a prompt
            wants.append((kw["messages"], MESSAGES, "messages"))
        func_params = self.wrapper_params(parts)
        if func_params:
            seen = {w[2] for w in wants}
            for i, node in enumerate(pos):
                if i < len(func_params):
                    pname = func_params[i]
                    role = self.param_role(pname)
                    if role and pname not in seen:
                        wants.append((node, role, pname))
            for name, node in kw.items():
                if name in func_params and name not in seen:
                    role = self.param_role(name)
                    if role:
                        wants.append((node, role, name))
        if self.extra:
            # ``from myapp.llm import ask [as q]``, ``import myapp.llm as llm``:
            # matched as the dotted name they were imported from too
            module = self.src.imports.get(parts[0]) if parts[0] else None
            spelled = (*module.split("."), *parts[1:]) if module else parts
            extras = {*self.extra.get(parts[-1], ()), *self.extra.get(spelled[-1], ())}
            for extra_parts, role in sorted(extras):
                n = len(extra_parts)
                if pos and (parts[-n:] == extra_parts or spelled[-n:] == extra_parts):
                    wants.append((pos[0], role, "args[0]"))
        if not wants:
            return
        if self.cat.excluded(parts):
            return
        group = self.new_group(call, fn, parts, None, kw, pos)
        for node, role, label in wants:
            if role == MESSAGES:
                self.messages(node, group, None, label, "user")
            else:
                self.text_msg(node, role, label, None, None, group)
        if func_params:  # the wrapper's other text arguments: context, not prompts
            used = {id(w[0]) for w in wants}
            for node in [*pos, *kw.values()]:
                if id(node) in used:
                    continue
                v = self.ev.value(node)
                if v is not None and ps.has_content(v.segs):
                    group.msgs.append(Msg("user", [Seg(SEP, ps.joined(v.segs), -1, -1)], "context"))
        if any(ps.has_content(m.segs) for m in group.msgs):
            self.processed.add(call.start_byte)
            self.reg.emit(group)

    def holds_roles(self, node: Node) -> bool:
        """Whether a list reads as chat messages: an item says its role."""
        target = self.ev.resolve(node) or node
        if target.type not in ("list", "tuple"):
            return False
        for el in target.named_children[:16]:
            item = self.ev.resolve(el) or el if el.type == "identifier" else el
            if item.type == "dictionary" and any(k == "role" for k, _v in self.pairs(item)):
                return True
            if item.type == "call":
                read = self.read_call(item)
                if read is None:
                    continue
                _fn, parts, kw, _pos = read
                site = self.select(parts, kw)
                if (parts == ("dict",) and "role" in kw) or (
                    site is not None and site.kind == "message"
                ):
                    return True
        return False

    def wrapper_params(self, parts: tuple[str, ...]) -> list[str] | None:
        if len(parts) > 2 or (len(parts) == 2 and parts[0] not in ("self", "cls")):
            return None
        funcs = self.src.functions.get(parts[-1])
        if not funcs or len({tuple(f.params) for f in funcs}) != 1:
            return None
        fn = funcs[0]
        params = list(fn.params)
        if fn.is_method and params and params[0] in ("self", "cls"):
            params = params[1:]
        return params

    def param_role(self, name: str) -> str | None:
        role = self.cat.generic_kwargs.get(name)
        if role:
            return role
        if self.name_re.match(name):
            return self.name_role(name)
        return None

    def name_role(self, name: str) -> str:
        return name_role(self.cat, name)


def _decorator_of(node: Node) -> Node | None:
    cur = node
    while cur is not None and cur.type not in ("decorator", "module", "block"):
        cur = cur.parent
    return cur if cur is not None and cur.type == "decorator" else None


def has_hole(segs: Segs) -> bool:
    return any(s.kind == ps.HOLE_KIND for s in segs)
