"""Evidence rows on a hand-computed price table (New York sessions: January 2024, Tue 2 .. Fri 5, Mon 8;
the close is 16:00 EST = 21:00 UTC)."""

from __future__ import annotations

import pytest

from newsdesk.prices.series import PriceBook
from newsdesk.scorecard.evidence import (
    BEARISH,
    BULLISH,
    OBSERVATION_COLUMNS,
    Observation,
    evidence,
    evidence_json,
    forward_excess,
    measurements,
    observation_row,
    tone,
)
from newsdesk.scorecard.rules import Market

PRICES = [
    *[("AAA", d, c) for d, c in [("2024-01-02", 100.0), ("2024-01-03", 100.0), ("2024-01-04", 102.0),
                                ("2024-01-05", 99.0), ("2024-01-08", 104.0)]],
    *[("BM", d, c) for d, c in [("2024-01-02", 50.0), ("2024-01-03", 50.0), ("2024-01-04", 50.5),
                               ("2024-01-05", 50.0), ("2024-01-08", 51.0)]],
    # GAP's closes start on 01-11: 6 sessions after a 01-02 call's entry (01-03 .. 01-10 and 01-11).
    ("GAP", "2024-01-11", 10.0), ("GAP", "2024-01-12", 11.0),
]  # fmt: skip
FAKE = [("AAA", "2024-01-02", 10.0), ("AAA", "2024-01-03", 11.0), ("BM", "2024-01-02", 10.0),
        ("BM", "2024-01-03", 10.0)]  # fmt: skip
MARKET = Market(
    PriceBook(PRICES), {"bsk": {"AAA": 1.0, "NOPE": 1.0}}, lambda ticker: "BM", illustrative=PriceBook(FAKE)
)
AFTER = "T22:00:00Z"  # 17:00 in New York: after the close
OBSERVATIONS = [
    # entry 01-03 at 100, base (the last close before publication) 01-02 at 100.
    # day0: 100/100 - 1 = 0, BM 50/50 - 1 = 0: 0. 1d: 102/100 - 1 = 0.02, BM 50.5/50 - 1 = 0.01: 0.01.
    # 5d: 01-10 is past the last close: none.
    Observation("2024-01-02" + AFTER, "g", ticker="AAA", label="bullish", article_id="a1"),
    # entry 01-04 at 102, base 01-03 at 100. day0: 0.02 - 0.01 = 0.01.
    # 1d: 99/102 - 1 = -0.0294118, BM 50/50.5 - 1 = -0.0099010: -0.0195108.
    Observation("2024-01-03" + AFTER, "g", ticker="AAA", score=0.5, article_id="a2"),
    # entry 01-05 at 99, base 01-04 at 102. day0: -0.0294118 + 0.0099010 = -0.0195108.
    # 1d: 104/99 - 1 = 0.0505051, BM 51/50 - 1 = 0.02: 0.0305051.
    Observation("2024-01-04" + AFTER, "g", ticker="AAA", label="somewhat-bearish", article_id="a3"),
    # a basket whose other member has no prices: AAA alone, as the first row: day0 0, 1d 0.01.
    Observation("2024-01-02" + AFTER, "g", basket="bsk", score=-0.6, article_id="a4"),
    # neutral, on a1's ticker and session: they count once, with the mean sentiment of a1's label (bullish:
    # 0.5) and 0.0: 0.25, bullish.
    Observation("2024-01-02" + AFTER, "g", ticker="AAA", score=0.0, article_id="a5"),
    Observation("2024-01-02" + AFTER, "g", ticker="AAA", label="bullish", estimated=True),  # left out
    Observation("2024-01-02" + AFTER, "other", ticker="NOPE", label="bullish"),  # no prices: no row
    Observation("2024-01-02" + AFTER, "other", ticker="GAP", label="bullish"),  # enters 6 sessions late: none
]


def test_forward_excess_by_hand():
    assert forward_excess(OBSERVATIONS[0], MARKET, 0) == pytest.approx(0.0)
    assert forward_excess(OBSERVATIONS[0], MARKET, 1) == pytest.approx(0.01)
    assert forward_excess(OBSERVATIONS[0], MARKET, 5) is None
    assert forward_excess(OBSERVATIONS[1], MARKET, 0) == pytest.approx(0.01)
    assert forward_excess(OBSERVATIONS[2], MARKET, 0) == pytest.approx(-0.0195108, abs=1e-7)
    assert forward_excess(OBSERVATIONS[6], MARKET, 1) is None
    assert forward_excess(OBSERVATIONS[7], MARKET, 0) is None


def test_a_call_before_the_close_reacts_on_its_own_day():
    # 10:00 EST on 01-03 (15:00 UTC): entry 01-03 at 100, base 01-02 at 100: day0 0; 1d 01-04: 0.01.
    morning = Observation("2024-01-03T15:00:00Z", "g", ticker="AAA", label="bullish")
    assert forward_excess(morning, MARKET, 0) == pytest.approx(0.0)
    assert forward_excess(morning, MARKET, 1) == pytest.approx(0.01)


