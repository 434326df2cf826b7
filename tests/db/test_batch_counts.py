"""The derived tables the writers count a batch at a time from schema 20, on both engines.

``ticker_counts`` (how many articles name each ticker: the company filter's options) equals a recount
of ``article_entities`` after every way newsdesk writes company mentions: a bulk batch, a mention
repeated in one article (the ``INSERT OR IGNORE`` keeps one), both kinds of merge with a stored story,
a rescore, ``db copy`` either way, deletes and moves by outside SQL (still counted by triggers),
``rebuild-daily`` after outside inserts, and the upgrade of a schema-19 desk. ``daily_totals`` holds
the very rows (floats bit for bit) the per-article trigger of schemas 8-19 wrote.
"""

from __future__ import annotations

from contextlib import closing

import pytest

from benchmarks import synthetic
from newsdesk.db import aggregates, schema, ticker_counts, writes
from newsdesk.db import copy as desk_copy
from newsdesk.domain.models import Entity
from newsdesk.flows import ingest as pipeline
from tests.db.test_store import make
from tests.engine_util import is_server
from tests.fault_util import derived_mismatches, mixed_writes

TRIGGERS_SQL = "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'article_entities' ORDER BY 1"


def counts(conn) -> dict[str, int]:
    return dict(conn.execute("SELECT ticker, n FROM ticker_counts").fetchall())


def recount(conn) -> dict[str, int]:
    return dict(conn.execute(ticker_counts.TICKER_COUNTS_SQL).fetchall())


def exact(conn) -> dict[str, int]:
    """The stored counts, asserted equal to a recount (and never zero: an emptied ticker's row goes)."""
    assert [m for m in derived_mismatches(conn.conn) if m.startswith("ticker_counts")] == []
    stored = counts(conn)
    assert stored == recount(conn) and all(n > 0 for n in stored.values())
    return stored


def named(title: str, *tickers: str, body: str = "", url: str = "https://example.com/acme-globex") -> object:
    a = make(title, url=url)
    a.body = body
    a.entities = [Entity(t, t.title()) for t in tickers]
    return a


TITLE = "Acme takes a stake in Globex to build warehouse robots"


def test_a_batch_counts_each_inserted_mention_once(desk) -> None:
    """One upsert per ticker per batch; a ticker an article names twice is one mention (one row)."""
    batch = [
        named("Acme beats forecasts on robot demand", "ACME", "ACME", url="https://example.com/1"),
        named("Globex and Acme sign a supply deal", "GLBX", "ACME", url="https://example.com/2"),
        named("Initech cuts guidance", "INIT", url="https://example.com/3"),
        named("Rates unchanged", url="https://example.com/4"),
    ]
    writes.write_batch(desk, batch, [], "t")
    assert exact(desk) == {"ACME": 2, "GLBX": 1, "INIT": 1}
    writes.write_batch(desk, [named("Acme opens a plant", "ACME", url="https://example.com/5")], [], "t")
    assert exact(desk)["ACME"] == 3


def test_both_kinds_of_merge_with_a_stored_story_keep_the_counts(desk) -> None:
    """A richer duplicate replaces the stored story's rows (its mentions deleted and written again, with
    the stored ones it lacked); a poorer one adds the tickers the stored story lacks."""
    writes.write_batch(desk, [named(TITLE, "ACME")], [], "t")
    assert exact(desk) == {"ACME": 1}
    richer = named(TITLE, "GLBX", body="Acme and Globex agreed on a joint venture. " * 20)
    assert writes.write_batch(desk, [richer], [], "t").duplicates == 1
    assert exact(desk) == {"ACME": 1, "GLBX": 1}
    poorer = named(TITLE, "INIT", "ACME")
    assert writes.write_batch(desk, [poorer], [], "t").duplicates == 1
    assert exact(desk) == {"ACME": 1, "GLBX": 1, "INIT": 1}
    # and a duplicate met inside one batch (merged before the insert)
    twice = [named("Umbrella wins approval", "UMBR", url="https://example.com/u"),
             named("Umbrella wins approval", "INIT", url="https://example.com/u")]  # fmt: skip
    writes.write_batch(desk, twice, [], "t")
    assert exact(desk) == {"ACME": 1, "GLBX": 1, "INIT": 2, "UMBR": 1}


