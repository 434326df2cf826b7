"""Evidence rows on a hand-computed price table."""

from __future__ import annotations

import pytest

from newsdesk.evidence import BEARISH, BULLISH, Observation, evidence, forward_excess, tone
from newsdesk.prices.series import PriceBook
from newsdesk.scorecard import Market

# January 2024: Tue 2, Wed 3, Thu 4, Fri 5, Mon 8.
PRICES = [
    *[("AAA", d, c) for d, c in [("2024-01-02", 100.0), ("2024-01-03", 100.0), ("2024-01-04", 102.0),
                                ("2024-01-05", 99.0), ("2024-01-08", 104.0)]],
    *[("BM", d, c) for d, c in [("2024-01-02", 50.0), ("2024-01-03", 50.0), ("2024-01-04", 50.5),
                               ("2024-01-05", 50.0), ("2024-01-08", 51.0)]],
]  # fmt: skip
MARKET = Market(PriceBook(PRICES), {"bsk": {"AAA": 1.0, "NOPE": 1.0}}, lambda ticker: "BM")
OBSERVATIONS = [
    # entry 01-03 at 100. 1 day: 102/100 - 1 = 0.02, BM 50.5/50 - 1 = 0.01: 0.01.
    # 2 days: 99/100 - 1 = -0.01, BM 50/50 - 1 = 0: -0.01.
    Observation("2024-01-02T09:00:00Z", "g", ticker="AAA", label="bullish"),
    # entry 01-04 at 102. 1 day: 99/102 - 1 = -0.0294118, BM 50/50.5 - 1 = -0.0099010: -0.0195108.
    # 2 days: 104/102 - 1 = 0.0196078, BM 51/50.5 - 1 = 0.0099010: 0.0097068.
    Observation("2024-01-03T09:00:00Z", "g", ticker="AAA", score=0.5),
    # entry 01-05 at 99. 1 day: 104/99 - 1 = 0.0505051, BM 51/50 - 1 = 0.02: 0.0305051. 2 days: no close yet.
    Observation("2024-01-04T09:00:00Z", "g", ticker="AAA", label="somewhat-bearish"),
    # a basket whose other member has no prices: AAA alone, as the first row: 0.01 and -0.01.
    Observation("2024-01-02T09:00:00Z", "g", basket="bsk", score=-0.6),
    Observation("2024-01-02T09:00:00Z", "g", ticker="AAA", score=0.0),  # neutral: left out
    Observation("2024-01-02T09:00:00Z", "g", ticker="AAA", label="bullish", estimated=True),  # left out
    Observation("2024-01-02T09:00:00Z", "other", ticker="NOPE", label="bullish"),  # no prices: no row
]


def test_forward_excess_by_hand():
    assert forward_excess(OBSERVATIONS[0], MARKET, 1) == pytest.approx(0.01)
    assert forward_excess(OBSERVATIONS[1], MARKET, 2) == pytest.approx(0.0097068, abs=1e-7)
    assert forward_excess(OBSERVATIONS[2], MARKET, 2) is None
    assert forward_excess(OBSERVATIONS[6], MARKET, 1) is None


def test_evidence_rows():
    rows = {(r.group, r.tone, r.days): r for r in evidence(OBSERVATIONS, MARKET, horizons=(1, 2))}
    assert list(rows) == [("g", BULLISH, 1), ("g", BULLISH, 2), ("g", BEARISH, 1), ("g", BEARISH, 2)]
    # bullish 1 day: 0.01 and -0.0195108: mean -0.0047554.
    assert rows["g", BULLISH, 1].n == 2
    assert rows["g", BULLISH, 1].mean_excess_return == pytest.approx(-0.0047554, abs=1e-7)
    # bearish 1 day: 0.0305051 and 0.01: mean 0.0202525; sd = 0.0205051 / sqrt 2 = 0.0144994; se 0.0102525;
    # t = 1.9753787; t(0.975, 1) = 12.7062047: interval 0.0202525 -/+ 0.1302706.
    bear = rows["g", BEARISH, 1]
    assert (bear.n, bear.too_few) == (2, True)
    assert bear.mean_excess_return == pytest.approx(0.0202525, abs=1e-7)
    assert bear.t_stat == pytest.approx(1.9753787, abs=1e-5)
    assert bear.ci_low == pytest.approx(-0.1100181, abs=1e-6)
    # bearish 2 days: only the basket (-0.01); n = 1 has no t.
    assert (rows["g", BEARISH, 2].n, rows["g", BEARISH, 2].t_stat) == (1, None)


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
    ],
)
def test_tone(label, score, expected):
    assert tone(label, score) == expected
