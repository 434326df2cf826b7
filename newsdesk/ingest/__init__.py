"""Ingestion: one module per input format, each returning articles and problems, each declaring its
:class:`~newsdesk.ingest.format.Format`, all listed once in :data:`newsdesk.ingest.registry.REGISTRY`.

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
import logging
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO, cast

from newsdesk.domain.models import ParseResult
from newsdesk.errors import SourceReadError
from newsdesk.ingest import registry
from newsdesk.ingest.decoding import (  # noqa: F401 - public names of this package, defined there
    ENV_MAX_FILE_MB,
    HEAD_BYTES,
    MAX_FILE_BYTES,
    check_text,
    decode,
    human_size,
    max_file_bytes,
    wide_encoding,
)
from newsdesk.ingest.format import Format, Head, Sample, Source
from newsdesk.ingest.jsondoc import CHUNK_RECORDS  # noqa: F401 - a public name of this package
from newsdesk.ingest.options import UNKNOWN_SOURCE, ReadOptions
from newsdesk.ingest.outlets import file_source, outlet_name

log = logging.getLogger(__name__)

FORMATS = registry.CHOICES  # "auto" and every registered format, in detection order
GZIP_MAGIC = b"\x1f\x8b"


def detect_format(name: str, text: str, options: ReadOptions | None = None) -> str:
    """Guess the format of ``text`` read from ``name`` (:func:`newsdesk.ingest.registry.detect`): the
    content wins over the name's ending. Raises :class:`ApiError` for a news API's error body,
    :class:`SourceReadError` for truncated JSON and :class:`UnknownFormatError` when nothing fits."""
    return registry.detect(Sample(name, text)).name


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
    if options.fmt != registry.AUTO:
        registry.format_named(options.fmt)
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
    source = Source(name, data)
    fmt = options.fmt
    if fmt == registry.AUTO:
        fmt = detect_format(name, source.text, options)
        log.info("%s: read as %s", name, fmt)
    yield from registry.format_named(fmt).read(source, options)


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
    """Read and parse one file or http(s) URL, whole. ``fmt`` is ``auto`` or one of :data:`FORMATS`."""
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
            view = registry.head_of(name, head, options)
            streamed = _streamed_format(view)
            if streamed and streamed.stream:
                log.info("%s: read as %s, streamed", name, streamed.name)
                check_text(head, name)
                stream.seek(0)
                yield from streamed.stream(stream, view)
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


def _streamed_format(head: Head) -> Format | None:
    """The format a file may be streamed as (forced, or shown by its start); None when it is read
    whole (as a UTF-16/32 file is)."""
    if wide_encoding(head.data):
        return None
    if head.options.fmt != registry.AUTO:
        return registry.format_named(head.options.fmt)
    return registry.streamed(head)
