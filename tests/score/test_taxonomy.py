"""The taxonomy's mapping of source topics: every Alpha Vantage topic, in both spellings, becomes a
newsdesk category, and nothing else does."""

from __future__ import annotations

import json

import pytest

from newsdesk.domain.taxonomy import (
    alphavantage_topics,
    av_topic_key,
    canonical_category,
    category_names,
    load_taxonomy,
)
from newsdesk.ingest import parse_bytes

# The topics of the Alpha Vantage NEWS_SENTIMENT API: display name in the feed, name in the `topics=` parameter.
AV_TOPICS = [
    ("Blockchain", "blockchain"),
    ("Earnings", "earnings"),
    ("IPO", "ipo"),
    ("Mergers & Acquisitions", "mergers_and_acquisitions"),
    ("Financial Markets", "financial_markets"),
    ("Economy - Fiscal", "economy_fiscal"),
    ("Economy - Monetary", "economy_monetary"),
    ("Economy - Macro", "economy_macro"),
    ("Energy & Transportation", "energy_transportation"),
    ("Finance", "finance"),
    ("Life Sciences", "life_sciences"),
    ("Manufacturing", "manufacturing"),
    ("Real Estate & Construction", "real_estate"),
    ("Retail & Wholesale", "retail_wholesale"),
    ("Technology", "technology"),
]


@pytest.mark.parametrize(("display", "api_name"), AV_TOPICS)
def test_every_alpha_vantage_topic_maps_in_both_spellings(display: str, api_name: str) -> None:
    category = canonical_category(api_name)
    assert category in category_names()
    assert canonical_category(display) == category
    assert av_topic_key(display) == av_topic_key(api_name) == api_name


def test_the_taxonomy_lists_exactly_the_alpha_vantage_topics() -> None:
    assert {(t.display, t.key) for t in alphavantage_topics()} == set(AV_TOPICS)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (" economy - MONETARY ", "Monetary Policy & Rates"),
        ("Economy_Monetary", "Monetary Policy & Rates"),
        ("mergers and acquisitions", "M&A & Capital Markets"),
        ("Mergers-&-Acquisitions", "M&A & Capital Markets"),
        ("real estate & construction", "Real Estate & Housing"),
        ("technology & ai", "Technology & AI"),  # a category's own name, in any case
        ("Geopolitics  &  War", "Geopolitics & War"),
        ("Economy", None),
        ("economy_", None),
        ("Sports", None),
        ("", None),
        ("   ", None),
        (None, None),
        (42, None),
        (["technology"], None),
    ],
)
def test_canonical_category_of_odd_names(raw, expected) -> None:
    assert canonical_category(raw) == expected


def test_every_category_av_topic_is_an_alpha_vantage_topic() -> None:
    keys = {t.key for t in alphavantage_topics()}
    assert {c.av_topic for c in load_taxonomy() if c.av_topic} <= keys


def test_alpha_vantage_feed_topics_in_either_spelling_become_categories() -> None:
    topics = [{"topic": name, "relevance_score": "0.9"} for pair in AV_TOPICS for name in pair]
    topics += [{"topic": "Sports", "relevance_score": "1.0"}, {"topic": 7}, {"relevance_score": "0.5"}]
    doc = {"feed": [{"title": "Fixture headline", "time_published": "20260302T143000", "topics": topics}]}
    result = parse_bytes(json.dumps(doc).encode(), "feed.json", "alphavantage")
    (article,) = result.articles
    names = [c.category for c in article.categories]
    assert len(names) == len(set(names))
    assert set(names) == {canonical_category(api_name) for _display, api_name in AV_TOPICS}
    assert all(c.origin == "source" and c.relevance == 0.9 for c in article.categories)
