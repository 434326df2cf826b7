"""The store on real temporary SQLite files: schema, pragmas, migrations, batches, aggregates."""

from __future__ import annotations

import sqlite3

import pytest

from newsdesk.db import aggregates, schema, ticker_counts, writes
from newsdesk.domain.models import Article, CategoryTag, Decision, Problem
from newsdesk.errors import SchemaError
from newsdesk.score import score_article
from tests.engine_util import article, count, rows
from tests.seed import undo_market_relevance

TABLES = {
    "articles",
    "article_categories",
    "article_entities",
    "decisions",
    "baskets",
    "basket_members",
    "decision_baskets",
    "companies",
    "daily_category_sentiment",
    "problems",
    "ingest_runs",
}


def make(
    title: str,
    day: str = "2026-06-01",
    cats=("Macro & Growth",),
    summary: str = "Growth beat forecasts.",
    url: str | None = None,
    decisions=(),
) -> Article:
    a = Article(
        title=title,
        source="Test",
        url=url,
        published_at=f"{day}T10:00:00Z",
        summary=summary,
        categories=[CategoryTag(c) for c in cats],
        decisions=[Decision(i + 1, t) for i, t in enumerate(decisions)],
        source_impact=0.5,
    )
    return score_article(a)


def test_schema_pragmas_and_version(db, db_path) -> None:
    assert TABLES <= set(db.table_names())
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000
    # a writer's page cache holds a batch's dirty pages (no spill to the WAL in mid-transaction)
    assert db.execute("PRAGMA cache_size").fetchone()[0] == -schema.WRITE_CACHE_KIB
    assert schema.schema_version(db) == schema.SCHEMA_VERSION
    cols = set(db["articles"].columns_dict)
    assert {
        "id",
        "url",
        "title",
        "source",
        "published_at",
        "ingested_at",
        "summary",
        "body",
        "sentiment",
        "sentiment_label",
        "subjectivity",
        "impact",
        "source_sentiment",
        "source_sentiment_label",
        "source_impact",
        "scorer_version",
        "content_hash",
    } <= cols
    assert set(db["decisions"].columns_dict) >= {
        "id",
        "article_id",
        "position",
        "text",
        "action",
        "direction",
        "instruments",
        "structure",
        "horizon_text",
        "horizon_min_days",
        "horizon_max_days",
        "conditions",
    }


def test_reopen_is_idempotent(db_path) -> None:
    schema.connect(db_path).close()
    db = schema.connect(db_path)
    assert schema.schema_version(db) == schema.SCHEMA_VERSION


