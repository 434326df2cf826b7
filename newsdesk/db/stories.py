"""Story ids on articles: assignment at ingest, the rebuild, and the migration that adds them.

:mod:`newsdesk.stories` decides (pure); this module feeds it the stored articles of the open window
and writes ``articles.story_id``. An article's story id is kept once written (a re-ingest, a merge or
a rescore never moves it); only :func:`rebuild` recomputes every story from scratch.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from datetime import UTC, datetime

from newsdesk.models import Article
from newsdesk.stories import DEFAULT, StoryConfig, StoryIndex

WINDOW_SQL = (
    "SELECT id, title, published_at, story_id FROM articles "
    "WHERE story_id IS NOT NULL AND published_at >= ? AND published_at <= ? ORDER BY published_at, id"
)


def epoch(published_at: str | None) -> float | None:
    """Seconds since the epoch of an ISO publish time, or None when there is none or it is unreadable."""
    if not published_at:
        return None
    try:
        return datetime.fromisoformat(published_at.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None


def assign(conn: sqlite3.Connection, articles: Iterable[Article], config: StoryConfig = DEFAULT) -> dict[str, str]:
    """``{article id: story id}`` for new articles (not yet stored): each joins the best matching
    story open at its publish time (the stored articles of the quiet window before it are read
    first) or opens its own. An article without a readable date opens its own story."""
    dated, out = [], {}
    for a in articles:
        at = epoch(a.published_at)
        if at is None:
            out[a.id] = a.id
        else:
            dated.append((at, a.id, a.title, None))
    if not dated:
        return out
    lo, hi = min(d[0] for d in dated), max(d[0] for d in dated)
    start = lo - config.window_hours * 3600.0
    stored = []
    for key, title, published_at, story in conn.execute(WINDOW_SQL, [_bound(start), _bound(hi, end=True)]):
        at = epoch(published_at)
        if at is not None and start <= at <= hi:
            stored.append((at, key, title, story))
    index = StoryIndex(config)
    for at, key, title, story in sorted(stored + dated, key=lambda t: (t[0], t[1])):
        if story is not None:
            index.seed(key, title, at, story)
        else:
            out[key] = index.assign(key, title, at)
    return out


def _bound(seconds: float, end: bool = False) -> str:
    """A text bound for ``published_at`` (ISO text with any offset) one day wider than ``seconds``,
    so that text order never drops an article the exact check would keep."""
    day = 86400.0 * (1 if end else -1)
    return datetime.fromtimestamp(seconds + day, UTC).strftime("%Y-%m-%d")


def rebuild(conn: sqlite3.Connection, config: StoryConfig = DEFAULT, chunk: int = 5000) -> int:
    """Recompute every article's story from scratch, in publish order (ties by id); returns how many
    stories there are. Call inside a transaction."""
    index = StoryIndex(config)
    updates: list[tuple[str, str]] = []
    cur = conn.execute("SELECT id, title, published_at FROM articles ORDER BY published_at, id")
    undated = []
    while batch := cur.fetchmany(chunk):
        for key, title, published_at in batch:
            at = epoch(published_at)
            if at is None:
                undated.append((key, key))
            else:
                updates.append((index.assign(key, title, at), key))
    updates += undated
    for n in range(0, len(updates), chunk):
        conn.executemany("UPDATE articles SET story_id = ? WHERE id = ?", updates[n : n + chunk])
    return len({story for story, _ in updates})


def add_story_ids(db) -> None:
    """Migration: ``articles.story_id`` with its index, filled for the articles already stored
    (every story recomputed, so a database brought back to an older version upgrades cleanly)."""
    if "story_id" not in {row[1] for row in db.execute("PRAGMA table_info(articles)")}:
        db.execute("ALTER TABLE articles ADD COLUMN story_id TEXT")
    db.execute("CREATE INDEX IF NOT EXISTS idx_articles_story ON articles (story_id, published_at)")
    rebuild(db.conn)
