"""Novelty in impact (issue 24) and its in-memory window (issue 27): the chunk's window gives what a
plain scan of the stored and earlier titles gives, and a story's first report outranks its copies."""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

import pytest

from newsdesk.db import schema
from newsdesk.domain.models import Article, ParseResult
from newsdesk.flows import ingest as pipeline
from newsdesk.score.impact import COPY_OVERLAP, impact_breakdown, novelty_counted, novelty_of, title_words
from newsdesk.score.novelty import TitleWindow, hours_before

TOPICS = ["rates", "oil", "chips", "yen", "steel", "grain"]
VERBS = ["rise", "fall", "jump", "slide", "hold"]


def _title(rng: random.Random, i: int) -> str:
    words = rng.sample(TOPICS, 2) + [rng.choice(VERBS)]
    return " ".join(words) + (f" marker{i % 7}" if rng.random() < 0.5 else "")


def _articles(rng: random.Random, n: int, days: int, tag: str) -> list[Article]:
    out = []
    for i in range(n):
        day, hour = rng.randint(1, days), rng.randint(0, 23)
        when = None if rng.random() < 0.02 else f"2026-05-{day:02d}T{hour:02d}:{rng.choice([0, 30]):02d}:00Z"
        out.append(Article(title=f"{_title(rng, i)} {tag}{i % 3}", source="t", published_at=when))
    return out


def _scan(stored: list[tuple[str, str]], articles: list[Article], now: str) -> list[tuple[float, int]]:
    """The definition: for each article, the 500 most recent titles of the 72 hours before it (stored
    ones first on equal times, then the chunk's earlier ones in order), compared one by one."""
    moments = [a.published_at or now for a in articles]
    order = sorted(range(len(articles)), key=lambda i: (moments[i], i))
    rank = {i: pos for pos, i in enumerate(order)}
    out = []
    for i, a in enumerate(articles):
        end, start = moments[i], hours_before(moments[i])
        keyed = [((t, 0, n), title) for n, (t, title) in enumerate(stored) if start <= t < end]
        keyed += [((moments[j], 1, rank[j]), b.title) for j, b in enumerate(articles) if start <= moments[j] < end]
        window = [title_words(t) for _, t in sorted(keyed)[-pipeline.NOVELTY_TITLES :]]
        words = title_words(a.title)
        overlaps = [len(words & w) / len(words | w) for w in window if words & w]
        out.append(novelty_of(overlaps))
    return out


@pytest.mark.parametrize(("n_stored", "n_chunk", "days"), [(0, 300, 20), (400, 300, 20), (300, 900, 3), (200, 40, 28)])
def test_chunk_window_equals_a_plain_scan(tmp_path: Path, n_stored: int, n_chunk: int, days: int) -> None:
    """Stored titles, ties, undated articles, gaps longer than the window and a window over the 500
    cap (900 titles in 3 days) all give the scan's novelty and copies."""
    rng = random.Random(n_stored + n_chunk)
    db = schema.connect(tmp_path / "n.db")
    if n_stored:
        report = pipeline.IngestReport()
        pipeline.write_chunk(
            db, "first", ParseResult(_articles(rng, n_stored, days, "s"), []), pipeline.default_context(), report
        )
        assert report.added > 0
    stored = (
        sqlite3.connect(tmp_path / "n.db")
        .execute("SELECT published_at, title FROM articles ORDER BY published_at, rowid")
        .fetchall()
    )
    chunk = sorted(_articles(rng, n_chunk, days, "c"), key=lambda a: a.published_at or "")
    now = "2026-06-15T00:00:00Z"  # the undated articles' moment, later than every dated one
    got = pipeline.chunk_novelty(db, chunk, now=now)
    want = _scan(stored, chunk, now)
    assert [(round(n, 9), c) for n, c in got] == [(round(n, 9), c) for n, c in want]
    assert any(c > 1 for _, c in got)


