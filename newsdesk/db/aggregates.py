"""Every derived table and its upkeep, in one place.

The dashboard never scans ``articles`` for a chart or a KPI: it reads tables derived from it, kept
exact in the same transaction as every write (see ARCHITECTURE.md, "Derived tables").

==============================  ==========================================  =========================
table / columns                 holds                                       kept by
==============================  ==========================================  =========================
``daily_category_sentiment``    per day and defining category: n, sums      :class:`BatchTotals`
``period_category_sentiment``   the same per week and month (v7)            triggers on the daily table
``daily_totals``                per day, all articles: n, sums (v8)         each batch (v20), triggers
``category_set_totals``         per day/month and *set* of categories (v9)  :class:`BatchTotals`
``ticker_counts``               articles naming each ticker (v11)           each batch (v20), triggers
``article_categories`` copies   publish time, scores, label (v6)            triggers on ``articles``
``article_entities``/decisions  publish time (v10)                          triggers on ``articles``
==============================  ==========================================  =========================

Each table has its recomputation from the base tables here (``*_RECOMPUTE_SQL``, ...);
:func:`recompute` rebuilds the tables newsdesk writes itself (``rebuild-daily``), and the tests compare
every table with its recomputation. From schema 20 ``ticker_counts`` and ``daily_totals`` count a batch's
inserts in the writer (:func:`count_mentions`, :func:`count_new_articles`) and a row's deletes and
updates in their triggers (outside SQL's too; an outside insert waits for ``rebuild-daily``).

Category sets: an article with the categories {Energy, Rates} adds to one row whose ``cats`` is
``"\\x1fEnergy\\x1fRates\\x1f"``. A topic view ("any of these topics") is then an exact sum over the
rows whose set meets the topics, with no article counted twice however many of the topics it has.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from newsdesk.config import HIGH_IMPACT
from newsdesk.db.periods import start_sql
from newsdesk.db.ticker_counts import (
    COUNT_TRIGGERS,
    TICKER_COUNTS_SQL,
    count_triggers_v20,
    recount_tickers,
)
from newsdesk.domain.models import Article
from newsdesk.score.labels import LABELS

if TYPE_CHECKING:
    import sqlite_utils

# ------------------------------------------------------------------ which categories count


def effective_category_origin(a: Article) -> str:
    """Which categories define the article: the source's when it gave any, else newsdesk's."""
    return "source" if any(c.origin == "source" for c in a.categories) else "scored"


def effective_categories(a: Article) -> list[str]:
    """The article's defining categories (see :func:`effective_category_origin`), deduplicated."""
    origin = effective_category_origin(a)
    return sorted({c.category for c in a.categories if c.origin == origin})


# ------------------------------------------------------------------ daily_category_sentiment

DAILY_COLUMNS = ("day", "category", "n", "sentiment_sum", "impact_sum", "impact_n")
DAILY_UPSERT_SQL = (
    "INSERT INTO daily_category_sentiment (day, category, n, sentiment_sum, impact_sum, impact_n) "
    "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (day, category) DO UPDATE SET n = n + excluded.n, "
    "sentiment_sum = sentiment_sum + excluded.sentiment_sum, impact_sum = impact_sum + excluded.impact_sum, "
    "impact_n = impact_n + excluded.impact_n"
)
_DAILY_RECOMPUTE = """
SELECT substr(a.published_at, 1, 10) AS day, c.category AS category, count(*) AS n,
       sum(a.sentiment) AS sentiment_sum, coalesce(sum(a.impact), 0.0) AS impact_sum,
       count(a.impact) AS impact_n
FROM articles a
JOIN (SELECT DISTINCT article_id, category FROM article_categories WHERE effective = 1) c ON c.article_id = a.id
WHERE a.published_at IS NOT NULL AND a.published_estimated = 0 AND a.sentiment IS NOT NULL{market}
GROUP BY day, c.category
"""
MARKET_ONLY = " AND a.market_relevant = 1"  # the derived tables count market news only (v14)
DAILY_RECOMPUTE_SQL = _DAILY_RECOMPUTE.format(market=MARKET_ONLY)

