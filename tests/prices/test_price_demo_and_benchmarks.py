"""Illustrative demo prices and the benchmarks file."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from newsdesk.prices import demo
from newsdesk.prices.benchmarks import (
    Benchmark,
    BenchmarkConfigError,
    Benchmarks,
    benchmark_for,
    company_countries,
    load_benchmarks,
)
from newsdesk.prices.demo import ILLUSTRATIVE_NOTE, illustrative_prices


def test_demo_prices_are_business_days_and_deterministic():
    rows = illustrative_prices(["7011.T", "SPY"], "2026-05-01", "2026-05-31")
    days = sorted({r.date for r in rows})
    assert days[0] == "2026-05-01" and days[-1] == "2026-05-29"  # Fri 1 .. Fri 29 May 2026
    assert len(days) == 21 and all(date.fromisoformat(d).weekday() < 5 for d in days)
    assert len(rows) == 42 and all(r.close > 0 for r in rows)
    assert rows == illustrative_prices(["SPY", "7011.T", "SPY"], "2026-05-01", "2026-05-31")


def test_a_tickers_closes_do_not_depend_on_the_rest_of_the_request():
    wide = {(r.ticker, r.date): r.close for r in illustrative_prices(["AAPL", "MSFT"], "2026-01-01", "2026-12-31")}
    narrow = illustrative_prices(["AAPL"], "2026-06-01", "2026-06-30")
    assert narrow and all(wide[r.ticker, r.date] == r.close for r in narrow)
    other_seed = illustrative_prices(["AAPL"], "2026-06-01", "2026-06-30", seed=1)
    assert [r.close for r in other_seed] != [r.close for r in narrow]


def test_stocks_move_with_their_benchmark():
    links = {"7011.T": "1306.T", "7203.T": "1306.T"}
    rows = illustrative_prices(["7011.T", "7203.T", "1306.T", "LONE"], "2026-01-01", "2026-12-31", links)

    def log_returns(ticker):
        return np.diff(np.log([r.close for r in rows if r.ticker == ticker]))

    bench = log_returns("1306.T")
    assert np.corrcoef(log_returns("7011.T"), bench)[0, 1] > 0.3
    assert abs(np.corrcoef(log_returns("LONE"), bench)[0, 1]) < 0.2
    assert np.std(bench) < np.std(log_returns("7011.T"))


def test_empty_ranges_and_the_label():
    assert illustrative_prices(["SPY"], "2026-05-02", "2026-05-03") == []  # a weekend
    assert illustrative_prices(["SPY"], "2026-06-01", "2026-05-01") == []
    assert "illustrative" in ILLUSTRATIVE_NOTE.lower() and "not market data" in ILLUSTRATIVE_NOTE
    assert "ILLUSTRATIVE" in demo.__doc__ and "ILLUSTRATIVE" in illustrative_prices.__doc__


def test_shipped_benchmarks_cover_the_required_markets():
    shipped = load_benchmarks()
    for country in ("US", "JP", "DE", "GB", "FR", "HK", "TW", "KR", "IN"):
        assert country in shipped.by_country and shipped.by_country[country].ticker
    assert shipped.default.ticker and shipped.default.ticker in shipped.tickers


@pytest.mark.parametrize(
    "ticker, override, expected",
    [
        ("7011.T", None, "1306.T"),  # JP
        ("AAPL", None, "SPY"),  # US
        ("RHM.DE", None, "EXS1.DE"),  # DE
        ("NOT-A-COMPANY", None, "SPY"),  # unknown without a suffix: listed in New York
        ("NOT-A-COMPANY.T", None, "1306.T"),  # unknown on Tokyo: Japan's
        ("NOT-A-COMPANY.ZZ", None, "SPY"),  # an unknown suffix (BRK.B): New York's
        ("7011.T", "SPY", "SPY"),  # --benchmark wins
        ("7011.T", "  ", "1306.T"),
    ],
)
def test_benchmark_for_shipped_companies(ticker, override, expected):
    assert benchmark_for(ticker, company_countries(), load_benchmarks(), override) == expected


def test_benchmark_for_countries_case_and_default():
    marks = Benchmarks(default=Benchmark("WORLD"), by_country={"JP": Benchmark("TPX")})
    assert benchmark_for("A", {"A": "jp"}, marks) == "TPX"
    assert benchmark_for("B", {"B": "ZZ"}, marks) == "WORLD"
    assert benchmark_for("C", {"C": ""}, marks) == "WORLD"  # no US entry in this table: the default
    assert benchmark_for("D.SA", {}, marks) == "WORLD"  # Brazil has none here: the default


@pytest.mark.parametrize(
    "text, message",
    [
        ('[country.US]\nticker = "SPY"\n', r"\[default\] needs a ticker"),
        ('[default]\nticker = "ACWI"\n[country.JP]\nname = "TOPIX"\n', r"\[country.JP\] needs a ticker"),
    ],
)
def test_bad_benchmark_files(tmp_path, text, message):
    path = tmp_path / "benchmarks.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(BenchmarkConfigError, match=message):
        load_benchmarks(path)
