"""Alpha Vantage NEWS_SENTIMENT responses: ``{"feed": [ {title, url, time_published, summary,
source, topics[], overall_sentiment_score, overall_sentiment_label, ticker_sentiment[]} ]}``."""

from __future__ import annotations

from collections.abc import Iterator

from newsdesk.domain.api_errors import alphavantage_error as error_message
from newsdesk.domain.models import Article, CategoryTag, Entity, ParseResult
from newsdesk.domain.taxonomy import canonical_category
from newsdesk.errors import ApiError, RecordError, SourceReadError
from newsdesk.ingest.format import Format, Sample, Source
from newsdesk.ingest.html import html_to_text
from newsdesk.ingest.jsondoc import item_chunks, load_document, load_json, number_field, parse_items, text_field
from newsdesk.ingest.normalize import collapse_ws, parse_date
from newsdesk.ingest.options import DateReader, ReadOptions
from newsdesk.score.labels import normalise_label


def looks_like(doc) -> bool:
    """True for a parsed Alpha Vantage NEWS_SENTIMENT document."""
    return isinstance(doc, dict) and isinstance(doc.get("feed"), list)


def read(source: Source, options: ReadOptions) -> Iterator[ParseResult]:
    """A NEWS_SENTIMENT response's items, in chunks; each bad item becomes a problem."""
    doc = load_document(source.text, source.name)
    if not looks_like(doc):
        raise SourceReadError(f"{source.name} has no 'feed' list: not an Alpha Vantage NEWS_SENTIMENT response")
    yield from item_chunks(doc["feed"], source.name, parse_item, "feed", "item", DateReader(options))


def _sniff(sample: Sample) -> bool:
    return looks_like(sample.doc)


def parse_text(text: str, source_name: str, categories=(), options=None) -> ParseResult:
    """Parse a NEWS_SENTIMENT JSON response; each bad item becomes a problem."""
    doc = load_json(text, source_name)
    message = error_message(doc)
    if message:
        raise ApiError(f"{source_name} is an Alpha Vantage error response, not news: {message}")
    if not looks_like(doc):
        raise SourceReadError(f"{source_name} has no 'feed' list: not an Alpha Vantage NEWS_SENTIMENT response")
    return parse_items(doc["feed"], source_name, parse_item, "feed", "item")


def _list(item: dict, key: str) -> list:
    """The list under ``key``; a value of another type is ignored like a malformed list entry."""
    value = item.get(key)
    return value if isinstance(value, list) else []


def parse_item(item) -> Article:
    """One ``feed`` item."""
    if not isinstance(item, dict):
        raise RecordError(f"expected an object, got {type(item).__name__}")
    title = collapse_ws(html_to_text(text_field(item, "title")))
    if not title:
        raise RecordError("'title' is missing or empty")
    cats: list[CategoryTag] = []
    for t in _list(item, "topics"):
        topic = t.get("topic") if isinstance(t, dict) else None
        name = canonical_category(topic)  # either spelling of an AV topic; anything else is dropped
        if name:
            if name not in (c.category for c in cats):
                cats.append(CategoryTag(name, number_field(t, "relevance_score", 0, 1), "source"))
    entities = []
    for t in _list(item, "ticker_sentiment"):
        ticker = collapse_ws(t["ticker"]) if isinstance(t, dict) and isinstance(t.get("ticker"), str) else ""
        if ticker:
            entities.append(
                Entity(
                    ticker=ticker,
                    name=ticker,
                    mentions=1,
                    relevance=number_field(t, "relevance_score", 0, 1),
                    sentiment=number_field(t, "ticker_sentiment_score", -1, 1),
                )
            )
    authors = item.get("authors")
    source = collapse_ws(text_field(item, "source")) or collapse_ws(text_field(item, "source_domain"))
    if not source and isinstance(authors, list) and authors and isinstance(authors[0], str):
        source = collapse_ws(authors[0])
    return Article(
        title=title,
        source=source or "Alpha Vantage",
        url=collapse_ws(text_field(item, "url")) or None,
        published_at=parse_date(text_field(item, "time_published") or None),
        summary=html_to_text(text_field(item, "summary")),
        source_sentiment=number_field(item, "overall_sentiment_score", -1, 1),
        source_sentiment_label=normalise_label(text_field(item, "overall_sentiment_label") or None),
        categories=cats,
        entities=entities,
    )


FORMAT = Format("alphavantage", "Alpha Vantage NEWS_SENTIMENT JSON", (".json",), sniff=_sniff, read=read)
