"""Normalisation shared by every input format: dates, URLs, whitespace, stable ids."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from email.utils import parsedate_to_datetime

from newsdesk.errors import RecordError
from newsdesk.identity import (  # noqa: F401 - public names of this module, defined there
    article_id,
    canonical_url,
    collapse_ws,
    content_hash,
    iso_utc,
    normal_title,
    replace_unsafe,
)

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


def parse_date(value: str | int | float | None) -> str | None:
    """Parse a date in any common news format into ISO-8601 UTC; None for empty input.

    Accepts ISO 8601 (with ``Z``, an offset, or none), a bare date, ``YYYYMMDDTHHMMSS``
    (Alpha Vantage), RFC 822 (RSS) and epoch seconds. Raises :class:`RecordError` otherwise, and
    for dates within a week of either end of the calendar (before 0001-01-08 or after 9999-12-24).
    """
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _from_epoch(value)
    text = str(value).strip()
    if not text:
        return None
    if re.fullmatch(r"\d{9,11}(\.\d+)?", text):
        return _from_epoch(float(text))
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
        return _utc(parsedate_to_datetime(text), text)
    except (TypeError, ValueError, IndexError, OverflowError):
        pass
    for fmt in EXTRA_FORMATS:
        try:
            return _utc(datetime.strptime(text, fmt), text)
        except ValueError:
            continue
    raise RecordError(
        f"date {text!r} is not a recognised date: use ISO-8601 (2026-05-04T13:30:00Z), "
        "RFC 822 (Mon, 04 May 2026 13:30:00 GMT), YYYYMMDDTHHMMSS or epoch seconds"
    )


def _utc(dt: datetime, text: str) -> str:
    """``iso_utc(dt)``; a :class:`RecordError` when ``dt`` is too close to the ends of the calendar."""
    try:
        moment = dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)
    except OverflowError:
        moment = None
    if moment is None or not _EARLIEST <= moment <= _LATEST:
        raise RecordError(f"date {text!r} is out of range: newsdesk stores dates from 0001-01-08 to 9999-12-24")
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
        raise RecordError(f"date {text!r} is not a valid calendar date") from exc
    return _utc(moment, text)
