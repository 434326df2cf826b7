"""Writes: the one mapping of an :class:`Article` to its rows, and every write of a batch.

Every write of a batch happens in one ``BEGIN IMMEDIATE`` transaction, together with the derived
tables (:mod:`newsdesk.db.aggregates`) and the ``ingest_runs``/``problems`` bookkeeping, so a crash
leaves the database exactly as it was before the batch.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from newsdesk.db import aggregates, stories, ticker_counts
from newsdesk.db.columns import DECISION_DETAIL_COLUMNS
from newsdesk.db.dedupe import (
    BatchArticles,
    StoredRows,
    assign_identity,
    find_story,
    merge_into,
    richness,
    text_hash,
    title_key,
)
from newsdesk.db.engine import Connection
from newsdesk.db.schema import inserted_id, transaction
from newsdesk.domain.identity import iso_utc
from newsdesk.domain.models import Article, CategoryTag, Decision, Entity, Problem

if TYPE_CHECKING:
    from newsdesk.domain.reference import Basket, Company

# ------------------------------------------------------------------ the Article -> rows mapping

ARTICLE_INSERT_COLUMNS = (
    "id",
    "url",
    "title",
    "source",
    "published_at",
    "published_estimated",
    "summary",
    "body",
    "sentiment",
    "sentiment_label",
    "subjectivity",
    "impact",
    "source_sentiment",
    "source_sentiment_label",
    "source_impact",
    "scorer_version",
    "content_hash",
    "title_key",
    "sentiment_terms",
    "impact_components",
    "guid",
    "market_relevance",
    "market_relevant",
)
SCORE_COLUMNS = (
    "sentiment",
    "sentiment_label",
    "subjectivity",
    "impact",
    "scorer_version",
    "sentiment_terms",
    "impact_components",
    "market_relevance",
    "market_relevant",
)
CATEGORY_COLUMNS = (
    "article_id",
    "category",
    "relevance",
    "origin",
    "effective",
    "published_at",
    "sentiment",
    "impact",
    "sentiment_label",
    "market_relevant",
)
ENTITY_COLUMNS = ("article_id", "ticker", "name", "mentions", "relevance", "sentiment", "published_at")
DECISION_COLUMNS = ("id", "article_id", *DECISION_DETAIL_COLUMNS, "published_at")
LINK_COLUMNS = ("decision_id", "basket_id", "side")


def _insert_sql(table: str, columns: tuple[str, ...], verb: str = "INSERT") -> str:
    return f"{verb} INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})"


ARTICLE_INSERT_SQL = _insert_sql("articles", ("rowid", *ARTICLE_INSERT_COLUMNS, "ingested_at", "story_id"))
CATEGORY_INSERT_SQL = _insert_sql("article_categories", CATEGORY_COLUMNS)
ENTITY_INSERT_SQL = _insert_sql("article_entities", ENTITY_COLUMNS, "INSERT OR IGNORE")
DECISION_INSERT_SQL = _insert_sql("decisions", DECISION_COLUMNS)
LINK_INSERT_SQL = _insert_sql("decision_baskets", LINK_COLUMNS, "INSERT OR IGNORE")
SOURCE_INSERT_SQL = _insert_sql("article_sources", ("article_id", "source", "url", "seen_at"), "INSERT OR IGNORE")
FTS_INSERT_SQL = "INSERT INTO articles_fts (rowid, title, summary, body) VALUES (?, ?, ?, ?)"


try:  # json.dumps' own C encoder, made once (json.dumps makes one per call: ~40 % of a row's mapping)
    from json.encoder import c_make_encoder as _make_encoder  # type: ignore[attr-defined]
    from json.encoder import encode_basestring_ascii as _encode_str
except ImportError:  # pragma: no cover - a Python without the C accelerator
    _make_encoder = None
_DEFAULT = json.JSONEncoder()
_ENCODE = (
    None
    if _make_encoder is None or _encode_str is None
    else _make_encoder(None, _DEFAULT.default, _encode_str, None, ": ", ", ", False, False, True)
)


def to_json(value: Any) -> str:
    """``json.dumps(value)`` with its default settings (the same text), for the JSON columns of a row:
    with the C encoder made once instead of once per call. No check for circular values (scores are
    plain lists and dicts)."""
    return json.dumps(value) if _ENCODE is None else "".join(_ENCODE(value, 0))


def article_values(a: Article, chash: str) -> tuple[Any, ...]:
    """The ``articles`` row of ``a`` (content hash ``chash``), in :data:`ARTICLE_INSERT_COLUMNS` order."""
    return (
        a.id,
        a.url,
        a.title,
        a.source,
        a.published_at,
        int(a.published_estimated),
        a.summary,
        a.body,
        a.sentiment,
        a.sentiment_label,
        a.subjectivity,
        a.impact,
        a.source_sentiment,
        a.source_sentiment_label,
        a.source_impact,
        a.scorer_version,
        chash,
        title_key(a.title),
        to_json(a.sentiment_terms) if a.sentiment_terms else None,
        to_json(a.impact_components) if a.impact_components else None,
        a.guid,
        a.market_relevance,
        int(bool(a.market_relevant)),
    )


def category_values(a: Article) -> list[tuple[Any, ...]]:
    """The ``article_categories`` rows of ``a`` (one per category and origin, the first kept), each
    with the article's publish time and scores copied on (schema v6)."""
    origin = aggregates.effective_category_origin(a)
    out, seen = [], set()
    for c in a.categories:
        if (c.category, c.origin) not in seen:
            seen.add((c.category, c.origin))
            out.append(
                (
                    a.id,
                    c.category,
                    c.relevance,
                    c.origin,
                    int(c.origin == origin),
                    a.published_at,
                    a.sentiment,
                    a.impact,
                    a.sentiment_label,
                    int(bool(a.market_relevant)),
                )
            )
    return out


