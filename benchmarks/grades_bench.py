"""The Scorecard at scale: closes for a synthetic database's decisions, and the pages measured on it.

```
python -m benchmarks.grades_bench closes --db /tmp/b1m.db --out /tmp/b1m-closes.csv
python -m newsdesk prices import /tmp/b1m-closes.csv --db /tmp/b1m.db     # stores them (and grades)
python -m benchmarks.grades_bench pages --db /tmp/b1m.db pages/6_Scorecard.py dashboard.py ...
python -m benchmarks.grades_bench scorecard --db /tmp/b1m.db             # the read alone, stored vs rules
python -m benchmarks.grades_bench view --db /tmp/b1m.db                  # the page's view: objects vs summary
```

The closes are a seeded random walk (the demo's generator, :func:`newsdesk.prices.demo.illustrative_prices`)
of every ticker the baskets hold and their benchmarks, over the articles' span, written as a plain long
CSV: imported, they are stored as real closes (source: the file's name), so the synthetic articles,
which are not the demo's, are graded on them.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def write_closes(db_path: str, out: str) -> int:
    """Write the closes CSV for the database's baskets (members and benchmarks); returns its rows."""
    from newsdesk.db.read.prices import article_span, basket_weights
    from newsdesk.db.schema import connect_readonly
    from newsdesk.flows import prices as track
    from newsdesk.prices.demo import illustrative_prices

    conn = connect_readonly(db_path)
    first, last = article_span(conn)
    tickers = sorted({t for members in basket_weights(conn).values() for t in members})
    benchmark_of = track.benchmark_lookup(conn)
    links = {t: b for t in tickers if (b := benchmark_of(t))}
    start = date.fromisoformat(first[:10]) - timedelta(days=30)
    rows = illustrative_prices([*tickers, *sorted(set(links.values()))], start, date.fromisoformat(last[:10]), links)
    with open(out, "w", encoding="utf-8") as fh:
        fh.write("date,ticker,close\n")
        fh.writelines(f"{r.date},{r.ticker},{r.close}\n" for r in rows)
    return len(rows)


def scorecard_read(db_path: str, repeat: int = 3) -> dict[str, float]:
    """Seconds of the scorecard of every decision: read from the stored grades, and computed by the rules
    from every close (what each page run did before), best of ``repeat``; and the peak RSS."""
    from newsdesk.db.schema import connect_readonly
    from newsdesk.flows import grades
    from newsdesk.flows import prices as track
    from newsdesk.scorecard.rules import score_decisions

    conn = connect_readonly(db_path)

    def best(fn) -> tuple[float, int]:
        times, n = [], 0
        for _ in range(repeat):
            t0 = time.perf_counter()
            n = len(fn())
            times.append(time.perf_counter() - t0)
        return min(times), n

    stored, n = best(lambda: grades.results(conn))
    rules, _ = best(lambda: score_decisions(track.decision_inputs(conn), track.market(conn)))
    return {"decisions": n, "stored": stored, "rules": rules,
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}  # fmt: skip


def page_sums(rows, light: bool, by: str = "source") -> int:
    """What the Scorecard page sums of a view's rows (light rows, or result objects as the page did
    before): its groups (open in and out), both track records and the curve; returns how many groups and
    points (so nothing is optimised away)."""
    from newsdesk.scorecard.groups import GROUP_KEYS, cumulative_excess, group_results
    from newsdesk.scorecard.summary import KEYS

    keys = KEYS if light else GROUP_KEYS
    authored = [r for r in rows if (r.author if light else r.decision.author)]
    n = sum(len(group_results(rows, keys[by], include_open=include_open)) for include_open in (True, False))
    n += len(group_results(authored, keys["author"])) + len(group_results(rows, keys["source"]))
    return n + len(cumulative_excess(rows))


TOPICS = ("Geopolitics & War", "Elections & Domestic Politics", "Infrastructure & Defense")  # the page bench's pick


