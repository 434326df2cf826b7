"""Reads the pages run on a filter change, against a recount in Python from ``articles`` on both engines
(issue 27): the Overview's latest high-impact stories (a view of dates, labels, impact and hidden sources
walks the covering publish-time index) and the Decisions page's newest decisions of a dense topic view
(each decision's topics tested on its article id before the article is read)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import pytest

from benchmarks import synthetic
from newsdesk.db import schema
from newsdesk.db.read import decisions as read_decisions
from newsdesk.db.read import filters as read_filters
from newsdesk.db.read.stories import latest_stories
from newsdesk.domain.filters import Filters
from tests.engine_util import rows
from tests.seed import story_pairs


@pytest.fixture(scope="module")
def desk(module_desk_target):
    """1,500 synthetic articles grouped into stories of 1-5 articles (some left without a story id), a
    tenth of them off the market view."""
    db = schema.open(module_desk_target)
    synthetic.generate(db, 1_500, seed=23)
    ids = [r["id"] for r in rows(db, "SELECT id FROM articles ORDER BY published_at, id")]
    grouped = story_pairs(ids)  # stories of 1-5 articles in publish order
    with schema.transaction(db):
        db.executemany("UPDATE articles SET story_id = ? WHERE id = ?", grouped)
        db.executemany("UPDATE articles SET story_id = NULL WHERE id = ?", [(i,) for i in ids[5::13]])
        db.executemany("UPDATE articles SET market_relevant = 0 WHERE id = ?", [(i,) for i in ids[3::10]])
    yield db
    db.close()


def _in_view(a: dict, cats: set[str], f: Filters) -> bool:
    day = date.fromisoformat(a["published_at"][:10])
    return (
        (f.since is None or day >= f.since)
        and (f.until is None or day <= f.until)
        and (not f.labels or a["sentiment_label"] in f.labels)
        and (not f.min_impact or (a["impact"] is not None and a["impact"] >= f.min_impact))
        and (not f.market_only or bool(a["market_relevant"]))
        and a["source"] not in f.hidden_sources
        and (not f.topics or bool(cats & set(f.topics)))
    )


def _articles(db) -> tuple[list[dict], dict[str, set[str]]]:
    cats: dict[str, set[str]] = defaultdict(set)
    for r in rows(db, "SELECT article_id, category FROM article_categories WHERE effective = 1"):
        cats[r["article_id"]].add(r["category"])
    arts = rows(
        db, "SELECT id, story_id, source, published_at, impact, sentiment_label, market_relevant FROM articles"
    )
    return arts, cats


def _latest_recount(db, f: Filters, limit: int) -> list[tuple[str, int]]:
    """(article id, outlets of its story) of the newest ``limit`` stories of the view: per story its
    earliest article in view, stories by their newest article in view (ties by story id); the outlets
    of the articles carrying that article's story id (1 when it has none)."""
    arts, cats = _articles(db)
    hits = [a for a in arts if _in_view(a, cats.get(a["id"], set()), f)]
    latest: dict[str, str] = {}
    for a in hits:
        story = a["story_id"] or a["id"]
        latest[story] = max(latest.get(story, ""), a["published_at"])
    picked = sorted(sorted(latest), key=lambda s: latest[s], reverse=True)[:limit]  # stable: ties by id
    outlets: dict[str, set[str]] = defaultdict(set)
    for a in arts:
        if a["story_id"]:
            outlets[a["story_id"]].add(a["source"])
    out = []
    for story in picked:
        mine = [a for a in hits if (a["story_id"] or a["id"]) == story]
        first = min(mine, key=lambda a: (a["published_at"], a["id"]))
        out.append((first["id"], len(outlets.get(first["story_id"], ())) or 1))  # its own story id's (as stored)
    return out


def _sources(db) -> list[str]:
    return sorted(r["source"] for r in rows(db, "SELECT DISTINCT source FROM articles"))


