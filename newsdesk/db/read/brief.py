"""Reads for the morning brief: the window's top stories with their outlets, its new decisions,
the decisions with a stated horizon, and the daily sentiment a sparkline draws."""

from __future__ import annotations

import sqlite3
from typing import Any

from newsdesk.db.read.filters import Filters, where
from newsdesk.db.read.sql import decode_json, rows


def top_stories(conn: sqlite3.Connection, filters: Filters, limit: int = 10) -> list[dict[str, Any]]:
    """The window's articles by impact (highest first): ``id``, ``title``, ``source``,
    ``published_at``, ``impact``, ``sentiment``, ``sentiment_label`` and ``outlets`` (every source
    that carried the story, first seen first)."""
    clause, params = where(filters, "a")
    found = rows(
        conn,
        "SELECT a.id, a.title, a.source, a.published_at, a.impact, a.sentiment, a.sentiment_label, "
        "(SELECT group_concat(source, '|') FROM (SELECT DISTINCT s.source FROM article_sources s "
        "WHERE s.article_id = a.id ORDER BY s.seen_at)) AS outlets "
        f"FROM articles a WHERE {clause} AND a.impact IS NOT NULL ORDER BY a.impact DESC, a.published_at DESC LIMIT ?",
        [*params, limit],
    )
    for r in found:
        r["outlets"] = [s for s in (r["outlets"] or r["source"] or "").split("|") if s]
    return found


def _decision_select(conn: sqlite3.Connection) -> str:
    return (
        "SELECT d.id, d.article_id, d.text, d.instruments, d.horizon_min_days, d.horizon_max_days, "
        "d.author AS author, a.title, a.source, a.published_at FROM decisions d JOIN articles a ON a.id = d.article_id"
    )


def _decoded(found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    for r in found:
        r["instruments"] = decode_json(r["instruments"], [])
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
