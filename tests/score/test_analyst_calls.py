"""Analyst actions as calls (newsdesk.score.analyst): author, subject leg, exposure, rating and targets.

The sentences are written for this test in the forms rating headlines take (Benzinga's, Reuters',
MarketWatch's, the Economic Times'); none is copied from a data set.
"""

from __future__ import annotations

import pytest

from newsdesk.db import schema, writes
from newsdesk.domain.models import Article, Decision, Entity
from newsdesk.flows.ingest import rescore
from newsdesk.score.analyst import read_call
from newsdesk.score.analyst_houses import canonical_author, houses, is_house
from newsdesk.score.analyst_legs import card_line
from newsdesk.score.pipeline import score_article
from tests.fault_util import derived_mismatches

# sentence, the row's ticker ("" = none), author, leg ticker (None = no leg), exposure, price target
CALLS = [
    ("Jefferies Upgrades Home Depot to Buy, Raises Price Target to $420", "HD", "Jefferies", "HD", "long", 420),
    ("Evercore ISI Downgrades Intel to In-Line", "INTC", "Evercore ISI", "INTC", "reduce", None),
    ("Morgan Stanley Downgrades Ford Motor to Underweight, Lowers PT to $9", "F", "Morgan Stanley", "F", "short", 9),
    ("Citi Initiates Coverage On Moderna with Neutral Rating, Announces Price Target of $140", "MRNA",
     "Citigroup", "MRNA", "hold", 140),
    ("Barclays Maintains Equal-Weight on Pfizer, Lowers Price Target to $31", "PFE", "Barclays", "PFE", "hold", 31),
    ("Wedbush Reiterates Outperform on Apple, Raises PT to $250", "AAPL", "Wedbush", "AAPL", "long", 250),
    ("Deutsche Bank Assumes Coverage On Netflix at Sell", "NFLX", "Deutsche Bank", "NFLX", "short", None),
    ("UBS Upgrades Exxon Mobil From Sell to Neutral", "XOM", "UBS", "XOM", "hold", None),
    ("Goldman Sachs Resumes Coverage On Amazon.com with Buy", "AMZN", "Goldman Sachs", "AMZN", "long", None),
    ("Raymond James Raises Price Target on Costco to $900", "COST", "Raymond James", "COST", "long", 900),
    ("Bernstein Lowers Walmart PT to $60", "WMT", "Bernstein", "WMT", "reduce", 60),
    ("Oracle Upgraded to Outperform at Melius Research", "ORCL", "Melius Research", "ORCL", "long", None),
    ("Peloton Downgraded to Underperform by Wolfe Research", "PTON", "Wolfe Research", "PTON", "short", None),
    ("Zoom PT Lowered to $70 at KeyBanc", "ZM", "KeyBanc", "ZM", "reduce", 70),
    # the row's ticker decides the leg, even one newsdesk does not list
    ("Needham Upgrades Acme Widgets to Strong Buy", "ACMW", "Needham", "ACMW", "long", None),
    # no ticker column: the subject's name is resolved; the broker (also a listed company) is no leg
    ("Goldman Sachs Downgrades Apple to Sell", "", "Goldman Sachs", "AAPL", "short", None),
    ("JPMorgan Upgrades Target to Overweight, Raises Price Target to $180", "", "JPMorgan", "TGT", "long", 180),
    ("Morgan Stanley Maintains Overweight on Microsoft, Raises Price Target to $500", "", "Morgan Stanley",
     "MSFT", "long", 500),
    ("goldman sachs upgrades Nvidia to buy, raises target to $800", "", None, None, None, None),  # no capital
    ("Mizuho upgrades Nvidia to buy, raises target to $800", "", "Mizuho", "NVDA", "long", 800),
    ("Motilal Oswal initiates coverage on Tata Steel with Buy call, sees 25% upside", "", "Motilal Oswal",
     "TATASTEEL.NS", "long", None),
    ("Motilal Oswal initiates coverage on Unlisted Widgets with Buy call", "", "Motilal Oswal", None, None, None),
    # the row's company when the headline names none
    ("Argus Maintains Buy Rating, Raises PT to $75", "DIS", "Argus Research", "DIS", "long", 75),
    # a leading label or "Hearing" is no part of the author
    ("Hearing Citi Downgrades Acme Widgets to Sell", "ACMW", "Citigroup", "ACMW", "short", None),
    ("From Earlier: Jefferies Upgrades Acme Widgets to Buy", "ACMW", "Jefferies", "ACMW", "long", None),
    ("UPDATE 2: Piper Jaffray Raises Acme Widgets to Overweight", "ACMW", "Piper Sandler", "ACMW", "long", None),
    ("Watching Acme; Hearing Gordon Johnson Reiterates Sell on Acme Widgets", "ACMW", "Gordon Johnson", "ACMW",
     "short", None),
    # a house's upgrade or downgrade with no rating named is a call: upgrade → long, downgrade → reduce
    ("Exclusive: Wells Fargo Downgrades Acme Widgets on Valuation", "ACMW", "Wells Fargo", "ACMW", "reduce", None),
    ("Morgan Stanley Upgrades Acme Widgets", "ACMW", "Morgan Stanley", "ACMW", "long", None),
    # a house reiterating with no rating named keeps its view → hold
    ("Needham Reiterates On Acme Widgets", "ACMW", "Needham", "ACMW", "hold", None),
    # price objective, and the wires' abbreviations of ratings
    ("BofA Lowers PO on Acme Widgets to $40", "ACMW", "BofA Securities", "ACMW", "reduce", 40),
    ("Barclays Cuts Acme Widgets to UW", "ACMW", "Barclays", "ACMW", "short", None),
    ("RBC Upgrades Acme Widgets to OW", "ACMW", "RBC Capital", "ACMW", "long", None),
    ("Credit Suisse Downgrades Acme Widgets to EW", "ACMW", "Credit Suisse", "ACMW", "reduce", None),
    ("Citi Raises Acme Widgets to Mkt Outperform", "ACMW", "Citigroup", "ACMW", "long", None),
    # a house whose name holds a comma
    ("Keefe, Bruyette & Woods Maintains Market Perform on Acme Widgets", "ACMW", "Keefe Bruyette & Woods", "ACMW",
     "hold", None),
    # the ratings-network forms: the house after "by"/"at", the rating in the subject, "Given ... Rating"
    ("Acme Widgets Downgraded by Northland Securities to “Neutral” (ACMW)", "ACMW", "Northland Capital Markets",
     "ACMW", "reduce", None),
    ("Acme Widgets's “Outperform” Rating Reaffirmed at Wedbush (ACMW)", "ACMW", "Wedbush", "ACMW", "long", None),
    ("Acme Widgets Stock Rating Reaffirmed by Citigroup Inc. (ACMW)", "ACMW", "Citigroup", "ACMW", "hold", None),
    ("Acme Widgets Stock Rating Upgraded by UBS AG (ACMW)", "ACMW", "UBS", "ACMW", "long", None),
    ("Acme Widgets Given Sell Rating at Needham & Company LLC (ACMW)", "ACMW", "Needham", "ACMW", "short", None),
    ("Acme Widgets Receives “Buy” Rating from JPMorgan Chase & Co. (ACMW)", "ACMW", "JPMorgan", "ACMW", "long",
     None),
    ("Acme Widgets, Inc. (ACMW) Downgraded By Raymond James, Stock Falls", "ACMW", "Raymond James", "ACMW",
     "reduce", None),
    ("KeyCorp Increases Acme Widgets Price Target to $12.00 (ACMW)", "ACMW", "KeyBanc", "ACMW", "long", 12),
    ("Acme Widgets Coverage Initiated at Sterne Agee ...", "ACMW", "Sterne Agee CRT", "ACMW", "hold", None),
    ("Acme Widgets (ACMW): Sterne Agee Initiates Coverage", "ACMW", "Sterne Agee CRT", "ACMW", "hold", None),
    # a rating word used as a verb, a central bank, a target with no price and no house: no call
    ("Acme Foods Keeps Its Pasta Unit, Announces Plan to Sell Its Bakery Chain", "ACMW", None, None, None, None),
    ("Acme Foods Cuts $2 Billion Deal to Buy Widget Maker", "ACMW", None, None, None, None),
    ("Ruritania's Central Bank Keeps Rates On Hold", "", None, None, None, None),
    ("Ruritania's Central Bank Keeps Policy Rate Unchanged at 4%", "", None, None, None, None),
    ("Energy Ministry Raises Target for Solar Installations to 500 MW", "", None, None, None, None),
    ("Morgan Stanley Keeps Its Dividend Streak Alive", "MS", None, None, None, None),
    # a rating word is never an author; a credit agency rates debt, not the stock; a company's own plans are no call
    ("Acme Widgets Initiated at Equal-weight", "ACMW", None, None, None, None),
    ("Acme Therapeutics Initiates Phase II Trial With Positive Outlook", "ACMW", None, None, None, None),
    ("Acme Widgets Reiterates FY24 Guidance", "ACMW", None, None, None, None),
    ("Acme Widgets Upgrades Its Factory Software", "ACMW", None, None, None, None),
    ("S&P Global Ratings Upgrades Acme Widgets to BBB+", "ACMW", None, None, None, None),
    ("Moody's Downgrades Acme Widgets to Ba1", "ACMW", None, None, None, None),
    # roundups and ordinary corporate headlines are not calls
    ("Benzinga's Top Upgrades, Downgrades For March 3, 2021", "AAPL", None, None, None, None),
    ("Top Downgrades For Tuesday", "AAPL", None, None, None, None),
    ("Apple Raises Quarterly Dividend to $0.25", "AAPL", None, None, None, None),
    ("Tesla Initiates Phase 2 of Its Buyback", "TSLA", None, None, None, None),
    ("Price Target Roundup: Analysts Weigh In On Apple", "AAPL", None, None, None, None),
    # a company's or a government's own target, a verb "to buy", a new chief "started at": not calls
    # (forms seen on real Reuters headlines; these sentences are written for the test)
    ("Northwind Air lifts 2021 profit target as bookings recover", "", None, None, None, None),
    ("Contoso lowers 2022 delivery target amid chip shortage", "", None, None, None, None),
    ("Fabrikam cuts cost synergy target by $200 million after sale", "", None, None, None, None),
    ("Ruritania cuts deficit target for 2021 to 2.5%", "", None, None, None, None),
    ("Litware raises IPO price target as demand swells", "", None, None, None, None),
    ("Tailspin ups fundraising target, valuation could reach $20 billion", "", None, None, None, None),
    ("Contoso reiterates its rejection of Fabrikam's offer to buy the company", "", None, None, None, None),
    ("Profile: New Alphabet chief started at Google, made his name with Android", "", None, None, None, None),
    ("Goldman slashes Tesla price target by $40 on demand worries", "", "Goldman Sachs", "TSLA", "reduce", None),
    ("", "", None, None, None, None),
    ("Upgrades", "", None, None, None, None),
]


