"""Prompts in YAML files, recognised by their keys rather than file names.

Formats: CrewAI agents and tasks, GitHub Models ``*.prompt.yml``, Semantic
Kernel prompt YAML, promptfoo configs and chat files, LangChain serialized
prompts, agent prompt YAML (smolagents, SWE-agent), GitHub Actions steps
using ``actions/ai-inference``, and any ``messages: [{role, content}]`` list
or prompt-named key (``system_prompt:``) elsewhere. Most YAML (CI, k8s,
Helm) holds none of these keys, so a text search settles those files before
anything is parsed. A VCR cassette (``interactions: - request:``) is recorded
HTTP traffic: the prompts in it were sent by code that is read instead.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from prism_lint.extract import (
    Comment,
    ExtractError,
    Extraction,
    ExtractOptions,
    recorded_traffic,
)
from prism_lint.extract.python.crew_tools import Crew, read_crew
from prism_lint.extract.shared.mapped import MappedText
from prism_lint.extract.shared.yaml_source import (
    comments,
    compose,
    construct,
    last_char,
    mapping,
    str_value,
    walk,
)
from prism_lint.extract.templates.file import related_reader
from prism_lint.extract.templates.text import (
    Tok,
    assemble,
    declared_task,
    normalize_role,
    render_plain,
    split_message_tags,
    tokens_for,
)
from prism_lint.extract.yaml.scalars import decode_scalar
from prism_lint.lines import LineIndex, line_index
from prism_lint.model import CallContext, Document, PromptUnit, Role, Sibling, Tier

_T = TypeVar("_T")  # what a related crew file is read into

# Words that only prompt-bearing YAML has (as keys, or the action's name); a
# file with none of them is done after a few substring searches.
_KEY_WORDS = (
    "backstory",
    "expected_output",
    "messages",
    "template_format",
    "input_variables",
    "execution_settings",
    "_type",
    "prompt",
    "_template",
    "system",
    "instruction",
    "preamble",
    "role",
    "user",
    "human",
    "doc_to_text",
)
_VALUE_WORDS = ("ai-inference", "llm-rubric")
_AFTER_KEY = re.compile(r"""s?["']?[ \t]*:""")


def may_hold_prompts(text: str) -> bool:
    """A cheap look for prompt keys before anything is parsed."""
    low = text.lower()
    if any(w in low for w in _VALUE_WORDS):
        return True
    for word in _KEY_WORDS:
        at = low.find(word)
        while at >= 0:
            if _AFTER_KEY.match(low, at + len(word)):
                return True
            at = low.find(word, at + 1)
    return False


# Prompt-named keys (normalised: snake case) and the role they imply.
_PROMPT_KEYS: dict[str, Role] = {
    "system_prompt": "system",
    "system_message": "system",
    "system_template": "system",
    "system_instruction": "system",
    "system_instructions": "system",
    "system": "system",
    "instructions": "system",
    "preamble": "system",
    "developer_prompt": "developer",
    "developer_message": "developer",
    "developer_instructions": "developer",
    "prompt": "unknown",
    "prompt_template": "unknown",
    "user": "user",
    "human": "user",
    "user_prompt": "user",
    "user_message": "user",
    "user_template": "user",
    "human_prompt": "user",
    "human_template": "user",
    "instance_template": "user",
    "next_step_template": "user",
    "next_step_no_output_template": "user",
    # an lm-evaluation-harness task: each document's prompt, a Jinja template
    # sent as a plain completion or, with a chat template, as the user turn
    "doc_to_text": "unknown",
}
# smolagents prompt YAML: (section, key) -> role
_SMOLAGENTS: dict[tuple[str, str], Role] = {
    ("planning", "initial_plan"): "user",
    ("planning", "update_plan_pre_messages"): "system",
    ("planning", "update_plan_post_messages"): "user",
    ("managed_agent", "task"): "user",
    ("managed_agent", "report"): "user",
    ("final_answer", "pre_messages"): "system",
    ("final_answer", "post_messages"): "user",
}
_MESSAGE_ROLES = frozenset({"system", "developer", "user", "human", "assistant", "ai"})
_MODEL_KEYS = (
    "model",
    "model_name",
    "model_id",
    "modelId",
    "llm",
    "deployment_name",
    "azure_deployment",
)
_PROMPTFOO_KEYS = ("providers", "tests", "defaultTest", "scenarios", "evaluateOptions", "redteam")
_PROMPTFOO_REF = re.compile(
    r"^(?:file://|[\w./*-]+\.(?:py|js|ts|mjs|cjs|txt|md|j2|jinja2?|json|ya?ml|prompty)"
    r"(?::\w+)?$)"
)
_GRADER_ASSERTS = frozenset(
    {"llm-rubric", "model-graded-closedqa", "g-eval", "factuality", "model-graded-factuality"}
)
# Helm and other Go templates are YAML only once rendered.
_GO_TEMPLATE = re.compile(
    r"\{\{-?\s*(?:\.[A-Za-z]|include\b|if\b|range\b|with\b|toYaml\b|"
    r"template\b|end\b|define\b)"
)
# Messages on either side of a message that go into its context.
_MAX_SIBLINGS = 8
_CAMEL = re.compile(r"(?<=[a-z0-9])([A-Z])")


