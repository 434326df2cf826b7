"""The stored decision grades (:mod:`newsdesk.db.grades`) as the scorecard reads them: a view's decisions
with their grades in one snapshot, one grade's trips, and whether the grades can be trusted."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import pandas as pd

from newsdesk.db.read.filters import Filters, author_clause, where
from newsdesk.db.read.prices import scorecard_decisions


@contextmanager
def snapshot(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """Every read inside sees one snapshot of the database (a read transaction, ended on the way out)."""
    conn.execute("BEGIN")
    try:
        yield conn
    finally:
        conn.execute("ROLLBACK")


def decisions_by_id(conn: sqlite3.Connection, decision_ids: Sequence[str]) -> pd.DataFrame:
    """The scorecard's decision rows (:func:`newsdesk.db.read.prices.scorecard_decisions`) of ``decision_ids``."""
    parts = []
    for i in range(0, len(decision_ids), 500):
        chunk = list(decision_ids[i : i + 500])
        parts.append(scorecard_decisions(conn, Filters(), decision_ids=chunk))
    return pd.concat(parts, ignore_index=True) if parts else scorecard_decisions(conn, Filters(), decision_ids=[])


_GRADE_SELECT = (
    "g.rules_version AS g_rules_version, g.status AS g_status, g.reason AS g_reason, g.horizon_days AS "
    "g_horizon_days, g.horizon_defaulted AS g_horizon_defaulted, g.pair AS g_pair, g.entry_date AS g_entry_date, "
    "g.exit_date AS g_exit_date, g.return AS g_return, g.benchmark_return AS g_benchmark_return, g.excess_return AS "
    "g_excess_return, g.success AS g_success"
)


def graded_view(
    conn: sqlite3.Connection, filters: Filters = Filters(), article_id: str | None = None
) -> tuple[pd.DataFrame, list[tuple]]:
    """The view's decisions (as :func:`~newsdesk.db.read.prices.scorecard_decisions`) with their stored
    grade's columns (``g_*``, NULL when ungraded), and the leg rows of those grades without their trips:
    ``(decision_id, leg, status, reason, return, benchmark_return, excess_return, entry_date, exit_date,
    open, illustrative, missing)``. Read in one snapshot."""
    clause, params = where(filters, "a")
    by_author, author_params = author_clause(filters)
    clause, params = clause + by_author, [*params, *author_params]
    if article_id is not None:
        clause, params = f"{clause} AND d.article_id = ?", [*params, str(article_id)]
    decisions = scorecard_decisions(conn, filters, article_id, extra_select=_GRADE_SELECT,
                                    extra_join="LEFT JOIN decision_grades g ON g.decision_id = d.id")  # fmt: skip
    legs = conn.execute(
        "SELECT l.decision_id, l.leg, l.status, l.reason, l.return, l.benchmark_return, l.excess_return, "
        "l.entry_date, l.exit_date, l.open, l.illustrative, l.missing FROM decisions d "
        f"JOIN articles a ON a.id = d.article_id JOIN leg_grades l ON l.decision_id = d.id WHERE {clause} "
        "ORDER BY l.decision_id, l.leg",
        params,
    ).fetchall()
    return decisions, legs


def leg_trips(conn: sqlite3.Connection, decision_id: str) -> dict[int, str]:
    """Leg index -> its trips (JSON text) of one stored grade."""
    return dict(conn.execute("SELECT leg, trips FROM leg_grades WHERE decision_id = ?", [decision_id]).fetchall())


def counts(conn: sqlite3.Connection) -> dict[str, int]:
    """How many grades, leg grades and marks of change are stored."""
    return {
        table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # constant names
        for table in ("decision_grades", "leg_grades", "grade_dirty")
    }
