"""An article whose date is estimated (``published_estimated = 1``: the input gave no readable date) is
stored and listed, flagged, but counts in no derived table: it must not enter "today" as if it were
real news. The incremental upkeep equals the recomputation (``rebuild-daily``) with such rows."""

from __future__ import annotations

import pytest

from newsdesk.db import read, schema, writes
from newsdesk.domain.models import Article, CategoryTag
from newsdesk.flows import ingest as pipeline
from newsdesk.score import score_article
from tests.fault_util import daily_mismatches, derived_mismatches
from tests.seed import undo_market_relevance

DERIVED = ("daily_category_sentiment", "period_category_sentiment", "daily_totals", "category_set_totals")


def make(
    title: str, when: str | None, estimated: bool = False, summary: str = "Shares rose on strong demand."
) -> Article:
    a = Article(
        title=title,
        source="Test wire",
        published_at=when,
        published_estimated=estimated,
        summary=summary,
        categories=[CategoryTag("Energy & Commodities")],
    )
    return score_article(a)


def counted(db) -> dict[str, int]:
    """Articles counted in each derived table (day rows of the category sets)."""
    return {
        "daily_category_sentiment": db.execute("SELECT coalesce(sum(n), 0) FROM daily_category_sentiment").fetchone()[
            0
        ],
        "period_category_sentiment": db.execute(
            "SELECT coalesce(sum(n), 0) FROM period_category_sentiment WHERE grain = 'week'"
        ).fetchone()[0],
        "daily_totals": db.execute("SELECT coalesce(sum(n), 0) FROM daily_totals").fetchone()[0],
        "category_set_totals": db.execute(
            "SELECT coalesce(sum(n), 0) FROM category_set_totals WHERE grain = 'day'"
        ).fetchone()[0],
    }


def exact(db) -> None:
    assert daily_mismatches(db.conn) == []
    assert derived_mismatches(db.conn) == []


def test_estimated_rows_are_stored_and_listed_but_never_counted(db) -> None:
    batch = [
        make("Refiner output rises", "2026-06-01T10:00:00Z"),
        make("Pipeline operator wins permit", "2026-06-02T10:00:00Z", estimated=True),  # --on-bad-date estimate
        make("Undated page about oil", None),  # no date at all: the store gives the ingest time, flagged
    ]
    result = writes.write_batch(db, batch, [], "t")
    assert result.added == 3
    assert counted(db) == dict.fromkeys(DERIVED, 1)
    undated = db.execute(
        "SELECT published_at, published_estimated FROM articles WHERE title LIKE 'Undated%'"
    ).fetchone()
    assert undated[1] == 1 and undated[0][:10] == writes.now_iso()[:10]
    assert db.execute("SELECT count(*) FROM daily_totals WHERE day = ?", [undated[0][:10]]).fetchone()[0] == 0
    listed = read.articles.articles(db.conn)
    assert len(listed) == 3
    assert sorted(listed.loc[listed["published_estimated"] == 1, "title"]) == [
        "Pipeline operator wins permit",
        "Undated page about oil",
    ]
    exact(db)
    before = {t: sorted(db.execute(f"SELECT * FROM {t}")) for t in DERIVED}  # constant names
    writes.rebuild_aggregates(db)
    assert {t: sorted(db.execute(f"SELECT * FROM {t}")) for t in DERIVED} == before


def test_the_shared_undated_sample_stays_out_of_today(db, sample_path) -> None:
    report = pipeline.ingest_paths(db, [sample_path])
    assert report.added == 1
    (when, estimated) = db.execute("SELECT published_at, published_estimated FROM articles").fetchone()
    assert estimated == 1
    assert counted(db) == dict.fromkeys(DERIVED, 0)
    assert db.execute("SELECT count(*) FROM daily_totals WHERE day = ?", [when[:10]]).fetchone()[0] == 0
    exact(db)


@pytest.mark.parametrize("estimated_first", [True, False])
def test_a_real_date_replaces_an_estimated_one_and_the_story_counts_once(db, estimated_first) -> None:
    guess = make("Copper miner raises output forecast", "2026-06-05T08:00:00Z", estimated=True)
    real = make("Copper miner raises output forecast", "2026-06-04T16:00:00Z")
    first, second = (guess, real) if estimated_first else (real, guess)
    writes.write_batch(db, [first], [], "t")
    assert writes.write_batch(db, [second], [], "t").duplicates == 1
    assert db.execute("SELECT published_at, published_estimated FROM articles").fetchone() == (
        "2026-06-04T16:00:00Z",
        0,
    )
    assert counted(db) == dict.fromkeys(DERIVED, 1)
    exact(db)


def test_migration_13_takes_estimated_rows_out_of_an_older_databases_totals(db_path) -> None:
    db = schema.connect(db_path)
    writes.write_batch(
        db,
        [make("Refiner output rises", "2026-06-01T10:00:00Z"), make("Guessed", "2026-06-01T11:00:00Z", True)],
        [],
        "t",
    )
    with schema.transaction(db):  # a v11 database counted the estimated row like any other
        undo_market_relevance(db)
        db.execute("DROP INDEX idx_articles_title_key")
        db.execute("ALTER TABLE articles DROP COLUMN guid")
        db.execute("UPDATE daily_totals SET n = n + 1")
        db.execute("UPDATE daily_category_sentiment SET n = n + 1")
        db.execute("UPDATE category_set_totals SET n = n + 1")
        db.execute("PRAGMA user_version = 11")
    db.close()
    db = schema.connect(db_path)
    assert counted(db) == dict.fromkeys(DERIVED, 1)
    exact(db)
    db.execute("UPDATE articles SET published_estimated = 0 WHERE title = 'Guessed'")  # the trigger follows the flag
    assert db.execute("SELECT sum(n) FROM daily_totals").fetchone()[0] == 2
    db.close()
