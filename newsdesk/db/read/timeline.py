"""Sentiment over time: mean sentiment per period and category, and what moved against its baseline."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, timedelta
from operator import itemgetter
from typing import Any

import numpy as np
import pandas as pd

from newsdesk.db.aggregates import needle
from newsdesk.db.periods import split_range, start_sql
from newsdesk.db.read.filters import DATES, TOPICS, category_view, plan, where
from newsdesk.db.read.sql import day_range, marks
from newsdesk.domain.filters import GRAINS, UNCATEGORISED, Filters
from newsdesk.errors import FilterError


def daily_sentiment(conn: sqlite3.Connection, filters: Filters = Filters(), grain: str = "week") -> pd.DataFrame:
    """Mean sentiment per period and category. Columns: period (date), category, articles,
    mean_sentiment, mean_impact. Topic and date views read the week/month totals
    (``period_category_sentiment``) and, for the partial periods at the edges of a date range, the
    daily table — never ``articles``; other filters aggregate the matching rows."""
    if grain not in GRAINS:
        raise FilterError(f"grain {grain!r} is not one of {', '.join(GRAINS)}")
    return _periods(conn, _period_parts(filters, grain), grain)


def _period_parts(filters: Filters, grain: str) -> list[tuple[str, list[Any]]]:
    """Sub-selects of (day, category, n, sentiment_sum, impact_sum, impact_n) rows whose union holds
    the view exactly once; ``day`` is a day or a period's first day. Without a topic filter (or with
    :data:`UNCATEGORISED` among the topics) the articles that have no category are one more category."""
    parts = _categorised_parts(filters, grain)
    if not filters.topics or UNCATEGORISED in filters.topics:
        parts.append(_uncategorised_part(filters))
    return parts


def _uncategorised_part(filters: Filters) -> tuple[str, list[Any]]:
    """The view's articles without a category, per day: from the day rows of the empty category set
    in a date view (no impact there), else from ``articles``."""
    if plan(filters).from_totals:
        dates, params = day_range("period", filters.since, filters.until)
        clauses = " AND ".join(["grain = 'day'", "cats = ''", *dates])
        return (
            f"SELECT period AS day, '{UNCATEGORISED}' AS category, sentiment_n AS n, sentiment_sum, "
            f"0 AS impact_sum, 0 AS impact_n FROM category_set_totals WHERE {clauses}",
            params,
        )
    clause, params = where(filters, "a")
    return (
        f"SELECT substr(a.published_at, 1, 10) AS day, '{UNCATEGORISED}' AS category, count(*) AS n, "
        "sum(a.sentiment) AS sentiment_sum, coalesce(sum(a.impact), 0) AS impact_sum, count(a.impact) AS impact_n "
        f"FROM articles a WHERE {clause} AND a.sentiment IS NOT NULL AND NOT EXISTS "
        "(SELECT 1 FROM article_categories c WHERE c.article_id = a.id AND c.effective = 1) GROUP BY day",
        params,
    )


def _categorised_parts(filters: Filters, grain: str) -> list[tuple[str, list[Any]]]:
    """The sub-selects of :func:`_period_parts` for the articles' categories."""
    how = plan(filters)
    if not how.from_totals and how.from_category_rows:
        view, params = category_view(filters)
        return [
            (
                "SELECT substr(published_at, 1, 10) AS day, category, count(*) AS n, sum(sentiment) AS sentiment_sum, "
                "coalesce(sum(impact), 0) AS impact_sum, count(impact) AS impact_n "
                f"FROM article_categories WHERE {view} AND sentiment IS NOT NULL GROUP BY day, category",
                params,
            )
        ]
    if not how.from_totals:
        clause, params = where(filters, "a")
        topic_clause = ""
        if filters.topics:
            topic_clause = f" AND c.category IN ({marks(filters.topics)})"
            params = [*params, *filters.topics]
        return [
            (
                "SELECT substr(a.published_at, 1, 10) AS day, c.category AS category, count(*) AS n, "
                "sum(a.sentiment) AS sentiment_sum, coalesce(sum(a.impact), 0) AS impact_sum, "
                "count(a.impact) AS impact_n FROM articles a JOIN article_categories c ON c.article_id = a.id "
                f"AND c.effective = 1 WHERE {clause}{topic_clause} AND a.sentiment IS NOT NULL "
                "GROUP BY day, c.category",
                params,
            )
        ]
    lo, hi = filters.since, filters.until
    if grain == "day":
        return [_daily_part(filters.topics, lo, hi)]
    try:
        return _whole_periods(filters, grain)
    except OverflowError:  # a range reaching the first or last representable day: days only
        return [_daily_part(filters.topics, lo, hi)]


