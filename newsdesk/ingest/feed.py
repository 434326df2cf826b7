"""RSS 0.9x/1.0/2.0 and Atom feeds, through feedparser.

- An entry date feedparser cannot read (``Seg, 24 Set 2018 19:42:40 -0300``) is read by
  :func:`newsdesk.ingest.normalize.parse_date`; if that fails too, the entry is rejected, or kept with
  an estimated date under ``--on-bad-date estimate``. An entry without any date falls back to the
  feed's own date, then to the ingest time; both are flagged (``published_estimated``).
- An entry keyed on a FeedBurner redirect (``feeds.*.com/~r/...``) takes its ``feedburner:origLink``.
- Relative links are resolved against ``xml:base`` (by feedparser), else the feed's alternate (site)
  or self link, else the URL the feed was fetched from.
- A feed cut off in the middle is read up to the break, with a warning; the broken last entry is
  rejected rather than given an invented date.
- The source is the feed's title, else its site's domain; ``--source`` (or a configured feed's name)
  overrides both. Summaries and content lose their HTML.
"""

from __future__ import annotations

import re
import time
import warnings
import xml.sax
from collections.abc import Iterator
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit

import feedparser

from newsdesk.domain.models import Article, CategoryTag, ParseResult, Problem
from newsdesk.errors import RecordError, SourceReadError
from newsdesk.ingest.format import Format, Sample, Source
from newsdesk.ingest.html import html_to_text
from newsdesk.ingest.normalize import collapse_ws, iso_utc, parse_date
from newsdesk.ingest.options import DateReader, ReadOptions, default_source, site_name

XML_STARTS = ("<?xml", "<rss", "<feed", "<rdf:rdf", "<rdf")
CHUNK_RECORDS = 1_000
SUFFIXES = (".rss", ".atom", ".xml")


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


def _scheme(url: str | None) -> str | None:
    """The scheme of ``url`` ('' for a relative link), or None when it is no URL at all."""
    try:
        return urlsplit(url or "").scheme.lower()
    except ValueError:  # "http://[::1": unbalanced IPv6 brackets
        return None


def _is_http(url: str | None) -> bool:
    return bool(url) and _scheme(url) in ("http", "https")


_HTML = re.compile(rb"<(!doctype\s+html|html[\s>])", re.I)
_ROOT = re.compile(rb"<([A-Za-z][\w:.-]*)")


def not_a_feed(source_name: str, data: bytes) -> str:
    """Why a document with no entries that feedparser recognised as no feed is not news: an HTML page
    (a web page saved as ``.xml``) or XML of another kind (named by its root element)."""
    head = re.sub(rb"<\?.*?\?>|<!--.*?-->", b"", data[:65536], flags=re.S)
    if _HTML.search(head):
        return (
            f"{source_name} is an HTML web page, not a news feed: give the site's RSS/Atom feed, or save its "
            "articles as CSV or JSON Lines"
        )
    root = _ROOT.search(head)
    kind = f"XML whose root element is <{root.group(1).decode('ascii', 'replace')}>" if root else "no feed"
    return f"{source_name} is {kind}, not an RSS/Atom feed of news"


def parse_text(
    text: str | bytes,
    source_name: str,
    categories=(),
    feed_source: str | None = None,
    default_categories: tuple[str, ...] = (),
    options: ReadOptions | None = None,
) -> ParseResult:
    """Parse a feed document whole (see :func:`iter_chunks`)."""
    result = ParseResult()
    for chunk in iter_chunks(text, source_name, feed_source, default_categories, options):
        result.extend(chunk)
    return result


