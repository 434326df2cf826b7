"""What the engine does at best, for the benchmarks to measure newsdesk against: a raw insert of
the same rows into a bare table, FTS5 indexing of the same texts alone, and a full scan."""

from __future__ import annotations

import math
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any


def best_seconds(fn: Callable[[], object], repeat: int = 3) -> float:
    """Best wall time of ``repeat`` calls (seconds): the one timer of the benchmarks."""
    best = math.inf
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def _refill_seconds(conn: sqlite3.Connection, table: str, rows: list[tuple], repeat: int) -> float:
    """Best time of emptying ``table`` (a constant name) and inserting ``rows`` with one raw
    ``executemany``, both in one transaction."""
    marks = ", ".join("?" for _ in rows[0])

    def refill() -> None:
        conn.execute(f"DELETE FROM {table}")
        with conn:
            conn.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)

    return best_seconds(refill, repeat)


def raw_insert_seconds(conn: sqlite3.Connection, rows: list[tuple], repeat: int = 3) -> float:
    """Best time of refilling a bare table (id, title, source, body, sentiment) of a scratch
    database (``conn``, default journal and sync settings) with ``rows`` in one transaction."""
    conn.execute(
        "CREATE TABLE IF NOT EXISTS t (id TEXT PRIMARY KEY, title TEXT, source TEXT, body TEXT, sentiment REAL)"
    )
    return _refill_seconds(conn, "t", rows, repeat)


def fts_insert_seconds(conn: sqlite3.Connection, texts: list[tuple[str, str, str]], repeat: int = 3) -> float:
    """Best time of refilling an FTS5 table (title, summary, body) of a scratch database with
    ``texts`` in one transaction: the cost of the search index alone (stemmed, as newsdesk's)."""
    from newsdesk.db.schema import FTS_TOKENIZE

    conn.execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS f USING fts5(title, summary, body, tokenize = '{FTS_TOKENIZE}')")
    return _refill_seconds(conn, "f", texts, repeat)


def scratch(
    path: str, page_size: int = 4096, cache_size: int | None = None, synchronous: int = 1
) -> sqlite3.Connection:
    """A scratch database with the settings of newsdesk's writable connection (WAL, ``synchronous=NORMAL``,
    SQLite's default page size, newsdesk's page cache; see :func:`newsdesk.db.schema.connect`; ``bench
    storage`` passes the batch connection's own), in autocommit mode, with a bare table and an FTS5 table."""
    from newsdesk.db.schema import FTS_TOKENIZE, WRITE_CACHE_KIB

    if cache_size is None:
        cache_size = -WRITE_CACHE_KIB
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute(f"PRAGMA page_size={int(page_size)}")  # before the first table: the file's page size
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute(f"PRAGMA synchronous={int(synchronous)}")
    conn.execute(f"PRAGMA cache_size={int(cache_size)}")
    conn.execute(
        "CREATE TABLE IF NOT EXISTS t (id TEXT PRIMARY KEY, title TEXT, source TEXT, body TEXT, sentiment REAL)"
    )
    conn.execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS f USING fts5(title, summary, body, tokenize = '{FTS_TOKENIZE}')")
    return conn


def batch_seconds(conn: sqlite3.Connection, rows: list[tuple], texts: list[tuple], batch: int = 1000) -> float:
    """Seconds to append ``rows`` (id, title, source, body, sentiment) to the bare table and ``texts``
    (title, summary, body) to the FTS5 table of a :func:`scratch` database, ``batch`` of each per
    ``BEGIN IMMEDIATE`` transaction, into tables that keep what earlier calls put in them: the floor of
    newsdesk's storage, measured the way a newsdesk batch is written (no table emptied between runs)."""
    t0 = time.perf_counter()
    for n in range(0, max(len(rows), len(texts)), batch):
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany("INSERT INTO t VALUES (?, ?, ?, ?, ?)", rows[n : n + batch])
        conn.executemany("INSERT INTO f (title, summary, body) VALUES (?, ?, ?)", texts[n : n + batch])
        conn.execute("COMMIT")
    return time.perf_counter() - t0


def rows_seconds(conn: sqlite3.Connection, tables: dict[str, list[tuple]], texts: list[tuple]) -> float:
    """Seconds to append every row of ``tables`` ({table: rows, every column}) to a bare table of the
    same width (no key, index or trigger; made on first use) and ``texts`` (title, summary, body) to the
    FTS5 table of a :func:`scratch` database, in one ``BEGIN IMMEDIATE`` transaction: the floor of
    storing all the rows a newsdesk batch stores (articles with all their columns, categories,
    companies, sources), not only a narrow article row."""
    for name, rows in tables.items():
        if rows:
            cols = ", ".join(f"c{i}" for i in range(len(rows[0])))
            conn.execute(f"CREATE TABLE IF NOT EXISTS r_{name} ({cols})")  # a constant table name
    t0 = time.perf_counter()
    conn.execute("BEGIN IMMEDIATE")
    for name, rows in tables.items():
        if rows:
            marks = ", ".join("?" for _ in rows[0])
            conn.executemany(f"INSERT INTO r_{name} VALUES ({marks})", rows)
    conn.executemany("INSERT INTO f (title, summary, body) VALUES (?, ?, ?)", texts)
    conn.execute("COMMIT")
    return time.perf_counter() - t0


