"""At 100k synthetic articles the filtered paths use indexes (covering where it matters), never a
full scan of ``articles``."""

from __future__ import annotations

import re
import sqlite3
from dataclasses import replace
from datetime import date

import pytest

from benchmarks import synthetic
from newsdesk.db import schema
from newsdesk.db.read import articles as read_articles
from newsdesk.db.read import baskets as read_baskets
from newsdesk.db.read import decisions as read_decisions
from newsdesk.db.read import filters as read_filters
from newsdesk.db.read import timeline as read_timeline
from newsdesk.db.read import totals as read_totals

N = 100_000


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    path = tmp_path_factory.mktemp("plans") / "big.db"
    db = schema.connect(path)
    # Built with the rollback journal in memory instead of the write-ahead log: the same rows and
    # schema for a third less CPU (BENCHMARKS.md, "Test-suite time"); then a WAL file as every desk.
    db.execute("PRAGMA journal_mode=MEMORY")
    synthetic.generate(db, N)
    assert db.execute("PRAGMA journal_mode=WAL").fetchone()[0] == "wal"
    db.close()
    conn = schema.connect_readonly(path)
    yield conn
    conn.close()


def plan(conn: sqlite3.Connection, sql: str, params) -> list[str]:
    return [row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + sql, list(params))]


FILTERS = {
    "dates": read_filters.Filters(since=date(2026, 8, 1), until=date(2026, 10, 31)),
    "topics": read_filters.Filters(topics=("Trade & Tariffs", "Macro & Growth")),
    "topics+dates": read_filters.Filters(topics=("Trade & Tariffs",), since=date(2026, 8, 1)),
    "company": read_filters.Filters(companies=("7011.T",)),
    "basket": read_filters.Filters(companies=("basket:japan-defense",)),
    "source": read_filters.Filters(sources=("synthetic · Harbor Ledger",)),
    "text": read_filters.Filters(text="orders improve"),
}


FILTERS.update(
    {
        "topics+dates+label+impact": read_filters.Filters(
            topics=("Trade & Tariffs", "Macro & Growth"),
            since=date(2026, 8, 1),
            until=date(2026, 10, 31),
            labels=("bullish",),
            min_impact=0.3,
        ),
        "topics+source": read_filters.Filters(topics=("Trade & Tariffs",), sources=("synthetic · Harbor Ledger",)),
        "dense topics": read_filters.Filters(
            topics=("Geopolitics & War", "Elections & Domestic Politics", "Infrastructure & Defense")
        ),
    }
)


@pytest.mark.parametrize("name", FILTERS)
def test_kpis_and_list_never_scan_articles(big, name) -> None:
    """The SQL the dashboard runs for KPIs and the first 1,000 rows never scans ``articles``."""
    for sql, params in (read_totals.kpis_sql(FILTERS[name]), read_articles.articles_sql(FILTERS[name], 1000)):
        steps = plan(big, sql, params)
        assert not any(re.match(r"SCAN (a|articles)$", s) for s in steps), steps  # a bare scan of the table


@pytest.mark.parametrize("name", ["topics", "topics+dates", "topics+dates+label+impact"])
def test_topic_views_are_answered_from_the_category_index(big, name) -> None:
    """The newest 1,000 of a topic view read the covering category index; only the 1,000 listed
    articles are looked up. KPIs of topics and dates sum the category-set totals by their primary
    key; with label or impact filters they read the covering category index."""
    f = FILTERS[name]
    steps = plan(big, *read_articles.articles_sql(f, 1000))
    assert any("COVERING INDEX idx_article_categories_view" in s for s in steps), steps
    assert not any(re.match(r"SCAN (a|articles)", s) for s in steps), steps
    steps = plan(big, *read_totals.kpis_sql(f))
    if not read_filters.plan(f).from_totals:
        assert any("COVERING INDEX idx_article_categories_view" in s for s in steps), steps
    else:
        assert all("category_set_totals" in s for s in steps if s.startswith(("SCAN", "SEARCH"))), steps
        assert any("SEARCH category_set_totals USING PRIMARY KEY" in s for s in steps), steps
    assert not any(re.match(r"SCAN (a|articles)", s) for s in steps), steps


@pytest.mark.parametrize("name", list(FILTERS))
def test_fast_paths_agree_with_a_plain_join(big, name) -> None:
    """Whatever path answers it, the view holds the articles a plain query over ``articles`` finds."""
    f = FILTERS[name]
    where, params = read_filters.where(f, "a")
    ids = [
        r[0]
        for r in big.execute(f"SELECT a.id FROM articles a WHERE {where} ORDER BY a.published_at DESC, a.id", params)
    ]
    got = read_totals.kpis(big, f)
    assert got["articles"] == len(ids)
    listed = read_articles.articles(big, f, limit=1000)
    assert list(listed["id"]) == ids[:1000]


