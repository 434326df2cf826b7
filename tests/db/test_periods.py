"""Week and month totals (``period_category_sentiment``, schema v7) stay equal to the daily table
through every write, and the chart built from them equals one built from the daily rows alone."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmarks import synthetic
from newsdesk.config import HIGH_IMPACT
from newsdesk.db import aggregates, schema, writes
from newsdesk.db.read import filters as read_filters
from newsdesk.db.read import options as read_options
from newsdesk.db.read import timeline as read_timeline
from newsdesk.db.read import totals as read_totals
from tests.fault_util import mixed_writes

PERIOD_DIFF = f"""
SELECT count(*) FROM (
  SELECT grain, period, category, n, round(sentiment_sum, 6), round(impact_sum, 6), impact_n
  FROM period_category_sentiment
  EXCEPT SELECT grain, period, category, n, round(sentiment_sum, 6), round(impact_sum, 6), impact_n
  FROM ({aggregates.PERIOD_RECOMPUTE_SQL})
) UNION ALL SELECT count(*) FROM (
  SELECT grain, period, category, n, round(sentiment_sum, 6), round(impact_sum, 6), impact_n
  FROM ({aggregates.PERIOD_RECOMPUTE_SQL})
  EXCEPT SELECT grain, period, category, n, round(sentiment_sum, 6), round(impact_sum, 6), impact_n
  FROM period_category_sentiment
)
"""


def period_diff(db) -> list[int]:
    """Rows only in the period table, rows only in a recomputation from the daily table."""
    return [r[0] for r in db.execute(PERIOD_DIFF).fetchall()]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    path = tmp_path_factory.mktemp("periods") / "p.db"
    db = schema.connect(path)
    synthetic.generate(db, 3_000, seed=3)
    db.close()
    conn = schema.connect_readonly(path)
    yield conn
    conn.close()


def test_period_table_follows_every_kind_of_write(desk, sample_path) -> None:
    """Inserts, a replaced duplicate, a rescore, deletes and a rebuild keep the totals exact."""
    from newsdesk.flows import ingest as pipeline
    from newsdesk.score.textblob_adapters import TextBlobScorer

    synthetic.generate(desk, 400, seed=5)
    assert period_diff(desk) == [0, 0]
    pipeline.ingest_paths(desk, [sample_path], scorer=TextBlobScorer())
    pipeline.rescore(desk, pipeline.stale_ids(desk, "", everything=True)[:50])
    assert period_diff(desk) == [0, 0]
    with schema.transaction(desk):
        desk.execute("DELETE FROM daily_category_sentiment WHERE day < '2025-01-01'")
        desk.execute("UPDATE daily_category_sentiment SET day = '2026-02-02' WHERE day = '2026-01-05'")
    assert period_diff(desk) == [0, 0]
    writes.rebuild_aggregates(desk)
    assert period_diff(desk) == [0, 0]
    assert desk.execute("SELECT count(*) FROM period_category_sentiment").fetchone()[0] > 0


def _reference(conn, filters: read_filters.Filters, grain: str) -> pd.DataFrame:
    """The chart computed in pandas from the daily table alone (no period table)."""
    sql, params = "SELECT * FROM daily_category_sentiment WHERE n > 0", []
    if filters.topics:
        sql += f" AND category IN ({', '.join('?' for _ in filters.topics)})"
        params += list(filters.topics)
    if filters.since:
        sql += " AND day >= ?"
        params.append(filters.since.isoformat())
    if filters.until:
        sql += " AND day <= ?"
        params.append(filters.until.isoformat())
    df = pd.read_sql_query(sql, conn, params=params)
    day = pd.to_datetime(df["day"])
    if grain == "week":
        df["period"] = (day - pd.to_timedelta(day.dt.day_of_week, unit="D")).dt.date
    elif grain == "month":
        df["period"] = day.dt.to_period("M").dt.start_time.dt.date
    else:
        df["period"] = day.dt.date
    g = df.groupby(["period", "category"], as_index=False)[["n", "sentiment_sum", "impact_sum", "impact_n"]].sum()
    g["mean_sentiment"] = (g["sentiment_sum"] / g["n"]).round(4)
    g["mean_impact"] = (g["impact_sum"] / g["impact_n"].where(g["impact_n"] > 0)).round(4)
    g = g.rename(columns={"n": "articles"})
    return g[["period", "category", "articles", "mean_sentiment", "mean_impact"]]


DAY = st.dates(min_value=date(2023, 10, 1), max_value=date(2027, 1, 31))


@settings(
    max_examples=120, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    since=st.one_of(st.none(), DAY),
    length=st.integers(min_value=0, max_value=500),
    open_end=st.booleans(),
    grain=st.sampled_from(["week", "month", "day"]),
    topics=st.sampled_from([(), ("Trade & Tariffs",), ("Macro & Growth", "Energy & Commodities")]),
)
def test_chart_from_periods_equals_chart_from_days(corpus, since, length, open_end, grain, topics) -> None:
    """For any date range (open or closed, aligned or not), grain and topics: same periods, counts and
    means (to the 4 places shown; float sums in another order may round the last place apart)."""
    until = None if open_end or since is None else since + timedelta(days=length)
    f = read_filters.Filters(topics=topics, since=since, until=until)
    got = read_timeline.daily_sentiment(corpus, f, grain)
    want = _reference(corpus, f, grain)
    pd.testing.assert_frame_equal(
        got.reset_index(drop=True),
        want.reset_index(drop=True),
        check_dtype=False,
        check_exact=False,
        atol=1.01e-4,
        rtol=0,
    )


TOTALS_DIFF = f"""
SELECT count(*) FROM (
  SELECT day, n, round(sentiment_sum, 6), sentiment_n, high_impact FROM daily_totals WHERE n != 0
  EXCEPT SELECT day, n, round(sentiment_sum, 6), sentiment_n, high_impact FROM ({aggregates.DAILY_TOTALS_SQL})
) UNION ALL SELECT count(*) FROM (
  SELECT day, n, round(sentiment_sum, 6), sentiment_n, high_impact FROM ({aggregates.DAILY_TOTALS_SQL})
  EXCEPT SELECT day, n, round(sentiment_sum, 6), sentiment_n, high_impact FROM daily_totals WHERE n != 0
)
"""


def test_daily_totals_follow_every_kind_of_write(desk, sample_path) -> None:
    """Inserts, a rescore, direct updates and deletes keep ``daily_totals`` equal to a recount."""
    mixed_writes(desk, sample_path, seed=9)
    with schema.transaction(desk):
        desk.execute("UPDATE articles SET impact = 0.95 WHERE rowid % 7 = 0")
        desk.execute("UPDATE articles SET published_at = '2026-01-01T00:00:00Z' WHERE rowid % 11 = 0")
        desk.execute("DELETE FROM articles WHERE rowid % 13 = 0")
    assert [r[0] for r in desk.execute(TOTALS_DIFF)] == [0, 0]


@settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(since=st.one_of(st.none(), DAY), length=st.integers(min_value=0, max_value=400), open_end=st.booleans())
def test_date_only_kpis_from_totals_equal_a_count(corpus, since, length, open_end) -> None:
    """KPIs of a dates-only view (read from ``daily_totals``) equal a direct count over ``articles``."""
    until = None if open_end or since is None else since + timedelta(days=length)
    f = read_filters.Filters(since=since, until=until)
    where, params = read_filters.where(f, "a")
    n, mean, high = corpus.execute(
        f"SELECT count(*), avg(a.sentiment), sum(a.impact >= ?) FROM articles a WHERE {where}",
        [HIGH_IMPACT, *params],
    ).fetchone()
    got = read_totals.kpis(corpus, f)
    assert got["articles"] == n and got["high_impact"] == (high or 0)
    assert (got["mean_sentiment"] is None) == (mean is None)
    if mean is not None:
        assert abs(got["mean_sentiment"] - mean) < 1e-9


def _moved_reference(conn, end: date, window: int, baseline: int, topics=()) -> list[tuple]:
    """What moved, computed one category at a time in plain Python from the daily table."""
    import statistics

    start, cut = end - timedelta(days=window + baseline - 1), end - timedelta(days=window - 1)
    rows = conn.execute(
        "SELECT day, category, n, sentiment_sum FROM daily_category_sentiment WHERE day >= ? AND day <= ? AND n > 0",
        [start.isoformat(), end.isoformat()],
    ).fetchall()
    out = []
    for category in sorted({r[1] for r in rows if not topics or r[1] in topics}):
        mine = [r for r in rows if r[1] == category]
        recent = [r for r in mine if r[0] >= cut.isoformat()]
        base = [r for r in mine if r[0] < cut.isoformat()]
        if not recent or not base:
            continue
        recent_mean = sum(r[3] for r in recent) / sum(r[2] for r in recent)
        base_mean = sum(r[3] for r in base) / sum(r[2] for r in base)
        spread = statistics.stdev([r[3] / r[2] for r in base]) if len(base) > 1 else 0.0
        enough = min(sum(r[2] for r in recent), sum(r[2] for r in base)) >= read_timeline.MIN_MOVED_ARTICLES
        z = round((recent_mean - base_mean) / spread, 2) if spread > 1e-9 and enough else None
        out.append((category, round(recent_mean, 3), round(base_mean, 3), z, sum(r[2] for r in recent)))
    return out


@pytest.mark.parametrize(("window", "baseline"), [(14, 30), (7, 30), (1, 2), (3, 1)])
@pytest.mark.parametrize("topics", [(), ("Trade & Tariffs", "Macro & Growth")])
def test_what_moved_equals_a_plain_computation(corpus, window, baseline, topics) -> None:
    """The vectorised z-scores equal a per-category loop over the daily rows (same rows, same
    rounding; sorted by |z|, categories without a spread last)."""
    end = read_options.date_bounds(corpus)[1]
    got = read_timeline.what_moved(corpus, read_filters.Filters(topics=topics), end, window=window, baseline=baseline)
    want = _moved_reference(corpus, end, window, baseline, topics)
    as_rows = [
        (r.category, r.recent, r.baseline, None if pd.isna(r.z) else r.z, int(r.recent_articles))
        for r in got.itertuples(index=False)
    ]
    got_rows, want_rows = sorted(as_rows, key=lambda r: r[0]), sorted(want, key=lambda r: r[0])
    assert [(r[0], r[4], r[3] is None) for r in got_rows] == [(r[0], r[4], r[3] is None) for r in want_rows]
    for mine, theirs in zip(got_rows, want_rows, strict=True):  # sums in another order may round apart
        assert all(abs(a - b) <= 0.0011 for a, b in zip(mine[1:3], theirs[1:3], strict=True)), (mine, theirs)
        assert mine[3] is None or abs(mine[3] - theirs[3]) <= 0.011, (mine, theirs)
    zs = [abs(r[3]) for r in as_rows if r[3] is not None]
    assert zs == sorted(zs, reverse=True) and all(r[3] is None for r in as_rows[len(zs) :])
