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
            settings = floors.connection_settings(db)
            first = [
                score_article(Article(title=f"{t} [f{run}-{i}]", source="bench", body=x), ctx)
                for i, (t, x) in enumerate(pairs)
            ]
            writes.write_batch(db, first, [], "bench")
            marks = floors.last_rowids(db)
            second = [Article(title=f"{t} [s{run}-{i}]", source="bench", body=x) for i, (t, x) in enumerate(pairs)]
            scored = [score_article(a, ctx) for a in second]
            spent: collections.Counter = collections.Counter()
            floors.empty_wal(db)  # each timed write checkpoints its own pages only (floors.with_checkpoint)
            with _timed_statements(spent):
                c0, t0 = time.process_time(), time.perf_counter()
                writes.write_batch(db, scored, [], "bench")
                floors.checkpoint(db)
                total, cpu = time.perf_counter() - t0, time.process_time() - c0
            stored = [
                floors.rows_between(db, {t: 0 for t in marks}, marks),
                floors.rows_between(db, marks, floors.last_rowids(db)),
            ]
            db.close()
            raw = floors.scratch(f"{tmp}/raw.db", **settings)
            full = floors.scratch(f"{tmp}/full.db", **settings)
            for tag, batch, tables in (("f", first, stored[0]), ("s", scored, stored[1])):
                rows = [(f"{tag}{run}-{i}", a.title, a.source, a.body, a.sentiment) for i, a in enumerate(batch)]
                texts = [(a.title, a.summary, a.body) for a in batch]
                fts, fts_cpu = floors.with_checkpoint(
                    raw, functools.partial(floors.batch_seconds, raw, rows, texts, len(batch))
                )
                rows_floor, rows_floor_cpu = floors.with_checkpoint(
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