def entity_values(a: Article) -> list[tuple[Any, ...]]:
    """The ``article_entities`` rows of ``a`` (with the article's publish time, schema v10)."""
    return [(a.id, e.ticker, e.name, e.mentions, e.relevance, e.sentiment, a.published_at) for e in a.entities]


def decision_id(a: Article, d: Decision) -> str:
    """The stable id of decision ``d`` of article ``a``."""
    return f"{a.id}-{d.position}"


def decision_values(a: Article) -> list[tuple[Any, ...]]:
    """The ``decisions`` rows of ``a`` (with the article's publish time, schema v10)."""
    return [
        (
            decision_id(a, d),
            a.id,
            d.position,
            d.text,
            d.action,
            d.direction,
            to_json(d.instruments) if d.instruments else None,
            d.structure,
            d.horizon_text,
            d.horizon_min_days,
            d.horizon_max_days,
            d.conditions,
            d.author,
            d.rating,
            d.rating_prev,
            d.price_target,
            d.price_target_prev,
            d.origin,
            a.published_at,
        )
        for d in a.decisions
    ]


def link_values(a: Article) -> list[tuple[Any, ...]]:
    """The ``decision_baskets`` rows of ``a``: every basket leg of every decision, with its side."""
    return [
        (decision_id(a, d), leg["basket"], leg["side"])
        for d in a.decisions
        for leg in d.instruments
        if leg.get("basket")
    ]


def insert_articles(conn: sqlite3.Connection, batch: list[tuple[Article, str]], ingested_at: str) -> None:
    """Insert new articles (each with its content hash) and all their rows with one ``executemany``
    per table, their full-text entries, their first source, and their share of the derived tables.
    Call inside :func:`newsdesk.db.schema.transaction`."""
    if not batch:
        return
    articles = [a for a, _ in batch]
    # the rowids SQLite would give (max + 1, ...), chosen here so that the full-text rows are written
    # from the texts in hand: reading them back from ``articles`` cost as much again as indexing them
    last = conn.execute("SELECT coalesce(max(rowid), 0) FROM articles").fetchone()[0]
    story = stories.assign(conn, articles, last_rowid=last)  # before the insert: stored articles only
    rows = [
        (last + n, *article_values(a, chash), ingested_at, story.get(a.id, a.id))
        for n, (a, chash) in enumerate(batch, 1)
    ]
    conn.executemany(ARTICLE_INSERT_SQL, rows)
    aggregates.count_new_articles(conn, articles)
    conn.executemany(FTS_INSERT_SQL, [(last + n, a.title, a.summary, a.body) for n, a in enumerate(articles, 1)])
    _insert_children(conn, articles)
    conn.executemany(SOURCE_INSERT_SQL, [(a.id, a.source, a.url or "", ingested_at) for a in articles])
    totals = aggregates.BatchTotals()
    for a in articles:
        totals.add(a)
    totals.write(conn)


def _insert_children(conn: sqlite3.Connection, articles: list[Article]) -> None:
    cats, ents, decs, links = [], [], [], []
    for a in articles:
        cats += category_values(a)
        ents += entity_values(a)
        decs += decision_values(a)
        links += link_values(a)
    conn.executemany(CATEGORY_INSERT_SQL, cats)
    insert_mentions(conn, ents)
    conn.executemany(DECISION_INSERT_SQL, decs)
    conn.executemany(LINK_INSERT_SQL, links)