@pytest.mark.parametrize(("text", "row", "author", "ticker", "side", "target"), CALLS)
def test_headline_calls(text, row, author, ticker, side, target) -> None:
    article = Article(title=text or "untitled", source="test", entities=[Entity(row, row)] if row else [])
    if not text:
        article.title = ""
    score_article(article)
    calls = [d for d in article.decisions if d.origin == "headline"]
    if author is None:
        assert calls == []
        return
    assert len(calls) == 1
    call = calls[0]
    assert call.author == author
    assert call.price_target == target
    legs = call.instruments
    if ticker is None:
        assert legs == []
    else:
        assert [(leg["ticker"], leg["side"]) for leg in legs] == [(ticker, side)]
    assert author.lower() not in " ".join(leg["name"].lower() for leg in legs)


@pytest.mark.parametrize(
    ("text", "rating", "prev", "pt", "pt_prev"),
    [
        ("Stifel Upgrades Deere From Hold to Buy, Raises Price Target From $380 to $450", "Buy", "Hold", 450, 380),
        ("Truist Securities Downgrades Lowe's To Hold From Buy", "Hold", "Buy", None, None),
        ("BMO Capital Initiates Coverage On Roku at Market Perform, Announces PT of $85", "Market Perform", None,
         85, None),
        ("Loop Capital Reiterates Buy Rating, $1,250 PT on Netflix", "Buy", None, 1250, None),
    ],
)
def test_ratings_and_targets_are_read(text, rating, prev, pt, pt_prev) -> None:
    call = read_call(text)
    assert call is not None
    assert (call.rating, call.rating_prev, call.price_target, call.price_target_prev) == (rating, prev, pt, pt_prev)


