"""Stored evidence observations (``newsdesk.flows.evidence``): the evidence read from them (merged per
group, instrument and entry session over the stored rows) equals the evidence measured per view by the
rules, figure for figure, on both engines and on the demo desk; after every kind of write that changes a
measurement (a price import, a new article, a rescore-like rewrite of an article's companies, a basket
edit, outside SQL, a rules version); and after ``rebuild-evidence``."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from newsdesk.db import custom_baskets, schema, writes
from newsdesk.db import evidence as store
from newsdesk.db.read import grades as grade_reads
from newsdesk.domain.filters import Filters
from newsdesk.domain.models import Article, CategoryTag, Entity
from newsdesk.flows import evidence, grades
from newsdesk.flows import ingest as pipeline
from newsdesk.flows import prices as track
from newsdesk.prices.demo import illustrative_prices
from newsdesk.scorecard.evidence import RULES_VERSION, evidence_json, measurements, summarise
from tests.flows.test_cli import run

LINKS = {"AAPL": "SPY", "MSFT": "SPY", "NVDA": "SPY", "7203.T": "1306.T"}
BY = ("all", "category", "basket", "source")
TONES = [("bullish", 0.6), ("somewhat-bearish", -0.3), (None, 0.4), (None, -0.5), ("neutral", 0.0), (None, 0.1)]
TICKERS = [["AAPL"], ["MSFT", "NVDA"], ["AAPL", "MSFT"], ["7203.T"], ["NVDA"], ["ZZZZ"]]


def closes_csv(path: Path, end: str = "2024-06-28") -> Path:
    rows = illustrative_prices(["AAPL", "MSFT", "NVDA", "SPY", "7203.T", "1306.T"], "2023-12-01", end, LINKS)
    path.write_text("date,ticker,close\n" + "".join(f"{r.date},{r.ticker},{r.close}\n" for r in rows))
    return path


def articles(start: int = 0, n: int = 36) -> list[Article]:
    """Articles on a few tickers with every tone, several on one ticker and session (merged), an
    estimated date, one the closes do not reach, Tokyo's exchange, a ticker without closes."""
    out = []
    for i in range(start, start + n):
        label, score = TONES[i % len(TONES)]
        day = 3 + (i // 3) % 25  # three articles a day: merged on a shared ticker and session
        month = 1 + i % 6
        published = f"2024-{month:02d}-{day:02d}T{13 + i % 9:02d}:{(7 * i) % 60:02d}:00Z"
        if i % 17 == 16:
            published = "2024-08-20T14:00:00Z"  # after the last close: no window
        a = Article(
            title=f"Story {i} on {' and '.join(TICKERS[i % len(TICKERS)])}", source="Wire" if i % 2 else "Desk",
            url=f"https://example.com/e{i}", published_at=published, published_estimated=i % 11 == 10,
            sentiment=score, sentiment_label=label,
            entities=[Entity(t, t) for t in TICKERS[i % len(TICKERS)]],
            categories=[CategoryTag("Markets")] if i % 3 else [],
        )  # fmt: skip
        out.append(a)
    return out


def measured_by_rules(conn, filters: Filters, by: str) -> list:
    """The evidence as each view measured it before: every observation by the rules, on every close."""
    return measurements(track.observations(conn, filters, by), track.market(conn))


def assert_same(conn, filters: Filters = Filters(), stored: bool = True) -> int:
    """The evidence read (stored where current) equals the rules', for every grouping; ``stored``: and the
    stored observations answered it (nothing measured here)."""
    n = 0
    for by in BY:
        read, live = track.run_measurements(conn, filters, by), measured_by_rules(conn, filters, by)
        assert read == live, by
        assert summarise(read) == summarise(live)
        n += len(read)
    if stored:
        assert evidence.lookup(conn, filters) is not None
        with_closes = []
        track.run_measurements(conn, filters, "category", prices=lambda: with_closes.append(1) or track.market(conn))
        assert not with_closes, "an observation was measured by the rules, not read"
    return n


@pytest.fixture(scope="module")
def template(module_desk_target, tmp_path_factory) -> Path | str:
    """Articles and a custom basket, then closes imported by the CLI (which measures them), once per engine."""
    db = schema.open(module_desk_target)
    pipeline.ensure_reference(db)
    custom_baskets.create_basket(db, "Tech test", "", {"AAPL": 0.5, "MSFT": 0.3, "NVDA": 0.2})
    writes.write_batch(db, articles(), [], "test")
    out = run("prices", "import", str(closes_csv(tmp_path_factory.mktemp("ev") / "closes.csv")), db=module_desk_target)
    assert out.returncode == 0, out.stderr
    schema.checkpoint(db)
    db.close()
    return module_desk_target


def test_stored_evidence_equals_the_rules(built) -> None:
    counts = store.counts(built.conn)
    assert counts["evidence_articles"] == 36 and counts["evidence_observations"] > 100, counts
    assert assert_same(built.conn) > 100
    assert assert_same(built.conn, Filters(sources=("Wire",)))
    assert assert_same(built.conn, Filters(since=date(2024, 2, 1), until=date(2024, 4, 30)))
    versions = built.conn.execute("SELECT DISTINCT rules_version, closes FROM evidence_observations").fetchall()
    assert [tuple(r) for r in versions] == [(RULES_VERSION, "real")]


def test_stored_evidence_equals_the_rules_on_the_demo(tmp_path: Path) -> None:
    path = tmp_path / "demo.db"
    pipeline.create_demo_database(path)
    conn = schema.connect_readonly(path)
    assert assert_same(conn) > 1_000
    closes = conn.execute("SELECT DISTINCT closes FROM evidence_observations").fetchall()
    assert [r[0] for r in closes] == ["illustrative"]  # the demo's articles on its illustrative closes


def test_a_new_article_is_measured_until_the_upkeep_stores_it(built) -> None:
    writes.write_batch(built, articles(100, 3), [], "test")
    assert store.counts(built.conn)["evidence_articles"] == 36
    assert_same(built.conn, stored=False)
    grades.refresh(built)
    assert store.counts(built.conn)["evidence_articles"] == 39
    assert_same(built.conn)


def test_new_closes_measure_again_what_they_touch(built, tmp_path: Path) -> None:
    before = store.counts(built.conn)["evidence_observations"]
    out = run("prices", "import", str(closes_csv(tmp_path / "more.csv", end="2024-09-30")), db=built_path(built))
    assert out.returncode == 0, out.stderr
    assert grade_reads.counts(built.conn)["grade_dirty"] == 0
    assert store.counts(built.conn)["evidence_observations"] > before  # the late articles have windows now
    assert_same(built.conn)


def built_path(db) -> Path | str:
    url = getattr(db, "url", None)
    return url if isinstance(url, str) else Path(db.conn.execute("PRAGMA database_list").fetchone()[2])


@pytest.mark.parametrize(
    "change",
    [
        "DELETE FROM articles WHERE url LIKE '%/e1'",
        "UPDATE articles SET published_at = '2024-01-10T15:00:00Z' WHERE url LIKE '%/e0'",
        "UPDATE articles SET published_estimated = 1 WHERE url LIKE '%/e2'",
        "UPDATE articles SET published_estimated = 0 WHERE url LIKE '%/e10'",
        "UPDATE articles SET source = 'newsdesk demo' WHERE url LIKE '%/e3'",
        "DELETE FROM article_entities WHERE ticker = 'MSFT'",
        "UPDATE article_entities SET ticker = 'NVDA' WHERE ticker = 'AAPL'",
        "UPDATE prices SET close = close * 1.5 WHERE ticker = 'SPY' AND date > '2024-02-01'",
        "DELETE FROM prices WHERE ticker = 'NVDA' AND date > '2024-03-01'",
        "UPDATE prices SET close = close * 0.9 WHERE ticker = '1306.T'",
        "UPDATE basket_members SET weight = 0.8 WHERE ticker = 'AAPL' AND basket_id = 'tech-test'",
        "DELETE FROM basket_members WHERE ticker = 'NVDA' AND basket_id = 'tech-test'",
        "UPDATE companies SET country = 'JP' WHERE ticker = 'MSFT'",
        "UPDATE evidence_articles SET rules_version = 0",
    ],
)  # fmt: skip
def test_outside_writes_never_show_stale_evidence(built, change: str) -> None:
    """Any write a measurement rests on (even outside SQL) drops or marks it in the same transaction:
    readers measure by the rules until the upkeep measures it again, and then read the same figures."""
    with built.conn:
        built.conn.execute(change)
    assert_same(built.conn, stored=False)
    grades.refresh(built)
    assert grade_reads.counts(built.conn)["grade_dirty"] == 0
    assert_same(built.conn)


def test_a_rewritten_article_is_measured_again(built) -> None:
    """A rescore rewrites an article's companies (delete, then insert): its evidence goes with them."""
    (article_id,) = built.conn.execute("SELECT id FROM articles WHERE url LIKE '%/e4'").fetchone()
    with built.conn:
        built.conn.execute("DELETE FROM article_entities WHERE article_id = ?", [article_id])
        built.conn.execute(
            "INSERT INTO article_entities (article_id, ticker, name) VALUES (?, 'MSFT', 'Microsoft')", [article_id]
        )
    assert_same(built.conn, stored=False)
    grades.refresh(built)
    assert_same(built.conn)


def test_basket_edit_in_the_dashboard_measures_its_articles_again(built) -> None:
    custom_baskets.update_basket(built, "tech-test", "Tech test", "", {"AAPL": 0.2, "NVDA": 0.8})
    assert evidence.lookup(built.conn) is None  # marked: computed by the rules
    assert_same(built.conn, stored=False)
    grades.refresh(built)
    assert_same(built.conn)


def test_rebuild_evidence_command(built) -> None:
    path = built_path(built)
    with built.conn:
        built.conn.execute("DELETE FROM evidence_observations")
        built.conn.execute("DELETE FROM evidence_articles")
    out = run("rebuild-evidence", db=path)
    assert out.returncode == 0, out.stderr
    rows = store.counts(built.conn)["evidence_observations"]
    assert out.stdout.strip() == f"Rebuilt evidence: 36 articles measured, {rows:,} observations stored."
    assert_same(built.conn)


def test_the_cli_reads_the_stored_evidence(built, tmp_path: Path) -> None:
    path = built_path(built)
    for by in BY:
        out = run("evidence", "--by", by, "--json", db=path)
        assert out.returncode == 0, out.stderr
        assert json.loads(out.stdout) == evidence_json(summarise(measured_by_rules(built.conn, Filters(), by)))



def current(conn) -> int:
    return conn.execute("SELECT count(*) FROM evidence_articles WHERE rules_version = ?", [RULES_VERSION]).fetchone()[0]


@pytest.mark.parametrize("limit", [0, 1, 10])
def test_a_bounded_upkeep_measures_the_newest_and_the_next_ones_the_rest(built, monkeypatch, limit: int) -> None:
    """One upkeep measures at most ``UPKEEP_LIMIT`` articles, the newest; older ones a change touched are no
    longer read as current (the rules measure them meanwhile: same figures), and later upkeeps catch up."""
    monkeypatch.setattr(evidence, "UPKEEP_LIMIT", limit)
    untouched = current(built.conn) - len(evidence.touched(built.conn, ["SPY"], track.market(built.conn)))
    assert untouched > 0
    with built.conn:  # the benchmark of every US ticker: most articles read it
        built.conn.execute("UPDATE prices SET close = close * 1.5 WHERE ticker = 'SPY' AND date > '2024-02-01'")
    grades.refresh(built)
    assert grade_reads.counts(built.conn)["grade_dirty"] == 0
    assert current(built.conn) == untouched + limit
    assert_same(built.conn, stored=False)
    for _ in range(36 // max(limit, 1) + 1 if limit else 0):
        grades.refresh(built)
    if not limit:
        monkeypatch.setattr(evidence, "UPKEEP_LIMIT", 20_000)
        grades.refresh(built)
    assert current(built.conn) == 36 and not store.unmeasured(built.conn, RULES_VERSION)
    assert_same(built.conn)
