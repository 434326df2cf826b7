"""Whether a decision's horizon, counted from its article's publish date, is still running."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta

from newsdesk.domain.cells import as_number  # not the impact module: its matchers cost every page start ~15 ms

OPEN, EXPIRED, NO_HORIZON = "open", "expired", "no horizon"


def horizon_status(published_at, horizon_max_days, today: date | None = None) -> tuple[str, date] | None:
    """``("open", end)`` when ``published_at`` + ``horizon_max_days`` falls after ``today`` (UTC
    today by default), ``("expired", end)`` otherwise; None when the decision states no horizon or
    the publish date is unreadable."""
    days = as_number(horizon_max_days)
    if days is None or not isinstance(published_at, str):
        return None
    try:
        start = date.fromisoformat(published_at.strip()[:10])
    except ValueError:
        return None
    end = start + timedelta(days=int(days))
    today = today or datetime.now(UTC).date()
    return (OPEN if end > today else EXPIRED), end


def statuses(published: Iterable, horizons: Iterable) -> list[str]:
    """The status (open / expired / no horizon) of each decision, given its article's publish time
    and its longest horizon in days. Decisions sharing a publish day and horizon share one answer,
    so 2,000 decisions cost a few hundred look-ups."""
    keys = [
        (str(p).strip()[:10], None if as_number(h) is None else h) for p, h in zip(published, horizons, strict=True)
    ]
    answers = {}
    for day, hi in set(keys):
        found = horizon_status(day, hi)
        answers[(day, hi)] = found[0] if found else NO_HORIZON
    return [answers[k] for k in keys]
