"""What an index buys the dashboard's reads: every statement the pages run on a desk (captured with
SQLite's trace callback while each page runs in AppTest, with its default view and with three topics,
a company and a text search picked), each planned and timed with the index and without it (dropped
inside a transaction that is rolled back: the file is never changed).

    python benchmarks/index_reads.py --db data/bench.db idx_entities_ticker_article idx_articles_published_at

For each name: how many of the captured statements use the index, how many change plan without it,
and the statements whose best-of-3 time moves most. ``benchmarks/index_costs.py`` gives the other
side: what the index costs a batch of writes.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import floors  # noqa: E402 - after the path

PAGES_GLOB = "pages/*.py"


def capture(path: str) -> list[str]:
    """The distinct statements (parameters bound) every page runs on ``path``: default view, then three
    topics, a company and a text search picked where the page has those filters."""
    from streamlit.testing.v1 import AppTest

    from newsdesk.config import ROOT
    from newsdesk.db import schema

    seen: dict[str, None] = {}
    connect = schema.connect_readonly

    def traced(p: str | Path) -> sqlite3.Connection:
        conn = connect(p)
        conn.set_trace_callback(lambda sql: seen.setdefault(sql, None))
        return conn

    os.environ["NEWSDESK_DB"] = path
    schema.connect_readonly = traced  # type: ignore[assignment]
    try:
        pages = ["dashboard.py", *sorted(str(p.relative_to(ROOT)) for p in ROOT.glob(PAGES_GLOB))]
        for page in pages:
            at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=600)
            at.run()
            if page != "dashboard.py":
                at.switch_page(page).run()
            for key, pick in (("w_topics", 3), ("w_companies", 1)):
                widgets = [w for w in at.multiselect if w.key == key]
                if widgets and widgets[0].options:
                    widgets[0].set_value(list(widgets[0].options[:pick])).run()
            boxes = [w for w in at.text_input if w.key == "w_text"]
            if boxes:
                boxes[0].set_value("orders").run()
    finally:
        schema.connect_readonly = connect  # type: ignore[assignment]
    return [s for s in seen if floors.is_read(s)]


def best_ms(conn: sqlite3.Connection, sql: str, repeat: int = 3) -> float:
    return 1000 * floors.best_seconds(lambda: conn.execute(sql).fetchall(), repeat)


def compare(path: str, statements: list[str], name: str) -> dict:
    """Plans and times of ``statements`` with index ``name`` and without it (dropped, rolled back)."""
    # no statement cache: an EXPLAIN prepared before the drop would give the old plan after it (it never
    # checks the schema), and every statement is prepared anew on both sides alike
    conn = sqlite3.connect(path, isolation_level=None, cached_statements=0)
    try:
        before = {s: (floors.query_plan(conn, s), best_ms(conn, s)) for s in statements}
        with floors.without_index(conn, name):
            after = {s: (floors.query_plan(conn, s), best_ms(conn, s)) for s in statements}
    finally:
        conn.close()
    users = [s for s in statements if name in before[s][0]]
    changed = [s for s in statements if before[s][0] != after[s][0]]
    moves = sorted(((after[s][1] - before[s][1], s) for s in changed), reverse=True)
    return {
        "users": len(users),
        "changed": len(changed),
        "total_with": sum(v[1] for v in before.values()),
        "total_without": sum(v[1] for v in after.values()),
        "moves": [(delta, before[s][1], after[s][1], s, before[s][0], after[s][0]) for delta, s in moves],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True, help="A SQLite desk (bench generate).")
    parser.add_argument("names", nargs="+", help="Indexes to weigh, one at a time.")
    parser.add_argument("--show", type=int, default=3, help="Statements to print per index (largest moves).")
    args = parser.parse_args()
    path = str(Path(args.db).resolve())
    with sqlite3.connect(path) as conn:
        for name in args.names:
            if not floors.is_index(conn, name):
                raise SystemExit(f"no index named {name}")
    statements = capture(path)
    print(f"{len(statements)} distinct read statements captured from the pages")
    for name in args.names:
        r = compare(path, statements, name)
        print(
            f"\n{name}: used by {r['users']} statements; {r['changed']} change plan without it; all statements "
            f"{r['total_with']:.1f} ms with it, {r['total_without']:.1f} ms without"
        )
        for delta, ms_with, ms_without, sql, was, now in r["moves"][: args.show]:
            print(f"  {ms_with:8.2f} -> {ms_without:8.2f} ms ({delta:+.2f})  {sql[:150]!r}")
            print(f"      with:    {was[:200]}")
            print(f"      without: {now[:200]}")


if __name__ == "__main__":
    main()
