"""Write rules/compiled.jsonl (the rules/ TOML tables as JSON), for fast loading.

Run after editing any file under rules/; tests/test_data.py fails until then.

    python scripts/gen_compiled_data.py
"""

from __future__ import annotations

from prism_lint.data import COMPILED, compiled_text, rules_dir


def main() -> int:
    path = rules_dir() / COMPILED
    path.write_text(compiled_text(), encoding="utf-8")
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