# ------------------------------------------------------------------ category_set_totals (v9)

SEP = "\x1f"  # unit separator: never inside a category name (names are cleaned on input)
SET_GRAINS = ("day", "month")
LABEL_COLUMNS = tuple(label.replace("-", "_") for label in LABELS)
VALUE_COLUMNS = ("n", "sentiment_sum", "sentiment_n", "high_impact", "decisions", *LABEL_COLUMNS)
SET_COLUMNS = ("grain", "period", "cats", *VALUE_COLUMNS)

SET_CREATE_SQL = (
    "CREATE TABLE category_set_totals (grain TEXT NOT NULL, period TEXT NOT NULL, cats TEXT NOT NULL, "
    "n INTEGER NOT NULL, sentiment_sum REAL NOT NULL, sentiment_n INTEGER NOT NULL, high_impact INTEGER NOT NULL, "
    "decisions INTEGER NOT NULL, "
    + ", ".join(f"{col} INTEGER NOT NULL" for col in LABEL_COLUMNS)
    + ", PRIMARY KEY (grain, period, cats)) WITHOUT ROWID"
)
_LABEL_COUNTS = ", ".join(
    f"count(CASE WHEN sentiment_label = '{label}' THEN 1 END) AS {col}"
    for label, col in zip(LABELS, LABEL_COLUMNS, strict=True)
)
_SET_VALUES = (
    "count(*) AS n, coalesce(sum(sentiment), 0.0) AS sentiment_sum, count(sentiment) AS sentiment_n, "
    f"count(CASE WHEN impact >= {HIGH_IMPACT} THEN 1 END) AS high_impact, coalesce(sum(k), 0) AS decisions, "
    f"{_LABEL_COUNTS}"
)
_SET_RECOMPUTE = f"""
WITH s AS (
  SELECT article_id, char(31) || group_concat(category, char(31)) || char(31) AS cats
  FROM (SELECT DISTINCT article_id, category FROM article_categories WHERE effective = 1 ORDER BY article_id, category)
  GROUP BY article_id
), d AS (SELECT article_id, count(*) AS k FROM decisions GROUP BY article_id),
x AS (
  SELECT substr(a.published_at, 1, 10) AS day, coalesce(s.cats, '') AS cats, a.sentiment, a.impact,
         a.sentiment_label, d.k
  FROM articles a LEFT JOIN s ON s.article_id = a.id LEFT JOIN d ON d.article_id = a.id
  WHERE a.published_at IS NOT NULL AND a.published_estimated = 0{{market}}
)
SELECT 'day' AS grain, day AS period, cats, {_SET_VALUES} FROM x GROUP BY day, cats
UNION ALL
SELECT 'month', substr(day, 1, 7) || '-01', cats, {_SET_VALUES} FROM x GROUP BY 2, cats
"""
SET_RECOMPUTE_SQL = _SET_RECOMPUTE.format(market=MARKET_ONLY)
SET_UPSERT_SQL = (
    f"INSERT INTO category_set_totals ({', '.join(SET_COLUMNS)}) VALUES ({', '.join('?' for _ in SET_COLUMNS)}) "
    f"ON CONFLICT (grain, period, cats) DO UPDATE SET "
    + ", ".join(f"{col} = {col} + excluded.{col}" for col in VALUE_COLUMNS)
)


def set_key(categories: Iterable[str]) -> str:
    """The ``cats`` key of a set of categories: sorted, each between separators ('' for none)."""
    names = sorted(set(categories))
    return SEP + SEP.join(names) + SEP if names else ""


def needle(category: str) -> str:
    """What ``instr(cats, ?)`` looks for to find the sets holding ``category``."""
    return SEP + category + SEP


def split_key(cats: str) -> list[str]:
    """The categories of a ``cats`` key."""
    return [c for c in cats.split(SEP) if c]


# ------------------------------------------------------------------ upkeep of the two written tables


