"""CSV (and tab-separated) files of articles, with a column mapping.

Columns are found by their names (see :mod:`newsdesk.ingest.fields`); ``--columns`` overrides the
guesses. The delimiter (``,`` ``;`` tab ``|``) is chosen from the header row alone; quoting follows
RFC 4180 everywhere (a field in double quotes, a quote inside it doubled), wherever in the file the
first quoted field comes. A row with one cell more than the header whose first cell is a whole number
has a leading index (an export with an unnamed index column): that cell is dropped. When the file has
a date column, a row whose date cell is empty is rejected ("no date"), or kept with an estimated date
when the options say so. Files are read as a stream, in chunks of :data:`CHUNK_RECORDS` rows.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from typing import BinaryIO

from newsdesk.domain.models import Article, CategoryTag, Entity, ParseResult, Problem
from newsdesk.errors import RecordError, SourceReadError
from newsdesk.ingest.decoding import HEAD_BYTES, byte_encoding
from newsdesk.ingest.fields import FIELDS, guess_mapping, parse_mapping, split_tickers  # noqa: F401 (re-exported)
from newsdesk.ingest.format import Format, Head, Sample, Source
from newsdesk.ingest.html import html_to_text
from newsdesk.ingest.normalize import collapse_ws
from newsdesk.ingest.options import DateReader, ReadOptions, default_source
from newsdesk.ingest.page import looks_like_page

DELIMITERS = ",;\t|"
SUFFIXES = (".csv", ".tsv", ".tab")
CHUNK_RECORDS = 1_000
DIALECTS = {d: type("rfc4180", (csv.excel,), {"delimiter": d}) for d in DELIMITERS}
csv.field_size_limit(10_000_000)


def _header(first_line: str, delimiter: str) -> list[str]:
    try:
        return next(csv.reader([first_line], DIALECTS[delimiter]))
    except (csv.Error, StopIteration):
        return []


def choose_dialect(head: str, mapping: dict[str, str] | None = None):
    """The RFC 4180 dialect whose delimiter splits the header row (the first line of ``head``) into
    columns naming a title (or the mapped title column); else the delimiter giving most columns."""
    first = head.lstrip("\ufeff").split("\n", 1)[0].rstrip("\r")
    title = (mapping or {}).get("title")
    best, best_cols = ",", 1
    for d in DELIMITERS:
        header = _header(first, d)
        if (title in header) if title else "title" in guess_mapping(header):
            return DIALECTS[d]
        if len(header) > best_cols:
            best, best_cols = d, len(header)
    return DIALECTS[best]


def sniff_dialect(text: str, mapping: dict[str, str] | None = None):
    """Kept for callers of the old name: :func:`choose_dialect`."""
    return choose_dialect(text, mapping)


def looks_like_csv(text: str) -> bool:
    """True when the first line is a delimited header naming a title-like column."""
    first = text.lstrip("\ufeff").split("\n", 1)[0].rstrip("\r")
    return any(len(h) >= 2 and "title" in guess_mapping(h) for h in (_header(first, d) for d in DELIMITERS))


def parse_text(
    text: str, source_name: str, categories=(), mapping: dict[str, str] | None = None, options=None
) -> ParseResult:
    """Parse CSV text whole; each row that cannot be read becomes a problem with its line number."""
    options = options or ReadOptions(columns=mapping or {})
    result = ParseResult()
    for chunk in iter_chunks(io.StringIO(text, newline=""), source_name, options, head=text[:65536]):
        result.extend(chunk)
    return result


def iter_chunks(
    stream: Iterable[str], source_name: str, options: ReadOptions, head: str, chunk_records: int | None = None
) -> Iterator[ParseResult]:
    """Parse CSV text from ``stream`` (a text file opened with ``newline=""``), yielding results of at
    most ``chunk_records`` rows. Raises :class:`SourceReadError` before the first result when the
    header is missing or names no title column."""
    chunk_records = chunk_records or CHUNK_RECORDS
    mapping = options.columns or {}
    lines = _without_bom(stream)
    reader = csv.reader(lines, choose_dialect(head, mapping))
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        raise SourceReadError(f"{source_name} has no header row") from None
    cols = {**guess_mapping(header), **mapping}
    missing = [c for c in cols.values() if c not in header]
    if missing:
        raise SourceReadError(f"{source_name} has no column {missing[0]!r}; its columns are: {', '.join(header)}")
    if "title" not in cols:
        raise SourceReadError(
            f"{source_name}: no title column among {', '.join(header)}; name one in the column mapping (title=COLUMN)"
        )
    index = {field: header.index(col) for field, col in cols.items()}
    dates = DateReader(options)
    result, records, yielded = ParseResult(), 0, False
    while True:
        line = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            result.problems.append(Problem(source_name, f"{source_name}:{line}", f"unreadable CSV row: {exc}"))
            records += 1
        else:
            if not any(cell.strip() for cell in row):
                continue
            records += 1
            locator = f"{source_name}:{line}"  # the row's first line, even when a quoted cell spans several
            row = without_index(row, len(header))
            try:
                article = parse_row(row, index, source_name, dates, options)
            except RecordError as exc:
                reason = f"line {line}: {exc}"
                result.problems.append(Problem(source_name, locator, reason, ",".join(row)[:2000]))
            else:
                article.locator = locator
                result.articles.append(article)
        if records >= chunk_records:
            yield dates.report_to(result)
            result, records, yielded = ParseResult(), 0, True
    if records or not yielded:
        yield dates.report_to(result)


def without_index(row: list[str], width: int) -> list[str]:
    """``row`` without its leading index cell when it has one cell more than the header (``width``) and
    that cell is a whole number: a table exported with an unnamed index column (``0,Title,2020-06-05``
    under ``title,date``) is read by name, not shifted."""
    if len(row) == width + 1 and row[0].strip().isascii() and row[0].strip().isdigit():
        return row[1:]
    return row


def _without_bom(lines: Iterable[str]) -> Iterator[str]:
    it = iter(lines)
    for first in it:
        yield first.lstrip("\ufeff")
        break
    yield from it


def parse_row(
    row: list[str], index: dict[str, int], input_name: str, dates: DateReader | None = None, options=None
) -> Article:
    """One CSV row. A row without a source is named after ``--source``, else its link's site, else the
    input's site (when ``input_name`` is a URL)."""

    def get(field: str) -> str:
        i = index.get(field)
        return row[i] if i is not None and i < len(row) else ""

    title = get("title")
    if not _plain(title):
        title = collapse_ws(html_to_text(title))
    if not title:
        raise RecordError("the title cell is empty")
    tickers = split_tickers(get("tickers"))
    cats = [c.strip() for c in get("categories").replace("|", ";").split(";")]
    url = get("url").strip() or None
    required = title if "published_at" in index else None  # a file with a date column: every row needs one
    published, estimated = (dates or DateReader()).read(get("published_at").strip() or None, required)
    return Article(
        title=title,
        source=collapse_ws(get("source")) or default_source(options, url, input_name),
        url=url,
        published_at=published,
        published_estimated=estimated,
        summary=_text(get("summary")),
        body=_text(get("body")),
        categories=[CategoryTag(c) for c in cats if c],
        entities=[Entity(t, t) for t in tickers if t],
    )