@pytest.mark.parametrize(
    ("title", "given", "leg"),
    [
        # several tickers on the row (Alpha Vantage's ticker_sentiment): the one the subject names
        ("Barclays Upgrades Apple to Overweight", ["MSFT", "AAPL"], "AAPL"),
        ("Barclays Upgrades Microsoft to Overweight", ["MSFT", "AAPL"], "MSFT"),
        # the broker tagged on the row is never the leg
        ("Goldman Sachs Upgrades Apple to Buy", ["GS", "AAPL"], "AAPL"),
        ("Goldman Sachs Upgrades Acme Widgets to Buy", ["GS", "ACMW"], "ACMW"),
    ],
)
def test_the_leg_is_the_rows_company_the_subject_names(title, given, leg) -> None:
    article = Article(title=title, source="test", entities=[Entity(t, t) for t in given])
    score_article(article)
    (call,) = article.decisions
    assert [x["ticker"] for x in call.instruments] == [leg]


@pytest.mark.parametrize(
    ("written", "house"),
    [
        ("B of A Securities", "BofA Securities"),
        ("BofA Securities", "BofA Securities"),
        ("Bank of America", "BofA Securities"),
        ("Piper Jaffray", "Piper Sandler"),
        ("PiperJaffray", "Piper Sandler"),
        ("Piper Sandler", "Piper Sandler"),
        ("JP Morgan", "JPMorgan"),
        ("J.P. Morgan", "JPMorgan"),
        ("JPMorgan", "JPMorgan"),
        ("Credit Suisse", "Credit Suisse"),
        ("RBC Capital", "RBC Capital"),
        ("RBC", "RBC Capital"),
        ("Keybanc", "KeyBanc"),
        ("Evercore ISI Group", "Evercore ISI"),
        ("Keefe, Bruyette & Woods", "Keefe Bruyette & Woods"),
        ("SunTrust Robinson Humphrey", "Truist Securities"),
        ("  Citi ", "Citigroup"),
        ("Acme Research", "Acme Research"),  # not in the table: as written
        ("", ""),
    ],
)
def test_broker_names_merge_to_one_author(written, house) -> None:
    assert canonical_author(written) == house


