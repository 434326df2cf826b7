"""Market relevance (newsdesk.score.market): sport, entertainment and lifestyle are not market news
unless a listed company or a market cue makes them so."""

from __future__ import annotations

import pytest

from newsdesk.db import schema, writes
from newsdesk.db.read.filters import plan
from newsdesk.db.read.totals import kpis
from newsdesk.domain.filters import Filters, parse_market
from newsdesk.domain.models import Article
from newsdesk.flows import ingest as pipeline
from newsdesk.score.market import THRESHOLD, market_relevance
from newsdesk.score.pipeline import score_article
from tests.fault_util import daily_mismatches, derived_mismatches


@pytest.mark.parametrize(
    "title",
    [
        "Defender Estelle Johnson targets Cameroon success at Women's World Cup",
        "Wales flanker announces retirement from international rugby after 80 caps",
        "Quarterback throws three touchdowns as Packers rout Bears",
        "Oscar-winning actress opens up about her new movie role",
        "Easy weeknight pasta recipes the whole family will love",
        "Taylor Swift surprises fans with a new album",
        "27 things for anyone who loves their kitchen",
        "Weekend weather: a rainbow over the lake and a full moon",
    ],
)
def test_sport_entertainment_and_lifestyle_are_not_market_news(title: str) -> None:
    result = market_relevance(title)
    assert not result.relevant, result
    assert result.relevance < THRESHOLD
    assert result.other_cues


@pytest.mark.parametrize(
    "title, companies",
    [
        ("Football club shares slump after Champions League exit", ()),
        ("Broadcaster wins £5bn Premier League TV rights deal", ()),
        ("Sportswear retailer's sales jump as World Cup lifts demand", ()),
        ("Fed raises interest rates by a quarter point", ()),
        ("Nike beats estimates as football boots sell out", (("Nike", 0.9),)),
        ("Broncos sold for a record $4.65 billion", ()),
    ],
)
def test_a_market_cue_or_a_listed_company_makes_it_market_news(title: str, companies) -> None:
    result = market_relevance(title, companies=companies)
    assert result.relevant, result
    assert result.market_cues


@pytest.mark.parametrize("title", ["", "   ", "!!!", "Ünïcödé ✓ 🙂", "a" * 5000, "Council publishes minutes"])
def test_odd_or_cue_less_text_is_kept_as_market_news_and_never_raises(title: str) -> None:
    result = market_relevance(title, title, title)
    assert 0.0 <= result.relevance <= 1.0
    assert result.relevant
    assert "relevance" in result.explanation()


def test_the_explanation_names_the_cues() -> None:
    text = market_relevance("Striker scores twice as United win the derby").explanation()
    assert text.startswith("Not market news")
    assert "sport: striker" in text


def test_the_pipeline_sets_both_fields() -> None:
    sport = score_article(Article(title="Defender targets Cameroon success at Women's World Cup", source="t"))
    market = score_article(Article(title="Apple shares jump after record iPhone sales", source="t"))
    assert sport.market_relevant is False and sport.market_relevance < THRESHOLD
    assert market.market_relevant is True and market.market_relevance > THRESHOLD


def test_sport_words_count_in_no_market_category() -> None:
    article = score_article(Article(title="Premier League football: Arsenal beat Chelsea in the derby", source="t"))
    assert not article.categories, article.categories


# ------------------------------------------------------------------ stored, filtered, counted


SPORT = "Defender Estelle Johnson targets Cameroon success at Women's World Cup"
MARKET_TITLE = "Refiner shares jump as profit beats estimates"


def _article(title: str, day: str) -> Article:
    return score_article(Article(title=title, source="Wire", published_at=f"{day}T09:00:00Z"))


@pytest.fixture
def stored(tmp_path):
    db = schema.connect(tmp_path / "m.db")
    writes.write_batch(db, [_article(SPORT, "2026-06-01"), _article(MARKET_TITLE, "2026-06-01")], [], "t")
    yield db
    db.close()


def test_both_columns_are_stored(stored) -> None:
    rows = dict(stored.execute("SELECT title, market_relevant FROM articles").fetchall())
    assert rows == {SPORT: 0, MARKET_TITLE: 1}
    assert stored.execute("SELECT count(*) FROM articles WHERE market_relevance IS NULL").fetchone()[0] == 0


@pytest.mark.parametrize("extra", [{}, {"labels": ("bullish", "somewhat-bullish", "neutral")}, {"text": "success"}])
def test_the_default_view_counts_market_news_only_and_everything_counts_all(stored, extra) -> None:
    market = kpis(stored.conn, Filters(**extra))["articles"]
    everything = kpis(stored.conn, Filters(market="all", **extra))["articles"]
    assert market < everything
    assert market == (0 if extra.get("text") else 1)


