"""Jinja prompt templates (``.j2``, ``.jinja``, ``.jinja2``, ``.jinja-md``).

Jinja's own lexer tells literal text from ``{{ }}``/``{% %}`` (holes) and
``{# #}`` (comments). Roles come from ``{% chat role=... %}`` and
``{% message role=... %}`` blocks and from Prompt flow/Prompty marker lines
(``system:``, ``# user:``). Tokenizer chat templates, which render a
``messages`` list rather than being a prompt, are skipped.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from yaml.nodes import MappingNode, SequenceNode

from prism_lint.extract import Comment, ExtractError, Extraction, ExtractOptions
from prism_lint.extract.shared.mapped import MappedText
from prism_lint.extract.shared.yaml_source import compose, mapping, str_value
from prism_lint.extract.templates.file import (
    file_units,
    problem_error,
    related_reader,
    rest_as_text,
    role_from_name,
)
from prism_lint.extract.templates.text import (
    assemble,
    jinja_tokens,
    marker_line,
    render_plain,
    split_lines,
)
from prism_lint.lines import line_index
from prism_lint.model import CallContext, Document

_CHAT_LOOP = re.compile(r"\{%-?\s*for\s+(\w+)\s+in\s+(?:messages|loop_messages|conversation)\b")


def is_chat_template(text: str) -> bool:
    """A tokenizer chat template: loops over messages reading each one's role."""
    for m in _CHAT_LOOP.finditer(text):
        var = re.escape(m.group(1))
        if re.search(var + r"""(?:\s*\[\s*['"]role['"]\s*\]|\.role\b)""", text):
            return True
    return False


def extract(doc: Document, options: ExtractOptions) -> Extraction:
    lines = line_index(doc.text)
    mt = MappedText.identity(doc.text).normalized_newlines()
    problems: list[ExtractError] = []
    comments: list[Comment] = []
    toks, problem = jinja_tokens(mt.text)
    if problem is not None:
        problems.append(problem_error(mt, lines, problem))
        toks = rest_as_text(toks, len(mt.text))
    if is_chat_template(mt.text):
        comment_toks = [t for t in toks if t.kind == "comment"]
        assemble(doc, lines, mt, comment_toks, default_role="unknown", trim=True, comments=comments)
        return Extraction([], comments, problems)
    toks = split_lines(toks, mt.text, marker_line)
    read = related_reader(options)
    context = CallContext(library="jinja", call="template")
    flow = _promptflow_node(doc, read)
    if flow is not None:
        context = CallContext(
            library="promptflow",
            call="llm",
            argument=flow[0],
            model=flow[1],
            names=[flow[0]] if flow[0] else [],
        )

    def render_include(name: str) -> str | None:
        text = read(name)
        if text is None:
            return None
        inc = MappedText.identity(text).normalized_newlines()
        inc_toks, _problem = jinja_tokens(inc.text)
        return render_plain(inc.text, rest_as_text(inc_toks, len(inc.text)))

    units = file_units(
        doc,
        lines,
        mt,
        toks,
        default_role=role_from_name(doc.path),
        context=context,
        syntax="jinja",
        comments=comments,
        options=options,
        render_include=render_include,
    )
    return Extraction(units, comments, problems)


def _promptflow_node(
    doc: Document, read: Callable[[str], str | None]
) -> tuple[str, str | None] | None:
    """(node name, model) of the Prompt flow LLM node using this template, if any."""
    text = read("flow.dag.yaml") or read("flow.dag.yml")
    if not text:
        return None
    return _flow_nodes(text).get(posixpath.basename(doc.path.replace("\\", "/")))


@lru_cache(maxsize=16)
def _flow_nodes(text: str) -> dict[str, tuple[str, str | None]]:
    """Template file name -> (node name, model) for the LLM nodes of a flow.
    Parsed once per flow: a flow's templates sit side by side."""
    try:
        roots, _shift = compose(text)
    except ExtractError:
        return {}
    out: dict[str, tuple[str, str | None]] = {}
    for root in roots:
        if not isinstance(root, MappingNode):
            continue
        nodes = mapping(root).get("nodes", (None, None))[1]
        if not isinstance(nodes, SequenceNode):
            continue
        for node in nodes.value:
            if not isinstance(node, MappingNode):
                continue
            d = mapping(node)
            source = d.get("source", (None, None))[1]
            path = (
                str_value(mapping(source).get("path", (None, None))[1])
                if isinstance(source, MappingNode)
                else None
            )
            if path is None:
                continue
            name = str_value(d.get("name", (None, None))[1]) or ""
            out.setdefault(posixpath.basename(path), (name, _flow_model(d)))
    return out


def _flow_model(d: dict[str, Any]) -> str | None:
    inputs = d.get("inputs", (None, None))[1]
    holders = [d, mapping(inputs)] if isinstance(inputs, MappingNode) else [d]
    for holder in holders:
        for key in ("model", "deployment_name", "azure_deployment"):
            text = str_value(holder.get(key, (None, None))[1])
            if text:
                return text
    return None
