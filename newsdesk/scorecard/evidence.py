"""Evidence: what prices did around bullish and bearish articles, against the benchmark.

An observation is an article's publish time, its tone and a ticker or basket it is about. Several
articles on the same instrument entering at the same session count once, with their mean sentiment.
Windows, in the ticker's exchange's own sessions (:mod:`newsdesk.prices.sessions`):

- ``day0``, the **reaction**: from the last close before publication (the base) to the first close at or
  after it (the entry, the scorecard's entry rule);
- ``1d``, ``5d``, ``20d``, the **drift**: from the entry close to the close 1, 5 or 20 sessions later:
  what a reader could still trade.

Each window's return r is benchmark-relative, r - b, b over the same dates by the scorecard's benchmark
rule; a basket's r and b are weight-averaged over the members that have the window. The scorecard's
staleness bound applies to every close (the base, the entry, the exit, the benchmark's: each within
``max_lag`` sessions of the session the rule asks for), and its provenance rule too (a real article is
measured on real closes only). Each (group, tone, window) gets n, the mean and its t and interval; n < 5
is marked too few.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from newsdesk.prices.sessions import Moment, parse_moment
from newsdesk.scorecard.rules import (
    MIN_GROUP_N,
    Leg,
    Market,
    benchmark_closes,
    entry_index,
    members_of,
)
from newsdesk.scorecard.rules import RULES_VERSION as SCORECARD_RULES_VERSION
from newsdesk.scorecard.stats import estimate_mean

BULLISH, BEARISH = "bullish", "bearish"
WINDOWS = ("day0", "1d", "5d", "20d")
DRIFT_SESSIONS = {"1d": 1, "5d": 5, "20d": 20}
REACTION = "day0"
BULLISH_FROM = 0.15  # the Alpha Vantage bands: >= 0.15 somewhat-bullish or bullish
BEARISH_TO = -0.15  # <= -0.15 somewhat-bearish or bearish
EVIDENCE_RULES = 1  # this module's own rules: raise it when a change here moves any measurement
# what stored observations are measured at: the scorecard's rules (the entry, the benchmark, staleness)
# and these; a stored observation of another version is measured again (newsdesk.flows.evidence)
RULES_VERSION = SCORECARD_RULES_VERSION * 100 + EVIDENCE_RULES
LABEL_SCORES = {"bullish": 0.5, "somewhat-bullish": 0.25, "neutral": 0.0, "somewhat-bearish": -0.25, "bearish": -0.5}


def _label(label: str | None) -> str:
    return str(label or "").strip().lower().replace("_", "-")


def tone(label: str | None = None, score: float | None = None) -> str | None:
    """``bullish``, ``bearish`` or None (neutral or unknown) from a sentiment label (``somewhat-`` counts)
    or else a score in [-1, 1]."""
    if label:
        name = _label(label)
        if name in ("bullish", "somewhat-bullish"):
            return BULLISH
        if name in ("bearish", "somewhat-bearish"):
            return BEARISH
        return None
    if score is None or score != score:
        return None
    if score >= BULLISH_FROM:
        return BULLISH
    if score <= BEARISH_TO:
        return BEARISH
    return None


@dataclass(frozen=True)
class Observation:
    """One article about one ticker or basket: when it was published, its sentiment, and the group it
    counts in (a category, a basket name, a source, ``all``); ``demo`` for an article of the demo corpus."""

    published_at: str | None
    group: str
    ticker: str | None = None
    basket: str | None = None
    label: str | None = None
    score: float | None = None
    estimated: bool = False
    article_id: str = ""
    demo: bool = False


@dataclass(frozen=True)
class Measured:
    """One observation measured over one window: a row of ``newsdesk evidence --observations``."""

    group: str
    article_id: str
    ticker: str
    benchmark: str
    tone: str
    published_at: str
    base_date: str
    entry_date: str
    exit_date: str
    window: str
    return_: float
    benchmark_return: float
    illustrative: bool = False

    @property
    def excess_return(self) -> float:
        return self.return_ - self.benchmark_return


OBSERVATION_COLUMNS = ["article_id", "ticker", "benchmark", "tone", "published_at", "base_date", "entry_date",
                       "exit_date", "window", "return", "benchmark_return", "excess_return"]  # fmt: skip


def observation_row(m: Measured) -> dict[str, Any]:
    """A :class:`Measured` as a row of the observations CSV (:data:`OBSERVATION_COLUMNS`)."""
    return {"article_id": m.article_id, "ticker": m.ticker, "benchmark": m.benchmark, "tone": m.tone,
            "published_at": m.published_at, "base_date": m.base_date, "entry_date": m.entry_date,
            "exit_date": m.exit_date, "window": m.window, "return": m.return_,
            "benchmark_return": m.benchmark_return, "excess_return": m.excess_return}  # fmt: skip


@dataclass(frozen=True)
class EvidenceRow:
    """Mean benchmark-relative return over ``window`` after the ``tone`` articles of ``group``."""

    group: str
    tone: str
    window: str
    n: int
    mean_excess_return: float | None
    t_stat: float | None
    ci_low: float | None
    ci_high: float | None
    too_few: bool

    @property
    def days(self) -> int:
        """The window in sessions (0 for the reaction)."""
        return DRIFT_SESSIONS.get(self.window, 0)


@dataclass(frozen=True)
class _Span:
    ticker: str
    weight: float
    base_date: str
    entry_date: str
    exit_date: str
    r: float
    benchmark: str
    b: float
    illustrative: bool


def _ticker_span(market: Market, ticker: str, moment: Moment, window: str, demo: bool) -> _Span | None:
    """One ticker over one window by the rules above, or None when it cannot be had within the bounds."""
    series, fake = market.series(ticker, demo)
    if series is None or not len(series):
        return None
    sessions = market.sessions_of(ticker)
    i, _ = entry_index(series, sessions, moment, market.max_lag)
    if i is None:
        return None
    entry = series.dates[i]
    k = sessions.entry_index(moment)
    base_session = sessions.dates[k - 1] if k else None
    j0 = series.last_on_or_before(base_session) if base_session else None
    if j0 is not None and base_session and sessions.lag(series.dates[j0], base_session) > market.max_lag:
        j0 = None
    if window == REACTION:
        if j0 is None:
            return None
        start, end = j0, i
    else:
        target = sessions.shift(entry, DRIFT_SESSIONS[window])
        if target is None or target > series.dates[-1]:
            return None
        j = series.last_on_or_before(target)
        if j is None or j <= i or sessions.lag(series.dates[j], target) > market.max_lag:
            return None
        start, end = i, j
    bench = market.benchmark_of(ticker)
    b_series, b_fake = market.series(bench, demo) if bench else (None, False)
    if b_series is None or not bench:
        return None
    own = market.sessions_of(bench)
    bi, _, _ = benchmark_closes(b_series, moment, entry, entry, sessions, market.max_lag, own)
    if bi is None:
        return None
    if window == REACTION:
        b0 = b_series.last_on_or_before(series.dates[start])
        if b0 is None or b0 >= bi or abs(sessions.lag(b_series.dates[b0], series.dates[start])) > market.max_lag:
            return None
        b_start, b_end = b0, bi
    else:
        bj = b_series.last_on_or_before(series.dates[end])
        if bj is None or bj < bi or abs(sessions.lag(b_series.dates[bj], series.dates[end])) > market.max_lag:
            return None
        b_start, b_end = bi, bj
    return _Span(
        ticker, 1.0, series.dates[j0] if j0 is not None else "", entry, series.dates[end],
        series.closes[end] / series.closes[start] - 1.0, bench,
        b_series.closes[b_end] / b_series.closes[b_start] - 1.0, fake or b_fake,
    )  # fmt: skip


class SpanCache:
    """Ticker spans shared between observations (an upkeep measures many articles on one market): a
    span reads the publish time only through the session it enters on the ticker's exchange and on its
    benchmark's (:func:`_ticker_span`, :func:`~newsdesk.scorecard.rules.entry_index`,
    :func:`~newsdesk.scorecard.rules.benchmark_closes`), so articles entering the same sessions share
    it exactly. Emptied past ``limit`` spans."""

    def __init__(self, market: Market, limit: int = 200_000) -> None:
        self.market = market
        self.limit = limit
        self.spans: dict[tuple[Any, ...], _Span | None] = {}
        self.benchmarks: dict[str, str | None] = {}

    def span(self, ticker: str, moment: Moment, window: str, demo: bool) -> _Span | None:
        market = self.market
        if ticker in self.benchmarks:
            bench = self.benchmarks[ticker]
        else:
            bench = self.benchmarks[ticker] = market.benchmark_of(ticker)
        key = (ticker, window, demo, market.sessions_of(ticker).entry_index(moment),
               market.sessions_of(bench).entry_index(moment) if bench else None)  # fmt: skip
        if key in self.spans:
            return self.spans[key]
        if len(self.spans) >= self.limit:
            self.spans.clear()
        found = self.spans[key] = _ticker_span(market, ticker, moment, window, demo)
        return found


def measure(
    observation: Observation,
    market: Market,
    window: str,
    sentiment_tone: str,
    cache: SpanCache | None = None,
) -> Measured | None:
    """One (merged) observation over one window, or None when it cannot be had. ``cache``: spans shared
    with other observations on the same market (:class:`SpanCache`; the same figures)."""
    moment = parse_moment(observation.published_at)
    if moment is None:
        return None
    leg = Leg(observation.ticker or observation.basket or "", "long", observation.ticker, observation.basket)
    spans = []
    for ticker, weight in (members_of(leg, market) or {}).items():
        if cache is None:
            span = _ticker_span(market, ticker, moment, window, observation.demo)
        else:
            span = cache.span(ticker, moment, window, observation.demo)
        if span is not None:
            spans.append((weight, span))
    if not spans:
        return None
    total = math.fsum(w for w, _ in spans)
    r = math.fsum(w * s.r for w, s in spans) / total
    b = math.fsum(w * s.b for w, s in spans) / total
    return Measured(
        observation.group, observation.article_id,
        observation.ticker or f"basket:{observation.basket}",
        "|".join(sorted({s.benchmark for _, s in spans})), sentiment_tone, observation.published_at or "",
        min((s.base_date for _, s in spans if s.base_date), default=""), min(s.entry_date for _, s in spans),
        max(s.exit_date for _, s in spans), window, r, b, any(s.illustrative for _, s in spans),
    )  # fmt: skip


def forward_excess(observation: Observation, market: Market, days: int) -> float | None:
    """r - b over ``days`` sessions after the observation's entry (0: the reaction), or None."""
    window = REACTION if days == 0 else f"{days}d"
    if window not in WINDOWS:
        raise ValueError(f"no window of {days} sessions: use one of {', '.join(WINDOWS)}")
    found = measure(observation, market, window, "")
    return None if found is None else found.excess_return


