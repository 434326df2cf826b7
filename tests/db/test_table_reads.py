"""The narrow reads behind the page tables: an article table's rows read without their bodies are the
full read's rows and columns, and the Decisions page's rows read and shaped in two steps (the basket
links read between them) are :func:`decisions`'s."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from benchmarks import synthetic
from newsdesk.db import schema
from newsdesk.db.read import articles, decisions
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


@pytest.mark.parametrize("filters", VIEWS, ids=str)
def test_decisions_read_then_shaped_are_the_decisions(conn, filters: Filters) -> None:
    whole = decisions.decisions(conn, filters, limit=2000)
    raw = decisions.raw_decisions(conn, filters, limit=2000)
    assert isinstance(raw["instruments"].dropna().iloc[0] if len(raw) else "", str)  # as stored, not yet decoded
    pd.testing.assert_frame_equal(decisions.typed(raw), whole, check_exact=True)
    if filters == Filters():
        assert len(whole) > 0
