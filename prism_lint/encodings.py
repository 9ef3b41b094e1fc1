"""The encodings a file may be read in, and written back in.

Files are UTF-8, with or without a byte-order mark. Editors on Windows also
save UTF-16 and, rarely, UTF-32; their byte-order mark says so, and such a
file is text, not the binary file its zero bytes would suggest. A fixed
file is written back in the encoding it was read in, mark and all.
"""

from __future__ import annotations

UTF8 = "utf-8"
# Longest first: the UTF-32 little-endian mark begins with UTF-16's.
_MARKS = (
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)


def wide(data: bytes) -> str | None:
    """The UTF-16 or UTF-32 encoding ``data``'s byte-order mark names, or None."""
    for mark, name in _MARKS:
        if data.startswith(mark):
            return name
    return None


def decode_wide(data: bytes, encoding: str) -> str:
    """The text of a UTF-16/32 file after its mark, or a ValueError saying
    where it is not valid."""
    mark = next(m for m, name in _MARKS if name == encoding)
    try:
        return data[len(mark) :].decode(encoding)
    except UnicodeDecodeError as exc:
        raise ValueError(
            f"not valid {encoding.upper()[:6]} (at byte {exc.start + len(mark)}); "
            "the file's byte-order mark says it is"
        ) from None


def encode(text: str, *, bom: bool, encoding: str = UTF8) -> bytes:
    """``text`` as the file it came from: its encoding and its mark."""
    if encoding == UTF8:
        return (b"\xef\xbb\xbf" if bom else b"") + text.encode(UTF8)
    mark = next(m for m, name in _MARKS if name == encoding)
    return mark + text.encode(encoding)
