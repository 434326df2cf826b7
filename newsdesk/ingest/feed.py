"""RSS 0.9x/1.0/2.0 and Atom feeds, through feedparser.

A missing entry date falls back to the feed's own date, then to the ingest time; both are flagged
(``published_estimated``). Summaries and content lose their HTML.
"""

from __future__ import annotations

import time
import warnings
from datetime import UTC, datetime

import feedparser

from newsdesk.errors import RecordError, SourceReadError
from newsdesk.ingest.html import html_to_text
from newsdesk.ingest.normalize import collapse_ws, iso_utc
from newsdesk.models import Article, CategoryTag, ParseResult, Problem

XML_STARTS = ("<?xml", "<rss", "<feed", "<rdf:rdf", "<rdf")


def looks_like_feed(text: str) -> bool:
    """True when ``text`` starts like an RSS/Atom/RDF document."""
    head = text.lstrip("\ufeff \t\r\n")[:400].casefold()
    if not head.startswith(XML_STARTS):
        return False
    return any(tag in head for tag in ("<rss", "<feed", "rdf")) or "<channel" in text[:2000]


def _when(struct: time.struct_time | None) -> str | None:
    if not struct:
        return None
    try:
        return iso_utc(datetime(*struct[:6], tzinfo=UTC))
    except (TypeError, ValueError):
        return None


def parse_text(
    text: str | bytes,
    source_name: str,
    categories=(),
    feed_source: str | None = None,
    default_categories: tuple[str, ...] = (),
) -> ParseResult:
    """Parse a feed document. ``feed_source`` names the source (else the feed's title);
    ``default_categories`` become source categories of every entry."""
    parsed = feedparser.parse(text if isinstance(text, bytes) else text.encode("utf-8"), sanitize_html=False)
    if not parsed.entries:
        if parsed.get("bozo"):
            reason = parsed.get("bozo_exception")
            raise SourceReadError(f"{source_name} is not a readable RSS/Atom feed: {reason}")
        if not parsed.get("feed"):
            raise SourceReadError(f"{source_name} is not an RSS/Atom feed")
    feed = parsed.get("feed", {})
    source = feed_source or collapse_ws(feed.get("title", "")) or source_name
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        feed_date = _when(feed.get("published_parsed") or feed.get("updated_parsed"))
    result = ParseResult()
    for n, entry in enumerate(parsed.entries, start=1):
        locator = f"{source_name}#item[{n}]"
        try:
            article = parse_entry(entry, source, feed_date, default_categories)
        except RecordError as exc:
            result.problems.append(Problem(source_name, locator, f"item {n}: {exc}", str(dict(entry))[:2000]))
            continue
        article.locator = locator
        result.articles.append(article)
    return result


def _text(value: str, detail) -> str:
    """Plain text of a feed text construct: HTML is reduced to text, but a ``type="text"`` value
    is already text ("&lt;JPM.N&gt;" means the characters "<JPM.N>") and only has its spaces folded."""
    kind = (detail or {}).get("type", "text/html") if isinstance(detail, dict) else "text/html"
    if "html" in kind:
        return html_to_text(value)
    return "\n\n".join(collapse_ws(p) for p in (value or "").split("\n\n") if p.strip())


def parse_entry(entry, source: str, feed_date: str | None, default_categories: tuple[str, ...] = ()) -> Article:
    """One feed entry."""
    title = collapse_ws(_text(entry.get("title", ""), entry.get("title_detail")))
    summary = _text(entry.get("summary", "") or entry.get("description", ""), entry.get("summary_detail"))
    content = ""
    for block in entry.get("content") or []:
        value = _text(block.get("value", ""), block)
        if len(value) > len(content):
            content = value
    if content == summary:
        content = ""
    if not title:
        if not summary:
            raise RecordError("the entry has neither a title nor a summary")
        title = collapse_ws(summary)[:120]
    with warnings.catch_warnings():  # feedparser warns about its updated/published fallback
        warnings.simplefilter("ignore", DeprecationWarning)
        published = _when(entry.get("published_parsed") or entry.get("updated_parsed"))
    estimated = False
    if not published:
        published, estimated = feed_date, True
    link = entry.get("link") or ""
    article = Article(
        title=title,
        source=source,
        url=link or None,
        published_at=published,
        published_estimated=estimated,
        summary=summary,
        body=content,
        categories=[CategoryTag(c) for c in default_categories],
    )
    return article
