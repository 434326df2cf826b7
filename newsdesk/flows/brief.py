"""The morning brief: what happened in a window (default the last 24 hours), on one page.

:func:`build_brief` gathers the figures — the KPIs and their change against the window before,
What moved, the top stories by impact (each story once, with its outlets and first report), the
new decisions with their exposures (and authors where decisions carry one), the decisions whose
horizon ends within 7 days, the biggest scorecard movers, and the alerts fired — into a
:class:`Brief`; :mod:`~newsdesk.flows.brief_render` writes it as Markdown (for Slack or e-mail) or as
one offline HTML file. The demo corpus is left out while the database also holds real articles, as
on the dashboard.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta

from newsdesk.alerts.events import article_link
from newsdesk.db.read import alerts as alert_reads
from newsdesk.db.read import brief as reads
from newsdesk.db.read.stories import story_count
from newsdesk.db.read.timeline import what_moved
from newsdesk.db.read.totals import kpis, previous_period
from newsdesk.domain.filters import Filters, parse_day
from newsdesk.domain.identity import iso_utc
from newsdesk.domain.legs import exposure_text
from newsdesk.errors import FilterError
from newsdesk.flows.alerts import hidden_sources

log = logging.getLogger(__name__)
__all__ = ["Brief", "build_brief", "parse_window"]
HORIZON_DAYS = 7
SPARK_DAYS = 30
UNITS = {"h": 1, "d": 24, "w": 24 * 7}


@dataclass
class Brief:
    """The brief's figures (plain values: the renderers never read the database)."""

    title: str
    since: date
    until: date
    kpis: dict
    before: dict | None
    spark: list[tuple[str, float | None]] = field(default_factory=list)
    moved: list[dict] = field(default_factory=list)
    stories: list[dict] = field(default_factory=list)
    decisions: list[dict] = field(default_factory=list)
    horizons: list[dict] = field(default_factory=list)
    movers: list[dict] = field(default_factory=list)
    alerts: list[dict] = field(default_factory=list)
    demo: bool = False
    generated_at: str = ""


def parse_window(text: str, now: datetime | None = None) -> datetime:
    """The window's start: ``24h``, ``3d``, ``1w`` before ``now``, or a day ``YYYY-MM-DD``; raise
    :class:`FilterError` otherwise."""
    now = now or datetime.now(UTC)
    value = str(text or "").strip().lower()
    match = re.fullmatch(r"(\d{1,4})\s*([hdw])", value)
    if match:
        return now - timedelta(hours=int(match.group(1)) * UNITS[match.group(2)])
    try:
        day = parse_day(value, "--since")
    except FilterError:
        raise FilterError(f"--since {text!r}: use 24h, 3d, 1w or a day YYYY-MM-DD") from None
    if day is None:
        raise FilterError("--since needs a value: 24h, 3d, 1w or a day YYYY-MM-DD")
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def _spark(conn, filters: Filters, end: date) -> list[tuple[str, float | None]]:
    """Mean sentiment per day over the :data:`SPARK_DAYS` days up to ``end`` (None: no article)."""
    days = {d: s / n for d, n, s in alert_reads.daily_sentiment(conn, replace(filters, since=None), end, SPARK_DAYS)}
    start = end - timedelta(days=SPARK_DAYS - 1)
    return [
        ((start + timedelta(days=i)).isoformat(), days.get((start + timedelta(days=i)).isoformat()))
        for i in range(SPARK_DAYS)
    ]


def _movers(conn, filters: Filters, since: date, limit: int = 5) -> list[dict]:
    """The open decisions and those closed in the window with the largest excess return (either sign)."""
    from newsdesk.db.read.prices import price_count
    from newsdesk.flows import grades
    from newsdesk.flows.prices import run_scorecard

    if not price_count(conn):  # no closes: no decision can be scored
        return []
    view = Filters(hidden_sources=filters.hidden_sources)
    stored = grades.movers(conn, view, since.isoformat(), limit)  # one query while the grades are current
    if stored is not None:
        return stored
    try:
        results = run_scorecard(conn, view)
    except Exception as exc:  # noqa: BLE001 - the brief goes out without this section
        log.warning("scorecard movers left out: %s", exc)
        return []
    live = [
        r
        for r in results
        if r.excess_return is not None and (r.status == "open" or (r.exit_date or "") >= since.isoformat())
    ]
    live.sort(key=lambda r: abs(r.excess_return or 0.0), reverse=True)
    return [
        {
            "text": r.decision.text,
            "status": r.status,
            "excess_return": r.excess_return,
            "exit_date": r.exit_date,
            "article_id": r.decision.article_id,
        }
        for r in live[:limit]
    ]


def _kpis(conn, filters: Filters) -> dict:
    """The view's KPIs and how many distinct stories its articles tell (``stories``)."""
    return {**kpis(conn, filters), "stories": story_count(conn, filters)}


def build_brief(conn, start: datetime, now: datetime | None = None, base_url: str | None = None) -> Brief:
    """The brief of the window from ``start`` to ``now`` (days inclusive)."""
    now = now or datetime.now(UTC)
    since, until = start.date(), now.date()
    hidden = hidden_sources(conn)
    view = Filters(since=since, until=until, hidden_sources=hidden)
    before = previous_period(view, (since, until))
    last = alert_reads.last_day(conn, replace(view, since=None))  # the newest day that holds articles
    frame = what_moved(conn, replace(view, since=None), last) if last else None
    moved = [] if frame is None else frame.dropna(subset=["z"]).head(5).to_dict("records")
    stories = reads.top_stories(conn, view)
    for s in stories:
        s["link"] = article_link(base_url, s["id"])
    decisions = reads.window_decisions(conn, view)
    for d in decisions:
        d["exposure"] = exposure_text(d["instruments"])
        d["link"] = article_link(base_url, d["article_id"])
    horizons = [
        {**d, "exposure": exposure_text(d["instruments"])}
        for d in alert_reads.decisions_with_horizon(conn, None, view, until, until + timedelta(days=HORIZON_DAYS))
    ]
    log.info("brief %s to %s: %d stories, %d new decisions", since, until, len(stories), len(decisions))
    return Brief(
        title=f"newsdesk brief · {since.isoformat()} to {until.isoformat()}",
        since=since,
        until=until,
        kpis=_kpis(conn, view),
        before=_kpis(conn, before) if before else None,
        spark=_spark(conn, view, until),
        moved=moved,
        stories=stories,
        decisions=decisions,
        horizons=horizons,
        movers=_movers(conn, view, since),
        alerts=alert_reads.events(conn, limit=50, since=iso_utc(start)),
        demo=not hidden and bool(stories) and any(s["source"] == "newsdesk demo desk" for s in stories),
        generated_at=iso_utc(now),
    )
