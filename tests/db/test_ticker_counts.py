"""``ticker_counts`` (how many articles name each ticker: the company filter's options) equals a recount
of ``article_entities`` after every way newsdesk writes company mentions, on both engines. From schema 20
the writers count a batch's inserted mentions with one upsert per ticker (``aggregates.count_mentions``)
and only deletes and moves are counted by triggers: a bulk batch, a mention repeated in one article (the
``INSERT OR IGNORE`` keeps one), both kinds of merge with a stored story, a rescore, ``db copy`` either
way, deletes and moves by outside SQL, ``rebuild-daily`` after outside inserts, and the upgrade of a
schema-19 desk."""

from __future__ import annotations

from contextlib import closing

import pytest

from benchmarks import synthetic
from newsdesk.db import aggregates, schema, writes
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
    return dict(conn.execute(aggregates.TICKER_COUNTS_SQL).fetchall())


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
    assert source
    desk_copy.copy(src, dst)
    with closing(schema.open(dst)) as conn:
        assert exact(conn) == source
        writes.write_batch(conn, [named(TITLE, "ACME", "NEWT")], [], "t")
        after = exact(conn)
    assert after["NEWT"] == 1 and after["ACME"] == source.get("ACME", 0) + 1
    pg_server.drop_database(url)


def back_to_schema_19(conn) -> None:
    """Make a current desk what schema 19 was: the trigger per inserted mention, the old delete and move
    triggers, version 19; and counts made wrong, so that the upgrade's recount shows."""
    with schema.transaction(conn):
        if is_server(conn):
            from newsdesk.db import postgres

            old = aggregates.count_triggers_v11()
            postgres._replace_triggers(conn, "article_entities", aggregates.COUNT_TRIGGERS, old)
            conn.execute("UPDATE newsdesk_schema SET version = 19 WHERE version = 20")
        else:
            for name in aggregates.COUNT_TRIGGERS:
                conn.execute(f"DROP TRIGGER IF EXISTS {name}")
            for sql in aggregates.count_triggers_v11():
                conn.execute(sql)
            conn.execute("PRAGMA user_version = 19")
        conn.execute("UPDATE ticker_counts SET n = n + 7")


def test_a_schema_19_desk_is_upgraded_on_either_engine(desk_target) -> None:
    with closing(schema.open(desk_target)) as conn:
        fresh = [r[0] for r in conn.execute(TRIGGERS_SQL)]
        synthetic.generate(conn, 60, seed=3)
        back_to_schema_19(conn)
    with closing(schema.open(desk_target, readonly=True)) as conn:
        assert schema.schema_version(conn) == 19
        assert "article_entities_count_insert" in [r[0] for r in conn.execute(TRIGGERS_SQL)]
    with closing(schema.open(desk_target)) as conn:
        assert schema.schema_version(conn) == schema.SCHEMA_VERSION == 20
        assert [r[0] for r in conn.execute(TRIGGERS_SQL)] == fresh
        assert "article_entities_count_insert" not in fresh
        before = exact(conn)  # recounted by the upgrade
        writes.write_batch(conn, [named(TITLE, "ACME", "NEWT")], [], "t")
        after = exact(conn)
        assert after["NEWT"] == 1 and after["ACME"] == before.get("ACME", 0) + 1
        with schema.transaction(conn):  # the new delete trigger takes an emptied ticker's row away
            conn.execute("DELETE FROM article_entities WHERE ticker = 'NEWT'")
        assert "NEWT" not in exact(conn)
