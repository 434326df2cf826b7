"""Decisions ("key decisions for investors"): of a view, of one article, of a basket.

Every decision query selects the same columns (:data:`DETAIL_COLUMNS` after its own lead columns)
and shapes them the same way (:func:`_typed`): the legs decoded, their ``exposures`` beside them.
"""

from __future__ import annotations

import sqlite3
from datetime import date

import pandas as pd

from newsdesk.db.columns import DECISION_DETAIL_COLUMNS
from newsdesk.db.read.filters import author_clause, plan, where
from newsdesk.db.read.sql import and_day_range, frame, marks
from newsdesk.db.read.totals import set_totals_sql
from newsdesk.domain.filters import Filters
from newsdesk.domain.legs import decode_legs, exposure_text

# the columns of ``decisions`` every query returns, after its own lead columns, in this order
DETAIL_COLUMNS = DECISION_DETAIL_COLUMNS
WHOLE_DAYS = ("position", "horizon_min_days", "horizon_max_days")


def _select(*lead: str) -> str:
    """``SELECT`` list: the lead columns (qualified by the caller), then ``d.`` + every detail column."""
    return ", ".join([*lead, *(f"d.{c}" for c in DETAIL_COLUMNS)])


def _typed(df: pd.DataFrame) -> pd.DataFrame:
    """Whole numbers stay whole (in CSV too) even beside nulls; ``instruments`` decoded to a list of
    legs (:func:`~newsdesk.domain.legs.decode_legs`) with their ``exposures`` after them."""
    for col in WHOLE_DAYS:
        df[col] = df[col].astype("Int64")
    legs = [decode_legs(v) for v in df["instruments"]]
    df["instruments"] = pd.Series(legs, index=df.index, dtype=object)
    exposures = pd.Series([exposure_text(v) or None for v in legs], index=df.index, dtype=object)
    df.insert(list(df.columns).index("instruments") + 1, "exposures", exposures)
    return df


def decisions(conn: sqlite3.Connection, filters: Filters = Filters(), limit: int | None = None) -> pd.DataFrame:
    """Decisions of the filtered articles, one row each: ``article_id``, ``title``,
    ``published_at``, ``id``, ``source`` and the detail columns, newest article first, in bullet order."""
    how = plan(filters, conn)
    walk = how.dense or (not filters.topics and how.from_category_rows)  # newest decisions first
    # a walk tests each decision's topics on its article id before it reads the article (most fail)
    clause, params = where(filters, "a", topics_exist=how.dense, id_of="d.article_id" if walk else None)
    by_author, author_params = author_clause(filters)
    clause, params = clause + by_author, [*params, *author_params]
    order = "a.published_at DESC, d.article_id, d.position"
    if walk:  # each decision carries its article's publish time (schema v10): walk them in that order
        joined = "decisions d CROSS JOIN articles a ON a.id = d.article_id"
        order = "d.published_at DESC, d.article_id, d.position"
        dates, date_params = and_day_range("d.published_at", filters.since, filters.until)
        clause, params = clause + dates, [*params, *date_params]
    else:
        joined = "decisions d JOIN articles a ON a.id = d.article_id"
    df = frame(
        conn,
        f"SELECT {_select('d.article_id', 'a.title', 'a.published_at', 'd.id', 'a.source')} "
        f"FROM {joined} WHERE {clause} ORDER BY {order}" + (" LIMIT ?" if limit else ""),
        [*params, limit] if limit else params,
    )
    return _typed(df)


def decision_count(conn: sqlite3.Connection, filters: Filters = Filters()) -> int:
    """How many decisions the filtered articles carry (a view of topics and dates: summed from the
    category-set totals)."""
    if plan(filters).from_totals:
        return int(conn.execute(*set_totals_sql(filters, "coalesce(sum(decisions), 0)")).fetchone()[0])
    how = plan(filters, conn)
    clause, params = where(filters, "a", topics_exist=how.dense)
    by_author, author_params = author_clause(filters)
    clause, params = clause + by_author, [*params, *author_params]
    joined = f"decisions d {'CROSS ' if how.dense else ''}JOIN articles a ON a.id = d.article_id"
    return int(conn.execute(f"SELECT count(*) FROM {joined} WHERE {clause}", params).fetchone()[0])


def decision_dates(conn: sqlite3.Connection, filters: Filters = Filters()) -> tuple[int, str | None, str | None]:
    """How many decisions the filtered articles carry and the first and last day they were published
    (``YYYY-MM-DD``; None without decisions): what an empty view says is outside its dates."""
    how = plan(filters, conn)
    clause, params = where(filters, "a", topics_exist=how.dense)
    by_author, author_params = author_clause(filters)
    clause, params = clause + by_author, [*params, *author_params]
    joined = f"decisions d {'CROSS ' if how.dense else ''}JOIN articles a ON a.id = d.article_id"
    n, first, last = conn.execute(
        f"SELECT count(*), min(a.published_at), max(a.published_at) FROM {joined} WHERE {clause}", params
    ).fetchone()
    return int(n), (first or None) and first[:10], (last or None) and last[:10]


def authors(conn: sqlite3.Connection) -> pd.DataFrame:
    """Every author of an analyst call with how many calls it made: ``author``, ``calls``, most first."""
    return frame(
        conn,
        "SELECT author, count(*) AS calls FROM decisions WHERE author IS NOT NULL AND author != '' "
        "GROUP BY author ORDER BY calls DESC, author",
    )


def article_decisions(conn: sqlite3.Connection, article_id: str) -> pd.DataFrame:
    """The article's decisions in bullet order: ``id``, ``article_id`` and the detail columns,
    ``instruments`` decoded to a list of legs (``name``, ``ticker`` or ``basket``, ``side``)."""
    df = frame(
        conn,
        f"SELECT {_select('d.id', 'd.article_id')} FROM decisions d WHERE d.article_id = ? ORDER BY d.position",
        [str(article_id)],
    )
    return _typed(df)


def basket_decisions(
    conn: sqlite3.Connection,
    basket_id: str,
    since: date | None = None,
    until: date | None = None,
    hidden_sources: tuple[str, ...] = (),
) -> pd.DataFrame:
    """Decisions that trade the basket (through ``decision_baskets``), newest article first: ``id``,
    the leg's ``side`` (long, short, funding), ``article_id``, the article's ``title`` and
    ``published_at``, and the detail columns; none of the articles of ``hidden_sources``."""
    dates, params = and_day_range("a.published_at", since, until)
    if hidden_sources:
        dates += f" AND a.source NOT IN ({marks(hidden_sources)})"
        params += list(hidden_sources)
    df = frame(
        conn,
        f"SELECT {_select('d.id', 'x.side', 'd.article_id', 'a.title', 'a.published_at')} "
        "FROM decision_baskets x JOIN decisions d ON d.id = x.decision_id JOIN articles a ON a.id = d.article_id "
        f"WHERE x.basket_id = ?{dates} ORDER BY a.published_at DESC, d.article_id, d.position, x.side",
        [basket_id, *params],
    )
    return _typed(df)