def test_window_keeps_the_most_recent_and_drops_the_old() -> None:
    window = TitleWindow(hours=72, limit=2)
    for moment, title in [
        ("2026-05-01T00:00:00Z", "oil rises"),
        ("2026-05-02T00:00:00Z", "oil falls"),
        ("2026-05-03T00:00:00Z", "oil holds"),
    ]:
        window.push(moment, title_words(title))
    assert len(window) == 2 and window.overlaps(title_words("oil rises")) == [(1 / 3, 2)]
    window.evict_before("2026-05-05T12:00:00Z")  # 72 h before is May 2, 12:00: the May 2 title goes
    assert window.overlaps(title_words("oil holds")) == [(1.0, 1)]
    assert window.overlaps(frozenset()) == []


@pytest.mark.parametrize(("limit", "titles"), [(2, 5), (7, 40), (500, 1200)])
def test_window_novelty_equals_its_counted_overlaps(limit: int, titles: int) -> None:
    """The numpy count (``TitleWindow.novelty``) gives exactly what the overlap pairs give, as the
    window fills, wraps its slots and evicts."""
    rng = random.Random(limit)
    window = TitleWindow(hours=72, limit=limit)
    for i in range(titles):
        moment = f"2026-05-{1 + i // 48:02d}T{i % 48 // 2:02d}:{30 * (i % 2):02d}:00Z"  # 30 minutes apart
        window.evict_before(moment)
        words = title_words(_title(rng, i))
        assert window.novelty(words) == novelty_counted(window.overlaps(words))
        window.push(moment, words)
    assert window.novelty(frozenset()) == (1.0, 0)


@pytest.mark.parametrize(
    ("overlaps", "novelty", "copies"),
    [
        ([], 1.0, 0),
        ([0.1, 0.2], 0.8, 0),
        ([COPY_OVERLAP], 1 - COPY_OVERLAP, 1),
        ([0.5, 0.5], 0.25, 2),
        ([0.5] * 9, 0.5 / 9, 9),
        ([1.0, 0.9], 0.0, 2),
    ],
)
def test_novelty_is_divided_by_earlier_copies(overlaps, novelty, copies) -> None:
    got = novelty_of(overlaps)
    assert got[0] == pytest.approx(novelty) and got[1] == copies


def test_first_report_outranks_its_tenth_copy(tmp_path: Path) -> None:
    """Ten outlets report one story ten minutes apart with the same text: the first report has the
    highest impact, the tenth the lowest, and the Article page's breakdown counts the copies."""
    db = schema.connect(tmp_path / "s.db")
    outlets = [
        "Harbor",
        "Meridian",
        "Atlas",
        "Northgate",
        "Quayside",
        "Lantern",
        "Summit",
        "Beacon",
        "Crescent",
        "Delta",
    ]
    body = "Toyota recalled a million cars over a brake fault; shares fell 4 percent in Tokyo trading."
    stories = [
        Article(
            title=f"Toyota recalls one million cars over brake fault, {name} reports",
            source=name,
            url=f"https://{name.lower()}.example/toyota",
            published_at=f"2026-05-04T09:{10 * n:02d}:00Z" if n < 6 else f"2026-05-04T10:{10 * (n - 6):02d}:00Z",
            summary=body,
        )
        for n, name in enumerate(outlets)
    ]
    report = pipeline.IngestReport()
    pipeline.write_chunk(db, "story", ParseResult(stories, []), pipeline.default_context(), report)
    assert report.added == 10
    got = (
        sqlite3.connect(tmp_path / "s.db")
        .execute(
            "SELECT impact, json_extract(impact_components, '$.novelty'), json_extract(impact_components, '$.copies'),"
            " impact_components FROM articles ORDER BY published_at"
        )
        .fetchall()
    )
    impacts = [r[0] for r in got]
    assert impacts[0] == max(impacts) and impacts[0] > impacts[-1]
    assert [r[2] for r in got] == list(range(10))
    assert got[1][1] > got[9][1]  # the second report is newer news than the tenth
    import json

    rows = {r["component"]: r for r in impact_breakdown(json.loads(got[9][3]))}
    assert "9 earlier copies" in rows["Novelty"]["evidence"]