def test_every_house_of_the_alias_table_is_its_own_name() -> None:
    table = houses()
    assert len(table) > 100
    for house in set(table.values()):
        assert canonical_author(house) == house
        assert is_house(house)


def test_card_line() -> None:
    assert card_line("Goldman Sachs", "upgrade", "Buy", 95.0) == "Goldman Sachs · upgrade to Buy · PT $95"
    assert card_line("UBS", "maintain", "Neutral", 12.5) == "UBS · maintain Neutral · PT $12.50"
    assert card_line(None, None, None, None) == ""


@pytest.mark.parametrize(
    ("bullet", "not_legs"),
    [
        ("Goldman Sachs Upgrades Apple to Buy", {"GS"}),
        ("Buy Apple into the price target of $250", {"TGT"}),
        ("Add to Apple after the block trade clears", {"XYZ"}),
        ("Hold Microsoft until the target date fund rebalance", {"TGT"}),
        ("Short Apple versus Microsoft as Citigroup cuts its price target", {"C", "TGT"}),
    ],
)
def test_bullets_never_take_the_author_or_a_phrase_as_a_leg(bullet, not_legs) -> None:
    article = Article(title="Notes", source="test", decisions=[Decision(1, bullet)])
    score_article(article)
    tickers = {leg.get("ticker") for leg in article.decisions[0].instruments}
    assert not tickers & not_legs
    assert tickers  # the real company is still a leg


def test_headline_call_is_stored_and_rebuilt_once_by_rescore(tmp_path) -> None:
    db = schema.connect(tmp_path / "calls.db")
    article = Article(
        title="Jefferies Upgrades Home Depot to Buy, Raises Price Target to $420",
        source="test",
        id="hd-1",
        published_at="2024-05-01T12:00:00+00:00",
        entities=[Entity("HD", "HD")],
        decisions=[Decision(1, "Trim Apple into strength")],
    )
    score_article(article)
    writes.write_batch(db, [article], [], "test")
    rows = db.execute(
        "SELECT position, origin, author, rating, price_target, instruments FROM decisions ORDER BY position"
    ).fetchall()
    assert [(r[0], r[1], r[2], r[3], r[4]) for r in rows] == [
        (1, "bullet", None, None, None),
        (2, "headline", "Jefferies", "Buy", 420.0),
    ]
    assert rescore(db, ["hd-1"]) == 1
    again = db.execute("SELECT position, origin, author FROM decisions ORDER BY position").fetchall()
    assert again == [(1, "bullet", None), (2, "headline", "Jefferies")]
    assert derived_mismatches(db.conn) == []  # the decision counts of the derived tables stay exact
    db.close()
