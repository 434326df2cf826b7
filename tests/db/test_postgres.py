"""The same desk on PostgreSQL: the commands a user runs on a ``postgresql://`` URL write into a real
server (tests/pg_server.py; no file is created) and give what the same commands give on SQLite."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

from newsdesk.config import resolve_db_path
from newsdesk.db import dialect, postgres, schema
from newsdesk.db.read.filters import search_clause
from newsdesk.errors import SchemaError
from tests.cli_util import run_cli

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
TABLES = postgres.tables(schema.reference())
# derived tables: their floats are sums in another order on each engine
DERIVED = ("daily_category_sentiment", "period_category_sentiment", "daily_totals", "ticker_counts",
           "category_set_totals")  # fmt: skip
INGESTED = [
    FIXTURES / "csv" / "kaggle_headlines.csv",
    FIXTURES / "realworld" / "alphavantage_news_sentiment.json",
    FIXTURES / "feed" / "rss2.xml",
    FIXTURES / "newsapi" / sorted((FIXTURES / "newsapi").glob("*.json"))[0].name,
]


def run(*args: str, db: str | Path, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    """The command line (in this process, tests/cli_util.py) from ``cwd``; it must succeed."""
    done = run_cli(*args, db=db, cwd=cwd)
    assert done.returncode == 0, done.stderr[-2000:]
    return done


@pytest.fixture(scope="module")
def desks(pg_server, tmp_path_factory) -> tuple[Path, str, Path]:
    """The demo plus real fixture files, on a SQLite file and on the server (run from an empty folder)."""
    work = tmp_path_factory.mktemp("desks")
    lite = work / "lite.db"
    url = pg_server.new_database()
    empty = work / "cwd"
    empty.mkdir()
    for db in (lite, url):
        run("init", "--demo", db=db, cwd=empty)
        for path in INGESTED:
            run("ingest", str(path), db=db, cwd=empty)
    return lite, url, empty


def fetch(db: str | Path, sql: str, params=()) -> list[tuple]:
    with closing(schema.open(db, readonly=True)) as conn:
        return [tuple(r) for r in conn.execute(sql, list(params)).fetchall()]


def rounded(rows: list[tuple]) -> list[tuple]:
    return sorted(tuple(round(v, 9) if isinstance(v, float) else v for v in r) for r in rows)


def test_the_server_desk_is_a_server_desk(desks) -> None:
    _, url, empty = desks
    assert list(empty.iterdir()) == []  # nothing written beside the commands
    with closing(schema.open(url, readonly=True)) as conn:
        assert conn.dialect == "postgresql"
        assert schema.schema_version(conn) == schema.SCHEMA_VERSION


@pytest.mark.parametrize("table", TABLES)
def test_every_table_holds_the_same_count(desks, table) -> None:
    lite, url, _ = desks
    sql = f"SELECT count(*) FROM {table}"  # a name of the schema
    assert fetch(url, sql) == fetch(lite, sql)


def test_the_same_articles_and_scores(desks) -> None:
    lite, url, _ = desks
    sql = (
        "SELECT id, title, source, CASE WHEN published_estimated = 0 THEN published_at END, sentiment, "
        "sentiment_label, impact, market_relevant, CASE WHEN published_estimated = 0 THEN story_id END, "
        "content_hash FROM articles"
    )
    pg = rounded(fetch(url, sql))
    assert len(pg) > 120
    assert pg == rounded(fetch(lite, sql))
    children = "SELECT article_id, category, origin, relevance, sentiment, impact FROM article_categories"
    assert rounded(fetch(url, children)) == rounded(fetch(lite, children))


@pytest.mark.parametrize("table", DERIVED)
def test_the_derived_tables_kept_by_triggers_agree(desks, table) -> None:
    lite, url, _ = desks
    sql = f"SELECT * FROM {table}"  # a name of the schema
    cols = [c for c in fetch(lite, f"SELECT name FROM pragma_table_info('{table}')")]
    names = ", ".join(c[0] for c in cols)
    sql = f"SELECT {names} FROM {table}"
    assert rounded(fetch(url, sql)) == rounded(fetch(lite, sql))


EXPORTS = [
    ("articles", "--demo", "show"),
    ("decisions", "--demo", "show"),
    ("articles", "--q", "earnings -guidance", "--demo", "show"),
    ("articles",),
]


@pytest.mark.parametrize("args", EXPORTS)
def test_export_is_the_same_file(desks, tmp_path, args) -> None:
    lite, url, _ = desks
    out = {}
    for name, db in (("lite", lite), ("pg", url)):
        out[name] = tmp_path / f"{name}.csv"
        run("export", *args, "-o", str(out[name]), db=db)
    pg, lite = (without_ingest_times(out[name]) for name in ("pg", "lite"))
    cells = [
        (pg[0][i], x, y)
        for p, q in zip(pg, lite, strict=True)
        for i, (x, y) in enumerate(zip(p, q, strict=True))
        if x != y
    ]
    assert cells == []
    assert len(pg) > 1


def without_ingest_times(path: Path) -> list[list[str]]:
    """A CSV's rows without the ingest clock: ``ingested_at`` (each desk ingested seconds apart), and the
    rows whose date was estimated from it (``published_estimated`` = 1: their date, order and story
    follow each desk's own clock) compared by id only, sorted, after the others."""
    rows = list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"))))
    head = rows[0]
    if "published_estimated" not in head:
        return rows
    estimated, ingested = head.index("published_estimated"), head.index("ingested_at")
    dated = [[c for i, c in enumerate(r) if i != ingested] for r in rows[1:] if r[estimated] == "0"]
    undated = sorted([r[head.index("id")]] for r in rows[1:] if r[estimated] != "0")
    return [head, *dated, *undated]


def test_scorecard_json_is_the_same(desks) -> None:
    lite, url, _ = desks
    pg, sq = (json.loads(run("scorecard", "--json", db=db).stdout) for db in (url, lite))
    assert pg == sq
    assert pg  # the demo's decisions are scored


@pytest.mark.parametrize(
    "text", ["tariff", "tariffs", "bank*", '"interest rates"', "oil OR gas", "earnings -guidance", "rate cut"]
)
def test_search_finds_the_same_articles(desks, text) -> None:
    lite, url, _ = desks
    clause, params = search_clause(text)
    sql = f"SELECT a.id FROM articles a WHERE {clause}"
    assert set(fetch(url, sql, params)) == set(fetch(lite, sql, params))


@pytest.mark.parametrize("text", ["tariff", "bank*", "oil OR gas", "no such words anywhere"])
def test_the_text_count_the_plan_reads_is_the_same(desks, text) -> None:
    from newsdesk.db.read.filters import Filters, text_matches

    lite, url, _ = desks
    counts = []
    for db in (lite, url):
        with closing(schema.open(db, readonly=True)) as conn:
            counts.append(text_matches(conn, Filters(text=text)))
    assert counts[0] == counts[1]


@pytest.mark.parametrize(
    ("fts5", "tsquery"),
    [
        ('"tariff"', "'tariff'"),
        ('"bank"* AND "fees"', "'bank':* & 'fees'"),
        ('"exact phrase" AND "x"', "('exact' <-> 'phrase') & 'x'"),
        ('("tariff" OR "duty")', "( 'tariff' | 'duty' )"),
        ('"a" NOT "b"', "'a' & ! 'b'"),
        ('"it\'s"', "('it' <-> 's')"),
        ('""', "'_'"),
    ],
)
def test_fts5_expressions_become_tsqueries(fts5, tsquery) -> None:
    assert dialect.tsquery(fts5) == tsquery


@pytest.mark.parametrize(
    ("value", "kind"),
    [("postgresql://u:p@h:5432/d", str), ("postgres://h/d", str), ("desk.db", Path), ("postgresql.db", Path)],
)
def test_a_url_stays_a_url_and_a_path_stays_sqlite(value, kind) -> None:
    assert isinstance(resolve_db_path(value), kind)
    assert dialect.is_server_url(str(resolve_db_path(value))) is (kind is str)


def test_a_url_without_psycopg_says_how_to_install_it(tmp_path) -> None:
    code = "import sys; sys.modules['psycopg'] = None; from newsdesk.cli import main; main()"
    done = subprocess.run(
        [sys.executable, "-c", code, "init", "--db", "postgresql://nobody@127.0.0.1:1/none"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    assert done.returncode == 1
    assert "pip install 'newsdesk[postgres]'" in done.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_read_only_connection_cannot_write(pg_url) -> None:
    schema.open(pg_url).close()
    with closing(schema.open(pg_url, readonly=True)) as conn:
        with pytest.raises(Exception, match="read-only"):
            conn.execute("INSERT INTO companies (ticker, name) VALUES ('X', 'x')")


def test_two_ingests_at_once_store_the_sum_of_what_each_reports(pg_url, tmp_path) -> None:
    files = [FIXTURES / "csv" / "kaggle_headlines.csv", FIXTURES / "csv" / "late_quotes.csv"]
    schema.open(pg_url).close()
    env = {**os.environ, "NEWSDESK_DB": "", "PYTHONPATH": str(ROOT)}
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "newsdesk", "ingest", str(f), "--db", pg_url],
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )  # fmt: skip
        for f in files
    ]
    added = 0
    for p in procs:
        out, err = p.communicate(timeout=300)
        assert p.returncode == 0, err[-2000:]
        added += int(out.split(" added")[0].split()[-1])
    assert added > 0
    assert fetch(pg_url, "SELECT count(*) FROM articles") == [(added,)]
    assert list(tmp_path.iterdir()) == []


