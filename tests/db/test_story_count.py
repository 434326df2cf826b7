"""The Overview's story count of a view the totals answer (the view's article count less its followers,
plus the followers' stories whose opener is out of view; issue 27) equals a count of the distinct
stories of the view's articles, on both engines, with stories cut by the view's dates, articles without
a story id and an opener moved into another story."""

from __future__ import annotations

from datetime import date

import pytest

from benchmarks import synthetic
from newsdesk.db import schema
from newsdesk.db.read import filters as read_filters
from newsdesk.db.read.stories import story_count
from newsdesk.domain.filters import Filters
from tests.engine_util import one, rows
from tests.seed import story_pairs


@pytest.fixture(scope="module")
def desk(module_desk_target):
    db = schema.open(module_desk_target)
    synthetic.generate(db, 1_500, seed=17)
    ids = [r["id"] for r in rows(db, "SELECT id FROM articles ORDER BY published_at, id")]
    grouped = story_pairs(ids)  # stories of 1-5 articles in publish order
    with schema.transaction(db):
        db.executemany("UPDATE articles SET story_id = ? WHERE id = ?", grouped)
    followers = rows(db, "SELECT id, story_id FROM articles WHERE story_id <> id ORDER BY id")
    openers = sorted({r["story_id"] for r in followers})
    with schema.transaction(db):
        for r in followers[::11]:  # stored before story ids existed: a story of its own
            db.execute("UPDATE articles SET story_id = NULL WHERE id = ?", [r["id"]])
        # an opener moved into another story while its followers keep its id
        db.execute("UPDATE articles SET story_id = ? WHERE id = ?", [openers[1], openers[0]])
    yield db
    db.close()


def _distinct_stories(db, filters: Filters) -> int:
    clause, params = read_filters.where(filters, "a")
    return int(
        one(
            db,
            "SELECT count(DISTINCT coalesce(a.story_id, a.id)) FROM articles a WHERE "
            f"{clause} AND a.published_at IS NOT NULL AND a.published_estimated = 0",
            params,
        )
    )


VIEWS = [
    Filters(),
    Filters(since=date(2025, 1, 8), until=date(2025, 5, 13)),
    Filters(since=date(2026, 6, 3)),
    Filters(until=date(2024, 2, 1)),
    Filters(topics=("Trade & Tariffs",)),
    Filters(topics=("Macro & Growth", "Energy & Commodities"), since=date(2024, 3, 5), until=date(2024, 9, 17)),
]


@pytest.mark.parametrize("filters", VIEWS, ids=str)
def test_story_count_from_the_totals_equals_a_distinct_count(desk, filters: Filters) -> None:
    assert read_filters.plan(filters).from_totals
    assert int(one(desk, "SELECT count(*) FROM articles WHERE story_id <> id")) > 100  # stories to count
    assert story_count(desk, filters) == _distinct_stories(desk, filters)


def test_a_view_the_totals_do_not_answer_counts_its_articles(desk) -> None:
    every_source = tuple(r["source"] for r in rows(desk, "SELECT DISTINCT source FROM articles"))
    view = Filters(sources=every_source, since=date(2025, 1, 8))
    assert not read_filters.plan(view).from_totals
    clause, params = read_filters.where(view, "a")
    want = one(desk, f"SELECT count(DISTINCT coalesce(a.story_id, a.id)) FROM articles a WHERE {clause}", params)
    assert story_count(desk, view) == want


def test_a_file_read_before_migration_21_counts_without_the_index(tmp_path) -> None:
    """Read-only, a file from before the followers' index is read as it is: the same count, the slow way."""
    path = tmp_path / "old.db"
    db = schema.open(path)
    synthetic.generate(db, 300, seed=5)
    db.execute("UPDATE articles SET story_id = (SELECT min(id) FROM articles) WHERE rowid % 4 = 0")
    want = {f: _distinct_stories(db, f) for f in VIEWS}
    db.execute("DROP INDEX idx_articles_story_followers")
    db.execute("PRAGMA user_version = 19")
    db.close()
    old = schema.connect_readonly(path)
    try:
        assert {f: story_count(old, f) for f in VIEWS} == want
    finally:
        old.close()