class BatchTotals:
    """Changes to ``daily_category_sentiment`` and ``category_set_totals`` gathered in memory for a
    batch of articles, then written with one upsert per row (call :meth:`write` inside the batch's
    transaction)."""

    def __init__(self) -> None:
        self.daily: dict[tuple[str, str], list[float]] = {}
        self.sets: dict[tuple[str, str, str], list[float]] = defaultdict(lambda: [0] * len(VALUE_COLUMNS))

    def add(self, a: Article, sign: int = 1) -> None:
        """Count one stored article in (``sign`` 1) or out of (``sign`` -1) both tables; an article
        whose date is estimated counts in neither (it is not news of the day it was read on), nor does
        one that is not market news (``market_relevant`` false: the default view leaves it out)."""
        if a.published_estimated or not a.market_relevant:
            return
        cats = effective_categories(a)
        self.add_set(a.published_at, cats, a.sentiment, a.impact, a.sentiment_label, len(a.decisions), sign)
        if not a.published_at or a.sentiment is None:
            return
        day = a.published_at[:10]
        impact = a.impact if a.impact is not None else 0.0
        for category in cats:
            acc = self.daily.setdefault((day, category), [0, 0.0, 0.0, 0])
            acc[0] += sign
            acc[1] += sign * a.sentiment
            acc[2] += sign * impact
            acc[3] += sign * (a.impact is not None)

    def add_set(
        self,
        published_at: str | None,
        categories: Iterable[str],
        sentiment: float | None,
        impact: float | None,
        label: str | None,
        decisions: int,
        sign: int = 1,
    ) -> None:
        """Count one article in (``sign`` 1) or out of (``sign`` -1) its category-set day and month rows."""
        if not published_at:
            return
        day = published_at[:10]
        cats = set_key(categories)
        for key in (("day", day, cats), ("month", day[:7] + "-01", cats)):
            acc = self.sets[key]
            acc[0] += sign
            if sentiment is not None:
                acc[1] += sign * sentiment
                acc[2] += sign
            if impact is not None and impact >= HIGH_IMPACT:
                acc[3] += sign
            acc[4] += sign * decisions
            if label in LABELS:
                acc[5 + LABELS.index(label)] += sign

    def write(self, conn: sqlite3.Connection) -> None:
        """Apply the gathered changes; rows a removal emptied go."""
        removed = any(v[0] < 0 for v in self.daily.values()) or any(v[0] < 0 for v in self.sets.values())
        if self.daily:
            conn.executemany(DAILY_UPSERT_SQL, [(d, c, *v) for (d, c), v in self.daily.items()])
        if self.sets:
            conn.executemany(SET_UPSERT_SQL, [(*key, *values) for key, values in self.sets.items()])
        if removed:
            conn.execute("DELETE FROM daily_category_sentiment WHERE n = 0")
            conn.execute("DELETE FROM category_set_totals WHERE n = 0")
        self.daily.clear()
        self.sets.clear()


def has_market_flag(conn: sqlite3.Connection) -> bool:
    """True once migration 14 has given ``articles`` its ``market_relevant`` column (the derived
    tables then count market news only; the migrations before it run without the column)."""
    return any(row[1] == "market_relevant" for row in conn.execute("PRAGMA table_info(articles)"))


def _market(conn: sqlite3.Connection, alias: str = "a.") -> str:
    return f" AND {alias}market_relevant = 1" if has_market_flag(conn) else ""


def recompute(conn: sqlite3.Connection) -> None:
    """Rebuild ``daily_category_sentiment``, ``category_set_totals``, ``ticker_counts`` and ``daily_totals``
    from the base tables (call inside a transaction; the week and month totals follow by their triggers).
    Articles whose date is estimated (``published_estimated = 1``) or that are not market news count in no
    derived table."""
    conn.execute("DELETE FROM daily_category_sentiment")
    daily = _DAILY_RECOMPUTE.format(market=_market(conn))
    conn.execute(f"INSERT INTO daily_category_sentiment ({', '.join(DAILY_COLUMNS)}) {daily}")
    recompute_sets(conn)
    recount_tickers(conn)
    recompute_daily_totals(conn)


