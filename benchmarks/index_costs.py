"""What an index or trigger of the write path costs a batch: ``bench storage``'s batch (300 scored
500-word articles after a first batch) with nothing dropped, then with each named index or trigger
dropped from the fresh schema, in CPU milliseconds (steadier than wall time on a shared machine).

    python benchmarks/index_costs.py idx_entities_ticker_article idx_articles_published_at

Each name is measured alone, the median of ``--repeat`` batches; a scratch database only: nothing is
dropped from a real one. Which reads an index serves: ``benchmarks/index_reads.py`` (every statement the
pages run, with and without it) and ``tests/db/test_query_plans.py``.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def measure(drop: list[str], repeat: int) -> dict:
    """``storage_profile`` of a schema without the objects in ``drop`` (CPU seconds)."""
    from benchmarks import floors, storage_profile
    from newsdesk.db import schema

    connect, clock = schema.connect, time.perf_counter

    def without(*args, **kwargs):
        db = connect(*args, **kwargs)
        for name in drop:
            floors.drop_object(db.conn, name)
        return db

    schema.connect, time.perf_counter = without, time.process_time
    try:
        return storage_profile.storage_profile(300, repeat)
    finally:
        schema.connect, time.perf_counter = connect, clock


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", help="Indexes or triggers to drop, one at a time.")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print(f"{'dropped':48} {'batch CPU ms':>12} {'entities':>9} {'categories':>10} {'articles':>9}")
    for drop in [[], *([n] for n in args.names)]:
        r = measure(drop, args.repeat)
        st = r["statements"]

        def ms(table: str, st: dict = st) -> float:  # the statements that write ``table``
            return 1000 * sum(v for k, v in st.items() if table in k.split()[2:5])

        print(
            f"{(drop[0] if drop else '(nothing)'):48} {r['total'] * 1000:12.1f} "
            f"{ms('article_entities'):9.1f} {ms('article_categories'):10.1f} {ms('articles'):9.1f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
