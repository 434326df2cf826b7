"""Stored decision grades: the scorecard's result of each decision and leg (at the default rules: 90
days when no horizon is stated, each market's benchmark, 5 sessions of staleness), kept instead of
recomputed on every page run. All of their SQL.

Tables (migration :func:`add_grades`):

- ``decision_grades``: one row per graded decision (its rule version, status, dates, returns, the
  closes' provenance ``real``/``illustrative``, and ``settled``: closed with every leg closed or held,
  so no later close can change it);
- ``leg_grades``: one row per leg of a graded decision (its trips as JSON, read only for one decision's
  detail);
- ``grade_tickers``: what each grade read (every ticker, its benchmark, ``basket:<id>``), to find the
  grades a change of prices, companies or baskets touches;
- ``grade_dirty``: what changed since the grades were kept up to date, written by triggers in the
  writer's own transaction (a ticker, ``basket:<id>``, or ``*``). While it holds anything the grades
  are not trusted: readers recompute, and the next upkeep regrades what it names.

A decision deleted, or its instruments, horizon or article's publish time, estimate flag or source
changed, loses its grade by trigger in the same transaction; a decision without a grade of the
current rules version is graded by the next upkeep (and recomputed by readers until then).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from newsdesk.db.read.sql import marks

if TYPE_CHECKING:
    import sqlite_utils

EVERYTHING = "*"
BASKET_PREFIX = "basket:"

_TABLES = (
    "CREATE TABLE IF NOT EXISTS decision_grades (decision_id TEXT PRIMARY KEY, article_id TEXT NOT NULL, "
    "position INTEGER NOT NULL, rules_version INTEGER NOT NULL, status TEXT NOT NULL, reason TEXT NOT NULL "
    "DEFAULT '', horizon_days INTEGER NOT NULL, horizon_defaulted INTEGER NOT NULL, pair INTEGER NOT NULL, "
    "entry_date TEXT, exit_date TEXT, return REAL, benchmark_return REAL, excess_return REAL, success INTEGER, "
    "closes TEXT NOT NULL DEFAULT '', settled INTEGER NOT NULL DEFAULT 0, categories TEXT NOT NULL DEFAULT '')",
    "CREATE INDEX IF NOT EXISTS idx_decision_grades_article ON decision_grades (article_id)",
    "CREATE TABLE IF NOT EXISTS leg_grades (decision_id TEXT NOT NULL, leg INTEGER NOT NULL, status TEXT NOT NULL, "
    "reason TEXT NOT NULL DEFAULT '', return REAL, benchmark_return REAL, excess_return REAL, entry_date TEXT, "
    "exit_date TEXT, open INTEGER NOT NULL DEFAULT 0, illustrative INTEGER NOT NULL DEFAULT 0, "
    "missing TEXT NOT NULL DEFAULT '[]', trips TEXT NOT NULL DEFAULT '[]', PRIMARY KEY (decision_id, leg)) "
    "WITHOUT ROWID",
    "CREATE TABLE IF NOT EXISTS grade_tickers (ticker TEXT NOT NULL, decision_id TEXT NOT NULL, "
    "PRIMARY KEY (ticker, decision_id)) WITHOUT ROWID",
    "CREATE INDEX IF NOT EXISTS idx_grade_tickers_decision ON grade_tickers (decision_id)",
    "CREATE TABLE IF NOT EXISTS grade_dirty (ticker TEXT PRIMARY KEY) WITHOUT ROWID",
)


def _forget(which: str) -> str:
    """The trigger body dropping the grades whose ``decision_id`` matches ``which`` (``= OLD.id``)."""
    return " ".join(
        f"DELETE FROM {t} WHERE decision_id {which};" for t in ("decision_grades", "leg_grades", "grade_tickers")
    )


_TRIGGERS = (
    f"CREATE TRIGGER IF NOT EXISTS grades_decision_deleted AFTER DELETE ON decisions BEGIN {_forget('= OLD.id')} END",
    f"CREATE TRIGGER IF NOT EXISTS grades_decision_changed AFTER UPDATE OF id, instruments, horizon_max_days, "
    f"published_at, article_id, position ON decisions BEGIN {_forget('= OLD.id')} END",
    "CREATE TRIGGER IF NOT EXISTS grades_article_changed AFTER UPDATE OF published_at, published_estimated, source "
    "ON articles WHEN OLD.published_at IS NOT NEW.published_at OR OLD.published_estimated IS NOT "
    "NEW.published_estimated OR OLD.source IS NOT NEW.source BEGIN "
    + _forget("IN (SELECT d.id FROM decisions d WHERE d.article_id = OLD.id)")
    + " END",
    *(  # the grade keeps its article's categories (the scorecard's groups): a change drops it
        f"CREATE TRIGGER IF NOT EXISTS grades_categories_{verb.split()[0].lower()} AFTER {verb} ON article_categories "
        f"WHEN EXISTS (SELECT 1 FROM decision_grades WHERE article_id = {row}.article_id) BEGIN "
        + _forget(f"IN (SELECT d.id FROM decisions d WHERE d.article_id = {row}.article_id)")
        + " END"
        for verb, row in (("INSERT", "NEW"), ("DELETE", "OLD"), ("UPDATE OF article_id, category, effective", "OLD"))
    ),
    *(
        f"CREATE TRIGGER IF NOT EXISTS grades_prices_{verb.lower()} AFTER {verb} ON prices BEGIN "
        + " ".join(f"INSERT OR IGNORE INTO grade_dirty (ticker) VALUES ({row}.ticker);" for row in rows)
        + " END"
        for verb, rows in (("INSERT", ("NEW",)), ("DELETE", ("OLD",)), ("UPDATE", ("OLD", "NEW")))
    ),
    *(
        f"CREATE TRIGGER IF NOT EXISTS grades_baskets_{verb.lower()} AFTER {verb} ON basket_members BEGIN "
        + " ".join(
            f"INSERT OR IGNORE INTO grade_dirty (ticker) VALUES ('{BASKET_PREFIX}' || {row}.basket_id);" for row in rows
        )
        + " END"
        for verb, rows in (("INSERT", ("NEW",)), ("DELETE", ("OLD",)), ("UPDATE", ("OLD", "NEW")))
    ),
    "CREATE TRIGGER IF NOT EXISTS grades_company_added AFTER INSERT ON companies BEGIN "
    "INSERT OR IGNORE INTO grade_dirty (ticker) VALUES (NEW.ticker); END",
    "CREATE TRIGGER IF NOT EXISTS grades_company_removed AFTER DELETE ON companies BEGIN "
    "INSERT OR IGNORE INTO grade_dirty (ticker) VALUES (OLD.ticker); END",
    "CREATE TRIGGER IF NOT EXISTS grades_company_moved AFTER UPDATE OF country, ticker ON companies "
    "WHEN OLD.country IS NOT NEW.country OR OLD.ticker IS NOT NEW.ticker BEGIN "
    "INSERT OR IGNORE INTO grade_dirty (ticker) VALUES (OLD.ticker); "
    "INSERT OR IGNORE INTO grade_dirty (ticker) VALUES (NEW.ticker); END",
)


def add_grades(db: sqlite_utils.Database) -> None:
    """Migration: the grade tables and the triggers that keep them honest. Nothing is graded here (the
    rules live outside the storage layer): readers recompute every ungraded decision until
    ``newsdesk rebuild-grades`` or the next upkeep (a price import, an ingest) grades them."""
    for sql in (*_TABLES, *_TRIGGERS):
        db.execute(sql)


# ------------------------------------------------------------------------------------------- writes

GRADE_COLUMNS = (
    "decision_id", "article_id", "position", "rules_version", "status", "reason", "horizon_days",
    "horizon_defaulted", "pair", "entry_date", "exit_date", "return", "benchmark_return", "excess_return",
    "success", "closes", "settled", "categories",
)  # fmt: skip
LEG_COLUMNS = (
    "decision_id", "leg", "status", "reason", "return", "benchmark_return", "excess_return", "entry_date",
    "exit_date", "open", "illustrative", "missing", "trips",
)  # fmt: skip


def _in_chunks(conn: sqlite3.Connection, sql: str, ids: Sequence[str]) -> None:
    for i in range(0, len(ids), 500):  # stay under SQLite's bound-parameter limit
        chunk = list(ids[i : i + 500])
        conn.execute(sql.format(marks=marks(chunk)), chunk)


def forget(conn: sqlite3.Connection, decision_ids: Sequence[str]) -> None:
    """Drop the grades of ``decision_ids`` (inside the caller's transaction)."""
    for table in ("decision_grades", "leg_grades", "grade_tickers"):
        _in_chunks(conn, f"DELETE FROM {table} WHERE decision_id IN ({{marks}})", decision_ids)  # constant names


def forget_all(conn: sqlite3.Connection) -> None:
    """Drop every grade and every mark of change (inside the caller's transaction)."""
    for table in ("decision_grades", "leg_grades", "grade_tickers", "grade_dirty"):
        conn.execute(f"DELETE FROM {table}")  # constant names


def store(
    conn: sqlite3.Connection,
    grades: Iterable[tuple[Any, ...]],
    legs: Iterable[tuple[Any, ...]],
    reads: Iterable[tuple[str, str]],
) -> None:
    """Insert (or replace) grade rows (:data:`GRADE_COLUMNS`), leg rows (:data:`LEG_COLUMNS`) and
    ``(ticker, decision_id)`` read rows, inside the caller's transaction."""
    conn.executemany(
        f"INSERT OR REPLACE INTO decision_grades ({', '.join(GRADE_COLUMNS)}) VALUES ({marks(GRADE_COLUMNS)})", grades
    )
    conn.executemany(
        f"INSERT OR REPLACE INTO leg_grades ({', '.join(LEG_COLUMNS)}) VALUES ({marks(LEG_COLUMNS)})", legs
    )
    conn.executemany("INSERT OR IGNORE INTO grade_tickers (ticker, decision_id) VALUES (?, ?)", reads)


def clear_dirty(conn: sqlite3.Connection, marks_seen: Iterable[str]) -> None:
    """Forget the marks of change an upkeep has handled."""
    conn.executemany("DELETE FROM grade_dirty WHERE ticker = ?", [(m,) for m in marks_seen])


# --------------------------------------------------------------------------------- what the upkeep reads


def dirty(conn: sqlite3.Connection) -> list[str]:
    """What changed since the grades were last kept up to date (tickers, ``basket:<id>``, ``*``)."""
    return [r[0] for r in conn.execute("SELECT ticker FROM grade_dirty ORDER BY ticker")]


def is_clean(conn: sqlite3.Connection) -> bool:
    """True when nothing the grades read has changed since their upkeep."""
    return bool(conn.execute("SELECT NOT EXISTS (SELECT 1 FROM grade_dirty)").fetchone()[0] == 1)


def touched_by(conn: sqlite3.Connection, changed: Sequence[str]) -> set[str]:
    """The graded decisions that read any of ``changed`` (tickers or ``basket:<id>``), and every graded
    decision that is not settled (an open or unscored grade also reads the table's latest close)."""
    out = {r[0] for r in conn.execute("SELECT decision_id FROM decision_grades WHERE settled = 0")}
    wanted = sorted(set(changed))
    for i in range(0, len(wanted), 500):
        chunk = wanted[i : i + 500]
        out.update(
            r[0] for r in conn.execute(f"SELECT decision_id FROM grade_tickers WHERE ticker IN ({marks(chunk)})", chunk)
        )
    return out


def all_ids(conn: sqlite3.Connection) -> list[str]:
    """Every decision's id, sorted."""
    return [r[0] for r in conn.execute("SELECT id FROM decisions ORDER BY id")]


def ungraded(conn: sqlite3.Connection, rules_version: int) -> list[str]:
    """Ids of the decisions with no grade of ``rules_version``."""
    return [
        r[0]
        for r in conn.execute(
            "SELECT d.id FROM decisions d LEFT JOIN decision_grades g ON g.decision_id = d.id "
            "WHERE g.decision_id IS NULL OR g.rules_version != ? ORDER BY d.id",
            [rules_version],
        )
    ]
