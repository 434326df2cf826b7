"""Stories: what a story an article belongs to holds (size, outlets, first report) and its versions.

An article stored before story ids existed (``story_id`` NULL) is a story of its own.
"""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from typing import Any

import pandas as pd

from newsdesk.db.read.filters import cover_only, plan, where
from newsdesk.db.read.sql import frame, marks
from newsdesk.db.read.totals import kpis
from newsdesk.domain.filters import Filters

# the per-article story columns, as SQL over an ``articles`` alias (constant text, no user input)
STORY_COLUMNS = (
    "coalesce((SELECT count(*) FROM articles s WHERE s.story_id = {a}.story_id), 1) AS story_size, "
    "coalesce((SELECT count(DISTINCT s.source) FROM articles s WHERE s.story_id = {a}.story_id), 1) AS story_outlets, "
    "coalesce((SELECT min(s.published_at) FROM articles s WHERE s.story_id = {a}.story_id), {a}.published_at) "
    "AS story_first_seen, "
    "CASE WHEN {a}.story_id IS NULL OR {a}.id = (SELECT s.id FROM articles s WHERE s.story_id = {a}.story_id "
    "ORDER BY s.published_at, s.id LIMIT 1) THEN 1 ELSE 0 END AS is_first_report"
)


def story_count(conn: sqlite3.Connection, filters: Filters = Filters()) -> int:
    """How many distinct stories the articles of the view belong to (an article without a story id is
    a story of its own): over exactly the articles :func:`newsdesk.db.read.totals.kpis` counts (a view
    the derived totals answer leaves out estimated dates, as they do).

    A view the totals answer is counted without walking its articles: an article whose story id is its
    own (it opened its story) or none is a story of its own, so the count is the view's article count
    (from the totals) less its *followers* (articles in a story another article opened, found through
    their partial index, v21), plus the followers' stories whose opener is not in the view."""
    clause, params = where(filters, "a")
    dated = " AND {a}.published_at IS NOT NULL AND {a}.published_estimated = 0"
    distinct = f"SELECT count(DISTINCT coalesce(a.story_id, a.id)) FROM articles a WHERE {clause}"
    if not plan(filters).from_totals:
        return int(conn.execute(distinct, params).fetchone()[0] or 0)
    opener_clause, opener_params = where(filters, "o")
    try:
        followers, orphaned = conn.execute(
            "SELECT count(*), count(DISTINCT CASE WHEN NOT EXISTS (SELECT 1 FROM articles o WHERE o.id = a.story_id "
            f"AND (o.story_id IS NULL OR o.story_id = o.id) AND {opener_clause}{dated.format(a='o')}) "
            "THEN a.story_id END) FROM articles a INDEXED BY idx_articles_story_followers "  # the followers only
            f"WHERE a.story_id <> a.id AND {clause}{dated.format(a='a')}",
            [*opener_params, *params],
        ).fetchone()
    except sqlite3.OperationalError as exc:  # a file opened read-only before migration 21: no such index
        if "no such index" not in str(exc):
            raise
        return int(conn.execute(distinct + dated.format(a="a"), params).fetchone()[0] or 0)
    return int(kpis(conn, filters)["articles"]) - int(followers or 0) + int(orphaned or 0)


def tally(conn: sqlite3.Connection, source_like: str = "%") -> tuple[int, int]:
    """``(articles, distinct stories)`` of the articles whose source matches ``source_like`` (LIKE)."""
    row = conn.execute(
        "SELECT count(*), count(DISTINCT coalesce(story_id, id)) FROM articles WHERE source LIKE ?", [source_like]
    ).fetchone()
    return int(row[0]), int(row[1])


def story_columns(alias: str = "a") -> str:
    """:data:`STORY_COLUMNS` over the ``articles`` alias ``alias``."""
    return STORY_COLUMNS.format(a=alias)


def per_story_sql(filters: Filters, columns: str, limit: int | None = None) -> tuple[str, list[Any]]:
    """``SELECT {columns}`` (constant SQL over the alias ``a``) of one row per story of the view: its
    earliest article in view (the first report, unless a filter left that out; ties by id), with the
    story columns; newest first."""
    clause, params = where(filters, "a")
    if "story_size" not in columns:
        columns = f"{columns}, {story_columns('a')}"
    sql = (
        "WITH hits AS (SELECT a.id, row_number() OVER (PARTITION BY coalesce(a.story_id, a.id) "
        f"ORDER BY a.published_at, a.id) AS rn FROM articles a WHERE {clause}) "
        f"SELECT {columns} FROM hits h JOIN articles a ON a.id = h.id WHERE h.rn = 1 "
        "ORDER BY a.published_at DESC, a.id"
    )
    if limit is not None:
        sql += " LIMIT ?"
        params = [*params, int(limit)]
    return sql, params


def story_facts(conn: sqlite3.Connection, article_id: str) -> dict[str, Any]:
    """``story_id``, ``story_size``, ``story_outlets``, ``story_first_seen`` and ``is_first_report``
    of one article (empty when there is no such article)."""
    cur = conn.execute(f"SELECT a.story_id, {story_columns()} FROM articles a WHERE a.id = ?", [str(article_id)])
    row = cur.fetchone()
    if row is None:
        return {}
    out = dict(zip([d[0] for d in cur.description], row, strict=True))
    out["story_id"] = out["story_id"] or str(article_id)
    out["is_first_report"] = bool(out["is_first_report"])
    return out


