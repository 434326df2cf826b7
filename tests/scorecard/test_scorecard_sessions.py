"""The entry, staleness and provenance rules in the exchanges' own sessions, on small price tables whose
numbers are worked out by hand in the comments (New York: EDT = UTC-4 from 2020-03-08; Tokyo: UTC+9)."""

from __future__ import annotations

import pytest

from newsdesk.prices.series import PriceBook
from newsdesk.prices.sessions import exchange_of, parse_moment, sessions_for
from newsdesk.scorecard.groups import result_line
from newsdesk.scorecard.rules import CLOSED, OPEN, UNSCORED, DecisionInput, Leg, Market, score_decision

# NYSE sessions: 2020-03-16 Mon .. 03-20 Fri, 03-23 Mon ...; 2020-07-03 (Fri) is a holiday; 2019-11-29
# (the day after Thanksgiving) closes at 13:00 EST = 18:00 UTC.
NY = [
    ("2019-11-27", 100.0), ("2019-11-29", 101.0), ("2019-12-02", 103.0), ("2019-12-03", 99.0),
    ("2020-03-13", 80.0), ("2020-03-16", 70.0), ("2020-03-17", 77.0), ("2020-03-18", 73.5), ("2020-03-19", 75.0),
    ("2020-03-20", 72.0), ("2020-03-23", 70.0), ("2020-03-24", 84.0), ("2020-03-25", 88.2),
    ("2020-07-02", 50.0), ("2020-07-06", 52.0), ("2020-07-07", 51.0),
]  # fmt: skip
BENCH = [
    ("2019-11-27", 300.0), ("2019-11-29", 303.0), ("2019-12-02", 300.0), ("2019-12-03", 297.0),
    ("2020-03-13", 250.0), ("2020-03-16", 200.0), ("2020-03-17", 210.0), ("2020-03-18", 205.0), ("2020-03-19", 205.0),
    ("2020-03-20", 190.0), ("2020-03-23", 180.0), ("2020-03-24", 198.0), ("2020-03-25", 200.0),
    ("2020-07-02", 310.0), ("2020-07-06", 316.2), ("2020-07-07", 313.1),
]  # fmt: skip
ROWS = [("AAA", d, c) for d, c in NY] + [("SPY", d, c) for d, c in BENCH]
# LATE: its first close after 2020-03-16 comes 6 sessions late (03-24), EDGE 5 sessions late (03-23).
ROWS += [("LATE", "2020-03-24", 10.0), ("LATE", "2020-03-25", 11.0)]
ROWS += [("EDGE", "2020-03-23", 10.0), ("EDGE", "2020-03-25", 11.0)]
# OLD: closes that stop on 2020-03-18 while the table runs to 2020-07-07.
ROWS += [("OLD", "2020-03-16", 20.0), ("OLD", "2020-03-18", 21.0)]
# Tokyo: 7203.T closes at 15:00 JST = 06:00 UTC; its benchmark 1306.T.
ROWS += [("7203.T", d, c) for d, c in [("2020-03-16", 1000.0), ("2020-03-17", 1100.0), ("2020-03-18", 1210.0)]]
ROWS += [("1306.T", d, c) for d, c in [("2020-03-16", 100.0), ("2020-03-17", 105.0), ("2020-03-18", 110.0)]]
# STALEB: a stock whose benchmark SPYOLD stops on 2020-03-17, months before the stock's exit.
ROWS += [("STALEB", "2020-03-17", 10.0), ("STALEB", "2020-07-07", 12.0)]
ROWS += [("SPYOLD", "2020-03-16", 200.0), ("SPYOLD", "2020-03-17", 210.0)]
BENCHMARKS = {"7203.T": "1306.T", "STALEB": "SPYOLD"}


def market(**kw) -> Market:
    return Market(PriceBook(ROWS), {}, lambda t: BENCHMARKS.get(t, "SPY"), **kw)


def call(ticker, published, horizon=2, side="long", demo=False) -> DecisionInput:
    return DecisionInput("a1", 1, published, (Leg(ticker, side, ticker=ticker),), horizon, demo=demo)


