"""The database file: connections, the schema and its migrations (``PRAGMA user_version``).

Every migration runs in its own ``BEGIN IMMEDIATE`` transaction; a database newer than this code is
refused. Migrations 6-11 add the derived tables of :mod:`newsdesk.db.aggregates`; 12 the daily closes;
14 the alert rules, events and deliveries; 15 analyst calls' columns; 16 market relevance; 17 rebuilds
the full-text index stemmed; 20 counts a batch's company mentions and daily totals per batch, not per
row, and drops three indexes no read uses.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

from newsdesk.db import aggregates, dialect, evidence, grades, stories, ticker_counts
from newsdesk.db.dedupe import title_key
from newsdesk.db.engine import Connection
from newsdesk.errors import SchemaError

if TYPE_CHECKING:
    import sqlite_utils  # imported by connect(): the read-only dashboard never loads it

# the handles a transaction runs on: the door's Connection, or sqlite-utils over it (the migrations)
DbT = TypeVar("DbT", Connection, "sqlite_utils.Database")

SCHEMA_VERSION = 23
BUSY_TIMEOUT_MS = 10_000
# the page cache of a writable connection (KiB; SQLite's default is 2,000): a batch of 300 500-word
# articles dirties ~4 MB of pages (rows, full text, the category and company indexes), and with the
# default cache SQLite spills dirty pages to the WAL in mid-transaction and reads index pages back
# (`bench storage`: the category rows 19 -> 8 ms). It only grows as pages are used.
WRITE_CACHE_KIB = 16 * 1024

ARTICLE_COLUMNS = {
    "id": str,
    "url": str,
    "title": str,
    "source": str,
    "published_at": str,
    "published_estimated": int,
    "ingested_at": str,
    "summary": str,
    "body": str,
    "sentiment": float,
    "sentiment_label": str,
    "subjectivity": float,
    "impact": float,
    "source_sentiment": float,
    "source_sentiment_label": str,
    "source_impact": float,
    "scorer_version": str,
    "content_hash": str,
}


def _migration_1(db: sqlite_utils.Database) -> None:
    """Create every table of the data model (README.md, "Schema") and its indexes."""
    db.table("articles").create(ARTICLE_COLUMNS, pk="id", not_null={"title", "source"})
    db.table("article_categories").create(
        {"article_id": str, "category": str, "relevance": float, "origin": str},
        pk=("article_id", "category", "origin"),
    )
    db.table("article_entities").create(
        {"article_id": str, "ticker": str, "name": str, "mentions": int, "relevance": float, "sentiment": float},
        pk=("article_id", "ticker"),
    )
    db.table("decisions").create(
        {
            "id": str,
            "article_id": str,
            "position": int,
            "text": str,
            "action": str,
            "direction": str,
            "instruments": str,
            "structure": str,
            "horizon_text": str,
            "horizon_min_days": int,
            "horizon_max_days": int,
            "conditions": str,
        },
        pk="id",
    )
    db.table("baskets").create({"id": str, "name": str, "description": str, "kind": str}, pk="id")
    db.table("basket_members").create(
        {"basket_id": str, "ticker": str, "name": str, "weight": float}, pk=("basket_id", "ticker")
    )
    db.table("decision_baskets").create(
        {"decision_id": str, "basket_id": str, "side": str}, pk=("decision_id", "basket_id", "side")
    )
    db.table("companies").create(
        {"ticker": str, "name": str, "aliases": str, "sector": str, "country": str, "exchange": str},
        pk="ticker",
    )
    db.table("daily_category_sentiment").create(
        {"day": str, "category": str, "n": int, "sentiment_sum": float, "impact_sum": float, "impact_n": int},
        pk=("day", "category"),
    )
    db.table("ingest_runs").create(
        {
            "id": int,
            "started_at": str,
            "finished_at": str,
            "source": str,
            "added": int,
            "duplicates": int,
            "rejected": int,
        },
        pk="id",
    )
    db.table("problems").create(
        {"id": int, "run_id": int, "source": str, "locator": str, "reason": str, "raw": str}, pk="id"
    )
    db.table("articles").create_index(["published_at"])
    db.table("articles").create_index(["content_hash"])
    db.table("article_categories").create_index(["category", "article_id"])
    db.table("article_entities").create_index(["ticker"])
    db.table("decisions").create_index(["article_id", "position"])
    db.table("problems").create_index(["run_id"])


def _migration_2(db: sqlite_utils.Database) -> None:
    """Explainable scores: the terms that drove the sentiment and the impact's components (JSON);
    indexes for entity and basket look-ups."""
    db.table("articles").add_column("sentiment_terms", str)
    db.table("articles").add_column("impact_components", str)
    db.table("articles").create_index(["scorer_version"])
    db.table("article_categories").add_column("effective", int, not_null_default=1)
    db.table("article_categories").create_index(["category", "effective", "article_id"])
    db.table("decision_baskets").create_index(["basket_id"])
    db.table("basket_members").create_index(["ticker"])


def _migration_3(db: sqlite_utils.Database) -> None:
    """Ingestion from real sources: a title key for 48-hour dedupe, every source that carried a
    story, and the HTTP validators of each fetched feed."""
    db.table("articles").add_column("title_key", str)
    for row in list(db.query("SELECT id, title FROM articles")):
        db.execute("UPDATE articles SET title_key = ? WHERE id = ?", [title_key(row["title"]), row["id"]])
    db.table("articles").create_index(["source", "title_key", "published_at"])
    db.table("article_sources").create(
        {"article_id": str, "source": str, "url": str, "seen_at": str}, pk=("article_id", "source", "url")
    )
    db.execute(
        "INSERT OR IGNORE INTO article_sources (article_id, source, url, seen_at) "
        "SELECT id, source, coalesce(url, ''), ingested_at FROM articles"
    )
    db.table("feed_state").create(
        {
            "url": str,
            "source": str,
            "etag": str,
            "last_modified": str,
            "last_fetched_at": str,
            "last_status": int,
            "last_error": str,
            "added_total": int,
        },
        pk="url",
    )


def _migration_4(db: sqlite_utils.Database) -> None:
    """Full-text search over title, summary and body (FTS5; rowid = articles.rowid), kept by the
    write paths rather than triggers."""
    db.execute("CREATE VIRTUAL TABLE articles_fts USING fts5(title, summary, body, tokenize = 'unicode61')")
    db.execute(
        "INSERT INTO articles_fts (rowid, title, summary, body) SELECT rowid, title, summary, body FROM articles"
    )


def _migration_5(db: sqlite_utils.Database) -> None:
    """Covering index for the date-filtered KPIs and label/impact filters (no table lookups)."""
    db.execute(
        "CREATE INDEX IF NOT EXISTS idx_articles_published_cover "
        "ON articles (published_at, sentiment, impact, sentiment_label)"
    )
    db.execute("CREATE INDEX IF NOT EXISTS idx_articles_source ON articles (source, published_at)")
    db.execute("CREATE INDEX IF NOT EXISTS idx_entities_ticker_article ON article_entities (ticker, article_id)")


def _migration_12(db: sqlite_utils.Database) -> None:
    """Daily closes for the scorecard (:mod:`newsdesk.db.prices`): one row per ticker and date, the
    adjusted close where the source gives one, and where it came from (a file, a URL, 'illustrative')."""
    db.execute(
        "CREATE TABLE IF NOT EXISTS prices (ticker TEXT NOT NULL, date TEXT NOT NULL, close REAL NOT NULL, "
        "source TEXT, PRIMARY KEY (ticker, date)) WITHOUT ROWID"
    )


def _migration_13(db: sqlite_utils.Database) -> None:
    """Real-world identity and dates: the input's own id of each story (a feed item's guid, so two
    items of one feed linking to one page stay two stories), an index for the cross-source title
    match, and derived tables that count only articles with a real date."""
    db.execute("ALTER TABLE articles ADD COLUMN guid TEXT")
    db.execute("CREATE INDEX IF NOT EXISTS idx_articles_title_key ON articles (title_key, published_at)")
    db.execute("UPDATE articles SET published_estimated = 0 WHERE published_estimated IS NULL")
    aggregates.count_real_dates_only(db)


def _migration_14(db: sqlite_utils.Database) -> None:
    """Alerts (:mod:`newsdesk.db.alerts`): ``alert_rules``, ``alert_events`` (UNIQUE rule, subject, kind) and
    ``alert_deliveries`` (one row per event and URL: status, attempts, last error), and an index on
    the articles' ingest time (a rule watches what arrived since it started)."""
    db.execute(
        "CREATE TABLE IF NOT EXISTS alert_rules (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, "
        "kind TEXT NOT NULL DEFAULT 'article', conditions TEXT NOT NULL DEFAULT '{}', "
        "notify TEXT NOT NULL DEFAULT '[]', paused INTEGER NOT NULL DEFAULT 0, created_at TEXT NOT NULL, "
        "starts_at TEXT NOT NULL DEFAULT '')"
    )
    db.execute(
        "CREATE TABLE IF NOT EXISTS alert_events (id INTEGER PRIMARY KEY, rule_id INTEGER NOT NULL, "
        "rule_name TEXT NOT NULL, kind TEXT NOT NULL, subject TEXT NOT NULL, title TEXT NOT NULL DEFAULT '', "
        "occurred_at TEXT, fired_at TEXT NOT NULL, link TEXT, article_id TEXT, decision_id TEXT, "
        "detail TEXT NOT NULL DEFAULT '{}', seen INTEGER NOT NULL DEFAULT 0, UNIQUE (rule_id, subject, kind))"
    )
    db.execute("CREATE INDEX IF NOT EXISTS idx_alert_events_fired ON alert_events (fired_at)")
    db.execute(
        "CREATE TABLE IF NOT EXISTS alert_deliveries (id INTEGER PRIMARY KEY, event_id INTEGER NOT NULL, "
        "url TEXT NOT NULL, status TEXT NOT NULL DEFAULT 'pending', attempts INTEGER NOT NULL DEFAULT 0, "
        "last_error TEXT, claim TEXT, updated_at TEXT, UNIQUE (event_id, url))"
    )
    db.execute("CREATE INDEX IF NOT EXISTS idx_alert_deliveries_status ON alert_deliveries (status)")
    db.execute("CREATE INDEX IF NOT EXISTS idx_articles_ingested ON articles (ingested_at)")


