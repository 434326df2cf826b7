"""Normalisation shared by every input format: dates, URLs, whitespace, stable ids."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from newsdesk.errors import RecordError

_WS = re.compile(r"\s+")
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
_TRACKING = re.compile(r"^(utm_.*|fbclid|gclid|mc_cid|mc_eid|mod|cmpid|ref|ref_src)$", re.I)


def collapse_ws(text: str | None) -> str:
    """Collapse runs of whitespace to one space and strip the ends."""
    return _WS.sub(" ", text or "").strip()


def iso_utc(dt: datetime) -> str:
    """Format a datetime as ISO-8601 UTC with a ``Z`` (naive datetimes are taken as UTC)."""
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_date(value: str | int | float | None) -> str | None:
    """Parse a date in any common news format into ISO-8601 UTC; None for empty input.

    Accepts ISO 8601 (with ``Z``, an offset, or none), a bare date, ``YYYYMMDDTHHMMSS``
    (Alpha Vantage), RFC 822 (RSS) and epoch seconds. Raises :class:`RecordError` otherwise.
    """
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _from_epoch(float(value))
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
        return iso_utc(datetime.fromisoformat(iso))
    except ValueError:
        pass
    try:
        return iso_utc(datetime.combine(date.fromisoformat(text), datetime.min.time()))
    except ValueError:
        pass
    try:
        return iso_utc(parsedate_to_datetime(text))
    except (TypeError, ValueError, IndexError):
        pass
    for fmt in EXTRA_FORMATS:
        try:
            return iso_utc(datetime.strptime(text, fmt))
        except ValueError:
            continue
    raise RecordError(
        f"date {text!r} is not a recognised date: use ISO-8601 (2026-05-04T13:30:00Z), "
        "RFC 822 (Mon, 04 May 2026 13:30:00 GMT), YYYYMMDDTHHMMSS or epoch seconds"
    )


def _from_epoch(seconds: float) -> str:
    try:
        return iso_utc(datetime.fromtimestamp(seconds, tz=UTC))
    except (OverflowError, OSError, ValueError) as exc:
        raise RecordError(f"epoch timestamp {seconds!r} is out of range") from exc


def _checked(build, text: str) -> str:
    try:
        return iso_utc(build())
    except ValueError as exc:
        raise RecordError(f"date {text!r} is not a valid calendar date") from exc


def canonical_url(url: str | None) -> str | None:
    """Return a canonical form of an http(s) URL (lower-case host, no fragment, no tracking
    parameters), or None when ``url`` is empty or not http(s)."""
    url = (url or "").strip()
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _TRACKING.match(k)]
    path = parts.path or "/"
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, urlencode(query), ""))


def normal_title(title: str) -> str:
    """A title reduced for comparison: NFKC, case-folded, punctuation dropped, spaces collapsed."""
    text = unicodedata.normalize("NFKC", title).casefold()
    text = re.sub(r"[^\w\s]", " ", text)
    return collapse_ws(text)


def _digest(*parts: str) -> str:
    h = hashlib.sha1()
    for part in parts:
        h.update(part.encode("utf-8"))
        h.update(b"\x1f")
    return h.hexdigest()[:16]


def article_id(url: str | None, source: str, title: str, published_at: str | None) -> str:
    """Stable id: hash of the canonical URL, else of source + normalised title + published day.

    An article without a date is identified by source and title alone, so re-ingesting it on
    another day still finds the same id.
    """
    canon = canonical_url(url)
    if canon:
        return _digest("url", canon)
    day = (published_at or "")[:10]
    return _digest("sth", source.casefold().strip(), normal_title(title), day)


def content_hash(title: str, summary: str, body: str) -> str:
    """Hash of the normalised text, used to spot the same story under another id."""
    return _digest("content", normal_title(title), collapse_ws(summary), collapse_ws(body))
