"""Story ids on articles: assignment at ingest, the rebuild, and the migration that adds them.

:mod:`newsdesk.score.stories` decides (pure); this module feeds it the stored articles of the open window
and writes ``articles.story_id``. An article's story id is kept once written (a re-ingest, a merge or
a rescore never moves it); only :func:`rebuild` recomputes every story from scratch.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from newsdesk.domain.cycles import no_cycle_collection
from newsdesk.domain.models import Article
from newsdesk.score.stories import DEFAULT, StoryConfig, StoryIndex

TICKERS = "(SELECT group_concat(e.ticker, ' ') FROM article_entities e WHERE e.article_id = articles.id)"
if TYPE_CHECKING:
    import sqlite_utils

WINDOW_SQL = (
    f"SELECT id, title, published_at, story_id, {TICKERS} FROM articles "
    "WHERE story_id IS NOT NULL AND published_at >= ? AND published_at <= ? ORDER BY published_at, id"
)
REBUILD_SQL = f"SELECT id, title, published_at, {TICKERS} FROM articles ORDER BY published_at, id"


def tickers(text: str | None) -> tuple[str, ...]:
    """The tickers of a space-separated list (as :data:`TICKERS` reads them)."""
    return tuple((text or "").split())


def epoch(published_at: str | None) -> float | None:
    """Seconds since the epoch of an ISO publish time, or None when there is none or it is unreadable."""
    if not published_at:
        return None
    try:
        return datetime.fromisoformat(published_at.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None


# the index of the last batch written by this process, per database file: (the max rowid expected
# once that batch is stored, its config, the index). A batch whose database still ends at that rowid
# continues from it instead of reading the window back (a rolled-back batch or another writer changes
# the max rowid, and the window is read again).
_CACHE: dict[str, tuple[int, StoryConfig, StoryIndex]] = {}


def _db_file(conn: sqlite3.Connection) -> str:
    url = getattr(conn, "url", None)  # a database on a server: its URL (SQLite's file list is empty there)
    if isinstance(url, str):
        return url
    for _, name, file in conn.execute("PRAGMA database_list"):
        if name == "main":
            return file or ""
    return ""


def assign(
    conn: sqlite3.Connection, articles: Iterable[Article], config: StoryConfig = DEFAULT, last_rowid: int | None = None
) -> dict[str, str]:
    """``{article id: story id}`` for new articles (not yet stored): each joins the best matching
    story open at its publish time (the stored articles of the window before it are read first,
    unless this process's index of the previous batch still matches the database) or opens its own.
    An article without a readable date opens its own story. ``last_rowid``: the database's max rowid
    before this batch (the batch's rows follow it), which lets the next batch reuse the index."""
    articles = list(articles)
    dated, out = [], {}
    for a in articles:
        at = epoch(a.published_at)
        if at is None:
            out[a.id] = a.id
        else:
            dated.append((at, a.id, a.title, None, tuple(e.ticker for e in a.entities)))
    if not dated:
        return out
    lo, hi = min(d[0] for d in dated), max(d[0] for d in dated)
    path = _db_file(conn)
    cached = _CACHE.pop(path, None)
    if cached and last_rowid is not None and cached[0] == last_rowid and cached[1] == config and lo >= cached[2].latest:
        index, stored = cached[2], []
    else:
        index, stored = StoryIndex(config), _window(conn, lo - config.window_hours * 3600.0, hi)
    with no_cycle_collection():  # the step makes many small objects and no cycles
        ordered = sorted(stored + dated, key=lambda t: (t[0], t[1]))
        out.update(index.feed((key, title, at, story, named) for at, key, title, story, named in ordered))
    if path and last_rowid is not None:
        _CACHE[path] = (last_rowid + len(articles), config, index)
    return out


def forget(conn: sqlite3.Connection) -> None:
    """Drop this process's cached index of the database (after its stories were recomputed)."""
    _CACHE.pop(_db_file(conn), None)


def _window(conn: sqlite3.Connection, start: float, end: float) -> list[tuple[Any, ...]]:
    out = []
    for key, title, published_at, story, named in conn.execute(WINDOW_SQL, [_bound(start), _bound(end, end=True)]):
        at = epoch(published_at)
        if at is not None and start <= at <= end:
            out.append((at, key, title, story, tickers(named)))
    return out


def _bound(seconds: float, end: bool = False) -> str:
    """A text bound for ``published_at`` (ISO text with any offset) one day wider than ``seconds``,
    so that text order never drops an article the exact check would keep."""
    day = 86400.0 * (1 if end else -1)
    return datetime.fromtimestamp(seconds + day, UTC).strftime("%Y-%m-%d")


def rebuild(conn: sqlite3.Connection, config: StoryConfig = DEFAULT, chunk: int = 5000) -> int:
    """Recompute every article's story from scratch, in publish order (ties by id), from titles and
    companies as at ingest; returns how many stories there are. Call inside a transaction."""
    index = StoryIndex(config)
    updates: list[tuple[str, str]] = []
    cur = conn.execute(REBUILD_SQL)
    undated = []
    with no_cycle_collection():
        while batch := cur.fetchmany(chunk):
            dated = []
            for key, title, published_at, named in batch:
                at = epoch(published_at)
                if at is None:
                    undated.append((key, key))
                else:
                    dated.append((key, title, at, None, tickers(named)))
            assigned = index.feed(dated)
            updates += [(assigned[key], key) for key, *_ in dated]
    updates += undated
    for n in range(0, len(updates), chunk):
        conn.executemany("UPDATE articles SET story_id = ? WHERE id = ?", updates[n : n + chunk])
    return len({story for story, _ in updates})


def add_story_ids(db: sqlite_utils.Database) -> None:
    """Migration: ``articles.story_id`` with its index, filled for the articles already stored
    (every story recomputed, so a database brought back to an older version upgrades cleanly)."""
    if "story_id" not in {row[1] for row in db.execute("PRAGMA table_info(articles)")}:
        db.execute("ALTER TABLE articles ADD COLUMN story_id TEXT")
    db.execute("CREATE INDEX IF NOT EXISTS idx_articles_story ON articles (story_id, published_at)")
    rebuild(db.conn)


# The articles that join a story another article opened (a story's id is its opener's id): the distinct
# stories of a view are its article count less what this index finds in the view, plus the stories of
# those whose opener is out of the view (v21). It holds only followers: none in the synthetic corpus,
# one per extra outlet's version of a story in a real feed.
FOLLOWERS_INDEX_SQL = (
    "CREATE INDEX IF NOT EXISTS idx_articles_story_followers ON articles (story_id) WHERE story_id <> id"
)


def add_followers_index(db: sqlite_utils.Database) -> None:
    """Migration 21: the partial index of :data:`FOLLOWERS_INDEX_SQL` (the Overview's story count)."""
    db.execute(FOLLOWERS_INDEX_SQL)
