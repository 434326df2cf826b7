"""Topics from the companies an article is about, cue phrases of the taxonomy, and the topic bench
(headlines written for these tests; the bench fixture is invented in Alpha Vantage's shape)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from newsdesk.domain.models import Article, Entity
from newsdesk.domain.taxonomy import sector_categories
from newsdesk.score.pipeline import score_article
from newsdesk.score.topics import headline_sectors, tag_topics

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "topics" / "av_topics_tiny.json"


def scored_names(title: str, summary: str = "", tickers: tuple[tuple[str, float], ...] = ()) -> set[str]:
    entities = [Entity(ticker=t, name=t, relevance=r) for t, r in tickers]
    article = Article(title=title, summary=summary, source="t", entities=entities)
    return {c.category for c in score_article(article).categories}


@pytest.mark.parametrize(
    ("title", "summary", "sector"),
    [
        # the company is the subject; the words of the headline point elsewhere, and outvote its sector
        ("Pfizer chief executive steps down after boardroom row", "", "Healthcare & Pharma"),
        ("Exxon Mobil faces shareholder lawsuit over climate disclosures", "", "Energy & Commodities"),
        (
            "JPMorgan boss says the economy faces a hard landing",
            "He told investors that recession risks and unemployment are rising as consumers spend less.",
            "Banks & Financial Services",
        ),
        ("Lockheed Martin CEO pay package draws shareholder revolt", "", "Infrastructure & Defense"),
    ],
)
def test_the_sector_of_the_company_a_headline_is_about_is_kept(title: str, summary: str, sector: str) -> None:
    assert sector in scored_names(title, summary)


SECTORS = {"Energy & Commodities", "Healthcare & Pharma", "Consumer & Retail"}


@pytest.mark.parametrize(
    ("title", "kept"),
    [
        ("Dow hits a record as Chevron, Merck and Home Depot rally", set()),  # three sectors: a market story
        ("Dow slips as Merck and Home Depot fall", {"Healthcare & Pharma", "Consumer & Retail"}),  # two: both
    ],
)
def test_a_headline_of_companies_from_many_sectors_is_about_none_of_them(title: str, kept: set[str]) -> None:
    names = scored_names(title)
    assert names & SECTORS == kept
    assert "Financial Markets" in names


@pytest.mark.parametrize(
    ("tickers", "expected", "unexpected"),
    [
        ((("XOM", 0.6),), {"Energy & Commodities"}, set()),
        ((("XOM", 0.6), ("CVX", 0.3)), {"Energy & Commodities"}, set()),
        ((("XOM", 0.6), ("JPM", 0.5)), {"Energy & Commodities", "Banks & Financial Services"}, set()),
        # companies of three categories or more: a market story, no sector of theirs
        ((("XOM", 0.6), ("JPM", 0.5), ("PFE", 0.5)), set(), {"Energy & Commodities", "Healthcare & Pharma"}),
        # a tag counts whatever its relevance score: Alpha Vantage scores an article's own subject low
        # as often as not (0.07 for a company's own earnings call), and files its sector all the same
        ((("XOM", 0.05),), {"Energy & Commodities"}, set()),
        ((("XOM", None),), {"Energy & Commodities"}, set()),
        ((("XOM", 0.05), ("JPM", 0.9)), {"Energy & Commodities", "Banks & Financial Services"}, set()),
        ((("NOT-A-TICKER", 1.0), ("CRYPTO:BTC", 0.9)), set(), set()),
        # a company only the listing universe knows, never named in any text before; a source's spelling
        ((("SNOW", 0.7),), {"Technology & AI"}, set()),
        ((("BRK.B", 0.7),), {"Banks & Financial Services"}, set()),
    ],
)
def test_the_companies_a_source_tags_are_evidence_for_their_sectors(tickers, expected, unexpected) -> None:
    names = scored_names("Three things to watch this week", "", tickers)
    assert expected <= names
    assert not names & unexpected


@pytest.mark.parametrize(
    ("sectors", "expected"),
    [
        ([], set()),
        (["Energy"], {"Energy & Commodities"}),
        (["Energy", "Materials", "Utilities"], {"Energy & Commodities"}),  # one category
        (["Energy", "Financials"], {"Energy & Commodities", "Banks & Financial Services"}),
        (["Energy", "Financials", "Health Care"], set()),
        (["No Such Sector", ""], set()),
    ],
)
def test_headline_sectors(sectors: list[str], expected: set[str]) -> None:
    assert headline_sectors(sectors, sector_categories()) == expected


@pytest.mark.parametrize(
    ("headline", "wanted", "unwanted"),
    [
        ("The Magnificent Seven lose $500 billion in a day", "Technology & AI", None),
        ("Why FAANG stocks still lead the market", "Technology & AI", None),
        ("Mega-cap tech drags the Nasdaq lower", "Technology & AI", None),
        ("Should this ETF be on your investing radar?", None, "Infrastructure & Defense"),
        ("Navy orders new radar systems for its frigates", "Infrastructure & Defense", None),
        # a company's fiscal quarter is no fiscal policy, a vice president no politician
        ("Chipmaker beats in its fiscal third quarter", "Earnings & Corporate", "Elections & Domestic Politics"),
        ("Insurer promotes its head of claims to senior vice president", None, "Elections & Domestic Politics"),
        ("Government unveils fiscal rules to cut the deficit", "Elections & Domestic Politics", None),
        ("President signs the spending bill into law", "Elections & Domestic Politics", None),
        # "trade" alone is a market verb as often as commerce between countries
        ("Morning memo: trade strategy for SPY and QQQ", None, "Trade & Tariffs"),
        ("Exporters hail trade deal with Japan", "Trade & Tariffs", None),
        # retail money is a market, app developers are no property developers
        ("Retail investors pile into bitcoin ETFs", "Financial Markets", "Consumer & Retail"),
        ("Retailer warns as shoppers cut back", "Consumer & Retail", None),
        ("Game developers and app developers cheer the new store rules", None, "Real Estate & Housing"),
        ("Property developers halt new housing projects", "Real Estate & Housing", None),
    ],
)
def test_cue_phrases(headline: str, wanted: str | None, unwanted: str | None) -> None:
    names = {t.category for t in tag_topics(headline, "", "")}
    assert wanted is None or wanted in names
    assert unwanted is None or unwanted not in names


def run_bench(*args: str) -> str:
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "topic_bench.py"), *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    return result.stdout


def test_the_topic_bench_reports_micro_scores_per_topic_and_coverage() -> None:
    out = run_bench("--av", str(FIXTURE), "--av", str(FIXTURE))
    assert "av_topics_tiny.json: 4 items" in out
    assert "categorised (>= 1 category): 3/4 = 75%" in out
    assert "headline only, categorised: 3/4 = 75%" in out
    assert "micro precision 1.00  recall 0.75  F1 0.86  (tp 3, fp 0, fn 1)" in out
    assert "pooled (2 files): 8 items" in out
    assert "(tp 6, fp 0, fn 2)" in out
    rows = {line.split()[0]: line.split()[1:] for line in out.splitlines() if line.startswith("  life_sciences")}
    assert rows["life_sciences"] == ["2", "0", "2", "1.00", "0.50"]  # the last table is the pooled one


def test_the_topic_bench_can_hide_the_source_tickers() -> None:
    with_tickers = run_bench("--av", str(FIXTURE))
    text_only = run_bench("--av", str(FIXTURE), "--text-only")
    assert "(tp 3, fp 0, fn 1)" in with_tickers and "(tp 3, fp 0, fn 1)" in text_only


def test_the_topic_bench_reports_headline_coverage_of_a_csv() -> None:
    out = run_bench("--headlines", str(FIXTURE.with_name("headlines_tiny.csv")))
    assert "headlines_tiny.csv: 4 headline rows, categorised 3 = 75%" in out
    assert "'Monetary Policy & Rates': 1" in out and "'Consumer & Retail': 1" in out


@pytest.mark.parametrize(
    ("title", "summary", "tickers", "sector"),
    [
        # the source tags the company; the text is about something else, at length, and outvotes it
        (
            "Interest rates, inflation and the Fed: what the bond market expects next",
            "Treasury yields rose as traders priced fewer rate cuts before the central bank meeting.",
            (("XOM", 0.08),),
            "Energy & Commodities",
        ),
        (
            "Why the stock market rally may have further to run",
            "Investors piled into equities as the S&P 500 and Nasdaq hit record highs.",
            (("PFE", 0.12),),
            "Healthcare & Pharma",
        ),
    ],
)
def test_the_sector_of_a_company_the_source_tags_is_kept_beside_the_text_topics(
    title: str, summary: str, tickers: tuple[tuple[str, float], ...], sector: str
) -> None:
    assert sector in scored_names(title, summary, tickers)


@pytest.mark.parametrize(
    "title",
    [
        "2 Growth Stocks to Buy and Hold for the Next Decade",
        "Is This Retailer Still a Smart Buy After Its Slide?",
        "Should You Buy This Bargain Before It Rebounds?",
    ],
)
def test_a_stock_picking_column_is_about_the_companies_results_too(title: str) -> None:
    assert "Earnings & Corporate" in scored_names(title)


@pytest.mark.parametrize(
    ("title", "tickers", "unwanted"),
    [
        # the source tags companies of three categories: a market story, so neither the companies' sectors
        # nor the sector words of the text make a topic
        ("2 Artificial Intelligence Stocks to Buy Before the Next Rally", (("XOM", 0.3), ("JPM", 0.2), ("PFE", 0.1)),
         {"Technology & AI", "Energy & Commodities", "Banks & Financial Services", "Healthcare & Pharma"}),
        ("Dow hits a record as Chevron, Merck and Home Depot rally on retail sales", (),
         {"Consumer & Retail", "Energy & Commodities", "Healthcare & Pharma"}),
    ],
)
def test_a_market_story_has_no_sector_topic_from_its_words_either(
    title: str, tickers: tuple[tuple[str, float], ...], unwanted: set[str]
) -> None:
    names = scored_names(title, "", tickers)
    assert not names & unwanted
    assert "Financial Markets" in names


def test_a_body_naming_companies_of_many_sectors_leaves_the_topics_of_the_words_alone() -> None:
    body = (
        "Shares of Exxon Mobil rose in early trading. Elsewhere, JPMorgan Chase slipped, Pfizer was flat "
        "and Home Depot edged higher."
    )
    article = Article(title="Oil prices jump as OPEC agrees deeper crude output cuts", body=body, source="t")
    names = {c.category for c in score_article(article).categories}
    assert "Energy & Commodities" in names
