"""Reads for alerts: the rules, what is new for a rule, the fired events and their deliveries.

The rows a rule waits for are read through the filter bar's :func:`~newsdesk.db.read.filters.where`
(the rule's conditions are a :class:`Filters`), and only those the rule has not fired for yet.
A database from before the alert tables reads as holding no rule and no event.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from newsdesk.alerts.rules import Rule, RuleError, make_rule
from newsdesk.db.read.filters import where
from newsdesk.db.read.sql import rows
from newsdesk.domain.cells import decode_json
from newsdesk.domain.filters import Filters
from newsdesk.domain.legs import decode_legs

RULE_COLUMNS = "id, name, kind, conditions, notify, paused, starts_at"
ARTICLE_FIELDS = "a.id, a.title, a.source, a.url, a.published_at, a.sentiment, a.sentiment_label, a.impact"


def has_alert_tables(conn: sqlite3.Connection) -> bool:
    """True when the database has the alert tables (schema with alerts)."""
    return bool(conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alert_rules'").fetchone())


def rule_from_row(row: Sequence[Any]) -> Rule:
    """A stored row (:data:`RULE_COLUMNS`) as a :class:`Rule`; a stored condition this version no
    longer knows is dropped rather than breaking every read."""
    rule_id, name, kind, conditions, notify, paused, starts_at = row
    stored: dict[str, Any] = decode_json(conditions, {})
    data = {k: v for k, v in stored.items() if k in Rule.__dataclass_fields__}
    data.update(name=name, kind=kind, notify=decode_json(notify, []), paused=bool(paused), starts_at=starts_at)
    try:
        rule = make_rule(data)
    except RuleError:
        rule = Rule(name=name, kind=kind, paused=True, starts_at=starts_at or "")
    return replace(rule, id=rule_id)


def rules(conn: sqlite3.Connection, active_only: bool = False) -> list[Rule]:
    """Every stored rule by name (with ``active_only``: the ones not paused)."""
    if not has_alert_tables(conn):
        return []
    paused = " WHERE paused = 0" if active_only else ""
    cur = conn.execute(f"SELECT {RULE_COLUMNS} FROM alert_rules{paused} ORDER BY name COLLATE NOCASE", [])
    return [rule_from_row(r) for r in cur.fetchall()]


def _not_fired(alias: str, key: str, kind: str) -> str:
    return _not_fired_on(f"{alias}.{key}", kind)


def _not_fired_on(subject: str, kind: str) -> str:
    return (
        f"NOT EXISTS (SELECT 1 FROM alert_events e WHERE e.rule_id = ? AND e.subject = {subject} "
        f"AND e.kind = '{kind}')"
    )


# an article rule fires once per story (its first article's id; an article without a story is its own)
STORY_SUBJECT = "coalesce(a.story_id, a.id)"


def new_articles(conn: sqlite3.Connection, rule: Rule, filters: Filters, limit: int = 200) -> list[dict[str, Any]]:
    """Articles matching ``filters`` ingested since the rule started whose story the rule has not fired
    for (``story``: the subject; another outlet's version of a story fires nothing), oldest first (at
    most ``limit`` per check)."""
    clause, params = where(filters, "a")
    return rows(
        conn,
        f"SELECT {ARTICLE_FIELDS}, {STORY_SUBJECT} AS story FROM articles a WHERE {clause} AND a.ingested_at >= ? "
        f"AND {_not_fired_on(STORY_SUBJECT, 'article')} ORDER BY a.ingested_at, a.published_at LIMIT ?",
        [*params, rule.starts_at, rule.id, limit],
    )


def new_decisions(
    conn: sqlite3.Connection, rule: Rule, filters: Filters, kind: str = "decision", limit: int = 500
) -> list[dict[str, Any]]:
    """Decisions of articles matching ``filters`` (companies left to the caller, who matches the
    legs) ingested since the rule started, that the rule has not fired for as ``kind``; with their
    article's fields, decoded ``instruments`` and ``author`` (None where decisions have none)."""
    clause, params = where(replace(filters, companies=()), "a")
    found = rows(
        conn,
        f"SELECT d.id, d.article_id, d.text, d.instruments, d.horizon_min_days, d.horizon_max_days, "
        f"d.author AS author, {ARTICLE_FIELDS.replace('a.id, ', '')} FROM decisions d JOIN articles a "
        f"ON a.id = d.article_id WHERE {clause} AND a.ingested_at >= ? AND {_not_fired('d', 'id', kind)} "
        "ORDER BY a.ingested_at, d.article_id, d.position LIMIT ?",
        [*params, rule.starts_at if kind == "decision" else "", rule.id, limit],
    )
    for r in found:
        r["instruments"] = decode_legs(r["instruments"])
    return found