def _norm_key(key: str) -> str:
    return _CAMEL.sub(r"_\1", key).lower().replace("-", "_")


@dataclass
class _Entry:
    """Where a node sits: key path and the mappings above it."""

    path: list[str]
    ancestors: list[dict[str, tuple[ScalarNode, Node]]]
    key: ScalarNode | None  # the key this node is the value of


@dataclass
class _Spec:
    """One prompt to build from one or more scalars."""

    parts: list[ScalarNode]
    role: Role
    syntax: str | None
    library: str
    call: str
    argument: str
    rows: tuple[int, int]
    tier: Tier = "file"
    model: str | None = None
    names: list[str] = field(default_factory=list)
    response_format: str | None = None
    split_messages: bool = False
    sep: str = "\n\n"
    group: str = ""  # units of one group are each other's siblings
    glues: list[str] | None = None  # text before each part, instead of ``sep``
    tools: list[str] = field(default_factory=list)  # what the agent may call


def extract(doc: Document, options: ExtractOptions) -> Extraction:
    text = doc.text
    base = posixpath.basename(doc.path.replace("\\", "/")).lower()
    prompt_file = base.endswith((".prompt.yml", ".prompt.yaml"))
    if not prompt_file and recorded_traffic(text[:512].encode("utf-8", "surrogatepass")):
        return Extraction()
    if not prompt_file and not may_hold_prompts(text):
        return _comments_only(doc)
    lines = line_index(text)
    try:
        roots, shift = compose(text, lines=lines)
    except ExtractError:
        if not prompt_file and _GO_TEMPLATE.search(text):
            return Extraction()  # a Helm/Go template: not YAML until rendered
        raise
    reader = _Reader(doc, options, lines, shift, prompt_file=prompt_file)
    reader.read(roots)
    found = comments(doc, lines, roots, shift)
    units = reader.build()
    _declare_tasks(units, found, lines, doc.text)
    all_comments = sorted([*found, *reader.template_comments], key=lambda c: c.row)
    return Extraction(units, all_comments, [])


def _comments_only(doc: Document) -> Extraction:
    """A YAML file with no prompts: only directives in comments can matter."""
    if "prism" not in doc.text and "noqa" not in doc.text:
        return Extraction()
    lines = line_index(doc.text)
    try:
        roots, shift = compose(doc.text, lines=lines)
    except ExtractError:
        return Extraction()
    return Extraction([], comments(doc, lines, roots, shift), [])