def recompute_sets(conn: sqlite3.Connection) -> None:
    """Rebuild ``category_set_totals`` from the base tables (call inside a transaction)."""
    conn.execute("DELETE FROM category_set_totals")
    sets = _SET_RECOMPUTE.format(market=_market(conn))
    conn.execute(f"INSERT INTO category_set_totals ({', '.join(SET_COLUMNS)}) {sets}")


# ------------------------------------------------------------------ tables kept by triggers (migrations 6-11)

VIEW_COLUMNS = ("published_at", "sentiment", "impact", "sentiment_label")


def _create_view_fill(db: sqlite_utils.Database, cols: str) -> None:
    """The trigger that copies ``cols`` (constant column names) from an article onto a new category row
    (migrations 6 and 16)."""
    db.execute(
        f"""CREATE TRIGGER article_categories_view_fill AFTER INSERT ON article_categories
        WHEN NEW.published_at IS NULL BEGIN
          UPDATE article_categories SET ({cols}) = (SELECT {cols} FROM articles WHERE articles.id = NEW.article_id)
          WHERE rowid = NEW.rowid;
        END"""
    )


def add_category_copies(db: sqlite_utils.Database) -> None:
    """Migration 6: copy each article's publish time and scores onto its category rows, kept in step
    by triggers, with one covering index: a topic x date view (KPIs, the newest 1,000) is read from
    that index alone instead of looking up every article of the topics."""
    for col, kind in zip(VIEW_COLUMNS, ("TEXT", "REAL", "REAL", "TEXT"), strict=True):
        db.execute(f"ALTER TABLE article_categories ADD COLUMN {col} {kind}")  # constant names
    cols = ", ".join(VIEW_COLUMNS)
    db.execute(f"UPDATE article_categories SET ({cols}) = (SELECT {cols} FROM articles WHERE articles.id = article_id)")
    db.execute(
        "CREATE INDEX idx_article_categories_view ON article_categories "
        "(category, effective, published_at, article_id, sentiment, impact, sentiment_label)"
    )
    _create_view_fill(db, cols)
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


def add_period_totals(db: sqlite_utils.Database) -> None:
    """Migration 7: week and month totals per category, kept exact by triggers on the daily table:
    the chart of three years reads ~3,000 rows instead of ~20,000."""
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


_DAILY_TOTALS = f"""
SELECT substr(published_at, 1, 10) AS day, count(*) AS n, coalesce(sum(sentiment), 0.0) AS sentiment_sum,
       count(sentiment) AS sentiment_n, coalesce(sum(impact >= {HIGH_IMPACT}), 0) AS high_impact
FROM articles WHERE published_at IS NOT NULL AND published_estimated = 0{{market}} GROUP BY 1
"""
DAILY_TOTALS_SQL = _DAILY_TOTALS.format(market=" AND market_relevant = 1")


def _totals_change(row: str, sign: str, market: bool = False) -> str:
    """Trigger statement adding (``+``) or removing (``-``) one article row's share of its day (with
    ``market``, only a market-news row has one)."""
    only_market = f" AND {row}.market_relevant = 1" if market else ""
    return (
        "INSERT INTO daily_totals (day, n, sentiment_sum, sentiment_n, high_impact) "
        f"SELECT substr({row}.published_at, 1, 10), {sign}1, {sign}coalesce({row}.sentiment, 0.0), "
        f"{sign}({row}.sentiment IS NOT NULL), {sign}coalesce({row}.impact >= {HIGH_IMPACT}, 0) "
        f"WHERE {row}.published_at IS NOT NULL AND {row}.published_estimated = 0{only_market} "
        "ON CONFLICT (day) DO UPDATE SET n = n + excluded.n, sentiment_sum = sentiment_sum + excluded.sentiment_sum, "
        "sentiment_n = sentiment_n + excluded.sentiment_n, high_impact = high_impact + excluded.high_impact;"
    )