LATEST_VIEWS = [
    Filters(min_impact=0.5),
    Filters(min_impact=0.5, since=date(2025, 3, 1), until=date(2025, 12, 31)),
    Filters(min_impact=0.4, labels=("bullish", "somewhat-bullish"), market="all"),
    Filters(min_impact=0.5, topics=("Trade & Tariffs", "Macro & Growth")),
]


def _picked(frame) -> list[tuple[str, int]]:
    return list(zip(frame["id"], (int(n) for n in frame["story_outlets"]), strict=True))


@pytest.mark.parametrize("dense", [False, True], ids=["as planned", "topics walked"])
@pytest.mark.parametrize("filters", LATEST_VIEWS, ids=str)
def test_latest_stories_equal_a_recount(desk, monkeypatch, filters: Filters, dense: bool) -> None:
    """Newest first with an early stop (a view of the covered columns; a dense topic view, forced here
    on a small desk) or every article of the view collected: the same stories, articles and outlets."""
    if dense:
        monkeypatch.setattr(read_filters, "DENSE_ROWS", 0)
    got = latest_stories(desk, filters, 8)
    want = _latest_recount(desk, filters, 8)
    assert len(want) == 8
    assert _picked(got) == want
    assert list(got.columns) == [*(r for r in rows(desk, "SELECT * FROM articles LIMIT 1")[0]), "story_outlets"]


def test_latest_stories_of_a_view_with_fewer_stories_than_asked(desk, monkeypatch) -> None:
    """A walk that runs out before the limit falls back to collecting the view: all of its stories."""
    monkeypatch.setattr(read_filters, "DENSE_ROWS", 0)
    for view in (
        Filters(min_impact=0.5, since=date(2025, 3, 1), until=date(2025, 3, 10)),
        Filters(min_impact=0.5, topics=("Trade & Tariffs",), since=date(2025, 3, 1), until=date(2025, 3, 20)),
    ):
        want = _latest_recount(desk, view, 50)
        assert 0 < len(want) < 50
        assert _picked(latest_stories(desk, view, 50)) == want


def test_latest_stories_with_a_source_hidden_equal_a_recount(desk) -> None:
    """A hidden source (the demo when the user hides it) keeps the covering walk: its test reads the row."""
    view = Filters(min_impact=0.5, since=date(2025, 1, 1), hidden_sources=(_sources(desk)[0],))
    assert read_filters.cover_only(view)
    assert _picked(latest_stories(desk, view, 8)) == _latest_recount(desk, view, 8)


def test_only_views_of_the_covered_columns_walk_the_covering_index() -> None:
    assert read_filters.cover_only(Filters(min_impact=0.7, since=date(2025, 1, 1), labels=("bullish",)))
    assert read_filters.cover_only(Filters(min_impact=0.7, market="all", hidden_sources=("x",)))
    for narrowed in (
        Filters(topics=("Macro & Growth",)),
        Filters(sources=("x",)),
        Filters(companies=("7011.T",)),
        Filters(author=("Goldman Sachs",)),
        Filters(text="orders"),
        Filters(first_reports=True),
    ):
        assert not read_filters.cover_only(narrowed)


DECISION_VIEWS = [
    Filters(topics=("Trade & Tariffs", "Macro & Growth")),
    Filters(topics=("Macro & Growth", "Energy & Commodities"), since=date(2025, 1, 1), until=date(2026, 6, 30)),
    Filters(topics=("Trade & Tariffs",), market="all"),
]


