"""Baskets: a basket's members, its sentiment index over time, its newest articles, and the links
between decisions and the baskets they trade.

The basket sentiment index of a period is the mean of ``article_entities.sentiment`` over the
mentions of member companies in articles published in that period, each mention weighted by the
member's basket weight × the mention's relevance.
"""

from __future__ import annotations

import sqlite3
from datetime import date
from typing import Any

import pandas as pd

from newsdesk.db.periods import start_sql
from newsdesk.db.read.sql import and_day_range, and_not_hidden, frame, marks
from newsdesk.domain.filters import GRAINS
from newsdesk.errors import BasketError

# SQL expressions of the period an article falls in, keyed by grain (constants, never user input).
_PERIOD_SQL = {grain: start_sql(grain, "substr(e.published_at, 1, 10)") for grain in GRAINS}


def list_baskets(conn: sqlite3.Connection) -> pd.DataFrame:
    """Every basket, by name: ``id``, ``name``, ``description``, ``kind``, ``members`` (count) and
    ``decisions`` (count of distinct decisions that trade it)."""
    return frame(
        conn,
        "SELECT b.id, b.name, b.description, b.kind, "
        "(SELECT count(*) FROM basket_members m WHERE m.basket_id = b.id) AS members, "
        "(SELECT count(DISTINCT x.decision_id) FROM decision_baskets x WHERE x.basket_id = b.id) AS decisions "
        "FROM baskets b ORDER BY b.name COLLATE NOCASE, b.id",
    )


def get_basket(conn: sqlite3.Connection, basket_id: str) -> dict[str, Any] | None:
    """One basket's row (``id``, ``name``, ``description``, ``kind``) or None when there is none."""
    row = conn.execute("SELECT id, name, description, kind FROM baskets WHERE id = ?", [basket_id]).fetchone()
    return None if row is None else dict(zip(("id", "name", "description", "kind"), row, strict=True))


def members(
    conn: sqlite3.Connection,
    basket_id: str,
    since: date | None = None,
    until: date | None = None,
    hidden_sources: tuple[str, ...] = (),
) -> pd.DataFrame:
    """The basket's members, heaviest first: ``ticker``, ``name``, ``weight``, ``sector``, ``country``
    (from ``companies``), plus ``articles`` (articles mentioning the company, within ``since``..``until``
    when given, of the sources not hidden) and ``mean_sentiment`` (the mean of its mentions' sentiment there)."""
    dates, params = and_day_range("a.published_at", since, until)
    if hidden_sources:
        dates += f" AND a.source NOT IN ({marks(hidden_sources)})"
        params += list(hidden_sources)
    return frame(
        conn,
        "SELECT m.ticker, coalesce(c.name, m.name, m.ticker) AS name, m.weight, c.sector, c.country, "
        "coalesce(s.articles, 0) AS articles, s.mean_sentiment "
        "FROM basket_members m LEFT JOIN companies c ON c.ticker = m.ticker "
        "LEFT JOIN (SELECT e.ticker, count(DISTINCT e.article_id) AS articles, avg(e.sentiment) AS mean_sentiment "
        "  FROM article_entities e JOIN articles a ON a.id = e.article_id "
        f"  WHERE e.ticker IN (SELECT ticker FROM basket_members WHERE basket_id = ?){dates} GROUP BY e.ticker"
        ") s ON s.ticker = m.ticker "
        "WHERE m.basket_id = ? ORDER BY m.weight DESC, m.ticker",
        [basket_id, *params, basket_id],
    )


