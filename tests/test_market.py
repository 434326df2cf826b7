"""Market relevance (newsdesk.score.market): sport, entertainment and lifestyle are not market news
unless a listed company or a market cue makes them so."""

from __future__ import annotations

import pytest

from newsdesk.models import Article
from newsdesk.score.market import THRESHOLD, market_relevance
from newsdesk.score.pipeline import score_article


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
