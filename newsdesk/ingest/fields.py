"""Field names: which column of a CSV file or key of a JSON record holds each newsdesk field.

Common names are recognised case-insensitively, with ``_`` and ``-`` read as spaces
(``short_description`` is ``short description``). A mapping such as ``title=Headline,published_at=Time``
(``--columns``) overrides the guesses.
"""

from __future__ import annotations

import functools
import re

from newsdesk.errors import SourceReadError

FIELDS = {
    "title": ("title", "headline", "headlines", "heading"),
    "published_at": (
        "published_at",
        "publishedat",
        "published",
        "date",
        "datetime",
        "time",
        "pubdate",
        "timestamp",
        "published date",
        "date published",
        "time published",
        "published at",
    ),
    "url": ("url", "link", "href", "article url", "article link", "permalink"),
    "source": ("source", "publisher", "site", "outlet", "source name"),
    "summary": ("summary", "description", "lead", "abstract", "short description", "excerpt", "teaser"),
    "body": ("body", "text", "content", "article", "full text", "article text"),
    "tickers": ("ticker", "tickers", "stock", "stocks", "symbol", "symbols"),
    "categories": ("category", "categories", "topic", "topics", "section"),
}


def parse_mapping(spec: str | None) -> dict[str, str]:
    """``"title=Headline,published_at=Time"`` → ``{"title": "Headline", "published_at": "Time"}``."""
    mapping: dict[str, str] = {}
    for part in (spec or "").split(","):
        if not part.strip():
            continue
        field, sep, column = part.partition("=")
        field = field.strip()
        if not sep or field not in FIELDS or not column.strip():
            raise SourceReadError(
                f"bad column mapping {part.strip()!r}: write FIELD=Column with FIELD one of {', '.join(FIELDS)}"
            )
        mapping[field] = column.strip()
    return mapping


def _key(name: str) -> str:
    return " ".join(name.strip().casefold().replace("_", " ").replace("-", " ").split())


def guess_mapping(header: list[str] | tuple[str, ...]) -> dict[str, str]:
    """Map newsdesk fields to an input's column (or key) names by their names."""
    return dict(_guess(tuple(header)))


@functools.lru_cache(maxsize=256)
def _guess(header: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    exact = {h.strip().casefold(): h for h in reversed(header) if isinstance(h, str)}
    loose = {_key(h): h for h in reversed(header) if isinstance(h, str)}
    mapping = []
    for field, names in FIELDS.items():
        for name in names:
            column = exact.get(name) or loose.get(_key(name))
            if column is not None:
                mapping.append((field, column))
                break
    return tuple(mapping)


US_PREFIX = re.compile(r"^(?:NYSE(?:\s?AMERICAN|\s?ARCA|\s?MKT)?|NASDAQ(?:GS|GM|CM)?|AMEX|BATS|CBOE)\s*:\s*", re.I)
TICKER_SPLIT = re.compile(r"[,;|\s]+")


def split_tickers(value: str) -> list[str]:
    """A ticker cell as tickers, in order and once each: ``"AAPL, $msft; NASDAQ:NVDA | BRK.B"`` ->
    ``["AAPL", "MSFT", "NVDA", "BRK.B"]``. A U.S. exchange prefix is dropped (the bare symbol is a U.S.
    listing); another market's prefix is kept, since the bare symbol would name a U.S. listing."""
    out = []
    for part in TICKER_SPLIT.split(value or ""):
        ticker = US_PREFIX.sub("", part.strip().lstrip("$")).lstrip("$").upper()
        if ticker and ticker not in out:
            out.append(ticker)
    return out
