"""The listing universe (data/listings.csv), entity precision with it, the home-listing rule and the
tickers an input row names."""

from __future__ import annotations

import csv

import pytest

from newsdesk.domain.models import Decision, Entity
from newsdesk.domain.reference import LISTINGS_FILE, load_baskets, load_listings, lookup, plain_name, short_name
from newsdesk.ingest import csvfile, jsonl
from newsdesk.ingest.fields import split_tickers
from newsdesk.prices.benchmarks import benchmark_for, load_benchmarks
from newsdesk.score.decisions import DecisionParser
from newsdesk.score.entities import CompanyMatcher
from newsdesk.score.pipeline import score_article


@pytest.fixture(scope="module")
def matcher() -> CompanyMatcher:
    return CompanyMatcher()


def test_universe_file_names_its_sources_and_licence() -> None:
    head = [line for line in LISTINGS_FILE.read_text(encoding="utf-8").splitlines()[:6] if line.startswith("#")]
    text = " ".join(head)
    assert "company_tickers_exchange.json" in text and "public domain" in text
    assert "FinanceDatabase" in text and "MIT" in text
    licence = LISTINGS_FILE.with_suffix(".LICENSE").read_text(encoding="utf-8")
    assert "Permission is hereby granted" in licence and "Jeroen Bouma" in licence
    assert LISTINGS_FILE.stat().st_size < 5_000_000


def test_universe_rows_are_whole_and_unique() -> None:
    with open(LISTINGS_FILE, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(line for line in fh if not line.startswith("#")))
    header, body = rows[0], rows[1:]
    assert header == ["ticker", "name", "exchange", "country", "sector", "kind", "short"]
    assert all(len(r) == 7 and r[0] and r[1] and (r[6] or r[5] != "stock") for r in body)
    tickers = [r[0] for r in body]
    assert len(tickers) == len(set(tickers)) == len(load_listings())
    assert {r[5] for r in body} == {"stock", "etf", "note"}
    assert all(r[3] == "US" for r in body if "." not in r[0])  # a bare symbol is a U.S. line
    us_stocks = sum(1 for r in body if r[3] == "US" and r[5] == "stock")
    assert us_stocks > 5000 and sum(1 for r in body if r[5] == "etf") > 2000
    assert len({r[3] for r in body}) >= 30


@pytest.mark.parametrize(
    ("ticker", "name", "country"),
    [
        ("DAL", "Delta Air Lines, Inc.", "US"),
        ("A", "Agilent Technologies, Inc.", "US"),
        ("SPY", "SPDR S&P 500 ETF Trust", "US"),
        ("BRK.B", "Berkshire Hathaway", "US"),  # Yahoo spells it BRK-B; the curated row wins
        ("7203.T", "Toyota Motor", "JP"),
        ("SHEL.L", "Shell", "GB"),
    ],
)
def test_lookup_finds_curated_then_universe(ticker, name, country) -> None:
    company = lookup(ticker)
    assert company is not None and company.name == name and company.country == country


@pytest.mark.parametrize("ticker", ["", "ZZZZQ", "NOT A TICKER"])
def test_lookup_of_unknown_is_none(ticker) -> None:
    assert lookup(ticker) is None


@pytest.mark.parametrize(
    ("name", "short", "plain"),
    [
        ("The Trade Desk, Inc.", "Trade Desk", "trade desk"),
        ("Amazon.com, Inc.", "Amazon.com", "amazon com"),
        ("Goldman Sachs Group, Inc. (The)", "Goldman Sachs", "goldman sachs"),
        ("Grupo Mexico, S.A.B. de C.V.", "Grupo Mexico", "grupo mexico"),
        ("Lowe's Companies, Inc.", "Lowe's", "lowes"),
        ("", "", ""),
    ],
)
def test_name_forms(name, short, plain) -> None:
    assert short_name(name) == short and plain_name(name) == plain


