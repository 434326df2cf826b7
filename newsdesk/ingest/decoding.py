"""Bytes to text, whatever the format: byte-order marks, UTF-16/32 without one, UTF-8, else
Windows-1252, else Latin-1; binary and empty inputs refused; the size limit on an input."""

from __future__ import annotations

import codecs
import os
from typing import BinaryIO

from newsdesk.errors import SourceReadError

HEAD_BYTES = 65536
MAX_FILE_BYTES = 512 * 1024 * 1024
ENV_MAX_FILE_MB = "NEWSDESK_MAX_FILE_MB"
_BOMS = (  # longest first: the UTF-32 LE mark starts with the UTF-16 LE one
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def max_file_bytes() -> int:
    """The largest input file accepted: ``$NEWSDESK_MAX_FILE_MB`` megabytes, else 512 MiB."""
    raw = os.environ.get(ENV_MAX_FILE_MB, "").strip()
    if not raw:
        return MAX_FILE_BYTES
    try:
        mb = float(raw)
    except ValueError:
        raise SourceReadError(f"{ENV_MAX_FILE_MB}={raw!r} is not a number of megabytes") from None
    if not mb > 0:
        raise SourceReadError(f"{ENV_MAX_FILE_MB}={raw!r} must be a positive number of megabytes")
    return int(mb * 1024 * 1024)


def human_size(n: float) -> str:
    """A byte count for people: ``812 bytes``, ``2.7 KB``, ``48.1 MB``, ``1.2 GB`` (powers of 1,024)."""
    if n < 1024:
        return f"{int(n):,} bytes"
    for unit in ("KB", "MB", "GB"):
        n /= 1024
        if n < 1024 or unit == "GB":
            return f"{n:,.1f} {unit}"
    raise AssertionError("unreachable")  # pragma: no cover


def check_text(sample: bytes, name: str) -> None:
    """Raise :class:`SourceReadError` when ``sample`` (the start of an input) is binary data."""
    sample = sample[:65536]
    controls = sum(b < 32 and b not in (9, 10, 12, 13) for b in sample)
    if b"\x00" in sample or controls > len(sample) * 0.02:
        raise SourceReadError(
            f"{name} is not a text file (it holds binary data): every format newsdesk reads is text "
            "(the formats are listed under --format and on the Ingest page)"
        )


def wide_encoding(head: bytes) -> str | None:
    """The encoding of text whose code units are wider than a byte, from its byte-order mark, or, without
    one, from where its zero bytes fall (ASCII text in UTF-16 has a zero in every other byte, in UTF-32
    three in every four): ``utf-32``, ``utf-16``, ``utf-32-le`` ... or None for an 8-bit encoding."""
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            return None if encoding == "utf-8-sig" else encoding
    sample = head[:4096]
    n = len(sample) - len(sample) % 4
    if n < 8:
        return None
    quads = [sample[i : i + 4] for i in range(0, n, 4)]
    if sum(q[1:] == b"\0\0\0" and q[0] for q in quads) >= 0.7 * len(quads):
        return "utf-32-le"
    if sum(q[:3] == b"\0\0\0" and q[3] for q in quads) >= 0.7 * len(quads):
        return "utf-32-be"
    even, odd = sample[0:n:2], sample[1:n:2]
    if odd.count(0) >= 0.7 * len(odd) and even.count(0) <= 0.05 * len(even):
        return "utf-16-le"
    if even.count(0) >= 0.7 * len(even) and odd.count(0) <= 0.05 * len(odd):
        return "utf-16-be"
    return None


def decode(data: bytes, name: str) -> str:
    """Decode bytes as text: UTF-32 or UTF-16 (with a byte-order mark, or recognised without one),
    UTF-8 (with or without BOM), else Windows-1252, else Latin-1. Raises :class:`SourceReadError` for
    empty or binary content."""
    if not data.strip():
        raise SourceReadError(f"{name} is empty: nothing to ingest")
    wide = wide_encoding(data[:HEAD_BYTES])
    if wide:
        try:
            return _not_empty(data.decode(wide).lstrip("\ufeff"), name)
        except UnicodeDecodeError:
            pass
    check_text(data, name)
    for encoding in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            return _not_empty(data.decode(encoding), name)
        except UnicodeDecodeError:
            continue
    raise SourceReadError(f"{name} could not be decoded as text")  # pragma: no cover - latin-1 never fails


def _not_empty(text: str, name: str) -> str:
    """``text``, or :class:`SourceReadError` when it holds nothing but byte-order marks and blanks."""
    if not text.lstrip("\ufeff").strip():
        raise SourceReadError(f"{name} is empty: nothing to ingest")
    return text


def byte_encoding(stream: BinaryIO) -> str:
    """UTF-8 when the whole stream decodes as UTF-8, else Windows-1252, else Latin-1 (the stream is
    read in blocks, then rewound)."""
    for encoding in ("utf-8-sig", "cp1252"):
        decoder = codecs.getincrementaldecoder(encoding)()
        stream.seek(0)
        try:
            while block := stream.read(1 << 20):
                decoder.decode(block)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        stream.seek(0)
        return encoding
    stream.seek(0)
    return "latin-1"
