"""The language server at the byte level: a real ``prism-lint server``
subprocess fed raw frames, good and bad. Every wait is bounded; a server
that hangs fails the test rather than the suite."""

from __future__ import annotations

import contextlib
import json
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from prism_lint.lsp.framing import MAX_FRAME, FrameError, FrameReader

TIMEOUT = 15.0
_SCRIPT = Path(sys.executable).with_name("prism-lint")
SERVER = (
    [str(_SCRIPT), "server"] if _SCRIPT.exists() else [sys.executable, "-m", "prism_lint", "server"]
)

PERSONA = (
    "from openai import OpenAI\n\nclient = OpenAI()\n"
    'SYSTEM = "You are an expert Python engineer. Write a function that sorts a list."\n'
    'client.chat.completions.create(model="gpt-4o", '
    'messages=[{"role": "system", "content": SYSTEM}])\n'
)


def frame(message: dict[str, Any]) -> bytes:
    body = json.dumps(message).encode("utf-8")
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


INITIALIZE = frame(
    {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "initialize",
        "params": {"processId": None, "rootUri": None, "capabilities": {}},
    }
)
INITIALIZED = frame({"jsonrpc": "2.0", "method": "initialized", "params": {}})
SHUTDOWN = frame({"jsonrpc": "2.0", "id": 99, "method": "shutdown"})
EXIT = frame({"jsonrpc": "2.0", "method": "exit"})


class Server:
    """A server process, its messages read on a thread into a queue."""

    def __init__(self, cwd: Path) -> None:
        self.proc = subprocess.Popen(
            SERVER, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=cwd
        )
        self.messages: queue.Queue[dict[str, Any]] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        reader = FrameReader(self.proc.stdout)
        while True:
            try:
                body = reader.read()
            except FrameError:
                continue
            if body is None:
                return
            self.messages.put(json.loads(body))

    def send(self, data: bytes) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def wait_for(self, want: Any, timeout: float = TIMEOUT) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError("the server did not answer in time")
            try:
                message = self.messages.get(timeout=left)
            except queue.Empty:
                continue
            if want(message):
                return message

    def finish(self, timeout: float = TIMEOUT) -> tuple[int, str]:
        """The exit code and stderr, once the process has ended."""
        assert self.proc.stdin is not None
        with contextlib.suppress(OSError):
            self.proc.stdin.close()
        try:
            code = self.proc.wait(timeout=timeout)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait(timeout=timeout)
        assert self.proc.stderr is not None
        return code, self.proc.stderr.read().decode("utf-8", "replace")


@pytest.fixture
def server(tmp_path: Path) -> Any:
    srv = Server(tmp_path)
    try:
        srv.send(INITIALIZE)
        srv.wait_for(lambda m: m.get("id") == 1)
        srv.send(INITIALIZED)
        yield srv
    finally:
        if srv.proc.poll() is None:
            srv.proc.kill()
            srv.proc.wait(timeout=TIMEOUT)


def answered(request_id: int) -> Any:
    return lambda m: m.get("id") == request_id and "method" not in m


def test_shutdown_then_exit_ends_with_zero(server: Server) -> None:
    server.send(SHUTDOWN)
    server.wait_for(answered(99))
    server.send(EXIT)
    code, err = server.finish()
    assert code == 0, err
    assert "Traceback" not in err


def test_exit_without_shutdown_ends_with_one(server: Server) -> None:
    server.send(EXIT)
    code, err = server.finish()
    assert code == 1
    assert "Traceback" not in err


BAD_FRAMES = {
    "huge length": b"Content-Length: 99999999999\r\n\r\n{}",
    "over the limit": b"Content-Length: %d\r\n\r\n{}" % (MAX_FRAME + 1),
    "negative length": b'Content-Length: -5\r\n\r\n{"jsonrpc": "2.0"}',
    "no length": b'Content-Type: application/json\r\n\r\n{"jsonrpc": "2.0", "id": 7}',
    "not a number": b"Content-Length: 1e3\r\n\r\n{}",
    "endless header": b"X" * 200_000 + b"\r\n",
    "bad json": b"Content-Length: 5\r\n\r\n{bad}",
    "not json-rpc": b"Content-Length: 2\r\n\r\n[]",
    "empty": b"Content-Length: 0\r\n\r\n",
}
WELL_FRAMED = ("bad json", "not json-rpc", "empty")