# headline -> the companies it names (text only; lenient = a trade-idea bullet)
HEADLINES = [
    # a broker writing a rating is the author, not a company the headline is about
    ("Goldman Sachs Upgrades Agilent Technologies to Buy, Raises Price Target to $95", False, {"A"}),
    ("Goldman Sachs Upgrades Agilent Technologies to Buy, Raises Price Target to $95", True, {"A"}),
    ("Morgan Stanley Maintains Equal-Weight on Agilent Technologies, Lowers Price Target to $90", False, {"A"}),
    ("Agilent Technologies Upgraded to Buy at Goldman Sachs", False, {"A"}),
    ("Citigroup Downgrades Advance Auto Parts to Neutral", True, {"AAP"}),
    ("UBS Initiates Coverage On Delta Air Lines With Buy Rating", False, {"DAL"}),
    ("JPMorgan Raises Price Target on Apple to $200", False, {"AAPL"}),  # the rated company is a cue
    ("Morgan Stanley Maintains Overweight on Target, Lowers PT", False, {"TGT"}),
    ("Overweight Gold miners, led by Newmont and Agnico Eagle", True, {"NEM", "AEM.TO"}),
    # head words of universe names, and the words that are not one
    ("Agilent Reports Third-Quarter Results", False, {"A"}),
    ("Agilent", True, {"A"}),
    ("New York Stock Exchange reopens", False, set()),  # not York Water
    ("German company cons investors", False, set()),  # not German American Bancorp
    ("City investors urge top firms to pay more", False, set()),  # not City Holding
    ("Bitcoin falls $1,000 after crackdown", False, set()),  # not Bitcoin Depot
    ("VAT cut for restaurants", False, set()),  # an acronym name needs its ticker or a corporate word
    ("Boeing shares rise on ISS operations contract", False, {"BA"}),
    ("Dow plunges 800 points", False, set()),  # the index, not Dow Inc.
    ("Dow Inc shares fall", False, {"DOW"}),
    ("Listing on the Nasdaq Stock Exchange next week", False, set()),  # the market, not Nasdaq Inc.
    ("Benzinga's Top Upgrades, Downgrades For June 5, 2020", False, set()),
    ("JPMorgan Raises Dividend", False, {"JPM"}),  # a company acting, not rating
    ("Goldman Sachs Upgrades Advance Auto Parts", False, {"AAP"}),
    ("Apple upgrades its iPhone camera module", True, {"AAPL"}),  # no company after the verb: not a rating
    ("Goldman Sachs posts record profit", False, {"GS"}),
    ("Shell Posts Record Profit", True, {"SHEL.L"}),  # Title Case: the verb is capitalised too
    ("Apple Pie Sales Rise", False, set()),
    ("Target Practice Begins", True, set()),
    ("Short Delta Air Lines into the summer", True, {"DAL"}),
    ("Delta Air Lines cuts capacity as fuel costs rise", False, {"DAL"}),
    ("Advance Auto Parts shares slide after guidance cut", False, {"AAP"}),
    ("Block Trade: 2 million shares change hands", False, set()),
    ("Block Trade: 2 million shares change hands", True, set()),
    ("Target Date Funds gain favour with savers", False, set()),
    ("Target Date Funds gain favour with savers", True, set()),
    ("Apple pie recipes for autumn", False, set()),
    ("Analyst raises Price Target on the sector", True, set()),
    ("Stocks That Hit 52-Week Highs On Friday", False, set()),
    ("Compass points north as Energy Transfer talk cools", False, set()),  # one ordinary word; two
    ("Energy Transfer to buy Crestwood", False, {"ET"}),
    ("Tesla ( NASDAQ:TSLA ) gains after deliveries", False, {"TSLA"}),  # the exchange word is no company
    ("Shares of Chewy Inc rose", False, {"CHWY"}),
    ("Keep Apple at market weight for now.", True, {"AAPL"}),
    ("Short Target into earnings", True, {"TGT"}),
    ("Buy Block and Apple", True, {"XYZ", "AAPL"}),
    ("Underweight Apple against the Nasdaq 100 for a month", True, {"AAPL"}),  # an index, not Nasdaq Inc.
]


@pytest.mark.parametrize(("text", "lenient", "expected"), HEADLINES)
def test_headline_companies(matcher, text, lenient, expected) -> None:
    assert set(matcher.mentions(text, lenient=lenient)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Barrick Gold beats estimates", {"ABX.TO"}),  # the curated (home) listing
        ("Barrick (NYSE: B) beats estimates", {"B"}),  # the text names the U.S. listing
        ("ABB wins a grid order", {"ABBN.SW"}),
    ],
)
def test_home_listing_unless_the_text_names_another(matcher, text, expected) -> None:
    assert set(matcher.mentions(text)) == expected


@pytest.mark.parametrize(
    ("row", "text", "expected", "name"),
    [
        ("ABX", "Barrick Gold beats estimates", ["ABX"], "Barrick"),  # a U.S. row: ABX, not ABX.TO as well
        ("ABB", "ABB wins a grid order", ["ABB"], "ABB"),
        ("DAL", "Delta Air Lines cuts capacity", ["DAL"], "Delta Air Lines, Inc."),
        ("AAP", "Goldman Sachs Upgrades Advance Auto Parts", ["AAP"], "Advance Auto Parts, Inc."),
        ("ZZZZQ", "Nothing named here", ["ZZZZQ"], "ZZZZQ"),
    ],
)
def test_row_ticker_is_the_listing(matcher, row, text, expected, name) -> None:
    merged = matcher.merge_given([Entity(row, row)], matcher.entities(text, "", ""))
    assert [e.ticker for e in merged] == expected
    assert merged[0].name == name  # from the universe, else from the company found in the text


