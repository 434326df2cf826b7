"""Which stored story a new record is, which of two duplicates is kept, and what a merge keeps.

A record is the story stored under one of its ids (:func:`newsdesk.domain.identity.story_ids`: the canonical
URL first) unless that story is clearly another one — a clearly different title, or another guid from
the same source — in which case the record takes the next free id. Otherwise it duplicates a story
with the same normalised title from the same source within :data:`DEDUPE_HOURS`, from any source
within :data:`CROSS_SOURCE_HOURS` (titles of at least :data:`CROSS_SOURCE_WORDS` words), or with the
same text (content hash) within :data:`DEDUPE_HOURS`: the same text on another day is another story
("Stocks That Hit 52-Week Lows On Monday" is a new story every Monday), unless it has the same link
or guid. The richer record is kept, with the companies and categories of both.
"""

from __future__ import annotations

import functools
import sqlite3
from datetime import UTC, datetime, timedelta
from typing import Any

from newsdesk.domain.identity import canonical_url, content_hash, normal_title, story_ids, titles_differ
from newsdesk.domain.models import Article

DEDUPE_HOURS = 48
CROSS_SOURCE_HOURS = 6
CROSS_SOURCE_WORDS = 4


def assign_identity(article: Article, ingested_at: str) -> Article:
    """Give ``article`` its canonical URL (only http(s); tracking parameters dropped), its stable id
    and, when it has no date, the ingest time (flagged)."""
    article.url = canonical_url(article.url)
    article.id = article.id or story_ids(article.url, article.source, article.title, article.published_at, None)[0]
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
    """``iso`` moved by ``hours`` (returned unchanged when it is not a date), as :func:`iso_utc` writes
    it (formatted here from the fields: ``iso_utc``'s ``strftime`` was most of the time of a batch's
    time windows, one per record and bound)."""
    try:
        moment = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except ValueError:
        return iso
    moment += timedelta(hours=hours)
    t = (moment if moment.tzinfo is None else moment.astimezone(UTC)).timetuple()
    return f"{t[0]:04d}-{t[1]:02d}-{t[2]:02d}T{t[3]:02d}:{t[4]:02d}:{t[5]:02d}Z"


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


def guids_differ(a_source: str, a_guid: str | None, b_source: str, b_guid: str | None) -> bool:
    """True when two records of one source carry different guids (a feed's own ids of its items)."""
    return bool(a_guid and b_guid and a_source == b_source and a_guid != b_guid)


def same_story(a: Article, title: str, guid: str | None, source: str) -> bool:
    """Whether ``a`` tells the story stored as (``title``, ``guid``, ``source``) under one of its ids."""
    return not guids_differ(a.source, a.guid, source, guid) and not titles_differ(a.title, title)


def within(a: Article, when: str, hours: int = DEDUPE_HOURS) -> bool:
    """Whether ``when`` is within ``hours`` of ``a``'s publish time (False when ``a`` has none)."""
    if not a.published_at or not when:
        return False
    return shift_hours(a.published_at, -hours) <= when <= shift_hours(a.published_at, hours)


def text_match(a: Article, when: str, source: str, guid: str | None) -> bool:
    """Whether a story with ``a``'s text (content hash), published at ``when`` by ``source``, is ``a``:
    within :data:`DEDUPE_HOURS` and not another guid of the same source."""
    return within(a, when) and not guids_differ(a.source, a.guid, source, guid)


def title_match(a: Article, when: str, source: str, guid: str | None) -> bool:
    """Whether a story with ``a``'s normalised title, published at ``when`` by ``source``, is ``a``:
    from the same source within :data:`DEDUPE_HOURS`, from another within :data:`CROSS_SOURCE_HOURS`
    when the title has at least :data:`CROSS_SOURCE_WORDS` words."""
    if not a.published_at or guids_differ(a.source, a.guid, source, guid):
        return False
    if source == a.source:
        hours = DEDUPE_HOURS
    elif len(normal_title(a.title).split()) >= CROSS_SOURCE_WORDS:
        hours = CROSS_SOURCE_HOURS
    else:
        return False
    return within(a, when, hours)


