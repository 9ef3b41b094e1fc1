"""Prompty files: YAML front matter, then a Jinja (or Mustache) body.

The body is split into messages by role lines (``system:``, ``# user:``,
``assistant[name="x"]:``); text before the first one is the system message,
as Prompty's own parser reads it.
"""

from __future__ import annotations

import posixpath
from typing import Any

from prism_lint.extract import Comment, ExtractError, Extraction, ExtractOptions
from prism_lint.extract.shared.frontmatter import read_front_matter
from prism_lint.extract.shared.mapped import MappedText
from prism_lint.extract.templates.file import (
    file_units,
    problem_error,
    related_reader,
    rest_as_text,
)
from prism_lint.extract.templates.text import (
    handlebars_tokens,
    jinja_tokens,
    marker_line,
    render_plain,
    split_lines,
)
from prism_lint.lines import line_index
from prism_lint.model import CallContext, Document


def extract(doc: Document, options: ExtractOptions) -> Extraction:
    lines = line_index(doc.text)
    problems: list[ExtractError] = []
    fm = read_front_matter(doc, lines, problems)
    comments: list[Comment] = list(fm.comments)
    body = doc.text[fm.body_start :]
    mt = MappedText.identity(body, fm.body_start).normalized_newlines()
    engine = template_engine(fm.data)
    if engine == "mustache":
        toks, problem = handlebars_tokens(mt.text)
    else:
        toks, problem = jinja_tokens(mt.text)
    if problem is not None:
        problems.append(problem_error(mt, lines, problem))
        toks = rest_as_text(toks, len(mt.text))
    toks = split_lines(toks, mt.text, marker_line)
    read = related_reader(options)

    def render_include(name: str) -> str | None:
        if engine == "mustache":
            name = name if "." in posixpath.basename(name) else f"{name}.mustache"
        text = read(name)
        if text is None:
            return None
        inc = MappedText.identity(text).normalized_newlines()
        inc_toks, _ = (
            jinja_tokens(inc.text) if engine != "mustache" else handlebars_tokens(inc.text)
        )
        return render_plain(inc.text, rest_as_text(inc_toks, len(inc.text)))

    units = file_units(
        doc,
        lines,
        mt,
        toks,
        default_role="system",
        context=context(fm.data),
        syntax="mustache" if engine == "mustache" else "jinja",
        comments=comments,
        options=options,
        render_include=render_include,
    )
    return Extraction(units, sorted(comments, key=lambda c: c.row), problems)


def template_engine(data: dict[str, Any]) -> str:
    """``jinja2`` (Prompty's default) or ``mustache``."""
    template = data.get("template")
    if isinstance(template, dict):
        template = template.get("format") or template.get("type")
    if isinstance(template, str) and template.strip().lower() in ("mustache", "handlebars"):
        return "mustache"
    return "jinja2"


def context(data: dict[str, Any]) -> CallContext:
    name = data.get("name")
    return CallContext(
        library="prompty",
        call="prompty",
        argument="body",
        model=_model(data.get("model")),
        names=[name] if isinstance(name, str) and name else [],
        response_format=_response_format(data.get("model")),
    )


def _model(model: object) -> str | None:
    """Prompty v1 ``model.configuration``, v2 ``model.id``, or a plain string."""
    if isinstance(model, str):
        return model
    if not isinstance(model, dict):
        return None
    for key in ("id", "name"):
        if isinstance(model.get(key), str):
            return str(model[key])
    config = model.get("configuration") or model.get("connection")
    if isinstance(config, dict):
        for key in ("azure_deployment", "model", "name", "deployment_name", "id"):
            value = config.get(key)
            if isinstance(value, str) and value and not value.startswith("${"):
                return value
    return None


def _response_format(model: object) -> str | None:
    if not isinstance(model, dict):
        return None
    params = model.get("parameters") or model.get("options")
    if not isinstance(params, dict):
        return None
    fmt = params.get("response_format") or params.get("responseFormat")
    if isinstance(fmt, dict):
        kind = fmt.get("type")
        return str(kind) if kind else "json"
    return str(fmt) if fmt else None