def add_daily_totals(db: sqlite_utils.Database) -> None:
    """Migration 8: per-day totals of all articles (count, sentiment sum, high-impact count), kept by
    triggers on ``articles``: the KPIs of a view filtered by dates only read a few hundred rows."""
    db.execute(
        "CREATE TABLE daily_totals (day TEXT PRIMARY KEY, n INTEGER NOT NULL, sentiment_sum REAL NOT NULL, "
        "sentiment_n INTEGER NOT NULL, high_impact INTEGER NOT NULL)"
    )
    _create_totals_triggers(db)
    recompute_daily_totals(db.conn)


TOTALS_TRIGGERS = ("articles_totals_insert", "articles_totals_delete", "articles_totals_update")
TOTALS_INSERT_TRIGGER = TOTALS_TRIGGERS[0]  # dropped by v20: the writer counts new articles (count_new_articles)


def totals_insert_trigger(market: bool = True) -> str:
    """The trigger of schemas 8-19 that counted each inserted article into ``daily_totals`` (v20 drops it)."""
    add = _totals_change("NEW", "+", market)
    return f"CREATE TRIGGER {TOTALS_INSERT_TRIGGER} AFTER INSERT ON articles BEGIN {add} END"


def _create_totals_triggers(db: sqlite_utils.Database) -> None:
    m = has_market_flag(db.conn)
    add, drop = _totals_change("NEW", "+", m), _totals_change("OLD", "-", m)
    db.execute(totals_insert_trigger(m))
    db.execute(f"CREATE TRIGGER articles_totals_delete AFTER DELETE ON articles BEGIN {drop} END")
    columns = "published_at, published_estimated, sentiment, impact" + (", market_relevant" if m else "")
    db.execute(f"CREATE TRIGGER articles_totals_update AFTER UPDATE OF {columns} ON articles BEGIN {drop} {add} END")


DAY_TOTALS_COLUMNS = ("day", "n", "sentiment_sum", "sentiment_n", "high_impact")
DAY_TOTALS_SET_SQL = (
    f"INSERT INTO daily_totals ({', '.join(DAY_TOTALS_COLUMNS)}) VALUES (?, ?, ?, ?, ?) ON CONFLICT (day) DO UPDATE "
    "SET n = excluded.n, sentiment_sum = excluded.sentiment_sum, sentiment_n = excluded.sentiment_n, "
    "high_impact = excluded.high_impact"
)
DAYS_PER_READ = 500  # bound parameters per read of the stored day rows


def count_new_articles(conn: sqlite3.Connection, articles: Iterable[Article]) -> None:
    """Count new articles (just inserted, in this order) into ``daily_totals`` with one read of the days
    they touch and one upsert per day (v20), instead of a trigger per article row. The same rows as the
    trigger of schemas 8-19 wrote, bit for bit: an article counts when it has a date that is not
    estimated and is market news, and each one's sentiment is added to its day's sum in turn, in insert
    order (a float sum depends on its order). Call in the inserting transaction, after the insert."""
    counted = [
        a for a in articles if a.published_at is not None and not a.published_estimated and a.market_relevant
    ]
    if not counted:
        return
    days = sorted({(a.published_at or "")[:10] for a in counted})
    stored: dict[str, list[Any]] = {}
    for n in range(0, len(days), DAYS_PER_READ):
        part = days[n : n + DAYS_PER_READ]
        cur = conn.execute(
            f"SELECT {', '.join(DAY_TOTALS_COLUMNS)} FROM daily_totals WHERE day IN ({', '.join('?' * len(part))})",
            part,
        )  # constant names; every value bound
        stored.update((r[0], list(r[1:])) for r in cur)
    for a in counted:
        day = (a.published_at or "")[:10]
        sentiment = 0.0 if a.sentiment is None else float(a.sentiment)
        high = int(a.impact is not None and float(a.impact) >= HIGH_IMPACT)
        row = stored.get(day)
        if row is None:  # the trigger's insert: the first article's values as they are
            stored[day] = [1, sentiment, int(a.sentiment is not None), high]
        else:  # its update: each value added to the stored one
            row[0] += 1
            row[1] = row[1] + sentiment
            row[2] += int(a.sentiment is not None)
            row[3] += high
    conn.executemany(DAY_TOTALS_SET_SQL, [(day, *stored[day]) for day in days])


