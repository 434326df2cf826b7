"""Which stored story a new record is, and which of two duplicates is kept.

A record duplicates a story when it has the same id (canonical URL), the same source and normalised
title within :data:`DEDUPE_HOURS`, or the same text (content hash). The richer record is kept.
"""

from __future__ import annotations

import functools
import sqlite3
from datetime import datetime, timedelta

from newsdesk.identity import article_id, canonical_url, content_hash, iso_utc
from newsdesk.models import Article

DEDUPE_HOURS = 48


def assign_identity(article: Article, ingested_at: str) -> Article:
    """Give ``article`` its canonical URL (only http(s); tracking parameters dropped), its stable id
    and, when it has no date, the ingest time (flagged)."""
    article.url = canonical_url(article.url)
    article.id = article.id or article_id(article.url, article.source, article.title, article.published_at)
    if not article.published_at:
        article.published_at = ingested_at
        article.published_estimated = True
    return article


def text_hash(a: Article) -> str:
    """The content hash of the article's text (title, summary, body)."""
    return content_hash(a.title, a.summary, a.body)


@functools.lru_cache(maxsize=8192)
def title_key(title: str) -> str:
    """A short hash of the normalised title (dedupe key); memoised, as a batch asks for each
    title's key up to four times."""
    return content_hash(title, "", "")


@functools.lru_cache(maxsize=8192)
def shift_hours(iso: str, hours: int) -> str:
    """``iso`` moved by ``hours`` (returned unchanged when it is not a date)."""
    try:
        moment = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except ValueError:
        return iso
    return iso_utc(moment + timedelta(hours=hours))


def richness(a: Article) -> int:
    """How much a record tells: text length plus bonuses for a URL, a real date, source scores and
    decisions. The richer of two duplicates is kept."""
    return (
        len(a.summary or "")
        + len(a.body or "")
        + (200 if a.url else 0)
        + (100 if not a.published_estimated else 0)
        + (100 if a.source_sentiment is not None else 0)
        + (100 if a.source_impact is not None else 0)
        + 50 * len(a.decisions)
    )


def find_duplicate(conn: sqlite3.Connection, a: Article, chash: str) -> str | None:
    """The id of the stored article ``a`` duplicates, or None."""
    row = conn.execute("SELECT id FROM articles WHERE id = ?", [a.id]).fetchone()
    if row:
        return row[0]
    if a.published_at:
        lo, hi = shift_hours(a.published_at, -DEDUPE_HOURS), shift_hours(a.published_at, DEDUPE_HOURS)
        row = conn.execute(
            "SELECT id FROM articles WHERE source = ? AND title_key = ? AND published_at BETWEEN ? AND ? LIMIT 1",
            [a.source, title_key(a.title), lo, hi],
        ).fetchone()
        if row:
            return row[0]
    row = conn.execute("SELECT id FROM articles WHERE content_hash = ? LIMIT 1", [chash]).fetchone()
    return row[0] if row else None


class BatchArticles:
    """The new articles of a batch waiting for one bulk insert, with the keys that find duplicates
    inside the batch, and the extra sources of the duplicates met."""

    def __init__(self) -> None:
        self.items: dict[str, tuple[Article, str]] = {}
        self.by_hash: dict[str, str] = {}
        self.by_title: dict[tuple[str, str], list[tuple[str, str]]] = {}
        self.sources: list[tuple[str, str, str, str]] = []

    def add(self, a: Article, chash: str) -> None:
        """Queue a new article (its content hash ``chash``)."""
        self.items[a.id] = (a, chash)
        self.by_hash.setdefault(chash, a.id)
        self.by_title.setdefault((a.source, title_key(a.title)), []).append((a.published_at or "", a.id))

    def find(self, a: Article, chash: str) -> str | None:
        """The id of the queued article ``a`` duplicates, or None."""
        if a.id in self.items:
            return a.id
        if chash in self.by_hash:
            return self.by_hash[chash]
        if a.published_at:
            lo, hi = shift_hours(a.published_at, -DEDUPE_HOURS), shift_hours(a.published_at, DEDUPE_HOURS)
            for when, other in self.by_title.get((a.source, title_key(a.title)), []):
                if lo <= when <= hi:
                    return other
        return None

    def replace_if_richer(self, queued_id: str, a: Article, chash: str) -> None:
        """Keep ``a`` instead of the queued article it duplicates when it tells more."""
        old, _ = self.items[queued_id]
        if richness(a) > richness(old):
            a.id = queued_id
            self.items[queued_id] = (a, chash)
