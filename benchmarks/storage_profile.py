"""Where the storage step's time goes: one ``write_batch`` of scored 500-word articles (after a
first batch of the same size) timed statement by statement, beside its floor measured the same way: a
raw insert of the same rows and FTS5 indexing of the same texts, in one transaction, into a database
with newsdesk's settings that already holds the first batch. ``python -m newsdesk bench storage``."""

from __future__ import annotations

import collections
import contextlib
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


def storage_profile(n_articles: int = 300, repeat: int = 3) -> dict:
    """The median of ``repeat`` runs: total seconds of the batch, the FTS5 floor's seconds, and the
    seconds of each kind of statement (the rest is Python: identity, content hash, dedupe, mapping).
    ``fts``: the floor (:func:`benchmarks.floors.batch_seconds` of the second batch after the first)."""
    from benchmarks import floors
    from benchmarks.bench import article_texts
    from newsdesk.db import schema, writes
    from newsdesk.domain.models import Article
    from newsdesk.score.pipeline import default_context, score_article

    pairs = (article_texts(500) * (n_articles // 120 + 1))[:n_articles]
    ctx = default_context()
    runs = []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as tmp:
            db = schema.connect(f"{tmp}/s.db")
            first = [Article(title=f"{t} [f{i}]", source="bench", body=x) for i, (t, x) in enumerate(pairs)]
            writes.write_batch(db, [score_article(a, ctx) for a in first], [], "bench")
            second = [Article(title=f"{t} [s{i}]", source="bench", body=x) for i, (t, x) in enumerate(pairs)]
            scored = [score_article(a, ctx) for a in second]
            spent: collections.Counter = collections.Counter()
            with _timed_statements(spent):
                t0 = time.perf_counter()
                writes.write_batch(db, scored, [], "bench")
                total = time.perf_counter() - t0
            db.close()
            raw = floors.scratch(f"{tmp}/raw.db")
            for tag, batch in (("f", first), ("s", scored)):
                rows = [(f"{tag}{i}", a.title, a.source, a.body, a.sentiment) for i, a in enumerate(batch)]
                fts = floors.batch_seconds(raw, rows, [(a.title, a.summary, a.body) for a in batch], len(batch))
            raw.close()
            runs.append({"n": n_articles, "total": total, "fts": fts, "statements": dict(spent)})
    return sorted(runs, key=lambda r: r["total"])[len(runs) // 2]
