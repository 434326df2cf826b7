"""Feeds served from a local HTTP server on 127.0.0.1: fetch, 304 on refetch, failures isolated."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from newsdesk.db import schema
from newsdesk.errors import ApiError, SourceReadError
from newsdesk.fetch import fetch_url
from newsdesk.flows import feeds
from tests.cli_util import run_cli

FEED = (Path(__file__).resolve().parents[1] / "fixtures_http" / "markets.xml").read_bytes()
ETAG = '"markets-v1"'


class Handler(BaseHTTPRequestHandler):
    hits: list[tuple[str, int]] = []

    def log_message(self, *args) -> None:  # keep test output quiet
        pass

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        if self.path == "/markets.xml":
            if self.headers.get("If-None-Match") == ETAG:
                self._send(304, b"")
            else:
                self._send(200, FEED, {"ETag": ETAG, "Content-Type": "application/rss+xml"})
        elif self.path == "/broken":
            self._send(500, b"oops")
        elif self.path == "/newsapi-bad-key":
            body = b'{"status":"error","code":"apiKeyInvalid","message":"Your API key is invalid or incorrect."}'
            self._send(401, body, {"Content-Type": "application/json"})
        elif self.path == "/garbage":
            self._send(200, b"\x00\x01 not a feed", {"Content-Type": "text/plain"})
        else:
            self._send(404, b"no such feed")

    def _send(self, code: int, body: bytes, headers: dict | None = None) -> None:
        Handler.hits.append((self.path, code))
        self.send_response(code)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body:
            self.wfile.write(body)


@pytest.fixture
def server():
    Handler.hits = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_fetch_then_304(db, server) -> None:
    feed = feeds.Feed("Fixture Markets", f"{server}/markets.xml", ("Financial Markets",))
    first = feeds.fetch_feeds(db, [feed], retries=0)
    (o,) = first.outcomes
    assert (o.status, o.added, o.duplicates, o.rejected) == ("fetched", 3, 0, 0)
    second = feeds.fetch_feeds(db, [feed], retries=0)
    assert [(x.status, x.added) for x in second.outcomes] == [("not modified", 0)]
    assert Handler.hits == [("/markets.xml", 200), ("/markets.xml", 304)]
    assert db["articles"].count == 3
    state = db["feed_state"].get(feed.url)
    assert (state["etag"], state["last_status"], state["added_total"]) == (ETAG, 304, 3)
    steel = next(db.query("SELECT url, published_at, source FROM articles WHERE title LIKE 'Steelmaker%'"))
    assert steel == {
        "url": "https://example.com/markets/steel-outlook",
        "published_at": "2026-11-03T14:15:00Z",
        "source": "Fixture Markets",
    }
    lender = next(db.query("SELECT published_at FROM articles WHERE title LIKE 'Regional lender%'"))
    assert lender["published_at"] == "2026-11-03T10:40:00Z"
    undated = next(db.query("SELECT published_at, published_estimated FROM articles WHERE title LIKE 'Copper%'"))
    assert undated == {"published_at": "2026-11-03T18:00:00Z", "published_estimated": 1}
    assert all(
        "<" not in r["summary"] and "alert" not in r["summary"] for r in db.query("SELECT summary FROM articles")
    )
    cats = {r["category"] for r in db.query("SELECT category FROM article_categories WHERE origin = 'source'")}
    assert cats == {"Financial Markets"}


def test_one_bad_feed_never_stops_the_others(db, server) -> None:
    bad = feeds.Feed("Broken", f"{server}/broken")
    garbage = feeds.Feed("Garbage", f"{server}/garbage")
    good = feeds.Feed("Fixture Markets", f"{server}/markets.xml")
    report = feeds.fetch_feeds(db, [bad, garbage, good], retries=2, backoff=0.01)
    assert [o.status for o in report.outcomes] == ["failed", "failed", "fetched"]
    assert "HTTP 500" in report.outcomes[0].error
    assert [h for h in Handler.hits if h[0] == "/broken"] == [("/broken", 500)] * 3  # first try + 2 retries
    assert report.outcomes[2].added == 3
    assert db.execute("SELECT count(*) FROM problems").fetchone()[0] == 2


def test_404_is_not_retried(server) -> None:
    with pytest.raises(SourceReadError, match="HTTP 404"):
        fetch_url(f"{server}/missing", retries=3, backoff=0.01)
    assert Handler.hits == [("/missing", 404)]


def test_an_api_error_answer_says_the_service_message_and_is_not_retried(server) -> None:
    with pytest.raises(ApiError, match="HTTP 401, a NewsAPI error response, not news: Your API key is invalid"):
        fetch_url(f"{server}/newsapi-bad-key", retries=3, backoff=0.01)
    assert Handler.hits == [("/newsapi-bad-key", 401)]


def test_ingest_a_url(db_path, server) -> None:
    r = run_cli("ingest", f"{server}/markets.xml", db=db_path)
    assert (r.returncode, r.stdout) == (0, "3 added, 0 duplicates, 0 rejected\n")


def test_cli_fetch_and_watch(tmp_path, server) -> None:
    conf = tmp_path / "feeds.toml"
    conf.write_text(
        f'[[feed]]\nname = "Fixture Markets"\nurl = "{server}/markets.xml"\n\n'
        f'[[feed]]\nname = "Broken"\nurl = "{server}/nothing-here"\n'
    )
    db = tmp_path / "f.db"
    r = run_cli("fetch", "--feeds", str(conf), db=db)
    assert r.returncode == 1
    assert r.stdout == "Fixture Markets: 3 added, 0 duplicates, 0 rejected\n"
    assert "Broken: failed:" in r.stderr and "HTTP 404" in r.stderr
    w = run_cli("watch", "--feeds", str(conf), "--every", "1s", "--rounds", "2", db=db)
    assert w.returncode == 0
    assert w.stdout.count("Fixture Markets: not modified") == 2
    assert schema.connect(db)["articles"].count == 3


@pytest.mark.parametrize(("text", "seconds"), [("90s", 90), ("15m", 900), ("2h", 7200), ("30", 30)])
def test_interval(text, seconds) -> None:
    assert feeds.parse_interval(text) == seconds


@pytest.mark.parametrize("text", ["", "soon", "-5m", "0"])
def test_bad_interval(text) -> None:
    with pytest.raises(SourceReadError):
        feeds.parse_interval(text)


class FailingScorer:
    """A sentiment scorer that raises on every article, as a scorer bug would."""

    version = "failing/1"

    def score(self, text: str, title: str = ""):
        raise RuntimeError("scorer exploded")


def rejected_by_scoring(db_path) -> list[str]:
    db = schema.connect(db_path)
    try:
        return [r[0] for r in db.execute("SELECT reason FROM problems ORDER BY id")]
    finally:
        db.close()


def test_a_failing_scorer_rejects_feed_entries_and_fetch_goes_on(db, server) -> None:
    """Feeds go through the pipeline's chunk writer: a scorer error becomes rejected records, the
    other feeds are fetched, and the feed's validators are still remembered."""
    good = feeds.Feed("Fixture Markets", f"{server}/markets.xml")
    report = feeds.fetch_feeds(db, [good], ctx=FailingScorer(), retries=0)
    (o,) = report.outcomes
    assert (o.status, o.added, o.duplicates, o.rejected) == ("fetched", 0, 0, 3)
    reasons = [r[0] for r in db.execute("SELECT reason FROM problems")]
    assert len(reasons) == 3 and all(r.startswith("scoring failed: RuntimeError('scorer exploded')") for r in reasons)
    assert db["articles"].count == 0
    assert db["feed_state"].get(good.url)["etag"] == ETAG


@pytest.mark.parametrize("command", [["fetch"], ["watch", "--every", "1s", "--rounds", "1"]])
def test_cli_fetch_and_watch_survive_a_failing_scorer(tmp_path, server, monkeypatch, command) -> None:
    """``fetch`` and one round of ``watch`` with a scorer that raises: the entries are rejected
    ("scoring failed"), the command reports them and exits 0 instead of crashing."""
    from click.testing import CliRunner

    from newsdesk.cli import cli

    monkeypatch.setattr(feeds, "default_context", FailingScorer)
    conf = tmp_path / "feeds.toml"
    conf.write_text(f'[[feed]]\nname = "Fixture Markets"\nurl = "{server}/markets.xml"\n')
    db_path = tmp_path / "f.db"
    result = CliRunner().invoke(cli, [*command, "--feeds", str(conf), "--db", str(db_path)])
    assert result.exception is None, result.output
    assert result.exit_code == 0
    assert "Fixture Markets: 0 added, 0 duplicates, 3 rejected" in result.output
    reasons = rejected_by_scoring(db_path)
    assert len(reasons) == 3 and all(r.startswith("scoring failed:") for r in reasons)
