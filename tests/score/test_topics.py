"""Scored categories: from the headline alone, from headline + summary, from the companies named,
and source topics read through the taxonomy (headlines written for these tests)."""

from __future__ import annotations

import pytest

from newsdesk.domain.models import Article, CategoryTag
from newsdesk.domain.taxonomy import sector_categories
from newsdesk.score.pipeline import score_article, source_categories
from newsdesk.score.topics import MIN_RELEVANCE, sector_evidence, tag_topics, topic_matcher, without_amounts


@pytest.mark.parametrize(
    ("headline", "expected"),
    [
        ("Regional grocer to close 40 stores as shoppers trade down", "Consumer & Retail"),
        ("Budget airline cancels flights as pilots walk out", "Transport & Travel"),
        ("Chancellor weighs stamp duty holiday in autumn statement", "Elections & Domestic Politics"),
        ("Engineering group to axe staff at two factories", "Autos & Industrials"),
        ("Drugmaker wins approval for new diabetes medicine", "Healthcare & Pharma"),
        ("Studio delays sequel as cinemas stay shut", "Media & Entertainment"),
        ("Insurers and asset managers lead shares higher", "Banks & Financial Services"),
        ("Stocks slide as bond yields jump and the dollar firms", "Financial Markets"),
        ("Landlords face tougher rules on rents for tenants", "Real Estate & Housing"),
        ("Unemployment climbs as furlough scheme winds down", "Macro & Growth"),
        ("Watchdog fines lender over mis-sold loans", "Regulation & Antitrust"),
        ("Fed signals patience on rates as yields slip", "Monetary Policy & Rates"),
        ("Mining group posts record interim results", "Earnings & Corporate"),
        ("Bitcoin miners expand as crypto rebounds", "Crypto & Fintech"),
        ("Offshore wind auction draws record bids", "Climate & Clean Energy"),
        ("Exporters brace for new tariffs on steel", "Trade & Tariffs"),
    ],
)
def test_a_headline_alone_gets_its_category(headline: str, expected: str) -> None:
    tags = tag_topics(headline, "", "")
    assert expected in [t.category for t in tags]
    assert all(t.relevance >= MIN_RELEVANCE and t.origin == "scored" for t in tags)


@pytest.mark.parametrize(
    "headline",
    ["", "   ", "Obituary: a life in letters", "What the weather holds this week", "x" * 5000, "🚀 🚀 🚀"],
)
def test_headlines_with_no_topic_get_none(headline: str) -> None:
    assert tag_topics(headline, "", "") == []


def test_one_weak_word_in_a_headline_is_not_enough_and_two_are() -> None:
    assert tag_topics("The pandemic year", "", "") == []  # one weak cue (":0.5")
    assert [t.category for t in tag_topics("Pandemic virus spreads", "", "")] == ["Healthcare & Pharma"]


def test_the_summary_adds_what_the_headline_lacks() -> None:
    headline = "Markets brace for a busy week"
    alone = {t.category for t in tag_topics(headline, "", "")}
    summary = "Investors expect the central bank to cut interest rates on Thursday."
    both = {t.category for t in tag_topics(headline, summary, "")}
    assert "Monetary Policy & Rates" not in alone and "Monetary Policy & Rates" in both


def test_a_summary_that_repeats_the_headline_counts_once() -> None:
    headline = "Carmaker recalls vehicles"
    assert tag_topics(headline, headline + " Wire Service ...", "") == tag_topics(headline, "", "")


def test_a_side_topic_of_the_body_is_dropped_but_a_headline_topic_is_kept() -> None:
    body = " ".join(["The central bank raised interest rates again and signalled more rate hikes."] * 6)
    body += " A tourist was quoted."
    names = [t.category for t in tag_topics("Airline shares slide", "", body)]
    assert names[0] == "Monetary Policy & Rates"
    assert "Transport & Travel" in names  # named in the headline
    assert "Media & Entertainment" not in names


def test_companies_named_in_the_headline_are_evidence_for_their_sector() -> None:
    sectors = sector_categories()
    assert sector_evidence([("Financials", 0.9), ("Nonexistent", 1.0)], sectors) == {
        "Banks & Financial Services": pytest.approx(2.7)
    }
    assert [t.category for t in tag_topics("A quiet Tuesday", "", "", extra={"Healthcare & Pharma": 2.7})] == [
        "Healthcare & Pharma"
    ]


