"""Ingestion: one module per input format, each returning articles and problems.

:func:`stream_path` reads one file (or an http(s) URL), detects (or is told) its format and parses it
as a sequence of chunks, so that an input's size bounds neither memory nor the size of a transaction:
CSV and JSON Lines files are read as streams; JSON documents and feeds are parsed whole and handed on
in chunks of :data:`CHUNK_RECORDS` records. ``.gz`` files are decompressed on the fly. Errors that
concern the whole input (missing, binary, unknown format, truncated JSON, an API's error body) raise;
bad records never do.
"""

from __future__ import annotations

import codecs
import gzip
import io
import json
import logging
import os
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO, cast

from newsdesk.domain.api_errors import api_error
from newsdesk.domain.models import ParseResult
from newsdesk.domain.taxonomy import category_names
from newsdesk.errors import ApiError, SourceReadError, UnknownFormatError
from newsdesk.ingest import alphavantage, csvfile, feed, jsonarray, jsonl, newsapi, page
from newsdesk.ingest.fields import guess_mapping
from newsdesk.ingest.jsondoc import json_error, load_json, parse_items
from newsdesk.ingest.options import UNKNOWN_SOURCE, DateReader, ReadOptions
from newsdesk.ingest.outlets import file_source, outlet_name

log = logging.getLogger(__name__)

PARSERS: dict[str, Callable[..., ParseResult]] = {
    "page": page.parse_text,
    "jsonl": jsonl.parse_text,
    "alphavantage": alphavantage.parse_text,
    "newsapi": newsapi.parse_text,
    "json": lambda *args, **kwargs: _parse_json_array(*args, **kwargs),
    "csv": csvfile.parse_text,
    "feed": feed.parse_text,
}
FORMATS = ("auto", *PARSERS)
CHUNK_RECORDS = 1_000
MAX_FILE_BYTES = 512 * 1024 * 1024
ENV_MAX_FILE_MB = "NEWSDESK_MAX_FILE_MB"
STREAMED_SUFFIXES = (".jsonl", ".ndjson")
HEAD_BYTES = 65536
GZIP_MAGIC = b"\x1f\x8b"
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
            f"{name} is not a text file (it holds binary data): give a scored-article page, JSON Lines, "
            "a news-API JSON response, a CSV file or an RSS/Atom feed"
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


def _plain_name(name: str) -> str:
    """``name`` without its query and a ``.gz`` ending: the name the format is guessed from."""
    base = name.split("?", 1)[0]
    return base[:-3] if base.casefold().endswith(".gz") else base


def detect_format(name: str, text: str, options: ReadOptions | None = None) -> str:
    """Guess the format of ``text`` read from ``name``; the content wins over the name's ending.
    Raises :class:`ApiError` for a news API's error body, :class:`SourceReadError` for truncated
    JSON and :class:`UnknownFormatError` when nothing fits."""
    suffix = Path(_plain_name(name)).suffix.casefold()
    head = text.lstrip("\ufeff \t\r\n")[:1]
    json_problem = None
    if head in ("{", "["):
        try:
            doc = json.loads(text)
        except json.JSONDecodeError as exc:
            doc, json_problem = None, json_error(name, text, exc)
        except (ValueError, RecursionError):
            doc, json_problem = None, f"{name} is not usable JSON"
        if doc is not None:
            error = api_error(doc)
            if error:
                raise ApiError(f"{name} is {error}")
            if alphavantage.looks_like(doc):
                return "alphavantage"
            if newsapi.looks_like(doc):
                return "newsapi"
            if jsonarray.looks_like(doc):
                return "json"
        if jsonl.looks_like_jsonl(text):
            _check_first_record(text, name)
            return "jsonl"
    if head == "<" and feed.looks_like_feed(text):
        return "feed"
    if suffix in (".rss", ".atom", ".xml") and head == "<":
        return "feed"
    if page.looks_like_page(text):
        return "page"
    if suffix in (".csv", ".tsv", ".tab") or csvfile.looks_like_csv(text):
        return "csv"
    if suffix in STREAMED_SUFFIXES:
        return "jsonl"
    if json_problem:
        raise SourceReadError(json_problem)
    raise UnknownFormatError(
        f"cannot tell the format of {name}: it is none of scored-article page, JSON Lines, Alpha Vantage or "
        "NewsAPI JSON, a JSON array of articles, CSV with a title column, RSS/Atom; force one with --format"
    )


def _check_first_record(text: str, name: str) -> None:
    """Raise :class:`ApiError` when the first JSON Lines record is a news API's error body."""
    first = next((s for s in (line.strip() for line in text[:HEAD_BYTES].split("\n")) if s), "")
    try:
        error = api_error(json.loads(first))
    except (ValueError, RecursionError):
        return
    if error:
        raise ApiError(f"{name} is {error}")


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