def decisions_with_horizon(
    conn: sqlite3.Connection,
    rule: Rule | None,
    filters: Filters,
    first: date | None,
    last: date,
    limit: int = 2000,
) -> list[dict[str, Any]]:
    """Decisions of articles matching ``filters`` (dates and companies left to the caller) whose
    horizon — the publish day plus the longest stated horizon — ends between ``first`` (None: any
    time before) and ``last``, soonest first; with a ``rule``, only those it has not fired for."""
    clause, params = where(replace(filters, companies=(), since=None, until=None), "a")
    # decisions first (CROSS JOIN): each carries its article's publish time, so the horizon test needs no article
    ends = "date(substr(d.published_at, 1, 10), '+' || coalesce(d.horizon_max_days, d.horizon_min_days) || ' days')"
    fired, fired_params = (f" AND {_not_fired('d', 'id', 'horizon')}", [rule.id]) if rule is not None else ("", [])
    found = rows(
        conn,
        f"SELECT d.id, d.article_id, d.text, d.instruments, d.horizon_min_days, d.horizon_max_days, "
        f"d.author AS author, {ARTICLE_FIELDS.replace('a.id, ', '')}, {ends} AS ends FROM decisions d "
        f"CROSS JOIN articles a ON a.id = d.article_id WHERE {clause} "
        f"AND coalesce(d.horizon_max_days, d.horizon_min_days) IS NOT NULL AND {ends} BETWEEN ? AND ?{fired} "
        "ORDER BY ends, d.published_at LIMIT ?",
        [*params, first.isoformat() if first else "", last.isoformat(), *fired_params, limit],
    )
    for r in found:
        r["instruments"] = decode_legs(r["instruments"])
    return found


def decision_rows(conn: sqlite3.Connection, ids: list[str]) -> dict[str, dict[str, Any]]:
    """Decisions by id with their article's fields and decoded ``instruments``."""
    if not ids:
        return {}
    found = rows(
        conn,
        f"SELECT d.id, d.article_id, d.text, d.instruments, d.author AS author, "
        f"{ARTICLE_FIELDS.replace('a.id, ', '')} FROM decisions d JOIN articles a ON a.id = d.article_id "
        f"WHERE d.id IN ({', '.join('?' for _ in ids)})",
        ids,
    )
    for r in found:
        r["instruments"] = decode_legs(r["instruments"])
    return {r["id"]: r for r in found}


def fired_subjects(conn: sqlite3.Connection, rule_id: int, kind: str) -> set[str]:
    """The subjects the rule has fired for as ``kind``."""
    cur = conn.execute("SELECT subject FROM alert_events WHERE rule_id = ? AND kind = ?", [rule_id, kind])
    return {r[0] for r in cur.fetchall()}


def daily_sentiment(conn: sqlite3.Connection, filters: Filters, end: date, days: int) -> list[tuple[str, int, float]]:
    """``(day, articles, sentiment_sum)`` per publish day of the articles matching ``filters`` over
    the ``days`` days up to ``end`` (real dates only)."""
    start = end - timedelta(days=days - 1)
    clause, params = where(replace(filters, since=start, until=end), "a")
    cur = conn.execute(
        f"SELECT substr(a.published_at, 1, 10) AS day, count(*), sum(a.sentiment) FROM articles a WHERE {clause} "
        "AND a.published_estimated = 0 AND a.sentiment IS NOT NULL GROUP BY day ORDER BY day",
        params,
    )
    return [(d, int(n), float(s)) for d, n, s in cur.fetchall()]


def last_day(conn: sqlite3.Connection, filters: Filters) -> date | None:
    """The last exact publish day among the articles matching ``filters``."""
    clause, params = where(filters, "a")
    row = conn.execute(
        f"SELECT max(a.published_at) FROM articles a WHERE {clause} AND a.published_estimated = 0", params
    ).fetchone()
    return date.fromisoformat(row[0][:10]) if row and row[0] else None


def events(conn: sqlite3.Connection, limit: int = 200, since: str | None = None) -> list[dict[str, Any]]:
    """Fired events newest first (``since``: fired at or after this ISO time), each with its
    delivery counts (``delivered``, ``failed``, ``pending``) and decoded ``detail``."""
    if not has_alert_tables(conn):
        return []
    cond, params = ("WHERE e.fired_at >= ?", [since]) if since else ("", [])
    found = rows(
        conn,
        "SELECT e.id, e.rule_name AS rule, e.kind, e.subject, e.title, e.occurred_at, e.fired_at, e.link, "
        "e.article_id, e.decision_id, e.detail, e.seen, "
        "(SELECT count(*) FROM alert_deliveries d WHERE d.event_id = e.id AND d.status = 'delivered') AS delivered, "
        "(SELECT count(*) FROM alert_deliveries d WHERE d.event_id = e.id AND d.status = 'failed') AS failed, "
        "(SELECT count(*) FROM alert_deliveries d WHERE d.event_id = e.id AND d.status IN ('pending', 'sending')) "
        f"AS pending FROM alert_events e {cond} ORDER BY e.fired_at DESC, e.id DESC LIMIT ?",
        [*params, limit],
    )
    for r in found:
        r["detail"] = decode_json(r["detail"], {})
    return found


def unseen_count(conn: sqlite3.Connection) -> int:
    """How many fired events nobody has marked seen (0 before the alert tables exist)."""
    if not has_alert_tables(conn):
        return 0
    return int(conn.execute("SELECT count(*) FROM alert_events WHERE seen = 0").fetchone()[0])


def failed_deliveries(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    """Deliveries that failed last time (rule, URL, attempts, error): retried on the next check."""
    if not has_alert_tables(conn):
        return []
    return rows(
        conn,
        "SELECT e.rule_name AS rule, d.url, d.attempts, d.last_error AS error FROM alert_deliveries d "
        "JOIN alert_events e ON e.id = d.event_id WHERE d.status = 'failed' ORDER BY d.id",
    )


def rule_stats(conn: sqlite3.Connection) -> dict[int, dict[str, Any]]:
    """Per rule id: how many events fired and when the last one did."""
    if not has_alert_tables(conn):
        return {}
    cur = conn.execute("SELECT rule_id, count(*), max(fired_at) FROM alert_events GROUP BY rule_id")
    return {r[0]: {"fired": r[1], "last_fired": r[2]} for r in cur.fetchall()}
