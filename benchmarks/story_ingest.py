"""Ingest with story clusters on and off, into a database of a million articles, in the same run.

Builds (once, with ``--generate N`` when ``--db`` is missing) the synthetic corpus of ``bench
generate``, then copies it twice: one copy ingests with story clusters on, the other with them off
(:func:`stories_off`: every article its own story, as before issue 24). Each round ingests the same
fresh articles into both copies (scored and stored through :func:`newsdesk.flows.ingest.write_chunk` in
chunks of 1,000, as a file ingest does), the order of the two alternating by round; the figure is
articles per second of each, and their ratio.

The articles are real headlines with their outlets (the UCI News Aggregator file, ``newsCorpora.csv``,
public domain; not shipped: pass its path; rows from ``--first`` on, never the held-out first 10,000)
in timestamp order, re-dated one every ``--gap`` seconds from the last day of the synthetic corpus,
so each story window holds stored articles that the index must read back and seed.

    python -m benchmarks.story_ingest --db /tmp/s1m.db --generate 1000000 --titles newsCorpora.csv

The corpus is generated with story clusters off: its synthetic titles are all distinct, and a
generator batch spans three years, so each batch would read back (and seed) every stored article.
"""

from __future__ import annotations

import argparse
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from benchmarks.story_clusters import read_uci
from newsdesk.db import checkpoint, schema
from newsdesk.db import open as open_db
from newsdesk.db import stories as db_stories
from newsdesk.db.read import stories as story_reads
from newsdesk.domain.models import Article, ParseResult
from newsdesk.flows import ingest as pipeline
from newsdesk.score.pipeline import default_context

START = datetime(2026, 11, 19, 12, 0, tzinfo=UTC)  # inside the synthetic corpus' last day (it ends 2026-11-20)
CHUNK = 1_000
OUTLETS = 40  # the new articles' sources: "outlet 0" .. "outlet 39"


@contextmanager
def stories_off() -> Iterator[None]:
    """Story assignment off for the block: every new article is its own story."""
    saved = db_stories.assign
    db_stories.assign = lambda conn, articles, *args, **kwargs: {}
    try:
        yield
    finally:
        db_stories.assign = saved


@contextmanager
def story_step_timed(spent: list[float]) -> Iterator[None]:
    """Story assignment timed for the block: each call's wall-clock and CPU seconds are added to
    ``spent[0]`` and ``spent[1]`` (the window read back and seeded, and the batch assigned)."""
    saved = db_stories.assign

    def timed(*args, **kwargs):
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            return saved(*args, **kwargs)
        finally:
            spent[0] += time.perf_counter() - wall
            spent[1] += time.process_time() - cpu

    db_stories.assign = timed
    try:
        yield
    finally:
        db_stories.assign = saved


def generate(path: Path, n: int) -> float:
    """Write the synthetic corpus of ``n`` articles at ``path`` (stories off); seconds taken."""
    from benchmarks import synthetic

    db = schema.connect(path)
    t0 = time.perf_counter()
    synthetic.generate(db, n)  # stories off (see its docstring)
    checkpoint(db)
    db.close()
    return time.perf_counter() - t0


def headlines(titles: Path, first: int, count: int) -> list[tuple[str, str, str]]:
    """``(title, outlet, url)`` of ``count`` UCI rows from ID ``first`` on, in timestamp order."""
    rows = sorted(read_uci(titles, first, first + 3 * count), key=lambda r: (r[2], r[0]))[:count]
    if len(rows) < count:
        raise SystemExit(f"only {len(rows)} rows from ID {first}: pass a smaller --n or --rounds")
    return [(title, f"outlet {int(key) % OUTLETS}", f"https://uci.example/{key}") for key, title, _, _ in rows]


def articles(rows: list[tuple[str, str, str]], start: datetime, gap: float, bodies: list[str]) -> list[Article]:
    """Fresh articles of ``rows`` (one every ``gap`` seconds from ``start``), each with the next of
    ``bodies`` as its text when there are any (headlines alone otherwise)."""
    return [
        Article(
            title=title,
            source=source,
            url=url,
            published_at=(start + timedelta(seconds=gap * i)).strftime("%Y-%m-%dT%H:%M:%SZ"),
            body=bodies[i % len(bodies)] if bodies else "",
        )
        for i, (title, source, url) in enumerate(rows)
    ]


