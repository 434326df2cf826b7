"""Writing daily closes: one run per import, insert-or-ignore so the same file imported twice adds 0.

A price import is recorded like an ingest: an ``ingest_runs`` row (source ``prices: <name>``; added,
duplicates, rejected) and one ``problems`` row per bad price row, all in one transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from newsdesk.db.schema import transaction
from newsdesk.db.writes import PROBLEM_INSERT_SQL, RUN_FINISH_SQL, RUN_INSERT_SQL, now_iso
from newsdesk.models import Problem

if TYPE_CHECKING:
    import sqlite_utils

    from newsdesk.prices import PriceRow

RUN_PREFIX = "prices: "
PRICE_INSERT_SQL = "INSERT OR IGNORE INTO prices (ticker, date, close, source) VALUES (?, ?, ?, ?)"


@dataclass
class PriceWrite:
    """What one price write did: rows added, rows already stored (same ticker and date), rows rejected."""

    run_id: int
    added: int = 0
    duplicates: int = 0
    rejected: int = 0
    problems: list[Problem] = field(default_factory=list)

    def summary(self) -> str:
        return f"{self.added} prices added, {self.duplicates} already stored, {self.rejected} rejected"


def write_prices(
    db: sqlite_utils.Database, rows: Iterable[PriceRow], problems: Iterable[Problem], source: str
) -> PriceWrite:
    """Store ``rows`` (a stored (ticker, date) keeps its close) and ``problems`` as one run in one
    transaction; ``source`` names the file, URL or generator (stored with each row)."""
    problems = list(problems)
    rows = [(r.ticker, r.date, float(r.close), source) for r in rows]
    conn = db.conn
    with transaction(db):
        run_id = conn.execute(RUN_INSERT_SQL, [now_iso(), RUN_PREFIX + source]).lastrowid
        before = conn.total_changes
        conn.executemany(PRICE_INSERT_SQL, rows)
        added = conn.total_changes - before
        conn.executemany(PROBLEM_INSERT_SQL, [(run_id, p.source, p.locator, p.reason, p.raw) for p in problems])
        result = PriceWrite(run_id, added, len(rows) - added, len(problems), problems)
        conn.execute(RUN_FINISH_SQL, [now_iso(), result.added, result.duplicates, result.rejected, run_id])
    return result