def insert_mentions(conn: sqlite3.Connection, rows: list[tuple[Any, ...]]) -> None:
    """Insert ``article_entities`` rows (:func:`entity_values`) and count them into ``ticker_counts`` with
    one upsert per ticker (schema v20: no trigger counts an inserted mention). Every insert of a mention
    goes through here, inside the writer's transaction."""
    if not rows:
        return
    after = ticker_counts.last_mention(conn)
    conn.executemany(ENTITY_INSERT_SQL, rows)
    ticker_counts.count_mentions(conn, after)


def _delete_children(conn: sqlite3.Connection, article_id: str) -> None:
    conn.execute(
        "DELETE FROM decision_baskets WHERE decision_id IN (SELECT id FROM decisions WHERE article_id = ?)",
        [article_id],
    )
    conn.execute("DELETE FROM decisions WHERE article_id = ?", [article_id])
    conn.execute("DELETE FROM article_categories WHERE article_id = ?", [article_id])
    conn.execute("DELETE FROM article_entities WHERE article_id = ?", [article_id])


def replace_article(conn: sqlite3.Connection, old: Article, new: Article, chash: str | None = None) -> None:
    """Replace a stored article's row (all of it when ``chash`` is given, else only the scores) and
    its categories, companies, decisions and basket links; keep the derived tables exact. Call
    inside :func:`newsdesk.db.schema.transaction`."""
    totals = aggregates.BatchTotals()
    totals.add(old, sign=-1)
    totals.write(conn)
    row = dict(zip(ARTICLE_INSERT_COLUMNS, article_values(new, chash or ""), strict=True))
    columns: tuple[str, ...]
    if chash is None:
        columns = SCORE_COLUMNS
    else:
        columns = ARTICLE_INSERT_COLUMNS[1:]
        rowid = conn.execute("SELECT rowid FROM articles WHERE id = ?", [new.id]).fetchone()[0]
        conn.execute("DELETE FROM articles_fts WHERE rowid = ?", [rowid])
        conn.execute(FTS_INSERT_SQL, [rowid, new.title, new.summary, new.body])
    conn.execute(
        f"UPDATE articles SET {', '.join(f'{c} = ?' for c in columns)} WHERE id = ?",  # constant names
        [*(row[c] for c in columns), new.id],
    )
    _delete_children(conn, new.id)
    _insert_children(conn, [new])
    totals.add(new)
    totals.write(conn)


def merge_stored(conn: sqlite3.Connection, old: Article, new: Article, chash: str) -> None:
    """Merge ``new`` into the stored article ``old`` it duplicates: the richer record's text and
    scores are kept, with the companies and categories of both; the derived tables follow. Call
    inside :func:`newsdesk.db.schema.transaction`."""
    if richness(new) > richness(old):
        new.id = old.id
        merge_into(new, old)
        replace_article(conn, old, new, chash)
        return
    merged = load_article(conn, old.id)
    if not merge_into(merged, new):
        return
    totals = aggregates.BatchTotals()
    totals.add(old, sign=-1)
    totals.add(merged)
    totals.write(conn)
    conn.execute("UPDATE articles SET guid = ? WHERE id = ?", [merged.guid, merged.id])
    conn.execute("DELETE FROM article_categories WHERE article_id = ?", [merged.id])
    conn.execute("DELETE FROM article_entities WHERE article_id = ?", [merged.id])
    conn.executemany(CATEGORY_INSERT_SQL, category_values(merged))
    insert_mentions(conn, entity_values(merged))


def load_article(conn: sqlite3.Connection, article_id: str) -> Article:
    """Rebuild a stored article (with its source categories, companies and decision texts) for
    rescoring or for comparing it with a duplicate: the mapping read back."""
    cur = conn.execute("SELECT * FROM articles WHERE id = ?", [article_id])
    row = dict(zip([d[0] for d in cur.description], cur.fetchone(), strict=True))
    a = Article(
        id=row["id"],
        title=row["title"],
        source=row["source"],
        url=row["url"],
        published_at=row["published_at"],
        published_estimated=bool(row["published_estimated"]),
        summary=row["summary"] or "",
        body=row["body"] or "",
        source_sentiment=row["source_sentiment"],
        source_sentiment_label=row["source_sentiment_label"],
        source_impact=row["source_impact"],
        sentiment=row["sentiment"],
        sentiment_label=row["sentiment_label"],
        impact=row["impact"],
        scorer_version=row["scorer_version"],
        guid=row.get("guid"),
        market_relevance=row.get("market_relevance"),
        market_relevant=bool(row.get("market_relevant", 1)),
    )
    a.entities = [
        Entity(*r)
        for r in conn.execute(
            "SELECT ticker, name, mentions, relevance, sentiment FROM article_entities WHERE article_id = ? "
            "ORDER BY rowid",
            [article_id],
        )
    ]
    a.categories = [
        CategoryTag(*r)
        for r in conn.execute(
            "SELECT category, relevance, origin FROM article_categories WHERE article_id = ? ORDER BY rowid",
            [article_id],
        )
    ]
    a.decisions = [  # a headline call (origin "headline") is rebuilt by the scorer from the title
        Decision(position=r[0], text=r[1], origin=r[2] or "bullet")
        for r in conn.execute(
            "SELECT position, text, origin FROM decisions WHERE article_id = ? ORDER BY position", [article_id]
        )
    ]
    return a