STORY_SQL = "SELECT title, guid, source FROM articles WHERE id = ?"
TITLE_SQL = (
    "SELECT id, published_at, source, guid FROM articles WHERE title_key = ? AND published_at BETWEEN ? AND ? "
    "ORDER BY published_at, rowid"
)
HASH_SQL = (
    "SELECT id, source, guid, published_at FROM articles WHERE content_hash = ? AND published_at BETWEEN ? AND ? "
    "ORDER BY rowid"
)
Row = tuple[Any, ...]
KEYS_PER_READ = 500  # bound parameters per look-up of :class:`StoredRows`


def candidate_ids(a: Article) -> list[str]:
    """The ids ``a`` may be stored under, in the order :func:`find_story` tries them (its own id when it
    came with one that is not its computed one; the first of :func:`story_ids` never depends on the guid)."""
    ids = story_ids(a.url, a.source, a.title, a.published_at, a.guid)
    return [a.id] if a.id and a.id != ids[0] else ids


class StoredRows:
    """The stored rows the duplicate look-ups of a batch need, read up front: one query per
    :data:`KEYS_PER_READ` ids, title keys or content hashes instead of up to three per record (the
    rows and their order are those of :data:`STORY_SQL`, :data:`TITLE_SQL` and :data:`HASH_SQL`).
    After :meth:`changed` (a merge rewrote a stored article) every look-up queries again."""

    def __init__(self, conn: sqlite3.Connection, batch: list[tuple[Article, str]]) -> None:
        self.conn = conn
        self.current = True
        ids = {i for a, _ in batch for i in candidate_ids(a)}
        self.stories: dict[str, tuple[str, str | None, str]] = {
            r[0]: (r[1], r[2], r[3]) for r in self._read("id, title, guid, source", "id", ids, "rowid")
        }
        self.ids = ids
        self.titles = {title_key(a.title) for a, _ in batch}
        self.hashes = {h for _, h in batch}
        self.by_title: dict[str, list[Row]] = {}
        titled = self._read(
            "title_key, id, published_at, source, guid", "title_key", self.titles, "published_at, rowid"
        )
        for r in titled:
            self.by_title.setdefault(r[0], []).append(r[1:])
        self.by_hash: dict[str, list[Row]] = {}
        for r in self._read("content_hash, id, source, guid, published_at", "content_hash", self.hashes, "rowid"):
            self.by_hash.setdefault(r[0], []).append(r[1:])

    def _read(self, columns: str, key: str, values: set[str], order: str) -> list[Row]:
        keys, out = sorted(values), []
        for n in range(0, len(keys), KEYS_PER_READ):
            part = keys[n : n + KEYS_PER_READ]
            marks = ", ".join("?" * len(part))
            out += self.conn.execute(  # constant names; every value bound
                f"SELECT {columns} FROM articles WHERE {key} IN ({marks}) ORDER BY {order}", part
            ).fetchall()
        return out

    def changed(self) -> None:
        """A stored article was rewritten: look everything up in the database from now on."""
        self.current = False

    def story(self, article_id: str) -> tuple[str, str | None, str] | None:
        """``(title, guid, source)`` of the story stored under ``article_id``, or None."""
        if self.current and article_id in self.ids:
            return self.stories.get(article_id)
        row = self.conn.execute(STORY_SQL, [article_id]).fetchone()
        return None if row is None else (row[0], row[1], row[2])

    def same_title(self, key: str, lo: str, hi: str) -> list[Row]:
        """``(id, published_at, source, guid)`` of the stored articles with title key ``key`` published
        from ``lo`` to ``hi``."""
        if self.current and key in self.titles:
            return [r for r in self.by_title.get(key, ()) if r[1] is not None and lo <= r[1] <= hi]
        return self.conn.execute(TITLE_SQL, [key, lo, hi]).fetchall()

    def same_text(self, chash: str, lo: str, hi: str) -> list[Row]:
        """``(id, source, guid, published_at)`` of the stored articles with content hash ``chash``
        published from ``lo`` to ``hi``."""
        if self.current and chash in self.hashes:
            return [r for r in self.by_hash.get(chash, ()) if r[3] is not None and lo <= r[3] <= hi]
        return self.conn.execute(HASH_SQL, [chash, lo, hi]).fetchall()


