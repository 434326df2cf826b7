"""The choices a view offers: categories, sources, companies and baskets, and the date bounds."""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta

import pandas as pd

from newsdesk.db.read.sql import frame
from newsdesk.domain.filters import DefaultWindow, parse_day


def categories(conn: sqlite3.Connection) -> pd.DataFrame:
    """Every category with its count of scored articles, most used first (summed from the monthly
    totals: a few hundred rows whatever the size of the database)."""
    return frame(
        conn,
        "SELECT category, sum(n) AS articles FROM period_category_sentiment WHERE grain = 'month' AND n > 0 "
        "GROUP BY category ORDER BY articles DESC, category",
    )


def sources(conn: sqlite3.Connection) -> pd.DataFrame:
    """Every source, alphabetically: one index seek per source (a skip-scan of
    ``idx_articles_source``), so the list costs the same at a thousand articles or a million."""
    return frame(
        conn,
        "WITH RECURSIVE s(source) AS (SELECT min(source) FROM articles UNION ALL "
        "SELECT (SELECT min(source) FROM articles WHERE source > s.source) FROM s WHERE s.source IS NOT NULL) "
        "SELECT source FROM s WHERE source IS NOT NULL ORDER BY source",
    )


def company_options(conn: sqlite3.Connection) -> pd.DataFrame:
    """Filter options for companies and baskets: ``value`` (ticker or ``basket:<id>``), ``label``
    and ``articles`` (for a company, how many articles name it; for a basket, its member count) —
    baskets first, then companies by article count. A company outside the reference list is labelled
    with the name its articles carry (from the listing universe), else its ticker."""
    baskets = frame(
        conn,
        "SELECT 'basket:' || b.id AS value, 'Basket: ' || b.name AS label, count(m.ticker) AS articles "
        "FROM baskets b JOIN basket_members m ON m.basket_id = b.id GROUP BY b.id ORDER BY b.name",
    )
    firms = frame(
        conn,
        "SELECT e.ticker AS value, e.ticker || ' · ' || coalesce(c.name, (SELECT a.name FROM article_entities a "
        "WHERE a.ticker = e.ticker AND a.name != a.ticker LIMIT 1), e.ticker) AS label, e.n AS articles "
        "FROM ticker_counts e "
        "LEFT JOIN companies c ON c.ticker = e.ticker ORDER BY e.n DESC, e.ticker",
    )
    return pd.concat([baskets, firms], ignore_index=True)


def date_bounds(conn: sqlite3.Connection) -> tuple[date | None, date | None]:
    """The first and last publish day in the database."""
    lo = conn.execute("SELECT min(published_at) FROM articles").fetchone()[0]  # two one-seek queries:
    hi = conn.execute("SELECT max(published_at) FROM articles").fetchone()[0]  # together they scan
    return parse_day(lo), parse_day(hi)


DEFAULT_DAYS = 90
MIN_DAYS, MIN_WEEKS = 8, 3  # what a default window needs to draw a trend: days with articles, in so many weeks


def latest_exact_day(conn: sqlite3.Connection, hidden_sources: tuple[str, ...] = ()) -> date | None:
    """The last publish day that is not an estimate (an undated page stamped with its ingest time
    does not count), among the sources not hidden; walks the articles newest first."""
    hide = f" AND source NOT IN ({', '.join('?' for _ in hidden_sources)})" if hidden_sources else ""
    row = conn.execute(
        f"SELECT published_at FROM articles WHERE published_estimated = 0{hide} ORDER BY published_at DESC LIMIT 1",
        list(hidden_sources),
    ).fetchone()
    return parse_day(row[0]) if row else None


def default_since(
    conn: sqlite3.Connection, hidden_sources: tuple[str, ...] = (), days: int = DEFAULT_DAYS
) -> date | None:
    """The first day of the latest ``days`` days that hold data of the sources not hidden (None when
    the database holds fewer days than that, or nothing): a view's default start."""
    lo, _ = date_bounds(conn)
    last = latest_exact_day(conn, hidden_sources)
    if lo is None or last is None:
        return None
    start = last - timedelta(days=days - 1)
    return start if start > lo else None


