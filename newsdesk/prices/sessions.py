"""Exchange sessions: which close a call published at a given moment enters, and how many sessions lie
between two days, in the ticker's own exchange's time zone, holidays and half days.

The calendars come from ``exchange-calendars`` (it ships each exchange's holiday rules, so it works
offline). ``data/exchanges.csv`` maps a Yahoo-style ticker suffix (``7203.T`` -> ``T``) to an exchange
and its country; a ticker without a suffix, or with one the file does not list (``BRK.B``), is on
``XNYS`` (New York: NYSE and Nasdaq share its sessions). Outside the span a calendar covers, plain
weekdays closing at the exchange's regular close stand in for its sessions.

A publish time is ISO 8601 (as stored: UTC). A time of exactly midnight UTC is how a bare date is stored,
so it counts as a date **without** a time of day: published after that day's close.

Building a calendar takes from 0.1 s to several seconds (Korea's lunar holidays), so each exchange's
sessions are kept in a small JSON file under the user's cache folder (``$XDG_CACHE_HOME/newsdesk`` or
``~/.cache/newsdesk``), keyed by the exchange, the library's version and the span; a cache that cannot
be read or written is simply rebuilt.
"""

from __future__ import annotations

import csv
import json
import os
import tempfile
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import pandas as pd

from newsdesk.config import DATA_DIR

EXCHANGES_FILE = DATA_DIR / "exchanges.csv"
DEFAULT_EXCHANGE = "XNYS"
CALENDAR_FROM = pd.Timestamp("1990-01-01")
FILL_FROM = pd.Timestamp("1970-01-01")  # weekdays stand in for sessions from here to a calendar's start
FILL_YEARS_AFTER = 3  # ... and for this many years after its end


@dataclass(frozen=True)
class Exchange:
    """An exchange a ticker suffix names: its ``exchange-calendars`` code and its country."""

    suffix: str
    code: str
    country: str
    name: str = ""


@lru_cache(maxsize=4)
def load_exchanges(path: Path = EXCHANGES_FILE) -> dict[str, Exchange]:
    """Suffix (upper case, '' for none) -> :class:`Exchange`, from ``data/exchanges.csv``."""
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    return {
        (r["suffix"] or "").strip().upper(): Exchange(
            (r["suffix"] or "").strip().upper(), r["exchange"].strip(), (r["country"] or "").strip().upper(),
            (r.get("name") or "").strip(),
        )
        for r in rows
        if (r.get("exchange") or "").strip()
    }  # fmt: skip


def exchange_of(ticker: str | None) -> Exchange:
    """The exchange of a ticker by its suffix (``SAP.DE`` -> Xetra); New York for none or an unknown one."""
    table = load_exchanges()
    text = str(ticker or "").strip().upper()
    suffix = text.rsplit(".", 1)[1] if "." in text.lstrip(".") else ""
    return table.get(suffix) or table.get("") or Exchange("", DEFAULT_EXCHANGE, "US")


@dataclass(frozen=True)
class Moment:
    """When an article was published: ``day`` (YYYY-MM-DD, UTC) and ``epoch`` (UTC seconds), or
    ``epoch`` None for a date without a time of day."""

    day: str
    epoch: int | None

    @property
    def has_time(self) -> bool:
        return self.epoch is not None


def parse_moment(published_at: str | None) -> Moment | None:
    """A publish time as a :class:`Moment`; None when missing or unreadable. A time without offset is UTC;
    midnight UTC (or a bare date) is a date without a time of day."""
    if published_at is None:
        return None
    text = str(published_at).strip()
    if not text or text.lower() == "nan":
        return None
    try:
        moment = datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    moment = moment.astimezone(UTC)
    day = moment.date().isoformat()
    if len(text) <= 10 or (moment.hour, moment.minute, moment.second, moment.microsecond) == (0, 0, 0, 0):
        return Moment(day, None)
    return Moment(day, int(moment.timestamp()))