def test_db_copy_round_trips_the_demo_with_equal_counts(pg_server, tmp_path) -> None:
    lite, back = tmp_path / "lite.db", tmp_path / "back.db"
    run("init", "--demo", db=lite)
    url = pg_server.new_database()
    for src, dst in ((lite, url), (url, back)):
        done = run_cli("db", "copy", str(src), str(dst))
        assert done.returncode == 0, done.stderr[-2000:]
        assert "every table's count is equal" in done.stdout
    for table in TABLES:
        sql = f"SELECT count(*) FROM {table}"  # a name of the schema
        assert fetch(lite, sql) == fetch(url, sql) == fetch(back, sql), table
    text = "SELECT id FROM articles WHERE rowid IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)"
    assert fetch(back, text, ['"tariff"']) == fetch(lite, text, ['"tariff"']) != []
    # the server's ids go on after the copied ones
    with closing(schema.open(url)) as conn, schema.transaction(conn):
        run_id = conn.execute("INSERT INTO ingest_runs (started_at, source) VALUES ('x', 'y')").lastrowid
    assert run_id == fetch(lite, "SELECT max(id) FROM ingest_runs")[0][0] + 1


def test_db_copy_refuses_a_destination_that_holds_a_desk(tmp_path) -> None:
    lite = tmp_path / "lite.db"
    run("init", "--demo", db=lite)
    done = run_cli("db", "copy", str(lite), str(lite))
    assert done.returncode == 1
    assert "already holds a desk" in done.stderr