def test_newer_schema_is_refused(db_path) -> None:
    schema.connect(db_path).close()
    conn = sqlite3.connect(db_path)
    conn.execute(f"PRAGMA user_version = {schema.SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(SchemaError, match="newer than this newsdesk"):
        schema.connect(db_path)


def test_migration_path_runs_each_step_once(db_path, monkeypatch) -> None:
    schema.connect(db_path).close()
    calls = []
    monkeypatch.setattr(schema, "SCHEMA_VERSION", schema.SCHEMA_VERSION + 1)
    monkeypatch.setitem(
        schema.MIGRATIONS,
        schema.SCHEMA_VERSION,
        lambda db: calls.append(db.execute("ALTER TABLE articles ADD COLUMN extra TEXT")),
    )
    db = schema.connect(db_path)
    assert len(calls) == 1 and "extra" in db["articles"].columns_dict
    assert schema.schema_version(db) == schema.SCHEMA_VERSION
    db.close()
    schema.connect(db_path).close()
    assert len(calls) == 1


def test_write_batch_dedupes_by_id_and_content(desk) -> None:
    r = writes.write_batch(desk, [make("One"), make("Two"), make("One")], [], "t")
    assert (r.added, r.duplicates, r.rejected) == (2, 1, 0)
    again = writes.write_batch(desk, [make("One"), make("Two")], [], "t")
    assert (again.added, again.duplicates) == (0, 2)
    same_text_other_day = make("One", day="2026-06-02")
    assert writes.write_batch(desk, [same_text_other_day], [], "t").duplicates == 1
    assert count(desk, "articles") == 2


def test_problems_and_runs_are_recorded(desk) -> None:
    r = writes.write_batch(desk, [make("Fine")], [Problem("f.txt", "f.txt:3", "bad impact", "raw")], "f.txt")
    assert (r.added, r.rejected) == (1, 1)
    (run,) = rows(desk, "SELECT * FROM ingest_runs WHERE id = ?", [r.run_id])
    assert (run["added"], run["duplicates"], run["rejected"], run["source"]) == (1, 0, 1, "f.txt")
    assert run["finished_at"] >= run["started_at"]
    (p,) = rows(desk, "SELECT * FROM problems")
    assert (p["run_id"], p["locator"], p["reason"]) == (r.run_id, "f.txt:3", "bad impact")


def test_daily_aggregate_matches_recomputation(desk) -> None:
    batch = [
        make("A", "2026-06-01", ("Macro & Growth", "Trade & Tariffs"), "Strong gains and a great beat."),
        make("B", "2026-06-01", ("Macro & Growth",), "Terrible losses, awful miss."),
        make("C", "2026-06-03", ("Trade & Tariffs",), "Neutral update."),
        make("D", "2026-06-03", ()),
    ]
    writes.write_batch(desk, batch, [], "t")
    stored = sorted(
        tuple(r.values())
        for r in rows(
            desk,
            "SELECT day, category, n, round(sentiment_sum, 6), round(impact_sum, 6), impact_n "
            "FROM daily_category_sentiment",
        )
    )
    recomputed = sorted(
        tuple(r.values())
        for r in rows(
            desk,
            "SELECT day, category, n, round(sentiment_sum, 6), round(impact_sum, 6), impact_n FROM ("
            + aggregates.DAILY_RECOMPUTE_SQL
            + ")",
        )
    )
    assert stored == recomputed
    assert [(d, c, n) for d, c, n, *_ in stored] == [
        ("2026-06-01", "Macro & Growth", 2),
        ("2026-06-01", "Trade & Tariffs", 1),
        ("2026-06-03", "Trade & Tariffs", 1),
    ]
    assert writes.rebuild_aggregates(desk)[0] == 3


def test_failed_batch_leaves_nothing(desk, monkeypatch) -> None:
    writes.write_batch(desk, [make("Before")], [], "t")
    real = aggregates.effective_category_origin
    calls = {"n": 0}

    def exploding(*args, **kwargs):  # fails after the batch's article rows are already written
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("disk on fire")
        return real(*args, **kwargs)

    monkeypatch.setattr(aggregates, "effective_category_origin", exploding)
    with pytest.raises(RuntimeError):
        writes.write_batch(desk, [make("X"), make("Y")], [], "t")
    assert [r["title"] for r in rows(desk, "SELECT title FROM articles")] == ["Before"]
    assert count(desk, "ingest_runs") == 1
    assert desk.execute("SELECT sum(n) FROM daily_category_sentiment").fetchone()[0] == 1


def test_decisions_stored_in_order(desk) -> None:
    writes.write_batch(desk, [make("With decisions", decisions=["Buy A", "Sell B", "Hedge C"])], [], "t")
    assert rows(desk, "SELECT position, text FROM decisions ORDER BY position") == [
        {"position": 1, "text": "Buy A"},
        {"position": 2, "text": "Sell B"},
        {"position": 3, "text": "Hedge C"},
    ]


def test_two_connections_write_without_locking(desk_target) -> None:
    a, b = schema.open(desk_target), schema.open(desk_target)
    writes.write_batch(a, [make("From A")], [], "a")
    writes.write_batch(b, [make("From B")], [], "b")
    assert count(a, "articles") == 2


def test_rescore_replaces_outdated_scores(desk, sample_path) -> None:
    from newsdesk.flows import ingest as pipeline
    from newsdesk.score.pipeline import current_version
    from newsdesk.score.textblob_adapters import TextBlobScorer

    pipeline.ingest_paths(desk, [sample_path], scorer=TextBlobScorer())
    assert pipeline.stale_ids(desk, current_version()) == [desk.execute("SELECT id FROM articles").fetchone()[0]]
    assert pipeline.rescore(desk, pipeline.stale_ids(desk, current_version()), batch_size=1) == 1
    assert pipeline.stale_ids(desk, current_version()) == []
    row = next(iter(rows(desk, "SELECT scorer_version, impact, impact_components, sentiment_terms FROM articles")))
    assert row["scorer_version"] == current_version() and row["impact"] <= 0.3
    assert row["impact_components"] and row["sentiment_terms"]
    assert desk.execute("SELECT count(*) FROM decision_baskets").fetchone()[0] >= 5
    assert desk.execute("SELECT count(*) FROM article_entities WHERE ticker IN ('7011.T', '5631.T')").fetchone()[0] == 2
    stored = sorted(
        tuple(r.values())
        for r in rows(desk, "SELECT day, category, n, round(sentiment_sum, 6) FROM daily_category_sentiment")
    )
    recomputed = sorted(
        tuple(r.values())
        for r in rows(
            desk, "SELECT day, category, n, round(sentiment_sum, 6) FROM (" + aggregates.DAILY_RECOMPUTE_SQL + ")"
        )
    )
    assert stored == recomputed


def test_reference_data_is_loaded(desk, sample_path) -> None:
    from newsdesk.flows import ingest as pipeline

    pipeline.ingest_paths(desk, [sample_path])
    assert count(desk, "companies") >= 300
    assert count(desk, "baskets") >= 15
    assert desk.execute("SELECT count(*) FROM basket_members WHERE basket_id = 'japan-defense'").fetchone()[0] >= 4


def test_dedupe_rules(desk) -> None:
    base = make("Chipmaker raises guidance", day="2026-06-01", url="https://example.com/a?utm_source=rss")
    assert writes.write_batch(desk, [base], [], "t").added == 1
    assert article(desk, base.id)["url"] == "https://example.com/a"
    # same canonical URL from another source: duplicate, the source is recorded
    other = make("Chipmaker raises its guidance", url="https://EXAMPLE.com/a#top")
    other.source = "Other Wire"
    assert writes.write_batch(desk, [other], [], "t").duplicates == 1
    # same source, same normalised title, other URL, within 48 hours: duplicate
    near = make("Chipmaker Raises Guidance!", day="2026-06-02", url="https://example.com/b", summary="Different.")
    assert writes.write_batch(desk, [near], [], "t").duplicates == 1
    # ... but three days later it is a new story
    later = make("Chipmaker raises guidance", day="2026-06-05", url="https://example.com/c", summary="Later.")
    assert writes.write_batch(desk, [later], [], "t").added == 1
    sources = {
        (r["source"], r["url"])
        for r in rows(desk, "SELECT source, url FROM article_sources WHERE article_id = ?", [base.id])
    }
    assert ("Other Wire", "https://example.com/a") in sources and ("Test", "https://example.com/b") in sources
    assert count(desk, "articles") == 2


def test_richer_duplicate_wins(desk) -> None:
    thin = make("Bank beats estimates", day="2026-06-01", summary="Short.")
    writes.write_batch(desk, [thin], [], "t")
    rich = make(
        "Bank beats estimates",
        day="2026-06-01",
        summary="The bank beat estimates as net interest income rose sharply and costs fell.",
        decisions=["Overweight US money-center banks for the next 3-6 months."],
    )
    assert writes.write_batch(desk, [rich], [], "t").duplicates == 1
    row = article(desk, thin.id)
    assert row["summary"].startswith("The bank beat estimates")
    assert desk.execute("SELECT count(*) FROM decisions WHERE article_id = ?", [thin.id]).fetchone()[0] == 1
    assert desk.execute("SELECT sum(n) FROM daily_category_sentiment").fetchone()[0] == 1
    again = make("Bank beats estimates", day="2026-06-01", summary="Short.")
    writes.write_batch(desk, [again], [], "t")
    assert article(desk, thin.id)["summary"].startswith("The bank beat estimates")


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,x", "ftp://example.com/x", "  "])
def test_non_http_urls_are_not_stored(desk, url) -> None:
    a = make("Odd link", url=url)
    writes.write_batch(desk, [a], [], "t")
    assert article(desk, a.id)["url"] is None


VIEW_MISMATCHES = """
SELECT count(*) FROM article_categories c JOIN articles a ON a.id = c.article_id
WHERE c.published_at IS DISTINCT FROM a.published_at OR c.sentiment IS DISTINCT FROM a.sentiment
   OR c.impact IS DISTINCT FROM a.impact OR c.sentiment_label IS DISTINCT FROM a.sentiment_label
"""


def test_category_rows_carry_their_articles_view_columns(desk, sample_path) -> None:
    """Schema v6 copies publish time and scores onto category rows; triggers keep them equal through
    inserts, a richer duplicate replacing a row, a rescore and a direct UPDATE by an outside tool."""
    from newsdesk.flows import ingest as pipeline
    from newsdesk.score.textblob_adapters import TextBlobScorer

    pipeline.ingest_paths(desk, [sample_path], scorer=TextBlobScorer())
    thin = make("Bank beats estimates", day="2026-06-01", summary="Short.", cats=("Banking", "Macro & Growth"))
    writes.write_batch(desk, [thin], [], "t")
    assert desk.execute("SELECT count(*) FROM article_categories").fetchone()[0] >= 5
    assert desk.execute(VIEW_MISMATCHES).fetchone()[0] == 0
    rich = make("Bank beats estimates", day="2026-06-01", summary="The bank beat estimates; income rose sharply.")
    writes.write_batch(desk, [rich], [], "t")
    pipeline.rescore(desk, pipeline.stale_ids(desk, "", everything=True))
    assert desk.execute(VIEW_MISMATCHES).fetchone()[0] == 0
    with schema.transaction(desk):
        desk.execute("UPDATE articles SET published_at = '2020-01-01T00:00:00Z', sentiment = -0.9, impact = 0.99")
    assert desk.execute(VIEW_MISMATCHES).fetchone()[0] == 0
    assert desk.execute("SELECT count(*) FROM article_categories WHERE published_at IS NULL").fetchone()[0] == 0


def test_migrations_6_to_8_upgrade_an_older_database(db_path) -> None:
    """A v5 database (category rows without the copied columns, no period table) is upgraded with
    every category row filled, the week/month totals and the daily totals computed."""
    db = schema.connect(db_path)
    writes.write_batch(db, [make("Old story one"), make("Old story two", day="2026-06-03")], [], "t")
    with schema.transaction(db):  # turn it back into a v5 database
        undo_market_relevance(db)
        db.execute("DROP INDEX idx_articles_title_key")
        db.execute("ALTER TABLE articles DROP COLUMN guid")
        db.execute("DROP TABLE category_set_totals")
        for name in ticker_counts.COUNT_TRIGGERS:
            db.execute(f"DROP TRIGGER IF EXISTS {name}")  # the insert trigger is gone from v20
        db.execute("DROP TABLE ticker_counts")
        db.execute("DROP TRIGGER articles_time_sync")
        for table in aggregates.TIME_COPIES:
            db.execute(f"DROP TRIGGER {table}_time_fill")
        db.execute("DROP INDEX idx_article_entities_time")
        db.execute("DROP INDEX idx_decisions_time")
        for table in aggregates.TIME_COPIES:
            db.execute(f"ALTER TABLE {table} DROP COLUMN published_at")
        db.execute("DROP TABLE daily_totals")
        for name in ("insert", "update", "move", "delete"):
            db.execute(f"DROP TRIGGER daily_category_sentiment_{name}")
        db.execute("DROP TABLE period_category_sentiment")
        for col in aggregates.VIEW_COLUMNS:
            db.execute(f"ALTER TABLE article_categories DROP COLUMN {col}")
        db.execute("PRAGMA user_version = 5")
    db.close()
    db = schema.connect(db_path)
    assert schema.schema_version(db) == schema.SCHEMA_VERSION
    assert db.execute(VIEW_MISMATCHES).fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM article_categories WHERE published_at IS NULL").fetchone()[0] == 0
    assert db.execute("SELECT sum(n) FROM period_category_sentiment WHERE grain = 'week'").fetchone()[0] == 2
    assert db.execute("SELECT sum(n) FROM daily_totals").fetchone()[0] == 2
    db.close()


def test_the_one_connection_commits_as_the_writable_handle_always_did(tmp_path) -> None:
    """``newsdesk.db.open`` gives one Connection type. Writable, a write outside a transaction
    commits at once (as sqlite-utils' Database did) and one inside ``transaction`` waits for its
    COMMIT; read-only, it is the same type and refuses writes."""
    import sqlite3 as driver

    from newsdesk.db import Connection, transaction
    from newsdesk.db import open as open_database

    path = tmp_path / "one.db"
    db = open_database(path)
    other = driver.connect(path)
    db.execute("INSERT INTO feed_state (url, etag) VALUES ('a', 'x')")
    assert other.execute("SELECT count(*) FROM feed_state").fetchone()[0] == 1
    with transaction(db):
        db.execute("INSERT INTO feed_state (url, etag) VALUES ('b', 'y')")
        assert other.execute("SELECT count(*) FROM feed_state").fetchone()[0] == 1
    assert other.execute("SELECT count(*) FROM feed_state").fetchone()[0] == 2
    with pytest.raises(RuntimeError), transaction(db):
        db.execute("INSERT INTO feed_state (url, etag) VALUES ('c', 'z')")
        raise RuntimeError("rolled back")
    assert other.execute("SELECT count(*) FROM feed_state").fetchone()[0] == 2
    reader = open_database(path, readonly=True)
    assert isinstance(db, Connection) and isinstance(reader, Connection)
    with pytest.raises(driver.OperationalError):
        reader.execute("INSERT INTO feed_state (url, etag) VALUES ('d', 'w')")
    for conn in (reader, other, db):
        conn.close()