def test_row_tickers_get_universe_names(tmp_path) -> None:
    text = "headline,date,stock\nDelta cuts capacity,2020-06-05,DAL\nAn odd one,2020-06-05,ZZZZQ\n"
    result = csvfile.parse_text(text, "rows.csv")
    assert [a.entities[0].ticker for a in result.articles] == ["DAL", "ZZZZQ"]
    named = [score_article(a).entities[0] for a in result.articles]
    assert (named[0].ticker, named[0].name) == ("DAL", "Delta Air Lines, Inc.")
    assert (named[1].ticker, named[1].name) == ("ZZZZQ", "ZZZZQ")  # unknown: the ticker stays its name


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("AAPL", ["AAPL"]),
        ("AAPL, $msft; NASDAQ:NVDA | BRK.B", ["AAPL", "MSFT", "NVDA", "BRK.B"]),
        ("NYSE: DAL", ["DAL"]),
        ("LON:BARC", ["LON:BARC"]),  # another market's prefix is kept: BARC alone would be a U.S. symbol
        ("SHEL.L 7203.T", ["SHEL.L", "7203.T"]),
        ("AAPL,AAPL,,", ["AAPL"]),
        ("", []),
        (" ; | ", []),
    ],
)
def test_split_tickers(cell, expected) -> None:
    assert split_tickers(cell) == expected


def test_row_ticker_takes_the_universe_spelling(matcher) -> None:
    merged = matcher.merge_given([Entity("BRK.B", "BRK.B")], [])
    assert (merged[0].ticker, merged[0].name) == ("BRK-B", "Berkshire Hathaway")


def test_jsonl_ticker_keys(tmp_path) -> None:
    text = '{"title": "Delta cuts capacity", "published_at": "2020-06-05", "symbol": "$DAL"}\n'
    result = jsonl.parse_text(text, "rows.jsonl")
    assert [e.ticker for e in result.articles[0].entities] == ["DAL"]


@pytest.mark.parametrize(
    ("ticker", "expected"),
    [
        ("AAP", "SPY"),  # universe, U.S.
        ("ABX", "SPY"),  # unknown bare symbol: a U.S. listing
        ("SHEL.L", "ISF.L"),
        ("7203.T", "1306.T"),
        ("ZZZZ.XX", "SPY"),  # a suffix data/exchanges.csv does not list (BRK.B): New York, as its sessions
        ("NOT-A-COMPANY", "SPY"),  # no suffix: New York
    ],
)
def test_unknown_and_universe_tickers_benchmark(ticker, expected) -> None:
    assert benchmark_for(ticker, {}, load_benchmarks()) == expected


@pytest.mark.parametrize(
    ("bullet", "expected"),
    [
        ("Short Delta Air Lines into the summer travel peak.", {("DAL", "short")}),
        ("Buy Agilent Technologies on the pullback.", {("A", "long")}),
        ("Avoid Target into earnings.", {("TGT", "reduce")}),
        # a written universe ticker is no leg (the parser's written tickers stay the curated ones)
        ("Treasury blocks plan to tackle NHS backlog; avoid the FCA headlines.", set()),
        ("Raises Price Target on the sector; Block Trade seen.", set()),
    ],
)
def test_bullet_legs_with_the_universe(bullet, expected) -> None:
    parser = DecisionParser(CompanyMatcher(), load_baskets())  # a fresh matcher: nothing found before
    legs = parser.parse(Decision(0, bullet)).instruments
    assert {(leg["ticker"], leg["side"]) for leg in legs if leg.get("ticker")} == expected


def test_row_tickers_through_ingest_into_the_filter_options(tmp_path) -> None:
    from newsdesk.db import schema
    from newsdesk.db.read import options
    from newsdesk.flows import ingest as pipeline

    path = tmp_path / "rows.csv"
    path.write_text(
        "headline,date,stock\n"
        "Delta Air Lines cuts capacity as fuel costs rise,2020-06-05,DAL\n"
        "Barrick Gold beats estimates,2020-06-05,ABX\n"
        "An odd one about nothing,2020-06-06,ZZZZQ\n",
        encoding="utf-8",
    )
    db = schema.connect(tmp_path / "n.db")
    try:
        pipeline.ingest_paths(db, [path])
        rows = db.execute("SELECT ticker, name FROM article_entities ORDER BY ticker").fetchall()
        labels = dict(options.company_options(db.conn)[["value", "label"]].itertuples(index=False))
    finally:
        db.close()
    assert rows == [("ABX", "Barrick"), ("DAL", "Delta Air Lines, Inc."), ("ZZZZQ", "ZZZZQ")]  # no ABX.TO
    assert labels["DAL"] == "DAL · Delta Air Lines, Inc." and labels["ZZZZQ"] == "ZZZZQ · ZZZZQ"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ticker,name\nAAA,Alpha Corp\n", [("AAA", "Alpha Corp", "", "stock")]),  # no sector, kind or short
        ("ticker,name,sector,kind\nAAA,Alpha Corp,Tech,etf\n,Blank\n", [("AAA", "Alpha Corp", "Tech", "etf")]),
        ("name,sector\nAlpha Corp,Tech\n", []),  # no ticker column: nothing to list
        ("", []),
    ],
)
def test_listings_with_missing_columns(tmp_path, text, expected) -> None:
    """A column the header lacks reads as blank (found by mypy: it used to raise TypeError)."""
    path = tmp_path / "listings.csv"
    path.write_text(text, encoding="utf-8")
    got = [(c.ticker, c.name, c.sector, c.kind) for c in load_listings(path)]
    assert got == expected