PAGES = ["dashboard.py", *sorted(str(p.relative_to(ROOT)) for p in (ROOT / "pages").glob("*.py"))]


@pytest.fixture(scope="module")
def demo_on_server(pg_server) -> str:
    """The demo desk on a fresh server database."""
    url = pg_server.new_database()
    run("init", "--demo", db=url)
    return url


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_on_a_server_database(demo_on_server, monkeypatch, page) -> None:
    """The dashboard opens a postgresql:// NEWSDESK_DB through the same door: every page renders
    with no exception, the Overview with its KPIs."""
    from tests.apptest_util import app

    monkeypatch.setenv("NEWSDESK_DB", demo_on_server)
    at = app().run()
    if page != "dashboard.py":
        at.switch_page(page).run()
    assert not at.exception, at.exception
    assert at.title
    if page == "dashboard.py":
        assert {m.label for m in at.metric} >= {"Articles", "Mean sentiment"}


def columns(url: str, table: str) -> set[str]:
    with closing(schema.open(url, readonly=True)) as conn:
        return {r[1] for r in conn.execute(f"PRAGMA table_info({table})")}  # a name of the schema


def test_an_older_server_schema_is_migrated_step_by_step(pg_url, monkeypatch) -> None:
    """A server database one version behind this code gets that version's server step, once, and its
    version; SQLite's functions are (re)created with it."""
    schema.open(pg_url).close()
    calls = []
    monkeypatch.setattr(schema, "SCHEMA_VERSION", schema.SCHEMA_VERSION + 1)
    step = lambda conn: calls.append(conn.execute("ALTER TABLE articles ADD COLUMN extra TEXT"))  # noqa: E731
    monkeypatch.setitem(postgres.SERVER_MIGRATIONS, schema.SCHEMA_VERSION, step)
    with closing(schema.open(pg_url)) as conn:
        assert schema.schema_version(conn) == schema.SCHEMA_VERSION
        conn.execute("DROP FUNCTION instr(text, text)")  # as on a server made before newsdesk used it
    assert "extra" in columns(pg_url, "articles")
    with closing(schema.open(pg_url)) as conn:
        assert conn.execute("SELECT instr('newsdesk', 'desk')").fetchone()[0] == 5
    assert len(calls) == 1