def test_rescore_outside_deletes_and_moves_keep_the_counts(desk, sample_path) -> None:
    """Bulk, ingest and rescore (mentions deleted and written again), then deletes and ticker moves by
    outside SQL (the triggers count those), then articles deleted and a rescore of what is left."""
    mixed_writes(desk, sample_path, seed=9, n=120, rescored=30)
    exact(desk)
    with schema.transaction(desk):
        desk.execute("DELETE FROM article_entities WHERE rowid % 4 = 0")
        desk.execute("UPDATE article_entities SET ticker = 'ZZZZ' WHERE rowid % 9 = 0")
    assert exact(desk)["ZZZZ"] > 0
    with schema.transaction(desk):
        desk.execute("DELETE FROM article_entities WHERE ticker = 'ZZZZ'")
    assert "ZZZZ" not in exact(desk)
    pipeline.rescore(desk, pipeline.stale_ids(desk, "", everything=True)[:25])
    exact(desk)


def test_rebuild_daily_recounts_after_outside_inserts(desk) -> None:
    """An insert by outside SQL is not counted (no trigger from schema 20, as for the daily tables);
    ``rebuild-daily`` (``writes.rebuild_aggregates``) makes the counts exact again."""
    writes.write_batch(desk, [named(TITLE, "ACME")], [], "t")
    (aid,) = desk.execute("SELECT id FROM articles").fetchone()
    with schema.transaction(desk):
        desk.execute(
            "INSERT INTO article_entities (article_id, ticker, name, mentions) VALUES (?, 'OUTS', 'Outside', 1)", [aid]
        )
    assert counts(desk) == {"ACME": 1} != recount(desk)
    writes.rebuild_aggregates(desk)
    assert exact(desk) == {"ACME": 1, "OUTS": 1}


@pytest.mark.parametrize("direction", ["sqlite to server", "server to sqlite"])
def test_db_copy_carries_the_counts(pg_server, tmp_path, sample_path, direction) -> None:
    """``db copy`` copies the counts with the mentions (no trigger refills them from schema 20): equal to
    the source's and to a recount on the destination, either way."""
    lite, url = tmp_path / "desk.db", pg_server.new_database()
    src, dst = (lite, url) if direction == "sqlite to server" else (url, lite)
    with closing(schema.open(src)) as conn:
        mixed_writes(conn, sample_path, seed=5, n=80, rescored=10)
        source = exact(conn)
        totals = day_totals(conn)
    assert source
    desk_copy.copy(src, dst)
    with closing(schema.open(dst)) as conn:
        assert exact(conn) == source
        assert day_totals(conn) == totals  # bit for bit: copied, not summed again
        writes.write_batch(conn, [named(TITLE, "ACME", "NEWT")], [], "t")
        after = exact(conn)
    assert after["NEWT"] == 1 and after["ACME"] == source.get("ACME", 0) + 1
    pg_server.drop_database(url)


V19_INDEXES = (
    "CREATE INDEX idx_article_entities_ticker ON article_entities (ticker)",
    "CREATE INDEX idx_articles_source_title_key_published_at ON articles (source, title_key, published_at)",
    "CREATE INDEX idx_article_categories_category_article_id ON article_categories (category, article_id)",
)


def add_triggers(conn, table: str, drop: tuple[str, ...], create: list[str]) -> None:
    """Drop the triggers ``drop`` of ``table`` and create ``create`` (SQLite's statements) on either engine."""
    if is_server(conn):
        from newsdesk.db import postgres

        postgres._replace_triggers(conn, table, drop, create)
        return
    for name in drop:
        conn.execute(f"DROP TRIGGER IF EXISTS {name}")
    for sql in create:
        conn.execute(sql)


def day_totals(conn) -> list[tuple]:
    columns = ", ".join(aggregates.DAY_TOTALS_COLUMNS)
    return [tuple(r) for r in conn.execute(f"SELECT {columns} FROM daily_totals ORDER BY day")]


def day_batches() -> list[list]:
    """Batches that touch days already counted and new ones, with articles that count and ones that do
    not: no sentiment, no impact, a high impact, an estimated date, not market news."""
    from newsdesk.domain.models import Article

    out = []
    for b in range(4):
        batch = []
        for i in range(40):
            a = make(f"Story {b}-{i} on orders and {('rates', 'oil', 'chips', 'tariffs')[i % 4]}",
                     day=f"2026-06-{1 + (b * 7 + i) % 9:02d}", url=f"https://example.com/{b}/{i}")  # fmt: skip
            a.sentiment = None if i % 11 == 0 else round(((b * 40 + i) * 0.6180339887) % 2 - 1, 4)
            a.impact = None if i % 13 == 0 else round(((b * 40 + i) * 0.377) % 1, 4)
            a.published_estimated = i % 17 == 0
            a.market_relevant = i % 19 != 0
            batch.append(a)
        batch.append(Article(title=f"Undated {b}", source="Test", summary="No date given."))
        out.append(batch)
    return out


