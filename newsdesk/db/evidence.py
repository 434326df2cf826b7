"""Stored evidence observations: every article measured over every window around each company it names
and each basket holding one (:mod:`newsdesk.scorecard.evidence`, at the default rules: each market's
benchmark, 5 sessions of staleness), kept instead of measured on every view. All of their SQL.

Tables (migration :func:`add_evidence`, schema 23):

- ``evidence_articles``: one row per measured article (that names a company): the rules version it was
  measured at, and what the measurement read of it (its publish time, whether it is a demo article, the
  companies it names, ``|``-joined and sorted), so a reader can tell a measurement still holds;
- ``evidence_observations``: one row per article, instrument (a ticker, or ``basket:<id>``) and window
  that could be measured: the sessions (base, entry, exit), r, b and r - b, the benchmark(s), the
  article's own tone and the closes' provenance (``real``/``illustrative``).

What changes a measurement: a close, a company's country or a basket's members are marked in
``grade_dirty`` by the grades' triggers (:mod:`newsdesk.db.grades`), and the upkeep that handles those
marks re-measures the articles they touch in the same transaction; an article's publish time, estimate
flag or source changed, its companies rewritten (a rescore, a merge) or the article deleted drops its
evidence here, by trigger, in the writer's own transaction (the next upkeep measures it again).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from newsdesk.db.read.sql import marks

if TYPE_CHECKING:
    import sqlite_utils

TABLES = ("evidence_articles", "evidence_observations")
TABLE_SQL = (
    "CREATE TABLE IF NOT EXISTS evidence_articles (article_id TEXT PRIMARY KEY, rules_version INTEGER NOT NULL, "
    "published_at TEXT, demo INTEGER NOT NULL DEFAULT 0, tickers TEXT NOT NULL DEFAULT '') WITHOUT ROWID",
    "CREATE TABLE IF NOT EXISTS evidence_observations (article_id TEXT NOT NULL, instrument TEXT NOT NULL, "
    "span TEXT NOT NULL, rules_version INTEGER NOT NULL, tone TEXT NOT NULL DEFAULT '', published_at TEXT NOT NULL, "
    "base_date TEXT NOT NULL DEFAULT '', entry_date TEXT NOT NULL, exit_date TEXT NOT NULL, benchmark TEXT NOT NULL, "
    "return REAL NOT NULL, benchmark_return REAL NOT NULL, excess_return REAL NOT NULL, "
    "closes TEXT NOT NULL DEFAULT 'real', PRIMARY KEY (article_id, instrument, span)) WITHOUT ROWID",
)


def _drop(which: str) -> str:
    """The trigger body dropping the evidence of the article ``which`` (``OLD.id``)."""
    return " ".join(f"DELETE FROM {t} WHERE article_id = {which};" for t in TABLES)


TRIGGERS = (
    f"CREATE TRIGGER IF NOT EXISTS evidence_article_deleted AFTER DELETE ON articles BEGIN {_drop('OLD.id')} END",
    "CREATE TRIGGER IF NOT EXISTS evidence_article_changed AFTER UPDATE OF id, published_at, published_estimated, "
    "source ON articles WHEN OLD.id IS NOT NEW.id OR OLD.published_at IS NOT NEW.published_at OR "
    "OLD.published_estimated IS NOT NEW.published_estimated OR OLD.source IS NOT NEW.source BEGIN "
    f"{_drop('OLD.id')} END",
    "CREATE TRIGGER IF NOT EXISTS evidence_entity_deleted AFTER DELETE ON article_entities "
    f"BEGIN {_drop('OLD.article_id')} END",
    "CREATE TRIGGER IF NOT EXISTS evidence_entity_changed AFTER UPDATE OF article_id, ticker ON article_entities "
    f"BEGIN {_drop('OLD.article_id')} {_drop('NEW.article_id')} END",
)


def add_evidence(db: sqlite_utils.Database | sqlite3.Connection) -> None:
    """Migration 23: the evidence tables and the triggers that drop what a write makes stale. Nothing is
    measured here (the rules live outside the storage layer): readers measure every unmeasured article
    until ``newsdesk rebuild-evidence`` or the next upkeep (a price import, an ingest) stores it."""
    for sql in (*TABLE_SQL, *TRIGGERS):
        db.execute(sql)


# ------------------------------------------------------------------------------------------- writes

ARTICLE_COLUMNS = ("article_id", "rules_version", "published_at", "demo", "tickers")
OBSERVATION_COLUMNS = (
    "article_id", "instrument", "span", "rules_version", "tone", "published_at", "base_date", "entry_date",
    "exit_date", "benchmark", "return", "benchmark_return", "excess_return", "closes",
)  # fmt: skip


def forget(conn: sqlite3.Connection, article_ids: Sequence[str]) -> None:
    """Drop the evidence of ``article_ids`` (inside the caller's transaction)."""
    for i in range(0, len(article_ids), 500):  # stay under SQLite's bound-parameter limit
        chunk = list(article_ids[i : i + 500])
        for table in TABLES:  # constant names
            conn.execute(f"DELETE FROM {table} WHERE article_id IN ({marks(chunk)})", chunk)


def mark_stale(conn: sqlite3.Connection, tickers: Iterable[str] | None) -> None:
    """Mark the evidence of the articles naming any of ``tickers`` (None: every article) as of no rules
    version (0), inside the caller's transaction: readers and the upkeep treat it as not measured; its rows
    are replaced when it is measured again."""
    if tickers is None:
        conn.execute("UPDATE evidence_articles SET rules_version = 0")
        return
    wanted = sorted(set(tickers))
    for i in range(0, len(wanted), 500):
        chunk = wanted[i : i + 500]
        conn.execute(
            "UPDATE evidence_articles SET rules_version = 0 WHERE article_id IN "
            f"(SELECT article_id FROM article_entities WHERE ticker IN ({marks(chunk)}))",
            chunk,
        )


def forget_all(conn: sqlite3.Connection) -> None:
    """Drop every stored observation (inside the caller's transaction)."""
    for table in TABLES:  # constant names
        conn.execute(f"DELETE FROM {table}")


def store(conn: sqlite3.Connection, articles: Iterable[tuple[Any, ...]], rows: Iterable[tuple[Any, ...]]) -> None:
    """Insert (or replace) article rows (:data:`ARTICLE_COLUMNS`) and observation rows
    (:data:`OBSERVATION_COLUMNS`), inside the caller's transaction."""
    conn.executemany(
        f"INSERT OR REPLACE INTO evidence_articles ({', '.join(ARTICLE_COLUMNS)}) VALUES ({marks(ARTICLE_COLUMNS)})",
        articles,
    )
    conn.executemany(
        f"INSERT OR REPLACE INTO evidence_observations ({', '.join(OBSERVATION_COLUMNS)}) "
        f"VALUES ({marks(OBSERVATION_COLUMNS)})",
        rows,
    )


# --------------------------------------------------------------------------------- what the upkeep reads

ARTICLE_INPUT_COLUMNS = ("article_id", "published_at", "published_estimated", "sentiment_label", "sentiment",
                         "source", "ticker")  # fmt: skip


def unmeasured(conn: sqlite3.Connection, rules_version: int, newest: int | None = None) -> list[str]:
    """Ids of the articles that name a company and have no evidence of ``rules_version``, oldest first
    (then by id); ``newest``: only that many, the newest."""
    query = (
        "SELECT e.article_id, min(e.published_at) AS published FROM article_entities e "
        "LEFT JOIN evidence_articles m ON m.article_id = e.article_id "
        "WHERE m.article_id IS NULL OR m.rules_version != ? GROUP BY e.article_id"
    )
    if newest is None:
        return [r[0] for r in conn.execute(f"{query} ORDER BY published, e.article_id", [rules_version])]
    rows = conn.execute(
        f"SELECT article_id, published FROM ({query} ORDER BY published DESC, e.article_id DESC LIMIT ?) AS newest",
        [rules_version, max(0, newest)],
    ).fetchall()
    return [r[0] for r in sorted(rows, key=lambda r: (r[1] is not None, r[1] or "", r[0]))]


def naming(conn: sqlite3.Connection, tickers: Iterable[str] | None) -> set[str]:
    """Ids of the articles that name any of ``tickers`` (None: every article that names a company)."""
    if tickers is None:
        return {r[0] for r in conn.execute("SELECT DISTINCT article_id FROM article_entities")}
    wanted = sorted(set(tickers))
    out: set[str] = set()
    for i in range(0, len(wanted), 500):
        chunk = wanted[i : i + 500]
        sql = f"SELECT DISTINCT article_id FROM article_entities WHERE ticker IN ({marks(chunk)})"
        out.update(r[0] for r in conn.execute(sql, chunk))
    return out


def named_tickers(conn: sqlite3.Connection) -> list[str]:
    """Every ticker an article names, sorted."""
    return [r[0] for r in conn.execute("SELECT DISTINCT ticker FROM article_entities ORDER BY 1")]


def article_inputs(conn: sqlite3.Connection, article_ids: Sequence[str]) -> list[tuple[Any, ...]]:
    """One row per (article of ``article_ids``, company it names): :data:`ARTICLE_INPUT_COLUMNS`, by
    article and ticker."""
    out: list[tuple[Any, ...]] = []
    for i in range(0, len(article_ids), 500):
        chunk = list(article_ids[i : i + 500])
        out += conn.execute(
            "SELECT a.id, a.published_at, a.published_estimated, a.sentiment_label, a.sentiment, a.source, e.ticker "
            "FROM articles a JOIN article_entities e ON e.article_id = a.id "
            f"WHERE a.id IN ({marks(chunk)}) ORDER BY a.id, e.ticker",
            chunk,
        ).fetchall()
    return out


# ------------------------------------------------------------------------------------------- reads


def view_rows(conn: sqlite3.Connection, filters: Any) -> list[tuple[Any, ...]]:
    """The rows of :func:`newsdesk.db.read.prices.evidence_rows` as plain tuples (no frame: the evidence
    reads each row once): ``(article_id, published_at, published_estimated, sentiment_label, sentiment,
    ticker, category, source)``, one per (article, company it names, effective category), by publish
    time, article, ticker and category. The categories joined row by row, not materialised whole first
    (SQLite: half the CPU at 1M articles)."""
    from newsdesk.db.read.filters import where

    clause, params = where(filters, "a")
    return conn.execute(
        "SELECT DISTINCT a.id AS article_id, a.published_at, a.published_estimated, a.sentiment_label, "
        "a.sentiment, e.ticker, c.category, a.source FROM articles a JOIN article_entities e ON e.article_id = a.id "
        "LEFT JOIN article_categories c ON c.article_id = a.id AND c.effective = 1 "
        f"WHERE {clause} ORDER BY a.published_at, a.id, e.ticker, c.category",
        params,
    ).fetchall()


def view_articles(conn: sqlite3.Connection, filters: Any) -> list[tuple[Any, ...]]:
    """The stored evidence of the view's articles: ``(article_id, rules_version, published_at, demo,
    tickers)`` (:data:`ARTICLE_COLUMNS`)."""
    from newsdesk.db.read.filters import where

    clause, params = where(filters, "a")
    return conn.execute(
        f"SELECT {', '.join('m.' + c for c in ARTICLE_COLUMNS)} FROM evidence_articles m "
        f"JOIN articles a ON a.id = m.article_id WHERE {clause}",
        params,
    ).fetchall()


def view_observations(conn: sqlite3.Connection, filters: Any) -> list[tuple[Any, ...]]:
    """The stored observations of the view's articles: ``(article_id, instrument, span, benchmark,
    base_date, entry_date, exit_date, return, benchmark_return, closes)``."""
    from newsdesk.db.read.filters import where

    clause, params = where(filters, "a")
    return conn.execute(
        "SELECT o.article_id, o.instrument, o.span, o.benchmark, o.base_date, o.entry_date, o.exit_date, o.return, "
        "o.benchmark_return, o.closes FROM evidence_observations o JOIN articles a ON a.id = o.article_id "
        f"WHERE {clause}",
        params,
    ).fetchall()


def counts(conn: sqlite3.Connection) -> dict[str, int]:
    """Rows per evidence table."""
    return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}  # constant names