def _gunzip(data: bytes, name: str) -> bytes:
    """The decompressed content of gzip ``data`` (at most the file size limit)."""
    limit = max_file_bytes()
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as stream:
            out = stream.read(limit + 1)
    except (OSError, EOFError, zlib.error) as exc:
        raise SourceReadError(f"{name} is not a readable gzip file: {exc}") from None
    if len(out) > limit:
        raise SourceReadError(f"{name} decompresses to more than {human_size(limit)}: split it")
    return out


def _options(fmt: str, columns: dict[str, str] | None, options: ReadOptions | None) -> ReadOptions:
    if options is None:
        options = ReadOptions(fmt=fmt, columns=dict(columns or {}))
    elif columns and not options.columns:
        options = ReadOptions(options.fmt, dict(columns), options.date_format, options.on_bad_date, options.source)
    if options.fmt not in FORMATS:
        raise UnknownFormatError(f"unknown format {options.fmt!r}: choose one of {', '.join(FORMATS)}")
    return options


def _merge(chunks) -> ParseResult:
    result = ParseResult()
    for chunk in chunks:
        result.extend(chunk)
    return result


def named_sources(chunks: Iterator[ParseResult], name: str) -> Iterator[ParseResult]:
    """``chunks`` with every article's source given its outlet's one name
    (:func:`newsdesk.ingest.outlets.outlet_name`), and the articles that nothing names credited to
    the input's file name, said as such (``file: guardian_headlines.csv``)."""
    fallback = None if is_url(name) else file_source(name)
    for chunk in chunks:
        for a in chunk.articles:
            a.source = fallback if a.source == UNKNOWN_SOURCE and fallback else outlet_name(a.source)
        yield chunk


def iter_bytes(data: bytes, name: str, options: ReadOptions | None = None) -> Iterator[ParseResult]:
    """Decode and parse input bytes named ``name`` (a path or URL, used in locators), in chunks;
    sources as :func:`named_sources` gives them."""
    return named_sources(_iter_bytes(data, name, options), name)


def _iter_bytes(data: bytes, name: str, options: ReadOptions | None = None) -> Iterator[ParseResult]:
    options = _options("auto", None, options)
    if data.startswith(GZIP_MAGIC):
        data = _gunzip(data, name)
    fmt = options.fmt
    wide = wide_encoding(data[:HEAD_BYTES])
    if fmt == "feed" and not wide:
        if not data.strip():
            raise SourceReadError(f"{name} is empty: nothing to ingest")
        yield from feed.iter_chunks(data, name, options=options)
        return
    text = decode(data, name)
    if fmt == "auto":
        fmt = detect_format(name, text, options)
        log.info("%s: read as %s", name, fmt)
    if fmt == "feed":
        # feedparser reads the bytes (and their declared charset) itself, unless they are UTF-16/32
        body = _as_utf8_xml(text) if wide else data
        yield from feed.iter_chunks(body, name, options=options)
    elif fmt == "csv":
        yield from csvfile.iter_chunks(io.StringIO(text, newline=""), name, options, head=text[:HEAD_BYTES])
    elif fmt in ("alphavantage", "newsapi", "json"):
        yield from _json_chunks(text, name, fmt, options)
    else:
        yield PARSERS[fmt](text, name, category_names(), options=options)


def _as_utf8_xml(text: str) -> bytes:
    """A decoded XML document as UTF-8 bytes, its encoding declaration made to say so."""
    import re

    text = re.sub(r"^(\s*<\?xml[^>]*?encoding=)[\"'][^\"']*[\"']", r'\1"utf-8"', text.lstrip("\ufeff"), count=1)
    return text.encode("utf-8", "surrogatepass")


def _json_chunks(text: str, name: str, fmt: str, options: ReadOptions) -> Iterator[ParseResult]:
    """A JSON document's items in chunks of :data:`CHUNK_RECORDS`."""
    doc = load_json(text, name)
    error = api_error(doc)
    if error:
        raise ApiError(f"{name} is {error}")
    if fmt == "json":
        if not isinstance(doc, list):
            raise SourceReadError(f"{name} is not a JSON array of articles")
        yield from jsonarray.iter_chunks(doc, name, options, CHUNK_RECORDS)
        return
    dates = DateReader(options)
    if fmt == "alphavantage":
        if not alphavantage.looks_like(doc):
            raise SourceReadError(f"{name} has no 'feed' list: not an Alpha Vantage NEWS_SENTIMENT response")
        items, parse, key, noun = doc["feed"], alphavantage.parse_item, "feed", "item"
    else:
        if not newsapi.looks_like(doc):
            raise SourceReadError(f"{name} has no 'articles' list: not a NewsAPI response")
        items, key, noun = doc["articles"], "articles", "article"

        def parse(item):
            return newsapi.parse_item(item, dates, options)

    for start in range(0, max(len(items), 1), CHUNK_RECORDS):
        chunk = parse_items(items[start : start + CHUNK_RECORDS], name, parse, key, noun, start)
        yield dates.report_to(chunk)


def _parse_json_array(text: str, name: str, categories=(), options: ReadOptions | None = None) -> ParseResult:
    """Parse a bare JSON array of article objects, whole."""
    return _merge(_json_chunks(text, name, "json", options or ReadOptions()))


