"""The cheap first pass: can these bytes hold anything a rule reports?

Every persona the analysis finds is anchored on a cue ("you are", "act as",
"as a ...", "role:", "eres", "du bist", "你是", ...). Lower-casing the bytes
and looking for those cues is C-speed; only files that contain one are
decoded and parsed. Files named on the command line always get the full
pass, so their read and parse errors are reported.
"""

from __future__ import annotations

from functools import lru_cache

from prism_lint.config import Settings


@lru_cache(maxsize=1)
def cues() -> tuple[bytes, ...]:
    from prism_lint.analysis import prefilter_cues

    return tuple(sorted({c.lower().encode("utf-8") for c in prefilter_cues() if c}))


def may_hold_persona(data: bytes) -> bool:
    low = data.lower()
    return any(c in low for c in cues())


_DIRECTIVES = (b"prism:", b"noqa")


# Prompt files are prompts by definition and few: always read in full, so
# their encoding and syntax errors are reported. Source and config files are
# many, and most hold no persona.
FILTERED_KINDS = frozenset({"python", "notebook", "javascript", "yaml"})


def worth_checking(data: bytes, settings: Settings, *, named: bool, kind: str = "python"
                   ) -> bool:
    if named or kind not in FILTERED_KINDS:
        return True
    if may_hold_persona(data):
        return True
    # Unused-suppression findings need the file's directives even without a persona.
    if "PRS901" in (settings.extend_select or ()) or (settings.select and any(
            "PRS901".startswith(s) or s == "ALL" for s in settings.select)):
        low = data.lower()
        return any(d in low for d in _DIRECTIVES)
    return False