def test_a_server_schema_without_a_step_or_a_failed_step_is_left_as_it_was(pg_url, monkeypatch) -> None:
    schema.open(pg_url).close()
    monkeypatch.setattr(schema, "SCHEMA_VERSION", schema.SCHEMA_VERSION + 1)
    with pytest.raises(SchemaError, match=f"no server step for version {schema.SCHEMA_VERSION}"):
        schema.open(pg_url)

    def half_done(conn) -> None:
        conn.execute("ALTER TABLE articles ADD COLUMN extra TEXT")
        raise RuntimeError("the step fails half way")

    monkeypatch.setitem(postgres.SERVER_MIGRATIONS, schema.SCHEMA_VERSION, half_done)
    with pytest.raises(RuntimeError):
        schema.open(pg_url)
    monkeypatch.undo()
    assert "extra" not in columns(pg_url, "articles")
    with closing(schema.open(pg_url, readonly=True)) as conn:
        assert schema.schema_version(conn) == schema.SCHEMA_VERSION


def test_a_newer_server_schema_is_refused(pg_url, monkeypatch) -> None:
    monkeypatch.setattr(schema, "SCHEMA_VERSION", schema.SCHEMA_VERSION + 1)
    monkeypatch.setitem(postgres.SERVER_MIGRATIONS, schema.SCHEMA_VERSION, lambda conn: None)
    monkeypatch.setitem(schema.MIGRATIONS, schema.SCHEMA_VERSION, lambda db: None)
    schema.open(pg_url).close()
    monkeypatch.undo()
    with pytest.raises(SchemaError, match="newer than this newsdesk"):
        schema.open(pg_url)


