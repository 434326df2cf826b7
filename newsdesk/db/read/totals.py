"""Counts of a view: its KPIs, and the category-set sums behind the counts of a topic view."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from newsdesk.config import HIGH_IMPACT
from newsdesk.db.aggregates import needle
from newsdesk.db.periods import split_range
from newsdesk.db.read.filters import DATES, TOPICS, category_view, plan, where
from newsdesk.db.read.sql import day_range
from newsdesk.domain.filters import Filters


def kpis(conn: sqlite3.Connection, filters: Filters = Filters()) -> dict[str, Any]:
    """Article count, mean newsdesk sentiment and count of high-impact articles of the view."""
    n, mean, high = conn.execute(*kpis_sql(filters)).fetchone()
    # counts as int on every engine (a server's sum() of integers is numeric, read as float)
    return {"articles": int(n or 0), "mean_sentiment": mean, "high_impact": int(high or 0)}


def kpis_sql(filters: Filters) -> tuple[str, list[Any]]:
    """The SQL and params of :func:`kpis`: a view filtered by dates only sums ``daily_totals``; a
    view of topics (and dates) sums the category-set totals whose set meets the topics (one row per
    article, however many of the chosen topics it has); a topic view with label or impact filters
    is counted from the category index alone; anything else reads ``articles`` through its indexes."""
    how = plan(filters)
    if how.scope == DATES:
        clauses, params = day_range("day", filters.since, filters.until)
        sql = (
            "SELECT coalesce(sum(n), 0), sum(sentiment_sum) / nullif(sum(sentiment_n), 0), sum(high_impact) "
            f"FROM daily_totals WHERE {' AND '.join(['1 = 1', *clauses])}"
        )
        return sql, params
    if how.scope == TOPICS:
        return set_totals_sql(
            filters, "coalesce(sum(n), 0), sum(sentiment_sum) / nullif(sum(sentiment_n), 0), sum(high_impact)"
        )
    if how.topic_rows:
        view, params = category_view(filters)
        sql = (
            "SELECT count(*), avg(s), sum(i >= ?) FROM (SELECT article_id, max(sentiment) AS s, max(impact) AS i "
            f"FROM article_categories WHERE {view} GROUP BY article_id)"
        )
    else:
        clause, params = where(filters, "a")
        sql = f"SELECT count(*), avg(a.sentiment), sum(a.impact >= ?) FROM articles a WHERE {clause}"
    return sql, [HIGH_IMPACT, *params]


def set_totals_sql(filters: Filters, select: str, group_by: str = "") -> tuple[str, list[Any]]:
    """``SELECT {select} ... [GROUP BY {group_by}]`` over the ``category_set_totals`` rows that hold
    the articles of a topic and date view exactly once: whole months from the month rows, the days
    at the edges of the range from the day rows, and only the sets that meet the topics (any of).
    ``select`` and ``group_by`` are constant SQL of the caller, never user input."""
    try:
        whole, edges = split_range(filters.since, filters.until, "month")
    except OverflowError:  # a range reaching the first or last representable day: days only
        whole, edges = None, [(filters.since, filters.until)]
    spans = ([("month", *whole)] if whole else []) + [("day", lo, hi) for lo, hi in edges]
    topic_clause, topic_params = "", []
    if filters.topics:
        topic_clause = " AND (" + " OR ".join("instr(cats, ?) > 0" for _ in filters.topics) + ")"
        topic_params = [needle(t) for t in filters.topics]
    parts, params = [], []
    for grain, lo, hi in spans:
        clauses, part_params = day_range("period", lo, hi)
        parts.append(f"SELECT * FROM category_set_totals WHERE {' AND '.join(['grain = ?', *clauses])}{topic_clause}")
        params += [grain, *part_params, *topic_params]
    sql = f"SELECT {select} FROM ({' UNION ALL '.join(parts)})"
    return (sql + f" GROUP BY {group_by}" if group_by else sql), params


def previous_period(filters: Filters, bounds: tuple[date | None, date | None]) -> Filters | None:
    """The same filters over the period of equal length just before the view's period (None when
    the view has no dates)."""
    lo, hi = bounds
    start, end = filters.since or lo, filters.until or hi
    if not start or not end:
        return None
    length = (end - start).days + 1
    try:
        return replace(filters, since=start - timedelta(days=length), until=start - timedelta(days=1))
    except OverflowError:  # no period of that length fits before the first representable day
        return None
