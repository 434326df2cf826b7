"""What the engine does at best, for the benchmarks to measure newsdesk against: a raw insert of
the same rows into a bare table, FTS5 indexing of the same texts alone, and a full scan."""

from __future__ import annotations

import math
import sqlite3
import time


def _best(fn, repeat: int) -> float:
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

    return _best(refill, repeat)


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


def full_scan(conn: sqlite3.Connection) -> tuple:
    """A full scan of ``articles`` (count and sentiment sum): the floor of any query over it."""
    return conn.execute("SELECT count(*), sum(sentiment) FROM articles").fetchone()


def article_count(conn: sqlite3.Connection) -> int:
    """How many articles the database holds."""
    return conn.execute("SELECT count(*) FROM articles").fetchone()[0]
