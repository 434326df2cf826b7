"""NewsAPI responses: ``{"status": "ok", "articles": [ {source: {name}, author, title,
description, url, publishedAt, content} ]}``, and error bodies ``{"status": "error", "code": ...,
"message": ...}``.

NewsAPI appends the site to each title (``"Rates rise - Reuters"``); the suffix is dropped when it
names the article's source, compared loosely (``Phys.Org``/``phys.org``, ``NPR``/``Npr.org``,
``Reuters``/``Reuters: Business News``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from newsdesk.domain.api_errors import newsapi_error as error_message
from newsdesk.domain.models import Article, ParseResult
from newsdesk.errors import ApiError, RecordError, SourceReadError
from newsdesk.ingest.format import Format, Sample, Source
from newsdesk.ingest.html import html_to_text
from newsdesk.ingest.jsondoc import item_chunks, load_document, load_json, parse_items, text_field
from newsdesk.ingest.normalize import collapse_ws
from newsdesk.ingest.options import DateReader, ReadOptions, default_source

TRUNCATION = re.compile(r"\s*(?:…|\.\.\.)?\s*\[\+\d+ chars\]\s*$")
SITE_SUFFIX = re.compile(r"^(?P<title>.+\S)\s+[-|–—]\s+(?P<site>[^-|–—]{2,60})$")
_TLD = re.compile(r"\.(com|org|net|co\.uk|co|uk|io|news|in|de|fr|info)$")


def looks_like(doc) -> bool:
    """True for a parsed NewsAPI document."""
    return isinstance(doc, dict) and isinstance(doc.get("articles"), list)


def looks_like_item(item) -> bool:
    """True for an element of a bare JSON array shaped like a NewsAPI article."""
    return isinstance(item, dict) and ("publishedAt" in item or isinstance(item.get("source"), dict))


def read(source: Source, options: ReadOptions) -> Iterator[ParseResult]:
    """A NewsAPI response's articles, in chunks; each bad article becomes a problem."""
    doc = load_document(source.text, source.name)
    if not looks_like(doc):
        raise SourceReadError(f"{source.name} has no 'articles' list: not a NewsAPI response")
    dates = DateReader(options)

    def parse(item) -> Article:
        return parse_item(item, dates, options)

    yield from item_chunks(doc["articles"], source.name, parse, "articles", "article", dates)


def _sniff(sample: Sample) -> bool:
    return looks_like(sample.doc)


def parse_text(text: str, source_name: str, categories=(), options: ReadOptions | None = None) -> ParseResult:
    """Parse a NewsAPI JSON response; each bad article becomes a problem."""
    doc = load_json(text, source_name)
    message = error_message(doc)
    if message:
        raise ApiError(f"{source_name} is a NewsAPI error response, not news: {message}")
    if not looks_like(doc):
        raise SourceReadError(f"{source_name} has no 'articles' list: not a NewsAPI response")
    dates = DateReader(options)
    result = parse_items(
        doc["articles"], source_name, lambda item: parse_item(item, dates, options), "articles", "article"
    )
    return dates.report_to(result)


def _site_key(name: str) -> str:
    name = name.casefold().strip()
    name = re.sub(r"^(https?://)?(www\.)?", "", name)
    name = _TLD.sub("", name)
    return re.sub(r"[^\w]", "", name)


def names_source(site: str, source: str) -> bool:
    """True when the title suffix ``site`` names ``source``, loosely: case, punctuation and a domain
    ending aside, one contains the other (``Phys.Org``/``phys.org``, ``NPR``/``Npr.org``,
    ``Reuters``/``Reuters: Business News``, ``Mint``/``Livemint``)."""
    a, b = _site_key(site), _site_key(source)
    if len(a) < 2 or len(b) < 2:
        return False
    return a in b or b in a


def strip_site(title: str, source: str) -> str:
    """``title`` without the trailing `` - Site`` (or `` | Site``) parts that name ``source``
    (``"Deal done | Mint - Mint"`` -> ``"Deal done"``)."""
    for _ in range(2):
        m = SITE_SUFFIX.match(title)
        if not (m and source and names_source(m.group("site"), source)):
            break
        title = m.group("title")
    return title


def parse_item(item, dates: DateReader | None = None, options: ReadOptions | None = None) -> Article:
    """One NewsAPI article."""
    if not isinstance(item, dict):
        raise RecordError(f"expected an object, got {type(item).__name__}")
    source = item.get("source")
    source_name = collapse_ws(text_field(source, "name")) if isinstance(source, dict) else ""
    if not source_name and isinstance(source, str):
        source_name = collapse_ws(source)
    title = collapse_ws(html_to_text(text_field(item, "title")))
    if not title or title == "[Removed]":
        raise RecordError("'title' is missing, empty or removed")
    title = strip_site(title, source_name)
    content = TRUNCATION.sub("", html_to_text(text_field(item, "content")))
    url = collapse_ws(text_field(item, "url")) or None
    published, estimated = (dates or DateReader(options)).read(text_field(item, "publishedAt") or None)
    return Article(
        title=title,
        source=source_name or default_source(options, url),
        url=url,
        published_at=published,
        published_estimated=estimated,
        summary=html_to_text(text_field(item, "description")),
        body=content,
    )


FORMAT = Format("newsapi", "NewsAPI JSON", (".json",), sniff=_sniff, read=read)
