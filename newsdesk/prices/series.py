"""Closes in memory, with the look-ups the scorecard's rules are written in.

Dates are ``YYYY-MM-DD`` strings, which sort like the days they name, so every look-up is a bisection.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Mapping


class PriceSeries:
    """One ticker's daily closes, oldest first (one close per date)."""

    def __init__(self, ticker: str, dates: list[str], closes: list[float]) -> None:
        if len(dates) != len(closes):
            raise ValueError("dates and closes differ in length")
        self.ticker = ticker
        self.dates = dates
        self.closes = closes

    def __len__(self) -> int:
        return len(self.dates)

    def __repr__(self) -> str:
        span = f"{self.dates[0]}..{self.dates[-1]}" if self.dates else "empty"
        return f"PriceSeries({self.ticker!r}, {len(self)} closes, {span})"

    def first_after(self, day: str) -> int | None:
        """Index of the first close dated strictly after ``day``, or None."""
        i = bisect_right(self.dates, day)
        return i if i < len(self.dates) else None

    def first_on_or_after(self, day: str) -> int | None:
        """Index of the first close dated on or after ``day``, or None."""
        i = bisect_left(self.dates, day)
        return i if i < len(self.dates) else None

    def last_before(self, day: str) -> int | None:
        """Index of the last close dated strictly before ``day``, or None."""
        i = bisect_left(self.dates, day) - 1
        return i if i >= 0 else None

    def last_on_or_before(self, day: str) -> int | None:
        """Index of the last close dated on or before ``day``, or None."""
        i = bisect_right(self.dates, day) - 1
        return i if i >= 0 else None

    def index_of(self, day: str) -> int | None:
        """Index of the close dated exactly ``day``, or None."""
        i = bisect_left(self.dates, day)
        return i if i < len(self.dates) and self.dates[i] == day else None

    @property
    def latest_date(self) -> str | None:
        """The date of the newest close, or None for an empty series."""
        return self.dates[-1] if self.dates else None


class PriceBook(Mapping[str, PriceSeries]):
    """Every ticker's :class:`PriceSeries`, built from ``(ticker, date, close)`` rows in any order.

    When a (ticker, date) appears twice the first row wins, as in the readers.
    """

    def __init__(self, rows: Iterable[tuple[str, str, float]] = ()) -> None:
        grouped: dict[str, dict[str, float]] = {}
        for ticker, day, close in rows:
            grouped.setdefault(ticker, {}).setdefault(str(day)[:10], float(close))
        self._series = {
            ticker: PriceSeries(ticker, sorted(by_day), [by_day[d] for d in sorted(by_day)])
            for ticker, by_day in grouped.items()
        }

    def __getitem__(self, ticker: str) -> PriceSeries:
        return self._series[ticker]

    def __iter__(self) -> Iterator[str]:
        return iter(self._series)

    @property
    def latest_date(self) -> str | None:
        """The newest close of any ticker, or None for an empty book."""
        return max((s.dates[-1] for s in self._series.values() if len(s)), default=None)

    def __len__(self) -> int:
        return len(self._series)