# Each row: ticker, published, horizon, expected (status, entry, exit, return, benchmark return, excess).
CASES = {
    # 10:00 EDT on Monday 03-16 = 14:00 UTC, before that day's close: entry 03-16 at 70; + 2 days = 03-18 at
    # 73.5: r = 0.05; SPY 200 -> 205: b = 0.025; excess 0.025.
    "10:00 ET call enters that day's close": ("AAA", "2020-03-16T14:00:00Z", 2,
                                              (CLOSED, "2020-03-16", "2020-03-18", 0.05, 0.025, 0.025)),
    # the same call at 16:30 EDT (20:30 UTC), after the close: entry 03-17 at 77, exit 03-19 at 75:
    # r = -2/77; SPY 210 -> 205: b = -5/210; excess -2/77 + 5/210.
    "after the close enters the next session": ("AAA", "2020-03-16T20:30:00Z", 2,
                                                (CLOSED, "2020-03-17", "2020-03-19", -2 / 77, -5 / 210,
                                                 -2 / 77 + 5 / 210)),
    # a date without a time of day counts as after the close: the same as the row above.
    "date-only call enters the next session": ("AAA", "2020-03-16", 2,
                                               (CLOSED, "2020-03-17", "2020-03-19", -2 / 77, -5 / 210,
                                                -2 / 77 + 5 / 210)),
    # published on Sunday 03-15 at 22:00 EDT: entry Monday's close, 03-16 at 70 (as the 10:00 call).
    "weekend call enters Monday": ("AAA", "2020-03-16T02:00:00Z", 2,
                                   (CLOSED, "2020-03-16", "2020-03-18", 0.05, 0.025, 0.025)),
    # 2020-07-02 after the close; 07-03 is a holiday: entry 07-06 at 52; + 1 day = 07-07 at 51: r = -1/52;
    # SPY 316.2 -> 313.1: b = -3.1/316.2; excess -1/52 + 3.1/316.2.
    "holiday: the next session": ("AAA", "2020-07-02T21:00:00Z", 1,
                                  (CLOSED, "2020-07-06", "2020-07-07", -1 / 52, -3.1 / 316.2, -1 / 52 + 3.1 / 316.2)),
    # a half day: 2019-11-29 closes at 18:00 UTC. At 17:30 UTC: entry 11-29 at 101; + 4 days = 12-03 at 99:
    # r = -2/101; SPY 303 -> 297: b = -6/303; excess -2/101 + 6/303.
    "half day before its early close": ("AAA", "2019-11-29T17:30:00Z", 4,
                                        (CLOSED, "2019-11-29", "2019-12-03", -2 / 101, -6 / 303, -2 / 101 + 6 / 303)),
    # ... at 18:30 UTC it is after the early close (though before the usual 21:00): entry 12-02 at 103;
    # + 1 day = 12-03 at 99: r = -4/103; SPY 300 -> 297: b = -0.01; excess -4/103 + 0.01.
    "half day after its early close": ("AAA", "2019-11-29T18:30:00Z", 1,
                                       (CLOSED, "2019-12-02", "2019-12-03", -4 / 103, -0.01, -4 / 103 + 0.01)),
    # Tokyo: 14:00 JST (05:00 UTC) is before the 15:00 close: entry 03-16 at 1000; + 2 days = 03-18 at 1210:
    # r = 0.21; 1306.T 100 -> 110: b = 0.10; excess 0.11.
    "Tokyo before its close": ("7203.T", "2020-03-16T05:00:00Z", 2,
                               (CLOSED, "2020-03-16", "2020-03-18", 0.21, 0.10, 0.11)),
    # 16:00 JST (07:00 UTC), after Tokyo's close but before New York opens: entry 03-17 at 1100; + 1 day =
    # 03-18 at 1210: r = 0.10; 1306.T 105 -> 110: b = 5/105.
    "Tokyo after its close": ("7203.T", "2020-03-16T07:00:00Z", 1,
                              (CLOSED, "2020-03-17", "2020-03-18", 0.10, 5 / 105, 0.10 - 5 / 105)),
    # a 10:00 call on 03-16 enters 03-16 by the rule; EDGE's first close is 03-23, 5 sessions later (17, 18,
    # 19, 20, 23): within the bound. Entry 10, + 2 days = 03-25 at 11: r = 0.10; SPY 180 -> 200: b = 1/9.
    "late entry within the bound": ("EDGE", "2020-03-16T14:00:00Z", 2,
                                    (CLOSED, "2020-03-23", "2020-03-25", 0.10, 1 / 9, 0.10 - 1 / 9)),
}  # fmt: skip