def test_date_kpis_use_a_covering_index(big) -> None:
    where, params = read_filters.where(FILTERS["dates"], "a")
    steps = plan(
        big, f"SELECT count(*), avg(a.sentiment), sum(a.impact >= ?) FROM articles a WHERE {where}", [0.7, *params]
    )
    assert any("COVERING INDEX idx_articles_published_cover" in s for s in steps), steps


def test_topic_filter_uses_the_covering_category_index(big) -> None:
    where, params = read_filters.where(FILTERS["topics"], "a")
    steps = plan(big, f"SELECT count(*) FROM articles a WHERE {where}", params)
    assert any("COVERING INDEX idx_article_categories_" in s for s in steps), steps


def test_chart_reads_the_daily_table_by_its_key(big) -> None:
    steps = plan(
        big,
        "SELECT day, category, n, sentiment_sum FROM daily_category_sentiment "
        "WHERE day >= ? AND day <= ? AND category IN (?, ?)",
        ["2026-01-01", "2026-03-31", "A", "B"],
    )
    assert not any(s.startswith("SCAN") for s in steps) or any("INDEX" in s for s in steps), steps
    got = read_timeline.daily_sentiment(big, FILTERS["topics+dates"], "week")
    assert not got.empty and set(got["category"]) == {"Trade & Tariffs"}


def test_synthetic_rows_are_marked_and_consistent(big) -> None:
    n, synthetic_rows = big.execute(
        "SELECT count(*), sum(source LIKE 'synthetic · %' AND scorer_version = 'synthetic/1') FROM articles"
    ).fetchone()
    assert n == synthetic_rows == N
    share = big.execute("SELECT count(DISTINCT article_id) * 1.0 / ? FROM decisions", [N]).fetchone()[0]
    assert 0.08 < share < 0.12
    weekday, weekend = big.execute(
        "SELECT sum(strftime('%w', published_at) NOT IN ('0', '6')), sum(strftime('%w', published_at) IN ('0', '6')) "
        "FROM articles"
    ).fetchone()
    assert weekend / 2 < weekday / 5 * 0.5  # weekends are quieter
    daily = big.execute("SELECT sum(n) FROM daily_category_sentiment").fetchone()[0]
    assert daily == big.execute("SELECT count(*) FROM article_categories WHERE effective = 1").fetchone()[0]


@pytest.mark.parametrize("name", ["topics", "topics+dates", "topics+dates+label+impact", "topics+source"])
def test_dense_and_sparse_list_plans_give_the_same_rows(big, name) -> None:
    """The newest-first walk (dense topics) and the category-index plan list the same 1,000 rows,
    and the walk reads ``articles`` through an index (publish time, or source when one is chosen),
    never a bare scan."""
    f = FILTERS[name]
    walk_sql, walk_params = read_articles.articles_sql(f, 1000, replace(read_filters.plan(f), dense=True))
    steps = plan(big, walk_sql, walk_params)
    assert any(re.match(r"(SCAN|SEARCH) a USING INDEX idx_articles_(published|source)", s) for s in steps), steps
    assert not any(re.match(r"SCAN (a|articles)$", s) for s in steps), steps
    walk = big.execute(walk_sql, walk_params).fetchall()
    index = big.execute(*read_articles.articles_sql(f, 1000, replace(read_filters.plan(f), dense=False))).fetchall()
    assert [r[0] for r in walk] == [r[0] for r in index] and len(walk) > 0


def test_topic_share_tells_dense_from_sparse(big) -> None:
    """The share estimate used to pick a plan is a fraction, larger for more topics."""
    one = read_filters.topic_share(big, read_filters.Filters(topics=("Trade & Tariffs",)))
    two = read_filters.topic_share(big, FILTERS["topics"])
    assert 0 < one < two < 1
    assert read_filters.topic_share(big, read_filters.Filters(topics=("No such topic",))) == 0


@pytest.mark.parametrize("text", ["orders improve", "guidance", "no such words anywhere"])
def test_text_walk_and_lookup_plans_give_the_same_rows(big, text) -> None:
    """Walking the newest articles against the full-text match set (many matches) and looking up
    each match (few) list the same newest 50; the walk goes through the publish-time index."""
    f = read_filters.Filters(text=text)
    walk_sql, walk_params = read_articles.articles_sql(f, 50, replace(read_filters.plan(f), text_walk=True))
    steps = plan(big, walk_sql, walk_params)
    assert any(re.match(r"SCAN a USING (COVERING )?INDEX idx_articles_published", s) for s in steps), steps
    walk = [r[0] for r in big.execute(walk_sql, walk_params)]
    lookup = [r[0] for r in big.execute(*read_articles.articles_sql(f, 50))]
    assert walk == lookup
    assert list(read_articles.articles(big, f, limit=50)["id"]) == lookup
    assert read_filters.text_matches(big, f) >= len(lookup)


