"""The SQLite store: schema, migrations and writes, through sqlite-utils.

Every write of a batch happens in one ``BEGIN IMMEDIATE`` transaction, together with the
``daily_category_sentiment`` aggregate and the ``ingest_runs``/``problems`` bookkeeping, so a
crash leaves the database exactly as it was before the batch.
"""

from __future__ import annotations

import functools
import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlite_utils

from newsdesk import category_sets
from newsdesk.config import HIGH_IMPACT
from newsdesk.errors import SchemaError
from newsdesk.ingest.normalize import article_id, canonical_url, content_hash, iso_utc
from newsdesk.models import Article, Problem
from newsdesk.periods import start_sql

SCHEMA_VERSION = 11
BUSY_TIMEOUT_MS = 10_000

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
    """Create every table of the data model (DESIGN.md §2) and its indexes."""
    db["articles"].create(ARTICLE_COLUMNS, pk="id", not_null={"title", "source"})
    db["article_categories"].create(
        {"article_id": str, "category": str, "relevance": float, "origin": str},
        pk=("article_id", "category", "origin"),
    )
    db["article_entities"].create(
        {"article_id": str, "ticker": str, "name": str, "mentions": int, "relevance": float, "sentiment": float},
        pk=("article_id", "ticker"),
    )
    db["decisions"].create(
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
    db["baskets"].create({"id": str, "name": str, "description": str, "kind": str}, pk="id")
    db["basket_members"].create(
        {"basket_id": str, "ticker": str, "name": str, "weight": float}, pk=("basket_id", "ticker")
    )
    db["decision_baskets"].create(
        {"decision_id": str, "basket_id": str, "side": str}, pk=("decision_id", "basket_id", "side")
    )
    db["companies"].create(
        {"ticker": str, "name": str, "aliases": str, "sector": str, "country": str, "exchange": str},
        pk="ticker",
    )
    db["daily_category_sentiment"].create(
        {"day": str, "category": str, "n": int, "sentiment_sum": float, "impact_sum": float, "impact_n": int},
        pk=("day", "category"),
    )
    db["ingest_runs"].create(
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
    db["problems"].create({"id": int, "run_id": int, "source": str, "locator": str, "reason": str, "raw": str}, pk="id")
    db["articles"].create_index(["published_at"])
    db["articles"].create_index(["content_hash"])
    db["article_categories"].create_index(["category", "article_id"])
    db["article_entities"].create_index(["ticker"])
    db["decisions"].create_index(["article_id", "position"])
    db["problems"].create_index(["run_id"])


def _migration_2(db: sqlite_utils.Database) -> None:
    """Explainable scores: the terms that drove the sentiment and the impact's components (JSON);
    indexes for entity and basket look-ups."""
    db["articles"].add_column("sentiment_terms", str)
    db["articles"].add_column("impact_components", str)
    db["articles"].create_index(["scorer_version"])
    db["article_categories"].add_column("effective", int, not_null_default=1)
    db["article_categories"].create_index(["category", "effective", "article_id"])
    db["decision_baskets"].create_index(["basket_id"])
    db["basket_members"].create_index(["ticker"])


def _migration_3(db: sqlite_utils.Database) -> None:
    """Ingestion from real sources: a title key for 48-hour dedupe, every source that carried a
    story, and the HTTP validators of each fetched feed."""
    db["articles"].add_column("title_key", str)
    for row in list(db.query("SELECT id, title FROM articles")):
        db.execute("UPDATE articles SET title_key = ? WHERE id = ?", [title_key(row["title"]), row["id"]])
    db["articles"].create_index(["source", "title_key", "published_at"])
    db["article_sources"].create(
        {"article_id": str, "source": str, "url": str, "seen_at": str}, pk=("article_id", "source", "url")
    )
    db.execute(
        "INSERT OR IGNORE INTO article_sources (article_id, source, url, seen_at) "
        "SELECT id, source, coalesce(url, ''), ingested_at FROM articles"
    )
    db["feed_state"].create(
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


VIEW_COLUMNS = ("published_at", "sentiment", "impact", "sentiment_label")


def _migration_6(db: sqlite_utils.Database) -> None:
    """Copy each article's publish time and scores onto its category rows, kept in step by triggers,
    with one covering index: a topic x date view (KPIs, the newest 1,000) is read from that index
    alone instead of looking up every article of the topics."""
    for col, kind in zip(VIEW_COLUMNS, ("TEXT", "REAL", "REAL", "TEXT"), strict=True):
        db.execute(f"ALTER TABLE article_categories ADD COLUMN {col} {kind}")  # constant names
    cols = ", ".join(VIEW_COLUMNS)
    db.execute(f"UPDATE article_categories SET ({cols}) = (SELECT {cols} FROM articles WHERE articles.id = article_id)")
    db.execute(
        "CREATE INDEX idx_article_categories_view ON article_categories "
        "(category, effective, published_at, article_id, sentiment, impact, sentiment_label)"
    )
    db.execute(
        f"""CREATE TRIGGER article_categories_view_fill AFTER INSERT ON article_categories
        WHEN NEW.published_at IS NULL BEGIN
          UPDATE article_categories SET ({cols}) = (SELECT {cols} FROM articles WHERE articles.id = NEW.article_id)
          WHERE rowid = NEW.rowid;
        END"""
    )
    db.execute(
        f"""CREATE TRIGGER articles_view_sync AFTER UPDATE OF {cols} ON articles BEGIN
          UPDATE article_categories SET ({cols}) = (NEW.published_at, NEW.sentiment, NEW.impact, NEW.sentiment_label)
          WHERE article_id = NEW.id;
        END"""
    )


PERIOD_REFRESH_SQL = """
DELETE FROM period_category_sentiment WHERE category = {c} AND grain = '{grain}' AND period = {start};
INSERT INTO period_category_sentiment (grain, period, category, n, sentiment_sum, impact_sum, impact_n)
SELECT '{grain}', {start}, {c}, sum(n), sum(sentiment_sum), sum(impact_sum), sum(impact_n)
FROM daily_category_sentiment WHERE category = {c} AND day >= {start} AND day < date({start}, '{step}') AND n > 0
HAVING count(*) > 0;
"""


def _period_refresh(row: str) -> str:
    """Trigger statements that recompute the week and month rows holding ``row``'s day and category."""
    out = []
    for grain, step in (("week", "+7 days"), ("month", "+1 month")):
        start = start_sql(grain, f"{row}.day")
        out.append(PERIOD_REFRESH_SQL.format(c=f"{row}.category", grain=grain, start=start, step=step))
    return "".join(out)


PERIOD_RECOMPUTE_SQL = f"""
SELECT 'week' AS grain, {start_sql("week", "day")} AS period, category, sum(n) AS n,
       sum(sentiment_sum) AS sentiment_sum, sum(impact_sum) AS impact_sum, sum(impact_n) AS impact_n
FROM daily_category_sentiment WHERE n > 0 GROUP BY 2, category
UNION ALL
SELECT 'month', {start_sql("month", "day")}, category, sum(n), sum(sentiment_sum), sum(impact_sum), sum(impact_n)
FROM daily_category_sentiment WHERE n > 0 GROUP BY 2, category
"""


def _migration_7(db: sqlite_utils.Database) -> None:
    """Week and month totals per category, kept exact by triggers on the daily table: the chart of
    three years reads ~3,000 rows instead of ~20,000."""
    db.execute(
        "CREATE TABLE period_category_sentiment (grain TEXT NOT NULL, period TEXT NOT NULL, category TEXT NOT NULL, "
        "n INTEGER, sentiment_sum REAL, impact_sum REAL, impact_n INTEGER, PRIMARY KEY (grain, category, period)) "
        "WITHOUT ROWID"
    )
    db.execute("CREATE INDEX idx_period_category_sentiment_period ON period_category_sentiment (grain, period)")
    db.execute("CREATE INDEX IF NOT EXISTS idx_daily_category_day ON daily_category_sentiment (category, day)")
    db.execute(
        "INSERT INTO period_category_sentiment (grain, period, category, n, sentiment_sum, impact_sum, impact_n) "
        + PERIOD_RECOMPUTE_SQL
    )
    for name, event, refresh in (
        ("insert", "INSERT", _period_refresh("NEW")),
        ("update", "UPDATE OF n, sentiment_sum, impact_sum, impact_n", _period_refresh("NEW")),
        ("move", "UPDATE OF day, category", _period_refresh("OLD") + _period_refresh("NEW")),
        ("delete", "DELETE", _period_refresh("OLD")),
    ):
        db.execute(
            f"CREATE TRIGGER daily_category_sentiment_{name} AFTER {event} ON daily_category_sentiment "
            f"BEGIN {refresh} END"
        )


DAILY_TOTALS_SQL = f"""
SELECT substr(published_at, 1, 10) AS day, count(*) AS n, coalesce(sum(sentiment), 0.0) AS sentiment_sum,
       count(sentiment) AS sentiment_n, coalesce(sum(impact >= {HIGH_IMPACT}), 0) AS high_impact
FROM articles WHERE published_at IS NOT NULL GROUP BY 1
"""


def _totals_change(row: str, sign: str) -> str:
    """Trigger statement adding (``+``) or removing (``-``) one article row's share of its day."""
    return (
        "INSERT INTO daily_totals (day, n, sentiment_sum, sentiment_n, high_impact) "
        f"SELECT substr({row}.published_at, 1, 10), {sign}1, {sign}coalesce({row}.sentiment, 0.0), "
        f"{sign}({row}.sentiment IS NOT NULL), {sign}coalesce({row}.impact >= {HIGH_IMPACT}, 0) "
        f"WHERE {row}.published_at IS NOT NULL "
        "ON CONFLICT (day) DO UPDATE SET n = n + excluded.n, sentiment_sum = sentiment_sum + excluded.sentiment_sum, "
        "sentiment_n = sentiment_n + excluded.sentiment_n, high_impact = high_impact + excluded.high_impact;"
    )


def _migration_8(db: sqlite_utils.Database) -> None:
    """Per-day totals of all articles (count, sentiment sum, high-impact count), kept by triggers on
    ``articles``: the KPIs of a view filtered by dates only read a few hundred rows."""
    db.execute(
        "CREATE TABLE daily_totals (day TEXT PRIMARY KEY, n INTEGER NOT NULL, sentiment_sum REAL NOT NULL, "
        "sentiment_n INTEGER NOT NULL, high_impact INTEGER NOT NULL)"
    )
    db.execute("INSERT INTO daily_totals (day, n, sentiment_sum, sentiment_n, high_impact) " + DAILY_TOTALS_SQL)
    db.execute(f"CREATE TRIGGER articles_totals_insert AFTER INSERT ON articles BEGIN {_totals_change('NEW', '+')} END")
    db.execute(f"CREATE TRIGGER articles_totals_delete AFTER DELETE ON articles BEGIN {_totals_change('OLD', '-')} END")
    db.execute(
        "CREATE TRIGGER articles_totals_update AFTER UPDATE OF published_at, sentiment, impact ON articles "
        f"BEGIN {_totals_change('OLD', '-')} {_totals_change('NEW', '+')} END"
    )


def _migration_9(db: sqlite_utils.Database) -> None:
    """Totals per day and month keyed by each article's set of defining categories
    (:mod:`newsdesk.category_sets`): a topic view's KPIs, decision count and category and label
    counts become exact sums over a few thousand rows."""
    db.execute(category_sets.CREATE_SQL)
    category_sets.rebuild(db.conn)


TIME_COPIES = ("article_entities", "decisions")  # tables that carry their article's published_at (v10)


def _migration_10(db: sqlite_utils.Database) -> None:
    """Copy each article's publish time onto its company mentions and decisions, kept in step by
    triggers, with an index on each: a basket's recent sentiment reads only the mentions of its
    members in the window (no article look-ups), and the newest decisions are walked in time order."""
    for table in TIME_COPIES:  # constant names
        db.execute(f"ALTER TABLE {table} ADD COLUMN published_at TEXT")
        db.execute(
            f"UPDATE {table} SET published_at = (SELECT published_at FROM articles WHERE articles.id = article_id)"
        )
        db.execute(
            f"""CREATE TRIGGER {table}_time_fill AFTER INSERT ON {table} WHEN NEW.published_at IS NULL BEGIN
              UPDATE {table} SET published_at = (SELECT published_at FROM articles WHERE articles.id = NEW.article_id)
              WHERE rowid = NEW.rowid;
            END"""
        )
    db.execute(
        "CREATE INDEX idx_article_entities_time ON article_entities "
        "(ticker, published_at, article_id, relevance, sentiment)"
    )
    db.execute("CREATE INDEX idx_decisions_time ON decisions (published_at, article_id, position)")
    db.execute(
        """CREATE TRIGGER articles_time_sync AFTER UPDATE OF published_at ON articles BEGIN
          UPDATE article_entities SET published_at = NEW.published_at WHERE article_id = NEW.id;
          UPDATE decisions SET published_at = NEW.published_at WHERE article_id = NEW.id;
        END"""
    )


TICKER_COUNTS_SQL = "SELECT ticker, count(*) AS n FROM article_entities GROUP BY ticker"


def _migration_11(db: sqlite_utils.Database) -> None:
    """How many articles name each ticker, kept by triggers on ``article_entities``: the company
    filter's options read a few hundred rows instead of counting every mention."""
    db.execute("CREATE TABLE ticker_counts (ticker TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID")
    db.execute(f"INSERT INTO ticker_counts (ticker, n) {TICKER_COUNTS_SQL}")
    add = "INSERT INTO ticker_counts (ticker, n) VALUES (NEW.ticker, 1) ON CONFLICT (ticker) DO UPDATE SET n = n + 1;"
    drop = "UPDATE ticker_counts SET n = n - 1 WHERE ticker = OLD.ticker; DELETE FROM ticker_counts WHERE n <= 0;"
    db.execute(f"CREATE TRIGGER article_entities_count_insert AFTER INSERT ON article_entities BEGIN {add} END")
    db.execute(f"CREATE TRIGGER article_entities_count_delete AFTER DELETE ON article_entities BEGIN {drop} END")
    db.execute(
        f"CREATE TRIGGER article_entities_count_move AFTER UPDATE OF ticker ON article_entities BEGIN {drop} {add} END"
    )


MIGRATIONS: dict[int, Callable[[sqlite_utils.Database], None]] = {
    1: _migration_1,
    2: _migration_2,
    3: _migration_3,
    4: _migration_4,
    5: _migration_5,
    6: _migration_6,
    7: _migration_7,
    8: _migration_8,
    9: _migration_9,
    10: _migration_10,
    11: _migration_11,
}


def connect(path: str | Path) -> sqlite_utils.Database:
    """Open (creating if needed) the database at ``path`` in WAL mode with a busy timeout, and
    bring its schema up to :data:`SCHEMA_VERSION`."""
    path = Path(path)
    if path.parent and not path.parent.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
    conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    db = sqlite_utils.Database(conn)
    if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
        db.enable_wal()
    db.execute("PRAGMA synchronous=NORMAL")
    migrate(db)
    return db


def schema_version(db: sqlite_utils.Database) -> int:
    """The schema version stored in ``PRAGMA user_version``."""
    return db.execute("PRAGMA user_version").fetchone()[0]


def migrate(db: sqlite_utils.Database) -> int:
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
            MIGRATIONS[version](db)
            db.execute(f"PRAGMA user_version = {int(version)}")
    return schema_version(db)


@contextmanager
def transaction(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """``BEGIN IMMEDIATE`` ... ``COMMIT``; rolls back on any exception."""
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        db.conn.rollback()
        raise
    db.conn.execute("COMMIT")


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


def assign_identity(article: Article, ingested_at: str) -> Article:
    """Give ``article`` its canonical URL (only http(s); tracking parameters dropped), its stable id
    and, when it has no date, the ingest time (flagged)."""
    article.url = canonical_url(article.url)
    article.id = article.id or article_id(article.url, article.source, article.title, article.published_at)
    if not article.published_at:
        article.published_at = ingested_at
        article.published_estimated = True
    return article


def write_batch(
    db: sqlite_utils.Database,
    articles: Iterable[Article],
    problems: Iterable[Problem],
    source: str,
) -> RunResult:
    """Store one batch of scored articles and its problems in a single transaction.

    A duplicate — same id (canonical URL), same source and normalised title within 48 hours, or the
    same text — is not added: the stored story keeps one row, the duplicate's source and URL are
    recorded in ``article_sources``, and when the duplicate is the richer record its text and scores
    replace the stored ones. Returns the run's counts.
    """
    started = now_iso()
    problems = list(problems)
    with transaction(db):
        run_id = (
            db["ingest_runs"]
            .insert({"started_at": started, "source": source, "added": 0, "duplicates": 0, "rejected": 0})
            .last_pk
        )
        result = RunResult(run_id=run_id, problems=problems)
        pending = _Pending()
        for article in articles:
            assign_identity(article, started)
            chash = content_hash(article.title, article.summary, article.body)
            in_batch = pending.find(article, chash)
            if in_batch is not None:  # a duplicate of an article earlier in this batch
                result.duplicates += 1
                pending.sources.append((in_batch, article.source, article.url or "", started))
                pending.replace_if_richer(in_batch, article, chash)
                continue
            existing = find_duplicate(db, article, chash)
            if existing is None:
                pending.add(article, chash)
                result.added += 1
                result.added_ids.append(article.id)
                continue
            result.duplicates += 1
            _record_source(db, existing, article, started)
            old = load_article(db, existing)
            if richness(article) > richness(old):
                article.id = existing
                _replace_article(db, old, article, chash)
        _bulk_insert(db, pending, started)
        if problems:
            db["problems"].insert_all(
                {"run_id": run_id, "source": p.source, "locator": p.locator, "reason": p.reason, "raw": p.raw}
                for p in problems
            )
        result.rejected = len(problems)
        db["ingest_runs"].update(
            run_id,
            {
                "finished_at": now_iso(),
                "added": result.added,
                "duplicates": result.duplicates,
                "rejected": result.rejected,
            },
        )
    return result


DEDUPE_HOURS = 48
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
)


class _Pending:
    """Articles of a batch waiting for one bulk insert, with the keys that find in-batch duplicates."""

    def __init__(self) -> None:
        self.items: dict[str, tuple[Article, str]] = {}
        self.by_hash: dict[str, str] = {}
        self.by_title: dict[tuple[str, str], list[tuple[str, str]]] = {}
        self.sources: list[tuple[str, str, str, str]] = []

    def add(self, a: Article, chash: str) -> None:
        self.items[a.id] = (a, chash)
        self.by_hash.setdefault(chash, a.id)
        self.by_title.setdefault((a.source, title_key(a.title)), []).append((a.published_at or "", a.id))

    def find(self, a: Article, chash: str) -> str | None:
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

    def replace_if_richer(self, pending_id: str, a: Article, chash: str) -> None:
        old, _ = self.items[pending_id]
        if richness(a) > richness(old):
            a.id = pending_id
            self.items[pending_id] = (a, chash)


def _bulk_insert(db: sqlite_utils.Database, pending: _Pending, ingested_at: str) -> None:
    """Insert a batch's new articles and all their rows with one ``executemany`` per table, and add
    them to the daily aggregate (call inside :func:`transaction`)."""
    if not pending.items and not pending.sources:
        return
    conn = db.conn
    articles = [a for a, _ in pending.items.values()]
    cols = ", ".join((*ARTICLE_INSERT_COLUMNS, "ingested_at"))
    marks = ", ".join("?" for _ in range(len(ARTICLE_INSERT_COLUMNS) + 1))
    conn.executemany(
        f"INSERT INTO articles ({cols}) VALUES ({marks})",
        [
            (*map(row.__getitem__, ARTICLE_INSERT_COLUMNS), ingested_at)
            for row in (_article_row(a, chash) for a, chash in pending.items.values())
        ],
    )
    ids = [a.id for a in articles]
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        conn.execute(
            "INSERT INTO articles_fts (rowid, title, summary, body) SELECT rowid, title, summary, body "
            f"FROM articles WHERE id IN ({', '.join('?' for _ in chunk)})",
            chunk,
        )
    cats, ents, decs, links = [], [], [], []
    for a in articles:
        origin = effective_category_origin(a)
        seen = set()
        for c in a.categories:
            if (c.category, c.origin) not in seen:
                seen.add((c.category, c.origin))
                cats.append(
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
                    )
                )
        ents.extend((a.id, e.ticker, e.name, e.mentions, e.relevance, e.sentiment, a.published_at) for e in a.entities)
        decs.extend(
            (
                f"{a.id}-{d.position}",
                a.id,
                d.position,
                d.text,
                d.action,
                d.direction,
                json.dumps(d.instruments) if d.instruments else None,
                d.structure,
                d.horizon_text,
                d.horizon_min_days,
                d.horizon_max_days,
                d.conditions,
                a.published_at,
            )
            for d in a.decisions
        )
        links.extend((x["decision_id"], x["basket_id"], x["side"]) for x in decision_basket_links(a))
    conn.executemany(
        "INSERT INTO article_categories (article_id, category, relevance, origin, effective, published_at, "
        "sentiment, impact, sentiment_label) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        cats,
    )
    conn.executemany(
        "INSERT OR IGNORE INTO article_entities (article_id, ticker, name, mentions, relevance, sentiment, "
        "published_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        ents,
    )
    conn.executemany(
        "INSERT INTO decisions (id, article_id, position, text, action, direction, instruments, structure, "
        "horizon_text, horizon_min_days, horizon_max_days, conditions, published_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        decs,
    )
    conn.executemany("INSERT OR IGNORE INTO decision_baskets (decision_id, basket_id, side) VALUES (?, ?, ?)", links)
    conn.executemany(
        "INSERT OR IGNORE INTO article_sources (article_id, source, url, seen_at) VALUES (?, ?, ?, ?)",
        [(a.id, a.source, a.url or "", ingested_at) for a in articles] + pending.sources,
    )
    daily: dict[tuple[str, str], list[float]] = {}
    sets = category_sets.SetTotals()
    for a in articles:  # one pass: each article's categories feed both aggregates
        cats = effective_categories(a)
        sets.add(a.published_at, cats, a.sentiment, a.impact, a.sentiment_label, len(a.decisions))
        if not a.published_at or a.sentiment is None:
            continue
        for category in cats:
            acc = daily.setdefault((a.published_at[:10], category), [0, 0.0, 0.0, 0])
            acc[0] += 1
            acc[1] += a.sentiment
            acc[2] += a.impact if a.impact is not None else 0.0
            acc[3] += a.impact is not None
    conn.executemany(
        "INSERT INTO daily_category_sentiment (day, category, n, sentiment_sum, impact_sum, impact_n) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (day, category) DO UPDATE SET n = n + excluded.n, "
        "sentiment_sum = sentiment_sum + excluded.sentiment_sum, impact_sum = impact_sum + excluded.impact_sum, "
        "impact_n = impact_n + excluded.impact_n",
        [(d, c, *v) for (d, c), v in daily.items()],
    )
    sets.write(conn)


def find_duplicate(db: sqlite_utils.Database, a: Article, chash: str) -> str | None:
    """The id of the stored article ``a`` duplicates, or None."""
    row = db.execute("SELECT id FROM articles WHERE id = ?", [a.id]).fetchone()
    if row:
        return row[0]
    if a.published_at:
        lo, hi = shift_hours(a.published_at, -DEDUPE_HOURS), shift_hours(a.published_at, DEDUPE_HOURS)
        row = db.execute(
            "SELECT id FROM articles WHERE source = ? AND title_key = ? AND published_at BETWEEN ? AND ? LIMIT 1",
            [a.source, title_key(a.title), lo, hi],
        ).fetchone()
        if row:
            return row[0]
    row = db.execute("SELECT id FROM articles WHERE content_hash = ? LIMIT 1", [chash]).fetchone()
    return row[0] if row else None


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


def _record_source(db: sqlite_utils.Database, article_id: str, a: Article, seen_at: str) -> None:
    db["article_sources"].insert(
        {"article_id": article_id, "source": a.source, "url": a.url or "", "seen_at": seen_at}, ignore=True
    )


def _article_row(a: Article, chash: str) -> dict:
    return {
        "id": a.id,
        "url": a.url,
        "title": a.title,
        "source": a.source,
        "published_at": a.published_at,
        "published_estimated": int(a.published_estimated),
        "summary": a.summary,
        "body": a.body,
        "sentiment": a.sentiment,
        "sentiment_label": a.sentiment_label,
        "subjectivity": a.subjectivity,
        "impact": a.impact,
        "source_sentiment": a.source_sentiment,
        "source_sentiment_label": a.source_sentiment_label,
        "source_impact": a.source_impact,
        "scorer_version": a.scorer_version,
        "content_hash": chash,
        "title_key": title_key(a.title),
        "sentiment_terms": json.dumps(a.sentiment_terms) if a.sentiment_terms else None,
        "impact_components": json.dumps(a.impact_components) if a.impact_components else None,
    }


def _insert_article(db: sqlite_utils.Database, a: Article, chash: str, ingested_at: str) -> None:
    rowid = db["articles"].insert({**_article_row(a, chash), "ingested_at": ingested_at}).last_rowid
    db.execute(
        "INSERT INTO articles_fts (rowid, title, summary, body) VALUES (?, ?, ?, ?)",
        [rowid, a.title, a.summary, a.body],
    )
    _insert_children(db, a)
    _add_to_daily(db, a, sign=1)


def _replace_article(db: sqlite_utils.Database, old: Article, new: Article, chash: str | None = None) -> None:
    """Replace a stored article's row (all of it when ``chash`` is given, else only the scores) and
    its categories, companies, decisions and basket links; keep the daily aggregate exact."""
    _add_to_daily(db, old, sign=-1)
    if chash is None:
        row = {k: v for k, v in _article_row(new, "").items() if k in SCORE_COLUMNS}
    else:
        row = _article_row(new, chash)
        rowid = db.execute("SELECT rowid FROM articles WHERE id = ?", [new.id]).fetchone()[0]
        db.execute("DELETE FROM articles_fts WHERE rowid = ?", [rowid])
        db.execute(
            "INSERT INTO articles_fts (rowid, title, summary, body) VALUES (?, ?, ?, ?)",
            [rowid, new.title, new.summary, new.body],
        )
    db["articles"].update(new.id, row)
    _delete_children(db, new.id)
    _insert_children(db, new)
    _add_to_daily(db, new, sign=1)
    db.execute("DELETE FROM daily_category_sentiment WHERE n = 0")


SCORE_COLUMNS = {
    "sentiment",
    "sentiment_label",
    "subjectivity",
    "impact",
    "scorer_version",
    "sentiment_terms",
    "impact_components",
}


def _delete_children(db: sqlite_utils.Database, article_id: str) -> None:
    db.execute(
        "DELETE FROM decision_baskets WHERE decision_id IN (SELECT id FROM decisions WHERE article_id = ?)",
        [article_id],
    )
    for table in ("decisions", "article_categories", "article_entities"):
        db.execute(f"DELETE FROM {table} WHERE article_id = ?", [article_id])  # table names are constants


def _insert_children(db: sqlite_utils.Database, a: Article) -> None:
    cats: dict[tuple[str, str], dict] = {}
    effective_origin = effective_category_origin(a)
    for c in a.categories:
        cats.setdefault(
            (c.category, c.origin),
            {
                "article_id": a.id,
                "category": c.category,
                "relevance": c.relevance,
                "origin": c.origin,
                "effective": int(c.origin == effective_origin),
                "published_at": a.published_at,
                "sentiment": a.sentiment,
                "impact": a.impact,
                "sentiment_label": a.sentiment_label,
            },
        )
    if cats:
        db["article_categories"].insert_all(cats.values())
    if a.entities:
        db["article_entities"].insert_all(
            (
                {
                    "article_id": a.id,
                    "ticker": e.ticker,
                    "name": e.name,
                    "mentions": e.mentions,
                    "relevance": e.relevance,
                    "sentiment": e.sentiment,
                    "published_at": a.published_at,
                }
                for e in a.entities
            ),
            ignore=True,
        )
    if a.decisions:
        db["decisions"].insert_all(
            {
                "id": f"{a.id}-{d.position}",
                "article_id": a.id,
                "position": d.position,
                "text": d.text,
                "action": d.action,
                "direction": d.direction,
                "instruments": json.dumps(d.instruments) if d.instruments else None,
                "structure": d.structure,
                "horizon_text": d.horizon_text,
                "horizon_min_days": d.horizon_min_days,
                "horizon_max_days": d.horizon_max_days,
                "conditions": d.conditions,
                "published_at": a.published_at,
            }
            for d in a.decisions
        )
        links = decision_basket_links(a)
        if links:
            db["decision_baskets"].insert_all(links, ignore=True)


def decision_basket_links(a: Article) -> list[dict]:
    """``decision_baskets`` rows: every basket leg of every decision, with its side."""
    return [
        {"decision_id": f"{a.id}-{d.position}", "basket_id": leg["basket"], "side": leg["side"]}
        for d in a.decisions
        for leg in d.instruments
        if leg.get("basket")
    ]


def effective_category_origin(a: Article) -> str:
    """Which categories define the article: the source's when it gave any, else newsdesk's."""
    return "source" if any(c.origin == "source" for c in a.categories) else "scored"


def effective_categories(a: Article) -> list[str]:
    """The article's defining categories (see :func:`effective_category_origin`), deduplicated."""
    origin = effective_category_origin(a)
    return sorted({c.category for c in a.categories if c.origin == origin})


def _add_to_daily(db: sqlite_utils.Database, a: Article, sign: int) -> None:
    """Add (sign=1) or remove (sign=-1) one article's contribution to the daily aggregate and to
    the category-set totals."""
    sets = category_sets.SetTotals()
    sets.add(a.published_at, effective_categories(a), a.sentiment, a.impact, a.sentiment_label, len(a.decisions), sign)
    sets.write(db.conn)
    if not a.published_at or a.sentiment is None:
        return
    day = a.published_at[:10]
    impact = a.impact if a.impact is not None else 0.0
    impact_n = 1 if a.impact is not None else 0
    for category in effective_categories(a):
        db.execute(
            """
            INSERT INTO daily_category_sentiment (day, category, n, sentiment_sum, impact_sum, impact_n)
            VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (day, category) DO UPDATE SET
              n = n + excluded.n,
              sentiment_sum = sentiment_sum + excluded.sentiment_sum,
              impact_sum = impact_sum + excluded.impact_sum,
              impact_n = impact_n + excluded.impact_n
            """,
            [day, category, sign, sign * a.sentiment, sign * impact, sign * impact_n],
        )


DAILY_RECOMPUTE_SQL = """
SELECT substr(a.published_at, 1, 10) AS day, c.category AS category, count(*) AS n,
       sum(a.sentiment) AS sentiment_sum, coalesce(sum(a.impact), 0.0) AS impact_sum,
       count(a.impact) AS impact_n
FROM articles a
JOIN (SELECT DISTINCT article_id, category FROM article_categories WHERE effective = 1) c ON c.article_id = a.id
WHERE a.published_at IS NOT NULL AND a.sentiment IS NOT NULL
GROUP BY day, c.category
"""


def rebuild_daily(db: sqlite_utils.Database) -> int:
    """Recompute ``daily_category_sentiment`` (and the category-set totals) from ``articles`` in one
    transaction; return the daily table's rows."""
    with transaction(db):
        db.execute("DELETE FROM daily_category_sentiment")
        db.execute(
            "INSERT INTO daily_category_sentiment (day, category, n, sentiment_sum, impact_sum, impact_n) "
            + DAILY_RECOMPUTE_SQL
        )
        category_sets.rebuild(db.conn)
    return db["daily_category_sentiment"].count


def record_failure(db: sqlite_utils.Database, source: str, reason: str) -> int:
    """Record an input that could not be read at all as a run with one problem; return the run id."""
    with transaction(db):
        started = now_iso()
        run_id = (
            db["ingest_runs"]
            .insert(
                {
                    "started_at": started,
                    "finished_at": started,
                    "source": source,
                    "added": 0,
                    "duplicates": 0,
                    "rejected": 1,
                }
            )
            .last_pk
        )
        db["problems"].insert({"run_id": run_id, "source": source, "locator": source, "reason": reason, "raw": None})
    return run_id


def sync_reference(db: sqlite_utils.Database, companies, baskets) -> None:
    """Load the shipped companies and baskets into their tables (upsert, one transaction).

    Baskets of another ``kind`` than the file's (custom baskets made in the dashboard) are left alone.
    """
    with transaction(db):
        db["companies"].upsert_all(
            (
                {
                    "ticker": c.ticker,
                    "name": c.name,
                    "aliases": "|".join(c.aliases),
                    "sector": c.sector,
                    "country": c.country,
                    "exchange": c.exchange,
                }
                for c in companies
            ),
            pk="ticker",
        )
        names = {c.ticker: c.name for c in companies}
        for b in baskets:
            db["baskets"].upsert({"id": b.id, "name": b.name, "description": b.description, "kind": b.kind}, pk="id")
            db.execute("DELETE FROM basket_members WHERE basket_id = ?", [b.id])
            db["basket_members"].insert_all(
                {"basket_id": b.id, "ticker": t, "name": names.get(t, t), "weight": w} for t, w in b.members.items()
            )


def reference_loaded(db: sqlite_utils.Database, companies, baskets) -> bool:
    """True when the companies and baskets tables already hold the shipped reference data."""
    n_companies = db.execute("SELECT count(*) FROM companies").fetchone()[0]
    n_baskets = db.execute("SELECT count(*) FROM baskets WHERE kind = 'sector'").fetchone()[0]
    return n_companies == len(companies) and n_baskets == sum(b.kind == "sector" for b in baskets)


def load_article(db: sqlite_utils.Database, article_id: str) -> Article:
    """Rebuild a stored article (with its source categories and decision texts) for rescoring."""
    from newsdesk.models import CategoryTag, Decision

    row = db["articles"].get(article_id)
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
    )
    a.categories = [
        CategoryTag(r["category"], r["relevance"], r["origin"])
        for r in db.query(
            "SELECT category, relevance, origin FROM article_categories WHERE article_id = ? ORDER BY rowid",
            [article_id],
        )
    ]
    a.decisions = [
        Decision(r["position"], r["text"])
        for r in db.query("SELECT position, text FROM decisions WHERE article_id = ? ORDER BY position", [article_id])
    ]
    return a


def replace_scores(db: sqlite_utils.Database, old: Article, new: Article) -> None:
    """Swap an article's scores for ``new``'s (rescoring): score columns, categories, companies,
    decision fields and basket links, and the daily aggregate. Call inside :func:`transaction`."""
    _replace_article(db, old, new)
