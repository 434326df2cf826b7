"""The shared scored-article sample, end to end: parse, store, export."""

from __future__ import annotations

import csv
import io

from newsdesk.db.read import articles as read_articles
from newsdesk.db.read import decisions as read_decisions
from newsdesk.flows import export
from newsdesk.flows import ingest as pipeline
from newsdesk.ingest import read_path


def test_sample_page_fields(sample_path) -> None:
    result = read_path(sample_path)
    assert result.problems == []
    (a,) = result.articles
    assert a.title == "Trump Chats With Japan’s Takaichi on Alliance After Xi Meeting"
    assert a.source_impact == 0.15
    assert a.source_sentiment == 0.05
    assert a.source_sentiment_label == "neutral"
    assert [c.category for c in a.categories] == [
        "Geopolitics & War",
        "Elections & Domestic Politics",
        "Infrastructure & Defense",
    ]
    assert a.source == "AllMind AI Terminal"
    assert a.summary.startswith("Donald Trump and Japanese Prime Minister Sanae Takaichi spoke by phone")
    assert a.summary.endswith("contains no direct policy or market-moving detail.")
    assert a.body.startswith("This call is less about optics")
    assert a.body.endswith("diversified electronics assembly.")
    assert "Request Demo" not in a.body and "AllMind" not in a.body
    assert [d.text.split()[0] for d in a.decisions] == ["Overweight", "Add", "Hedge", "Buy", "Pair"]
    assert a.published_at is None


def test_sample_stored_and_exported(sample_path, db) -> None:
    first = pipeline.ingest_paths(db, [sample_path])
    assert (first.added, first.duplicates, first.rejected) == (1, 0, 0)
    again = pipeline.ingest_paths(db, [sample_path])
    assert (again.added, again.duplicates, again.rejected) == (0, 1, 0)
    rows = list(csv.DictReader(io.StringIO(export.csv_bytes(read_articles.articles(db.conn)).decode())))
    assert len(rows) == 1
    row = rows[0]
    assert row["source_impact"] == "0.15"
    assert row["source_sentiment"] == "0.05"
    assert row["source_sentiment_label"] == "neutral"
    assert row["categories"] == "Elections & Domestic Politics; Geopolitics & War; Infrastructure & Defense"
    assert row["published_estimated"] == "1"
    assert row["scorer_version"]
    decisions = read_decisions.decisions(db.conn)
    assert decisions["position"].tolist() == [1, 2, 3, 4, 5]
    assert decisions["text"].iloc[0].startswith("Overweight Japan defense")
    assert decisions["text"].iloc[4].startswith("Pair long Japanese infrastructure")