def test_the_pipeline_uses_the_companies_named() -> None:
    article = score_article(Article(title="Quiet day as Lockheed Martin names a new chair", source="t"))
    assert "Infrastructure & Defense" in {c.category for c in article.categories if c.origin == "scored"}


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ([CategoryTag("Economy - Monetary", 0.8)], [("Monetary Policy & Rates", 0.8)]),
        ([CategoryTag("economy_monetary", 0.8)], [("Monetary Policy & Rates", 0.8)]),
        ([CategoryTag("technology & ai")], [("Technology & AI", None)]),
        (
            [CategoryTag("Finance", 0.5), CategoryTag("Financial Markets", 0.9)],
            [("Banks & Financial Services", 0.5), ("Financial Markets", 0.9)],
        ),
        ([CategoryTag("Financial Markets & Banking", 0.7)], [("Financial Markets", 0.7)]),  # an old name
        ([CategoryTag("Sports"), CategoryTag(""), CategoryTag("business")], []),
        ([CategoryTag("Macro & Growth", 0.7, "scored")], []),  # scored tags are recomputed, not carried over
    ],
)
def test_source_categories_are_read_through_the_taxonomy(given, kept) -> None:
    assert [(c.category, c.relevance) for c in source_categories(given)] == kept
    assert all(c.origin == "source" for c in source_categories(given))


def test_a_scored_article_never_carries_a_raw_source_topic() -> None:
    article = Article(
        title="Fixture bank lifts dividend",
        source="t",
        categories=[CategoryTag("economy_fiscal", 0.6), CategoryTag("Local News", 1.0)],
    )
    names = {c.category for c in score_article(article).categories}
    assert "Local News" not in names and "economy_fiscal" not in names
    assert "Elections & Domestic Politics" in names


def test_economic_data_is_background_to_a_market_or_rates_story() -> None:
    market = [t.category for t in tag_topics("Shares rally ahead of the jobs report as bond yields slip", "", "")]
    assert "Macro & Growth" not in market and market  # the data the story looks ahead to is not its topic
    data = [t.category for t in tag_topics("Jobs report: payrolls surge and the unemployment rate falls", "", "")]
    assert data[0] == "Macro & Growth"  # a story about the data itself


def test_a_weak_headline_topic_is_a_side_topic_of_the_lead_like_any_other() -> None:
    summary = (
        "Nasdaq and Dow Jones futures rose; investors cheered as Wall Street equities and stock markets rallied. "
        "Traders bought shares and the FTSE 100 and Nikkei followed."
    )
    names = [t.category for t in tag_topics("Stock market today: rate cut hopes", summary, "")]
    assert names == ["Financial Markets"]  # one mention of rates against a lead about markets


def test_banks_and_markets_are_separate_categories() -> None:
    assert [t.category for t in tag_topics("Regional lenders set aside more for loan losses", "", "")] == [
        "Banks & Financial Services"
    ]
    assert tag_topics("Treasury yields jump as the dollar index climbs", "", "")[0].category != (
        "Banks & Financial Services"
    )


@pytest.mark.parametrize(
    "headline",
    ["Publisher to cut 550 jobs", "Retailer to close up to 60 stores", "Engineer to axe about 1,200 jobs this year"],
)
def test_amounts_inside_a_keyword_are_skipped(headline: str) -> None:
    phrases = {"cut jobs", "close stores", "axe jobs"}
    assert not phrases & {key for _s, _e, key, _p in topic_matcher().find(headline)}  # not as written
    assert phrases & {key for _s, _e, key, _p in topic_matcher().find(without_amounts(headline))}
    assert "Earnings & Corporate" in [t.category for t in tag_topics(headline, "", "")]


@pytest.mark.parametrize(
    "headline, unwanted, wanted",
    [
        ("Debenhams rejects Mike Ashley coup attempt", "Geopolitics & War", None),
        ("Netflix worth more than ExxonMobil", "Energy & Commodities", "Financial Markets"),
        ("Army stages military coup in Niger", None, "Geopolitics & War"),
        ("ExxonMobil profits soar as oil price climbs", None, "Energy & Commodities"),
    ],
)
def test_a_boardroom_coup_is_no_war_and_a_yardstick_company_no_sector(headline, unwanted, wanted) -> None:
    names = {c.category for c in score_article(Article(title=headline, source="t")).categories}
    assert unwanted not in names
    assert wanted is None or wanted in names


@pytest.mark.parametrize(
    "title",
    [
        "Apple Unveils New Watch - Apple ( NASDAQ:AAPL )",
        "Apple (NASDAQ: AAPL) unveils new watch",
        "NYSE:IBM IBM launches AI",
    ],
)
def test_exchange_ticker_tags_are_not_evidence_of_a_markets_story(title: str) -> None:
    assert "Financial Markets" not in {c.category for c in tag_topics(title, "", "")}
