"""The narrow read behind the article tables: an article table's rows read without their bodies are the
full read's rows and columns."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from benchmarks import synthetic
from newsdesk.db import schema
from newsdesk.db.read import articles
from newsdesk.domain.filters import Filters


@pytest.fixture(scope="module")
def conn(tmp_path_factory):
    path: Path = tmp_path_factory.mktemp("tables") / "synthetic.db"
    db = schema.connect(path)
    synthetic.generate(db, 3_000, seed=5)
    db.close()
    connection = schema.connect_readonly(path)
    yield connection
    connection.close()


VIEWS = [
    Filters(),
    Filters(topics=("Trade & Tariffs",)),
    Filters(topics=("Trade & Tariffs", "Macro & Growth", "Energy & Commodities")),
    Filters(since=date(2025, 1, 1), until=date(2025, 3, 31)),
    Filters(labels=("bearish", "somewhat-bearish"), min_impact=0.3),
    Filters(topics=("Macro & Growth",), per_story=True),
    Filters(market="all", first_reports=True),
]


@pytest.mark.parametrize("limit", [200, 1000])
@pytest.mark.parametrize("filters", VIEWS, ids=str)
def test_table_rows_are_the_full_rows_without_bodies(conn, filters: Filters, limit: int) -> None:
    full = articles.articles(conn, filters, limit)
    table = articles.articles(conn, filters, limit, table=True)
    assert "body" in full and "body" not in table and "summary" not in table
    assert {"id", "published_estimated", "categories", "companies"} <= set(table.columns)
    if filters.per_story:
        assert {"story_outlets", "story_size"} <= set(table.columns)
    pd.testing.assert_frame_equal(table, full[list(table.columns)], check_exact=True)
    if filters == Filters():
        assert len(table) == min(limit, len(articles.articles(conn, filters)))
