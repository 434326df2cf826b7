"""Where the storage step's time goes: one ``write_batch`` of scored 500-word articles (after a
first batch of the same size) timed statement by statement, beside its floor measured the same way: a
raw insert of the same rows and FTS5 indexing of the same texts, in one transaction, into a database
with newsdesk's settings that already holds the first batch. ``python -m newsdesk bench storage``."""

from __future__ import annotations

import collections
import contextlib
import functools
import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterator
from typing import Any


@contextlib.contextmanager
def _timed_statements(spent: collections.Counter) -> Iterator[None]:
    """While open, every statement a newsdesk connection runs (through the writable ``Connection``
    or its ``conn`` driver view) adds its time to ``spent``, keyed by its first words."""
    from newsdesk.db.engine import Connection, Driver

    saved = {(cls, name): cls.__dict__.get(name) for cls in (Connection, Driver) for name in ("execute",)}
    saved[(Connection, "executemany")] = Connection.__dict__.get("executemany")

    def timed(run: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(self: Any, sql: str, *args: Any) -> Any:
            words = sql.split()
            key = "look-ups of duplicates" if words[0].upper().startswith("SEL") else " ".join(words[:5])
            t0 = time.perf_counter()
            try:
                return run(self, sql, *args)
            finally:
                spent[key] += time.perf_counter() - t0

        return wrapper

    Connection.execute = timed(Connection.execute)  # type: ignore[method-assign]
    Driver.execute = timed(Driver.execute)  # type: ignore[method-assign]
    Connection.executemany = timed(sqlite3.Connection.executemany)  # type: ignore[method-assign]
    try:
        yield
    finally:
        for (cls, name), original in saved.items():
            if original is None:
                delattr(cls, name)
            else:
                setattr(cls, name, original)


# a timed write ends with a checkpoint of the WAL, after one (untimed) before it: each write is charged
# for copying its own pages into the database file, as every page is once in a long ingest. Left to
# ``wal_autocheckpoint`` (1,000 pages), a checkpoint falls in whichever commit crosses the threshold: the
# batch's own ~1,050 pages, but the narrow floor's second commit with the first batch's pages too.
CHECKPOINT = "PRAGMA wal_checkpoint(PASSIVE)"


def _with_checkpoint(conn: sqlite3.Connection, write: Callable[[], float]) -> tuple[float, float]:
    """Wall and CPU seconds of ``write`` (which returns its wall seconds) plus a checkpoint after it,
    the WAL checkpointed (untimed) before it."""
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    c0 = time.process_time()
    seconds = write()
    t0 = time.perf_counter()
    conn.execute(CHECKPOINT)
    return seconds + time.perf_counter() - t0, time.process_time() - c0


def _settings(conn: Any) -> dict[str, Any]:
    """The connection settings that move a write's cost: the floor is measured with the batch's own."""
    return {k: conn.execute(f"PRAGMA {k}").fetchone()[0] for k in ("page_size", "cache_size", "synchronous")}


def storage_profile(n_articles: int = 300, repeat: int = 5) -> dict:
    """The median of ``repeat`` runs: total seconds of the batch (wall ``total``, CPU ``cpu``), the
    floor's seconds (``fts``, ``fts_cpu``), the ratio floor / batch of each run (``ratios``, ``cpu_ratios``)
    and the seconds of each kind of statement (the rest is Python: identity, content hash, dedupe, mapping)
    in the median run. The floor (:func:`benchmarks.floors.batch_seconds`: a raw insert of the same rows
    plus FTS5 of the same texts, one ``BEGIN IMMEDIATE`` transaction per batch of the same size, into a
    database that already holds the first batch) is measured in each run right after the batch, in the
    same temporary directory, with the batch connection's page size, page cache and ``synchronous``."""
    from benchmarks import floors
    from benchmarks.bench import article_texts
    from newsdesk.db import schema, writes
    from newsdesk.domain.models import Article
    from newsdesk.score.pipeline import default_context, score_article

    pairs = (article_texts(500) * (n_articles // 120 + 1))[:n_articles]
    ctx = default_context()
    runs: list[dict[str, Any]] = []
    for run in range(repeat):  # new titles in each run: ids, title keys and hashes are memoised per title
        with tempfile.TemporaryDirectory() as tmp:
            db = schema.connect(f"{tmp}/s.db")
            settings = _settings(db)
            first = [
                score_article(Article(title=f"{t} [f{run}-{i}]", source="bench", body=x), ctx)
                for i, (t, x) in enumerate(pairs)
            ]
            writes.write_batch(db, first, [], "bench")
            marks = _last_rowids(db)
            second = [Article(title=f"{t} [s{run}-{i}]", source="bench", body=x) for i, (t, x) in enumerate(pairs)]
            scored = [score_article(a, ctx) for a in second]
            spent: collections.Counter = collections.Counter()
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # each timed write checkpoints its own pages only
            with _timed_statements(spent):
                c0, t0 = time.process_time(), time.perf_counter()
                writes.write_batch(db, scored, [], "bench")
                db.execute(CHECKPOINT)
                total, cpu = time.perf_counter() - t0, time.process_time() - c0
            stored = [_rows(db, {t: 0 for t in marks}, marks), _rows(db, marks, _last_rowids(db))]
            db.close()
            raw = floors.scratch(f"{tmp}/raw.db", **settings)
            full = floors.scratch(f"{tmp}/full.db", **settings)
            for tag, batch, tables in (("f", first, stored[0]), ("s", scored, stored[1])):
                rows = [(f"{tag}{run}-{i}", a.title, a.source, a.body, a.sentiment) for i, a in enumerate(batch)]
                texts = [(a.title, a.summary, a.body) for a in batch]
                fts, fts_cpu = _with_checkpoint(
                    raw, functools.partial(floors.batch_seconds, raw, rows, texts, len(batch))
                )
                rows_floor, rows_floor_cpu = _with_checkpoint(
                    full, functools.partial(floors.rows_seconds, full, tables, texts)
                )
            raw.close()
            full.close()
            runs.append(
                {
                    "n": n_articles,
                    "total": total,
                    "cpu": cpu,
                    "fts": fts,
                    "fts_cpu": fts_cpu,
                    "rows_floor": rows_floor,
                    "rows_floor_cpu": rows_floor_cpu,
                    "statements": dict(spent),
                }
            )
    median = dict(sorted(runs, key=lambda r: r["total"])[len(runs) // 2])
    for key in ("cpu", "fts", "fts_cpu", "rows_floor", "rows_floor_cpu"):
        median[key] = sorted(r[key] for r in runs)[len(runs) // 2]
    median["ratios"] = [r["fts"] / r["total"] for r in runs]
    median["cpu_ratios"] = [r["fts_cpu"] / r["cpu"] for r in runs]
    median["rows_ratios"] = [r["rows_floor"] / r["total"] for r in runs]
    return median


# the tables a batch of new articles writes rows into (the derived tables aside)
BATCH_TABLES = (
    "articles",
    "article_categories",
    "article_entities",
    "article_sources",
    "decisions",
    "decision_baskets",
)


def _last_rowids(db: Any) -> dict[str, int]:
    return {t: db.execute(f"SELECT coalesce(max(rowid), 0) FROM {t}").fetchone()[0] for t in BATCH_TABLES}


def _rows(db: Any, after: dict[str, int], upto: dict[str, int]) -> dict[str, list[tuple]]:
    """Every column of the rows each table of :data:`BATCH_TABLES` got between two marks."""
    return {
        t: db.execute(
            f"SELECT * FROM {t} WHERE rowid > ? AND rowid <= ? ORDER BY rowid", [after[t], upto[t]]
        ).fetchall()
        for t in BATCH_TABLES
    }
