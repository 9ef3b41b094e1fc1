"""Find prompts at JavaScript/TypeScript call sites and in prompt-named constants.

Calls are matched against :mod:`javascript_catalogue` by the dotted suffix of
their callee; each prompt-bearing property of the options object is read by
its shape (text, messages, content blocks, config). Values go through the
evaluator, so constants, template literals, ``+`` and ``join`` are folded the
same way everywhere.
"""

from __future__ import annotations

import re
from collections import Counter

from prism_lint.extract import ExtractOptions
from prism_lint.extract.javascript.catalogue import (
    GENERIC_EXCLUDE,
    GENERIC_KEYS,
    MEDIA_PARTS,
    MODEL_KEYS,
    RESPONSE_FORMAT_KEYS,
    TOOLS_KEYS,
    Catalogue,
    Site,
    library_of,
)
from prism_lint.extract.javascript.flow import JS, Flow, flow_tier, is_project_module, sinks_of
from prism_lint.extract.javascript.fragments import shared_fragments
from prism_lint.extract.javascript.source import (
    FUNCTION_TYPES,
    TRANSPARENT,
    Node,
    Source,
    unwrap,
)
from prism_lint.extract.javascript.units import Registry
from prism_lint.extract.javascript.values import Evaluator, Value, join, returns_of
from prism_lint.extract.python.flow import MAX_IMPORTS, MESSAGES, Table, Wrapper
from prism_lint.extract.shared import segments
from prism_lint.extract.shared.opening import (
    MAX_LEAD,
    Uses,
    goes_on,
    opens_with_persona,
    shows,
    written_names,
)
from prism_lint.extract.shared.segments import concat, merged_names
from prism_lint.extract.shared.sites import (
    ROLE_NAMES,
    FinderBase,
    name_role,
)
from prism_lint.extract.shared.tree_source import Binding
from prism_lint.extract.shared.units import Group, Msg, worded
from prism_lint.model import CallContext

_TUPLE_ROLES = frozenset({"system", "human", "user", "ai", "assistant", "developer"})
_CONTENT_KEYS = ("content", "parts", "text", "message", "prompt")
_TEMPLATE_FORMATS = {"f-string": "format", "mustache": "mustache", "jinja2": "jinja"}
_RUN_METHODS = frozenset(
    {"generate", "stream", "invoke", "run", "respond", "streamVNext", "generateVNext"}
)
_WS = re.compile(r"\s+")
_GENERIC_WORDS = re.compile(r"\b(?:" + "|".join(GENERIC_KEYS) + r")\b")
# Arguments that may be (or name) an options object.
_OPTION_ARGS = frozenset({"object", "identifier", *TRANSPARENT})
_MAX_NESTING = 16
# A GenAIScript script (``*.genai.mjs``...) writes its prompt with the ``$``
# template tag: every ``$`...``` of one scope (the script, or one
# ``runPrompt((_) => ...)`` callback's ``_.$``) adds to one user prompt.
_GENAISCRIPT = re.compile(r"\.genai\.[cm]?[jt]s$")
_MAX_ARG_WALK = 200  # nodes of a call's arguments looked through for a persona cue

NodeKey = tuple[int, int]


def _k(node: Node) -> NodeKey:
    return (node.start_byte, node.end_byte)


