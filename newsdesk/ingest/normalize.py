"""Normalisation shared by every input format: dates, URLs, whitespace, stable ids."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from datetime import UTC, date, datetime, timedelta
from email.utils import parsedate_to_datetime
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from newsdesk.errors import RecordError
from newsdesk.ingest.dates import free_form

_WS = re.compile(r"\s+")
# C0 control characters that are not whitespace, and lone surrogates (from JSON "\ud800" escapes):
# never meaningful in news text; SQLite cannot store a surrogate and a NUL makes an export "binary".
_UNSAFE = re.compile(r"[\x00-\x08\x0e-\x1b\ud800-\udfff]")
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
_ZONE_WORD = re.compile(r"[A-Za-z]{2,5}\s*$")
EPOCH_MS_FROM = 100_000_000_000  # a number this large is epoch milliseconds (as seconds: year 5138)
_TRACKING = re.compile(r"^(utm_.*|fbclid|gclid|mc_cid|mc_eid|mod|cmpid|ref|ref_src)$", re.I)


def replace_unsafe(text: str) -> str:
    """``text`` with each control character (other than whitespace) and lone surrogate replaced by
    U+FFFD, so that text that was not blank stays not blank."""
    return _UNSAFE.sub("\ufffd", text)


def collapse_ws(text: str | None) -> str:
    """Collapse runs of whitespace to one space and strip the ends (unsafe characters replaced)."""
    return _WS.sub(" ", replace_unsafe(text or "")).strip()


def iso_utc(dt: datetime) -> str:
    """Format a datetime as ISO-8601 UTC with a ``Z`` (naive datetimes are taken as UTC)."""
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    dt = dt.astimezone(UTC)
    return f"{dt.year:04d}-{dt:%m-%dT%H:%M:%S}Z"  # strftime's %Y drops the zeros of years below 1000


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
        f"date {text[:80]!r} is not a recognised date"
        + (f" (nor of the format {date_format!r})" if date_format else "")
        + ": give its pattern as the date format (e.g. '%d/%m/%Y %H:%M'), or choose to keep such rows "
        "with an estimated date"
    )


def _utc(dt: datetime, text: str) -> str:
    """``iso_utc(dt)``; a :class:`RecordError` when ``dt`` is too close to the ends of the calendar."""
    try:
        moment = dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)
    except ValueError:  # a zone offset of a day or more ("+9999")
        raise RecordError(f"date {text!r} has an impossible time zone offset") from None
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


def canonical_url(url: str | None) -> str | None:
    """Return a canonical form of an http(s) URL (lower-case host, no fragment, no tracking
    parameters), or None when ``url`` is empty or not http(s)."""
    url = (url or "").strip()
    if not url or _UNSAFE.search(url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:  # unbalanced IPv6 brackets, a host that NFKC normalisation would change
        return None
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
        h.update(part.encode("utf-8", "surrogatepass"))  # the same digest for valid text, none raised
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
