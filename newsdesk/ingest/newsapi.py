"""NewsAPI responses: ``{"status": "ok", "articles": [ {source: {name}, author, title,
description, url, publishedAt, content} ]}``."""

from __future__ import annotations

import re

from newsdesk.errors import RecordError, SourceReadError
from newsdesk.ingest.html import html_to_text
from newsdesk.ingest.jsondoc import load_json, parse_items, text_field
from newsdesk.ingest.normalize import collapse_ws, parse_date
from newsdesk.models import Article, ParseResult

TRUNCATION = re.compile(r"\s*(?:…|\.\.\.)?\s*\[\+\d+ chars\]\s*$")
SITE_SUFFIX = re.compile(r"\s+[-|–]\s+[^-|–]{2,40}$")


def looks_like(doc) -> bool:
    """True for a parsed NewsAPI document."""
    return isinstance(doc, dict) and isinstance(doc.get("articles"), list)


def parse_text(text: str, source_name: str, categories=()) -> ParseResult:
    """Parse a NewsAPI JSON response; each bad article becomes a problem."""
    doc = load_json(text, source_name)
    if not looks_like(doc):
        raise SourceReadError(f"{source_name} has no 'articles' list: not a NewsAPI response")
    if doc.get("status") == "error":
        raise SourceReadError(f"{source_name} is a NewsAPI error response: {doc.get('message') or doc.get('code')}")
    return parse_items(doc["articles"], source_name, parse_item, "articles", "article")


def parse_item(item) -> Article:
    """One NewsAPI article."""
    if not isinstance(item, dict):
        raise RecordError(f"expected an object, got {type(item).__name__}")
    source = item.get("source")
    source_name = collapse_ws(text_field(source, "name")) if isinstance(source, dict) else ""
    title = collapse_ws(html_to_text(text_field(item, "title")))
    if source_name and title.endswith(source_name):
        title = SITE_SUFFIX.sub("", title).strip() or title  # "Headline - Site Name"
    if not title or title == "[Removed]":
        raise RecordError("'title' is missing, empty or removed")
    content = TRUNCATION.sub("", html_to_text(text_field(item, "content")))
    return Article(
        title=title,
        source=source_name or collapse_ws(text_field(item, "author")) or "NewsAPI",
        url=collapse_ws(text_field(item, "url")) or None,
        published_at=parse_date(text_field(item, "publishedAt") or None),
        summary=html_to_text(text_field(item, "description")),
        body=content,
    )