@pytest.mark.parametrize("filters", DECISION_VIEWS, ids=str)
def test_newest_decisions_of_a_dense_topic_walk_equal_a_recount(desk, monkeypatch, filters: Filters) -> None:
    """The walk of the decisions newest first (a dense topic view: forced here on a small desk) gives the
    view's newest decisions: those of the articles in view, newest article first, in bullet order."""
    monkeypatch.setattr(read_filters, "DENSE_ROWS", 0)
    assert read_filters.plan(filters, desk).dense
    arts, cats = _articles(desk)
    view = {a["id"]: a for a in arts if _in_view(a, cats.get(a["id"], set()), filters)}
    decided = rows(desk, "SELECT id, article_id, position FROM decisions")
    want = sorted(
        (d for d in decided if d["article_id"] in view),
        key=lambda d: (d["article_id"], d["position"]),
    )
    want = sorted(want, key=lambda d: view[d["article_id"]]["published_at"], reverse=True)
    assert len(want) > 12  # the limit cuts
    got = read_decisions.decisions(desk, filters, limit=12)
    assert got["id"].tolist() == [d["id"] for d in want[:12]]
    assert read_decisions.decisions(desk, filters)["id"].tolist() == [d["id"] for d in want]


FACET_VIEWS = [
    Filters(topics=("Macro & Growth", "Energy & Commodities")),
    Filters(topics=("Trade & Tariffs",), since=date(2025, 1, 1), until=date(2026, 6, 30)),
]


def _assert_source_facet_recounts(desk, filters: Filters) -> None:
    """The source facet (top 3 and top 100) equals a recount in Python: per source, the articles in view
    with a real date, most first (ties by name)."""
    from newsdesk.db.read import facets as read_facets

    arts, cats = _articles(desk)
    estimated = {r["id"] for r in rows(desk, "SELECT id FROM articles WHERE published_estimated = 1")}
    counts: dict[str, int] = defaultdict(int)
    for a in arts:
        if a["id"] not in estimated and _in_view(a, cats.get(a["id"], set()), filters):
            counts[a["source"]] += 1
    want = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    assert len(want) > 3
    got = read_facets.facets(desk, filters, limit=3)["source"]
    assert list(zip(got["value"], (int(n) for n in got["articles"]), strict=True)) == want[:3]
    got = read_facets.facets(desk, filters, limit=100)["source"]
    assert list(zip(got["value"], (int(n) for n in got["articles"]), strict=True)) == want


@pytest.mark.parametrize("dense", [False, True], ids=["by id", "dates walked"])
@pytest.mark.parametrize("filters", FACET_VIEWS, ids=str)
def test_source_facet_of_a_topic_view_equals_a_recount(desk, monkeypatch, filters: Filters, dense: bool) -> None:
    """The source facet of a topic and date view (the Articles page): per source, the articles in view
    with a real date, most first (ties by name), whether it reads each article by id or (dense topics:
    forced here on a small desk) walks the view's dates on the covering index."""
    from newsdesk.db.read import facets as read_facets

    if dense:
        monkeypatch.setattr(read_filters, "DENSE_ROWS", 0)
        monkeypatch.setattr(read_facets, "FACET_WALK_MIN_ROWS", 0)
    walked = []
    sql_of = read_facets.source_facet_sql
    monkeypatch.setattr(read_facets, "source_facet_sql", lambda f, n, walk: walked.append(walk) or sql_of(f, n, walk))
    assert read_filters.plan(filters, desk).from_totals
    assert read_filters.plan(filters, desk).dense is dense
    _assert_source_facet_recounts(desk, filters)
    assert walked == [dense, dense]  # the path named in the test's id was taken


@pytest.mark.parametrize(
    "filters",
    [Filters(), Filters(since=date(2025, 1, 1)), Filters(since=date(2025, 1, 1), until=date(2026, 6, 30))],
    ids=str,
)
def test_source_facet_of_a_date_view_walks_and_equals_a_recount(desk, monkeypatch, filters: Filters) -> None:
    """The source facet of a view of dates alone (the Articles page's default view) walks the view's dates
    on the covering index (never the source index and each article's row) and counts, per source, the
    articles in view with a real date, most first (ties by name)."""
    from newsdesk.db.read import facets as read_facets

    walked = []
    sql_of = read_facets.source_facet_sql
    monkeypatch.setattr(read_facets, "source_facet_sql", lambda f, n, walk: walked.append(walk) or sql_of(f, n, walk))
    assert read_filters.plan(filters, desk).from_totals
    _assert_source_facet_recounts(desk, filters)
    assert walked == [True, True]