def server_sessions(url: str) -> tuple[int, int]:
    """(sessions ever opened to ``url``'s database, sessions open now), read over a connection of its own."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        opened = conn.execute("SELECT sessions FROM pg_stat_database WHERE datname = current_database()").fetchone()
        now = conn.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()").fetchone()
    return int(opened[0]), int(now[0]) - 1  # less this one


def test_page_runs_read_through_a_bounded_pool(demo_on_server, monkeypatch) -> None:
    """The dashboard's reads borrow from one pool per server database: several page runs open at most
    the pool's connections (not one per card or run), and no more stay open than the pool holds."""
    from tests.apptest_util import app

    monkeypatch.setenv("NEWSDESK_DB", demo_on_server)
    app().run()  # the pool is made (and kept) by the first run
    before, _ = server_sessions(demo_on_server)
    for page in ("dashboard.py", "pages/2_Articles.py", "pages/1_Decisions.py", "dashboard.py"):
        at = app().run()
        if page != "dashboard.py":
            at.switch_page(page).run()
        assert not at.exception, at.exception
    after, open_now = server_sessions(demo_on_server)
    assert after - before <= postgres.POOL_MAX + 2  # + 2: our own look-ups
    assert open_now <= postgres.POOL_MAX


def test_every_rowid_is_indexed_and_an_older_server_desk_gets_the_index(pg_url) -> None:
    """SQLite's rowid is its table's key and the reads look rows up by it (``rowid IN (full-text
    matches)``): each server table's rowid has a unique index, added on open where it is missing."""
    schema.open(pg_url).close()
    with closing(schema.open(pg_url)) as conn:
        conn.execute("DROP INDEX articles_rowid")  # as on a server desk made before the index
    schema.open(pg_url).close()
    with closing(schema.open(pg_url, readonly=True)) as conn:
        tables = conn.execute(
            "SELECT table_name FROM information_schema.columns WHERE table_schema = current_schema() "
            "AND column_name = 'rowid'"
        ).fetchall()
        indexed = conn.execute("SELECT tablename FROM pg_indexes WHERE indexname = tablename || '_rowid'").fetchall()
    assert ("articles",) in tables
    assert sorted(tables) == sorted(indexed)


def test_a_partial_index_keeps_its_condition_on_a_server_and_an_old_whole_one_is_made_again(pg_url) -> None:
    """The empty category set's index covers only ``cats = ''`` on the server too (the first server
    schemas left the WHERE out: an index of every row, which the planner never picked for the chart's
    Uncategorised line); a writable open makes such an index again with its condition."""
    import psycopg

    def definition() -> str:
        with psycopg.connect(pg_url) as raw:
            sql = "SELECT indexdef FROM pg_indexes WHERE indexname = 'idx_category_set_totals_empty'"
            return raw.execute(sql).fetchone()[0]

    schema.open(pg_url).close()
    assert definition().endswith("WHERE (cats = ''::text)")
    with psycopg.connect(pg_url, autocommit=True) as raw:  # as the first server schemas made it
        raw.execute("DROP INDEX idx_category_set_totals_empty")
        raw.execute("CREATE INDEX idx_category_set_totals_empty ON category_set_totals "
                    "(grain, period, sentiment_n, sentiment_sum)")  # fmt: skip
    assert " WHERE " not in definition()
    schema.open(pg_url).close()
    assert definition().endswith("WHERE (cats = ''::text)")


@pytest.mark.parametrize(
    "call", ["date(d, '-' || ((CAST(strftime('%w', d) AS INTEGER) + 6) % 7) || ' days')", "printf('%.2f', 0.995)"]
)
def test_sqlites_functions_are_inlined_by_the_servers_planner(pg_url, call) -> None:
    """The functions a chart or a list calls on every row are expanded into their expressions (one
    called row by row costs ~10 us a row: a third of the weekly chart's time at 200,000 articles)."""
    schema.open(pg_url).close()
    with closing(schema.open(pg_url, readonly=True)) as conn:
        plan = " ".join(
            str(r[0]) for r in conn.execute(f"EXPLAIN VERBOSE SELECT {call} FROM (VALUES ('2024-01-03')) AS v (d)")
        )
    assert "to_char(" in plan and "date(" not in plan and "printf(" not in plan, plan
