"""Table tests of the finance sentiment scorer: directions, metrics, negation, modifiers, odd input."""

from __future__ import annotations

import pytest
from textblob import TextBlob

from newsdesk.score.sentiment import FinanceScorer, polarity
from newsdesk.score.textblob_adapters import FinanceAnalyzer


@pytest.mark.parametrize(
    ("text", "sign"),
    [
        ("Operating profit rose to EUR 13.1 mn from EUR 8.7 mn", 1),
        ("Net sales increased by 5.2 % and operating profit by 34.9 %", 1),
        ("The net loss narrowed to EUR 1.2 mn", 1),
        ("The operating loss widened in the quarter", -1),
        ("The company will cut 500 jobs", -1),
        ("The group cut costs by a fifth", 1),
        ("Operating profit was EUR 1.1 mn compared to EUR 2.4 mn a year earlier", -1),
        ("Revenue went from EUR 5 mn to EUR 7 mn", 1),
        ("Shares of the retailer fell 3 % after a profit warning", -1),
        ("Analysts upgraded the stock to buy", 1),
        ("The lender filed for bankruptcy protection", -1),
        ("Quarterly earnings beat estimates", 1),
        ("Results missed expectations", -1),
        ("The results were not good", -1),
        ("Sales did not decline", 1),
        ("The company swung to a loss", -1),
        ("Unemployment fell to a two-year low", 1),
        ("Inflation rose more than expected", -1),
        ("The company is headquartered in Helsinki", 0),
        ("The deal is expected to close in the second quarter", 0),
        ("Up to 20 people attended the set up meeting", 0),
    ],
)
def test_direction_and_polarity(text, sign) -> None:
    score = polarity(text)
    assert -1.0 <= score <= 1.0
    if sign == 0:
        assert abs(score) < 0.05, score
    else:
        assert score * sign > 0.15, score


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "12345 678.9 -3",
        "Die Aktie stieg stark nach den Zahlen",
        "株価が上昇した",
        "🚀🚀🚀",
        "<p>Profit <b>rose</b></p>",
        "loss " * 200_000,
        "\x00\x01\x02",
        "from 5 to 7 " * 1000,
        ". . . ; ; ,",
    ],
)
def test_odd_input_scores_without_error(text) -> None:
    result = FinanceScorer().score(text, title=text[:50])
    assert -1.0 <= result.polarity <= 1.0
    assert 0.0 <= result.subjectivity <= 1.0


def test_intensifiers_and_softeners_order_scores() -> None:
    assert polarity("Shares fell sharply") < polarity("Shares fell") < polarity("Shares fell slightly") < 0


def test_title_counts_double() -> None:
    body = "The company reported results. Costs rose. Sales rose."
    up = FinanceScorer().score(body, title="Profit jumps to a record").polarity
    down = FinanceScorer().score(body, title="Profit plunges").polarity
    plain = FinanceScorer().score(body).polarity
    assert down < plain < up


def test_textblob_analyzer_interface_returns_terms() -> None:
    s = TextBlob("Profit jumped 20% and the company raised guidance", analyzer=FinanceAnalyzer()).sentiment
    assert s.polarity > 0.5
    assert s.terms[0].startswith("jumped … profit")
    assert any("raised guidance" in t for t in s.terms)


# Cue patterns of the seed page (paraphrased, written for this test): word sense and scope decide.
@pytest.mark.parametrize(
    ("text", "sign"),
    [
        ("The overlooked miss is that the market treats this as a currency event", 0),  # a noun framing a point
        ("The real worry was that nobody asked about the meeting schedule", 0),
        ("This is not mainly a tariff story; it is about capacity spending", 0),  # negated noun phrase
        ("It is not a sanctions or tariff question for the shipping group", 0),
        ("The two leaders reaffirmed the strength of their security partnership", 0),  # quality of a non-figure
        ("Officials argue for supply-chain resilience across the region", 0),
        ("The company missed its quarterly earnings target", -1),  # the verb sense still counts
        ("Revenue was a big miss against consensus estimates", -1),
        ("It was not a good quarter for the retailer", -1),  # an adjective in a negated phrase is flipped
        ("Tariffs hurt the exporter's margins", -1),
        ("The risk is that margins shrink further", -1),  # the framed content still counts
        ("The strength of demand lifted quarterly sales", 1),  # a figure in the clause: strength counts
        ("The group reported a strong rise in orders", 1),
    ],
)
def test_cues_read_in_context(text, sign) -> None:
    score = polarity(text)
    if sign == 0:
        assert abs(score) < 0.05, score
    else:
        assert score * sign > 0.15, score


def test_a_hypothetical_sentence_counts_half() -> None:
    plain = polarity("Margins improved sharply")
    assert 0 < polarity("If demand holds, margins improved sharply") < plain


# Headline grammar and vocabulary (written for this test): amounts inside a phrase, time-span highs and
# lows, corporate actions, legal trouble, rating moves; "X to ..." is a plan and counts like a deed.
@pytest.mark.parametrize(
    ("text", "sign"),
    [
        ("Acme to cut 550 jobs", -1),  # amounts inside a phrase are skipped
        ("Acme to axe about 1,200 jobs in Europe", -1),
        ("Acme to create 4,000 jobs at new plant", 1),
        ("Acme plans to close up to 60 stores", -1),
        ("Acme falls 3.2% as margins shrink", -1),
        ("Acme shares up 5 % after results beat forecasts", 1),
        ("Acme shares hit a 3-month high", 1),  # "n-month high" of a metric
        ("Acme stock slides to a seven-year low", -1),
        ("Unemployment falls to a three-year low", 1),  # a low of a bad metric is good
        ("Acme slumps to a £40m loss", -1),  # the loss is where the move lands
        ("Acme swings into deficit", -1),
        ("Acme agrees to pay $2 billion to settle bribery probe", -1),
        ("Former Acme trader pleads guilty to rate rigging", -1),
        ("Acme reinstates dividend", 1),
        ("Acme scraps final dividend", -1),
        ("Broker raises Acme price target", 1),
        ("Acme price target cut at broker", -1),
        ("Acme downgraded to neutral at Beta Securities", -1),
        ("Acme posts forecast-beating quarterly profit", 1),
        ("Acme pulls the plug on Arctic drilling", -1),
        ("Acme shares wilt after weak results", -1),
        ("Acme seals deal with Beta Corp", 1),
        ("Acme to buy rival for $3 billion", 1),
        ("Acme shares rose as much as 4% in early trading", 1),
        ("The economy contracted in the second quarter", -1),
        ("Acme signed a contract with the city of Turku", 0),  # a noun, not a shrinking economy
        ("The supply contract runs for three years", 0),
    ],
)
def test_headline_vocabulary(text, sign) -> None:
    score = polarity(text)
    if sign == 0:
        assert abs(score) < 0.05, score
    else:
        assert score * sign > 0.15, (score, text)
