"""The fast ingest path (issue 27) stores what the plain serial path stores: the novelty window held
in memory per chunk and the scoring spread over processes give the rows that scoring each article
in turn against a plain scan of the titles before it gives, in the same order."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from newsdesk.db import schema, writes
from newsdesk.domain.models import ParseResult
from newsdesk.flows import ingest as pipeline
from newsdesk.ingest import stream_path
from newsdesk.score.impact import title_words
from newsdesk.score.novelty import hours_before
from newsdesk.score.parallel import Scoring
from newsdesk.score.pipeline import default_context, score_article

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
INPUTS = [
    *pipeline.demo_files(),  # full articles with decision bullets
    FIXTURES / "csv" / "kaggle_headlines.csv",
    FIXTURES / "stories" / "per_ticker.csv",
    FIXTURES / "stories" / "site_rss.xml",
]
# what differs between two runs by design: the time of the ingest
SKIP = {"ingested_at", "seen_at", "started_at", "finished_at"}
TABLES = {
    "articles": "id",
    "article_categories": "article_id, category, origin",
    "article_entities": "article_id, ticker",
    "decisions": "id",
    "decision_baskets": "decision_id, basket_id",
    "article_sources": "article_id, source, url",
    "daily_category_sentiment": "day, category",
    "category_set_totals": "grain, period, cats",
}


def _chunks() -> list[tuple[str, ParseResult]]:
    return [(str(p), parsed) for p in INPUTS for parsed in stream_path(p, "page" if p.suffix == ".txt" else "auto")]


def _plain_chunk(db, name: str, parsed: ParseResult) -> None:
    """The old order: each article scored in turn against a plain scan of the stored titles and the
    chunk's earlier ones of the 72 hours before it (the 500 most recent), then one batch."""
    ctx = default_context()
    conn = db.conn
    stored = conn.execute("SELECT published_at, title FROM articles ORDER BY published_at, rowid").fetchall()
    articles = sorted(parsed.articles, key=lambda a: a.published_at or "")
    now = writes.now_iso()
    scored: list = []
    for i, article in enumerate(articles):
        end = article.published_at or now
        start = hours_before(end)
        keyed = [((t, 0, n), title) for n, (t, title) in enumerate(stored) if start <= t < end]
        keyed += [((b.published_at or now, 1, j), b.title) for j, b in enumerate(articles[:i])]
        keyed = [k for k in keyed if start <= k[0][0] < end]
        window = [title_words(t) for _, t in sorted(keyed)[-pipeline.NOVELTY_TITLES :]]
        scored.append(score_article(article, ctx, window))
    writes.write_batch(db, scored, list(parsed.problems), name)


def _rows(path: Path) -> dict[str, list[tuple]]:
    conn = sqlite3.connect(path)
    out = {}
    for table, order in TABLES.items():
        names = [r[1] for r in conn.execute(f"PRAGMA table_info({table})") if r[1] not in SKIP]
        out[table] = conn.execute(f"SELECT {', '.join(names)} FROM {table} ORDER BY {order}").fetchall()
    conn.close()
    return out


@pytest.mark.parametrize("jobs", [1, 2, 3])
def test_fast_path_stores_what_the_plain_serial_path_stores(tmp_path: Path, jobs: int) -> None:
    chunks = _chunks()
    assert sum(len(p.articles) for _, p in chunks) > 100
    plain = schema.connect(tmp_path / "plain.db")
    pipeline.ensure_reference(plain)
    for name, parsed in _chunks():
        _plain_chunk(plain, name, parsed)
    plain.close()
    fast = schema.connect(tmp_path / "fast.db")
    pipeline.ensure_reference(fast)
    report = pipeline.IngestReport()
    with Scoring(default_context(), jobs, min_parallel=1) as scoring:
        for name, parsed in chunks:
            pipeline.write_chunk(fast, name, parsed, default_context(), report, scoring=scoring)
    fast.close()
    want, got = _rows(tmp_path / "plain.db"), _rows(tmp_path / "fast.db")
    assert len(want["articles"]) == report.added > 100
    assert any(r for r in want["decisions"])
    for table in TABLES:
        assert got[table] == want[table], table


def test_ingest_with_jobs_stores_the_rows_of_the_plain_path(tmp_path: Path) -> None:
    """``ingest_paths(jobs=2)`` over three chunks (each scored by workers while the one before is
    stored) against the plain serial path, chunk by chunk, and against ``jobs=1``."""
    path = tmp_path / "many.csv"
    lines = ["title,date,source,summary"]
    for i in range(2100):
        company = ["Toyota", "Sony", "Nvidia", "Shell", "HSBC"][i % 5]
        move = ["jumps 5%", "falls after profit warning", "holds steady", "beats forecasts"][i % 4]
        lines.append(
            f"{company} shares {move} (note {i}),2026-03-{1 + i % 20:02d} {i % 24:02d}:{i % 60:02d},Wire {i % 3},"
            f"{company} said demand {move}."
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    plain = schema.connect(tmp_path / "plain.db")
    pipeline.ensure_reference(plain)
    chunks = list(stream_path(path))
    assert len(chunks) == 3
    for parsed in chunks:
        _plain_chunk(plain, str(path), parsed)
    plain.close()
    for jobs in (1, 2):
        db = schema.connect(tmp_path / f"j{jobs}.db")
        report = pipeline.ingest_paths(db, [path], jobs=jobs)
        assert report.added == 2100, report.summary()
        db.close()
    want = _rows(tmp_path / "plain.db")
    assert _rows(tmp_path / "j2.db") == want
    assert _rows(tmp_path / "j1.db") == want