class _Reader:
    def __init__(
        self,
        doc: Document,
        options: ExtractOptions,
        lines: LineIndex,
        shift: int,
        *,
        prompt_file: bool,
    ) -> None:
        self.doc = doc
        self.options = options
        self.lines = lines
        self.shift = shift
        self.prompt_file = prompt_file
        self.specs: list[_Spec] = []
        self.used: set[int] = set()
        self.template_comments: list[Comment] = []
        self.library = ""  # set by a root-level format (smolagents, promptfoo ...)
        self.crew_agents: dict[str, str] = {}  # agent id -> plain text, for task context
        self.crew_tasks: list[tuple[str, str, str]] = []  # (agent id, plain text, task id)

    # ------------------------------------------------------------ traversal

    def read(self, roots: list[Node]) -> None:
        for root in roots:
            if isinstance(root, MappingNode):
                self._root(root)
            stack: list[tuple[Node, _Entry]] = [(root, _Entry([], [], None))]
            seen: set[int] = set()
            while stack:
                node, entry = stack.pop()
                if id(node) in seen:
                    continue
                seen.add(id(node))
                if isinstance(node, MappingNode):
                    d = mapping(node)
                    self._mapping(node, d, entry)
                    ancestors = [*entry.ancestors, d]
                    for key_text, (key, value) in reversed(list(d.items())):
                        stack.append((value, _Entry([*entry.path, key_text], ancestors, key)))
                elif isinstance(node, SequenceNode):
                    self._sequence(node, entry)
                    for i, item in reversed(list(enumerate(node.value))):
                        stack.append(
                            (item, _Entry([*entry.path, f"[{i}]"], entry.ancestors, entry.key))
                        )

    def _root(self, root: MappingNode) -> None:
        d = mapping(root)
        if str_value(d.get("system_prompt", (None, None))[1]) is not None and any(
            k in d for k in ("planning", "final_answer", "managed_agent")
        ):
            self._smolagents(d)
        elif "prompts" in d and (
            any(k in d for k in _PROMPTFOO_KEYS)
            or posixpath.basename(self.doc.path).lower().startswith("promptfoo")
        ):
            self._promptfoo(d)

    def _mapping(
        self, node: MappingNode, d: dict[str, tuple[ScalarNode, Node]], entry: _Entry
    ) -> None:
        if id(node) in self.used:
            return
        if "backstory" in d and ("role" in d or "goal" in d):
            self._crew_agent(node, d, entry)
        elif "description" in d and "expected_output" in d:
            self._crew_task(node, d, entry)
        uses = str_value(d.get("uses", (None, None))[1])
        if uses and uses.startswith("actions/ai-inference"):
            self._ai_inference(d, entry)
        if str_value(d.get("template", (None, None))[1]) is not None:
            self._template(node, d, entry)
        elif str_value(d.get("_type", (None, None))[1]) == "few_shot":
            self._few_shot(node, d, entry)
        for key_text, (key, value) in d.items():
            if id(value) in self.used or not isinstance(value, ScalarNode):
                continue
            role = _key_role(key_text)
            text = str_value(value)
            if role is None or text is None or not _is_prose(text):
                continue
            if _norm_key(key_text) not in _PROMPT_KEYS and not _is_long_prose(text):
                continue  # a key named like a prompt: only a passage of prose counts
            parent = entry.path[-1] if entry.path else ""
            library = self.library or "yaml"
            syntax = "guess"
            tier: Tier = "name"
            if parent == "templates" and key_text.endswith("_template"):
                library, syntax, tier = "swe-agent", "jinja", "file"
            elif self.prompt_file:
                tier = "file"
            self._add(
                _Spec(
                    [value],
                    role,
                    syntax,
                    library,
                    "yaml",
                    ".".join([*entry.path, key_text]),
                    self._rows(key, value),
                    tier=tier,
                    model=self._model([*entry.ancestors, d]),
                    names=[n for n in (key_text, parent) if n and not n.startswith("[")],
                    tools=_tools_of(d),
                )
            )

    def _sequence(self, node: SequenceNode, entry: _Entry) -> None:
        items = [v for v in node.value if isinstance(v, MappingNode)]
        if not items or id(node) in self.used:
            return
        messages: list[tuple[MappingNode, str, list[ScalarNode]]] = []
        for item in items:
            d = mapping(item)
            role = str_value(d.get("role", (None, None))[1])
            if role is None:
                continue
            if role.strip().lower() not in _MESSAGE_ROLES:
                return
            parts = _content_parts(d)
            if parts:
                messages.append((item, role, parts))
        if not messages:
            return
        self.used.add(id(node))
        path = ".".join(entry.path) or "messages"
        library = self.library or ("github-models" if self.prompt_file else "yaml")
        model = self._model(entry.ancestors)
        fmt = self._response_format(entry.ancestors)
        syntax = "mustache" if library == "github-models" else "guess"
        holder = entry.ancestors[-1] if entry.ancestors else {}
        if str_value(holder.get("_type", (None, None))[1]) == "chat":
            library = "langchain"  # a serialized ChatPromptTemplate
            template_format = str_value(holder.get("template_format", (None, None))[1])
            syntax = {"jinja2": "jinja", "mustache": "mustache"}.get(
                template_format or "", "fstring"
            )
        group = f"messages@{node.start_mark.index}"
        indexes = {id(v): i for i, v in enumerate(node.value)}
        for mnode, mrole, parts in messages:
            index = indexes[id(mnode)]
            for part in parts:
                self.used.add(id(part))
            self._add(
                _Spec(
                    parts,
                    normalize_role(mrole),
                    syntax,
                    library,
                    "messages",
                    f"{path}[{index}].content",
                    self._rows(mnode, mnode),
                    model=model,
                    response_format=fmt,
                    group=group,
                    sep="\n",
                    names=[p for p in entry.path[-1:] if not p.startswith("[")],
                )
            )

    # ------------------------------------------------------------ formats

    def _crew_agent(
        self, node: MappingNode, d: dict[str, tuple[ScalarNode, Node]], entry: _Entry
    ) -> None:
        # CrewAI renders an agent as "You are {role}. {backstory}\nYour personal
        # goal is: {goal}": the model sees the role as a persona.
        glue_for = {"role": "You are ", "backstory": ". ", "goal": "\nYour personal goal is: "}
        keys = [
            k
            for k in ("role", "backstory", "goal")
            if isinstance(d.get(k, (None, None))[1], ScalarNode) and str_value(d[k][1]) is not None
        ]
        if not keys:
            return
        parts = [p for k in keys if isinstance(p := d[k][1], ScalarNode)]
        glues = [glue_for[k] for k in keys]
        if "role" not in keys and keys[0] == "backstory":
            glues[0] = ""
        self.used.update(id(p) for p in parts)
        name = entry.path[-1] if entry.path else ""
        llm = d.get("llm", (None, None))[1]
        self._add(
            _Spec(
                parts,
                "system",
                "format",
                "crewai",
                "Agent(config=)",
                f"{name}: role, goal, backstory" if name else "role, goal, backstory",
                self._rows(entry.key or node, node),
                model=str_value(llm),
                names=[name] if name else [],
                group=f"crew:agent:{name}",
                glues=glues,
            )
        )
        self.crew_agents[name] = "\n\n".join(str_value(p) or "" for p in parts)

    def _crew_task(
        self, node: MappingNode, d: dict[str, tuple[ScalarNode, Node]], entry: _Entry
    ) -> None:
        parts = [
            v
            for k in ("description", "expected_output")
            if isinstance(v := d.get(k, (None, None))[1], ScalarNode) and str_value(v) is not None
        ]
        if not parts:
            return
        self.used.update(id(p) for p in parts)
        name = entry.path[-1] if entry.path else ""
        agent = str_value(d.get("agent", (None, None))[1]) or ""
        self._add(
            _Spec(
                parts,
                "user",
                "format",
                "crewai",
                "Task(config=)",
                f"{name}: description, expected_output" if name else "description, expected_output",
                self._rows(entry.key or node, node),
                names=[n for n in (name, agent) if n],
                group=f"crew:task:{agent}",
            )
        )
        self.crew_tasks.append((agent, "\n\n".join(str_value(p) or "" for p in parts), name))

    def _ai_inference(self, d: dict[str, tuple[ScalarNode, Node]], entry: _Entry) -> None:
        with_node = d.get("with", (None, None))[1]
        if not isinstance(with_node, MappingNode):
            return
        w = mapping(with_node)
        model = str_value(w.get("model", (None, None))[1])
        group = f"actions@{with_node.start_mark.index}"
        for key_text, role in (("system-prompt", "system"), ("prompt", "user")):
            key, value = w.get(key_text, (None, None))
            if key is None or not isinstance(value, ScalarNode) or str_value(value) is None:
                continue
            self.used.add(id(value))
            self._add(
                _Spec(
                    [value],
                    role,  # type: ignore[arg-type]
                    "actions",
                    "github-actions",
                    "actions/ai-inference",
                    f"with.{key_text}",
                    self._rows(key, value),
                    model=model,
                    group=group,
                    names=[n for n in entry.path[-1:] if not n.startswith("[")],
                )
            )

    def _template(
        self, node: MappingNode, d: dict[str, tuple[ScalarNode, Node]], entry: _Entry
    ) -> None:
        """Semantic Kernel prompt YAML or a LangChain serialized prompt."""
        key, value = d["template"]
        assert isinstance(value, ScalarNode)
        kind = str_value(d.get("_type", (None, None))[1])
        fmt = (str_value(d.get("template_format", (None, None))[1]) or "").lower()
        inputs = d.get("input_variables", (None, None))[1]
        sk_markers = (
            fmt in ("semantic-kernel", "handlebars", "liquid")
            or "execution_settings" in d
            or "{{$" in value.value
        )
        langchain = (
            kind in ("prompt", "chat")
            or fmt in ("f-string", "jinja2", "mustache")
            or (
                not sk_markers
                and isinstance(inputs, SequenceNode)
                and bool(inputs.value)
                and all(isinstance(v, ScalarNode) for v in inputs.value)
            )
        )
        semantic_kernel = not langchain and (
            fmt in ("semantic-kernel", "handlebars", "liquid")
            or "execution_settings" in d
            or "input_variables" in d
            or "output_variable" in d
        )
        name = str_value(d.get("name", (None, None))[1])
        names = [n for n in (name, entry.path[-1] if entry.path else None) if n]
        if langchain:
            syntax = {"jinja2": "jinja", "mustache": "mustache"}.get(fmt, "fstring")
            self.used.add(id(value))
            self._add(
                _Spec(
                    [value],
                    "unknown",
                    syntax,
                    "langchain",
                    "load_prompt",
                    ".".join([*entry.path, "template"]),
                    self._rows(key, value),
                    names=names,
                )
            )
        elif semantic_kernel:
            syntax = {"handlebars": "handlebars", "liquid": "jinja"}.get(fmt, "semantic-kernel")
            self.used.add(id(value))
            self._add(
                _Spec(
                    [value],
                    "user",
                    syntax,
                    "semantic-kernel",
                    "CreateFunctionFromPromptYaml",
                    ".".join([*entry.path, "template"]),
                    self._rows(key, value),
                    model=self._sk_model(d) or self._model(entry.ancestors),
                    names=names,
                    split_messages=True,
                )
            )

    def _few_shot(
        self, node: MappingNode, d: dict[str, tuple[ScalarNode, Node]], entry: _Entry
    ) -> None:
        entries = [
            d[k]
            for k in ("prefix", "suffix")
            if k in d and isinstance(d[k][1], ScalarNode) and str_value(d[k][1]) is not None
        ]
        parts = [v for _k, v in entries if isinstance(v, ScalarNode)]
        if not parts:
            return
        self.used.update(id(p) for p in parts)
        example = d.get("example_prompt", (None, None))[1]
        if example is not None:
            self.used.add(id(example))  # a row format for the examples, not instructions
        fmt = (str_value(d.get("template_format", (None, None))[1]) or "").lower()
        syntax = {"jinja2": "jinja", "mustache": "mustache"}.get(fmt, "fstring")
        first_row = self._rows(entries[0][0], entries[0][1])[0]
        last_row = self._rows(entries[-1][0], entries[-1][1])[1]
        self._add(
            _Spec(
                parts,
                "unknown",
                syntax,
                "langchain",
                "load_prompt",
                ".".join([*entry.path, "prefix+suffix"]),
                (first_row, last_row),
                names=[p for p in entry.path[-1:] if not p.startswith("[")],
            )
        )

    def _smolagents(self, d: dict[str, tuple[ScalarNode, Node]]) -> None:
        self.library = "smolagents"
        key, value = d["system_prompt"]
        assert isinstance(value, ScalarNode)
        self.used.add(id(value))
        self._add(
            _Spec(
                [value],
                "system",
                "jinja",
                "smolagents",
                "prompt_templates",
                "system_prompt",
                self._rows(key, value),
                names=["system_prompt"],
                group="smolagents",
            )
        )
        for section in ("planning", "managed_agent", "final_answer"):
            sec = d.get(section, (None, None))[1]
            if not isinstance(sec, MappingNode):
                continue
            for key_text, (k, v) in mapping(sec).items():
                role = _SMOLAGENTS.get((section, key_text))
                if role is None or not isinstance(v, ScalarNode) or str_value(v) is None:
                    continue
                self.used.add(id(v))
                self._add(
                    _Spec(
                        [v],
                        role,
                        "jinja",
                        "smolagents",
                        "prompt_templates",
                        f"{section}.{key_text}",
                        self._rows(k, v),
                        names=[key_text, section],
                        group="smolagents",
                    )
                )

    def _promptfoo(self, d: dict[str, tuple[ScalarNode, Node]]) -> None:
        self.library = "promptfoo"
        model = self._promptfoo_model(d)
        prompts = d["prompts"][1]
        items = prompts.value if isinstance(prompts, SequenceNode) else [prompts]
        for i, item in enumerate(items):
            key: Node = item
            value: Node | None = item
            if isinstance(item, MappingNode):
                m = mapping(item)
                key, value = m.get("raw", (item, None))
            text = str_value(value)
            if text is None or not isinstance(value, ScalarNode):
                continue
            self.used.add(id(value))
            if _PROMPTFOO_REF.match(text.strip()):
                continue
            self._add(
                _Spec(
                    [value],
                    "user",
                    "nunjucks",
                    "promptfoo",
                    "prompts",
                    f"prompts[{i}]",
                    self._rows(key, value),
                    model=model,
                )
            )
        for section in ("tests", "defaultTest"):
            sec = d.get(section, (None, None))[1]
            if sec is None:
                continue
            for found in walk([sec]):
                if not isinstance(found, MappingNode):
                    continue
                m = mapping(found)
                kind = str_value(m.get("type", (None, None))[1])
                akey, avalue = m.get("value", (None, None))
                if (
                    kind in _GRADER_ASSERTS
                    and isinstance(avalue, ScalarNode)
                    and akey is not None
                    and str_value(avalue) is not None
                ):
                    self.used.add(id(avalue))
                    self._add(
                        _Spec(
                            [avalue],
                            "user",
                            "nunjucks",
                            "promptfoo",
                            "assert",
                            f"{section}.assert.{kind}",
                            self._rows(akey, avalue),
                            model=model,
                            names=[kind],
                        )
                    )

    # ------------------------------------------------------------ context

    def _model(self, ancestors: list[dict[str, tuple[ScalarNode, Node]]]) -> str | None:
        for d in reversed(ancestors):
            for key in _MODEL_KEYS:
                value = d.get(key, (None, None))[1]
                text = str_value(value)
                if text:
                    return text
                if isinstance(value, MappingNode):
                    m = mapping(value)
                    for sub in ("name", "id", "model", "azure_deployment"):
                        text = str_value(m.get(sub, (None, None))[1])
                        if text:
                            return text
        return None

    def _response_format(self, ancestors: list[dict[str, tuple[ScalarNode, Node]]]) -> str | None:
        for d in reversed(ancestors):
            for key in ("responseFormat", "response_format"):
                value = d.get(key, (None, None))[1]
                if value is None:
                    continue
                text = str_value(value)
                if text:
                    return text
                data = construct(value)
                if isinstance(data, dict):
                    kind = data.get("type")
                    return str(kind) if kind else "json"
        return None

    def _sk_model(self, d: dict[str, tuple[ScalarNode, Node]]) -> str | None:
        settings = d.get("execution_settings", (None, None))[1]
        if not isinstance(settings, MappingNode):
            return None
        for _key, service in mapping(settings).values():
            if isinstance(service, MappingNode):
                text = str_value(mapping(service).get("model_id", (None, None))[1])
                if text:
                    return text
        return None

    def _promptfoo_model(self, d: dict[str, tuple[ScalarNode, Node]]) -> str | None:
        providers = d.get("providers", (None, None))[1]
        items = providers.value if isinstance(providers, SequenceNode) else [providers]
        for item in items:
            text = str_value(item)
            if text:
                return text
            if isinstance(item, MappingNode):
                text = str_value(mapping(item).get("id", (None, None))[1])
                if text:
                    return text
        return None

    def _rows(self, first: Node, last: Node) -> tuple[int, int]:
        a = first.start_mark.index + self.shift
        b = last_char(self.doc.text, last, self.shift)
        return self.lines.location(a).row, self.lines.location(b).row

    # ------------------------------------------------------------ building

    def _add(self, spec: _Spec) -> None:
        self.specs.append(spec)

    def build(self) -> list[PromptUnit]:
        units: list[tuple[_Spec, PromptUnit]] = []
        for spec in self.specs:
            for unit in self._units(spec):
                units.append((spec, unit))
        self._link_siblings(units)
        units.sort(key=lambda su: (su[1].first_row, su[1].doc_start))
        return [u for _s, u in units]

    def _units(self, spec: _Spec) -> list[PromptUnit]:
        decoded = [decode_scalar(self.doc.text, node, self.shift)[0] for node in spec.parts]
        if spec.glues is not None:
            mt = MappedText.glued(decoded, spec.glues)
        else:
            mt = decoded[0] if len(decoded) == 1 else MappedText.join(decoded, spec.sep)
        toks, _problem = tokens_for(spec.syntax, mt.text)
        syntax = _syntax_name(spec.syntax, toks, mt.text)
        if spec.split_messages:
            toks = split_message_tags(toks, mt.text)
        has_roles = any(t.kind == "role" for t in toks)
        messages = assemble(
            self.doc,
            self.lines,
            mt,
            toks,
            default_role=spec.role,
            trim=has_roles,
            comments=self.template_comments,
        )
        out: list[PromptUnit] = []
        for msg in messages:
            ctx = CallContext(
                library=spec.library,
                call=spec.call,
                argument=spec.argument,
                model=spec.model,
                names=list(spec.names),
                response_format=spec.response_format,
                tools=list(spec.tools),
            )
            b = msg.builder
            first, last = spec.rows
            if has_roles:
                first, last = max(first, msg.first_row), max(msg.first_row, msg.last_row)
            out.append(
                PromptUnit(
                    self.doc,
                    b.text,
                    b.pieces,
                    b.holes,
                    role=msg.role,
                    tier=spec.tier,
                    context=ctx,
                    first_row=first,
                    last_row=last,
                    declared_task=msg.declared_task,
                    template_syntax=syntax,
                )
            )
        if len(out) > 1:
            for unit in out:
                unit.context.siblings.extend(Sibling(o.role, o.text) for o in out if o is not unit)
        return out

    def _link_siblings(self, units: list[tuple[_Spec, PromptUnit]]) -> None:
        groups: dict[str, list[PromptUnit]] = {}
        for spec, unit in units:
            if spec.group and not spec.group.startswith("crew:"):
                groups.setdefault(spec.group, []).append(unit)
        for members in groups.values():
            for i, unit in enumerate(members):
                near = members[max(0, i - _MAX_SIBLINGS) : i + _MAX_SIBLINGS + 1]
                unit.context.siblings.extend(Sibling(o.role, o.text) for o in near if o is not unit)
        self._link_crew(units)

    def _link_crew(self, units: list[tuple[_Spec, PromptUnit]]) -> None:
        agents = [(s, u) for s, u in units if s.group.startswith("crew:agent:")]
        tasks = [(s, u) for s, u in units if s.group.startswith("crew:task:")]
        if not agents and not tasks:
            return
        task_texts = list(self.crew_tasks)
        agent_texts = dict(self.crew_agents)
        if agents and not tasks:
            task_texts = self._related_crew("tasks", _crew_tasks_of)
        if tasks and not agents:
            agent_texts = dict(self._related_crew("agents", _crew_agents_of))
        crew = self._crew()

        def agent_of(agent: str, task: str) -> str:
            """A task's agent: the one the crew module builds the task with
            (``Task(config=..., agent=self.x())``, which CrewAI takes over the
            config's), else its YAML's ``agent:``."""
            return (crew.task_agents.get(task, "") if task else "") or agent

        for spec, unit in agents:
            name = spec.group.removeprefix("crew:agent:")
            mine = [t for a, t, task in task_texts if agent_of(a, task) == name]
            if not mine and len(agent_texts) <= 1:
                mine = [t for _a, t, _task in task_texts]
            unit.context.siblings.extend(Sibling("user", t) for t in mine)
        task_agents: list[str] = []
        for spec, unit in tasks:
            agent = spec.group.removeprefix("crew:task:")
            # the task's own name comes first among its names, the agent's after
            task = spec.names[0] if spec.names and spec.names[0] != agent else ""
            name = agent_of(agent, task)
            task_agents.append(name)
            text = agent_texts.get(name)
            if text is None and len(agent_texts) == 1:
                text = next(iter(agent_texts.values()))
            if text is not None:
                unit.context.siblings.append(Sibling("system", text))
        named = [spec.group.removeprefix("crew:agent:") for spec, _unit in agents] + task_agents
        for (_spec, unit), name in zip([*agents, *tasks], named, strict=True):
            for tool in crew.tools.get(name, []):
                if tool not in unit.context.tools:
                    unit.context.tools.append(tool)

    def _crew(self) -> Crew:
        """The tools the project's crew.py gives each agent, and the agent it
        builds each task with (config/ sits beside it in CrewAI's layout)."""
        reader = related_reader(self.options)
        # crew.py, or a flow's crew module named for its folder
        # (crews/poem_crew/config/agents.yaml and crews/poem_crew/poem_crew.py)
        parts = self.doc.path.replace("\\", "/").split("/")
        folder = parts[-3] if len(parts) >= 3 else ""
        names = ["../crew.py", "crew.py"]
        if folder.isidentifier():
            names.append(f"../{folder}.py")
        for name in names:
            text = reader(name)
            if text:
                return read_crew(text)
        return Crew()

    def _related_crew(self, stem: str, read: Callable[[str], list[_T]]) -> list[_T]:
        """Agents for tasks.yaml, tasks for agents.yaml, from the same folder."""
        reader = related_reader(self.options)
        me = posixpath.basename(self.doc.path.replace("\\", "/"))
        for name in (f"{stem}.yaml", f"{stem}.yml"):
            if name == me:
                continue
            text = reader(name)
            if text:
                try:
                    return read(text)
                except ExtractError:
                    return []
        return []