# a timed write ends with a checkpoint of the WAL, after one (untimed) before it: each write is charged
# for copying its own pages into the database file, as every page is once in a long ingest. Left to
# ``wal_autocheckpoint`` (1,000 pages), a checkpoint falls in whichever commit crosses the threshold: in
# ``bench storage``, the batch's own ~1,050 pages, but the narrow floor's second commit with the first
# batch's pages too.
CHECKPOINT = "PRAGMA wal_checkpoint(PASSIVE)"


def empty_wal(conn: Any) -> None:
    """Checkpoint and truncate the WAL (untimed, before a timed write)."""
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def checkpoint(conn: Any) -> None:
    """Copy the WAL's pages into the database file (the end of a timed write)."""
    conn.execute(CHECKPOINT)


def with_checkpoint(conn: sqlite3.Connection, write: Callable[[], float]) -> tuple[float, float]:
    """Wall and CPU seconds of ``write`` (which returns its wall seconds) plus a checkpoint after it,
    the WAL emptied (untimed) before it."""
    empty_wal(conn)
    c0 = time.process_time()
    seconds = write()
    t0 = time.perf_counter()
    checkpoint(conn)
    return seconds + time.perf_counter() - t0, time.process_time() - c0


def connection_settings(conn: Any) -> dict[str, Any]:
    """The settings of a connection that move a write's cost (for :func:`scratch`): the floor is measured
    with the batch's own."""
    return {k: conn.execute(f"PRAGMA {k}").fetchone()[0] for k in ("page_size", "cache_size", "synchronous")}


# the tables a batch of new articles writes rows into (the derived tables aside)
BATCH_TABLES = (
    "articles",
    "article_categories",
    "article_entities",
    "article_sources",
    "decisions",
    "decision_baskets",
)


def last_rowids(conn: Any) -> dict[str, int]:
    """The largest rowid of each table of :data:`BATCH_TABLES` (0 when empty)."""
    return {t: conn.execute(f"SELECT coalesce(max(rowid), 0) FROM {t}").fetchone()[0] for t in BATCH_TABLES}


def rows_between(conn: Any, after: dict[str, int], upto: dict[str, int]) -> dict[str, list[tuple]]:
    """Every column of the rows each table of :data:`BATCH_TABLES` got between two :func:`last_rowids`."""
    return {
        t: conn.execute(
            f"SELECT * FROM {t} WHERE rowid > ? AND rowid <= ? ORDER BY rowid", [after[t], upto[t]]
        ).fetchall()
        for t in BATCH_TABLES
    }


def full_scan(conn: sqlite3.Connection) -> tuple:
    """A full scan of ``articles`` (count and sentiment sum): the floor of any query over it."""
    return conn.execute("SELECT count(*), sum(sentiment) FROM articles").fetchone()


def article_count(conn: sqlite3.Connection) -> int:
    """How many articles the database holds."""
    return conn.execute("SELECT count(*) FROM articles").fetchone()[0]


def drop_object(conn: sqlite3.Connection, name: str) -> None:
    """Drop the index or trigger ``name`` from a scratch database (``benchmarks/index_costs.py``: what
    one costs a batch); a name that is neither raises SystemExit."""
    kind = conn.execute("SELECT type FROM sqlite_master WHERE name = ?", [name]).fetchone()
    if kind is None or kind[0] not in ("index", "trigger"):
        raise SystemExit(f"no index or trigger named {name}")
    conn.execute(f"DROP {kind[0].upper()} {name}")  # a name read back from sqlite_master


def is_read(sql: str) -> bool:
    """True when ``sql`` is a query (``SELECT`` or ``WITH``): what ``benchmarks/index_reads.py`` weighs."""
    return sql.lstrip().upper().startswith(("SELECT", "WITH"))


def is_index(conn: sqlite3.Connection, name: str) -> bool:
    """True when the database has an index called ``name``."""
    kind = conn.execute("SELECT type FROM sqlite_master WHERE name = ?", [name]).fetchone()
    return kind is not None and kind[0] == "index"


def query_plan(conn: sqlite3.Connection, sql: str) -> str:
    """SQLite's plan of ``sql`` (``EXPLAIN QUERY PLAN``), its steps joined by `` | ``."""
    return " | ".join(r[3] for r in conn.execute("EXPLAIN QUERY PLAN " + sql))


@contextmanager
def without_index(conn: sqlite3.Connection, name: str) -> Iterator[None]:
    """The index ``name`` dropped for the block, inside a transaction rolled back after it (``conn`` in
    autocommit mode, without a statement cache: a cached ``EXPLAIN`` keeps its old plan): the database file
    never changes."""
    if not is_index(conn, name):
        raise SystemExit(f"no index named {name}")
    conn.execute("BEGIN")
    try:
        conn.execute(f"DROP INDEX {name}")  # a name checked to be an index of the schema
        yield
    finally:
        conn.execute("ROLLBACK")
