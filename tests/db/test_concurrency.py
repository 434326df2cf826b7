"""A writer ingesting while dashboard readers query the same SQLite file, all in separate processes.

The database is seeded with one batch; then one ``python -m newsdesk ingest`` process stores ten
more JSON Lines files (each one batch of a known size) while two reader processes loop over the
dashboard's queries (:mod:`newsdesk.db.read`): one opening the file read-only for every query, as
``components/loaders.py`` does, one through :func:`newsdesk.db.schema.connect`, as the CLI does. Every
iteration also takes a consistency snapshot in one read transaction.
"""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

from newsdesk.ingest import jsonl
from tests.fault_util import (
    counts,
    invariant_violations,
    run_ingest,
    start_ingest,
    start_reader,
    summary_counts,
    write_jsonl,
)

FILES = 10
PER_FILE = min(200, getattr(jsonl, "CHUNK_RECORDS", 200))  # each file must be exactly one batch
READERS = ("readonly", "store")


def test_readers_never_fail_nor_see_half_a_batch(tmp_path: Path) -> None:
    """While a writer process stores ten 200-article batches, two reader processes run the
    dashboard's queries in a loop. No read raises (no "database is locked", no error at all);
    every snapshot taken in one read transaction shows a whole number of batches: the article
    count is one of the known cumulative totals, equals the sum of ``added`` over finished runs and
    the dashboard's KPI count, no unfinished run is visible and the daily aggregate (its sum of n,
    and row by row within 1e-6 on the float sums) equals its recomputation from ``articles``, as
    does the data newer schemas derive from it. The readers must have seen at least one state
    strictly between the seed and the end, so the test is not vacuous."""
    db = tmp_path / "live.db"
    seed = write_jsonl(tmp_path / "seed.jsonl", PER_FILE, seed=1, prefix="seed")
    seeded = run_ingest([seed.path], db)
    assert seeded.returncode == 0, seeded.stderr
    batches = [write_jsonl(tmp_path / f"batch{i}.jsonl", PER_FILE, seed=100 + i, prefix=f"b{i}-") for i in range(FILES)]
    totals = [PER_FILE * (k + 1) for k in range(FILES + 1)]
    assert counts(db)["articles"] == totals[0]

    stop = tmp_path / "stop"
    outs = [tmp_path / f"reader-{mode}.json" for mode in READERS]
    readers = [start_reader(db, out, stop, mode) for out, mode in zip(outs, READERS, strict=True)]
    writer = None
    try:
        deadline = time.monotonic() + 30
        while not all(Path(f"{out}.ready").exists() for out in outs):
            assert all(r.poll() is None for r in readers), [Path(f"{o}.log").read_text() for o in outs]
            assert time.monotonic() < deadline, "the readers did not start within 30 s"
            time.sleep(0.05)
        t0 = time.perf_counter()
        writer = start_ingest([b.path for b in batches], db, tmp_path / "writer.log")
        assert writer.wait(timeout=90) == 0, (tmp_path / "writer.log").read_text()
        write_s = time.perf_counter() - t0
        time.sleep(0.5)  # let the readers see the writer's exit (its final checkpoint) too
    finally:
        stop.touch()
        for proc in [*readers, writer]:
            if proc is not None and proc.poll() is None:
                try:
                    proc.wait(timeout=60)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
    for out in outs:
        assert out.exists(), f"a reader died without its summary: {Path(f'{out}.log').read_text()}"
    results = [json.loads(out.read_text()) for out in outs]

    writer_out = (tmp_path / "writer.log").read_text()
    assert summary_counts(writer_out) == (PER_FILE * FILES, 0, 0), writer_out
    assert counts(db)["articles"] == totals[-1]
    assert invariant_violations(db) == []
    states: set[int] = set()
    for res in results:
        assert res["errors"] == [], f"{res['mode']} reader: {res['errors'][:3]}"
        for (articles, added, unfinished, daily_n, daily_recount, kpi, daily_diff), _seen in res["states"]:
            assert articles in totals, f"{res['mode']} reader saw {articles} articles: half a batch"
            assert (added, unfinished, kpi) == (articles, 0, articles), res["states"]
            assert (daily_n, daily_diff) == (daily_recount, 0), res["states"]
            states.add(articles)
    intermediate = states - {totals[0], totals[-1]}
    print(
        f"\nwriter: {FILES} batches of {PER_FILE} in {write_s:.2f} s; "
        + "; ".join(
            f"{r['mode']} reader: {r['iterations']} iterations, {r['reads']} queries + {r['iterations']} snapshots, "
            f"slowest iteration {r['slowest_s']:.3f} s, slowest query {r['slowest_query'][1]} "
            f"{r['slowest_query'][0]:.3f} s, {len(r['states'])} distinct snapshots"
            for r in results
        )
        + f"; article counts seen: {sorted(states)}"
    )
    assert totals[-1] in states, "no reader saw the final state"
    assert intermediate, f"the readers saw no state between the seed and the end: {sorted(states)}"
