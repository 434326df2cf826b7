"""Evidence: what prices did after bullish and after bearish articles, against the benchmark.

For each observation (an article's publish time, its tone, and a ticker or a basket it is about) the
benchmark-relative return over ``k`` trading days is r - b, where r runs from the entry close (the first
close dated strictly after the publish date's UTC calendar day, as in the scorecard) to the k-th close
after it in the ticker's own series, and b is the benchmark over the same dates (the scorecard's
benchmark rule). A basket's r and b are weight-averaged over the members with k closes after entry,
weights renormalised. Observations without k closes yet, with an estimated date, or neutral, are left
out. Each (group, tone, k) gets n, the mean and its t statistic and interval; n < 5 is marked too few.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from newsdesk.scorecard import (
    MIN_GROUP_N,
    Leg,
    Market,
    Trip,
    benchmark_closes,
    combine_trips,
    members_of,
    publish_day,
)
from newsdesk.stats import estimate_mean

BULLISH, BEARISH = "bullish", "bearish"
HORIZONS = (1, 5, 20)
BULLISH_FROM = 0.15  # the Alpha Vantage bands: >= 0.15 somewhat-bullish or bullish
BEARISH_TO = -0.15  # <= -0.15 somewhat-bearish or bearish


def tone(label: str | None = None, score: float | None = None) -> str | None:
    """``bullish``, ``bearish`` or None (neutral or unknown) from a sentiment label (``somewhat-`` counts)
    or else a score in [-1, 1]."""
    if label:
        name = label.strip().lower().replace("_", "-")
        if name in ("bullish", "somewhat-bullish"):
            return BULLISH
        if name in ("bearish", "somewhat-bearish"):
            return BEARISH
        return None
    if score is None:
        return None
    if score >= BULLISH_FROM:
        return BULLISH
    if score <= BEARISH_TO:
        return BEARISH
    return None


@dataclass(frozen=True)
class Observation:
    """One article about one ticker or basket: when it was published, its sentiment, and the group it
    counts in (a category, a basket name, ...)."""

    published_at: str | None
    group: str
    ticker: str | None = None
    basket: str | None = None
    label: str | None = None
    score: float | None = None
    estimated: bool = False


@dataclass(frozen=True)
class EvidenceRow:
    """Mean benchmark-relative return ``days`` trading days after the ``tone`` articles of ``group``."""

    group: str
    tone: str
    days: int
    n: int
    mean_excess_return: float | None
    t_stat: float | None
    ci_low: float | None
    ci_high: float | None
    too_few: bool


def forward_excess(observation: Observation, market: Market, days: int) -> float | None:
    """r - b over ``days`` trading days after the observation's entry, or None when it cannot be had."""
    publish = publish_day(observation.published_at)
    leg = Leg(observation.ticker or observation.basket or "", "long", observation.ticker, observation.basket)
    members = members_of(leg, market) if publish else None
    trips = []
    for ticker, weight in (members or {}).items():
        series = market.prices.get(ticker)
        i = series.first_after(publish) if series is not None else None
        if i is None or i + days >= len(series):
            continue
        j = i + days
        bench = market.benchmark_of(ticker)
        b_in, b_out = benchmark_closes(
            market.prices.get(bench) if bench else None, publish, series.dates[i], series.dates[j]
        )
        trips.append(
            Trip(ticker, weight, series.dates[i], series.closes[i], series.dates[j], series.closes[j], False,
                 bench, b_in, b_out)
        )  # fmt: skip
    if not trips:
        return None
    r, b = combine_trips(trips)
    return None if b is None else r - b


def evidence(
    observations: Iterable[Observation],
    market: Market,
    horizons: Iterable[int] = HORIZONS,
    min_n: int = MIN_GROUP_N,
    confidence: float = 0.95,
) -> list[EvidenceRow]:
    """One :class:`EvidenceRow` per (group, tone, horizon) that has any observation; bullish before
    bearish, shorter horizons first."""
    horizons = tuple(horizons)
    samples: dict[tuple[str, str, int], list[float]] = {}
    for obs in observations:
        side = tone(obs.label, obs.score)
        if side is None or obs.estimated:
            continue
        for days in horizons:
            excess = forward_excess(obs, market, days)
            if excess is not None:
                samples.setdefault((obs.group, side, days), []).append(excess)
    rows = []
    for (group, side, days), values in sorted(
        samples.items(), key=lambda kv: (kv[0][0], kv[0][1] != BULLISH, kv[0][2])
    ):
        est = estimate_mean(values, confidence)
        rows.append(EvidenceRow(group, side, days, est.n, est.mean, est.t_stat, est.ci_low, est.ci_high, est.n < min_n))
    return rows
