"""Facets are exact whatever the filters: each count equals a recount of the view's articles, at a
size beyond the old newest-5,000 cap (the demo hidden, a search, a source, labels, topics), on
SQLite and on PostgreSQL."""

from __future__ import annotations

from contextlib import closing
from datetime import date
from pathlib import Path

import pytest

from newsdesk.db import dialect, schema, writes
from newsdesk.db.read import facets as read_facets
from newsdesk.db.read import totals as read_totals
from newsdesk.db.read.articles import DEMO_SOURCE
from newsdesk.db.read.filters import where
from newsdesk.domain.filters import UNCATEGORISED, Filters
from newsdesk.domain.models import Article, CategoryTag

N = 6_000  # beyond the old newest-5,000 cap
CATS = ["Energy & Commodities", "Macro & Growth", "Financial Markets"]
SOURCES = ["Alpha Wire", "Beta Wire", "Gamma Wire", DEMO_SOURCE]


@pytest.fixture(scope="module")
def big(module_desk_target) -> Path | str:
    """N articles over six months, four sources, three topics, on each engine."""
    db = schema.open(module_desk_target)
    items = [
        Article(
            title=f"Story {i} about {'oil' if i % 3 else 'rates'}",
            source=SOURCES[i % 4] if i % 11 else SOURCES[0],
            url=f"https://example.com/{i}",
            published_at=f"2026-0{1 + i % 6}-{1 + i % 28:02d}T10:00:00Z",
            categories=[CategoryTag(CATS[i % 3])] + ([CategoryTag(CATS[(i + 1) % 3])] if i % 7 == 0 else [])
            if i % 5
            else [],
            sentiment=0.1 * (i % 7 - 3),
            sentiment_label=["bearish", "neutral", "bullish", None][i % 4],
        )
        for i in range(N)
    ]
    writes.write_batch(db, items, [], "facets")
    db.close()
    return module_desk_target


def recount(conn, f: Filters, real_dates_only: bool) -> dict[str, dict]:
    clause, params = where(f, "a")
    if real_dates_only:
        clause += " AND a.published_estimated = 0"
    ids = f"SELECT a.id FROM articles a WHERE {clause}"
    out = {
        "source": dict(conn.execute(f"SELECT source, count(*) FROM articles WHERE id IN ({ids}) GROUP BY 1", params)),
        "sentiment": dict(
            conn.execute(f"SELECT sentiment_label, count(*) FROM articles WHERE id IN ({ids}) GROUP BY 1", params)
        ),
        "category": dict(
            conn.execute(
                f"SELECT category, count(*) FROM article_categories WHERE effective = 1 AND article_id IN ({ids}) "
                "GROUP BY 1",
                params,
            )
        ),
    }
    alone = conn.execute(
        f"SELECT count(*) FROM articles a WHERE a.id IN ({ids}) AND NOT EXISTS "
        "(SELECT 1 FROM article_categories c WHERE c.article_id = a.id AND c.effective = 1)",
        params,
    ).fetchone()[0]
    if alone:
        out["category"][UNCATEGORISED] = alone
    return out


@pytest.mark.parametrize(
    "filters",
    [
        Filters(hidden_sources=(DEMO_SOURCE,)),
        Filters(text="oil"),
        Filters(text="oil", hidden_sources=(DEMO_SOURCE,)),
        Filters(sources=("Alpha Wire", "Beta Wire")),
        Filters(labels=("bearish", "bullish")),
        Filters(labels=("neutral",), topics=("Macro & Growth",)),
        Filters(topics=("Energy & Commodities",)),
        Filters(),
        Filters(since=date(2026, 2, 1), until=date(2026, 4, 30), hidden_sources=(DEMO_SOURCE,)),
    ],
    ids=str,
)
def test_facets_are_exact(big, filters) -> None:
    with closing(schema.open(big, readonly=True)) as conn:
        total = read_totals.kpis(conn, filters)["articles"]
        got = read_facets.facets(conn, filters, limit=50, total=total)
        want = recount(conn, filters, real_dates_only=not filters.text and not filters.sources
                       and not filters.hidden_sources and not filters.labels)  # fmt: skip
    for name in ("source", "sentiment", "category"):
        values = [None if v != v else v for v in got[name]["value"]]  # NaN read as None
        assert dict(zip(values, got[name]["articles"], strict=True)) == want[name], name
    assert sum(want["source"].values()) == total > 100