class SiteFinder(FinderBase[Source, Evaluator, Catalogue, Registry]):
    """Walks one file's calls and constants and fills a :class:`Registry`."""

    def __init__(
        self, src: Source, ev: Evaluator, cat: Catalogue, reg: Registry, options: ExtractOptions
    ) -> None:
        super().__init__(src, ev, cat, reg, options)
        self.nesting = 0  # messages inside messages being read, against deep nesting
        self._uses: Uses | None = None  # how the module uses its names, once asked
        self.processed: set[NodeKey] = set()  # calls already read
        self.claimed: set[NodeKey] = set()  # object and array literals already read
        # Whether any property could carry a prompt on an unknown call (a C-speed
        # check that spares resolving the arguments of every call).
        self.generic_possible = (
            any(key in self.text for key in GENERIC_KEYS)  # most files: no pattern run
            and _GENERIC_WORDS.search(self.text) is not None
        )
        self.flow = Flow()  # names this file sends, for the project's table
        self.learned: Table | None = None
        # the file's wrappers, once its calls were read; calls that may be to
        # one wait for them
        self.wrappers: dict[str, Wrapper] | None = None
        self.deferred: list[Node] = []
        # GenAIScript's prompt templates, by the scope they are written in
        self.tagged: dict[int, list[tuple[Node, Node, Node]]] | None = (
            {} if _GENAISCRIPT.search(src.doc.path) else None
        )

    # ======================================================================
    # Phases
    # ======================================================================

    def run(self) -> None:
        caps = self.src.captures
        for call in caps.get("call", ()):
            if _k(call) not in self.processed:
                self.call(call)
        self.wrappers = self.flow.wrappers(self)
        for call in self.deferred:
            if _k(call) not in self.processed:
                self.call(call)
        if self.tagged:
            self.script_prompts(self.tagged)
        for obj in caps.get("object", ()):
            self.loose_object(obj)
        for arr in caps.get("array", ()):
            self.loose_pair(arr)
        from prism_lint.extract.python import flow as python_flow

        sinks = sinks_of(python_flow.PROJECT, self.flow.table)
        shared_fragments(self, sinks)
        flow_tier(self, sinks)
        self.learned = self.flow.finish(self)
        self.name_tier()
        self.reg.link()

    # ======================================================================
    # Calls
    # ======================================================================

    def call(self, call: Node) -> None:
        is_new = call.type == "new_expression"
        fn = call.child_by_field_name("constructor" if is_new else "function")
        args = call.child_by_field_name("arguments")
        if fn is None:
            return
        if args is not None and args.type == "template_string":
            if self.tagged is not None:
                found = self.callee_parts(fn)
                if found is not None and found[0][-1] == "$":
                    host = self.src.function_at(call.start_byte)
                    scope = host.node.start_byte if host is not None else -1
                    self.tagged.setdefault(scope, []).append((call, fn, args))
            return
        found = self.callee_parts(fn)
        if found is None:
            return
        parts, root = found
        pos = self.positional(call)
        site = self.select(parts, is_new)
        if site is not None:
            parent = call.parent
            if (
                site.kind == "message"
                and parent is not None
                and parent.type == "array"
                and _k(parent) not in self.claimed
            ):
                group = self.new_group(call, fn, parts, root, None, None)
                group.ctx.call, group.ctx.model = self.enclosing_call(parent)
                group.ctx.names = self.call_names(parent)
                self.messages(parent, group, None, "messages", "user")
                self.reg.emit(group)
                return
            group = self.site_group(call, fn, parts, root, site, pos, None)
            self.reg.emit(group)
            return
        self.generic(call, fn, parts, root, pos)

    def script_prompts(self, tagged: dict[int, list[tuple[Node, Node, Node]]]) -> None:
        """One user prompt for each scope's ``$`...``` templates, in order."""
        for calls in tagged.values():
            call, fn, _template = calls[0]
            group = self.new_group(call, fn, ("$",), None, None, None)
            group.ctx.library = "genaiscript"
            for _call, _fn, template in calls:
                self.text_msg(template, "user", "$", None, group)
            self.reg.emit(group)

    def enclosing_call(self, node: Node) -> tuple[str, str | None]:
        """The callee of the call ``node`` is an argument of (``model.invoke([...])``),
        and the model its receiver was built with."""
        parent = node.parent
        while parent is not None and parent.type in TRANSPARENT:
            parent = parent.parent
        if parent is None or parent.type != "arguments" or parent.parent is None:
            return "", None
        call = parent.parent
        fn = call.child_by_field_name(
            "constructor" if call.type == "new_expression" else "function"
        )
        if fn is None:
            return "", None
        model = None
        if fn.type == "member_expression":
            model = self.model_of(fn.child_by_field_name("object"), 0)
        return self.short(fn), model

    def callee_parts(self, fn: Node) -> tuple[tuple[str, ...], Node | None] | None:
        """The dotted names of a callee and the node its chain starts from.

        ``getClient().chat.completions.create`` is ``("getClient", "chat",
        "completions", "create")``, as Python's extractor reads such chains.
        """
        parts: list[str] = []
        node = unwrap(fn)
        while node is not None and node.type == "member_expression":
            prop = node.child_by_field_name("property")
            if prop is None:
                return None
            parts.append(self.src.text(prop))
            node = unwrap(node.child_by_field_name("object"))
        for _ in range(8):
            if node is None or node.type not in ("call_expression", "new_expression"):
                break
            node = unwrap(
                node.child_by_field_name(
                    "function" if node.type == "call_expression" else "constructor"
                )
            )
            while node is not None and node.type == "member_expression":
                node = unwrap(node.child_by_field_name("object"))
        if node is None:
            return None
        if node.type == "identifier":
            parts.append(self.src.text(node))
        elif node.type == "this":
            parts.append("this")
        else:
            parts.append("")
        parts.reverse()
        return tuple(parts), node

    def positional(self, call: Node) -> list[Node]:
        args = call.child_by_field_name("arguments")
        if args is None or args.type != "arguments":
            return []
        return [a for a in args.named_children if a.type != "comment"]

    def select(self, parts: tuple[str, ...], is_new: bool) -> Site | None:
        lookup = parts
        imp = self.src.imports.get(parts[0]) if parts[0] else None
        if imp is not None and imp[1] not in ("default", "*"):
            lookup = (imp[1], *parts[1:])  # `import { X as Y }`: match as X
        best: Site | None = None
        best_n = -1
        for n, site in self.cat.candidates(lookup):
            if site.new is not None and site.new != is_new:
                continue
            if site.imports and not any(
                m == p or m.startswith(p + "/") for m in self.src.modules for p in site.imports
            ):
                continue
            if n > best_n:
                best, best_n = site, n
        return best

    def library(self, site: Site | None, root: Node | None, parts: tuple[str, ...]) -> str:
        module = self.module_of_root(root, parts)
        if module:
            label = library_of(module)
            if label:
                return label
        if site is not None and site.library:
            return site.library
        if site is not None:
            for module in sorted(self.src.modules):
                label = library_of(module)
                if label in ("mastra", "openai-agents", "vercel-ai", "langchain", "langgraph"):
                    return label
        return ""

    def module_of_root(self, root: Node | None, parts: tuple[str, ...]) -> str | None:
        """The module a callee's chain comes from: an import, or a client built from one."""
        node = root
        if root is not None and root.type == "this" and len(parts) > 1:
            key = self.src.class_key_at(root.start_byte)
            bindings = self.src.member_bindings(key, parts[1]) if key is not None else None
            node = bindings[-1].value if bindings else None
        for _ in range(4):
            if node is None:
                return None
            if node.type == "identifier":
                module = self.src.module_of(self.src.text(node))
                if module:
                    return module
            target = unwrap(self.ev.resolve(node))
            if (
                target is None
                or target is node
                or (target.start_byte == node.start_byte and target.type == node.type)
            ):
                return None
            if target.type in ("new_expression", "call_expression"):
                fn = target.child_by_field_name(
                    "constructor" if target.type == "new_expression" else "function"
                )
                found = self.callee_parts(fn) if fn is not None else None
                if found is None:
                    return None
                node = found[1]
            else:
                node = target
        return None

    # -- context -------------------------------------------------------------

    def new_group(
        self,
        call: Node,
        fn: Node,
        parts: tuple[str, ...],
        root: Node | None,
        site: Site | None,
        options: dict[str, Node] | None,
    ) -> Group:
        ctx = CallContext(library=self.library(site, root, parts), call=self.short(fn))
        ctx.names = self.call_names(call)
        if options:
            self.fill_context(ctx, site, options)
        group = Group(ctx)
        group.rows = self.src.statement_rows(call)
        return group

    def fill_context(self, ctx: CallContext, site: Site | None, options: dict[str, Node]) -> None:
        if ctx.model is None:
            for key in MODEL_KEYS:
                if key in options:
                    ctx.model = self.model_of(options[key], 0)
                    self.flow.model(self, options[key], ctx.model)
                    if ctx.model:
                        break
        if ctx.response_format is None:
            for key in RESPONSE_FORMAT_KEYS:
                if key in options:
                    ctx.response_format = self.format_of(key, options[key])
                    if ctx.response_format:
                        break
        for key in TOOLS_KEYS:
            if key in options:
                for t in self.tools_of(options[key]):
                    if t not in ctx.tools:
                        ctx.tools.append(t)
        if site is not None and site.agent and "name" in options:
            name = self.ev.known(options["name"])
            if name and name.strip():
                ctx.names.insert(0, name.strip())

    def short(self, node: Node) -> str:
        text = _WS.sub("", self.src.text(node))
        return text if len(text) <= 120 else text[:117] + "..."

    def call_names(self, node: Node) -> list[str]:
        """The name the call's result is given, then the enclosing functions and classes."""
        names: list[str] = []
        cur = node
        parent = cur.parent
        while parent is not None and (
            parent.type in TRANSPARENT or parent.type == "await_expression"
        ):
            cur, parent = parent, parent.parent
        if parent is not None:
            t = parent.type
            target = None
            if t == "variable_declarator":
                target = parent.child_by_field_name("name")
            elif t == "assignment_expression":
                target = parent.child_by_field_name("left")
            elif t == "pair":
                target = parent.child_by_field_name("key")
            elif t in ("field_definition", "public_field_definition"):
                target = parent.child_by_field_name("name") or parent.child_by_field_name(
                    "property"
                )
            if target is not None and target.type in (
                "identifier",
                "member_expression",
                "property_identifier",
                "string",
            ):
                names.append(self.src.text(target).strip("'\""))
        names.extend(self.src.enclosing_names(node.start_byte))
        return names

    def options(self, node: Node | None) -> dict[str, Node]:
        """The properties of an options object (through names and casts)."""
        if node is None:
            return {}
        target = unwrap(self.ev.resolve(node))
        if target is None or target.type != "object":
            return {}
        self.claimed.add(_k(target))
        return dict(self.ev.pairs(target))

    def model_of(self, node: Node | None, depth: int) -> str | None:
        if node is None or depth > 3:
            return None
        target = unwrap(self.ev.resolve(node))
        if target is None:
            return None
        t = target.type
        if t in ("string", "template_string"):
            text = self.ev.known(target)
            return text.strip() or None if text is not None else None
        if t in ("call_expression", "new_expression"):
            pos = self.positional(target)
            if pos:
                first = unwrap(self.ev.resolve(pos[0]))
                if first is not None and first.type == "object":
                    return self.model_of(first, depth + 1)
                return self.model_of(pos[0], depth + 1)
            return None
        if t == "object":
            values = dict(self.ev.pairs(target))
            for key in MODEL_KEYS:
                if key in values:
                    return self.model_of(values[key], depth + 1)
            return None
        if t == "binary_expression":  # `process.env.MODEL ?? "gpt-4o"`
            op = target.child_by_field_name("operator")
            if op is not None and op.type in ("??", "||"):
                return self.model_of(
                    target.child_by_field_name("right"), depth + 1
                ) or self.model_of(target.child_by_field_name("left"), depth + 1)
        if t == "ternary_expression":
            return self.model_of(target.child_by_field_name("consequence"), depth + 1)
        return None

    def format_of(self, key: str, node: Node) -> str | None:
        target = unwrap(self.ev.resolve(node)) or node
        if key == "text":  # the Responses API: `text: { format: {...} }`
            if target.type != "object":
                return None
            inner = dict(self.ev.pairs(target)).get("format")
            return self.format_of("format", inner) if inner is not None else None
        if target.type in ("null", "undefined", "false"):
            return None
        text = self.src.text(target)
        if target.type in ("object", "string", "template_string") and "json" in text.lower():
            return "json"
        shown = node if node.type in ("identifier", "member_expression") else target
        text = _WS.sub(" ", self.src.text(shown)).strip()
        return text[:80] if text else None

    def tools_of(self, node: Node) -> list[str]:
        target = unwrap(self.ev.resolve(node))
        if target is None:
            return []
        out: list[str] = []
        if target.type == "object":  # Vercel AI SDK and Mastra: `tools: { weather, search }`
            return [k for k, _v in self.ev.pairs(target)]
        if target.type != "array":
            return out
        for el in target.named_children:
            el = unwrap(el)
            if el is None:
                continue
            t = el.type
            if t in ("identifier", "member_expression"):
                out.append(self.src.text(el).rsplit(".", 1)[-1])
            elif t == "object":
                name = self._tool_object_name(el)
                if name:
                    out.append(name)
            elif t in ("call_expression", "new_expression"):
                pos = self.positional(el)
                first = unwrap(self.ev.resolve(pos[0])) if pos else None
                if first is not None and first.type == "object":
                    name = self._tool_object_name(first)
                    if name:
                        out.append(name)
                        continue
                fn = el.child_by_field_name("function" if t == "call_expression" else "constructor")
                if fn is not None:
                    out.append(self.src.text(fn).rsplit(".", 1)[-1])
        return out

    def _tool_object_name(self, obj: Node) -> str | None:
        """``{name}`` (Anthropic) or ``{type: "function", function: {name}}`` (OpenAI)."""
        pairs = dict(self.ev.pairs(obj))
        if "function" in pairs and "name" not in pairs:
            inner = unwrap(pairs["function"])
            pairs = (
                dict(self.ev.pairs(inner)) if inner is not None and inner.type == "object" else {}
            )
        return self.ev.known(pairs["name"]) if "name" in pairs else None

    # -- sites ---------------------------------------------------------------

    def site_group(
        self,
        call: Node,
        fn: Node,
        parts: tuple[str, ...],
        root: Node | None,
        site: Site,
        pos: list[Node],
        group: Group | None,
    ) -> Group:
        self.processed.add(_k(call))
        first_options = self.options(pos[0]) if pos else {}
        if group is None:
            group = self.new_group(call, fn, parts, root, site, first_options)
        else:
            self.fill_context(group.ctx, site, first_options)
        if site.kind == "message":
            self.message_site(call, site, pos, group, site.role, None)
        else:
            syntax = self.site_syntax(site, pos)
            handled: set[str] = set()
            for arg in site.args:
                if len(pos) <= arg.pos:
                    continue
                if arg.key is None:
                    node: Node | None = pos[arg.pos]
                else:
                    opts = first_options if arg.pos == 0 else self.options(pos[arg.pos])
                    if arg.pos:
                        self.fill_context(group.ctx, site, opts)
                    node = opts.get(arg.key)
                    handled.add(arg.key)
                if node is None:
                    continue
                label = arg.label or arg.key or f"args[{arg.pos}]"
                self.shaped(node, arg.shape, arg.role, label, syntax, group)
            for key, node in first_options.items():
                role = GENERIC_KEYS.get(key)
                if role and key not in handled and site.args and site.args[0].key is not None:
                    self.text_msg(node, role, key, None, group)
        if site.agent:
            group.agent = call.start_byte
        return group

    def site_syntax(self, site: Site, pos: list[Node]) -> str | None:
        """The site's template syntax, or the one ``templateFormat`` asks for (LangChain)."""
        if site.syntax is None:
            return None
        for arg in pos:
            if arg.type != "object":
                continue
            for key, value in self.ev.pairs(arg):
                if key == "templateFormat":
                    fmt = (self.ev.known(value) or "").strip()
                    return _TEMPLATE_FORMATS.get(fmt, site.syntax)
        return site.syntax

    def shaped(
        self, node: Node, shape: str, role: str, label: str, syntax: str | None, group: Group
    ) -> None:
        if shape == "messages":
            self.messages(node, group, syntax, label, role if role != "unknown" else "user")
        elif shape == "input":
            target = unwrap(self.ev.resolve(node))
            if target is not None and target.type == "array":
                self.messages(target, group, syntax, label, role)
            else:
                self.text_msg(node, role, label, syntax, group)
        elif shape == "contents":
            self.contents(node, role, label, group)
        elif shape == "config":
            self.config(node, group, label)
        elif shape == "instructions":
            target = unwrap(self.ev.resolve(node))
            if target is not None and target.type in FUNCTION_TYPES:
                returns = returns_of(target)
                for ret in returns:
                    self.text_msg(ret, role, label, syntax, group)
            else:
                self.text_msg(node, role, label, syntax, group)
        else:
            self.text_msg(node, role, label, syntax, group)

    # -- message shapes ----------------------------------------------------------

    def messages(
        self, node: Node, group: Group, syntax: str | None, label: str, default_role: str
    ) -> None:
        if group.tier != "name":
            self.flow.param(self, node, MESSAGES, group.ctx.library)
        target = unwrap(self.ev.resolve(node))
        if target is None:
            return
        if target.type == "call_expression":  # `messages: buildMessages(q)`
            fn = target.child_by_field_name("function")
            if fn is not None and fn.type == "identifier":
                returned = unwrap(self.ev.function_return(self.src.text(fn)))
                if returned is not None and returned.type == "array":
                    target = returned
        if target.type == "array":
            self.claimed.add(_k(target))
            index = 0
            for el in target.named_children:
                if el.type == "comment":
                    continue
                if el.type != "spread_element":
                    self.message(el, group, f"{label}[{index}]", syntax, default_role)
                index += 1
            return
        if target.type in ("call_expression", "new_expression", "object"):
            self.message(target, group, label, syntax, default_role)
            return
        self.text_msg(node, default_role, label, syntax, group)

    def message(
        self, el: Node, group: Group, label: str, syntax: str | None, default_role: str
    ) -> None:
        if self.nesting > _MAX_NESTING:
            return
        self.nesting += 1
        try:
            self._message(el, group, label, syntax, default_role)
        finally:
            self.nesting -= 1

    def _message(
        self, el: Node, group: Group, label: str, syntax: str | None, default_role: str
    ) -> None:
        target = unwrap(self.ev.resolve(el))
        if target is None:
            return
        t = target.type
        if t == "object":
            self.object_message(target, group, label, syntax, default_role)
        elif t == "array":
            items = [c for c in target.named_children if c.type != "comment"]
            if len(items) == 2:
                role = self.role_value(items[0])
                if role is None:
                    return
                self.claimed.add(_k(target))
                self.text_msg(items[1], role, label, syntax, group)
        elif t in ("call_expression", "new_expression"):
            fn = target.child_by_field_name("constructor" if t == "new_expression" else "function")
            found = self.callee_parts(fn) if fn is not None else None
            if found is None:
                return
            parts, root = found
            site = self.select(parts, t == "new_expression")
            if site is not None and site.kind == "message":
                self.message_site(target, site, self.positional(target), group, label, syntax)
            elif site is not None:
                self.site_group(target, fn, parts, root, site, self.positional(target), group)
        elif t in (
            "string",
            "template_string",
            "binary_expression",
            "identifier",
            "member_expression",
        ):
            self.text_msg(el, default_role, label, syntax, group)

    def object_message(
        self, obj: Node, group: Group, label: str, syntax: str | None, default_role: str
    ) -> None:
        pairs = dict(self.ev.pairs(obj))
        self.claimed.add(_k(obj))
        role = self.role_value(pairs["role"]) if "role" in pairs else default_role
        if role is None:
            return
        for key in _CONTENT_KEYS:
            if key in pairs:
                self.text_msg(pairs[key], role, f"{label}.{key}", syntax, group)
                return

    def message_site(
        self, call: Node, site: Site, pos: list[Node], group: Group, label: str, syntax: str | None
    ) -> None:
        self.processed.add(_k(call))
        if len(pos) <= site.content_pos:
            return
        arg = pos[site.content_pos]
        role: str | None = site.role
        content: Node | None = arg
        target = unwrap(self.ev.resolve(arg))
        if target is not None and target.type == "object":
            opts = self.options(arg)
            if site.role_key and site.role_key in opts:
                role = self.role_value(opts[site.role_key])
            content = next((opts[k] for k in site.content_keys if k in opts), None)
        if role is None or content is None:
            return
        arg_label = label if label != site.role else (site.content_keys[0])
        self.text_msg(content, role, arg_label, self.site_syntax(site, pos) or syntax, group)

    def role_value(self, node: Node) -> str | None:
        value = self.ev.value(node)
        if value is None:
            return None
        if value.has_hole:
            return "unknown"
        return ROLE_NAMES.get(value.text.strip().lower())

    def some_role(self, node: Node) -> bool:
        """Whether every value ``node`` may take is a role (``o1 ? "user" : "system"``)."""
        choices = alternatives(node)
        return len(choices) > 1 and all(
            (known := self.ev.known(c)) is not None and known.strip().lower() in ROLE_NAMES
            for c in choices
        )

    def contents(self, node: Node, role: str, label: str, group: Group, depth: int = 0) -> None:
        """Gemini ``contents``: a string, strings, parts, or ``{role, parts}`` turns."""
        target = unwrap(self.ev.resolve(node))
        if target is None or depth > 3:
            return
        if target.type == "array":
            items = [c for c in target.named_children if c.type != "comment"]
            turns = [
                i
                for i in items
                if (unwrap(self.ev.resolve(i)) or i).type == "object"
                and "role" in dict(self.ev.pairs(unwrap(self.ev.resolve(i)) or i))
            ]
            if turns:
                self.messages(target, group, None, label, role)
            else:
                self.text_msg(target, role, label, None, group)
            return
        if target.type == "object":
            pairs = dict(self.ev.pairs(target))
            if "contents" in pairs:  # `generateContent({ contents, systemInstruction })`
                self.claimed.add(_k(target))
                self.contents(pairs["contents"], role, f"{label}.contents", group, depth + 1)
                if "systemInstruction" in pairs:
                    self.text_msg(
                        pairs["systemInstruction"], "system", "systemInstruction", None, group
                    )
                return
            self.message(target, group, label, None, role)
            return
        self.text_msg(node, role, label, None, group)

    def config(self, node: Node, group: Group, label: str) -> None:
        opts = self.options(node)
        for key, value in opts.items():
            if key in ("systemInstruction", "system_instruction"):
                self.text_msg(value, "system", f"{label}.{key}", None, group)
        self.fill_context(group.ctx, None, opts)

    # -- text ------------------------------------------------------------------------

    def text_msg(self, node: Node, role: str, label: str, syntax: str | None, group: Group) -> None:
        """Add the text of ``node`` as one message of ``group``."""
        if group.tier != "name":
            self.flow.param(self, node, role, group.ctx.library)
        inner = unwrap(node)
        if inner is not None and inner.type in ("call_expression", "new_expression"):
            t = inner.type
            fn = inner.child_by_field_name("constructor" if t == "new_expression" else "function")
            found = self.callee_parts(fn) if fn is not None else None
            if found is not None:
                site = self.select(found[0], t == "new_expression")
                if site is not None and site.kind == "message":
                    self.message_site(inner, site, self.positional(inner), group, label, syntax)
                    return
        self.note_media(node, group)
        value = self.content_value(self.fallback(node), 0)
        if value is None:
            return
        self.add_msg(group, value, role, label, syntax)

    def note_media(self, node: Node, group: Group) -> None:
        """Content parts that send an image, audio or a file beside the text
        (``{type: "image_url", ...}``): material the request works on."""
        target = unwrap(node)
        if target is not None and target.type in ("identifier", "member_expression"):
            target = unwrap(self.ev.resolve(target))
        if target is None or target.type != "array":
            return
        for el in target.named_children:
            part = unwrap(el)
            if part is None or part.type != "object":
                continue
            kind = dict(self.ev.pairs(part)).get("type")
            v = self.ev.value(kind) if kind is not None else None
            if v is None or v.has_hole:
                continue
            media = MEDIA_PARTS.get(v.text.strip())
            if media and media not in group.ctx.attachments:
                group.ctx.attachments.append(media)

    def fallback(self, node: Node) -> Node:
        """The one text among ``given ?? process.env.X ?? "You are ..."``.

        With one alternative that holds text, that text is what most runs send;
        with several (``terse ? "..." : "..."``) none is chosen and the whole
        expression stays a hole.
        """
        choices = alternatives(node)
        if len(choices) < 2:
            return node
        texts = [
            c
            for c in choices
            if (v := self.ev.value(c)) is not None and segments.has_content(v.segs)
        ]
        return texts[0] if len(texts) == 1 else node

    def add_msg(
        self, group: Group, value: Value, role: str, label: str, syntax: str | None
    ) -> None:
        segs = value.segs
        chosen = syntax or segments.detect_syntax(value.text)
        if chosen:
            segs = segments.apply_template(segs, chosen, self.text)
        final = chosen or ("template" if value.template else None)
        if group.tier != "name":
            self.flow.saw(self, value, role)
        group.msgs.append(Msg(role, segs, label, final, list(value.names)))

    def content_value(self, node: Node, depth: int) -> Value | None:
        """Text of a string expression, an array of strings, or content blocks."""
        if depth > 3:
            return None
        target = unwrap(node)
        if target is None:
            return None
        if target.type in ("identifier", "member_expression", "subscript_expression"):
            resolved = unwrap(self.ev.resolve(target))
            if resolved is not None and resolved.type in ("array", "object"):
                target = resolved
        t = target.type
        if t == "array":
            parts: list[Value] = []
            for el in target.named_children:
                if el.type in ("comment", "spread_element"):
                    continue
                v = self.block_value(el, depth + 1)
                if v is not None:
                    parts.append(v)
            if not parts:
                return None
            self.claimed.add(_k(target))
            return _joined_values(parts, "\n")
        if t == "object":
            return self.block_value(target, depth + 1)
        return self.ev.value(node)

    def block_value(self, el: Node, depth: int) -> Value | None:
        target = unwrap(el)
        if target is None:
            return None
        t = target.type
        if t == "object":
            self.claimed.add(_k(target))
            pairs = dict(self.ev.pairs(target))
            if "text" in pairs:
                return self.ev.value(pairs["text"])
            for key in ("content", "parts"):
                if key in pairs:
                    return self.content_value(pairs[key], depth + 1)
            return None
        if t == "array":
            return self.content_value(target, depth + 1)
        return self.ev.value(el)

    # -- calls that match no site ----------------------------------------------------

    def generic(
        self, call: Node, fn: Node, parts: tuple[str, ...], root: Node | None, pos: list[Node]
    ) -> None:
        """Prompt properties on any call, prompts given to same-file wrappers and agents."""
        if parts[0] in GENERIC_EXCLUDE or ".".join(parts[:2]) in GENERIC_EXCLUDE:
            return
        if self.tagged is not None and parts == ("script",):
            return  # GenAIScript's metadata: its ``system`` names system scripts
        wrapper = self.wrapper(parts)
        if self.wrappers is None:  # once a call: a deferred one comes back
            self.note_import(parts, pos)
        if self.wrappers is None and (wrapper is not None or self.wrapper_params(parts)):
            self.deferred.append(call)  # the file's wrappers are known after its calls
            return
        wants: list[tuple[Node, str, str]] = []  # (node, role, label)
        options: dict[str, Node] = {}
        model: Node | None = None
        if wrapper is not None:
            for i, node in enumerate(pos):
                if i >= len(wrapper.params) or node.type == "spread_element":
                    break
                param = wrapper.params[i]
                role = wrapper.role_of(param)
                if role is not None:
                    wants.append((node, role, param))
                elif param == wrapper.model:
                    model = node
                elif wrapper.keyed(param):
                    model = self.keyed_arg(node, param, wrapper, wants) or model
        runs = self.run_targets(parts, root, pos)
        group = None
        if runs:
            group = self.new_group(call, fn, parts, root, None, None)
            agent, given = runs
            group.runs.append(agent)
            if given is not None:
                self.run_input(given, group)
        for arg in pos if self.generic_possible else ():
            if arg.type not in _OPTION_ARGS:
                continue
            target = unwrap(self.ev.resolve(arg))
            if target is None or target.type != "object" or _k(target) in self.claimed:
                continue
            pairs = dict(self.ev.pairs(target))
            found = [(v, GENERIC_KEYS[k], k) for k, v in pairs.items() if k in GENERIC_KEYS]
            if found:
                self.claimed.add(_k(target))
                wants.extend(found)
                options.update(pairs)
        params = None if wrapper is not None else self.wrapper_params(parts)
        if params:
            seen = {w[2] for w in wants}
            for i, node in enumerate(pos):
                if i < len(params) and params[i] and params[i] not in seen:
                    pname = params[i] or ""
                    role = self.param_role(pname)
                    if role:
                        wants.append((node, role, pname))
        for extra_parts, role in self.extra.get(parts[-1], ()):
            n = len(extra_parts)
            if parts[-n:] == extra_parts and pos:
                wants.append((pos[0], role, "args[0]"))
        if not wants and group is None:
            return
        if group is None:
            group = self.new_group(call, fn, parts, root, None, options)
        else:
            self.fill_context(group.ctx, None, options)
        if wrapper is not None:
            if group.ctx.model is None:
                group.ctx.model = (
                    (self.model_of(model, 0) if model is not None else None)
                    or wrapper.model_default
                    or None
                )
            group.ctx.library = group.ctx.library or wrapper.library
        for node, role, label in wants:
            if role == MESSAGES:
                self.messages(node, group, None, label, "user")
            else:
                self.text_msg(node, role, label, None, group)
        if group.runs or any(segments.has_content(m.segs) for m in group.msgs):
            self.processed.add(_k(call))
            self.reg.emit(group)

    def keyed_arg(
        self, node: Node, param: str, wrapper: Wrapper, wants: list[tuple[Node, str, str]]
    ) -> Node | None:
        """An options object given to a wrapper that passes some of its keys on
        (``ask({ system: "...", user: q, model: "o3-mini" })``): its prompts go
        to ``wants``; returns the model it gives."""
        target = unwrap(self.ev.resolve(node))
        if target is None or target.type != "object":
            return None
        self.claimed.add(_k(target))
        model = None
        for key, value in self.ev.pairs(target):
            name = f"{param}.{key}"
            role = wrapper.role_of(name)
            if role is not None:
                wants.append((value, role, key))
            elif name == wrapper.model:
                model = value
        return model

    def run_targets(
        self, parts: tuple[str, ...], root: Node | None, pos: list[Node]
    ) -> tuple[int, Node | None] | None:
        """``agent.generate(input)`` or ``run(agent, input)`` on an agent of this file."""
        if len(parts) == 2 and parts[-1] in _RUN_METHODS and root is not None:
            agent = self.agent_call(root)
            if agent is not None:
                return agent, pos[0] if pos else None
        if parts[-1] == "run" and pos:
            agent = self.agent_call(pos[0])
            if agent is not None:
                return agent, pos[1] if len(pos) > 1 else None
        return None

    def run_input(self, node: Node, group: Group) -> None:
        target = unwrap(self.ev.resolve(node))
        if target is None:
            return
        if target.type == "array":
            self.messages(target, group, None, "input", "user")
        elif target.type == "object":
            opts = self.options(target)
            if "messages" in opts:
                self.messages(opts["messages"], group, None, "messages", "user")
            if "prompt" in opts:
                self.shaped(opts["prompt"], "input", "user", "prompt", None, group)
        else:
            self.text_msg(node, "user", "input", None, group)

    def agent_call(self, node: Node) -> int | None:
        """The start of the agent constructor an expression stands for, in this file."""
        target = unwrap(self.ev.resolve(node))
        if target is None or target.type not in ("new_expression", "call_expression"):
            return None
        is_new = target.type == "new_expression"
        fn = target.child_by_field_name("constructor" if is_new else "function")
        found = self.callee_parts(fn) if fn is not None else None
        if found is None:
            return None
        site = self.select(found[0], is_new)
        if site is not None and site.agent:
            return int(target.start_byte)
        return None

    def wrapper(self, parts: tuple[str, ...]) -> Wrapper | None:
        """The wrapper a call's callee names: a function of this file that passes
        its parameters to a call site, or one a project module exports."""
        if len(parts) > 2 or (len(parts) == 2 and parts[0] != "this"):
            return None
        name = parts[-1]
        imported = self.src.imports.get(name) if len(parts) == 1 else None
        if imported is not None:
            module, export = imported
            if not is_project_module(module) or export in ("default", "*"):
                return None
            self.flow.called.add(JS + export)
            from prism_lint.extract.python import flow as python_flow

            table = python_flow.PROJECT
            return table.wrappers.get(JS + export) if table is not None else None
        if self.wrappers is None:
            return None
        return self.wrappers.get(name)

    def note_import(self, parts: tuple[str, ...], pos: list[Node]) -> None:
        """A call of a project module's function with a persona cue in its
        arguments: the run reads that module for its wrappers when the first
        pass left it out (:mod:`prism_lint.imported`)."""
        imported = self.src.imports.get(parts[0]) if len(parts) <= 2 else None
        if (
            imported is None
            or not is_project_module(imported[0])
            or (len(parts) == 1 and imported[1] in ("default", "*"))
            or len(self.flow.imports) >= MAX_IMPORTS
            or not self.extract_options.learn_imports
        ):
            return
        texts: list[str] = []
        stack = list(pos)
        seen = 0
        while stack and seen < _MAX_ARG_WALK:
            n = stack.pop()
            seen += 1
            v = self.ev.value(n) if n.type not in ("object", "array", "pair") else None
            if v is not None:
                texts.append(v.text)
                continue
            stack.extend(n.named_children)
        if texts and self.extract_options.sends_persona(texts):
            self.flow.imports.add(JS + imported[0])

    def wrapper_params(self, parts: tuple[str, ...]) -> list[str | None] | None:
        if len(parts) > 2 or (len(parts) == 2 and parts[0] != "this"):
            return None
        funcs = self.src.functions.get(parts[-1])
        if not funcs or len({tuple(f.params) for f in funcs}) != 1:
            return None
        return list(funcs[0].params)

    def param_role(self, name: str) -> str | None:
        role = GENERIC_KEYS.get(name)
        if role:
            return role
        if self.name_re.match(name):
            return self.name_role(name)
        return None

    def name_role(self, name: str) -> str:
        return name_role(self.cat, name)

    # ======================================================================
    # Loose chat messages and prompt-named strings
    # ======================================================================

    def loose_object(self, obj: Node) -> None:
        if _k(obj) in self.claimed:
            return
        pairs = dict(self.ev.pairs(obj))
        if "role" not in pairs or not any(k in pairs for k in _CONTENT_KEYS):
            return
        role = self.role_value(pairs["role"])
        if role is None or (role == "unknown" and not self.some_role(pairs["role"])):
            return
        parent = obj.parent
        while parent is not None and parent.type in TRANSPARENT:
            parent = parent.parent
        group = Group(CallContext(call=""))
        if parent is not None and parent.type == "array" and _k(parent) not in self.claimed:
            group.ctx.names = self.call_names(parent)
            self.messages(parent, group, None, "messages", "user")
        else:
            group.ctx.names = self.call_names(obj)
            self.object_message(obj, group, "message", None, "user")
        self.reg.emit(group)

    def loose_pair(self, arr: Node) -> None:
        """``[["system", "..."], ["human", "{input}"]]`` outside a known call."""
        if _k(arr) in self.claimed or arr.named_child_count < 2:
            return
        items = [c for c in arr.named_children if c.type != "comment"]
        if len(items) != 2 or items[0].type != "string":
            return
        role = self.ev.known(items[0])
        if role is None or role.strip().lower() not in _TUPLE_ROLES:
            return
        parent = arr.parent  # costs a walk from the root: asked last
        if parent is None or parent.type != "array" or _k(parent) in self.claimed:
            return
        group = Group(CallContext(call=""))
        group.ctx.names = self.call_names(parent)
        self.messages(parent, group, None, "messages", "user")
        self.reg.emit(group)

    def name_tier(self) -> None:
        src = self.src
        for (_scope, name), bindings in src.bindings.items():
            short = name[5:] if name.startswith("this.") else name
            if not self.name_re.match(short):
                self.opening_text(short, bindings)
                continue
            # each `=` with the `+=` that follow it is one text
            runs: list[list[Node]] = []
            for b in bindings:
                if b.value is None:
                    continue
                if b.op == "=":
                    runs.append([b.value])
                elif runs:
                    runs[-1].append(b.value)
            for values in runs:
                target = unwrap(values[0])
                if len(values) == 1 and target is not None and target.type == "object":
                    # `const PROMPTS = { coder: "...", writer: "..." }`
                    self.claimed.add(_k(target))
                    for key, value in self.ev.pairs(target):
                        if value.type != "shorthand_property_identifier":
                            self.name_unit(
                                f"{short}.{key}", value, self.name_role(short), own_rows=True
                            )
                else:
                    self.name_unit(short, values[0], extra=values[1:])
        for obj in src.captures.get("object", ()):
            if _k(obj) in self.claimed:
                continue
            for key, value in self.ev.pairs(obj):
                if value.type == "shorthand_property_identifier":
                    continue
                if self.name_re.match(key):
                    self.name_unit(key, value, own_rows=True)
                elif self.opened(value) and not self.shown_object(obj):
                    # `new Agent({ description: "You are an expert ..." })`
                    self.name_unit(key, value, own_rows=True, origin=_OPENED)
        for p in src.captures.get("default", ()):
            left = p.child_by_field_name("left") or p.child_by_field_name("pattern")
            value = p.child_by_field_name("right") or p.child_by_field_name("value")
            if (
                left is not None
                and value is not None
                and left.type == "identifier"
                and self.name_re.match(src.text(left))
            ):
                self.name_unit(src.text(left), value)
        for fname, funcs in src.functions.items():
            # `export function toPrompt(t) { return \`You are ...\` }`: a prompt
            # builder, read by what it returns
            if not self.name_re.match(fname):
                continue
            for fn in funcs:
                for ret in returns_of(fn.node)[:8]:
                    self.name_unit(fname, ret, origin=f"returned by `{fname}`")

    def shown_object(self, obj: Node) -> bool:
        """Whether an object literal is an argument of a call that shows it
        to people (``console.log({ ... })``)."""
        args = obj.parent
        call = args.parent if args is not None and args.type == "arguments" else None
        fn = call.child_by_field_name("function") if call is not None else None
        found = self.callee_parts(fn) if fn is not None else None
        return found is not None and bool(found[0]) and shows(found[0][-1])

    def opened(self, node: Node) -> bool:
        """Whether a string or template literal opens with a persona and goes
        on (:mod:`prism_lint.extract.shared.opening`)."""
        value = unwrap(node)
        if value is None or value.type not in ("string", "template_string"):
            return False
        if not opens_with_persona(self.src.text(value)[: 2 * MAX_LEAD + 40], "javascript"):
            return False
        v = self.ev.value(value)
        return v is not None and goes_on(segments.joined(v.segs))

    def opening_text(self, name: str, bindings: list[Binding]) -> None:
        """A text of any name that opens by telling the model who it is and
        goes on (:mod:`prism_lint.extract.shared.opening`): one value, as
        written, that the module does not only print or log."""
        values = [b for b in bindings if b.value is not None]
        if len(values) != 1 or values[0].op != "=":
            return
        value = unwrap(values[0].value)
        if value is None or not self.opened(value):
            return
        if self.uses().shown_only(name, len(bindings), self.src.text(value)):
            return
        self.name_unit(name, values[0].value, origin=_OPENED)

    def uses(self) -> Uses:
        """How the module uses its names (:class:`Uses`), counted once."""
        if self._uses is None:
            shown: Counter[str] = Counter()
            for call in self.src.captures.get("call", ()):
                fn = call.child_by_field_name("function")
                found = self.callee_parts(fn) if fn is not None else None
                args = call.child_by_field_name("arguments")
                if found is None or not found[0] or not shows(found[0][-1]) or args is None:
                    continue
                for arg in args.named_children:
                    arg = unwrap(arg)
                    if arg is not None and arg.type == "member_expression":
                        arg = arg.child_by_field_name("property")
                    if arg is not None and arg.type in ("identifier", "property_identifier"):
                        shown[self.src.text(arg)] += 1
            self._uses = Uses(written_names(self.src.doc.text), shown)
        return self._uses

    def name_unit(
        self,
        name: str,
        node: Node,
        role: str | None = None,
        extra: list[Node] | None = None,
        own_rows: bool = False,
        origin: str = "",
        tier: str = "name",
        owner: Node | None = None,
    ) -> None:
        """A prompt known by its name only; ``own_rows`` for an object's property
        (the rows of ``owner``, else of the node's parent)."""
        choices = alternatives(node)
        if len(choices) > 1:
            # `opts.system ?? "You are ..."`, `short ? "..." : "..."`: each literal
            # alternative is a text the name may hold
            for choice in choices:
                self.name_unit(
                    name, choice, role, None, own_rows, origin, tier, owner or node.parent
                )
            return
        inner = unwrap(node)
        if inner is None or inner.type not in (
            "string",
            "template_string",
            "binary_expression",
            "call_expression",
        ):
            return
        v = self.ev.value(node)
        if v is not None and extra:  # `prompt += "..."` after it
            v = join([v, *(self.ev.value(e) or self.ev.hole(e) for e in extra)])
        if v is None or not segments.has_content(v.segs):
            return
        spans = [self.src.span(n) for n in (node, *(extra or ()))]
        own = self.reg.own_text(v.segs, spans)
        if own is None:
            return
        text = own.strip()
        if not worded(text):
            return
        group = Group(CallContext(call="", origin=origin), tier=tier)
        group.ctx.names = [name, *self.src.enclosing_names(node.start_byte)]
        rows_node = owner or node.parent
        if own_rows and rows_node is not None:
            group.own_rows = self.src.node_rows(rows_node)
        role = role if role and role != "unknown" else self.name_role(name.rsplit(".", 1)[-1])
        self.add_msg(group, v, role, name, None)
        self.reg.emit(group)


