"""Reads the Overview runs on every filter change, answered from the derived tables: What moved of a
topic and date view from the daily totals (the same rows as from ``articles``), and the sentiment chart's
Uncategorised line from the empty category set's own index."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from benchmarks import synthetic
from newsdesk.db import schema, writes
from newsdesk.db.read import options, timeline
from newsdesk.domain.filters import UNCATEGORISED, Filters
from newsdesk.domain.models import Article


@pytest.fixture(scope="module")
def conn(tmp_path_factory):
    path: Path = tmp_path_factory.mktemp("reads") / "synthetic.db"
    db = schema.connect(path)
    synthetic.generate(db, 4_000, seed=11)
    bare = [  # articles with no category: the Uncategorised line
        Article(id=f"bare-{i}", title=f"Plain note {i}", source="Wire", url=f"https://example.com/{i}",
                published_at=f"2025-0{1 + i % 3}-{10 + i % 9:02d}T12:00:00Z", sentiment=0.1 * (i % 5) - 0.2,
                sentiment_label="neutral", impact=0.3)
        for i in range(40)
    ]  # fmt: skip
    writes.write_new(db, [(a, a.id) for a in bare], "test")
    db.close()
    connection = schema.connect_readonly(path)
    yield connection
    connection.close()


VIEWS = [
    Filters(),
    Filters(topics=("Trade & Tariffs",)),
    Filters(topics=("Trade & Tariffs", "Macro & Growth", "Energy & Commodities")),
    Filters(since=date(2025, 1, 1), until=date(2025, 3, 31)),
    Filters(topics=("Macro & Growth",), since=date(2024, 6, 1), until=date(2024, 6, 20)),
    Filters(since=date(2026, 11, 15)),
    Filters(until=date(2023, 11, 25)),  # the first days: no baseline
]


@pytest.mark.parametrize("filters", VIEWS, ids=str)
def test_what_moved_from_the_totals_equals_what_moved_from_articles(conn, filters: Filters) -> None:
    every_source = tuple(options.sources(conn)["source"])
    from_articles = replace(filters, sources=every_source)  # the same articles, read from ``articles``
    assert timeline.plan(filters).from_totals and not timeline.plan(from_articles).from_totals
    got, want = timeline.what_moved(conn, filters), timeline.what_moved(conn, from_articles)
    pd.testing.assert_frame_equal(got, want, check_exact=False, rtol=1e-9)
    if filters in VIEWS[:3]:  # a long view: bars to compare
        assert len(got) > 0


@pytest.mark.parametrize("filters", [Filters(), Filters(since=date(2025, 1, 1), until=date(2025, 3, 31))], ids=str)
def test_uncategorised_line_reads_the_empty_set_index(conn, filters: Filters) -> None:
    sql, params = timeline._uncategorised_part(filters)
    plan = " ".join(str(row[3]) for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}", params))
    assert "COVERING INDEX idx_category_set_totals_empty" in plan, plan
    every_source = tuple(options.sources(conn)["source"])
    lines = [timeline.daily_sentiment(conn, f, "week") for f in (filters, replace(filters, sources=every_source))]
    got, want = (line[line["category"] == UNCATEGORISED].reset_index(drop=True) for line in lines)
    assert len(got) > 0
    pd.testing.assert_frame_equal(got[["period", "category", "articles", "mean_sentiment"]],
                                  want[["period", "category", "articles", "mean_sentiment"]])  # fmt: skip
