"""What makes two records the same story: the canonical URL, the stable article id and the
content hash, and the text normalisation they rest on. Shared by the parsers (``newsdesk.ingest``)
and the storage layer (``newsdesk.db``), which must not import the parsers."""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from datetime import UTC, datetime
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

_WS = re.compile(r"\s+")
# C0 control characters that are not whitespace, and lone surrogates (from JSON "\ud800" escapes):
# never meaningful in news text; SQLite cannot store a surrogate and a NUL makes an export "binary".
_UNSAFE = re.compile(r"[\x00-\x08\x0e-\x1b\ud800-\udfff]")
_TRACKING = re.compile(r"^(utm_.*|fbclid|gclid|mc_cid|mc_eid|mod|cmpid|ref|ref_src)$", re.I)


_UNSAFE_ASCII = tuple(chr(c) for c in (*range(0x00, 0x09), *range(0x0E, 0x1C)))  # the ASCII part of _UNSAFE
_LONG = 256  # from this length a text without unsafe characters is told by memchr scans, not the regex


def replace_unsafe(text: str) -> str:
    """``text`` with each control character (other than whitespace) and lone surrogate replaced by
    U+FFFD, so that text that was not blank stays not blank. A long ASCII text with none of those
    characters (nearly every article body) is returned as it is after one fast scan per character
    (``in``), about a tenth of the regex's time on a 3 KB body; the result is the regex's."""
    if len(text) >= _LONG and text.isascii() and not any(c in text for c in _UNSAFE_ASCII):
        return text
    return _UNSAFE.sub("\ufffd", text)


# every character ``str.split()`` splits on (``str.isspace``) but the plain space, the ASCII ones first
# (tests/db/test_write_mapping.py checks the list against every code point)
_ASCII_SPACES = ("\n", "\t", "\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x1f")
_SPACES = (
    *_ASCII_SPACES,
    "\x85",
    "\xa0",
    "\u1680",
    *map(chr, range(0x2000, 0x200B)),
    "\u2028",
    "\u2029",
    "\u202f",
    "\u205f",
    "\u3000",
)


def collapse_ws(text: str | None) -> str:
    """Collapse runs of whitespace to one space and strip the ends (unsafe characters replaced).
    ``str.split`` and the regex ``\\s`` agree on what whitespace is; the split is ~5x faster. A long
    text that is already collapsed (single plain spaces only, none at the ends: most summaries and
    many bodies) is returned as it is after one fast scan per whitespace character (``in``), a
    quarter of the split's time on a 3 KB body; the result is the split's."""
    text = replace_unsafe(text or "")
    if (
        len(text) >= _LONG
        and text[0] != " "
        and text[-1] != " "
        and "  " not in text
        and not any(c in text for c in (_ASCII_SPACES if text.isascii() else _SPACES))
    ):
        return text
    return " ".join(text.split())


def iso_utc(dt: datetime) -> str:
    """Format a datetime as ISO-8601 UTC with a ``Z`` (naive datetimes are taken as UTC)."""
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    dt = dt.astimezone(UTC)
    return f"{dt.year:04d}-{dt:%m-%dT%H:%M:%S}Z"  # strftime's %Y drops the zeros of years below 1000


_SPACE = re.compile(r"\s")


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
    path = _SPACE.sub(lambda m: quote(m.group()), parts.path) or "/"  # "/a b" and "/ " stay one URL each
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, urlencode(query), ""))


@functools.lru_cache(maxsize=8192)
def normal_title(title: str) -> str:
    """A title reduced for comparison: NFKC, case-folded, punctuation dropped, spaces collapsed
    (memoised: a stored batch asks for each title's form five times: id, story ids, hash, dedupe)."""
    text = unicodedata.normalize("NFKC", title).casefold()
    text = re.sub(r"[^\w\s]", " ", text)
    return collapse_ws(text)


def _digest(*parts: str) -> str:
    h = hashlib.sha1()
    for part in parts:
        h.update(part.encode("utf-8", "surrogatepass"))  # the same digest for valid text, none raised
        h.update(b"\x1f")
    return h.hexdigest()[:16]


@functools.lru_cache(maxsize=8192)
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


def story_ids(url: str | None, source: str, title: str, published_at: str | None, guid: str | None) -> list[str]:
    """The ids a story may have, in the order they are tried: :func:`article_id` first (the id of every
    story stored before v13), then, for a story whose canonical URL another story already holds (a
    per-symbol feed linking every item to one page, a podcast linking each episode to its home
    page), the URL with the record's guid, with its normalised title, and with both."""
    first = article_id(url, source, title, published_at)
    canon = canonical_url(url)
    if not canon:
        return [first]
    words = normal_title(title)
    ids = [first]
    if guid:
        ids.append(_digest("url+guid", canon, guid))
    ids.append(_digest("url+title", canon, words))
    if guid:
        ids.append(_digest("url+guid+title", canon, guid, words))
    return ids


TITLE_OVERLAP = 0.6  # the share of words two titles of one story have in common at least


def titles_differ(a: str, b: str) -> bool:
    """True when two titles clearly name different stories: neither normalised title holds the other
    and they share fewer than :data:`TITLE_OVERLAP` of their words (so an edited headline, a suffix or
    a casing change is the same story; "AAPL: Apple rises" and "MSFT: Microsoft falls" are not)."""
    na, nb = normal_title(a), normal_title(b)
    if not na or not nb or na in nb or nb in na:
        return False
    wa, wb = set(na.split()), set(nb.split())
    return len(wa & wb) / len(wa | wb) < TITLE_OVERLAP


def content_hash(title: str, summary: str, body: str) -> str:
    """Hash of the normalised text, used to spot the same story under another id."""
    return _digest("content", normal_title(title), collapse_ws(summary), collapse_ws(body))
