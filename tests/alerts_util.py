"""Helpers for the alert tests: hand-built articles, and a loopback HTTP server that records what a
``json://`` webhook receives."""

from __future__ import annotations

import json
import socket
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from newsdesk.db import writes
from newsdesk.domain.models import Article, CategoryTag, Decision, Entity
from newsdesk.score.labels import sentiment_label


def article(
    title: str,
    day: str = "2026-11-02",
    sentiment: float = 0.0,
    impact: float = 0.5,
    tickers: tuple[str, ...] = (),
    topics: tuple[str, ...] = ("Technology & AI",),
    source: str = "Hand Wire",
    decisions: list[Decision] | None = None,
) -> Article:
    """A scored article built by hand (no scorer: every score is the one given)."""
    return Article(
        title=title,
        source=source,
        url=f"https://example.com/{abs(hash((title, day))) % 10**9}",
        published_at=f"{day}T09:00:00Z",
        summary=f"{title}.",
        categories=[CategoryTag(t) for t in topics],
        entities=[Entity(t, t) for t in tickers],
        decisions=decisions or [],
        sentiment=sentiment,
        sentiment_label=sentiment_label(sentiment),
        subjectivity=0.3,
        impact=impact,
        scorer_version="hand",
    )


def decision(text: str, legs: list[dict], horizon: int | None = None, position: int = 1) -> Decision:
    """A decision with its legs (``{"ticker" or "basket", "side"}``) and longest horizon in days."""
    return Decision(position, text, action="buy", instruments=legs, horizon_max_days=horizon)


def store(db, *articles: Article) -> None:
    writes.write_batch(db, list(articles), [], "hand")


def closed_port() -> int:
    """A loopback port nothing listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def webhook(port: int = 0, feed: bytes = b""):
    """A loopback HTTP server; yields ``(url_base, received)``: every POST body, decoded from JSON.
    With ``feed``, ``GET /feed.xml`` answers it (an RSS feed for ``watch``)."""
    received: list[dict] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            self.send_response(200 if feed else 404)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Content-Length", str(len(feed)))
            self.end_headers()
            self.wfile.write(feed)

        def do_POST(self) -> None:  # noqa: N802 - http.server's name
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            received.append(json.loads(body or b"{}"))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"127.0.0.1:{server.server_address[1]}", received
    finally:
        server.shutdown()
        server.server_close()
