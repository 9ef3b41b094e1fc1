"""Apply an expert persona only to requests it helps: PRISM's routing, in prompt space.

An expert persona improves tone, writing, roleplay, extraction and safety
refusals but costs accuracy on code, math, factual recall and judgement
(PRISM, arXiv 2603.18507). An application that answers both kinds of request
can keep the persona for the first kind and drop it for the second by asking
this module, at run time, what the user's request is for. It uses the same
intent classifier as the linter, so what the linter flags and what the
router routes agree.

It imports only the standard library and :mod:`prism_lint.analysis` (pure
Python), so an application can depend on it without the linter's parsers::

    from prism_lint.router import persona_for

    system = persona_for(question, "You are a senior tax adviser. ") + "Answer briefly."
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from prism_lint.analysis import ACCURACY_TASKS, analyse_text

__all__ = ["intent", "persona_for", "route_messages", "wants_persona"]


def intent(request: Any) -> str:
    """The task category the linter would infer for ``request``.

    ``request`` is the user's text, or whatever an SDK call takes in its
    place: content blocks, a list of chat messages (the last user turn is
    read), bytes, or None.
    """
    return analyse_text(_request_text(request)).task.category


def _request_text(request: Any) -> str:
    if isinstance(request, str):
        return request
    if isinstance(request, (bytes, bytearray)):
        return bytes(request).decode("utf-8", "replace")
    if isinstance(request, Mapping):
        return _content_text(request.get("content", request.get("text")))
    if isinstance(request, Sequence):
        if any(isinstance(m, Mapping) and "role" in m for m in request):
            for m in reversed(request):
                if isinstance(m, Mapping) and m.get("role") == "user":
                    return _content_text(m.get("content"))
            return ""
        return _content_text(request)
    return "" if request is None else str(request)


def wants_persona(request: Any) -> bool:
    """Whether a persona is expected to help with ``request``.

    False for the accuracy-critical intents (code, math, factual recall,
    judgement), true for everything else: the persona was written for a
    reason, and only those intents are known to suffer from it.
    """
    return intent(request) not in ACCURACY_TASKS


def persona_for(request: Any, persona: str, otherwise: str = "") -> str:
    """``persona`` when it helps with ``request``, else ``otherwise``.

    ``otherwise`` is what stands in the persona's place when it is left out,
    e.g. the capitalised first word of the sentence it opened.
    """
    return persona if wants_persona(request) else otherwise


def _content_text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, Sequence) and not isinstance(content, (bytes, bytearray)):
        parts = []
        for block in content:
            if isinstance(block, Mapping) and isinstance(block.get("text"), str):
                parts.append(block["text"])
            elif isinstance(block, str):
                parts.append(block)
        return "\n".join(parts)
    return ""


def route_messages(
    messages: Sequence[Mapping[str, Any]],
    persona: str,
    *,
    system_role: str = "system",
) -> list[dict[str, Any]]:
    """A copy of chat ``messages`` with ``persona`` applied when it helps.

    The intent is read from the last user message. When the persona helps,
    it is put in front of the first system message (or, when there is none,
    as a new system message at the start); otherwise the messages are
    returned unchanged. Content given as a list of blocks gets the persona
    as a new first text block.
    """
    out = [dict(m) for m in messages]
    request = ""
    for m in reversed(out):
        if m.get("role") == "user":
            request = _content_text(m.get("content"))
            break
    if not persona or not wants_persona(request):
        return out
    for m in out:
        if m.get("role") == system_role:
            content = m.get("content")
            if isinstance(content, str):
                m["content"] = persona + content
            elif isinstance(content, list):
                m["content"] = [{"type": "text", "text": persona}, *content]
            else:
                m["content"] = persona
            return out
    return [{"role": system_role, "content": persona.rstrip()}, *out]