def replace_scores(db: Connection, old: Article, new: Article) -> None:
    """Swap an article's scores for ``new``'s (rescoring): score columns, categories, companies,
    decision fields and basket links, and the derived tables. Call inside :func:`transaction`."""
    replace_article(db.conn, old, new)


# ------------------------------------------------------------------ one batch


@dataclass
class RunResult:
    """What one batch write did."""

    run_id: int
    added: int = 0
    duplicates: int = 0
    rejected: int = 0
    added_ids: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def now_iso() -> str:
    """The current time as ISO-8601 UTC."""
    return iso_utc(datetime.now(UTC))


RUN_INSERT_SQL = "INSERT INTO ingest_runs (started_at, source, added, duplicates, rejected) VALUES (?, ?, 0, 0, 0)"
RUN_FINISH_SQL = "UPDATE ingest_runs SET finished_at = ?, added = ?, duplicates = ?, rejected = ? WHERE id = ?"
PROBLEM_INSERT_SQL = _insert_sql("problems", ("run_id", "source", "locator", "reason", "raw"))


def write_batch(
    db: Connection,
    articles: Iterable[Article],
    problems: Iterable[Problem],
    source: str,
) -> RunResult:
    """Store one batch of scored articles and its problems in a single transaction.

    A duplicate (see :mod:`newsdesk.db.dedupe`: the same canonical URL and not clearly another story,
    the same normalised title at a close time, or the same text) is not added: the stored story keeps
    one row, the duplicate's source and URL are recorded in ``article_sources``, its companies and
    categories are added to the story's, and when the duplicate is the richer record its text and
    scores replace the stored ones. Returns the run's counts.
    """
    started = now_iso()
    problems = list(problems)
    conn = db.conn
    with transaction(db):
        run_id = inserted_id(conn.execute(RUN_INSERT_SQL, [started, source]))
        result = RunResult(run_id=run_id, problems=problems)
        batch = BatchArticles()
        hashed = [(assign_identity(a, started), text_hash(a)) for a in articles]
        stored = StoredRows(conn, hashed)  # the stored rows the look-ups need, read at once
        for article, chash in hashed:
            found, queued = find_story(batch, stored, article, chash)
            if found is None:
                batch.add(article, chash)
                result.added += 1
                result.added_ids.append(article.id)
                continue
            result.duplicates += 1
            if queued:  # a duplicate of an article earlier in this batch
                batch.sources.append((found, article.source, article.url or "", started))
                batch.merge(found, article, chash)
            else:
                conn.execute(SOURCE_INSERT_SQL, [found, article.source, article.url or "", started])
                merge_stored(conn, load_article(conn, found), article, chash)
                stored.changed()
        insert_articles(conn, list(batch.items.values()), started)
        conn.executemany(SOURCE_INSERT_SQL, batch.sources)
        conn.executemany(PROBLEM_INSERT_SQL, [(run_id, p.source, p.locator, p.reason, p.raw) for p in problems])
        result.rejected = len(problems)
        conn.execute(RUN_FINISH_SQL, [now_iso(), result.added, result.duplicates, result.rejected, run_id])
    return result


def write_new(db: Connection, batch: list[tuple[Article, str]], source: str) -> int:
    """Store articles known to be new (each with its content hash; no duplicate look-ups) as one run
    in one transaction: for generated corpora. Returns the run id."""
    started = now_iso()
    with transaction(db):
        run_id = inserted_id(db.conn.execute(RUN_INSERT_SQL, [started, source]))
        insert_articles(db.conn, batch, started)
        db.conn.execute(RUN_FINISH_SQL, [now_iso(), len(batch), 0, 0, run_id])
    return run_id


