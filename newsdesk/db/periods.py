"""Periods (day, week starting Monday, month) in one place: the SQL expression of a period's first
day, used by the store's triggers, the chart queries and the basket index, and the same in Python."""

from __future__ import annotations

from datetime import date, timedelta

_START_SQL = {
    "day": "date({d})",
    "week": "date({d}, '-' || ((CAST(strftime('%w', {d}) AS INTEGER) + 6) % 7) || ' days')",
    "month": "(substr({d}, 1, 7) || '-01')",
}


def start_sql(grain: str, day: str) -> str:
    """SQL for the first day of the ``grain`` period holding the ``YYYY-MM-DD`` expression ``day``
    (a constant or a column name; never user input)."""
    return _START_SQL[grain].format(d=day)


def period_start(day: date, grain: str) -> date:
    """The first day of the week (Monday) or month holding ``day``."""
    return day - timedelta(days=day.weekday()) if grain == "week" else day.replace(day=1)


def next_period(start: date, grain: str) -> date:
    """The first day of the period after the one starting on ``start``."""
    if grain == "week":
        return start + timedelta(days=7)
    return (start.replace(day=28) + timedelta(days=4)).replace(day=1)


def split_range(
    lo: date | None, hi: date | None, grain: str
) -> tuple[tuple[date | None, date | None] | None, list[tuple[date | None, date | None]]]:
    """Cut the inclusive day range ``lo``..``hi`` (None: open) into whole ``grain`` periods and the
    days at its edges: ``((first, last), edges)`` where ``first``/``last`` are the first days of the
    first and last whole periods (None: open), or ``None`` when no whole period fits, and ``edges``
    lists the inclusive day ranges outside them. Raises ``OverflowError`` at the calendar's ends."""
    first = lo if lo is None or lo == period_start(lo, grain) else next_period(period_start(lo, grain), grain)
    last = None
    if hi is not None:
        last = period_start(hi, grain)
        if next_period(last, grain) - timedelta(days=1) > hi:
            last = period_start(last - timedelta(days=1), grain)
    if first is not None and last is not None and first > last:  # no whole period inside the range
        return None, [(lo, hi)]
    edges: list[tuple[date | None, date | None]] = []
    if first is not None and lo is not None and lo < first:
        edges.append((lo, first - timedelta(days=1)))
    if last is not None and hi is not None and next_period(last, grain) <= hi:
        edges.append((next_period(last, grain), hi))
    return (first, last), edges