def test_daily_totals_are_the_rows_the_trigger_wrote(request, tmp_path, desk_target, monkeypatch) -> None:
    """The same batches through the writer's count (v20) and through the per-article trigger of schemas
    8-19 give the same ``daily_totals`` rows, floats bit for bit (the sums are added in the same order)."""
    from tests.conftest import new_desk

    engine = "postgres" if isinstance(desk_target, str) else "sqlite"
    (tmp_path / "old").mkdir()
    old_target = new_desk(request, engine, tmp_path / "old")
    with closing(schema.open(desk_target)) as new, closing(schema.open(old_target)) as old:
        with schema.transaction(old):
            add_triggers(old, "articles", (), [aggregates.totals_insert_trigger()])
        for batch in day_batches():
            writes.write_batch(new, batch, [], "t")
        synthetic.generate(new, 300, seed=8)
        monkeypatch.setattr(aggregates, "count_new_articles", lambda conn, articles: None)
        for batch in day_batches():
            writes.write_batch(old, batch, [], "t")
        synthetic.generate(old, 300, seed=8)
        monkeypatch.undo()
        assert len(day_totals(new)) > 20
        assert day_totals(new) == day_totals(old)
        assert [m for m in derived_mismatches(new.conn) if m.startswith("totals")] == []


def back_to_schema_19(conn) -> None:
    """Make a current desk what schema 19 was: the triggers per inserted mention and article, the old
    mention delete and move triggers, the three indexes, version 19; and counts made wrong, so that the
    upgrade's recount shows."""
    with schema.transaction(conn):
        add_triggers(conn, "article_entities", ticker_counts.COUNT_TRIGGERS, ticker_counts.count_triggers_v11())
        add_triggers(conn, "articles", (), [aggregates.totals_insert_trigger()])
        for sql in V19_INDEXES:
            conn.execute(sql)
        if is_server(conn):
            conn.execute("DELETE FROM newsdesk_schema WHERE version > 19")
            conn.execute("INSERT INTO newsdesk_schema (version) VALUES (19)")
        else:
            conn.execute("PRAGMA user_version = 19")
        conn.execute("UPDATE ticker_counts SET n = n + 7")


SCHEMA_OBJECTS_SQL = (
    "SELECT type, name FROM sqlite_master WHERE type IN ('trigger', 'index') AND tbl_name IN "
    "('articles', 'article_entities', 'article_categories') ORDER BY 1, 2"
)


def test_a_schema_19_desk_is_upgraded_on_either_engine(desk_target) -> None:
    with closing(schema.open(desk_target)) as conn:
        fresh = [tuple(r) for r in conn.execute(SCHEMA_OBJECTS_SQL)]
        synthetic.generate(conn, 60, seed=3)
        totals = conn.execute("SELECT * FROM daily_totals ORDER BY day").fetchall()
        back_to_schema_19(conn)
    with closing(schema.open(desk_target, readonly=True)) as conn:
        assert schema.schema_version(conn) == 19
        assert "article_entities_count_insert" in [r[0] for r in conn.execute(TRIGGERS_SQL)]
    with closing(schema.open(desk_target)) as conn:
        assert schema.schema_version(conn) == schema.SCHEMA_VERSION == 23
        assert [tuple(r) for r in conn.execute(SCHEMA_OBJECTS_SQL)] == fresh
        names = {name for _, name in fresh}
        assert not names & {"article_entities_count_insert", "articles_totals_insert", *aggregates.UNUSED_INDEXES}
        assert conn.execute("SELECT * FROM daily_totals ORDER BY day").fetchall() == totals
        before = exact(conn)  # recounted by the upgrade
        writes.write_batch(conn, [named(TITLE, "ACME", "NEWT")], [], "t")
        after = exact(conn)
        assert after["NEWT"] == 1 and after["ACME"] == before.get("ACME", 0) + 1
        with schema.transaction(conn):  # the new delete trigger takes an emptied ticker's row away
            conn.execute("DELETE FROM article_entities WHERE ticker = 'NEWT'")
        assert "NEWT" not in exact(conn)
