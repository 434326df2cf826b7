"""Totals keyed by each article's set of categories (``category_set_totals``, schema v9): they stay
equal to a recount through every kind of write, and the topic views read from them (KPIs, decision
count, category and sentiment facets) equal direct counts over ``articles``."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmarks import synthetic
from newsdesk.config import HIGH_IMPACT
from newsdesk.db import aggregates, schema, ticker_counts, writes
from newsdesk.db.read import decisions as read_decisions
from newsdesk.db.read import facets as read_facets
from newsdesk.db.read import filters as read_filters
from newsdesk.db.read import options as read_options
from newsdesk.db.read import totals as read_totals
from newsdesk.flows import ingest as pipeline
from newsdesk.score.textblob_adapters import TextBlobScorer
from tests.db.test_store import make
from tests.fault_util import derived_mismatches, mixed_writes


def set_mismatches(db) -> list[str]:
    return [m for m in derived_mismatches(db.conn) if m.startswith("category sets")]


@pytest.mark.parametrize(
    ("categories", "key", "back"),
    [
        ([], "", []),
        (["Rates"], "\x1fRates\x1f", ["Rates"]),
        (["Rates", "Energy", "Rates"], "\x1fEnergy\x1fRates\x1f", ["Energy", "Rates"]),
        (["Économie", "Zinc", "Ärger"], "\x1fZinc\x1fÄrger\x1fÉconomie\x1f", ["Zinc", "Ärger", "Économie"]),
        (["M&A / Deals", "Macro & Growth"], "\x1fM&A / Deals\x1fMacro & Growth\x1f", ["M&A / Deals", "Macro & Growth"]),
    ],
)
def test_set_key_sorts_dedupes_and_splits_back(categories, key, back) -> None:
    assert aggregates.set_key(categories) == key
    assert aggregates.split_key(key) == back


@pytest.mark.parametrize(
    ("topic", "categories", "meets"),
    [
        ("Energy", ["Energy & Commodities"], False),  # a name inside another name is not a match
        ("Energy & Commodities", ["Energy"], False),
        ("Energy", ["Energy", "Energy & Commodities"], True),
        ("Rates", ["Central Banks & Rates"], False),
        ("Rates", [], False),
        ("Macro & Growth", ["AI", "Macro & Growth", "Trade"], True),
    ],
)
def test_needle_finds_whole_names_only(topic, categories, meets) -> None:
    assert (aggregates.needle(topic) in aggregates.set_key(categories)) is meets


def test_set_totals_follow_every_kind_of_write(desk, sample_path, monkeypatch) -> None:
    """Bulk inserts, single inserts, a richer duplicate replacing the stored story, a rescore, a
    failed batch and a rebuild all leave the totals equal to a recount from ``articles``."""
    synthetic.generate(desk, 400, seed=5)
    assert set_mismatches(desk) == []
    pipeline.ingest_paths(desk, [sample_path], scorer=TextBlobScorer())
    writes.write_batch(desk, [make("Plain story", url="https://example.com/p", decisions=["Buy A"])], [], "t")
    richer = make(
        "Plain story",
        url="https://example.com/p",
        cats=("Macro & Growth", "Trade & Tariffs"),
        summary="Growth beat forecasts. " * 20,
        decisions=["Buy A", "Sell B"],
    )
    assert writes.write_batch(desk, [richer], [], "t").duplicates == 1
    assert set_mismatches(desk) == []
    pipeline.rescore(desk, pipeline.stale_ids(desk, "", everything=True)[:60])
    assert set_mismatches(desk) == []
    before = desk.execute("SELECT sum(n), sum(decisions) FROM category_set_totals").fetchone()
    real_write = aggregates.BatchTotals.write

    def write_then_fail(self, conn) -> None:  # the totals are written, then the batch fails
        real_write(self, conn)
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(aggregates.BatchTotals, "write", write_then_fail)
    with pytest.raises(RuntimeError):
        writes.write_batch(desk, [make("Fine", decisions=["Buy C"]), make("Also fine", day="2026-07-01")], [], "t")
    monkeypatch.undo()
    assert desk.execute("SELECT sum(n), sum(decisions) FROM category_set_totals").fetchone() == before
    with schema.transaction(desk):
        desk.execute("UPDATE category_set_totals SET n = n + 5")  # damage, then repair
    assert set_mismatches(desk) != []
    writes.rebuild_aggregates(desk)
    assert set_mismatches(desk) == []
    assert desk.execute("SELECT count(*) FROM category_set_totals WHERE n <= 0").fetchone()[0] == 0


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    path = tmp_path_factory.mktemp("sets") / "s.db"
    db = schema.connect(path)
    synthetic.generate(db, 3_000, seed=3)
    pipeline.ingest_paths(db, pipeline.demo_files())  # source categories, real decisions
    db.close()
    conn = schema.connect_readonly(path)
    yield conn
    conn.close()


def _reference(conn, f: read_filters.Filters) -> dict:
    """The same figures counted directly over ``articles`` (one EXISTS per article for topics)."""
    where, params = read_filters.where(f, "a", topics_exist=True)
    n, mean, high = conn.execute(
        f"SELECT count(*), avg(a.sentiment), sum(a.impact >= ?) FROM articles a WHERE {where}",
        [HIGH_IMPACT, *params],
    ).fetchone()
    decisions = conn.execute(
        f"SELECT count(*) FROM decisions d JOIN articles a ON a.id = d.article_id WHERE {where}", params
    ).fetchone()[0]
    cats = conn.execute(
        "SELECT c.category, count(*) FROM articles a JOIN (SELECT DISTINCT article_id, category FROM "
        f"article_categories WHERE effective = 1) c ON c.article_id = a.id WHERE {where} "
        "GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 12",
        params,
    ).fetchall()
    labels = conn.execute(
        f"SELECT a.sentiment_label, count(*) FROM articles a WHERE {where} GROUP BY 1 ORDER BY 2 DESC, 1", params
    ).fetchall()
    return {"n": n, "mean": mean, "high": high or 0, "decisions": decisions, "cats": cats, "labels": labels}


DAY = st.dates(min_value=date(2023, 10, 1), max_value=date(2027, 1, 31))
TOPICS = st.lists(
    st.sampled_from(
        ["Trade & Tariffs", "Macro & Growth", "Energy & Commodities", "Geopolitics & War", "Not A Category"]
    ),
    max_size=3,
    unique=True,
)


@settings(
    max_examples=150, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(topics=TOPICS, since=st.one_of(st.none(), DAY), length=st.integers(0, 500), open_end=st.booleans())
def test_topic_views_from_sets_equal_direct_counts(corpus, topics, since, length, open_end) -> None:
    """For any topics (none, one, several, unknown) and any date range (open, closed, aligned to
    months or not): the KPIs, decision count and the category and sentiment facets equal a direct
    count over ``articles``."""
    until = None if open_end or since is None else since + timedelta(days=length)
    f = read_filters.Filters(topics=tuple(topics), since=since, until=until)
    want = _reference(corpus, f)
    kpi = read_totals.kpis(corpus, f)
    sql, params = read_totals.set_totals_sql(f, "sum(n), sum(sentiment_sum) / sum(sentiment_n), sum(high_impact)")
    n, mean, high = corpus.execute(sql, params).fetchone()
    assert (n or 0, high or 0) == (want["n"], want["high"])
    assert kpi["articles"] == want["n"] and kpi["high_impact"] == want["high"]
    assert (mean is None) == (want["mean"] is None)
    if mean is not None:
        assert abs(mean - want["mean"]) < 1e-9 and abs(kpi["mean_sentiment"] - want["mean"]) < 1e-9
    assert read_decisions.decision_count(corpus, f) == want["decisions"]
    facets = read_facets.set_facets(corpus, f, 12)
    assert list(facets["category"].itertuples(index=False, name=None)) == want["cats"]
    assert list(facets["sentiment"].itertuples(index=False, name=None)) == want["labels"]
    where, params = read_filters.where(f, "a")
    exact_sources = corpus.execute(
        f"SELECT a.source, count(*) FROM articles a WHERE {where} AND a.published_estimated = 0 "
        "GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 12",
        params,
    ).fetchall()
    assert list(facets["source"].itertuples(index=False, name=None)) == exact_sources
    assert facets["source"]["articles"].sum() == kpi["articles"] or len(facets["source"]) == 12


def test_topic_kpis_never_read_articles(corpus) -> None:
    """The plan of a topic and date view's KPIs reads only ``category_set_totals`` (its primary key)."""
    f = read_filters.Filters(
        topics=("Trade & Tariffs", "Macro & Growth"), since=date(2024, 2, 11), until=date(2025, 6, 3)
    )
    sql, params = read_totals.kpis_sql(f)
    plan = " | ".join(r[3] for r in corpus.execute("EXPLAIN QUERY PLAN " + sql, params))
    assert "category_set_totals" in plan and "articles" not in plan and "SCAN category_set_totals" not in plan


def test_ticker_counts_follow_every_kind_of_write(desk, sample_path) -> None:
    """``ticker_counts`` (schema v11, trigger-kept) equals a recount of ``article_entities`` after
    bulk and single inserts, a rescore (mentions deleted and re-inserted), direct deletes and a
    ticker changed in place; the company filter's counts come from it."""
    mixed_writes(desk, sample_path, seed=4)
    with schema.transaction(desk):
        desk.execute("DELETE FROM article_entities WHERE rowid % 5 = 0")
        desk.execute("UPDATE article_entities SET ticker = '7011.T' WHERE rowid % 7 = 0")
    assert [m for m in derived_mismatches(desk.conn) if m.startswith("ticker_counts")] == []
    options = read_options.company_options(desk.conn)
    firms = options[~options["value"].str.startswith("basket:")]
    recount = dict(desk.execute(ticker_counts.TICKER_COUNTS_SQL).fetchall())
    assert dict(zip(firms["value"], firms["articles"], strict=True)) == recount