def find_story(batch: BatchArticles, stored: StoredRows, a: Article, chash: str) -> tuple[str | None, bool]:
    """The id of the story ``a`` duplicates and whether it waits in ``batch`` (else it is stored);
    ``(None, False)`` for a new story, whose ``id`` is then set to its first free id."""
    ids = candidate_ids(a)
    for candidate in ids:
        if candidate in batch.items:
            other = batch.items[candidate][0]
            if same_story(a, other.title, other.guid, other.source):
                return candidate, True
            continue
        row = stored.story(candidate)
        if row is None:
            a.id = candidate
            break
        if same_story(a, *row):
            return candidate, False
    else:  # every id is held by another story (a feed repeating one guid and link): the first is it
        return ids[0], ids[0] in batch.items
    queued = batch.find(a, chash)
    if queued is not None:
        return queued, True
    return find_duplicate(stored, a, chash), False


def find_duplicate(stored: StoredRows, a: Article, chash: str) -> str | None:
    """The id of the stored article ``a`` duplicates by title and time or by text and time, or None."""
    if not a.published_at:
        return None
    lo, hi = shift_hours(a.published_at, -DEDUPE_HOURS), shift_hours(a.published_at, DEDUPE_HOURS)
    for other, when, source, guid in stored.same_title(title_key(a.title), lo, hi):
        if title_match(a, when, source, guid):
            return str(other)
    for other, source, guid, when in stored.same_text(chash, lo, hi):
        if text_match(a, when, source, guid):
            return str(other)
    return None


def merge_into(kept: Article, other: Article) -> bool:
    """Give ``kept`` the companies, categories and guid of ``other`` it lacks (two records of one
    story: a headline listed once per ticker keeps every ticker); True when anything was added."""
    changed = False
    tickers = {e.ticker for e in kept.entities}
    for e in other.entities:
        if e.ticker not in tickers:
            kept.entities.append(e)
            tickers.add(e.ticker)
            changed = True
    tags = {(c.category, c.origin) for c in kept.categories}
    for c in other.categories:
        if (c.category, c.origin) not in tags:
            kept.categories.append(c)
            tags.add((c.category, c.origin))
            changed = True
    if other.guid and not kept.guid and kept.source == other.source:
        kept.guid = other.guid
        changed = True
    return changed


class BatchArticles:
    """The new articles of a batch waiting for one bulk insert, with the keys that find duplicates
    inside the batch, and the extra sources of the duplicates met."""

    def __init__(self) -> None:
        self.items: dict[str, tuple[Article, str]] = {}
        self.by_hash: dict[str, list[str]] = {}
        self.by_title: dict[str, list[str]] = {}
        self.sources: list[tuple[str, str, str, str]] = []

    def add(self, a: Article, chash: str) -> None:
        """Queue a new article (its content hash ``chash``)."""
        self.items[a.id] = (a, chash)
        self.by_hash.setdefault(chash, []).append(a.id)
        self.by_title.setdefault(title_key(a.title), []).append(a.id)

    def find(self, a: Article, chash: str) -> str | None:
        """The id of the queued article ``a`` duplicates by title and time or by text and time, or None."""
        for other_id in self.by_title.get(title_key(a.title), []):
            other = self.items[other_id][0]
            if title_match(a, other.published_at or "", other.source, other.guid):
                return other_id
        for other_id in self.by_hash.get(chash, []):
            other = self.items[other_id][0]
            if text_match(a, other.published_at or "", other.source, other.guid):
                return other_id
        return None

    def merge(self, queued_id: str, a: Article, chash: str) -> None:
        """Merge ``a`` into the queued article it duplicates: the richer record is kept, with the
        companies and categories of both."""
        old, _ = self.items[queued_id]
        if richness(a) > richness(old):
            a.id = queued_id
            merge_into(a, old)
            self.items[queued_id] = (a, chash)
        else:
            merge_into(old, a)
