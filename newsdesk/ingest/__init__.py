"""Ingestion: one module per input format, each returning articles and problems.

:func:`read_path` reads one file, detects (or is told) its format and parses it. Reading errors
that concern the whole file (missing, binary, unknown format) raise; bad records never do.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from newsdesk.errors import SourceReadError, UnknownFormatError
from newsdesk.ingest import jsonl, page
from newsdesk.models import ParseResult
from newsdesk.taxonomy import category_names

PARSERS: dict[str, Callable[..., ParseResult]] = {
    "page": page.parse_text,
    "jsonl": jsonl.parse_text,
}
FORMATS = ("auto", *PARSERS)
MAX_FILE_BYTES = 512 * 1024 * 1024


def decode(data: bytes, name: str) -> str:
    """Decode file bytes as text (UTF-8 with or without BOM, else Windows-1252/Latin-1).

    Raises :class:`SourceReadError` for binary content.
    """
    if not data.strip():
        raise SourceReadError(f"{name} is empty: nothing to ingest")
    sample = data[:65536]
    controls = sum(b < 32 and b not in (9, 10, 12, 13) for b in sample)
    if b"\x00" in sample or controls > len(sample) * 0.02:
        raise SourceReadError(
            f"{name} is not a text file (it holds binary data): give a scored-article page (.txt/.md) "
            "or newsdesk JSON Lines (.jsonl)"
        )
    for encoding in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SourceReadError(f"{name} could not be decoded as text")  # pragma: no cover - latin-1 never fails


def detect_format(path: Path, text: str) -> str:
    """Guess the format of ``text`` read from ``path``; raise :class:`UnknownFormatError`."""
    suffix = path.suffix.casefold()
    if suffix in (".jsonl", ".ndjson") or jsonl.looks_like_jsonl(text):
        return "jsonl"
    if page.looks_like_page(text):
        return "page"
    raise UnknownFormatError(
        f"cannot tell the format of {path}: it is neither a scored-article page (no 'Market Impact:' "
        "or 'Key Decisions for Investors' lines) nor newsdesk JSON Lines; force one with --format"
    )


def read_path(path: str | Path, fmt: str = "auto") -> ParseResult:
    """Read and parse one file. ``fmt`` is ``auto`` or one of :data:`PARSERS`."""
    path = Path(path)
    if fmt not in FORMATS:
        raise UnknownFormatError(f"unknown format {fmt!r}: choose one of {', '.join(FORMATS)}")
    if not path.exists():
        raise SourceReadError(f"{path} does not exist")
    if path.is_dir():
        raise SourceReadError(f"{path} is a directory: pass the files inside it")
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise SourceReadError(f"{path} is {size:,} bytes; the limit is {MAX_FILE_BYTES:,}")
        data = path.read_bytes()
    except OSError as exc:
        raise SourceReadError(f"{path} could not be read: {exc.strerror or exc}") from None
    text = decode(data, str(path))
    if fmt == "auto":
        fmt = detect_format(path, text)
    return PARSERS[fmt](text, str(path), category_names())
