"""Plain-SQL look-ups for tests that run on both engines (the sqlite-utils table API is SQLite's only)."""

from __future__ import annotations

from typing import Any


def rows(conn: Any, sql: str, params: Any = ()) -> list[dict[str, Any]]:
    """Every row of ``sql`` as a dict keyed by column name."""
    cur = conn.execute(sql, list(params) if not isinstance(params, dict) else params)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def one(conn: Any, sql: str, params: Any = ()) -> Any:
    """The first column of the first row of ``sql``."""
    return conn.execute(sql, list(params)).fetchone()[0]


def count(conn: Any, table: str) -> int:
    """How many rows ``table`` (a name of the schema) holds."""
    return int(one(conn, f"SELECT count(*) FROM {table}"))


def article(conn: Any, article_id: str) -> dict[str, Any]:
    """One stored article's row."""
    (row,) = rows(conn, "SELECT * FROM articles WHERE id = ?", [article_id])
    return row


def is_server(conn: Any) -> bool:
    """True on a PostgreSQL connection."""
    return getattr(conn, "dialect", "sqlite") != "sqlite"
