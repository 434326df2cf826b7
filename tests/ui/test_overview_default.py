"""The Overview's default on real data: the window is the latest 90 days that hold enough data to
draw (articles on at least 8 days in at least 3 weeks), else the span of the data with a note; the volume bars count
each article once and sum to the KPI; a What moved bar needs 5 recent and 5 baseline articles."""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta
from pathlib import Path

import pytest

from newsdesk.db import schema, writes
from newsdesk.db.read import options as read_options
from newsdesk.db.read import timeline as read_timeline
from newsdesk.db.read import totals as read_totals
from newsdesk.db.read.articles import DEMO_SOURCE
from newsdesk.domain.filters import Filters
from newsdesk.domain.models import Article, CategoryTag
from tests.apptest_util import app, chart_frames, metrics

CATS = ["Energy & Commodities", "Macro & Growth", "Financial Markets"]


def every(first: date, last: date, step: int = 1) -> list[date]:
    return [first + timedelta(days=i) for i in range(0, (last - first).days + 1, step)]


def make_db(path: Path, days: list[date], source: str = "Real Wire", per_day: int = 1) -> Path:
    db = schema.connect(path)
    items = [
        Article(
            title=f"{source} story {d} {k}",
            source=source,
            url=f"https://example.com/{source}/{d}/{k}",
            published_at=f"{d}T10:00:00Z",
            categories=[CategoryTag(c) for c in CATS[: 1 + (k + d.day) % 3]],  # one to three categories
            sentiment=((d.day + k) % 9 - 4) / 10,
            sentiment_label="neutral",
        )
        for d in days
        for k in range(per_day)
    ]
    writes.write_batch(db, items, [], source)
    db.close()
    return path


HISTORY = every(date(2020, 1, 1), date(2020, 12, 31), 3)
SNAPSHOTS = [date(2026, 11, 20), date(2026, 11, 21), date(2026, 12, 2)]


@pytest.mark.parametrize(
    ("days", "since", "until", "note"),
    [
        (every(date(2026, 1, 1), date(2026, 7, 31)), date(2026, 5, 3), None, None),  # dense: the latest 90 days
        (HISTORY + SNAPSHOTS, date(2020, 10, 1), date(2020, 12, 29), "3 newer days with articles"),
        (every(date(2026, 6, 1), date(2026, 7, 31), 2), None, None, None),  # all within 90 days, 9 weeks
        (every(date(2026, 6, 1), date(2026, 6, 5)), None, None, "too few for a trend"),  # 5 days in all
        (every(date(2026, 6, 1), date(2026, 6, 12)), None, None, "in 2 weeks"),  # 12 days, 2 weeks
        (every(date(2019, 1, 1), date(2026, 1, 1), 20), None, None, "No 90 days"),  # sparse everywhere
        ([], None, None, None),
    ],
    ids=["dense", "history-then-snapshots", "short-enough", "short-too-few", "short-one-week", "sparse", "empty"],
)
def test_default_window(tmp_path, days, since, until, note) -> None:
    path = make_db(tmp_path / "w.db", days) if days else make_db(tmp_path / "w.db", [])
    with sqlite3.connect(path) as conn:
        got = read_options.default_window(conn)
    assert (got.since, got.until) == (since, until)
    assert (got.note is None) if note is None else (note in got.note), got.note


def test_default_window_reads_only_the_sources_in_view(tmp_path) -> None:
    path = make_db(tmp_path / "h.db", HISTORY)
    make_db(path, every(date(2026, 8, 1), date(2026, 12, 1)), source=DEMO_SOURCE)  # a dense, recent demo
    with sqlite3.connect(path) as conn:
        shown = read_options.default_window(conn)
        hidden = read_options.default_window(conn, (DEMO_SOURCE,))
    assert shown.since == date(2026, 9, 3) and shown.until is None
    assert (hidden.since, hidden.until) == (date(2020, 10, 1), date(2020, 12, 29))


