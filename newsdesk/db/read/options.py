"""The choices a view offers: categories, sources, companies and baskets, and the date bounds."""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta

import pandas as pd

from newsdesk.db.read.filters import parse_day
from newsdesk.db.read.sql import frame


def categories(conn: sqlite3.Connection) -> pd.DataFrame:
    """Every category with its count of scored articles, most used first (summed from the monthly
    totals: a few hundred rows whatever the size of the database)."""
    return frame(
        conn,
        "SELECT category, sum(n) AS articles FROM period_category_sentiment WHERE grain = 'month' AND n > 0 "
        "GROUP BY category ORDER BY articles DESC, category",
    )


def sources(conn: sqlite3.Connection) -> pd.DataFrame:
    """Every source, alphabetically: one index seek per source (a skip-scan of
    ``idx_articles_source``), so the list costs the same at a thousand articles or a million."""
    return frame(
        conn,
        "WITH RECURSIVE s(source) AS (SELECT min(source) FROM articles UNION ALL "
        "SELECT (SELECT min(source) FROM articles WHERE source > s.source) FROM s WHERE s.source IS NOT NULL) "
        "SELECT source FROM s WHERE source IS NOT NULL ORDER BY source",
    )


def company_options(conn: sqlite3.Connection) -> pd.DataFrame:
    """Filter options for companies and baskets: ``value`` (ticker or ``basket:<id>``), ``label``
    and ``articles`` (for a company, how many articles name it; for a basket, its member count) —
    baskets first, then companies by article count. A company outside the reference list is labelled
    with the name its articles carry (from the listing universe), else its ticker."""
    baskets = frame(
        conn,
        "SELECT 'basket:' || b.id AS value, 'Basket: ' || b.name AS label, count(m.ticker) AS articles "
        "FROM baskets b JOIN basket_members m ON m.basket_id = b.id GROUP BY b.id ORDER BY b.name",
    )
    firms = frame(
        conn,
        "SELECT e.ticker AS value, e.ticker || ' · ' || coalesce(c.name, (SELECT a.name FROM article_entities a "
        "WHERE a.ticker = e.ticker AND a.name != a.ticker LIMIT 1), e.ticker) AS label, e.n AS articles "
        "FROM ticker_counts e "
        "LEFT JOIN companies c ON c.ticker = e.ticker ORDER BY e.n DESC, e.ticker",
    )
    return pd.concat([baskets, firms], ignore_index=True)


def date_bounds(conn: sqlite3.Connection) -> tuple[date | None, date | None]:
    """The first and last publish day in the database."""
    lo = conn.execute("SELECT min(published_at) FROM articles").fetchone()[0]  # two one-seek queries:
    hi = conn.execute("SELECT max(published_at) FROM articles").fetchone()[0]  # together they scan
    return parse_day(lo), parse_day(hi)


DEFAULT_DAYS = 90


def latest_exact_day(conn: sqlite3.Connection, hidden_sources: tuple[str, ...] = ()) -> date | None:
    """The last publish day that is not an estimate (an undated page stamped with its ingest time
    does not count), among the sources not hidden; walks the articles newest first."""
    hide = f" AND source NOT IN ({', '.join('?' for _ in hidden_sources)})" if hidden_sources else ""
    row = conn.execute(
        f"SELECT published_at FROM articles WHERE published_estimated = 0{hide} ORDER BY published_at DESC LIMIT 1",
        list(hidden_sources),
    ).fetchone()
    return parse_day(row[0]) if row else None


def default_since(
    conn: sqlite3.Connection, hidden_sources: tuple[str, ...] = (), days: int = DEFAULT_DAYS
) -> date | None:
    """The first day of the latest ``days`` days that hold data of the sources not hidden (None when
    the database holds fewer days than that, or nothing): a view's default start."""
    lo, _ = date_bounds(conn)
    last = latest_exact_day(conn, hidden_sources)
    if lo is None or last is None:
        return None
    start = last - timedelta(days=days - 1)
    return start if start > lo else None