@pytest.mark.parametrize("name", CASES)
def test_entry_rules_on_hand_computed_prices(name):
    ticker, published, horizon, (status, entry, exit_, ret, bench, excess) = CASES[name]
    result = score_decision(call(ticker, published, horizon), market())
    assert result.status == status, result.reason
    assert (result.entry_date, result.exit_date) == (entry, exit_)
    assert result.return_ == pytest.approx(ret, abs=1e-6)
    assert result.benchmark_return == pytest.approx(bench, abs=1e-6)
    assert result.excess_return == pytest.approx(excess, abs=1e-6)
    assert not result.illustrative


def test_late_entry_is_unscored_and_the_bound_is_configurable():
    # a 10:00 call on 03-16 enters 03-16; LATE's first close is 03-24: 6 sessions late (17, 18, 19, 20, 23, 24).
    late = score_decision(call("LATE", "2020-03-16T14:00:00Z"), market())
    assert late.status == UNSCORED
    assert "no close within 5 sessions of publication" in late.reason
    # with --max-entry-lag 6 it enters 03-24 at 10; + 1 day = 03-25 at 11: r = 0.10; SPY 198 -> 200: b = 2/198.
    allowed = score_decision(call("LATE", "2020-03-16T14:00:00Z", horizon=1), market(max_lag=6))
    assert (allowed.status, allowed.entry_date, allowed.exit_date) == (CLOSED, "2020-03-24", "2020-03-25")
    assert allowed.excess_return == pytest.approx(0.10 - 2 / 198, abs=1e-6)


def test_call_before_the_first_close_is_never_scored():
    # AAA's first close is 2019-11-27; a call years before it would enter years late.
    result = score_decision(call("AAA", "2015-06-01T14:00:00Z"), market())
    assert result.status == UNSCORED and "no close within 5 sessions" in result.reason


def test_stale_benchmark_leaves_the_leg_unscored():
    # STALEB enters 03-17 (date-only call on 03-16) and exits 07-07; SPYOLD stops on 03-17: its exit close
    # would be 77 sessions before the leg's.
    result = score_decision(call("STALEB", "2020-03-16", horizon=120), market())
    assert result.status == UNSCORED and result.reason == "benchmark prices stale"
    assert result.legs[0].return_ == pytest.approx(0.2)  # the leg's own return is kept (a pair could use it)


def test_open_leg_on_stopped_prices():
    # OLD's last close is 03-18 while the table runs to 07-07: not open, unscored.
    result = score_decision(call("OLD", "2020-03-16T14:00:00Z", horizon=30), market())
    assert result.status == UNSCORED and "prices stop on 2020-03-18" in result.reason
    # when the table itself ends within 5 sessions of it, the leg is open, marked at 21: r = 0.05; SPY
    # 200 -> 205: b = 0.025.
    live = score_decision(call("OLD", "2020-03-16T14:00:00Z", horizon=30), market(latest_real="2020-03-25"))
    assert (live.status, live.exit_date) == (OPEN, "2020-03-18")
    assert live.excess_return == pytest.approx(0.025, abs=1e-6)


# ---------------------------------------------------------------------------------------------- provenance

