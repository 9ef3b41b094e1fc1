"""`prism-lint rule CODE | --all`: print a rule's documentation."""

from __future__ import annotations

import argparse
import json

from prism_lint.cli import EXIT_CLEAN, fail


def _find(code: str) -> str | None:
    from prism_lint.rules import catalogue

    cat = catalogue()
    code_u = code.upper()
    if code_u in cat:
        return code_u
    for c, entry in cat.items():
        if entry.name == code.lower():
            return c
    return None


def describe(code: str) -> dict[str, object]:
    from prism_lint.rules import catalogue, load_rule

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
            "invalid": [e.prompt for e in rule.INVALID],
            "valid": [e.prompt for e in rule.VALID],
        },
    }


def as_text(info: dict[str, object]) -> str:
    lines = [f"# {info['name']} ({info['code']})", "", str(info["fix_availability"])]
    if not info["default"]:
        lines.append(f"Not enabled by default: `--extend-select {info['code']}`.")
    lines += ["", str(info["explanation"]), ""]
    examples = info["examples"]
    assert isinstance(examples, dict)
    if examples["invalid"]:
        lines.append("## Flagged")
        lines += [f"- {e}" for e in examples["invalid"]]
        lines.append("")
    if examples["valid"]:
        lines.append("## Not flagged")
        lines += [f"- {e}" for e in examples["valid"]]
        lines.append("")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    from prism_lint.rules import catalogue

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
