"""Ingestion: one module per input format, each returning articles and problems.

:func:`read_path` reads one file (or an http(s) URL), detects (or is told) its format and parses it.
Errors that concern the whole input (missing, binary, unknown format) raise; bad records never do.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
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
ENV_MAX_FILE_MB = "NEWSDESK_MAX_FILE_MB"
STREAMED_SUFFIXES = (".jsonl", ".ndjson")


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
            f"{name} is not a text file (it holds binary data): give a scored-article page, JSON Lines, "
            "a news-API JSON response, a CSV file or an RSS/Atom feed"
        )


def decode(data: bytes, name: str) -> str:
    """Decode bytes as text: UTF-8 (with or without BOM), UTF-16 with a BOM, else Windows-1252,
    else Latin-1. Raises :class:`SourceReadError` for empty or binary content."""
    if not data.strip():
        raise SourceReadError(f"{name} is empty: nothing to ingest")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return _not_empty(data.decode("utf-16"), name)
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
    _check_size(path)
    try:
        return path.read_bytes()
    except OSError as exc:
        raise SourceReadError(f"{path} could not be read: {exc.strerror or exc}") from None


def _check_size(path: Path) -> None:
    """Raise :class:`SourceReadError` for a missing path, a directory or a file over the limit."""
    if not path.exists():
        raise SourceReadError(f"{path} does not exist")
    if path.is_dir():
        raise SourceReadError(f"{path} is a directory: pass the files inside it")
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise SourceReadError(f"{path} could not be read: {exc.strerror or exc}") from None
    limit = max_file_bytes()
    if size > limit:
        raise SourceReadError(
            f"{path} is {human_size(size)}; the limit is {human_size(limit)} "
            f"(set {ENV_MAX_FILE_MB} to change it, or split the file)"
        )


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


def stream_path(
    location: str | Path, fmt: str = "auto", columns: dict[str, str] | None = None
) -> Iterator[ParseResult]:
    """Read and parse one input as a sequence of results. A JSON Lines file (``--format jsonl`` or a
    ``.jsonl``/``.ndjson`` name) is streamed in chunks of :data:`jsonl.CHUNK_RECORDS` records, so its
    size does not bound memory; every other input is read whole and yields one result. Whole-input
    errors raise :class:`NewsdeskError` before the first result."""
    if fmt not in FORMATS:
        raise UnknownFormatError(f"unknown format {fmt!r}: choose one of {', '.join(FORMATS)}")
    streamed = not is_url(location) and (
        fmt == "jsonl" or (fmt == "auto" and Path(location).suffix.casefold() in STREAMED_SUFFIXES)
    )
    if not streamed:
        yield read_path(location, fmt, columns)
        return
    path = Path(location)
    _check_size(path)
    try:
        with path.open("rb") as stream:
            head = stream.read(65536)
            if not head.lstrip(b"\xef\xbb\xbf").strip():
                raise SourceReadError(f"{path} is empty: nothing to ingest")
            if not head.startswith((b"\xff\xfe", b"\xfe\xff")):
                check_text(head, str(path))
                stream.seek(0)
                yield from jsonl.iter_chunks(stream, str(location))
                return
    except OSError as exc:
        raise SourceReadError(f"{path} could not be read: {exc.strerror or exc}") from None
    yield read_path(location, fmt, columns)  # UTF-16 JSON Lines: decoded whole
