"""The sentiment chart (``read.timeline.daily_sentiment``) equals a recount from ``articles`` on both
engines: every period, category, count and mean, for whole-span, date, topic and edge-day views at each
grain. The chart reads whole periods from the period table and only the edge days and the Uncategorised
line from day rows (issue 27); this pins that the union of those holds each article once."""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import date, timedelta

import pandas as pd
import pytest

from newsdesk.db import schema, writes
from newsdesk.db.periods import period_start
from newsdesk.db.read import timeline
from newsdesk.domain.filters import UNCATEGORISED, Filters
from newsdesk.domain.models import Article
from tests.engine_util import rows
from tests.fault_util import mixed_writes


@pytest.fixture(scope="module")
def desk(request, module_desk_target, tmp_path_factory):
    """A small desk written every way newsdesk writes, plus articles without a category (some with an
    estimated date or off the market view, which the chart leaves out)."""
    from tests.conftest import SAMPLE

    db = schema.open(module_desk_target)
    if SAMPLE.exists():
        mixed_writes(db, SAMPLE, seed=21, n=1_500)
    else:  # no shared sample beside this checkout: the synthetic corpus alone
        from benchmarks import synthetic

        synthetic.generate(db, 1_500, seed=21)
    bare = [
        Article(id=f"bare-{i}", title=f"Plain note {i}", source="Wire", url=f"https://example.com/bare/{i}",
                published_at=f"2025-0{1 + i % 3}-{10 + i % 9:02d}T12:00:00Z", sentiment=0.1 * (i % 5) - 0.2,
                sentiment_label="neutral", impact=0.3, published_estimated=i % 7 == 0, market_relevant=i % 5 != 0)
        for i in range(60)
    ]  # fmt: skip
    writes.write_new(db, [(a, a.id) for a in bare], "test")
    yield db
    db.close()


def _recount(db, filters: Filters, grain: str) -> dict[tuple[date, str], tuple[int, float, float]]:
    """(period, category) -> (articles, mean sentiment, mean impact) counted in Python from the articles
    and their effective categories: market news with an exact date and a score, each article once per
    category; articles with no category are the Uncategorised line (no impact in a date view)."""
    cats: dict[str, set[str]] = defaultdict(set)
    for r in rows(db, "SELECT article_id, category FROM article_categories WHERE effective = 1"):
        cats[r["article_id"]].add(r["category"])
    sums: dict[tuple[date, str], list[float]] = defaultdict(lambda: [0, 0.0, 0.0, 0])
    for a in rows(db, "SELECT id, published_at, published_estimated, market_relevant, sentiment, impact FROM articles"):
        if a["published_at"] is None or a["published_estimated"] or not a["market_relevant"] or a["sentiment"] is None:
            continue
        day = date.fromisoformat(a["published_at"][:10])
        if (filters.since and day < filters.since) or (filters.until and day > filters.until):
            continue
        mine = cats.get(a["id"]) or {UNCATEGORISED}
        for category in mine:
            if filters.topics and category not in filters.topics:
                continue
            s = sums[(period_start(day, grain) if grain != "day" else day, category)]
            s[0] += 1
            s[1] += a["sentiment"]
            if a["impact"] is not None and category != UNCATEGORISED:
                s[2] += a["impact"]
                s[3] += 1
    return {k: (n, ss / n, isum / inn if inn else math.nan) for k, (n, ss, isum, inn) in sums.items()}


VIEWS = [
    Filters(),
    Filters(since=date(2025, 1, 8), until=date(2025, 5, 13)),  # edge days at both ends in every grain
    Filters(since=date(2024, 12, 30), until=date(2025, 3, 31)),  # whole weeks; whole months but the first
    Filters(topics=("Trade & Tariffs",)),
    Filters(topics=("Macro & Growth", "Energy & Commodities"), since=date(2024, 3, 5), until=date(2024, 9, 17)),
    Filters(since=date(2026, 11, 4)),
    Filters(until=date(2024, 1, 10)),
]