def view_read(db_path: str, repeat: int = 5) -> list[dict[str, float]]:
    """CPU seconds (process time, best of ``repeat``, a fresh connection each) of the Scorecard page's view
    of the default window and of the same window with the bench's three topics: every result object read
    back (``grades.results``, the page's path before) against the summary (``grades.summary``: one light
    row per decision, the newest 2,000 as results), each with the page's sums; and the rows' count."""
    from dataclasses import replace

    from newsdesk.db.read.options import default_window
    from newsdesk.db.schema import connect_readonly
    from newsdesk.domain.filters import Filters
    from newsdesk.flows import grades

    conn = connect_readonly(db_path)
    window = default_window(conn)
    base = Filters(since=window.since, until=window.until)
    out = []
    for name, filters in (("default window", base), ("3 topics", replace(base, topics=TOPICS))):
        figures: dict[str, float] = {}
        for label in ("objects", "summary"):
            times = []
            for _ in range(repeat):
                t0 = time.process_time()
                fresh = connect_readonly(db_path)
                if label == "objects":
                    page_sums(grades.results(fresh, filters), light=False)
                else:
                    page_sums(grades.summary(fresh, filters).rows, light=True)
                times.append(time.process_time() - t0)
                fresh.close()
            figures[label] = min(times)
        figures["decisions"] = len(grades.summary(conn, filters).rows)
        out.append({"view": name, **figures})
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.grades_bench")
    sub = parser.add_subparsers(dest="command", required=True)
    closes = sub.add_parser("closes", help="write the closes CSV of a synthetic database's baskets")
    closes.add_argument("--db", required=True)
    closes.add_argument("--out", required=True)
    pages = sub.add_parser("pages", help="first run, rerun, filter change and peak RSS of pages (AppTest)")
    pages.add_argument("--db", required=True)
    pages.add_argument("--repeat", type=int, default=1, help="fresh processes per page")
    pages.add_argument("pages", nargs="+")
    read = sub.add_parser("scorecard", help="the scorecard's read: stored grades against the rules")
    read.add_argument("--db", required=True)
    view = sub.add_parser("view", help="the Scorecard page's view: result objects against the summary (CPU)")
    view.add_argument("--db", required=True)
    view.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    if args.command == "closes":
        t0 = time.perf_counter()
        n = write_closes(args.db, args.out)
        print(f"{n:,} closes written to {args.out} in {time.perf_counter() - t0:.1f} s")
    elif args.command == "pages":
        sys.path.insert(0, str(ROOT))
        from benchmarks.bench import apptest_bench

        print(f"{'page':24} {'first s':>8} {'rerun s':>8} {'filter s':>9} {'empty s':>8} {'peak RSS MB':>12}  errors")
        for _ in range(args.repeat):
            for r in apptest_bench(args.db, args.pages):
                if "first" not in r:
                    print(f"{r['page']:24} failed: {r['errors']}")
                    continue
                change = "-" if r["filter_change"] is None else f"{r['filter_change']:.3f}"
                print(f"{r['page']:24} {r['first']:8.2f} {r['rerun']:8.3f} {change:>9} {r['empty']:8.2f} "
                      f"{r['peak_rss_mb']:12.0f}  {'; '.join(r['errors'])}")  # fmt: skip
    elif args.command == "view":
        for r in view_read(args.db, args.repeat):
            print(f"{r['view']:15} {r['decisions']:>8,.0f} decisions: result objects {r['objects']:.3f} s CPU, "
                  f"summary {r['summary']:.3f} s CPU (ratio {r['summary'] / r['objects']:.2f})")  # fmt: skip
    else:
        r = scorecard_read(args.db)
        ratio = r["stored"] / r["rules"]
        print(f"{r['decisions']:,} decisions: stored grades {r['stored']:.2f} s, rules from every close "
              f"{r['rules']:.2f} s (ratio {ratio:.2f}); peak RSS {r['peak_rss_mb']:.0f} MB")  # fmt: skip


if __name__ == "__main__":
    main()
