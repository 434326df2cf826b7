"""Alert rules, fired events and their deliveries: the tables and every write.

Exactly once: ``alert_events`` is UNIQUE on (rule, subject, kind), and an event and its delivery
rows are inserted in one ``BEGIN IMMEDIATE`` transaction, so two checks at once store an event
once. A delivery is *claimed* (status ``sending``, a claim token) in its own transaction before it
is sent, so two checks never send it twice; a claim older than :data:`STALE_CLAIM_S` (a check that
died mid-send) may be claimed again.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from newsdesk.db.read.alerts import RULE_COLUMNS, rule_from_row
from newsdesk.db.schema import inserted_id, transaction
from newsdesk.domain.identity import iso_utc

if TYPE_CHECKING:
    import sqlite_utils

    from newsdesk.alerts.rules import Rule

PENDING, SENDING, DELIVERED, FAILED = "pending", "sending", "delivered", "failed"
STALE_CLAIM_S = 900


def _now() -> str:
    return iso_utc(datetime.now(UTC))


def _rule_values(rule: Rule) -> list[Any]:
    return [rule.name, rule.kind, json.dumps(rule.conditions()), json.dumps(list(rule.notify)), int(rule.paused)]


def add_rule(db: sqlite_utils.Database, rule: Rule) -> int:
    """Store a new rule; raise :class:`~newsdesk.alerts.rules.RuleError` when the name is taken."""
    from newsdesk.alerts.rules import RuleError

    with transaction(db):
        if db.conn.execute("SELECT 1 FROM alert_rules WHERE name = ?", [rule.name]).fetchone():
            raise RuleError(f"a rule named {rule.name!r} exists: choose another name, or remove it first")
        cur = db.conn.execute(
            "INSERT INTO alert_rules (name, kind, conditions, notify, paused, created_at, starts_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [*_rule_values(rule), _now(), rule.starts_at],
        )
    return inserted_id(cur)


def update_rule(db: sqlite_utils.Database, rule_id: int, rule: Rule) -> None:
    """Replace a stored rule's name, kind, conditions, URLs and pause (its start and events stay)."""
    from newsdesk.alerts.rules import RuleError

    with transaction(db):
        taken = db.conn.execute("SELECT id FROM alert_rules WHERE name = ? AND id != ?", [rule.name, rule_id])
        if taken.fetchone():
            raise RuleError(f"a rule named {rule.name!r} exists: choose another name")
        db.conn.execute(
            "UPDATE alert_rules SET name = ?, kind = ?, conditions = ?, notify = ?, paused = ? WHERE id = ?",
            [*_rule_values(rule), rule_id],
        )
        # an undelivered event is no longer sent to a URL the rule dropped
        db.conn.execute(
            "DELETE FROM alert_deliveries WHERE status != 'delivered' AND event_id IN "
            f"(SELECT id FROM alert_events WHERE rule_id = ?) AND url NOT IN ({', '.join('?' for _ in rule.notify)})",
            [rule_id, *rule.notify],
        )


def set_paused(db: sqlite_utils.Database, name: str, paused: bool) -> bool:
    """Pause or resume the rule named ``name``; False when there is none."""
    with transaction(db):
        cur = db.conn.execute("UPDATE alert_rules SET paused = ? WHERE name = ?", [int(paused), name])
    return cur.rowcount > 0


def remove_rule(db: sqlite_utils.Database, name: str) -> bool:
    """Delete the rule named ``name`` with its events and deliveries; False when there is none."""
    with transaction(db):
        row = db.conn.execute("SELECT id FROM alert_rules WHERE name = ?", [name]).fetchone()
        if not row:
            return False
        db.conn.execute(
            "DELETE FROM alert_deliveries WHERE event_id IN (SELECT id FROM alert_events WHERE rule_id = ?)", [row[0]]
        )
        db.conn.execute("DELETE FROM alert_events WHERE rule_id = ?", [row[0]])
        db.conn.execute("DELETE FROM alert_rules WHERE id = ?", [row[0]])
    return True


def get_rule_by_name(conn: sqlite3.Connection, name: str) -> Rule | None:
    """The stored rule named ``name``, or None."""
    row = conn.execute(f"SELECT {RULE_COLUMNS} FROM alert_rules WHERE name = ?", [name]).fetchone()
    return rule_from_row(row) if row else None


def record_events(db: sqlite_utils.Database, events: list[Any], urls_of: dict[int, tuple[str, ...]]) -> list[Any]:
    """Store each event once (UNIQUE rule, subject, kind) with a pending delivery per URL of its rule
    (``urls_of``: rule id -> URLs); return the events this call stored (the newly fired ones)."""
    fired = []
    now = _now()
    with transaction(db):
        for e in events:
            cur = db.conn.execute(
                "INSERT OR IGNORE INTO alert_events (rule_id, rule_name, kind, subject, title, occurred_at, fired_at, "
                "link, article_id, decision_id, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    e.rule_id,
                    e.rule,
                    e.kind,
                    e.subject,
                    e.title,
                    e.occurred_at,
                    now,
                    e.link,
                    e.article_id,
                    e.decision_id,
                    json.dumps(e.detail, default=str),
                ],
            )
            if cur.rowcount != 1:
                continue
            db.conn.executemany(
                "INSERT OR IGNORE INTO alert_deliveries (event_id, url, status, updated_at) "
                "VALUES (?, ?, 'pending', ?)",
                [(cur.lastrowid, url, now) for url in urls_of.get(e.rule_id, ())],
            )
            fired.append(e)
    return fired


def claim_deliveries(db: sqlite_utils.Database) -> tuple[str, list[dict[str, Any]]]:
    """Claim every delivery due (pending, failed, or a stale claim) for this check; return the
    claim token and the claimed rows (``id``, ``url``, ``attempts``, and the event's columns)."""
    token = uuid.uuid4().hex
    now = datetime.now(UTC)
    stale = iso_utc(now - timedelta(seconds=STALE_CLAIM_S))
    with transaction(db):
        db.conn.execute(
            "UPDATE alert_deliveries SET status = 'sending', claim = ?, attempts = attempts + 1, updated_at = ? "
            "WHERE status IN ('pending', 'failed') OR (status = 'sending' AND updated_at < ?)",
            [token, iso_utc(now), stale],
        )
        cur = db.conn.execute(
            "SELECT d.id, d.url, d.attempts, e.id AS event_id, e.rule_name, e.kind, e.subject, e.title, e.occurred_at, "
            "e.link, e.article_id, e.decision_id, e.detail FROM alert_deliveries d JOIN alert_events e "
            "ON e.id = d.event_id WHERE d.claim = ? AND d.status = 'sending' ORDER BY d.id",
            [token],
        )
        cols = [c[0] for c in cur.description]
        rows = [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]
    return token, rows


def finish_delivery(db: sqlite_utils.Database, delivery_id: int, token: str, error: str | None) -> None:
    """Mark a claimed delivery delivered (``error`` None) or failed with its (masked) error."""
    with transaction(db):
        db.conn.execute(
            "UPDATE alert_deliveries SET status = ?, last_error = ?, updated_at = ?, claim = NULL "
            "WHERE id = ? AND claim = ?",
            [FAILED if error else DELIVERED, error, _now(), delivery_id, token],
        )


def mark_seen(db: sqlite_utils.Database) -> int:
    """Mark every fired event seen (the sidebar count goes to 0); return how many were unseen."""
    with transaction(db):
        cur = db.conn.execute("UPDATE alert_events SET seen = 1 WHERE seen = 0")
    return cur.rowcount