def record_failure(db: Connection, source: str, reason: str) -> int:
    """Record an input that could not be read at all as a run with one problem; return the run id."""
    with transaction(db):
        started = now_iso()
        run_id = inserted_id(
            db.conn.execute(
                "INSERT INTO ingest_runs (started_at, finished_at, source, added, duplicates, rejected) "
                "VALUES (?, ?, ?, 0, 0, 1)",
                [started, started, source],
            )
        )
        db.conn.execute(PROBLEM_INSERT_SQL, [run_id, source, source, reason, None])
    return run_id


def rebuild_aggregates(db: Connection) -> tuple[int, int]:
    """Recompute the derived tables newsdesk writes itself (see :func:`aggregates.recompute`) in one
    transaction; return the rows of the daily category table and of the category-set totals."""
    with transaction(db):
        aggregates.recompute(db.conn)
    def one(sql: str) -> int:
        return int(db.conn.execute(sql).fetchone()[0])

    return one("SELECT count(*) FROM daily_category_sentiment"), one("SELECT count(*) FROM category_set_totals")


def rebuild_stories(db: Connection) -> int:
    """Recompute every article's story (:func:`newsdesk.db.stories.rebuild`) in one transaction;
    return how many stories there are."""
    with transaction(db):
        return stories.rebuild(db.conn)


# ------------------------------------------------------------------ reference data


def sync_reference(db: Connection, companies: Iterable[Company], baskets: Iterable[Basket]) -> None:
    """Load the shipped companies and baskets into their tables (upsert, one transaction).

    Baskets of another ``kind`` than the file's (custom baskets made in the dashboard) are left alone.
    """
    with transaction(db):
        db.conn.executemany(
            "INSERT INTO companies (ticker, name, aliases, sector, country, exchange) VALUES (?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (ticker) DO UPDATE SET name = excluded.name, aliases = excluded.aliases, "
            "sector = excluded.sector, country = excluded.country, exchange = excluded.exchange",
            [(c.ticker, c.name, "|".join(c.aliases), c.sector, c.country, c.exchange) for c in companies],
        )
        names = {c.ticker: c.name for c in companies}
        for b in baskets:
            db.conn.execute(
                "INSERT INTO baskets (id, name, description, kind) VALUES (?, ?, ?, ?) ON CONFLICT (id) DO UPDATE "
                "SET name = excluded.name, description = excluded.description, kind = excluded.kind",
                [b.id, b.name, b.description, b.kind],
            )
            db.conn.execute("DELETE FROM basket_members WHERE basket_id = ?", [b.id])
            db.conn.executemany(
                "INSERT INTO basket_members (basket_id, ticker, name, weight) VALUES (?, ?, ?, ?)",
                [(b.id, t, names.get(t, t), w) for t, w in b.members.items()],
            )


def reference_loaded(
    db: Connection, companies: Sequence[Company], baskets: Sequence[Basket]
) -> bool:
    """True when the companies and baskets tables already hold the shipped reference data."""
    n_companies = db.execute("SELECT count(*) FROM companies").fetchone()[0]
    n_baskets = db.execute("SELECT count(*) FROM baskets WHERE kind = 'sector'").fetchone()[0]
    return bool(n_companies == len(companies) and n_baskets == sum(b.kind == "sector" for b in baskets))


# ------------------------------------------------------------------ feeds


def feed_state(conn: sqlite3.Connection, url: str) -> dict[str, Any]:
    """What was remembered of feed ``url`` (validators, last status), or an empty dict."""
    cur = conn.execute("SELECT * FROM feed_state WHERE url = ?", [url])
    row = cur.fetchone()
    return dict(zip([d[0] for d in cur.description], row, strict=True)) if row else {}


def save_feed_state(
    db: Connection,
    url: str,
    name: str,
    when: str,
    status: int,
    etag: str | None,
    last_modified: str | None,
    error: str,
    added: int,
) -> None:
    """Remember a fetch of feed ``url``: its validators, status, error and how many articles it added."""
    with transaction(db):
        db.execute(
            """
            INSERT INTO feed_state (url, source, etag, last_modified, last_fetched_at, last_status, last_error,
                                    added_total)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (url) DO UPDATE SET source = excluded.source, etag = excluded.etag,
              last_modified = excluded.last_modified, last_fetched_at = excluded.last_fetched_at,
              last_status = excluded.last_status, last_error = excluded.last_error,
              added_total = coalesce(added_total, 0) + excluded.added_total
            """,
            [url, name, etag, last_modified, when, status, error or None, added],
        )