@pytest.mark.parametrize("grain", ["week", "month", "day"])
@pytest.mark.parametrize("filters", VIEWS, ids=str)
def test_chart_equals_a_recount_from_articles(desk, filters: Filters, grain: str) -> None:
    assert timeline.plan(filters).from_totals  # the view the chart answers from the derived tables
    chart = timeline.daily_sentiment(desk, filters, grain)
    want = _recount(desk, filters, grain)
    got = {
        (r.period, r.category): (int(r.articles), float(r.mean_sentiment), float(r.mean_impact))
        for r in chart.itertuples()
    }
    assert len(got) == len(chart)  # one row per period and category
    assert list(chart[["period", "category"]].itertuples(index=False, name=None)) == sorted(got)  # in order
    assert got.keys() == want.keys()
    for key, (n, sentiment, impact) in got.items():
        wn, ws, wi = want[key]
        assert n == wn, key
        assert sentiment == pytest.approx(ws, abs=1.01e-4), key  # the chart rounds means to 4 places
        assert (math.isnan(impact) and math.isnan(wi)) or impact == pytest.approx(wi, abs=1.01e-4), key
    if filters == Filters():
        assert any(c == UNCATEGORISED for _, c in got) and len(got) > 50


def _moved_with_pandas(db, filters: Filters, end: date, window: int, baseline: int) -> pd.DataFrame:
    """What moved as it was computed before issue 27 (pandas groupbys over the same day rows)."""
    start = end - timedelta(days=window + baseline - 1)
    if filters.since and filters.since > start:
        start = filters.since
    df = pd.DataFrame(timeline._moved_rows(db, filters, start, end), columns=["day", "category", "n", "sentiment_sum"])
    cut = (end - timedelta(days=window - 1)).isoformat()
    is_recent = df["day"] >= cut
    recent = df[is_recent].groupby("category")[["n", "sentiment_sum"]].sum()
    base_rows = df[~is_recent].assign(mean=lambda d: d["sentiment_sum"] / d["n"])
    base = base_rows.groupby("category").agg(n=("n", "sum"), sentiment_sum=("sentiment_sum", "sum"))
    spread = base_rows.groupby("category")["mean"].std(ddof=1).fillna(0.0)
    both = recent.add_suffix("_recent").join(base, how="inner", sort=True)
    both = both[(both["n_recent"] > 0) & (both["n"] > 0)]
    recent_mean = both["sentiment_sum_recent"] / both["n_recent"]
    base_mean = both["sentiment_sum"] / both["n"]
    spread = spread.reindex(both.index)
    enough = (both["n_recent"] >= timeline.MIN_MOVED_ARTICLES) & (both["n"] >= timeline.MIN_MOVED_ARTICLES)
    z = ((recent_mean - base_mean) / spread).where((spread > 1e-9) & enough)
    out = pd.DataFrame(
        {
            "category": both.index,
            "recent": recent_mean.round(3).to_numpy(),
            "baseline": base_mean.round(3).to_numpy(),
            "z": pd.to_numeric(z.round(2), errors="coerce").to_numpy(),
            "recent_articles": both["n_recent"].astype(int).to_numpy(),
            "baseline_articles": both["n"].astype(int).to_numpy(),
        }
    )
    return out.sort_values("z", key=lambda s: s.abs(), ascending=False, na_position="last").reset_index(drop=True)


@pytest.mark.parametrize("window, baseline", [(7, 30), (14, 30), (3, 5), (90, 400)])
@pytest.mark.parametrize("filters", [*VIEWS[:5], Filters(sources=("Wire",))], ids=str)
def test_what_moved_equals_its_former_pandas_computation(desk, filters: Filters, window: int, baseline: int) -> None:
    """The plain-Python sums give the very numbers the pandas groupbys gave (the Overview's bars)."""
    end = timeline.view_end(desk, filters)
    got = timeline.what_moved(desk, filters, end, window, baseline)
    want = _moved_with_pandas(desk, filters, end, window, baseline)
    pd.testing.assert_frame_equal(got, want, check_dtype=False, check_exact=True)
    if filters == Filters() and window == 90:  # a small desk: bars need a long window
        assert got["z"].notna().sum() > 3
