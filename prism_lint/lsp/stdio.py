"""Serve LSP over stdin and stdout, frames read by :mod:`.framing`.

pygls's own loop reads a header line and a body of whatever length the
client names, and takes the end of the input for the end of the session.
This loop bounds both, answers a bad frame or bad JSON with a message and
goes on, and ends with the exit code the protocol asks for: 0 after
``shutdown`` then ``exit``, 1 for an ``exit`` without a ``shutdown`` or
input that ends without an ``exit``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import threading
from typing import Any, BinaryIO

from lsprotocol import types

from prism_lint.lsp.framing import FrameError, FrameReader

log = logging.getLogger("prism_lint.lsp")


class _Writer:
    """stdout for pygls. ``close`` only flushes: the process exits right
    after, and a closed stdout would make its last flush fail."""

    def __init__(self, stream: BinaryIO) -> None:
        self.stream = stream
        self.lock = threading.Lock()

    def write(self, data: bytes) -> None:
        with self.lock:
            self.stream.write(data)
            self.stream.flush()

    def close(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            self.stream.flush()


def serve_stdio(server: Any, stdin: BinaryIO, stdout: BinaryIO) -> int:
    """Run ``server`` (a pygls ``LanguageServer``) until ``exit`` or the end
    of the input; the process's exit code."""
    writer = _Writer(stdout)
    server.protocol.set_writer(writer)
    logging.getLogger("pygls.protocol.json_rpc").addFilter(_quiet_structure_errors)
    try:
        return asyncio.run(_loop(server, FrameReader(stdin), writer))
    except SystemExit as exc:  # pygls's ``exit`` handler, from a callback
        return exc.code if isinstance(exc.code, int) else 1
    except BrokenPipeError:
        log.error("the client went away")
        return 1


def _quiet_structure_errors(record: logging.LogRecord) -> bool:
    """pygls logs a traceback for a message it cannot read; the loop below
    says what was wrong in one line instead."""
    return not str(record.msg).startswith("Unable to deserialize message")


async def _loop(server: Any, reader: FrameReader, writer: _Writer) -> int:
    loop = asyncio.get_running_loop()
    frames: asyncio.Queue[tuple[bytes | None, str | None]] = asyncio.Queue(maxsize=0)

    # Frames read ahead of the handlers: a client that writes faster than the
    # server handles waits in its pipe, not in this process's memory.
    slots = threading.BoundedSemaphore(16)

    def hand(item: tuple[bytes | None, str | None]) -> bool:
        """Give the loop a frame; False once the loop has closed (the
        session ended while this thread read on)."""
        try:
            loop.call_soon_threadsafe(frames.put_nowait, item)
        except RuntimeError:
            return False
        return True

    def read_all() -> None:
        # A daemon thread: blocked on stdin, it must not hold the process open.
        while True:
            slots.acquire()
            try:
                body = reader.read()
            except FrameError as exc:
                if not hand((b"", str(exc))):
                    return
                continue
            except Exception as exc:  # an unreadable stdin ends the session
                hand((None, str(exc)))
                return
            if not hand((body, None)) or body is None:
                return

    threading.Thread(target=read_all, name="prism-lint-stdin", daemon=True).start()
    protocol = server.protocol
    while True:
        body, problem = await frames.get()
        slots.release()
        if problem is not None:
            _complain(server, f"skipped a bad message: {problem}")
        if body is None:
            return 0 if getattr(protocol, "_shutdown", False) else 1
        if not body:
            if problem is None:
                _complain(server, "skipped an empty message")
            continue
        message = _message(server, writer, body)
        if message is None:
            continue
        try:
            protocol.handle_message(message)
        except SystemExit as exc:
            return exc.code if isinstance(exc.code, int) else 1
        except Exception:  # a bug in a handler costs that message only
            log.exception("handling a message failed")


def _message(server: Any, writer: _Writer, body: bytes) -> Any:
    """The frame's message as pygls reads it, or None (said and, for a
    request, answered with an error)."""
    protocol = server.protocol
    try:
        data = json.loads(body)
    except (ValueError, RecursionError) as exc:
        _complain(server, f"skipped a message that is not JSON: {exc}")
        return None
    request_id = data.get("id") if isinstance(data, dict) else None
    if (
        not isinstance(data, dict)
        or data.get("jsonrpc") != "2.0"
        or not ("method" in data or "id" in data)
    ):
        _complain(server, "skipped a message that is not JSON-RPC 2.0")
        _refuse(writer, request_id, -32600, "Invalid Request")
        return None
    method = data.get("method")
    if (
        isinstance(method, str)
        and "params" not in data
        and protocol.get_message_type(method) is None
    ):
        data["params"] = None  # optional in JSON-RPC; pygls's generic request wants it
    try:
        return protocol.structure_message(data)
    except Exception:
        _complain(server, f"skipped a message with invalid params ({method or 'a response'})")
        if method is not None:
            _refuse(writer, request_id, -32602, f"Invalid params for {method}")
        return None


def _refuse(writer: _Writer, request_id: Any, code: int, message: str) -> None:
    """An error response to a request that cannot be handled."""
    if not isinstance(request_id, (int, str)) or isinstance(request_id, bool):
        return
    body = json.dumps(
        {"jsonrpc": "2.0", "id": request_id, "error": {"code": code, "message": message}}
    ).encode("utf-8")
    writer.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)


def _complain(server: Any, message: str) -> None:
    log.error("%s", message)
    with contextlib.suppress(Exception):
        server.window_log_message(
            types.LogMessageParams(types.MessageType.Error, f"prism-lint: {message}")
        )
