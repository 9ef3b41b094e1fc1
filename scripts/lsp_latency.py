"""Time the language server as an editor meets it: diagnostics after a change.

Starts ``prism-lint server`` over stdio, opens FILE, then types into it one
character at a time (the middle of the file, or inside the first prompt
string found there) and measures, for each keystroke, the time from sending
``textDocument/didChange`` to having the document's diagnostics:

- push (a VS Code-like client, UTF-16): until ``publishDiagnostics`` for
  that version arrives (includes the server's debounce);
- pull (a Neovim-like client, UTF-8): the ``textDocument/diagnostic``
  request sent right after the change, until its answer.

It also times the engine alone on the same text (``check_source`` in this
process), so the protocol's share is visible.

    python scripts/lsp_latency.py FILE [--edits 40] [--mode push|pull|both]

Try it on a real file, e.g. FastChat's 2,342-line ``fastchat/conversation.py``
(60 prompts): ``git clone --depth 1 https://github.com/lm-sys/FastChat /tmp/fc``
then ``python scripts/lsp_latency.py /tmp/fc/fastchat/conversation.py``.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import shutil
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.lsp.client import LanguageClient

TYPED = "You are an expert mathematician. "


def server_command() -> list[str]:
    script = shutil.which("prism-lint", path=str(Path(sys.executable).parent))
    return [script, "server"] if script else [sys.executable, "-m", "prism_lint", "server"]


def capabilities(mode: str) -> types.ClientCapabilities:
    if mode == "pull":
        return types.ClientCapabilities(
            general=types.GeneralClientCapabilities(position_encodings=["utf-8", "utf-16"]),
            text_document=types.TextDocumentClientCapabilities(
                diagnostic=types.DiagnosticClientCapabilities(dynamic_registration=False)
            ),
        )
    return types.ClientCapabilities(
        text_document=types.TextDocumentClientCapabilities(
            publish_diagnostics=types.PublishDiagnosticsClientCapabilities(version_support=True)
        )
    )


def typing_point(text: str) -> int:
    """Where to type: inside the first prompt-like string after the middle."""
    middle = text.count("\n") // 2
    starts = [m.end() for m in re.finditer("\n", text)]
    offset = starts[middle] if middle < len(starts) else len(text)
    m = re.compile(r"""(["'])(You are|A chat|You will|Act as)""").search(text, offset)
    return m.start() + 1 if m else offset


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def summary(label: str, values: list[float]) -> str:
    return (
        f"{label:<34} median {statistics.median(values):7.1f} ms   "
        f"p90 {percentile(values, 0.9):7.1f} ms   max {max(values):7.1f} ms   (n={len(values)})"
    )


async def session(path: Path, mode: str, edits: int) -> tuple[float, list[float], int]:
    text = path.read_text(encoding="utf-8")
    uri = path.resolve().as_uri()
    client = LanguageClient("lsp-latency", "1")
    published: dict[int, float] = {}
    counts: dict[int, int] = {}
    arrived = asyncio.Event()

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def on_publish(params: types.PublishDiagnosticsParams) -> None:
        if params.uri == uri and params.version is not None:
            published.setdefault(params.version, time.perf_counter())
            counts[params.version] = len(params.diagnostics)
            arrived.set()

    @client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def on_register(params: Any) -> None:
        return None

    @client.feature(types.WORKSPACE_CONFIGURATION)
    def on_configuration(params: types.ConfigurationParams) -> list[None]:
        return [None for _ in params.items]

    await client.start_io(*server_command())
    await client.initialize_async(
        types.InitializeParams(
            capabilities=capabilities(mode),
            root_uri=path.resolve().parent.as_uri(),
            process_id=None,
        )
    )
    client.initialized(types.InitializedParams())

    async def diagnostics(version: int, sent: float) -> float:
        if mode == "pull":
            report = await client.text_document_diagnostic_async(
                types.DocumentDiagnosticParams(types.TextDocumentIdentifier(uri))
            )
            counts[version] = len(getattr(report, "items", []) or [])
            return (time.perf_counter() - sent) * 1000
        while version not in published:
            arrived.clear()
            await arrived.wait()
        return (published[version] - sent) * 1000

    sent = time.perf_counter()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(types.TextDocumentItem(uri, "python", 1, text))
    )
    first = await asyncio.wait_for(diagnostics(1, sent), 60)

    point = typing_point(text)
    times = []
    for i in range(edits):
        typed = TYPED[: (i % len(TYPED)) + 1]
        new = text[:point] + typed + text[point:]
        version = i + 2
        sent = time.perf_counter()
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                [types.TextDocumentContentChangeWholeDocument(text=new)],
            )
        )
        times.append(await asyncio.wait_for(diagnostics(version, sent), 60))
        await asyncio.sleep(0.15)  # a typist's pause, so each change stands alone

    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    return first, times, counts.get(edits + 1, -1)


def engine_times(path: Path, runs: int) -> list[float]:
    from prism_lint.config import Resolver
    from prism_lint.engine import check_source

    text = path.read_text(encoding="utf-8")
    settings = Resolver().for_path(str(path))
    check_source(str(path), text, settings, fixes=False)
    out = []
    for i in range(runs):  # as the server lints on a change: fixes wait for code actions
        start = time.perf_counter()
        check_source(str(path), text + " " * i, settings, fixes=False)
        out.append((time.perf_counter() - start) * 1000)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("file", type=Path)
    parser.add_argument("--edits", type=int, default=40)
    parser.add_argument("--mode", choices=("push", "pull", "both"), default="both")
    args = parser.parse_args()
    text = args.file.read_text(encoding="utf-8")
    print(f"{args.file}: {text.count(chr(10))} lines, {len(text):,} characters")
    for mode in ("push", "pull") if args.mode == "both" else (args.mode,):
        first, times, findings = asyncio.run(session(args.file, mode, args.edits))
        print(f"{mode}: first diagnostics after open {first:.0f} ms (cold start included)")
        print(summary(f"{mode}: diagnostics after a change", times))
        print(f"{mode}: findings after the last edit: {findings}")
    print(summary("engine alone (check_source)", engine_times(args.file, 15)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