def test_evidence_rows():
    rows = {(r.group, r.tone, r.window): r for r in evidence(OBSERVATIONS, MARKET)}
    assert list(rows) == [("g", BULLISH, "day0"), ("g", BULLISH, "1d"), ("g", BEARISH, "day0"), ("g", BEARISH, "1d")]
    # bullish day0: 0 and 0.01: mean 0.005. bullish 1d: 0.01 and -0.0195108: mean -0.0047554.
    assert rows["g", BULLISH, "day0"].mean_excess_return == pytest.approx(0.005, abs=1e-7)
    assert rows["g", BULLISH, "1d"].n == 2
    assert rows["g", BULLISH, "1d"].mean_excess_return == pytest.approx(-0.0047554, abs=1e-7)
    # bearish day0: -0.0195108 and the basket's 0: mean -0.0097554.
    assert rows["g", BEARISH, "day0"].mean_excess_return == pytest.approx(-0.0097554, abs=1e-7)
    # bearish 1d: 0.0305051 and 0.01: mean 0.0202525; sd = 0.0205051 / sqrt 2 = 0.0144994; se 0.0102525;
    # t = 1.9753787; t(0.975, 1) = 12.7062047: interval 0.0202525 -/+ 0.1302706.
    bear = rows["g", BEARISH, "1d"]
    assert (bear.n, bear.too_few, bear.days) == (2, True, 1)
    assert bear.mean_excess_return == pytest.approx(0.0202525, abs=1e-7)
    assert bear.t_stat == pytest.approx(1.9753787, abs=1e-5)
    assert bear.ci_low == pytest.approx(-0.1100181, abs=1e-6)


def test_articles_on_one_ticker_and_session_count_once_with_their_mean_sentiment():
    # two articles entering AAA's 01-03 close: mean sentiment (0.5 - 0.9) / 2 = -0.2: one bearish observation.
    pair = [Observation("2024-01-03T15:00:00Z", "m", ticker="AAA", score=0.5, article_id="x1"),
            Observation("2024-01-03T16:00:00Z", "m", ticker="AAA", score=-0.9, article_id="x2")]  # fmt: skip
    rows = evidence(pair, MARKET)
    assert [(r.tone, r.window, r.n) for r in rows] == [(BEARISH, "day0", 1), (BEARISH, "1d", 1)]
    day0 = measurements(pair, MARKET)[0]
    assert (day0.article_id, day0.base_date, day0.entry_date, day0.exit_date) == (
        "x1|x2", "2024-01-02", "2024-01-03", "2024-01-03")


def test_observation_rows_trace_every_number():
    measured = measurements(OBSERVATIONS, MARKET)
    rows = [observation_row(m) for m in measured]
    assert all(list(r) == OBSERVATION_COLUMNS for r in rows)
    first = rows[1]  # a1 (with a5) over 1d
    assert (first["article_id"], first["ticker"], first["benchmark"], first["tone"], first["window"]) == (
        "a1|a5", "AAA", "BM", "bullish", "1d")
    assert (first["base_date"], first["entry_date"], first["exit_date"]) == ("2024-01-02", "2024-01-03", "2024-01-04")
    assert (first["return"], first["benchmark_return"]) == (pytest.approx(0.02), pytest.approx(0.01))
    assert first["excess_return"] == pytest.approx(0.01)
    basket = [r for r in rows if r["ticker"] == "basket:bsk"]
    assert [r["window"] for r in basket] == ["day0", "1d"]


def test_evidence_json_shape():
    doc = evidence_json(evidence(OBSERVATIONS, MARKET))
    assert list(doc[0]) == ["group", "tone", "window", "n", "mean", "t", "ci_low", "ci_high", "too_few"]
    assert doc[0]["window"] == "day0" and doc[0]["t"] is not None


def test_demo_articles_read_illustrative_closes_real_ones_never():
    # illustrative AAA 10 -> 11 from 01-02 to 01-03, BM flat: a demo article's day0 is 0.10.
    demo = Observation("2024-01-03T15:00:00Z", "g", ticker="AAA", label="bullish", demo=True)
    (day0,) = measurements([demo], MARKET, windows=("day0",))
    assert day0.excess_return == pytest.approx(0.10) and day0.illustrative
    real = Observation("2024-01-03T15:00:00Z", "g", ticker="AAA", label="bullish")
    (day0,) = measurements([real], MARKET, windows=("day0",))
    assert day0.excess_return == pytest.approx(0.0) and not day0.illustrative


@pytest.mark.parametrize(
    "label, score, expected",
    [
        ("bullish", None, BULLISH),
        ("Somewhat-Bullish", None, BULLISH),
        ("somewhat_bearish", None, BEARISH),
        ("neutral", 0.9, None),  # a label wins over the score
        (None, 0.15, BULLISH),
        (None, 0.1499, None),
        (None, -0.15, BEARISH),
        (None, None, None),
        (None, float("nan"), None),
    ],
)
def test_tone(label, score, expected):
    assert tone(label, score) == expected
