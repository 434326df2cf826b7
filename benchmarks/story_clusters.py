"""Story clusters against an aggregator's own grouping: B-cubed precision and recall on titles alone.

Reads the UCI News Aggregator file (``newsCorpora.csv``: tab-separated ID, TITLE, URL, PUBLISHER,
CATEGORY, STORY, HOSTNAME, TIMESTAMP in milliseconds; no header) from a path given on the command
line; nothing is downloaded and no data is committed. Rows are picked by their ID range (the first
10,000 are held out: do not tune on them), taken in timestamp order and clustered by
:func:`newsdesk.score.stories.cluster`; the aggregator's STORY column is the truth.

    python -m benchmarks.story_clusters PATH --first 10001 --last 60000
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path

from newsdesk.score.stories import DEFAULT, cluster


def read_uci(path: Path, first: int, last: int) -> list[tuple[str, str, float, str]]:
    """``(id, title, epoch seconds, gold story)`` of the rows whose ID lies in ``[first, last]``."""
    out = []
    csv.field_size_limit(sys.maxsize)
    with path.open(encoding="utf-8", errors="replace", newline="") as fh:
        for row in csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
            if len(row) < 8 or not row[0].isdigit():
                continue
            n = int(row[0])
            if first <= n <= last and row[7].isdigit():
                out.append((row[0], row[1], int(row[7]) / 1000.0, row[5]))
    return out


def bcubed(pred: dict[str, str], gold: dict[str, str]) -> tuple[float, float]:
    """B-cubed precision and recall of clusters ``pred`` against ``gold`` (both item -> cluster)."""
    both = Counter((pred[k], gold[k]) for k in gold)
    p_size, g_size = Counter(pred[k] for k in gold), Counter(gold.values())
    precision = sum(n * n / p_size[p] for (p, _), n in both.items()) / len(gold)
    recall = sum(n * n / g_size[g] for (_, g), n in both.items()) / len(gold)
    return precision, recall


def run(path: Path, first: int, last: int, companies: bool = False, **overrides) -> dict:
    """Cluster the rows ``first..last`` and score them; returns the figures. With ``companies``, each
    title's companies (newsdesk's company matcher on the title) go with it, as at ingest."""
    rows = read_uci(path, first, last)
    config = replace(DEFAULT, **overrides)
    named: dict[str, tuple[str, ...]] = {}
    if companies:
        from newsdesk.score.entities import CompanyMatcher

        matcher = CompanyMatcher()
        named = {k: tuple(sorted(matcher.mentions(t))) for k, t, _, _ in rows}
    start = time.perf_counter()
    pred = cluster([(k, t, at, named.get(k, ())) for k, t, at, _ in rows], config)
    seconds = time.perf_counter() - start
    precision, recall = bcubed(pred, {k: g for k, _, _, g in rows})
    return {
        "rows": len(rows),
        "stories": len(set(pred.values())),
        "gold_stories": len({g for *_, g in rows}),
        "precision": precision,
        "recall": recall,
        "articles_per_s": len(rows) / seconds if seconds else 0.0,
        "config": config,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("path", type=Path)
    ap.add_argument("--first", type=int, default=10001, help="first row ID (the first 10,000 are held out)")
    ap.add_argument("--last", type=int, default=60000)
    ap.add_argument("--join", type=float)
    ap.add_argument("--quiet-hours", type=float)
    ap.add_argument("--lsh-threshold", type=float)
    ap.add_argument("--companies", action="store_true", help="with each title's companies (as at ingest)")
    args = ap.parse_args(argv)
    overrides = {
        k: v for k, v in (("join", args.join), ("quiet_hours", args.quiet_hours), ("lsh_threshold", args.lsh_threshold))
        if v is not None
    }
    r = run(args.path, args.first, args.last, args.companies, **overrides)
    print(
        f"rows {args.first}-{args.last}{' titles+companies' if args.companies else ''}: "
        f"{r['rows']} articles, {r['stories']} stories "
        f"(aggregator: {r['gold_stories']}); B-cubed precision {r['precision']:.3f} recall {r['recall']:.3f}; "
        f"{r['articles_per_s']:.0f} articles/s; {r['config']}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