def _migration_15(db: sqlite_utils.Database) -> None:
    """Analyst calls: who made a decision (the broker of a rating headline), the rating it ends on and
    the one it left, the price targets, and where the decision came from (a bullet of the input or the
    headline read as a call: rescoring rebuilds only the bullets)."""
    existing = {c.name for c in db["decisions"].columns}
    for name, kind in (
        ("author", "TEXT"),
        ("rating", "TEXT"),
        ("rating_prev", "TEXT"),
        ("price_target", "REAL"),
        ("price_target_prev", "REAL"),
    ):
        if name not in existing:
            db.execute(f"ALTER TABLE decisions ADD COLUMN {name} {kind}")
    if "origin" not in existing:
        db.execute("ALTER TABLE decisions ADD COLUMN origin TEXT NOT NULL DEFAULT 'bullet'")
    db.execute("CREATE INDEX IF NOT EXISTS idx_decisions_author ON decisions (author)")


FTS_TOKENIZE = "porter unicode61 remove_diacritics 2"


def _migration_17(db: sqlite_utils.Database) -> None:
    """Stemmed full-text search: the FTS5 table rebuilt with the Porter stemmer over unicode61, so a
    word finds its other forms (tariff finds tariffs) and accents are folded (cafe finds café)."""
    db.execute("DROP TABLE IF EXISTS articles_fts")
    db.execute(f"CREATE VIRTUAL TABLE articles_fts USING fts5(title, summary, body, tokenize = '{FTS_TOKENIZE}')")
    db.execute(
        "INSERT INTO articles_fts (rowid, title, summary, body) SELECT rowid, title, summary, body FROM articles"
    )


