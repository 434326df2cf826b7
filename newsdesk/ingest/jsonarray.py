"""A bare JSON array of article objects: NewsAPI-shaped (``source.name``, ``publishedAt``), Alpha
Vantage-shaped (``time_published``) or a dataset's records (named like CSV columns, see
:mod:`newsdesk.ingest.fields`)."""

from __future__ import annotations

from collections.abc import Iterator

from newsdesk.domain.models import Article, ParseResult
from newsdesk.errors import SourceReadError
from newsdesk.ingest import alphavantage, jsonl, newsapi
from newsdesk.ingest.format import Format, Sample, Source
from newsdesk.ingest.jsondoc import load_document, parse_items
from newsdesk.ingest.options import DateReader, ReadOptions

CHUNK_RECORDS = 1_000


def looks_like(doc) -> bool:
    """True for a non-empty list whose first element is an object."""
    return isinstance(doc, list) and bool(doc) and isinstance(doc[0], dict)


def iter_chunks(
    items: list, source_name: str, options: ReadOptions | None = None, chunk_records: int | None = None
) -> Iterator[ParseResult]:
    """Parse the elements in chunks of at most ``chunk_records``; a bad element becomes a problem
    located as ``source_name#[n]``."""
    chunk_records = chunk_records or CHUNK_RECORDS
    dates = DateReader(options)

    def parse(item) -> Article:
        if newsapi.looks_like_item(item):
            return newsapi.parse_item(item, dates, options)
        if isinstance(item, dict) and "time_published" in item:
            return alphavantage.parse_item(item)
        return jsonl.record_article(item, options, dates, source_name)

    for start in range(0, max(len(items), 1), chunk_records):
        chunk = parse_items(items[start : start + chunk_records], source_name, parse, "", "record", start)
        yield dates.report_to(chunk)


def read(source: Source, options: ReadOptions) -> Iterator[ParseResult]:
    """A JSON array's elements, in chunks; each bad element becomes a problem."""
    doc = load_document(source.text, source.name)
    if not isinstance(doc, list):
        raise SourceReadError(f"{source.name} is not a JSON array of articles")
    yield from iter_chunks(doc, source.name, options, CHUNK_RECORDS)


def _sniff(sample: Sample) -> bool:
    return looks_like(sample.doc)


FORMAT = Format("json", "JSON array of articles", (".json",), sniff=_sniff, read=read)
