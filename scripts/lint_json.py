"""Run prism-lint with JSON output and read what it printed: the scorers'
shared way of asking the command line, standard library only."""

from __future__ import annotations

import json
import shlex
import subprocess
from typing import Any


def run_json(exe: str, args: list[str], error: type[Exception]) -> list[dict[str, Any]]:
    """The JSON list ``exe args`` prints; ``error`` says why there is none."""
    cmd = [*shlex.split(exe), *args]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    except FileNotFoundError as exc:
        raise error(f"cannot run {exe!r}: not found") from exc
    if proc.returncode != 0:
        raise error(f"{' '.join(cmd)} exited {proc.returncode}: {proc.stderr[-2000:]}")
    out = proc.stdout.strip()
    try:
        data = json.loads(out) if out else []
    except ValueError as exc:
        raise error(f"{' '.join(cmd)}: output is not JSON: {exc}") from exc
    if not isinstance(data, list):
        raise error(f"{' '.join(cmd)}: expected a JSON list")
    return data