def _migration_19(db: sqlite_utils.Database) -> None:
    """Stored decision grades (:mod:`newsdesk.db.grades`) and the empty category set's index."""
    grades.add_grades(db)
    aggregates.add_empty_set_index(db)


def _migration_20(db: sqlite_utils.Database) -> None:
    """Derived tables counted per batch by the writer, not per row by triggers: a batch's company
    mentions into ``ticker_counts`` with one upsert per ticker, its articles into ``daily_totals`` with
    one per day (:func:`newsdesk.db.aggregates.count_per_batch`); and the indexes no read uses dropped
    (:data:`newsdesk.db.aggregates.UNUSED_INDEXES`)."""
    aggregates.count_per_batch(db)
    for name in aggregates.UNUSED_INDEXES:  # constant names
        db.execute(f"DROP INDEX IF EXISTS {name}")


MIGRATIONS: dict[int, Callable[[sqlite_utils.Database], None]] = {
    1: _migration_1,
    2: _migration_2,
    3: _migration_3,
    4: _migration_4,
    5: _migration_5,
    6: aggregates.add_category_copies,
    7: aggregates.add_period_totals,
    8: aggregates.add_daily_totals,
    9: aggregates.add_category_set_totals,
    10: aggregates.add_time_copies,
    11: ticker_counts.add_ticker_counts,
    12: _migration_12,
    13: _migration_13,
    14: _migration_14,
    15: _migration_15,
    16: aggregates.add_market_relevance,
    17: _migration_17,
    18: stories.add_story_ids,
    19: _migration_19,
    20: _migration_20,
    21: stories.add_followers_index,
    22: aggregates.widen_published_cover,
    23: evidence.add_evidence,  # stored evidence observations (newsdesk.db.evidence)
}


