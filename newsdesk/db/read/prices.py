"""Prices and what the scorecard reads: closes of tickers, what the table covers, the decisions of a
view with their articles' publish time, source and categories, basket weights, and evidence rows."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

import pandas as pd

from newsdesk.db.read.filters import author_clause, where
from newsdesk.db.read.sql import frame, marks
from newsdesk.domain.filters import Filters
from newsdesk.domain.legs import decode_legs
from newsdesk.prices import ILLUSTRATIVE_SOURCE

# the effective categories of article ``a``, joined by '|' (categories never hold '|')
CATEGORIES_SQL = (
    "(SELECT group_concat(category, '|') FROM (SELECT DISTINCT c.category FROM article_categories c "
    "WHERE c.article_id = a.id AND c.effective = 1 ORDER BY c.category))"
)


def price_rows(conn: sqlite3.Connection, tickers: Iterable[str] | None = None) -> list[tuple[str, str, float]]:
    """``(ticker, date, close)`` of ``tickers`` (every ticker when None), by ticker and date."""
    if tickers is None:
        return conn.execute("SELECT ticker, date, close FROM prices ORDER BY ticker, date").fetchall()
    wanted = sorted(set(tickers))
    out: list[tuple[str, str, float]] = []
    for i in range(0, len(wanted), 500):  # stay under SQLite's bound-parameter limit
        chunk = wanted[i : i + 500]
        out += conn.execute(
            f"SELECT ticker, date, close FROM prices WHERE ticker IN ({marks(chunk)}) ORDER BY ticker, date", chunk
        ).fetchall()
    return out




def graded_price_rows(
    conn: sqlite3.Connection, tickers: Iterable[str] | None = None
) -> list[tuple[str, str, float, int]]:
    """``(ticker, date, close, illustrative)`` of ``tickers`` (every ticker when None), by ticker and
    date; ``illustrative`` is 1 for the demo's generated closes, else 0: what grading keeps apart."""
    sql = "SELECT ticker, date, close, coalesce(source, '') = ? FROM prices"
    if tickers is None:
        return conn.execute(f"{sql} ORDER BY ticker, date", [ILLUSTRATIVE_SOURCE]).fetchall()
    wanted = sorted(set(tickers))
    out: list[tuple[str, str, float, int]] = []
    for i in range(0, len(wanted), 500):  # stay under SQLite's bound-parameter limit
        chunk = wanted[i : i + 500]
        out += conn.execute(
            f"{sql} WHERE ticker IN ({marks(chunk)}) ORDER BY ticker, date", [ILLUSTRATIVE_SOURCE, *chunk]
        ).fetchall()
    return out


def latest_close_by_kind(conn: sqlite3.Connection) -> tuple[str | None, str | None]:
    """The newest close date of the real closes and of the illustrative ones (None for none)."""
    rows = dict(
        conn.execute(
            "SELECT coalesce(source, '') = ?, max(date) FROM prices GROUP BY 1", [ILLUSTRATIVE_SOURCE]
        ).fetchall()
    )
    return rows.get(0), rows.get(1)


def price_series(conn: sqlite3.Connection, tickers: Iterable[str]) -> pd.DataFrame:
    """Closes of ``tickers`` as a frame: ``ticker``, ``date``, ``close``."""
    return pd.DataFrame(price_rows(conn, tickers), columns=["ticker", "date", "close"])


def price_rows_with_source(
    conn: sqlite3.Connection, tickers: Iterable[str] | None = None, real_only: bool = False
) -> list[tuple[str, str, float, str]]:
    """``(ticker, date, close, source)`` of ``tickers`` (every ticker when None), by ticker and date;
    ``source`` is the file name, URL template, ``yfinance`` or ``illustrative`` ('' when unknown).
    ``real_only``: leave out the illustrative (generated) closes."""
    real = " AND coalesce(source, '') != ?" if real_only else ""
    extra = [ILLUSTRATIVE_SOURCE] if real_only else []
    select = "SELECT ticker, date, close, coalesce(source, '') FROM prices WHERE "
    if tickers is None:
        return conn.execute(f"{select}1{real} ORDER BY ticker, date", extra).fetchall()
    wanted = sorted(set(tickers))
    out: list[tuple[str, str, float, str]] = []
    for i in range(0, len(wanted), 500):  # stay under SQLite's bound-parameter limit
        chunk = wanted[i : i + 500]
        out += conn.execute(
            f"{select}ticker IN ({marks(chunk)}){real} ORDER BY ticker, date", [*chunk, *extra]
        ).fetchall()
    return out


def real_price_rows(conn: sqlite3.Connection, tickers: Iterable[str] | None = None) -> list[tuple[str, str, float]]:
    """``(ticker, date, close)`` as :func:`price_rows`, without the illustrative (generated) closes."""
    return [row[:3] for row in price_rows_with_source(conn, tickers, real_only=True)]