@dataclass
class _Merged:
    first: Observation
    ids: list[str] = field(default_factory=list)
    values: list[float] = field(default_factory=list)


def _value(obs: Observation) -> float | None:
    if obs.score is not None and obs.score == obs.score:
        return float(obs.score)
    return LABEL_SCORES.get(_label(obs.label))


def merged(observations: Iterable[Observation], market: Market) -> list[tuple[Observation, str, str]]:
    """``(first, tone, ids)`` of :func:`merge`: the first observation of each (group, instrument, entry
    session) as it came (what is measured), the tone of the merged ones and their ids ``|``-joined.
    Only ``market``'s sessions and baskets are read (not its closes)."""
    slots: dict[tuple[Any, ...], _Merged] = {}
    # one article is several observations (a ticker in each of its groups): its publish time is read
    # once, and each exchange's entry session found once per publish time
    moments: dict[str | None, Moment | None] = {}
    calendars: dict[str, Any] = {}
    entries: dict[tuple[Any, str | None], int | None] = {}
    for obs in observations:
        if obs.estimated:
            continue
        when = obs.published_at
        if when in moments:
            moment = moments[when]
        else:
            moment = moments[when] = parse_moment(when)
        if moment is None:
            continue
        instrument = obs.ticker or f"basket:{obs.basket}"
        first = obs.ticker or min((market.baskets.get(obs.basket or "") or {"": 0}), default="")
        if first in calendars:
            calendar = calendars[first]
        else:
            calendar = calendars[first] = market.sessions_of(first)
        at = (id(calendar), when)
        if at in entries:
            k = entries[at]
        else:
            k = entries[at] = calendar.entry_index(moment)
        key = (obs.group, instrument, k, obs.demo)
        slot = slots.setdefault(key, _Merged(obs))
        slot.ids.append(obs.article_id)
        value = _value(obs)
        if value is not None:
            slot.values.append(value)
    out = []
    for slot in slots.values():
        if len(slot.ids) == 1:
            side = tone(slot.first.label, slot.first.score)
        else:
            side = tone(None, math.fsum(slot.values) / len(slot.values)) if slot.values else None
        if side is not None:
            out.append((slot.first, side, "|".join(dict.fromkeys(i for i in slot.ids if i))))
    return out


