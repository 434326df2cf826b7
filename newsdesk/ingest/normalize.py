"""Normalisation shared by every input format: dates, URLs, whitespace, stable ids."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from email.utils import parsedate_to_datetime

from newsdesk.domain.identity import (  # noqa: F401 - public names of this module, defined there
    article_id,
    canonical_url,
    collapse_ws,
    content_hash,
    iso_utc,
    normal_title,
    replace_unsafe,
)
from newsdesk.domain.rejections import shown
from newsdesk.errors import RecordError
from newsdesk.ingest.dates import free_form

# The store shifts published dates by its dedupe (48 h) and novelty (72 h) windows: dates this close
# to either end of datetime's range would overflow there, so parse_date refuses them.
_EARLIEST = datetime.min.replace(tzinfo=UTC) + timedelta(days=7)
_LATEST = datetime.max.replace(tzinfo=UTC) - timedelta(days=7)
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})?$")
# Day-first and month-name forms seen in scraped CSV files ("18-Jul-20", "18 July 2020", "2020/07/18").
EXTRA_FORMATS = (
    "%d-%b-%y",
    "%d-%b-%Y",
    "%d %b %Y",
    "%d %B %Y",
    "%b %d, %Y",
    "%B %d, %Y",
    "%Y/%m/%d",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%d.%m.%Y",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M",
)
# ISO 8601 without a zone, to the minute or second ("2020-06-05 14:30", "2020-06-05T14:30:15"): what
# datetime.fromisoformat reads these as, without the other forms' tries (see _naive_iso)
_NAIVE_ISO = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})[T ]([0-9]{2}):([0-9]{2})(?::([0-9]{2}))?")
_ZONE_WORD = re.compile(r"[A-Za-z]{2,5}\s*$")
EPOCH_MS_FROM = 100_000_000_000  # a number this large is epoch milliseconds (as seconds: year 5138)


def parse_date(value: str | int | float | None, date_format: str | None = None) -> str | None:
    """Parse a date in any common news format into ISO-8601 UTC; None for empty input.

    Accepts ``date_format`` (a strftime pattern) when given, then ISO 8601 (with ``Z``, an offset, or
    none), a bare date, ``YYYYMMDDTHHMMSS`` (Alpha Vantage), RFC 822 (RSS), epoch seconds or
    milliseconds, and what python-dateutil reads once foreign month names are made English
    (``Jul 18 2020``, `` 7:51  PM ET Fri, 17 July 2020``, ``Seg, 24 Set 2018 19:42:40 -0300``).
    Raises :class:`RecordError` otherwise, and for dates within a week of either end of the calendar
    (before 0001-01-08 or after 9999-12-24). Times without a zone are taken as UTC.
    """
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _from_epoch(value / 1000 if EPOCH_MS_FROM <= abs(value) < 1e17 else value)
    text = str(value).strip()
    if not text:
        return None
    if date_format:
        try:
            return _utc(datetime.strptime(text, date_format), text)
        except ValueError:
            pass
    elif (fast := _naive_iso(text)) is not None:
        return fast
    if re.fullmatch(r"\d{9,11}(\.\d+)?", text):
        return _from_epoch(float(text))
    if re.fullmatch(r"\d{12,14}", text):
        return _from_epoch(int(text) / 1000)
    m = _COMPACT.match(text)
    if m:
        y, mo, d, h, mi, s = (int(g or 0) for g in m.groups())
        return _checked(lambda: datetime(y, mo, d, h, mi, s), text)
    iso = text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text
    try:
        return _utc(datetime.fromisoformat(iso), text)
    except ValueError:
        pass
    try:
        return _utc(datetime.combine(date.fromisoformat(text), datetime.min.time()), text)
    except ValueError:
        pass
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        moment = None
    # email.utils reads a zone it does not know ("ET", "CEST") as none at all: dateutil knows more
    if moment is not None and not (moment.tzinfo is None and _ZONE_WORD.search(text)):
        return _utc(moment, text)
    for fmt in EXTRA_FORMATS:
        try:
            return _utc(datetime.strptime(text, fmt), text)
        except ValueError:
            continue
    moment = free_form(text)
    if moment is not None:
        return _utc(moment, text)
    raise RecordError(
        f"date {shown(text)} is not a recognised date"
        + (f" (nor of the format {date_format!r})" if date_format else "")
        + ": give its pattern as the date format (e.g. '%d/%m/%Y %H:%M'), or choose to keep such rows "
        "with an estimated date"
    )


def _naive_iso(text: str) -> str | None:
    """The ISO-8601 UTC string of a zoneless ISO date and time to the minute or second, the string the
    tries below give it (no epoch or compact form has a ``-``; ``fromisoformat`` reads it as UTC), or
    None for any other text, an invalid date or a year at either end of the calendar (left to them)."""
    m = _NAIVE_ISO.fullmatch(text)
    if m is None:
        return None
    y, mo, d, h, mi, s = (int(g or 0) for g in m.groups())
    if not 1 < y < 9999:
        return None
    try:
        datetime(y, mo, d, h, mi, s)
    except ValueError:
        return None
    return f"{y:04d}-{mo:02d}-{d:02d}T{h:02d}:{mi:02d}:{s:02d}Z"


def _utc(dt: datetime, text: str) -> str:
    """``iso_utc(dt)``; a :class:`RecordError` when ``dt`` is too close to the ends of the calendar."""
    try:
        moment = dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)
    except ValueError:  # a zone offset of a day or more ("+9999")
        raise RecordError(f"date {shown(text)} has an impossible time zone offset") from None
    except OverflowError:
        moment = None
    if moment is None or not _EARLIEST <= moment <= _LATEST:
        raise RecordError(f"date {shown(text)} is out of range: newsdesk stores dates from 0001-01-08 to 9999-12-24")
    return iso_utc(moment)


def _from_epoch(seconds: int | float | str) -> str:
    try:
        moment = datetime.fromtimestamp(float(seconds), tz=UTC)
    except (OverflowError, OSError, ValueError) as exc:  # the value may be an int too long to print
        raise RecordError("epoch timestamp is out of range") from exc
    return _utc(moment, str(seconds))


def _checked(build, text: str) -> str:
    try:
        moment = build()
    except ValueError as exc:
        raise RecordError(f"date {shown(text)} is not a valid calendar date") from exc
    return _utc(moment, text)