def basket_sentiment(
    conn: sqlite3.Connection,
    basket_id: str,
    grain: str = "week",
    since: date | None = None,
    until: date | None = None,
    hidden_sources: tuple[str, ...] = (),
) -> pd.DataFrame:
    """The basket sentiment index over time, one row per period that has data, oldest first.

    A period is a day, a week (starting Monday) or a month (``grain``). For each period the index is
    the mean of ``article_entities.sentiment`` over the mentions of member tickers in articles published
    then, weighted by member weight × mention relevance; mentions without a sentiment (or with no
    positive weight) are skipped. Columns: ``period`` (date), ``sentiment``, ``articles`` (distinct
    articles), ``mentions`` (member mentions counted) and ``weight_sum`` (the period's total weight, to
    combine periods). ``since``/``until`` limit the publish days (inclusive); articles of
    ``hidden_sources`` are left out.
    """
    if grain not in _PERIOD_SQL:
        raise BasketError(f"grain {grain!r} is not one of {', '.join(GRAINS)}")
    dates, params = and_day_range("e.published_at", since, until)
    hide, hide_params = and_not_hidden("e.article_id", hidden_sources)
    dates, params = dates + hide, params + hide_params
    df = frame(  # each mention carries its article's publish time (schema v10): no article look-ups
        conn,
        f"SELECT {_PERIOD_SQL[grain]} AS period, "
        "sum(m.weight * e.relevance * e.sentiment) / nullif(sum(m.weight * e.relevance), 0) AS sentiment, "
        "count(DISTINCT e.article_id) AS articles, count(*) AS mentions, sum(m.weight * e.relevance) AS weight_sum "
        "FROM basket_members m JOIN article_entities e ON e.ticker = m.ticker "
        "WHERE m.basket_id = ? AND e.sentiment IS NOT NULL AND m.weight * e.relevance > 0 "
        f"AND e.published_at IS NOT NULL{dates} GROUP BY period ORDER BY period",
        [basket_id, *params],
    )
    if df.empty:
        return pd.DataFrame(columns=["period", "sentiment", "articles", "mentions", "weight_sum"])
    df["period"] = pd.to_datetime(df["period"]).dt.date
    df["sentiment"] = df["sentiment"].astype(float)
    return df


def overall_sentiment(index: pd.DataFrame) -> float | None:
    """The index over all the periods of ``index`` (a :func:`basket_sentiment` frame), or None."""
    if index.empty or not index["weight_sum"].sum():
        return None
    return float((index["sentiment"] * index["weight_sum"]).sum() / index["weight_sum"].sum())


def recent_articles(
    conn: sqlite3.Connection,
    basket_id: str,
    limit: int = 10,
    since: date | None = None,
    until: date | None = None,
    hidden_sources: tuple[str, ...] = (),
) -> pd.DataFrame:
    """The newest articles that mention a member of the basket (at most ``limit``; none of
    ``hidden_sources``): ``id``,
    ``published_at``, ``title``, ``source``, ``url``, ``sentiment``, ``sentiment_label``, ``impact``,
    ``members`` (the member tickers named, comma-separated) and ``basket_sentiment`` (the article's
    weighted mean over those mentions)."""
    dates, params = and_day_range("e.published_at", since, until)
    hide, hide_params = and_not_hidden("e.article_id", hidden_sources)
    dates, params = dates + hide, params + hide_params
    limit = max(0, int(limit))
    # The newest ``limit`` mentions of each member, from the (ticker, published_at) index: the newest
    # ``limit`` articles of the basket are among them (an article ranked above one of them for its
    # ticker is also ranked above it overall), so a few index seeks per member replace any scan.
    found: dict[str, str] = {}
    for (ticker,) in conn.execute("SELECT ticker FROM basket_members WHERE basket_id = ?", [basket_id]).fetchall():
        for published, article_id in conn.execute(
            f"SELECT e.published_at, e.article_id FROM article_entities e WHERE e.ticker = ?{dates} "
            "AND e.published_at IS NOT NULL ORDER BY e.published_at DESC, e.article_id LIMIT ?",
            [ticker, *params, limit],
        ):
            found[article_id] = published
    newest = sorted(sorted(found), key=found.__getitem__, reverse=True)[:limit]  # newest first, ties by id
    marks = ", ".join("?" for _ in newest) or "NULL"
    df = frame(
        conn,
        "SELECT a.id, a.published_at, a.title, a.source, a.url, a.sentiment, a.sentiment_label, a.impact, "
        "group_concat(e.ticker, ',') AS members, "
        "sum(CASE WHEN e.sentiment IS NOT NULL THEN m.weight * e.relevance * e.sentiment END) "
        "/ sum(CASE WHEN e.sentiment IS NOT NULL THEN m.weight * e.relevance END) AS basket_sentiment "
        f"FROM articles a JOIN article_entities e ON e.article_id = a.id "
        f"JOIN basket_members m ON m.ticker = e.ticker AND m.basket_id = ? WHERE a.id IN ({marks}) "
        "GROUP BY a.id ORDER BY a.published_at DESC, a.id",
        [basket_id, *newest],
    )
    df["members"] = df["members"].map(lambda s: ", ".join(sorted(str(s).split(","))) if s else "")
    return df