@pytest.mark.parametrize("bad", list(BAD_FRAMES), ids=list(BAD_FRAMES))
def test_a_bad_frame_costs_one_message(bad: str, server: Server) -> None:
    server.send(BAD_FRAMES[bad])
    server.send(frame({"jsonrpc": "2.0", "id": 5, "method": "prism/noSuchMethod"}))
    reply = server.wait_for(answered(5))  # still listening: the next request is answered
    assert reply["error"]["code"] == -32601
    server.send(SHUTDOWN)
    server.wait_for(answered(99))
    server.send(EXIT)
    code, err = server.finish()
    assert code == 0, err
    assert "skipped a" in err
    assert "Traceback" not in err
    assert "MemoryError" not in err


def test_a_frame_read_after_the_session_ended_is_dropped_quietly(monkeypatch) -> None:
    """The stdin thread reads on while the session ends: a frame it reads
    once the event loop has closed is dropped, with no traceback."""
    import io
    import os

    from pygls.lsp.server import LanguageServer

    from prism_lint.lsp.stdio import serve_stdio

    failures: list[BaseException | None] = []
    monkeypatch.setattr(threading, "excepthook", lambda args: failures.append(args.exc_value))
    read_end, write_end = os.pipe()
    with os.fdopen(read_end, "rb") as stdin, os.fdopen(write_end, "wb") as client:
        client.write(SHUTDOWN + EXIT)
        client.flush()
        assert serve_stdio(LanguageServer("test", "0"), stdin, io.BytesIO()) == 0
        (thread,) = [t for t in threading.enumerate() if t.name == "prism-lint-stdin"]
        client.write(frame({"jsonrpc": "2.0", "id": 7, "method": "prism/late"}))
        client.flush()
        thread.join(TIMEOUT)
    assert not thread.is_alive()
    assert failures == []


def open_document(server: Server, uri: str, text: str) -> None:
    server.send(
        frame(
            {
                "jsonrpc": "2.0",
                "method": "textDocument/didOpen",
                "params": {
                    "textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": text}
                },
            }
        )
    )


def published(uri: str, version: int) -> Any:
    return lambda m: (
        m.get("method") == "textDocument/publishDiagnostics"
        and m["params"]["uri"] == uri
        and m["params"].get("version") == version
    )


def test_the_server_asks_for_incremental_changes(tmp_path: Path) -> None:
    srv = Server(tmp_path)
    try:
        srv.send(INITIALIZE)
        reply = srv.wait_for(answered(1))
    finally:
        srv.proc.kill()
        srv.proc.wait(timeout=TIMEOUT)
    sync = reply["result"]["capabilities"]["textDocumentSync"]
    assert sync["change"] == 2  # Incremental


def test_a_ranged_change_edits_the_range(server: Server, tmp_path: Path) -> None:
    uri = (tmp_path / "m.py").as_uri()
    # U+2028 is no line break in LSP (str.splitlines would count one): the
    # edit's line numbers must be read as the client means them.
    text = "# note\u2028more\nX = 1\n" + PERSONA.replace("You are an expert Python engineer. ", "")
    open_document(server, uri, text)
    first = server.wait_for(published(uri, 1))
    assert first["params"]["diagnostics"] == []
    line = text.split("\n").index('SYSTEM = "Write a function that sorts a list."')
    server.send(
        frame(
            {
                "jsonrpc": "2.0",
                "method": "textDocument/didChange",
                "params": {
                    "textDocument": {"uri": uri, "version": 2},
                    "contentChanges": [
                        {
                            "range": {
                                "start": {"line": line, "character": 10},
                                "end": {"line": line, "character": 10},
                            },
                            "text": "You are an expert Python engineer. ",
                        }
                    ],
                },
            }
        )
    )
    second = server.wait_for(published(uri, 2))
    found = second["params"]["diagnostics"]
    assert [d["code"] for d in found] == ["PRS101"]
    assert found[0]["range"]["start"] == {"line": line, "character": 10}
    # and the rest of the document is as it was (a full replace would lose it)
    server.send(
        frame(
            {
                "jsonrpc": "2.0",
                "method": "textDocument/didChange",
                "params": {
                    "textDocument": {"uri": uri, "version": 3},
                    "contentChanges": [
                        {
                            "range": {
                                "start": {"line": 1, "character": 0},
                                "end": {"line": 1, "character": 5},
                            },
                            "text": "Y = 2",
                        }
                    ],
                },
            }
        )
    )
    third = server.wait_for(published(uri, 3))
    assert [d["code"] for d in third["params"]["diagnostics"]] == ["PRS101"]
    assert third["params"]["diagnostics"][0]["range"] == found[0]["range"]


