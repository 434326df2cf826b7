"""Articles: the newest of a view, and one article whole with everything stored about it.

Every query binds its values. JSON columns (``sentiment_terms``, ``impact_components``) come back
decoded, and a value that is not valid JSON decodes to an empty list or dict instead of raising.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from typing import Any

import pandas as pd

from newsdesk.db.read.filters import Plan, category_view, plan, where
from newsdesk.db.read.sql import frame, marks, rows
from newsdesk.db.read.stories import per_story_sql, story_columns, story_facts
from newsdesk.domain.cells import decode_json
from newsdesk.domain.filters import Filters

DEMO_SOURCE = "newsdesk demo desk"
RELATED_LIMIT = 8

CATEGORY_LIST = (
    "(SELECT group_concat(category, '; ') FROM (SELECT DISTINCT category FROM article_categories c "
    "WHERE c.article_id = {a}.id AND c.effective = 1 ORDER BY category))"
)
COMPANY_LIST = (
    "(SELECT group_concat(ticker, ', ') FROM (SELECT ticker FROM article_entities e WHERE e.article_id = {a}.id "
    "ORDER BY relevance DESC, ticker LIMIT 6))"
)
SCORED_LIST = (
    "(SELECT group_concat(category || ' (' || printf('%.2f', relevance) || ')', '; ') FROM "
    "(SELECT category, relevance FROM article_categories c WHERE c.article_id = {a}.id AND c.origin = 'scored' "
    "ORDER BY relevance DESC, category))"  # ties in name order, on either engine
)


# What an article table shows and needs (its link, its date's mark): not the bodies a full row carries
TABLE_COLUMNS = (
    "a.id, a.published_at, a.published_estimated, a.title, a.source, a.sentiment, a.sentiment_label, a.impact, "
    f"a.url, {CATEGORY_LIST.format(a='a')} AS categories, {COMPANY_LIST.format(a='a')} AS companies"
)


def articles(
    conn: sqlite3.Connection, filters: Filters = Filters(), limit: int | None = None, table: bool = False
) -> pd.DataFrame:
    """The filtered articles, newest first: every ``articles`` column plus ``categories``
    (distinct names joined with ``; ``), ``scored_categories`` and ``companies``. With ``table``: only
    :data:`TABLE_COLUMNS` (the same rows; a table of 1,000 rows read and cached without their bodies)."""
    columns = TABLE_COLUMNS if table else None
    if limit is None:
        return frame(conn, *articles_sql(filters, columns=columns))
    return frame(conn, *articles_sql(filters, limit, plan(filters, conn, newest=True), columns))


EXPORT_CHUNK = 2_000


def article_chunks(
    conn: sqlite3.Connection, filters: Filters = Filters(), size: int = EXPORT_CHUNK
) -> Iterator[pd.DataFrame]:
    """Every article of the view, newest first, as frames of at most ``size`` rows read from one
    cursor (memory bounded by ``size``, whatever the view's size): the columns of :func:`articles`
    plus ``decision_count`` and the story columns (``story_size``, ``story_outlets``,
    ``story_first_seen``, ``is_first_report``)."""
    columns = (
        f"a.*, {CATEGORY_LIST.format(a='a')} AS categories, {SCORED_LIST.format(a='a')} AS scored_categories, "
        f"{COMPANY_LIST.format(a='a')} AS companies, "
        "(SELECT count(*) FROM decisions d WHERE d.article_id = a.id) AS decision_count, "
        f"{story_columns('a')}"
    )
    cur = conn.execute(*articles_sql(filters, columns=columns))
    names = [d[0] for d in cur.description]
    while batch := cur.fetchmany(size):
        yield pd.DataFrame(batch, columns=names)


def articles_sql(
    filters: Filters, limit: int | None = None, how: Plan | None = None, columns: str | None = None
) -> tuple[str, list[Any]]:
    """The SQL and params of :func:`articles` following the plan ``how`` (:func:`plan` without
    measuring when not given). A topic view without source, company or text filters takes its
    newest ids from the category index alone and looks up only those articles; when the topics are
    dense (a large share of the articles), walking the articles newest first and checking each
    one's categories finds the first ``limit`` sooner. With ``filters.per_story``: one row per
    story (:func:`newsdesk.db.read.stories.per_story_sql`), with the story columns."""
    how = how or plan(filters)
    columns = columns or (
        f"a.*, {CATEGORY_LIST.format(a='a')} AS categories, {SCORED_LIST.format(a='a')} AS scored_categories, "
        f"{COMPANY_LIST.format(a='a')} AS companies"
    )
    if filters.per_story:
        return per_story_sql(filters, columns, limit)
    if filters.topics and limit is not None and how.dense:
        clause, params = where(filters, "a", topics_exist=True, text_walk=how.text_walk)
        sql = f"SELECT {columns} FROM articles a WHERE {clause} ORDER BY a.published_at DESC, a.id LIMIT ?"
        return sql, [*params, int(limit)]
    if how.topic_rows and limit is not None:
        view, params = category_view(filters)
        sql = (
            f"WITH ids AS (SELECT article_id, max(published_at) AS p FROM article_categories WHERE {view} "
            "GROUP BY article_id ORDER BY p DESC, article_id LIMIT ?) "
            f"SELECT {columns} FROM ids JOIN articles a ON a.id = ids.article_id ORDER BY a.published_at DESC, a.id"
        )
        return sql, [*params, int(limit)]
    clause, params = where(filters, "a", text_walk=how.text_walk)
    sql = f"SELECT {columns} FROM articles a WHERE {clause} ORDER BY a.published_at DESC, a.id"
    if limit is not None:
        sql += " LIMIT ?"
        params = [*params, int(limit)]
    return sql, params


def articles_by_id(conn: sqlite3.Connection, ids: list[str]) -> pd.DataFrame:
    """The given articles (with ``categories``), newest first."""
    if not ids:
        return articles(conn, Filters(), limit=0)
    sql = (
        f"SELECT a.*, {CATEGORY_LIST.format(a='a')} AS categories FROM articles a WHERE a.id IN ({marks(ids)}) "
        "ORDER BY a.published_at DESC"
    )
    return frame(conn, sql, ids)


def has_source(conn: sqlite3.Connection, source: str) -> bool:
    """True when some article comes from ``source``."""
    return conn.execute("SELECT 1 FROM articles WHERE source = ? LIMIT 1", [source]).fetchone() is not None


def has_other_source(conn: sqlite3.Connection, source: str) -> bool:
    """True when some article comes from another source than ``source``."""
    return conn.execute("SELECT 1 FROM articles WHERE source <> ? LIMIT 1", [source]).fetchone() is not None


def source_in_view(conn: sqlite3.Connection, filters: Filters, source: str) -> bool:
    """True when some article of the view comes from ``source``."""
    clause, params = where(filters, "a", topics_exist=True)
    sql = f"SELECT 1 FROM articles a WHERE a.source = ? AND {clause} LIMIT 1"
    return conn.execute(sql, [source, *params]).fetchone() is not None


def stale_ids(conn: sqlite3.Connection, version: str, everything: bool = False) -> list[str]:
    """Ids of the articles scored by another scorer version (all ids with ``everything``), oldest first."""
    if everything:
        return [r[0] for r in conn.execute("SELECT id FROM articles ORDER BY published_at")]
    return [
        r[0]
        for r in conn.execute("SELECT id FROM articles WHERE scorer_version IS NOT ? ORDER BY published_at", [version])
    ]


def newest_titles(conn: sqlite3.Connection, start: str, end: str, limit: int = 500) -> list[tuple[str, str]]:
    """``(published_at, title)`` of the ``limit`` newest articles published in ``start`` <= time <
    ``end`` (ISO timestamps), oldest first (ties in storage order)."""
    found = conn.execute(
        "SELECT published_at, title FROM articles WHERE published_at >= ? AND published_at < ? "
        "ORDER BY published_at DESC, rowid DESC LIMIT ?",
        [start, end, limit],
    ).fetchall()
    found.reverse()
    return found


def titles_from(conn: sqlite3.Connection, start: str, end: str, size: int = 1000) -> Iterator[tuple[str, str]]:
    """``(published_at, title)`` of every article published in ``start`` <= time < ``end``, oldest
    first (ties in storage order), read ``size`` rows at a time as they are consumed."""
    cur = conn.execute(
        "SELECT published_at, title FROM articles WHERE published_at >= ? AND published_at < ? "
        "ORDER BY published_at, rowid",
        [start, end],
    )
    try:
        while found := cur.fetchmany(size):
            yield from found
    finally:
        cur.close()


# ------------------------------------------------------------------ one article


def article(conn: sqlite3.Connection, article_id: str) -> dict[str, Any] | None:
    """The ``articles`` row of ``article_id`` as a dict, or None when there is no such article.

    ``sentiment_terms`` is decoded to a list of strings, ``impact_components`` to a dict, and
    ``published_estimated`` to a bool.
    """
    if not article_id:
        return None
    found = rows(conn, "SELECT * FROM articles WHERE id = ?", [str(article_id)])
    if not found:
        return None
    row = found[0]
    row["sentiment_terms"] = decode_json(row.get("sentiment_terms"), [])
    row["impact_components"] = decode_json(row.get("impact_components"), {})
    row["published_estimated"] = bool(row.get("published_estimated"))
    row.update(story_facts(conn, str(article_id)))
    return row


def article_categories(conn: sqlite3.Connection, article_id: str) -> pd.DataFrame:
    """The article's categories: ``category``, ``relevance`` (null when the source gave none),
    ``origin`` (``source`` or ``scored``) and ``effective`` (1 for the categories that define the
    article). Defining ones first, then the source's, then by relevance."""
    return frame(
        conn,
        "SELECT category, relevance, origin, effective FROM article_categories WHERE article_id = ? "
        "ORDER BY effective DESC, origin = 'source' DESC, relevance DESC, rowid",
        [str(article_id)],
    )


def article_companies(conn: sqlite3.Connection, article_id: str) -> pd.DataFrame:
    """The companies the article names (``article_entities``) with ``sector``, ``country`` and
    ``exchange`` from ``companies`` (null for a ticker not in the reference list), most relevant first."""
    return frame(
        conn,
        "SELECT e.ticker, coalesce(e.name, c.name) AS name, c.sector, c.country, c.exchange, e.mentions, "
        "e.relevance, e.sentiment FROM article_entities e LEFT JOIN companies c ON c.ticker = e.ticker "
        "WHERE e.article_id = ? ORDER BY e.relevance DESC, e.mentions DESC, e.ticker",
        [str(article_id)],
    )


def article_sources(conn: sqlite3.Connection, article_id: str) -> pd.DataFrame:
    """Every source that carried the story (``article_sources``): ``source``, ``url`` (empty when
    none), ``seen_at``, first seen first."""
    return frame(
        conn,
        "SELECT source, url, seen_at FROM article_sources WHERE article_id = ? ORDER BY seen_at, rowid",
        [str(article_id)],
    )


RELATED_SQL = """
WITH my_tickers AS (SELECT DISTINCT ticker FROM article_entities WHERE article_id = :id),
my_cats AS (SELECT DISTINCT category FROM article_categories WHERE article_id = :id AND effective = 1),
co AS (
  SELECT e.article_id, count(DISTINCT e.ticker) AS n, group_concat(DISTINCT e.name) AS names
  FROM article_entities e
  WHERE e.ticker IN (SELECT ticker FROM my_tickers) AND e.article_id != :id
  GROUP BY e.article_id
),
ca AS (
  SELECT c.article_id, count(DISTINCT c.category) AS n, group_concat(DISTINCT c.category) AS names
  FROM article_categories c
  WHERE c.effective = 1 AND c.category IN (SELECT category FROM my_cats) AND c.article_id != :id
  GROUP BY c.article_id
),
cand AS (SELECT article_id FROM co UNION SELECT article_id FROM ca)
SELECT a.id, a.title, a.source, a.published_at, a.impact, a.sentiment, a.sentiment_label,
       coalesce(co.n, 0) AS shared_companies, coalesce(ca.n, 0) AS shared_categories,
       2 * coalesce(co.n, 0) + coalesce(ca.n, 0) AS score,
       co.names AS company_names, ca.names AS category_names
FROM cand
JOIN articles a ON a.id = cand.article_id
LEFT JOIN co ON co.article_id = cand.article_id
LEFT JOIN ca ON ca.article_id = cand.article_id
{hidden}
ORDER BY score DESC, a.published_at DESC, a.id
LIMIT :limit
"""


def related(
    conn: sqlite3.Connection, article_id: str, limit: int = RELATED_LIMIT, hidden_sources: tuple[str, ...] = ()
) -> pd.DataFrame:
    """Other articles that share companies or defining categories with ``article_id``, ranked by
    ``score`` = 2 × shared companies + shared categories, then newest first.

    Columns: ``id``, ``title``, ``source``, ``published_at``, ``impact``, ``sentiment``,
    ``sentiment_label``, ``shared_companies``, ``shared_categories``, ``score``, ``company_names``
    and ``category_names`` (comma-joined, null when none). Articles of ``hidden_sources`` are left out.
    """
    named = {f"hidden{i}": source for i, source in enumerate(hidden_sources)}
    hidden = f"WHERE a.source NOT IN ({', '.join(':' + k for k in named)})" if named else ""
    sql = RELATED_SQL.replace("{hidden}", hidden)
    cur = conn.execute(sql, {"id": str(article_id), "limit": max(0, int(limit)), **named})
    cols = [d[0] for d in cur.description]
    return pd.DataFrame(cur.fetchall(), columns=cols)
