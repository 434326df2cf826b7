"""What the database holds at a glance, and the version that keys the dashboard's caches."""

from __future__ import annotations

import sqlite3

from newsdesk.db.read.options import date_bounds


def data_version(conn: sqlite3.Connection) -> int:
    """A number that changes after every ingest (the last run id), for cache keys."""
    row = conn.execute("SELECT max(id) FROM ingest_runs").fetchone()
    return row[0] or 0


def stats(conn: sqlite3.Connection) -> dict:
    """Counts a user wants at a glance: articles, date range, labels, categories, decisions,
    sources, ingest runs and problems."""
    one = lambda sql: conn.execute(sql).fetchone()[0]  # noqa: E731
    lo, hi = date_bounds(conn)
    return {
        "articles": one("SELECT count(*) FROM articles"),
        "first_published": lo.isoformat() if lo else None,
        "last_published": hi.isoformat() if hi else None,
        "decisions": one("SELECT count(*) FROM decisions"),
        "categories": dict(
            conn.execute(
                "SELECT category, count(DISTINCT article_id) FROM article_categories WHERE effective = 1 "
                "GROUP BY category ORDER BY 2 DESC, 1"
            ).fetchall()
        ),
        "sentiment_labels": dict(
            conn.execute(
                "SELECT sentiment_label, count(*) FROM articles GROUP BY sentiment_label ORDER BY 2 DESC"
            ).fetchall()
        ),
        "sources": dict(
            conn.execute("SELECT source, count(*) FROM articles GROUP BY source ORDER BY 2 DESC, 1").fetchall()
        ),
        "ingest_runs": one("SELECT count(*) FROM ingest_runs"),
        "problems": one("SELECT count(*) FROM problems"),
    }