def parse_bytes(
    data: bytes,
    name: str,
    fmt: str = "auto",
    columns: dict[str, str] | None = None,
    options: ReadOptions | None = None,
) -> ParseResult:
    """Decode and parse input bytes named ``name`` (a path or URL, used in locators), whole."""
    return _merge(iter_bytes(data, name, _options(fmt, columns, options)))


def read_path(
    location: str | Path, fmt: str = "auto", columns: dict[str, str] | None = None, options: ReadOptions | None = None
) -> ParseResult:
    """Read and parse one file or http(s) URL, whole. ``fmt`` is ``auto`` or one of :data:`PARSERS`."""
    return _merge(stream_path(location, fmt, columns, options))


def stream_path(
    location: str | Path, fmt: str = "auto", columns: dict[str, str] | None = None, options: ReadOptions | None = None
) -> Iterator[ParseResult]:
    """Read and parse one input as a sequence of results (chunks). CSV and JSON Lines files in an
    8-bit encoding (UTF-8, Windows-1252, Latin-1) are read as streams, so their size bounds neither
    memory nor a transaction; other inputs are read whole and parsed in chunks. Whole-input errors
    raise :class:`NewsdeskError` before the first result. Sources as :func:`named_sources` gives them."""
    return named_sources(_stream_path(location, fmt, columns, options), str(location))


def _stream_path(
    location: str | Path, fmt: str = "auto", columns: dict[str, str] | None = None, options: ReadOptions | None = None
) -> Iterator[ParseResult]:
    options = _options(fmt, columns, options)
    name = str(location)
    if is_url(location):
        yield from _iter_bytes(read_bytes(location), name, options)
        return
    path = Path(location)
    _check_size(path)
    whole = None
    try:
        with _open(path) as stream:
            head = stream.read(HEAD_BYTES)
            if not head.lstrip(codecs.BOM_UTF8).strip():
                raise SourceReadError(f"{path} is empty: nothing to ingest")
            streamed = options.fmt if options.fmt != "auto" else _streamed_format(name, head, options)
            if streamed in ("jsonl", "csv") and not wide_encoding(head):
                log.info("%s: read as %s, streamed", name, streamed)
                check_text(head, name)
                stream.seek(0)
                if streamed == "jsonl":
                    yield from jsonl.iter_chunks(stream, name, options=options)
                else:
                    encoding = _byte_encoding(stream)
                    text = io.TextIOWrapper(stream, encoding, newline="")
                    yield from csvfile.iter_chunks(text, name, options, head=head.decode(encoding, "ignore"))
                return
            whole = head + _read_rest(stream, name)
    except OSError as exc:
        raise SourceReadError(f"{path} could not be read: {exc.strerror or exc}") from None
    except (EOFError, zlib.error) as exc:
        raise SourceReadError(f"{path} is not a readable gzip file: {exc}") from None
    yield from _iter_bytes(whole, name, options)


def _open(path: Path) -> BinaryIO:
    """``path`` opened for reading bytes; a gzip file (by its magic number) is decompressed on the fly."""
    with path.open("rb") as probe:
        magic = probe.read(2)
    return cast(BinaryIO, gzip.open(path, "rb") if magic == GZIP_MAGIC else path.open("rb"))  # both binary files


def _read_rest(stream: BinaryIO, name: str) -> bytes:
    limit = max_file_bytes()
    rest = stream.read(limit + 1)
    if len(rest) > limit:
        raise SourceReadError(f"{name} holds more than {human_size(limit)}: split it")
    return rest


def _streamed_format(name: str, head: bytes, options: ReadOptions) -> str | None:
    """``jsonl`` or ``csv`` when the start of a file shows it is one (then it is streamed); None when
    the whole file decides."""
    if wide_encoding(head):
        return None
    text = head.decode("utf-8", "ignore").lstrip("\ufeff \t\r\n")
    suffix = Path(_plain_name(name)).suffix.casefold()
    while suffix in STREAMED_SUFFIXES and text.startswith("#") and "\n" in text:  # JSON Lines comments
        text = text.partition("\n")[2].lstrip(" \t\r\n")
    if text.startswith("{"):
        first, newline, rest = text.partition("\n")
        if not newline:
            return None  # one line (or a line longer than the head): read whole
        try:
            record = json.loads(first)
        except (ValueError, RecursionError):
            return "jsonl" if suffix in STREAMED_SUFFIXES and rest.lstrip().startswith("{") else None
        if not isinstance(record, dict) or api_error(record):
            return None
        keys = tuple(k for k in record if isinstance(k, str))
        title = options.columns.get("title")
        if (title in keys) if title else "title" in guess_mapping(keys):
            return "jsonl"
        return None
    if text.startswith(("<", "[")) or page.looks_like_page(text):
        return None
    if suffix in (".csv", ".tsv", ".tab") or csvfile.looks_like_csv(text):
        return "csv"
    return None


def _byte_encoding(stream: BinaryIO) -> str:
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