@pytest.mark.parametrize("grain", ["day", "week", "month"])
@pytest.mark.parametrize(
    "filters",
    [
        Filters(),
        Filters(since=date(2020, 3, 1), until=date(2020, 6, 30)),
        Filters(topics=("Macro & Growth",)),
        Filters(topics=("Macro & Growth", "Financial Markets"), since=date(2020, 2, 10)),
        Filters(topics=("Macro & Growth",), labels=("neutral",)),
        Filters(text="story"),
        Filters(sources=("Real Wire",), until=date(2020, 5, 5)),
    ],
    ids=str,
)
def test_period_counts_count_each_article_once_and_sum_to_the_kpi(tmp_path_factory, grain, filters) -> None:
    path = tmp_path_factory.getbasetemp() / "counts.db"
    if not path.exists():
        make_db(path, HISTORY, per_day=3)
    with sqlite3.connect(path) as conn:
        counts = read_timeline.period_counts(conn, filters, grain)
        kpi = read_totals.kpis(conn, filters)["articles"]
        category_rows = read_timeline.daily_sentiment(conn, filters, grain)["articles"].sum()
    assert counts["articles"].sum() == kpi > 0
    assert category_rows >= kpi  # the old bars summed category rows: an article with 3 categories counted 3 times
    if not filters.topics:
        assert category_rows > kpi


def test_what_moved_needs_five_recent_and_five_baseline_articles(tmp_path) -> None:
    end = date(2026, 6, 30)
    days = every(end - timedelta(days=43), end)
    path = make_db(tmp_path / "m.db", days)
    extra = Article(  # one lone article of a fourth category in the window, and one in the baseline
        title="Lone", source="Real Wire", url="https://example.com/lone", published_at=f"{end}T11:00:00Z",
        categories=[CategoryTag("Technology & AI")], sentiment=0.9, sentiment_label="bullish",
    )  # fmt: skip
    before = Article(
        title="Lone before", source="Real Wire", url="https://example.com/lone0",
        published_at=f"{end - timedelta(days=20)}T11:00:00Z", categories=[CategoryTag("Technology & AI")],
        sentiment=-0.9, sentiment_label="bearish",
    )  # fmt: skip
    db = schema.connect(path)
    writes.write_batch(db, [extra, before], [], "lone")
    db.close()
    with sqlite3.connect(path) as conn:
        moved = read_timeline.what_moved(conn, Filters(), end, 14, 30).set_index("category")
    assert moved.loc["Technology & AI", ["recent_articles", "baseline_articles"]].tolist() == [1, 1]
    assert moved["z"].isna().loc["Technology & AI"]  # one and one: no bar
    drawn = moved.dropna(subset=["z"])
    assert len(drawn) and (drawn["recent_articles"] >= 5).all() and (drawn["baseline_articles"] >= 5).all()


def test_overview_opens_on_the_window_that_draws_and_counts_exactly(tmp_path, monkeypatch) -> None:
    path = make_db(tmp_path / "o.db", HISTORY + SNAPSHOTS, per_day=2)
    monkeypatch.setenv("NEWSDESK_DB", str(path))
    at = app().run()
    assert not at.exception
    assert at.date_input(key="w_dates").value == (date(2020, 10, 1), date(2020, 12, 29))
    assert any("newer days with articles" in c.value for c in at.caption)
    kpi = int(metrics(at)["Articles"].replace(",", ""))
    with sqlite3.connect(path) as conn:
        want = conn.execute(
            "SELECT count(*) FROM articles WHERE published_at >= '2020-10-01' AND published_at < '2020-12-30'"
        ).fetchone()[0]
    assert kpi == want
    (frame,) = [f for f in chart_frames(at) if "view_articles" in f.columns]
    per_period = frame.groupby("period")["view_articles"].max()
    assert per_period.sum() == kpi  # the bars and their "Articles in view" tooltip: each article once
    assert "period" not in at.query_params and "since" not in at.query_params and "until" not in at.query_params