class Sessions:
    """One exchange's sessions, oldest first: ``dates`` (YYYY-MM-DD, the exchange's local session date)
    and ``closes`` (each session's close in UTC seconds; half days close early)."""

    def __init__(self, code: str, dates: list[str], closes: list[int]) -> None:
        self.code = code
        self.dates = dates
        self.closes = closes

    def __len__(self) -> int:
        return len(self.dates)

    def entry_index(self, moment: Moment) -> int | None:
        """The session whose close a call published at ``moment`` enters: the first close at or after
        the moment; for a date without a time, the first session dated after that day. None past the end."""
        if moment.epoch is None:
            i = bisect_right(self.dates, moment.day)
        else:
            i = bisect_left(self.closes, moment.epoch)
        return i if i < len(self.dates) else None

    def index_on_or_before(self, day: str) -> int | None:
        """The last session dated on or before ``day``, or None."""
        i = bisect_right(self.dates, day) - 1
        return i if i >= 0 else None

    def lag(self, expected: str, actual: str) -> int:
        """How many sessions ``actual`` comes after ``expected`` (negative when before; 0 on the same
        session). A day that is not a session counts as the session before it."""
        a, b = self.index_on_or_before(expected), self.index_on_or_before(actual)
        return (-1 if b is None else b) - (-1 if a is None else a)

    def shift(self, day: str, sessions: int) -> str | None:
        """The session ``sessions`` after the session of ``day`` (a non-session day: the one before it)."""
        i = self.index_on_or_before(day)
        j = (-1 if i is None else i) + sessions
        return self.dates[j] if 0 <= j < len(self.dates) else None


def _weekday_closes(start: pd.Timestamp, end: pd.Timestamp, tz: str, close_time) -> pd.Series:
    days = pd.bdate_range(start, end)
    offset = pd.Timedelta(hours=close_time.hour, minutes=close_time.minute)
    local = (days + offset).tz_localize(tz, nonexistent="shift_forward", ambiguous=False)
    return pd.Series(local.tz_convert("UTC"), index=days)


def cache_dir() -> Path:
    """Where built session tables are kept."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "newsdesk" / "sessions"


def _calendar_end() -> pd.Timestamp:
    """Calendars run to the 1st of January two years ahead (so a cached table is reused all year)."""
    return pd.Timestamp(year=pd.Timestamp.today().year + 2, month=1, day=1)


def _cached(path: Path) -> Sessions | None:
    try:
        data = json.loads(path.read_text("utf-8"))
        return Sessions(data["code"], list(data["dates"]), [int(x) for x in data["closes"]])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _store(path: Path, table: Sessions) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump({"code": table.code, "dates": table.dates, "closes": table.closes}, fh)
        os.replace(tmp, path)
    except OSError:
        pass


@lru_cache(maxsize=64)
def sessions_for(code: str) -> Sessions:
    """The :class:`Sessions` of an ``exchange-calendars`` code, weekdays around its span (kept in memory
    and in the cache folder); an unknown code is New York's."""
    try:
        lib = version("exchange-calendars")
    except PackageNotFoundError:
        lib = "unknown"
    path = cache_dir() / f"{code}-{lib}-{CALENDAR_FROM.date()}-{_calendar_end().date()}.json"
    table = _cached(path)
    if table is None:
        table = _build(code)
        _store(path, table)
    return table


def _build(code: str) -> Sessions:
    """Build an exchange's sessions with ``exchange-calendars``."""
    import exchange_calendars as xc

    factory = xc.calendar_utils._default_calendar_factories.get(code)
    if factory is None:
        code = DEFAULT_EXCHANGE
        factory = xc.calendar_utils._default_calendar_factories[code]
    start = max(CALENDAR_FROM, factory.bound_min() or CALENDAR_FROM)
    bound_max = factory.bound_max()
    end = _calendar_end()
    end = min(end, bound_max) if bound_max is not None else end
    cal = xc.get_calendar(code, start=start, end=end)
    closes = cal.closes
    close_time = cal.close_times[-1][1]
    parts = [
        _weekday_closes(FILL_FROM, closes.index[0] - pd.Timedelta(days=1), cal.tz, close_time),
        closes,
        _weekday_closes(closes.index[-1] + pd.Timedelta(days=1),
                        closes.index[-1] + pd.DateOffset(years=FILL_YEARS_AFTER), cal.tz, close_time),
    ]  # fmt: skip
    series = pd.concat([p for p in parts if len(p)])
    dates = list(series.index.strftime("%Y-%m-%d"))
    epochs = (series.dt.tz_convert("UTC").dt.tz_localize(None) - pd.Timestamp("1970-01-01")) // pd.Timedelta(seconds=1)
    return Sessions(code, dates, [int(x) for x in epochs])


def sessions_of(ticker: str | None) -> Sessions:
    """The sessions of a ticker's exchange (:func:`exchange_of`)."""
    return sessions_for(exchange_of(ticker).code)
