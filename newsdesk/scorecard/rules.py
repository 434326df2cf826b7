"""The decision scorecard: did following a "key decision" beat the market? Pure functions over prices.

The rules (README "Scorecard rules" states the same):

- **Entry**: for each leg ticker (each member of a basket leg), the first close **at or after the
  publication time** in the ticker's exchange's own sessions (:mod:`newsdesk.prices.sessions`): published
  on a trading day before that exchange's close (half days close early) -> that day's close; after the
  close, on a weekend or a holiday -> the next session's close. A publish time without a time of day
  (stored as midnight UTC) counts as after that day's close. Articles with an estimated date are not scored.
- **Staleness**: a leg whose first stored close comes more than ``max_lag`` (5) sessions after the
  session the rule enters is ``unscored`` ("no close within 5 sessions of publication"). The benchmark's
  entry and exit closes must each be within 5 sessions of the leg's, else the leg has no excess
  ("benchmark prices stale"). An ``open`` leg is marked at its latest close only when that close is within
  5 sessions of the latest close of the whole price table (of its kind: real or illustrative), else it
  is unscored ("prices stop on ...").
- **Provenance**: a real article is graded on real closes only; illustrative closes (the demo's
  generated ones) grade only articles of the demo corpus, which read a ticker's illustrative series when
  there is one, else its real one. A result says when any of its closes are illustrative.
- **Exit**: the last close on or before entry date + the horizon's maximum days. If that day is after the
  ticker's latest close, the leg is ``open`` and marked at its latest close. No stated horizon: the
  ``default_horizon_days`` (90), and the decision is flagged ``horizon_defaulted``.
- **Leg return** r = exit close / entry close - 1. A basket leg's r is the weight-averaged r of the members
  that have prices, weights renormalised over them. The benchmark return b uses the same dates: the
  benchmark's closes on the entry and exit dates; where it has no close on a date (another market's
  holiday) its last close before it, except that the entry close must still be at or after publication
  in the benchmark's own sessions (else its first close at or after that). A basket's b is averaged over
  the same members and weights.
- **Leg excess**: long r - b; short, funding and reduce b - r. Hold legs are not scored.
- **Decision excess**: a decision with both long and short (or funding) legs with prices (a pair, a funded
  basket) scores mean(r of long legs) - mean(r of short and funding legs), no benchmark; otherwise the mean
  of its scored legs' excess. Success: excess > 0. A decision is ``open`` when any leg it scores is open.
- **Groups**: n, success rate, mean excess, t = mean / (sample sd / sqrt n) for n >= 2, and a 95 % interval
  from Student's t; groups with n < 5 are marked ``too_few``.

A decision's ``return`` is the position's return (a short, funding or reduce leg counts -r) and its
``benchmark_return`` the same sign-adjusted mean of b, so ``excess_return`` = ``return`` -
``benchmark_return``; for a pair ``return`` is the spread and ``benchmark_return`` is None. Its entry and
exit dates are the earliest entry and the latest exit of the legs it scores.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, TypeVar

from newsdesk.domain.cells import flag, missing, text_or_none
from newsdesk.domain.legs import decode_legs
from newsdesk.domain.models import Article
from newsdesk.domain.models import Decision as DecisionModel
from newsdesk.errors import NewsdeskError
from newsdesk.prices.series import PriceBook, PriceSeries
from newsdesk.prices.sessions import Moment, Sessions, parse_moment, sessions_of

# Bump when a rule below (or data/benchmarks.toml, data/exchanges.csv) changes what a grade is: stored grades
# of another version are recomputed by readers and regraded by the next upkeep (newsdesk.flows.grades).
RULES_VERSION = 1
DEFAULT_HORIZON_DAYS = 90
MAX_LAG_SESSIONS = 5
STALE_ENTRY = "no close within {n} sessions of publication"
STALE_BENCHMARK = "benchmark prices stale"
MIN_GROUP_N = 5
LONG = "long"
SHORTS = frozenset({"short", "funding"})
AGAINST = frozenset({"short", "funding", "reduce"})
HOLD = "hold"
SCORED_SIDES = frozenset({LONG}) | AGAINST

CLOSED, OPEN, UNSCORED = "closed", "open", "unscored"


class ScorecardError(NewsdeskError):
    """A scorecard request cannot be answered as asked (e.g. an unknown grouping)."""


# ---------------------------------------------------------------------------------------------- inputs


@dataclass(frozen=True)
class Leg:
    """One instrument of a decision: a company (``ticker``) or a basket (``basket`` id), and its side
    (long, short, funding, reduce or hold)."""

    name: str
    side: str
    ticker: str | None = None
    basket: str | None = None

    @classmethod
    def from_instrument(cls, item: Mapping[str, Any]) -> Leg:
        """A leg from one entry of ``Decision.instruments`` (``{"name", "side", "ticker"|"basket"}``)."""
        return cls(
            name=str(item.get("name") or item.get("ticker") or item.get("basket") or ""),
            side=str(item.get("side") or "").strip().lower(),
            ticker=item.get("ticker") or None,
            basket=item.get("basket") or None,
        )


@dataclass(frozen=True)
class DecisionInput:
    """A decision as the scorecard needs it: its identity, its article's publish time, its legs and
    horizon, and the attributes groups are made of."""

    article_id: str
    position: int
    published_at: str | None
    legs: tuple[Leg, ...]
    horizon_max_days: int | None = None
    published_estimated: bool = False
    action: str | None = None
    source: str | None = None
    categories: tuple[str, ...] = ()
    text: str = ""
    author: str | None = None  # the house behind an analyst call
    demo: bool = False

    @classmethod
    def from_models(cls, article: Article, decision: DecisionModel) -> DecisionInput:
        """From an ingested :class:`~newsdesk.domain.models.Article` and one of its decisions."""
        return cls(
            article_id=article.id,
            position=decision.position,
            published_at=article.published_at,
            legs=tuple(Leg.from_instrument(i) for i in decision.instruments),
            horizon_max_days=decision.horizon_max_days,
            published_estimated=article.published_estimated,
            action=decision.action,
            source=article.source,
            categories=tuple(c.category for c in article.categories),
            text=decision.text,
            author=decision.author,
        )

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> DecisionInput:
        """From a database row: the ``decisions`` columns (``instruments`` as JSON text or a list) plus
        the article's ``published_at`` and, when present, ``published_estimated``, ``source`` and
        ``categories`` (a list, or text separated by ``|`` or ``,``)."""
        instruments = row.get("instruments")
        cats = row.get("categories")
        horizon = row.get("horizon_max_days")
        return cls(
            article_id=str(row["article_id"]),
            position=int(row["position"]),
            published_at=text_or_none(row.get("published_at")),
            legs=_legs_of_text(instruments) if isinstance(instruments, str) else _legs_of(instruments),
            horizon_max_days=_whole_days(horizon),
            published_estimated=flag(row.get("published_estimated")),
            action=text_or_none(row.get("action")),
            source=text_or_none(row.get("source")),
            categories=_categories_of_text(cats) if isinstance(cats, str) else _categories_of(cats),
            text=text_or_none(row.get("text")) or "",
            demo=flag(row.get("demo")),
            author=text_or_none(row.get("author")),
        )


T = TypeVar("T")


def _present(value: T | None) -> T:
    """A value the rules above guarantee (a scored decision's excess, a priced leg's return, the dates
    of a leg with trips); a None here is a broken invariant, not missing data."""
    if value is None:
        raise ScorecardError("internal: a scored value is missing")
    return value


def _legs_of(instruments: object) -> tuple[Leg, ...]:
    """The legs of an ``instruments`` cell (JSON text, a decoded list, or NULL)."""
    return tuple(Leg.from_instrument(i) for i in decode_legs(instruments))


@functools.lru_cache(maxsize=8192)
def _legs_of_text(instruments: str) -> tuple[Leg, ...]:
    """:func:`_legs_of` of a JSON text, decoded once per distinct text (a view of 16,000 decisions holds
    far fewer distinct instrument lists; the legs are frozen values, safe to share)."""
    return _legs_of(instruments)


def _categories_of(cats: object) -> tuple[str, ...]:
    """Categories from a list or tuple of names; NULL, NaN or anything else: none."""
    categories = cats if isinstance(cats, list | tuple) else ()
    return tuple(str(c) for c in categories if text_or_none(c))


@functools.lru_cache(maxsize=8192)
def _categories_of_text(cats: str) -> tuple[str, ...]:
    """Categories from text separated by ``|`` (or else ``,``), split once per distinct text."""
    sep = "|" if "|" in cats else ","
    return _categories_of([c.strip() for c in cats.split(sep) if c.strip()])


legs_of_text = _legs_of_text  # the page's sums decode a stored grade's legs the same way
categories_of_text = _categories_of_text


def _whole_days(value: Any) -> int | None:
    """A horizon cell as int; None for a missing one (None, NaN, pandas' NA)."""
    try:
        return None if missing(value) else int(value)
    except (TypeError, ValueError, OverflowError):
        return None


@dataclass
class Market:
    """Everything the rules read besides the decision: the real closes (``prices``), the illustrative
    ones (``illustrative``, the demo's), the baskets' members (basket id -> ticker -> weight), each
    ticker's benchmark (``benchmark_of(ticker)``, None for none), each ticker's exchange sessions, the
    staleness bound in sessions, and the latest close of the whole real and illustrative tables (None:
    the newest close in the book)."""

    prices: PriceBook
    baskets: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    benchmark_of: Callable[[str], str | None] = lambda ticker: None
    illustrative: PriceBook = field(default_factory=PriceBook)
    sessions_of: Callable[[str], Sessions] = sessions_of
    max_lag: int = MAX_LAG_SESSIONS
    latest_real: str | None = None
    latest_illustrative: str | None = None

    def series(self, ticker: str | None, demo: bool) -> tuple[PriceSeries | None, bool]:
        """The closes a ticker is graded on and whether they are illustrative: a real article reads real
        closes only; a demo article the illustrative series when there is one, else the real one."""
        if not ticker:
            return None, False
        if demo:
            fake = self.illustrative.get(ticker)
            if fake is not None and len(fake):
                return fake, True
        return self.prices.get(ticker), False

    def table_latest(self, illustrative: bool) -> str | None:
        """The latest close of the whole table of that kind."""
        if illustrative:
            return self.latest_illustrative or self.illustrative.latest_date
        return self.latest_real or self.prices.latest_date


# --------------------------------------------------------------------------------------------- results


@dataclass(frozen=True)
class Trip:
    """One ticker held from entry to exit (or marked at its latest close while ``open``), with its
    benchmark over the same dates (None fields when the benchmark has no prices there)."""

    ticker: str
    weight: float
    entry_date: str
    entry_close: float
    exit_date: str
    exit_close: float
    open: bool
    benchmark: str | None = None
    benchmark_entry_close: float | None = None
    benchmark_exit_close: float | None = None
    illustrative: bool = False
    benchmark_entry_date: str | None = None
    benchmark_exit_date: str | None = None

    @property
    def return_(self) -> float:
        """exit close / entry close - 1."""
        return self.exit_close / self.entry_close - 1.0

    @property
    def benchmark_return(self) -> float | None:
        """The benchmark's return over the same dates, or None."""
        if self.benchmark_entry_close is None or self.benchmark_exit_close is None:
            return None
        return self.benchmark_exit_close / self.benchmark_entry_close - 1.0


@dataclass
class LegResult:
    """One leg scored: ``status`` is closed, open, unscored (``reason`` says why) or hold (not scored).
    ``excess_return`` is signed by the side (long r - b, otherwise b - r)."""

    leg: Leg
    status: str
    reason: str = ""
    return_: float | None = None
    benchmark_return: float | None = None
    excess_return: float | None = None
    trips: list[Trip] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    @property
    def entry_date(self) -> str | None:
        return min((t.entry_date for t in self.trips), default=None)

    @property
    def exit_date(self) -> str | None:
        return max((t.exit_date for t in self.trips), default=None)

    @property
    def open(self) -> bool:
        """True when any ticker it holds is still open (marked at its latest close)."""
        return any(t.open for t in self.trips)

    @property
    def illustrative(self) -> bool:
        """True when any of its closes (or its benchmark's) are illustrative."""
        return any(t.illustrative for t in self.trips)


@dataclass
class DecisionResult:
    """One decision scored. ``status`` is closed, open or unscored (``reason`` says why); ``pair`` tells
    which rule gave the excess; ``horizon_defaulted`` flags a decision with no stated horizon."""

    decision: DecisionInput
    status: str
    horizon_days: int
    horizon_defaulted: bool
    reason: str = ""
    pair: bool = False
    entry_date: str | None = None
    exit_date: str | None = None
    return_: float | None = None
    benchmark_return: float | None = None
    excess_return: float | None = None
    success: bool | None = None
    legs: list[LegResult] = field(default_factory=list)

    @property
    def scored(self) -> bool:
        """True for a closed or open decision (one with an excess return)."""
        return self.status in (CLOSED, OPEN)

    @property
    def used_legs(self) -> list[LegResult]:
        """The legs the decision's numbers come from."""
        if self.pair:
            return [leg for leg in self.legs if leg.return_ is not None and leg.leg.side in SHORTS | {LONG}]
        return [leg for leg in self.legs if leg.excess_return is not None]

    @property
    def illustrative(self) -> bool:
        """True when the grade rests on any illustrative close (the demo's generated prices)."""
        return self.scored and any(leg.illustrative for leg in self.used_legs)


# ----------------------------------------------------------------------------------------------- rules


def publish_day(published_at: str | None) -> str | None:
    """The UTC calendar date (``YYYY-MM-DD``) of an ISO-8601 time; a time without offset is taken as
    UTC. None when missing or unreadable."""
    moment = parse_moment(published_at)
    return moment.day if moment else None


def _add_days(day: str, days: int) -> str:
    return (date.fromisoformat(day) + timedelta(days=days)).isoformat()


def entry_index(series: PriceSeries, sessions: Sessions, moment: Moment, max_lag: int) -> tuple[int | None, str]:
    """The index of a ticker's entry close by the entry and staleness rules: (index, "") or (None, why)."""
    k = sessions.entry_index(moment)
    if k is None:
        return None, f"no session of {series.ticker}'s exchange after publication yet"
    expected = sessions.dates[k]
    i = series.first_on_or_after(expected)
    if i is None:
        return None, f"no close of {series.ticker} at or after {expected} yet"
    if sessions.lag(expected, series.dates[i]) > max_lag:
        return None, f"{series.ticker}: {STALE_ENTRY.format(n=max_lag)} (first close {series.dates[i]})"
    return i, ""


def benchmark_closes(
    series: PriceSeries | None,
    moment: Moment,
    entry: str,
    exit_: str,
    sessions: Sessions,
    max_lag: int = MAX_LAG_SESSIONS,
    own_sessions: Sessions | None = None,
) -> tuple[int | None, int | None, str]:
    """Indexes of the benchmark's (entry close, exit close) for a holding from ``entry`` to ``exit_``:
    its close on the entry date, or when it has none then, its last close before it if that is at or
    after publication in its own sessions (``own_sessions``), else its first close at or after that;
    and its last close on or before the exit date (never before its entry). Each must be within
    ``max_lag`` sessions (``sessions``: the leg's) of the leg's date, else (None, None, "benchmark prices
    stale"); (None, None, "no benchmark prices") when it has none."""
    if series is None or not len(series):
        return None, None, "no benchmark prices"
    own = own_sessions or sessions
    k = own.entry_index(moment)
    first_allowed = own.dates[k] if k is not None else None
    i = series.last_on_or_before(entry)
    if i is None or (first_allowed is not None and series.dates[i] < first_allowed):
        i = series.first_on_or_after(first_allowed) if first_allowed is not None else None
    if i is None or abs(sessions.lag(entry, series.dates[i])) > max_lag:
        return None, None, STALE_BENCHMARK
    j = series.last_on_or_before(exit_)
    j = i if j is None or j < i else j
    if abs(sessions.lag(series.dates[j], exit_)) > max_lag:
        return None, None, STALE_BENCHMARK
    return i, j, ""


def trip(
    market: Market,
    ticker: str,
    published_at: str | Moment | None,
    horizon_days: int,
    weight: float = 1.0,
    demo: bool = False,
) -> tuple[Trip | None, str]:
    """Hold ``ticker`` by the entry, staleness and exit rules from publication (a publish time, or a
    :class:`Moment`): (trip, "") or (None, reason). A trip whose benchmark is missing or stale has None
    benchmark closes and its reason."""
    moment = published_at if isinstance(published_at, Moment) else parse_moment(published_at)
    if moment is None:
        return None, "no publish date"
    series, fake = market.series(ticker, demo)
    if series is None or not len(series):
        only_fake = not demo and ticker in market.illustrative
        return None, f"no real prices for {ticker} (illustrative closes grade only demo articles)" if only_fake \
            else f"no prices for {ticker}"  # fmt: skip
    sessions = market.sessions_of(ticker)
    i, reason = entry_index(series, sessions, moment, market.max_lag)
    if i is None:
        return None, reason
    entry = series.dates[i]
    target = _add_days(entry, horizon_days)
    is_open = target > series.dates[-1]
    if is_open:
        j = len(series) - 1
        table_latest = market.table_latest(fake) or series.dates[-1]
        if sessions.lag(series.dates[j], table_latest) > market.max_lag:
            return None, f"{ticker}: prices stop on {series.dates[j]}"
    else:
        j = _present(series.last_on_or_before(target))  # the entry itself is on or before the target
    bench = market.benchmark_of(ticker)
    b_series, b_fake = market.series(bench, demo) if bench else (None, False)
    bi, bj, why = benchmark_closes(
        b_series, moment, entry, series.dates[j], sessions, market.max_lag, market.sessions_of(bench) if bench else None
    )
    have = b_series is not None and bi is not None and bj is not None
    b_closes: tuple[float | None, float | None] = (None, None)
    b_dates: tuple[str | None, str | None] = (None, None)
    if b_series is not None and bi is not None and bj is not None:
        b_closes, b_dates = (b_series.closes[bi], b_series.closes[bj]), (b_series.dates[bi], b_series.dates[bj])
    return Trip(
        ticker, weight, entry, series.closes[i], series.dates[j], series.closes[j], is_open, bench,
        *b_closes, fake or (have and b_fake), *b_dates,
    ), ("" if have or not bench else why)  # fmt: skip


def combine_trips(trips: list[Trip]) -> tuple[float, float | None]:
    """Weight-averaged r over ``trips`` (weights renormalised) and b over the same, None if any lacks b."""
    total = math.fsum(t.weight for t in trips)
    r = math.fsum(t.weight * t.return_ for t in trips) / total
    pairs = [(t.weight, x) for t in trips if (x := t.benchmark_return) is not None]
    b = math.fsum(w * x for w, x in pairs) / total if len(pairs) == len(trips) else None
    return r, b


def members_of(leg: Leg, market: Market) -> dict[str, float] | None:
    """The tickers a leg holds with their weights: its ticker at weight 1, or its basket's members
    (None for an unknown basket)."""
    if leg.basket:
        members = market.baskets.get(leg.basket)
        return {t: float(w) for t, w in members.items() if float(w) > 0} if members else None
    return {leg.ticker: 1.0} if leg.ticker else None


def score_leg(
    leg: Leg, market: Market, published_at: str | Moment | None, horizon_days: int, demo: bool = False
) -> LegResult:
    """One leg by the rules (see the module docstring). A leg whose benchmark is missing or stale keeps
    its return (a pair can use it) but is ``unscored`` with no excess."""
    if leg.side == HOLD:
        return LegResult(leg, HOLD, "hold legs are not scored")
    if leg.side not in SCORED_SIDES:
        return LegResult(leg, UNSCORED, f"side {leg.side or '(none)'!r} is not scored")
    members = members_of(leg, market)
    if not members:
        return LegResult(leg, UNSCORED, f"basket {leg.basket!r} is not known" if leg.basket else "no ticker")
    trips, missing, reasons, bench_reasons = [], [], [], []
    for ticker, weight in members.items():
        found, reason = trip(market, ticker, published_at, horizon_days, weight, demo)
        if found is None:
            missing.append(ticker)
            reasons.append(reason)
        else:
            trips.append(found)
            if reason:
                bench_reasons.append(reason)
    if not trips:
        return LegResult(leg, UNSCORED, "; ".join(reasons), missing=missing)
    r, b = combine_trips(trips)
    excess = None if b is None else (r - b if leg.side == LONG else b - r)
    if b is None:
        why = STALE_BENCHMARK if STALE_BENCHMARK in bench_reasons else "no benchmark prices over the same dates"
        return LegResult(leg, UNSCORED, why, r, None, None, trips, missing)
    status = OPEN if any(t.open for t in trips) else CLOSED
    return LegResult(leg, status, "", r, b, excess, trips, missing)


def _mean(values: Sequence[float]) -> float:
    return math.fsum(values) / len(values)


def score_decision(
    decision: DecisionInput, market: Market, default_horizon_days: int = DEFAULT_HORIZON_DAYS
) -> DecisionResult:
    """One decision by the rules (see the module docstring); never raises on missing data."""
    days = decision.horizon_max_days
    defaulted = days is None
    horizon = default_horizon_days if days is None else int(days)
    result = DecisionResult(decision, UNSCORED, horizon, defaulted)
    if decision.published_estimated:
        result.reason = "the publish date is estimated"
        return result
    moment = parse_moment(decision.published_at)
    if moment is None:
        result.reason = "no publish date"
        return result
    result.legs = [score_leg(leg, market, moment, horizon, decision.demo) for leg in decision.legs]
    priced = [leg for leg in result.legs if leg.return_ is not None]
    longs = [leg for leg in priced if leg.leg.side == LONG]
    shorts = [leg for leg in priced if leg.leg.side in SHORTS]
    if longs and shorts:
        result.pair = True
        long_r, short_r = ([_present(leg.return_) for leg in side] for side in (longs, shorts))
        result.return_ = _mean(long_r) - _mean(short_r)
        result.excess_return = result.return_
    else:
        used = [leg for leg in priced if leg.excess_return is not None]
        if not used:
            reasons = [leg.reason for leg in result.legs if leg.reason]
            result.reason = "; ".join(reasons) or "no legs"
            return result
        sign = [1.0 if leg.leg.side == LONG else -1.0 for leg in used]
        result.return_ = _mean([s * _present(leg.return_) for s, leg in zip(sign, used, strict=True)])
        result.benchmark_return = _mean([s * _present(leg.benchmark_return) for s, leg in zip(sign, used, strict=True)])
        result.excess_return = _mean([_present(leg.excess_return) for leg in used])
    used = result.used_legs
    result.status = OPEN if any(leg.open for leg in used) else CLOSED
    result.entry_date = min(_present(leg.entry_date) for leg in used)
    result.exit_date = max(_present(leg.exit_date) for leg in used)
    result.success = result.excess_return > 0
    return result


def score_decisions(
    decisions: Iterable[DecisionInput], market: Market, default_horizon_days: int = DEFAULT_HORIZON_DAYS
) -> list[DecisionResult]:
    """Every decision scored, in the order given."""
    return [score_decision(d, market, default_horizon_days) for d in decisions]


def tickers_needed(
    decisions: Iterable[DecisionInput],
    baskets: Mapping[str, Mapping[str, float]],
    benchmark_of: Callable[[str], str | None] = lambda ticker: None,
) -> list[str]:
    """The tickers scoring ``decisions`` reads: every non-hold leg's ticker or basket members, and
    their benchmarks; sorted. What ``prices fetch`` should fetch."""
    wanted: set[str] = set()
    market = Market(PriceBook(), baskets, benchmark_of)
    for decision in decisions:
        for leg in decision.legs:
            if leg.side == HOLD:
                continue
            for ticker in members_of(leg, market) or {}:
                wanted.add(ticker)
                bench = benchmark_of(ticker)
                if bench:
                    wanted.add(bench)
    return sorted(wanted)
