"""Daily closing prices: read from files, fetch from the web, look up by the scorecard's rules.

A price is one :class:`PriceRow` (ticker, ``YYYY-MM-DD`` date, close > 0), the shape of the
``prices(ticker, date, close)`` table. Readers and fetchers return a :class:`PriceBatch` (the good
rows and a :class:`~newsdesk.domain.models.Problem` per bad row) and never raise on a bad row.

Modules: :mod:`.files` (CSV layouts), :mod:`.fetch` (URL template, yfinance), :mod:`.series`
(look-ups), :mod:`.benchmarks` (country -> benchmark), :mod:`.demo` (illustrative prices).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from newsdesk.domain.models import Problem
from newsdesk.errors import NewsdeskError

ILLUSTRATIVE_SOURCE = "illustrative"  # the source of the demo's generated closes (never market data)


class PriceRow(NamedTuple):
    """One daily close: ``ticker``, ``date`` as ``YYYY-MM-DD``, ``close`` (a positive float)."""

    ticker: str
    date: str
    close: float


@dataclass
class PriceBatch:
    """What a price reader or fetcher returns: good rows (sorted by ticker, date) and problems."""

    rows: list[PriceRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    format: str = ""
    notes: list[str] = field(default_factory=list)  # how the input was read (close column, date order, ticker)
    named_ticker: str | None = None  # the ticker taken from the file name, when it was

    def extend(self, other: PriceBatch) -> None:
        """Append another batch's rows and problems to this one."""
        self.rows.extend(other.rows)
        self.problems.extend(other.problems)
        self.notes.extend(other.notes)

    @property
    def tickers(self) -> list[str]:
        """The distinct tickers of the rows, sorted."""
        return sorted({row.ticker for row in self.rows})


class PriceSourceError(NewsdeskError):
    """A price source cannot be used at all (bad URL template, yfinance not installed, unknown layout)."""