def story_versions(conn: sqlite3.Connection, article_id: str) -> pd.DataFrame:
    """Every article of ``article_id``'s story (itself included), first report first: id, title,
    source, url, published_at."""
    return frame(
        conn,
        "SELECT s.id, s.title, s.source, s.url, s.published_at FROM articles a "
        "JOIN articles s ON s.story_id = a.story_id WHERE a.id = ? ORDER BY s.published_at, s.id",
        [str(article_id)],
    )


def latest_stories(conn: sqlite3.Connection, filters: Filters, limit: int = 8) -> pd.DataFrame:
    """The newest stories of the view, each once: per story, its earliest article in the view (the
    first report among them), with ``story_outlets`` (distinct sources of the whole story); newest
    story first (ties by story id). Columns: every ``articles`` column plus ``story_outlets``.

    A view of dates, labels, impact, the market flag and hidden sources (walking the covering index of
    those columns), or of those and topics that hold a large share of the articles, walks its articles newest first
    and stops once ``limit`` stories are found (:func:`_newest_stories`): the Overview's default view read
    all 5,000 high-impact articles of a quarter at a million articles, through 82,000 table rows. Any
    other view, or one with fewer stories than ``limit`` dated, collects every article of the view."""
    how = plan(filters, conn) if filters.topics else None
    dense = how is not None and how.dense and cover_only(replace(filters, topics=()))  # no rarer filter besides
    if cover_only(filters) or dense:
        picked = _newest_stories(conn, filters, limit, dense)
        if picked is not None:
            return _story_rows(conn, filters, picked)
    clause, params = where(filters, "a")
    sql = (
        f"WITH hits AS (SELECT a.id, coalesce(a.story_id, a.id) AS story, a.published_at FROM articles a "
        f"WHERE {clause}), "
        "picked AS (SELECT story, max(published_at) AS latest FROM hits GROUP BY story "
        "ORDER BY latest DESC, story LIMIT ?) "
        f"SELECT a.*, {OUTLETS} AS story_outlets FROM picked p JOIN articles a ON a.id = "
        "(SELECT h.id FROM hits h WHERE h.story = p.story ORDER BY h.published_at, h.id LIMIT 1) "
        "ORDER BY p.latest DESC, p.story"
    )
    return frame(conn, sql, [*params, int(limit)])


OUTLETS = "coalesce(nullif((SELECT count(DISTINCT s.source) FROM articles s WHERE s.story_id = a.story_id), 0), 1)"


def _newest_stories(conn: sqlite3.Connection, filters: Filters, limit: int, dense: bool) -> list[str] | None:
    """The ``limit`` stories of the view whose newest article is newest (ties by story id), found by
    walking the view's dated articles newest first: a story is first met at its newest article, so once
    ``limit`` stories are met, every story met later whose newest article is older ranks below them
    (those of the same time are still read). None when the walk ends with fewer (then undated
    articles may count)."""
    clause, params = where(filters, "a", topics_exist=dense)
    # every test of such a view reads the covering index (schema 22: the source for hidden sources, the id
    # for a dense view's topics), so only the articles in view are read from the table
    hint = " INDEXED BY idx_articles_published_cover"  # constant SQL
    cur = conn.execute(
        f"SELECT coalesce(a.story_id, a.id), a.published_at FROM articles a{hint} WHERE {clause} "
        "AND a.published_at IS NOT NULL ORDER BY a.published_at DESC",
        params,
    )
    latest: dict[str, str] = {}
    boundary = None
    while batch := cur.fetchmany(64):
        for story, published in batch:
            if boundary is not None and published < boundary:
                ranked = sorted(sorted(latest), key=lambda k: latest[k], reverse=True)  # ties by story id
                return ranked[:limit]
            if story not in latest:
                latest[story] = published
                if len(latest) == limit:
                    boundary = published
    return None


def _story_rows(conn: sqlite3.Connection, filters: Filters, stories: list[str]) -> pd.DataFrame:
    """Each story's earliest article in the view (ties by id) with ``story_outlets``, in the order of
    ``stories`` (story keys: a story id, or the id of an article without one)."""
    clause, params = where(filters, "a", topics_exist=True)  # a few rows each: test their topics one by one
    first = (
        f"SELECT id FROM (SELECT a.id, a.published_at FROM articles a WHERE a.story_id = ? AND {clause} "
        f"UNION ALL SELECT a.id, a.published_at FROM articles a WHERE a.id = ? AND a.story_id IS NULL AND {clause}) "
        "ORDER BY published_at, id LIMIT 1"
    )
    ids = [conn.execute(first, [story, *params, story, *params]).fetchone()[0] for story in stories]
    found = frame(conn, f"SELECT a.*, {OUTLETS} AS story_outlets FROM articles a WHERE a.id IN ({marks(ids)})", ids)
    order = {article_id: n for n, article_id in enumerate(ids)}
    return found.sort_values("id", key=lambda col: col.map(order)).reset_index(drop=True)