_OPENED = "a text that opens with a persona"
_FALLBACK_OPS = frozenset({"??", "||"})
MAX_ALTERNATIVES = 16


def alternatives(node: Node) -> list[Node]:
    """The expressions ``a ?? b || c`` and ``c ? x : y`` may evaluate to, in order.

    The condition of a ternary is not among them; any other node is its own
    only alternative.
    """
    out: list[Node] = []
    stack = [node]
    while stack and len(out) < MAX_ALTERNATIVES:
        cur = stack.pop()
        inner = unwrap(cur)
        parts: list[Node | None] = []
        if inner is not None and inner.type == "ternary_expression":
            parts = [
                inner.child_by_field_name("consequence"),
                inner.child_by_field_name("alternative"),
            ]
        elif inner is not None and inner.type == "binary_expression":
            op = inner.child_by_field_name("operator")
            if op is not None and op.type in _FALLBACK_OPS:
                parts = [inner.child_by_field_name("left"), inner.child_by_field_name("right")]
        if parts and all(p is not None for p in parts):
            stack.extend(reversed([p for p in parts if p is not None]))
        else:
            out.append(cur)
    return out


def _joined_values(parts: list[Value], sep: str) -> Value:
    return Value(
        concat((p.segs for p in parts), sep),
        any(p.template for p in parts),
        merged_names(p.names for p in parts),
    )
