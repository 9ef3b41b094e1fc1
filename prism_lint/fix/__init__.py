"""Autofixes: strip a persona or gate it on intent."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from prism_lint.analysis import Analysis
    from prism_lint.config import Settings
    from prism_lint.model import Fix, PromptUnit
    from prism_lint.rules import Finding


def fix_for(
    unit: PromptUnit, analysis: Analysis, finding: Finding, code: str, settings: Settings
) -> Fix | None:
    """The fix for one finding, or None where none can be made."""
    return None