def recompute_daily_totals(conn: sqlite3.Connection) -> None:
    """Rebuild ``daily_totals`` from ``articles`` (call inside a transaction)."""
    conn.execute("DELETE FROM daily_totals")
    totals = _DAILY_TOTALS.format(market=_market(conn, ""))
    conn.execute("INSERT INTO daily_totals (day, n, sentiment_sum, sentiment_n, high_impact) " + totals)


def count_real_dates_only(db: sqlite_utils.Database) -> None:
    """Migration 13 (part): articles whose date is estimated leave the derived tables (daily and
    period category totals, daily totals, category-set totals): the totals triggers are made anew
    with the rule, and every derived table is recomputed."""
    for name in TOTALS_TRIGGERS:  # constant names
        db.execute(f"DROP TRIGGER IF EXISTS {name}")
    _create_totals_triggers(db)
    recompute_daily_totals(db.conn)
    recompute(db.conn)


def add_category_set_totals(db: sqlite_utils.Database) -> None:
    """Migration 9: totals per day and month keyed by each article's set of defining categories: a
    topic view's KPIs, decision count and category and label counts become exact sums over a few
    thousand rows."""
    db.execute(SET_CREATE_SQL)
    recompute_sets(db.conn)


TIME_COPIES = ("article_entities", "decisions")  # tables that carry their article's published_at (v10)


def add_time_copies(db: sqlite_utils.Database) -> None:
    """Migration 10: copy each article's publish time onto its company mentions and decisions, kept
    in step by triggers, with an index on each: a basket's recent sentiment reads only the mentions
    of its members in the window (no article look-ups), and the newest decisions are walked in time
    order."""
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


EMPTY_SET_INDEX_SQL = (
    "CREATE INDEX IF NOT EXISTS idx_category_set_totals_empty ON category_set_totals "
    "(grain, period, sentiment_n, sentiment_sum) WHERE cats = ''"
)  # covering: the Uncategorised line reads nothing else


# the tables the triggers keep (daily totals, company counts, week and month totals), each with the
# statement that fills it from scratch: what the triggers would leave after its base rows were inserted
TRIGGER_KEPT_REFILL = {
    "daily_totals": "INSERT INTO daily_totals (day, n, sentiment_sum, sentiment_n, high_impact) " + DAILY_TOTALS_SQL,
    "ticker_counts": f"INSERT INTO ticker_counts (ticker, n) {TICKER_COUNTS_SQL}",
    "period_category_sentiment": (
        "INSERT INTO period_category_sentiment (grain, period, category, n, sentiment_sum, impact_sum, impact_n) "
        + PERIOD_RECOMPUTE_SQL
    ),
}
TRIGGER_KEPT = tuple(TRIGGER_KEPT_REFILL)


def refill_trigger_kept(conn: sqlite3.Connection) -> None:
    """Fill the tables :data:`TRIGGER_KEPT` from their base tables (call inside a transaction, with the
    base tables written and ``daily_category_sentiment`` in place): the bulk copy into a server, which
    loads the base tables with their triggers off, ends with this."""
    for table, sql in TRIGGER_KEPT_REFILL.items():
        conn.execute(f"DELETE FROM {table}")  # constant names
        conn.execute(sql)


def add_empty_set_index(db: sqlite_utils.Database) -> None:
    """Part of migration 19: a partial index of the empty category set's rows, so the sentiment chart's
    "Uncategorised" line reads its few hundred day rows, not every set's (162k at 1M articles)."""
    db.execute(EMPTY_SET_INDEX_SQL)


# ------------------------------------------------------------------ ticker_counts per batch (v20)