def _plain(cell: str) -> bool:
    """True when ``cell`` is its own plain text: printable ASCII (no control character, tab or line
    break), no ``<`` or ``&`` (so no markup or entity), no doubled space and no space at either end.
    :func:`html_to_text` and :func:`collapse_ws` return such a cell as it is (nearly every headline
    file's cells), so the row skips their regexes."""
    return (
        cell.isascii()
        and cell.isprintable()
        and "<" not in cell
        and "&" not in cell
        and "  " not in cell
        and cell[:1] != " "
        and cell[-1:] != " "
    )


def _text(cell: str) -> str:
    """:func:`html_to_text` of a cell (the cell itself when it is :func:`_plain`)."""
    return cell if _plain(cell) else html_to_text(cell)


def read(source: Source, options: ReadOptions) -> Iterator[ParseResult]:
    """CSV text in chunks (a file in an 8-bit encoding is streamed by :func:`_stream` instead)."""
    text = source.text
    yield from iter_chunks(io.StringIO(text, newline=""), source.name, options, head=text[:HEAD_BYTES])


def _sniff(sample: Sample) -> bool:
    return sample.suffix in SUFFIXES or looks_like_csv(sample.text)


def _streams(head: Head) -> bool:
    """True when the start of a file is CSV: named so or with a title column, and none of JSON, XML or a page."""
    if head.text.startswith(("{", "<", "[")) or looks_like_page(head.text):
        return False
    return head.suffix in SUFFIXES or looks_like_csv(head.text)


def _stream(stream: BinaryIO, head: Head) -> Iterator[ParseResult]:
    encoding = byte_encoding(stream)
    text = io.TextIOWrapper(stream, encoding, newline="")
    return iter_chunks(text, head.name, head.options, head=head.data.decode(encoding, "ignore"))


FORMAT = Format(
    "csv", "CSV/TSV with a title column", SUFFIXES, sniff=_sniff, read=read, streams=_streams, stream=_stream
)
