"""Small helpers every read shares: rows to frames, placeholders, the one inclusive day range
(stored JSON columns are decoded by :func:`newsdesk.domain.cells.decode_json`)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

import pandas as pd


def frame(conn: sqlite3.Connection, sql: str, params: Iterable[Any] = ()) -> pd.DataFrame:
    """The rows of ``sql`` as a DataFrame (columns named by the query)."""
    cur = conn.execute(sql, list(params))
    return pd.DataFrame(cur.fetchall(), columns=[d[0] for d in cur.description])


def rows(conn: sqlite3.Connection, sql: str, params: Iterable[Any] = ()) -> list[dict[str, Any]]:
    """The rows of ``sql`` as dicts."""
    cur = conn.execute(sql, list(params))
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, row, strict=True)) for row in cur.fetchall()]


def marks(values: Iterable[Any]) -> str:
    """``?, ?, ?``: one placeholder per value."""
    return ", ".join("?" for _ in values)


def day_range(column: str, since: date | None, until: date | None) -> tuple[list[str], list[str]]:
    """Clauses and params limiting ``column`` (a constant name; ISO days or ISO timestamps) to the
    inclusive days ``since``..``until`` (None: open). The upper bound is "before the next day", so a
    timestamp late on ``until`` counts; on the last representable day no day follows, and nothing
    needs cutting."""
    clauses, params = [], []
    if since is not None:
        clauses.append(f"{column} >= ?")
        params.append(since.isoformat())
    if until is not None and until < date.max:
        clauses.append(f"{column} < ?")
        params.append((until + timedelta(days=1)).isoformat())
    return clauses, params


def and_day_range(column: str, since: date | None, until: date | None) -> tuple[str, list[str]]:
    """:func:`day_range` as an ``AND``-prefixed clause ('' when open)."""
    clauses, params = day_range(column, since, until)
    return "".join(f" AND {c}" for c in clauses), params


def and_not_hidden(id_column: str, hidden_sources: tuple[str, ...] | list[str]) -> tuple[str, list[str]]:
    """``AND`` clause leaving out the articles (by ``id_column``, an article id) of the hidden
    sources ('' when none is hidden): the demo corpus when the user hides it."""
    if not hidden_sources:
        return "", []
    return (
        f" AND {id_column} NOT IN (SELECT id FROM articles WHERE source IN ({marks(hidden_sources)}))",
        list(hidden_sources),
    )
