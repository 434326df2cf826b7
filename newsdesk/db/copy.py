"""``newsdesk db copy SRC DST``: a whole desk from one database to another (SQLite <-> PostgreSQL).

Every table of the schema is copied row for row, in chunks, in one transaction on the destination
(which must be empty); the table the triggers keep (week and month totals) is filled by them as the
rows arrive, and the full-text index is rebuilt. The tables newsdesk's writers keep (daily category
totals, category-set totals; from schema 20 the daily totals and company counts too) are copied as
they are. The result is checked by counting every table on both sides.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from newsdesk.db import dialect, schema
from newsdesk.errors import NewsdeskError

# kept by triggers on the destination as the rows they derive from are copied
REFILLED_LAST = ("grade_dirty",)  # what the triggers write while the copy runs: made equal to the source's
TRIGGER_KEPT = ("period_category_sentiment",)
CHUNK = 5_000


class CopyError(NewsdeskError):
    """The destination is not empty, or the counts differ after the copy."""


def _columns(ref: sqlite3.Connection, table: str) -> list[str]:
    cols = [r[1] for r in ref.execute(f'PRAGMA table_info("{table}")')]  # a name of the schema
    return ["rowid", *cols] if table == "articles" else cols


def counts(conn: Any, tables: list[str]) -> dict[str, int]:
    """Rows per table."""
    return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}  # names of the schema


def copy(src_target: str | Path, dst_target: str | Path) -> dict[str, int]:
    """Copy the desk at ``src_target`` into the empty one at ``dst_target``; return rows per table."""
    from newsdesk.db import postgres  # tables(): the schema's tables, shadow tables left out

    ref = schema.reference()
    tables = postgres.tables(ref)
    src = schema.open(src_target, readonly=True)
    dst = schema.open(dst_target)
    try:
        if any(counts(dst, ["articles", "companies", "ingest_runs"]).values()):
            raise CopyError("the destination already holds a desk: copy into an empty database")
        with schema.transaction(dst):
            # the grades' to-do list last: copying closes and decisions fills it through the triggers
            for table in sorted(tables, key=lambda t: t in REFILLED_LAST):
                if table in TRIGGER_KEPT:
                    continue
                if table in REFILLED_LAST:
                    dst.execute(f"DELETE FROM {table}")  # a name of the schema
                cols = _columns(ref, table)
                names = ", ".join(cols)
                insert = f"INSERT INTO {table} ({names}) VALUES ({', '.join('?' for _ in cols)})"
                cur = src.execute(f"SELECT {names} FROM {table}")  # names of the schema
                while rows := cur.fetchmany(CHUNK):
                    dst.executemany(insert, [tuple(r) for r in rows])
            dst.execute("DELETE FROM articles_fts")  # SQLite's index (a server's vector is a column)
            dst.execute(
                "INSERT INTO articles_fts (rowid, title, summary, body) "
                "SELECT rowid, title, summary, body FROM articles"
            )
        if dialect.is_server_url(dst_target):
            dst.reset_sequences()
        before, after = counts(src, tables), counts(dst, tables)
        if before != after:
            diff = {t: (before[t], after[t]) for t in tables if before[t] != after[t]}
            raise CopyError(f"the copy's counts differ (source, destination): {diff}")
        return after
    finally:
        src.close()
        dst.close()