def iter_chunks(
    text: str | bytes,
    source_name: str,
    feed_source: str | None = None,
    default_categories: tuple[str, ...] = (),
    options: ReadOptions | None = None,
    chunk_records: int | None = None,
):
    """Parse a feed document, yielding results of at most ``chunk_records`` entries. ``feed_source``
    names the source (else ``--source``, the feed's title, its site's domain); ``default_categories``
    become source categories of every entry. Raises :class:`SourceReadError` for a document that is
    not a feed."""
    chunk_records = chunk_records or CHUNK_RECORDS
    data = text if isinstance(text, bytes) else text.encode("utf-8")
    parsed = feedparser.parse(data, sanitize_html=False)
    broken = parsed.get("bozo") and isinstance(parsed.get("bozo_exception"), xml.sax.SAXException)
    if not parsed.entries:
        if broken and not parsed.get("version"):
            raise SourceReadError(f"{source_name} is not a readable RSS/Atom feed: {parsed.get('bozo_exception')}")
        if not parsed.get("version"):
            raise SourceReadError(not_a_feed(source_name, data))
    feed = parsed.get("feed", {})
    base = _base(feed, source_name)
    source = (
        feed_source
        or (options.source if options else None)
        or collapse_ws(feed.get("title", ""))
        or site_name(feed.get("link"))
        or default_source(None, *(e.get("link") for e in parsed.entries[:5] if _is_http(e.get("link"))), source_name)
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        feed_date = _when(feed.get("published_parsed") or feed.get("updated_parsed"))
    dates = DateReader(options)
    result = ParseResult()
    if broken:
        result.warnings.append(
            f"{source_name} is cut off or malformed ({parsed.get('bozo_exception')}): "
            f"{len(parsed.entries)} items read up to the break"
        )
    last = len(parsed.entries)
    for n, entry in enumerate(parsed.entries, start=1):
        locator = f"{source_name}#item[{n}]"
        try:
            article = parse_entry(
                entry, source, feed_date, default_categories, dates, base, cut_off=broken and n == last
            )
        except RecordError as exc:
            result.problems.append(Problem(source_name, locator, f"item {n}: {exc}", str(dict(entry))[:2000]))
        else:
            article.locator = locator
            result.articles.append(article)
        if n % chunk_records == 0 and n < last:
            yield dates.report_to(result)
            result = ParseResult()
    yield dates.report_to(result)


def _base(feed, source_name: str) -> str | None:
    """The URL relative entry links (``/livewire/...``) are resolved against: the feed's alternate
    (site) link, else its self link, else the URL it was fetched from."""
    links = [link for link in feed.get("links", []) if isinstance(link, dict)]
    for rel in ("alternate", "self"):
        for link in links:
            if link.get("rel") == rel and _is_http(link.get("href")):
                return link["href"]
    if _is_http(feed.get("link")):
        return feed["link"]
    return source_name if _is_http(source_name) else None


def _text(value: str, detail) -> str:
    """Plain text of a feed text construct: HTML is reduced to text, but a ``type="text"`` value
    is already text ("&lt;JPM.N&gt;" means the characters "<JPM.N>") and only has its spaces folded."""
    kind = (detail or {}).get("type", "text/html") if isinstance(detail, dict) else "text/html"
    if "html" in kind:
        return html_to_text(value)
    return "\n\n".join(collapse_ws(p) for p in (value or "").split("\n\n") if p.strip())


def entry_url(entry, base: str | None) -> str | None:
    """The entry's real URL: ``feedburner:origLink`` when present, else its link resolved against
    ``base`` when relative."""
    orig = collapse_ws(entry.get("feedburner_origlink") or "")
    if _is_http(orig):
        return orig
    link = collapse_ws(entry.get("link") or "")
    if not link:
        return None
    if _scheme(link) == "" and base:
        try:
            return urljoin(base, link)
        except ValueError:
            return link
    return link


def parse_entry(
    entry,
    source: str,
    feed_date: str | None,
    default_categories: tuple[str, ...] = (),
    dates: DateReader | None = None,
    base: str | None = None,
    cut_off: bool = False,
) -> Article:
    """One feed entry. ``cut_off`` marks the last entry of a feed that breaks off: without a readable
    date of its own it is rejected instead of given one."""
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
        raw_date = entry.get("published") or entry.get("updated") or ""
    estimated = False
    if not published and cut_off:
        try:
            published = parse_date(raw_date, dates.date_format if dates else None)
        except RecordError:
            published = None
        if not published:
            raise RecordError("the feed breaks off inside this item: its date is missing, and none is invented")
    if not published and raw_date.strip():
        published, estimated = (dates or DateReader()).read(raw_date)
    if not published:
        published, estimated = feed_date, True
    guid = collapse_ws(entry.get("id") or "") or None
    return Article(
        title=title,
        source=source,
        url=entry_url(entry, base),
        guid=guid,
        published_at=published,
        published_estimated=estimated,
        summary=summary,
        body=content,
        categories=[CategoryTag(c) for c in default_categories],
    )


def read(source: Source, options: ReadOptions) -> Iterator[ParseResult]:
    """A feed's entries in chunks. feedparser reads the bytes (and their declared charset) itself,
    unless they are UTF-16/32: then the decoded text is handed on as UTF-8."""
    if source.wide:
        body = as_utf8_xml(source.text)
    elif not source.data.strip():
        raise SourceReadError(f"{source.name} is empty: nothing to ingest")
    else:
        body = source.data
    yield from iter_chunks(body, source.name, options=options)


def as_utf8_xml(text: str) -> bytes:
    """A decoded XML document as UTF-8 bytes, its encoding declaration made to say so."""
    text = re.sub(r"^(\s*<\?xml[^>]*?encoding=)[\"'][^\"']*[\"']", r'\1"utf-8"', text.lstrip("\ufeff"), count=1)
    return text.encode("utf-8", "surrogatepass")


def _sniff(sample: Sample) -> bool:
    return sample.lead == "<" and (looks_like_feed(sample.text) or sample.suffix in SUFFIXES)


FORMAT = Format("feed", "RSS/Atom feed", SUFFIXES, sniff=_sniff, read=read)
