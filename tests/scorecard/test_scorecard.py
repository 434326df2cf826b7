"""The scorecard's rules on a small price table whose expected numbers are worked out by hand below."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from newsdesk.domain.models import Article, CategoryTag
from newsdesk.domain.models import Decision as DecisionModel
from newsdesk.prices.series import PriceBook
from newsdesk.scorecard.groups import (
    cumulative_excess,
    exposure,
    group_results,
    horizon_bucket,
    result_line,
    scorecard_json,
    summarise,
)
from newsdesk.scorecard.rules import (
    CLOSED,
    OPEN,
    UNSCORED,
    DecisionInput,
    Leg,
    Market,
    ScorecardError,
    publish_day,
    score_decision,
    tickers_needed,
)

# January 2024: Tue 2, Wed 3, Thu 4, Fri 5, (Sat 6, Sun 7), Mon 8, Tue 9, Wed 10, Thu 11.
PRICES = [
    # AAA: 100 on the publish day (never used as entry), 100 at entry on the 3rd.
    *[
        ("AAA", d, c)
        for d, c in [
            ("2024-01-02", 100.0),
            ("2024-01-03", 100.0),
            ("2024-01-04", 104.0),
            ("2024-01-05", 105.0),
            ("2024-01-08", 108.0),
            ("2024-01-09", 110.0),
            ("2024-01-10", 111.0),
            ("2024-01-11", 120.0),
        ]
    ],
    ("ZZZ", "2024-01-02", 41.0),
    ("ZZZ", "2024-01-03", 40.0),
    ("ZZZ", "2024-01-10", 36.0),
    ("ZZZ", "2024-01-11", 35.0),
    ("CCC", "2024-01-03", 20.0),
    ("CCC", "2024-01-10", 19.0),
    ("CCC", "2024-01-11", 19.0),
    ("LLL", "2024-01-03", 10.0),
    ("LLL", "2024-04-01", 13.0),
    ("LLL", "2024-04-03", 15.0),
    # The benchmark: no close on the 4th (its market's holiday), none on the 9th.
    ("BM", "2024-01-02", 50.0),
    ("BM", "2024-01-03", 50.0),
    ("BM", "2024-01-05", 50.5),
    ("BM", "2024-01-08", 50.4),
    ("BM", "2024-01-10", 51.0),
    ("BM", "2024-01-11", 54.0),
    ("BM", "2024-04-01", 55.0),
]
BASKETS = {"bsk": {"AAA": 0.5, "CCC": 0.3, "NOPE": 0.2}}  # NOPE has no prices
# The table's latest close, as the open rule reads it, is given as 01-11 (AAA's last): the April closes of
# LLL and BM stand for long-horizon cases; test_open_leg_on_stopped_prices uses the table as it is.
MARKET = Market(
    PriceBook(PRICES), BASKETS, lambda ticker: "NOBM" if ticker == "CCC-NOBM" else "BM", latest_real="2024-01-11"
)
TUESDAY = "2024-01-02T22:00:00Z"  # 17:00 in New York: after the close, so the entry is 01-03


def decision(*legs, horizon=7, published=TUESDAY, estimated=False, source="wire", action="buy", position=1):
    return DecisionInput(
        article_id="a1",
        position=position,
        published_at=published,
        legs=tuple(Leg(name=t, side=s, **({"basket": t} if t == "bsk" else {"ticker": t})) for s, t in legs),
        horizon_max_days=horizon,
        published_estimated=estimated,
        source=source,
        action=action,
        categories=("Tech",),
    )


# Each row: legs, horizon, published, expected (status, entry, exit, return, benchmark return, excess, pair).
# Hand computation in the comment of each row; b = BM return over the leg's dates.
CASES = {
    # entry 01-03 at 100, exit 01-10 (01-03 + 7 d) at 111: r = 0.11; BM 50 -> 51: b = 0.02; excess 0.09.
    "long single name": ([("long", "AAA")], 7, TUESDAY, (CLOSED, "2024-01-03", "2024-01-10", 0.11, 0.02, 0.09, False)),
    # same dates: excess b - r = 0.02 - 0.11 = -0.09; the position's return -0.11 against -0.02.
    "short": ([("short", "AAA")], 7, TUESDAY, (CLOSED, "2024-01-03", "2024-01-10", -0.11, -0.02, -0.09, False)),
    # ZZZ 40 -> 36: r = -0.10; reduce excess b - r = 0.02 + 0.10 = 0.12.
    "reduce": ([("reduce", "ZZZ")], 7, TUESDAY, (CLOSED, "2024-01-03", "2024-01-10", 0.10, -0.02, 0.12, False)),
    # pair: mean(r long) - mean(r short) = 0.11 - (-0.10) = 0.21, no benchmark.
    "pair": (
        [("long", "AAA"), ("short", "ZZZ")],
        7,
        TUESDAY,
        (CLOSED, "2024-01-03", "2024-01-10", 0.21, None, 0.21, True),
    ),
    # funding is a named short: the same spread.
    "funded long": (
        [("long", "AAA"), ("funding", "ZZZ")],
        7,
        TUESDAY,
        (CLOSED, "2024-01-03", "2024-01-10", 0.21, None, 0.21, True),
    ),
    # basket AAA 0.5 / CCC 0.3 / NOPE 0.2 without prices -> weights 0.625 / 0.375;
    # r = 0.625 * 0.11 + 0.375 * (19/20 - 1 = -0.05) = 0.06875 - 0.01875 = 0.05; b = 0.02; excess 0.03.
    "basket with a missing member": (
        [("long", "bsk")],
        7,
        TUESDAY,
        (CLOSED, "2024-01-03", "2024-01-10", 0.05, 0.02, 0.03, False),
    ),
    # 01-03 + 30 d = 02-02 is after AAA's latest close (01-11): open, marked at 120: r = 0.20;
    # BM 50 -> 54: b = 0.08; excess 0.12.
    "open": ([("long", "AAA")], 30, TUESDAY, (OPEN, "2024-01-03", "2024-01-11", 0.20, 0.08, 0.12, False)),
    # 01-03 + 8 d = 01-11 is AAA's latest close itself: closed (not after the latest price), at 120; BM 54.
    "exit on the latest close": (
        [("long", "AAA")],
        8,
        TUESDAY,
        (CLOSED, "2024-01-03", "2024-01-11", 0.20, 0.08, 0.12, False),
    ),
    # 01-03 + 3 d = Saturday 01-06: exit the last close on or before it, Friday 01-05 at 105: r = 0.05;
    # BM 50 -> 50.5: b = 0.01; excess 0.04.
    "exit day without a close": (
        [("long", "AAA")],
        3,
        TUESDAY,
        (CLOSED, "2024-01-03", "2024-01-05", 0.05, 0.01, 0.04, False),
    ),
    # the hold leg is not scored: the decision is the long leg alone.
    "hold leg": (
        [("long", "AAA"), ("hold", "ZZZ")],
        7,
        TUESDAY,
        (CLOSED, "2024-01-03", "2024-01-10", 0.11, 0.02, 0.09, False),
    ),
    # no horizon: 90 days from 01-03 is 04-02 (2024 is a leap year); last LLL close on or before: 04-01 at 13;
    # r = 0.30; BM 50 -> 55: b = 0.10; excess 0.20.
    "no horizon": ([("long", "LLL")], None, TUESDAY, (CLOSED, "2024-01-03", "2024-04-01", 0.30, 0.10, 0.20, False)),
    # published on Saturday 01-06: entry Monday 01-08 at 108, exit 01-10 at 111: r = 3/108 = 1/36;
    # BM 50.4 -> 51: b = 0.6/50.4 = 1/84; excess 1/36 - 1/84 = 1/63.
    "weekend publish": (
        [("long", "AAA")],
        2,
        "2024-01-06T10:00:00Z",
        (CLOSED, "2024-01-08", "2024-01-10", 1 / 36, 1 / 84, 1 / 63, False),
    ),
    # 22:30 on Friday in New York is Saturday 03:30 UTC: the same as the weekend publish.
    "UTC calendar date": (
        [("long", "AAA")],
        2,
        "2024-01-05T22:30:00-05:00",
        (CLOSED, "2024-01-08", "2024-01-10", 1 / 36, 1 / 84, 1 / 63, False),
    ),
    # 23:30 in Tokyo on 01-02 is 09:30 in New York, before the close: entry that day, 01-02 at 100; exit
    # 01-09 at 110: r = 0.10; BM has no close on 01-09, its last before: 01-08 at 50.4: b = 0.008; 0.092.
    "Tokyo evening is New York morning": (
        [("long", "AAA")],
        7,
        "2024-01-02T23:30:00+09:00",
        (CLOSED, "2024-01-02", "2024-01-09", 0.10, 0.008, 0.092, False),
    ),
    # published 01-03 at 16:30 New York, after the close: entry 01-04 at 104, exit 01-05 at 105: r = 1/104.
    # BM has no close on 01-04 and its last before it (01-03) is before publication, so its entry is its
    # first close after: 01-05 at 50.5 (one session late: within 5), exit 01-05 at 50.5: b = 0; 1/104.
    "benchmark holiday on entry": (
        [("long", "AAA")],
        1,
        "2024-01-03T21:30:00Z",
        (CLOSED, "2024-01-04", "2024-01-05", 1 / 104, 0.0, 1 / 104, False),
    ),
    # a pair and a reduce leg: the pair rule uses long and short legs only (0.21).
    "pair with a reduce leg": (
        [("long", "AAA"), ("short", "ZZZ"), ("reduce", "CCC")],
        7,
        TUESDAY,
        (CLOSED, "2024-01-03", "2024-01-10", 0.21, None, 0.21, True),
    ),
    # long AAA (excess 0.09) and reduce ZZZ (excess 0.12), no short: mean excess 0.105; return mean(0.11, 0.10).
    "long and reduce": (
        [("long", "AAA"), ("reduce", "ZZZ")],
        7,
        TUESDAY,
        (CLOSED, "2024-01-03", "2024-01-10", 0.105, 0.0, 0.105, False),
    ),
}


@pytest.mark.parametrize("name", CASES)
def test_rules_on_hand_computed_prices(name):
    legs, horizon, published, (status, entry, exit_, ret, bench, excess, pair) = CASES[name]
    result = score_decision(decision(*legs, horizon=horizon, published=published), MARKET)
    assert result.status == status, result.reason
    assert (result.entry_date, result.exit_date, result.pair) == (entry, exit_, pair)
    assert result.return_ == pytest.approx(ret, abs=1e-12)
    assert result.excess_return == pytest.approx(excess, abs=1e-12)
    if bench is None:
        assert result.benchmark_return is None
    else:
        assert result.benchmark_return == pytest.approx(bench, abs=1e-12)
    assert result.success is (excess > 0)
    assert result.horizon_defaulted is (horizon is None)
    assert result.horizon_days == (90 if horizon is None else horizon)


def test_basket_leg_details():
    result = score_decision(decision(("long", "bsk")), MARKET)
    (leg,) = result.legs
    assert leg.missing == ["NOPE"]
    assert [(t.ticker, t.weight) for t in leg.trips] == [("AAA", 0.5), ("CCC", 0.3)]
    assert [t.return_ for t in leg.trips] == pytest.approx([0.11, -0.05])


def test_hold_leg_is_not_scored():
    result = score_decision(decision(("long", "AAA"), ("hold", "ZZZ")), MARKET)
    assert [leg.status for leg in result.legs] == [CLOSED, "hold"]
    assert result.legs[1].return_ is None
    only_hold = score_decision(decision(("hold", "AAA")), MARKET)
    assert only_hold.status == UNSCORED and "hold" in only_hold.reason and only_hold.success is None


def test_estimated_date_is_not_scored():
    result = score_decision(decision(("long", "AAA"), estimated=True), MARKET)
    assert result.status == UNSCORED and "estimated" in result.reason
    assert result.legs == [] and result.excess_return is None


def test_no_horizon_uses_the_default_parameter_and_is_flagged():
    # default 90 days: AAA's prices end 01-11, so the decision is open, marked at 120 (r 0.20).
    result = score_decision(decision(("long", "AAA"), horizon=None), MARKET)
    assert (result.status, result.horizon_days, result.horizon_defaulted) == (OPEN, 90, True)
    assert result.return_ == pytest.approx(0.20)
    # default 5 days: exit the last close on or before 01-08: 108; b = 50.4/50 - 1 = 0.008; excess 0.072.
    short = score_decision(decision(("long", "AAA"), horizon=None), MARKET, default_horizon_days=5)
    assert (short.status, short.exit_date, short.horizon_days) == (CLOSED, "2024-01-08", 5)
    assert short.excess_return == pytest.approx(0.072)


@pytest.mark.parametrize(
    "legs, published, reason",
    [
        ([("long", "AAA")], "2024-01-11T22:00:00Z", "no close of AAA at or after 2024-01-12 yet"),
        ([("long", "MISSING")], TUESDAY, "no prices for MISSING"),
        ([("long", "bsk-unknown")], TUESDAY, "no prices for bsk-unknown"),
        ([("sideways", "AAA")], TUESDAY, "side 'sideways' is not scored"),
        ([("long", "AAA")], None, "no publish date"),
        ([("long", "AAA")], "not a date", "no publish date"),
        ([], TUESDAY, "no legs"),
    ],
)
def test_unscored_decisions_say_why(legs, published, reason):
    result = score_decision(decision(*legs, published=published), MARKET)
    assert result.status == UNSCORED
    assert reason in result.reason
    assert result.success is None


def test_missing_benchmark_leaves_a_single_leg_unscored_but_not_a_pair():
    market = Market(PriceBook(PRICES), BASKETS, lambda ticker: "NO-SUCH-BENCHMARK")
    single = score_decision(decision(("long", "AAA")), market)
    assert single.status == UNSCORED and "benchmark" in single.reason
    pair = score_decision(decision(("long", "AAA"), ("short", "ZZZ")), market)
    assert pair.status == CLOSED and pair.excess_return == pytest.approx(0.21)


def test_pair_needs_prices_on_both_sides():
    # the short leg has no prices: the decision is the long leg against its benchmark (0.09).
    result = score_decision(decision(("long", "AAA"), ("short", "MISSING")), MARKET)
    assert not result.pair and result.excess_return == pytest.approx(0.09)


@pytest.mark.parametrize(
    "published, day",
    [
        ("2024-01-05T22:30:00-05:00", "2024-01-06"),
        ("2024-01-02T23:30:00+09:00", "2024-01-02"),
        ("2024-01-02T23:30:00Z", "2024-01-02"),
        ("2024-01-02T23:30:00", "2024-01-02"),
        ("2024-01-02", "2024-01-02"),
        ("", None),
        (None, None),
        ("yesterday", None),
    ],
)
def test_publish_day_is_the_utc_calendar_date(published, day):
    assert publish_day(published) == day


# ---------------------------------------------------------------------------------------------- groups


def test_summarise_five_values():
    # mean 0.03; deviations -0.02 -0.01 0 0.01 0.02: sd = sqrt(0.001 / 4) = 0.0158114; se = sd / sqrt 5 =
    # 0.00707107; t = 0.03 / 0.00707107 = 4.2426407 (3 sqrt 2); t(0.975, 4) = 2.7764451:
    # half-width 0.0196324, interval 0.0103676 .. 0.0496324.
    g = summarise("k", [0.01, 0.02, 0.03, 0.04, 0.05])
    assert (g.n, g.successes, g.success_rate, g.too_few) == (5, 5, 1.0, False)
    assert g.mean_excess_return == pytest.approx(0.03)
    assert g.sd == pytest.approx(0.0158114, abs=1e-7)
    assert g.t_stat == pytest.approx(4.2426407, abs=1e-6)
    assert (g.ci_low, g.ci_high) == (pytest.approx(0.0103676, abs=1e-7), pytest.approx(0.0496324, abs=1e-7))


def test_summarise_two_values_is_too_few():
    # mean 0.03; sd = sqrt(0.07^2 + 0.07^2) = 0.0989949; se = 0.07; t = 3/7 = 0.4285714;
    # t(0.975, 1) = 12.7062047: half-width 0.8894343, interval -0.8594343 .. 0.9194343.
    g = summarise("k", [0.10, -0.04])
    assert (g.n, g.successes, g.success_rate, g.too_few) == (2, 1, 0.5, True)
    assert g.t_stat == pytest.approx(0.4285714, abs=1e-7)
    assert (g.ci_low, g.ci_high) == (pytest.approx(-0.8594343, abs=1e-6), pytest.approx(0.9194343, abs=1e-6))


@pytest.mark.parametrize(
    "values, n, mean, t, low, high",
    [
        ([], 0, None, None, None, None),
        ([0.05], 1, 0.05, None, None, None),
        ([0.02, 0.02, 0.02], 3, 0.02, None, 0.02, 0.02),  # zero spread: no t, the interval is the mean
    ],
)
def test_summarise_degenerate_groups(values, n, mean, t, low, high):
    g = summarise("k", values)
    assert (g.n, g.t_stat, g.ci_low, g.ci_high) == (n, t, low, high)
    assert g.mean_excess_return == (None if mean is None else pytest.approx(mean))


def _results():
    return [
        score_decision(decision(("long", "AAA"), source="X"), MARKET),  # excess 0.09
        score_decision(decision(("reduce", "ZZZ"), source="X", action="reduce"), MARKET),  # 0.12
        score_decision(decision(("long", "bsk"), source="X"), MARKET),  # 0.03
        score_decision(decision(("short", "AAA"), source="Y", action="short"), MARKET),  # -0.09
        score_decision(decision(("long", "AAA"), horizon=30, source="Y"), MARKET),  # open, 0.12
        score_decision(decision(("long", "AAA"), estimated=True, source="Y"), MARKET),  # unscored
        score_decision(decision(("long", "AAA"), ("short", "ZZZ"), source="Z", action="pair"), MARKET),  # 0.21
    ]


def test_groups_by_source():
    # X: 0.09, 0.12, 0.03: mean 0.08; squared deviations 0.0001 + 0.0016 + 0.0025 = 0.0042, / 2 = 0.0021:
    # sd 0.0458258, se 0.0264575, t = 3.0237158; t(0.975, 2) = 4.3026527: half 0.1138376.
    # Y (closed only): -0.09 alone.
    groups = {g.key: g for g in group_results(_results(), "source", include_open=False)}
    assert sorted(groups) == ["X", "Y", "Z"]
    x = groups["X"]
    assert (x.n, x.success_rate, x.too_few) == (3, 1.0, True)
    assert x.mean_excess_return == pytest.approx(0.08)
    assert x.t_stat == pytest.approx(3.0237158, abs=1e-6)
    assert (x.ci_low, x.ci_high) == (pytest.approx(-0.0338376, abs=1e-6), pytest.approx(0.1938376, abs=1e-6))
    assert (groups["Y"].n, groups["Y"].success_rate, groups["Y"].t_stat) == (1, 0.0, None)
    # with open decisions: Y is -0.09 and 0.12: mean 0.015, success rate 0.5.
    with_open = {g.key: g for g in group_results(_results(), "source")}
    assert (with_open["Y"].n, with_open["Y"].success_rate) == (2, 0.5)
    assert with_open["Y"].mean_excess_return == pytest.approx(0.015)


def test_groups_by_other_keys():
    results = _results()
    assert {g.key: g.n for g in group_results(results, "action")} == {"buy": 3, "pair": 1, "reduce": 1, "short": 1}
    assert {g.key: g.n for g in group_results(results, "exposure")} == {"long": 3, "pair": 1, "reduce": 1, "short": 1}
    assert {g.key: g.n for g in group_results(results, "category")} == {"Tech": 6}
    assert {g.key: g.n for g in group_results(results, "horizon")} == {"up to 1 month": 6}
    (everything,) = group_results(results)
    assert (everything.key, everything.n) == ("all", 6)
    by_letter = group_results(results, lambda r: [r.decision.source, "any"])
    assert {g.key: g.n for g in by_letter} == {"X": 3, "Y": 2, "Z": 1, "any": 6}
    with pytest.raises(ScorecardError, match="use one of"):
        group_results(results, "colour")


@pytest.mark.parametrize(
    "horizon, bucket",
    [(7, "up to 1 month"), (31, "up to 1 month"), (90, "1-3 months"), (180, "3-6 months"), (365, "6-12 months"),
     (730, "over 1 year"), (None, "none stated")],
)  # fmt: skip
def test_horizon_buckets(horizon, bucket):
    assert horizon_bucket(score_decision(decision(("long", "AAA"), horizon=horizon), MARKET)) == bucket


def test_exposure_of_mixed_legs():
    assert exposure(score_decision(decision(("long", "AAA"), ("reduce", "ZZZ")), MARKET)) == "mixed"
    assert exposure(score_decision(decision(("funding", "ZZZ")), MARKET)) == "short"


def test_json_shape():
    results = _results()
    doc = json.loads(json.dumps(scorecard_json(results, group_results(results, "source"))))
    assert list(doc) == ["decisions", "groups"]
    assert list(doc["decisions"][0]) == [
        "article_id",
        "position",
        "status",
        "entry_date",
        "exit_date",
        "return",
        "benchmark_return",
        "excess_return",
        "success",
        "closes",
        "reason",
    ]
    assert list(doc["groups"][0]) == ["key", "n", "success_rate", "mean_excess_return", "t_stat", "ci_low", "ci_high"]
    first = doc["decisions"][0]
    assert first["status"] == "closed" and first["return"] == pytest.approx(0.11) and first["success"] is True
    assert first["closes"] == "real" and first["reason"] is None
    assert first["excess_return"] == pytest.approx(0.09)
    unscored = doc["decisions"][5]
    assert unscored["status"] == "unscored" and unscored["return"] is None and unscored["success"] is None
    assert doc["decisions"][6]["benchmark_return"] is None  # a pair has no benchmark


# ---------------------------------------------------------------------------------------------- inputs


def test_decision_input_from_row_and_models():
    row = {
        "article_id": "a9",
        "position": 2,
        "published_at": "2024-01-02T15:00:00Z",
        "instruments": json.dumps([{"name": "A", "ticker": "AAA", "side": "long"}, {"name": "B", "basket": "bsk", "side": "Funding"}]),  # noqa: E501
        "horizon_max_days": float("nan"),
        "action": "pair",
        "source": "wire",
        "categories": "Tech|Macro",
    }  # fmt: skip
    d = DecisionInput.from_row(row)
    assert d.legs == (Leg("A", "long", ticker="AAA"), Leg("B", "funding", basket="bsk"))
    assert (d.horizon_max_days, d.categories, d.published_estimated) == (None, ("Tech", "Macro"), False)
    bad = DecisionInput.from_row({**row, "instruments": "not json", "horizon_max_days": 30.0})
    assert (bad.legs, bad.horizon_max_days) == ((), 30)
    assert DecisionInput.from_row({**row, "horizon_max_days": pd.NA}).horizon_max_days is None
    article = Article(
        title="t",
        source="wire",
        id="a9",
        published_at="2024-01-02T15:00:00Z",
        published_estimated=True,
        categories=[CategoryTag("Tech")],
    )
    model = DecisionModel(
        position=1, text="Buy AAA", action="buy", instruments=[{"name": "A", "ticker": "AAA", "side": "long"}]
    )
    m = DecisionInput.from_models(article, model)
    assert (m.article_id, m.published_estimated, m.categories, m.legs[0].ticker) == ("a9", True, ("Tech",), "AAA")


def test_tickers_needed():
    decisions = [
        decision(("long", "bsk"), ("hold", "HELD")),
        decision(("short", "ZZZ"), ("long", "unknown-basket")),
    ]
    bench = {"AAA": "SPY", "ZZZ": "EWJ"}.get
    assert tickers_needed(decisions, BASKETS, bench) == ["AAA", "CCC", "EWJ", "NOPE", "SPY", "ZZZ", "unknown-basket"]


def test_cumulative_excess_of_closed_decisions():
    # closed exits: 01-10 (0.09, 0.12, 0.03, -0.09, 0.21 = 0.36, five decisions); open and unscored left out.
    results = _results() + [score_decision(decision(("long", "AAA"), horizon=3), MARKET)]  # 01-05: 0.04
    points = cumulative_excess(results)
    assert [(day, n) for day, _, n in points] == [("2024-01-05", 1), ("2024-01-10", 6)]
    assert [total for _, total, _ in points] == pytest.approx([0.04, 0.40])


@pytest.mark.parametrize(
    "legs, horizon, estimated, line",
    [
        ([("long", "AAA")], 7, False, "closed 2024-01-10: +9.0 % vs benchmark"),
        ([("long", "AAA")], 30, False, "since published: +12.0 % vs benchmark, open"),
        ([("long", "AAA"), ("short", "ZZZ")], 7, False, "closed 2024-01-10: +21.0 % spread (long - short)"),
        (
            [("long", "LLL")],
            None,
            False,
            "closed 2024-04-01: +20.0 % vs benchmark (no horizon stated: 90 days assumed)",
        ),  # noqa: E501
        ([("long", "AAA")], 7, True, "not scored: the publish date is estimated"),
    ],
)
def test_result_line(legs, horizon, estimated, line):
    assert result_line(score_decision(decision(*legs, horizon=horizon, estimated=estimated), MARKET)) == line