def count_per_batch(db: sqlite_utils.Database) -> None:
    """Migration 20 (part): ``ticker_counts`` counts a batch's new mentions with one upsert per ticker
    (:func:`count_mentions`) instead of a trigger per mention row (three quarters of the cost of inserting
    a mention); the delete and move triggers stay (for outside SQL too), each now deleting only its own
    emptied row; the counts are recounted once. ``daily_totals`` counts a batch's new articles with one
    upsert per day (:func:`count_new_articles`) instead of a trigger per article row (two thirds of the
    cost of inserting a headline); its delete and update triggers stay."""
    for name in COUNT_TRIGGERS:  # constant names
        db.execute(f"DROP TRIGGER IF EXISTS {name}")
    for sql in count_triggers_v20():
        db.execute(sql)
    recount_tickers(db.conn)
    db.execute(f"DROP TRIGGER IF EXISTS {TOTALS_INSERT_TRIGGER}")


# indexes no read uses, dropped by v20 (writes paid for each): over every statement the pages run at
# 100k articles (benchmarks/index_reads.py) none uses the first two; the third only misled two scorecard
# reads (two to three times slower with it than without)
UNUSED_INDEXES = (
    "idx_article_entities_ticker",  # (ticker): a prefix of idx_entities_ticker_article
    "idx_articles_source_title_key_published_at",  # dedupe reads idx_articles_title_key since v13
    "idx_article_categories_category_article_id",
)


MARKET_VIEW_COLUMNS = (*VIEW_COLUMNS, "market_relevant")  # the category rows' copies from v14


# The articles' date covering index (migration 22): publish time, the view's tests (sentiment, impact,
# label, market flag, estimated date), then each article's source and id, so a dense topic view's source
# facet walks it and tests the topics on the id without reading the table (read.facets.set_facets).
PUBLISHED_COVER_SQL = (
    "CREATE INDEX idx_articles_published_cover ON articles (published_at, sentiment, impact, sentiment_label, "
    "market_relevant, published_estimated, source, id)"
)


def widen_published_cover(db: Any) -> None:
    """Migration 22 on either engine: :data:`PUBLISHED_COVER_SQL` in place of the five-column index of
    migration 16 (the same name: the reads that name it keep it)."""
    db.execute("DROP INDEX IF EXISTS idx_articles_published_cover")
    db.execute(PUBLISHED_COVER_SQL)


def add_market_relevance(db: sqlite_utils.Database) -> None:
    """Migration 14: ``articles.market_relevance`` (0-1, NULL until scored) and ``market_relevant``
    (1 until ``rescore`` says otherwise), in the articles' date covering index; a copy of the flag on
    the category rows (in their covering index, kept by the copy triggers); and the derived tables
    counting market news only: the totals triggers are made anew with the rule. Every stored article
    starts as market news, so the derived tables stay exact without a recomputation; ``python -m
    newsdesk rescore`` scores the flag (and the triggers and batch totals move the counts)."""
    db.execute("ALTER TABLE articles ADD COLUMN market_relevance REAL")
    db.execute("ALTER TABLE articles ADD COLUMN market_relevant INTEGER NOT NULL DEFAULT 1")
    db.execute("ALTER TABLE article_categories ADD COLUMN market_relevant INTEGER NOT NULL DEFAULT 1")
    for name in ("article_categories_view_fill", "articles_view_sync", *TOTALS_TRIGGERS):  # constant names
        db.execute(f"DROP TRIGGER IF EXISTS {name}")
    db.execute("DROP INDEX IF EXISTS idx_article_categories_view")
    db.execute("DROP INDEX IF EXISTS idx_articles_published_cover")
    db.execute(
        "CREATE INDEX idx_articles_published_cover "
        "ON articles (published_at, sentiment, impact, sentiment_label, market_relevant)"
    )
    db.execute(
        "CREATE INDEX idx_article_categories_view ON article_categories "
        "(category, effective, published_at, article_id, sentiment, impact, sentiment_label, market_relevant)"
    )
    cols = ", ".join(MARKET_VIEW_COLUMNS)
    new = ", ".join(f"NEW.{c}" for c in MARKET_VIEW_COLUMNS)
    _create_view_fill(db, cols)
    db.execute(
        f"""CREATE TRIGGER articles_view_sync AFTER UPDATE OF {cols} ON articles BEGIN
          UPDATE article_categories SET ({cols}) = ({new}) WHERE article_id = NEW.id;
        END"""
    )
    _create_totals_triggers(db)