def exact_days(
    conn: sqlite3.Connection, hidden_sources: tuple[str, ...] = (), market_only: bool = True
) -> list[date]:
    """Every day that holds an article with a real date (none of ``hidden_sources``; market news only
    unless ``market_only`` is false), oldest first."""
    if hidden_sources or not market_only:
        hide = f"AND source NOT IN ({', '.join('?' for _ in hidden_sources)}) " if hidden_sources else ""
        market = "AND market_relevant = 1 " if market_only else ""
        rows = conn.execute(
            f"SELECT DISTINCT substr(published_at, 1, 10) FROM articles WHERE published_estimated = 0 {hide}{market}"
            "ORDER BY 1",
            list(hidden_sources),
        )
    else:  # the daily totals count exactly these articles (market news): a few thousand rows at any size
        rows = conn.execute("SELECT day FROM daily_totals WHERE n > 0 ORDER BY day")
    return [d for d in (parse_day(r[0]) for r in rows.fetchall() if r[0]) if d is not None]


def _shift(day: date, days: int) -> date:
    """``day`` moved by ``days``, stopping at the first or last representable day."""
    try:
        return day + timedelta(days=days)
    except OverflowError:
        return date.min if days < 0 else date.max


def default_window(
    conn: sqlite3.Connection,
    hidden_sources: tuple[str, ...] = (),
    days: int = DEFAULT_DAYS,
    min_days: int = MIN_DAYS,
    min_weeks: int = MIN_WEEKS,
    market_only: bool = True,
) -> DefaultWindow:
    """The latest ``days`` days that hold enough data to draw: the newest window of ``days`` days,
    ending on a day with articles, that holds articles on at least ``min_days`` days in at least
    ``min_weeks`` weeks (of the sources not hidden; real dates only). When the newest articles are
    too few for that (a few feed snapshots after years of history), the window ends earlier and its
    note says so; when no window has enough, the view spans all the data, with a note."""
    found = exact_days(conn, hidden_sources, market_only)
    if not found:
        return DefaultWindow()
    lo, hi = date_bounds(conn)
    first_day, last_day = found[0], found[-1]
    if last_day - first_day < timedelta(days=days):  # all the data fits in one window
        weeks = {d - timedelta(days=d.weekday()) for d in found}
        enough = len(found) >= min_days and len(weeks) >= min_weeks
        since = first_day if lo and first_day > lo else None  # hidden sources may run earlier or later
        until = last_day if hi and last_day < hi else None
        if enough:
            return DefaultWindow(since, until)
        return DefaultWindow(
            since,
            until,
            note=f"The whole span of the data ({first_day} to {last_day}): it holds articles on {len(found)} "
            f"day{'s' if len(found) != 1 else ''} in {len(weeks)} week{'s' if len(weeks) != 1 else ''}, too few "
            f"for a trend (that needs {min_days} days in {min_weeks} weeks).",
        )
    start = len(found) - 1  # found[start:end + 1] are the days of the window ending on found[end]
    for end in range(len(found) - 1, -1, -1):
        window_start = _shift(found[end], -(days - 1))
        while start > 0 and found[start - 1] >= window_start:
            start -= 1
        weeks = {d - timedelta(days=d.weekday()) for d in found[start : end + 1]}
        if end + 1 - start >= min_days and len(weeks) >= min_weeks:
            since = window_start if window_start > (lo or window_start) else None
            until = found[end] if hi and found[end] < hi else None  # hidden sources may run later
            if end == len(found) - 1:
                return DefaultWindow(since=since, until=until)
            newer = len(found) - 1 - end
            return DefaultWindow(
                since=since,
                until=until,
                note=f"The latest {days} days with enough articles for a trend ({min_days} days in {min_weeks} weeks) "
                f"end on {found[end]}; "
                f"the {newer} newer day{'s' if newer != 1 else ''} with articles (to {last_day}) are too few "
                "to draw a trend. Pick dates in the sidebar to see them.",
            )
        if end < len(found) - 1 and found[end] < _shift(first_day, days - 1):
            break  # every later window starts before the data: none has enough
    return DefaultWindow(
        note=f"No {days} days of this data hold articles on {min_days} days in {min_weeks} weeks: the view spans "
        "all of it "
        f"({first_day} to {last_day})."
    )