def test_a_document_too_large_to_serve_gets_one_finding(server: Server, tmp_path: Path) -> None:
    uri = (tmp_path / "big.py").as_uri()
    text = PERSONA + "x = 1\n" * 900_000  # 5.4 MB: once 12 s and about 1 GB
    started = time.monotonic()
    open_document(server, uri, text)
    message = server.wait_for(published(uri, 1), timeout=30)
    elapsed = time.monotonic() - started
    found = message["params"]["diagnostics"]
    assert [d["code"] for d in found] == ["PRS900"]
    assert "max-file-size" in found[0]["message"]
    assert elapsed < 10


# -- the pure parts ----------------------------------------------------------


def read_all(data: bytes) -> list[bytes | str]:
    """Bodies, and the reasons frames were skipped, in order."""
    import io

    reader = FrameReader(io.BytesIO(data))
    out: list[bytes | str] = []
    for _ in range(100):
        try:
            body = reader.read()
        except FrameError as exc:
            out.append(str(exc))
            continue
        if body is None:
            return out
        out.append(body)
    raise AssertionError("the reader did not reach the end")


def test_frames_are_read_back_to_back() -> None:
    assert read_all(frame({"a": 1}) + frame({"b": 2})) == [b'{"a": 1}', b'{"b": 2}']


def test_headers_are_read_whatever_their_case_and_order() -> None:
    data = b"Content-Type: x\r\ncontent-length:  2\r\n\r\n{}"
    assert read_all(data) == [b"{}"]


@pytest.mark.parametrize("bad", list(BAD_FRAMES), ids=list(BAD_FRAMES))
def test_reading_resumes_after_a_bad_frame(bad: str) -> None:
    out = read_all(BAD_FRAMES[bad] + frame({"n": 1}))
    assert out[-1] == b'{"n": 1}'
    if bad in WELL_FRAMED:
        assert len(out) == 2  # well framed: bad only as JSON-RPC
    else:
        assert len(out) == 2 and isinstance(out[0], str)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.binary(max_size=40),
            st.sampled_from(
                [
                    b"Content-Length: ",
                    b"\r\n",
                    b"\r\n\r\n",
                    b"-1",
                    b"99999999999",
                    b"12",
                    b"{}",
                    b"Content-Type: x",
                ]
            ),
        ),
        max_size=12,
    )
)
def test_property_any_bytes_end_in_frames_or_skips(pieces: list[bytes]) -> None:
    data = b"".join(pieces) + frame({"last": True})
    out = read_all(data)  # ends: no loop, no other exception
    assert all(isinstance(x, (bytes, str)) for x in out)
    assert all(len(x) <= len(data) for x in out if isinstance(x, bytes))


def test_input_that_ends_inside_a_frame() -> None:
    out = read_all(b"Content-Length: 10\r\n\r\n{}")
    assert len(out) == 1 and "ended inside" in str(out[0])


def test_a_ranged_change_counts_lines_as_lsp_does() -> None:
    from types import SimpleNamespace as NS

    from prism_lint.lsp.sync import apply_change

    text = "a\u2028b\nc\u00e9d\r\nlast"

    def change(line: int, a: int, b: int, new: str) -> object:
        rng = NS(start=NS(line=line, character=a), end=NS(line=line, character=b))
        return NS(range=rng, text=new)

    assert apply_change(text, change(1, 2, 3, "D"), "utf-16") == "a\u2028b\nc\u00e9D\r\nlast"
    assert apply_change(text, change(1, 3, 4, "D"), "utf-8") == "a\u2028b\nc\u00e9D\r\nlast"
    assert apply_change(text, change(2, 0, 4, "end"), "utf-16") == "a\u2028b\nc\u00e9d\r\nend"
    assert apply_change(text, NS(text="whole"), "utf-16") == "whole"


def test_a_change_to_a_document_not_open_is_ignored(server: Server, tmp_path: Path) -> None:
    on_disk = tmp_path / "m.py"
    on_disk.write_text(PERSONA)
    uri = on_disk.as_uri()
    server.send(
        frame(
            {
                "jsonrpc": "2.0",
                "method": "textDocument/didChange",
                "params": {
                    "textDocument": {"uri": uri, "version": 2},
                    "contentChanges": [
                        {
                            "range": {
                                "start": {"line": 0, "character": 0},
                                "end": {"line": 0, "character": 0},
                            },
                            "text": "# x\n",
                        }
                    ],
                },
            }
        )
    )
    server.send(
        frame(
            {
                "jsonrpc": "2.0",
                "id": 7,
                "method": "textDocument/diagnostic",
                "params": {"textDocument": {"uri": uri}},
            }
        )
    )
    server.wait_for(answered(7))
    server.send(SHUTDOWN)
    server.wait_for(answered(99))
    server.send(EXIT)
    code, err = server.finish()
    assert code == 0, err
    assert "not open" in err
    assert on_disk.read_text() == PERSONA