def companies(conn: sqlite3.Connection) -> pd.DataFrame:
    """Every known company (``ticker``, ``name``, ``sector``, ``country``), by ticker: the choices
    for a basket's members."""
    return frame(conn, "SELECT ticker, name, sector, country FROM companies ORDER BY ticker")


def baskets_for_decisions(conn: sqlite3.Connection, article_id: str) -> pd.DataFrame:
    """The baskets the article's decisions trade (``decision_baskets`` joined with ``baskets``):
    ``decision_id``, ``position``, ``basket_id``, ``side``, ``name``, ``description``, ``kind`` and
    ``members`` (member tickers, heaviest first, joined with ``, ``). ``name`` is null for a basket
    link whose basket is not in ``baskets``."""
    return frame(
        conn,
        "SELECT db.decision_id, d.position, db.basket_id, db.side, b.name, b.description, b.kind, "
        "(SELECT group_concat(ticker, ', ') FROM (SELECT ticker FROM basket_members m "
        " WHERE m.basket_id = db.basket_id ORDER BY weight DESC, ticker)) AS members "
        "FROM decision_baskets db JOIN decisions d ON d.id = db.decision_id "
        "LEFT JOIN baskets b ON b.id = db.basket_id "
        "WHERE d.article_id = ? ORDER BY d.position, db.side, db.basket_id",
        [str(article_id)],
    )


# Each basket's members as "T1, T2, …", heaviest first (joined once, not per row).
BASKET_MEMBERS_SQL = (
    "(SELECT basket_id, group_concat(ticker, ', ') AS members FROM "
    "(SELECT basket_id, ticker FROM basket_members ORDER BY basket_id, weight DESC) GROUP BY basket_id)"
)
LINKS_SQL = (
    "SELECT db.decision_id, db.basket_id, db.side, b.name, bm.members "
    "FROM decision_baskets db JOIN baskets b ON b.id = db.basket_id "
    f"LEFT JOIN {BASKET_MEMBERS_SQL} bm ON bm.basket_id = b.id"
)


def decision_basket_links(conn: sqlite3.Connection, decision_ids: list[str] | None = None) -> pd.DataFrame:
    """Decision–basket links (all, or those of ``decision_ids``) with the basket's name and its
    members (tickers, heaviest first)."""
    order = " ORDER BY db.decision_id, b.name"
    if decision_ids is None:
        return frame(conn, LINKS_SQL + order)
    parts = []
    for i in range(0, len(decision_ids), 500):
        chunk = decision_ids[i : i + 500]
        parts.append(frame(conn, f"{LINKS_SQL} WHERE db.decision_id IN ({marks(chunk)}){order}", chunk))
    if not parts:
        return pd.DataFrame(columns=["decision_id", "basket_id", "side", "name", "members"])
    return pd.concat(parts, ignore_index=True)


def basket_membership(conn: sqlite3.Connection) -> pd.DataFrame:
    """Which baskets hold which ticker, with each basket's name and members (heaviest first)."""
    return frame(
        conn,
        "SELECT m.ticker, b.id AS basket_id, b.name, bm.members "
        f"FROM basket_members m JOIN baskets b ON b.id = m.basket_id LEFT JOIN {BASKET_MEMBERS_SQL} bm "
        "ON bm.basket_id = b.id ORDER BY m.ticker, b.name",
    )
