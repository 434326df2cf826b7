"""Ingestion: one module per input format, each returning articles and problems.

:func:`read_path` reads one file (or an http(s) URL), detects (or is told) its format and parses it.
Errors that concern the whole input (missing, binary, unknown format) raise; bad records never do.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from newsdesk.errors import SourceReadError, UnknownFormatError
from newsdesk.ingest import alphavantage, csvfile, feed, jsonl, newsapi, page
from newsdesk.models import ParseResult
from newsdesk.taxonomy import category_names

PARSERS: dict[str, Callable[..., ParseResult]] = {
    "page": page.parse_text,
    "jsonl": jsonl.parse_text,
    "alphavantage": alphavantage.parse_text,
    "newsapi": newsapi.parse_text,
    "csv": csvfile.parse_text,
    "feed": feed.parse_text,
}
FORMATS = ("auto", *PARSERS)
MAX_FILE_BYTES = 512 * 1024 * 1024


def decode(data: bytes, name: str) -> str:
    """Decode bytes as text: UTF-8 (with or without BOM), UTF-16 with a BOM, else Windows-1252,
    else Latin-1. Raises :class:`SourceReadError` for empty or binary content."""
    if not data.strip():
        raise SourceReadError(f"{name} is empty: nothing to ingest")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    sample = data[:65536]
    controls = sum(b < 32 and b not in (9, 10, 12, 13) for b in sample)
    if b"\x00" in sample or controls > len(sample) * 0.02:
        raise SourceReadError(
            f"{name} is not a text file (it holds binary data): give a scored-article page, JSON Lines, "
            "a news-API JSON response, a CSV file or an RSS/Atom feed"
        )
    for encoding in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SourceReadError(f"{name} could not be decoded as text")  # pragma: no cover - latin-1 never fails


def detect_format(name: str, text: str) -> str:
    """Guess the format of ``text`` read from ``name``; raise :class:`UnknownFormatError`."""
    suffix = Path(name.split("?", 1)[0]).suffix.casefold()
    head = text.lstrip("\ufeff \t\r\n")[:1]
    if suffix in (".jsonl", ".ndjson"):
        return "jsonl"
    if head in ("{", "["):
        try:
            doc = json.loads(text)
        except (ValueError, RecursionError):
            doc = None
        if alphavantage.looks_like(doc):
            return "alphavantage"
        if newsapi.looks_like(doc):
            return "newsapi"
        if jsonl.looks_like_jsonl(text):
            return "jsonl"
    if head == "<" and feed.looks_like_feed(text):
        return "feed"
    if suffix in (".rss", ".atom", ".xml") and head == "<":
        return "feed"
    if page.looks_like_page(text):
        return "page"
    if suffix in (".csv", ".tsv") or csvfile.looks_like_csv(text):
        return "csv"
    raise UnknownFormatError(
        f"cannot tell the format of {name}: it is none of scored-article page, JSON Lines, Alpha Vantage or "
        "NewsAPI JSON, CSV with a title column, RSS/Atom; force one with --format"
    )


def is_url(location: str | Path) -> bool:
    """True for an http(s) URL."""
    return str(location).lower().startswith(("http://", "https://"))


def read_bytes(location: str | Path) -> bytes:
    """The bytes of a file or an http(s) URL; raise :class:`SourceReadError` when unreadable."""
    if is_url(location):
        from newsdesk.fetch import fetch_url

        return fetch_url(str(location)).body
    path = Path(location)
    if not path.exists():
        raise SourceReadError(f"{path} does not exist")
    if path.is_dir():
        raise SourceReadError(f"{path} is a directory: pass the files inside it")
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise SourceReadError(f"{path} is {size:,} bytes; the limit is {MAX_FILE_BYTES:,}")
        return path.read_bytes()
    except OSError as exc:
        raise SourceReadError(f"{path} could not be read: {exc.strerror or exc}") from None


def parse_bytes(data: bytes, name: str, fmt: str = "auto", columns: dict[str, str] | None = None) -> ParseResult:
    """Decode and parse input bytes named ``name`` (a path or URL, used in locators)."""
    if fmt not in FORMATS:
        raise UnknownFormatError(f"unknown format {fmt!r}: choose one of {', '.join(FORMATS)}")
    if fmt == "feed":
        if not data.strip():
            raise SourceReadError(f"{name} is empty: nothing to ingest")
        return feed.parse_text(data, name)
    text = decode(data, name)
    if fmt == "auto":
        fmt = detect_format(name, text)
    if fmt == "feed":
        return feed.parse_text(data, name)
    if fmt == "csv":
        return csvfile.parse_text(text, name, mapping=columns)
    return PARSERS[fmt](text, name, category_names())


def read_path(location: str | Path, fmt: str = "auto", columns: dict[str, str] | None = None) -> ParseResult:
    """Read and parse one file or http(s) URL. ``fmt`` is ``auto`` or one of :data:`PARSERS`."""
    if fmt not in FORMATS:
        raise UnknownFormatError(f"unknown format {fmt!r}: choose one of {', '.join(FORMATS)}")
    return parse_bytes(read_bytes(location), str(location), fmt, columns)