FAKE = [("AAA", "2020-03-16", 10.0), ("AAA", "2020-03-18", 11.0), ("SPY", "2020-03-16", 10.0),
        ("SPY", "2020-03-18", 10.0), ("ONLYFAKE", "2020-03-16", 5.0), ("ONLYFAKE", "2020-03-18", 6.0)]  # fmt: skip


def test_real_article_is_never_graded_on_illustrative_closes():
    both = market(illustrative=PriceBook(FAKE))
    real = score_decision(call("AAA", "2020-03-16T14:00:00Z"), both)
    assert real.return_ == pytest.approx(0.05) and not real.illustrative  # the real closes (70 -> 73.5)
    only = score_decision(call("ONLYFAKE", "2020-03-16T14:00:00Z"), both)
    assert only.status == UNSCORED and "illustrative closes grade only demo articles" in only.reason


def test_demo_article_is_graded_on_illustrative_closes_and_says_so():
    both = market(illustrative=PriceBook(FAKE))
    demo = score_decision(call("AAA", "2020-03-16T14:00:00Z", demo=True), both)
    assert demo.return_ == pytest.approx(0.10) and demo.benchmark_return == pytest.approx(0.0)  # 10 -> 11
    assert demo.illustrative
    assert result_line(demo).endswith("on ILLUSTRATIVE closes (generated for the demo, not market data)")
    # a demo article on a ticker without illustrative closes reads its real ones
    other = score_decision(call("7203.T", "2020-03-16T05:00:00Z", demo=True), both)
    assert other.return_ == pytest.approx(0.21) and not other.illustrative


# ---------------------------------------------------------------------------------------------- sessions


@pytest.mark.parametrize(
    "published, day, has_time",
    [
        ("2020-03-16", "2020-03-16", False),
        ("2020-03-16T00:00:00Z", "2020-03-16", False),
        ("2020-03-16T00:00:00+00:00", "2020-03-16", False),
        ("2020-03-16T00:00:00-04:00", "2020-03-16", True),  # midnight in New York is 04:00 UTC: a time
        ("2020-03-16T14:00:00", "2020-03-16", True),
        ("2020-03-16T23:30:00-04:00", "2020-03-17", True),
    ],
)
def test_parse_moment(published, day, has_time):
    moment = parse_moment(published)
    assert (moment.day, moment.has_time) == (day, has_time)


@pytest.mark.parametrize("value", [None, "", "nan", "yesterday", float("nan")])
def test_parse_moment_of_nothing(value):
    assert parse_moment(value) is None


@pytest.mark.parametrize(
    "ticker, code, country",
    [("AAPL", "XNYS", "US"), ("7203.T", "XTKS", "JP"), ("sap.de", "XETR", "DE"), ("BRK.B", "XNYS", "US"),
     ("0700.HK", "XHKG", "HK"), ("RELIANCE.NS", "XBOM", "IN"), ("", "XNYS", "US"), (None, "XNYS", "US")],
)  # fmt: skip
def test_exchange_of_a_ticker(ticker, code, country):
    assert (exchange_of(ticker).code, exchange_of(ticker).country) == (code, country)


def test_sessions_outside_the_calendar_are_weekdays():
    ny = sessions_for("XNYS")
    assert ny.shift("1975-01-03", 1) == "1975-01-06"  # Friday -> Monday: weekdays stand in before 1990
    assert ny.lag("2020-07-02", "2020-07-06") == 1  # 07-03 is a holiday


def test_session_tables_are_cached_on_disk(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    sessions_for.cache_clear()
    try:
        built = sessions_for("XSHG")
        (stored,) = (tmp_path / "newsdesk" / "sessions").glob("XSHG-*.json")
        sessions_for.cache_clear()
        again = sessions_for("XSHG")
        assert (again.dates, again.closes) == (built.dates, built.closes)
        stored.write_text("{not json")  # a broken cache is rebuilt, never an error
        sessions_for.cache_clear()
        assert sessions_for("XSHG").dates == built.dates
        assert "2020-01-24" not in built.dates  # Shanghai closed for the lunar new year
    finally:
        sessions_for.cache_clear()
