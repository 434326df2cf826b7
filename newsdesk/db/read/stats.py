"""What the database holds at a glance, and the version that keys the dashboard's caches."""

from __future__ import annotations

import sqlite3
from datetime import date
from typing import Any

from newsdesk.domain.filters import parse_day


def data_version(conn: sqlite3.Connection) -> int:
    """A number that changes after every ingest (the last run id), for cache keys."""
    row = conn.execute("SELECT max(id) FROM ingest_runs").fetchone()
    return int(row[0] or 0)


def stats(conn: sqlite3.Connection) -> dict[str, Any]:
    """Counts a user wants at a glance: articles, date range (of real publish dates: an undated article
    stamped with its ingest time does not stretch it to today; ``estimated_dates`` counts those), labels,
    categories, decisions, sources, ingest runs and problems."""
    def one(sql: str) -> int:
        return int(conn.execute(sql).fetchone()[0])

    lo, hi = exact_date_bounds(conn)
    return {
        "articles": one("SELECT count(*) FROM articles"),
        "first_published": lo.isoformat() if lo else None,
        "last_published": hi.isoformat() if hi else None,
        "estimated_dates": one("SELECT count(*) FROM articles WHERE coalesce(published_estimated, 0) != 0"),
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


def exact_date_bounds(conn: sqlite3.Connection) -> tuple[date | None, date | None]:
    """The first and last publish day of the articles whose date is not an estimate (None, None for none);
    each walks the publish-time index from one end."""
    ask = (
        "SELECT published_at FROM articles WHERE published_at IS NOT NULL AND coalesce(published_estimated, 0) = 0 "
        "ORDER BY published_at {} LIMIT 1"
    )
    lo = conn.execute(ask.format("ASC")).fetchone()
    hi = conn.execute(ask.format("DESC")).fetchone()
    return (parse_day(lo[0]) if lo else None), (parse_day(hi[0]) if hi else None)