def merge(observations: Iterable[Observation], market: Market) -> list[tuple[Observation, str]]:
    """The observations with a tone, several on one (group, instrument, entry session) counted once with
    their mean sentiment (one alone keeps its label's tone); estimated dates are left out."""
    found = merged(observations, market)
    return [(Observation(**{**first.__dict__, "article_id": ids}), side) for first, side, ids in found]


# one stored measurement of one article and instrument over one window: benchmark, base, entry and exit
# dates, r, b, illustrative (the observation rows of newsdesk.db.evidence)
Stored = tuple[str, str, str, str, float, float, bool]
# an observation -> window -> its article's stored measurement of its instrument; None when they are
# not stored (or no longer current): it is measured by the rules
StoredLookup = Callable[[Observation], "dict[str, Stored] | None"]


def instrument_of(observation: Observation) -> str:
    """What an observation is about, as stored and shown: its ticker or ``basket:<id>``."""
    return observation.ticker or f"basket:{observation.basket}"


def measurements(
    observations: Iterable[Observation],
    market: Market,
    windows: Iterable[str] = WINDOWS,
    stored: StoredLookup | None = None,
    closes: Callable[[], Market] | None = None,
) -> list[Measured]:
    """Every merged observation measured over every window it has, in order. ``stored``: measurements
    kept in the database (:mod:`newsdesk.db.evidence`), used for each merged observation whose first
    article has them (the same figures: a merged observation is measured as its first); the rest are
    measured here, on ``closes()`` (made once, when one is needed) or else ``market``, which the merge
    reads for its sessions and baskets only."""
    windows = tuple(windows)
    out = []
    priced: Market | None = None if closes is not None else market
    for first, side, ids in merged(observations, market):
        instrument = instrument_of(first)
        known = stored(first) if stored is not None else None
        if known is None:
            if priced is None:
                priced = closes() if closes is not None else market
            obs = Observation(**{**first.__dict__, "article_id": ids})
            for window in windows:
                found = measure(obs, priced, window, side)
                if found is not None:
                    out.append(found)
            continue
        published = first.published_at or ""
        for window in windows:
            got = known.get(window)
            if got is not None:
                bench, base, entry, exit_, r, b, fake = got
                out.append(Measured(first.group, ids, instrument, bench, side, published, base, entry, exit_, window,
                                    r, b, fake))  # fmt: skip
    return out


