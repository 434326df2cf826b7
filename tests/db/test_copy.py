"""``newsdesk db copy``: every table arrives as the source holds it, on each engine; into a server the
bulk load (``COPY``, triggers off, indexes built after) leaves exactly what the row-by-row copy through
the triggers leaves, with the triggers, indexes and planner statistics of a desk in use."""

from __future__ import annotations

import math
import os
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

from newsdesk.db import aggregates, copy, postgres, schema

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
TABLES = postgres.tables(schema.reference())


def run(*args: str, db: str | Path) -> None:
    env = {**os.environ, "NEWSDESK_DB": "", "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-m", "newsdesk", *args, "--db", str(db)]
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]


@pytest.fixture(scope="module")
def source(tmp_path_factory) -> Path:
    """The demo desk plus real fixture files, with a history the derived tables must follow: an article
    no longer market news, a company mention removed, a new close (a mark in the grades' to-do list)."""
    lite = tmp_path_factory.mktemp("copy") / "source.db"
    run("init", "--demo", db=lite)
    for path in (FIXTURES / "csv" / "kaggle_headlines.csv", FIXTURES / "feed" / "rss2.xml"):
        run("ingest", str(path), db=lite)
    with closing(schema.open(lite)) as conn, schema.transaction(conn):
        conn.execute("UPDATE articles SET market_relevant = 0 WHERE id = (SELECT min(id) FROM articles)")
        conn.execute("DELETE FROM article_entities WHERE rowid = (SELECT min(rowid) FROM article_entities)")
        conn.execute("INSERT INTO prices (ticker, date, close, source) VALUES ('ZZZZ', '2020-01-02', 1.5, 'test')")
    return lite


def contents(db: str | Path, table: str) -> list[tuple]:
    """Every row of ``table``, in an order both engines agree on (articles with their rowid)."""
    cols = [r[1] for r in schema.reference().execute(f"PRAGMA table_info({table})")]  # a name of the schema
    if table == "articles":
        cols = ["rowid", *cols]
    with closing(schema.open(db, readonly=True)) as conn:
        rows = [tuple(r) for r in conn.execute(f"SELECT {', '.join(cols)} FROM {table}").fetchall()]
    return sorted(rows, key=lambda r: [(v is None, str(v)) for v in r])


def assert_same(a: list[tuple], b: list[tuple], table: str) -> None:
    """Equal rows; a float may differ in its last bits (a sum taken in another order)."""
    assert len(a) == len(b), table
    for x, y in zip(a, b, strict=True):
        for u, v in zip(x, y, strict=True):
            if isinstance(u, float) or isinstance(v, float):
                assert u is not None and v is not None, (table, x, y)
                assert math.isclose(u, v, rel_tol=1e-12, abs_tol=1e-9), (table, x, y)
            else:
                assert u == v, (table, x, y)


def recomputed(db: str | Path, table: str) -> list[tuple]:
    """What ``table`` (kept by triggers) holds when computed from scratch."""
    select = aggregates.TRIGGER_KEPT_REFILL[table].split(")", 1)[1]  # the SELECT after INSERT INTO t (...)
    with closing(schema.open(db, readonly=True)) as conn:
        rows = [tuple(r) for r in conn.execute(select).fetchall()]
    return sorted(rows, key=lambda r: [(v is None, str(v)) for v in r])


def test_every_table_arrives_as_the_source_holds_it(source, desk_target) -> None:
    copied = copy.copy(source, desk_target)
    assert copied["articles"] > 120 and copied["grade_dirty"] == 1
    for table in TABLES:
        assert_same(contents(desk_target, table), contents(source, table), table)
    text = "SELECT id FROM articles WHERE rowid IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)"
    with closing(schema.open(desk_target, readonly=True)) as dst, closing(schema.open(source, readonly=True)) as src:
        found = sorted(dst.execute(text, ['"tariff"']).fetchall())
        assert found == sorted(src.execute(text, ['"tariff"']).fetchall()) != []


def catalogue(url: str) -> tuple[list[str], list[tuple[str, str]]]:
    """The server desk's indexes, and its triggers with whether each is on (``O``) or off (``D``)."""
    import psycopg

    with psycopg.connect(url) as raw:
        indexes = raw.execute("SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema() ORDER BY 1")
        triggers = raw.execute("SELECT tgname, tgenabled FROM pg_trigger WHERE NOT tgisinternal ORDER BY 1")
        return [r[0] for r in indexes.fetchall()], [(r[0], r[1]) for r in triggers.fetchall()]


def test_the_bulk_load_into_a_server_leaves_what_the_triggers_leave(source, pg_server) -> None:
    bulk, rows = pg_server.new_database(), pg_server.new_database()
    copy.copy(source, bulk)
    copy.copy(source, rows, bulk=False)  # row by row, the trigger-kept tables filled by the triggers
    for table in TABLES:
        assert_same(contents(bulk, table), contents(rows, table), table)
    for table in aggregates.TRIGGER_KEPT:
        assert_same(contents(bulk, table), recomputed(bulk, table), table)
    indexes, triggers = catalogue(bulk)
    assert (indexes, triggers) == catalogue(rows)
    assert len(indexes) > 50 and len(triggers) == 32 and {on for _, on in triggers} == {"O"}
    # the triggers are on again: the same writes move the same totals on both
    for url in (bulk, rows):
        with closing(schema.open(url)) as conn, schema.transaction(conn):
            conn.execute("UPDATE articles SET market_relevant = 0 WHERE id = (SELECT max(id) FROM articles)")
            conn.execute("DELETE FROM article_entities WHERE ticker = (SELECT min(ticker) FROM article_entities)")
            last_day = "(SELECT max(day) FROM daily_totals)"
            conn.execute(f"UPDATE daily_category_sentiment SET n = n + 1 WHERE day = {last_day}")
    for table in (*aggregates.TRIGGER_KEPT, "grade_dirty", "decision_grades"):
        assert_same(contents(bulk, table), contents(rows, table), table)
    assert contents(bulk, "daily_totals") != contents(source, "daily_totals")


def test_the_bulk_load_leaves_the_planner_its_statistics(source, pg_server) -> None:
    import psycopg

    url = pg_server.new_database()
    copy.copy(source, url)
    with psycopg.connect(url) as raw:
        stats = dict(
            raw.execute(
                "SELECT relname, last_analyze IS NOT NULL AND last_vacuum IS NOT NULL FROM pg_stat_user_tables"
            ).fetchall()
        )
        reltuples = raw.execute("SELECT reltuples FROM pg_class WHERE relname = 'articles'").fetchone()[0]
    assert stats["articles"] and stats["article_categories"] and stats["daily_totals"]
    assert reltuples == len(contents(source, "articles"))


def test_a_failed_bulk_load_leaves_the_server_desk_empty_as_it_was(source, pg_server, monkeypatch) -> None:
    url = pg_server.new_database()
    schema.open(url).close()
    fresh = catalogue(url)

    def fail(conn) -> None:
        raise RuntimeError("the refill failed")

    monkeypatch.setattr(aggregates, "refill_trigger_kept", fail)
    with pytest.raises(RuntimeError, match="the refill failed"):
        copy.copy(source, url)
    with closing(schema.open(url, readonly=True)) as conn:
        assert all(n == 0 for n in copy.counts(conn, TABLES).values())
    assert catalogue(url) == fresh  # every index there, every trigger on
    monkeypatch.undo()
    copy.copy(source, url)  # and the copy can be run again
