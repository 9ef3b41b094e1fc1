"""Dotprompt files (``.prompt``, Firebase Genkit): front matter, Handlebars body.

``{{role "system"}}`` switches the role of what follows; text before any
role is a user message. Partials (``_name.prompt``) are prompt files too,
spliced into whatever message includes them, so their role is unknown.
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
    role_from_name,
)
from prism_lint.extract.templates.text import handlebars_tokens, render_plain
from prism_lint.lines import line_index
from prism_lint.model import CallContext, Document, Role


def extract(doc: Document, options: ExtractOptions) -> Extraction:
    lines = line_index(doc.text)
    problems: list[ExtractError] = []
    fm = read_front_matter(doc, lines, problems)
    comments: list[Comment] = list(fm.comments)
    mt = MappedText.identity(doc.text[fm.body_start :], fm.body_start).normalized_newlines()
    toks, problem = handlebars_tokens(mt.text, roles=True)
    if problem is not None:
        problems.append(problem_error(mt, lines, problem))
        toks = rest_as_text(toks, len(mt.text))
    base = posixpath.basename(doc.path.replace("\\", "/"))
    # Dotprompt reads text before any role marker as the user's; a file named
    # for its role (``system.prompt``, as projects that keep Jinja templates
    # in ``.prompt`` files name them) says otherwise
    named = role_from_name(doc.path, whole=True)
    role: Role = "unknown" if base.startswith("_") else named if named != "unknown" else "user"
    read = related_reader(options)

    def render_include(name: str) -> str | None:
        text = read(f"_{name}.prompt")
        if text is None:
            return None
        inc = MappedText.identity(text).normalized_newlines()
        inc_toks, _ = handlebars_tokens(inc.text)
        return render_plain(inc.text, rest_as_text(inc_toks, len(inc.text)))

    units = file_units(
        doc,
        lines,
        mt,
        toks,
        default_role=role,
        context=context(fm.data, base),
        syntax="handlebars",
        comments=comments,
        options=options,
        render_include=render_include,
    )
    return Extraction(units, sorted(comments, key=lambda c: c.row), problems)


def context(data: dict[str, Any], base: str) -> CallContext:
    name = data.get("name")
    names = [name] if isinstance(name, str) and name else [base.split(".")[0]]
    tools = data.get("tools")
    model = data.get("model")
    return CallContext(
        library="dotprompt",
        call="prompt",
        argument="body",
        model=model if isinstance(model, str) else None,
        names=names,
        response_format=_response_format(data.get("output")),
        tools=[t for t in tools if isinstance(t, str)] if isinstance(tools, list) else [],
    )


def _response_format(output: object) -> str | None:
    """``output.format`` (json, text ...) or, with a schema, the schema's name."""
    if not isinstance(output, dict):
        return None
    fmt = output.get("format")
    schema = output.get("schema")
    if isinstance(schema, str) and schema:
        return schema
    if isinstance(fmt, str) and fmt:
        return fmt
    return "json" if schema else None