def _whole_periods(filters: Filters, grain: str) -> list[tuple[str, list[Any]]]:
    """Sub-selects for a topic and date view: whole periods from the period table, edge days from
    the daily table."""
    whole, edges = split_range(filters.since, filters.until, grain)
    if whole is None:  # no whole period inside the range
        return [_daily_part(filters.topics, filters.since, filters.until)]
    first, last = whole
    clauses, params = ["grain = ?"], [grain]
    if filters.topics:
        clauses.append(f"category IN ({marks(filters.topics)})")
        params.extend(filters.topics)
    dates, date_params = day_range("period", first, last)
    parts = [(f"{PERIOD_PART} WHERE {' AND '.join([*clauses, *dates])}", [*params, *date_params])]
    return parts + [_daily_part(filters.topics, a, b) for a, b in edges]


PERIOD_PART = "SELECT period AS day, category, n, sentiment_sum, impact_sum, impact_n FROM period_category_sentiment"


def _daily_part(topics: Sequence[str], since: date | None, until: date | None) -> tuple[str, list[Any]]:
    """The daily table's rows in an inclusive day range (optionally of some topics)."""
    clauses: list[str] = ["1 = 1"]
    params: list[Any] = []
    if topics:
        clauses.append(f"category IN ({marks(topics)})")
        params.extend(topics)
    dates, date_params = day_range("day", since, until)
    return (
        "SELECT day, category, n, sentiment_sum, impact_sum, impact_n FROM daily_category_sentiment "
        f"WHERE {' AND '.join([*clauses, *dates])}",
        [*params, *date_params],
    )


# Each period's first day, computed in SQLite so that only one row per period and category leaves it.
PERIOD_SQL = {grain: start_sql(grain, "day") for grain in GRAINS}


def _periods(conn: sqlite3.Connection, parts: list[tuple[str, list[Any]]], grain: str) -> pd.DataFrame:
    """Group the union of ``parts`` by period and category in the database; means rounded to 4 places.
    Rows of the period table are already one per period and category and are passed through as they
    are; only the day rows (a range's edge days, the Uncategorised line) are grouped into periods. The
    two never share a period and category (edge days lie outside the whole periods; the Uncategorised
    line is a category of its own), so their union holds each period and category once."""
    whole = [(sql, ps) for sql, ps in parts if sql.startswith(PERIOD_PART)]
    days = [(sql, ps) for sql, ps in parts if not sql.startswith(PERIOD_PART)]
    selects: list[str] = []
    params: list[Any] = []
    if whole:
        selects.append(
            "SELECT day AS period, category, n AS articles, sentiment_sum * 1.0 / n AS mean_sentiment, "
            "impact_sum * 1.0 / nullif(impact_n, 0) AS mean_impact "
            f"FROM ({' UNION ALL '.join(sql for sql, _ in whole)}) w WHERE n > 0"
        )
        params.extend(p for _, ps in whole for p in ps)
    if days:
        selects.append(
            f"SELECT {PERIOD_SQL[grain]} AS period, category, sum(n) AS articles, sum(sentiment_sum) * 1.0 / sum(n) "
            "AS mean_sentiment, sum(impact_sum) * 1.0 / nullif(sum(impact_n), 0) AS mean_impact "
            f"FROM ({' UNION ALL '.join(sql for sql, _ in days)}) d WHERE n > 0 GROUP BY 1, category"
        )
        params.extend(p for _, ps in days for p in ps)
    # Sorted here, not by ORDER BY: the database's sorter cost 3-8 ms of a 12 ms read of 3,454 week rows at
    # 1M articles, a sort of the fetched rows well under one. The order is the code points' (SQLite's BINARY
    # collation, PostgreSQL's "C"), the same on both engines whatever the server's collation.
    rows = sorted(conn.execute(" UNION ALL ".join(selects), params).fetchall(), key=itemgetter(0, 1))
    if not rows:
        return pd.DataFrame(columns=["period", "category", "articles", "mean_sentiment", "mean_impact"])
    period, category, articles, sentiment, impact = zip(*rows, strict=True)
    return pd.DataFrame(
        {
            "period": [p if isinstance(p, date) else date.fromisoformat(p) for p in period],  # date(): a date on PG
            "category": category,
            "articles": articles,
            "mean_sentiment": np.round(np.array(sentiment, dtype=float), 4),
            "mean_impact": np.round(np.array(impact, dtype=float), 4),
        }
    )