def open(path: str | Path, readonly: bool = False) -> Connection:  # noqa: A001 - newsdesk.db.open
    """The one way to a database: read-only (it must exist; every read of the dashboard) or writable
    (created if needed, its schema brought up to :data:`SCHEMA_VERSION`). A ``postgresql://`` URL
    opens a database on a PostgreSQL server (:mod:`newsdesk.db.postgres`); anything else is a SQLite file."""
    if dialect.is_server_url(path):
        from newsdesk.db import postgres

        # a PgConnection answers what db/ asks of a Connection (execute, executemany, cursors, commit,
        # rollback, close), translating each statement: it stands in for one, hence the cast
        return cast(Connection, postgres.open(str(path), SCHEMA_VERSION, reference, readonly=readonly))
    return connect_readonly(path) if readonly else connect(path)


def reference() -> Connection:
    """An in-memory database at :data:`SCHEMA_VERSION` (every migration applied): the schema a
    PostgreSQL database is created from."""
    conn = sqlite3.connect(":memory:", factory=Connection)
    migrate(conn)
    return conn


def connect(path: str | Path) -> Connection:
    """Open (creating if needed) the database at ``path`` in WAL mode with a busy timeout, and
    bring its schema up to :data:`SCHEMA_VERSION`."""
    import sqlite_utils

    path = Path(path)
    if path.parent and not path.parent.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(
        str(path), timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False, factory=Connection
    )
    conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    conn.commits_writes = True  # as sqlite-utils' Database.execute: a write outside a transaction commits
    db = sqlite_utils.Database(conn.conn)  # once: recursive triggers on, sqlite-utils' plugins
    if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
        db.enable_wal()
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute(f"PRAGMA cache_size={-WRITE_CACHE_KIB}")
    migrate(conn)
    return conn


def connect_readonly(path: str | Path) -> Connection:
    """Open the database read-only (it must exist): the dashboard's connection for every read."""
    path = Path(path).resolve()
    if not path.exists():
        raise FileNotFoundError(path)
    conn = sqlite3.connect(
        f"{path.as_uri()}?mode=ro", uri=True, timeout=10, check_same_thread=False, factory=Connection
    )
    conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    return conn


@contextmanager
def bulk_cache(db: Connection | sqlite_utils.Database, kib: int = 256 * 1024) -> Iterator[None]:
    """A larger SQLite page cache (``kib``) while a bulk load inserts many rows into random places of
    its indexes, so the B-tree pages stay in memory; the connection's own size is restored after.
    The rows written are the same either way; on a PostgreSQL server this does nothing."""
    if getattr(db, "dialect", "sqlite") != "sqlite":
        yield
        return
    before = db.execute("PRAGMA cache_size").fetchone()[0]
    db.execute(f"PRAGMA cache_size={-int(kib)}")
    try:
        yield
    finally:
        db.execute(f"PRAGMA cache_size={int(before)}")


def checkpoint(db: Connection | sqlite_utils.Database) -> None:
    """Fold the write-ahead log into the database file (before the file is renamed or copied)."""
    if getattr(db, "dialect", "sqlite") != "sqlite":
        return
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def schema_version(db: Connection | sqlite_utils.Database) -> int:
    """The schema version stored in ``PRAGMA user_version`` (on a server: its ``newsdesk_schema`` table)."""
    if getattr(db, "dialect", "sqlite") != "sqlite":
        return int(cast(Any, db).schema_version())  # PgConnection.schema_version
    return int(db.execute("PRAGMA user_version").fetchone()[0])


def migrate(db: Connection) -> int:
    """Apply every migration newer than the database's version, each in its own transaction.

    Raises :class:`SchemaError` when the database is newer than this code.
    """
    current = schema_version(db)
    if current > SCHEMA_VERSION:
        raise SchemaError(
            f"the database has schema version {current}, newer than this newsdesk ({SCHEMA_VERSION}): "
            "upgrade newsdesk or use another --db"
        )
    for version in range(current + 1, SCHEMA_VERSION + 1):
        with transaction(db):
            MIGRATIONS[version](db.table_api())
            db.execute(f"PRAGMA user_version = {int(version)}")
    return schema_version(db)


@contextmanager
def transaction(db: DbT) -> Iterator[DbT]:
    """``BEGIN IMMEDIATE`` ... ``COMMIT``; rolls back on any exception."""
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        db.conn.rollback()
        raise
    db.conn.execute("COMMIT")


def inserted_id(cur: sqlite3.Cursor) -> int:
    """The rowid an ``INSERT`` just gave (sqlite3 types ``lastrowid`` as optional)."""
    if cur.lastrowid is None:
        raise SchemaError("an insert gave no row id: the table has no rowid")
    return cur.lastrowid