def ingest(path: Path, batch: list[Article], ctx) -> tuple[float, float, int]:
    """Seconds (wall clock, and this process's CPU) to score and store ``batch`` into ``path`` in
    chunks of :data:`CHUNK`, in a fresh connection (the story index of an earlier round is not
    reused), and how many were new (a headline repeated by another outlet at the same time is a
    duplicate, in both modes alike)."""
    db = schema.connect(path)
    db_stories.forget(db.conn)
    report = pipeline.IngestReport()
    t0, c0 = time.perf_counter(), time.process_time()
    for n in range(0, len(batch), CHUNK):
        pipeline.write_chunk(db, "story-bench", ParseResult(articles=batch[n : n + CHUNK]), ctx, report)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    db.close()
    return seconds, cpu, report.added


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, required=True, help="the synthetic corpus (made with --generate)")
    parser.add_argument("--generate", type=int, default=0, help="articles to generate when --db is missing")
    parser.add_argument("--titles", type=Path, required=True, help="newsCorpora.csv (UCI News Aggregator)")
    parser.add_argument("--first", type=int, default=330_001, help="first UCI row ID (never below 10,001)")
    parser.add_argument("--n", type=int, default=3_000, help="articles per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--gap", type=float, default=20.0, help="seconds between two new articles")
    parser.add_argument("--words", type=int, default=0, help="give each article a body of this many words (bench's)")
    args = parser.parse_args()
    if args.first <= 10_000:
        raise SystemExit("the first 10,000 UCI rows are held out")
    if not args.db.exists():
        if not args.generate:
            raise SystemExit(f"{args.db} is missing: pass --generate N")
        print(f"generating {args.generate:,} articles (stories off) ...", flush=True)
        print(f"generated in {generate(args.db, args.generate):.0f} s", flush=True)
    db = open_db(args.db)
    stored = story_reads.tally(db.conn)[0]
    checkpoint(db)
    db.close()
    copies = {mode: args.db.with_name(f"{args.db.stem}-{mode}.db") for mode in ("on", "off")}
    for copy in copies.values():
        for suffix in ("", "-wal", "-shm"):
            Path(f"{copy}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(args.db, copy)
    rows = headlines(args.titles, args.first, args.n * args.rounds)
    ctx = default_context()
    bodies = []
    if args.words:
        from benchmarks.bench import article_texts

        bodies = [body for _, body in article_texts(args.words)]
    shape = f"with {args.words}-word bodies" if args.words else "alone"
    print(f"database: {stored:,} articles; {args.rounds} rounds of {args.n:,} UCI headlines {shape}")
    totals = {"on": 0.0, "off": 0.0}
    cpus = {"on": 0.0, "off": 0.0}  # the process's CPU seconds (user + system): steadier than the wall clock under load
    step = [0.0, 0.0]  # the story step inside the "on" runs: wall-clock and CPU seconds
    for r in range(args.rounds):
        part = rows[r * args.n : (r + 1) * args.n]
        start = START + timedelta(seconds=args.gap * args.n * r)
        for mode in ("off", "on") if r % 2 == 0 else ("on", "off"):
            if mode == "off":
                with stories_off():
                    seconds, cpu, added = ingest(copies[mode], articles(part, start, args.gap, bodies), ctx)
            else:
                with story_step_timed(step):
                    seconds, cpu, added = ingest(copies[mode], articles(part, start, args.gap, bodies), ctx)
            totals[mode] += seconds
            cpus[mode] += cpu
            rate = args.n / seconds
            shown = f"{seconds:.1f} s, {cpu:.1f} s CPU, {added:,} new"
            print(f"round {r + 1} stories {mode:3} {rate:7.0f} articles/s ({shown})", flush=True)
    db = open_db(copies["on"])
    added, stories = story_reads.tally(db.conn, "outlet %")
    db.close()
    n = args.n * args.rounds
    on, off = n / totals["on"], n / totals["off"]
    print(
        f"stories on  {on:7.0f} articles/s; off {off:7.0f} articles/s; on / off {on / off:.2f} "
        f"({1 - on / off:+.0%} slower; target <= 20 %); {added:,} new articles in {stories:,} stories"
    )
    print(
        f"by CPU time: stories on {1e3 * cpus['on'] / n:.3f} ms an article, off {1e3 * cpus['off'] / n:.3f}; "
        f"on / off {cpus['off'] / cpus['on']:.2f} ({cpus['on'] / cpus['off'] - 1:+.0%} CPU)"
    )
    print(
        f"the story step alone (window read back and seeded once a round, then assignment): "
        f"{1e3 * step[0] / n:.3f} ms an article ({1e3 * step[1] / n:.3f} ms of CPU; target well under 0.15)"
    )


if __name__ == "__main__":
    main()
