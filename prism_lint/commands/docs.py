"""The rule reference (docs/rules.md), generated from the rule modules."""

from __future__ import annotations

from prism_lint.commands.rule import as_text, describe
from prism_lint.rules import catalogue


def rules_markdown() -> str:
    parts = [
        "# prism-lint rules",
        "",
        "Generated from the rule modules in `prism_lint/rules/` by "
        "`python scripts/gen_rule_docs.py`; `prism-lint rule CODE` prints the same text.",
        "",
    ]
    for code in catalogue():
        parts.append(f'<a id="{code.lower()}"></a>')
        parts.append("")
        text = as_text(describe(code)).replace("\n## ", "\n### ").rstrip()
        parts.append("#" + text)
        parts.append("")
    return "\n".join(parts)