# Keys beside a prompt that list what its agent may call (a workflow's agent
# node: ``tooling: [{type: function, config: {tools: [{name: load_file}]}}]``),
# and how deep and how many of their names are read.
_TOOL_KEYS = ("tools", "tooling", "toolsets", "toolkits", "allowed_tools", "allowed-tools")
_TOOL_DEPTH = 6
_MAX_TOOLS = 64


def _tools_of(d: dict[str, tuple[ScalarNode, Node]]) -> list[str]:
    """The names of the tools listed beside a prompt: what they return is
    material the agent works on."""
    out: list[str] = []

    def walk(node: Node, depth: int) -> None:
        if depth > _TOOL_DEPTH or len(out) >= _MAX_TOOLS:
            return
        if isinstance(node, ScalarNode):
            text = str_value(node)
            if text and text not in out and len(text) <= 80:
                out.append(text)
        elif isinstance(node, SequenceNode):
            for item in node.value[:_MAX_TOOLS]:
                walk(item, depth + 1)
        elif isinstance(node, MappingNode):
            m = mapping(node)
            name = m.get("name", (None, None))[1]
            if name is not None:
                walk(name, depth + 1)
            for key in (*_TOOL_KEYS, "config"):
                if key in m:
                    walk(m[key][1], depth + 1)

    for key in _TOOL_KEYS:
        if key in d:
            walk(d[key][1], 0)
    return out