def test_everything_is_answered_without_the_market_only_totals() -> None:
    assert plan(Filters()).from_totals
    assert not plan(Filters(market="all")).from_totals
    assert not plan(Filters(topics=("Energy & Commodities",), market="all")).from_totals


@pytest.mark.parametrize(
    "given, expected", [("all", "all"), ("ALL", "all"), ("everything", "all"), ("market", "market"),
                        ("", "market"), (None, "market"), ("bogus", "market"), (3, "market")]
)  # fmt: skip
def test_the_url_value_is_read_leniently(given, expected) -> None:
    assert parse_market(given) == expected


def test_the_derived_tables_hold_market_news_only_and_follow_a_rescore(stored) -> None:
    assert stored.execute("SELECT sum(n) FROM daily_totals").fetchone()[0] == 1
    assert not daily_mismatches(stored.conn) and not derived_mismatches(stored.conn)
    stored.execute("UPDATE articles SET scorer_version = 'old'")
    assert pipeline.rescore(stored, pipeline.stale_ids(stored, "x", everything=True)) == 2
    assert stored.execute("SELECT sum(n) FROM daily_totals").fetchone()[0] == 1
    with schema.transaction(stored):  # what an older scorer left: every article market news
        stored.execute("UPDATE articles SET market_relevant = 1")
    assert stored.execute("SELECT sum(n) FROM daily_totals").fetchone()[0] == 2
    assert stored.execute("SELECT count(*) FROM article_categories WHERE market_relevant = 0").fetchone()[0] == 0


# ------------------------------------------------------------------ the switch in the filter bar


def test_the_overview_counts_market_news_and_the_switch_and_url_show_everything(tmp_path, monkeypatch) -> None:
    from tests.apptest_util import app, metrics

    path = tmp_path / "desk.db"
    db = schema.connect(path)
    writes.write_batch(db, [_article(SPORT, "2026-06-01"), _article(MARKET_TITLE, "2026-06-02")], [], "t")
    db.close()
    monkeypatch.setenv("NEWSDESK_DB", str(path))
    at = app().run()
    assert not at.exception
    assert at.segmented_control(key="w_market").value == "market"
    assert metrics(at)["Articles"] == "1"
    assert list(at.dataframe[0].value["title"]) == [MARKET_TITLE]
    assert at.query_params.get("market") is None
    at.segmented_control(key="w_market").set_value("all").run()
    assert metrics(at)["Articles"] == "2"
    assert at.query_params.get("market") in ("all", ["all"])
    fresh = app()
    fresh.query_params["market"] = "all"  # a pasted URL reproduces it
    fresh.run()
    assert fresh.segmented_control(key="w_market").value == "all"
    assert metrics(fresh)["Articles"] == "2"


def _desk(tmp_path, monkeypatch):
    path = tmp_path / "desk.db"
    db = schema.connect(path)
    writes.write_batch(db, [_article(SPORT, "2026-06-01"), _article(MARKET_TITLE, "2026-06-02")], [], "t")
    ids = dict(db.execute("SELECT title, id FROM articles").fetchall())
    db.close()
    monkeypatch.setenv("NEWSDESK_DB", str(path))
    return path, ids


def test_the_article_page_explains_the_verdict(tmp_path, monkeypatch) -> None:
    from tests.apptest_util import app

    _path, ids = _desk(tmp_path, monkeypatch)
    at = app().run()
    at.query_params["id"] = ids[SPORT]
    at.switch_page("pages/3_Article.py").run()
    assert not at.exception
    text = " ".join(m.value for m in at.markdown) + " ".join(c.value for c in at.caption)
    assert "Not market news" in text
    assert "Other cues" in text and "world cup" in text.lower()


def test_the_export_says_which_articles_are_market_news(tmp_path, monkeypatch) -> None:
    import csv
    import io

    from newsdesk.db.read.articles import article_chunks
    from newsdesk.flows.export import csv_stream

    path, _ids = _desk(tmp_path, monkeypatch)
    db = schema.connect(path)
    for market, expected in (("all", {SPORT: "no", MARKET_TITLE: "yes"}), ("market", {MARKET_TITLE: "yes"})):
        data = b"".join(csv_stream(article_chunks(db.conn, Filters(market=market)))).decode("utf-8-sig")
        rows = list(csv.DictReader(io.StringIO(data)))
        assert {r["title"]: r["market news"] for r in rows} == expected
        assert all(0.0 <= float(r["market relevance"]) <= 1.0 for r in rows)
    db.close()
