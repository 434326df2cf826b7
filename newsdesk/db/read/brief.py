"""Reads for the morning brief: the window's top stories (each once) with their outlets, its new decisions,
the decisions with a stated horizon, and the daily sentiment a sparkline draws."""

from __future__ import annotations

import sqlite3
from typing import Any

from newsdesk.db.read.filters import where
from newsdesk.db.read.sql import rows
from newsdesk.domain.filters import Filters
from newsdesk.domain.legs import decode_legs


def top_stories(conn: sqlite3.Connection, filters: Filters, limit: int = 10) -> list[dict[str, Any]]:
    """The window's stories by impact (the highest impact of their articles in the window first), each
    once: ``id``, ``title``, ``source``, ``published_at``, ``sentiment``, ``sentiment_label`` of its
    earliest article in the window; ``impact`` (the story's highest in the window); ``story_id``;
    ``story_size`` (articles in the whole story); ``outlets`` (every source that carried the story, its
    merged copies too, first seen first); ``first_source`` and ``first_seen`` (the story's first report,
    which may be older than the window)."""
    clause, params = where(filters, "a")
    found = rows(
        conn,
        "WITH hits AS (SELECT a.id, coalesce(a.story_id, a.id) AS story, a.published_at, a.impact FROM articles a "
        f"WHERE {clause} AND a.impact IS NOT NULL), "
        "ranked AS (SELECT story, max(impact) AS top, max(published_at) AS latest FROM hits GROUP BY story "
        "ORDER BY top DESC, latest DESC, story LIMIT ?), "
        "picked AS (SELECT r.story, r.top, r.latest, (SELECT h.id FROM hits h WHERE h.story = r.story "
        "ORDER BY h.published_at, h.id LIMIT 1) AS id FROM ranked r) "
        "SELECT a.id, a.title, a.source, a.published_at, p.top AS impact, a.sentiment, a.sentiment_label, "
        "p.story AS story_id, "
        "(SELECT count(*) FROM articles x WHERE x.story_id = p.story OR x.id = p.story) AS story_size, "
        "(SELECT group_concat(source, '|') FROM (SELECT s.source FROM articles x JOIN article_sources s "
        "ON s.article_id = x.id WHERE x.story_id = p.story OR x.id = p.story GROUP BY s.source "
        "ORDER BY min(x.published_at), min(s.seen_at), s.source)) AS outlets, "
        "(SELECT x.source || '|' || x.published_at FROM articles x WHERE x.story_id = p.story OR x.id = p.story "
        "ORDER BY x.published_at, x.id LIMIT 1) AS first_report "
        "FROM picked p JOIN articles a ON a.id = p.id ORDER BY p.top DESC, p.latest DESC, p.story",
        [*params, limit],
    )
    for r in found:
        r["outlets"] = [s for s in (r["outlets"] or r["source"] or "").split("|") if s]
        first_source, _, first_seen = (r.pop("first_report") or f"{r['source']}|{r['published_at']}").rpartition("|")
        r["first_source"], r["first_seen"] = first_source or r["source"], first_seen or r["published_at"]
    return found


def _decision_select(conn: sqlite3.Connection) -> str:
    return (
        "SELECT d.id, d.article_id, d.text, d.instruments, d.horizon_min_days, d.horizon_max_days, "
        "d.author AS author, a.title, a.source, a.published_at FROM decisions d JOIN articles a ON a.id = d.article_id"
    )


def _decoded(found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    for r in found:
        r["instruments"] = decode_legs(r["instruments"])
    return found


def window_decisions(conn: sqlite3.Connection, filters: Filters, limit: int = 50) -> list[dict[str, Any]]:
    """Decisions of the window's articles, newest article first, with decoded ``instruments`` and
    ``author`` (None where decisions carry none)."""
    clause, params = where(filters, "a")
    return _decoded(
        rows(
            conn,
            f"{_decision_select(conn)} WHERE {clause} ORDER BY a.published_at DESC, d.article_id, d.position LIMIT ?",
            [*params, limit],
        )
    )