def view_end(conn: sqlite3.Connection, filters: Filters) -> date | None:
    """The last day of the view: its ``until`` day, else the last exact publish day among its
    articles (an estimated date, such as an undated page stamped at ingest, never counts)."""
    if filters.until:
        return filters.until
    clause, params = where(filters, "a", topics_exist=True)
    row = conn.execute(
        f"SELECT a.published_at FROM articles a WHERE {clause} AND a.published_estimated = 0 "
        "ORDER BY a.published_at DESC LIMIT 1",
        params,
    ).fetchone()
    return date.fromisoformat(row[0][:10]) if row else None


MIN_MOVED_ARTICLES = 5  # a What moved bar needs this many articles in the window and in the baseline


def what_moved(
    conn: sqlite3.Connection, filters: Filters, end: date | None = None, window: int = 7, baseline: int = 30
) -> pd.DataFrame:
    """Each category's mean sentiment over the ``window`` days up to ``end`` (default: the end of the
    view, :func:`view_end`) against its trailing ``baseline`` days before that: z = (window mean −
    baseline mean) / baseline day-to-day std. Honours every filter (the view's start included) and
    leaves out articles whose date is an estimate. A category with fewer than
    :data:`MIN_MOVED_ARTICLES` articles in the window or in the baseline gets no z (no bar).
    Columns: category, recent, baseline, z, recent_articles, baseline_articles."""
    end = end or view_end(conn, filters)
    cols = ["category", "recent", "baseline", "z", "recent_articles", "baseline_articles"]
    if end is None:
        return pd.DataFrame(columns=cols)
    start = end - timedelta(days=window + baseline - 1)
    if filters.since and filters.since > start:
        start = filters.since
    rows = _moved_rows(conn, filters, start, end)
    if not rows:
        return pd.DataFrame(columns=cols)
    # Summed in plain Python (a few hundred day rows): the pandas groupbys this replaced cost 10-30 ms of a
    # filter change at 1M articles, for the same numbers (compared exactly on the 1M desk).
    cut = (end - timedelta(days=window - 1)).isoformat()
    recent: dict[str, list[float]] = {}
    base: dict[str, list[float]] = {}
    daily_means: dict[str, list[float]] = {}
    for day, category, n, sentiment_sum in rows:
        if day >= cut:
            r = recent.setdefault(category, [0, 0.0])
        else:
            r = base.setdefault(category, [0, 0.0])
            daily_means.setdefault(category, []).append(sentiment_sum / n)
        r[0] += n
        r[1] += sentiment_sum
    names = sorted(c for c in recent.keys() & base.keys() if recent[c][0] > 0 and base[c][0] > 0)
    if not names:
        return pd.DataFrame(columns=cols)
    n_recent = np.array([recent[c][0] for c in names], dtype=float)
    n_base = np.array([base[c][0] for c in names], dtype=float)
    recent_mean = np.array([recent[c][1] for c in names], dtype=float) / n_recent
    base_mean = np.array([base[c][1] for c in names], dtype=float) / n_base
    # the baseline's day-to-day spread (sample std); one day: no spread
    spread = np.array([np.std(daily_means[c], ddof=1) if len(daily_means[c]) > 1 else 0.0 for c in names])
    enough = (n_recent >= MIN_MOVED_ARTICLES) & (n_base >= MIN_MOVED_ARTICLES)  # a bar needs 5 and 5 articles
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where((spread > 1e-9) & enough, (recent_mean - base_mean) / spread, np.nan)
    out = pd.DataFrame(
        {
            "category": names,
            "recent": np.round(recent_mean, 3),
            "baseline": np.round(base_mean, 3),
            "z": np.round(z, 2),
            "recent_articles": n_recent.astype(int),
            "baseline_articles": n_base.astype(int),
        }
    )
    return out.sort_values("z", key=lambda s: s.abs(), ascending=False, na_position="last").reset_index(drop=True)