def _crew_tasks_of(text: str) -> list[tuple[str, str, str]]:
    """(agent, plain text, task id) of each task of a tasks.yaml."""
    roots, _shift = compose(text)
    out: list[tuple[str, str, str]] = []

    def task(node: Node, name: str) -> None:
        if isinstance(node, MappingNode):
            d = mapping(node)
            desc = str_value(d.get("description", (None, None))[1])
            expected = str_value(d.get("expected_output", (None, None))[1])
            if desc is not None and expected is not None:
                agent = str_value(d.get("agent", (None, None))[1]) or ""
                out.append((agent, _plain_template(f"{desc}\n\n{expected}"), name))

    names: dict[int, str] = {}  # a mapping that is a key's value -> the key
    nodes = list(walk(roots))
    for node in nodes:
        if isinstance(node, MappingNode):
            for name, (_key, value) in mapping(node).items():
                names.setdefault(id(value), name)
    for node in nodes:  # a task wherever it is: under its name, in a list, alone
        task(node, names.get(id(node), ""))
    return out


def _crew_agents_of(text: str) -> list[tuple[str, str]]:
    roots, _shift = compose(text)
    out: list[tuple[str, str]] = []
    for root in roots:
        if not isinstance(root, MappingNode):
            continue
        for name, (_key, value) in mapping(root).items():
            if isinstance(value, MappingNode):
                d = mapping(value)
                if "backstory" in d:
                    parts = [
                        str_value(d.get(k, (None, None))[1]) for k in ("role", "goal", "backstory")
                    ]
                    out.append((name, _plain_template("\n\n".join(p for p in parts if p))))
    return out