def price_series_with_source(
    conn: sqlite3.Connection, tickers: Iterable[str] | None = None, real_only: bool = False
) -> pd.DataFrame:
    """Closes with their source as a frame: ``ticker``, ``date``, ``close``, ``source``, ``illustrative``
    (a bool); see :func:`price_rows_with_source`."""
    df = pd.DataFrame(price_rows_with_source(conn, tickers, real_only), columns=["ticker", "date", "close", "source"])
    df["illustrative"] = df["source"] == ILLUSTRATIVE_SOURCE
    return df


def coverage(conn: sqlite3.Connection) -> pd.DataFrame:
    """What the prices table holds per ticker: ``ticker``, ``closes``, ``first_date``, ``latest_date``,
    ``source`` (the sources, '|'-joined), by ticker."""
    return frame(
        conn,
        "SELECT ticker, count(*) AS closes, min(date) AS first_date, max(date) AS latest_date, "
        "group_concat(DISTINCT source) AS source FROM prices GROUP BY ticker ORDER BY ticker",
    )


def latest_dates(conn: sqlite3.Connection) -> dict[str, str]:
    """Ticker -> the date of its newest close."""
    return dict(conn.execute("SELECT ticker, max(date) FROM prices GROUP BY ticker").fetchall())


def price_sources(conn: sqlite3.Connection) -> list[str]:
    """The distinct sources of the stored closes (``illustrative`` for the demo's), sorted."""
    return [r[0] for r in conn.execute("SELECT DISTINCT coalesce(source, '') FROM prices ORDER BY 1")]


def price_count(conn: sqlite3.Connection) -> int:
    """How many closes are stored."""
    return int(conn.execute("SELECT count(*) FROM prices").fetchone()[0])


def scorecard_decisions(
    conn: sqlite3.Connection,
    filters: Filters = Filters(),
    article_id: str | None = None,
    decision_ids: list[str] | None = None,
) -> pd.DataFrame:
    """The decisions of the filtered articles as the scorecard needs them, oldest article first:
    ``article_id``, ``position``, ``id``, ``text``, ``action``, ``instruments`` (the legs, decoded),
    ``horizon_max_days``, ``published_at``, ``published_estimated``, ``source``, ``title``, ``author`` and
    ``categories`` ('|'-joined effective categories). ``article_id``: that article's only;
    ``decision_ids``: those decisions only."""
    clause, params = where(filters, "a")
    by_author, author_params = author_clause(filters)
    clause, params = clause + by_author, [*params, *author_params]
    if article_id is not None:
        clause, params = f"{clause} AND d.article_id = ?", [*params, str(article_id)]
    if decision_ids is not None:
        clause, params = f"{clause} AND d.id IN ({marks(decision_ids)})", [*params, *decision_ids]
    df = frame(
        conn,
        "SELECT d.article_id, d.position, d.id, coalesce(d.text, '') AS text, d.action, "
        "coalesce(d.instruments, '[]') AS instruments, d.horizon_max_days, a.published_at, "
        "coalesce(a.published_estimated, 0) AS published_estimated, a.source, a.title, d.author, "
        f"coalesce({CATEGORIES_SQL}, '') AS categories "
        f"FROM decisions d JOIN articles a ON a.id = d.article_id WHERE {clause} "
        "ORDER BY a.published_at, d.article_id, d.position",
        params,
    )
    df["horizon_max_days"] = df["horizon_max_days"].astype("Int64")
    df["instruments"] = pd.Series([decode_legs(v) for v in df["instruments"]], index=df.index, dtype=object)
    return df


def basket_weights(conn: sqlite3.Connection) -> dict[str, dict[str, float]]:
    """Basket id -> ticker -> weight, for every basket."""
    out: dict[str, dict[str, float]] = {}
    for basket, ticker, weight in conn.execute("SELECT basket_id, ticker, weight FROM basket_members"):
        out.setdefault(basket, {})[ticker] = float(weight if weight is not None else 1.0)
    return out


def company_countries(conn: sqlite3.Connection) -> dict[str, str]:
    """Ticker -> country of every stored company with one."""
    return dict(conn.execute("SELECT ticker, country FROM companies WHERE coalesce(country, '') != ''").fetchall())


def evidence_rows(conn: sqlite3.Connection, filters: Filters = Filters()) -> pd.DataFrame:
    """One row per (filtered article, company it mentions, effective category): ``article_id``,
    ``published_at``, ``published_estimated``, ``sentiment_label``, ``sentiment``, ``ticker``,
    ``category`` (NULL for an article without one), ``source``."""
    clause, params = where(filters, "a")
    return frame(
        conn,
        "SELECT a.id AS article_id, a.published_at, a.published_estimated, a.sentiment_label, a.sentiment, "
        "e.ticker, c.category, a.source FROM articles a JOIN article_entities e ON e.article_id = a.id "
        "LEFT JOIN (SELECT DISTINCT article_id, category FROM article_categories WHERE effective = 1) c "
        f"ON c.article_id = a.id WHERE {clause} ORDER BY a.published_at, a.id, e.ticker",
        params,
    )


def article_span(conn: sqlite3.Connection) -> tuple[str | None, str | None]:
    """The publish times of the oldest and the newest stored article (None, None when there are none)."""
    return tuple(conn.execute("SELECT min(published_at), max(published_at) FROM articles").fetchone())
