"""Read LSP frames from a byte stream, with every length bounded.

A frame is header lines (``Content-Length: N``), an empty line, and N bytes
of JSON. The client is trusted to speak the protocol, not to speak it well:
a header line, a header block and a body each have a ceiling, and a frame
that breaks the rules (no length, a negative or oversized one, a header
line that never ends) is reported and skipped. Reading then resumes at the
next ``Content-Length`` header, so one bad frame costs one message, never
the server's memory or its hearing.
"""

from __future__ import annotations

import re
from typing import BinaryIO

MAX_HEADER_LINE = 4096
MAX_HEADERS = 32
# Far above any document the analysis serves (see ``session.MAX_DOCUMENT``):
# a bigger frame is a mistake or an attack, and is not held in memory.
MAX_FRAME = 64 * 1024 * 1024
_CHUNK = 1 << 16
_MARK = b"Content-Length:"
_LENGTH = re.compile(rb"Content-Length:[ \t]*(\S*)[ \t]*", re.IGNORECASE)


class FrameError(Exception):
    """A frame that breaks the rules; the reader has skipped it."""


class FrameReader:
    """Frames from ``stream`` (raw or buffered bytes), one at a time."""

    def __init__(self, stream: BinaryIO) -> None:
        self.stream = stream
        self.buf = bytearray()
        self.eof = False
        self.lost = False  # a bad frame was met: look for the next header

    def read(self) -> bytes | None:
        """The next frame's body; None at the end of the input; FrameError
        for a frame that was skipped (call again for the next one)."""
        if self.lost:
            self.lost = False
            if not self._resync():
                return None
        length: int | None = None
        bad: str | None = None
        for count in range(MAX_HEADERS + 1):
            line = self._line()
            if line is None:
                if self.buf.strip() or length is not None or count:
                    raise self._lose("the input ended inside a frame's headers")
                return None
            if not line.strip():
                if count == 0:
                    continue  # a stray blank line between frames
                break
            if count == MAX_HEADERS:
                raise self._lose(f"more than {MAX_HEADERS} header lines")
            m = _LENGTH.fullmatch(line.rstrip(b"\r\n"))
            if m is not None:
                value = m.group(1)
                if not value.isdigit():
                    shown = value[:20].decode("ascii", "replace")
                    bad = f"Content-Length {shown!r} is not a length"
                elif int(value) > MAX_FRAME:
                    bad = f"Content-Length {int(value):,} is over the limit ({MAX_FRAME:,} bytes)"
                else:
                    length = int(value)
        if bad is not None:
            raise self._lose(bad)
        if length is None:
            raise self._lose("a frame without a Content-Length header")
        body = self._exactly(length)
        if body is None:
            raise self._lose(f"the input ended inside a frame of {length:,} bytes")
        return body

    # -- the buffer ----------------------------------------------------------

    def _fill(self) -> bool:
        if self.eof:
            return False
        read1 = getattr(self.stream, "read1", None)
        chunk = read1(_CHUNK) if read1 is not None else self.stream.read(_CHUNK)
        if not chunk:
            self.eof = True
            return False
        self.buf += chunk
        return True

    def _line(self) -> bytes | None:
        """One header line with its newline; None at the end of the input."""
        start = 0
        while True:
            at = self.buf.find(b"\n", start)
            if at >= 0:
                if at + 1 > MAX_HEADER_LINE:
                    raise self._lose(f"a header line over {MAX_HEADER_LINE} bytes")
                line = bytes(self.buf[: at + 1])
                del self.buf[: at + 1]
                return line
            if len(self.buf) > MAX_HEADER_LINE:
                raise self._lose(f"a header line over {MAX_HEADER_LINE} bytes")
            start = len(self.buf)
            if not self._fill():
                return None

    def _exactly(self, n: int) -> bytes | None:
        while len(self.buf) < n:
            if not self._fill():
                return None
        body = bytes(self.buf[:n])
        del self.buf[:n]
        return body

    def _lose(self, why: str) -> FrameError:
        self.lost = True
        return FrameError(why)

    def _resync(self) -> bool:
        """Drop bytes up to the next ``Content-Length`` header, holding no
        more than a chunk at a time; False at the end of the input."""
        while True:
            at = self.buf.find(_MARK)
            if at >= 0:
                del self.buf[:at]
                return True
            keep = len(_MARK) - 1
            if len(self.buf) > keep:
                del self.buf[: len(self.buf) - keep]
            if not self._fill():
                return False
