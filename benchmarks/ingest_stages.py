"""Where the CPU of a headline ingest goes, stage by stage: the ``ingest_scaling`` CSV ingested with
``ingest_paths --jobs 1`` into a fresh database, each stage's function timed in CPU seconds of this
process (steadier than wall time on a shared machine).

    python benchmarks/ingest_stages.py --rows 12000
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


LABELS = (
    "scoring (score_article)",
    "novelty window",
    "storing (write_batch, all)",
    "  of which story clusters (stories.assign)",
    "  of which category, company, decision rows",
)


def stages(rows: int) -> tuple[float, dict[str, float]]:
    """Total CPU seconds of the ingest and those of each stage."""
    import newsdesk.db.stories as db_stories
    import newsdesk.db.writes as writes
    import newsdesk.flows.ingest as flow
    import newsdesk.score.parallel as parallel
    from benchmarks.ingest_scaling import write_csv
    from newsdesk.db import schema

    spent: dict[str, float] = defaultdict(float)

    def timed(owner: object, name: str, label: str) -> None:
        run = getattr(owner, name)

        def wrapper(*args, **kwargs):
            t0 = time.process_time()
            try:
                return run(*args, **kwargs)
            finally:
                spent[label] += time.process_time() - t0

        setattr(owner, name, wrapper)

    timed(parallel.Scoring, "collect", LABELS[0])
    timed(flow, "chunk_novelty", LABELS[1])
    timed(writes, "write_batch", LABELS[2])
    timed(db_stories, "assign", LABELS[3])
    timed(writes, "_insert_children", LABELS[4])
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "headlines.csv"
        write_csv(path, rows)
        db = schema.connect(f"{tmp}/i.db")
        t0 = time.process_time()
        flow.ingest_paths(db, [path], jobs=1)
        total = time.process_time() - t0
        db.close()
    return total, dict(spent)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=12_000)
    args = parser.parse_args()
    total, spent = stages(args.rows)
    print(f"{args.rows:,} headline rows: {total:.2f} CPU s ({args.rows / total:,.0f} rows per CPU second)")
    for label in LABELS:
        seconds = spent.get(label, 0.0)
        print(f"  {label:46} {seconds:6.2f} s  {100 * seconds / total:4.0f} %")
    rest = total - sum(v for k, v in spent.items() if not k.startswith(" "))
    print(f"  {'reading and parsing the CSV, the rest':46} {rest:6.2f} s  {100 * rest / total:4.0f} %")


if __name__ == "__main__":
    main()
