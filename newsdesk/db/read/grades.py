"""The stored decision grades (:mod:`newsdesk.db.grades`) as the scorecard reads them: a view's decisions
with their grades in one snapshot, one grade's trips, and whether the grades can be trusted."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import pandas as pd

from newsdesk.db.read.filters import author_clause, where
from newsdesk.db.read.prices import CATEGORIES_SQL, scorecard_decisions
from newsdesk.db.read.sql import and_day_range, marks, rows
from newsdesk.domain.filters import Filters


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


_LEG_SELECT = (
    "l.leg, l.status AS l_status, l.reason AS l_reason, l.return AS l_return, l.benchmark_return AS "
    "l_benchmark_return, l.excess_return AS l_excess_return, l.entry_date AS l_entry_date, l.exit_date AS "
    "l_exit_date, l.open, l.illustrative, l.missing"
)
_LEG_WIDTH = 11


def graded_view(
    conn: sqlite3.Connection,
    filters: Filters = Filters(),
    article_id: str | None = None,
    decision_ids: Sequence[str] | None = None,
) -> tuple[list[dict[str, Any]], list[tuple[Any, ...]]]:
    """The view's decisions, oldest article first, as :func:`~newsdesk.db.read.prices.scorecard_decisions`
    gives them (as dicts: no frame to build), with their stored grade's columns (``g_*``, NULL when
    ungraded; a grade keeps its article's categories, else they are read), and the leg rows of those grades
    without their trips: ``(decision_id, leg, status, reason, return, benchmark_return, excess_return,
    entry_date, exit_date, open, illustrative, missing)``. Walks the decisions in publish order
    (``idx_decisions_time``) within the view's dates, not every article, once: each grade's legs join it.
    ``decision_ids``: those decisions (of the view: its filters are not tested again, a topic's article set
    would be rebuilt per chunk), looked up by id in chunks, in the order given (the caller's publish order)."""
    if decision_ids is not None:
        return _graded_by_id(conn, decision_ids)
    clause, params = where(filters, "a")
    by_author, author_params = author_clause(filters)
    clause, params = clause + by_author, [*params, *author_params]
    if article_id is not None:
        clause, params = f"{clause} AND d.article_id = ?", [*params, str(article_id)]
        walk = "JOIN"
    else:  # the decisions' own copy of the publish time bounds the walk to the view's dates (v10)
        dates, date_params = and_day_range("d.published_at", filters.since, filters.until)
        clause, params = clause + dates, [*params, *date_params]
        walk = "INDEXED BY idx_decisions_time CROSS JOIN"  # constant SQL
    return _graded_rows(conn, walk, clause, params)


def _graded_rows(
    conn: sqlite3.Connection, walk: str, clause: str, params: list[Any]
) -> tuple[list[dict[str, Any]], list[tuple[Any, ...]]]:
    cursor = conn.execute(
        "SELECT d.article_id, d.position, d.id, coalesce(d.text, '') AS text, d.action, "
        "coalesce(d.instruments, '[]') AS instruments, d.horizon_max_days, a.published_at, "
        "coalesce(a.published_estimated, 0) AS published_estimated, a.source, a.title, d.author, "
        f"coalesce(g.categories, {CATEGORIES_SQL}, '') AS categories, {_GRADE_SELECT}, {_LEG_SELECT} "
        f"FROM decisions d {walk} articles a ON a.id = d.article_id "
        "LEFT JOIN decision_grades g ON g.decision_id = d.id LEFT JOIN leg_grades l ON l.decision_id = g.decision_id "
        f"WHERE {clause} ORDER BY d.published_at, d.article_id, d.position, l.leg",
        params,
    )
    width = len(cursor.description) - _LEG_WIDTH  # one row per leg (or one per ungraded decision)
    names = [c[0] for c in cursor.description[:width]]
    decisions: list[dict[str, Any]] = []
    legs: list[tuple[Any, ...]] = []
    last = None
    for row in cursor:  # one walk of the view's decisions: their legs come with them
        decision_id = row[2]
        if decision_id != last:
            decisions.append(dict(zip(names, row[:width], strict=True)))
            last = decision_id
        if row[width] is not None:
            legs.append((decision_id, *row[width:]))
    return decisions, legs


def _graded_by_id(
    conn: sqlite3.Connection, decision_ids: Sequence[str]
) -> tuple[list[dict[str, Any]], list[tuple[Any, ...]]]:
    """:func:`graded_view` of ``decision_ids``, in the order given."""
    found: dict[str, dict[str, Any]] = {}
    legs: dict[str, list[tuple[Any, ...]]] = {}
    for i in range(0, len(decision_ids), 500):  # stay under SQLite's bound-parameter limit
        chunk = list(decision_ids[i : i + 500])
        part, part_legs = _graded_rows(conn, "JOIN", f"d.id IN ({marks(chunk)})", chunk)
        found.update((str(row["id"]), row) for row in part)
        for leg in part_legs:
            legs.setdefault(str(leg[0]), []).append(leg)
    order = [str(i) for i in decision_ids if str(i) in found]
    return [found[i] for i in order], [leg for i in order for leg in legs.get(i, [])]


_OUTCOME_SELECT = (  # what the page's sums read of a grade (newsdesk.scorecard.summary.Graded)
    "g.rules_version, g.status, g.reason, g.excess_return, g.exit_date, a.source, d.author, d.action, "
    "coalesce(g.categories, {categories}, '') AS categories, g.horizon_days, g.horizon_defaulted, g.pair, g.closes"
)
_EXPOSURE_SELECT = (  # a leg grade row holds its trips: reading them is half the walk, so only when asked
    "CASE WHEN g.status IN ('closed', 'open') AND g.pair = 0 THEN coalesce(d.instruments, '[]') END AS instruments, "
    "CASE WHEN g.status IN ('closed', 'open') AND g.pair = 0 THEN (SELECT group_concat(l.leg) FROM leg_grades l "
    "WHERE l.decision_id = d.id AND l.excess_return IS NOT NULL) END AS used_legs"
)
OUTCOME_COLUMNS = (
    "id", "rules_version", "status", "reason", "excess_return", "exit_date", "source", "author", "action",
    "categories", "horizon_days", "horizon_defaulted", "pair", "closes", "instruments", "used_legs",
)  # fmt: skip


_TABLE_SELECT = (  # what the decisions table shows of a decision besides OUTCOME_COLUMNS (the newest few of them)
    "d.article_id, d.position, a.published_at, coalesce(d.text, '') AS text, coalesce(d.instruments, '[]') AS "
    "legs, g.entry_date, g.return, g.benchmark_return, g.success"
)
TABLE_COLUMNS = ("article_id", "position", "published_at", "text", "legs", "entry_date", "return", "benchmark_return",
                 "success")  # fmt: skip


def graded_outcomes(
    conn: sqlite3.Connection, filters: Filters = Filters(), exposures: bool = False, table: bool = False
) -> list[tuple[Any, ...]]:
    """One narrow row per decision of the view, in :func:`graded_view`'s order (the same walk), with what
    the Scorecard's groups, track records, curve and counts read of its stored grade
    (:data:`OUTCOME_COLUMNS`; the grade's columns NULL when it has none): no text, no legs. With
    ``exposures``, for a scored, unpaired grade the indexes of the legs its excess comes from
    (``used_legs``, comma-separated) and the instruments they index (else both NULL). With ``table``,
    then :data:`TABLE_COLUMNS` too (what the decisions table shows; ``legs``: the instruments): reading
    them on the walk costs less than looking the table's rows up again."""
    legs = _EXPOSURE_SELECT if exposures else "NULL AS instruments, NULL AS used_legs"
    shown = f", {_TABLE_SELECT}" if table else ""
    clause, params = where(filters, "a", id_of="d.article_id")  # topics tested before the article is read
    by_author, author_params = author_clause(filters)
    dates, date_params = and_day_range("d.published_at", filters.since, filters.until)
    return conn.execute(
        f"SELECT d.id, {_OUTCOME_SELECT.format(categories=CATEGORIES_SQL)}, {legs}{shown} FROM decisions d INDEXED "
        "BY idx_decisions_time CROSS JOIN articles a ON a.id = d.article_id LEFT JOIN decision_grades g ON "
        f"g.decision_id = d.id WHERE {clause}{by_author}{dates} ORDER BY d.published_at, d.article_id, d.position",
        [*params, *author_params, *date_params],
    ).fetchall()


def used_legs(conn: sqlite3.Connection, decision_ids: Sequence[str]) -> dict[str, str]:
    """Decision id -> the indexes of the legs its stored grade's excess comes from (comma-separated, as
    ``used_legs`` of :func:`graded_outcomes`), for those of ``decision_ids`` with any."""
    out: dict[str, str] = {}
    for i in range(0, len(decision_ids), 500):  # stay under SQLite's bound-parameter limit
        chunk = list(decision_ids[i : i + 500])
        out.update(
            (str(decision_id), str(used))
            for decision_id, used in conn.execute(
                "SELECT l.decision_id, group_concat(l.leg) FROM leg_grades l WHERE l.decision_id IN "
                f"({marks(chunk)}) AND l.excess_return IS NOT NULL GROUP BY l.decision_id",
                chunk,
            ).fetchall()
        )
    return out


def all_graded(conn: sqlite3.Connection, rules_version: int) -> bool:
    """True when every decision has a grade of ``rules_version`` (one pass over the grades' keys)."""
    return bool(
        conn.execute(
            "SELECT NOT EXISTS (SELECT 1 FROM decisions d LEFT JOIN decision_grades g ON g.decision_id = d.id "
            "WHERE g.decision_id IS NULL OR g.rules_version != ?)",
            [rules_version],
        ).fetchone()[0]
        == 1
    )


def top_movers(conn: sqlite3.Connection, filters: Filters, since_day: str, limit: int) -> list[dict[str, Any]]:
    """The stored grades of the view's decisions that are open or closed on or after ``since_day``, largest
    excess return (either sign) first, ties oldest article first as the scorecard lists them: ``article_id``,
    ``text``, ``status``, ``excess_return``, ``exit_date``. Starts from the grades (few are open or recent),
    not from every decision."""
    clause, params = where(filters, "a")
    by_author, author_params = author_clause(filters)
    return rows(
        conn,
        "SELECT d.article_id, d.text, g.status, g.excess_return, g.exit_date FROM decision_grades g "
        "CROSS JOIN decisions d ON d.id = g.decision_id CROSS JOIN articles a ON a.id = d.article_id "
        f"WHERE g.excess_return IS NOT NULL AND (g.status = 'open' OR g.exit_date >= ?) AND {clause}{by_author} "
        "ORDER BY abs(g.excess_return) DESC, d.published_at, d.article_id, d.position LIMIT ?",
        [since_day, *params, *author_params, limit],
    )


def leg_trips(conn: sqlite3.Connection, decision_id: str) -> dict[int, str]:
    """Leg index -> its trips (JSON text) of one stored grade."""
    return dict(conn.execute("SELECT leg, trips FROM leg_grades WHERE decision_id = ?", [decision_id]).fetchall())


def counts(conn: sqlite3.Connection) -> dict[str, int]:
    """How many grades, leg grades and marks of change are stored."""
    return {
        table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # constant names
        for table in ("decision_grades", "leg_grades", "grade_dirty")
    }