def summarise(
    measured: Iterable[Measured], min_n: int = MIN_GROUP_N, confidence: float = 0.95
) -> list[EvidenceRow]:
    """One :class:`EvidenceRow` per (group, tone, window) that has any observation; by group, bullish
    before bearish, the reaction before the drift."""
    samples: dict[tuple[str, str, str], list[float]] = {}
    for m in measured:
        samples.setdefault((m.group, m.tone, m.window), []).append(m.excess_return)
    rows = []
    for (group, side, window), values in sorted(
        samples.items(), key=lambda kv: (kv[0][0], kv[0][1] != BULLISH, WINDOWS.index(kv[0][2]))
    ):
        est = estimate_mean(values, confidence)
        rows.append(EvidenceRow(group, side, window, est.n, est.mean, est.t_stat, est.ci_low, est.ci_high,
                                est.n < min_n))  # fmt: skip
    return rows


def evidence(
    observations: Iterable[Observation],
    market: Market,
    windows: Iterable[str] = WINDOWS,
    min_n: int = MIN_GROUP_N,
    confidence: float = 0.95,
) -> list[EvidenceRow]:
    """The evidence table: :func:`measurements` summarised by :func:`summarise`."""
    return summarise(measurements(observations, market, windows), min_n, confidence)


def evidence_json(rows: Iterable[EvidenceRow]) -> list[dict[str, Any]]:
    """``newsdesk evidence --json``: ``{group, tone, window, n, mean, t, ci_low, ci_high, too_few}``."""

    def number(x: float | None) -> float | None:
        return None if x is None or not math.isfinite(x) else float(x)

    return [{"group": r.group, "tone": r.tone, "window": r.window, "n": r.n, "mean": number(r.mean_excess_return),
             "t": number(r.t_stat), "ci_low": number(r.ci_low), "ci_high": number(r.ci_high),
             "too_few": r.too_few} for r in rows]  # fmt: skip
