"""Totals per day and per month keyed by each article's *set* of defining categories (schema v9).

An article with the categories {Energy, Rates} adds to one row whose ``cats`` is
``"\\x1fEnergy\\x1fRates\\x1f"``. A topic view ("any of these topics") is then an exact sum over
the rows whose set meets the topics, with no article counted twice however many of the topics it
has: its count, mean sentiment, high-impact count, decision count and sentiment-label counts come
from a few thousand rows instead of every article of the topics. The rows are written by the store
in the same transaction as the articles they count (:class:`SetTotals`), and
:data:`RECOMPUTE_SQL` rebuilds them from ``articles`` (migration, ``rebuild_daily``, tests).
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Iterable

from newsdesk.config import HIGH_IMPACT
from newsdesk.score.labels import LABELS

SEP = "\x1f"  # unit separator: never inside a category name (names are cleaned on input)
GRAINS = ("day", "month")
LABEL_COLUMNS = tuple(label.replace("-", "_") for label in LABELS)
VALUE_COLUMNS = ("n", "sentiment_sum", "sentiment_n", "high_impact", "decisions", *LABEL_COLUMNS)

CREATE_SQL = (
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
_VALUES = (
    "count(*) AS n, coalesce(sum(sentiment), 0.0) AS sentiment_sum, count(sentiment) AS sentiment_n, "
    f"count(CASE WHEN impact >= {HIGH_IMPACT} THEN 1 END) AS high_impact, coalesce(sum(k), 0) AS decisions, "
    f"{_LABEL_COUNTS}"
)
RECOMPUTE_SQL = f"""
WITH s AS (
  SELECT article_id, char(31) || group_concat(category, char(31)) || char(31) AS cats
  FROM (SELECT DISTINCT article_id, category FROM article_categories WHERE effective = 1 ORDER BY article_id, category)
  GROUP BY article_id
), d AS (SELECT article_id, count(*) AS k FROM decisions GROUP BY article_id),
x AS (
  SELECT substr(a.published_at, 1, 10) AS day, coalesce(s.cats, '') AS cats, a.sentiment, a.impact,
         a.sentiment_label, d.k
  FROM articles a LEFT JOIN s ON s.article_id = a.id LEFT JOIN d ON d.article_id = a.id
  WHERE a.published_at IS NOT NULL
)
SELECT 'day' AS grain, day AS period, cats, {_VALUES} FROM x GROUP BY day, cats
UNION ALL
SELECT 'month', substr(day, 1, 7) || '-01', cats, {_VALUES} FROM x GROUP BY 2, cats
"""
COLUMNS = ("grain", "period", "cats", *VALUE_COLUMNS)


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


class SetTotals:
    """Changes to ``category_set_totals`` gathered in memory, then written with one upsert each."""

    def __init__(self) -> None:
        self.rows: dict[tuple[str, str, str], list[float]] = defaultdict(lambda: [0] * len(VALUE_COLUMNS))

    def add(
        self,
        published_at: str | None,
        categories: Iterable[str],
        sentiment: float | None,
        impact: float | None,
        label: str | None,
        decisions: int,
        sign: int = 1,
    ) -> None:
        """Count one article in (``sign`` 1) or out of (``sign`` -1) its day and month rows."""
        if not published_at:
            return
        day = published_at[:10]
        cats = set_key(categories)
        for key in (("day", day, cats), ("month", day[:7] + "-01", cats)):
            acc = self.rows[key]
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
        """Apply the gathered changes (call inside the batch's transaction); rows left empty go."""
        if not self.rows:
            return
        updates = ", ".join(f"{col} = {col} + excluded.{col}" for col in VALUE_COLUMNS)
        conn.executemany(
            f"INSERT INTO category_set_totals ({', '.join(COLUMNS)}) VALUES ({', '.join('?' for _ in COLUMNS)}) "
            f"ON CONFLICT (grain, period, cats) DO UPDATE SET {updates}",
            [(*key, *values) for key, values in self.rows.items()],
        )
        if any(values[0] < 0 for values in self.rows.values()):  # a row may have emptied
            conn.execute("DELETE FROM category_set_totals WHERE n = 0")
        self.rows.clear()


def rebuild(conn: sqlite3.Connection) -> None:
    """Recompute the whole table from ``articles`` (call inside a transaction)."""
    conn.execute("DELETE FROM category_set_totals")
    conn.execute(f"INSERT INTO category_set_totals ({', '.join(COLUMNS)}) {RECOMPUTE_SQL}")
