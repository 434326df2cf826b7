"""Every fixture file is parsed and compared with the ``.expected.json`` beside it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsdesk.ingest import read_path

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
# one folder of input fixtures per format
FORMAT_DIRS = ("pages", "jsonl", "json", "alphavantage", "newsapi", "csv", "feed")
CASES = sorted(
    p for d in FORMAT_DIRS for p in (FIXTURES / d).rglob("*") if p.is_file() and not p.name.endswith(".expected.json")
)


def expected_for(path: Path) -> dict:
    return json.loads(path.with_name(path.stem + ".expected.json").read_text("utf-8"))


@pytest.mark.parametrize("path", CASES, ids=[str(p.relative_to(FIXTURES)) for p in CASES])
def test_fixture_matches_expectation(path: Path) -> None:
    exp = expected_for(path)
    result = read_path(path)
    assert [a.title for a in result.articles] == [e["title"] for e in exp["articles"]]
    for article, want in zip(result.articles, exp["articles"], strict=True):
        for key, value in want.items():
            if key == "categories":
                assert [c.category for c in article.categories] == value
                assert all(c.origin == "source" for c in article.categories)
            elif key == "decisions":
                texts = [d.text for d in article.decisions]
                assert (len(texts) if isinstance(value, int) else texts) == value
                assert [d.position for d in article.decisions] == list(range(1, len(texts) + 1))
            elif key.endswith("_startswith"):
                assert getattr(article, key.removesuffix("_startswith")).startswith(value)
            elif isinstance(value, float):
                assert getattr(article, key) == pytest.approx(value)
            else:
                assert getattr(article, key) == value, key
    assert len(result.problems) == len(exp["problems"]), [p.reason for p in result.problems]
    for problem, want in zip(result.problems, exp["problems"], strict=True):
        assert problem.locator.endswith(want["locator_endswith"]), problem.locator
        assert want["reason_contains"] in problem.reason
        assert problem.raw


def test_every_fixture_has_expectations() -> None:
    assert CASES, "no fixture files found"
    for path in CASES:
        assert path.with_name(path.stem + ".expected.json").exists(), path


def test_every_fixture_ingests_with_expected_counts_and_twice_adds_nothing(tmp_path) -> None:
    from newsdesk.db import schema
    from newsdesk.flows import ingest as pipeline

    db = schema.connect(tmp_path / "all.db")
    expected_articles = sum(len(expected_for(p)["articles"]) for p in CASES)
    expected_problems = sum(len(expected_for(p)["problems"]) for p in CASES)
    first = pipeline.ingest_paths(db, CASES)
    assert first.unreadable == []
    assert first.added + first.duplicates == expected_articles
    assert first.rejected == expected_problems
    second = pipeline.ingest_paths(db, CASES)
    assert second.added == 0
    assert second.duplicates == expected_articles
    assert db["articles"].count == first.added
