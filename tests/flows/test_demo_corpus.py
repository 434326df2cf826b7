"""The shipped demo corpus meets its brief: size, spread, categories, tone mix, completeness."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date

import pytest

from newsdesk.flows.ingest import demo_files
from newsdesk.ingest import read_path


@pytest.fixture(scope="module")
def corpus():
    files = demo_files()
    parsed = [read_path(f, "page") for f in files]
    problems = [p for r in parsed for p in r.problems]
    assert problems == []
    return [a for r in parsed for a in r.articles]


def test_size_and_spread(corpus) -> None:
    assert len(corpus) >= 120
    days = sorted(date.fromisoformat(a.published_at[:10]) for a in corpus)
    assert (days[-1] - days[0]).days >= 183
    assert len({d.strftime("%Y-%m") for d in days}) >= 6


def test_every_article_is_complete_and_marked_illustrative(corpus) -> None:
    for a in corpus:
        assert a.source == "newsdesk demo desk", a.title
        assert a.summary and len(a.body.split()) >= 100, a.title
        assert a.source_sentiment is not None and a.source_sentiment_label and a.source_impact is not None
        assert 2 <= len(a.decisions) <= 5, a.title
        assert not a.published_estimated
    texts = [p.read_text("utf-8") for p in demo_files()]
    assert all("Not real news" in t for t in texts)


def test_categories_and_tone_mix(corpus) -> None:
    counts = Counter(c.category for a in corpus for c in a.categories)
    assert len(counts) >= 10
    assert min(counts.values()) >= 8, counts
    for needed in ("Geopolitics & War", "Elections & Domestic Politics", "Infrastructure & Defense"):
        assert counts[needed] >= 8
    tones = defaultdict(set)
    for a in corpus:
        tone = {"bullish": "bull", "somewhat-bullish": "bull", "bearish": "bear", "somewhat-bearish": "bear"}.get(
            a.source_sentiment_label, "neutral"
        )
        for c in a.categories:
            tones[c.category].add(tone)
    assert all(t == {"bull", "bear", "neutral"} for t in tones.values()), dict(tones)


def test_titles_are_unique(corpus) -> None:
    titles = [a.title for a in corpus]
    assert len(set(titles)) == len(titles)