def _plain_template(text: str) -> str:
    toks, _ = tokens_for("format", text)
    return render_plain(text, toks)


def _content_parts(d: dict[str, tuple[ScalarNode, Node]]) -> list[ScalarNode]:
    """``content:`` as a string, or the text parts of a content list."""
    content = d.get("content", (None, None))[1]
    if isinstance(content, ScalarNode):
        return [content] if str_value(content) is not None else []
    parts: list[ScalarNode] = []
    if isinstance(content, SequenceNode):
        for item in content.value:
            if isinstance(item, ScalarNode) and str_value(item) is not None:
                parts.append(item)
            elif isinstance(item, MappingNode):
                m = mapping(item)
                text = m.get("text", (None, None))[1]
                if isinstance(text, ScalarNode) and str_value(text) is not None:
                    parts.append(text)
    return parts


# Keys named like prompts beyond the known ones: ``instruction_template``,
# ``evaluator_prompt``, ``grading_instructions``.
_PROMPT_SUFFIX = re.compile(
    r"^(?:[a-z0-9]+_)*?(?:[a-z0-9]+_(?:template|prompt)"
    r"|(?:[a-z0-9]+_)?instructions?)$"
)
_LONG_PROSE_WORDS = 8
# Keys that name who the model is: most hold a label ("role: Senior Data
# Researcher", a chat message's "role: system"), but a passage of prose
# under one is the agent's system prompt (ChatDev's workflow nodes put the
# whole "You are Programmer. ..." text under ``role``). Only long prose counts.
_CAST_KEYS: dict[str, Role] = {"role": "system", "persona": "system"}
_HEAD_ROLES: dict[str, Role] = {
    "system": "system",
    "developer": "developer",
    "user": "user",
    "human": "user",
}