@pytest.mark.parametrize("text", ["orders improve", "guidance", "no such words anywhere"])
def test_the_text_count_stops_where_the_plan_stops_asking(big, text) -> None:
    """The plan only asks whether the text matches more than TEXT_WALK articles: the count stops one
    past it, and the plan is the one a full count would choose."""
    f = read_filters.Filters(text=text)
    query = read_filters.fts_query(text)
    full = big.execute("SELECT count(*) FROM articles_fts WHERE articles_fts MATCH ?", [query]).fetchone()[0]
    assert read_filters.text_matches(big, f) == min(full, read_filters.TEXT_WALK + 1)
    assert read_filters.plan(f, big, newest=True).text_walk is (full > read_filters.TEXT_WALK)


def traced(conn: sqlite3.Connection, fn) -> list[str]:
    """The statements ``fn`` runs on ``conn`` (with their values filled in)."""
    seen: list[str] = []
    conn.set_trace_callback(seen.append)
    try:
        fn()
    finally:
        conn.set_trace_callback(None)
    return [s for s in seen if s.lstrip().upper().startswith(("SELECT", "WITH"))]


def test_basket_window_reads_only_the_mention_index(big) -> None:
    """A basket's sentiment over a window and its newest articles read the (ticker, published_at)
    index of company mentions; the index never looks an article up, and nothing scans a table."""

    since = date(2026, 5, 1)
    for statement in traced(big, lambda: read_baskets.basket_sentiment(big, "japan-defense", "week", since, None)):
        steps = plan(big, statement, [])
        assert any("idx_article_entities_time" in s for s in steps), steps
        assert not any("articles" in s.split(" USING")[0] for s in steps if s.startswith(("SCAN", "SEARCH"))), steps
    for statement in traced(big, lambda: read_baskets.recent_articles(big, "japan-defense", 3, since, None)):
        steps = plan(big, statement, [])
        assert not any(re.match(r"SCAN (a|articles|e|article_entities)$", s) for s in steps), steps


@pytest.mark.parametrize("name", ["dates", "topics", "topics+dates", "dense topics"])
def test_newest_decisions_walk_the_decision_time_index(big, name) -> None:
    """The Decisions page's newest decisions of a date or dense-topic view walk decisions in time
    order on their own index, and stop at the limit; whatever the plan, the rows equal a plain
    sorted join."""
    f = FILTERS[name]
    statements = traced(big, lambda: read_decisions.decisions(big, f, limit=300))
    listing = [s for s in statements if "FROM decisions d" in s]
    assert listing
    steps = plan(big, listing[-1], [])
    assert name != "dense topics" or read_filters.plan(f, big).dense
    if read_filters.plan(f, big).dense or not f.topics:  # a sparse topic collects its few articles' decisions instead
        assert any("idx_decisions_time" in s for s in steps), steps
    assert not any(re.match(r"SCAN (a|articles)$", s) for s in steps), steps
    where, params = read_filters.where(f, "a")
    want = big.execute(
        f"SELECT d.id FROM decisions d JOIN articles a ON a.id = d.article_id WHERE {where} "
        "ORDER BY a.published_at DESC, d.article_id, d.position LIMIT 300",
        params,
    ).fetchall()
    assert read_decisions.decisions(big, f, limit=300)["id"].tolist() == [r[0] for r in want]


def test_source_facet_of_dense_topics_walks_the_covering_date_index(big) -> None:
    """The source facet of a dense topic view (the Articles page) walks the view's dates on the covering
    publish-time index (source and id in it, schema 22) and never reads an article by id; otherwise it
    looks each topic article up."""
    from newsdesk.db.read.facets import source_facet_sql

    f = replace(FILTERS["dense topics"], since=date(2026, 8, 1))
    steps = plan(big, *source_facet_sql(f, 12, dense=True))
    assert any("COVERING INDEX idx_articles_published_cover" in s for s in steps), steps
    assert not any(s.startswith("SEARCH a USING INDEX") or re.match(r"SCAN a$", s) for s in steps), steps
    steps = plan(big, *source_facet_sql(f, 12, dense=False))
    assert not any("idx_articles_published_cover" in s for s in steps), steps
    # a view of dates alone (the page's default view) walks the same index, never the source index
    steps = plan(big, *source_facet_sql(read_filters.Filters(since=date(2026, 8, 1)), 12, dense=True))
    assert any("COVERING INDEX idx_articles_published_cover" in s for s in steps), steps
    assert not any("idx_articles_source" in s for s in steps), steps
