"""``ticker_counts``: how many articles name each ticker (schema 11), the company filter's options.

Schemas 11-19 kept it with a trigger per inserted mention; from schema 20 the writer counts a batch's new
mentions with one upsert per ticker (:func:`count_mentions`), and triggers count only a mention deleted or
moved to another ticker. :func:`recount_tickers` rebuilds it (``rebuild-daily``).
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sqlite_utils

TICKER_COUNTS_SQL = "SELECT ticker, count(*) AS n FROM article_entities GROUP BY ticker"


_COUNT_ADD = (
    "INSERT INTO ticker_counts (ticker, n) VALUES (NEW.ticker, 1) ON CONFLICT (ticker) DO UPDATE SET n = n + 1;"
)


def _count_drop(only_its_row: bool) -> str:
    """Trigger statements taking one mention of ``OLD.ticker`` off its count (the row goes at 0); with
    ``only_its_row`` the emptied row is looked up by its key (v20), not found by a scan of every count."""
    which = "ticker = OLD.ticker AND n <= 0" if only_its_row else "n <= 0"
    return f"UPDATE ticker_counts SET n = n - 1 WHERE ticker = OLD.ticker; DELETE FROM ticker_counts WHERE {which};"


def add_ticker_counts(db: sqlite_utils.Database) -> None:
    """Migration 11: how many articles name each ticker, kept by triggers on ``article_entities``:
    the company filter's options read a few hundred rows instead of counting every mention."""
    db.execute("CREATE TABLE ticker_counts (ticker TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID")
    db.execute(f"INSERT INTO ticker_counts (ticker, n) {TICKER_COUNTS_SQL}")
    for sql in count_triggers_v11():
        db.execute(sql)


def count_triggers_v11() -> list[str]:
    """The ``ticker_counts`` triggers of schemas 11-19: one upsert per inserted mention row."""
    add, drop = _COUNT_ADD, _count_drop(False)
    return [
        f"CREATE TRIGGER article_entities_count_insert AFTER INSERT ON article_entities BEGIN {add} END",
        f"CREATE TRIGGER article_entities_count_delete AFTER DELETE ON article_entities BEGIN {drop} END",
        f"CREATE TRIGGER article_entities_count_move AFTER UPDATE OF ticker ON article_entities BEGIN {drop} {add} END",
    ]


COUNT_TRIGGERS = ("article_entities_count_insert", "article_entities_count_delete", "article_entities_count_move")
LAST_MENTION_SQL = "SELECT coalesce(max(rowid), 0) FROM article_entities"
MENTIONS_COUNT_SQL = (
    "INSERT INTO ticker_counts (ticker, n) SELECT ticker, count(*) FROM article_entities WHERE rowid > ? "
    "GROUP BY ticker ON CONFLICT (ticker) DO UPDATE SET n = n + excluded.n"
)


def count_triggers_v20() -> list[str]:
    """The ``ticker_counts`` triggers from schema v20: a mention deleted or moved to another ticker is
    counted by its row (outside SQL included); a mention inserted is not (see :func:`count_mentions`)."""
    drop = _count_drop(True)
    return [
        f"CREATE TRIGGER article_entities_count_delete AFTER DELETE ON article_entities BEGIN {drop} END",
        f"CREATE TRIGGER article_entities_count_move AFTER UPDATE OF ticker ON article_entities "
        f"BEGIN {drop} {_COUNT_ADD} END",
    ]


def last_mention(conn: sqlite3.Connection) -> int:
    """The largest ``article_entities`` rowid (0 when empty): what :func:`count_mentions` counts after."""
    return int(conn.execute(LAST_MENTION_SQL).fetchone()[0])


def count_mentions(conn: sqlite3.Connection, after: int) -> None:
    """Count the mentions inserted since :func:`last_mention` gave ``after`` into ``ticker_counts``: one
    upsert per ticker for a whole batch, instead of a trigger per mention row (v20). Exact: rows a
    statement inserts get rowids above every stored one (SQLite: max + 1; PostgreSQL: its sequence), and
    an ``INSERT OR IGNORE`` that inserted nothing leaves nothing to count. Call in the inserting
    transaction, after the inserts (every writer of ``article_entities`` in newsdesk does)."""
    conn.execute(MENTIONS_COUNT_SQL, [after])


def recount_tickers(conn: sqlite3.Connection) -> None:
    """Rebuild ``ticker_counts`` from ``article_entities`` (call inside a transaction)."""
    conn.execute("DELETE FROM ticker_counts")
    conn.execute(f"INSERT INTO ticker_counts (ticker, n) {TICKER_COUNTS_SQL}")