@pytest.mark.parametrize(
    "topics", [(UNCATEGORISED,), (UNCATEGORISED, "Macro & Growth"), ("Macro & Growth",)], ids=" + ".join
)
@pytest.mark.parametrize("hidden", [(), (DEMO_SOURCE,)], ids=["all", "demo-hidden"])
def test_uncategorised_is_a_topic_to_filter_by(big, topics, hidden) -> None:
    from newsdesk.db.read import articles as read_articles
    from newsdesk.db.read import timeline as read_timeline

    f = Filters(topics=topics, hidden_sources=hidden)
    with closing(schema.open(big, readonly=True)) as conn:
        hide = "AND a.source != ?" if hidden else ""
        want = conn.execute(
            "SELECT count(*) FROM articles a WHERE ("
            "NOT EXISTS (SELECT 1 FROM article_categories c WHERE c.article_id = a.id AND c.effective = 1) AND ? "
            "OR EXISTS (SELECT 1 FROM article_categories c WHERE c.article_id = a.id AND c.effective = 1 "
            f"AND c.category = 'Macro & Growth') AND ?) {hide}",
            [UNCATEGORISED in topics, "Macro & Growth" in topics, *hidden],
        ).fetchone()[0]
        assert read_totals.kpis(conn, f)["articles"] == want > 0
        assert len(read_articles.articles(conn, f)) == want
        got = read_facets.facets(conn, f, limit=50)
        counts = dict(zip(got["category"]["value"], got["category"]["articles"], strict=True))
        assert (UNCATEGORISED in counts) == (UNCATEGORISED in topics)
        assert sum(got["source"]["articles"]) == want
        charted = set(read_timeline.daily_sentiment(conn, f, "week")["category"])
        assert (UNCATEGORISED in charted) == (UNCATEGORISED in topics)


@pytest.mark.parametrize(
    ("selection", "row"),
    [
        ({"rows": [2], "cells": []}, 2),
        ({"rows": [], "cells": [(4, "Source")]}, 4),  # a click on the value cell: its row
        ({"rows": [], "cells": [(1, "Articles")]}, 1),  # a click on the count cell: its row
        ({"rows": [], "cells": []}, None),
        ({}, None),
    ],
)
def test_a_click_anywhere_on_a_facet_row_chooses_it(selection, row) -> None:
    from types import SimpleNamespace

    from components.tables import facet_click

    assert facet_click(SimpleNamespace(selection=selection)) == row
    assert facet_click(None) is None


def test_uncategorised_in_the_url_filters_the_dashboard(tmp_path, monkeypatch) -> None:
    from tests.apptest_util import app, metrics
    from tests.ui.test_dashboard import query_values

    path = tmp_path / "u.db"
    db = schema.connect(path)
    items = [
        Article(
            title=f"Story {i}",
            source="Wire",
            url=f"https://example.com/u/{i}",
            published_at=f"2026-06-{1 + i:02d}T10:00:00Z",
            categories=[CategoryTag(CATS[0])] if i % 3 else [],
            sentiment=0.1,
            sentiment_label="neutral",
        )
        for i in range(9)
    ]
    writes.write_batch(db, items, [], "u")
    db.close()
    monkeypatch.setenv("NEWSDESK_DB", str(path))
    at = app()
    at.query_params["topic"] = UNCATEGORISED
    at.run()
    assert not at.exception
    assert at.multiselect(key="w_topics").value == [UNCATEGORISED]
    assert metrics(at)["Articles"] == "3"
    assert query_values(at, "topic") == [UNCATEGORISED]


def test_a_big_import_leaves_fresh_planner_statistics(big) -> None:
    """On a server the import refreshed the planner's statistics itself (else the first reads after it
    plan as if the tables were empty); SQLite plans without them."""
    if not dialect.is_server_url(big):
        pytest.skip("SQLite keeps no planner statistics")
    with closing(schema.open(big, readonly=True)) as conn:
        (rows,) = conn.execute("SELECT reltuples FROM pg_class WHERE relname = 'articles'").fetchone()
    assert rows == N
