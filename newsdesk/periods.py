"""Periods (day, week starting Monday, month) in one place: the SQL expression of a period's first
day, used by the store's triggers, the chart queries and the basket index, and the same in Python."""

from __future__ import annotations

from datetime import date, timedelta

GRAINS = ("day", "week", "month")
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