def _key_role(key_text: str) -> Role | None:
    """The role a prompt-named key implies; None for any other key."""
    key = _norm_key(key_text)
    role = _PROMPT_KEYS.get(key) or _CAST_KEYS.get(key)
    if role is not None or not _PROMPT_SUFFIX.match(key):
        return role
    return _HEAD_ROLES.get(key.split("_", 1)[0], "unknown")


def _is_long_prose(text: str) -> bool:
    """A passage of sentences rather than a label, a path or a format string."""
    words = text.split()
    if len(words) < _LONG_PROSE_WORDS:
        return False
    letters = sum(w.isalpha() for w in (w.strip(".,;:!?\"'()") for w in words))
    return letters * 2 >= len(words)


def _is_prose(text: str) -> bool:
    """Worth reading as a prompt: words, not an identifier, path or number."""
    return len(text.split()) >= 3


def _syntax_name(syntax: str | None, toks: list[Tok], text: str) -> str | None:
    if syntax == "guess":
        holes = [text[t.start : t.end] for t in toks if t.kind == "hole"]
        if not holes:
            return None
        return "jinja" if any(h.startswith(("{{", "{%")) for h in holes) else "format"
    if syntax in ("nunjucks", "liquid", "jinja2"):
        return "jinja"
    return syntax


def _declare_tasks(
    units: list[PromptUnit], found: list[Comment], lines: LineIndex, text: str
) -> None:
    """``# prism: task=...`` above a key (or inside its entry) declares its task."""
    tasks = {c.row: t for c in found if (t := declared_task(c.text))}
    if not tasks:
        return
    own_rows = {c.row for c in found if c.own_line}
    header: str | None = None
    for row in range(1, lines.rows + 1):
        line = lines.line_text(row).strip()
        if not line or line == "---":
            continue
        if row in own_rows:
            header = header or tasks.get(row)
            continue
        break
    for unit in units:
        if unit.declared_task:
            continue
        task = None
        row = unit.first_row - 1
        while row >= 1 and row in own_rows:
            task = task or tasks.get(row)
            row -= 1
        if task is None:
            task = next(
                (tasks[r] for r in range(unit.first_row, unit.last_row + 1) if r in tasks), None
            )
        unit.declared_task = task or header
