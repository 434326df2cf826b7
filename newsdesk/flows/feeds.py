"""Feeds on a schedule: a TOML list of feeds, fetched with conditional requests.

Feeds file (``data/feeds.toml``; see ``data/feeds.example.toml``)::

    [[feed]]
    name = "Example Markets"                       # the articles' source
    url = "https://example.com/markets/rss"
    categories = ["Financial Markets"]   # optional default categories
"""

from __future__ import annotations

import logging
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from newsdesk.config import DATA_DIR
from newsdesk.db import Connection, writes
from newsdesk.errors import NewsdeskError, SourceReadError
from newsdesk.fetch import fetch_url
from newsdesk.flows.ingest import IngestReport, ensure_reference, write_chunk
from newsdesk.ingest import feed as feed_parser
from newsdesk.score.pipeline import ScoringContext, default_context
from newsdesk.score.sentiment import Scorer

log = logging.getLogger(__name__)

DEFAULT_FEEDS = DATA_DIR / "feeds.toml"


@dataclass(frozen=True)
class Feed:
    """One configured feed."""

    name: str
    url: str
    categories: tuple[str, ...] = ()


@dataclass
class FeedOutcome:
    """What fetching one feed did."""

    feed: Feed
    status: str  # "fetched", "not modified", "failed"
    added: int = 0
    duplicates: int = 0
    rejected: int = 0
    error: str = ""


@dataclass
class FetchReport:
    """Outcomes of one round over all feeds."""

    outcomes: list[FeedOutcome] = field(default_factory=list)

    @property
    def failed(self) -> list[FeedOutcome]:
        """The feeds that could not be fetched or read."""
        return [o for o in self.outcomes if o.status == "failed"]


def load_feeds(path: str | Path = DEFAULT_FEEDS) -> list[Feed]:
    """Read a feeds file; raise :class:`SourceReadError` with what is wrong."""
    path = Path(path)
    if not path.exists():
        raise SourceReadError(f"{path} does not exist: copy data/feeds.example.toml there and edit it")
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise SourceReadError(f"{path} is not valid TOML: {exc}") from None
    feeds = []
    for n, item in enumerate(data.get("feed", []), start=1):
        url = item.get("url") if isinstance(item, dict) else None
        if not isinstance(url, str) or not url.lower().startswith(("http://", "https://")):
            raise SourceReadError(f"{path}: feed {n} needs an http(s) url")
        feeds.append(Feed(str(item.get("name") or url), url, tuple(item.get("categories") or ())))
    if not feeds:
        raise SourceReadError(f"{path} lists no [[feed]]")
    return feeds


def fetch_feeds(
    db: Connection, feeds: list[Feed], ctx: ScoringContext | Scorer | None = None, **fetch_options
) -> FetchReport:
    """Fetch every feed once; a feed that fails is recorded and the others go on."""
    ctx = ctx or default_context()
    ensure_reference(db)
    report = FetchReport()
    for f in feeds:
        report.outcomes.append(fetch_one(db, f, ctx, **fetch_options))
    added = sum(o.added for o in report.outcomes)
    log.info("feeds round: %d feed(s), %d added, %d failed", len(feeds), added, len(report.failed))
    return report


def fetch_one(db: Connection, f: Feed, ctx: ScoringContext | Scorer, **fetch_options) -> FeedOutcome:
    """Fetch one feed (conditionally), ingest its entries as one batch through the pipeline's chunk
    writer (a scorer failure rejects that entry, never the round) and remember its validators."""
    state = writes.feed_state(db, f.url)
    now = writes.now_iso()
    try:
        got = fetch_url(f.url, state.get("etag"), state.get("last_modified"), **fetch_options)
        if got.status == 304:
            _save_state(db, f, now, 304, state.get("etag"), state.get("last_modified"), "", 0)
            log.info("feed %s: not modified", f.name)
            return FeedOutcome(f, "not modified")
        parsed = feed_parser.parse_text(got.body, f.url, feed_source=f.name, default_categories=f.categories)
    except NewsdeskError as exc:
        writes.record_failure(db, f.url, str(exc))
        _save_state(db, f, now, 0, state.get("etag"), state.get("last_modified"), str(exc), 0)
        log.info("feed %s failed: %s", f.name, exc)  # the CLI prints it; the log keeps when
        return FeedOutcome(f, "failed", error=str(exc))
    result = IngestReport()
    write_chunk(db, f.url, parsed, ctx, result)
    _save_state(db, f, now, got.status, got.etag, got.last_modified, "", result.added)
    log.info("feed %s: %s", f.name, result.summary())
    return FeedOutcome(f, "fetched", result.added, result.duplicates, result.rejected)


def _save_state(db, f: Feed, when: str, status: int, etag, last_modified, error: str, added: int) -> None:
    writes.save_feed_state(db, f.url, f.name, when, status, etag, last_modified, error, added)


def parse_interval(text: str) -> float:
    """Seconds in ``"90s"``, ``"15m"``, ``"2h"`` or a bare number of seconds."""
    value = text.strip().lower()
    units = {"s": 1, "m": 60, "h": 3600}
    try:
        if value and value[-1] in units:
            seconds = float(value[:-1]) * units[value[-1]]
        else:
            seconds = float(value)
    except ValueError:
        raise SourceReadError(f"interval {text!r} is not like 90s, 15m or 2h") from None
    if seconds <= 0:
        raise SourceReadError(f"interval {text!r} must be positive")
    return seconds