def _moved_rows(conn: sqlite3.Connection, filters: Filters, start: date, end: date) -> list[tuple[Any, ...]]:
    """``(day, category, n, sentiment_sum)`` rows of the view's dated, scored articles from ``start``
    to ``end``: a topic and date view from the daily totals (which count exactly those articles: market
    news, no estimated date), any other view from ``articles``."""
    if plan(filters).from_totals:
        clauses, params = day_range("day", start, end)
        if filters.topics:
            clauses.append(f"category IN ({marks(filters.topics)})")
            params = [*params, *filters.topics]
        return conn.execute(
            "SELECT day, category, n, sentiment_sum FROM daily_category_sentiment "
            f"WHERE {' AND '.join([*clauses, 'n > 0'])}",
            params,
        ).fetchall()
    clause, params = where(replace(filters, since=start, until=end), "a")
    if filters.topics:
        clause += f" AND c.category IN ({marks(filters.topics)})"
        params = [*params, *filters.topics]
    return conn.execute(
        "SELECT substr(a.published_at, 1, 10) AS day, c.category AS category, count(*) AS n, "
        "sum(a.sentiment) AS sentiment_sum FROM articles a JOIN article_categories c ON c.article_id = a.id "
        f"AND c.effective = 1 WHERE {clause} AND a.published_estimated = 0 AND a.sentiment IS NOT NULL "
        "GROUP BY day, c.category",
        params,
    ).fetchall()


def period_counts(conn: sqlite3.Connection, filters: Filters = Filters(), grain: str = "week") -> pd.DataFrame:
    """Articles of the view per period (``period``, ``articles``), each article once however many
    categories it has, read as :func:`newsdesk.db.read.totals.kpis` counts them: the periods sum to
    the view's article count (the chart's volume bars and their tooltip)."""
    if grain not in PERIOD_SQL:
        raise FilterError(f"grain {grain!r} is not one of {', '.join(GRAINS)}")
    how = plan(filters)
    if how.scope == DATES:
        clauses, params = day_range("day", filters.since, filters.until)
        where_sql = " AND ".join(["n > 0", *clauses])
        sql = f"SELECT {PERIOD_SQL[grain]}, sum(n) FROM daily_totals WHERE {where_sql} GROUP BY 1"
    elif how.scope == TOPICS:
        clauses, params = day_range("period", filters.since, filters.until)
        needles = [needle(t) for t in filters.topics]
        where_sql = " AND ".join(["grain = 'day'", *clauses])
        any_topic = " OR ".join("instr(cats, ?) > 0" for _ in needles)
        sql = (
            f"SELECT {start_sql(grain, 'period')}, sum(n) FROM category_set_totals "
            f"WHERE {where_sql} AND ({any_topic}) GROUP BY 1"
        )
        params = [*params, *needles]
    elif how.topic_rows:
        view, params = category_view(filters)
        sql = (
            f"SELECT {start_sql(grain, 'substr(p, 1, 10)')}, count(*) FROM (SELECT article_id, max(published_at) AS p "
            f"FROM article_categories WHERE {view} GROUP BY article_id) GROUP BY 1"
        )
    else:
        clause, params = where(filters, "a")
        period = start_sql(grain, "substr(a.published_at, 1, 10)")
        sql = f"SELECT {period}, count(*) FROM articles a WHERE {clause} GROUP BY 1"
    rows = [(date.fromisoformat(p), int(n)) for p, n in conn.execute(sql, params).fetchall() if p and n]
    return pd.DataFrame(sorted(rows), columns=["period", "articles"])
