"""Writing daily closes: one run per import; a stored (ticker, date) keeps its close, so the same file
imported twice adds 0.

A price import is recorded like an ingest: an ``ingest_runs`` row (source ``prices: <name>``; added,
duplicates, rejected) and one ``problems`` row per bad price row, all in one transaction. Each close
keeps its source (a file name, a URL template, ``yfinance``, ``illustrative``). Real closes win over
illustrative ones: a real import replaces the illustrative closes of the same ticker and date, and
illustrative closes never replace anything. A real close that differs from a stored real close by
more than :data:`SPLICE_TOLERANCE` is a :class:`Splice` (a split or dividend adjustment, or another
source): the ticker's stored closes are kept and none of its new ones are added (they would join two
differently adjusted series with a false step), unless ``replace`` asks for the ticker's whole series
to be replaced.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from newsdesk.db.engine import Connection
from newsdesk.db.schema import inserted_id, transaction
from newsdesk.db.writes import PROBLEM_INSERT_SQL, RUN_FINISH_SQL, RUN_INSERT_SQL, now_iso
from newsdesk.domain.models import Problem
from newsdesk.prices import ILLUSTRATIVE_SOURCE

if TYPE_CHECKING:
    from newsdesk.prices import PriceRow

RUN_PREFIX = "prices: "
SPLICE_TOLERANCE = 0.005  # stored and new closes further apart than 0.5 % are a splice
PRICE_INSERT_SQL = "INSERT OR IGNORE INTO prices (ticker, date, close, source) VALUES (?, ?, ?, ?)"
_REAL = "coalesce(p.source, '') != ?"
_STAGE_SQL = (
    "CREATE TEMP TABLE IF NOT EXISTS price_import (ticker TEXT NOT NULL, date TEXT NOT NULL, close REAL NOT NULL, "
    "PRIMARY KEY (ticker, date)) WITHOUT ROWID"
)
_STAGE_INSERT_SQL = "INSERT OR IGNORE INTO temp.price_import (ticker, date, close) VALUES (?, ?, ?)"
_SPLICE_SQL = (
    "SELECT i.ticker, i.date, i.close / p.close FROM temp.price_import i JOIN prices p "
    f"ON p.ticker = i.ticker AND p.date = i.date WHERE {_REAL} AND abs(i.close / p.close - 1) > ? "
    "ORDER BY i.ticker, i.date"
)
_REPLACE_SQL = (
    f"DELETE FROM prices AS p WHERE {_REAL} AND p.ticker IN (SELECT DISTINCT ticker FROM temp.price_import)"
)
_DROP_ILLUSTRATIVE_SQL = (
    "DELETE FROM prices AS p WHERE p.source = ? AND EXISTS "
    "(SELECT 1 FROM temp.price_import i WHERE i.ticker = p.ticker AND i.date = p.date)"
)
_HOLD_BACK_SQL = "DELETE FROM temp.price_import WHERE ticker = ?"
_MOVE_SQL = (
    "INSERT OR IGNORE INTO prices (ticker, date, close, source) SELECT ticker, date, close, ? FROM temp.price_import"
)


@dataclass
class Splice:
    """Stored real closes of one ticker that an import's closes differ from by more than
    :data:`SPLICE_TOLERANCE`: how many dates, which, and the median ratio new / stored."""

    ticker: str
    dates: int
    first_date: str
    last_date: str
    ratio: float
    held_back: int = 0  # the import's closes of this ticker left out (all of them)

    def describe(self) -> str:
        """``AAPL: 2,093 stored closes (2015-01-02 to 2020-06-10) differ ...; median ratio new/stored 0.2500``."""
        span = self.first_date if self.dates == 1 else f"{self.first_date} to {self.last_date}"
        return (
            f"{self.ticker}: {self.dates:,} stored close{'s' if self.dates != 1 else ''} ({span}) differ by more "
            f"than {SPLICE_TOLERANCE * 100:g} % from the new ones; median ratio new/stored "
            f"{self.ratio:.4f}{_split_hint(self.ratio)} (a constant ratio is a split or dividend adjustment)"
        )


def _split_hint(ratio: float) -> str:
    """`` = a 4:1 split`` when ``ratio`` is within 1 % of 1/k or k for a whole k from 2 to 20."""
    for k in range(2, 21):
        if abs(ratio * k - 1) < 0.01:
            return f" = a {k}:1 split"
        if abs(ratio / k - 1) < 0.01:
            return f" = a 1:{k} reverse split"
    return ""


@dataclass
class PriceWrite:
    """What one price write did: rows added, rows already stored (same ticker and date), rows rejected,
    illustrative closes replaced by real ones, stored real closes removed by ``replace``, and splices
    (whose tickers' closes were ``held_back``: neither added nor already stored)."""

    run_id: int
    added: int = 0
    duplicates: int = 0
    rejected: int = 0
    problems: list[Problem] = field(default_factory=list)
    illustrative_replaced: int = 0
    replaced: int = 0
    splices: list[Splice] = field(default_factory=list)

    @property
    def held_back(self) -> int:
        return sum(s.held_back for s in self.splices)

    def summary(self) -> str:
        held = f", {self.held_back:,} held back (a splice: see the warning)" if self.held_back else ""
        return f"{self.added} prices added, {self.duplicates} already stored, {self.rejected} rejected{held}"


def write_prices(
    db: Connection,
    rows: Iterable[PriceRow],
    problems: Iterable[Problem],
    source: str,
    replace: bool = False,
) -> PriceWrite:
    """Store ``rows`` and ``problems`` as one run in one transaction; ``source`` names the file, URL
    or generator (stored with each row; :data:`~newsdesk.prices.ILLUSTRATIVE_SOURCE` for the demo's).

    A stored (ticker, date) keeps its close, except that real closes replace illustrative ones.
    ``replace``: first remove every stored real close of the tickers in ``rows`` (their whole series
    becomes the new one). Splices (see :class:`Splice`) are reported, never written over: a spliced
    ticker's rows are held back whole."""
    problems = list(problems)
    staged = [(r.ticker, r.date, float(r.close)) for r in rows]
    illustrative = source == ILLUSTRATIVE_SOURCE
    conn = db.conn
    with transaction(db):
        run_id = inserted_id(conn.execute(RUN_INSERT_SQL, [now_iso(), RUN_PREFIX + source]))
        conn.execute(_STAGE_SQL)
        conn.execute("DELETE FROM temp.price_import")
        conn.executemany(_STAGE_INSERT_SQL, staged)
        result = PriceWrite(run_id, rejected=len(problems), problems=problems)
        if not illustrative:
            if replace:
                result.replaced = conn.execute(_REPLACE_SQL, [ILLUSTRATIVE_SOURCE]).rowcount
            else:
                result.splices = _splices(conn.execute(_SPLICE_SQL, [ILLUSTRATIVE_SOURCE, SPLICE_TOLERANCE]))
                for splice in result.splices:
                    splice.held_back = conn.execute(_HOLD_BACK_SQL, [splice.ticker]).rowcount
            result.illustrative_replaced = conn.execute(_DROP_ILLUSTRATIVE_SQL, [ILLUSTRATIVE_SOURCE]).rowcount
        result.added = conn.execute(_MOVE_SQL, [source]).rowcount  # the rows themselves, not the triggers' writes
        result.duplicates = len(staged) - result.added - result.held_back
        conn.execute("DELETE FROM temp.price_import")
        conn.executemany(PROBLEM_INSERT_SQL, [(run_id, p.source, p.locator, p.reason, p.raw) for p in problems])
        conn.execute(RUN_FINISH_SQL, [now_iso(), result.added, result.duplicates, result.rejected, run_id])
    return result


def _splices(found: Iterable[tuple[str, str, float]]) -> list[Splice]:
    by_ticker: dict[str, list[tuple[str, float]]] = {}
    for ticker, day, ratio in found:
        by_ticker.setdefault(ticker, []).append((day, ratio))
    return [
        Splice(ticker, len(items), items[0][0], items[-1][0], statistics.median(r for _, r in items))
        for ticker, items in sorted(by_ticker.items())
    ]
