"""ILLUSTRATIVE prices for the demo: generated, deterministic, and NOT market data.

The demo articles are written for newsdesk and so are these closes: each ticker gets a random walk on
business days (Monday to Friday, no holidays) from a seed made of :data:`DEMO_SEED` and the ticker
itself, so a ticker's closes do not depend on which other tickers or which date range are asked for.
A stock given a benchmark moves with it (its daily return is the benchmark's plus its own noise), so the
scorecard has something to measure. Anything that shows these prices must say they are illustrative
(:data:`ILLUSTRATIVE_NOTE`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from datetime import date

import numpy as np
import pandas as pd

from newsdesk.prices import ILLUSTRATIVE_SOURCE, PriceRow

DEMO_SEED = 20260501
EPOCH = date(2020, 1, 1)  # every walk starts here, so a date's close is the same whatever range is asked
ILLUSTRATIVE_NOTE = "Illustrative prices generated for the demo (not market data)."
SOURCE = ILLUSTRATIVE_SOURCE
BENCHMARK_DAILY_VOL = 0.009
STOCK_DAILY_VOL = 0.016


def _rng(ticker: str, seed: int) -> np.random.Generator:
    digest = int.from_bytes(hashlib.sha256(ticker.encode("utf-8")).digest()[:8], "big")
    return np.random.default_rng([seed, digest])


def _walk(ticker: str, days: int, vol: float, seed: int) -> tuple[float, np.ndarray]:
    """A start price and ``days`` daily log returns for ``ticker``."""
    rng = _rng(ticker, seed)
    start = float(rng.uniform(20.0, 500.0))
    return start, rng.normal(0.0, vol, days)


def illustrative_prices(
    tickers: Iterable[str],
    start: str | date,
    end: str | date,
    benchmark_of: Mapping[str, str] | None = None,
    seed: int = DEMO_SEED,
) -> list[PriceRow]:
    """ILLUSTRATIVE closes of ``tickers`` on every business day from ``start`` to ``end`` (inclusive),
    sorted by ticker and date; see the module docstring. ``benchmark_of`` maps a stock to the benchmark it
    moves with; a ticker that is some ticker's benchmark gets a benchmark's calmer walk."""
    start, end = pd.Timestamp(start).date(), pd.Timestamp(end).date()
    if end < start or end < EPOCH:
        return []
    days = pd.bdate_range(EPOCH, end)
    links = dict(benchmark_of or {})
    benchmarks = set(links.values())
    returns: dict[str, np.ndarray] = {}
    levels: dict[str, float] = {}

    def log_returns(ticker: str) -> np.ndarray:
        if ticker not in returns:
            is_benchmark = ticker in benchmarks
            levels[ticker], own = _walk(
                ticker, len(days), BENCHMARK_DAILY_VOL if is_benchmark else STOCK_DAILY_VOL, seed
            )
            market = None if is_benchmark else links.get(ticker)
            returns[ticker] = own + log_returns(market) if market else own
        return returns[ticker]

    keep = (days.date >= start) & (days.date <= end)
    wanted = [d.isoformat() for d in days.date[keep]]
    rows: list[PriceRow] = []
    for ticker in sorted(set(tickers)):
        closes = log_returns(ticker)
        closes = levels[ticker] * np.exp(np.cumsum(closes))[keep]
        rows.extend(PriceRow(ticker, d, max(0.01, round(float(c), 2))) for d, c in zip(wanted, closes, strict=True))
    return rows
