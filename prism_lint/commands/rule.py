"""`prism-lint rule CODE | --all`: print a rule's documentation."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

from prism_lint.exits import EXIT_CLEAN, fail
from prism_lint.rules import catalogue, load_rule

if TYPE_CHECKING:
    from prism_lint.rules import Example


def _find(code: str) -> str | None:

    cat = catalogue()
    code_u = code.upper()
    if code_u in cat:
        return code_u
    for c, entry in cat.items():
        if entry.name == code.lower():
            return c
    return None


def describe(code: str) -> dict[str, object]:
    entry = catalogue()[code]
    rule = load_rule(code)
    availability = {
        "always": "Fix is always available.",
        "sometimes": "Fix is sometimes available.",
        "never": "Fix is not available.",
    }[rule.fix_availability]
    return {
        "code": code,
        "name": entry.name,
        "summary": rule.summary,
        "default": entry.default,
        "fix_availability": availability,
        "figure": rule.figure,
        "explanation": rule.documentation(),
        "examples": {
            "invalid": [_example(e) for e in rule.INVALID],
            "valid": [_example(e) for e in rule.VALID],
        },
    }


def _example(e: Example) -> dict[str, str | None]:
    """An example with the context a rule reads besides its words: the
    message's role and the model it goes to."""
    return {"prompt": e.prompt, "role": e.role, "model": e.model, "fixed": e.fixed}


def example_text(e: dict[str, str | None]) -> list[str]:
    """An example as a list item: its context first, its fix after."""
    context = f"{e['role']} message" + (f" to model `{e['model']}`" if e.get("model") else "")
    lines = [f"- *{context}:* {e['prompt']}"]
    if e.get("fixed") is not None:
        lines.append(f"  - after the fix: {e['fixed'] or '(empty)'}")
    return lines


def as_text(info: dict[str, object]) -> str:
    lines = [f"# {info['name']} ({info['code']})", "", str(info["fix_availability"])]
    if info.get("figure"):
        figure = str(info["figure"]).removeprefix("PRISM: ")
        lines += ["", f"The paper's figure (PRISM, arXiv 2603.18507): {figure}"]
    if not info["default"]:
        lines.append(f"Not enabled by default: `--extend-select {info['code']}`.")
    lines += ["", str(info["explanation"]), ""]
    examples = info["examples"]
    assert isinstance(examples, dict)
    if examples["invalid"]:
        lines.append("## Flagged")
        lines += [line for e in examples["invalid"] for line in example_text(e)]
        lines.append("")
    if examples["valid"]:
        lines.append("## Not flagged")
        lines += [line for e in examples["valid"] for line in example_text(e)]
        lines.append("")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    if args.all:
        codes = list(catalogue())
    elif args.code:
        found = _find(args.code)
        if found is None:
            return fail(f"unknown rule {args.code!r}; `prism-lint rule --all` lists them")
        codes = [found]
    else:
        return fail("give a rule code (e.g. PRS101) or --all")
    infos = [describe(c) for c in codes]
    if args.output_format == "json":
        print(json.dumps(infos if args.all else infos[0], indent=2, ensure_ascii=False))
    else:
        print("\n\n".join(as_text(i) for i in infos))
    return EXIT_CLEAN
