"""The decision scorecard: did following a "key decision" beat the market? Pure functions over prices.

The rules (README "Scorecard rules" states the same):

- **Entry**: for each leg ticker (each member of a basket leg), the first close dated strictly after the
  article's publish date (its UTC calendar date). Articles with an estimated date are not scored.
- **Exit**: the last close on or before entry date + the horizon's maximum days. If that day is after the
  ticker's latest close, the leg is ``open`` and marked at its latest close. No stated horizon: the
  ``default_horizon_days`` (90), and the decision is flagged ``horizon_defaulted``.
- **Leg return** r = exit close / entry close - 1. A basket leg's r is the weight-averaged r of the members
  that have prices, weights renormalised over them. The benchmark return b uses the same dates: the
  benchmark's closes on the entry and exit dates; where it has no close on a date (another market's
  holiday) its last close before it, except that the entry close must still be dated after the publish
  date (else its first close after it). A basket's b is averaged over the same members and weights.
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

import json
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from newsdesk.errors import NewsdeskError
from newsdesk.models import Article
from newsdesk.models import Decision as DecisionModel
from newsdesk.prices.series import PriceBook, PriceSeries
from newsdesk.stats import estimate_mean

DEFAULT_HORIZON_DAYS = 90
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
    def from_instrument(cls, item: Mapping) -> Leg:
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

    @classmethod
    def from_models(cls, article: Article, decision: DecisionModel) -> DecisionInput:
        """From an ingested :class:`~newsdesk.models.Article` and one of its decisions."""
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
    def from_row(cls, row: Mapping) -> DecisionInput:
        """From a database row: the ``decisions`` columns (``instruments`` as JSON text or a list) plus
        the article's ``published_at`` and, when present, ``published_estimated``, ``source`` and
        ``categories`` (a list, or text separated by ``|`` or ``,``)."""
        instruments = row.get("instruments") or []
        if isinstance(instruments, str):
            try:
                instruments = json.loads(instruments)
            except ValueError:
                instruments = []
        categories = row.get("categories") or ()
        if isinstance(categories, str):
            sep = "|" if "|" in categories else ","
            categories = [c.strip() for c in categories.split(sep) if c.strip()]
        horizon = row.get("horizon_max_days")
        return cls(
            article_id=str(row["article_id"]),
            position=int(row["position"]),
            published_at=row.get("published_at"),
            legs=tuple(Leg.from_instrument(i) for i in instruments if isinstance(i, Mapping)),
            horizon_max_days=_whole_days(horizon),
            published_estimated=bool(row.get("published_estimated") or False),
            action=row.get("action"),
            source=row.get("source"),
            categories=tuple(categories),
            text=row.get("text") or "",
            author=row.get("author") if isinstance(row.get("author"), str) and row.get("author") else None,
        )


def _whole_days(value) -> int | None:
    """A horizon cell as int; None for a missing one (None, NaN, pandas' NA)."""
    try:
        return None if value is None else int(value)
    except (TypeError, ValueError):
        return None


@dataclass
class Market:
    """Everything the rules read besides the decision: the closes, the baskets' members (basket id ->
    ticker -> weight) and each ticker's benchmark (``benchmark_of(ticker)``, None for none)."""

    prices: PriceBook
    baskets: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    benchmark_of: Callable[[str], str | None] = lambda ticker: None


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


# ----------------------------------------------------------------------------------------------- rules


def publish_day(published_at: str | None) -> str | None:
    """The UTC calendar date (``YYYY-MM-DD``) of an ISO-8601 time; a time without offset is taken as
    UTC. None when missing or unreadable."""
    if not published_at:
        return None
    text = str(published_at).strip()
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00") if text.endswith("Z") else text)
    except ValueError:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.date().isoformat()


def _add_days(day: str, days: int) -> str:
    return (date.fromisoformat(day) + timedelta(days=days)).isoformat()


def benchmark_closes(series: PriceSeries | None, publish: str, entry: str, exit_: str):
    """The benchmark's (entry close, exit close) for a holding from ``entry`` to ``exit_``: its close on
    the entry date, or when it has none then, its last close before it if that is dated after the publish
    day, else its first close after the publish day; and its last close on or before the exit date (never
    before its entry). (None, None) when it has no close after the publish day."""
    if series is None:
        return None, None
    i = series.last_on_or_before(entry)
    if i is None or series.dates[i] <= publish:
        i = series.first_after(publish)
        if i is None:
            return None, None
    j = series.last_on_or_before(exit_)
    j = i if j is None or j < i else j
    return series.closes[i], series.closes[j]


def trip(market: Market, ticker: str, publish: str, horizon_days: int, weight: float = 1.0) -> tuple[Trip | None, str]:
    """Hold ``ticker`` by the entry and exit rules from the publish day ``publish``: (trip, "") or
    (None, reason)."""
    series = market.prices.get(ticker)
    if series is None or not len(series):
        return None, f"no prices for {ticker}"
    i = series.first_after(publish)
    if i is None:
        return None, f"no close of {ticker} after {publish} yet"
    entry = series.dates[i]
    target = _add_days(entry, horizon_days)
    is_open = target > series.latest_date
    j = len(series) - 1 if is_open else series.last_on_or_before(target)
    bench = market.benchmark_of(ticker)
    b_entry, b_exit = benchmark_closes(market.prices.get(bench) if bench else None, publish, entry, series.dates[j])
    return Trip(
        ticker, weight, entry, series.closes[i], series.dates[j], series.closes[j], is_open, bench, b_entry, b_exit
    ), ""


def combine_trips(trips: list[Trip]) -> tuple[float, float | None]:
    """Weight-averaged r over ``trips`` (weights renormalised) and b over the same, None if any lacks b."""
    total = math.fsum(t.weight for t in trips)
    r = math.fsum(t.weight * t.return_ for t in trips) / total
    bs = [t.benchmark_return for t in trips]
    b = None if any(x is None for x in bs) else math.fsum(t.weight * x for t, x in zip(trips, bs, strict=True)) / total
    return r, b


def members_of(leg: Leg, market: Market) -> dict[str, float] | None:
    """The tickers a leg holds with their weights: its ticker at weight 1, or its basket's members
    (None for an unknown basket)."""
    if leg.basket:
        members = market.baskets.get(leg.basket)
        return {t: float(w) for t, w in members.items() if float(w) > 0} if members else None
    return {leg.ticker: 1.0} if leg.ticker else None


def score_leg(leg: Leg, market: Market, publish: str, horizon_days: int) -> LegResult:
    """One leg by the rules (see the module docstring)."""
    if leg.side == HOLD:
        return LegResult(leg, HOLD, "hold legs are not scored")
    if leg.side not in SCORED_SIDES:
        return LegResult(leg, UNSCORED, f"side {leg.side or '(none)'!r} is not scored")
    members = members_of(leg, market)
    if not members:
        return LegResult(leg, UNSCORED, f"basket {leg.basket!r} is not known" if leg.basket else "no ticker")
    trips, missing, reasons = [], [], []
    for ticker, weight in members.items():
        found, reason = trip(market, ticker, publish, horizon_days, weight)
        if found is None:
            missing.append(ticker)
            reasons.append(reason)
        else:
            trips.append(found)
    if not trips:
        return LegResult(leg, UNSCORED, "; ".join(reasons), missing=missing)
    r, b = combine_trips(trips)
    excess = None if b is None else (r - b if leg.side == LONG else b - r)
    status = OPEN if any(t.open for t in trips) else CLOSED
    reason = "" if b is not None else "no benchmark prices over the same dates"
    return LegResult(leg, status, reason, r, b, excess, trips, missing)


def _mean(values: Sequence[float]) -> float:
    return math.fsum(values) / len(values)


def score_decision(
    decision: DecisionInput, market: Market, default_horizon_days: int = DEFAULT_HORIZON_DAYS
) -> DecisionResult:
    """One decision by the rules (see the module docstring); never raises on missing data."""
    defaulted = decision.horizon_max_days is None
    horizon = default_horizon_days if defaulted else int(decision.horizon_max_days)
    result = DecisionResult(decision, UNSCORED, horizon, defaulted)
    if decision.published_estimated:
        result.reason = "the publish date is estimated"
        return result
    publish = publish_day(decision.published_at)
    if publish is None:
        result.reason = "no publish date"
        return result
    result.legs = [score_leg(leg, market, publish, horizon) for leg in decision.legs]
    priced = [leg for leg in result.legs if leg.return_ is not None]
    longs = [leg for leg in priced if leg.leg.side == LONG]
    shorts = [leg for leg in priced if leg.leg.side in SHORTS]
    if longs and shorts:
        result.pair = True
        result.return_ = _mean([leg.return_ for leg in longs]) - _mean([leg.return_ for leg in shorts])
        result.excess_return = result.return_
    else:
        used = [leg for leg in priced if leg.excess_return is not None]
        if not used:
            reasons = [leg.reason for leg in result.legs if leg.reason]
            result.reason = "; ".join(reasons) or "no legs"
            return result
        sign = [1.0 if leg.leg.side == LONG else -1.0 for leg in used]
        result.return_ = _mean([s * leg.return_ for s, leg in zip(sign, used, strict=True)])
        result.benchmark_return = _mean([s * leg.benchmark_return for s, leg in zip(sign, used, strict=True)])
        result.excess_return = _mean([leg.excess_return for leg in used])
    used = result.used_legs
    result.status = OPEN if any(leg.status == OPEN for leg in used) else CLOSED
    result.entry_date = min(leg.entry_date for leg in used)
    result.exit_date = max(leg.exit_date for leg in used)
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


# ---------------------------------------------------------------------------------------------- groups


@dataclass(frozen=True)
class GroupStats:
    """A group of scored decisions: n, success rate, mean excess return, t and interval (n >= 2),
    ``too_few`` when n < 5."""

    key: str
    n: int
    successes: int
    success_rate: float | None
    mean_excess_return: float | None
    sd: float | None
    t_stat: float | None
    ci_low: float | None
    ci_high: float | None
    too_few: bool


def summarise(
    key: str, excess_returns: Sequence[float], min_n: int = MIN_GROUP_N, confidence: float = 0.95
) -> GroupStats:
    """:class:`GroupStats` of one group from its decisions' excess returns."""
    est = estimate_mean(list(excess_returns), confidence)
    wins = sum(1 for x in excess_returns if x > 0)
    return GroupStats(
        key=key,
        n=est.n,
        successes=wins,
        success_rate=wins / est.n if est.n else None,
        mean_excess_return=est.mean,
        sd=est.sd,
        t_stat=est.t_stat,
        ci_low=est.ci_low,
        ci_high=est.ci_high,
        too_few=est.n < min_n,
    )


HORIZON_BUCKETS = ((31, "up to 1 month"), (92, "1-3 months"), (183, "3-6 months"), (366, "6-12 months"))


def horizon_bucket(result: DecisionResult) -> str:
    """A decision's horizon bucket; a defaulted horizon is its own bucket ("none stated")."""
    if result.horizon_defaulted:
        return "none stated"
    for limit, label in HORIZON_BUCKETS:
        if result.horizon_days <= limit:
            return label
    return "over 1 year"


def exposure(result: DecisionResult) -> str:
    """``pair`` for a long/short decision, else the side of its scored legs (long, short, reduce), or
    ``mixed`` (funding counts as short)."""
    if result.pair:
        return "pair"
    sides = {"short" if leg.leg.side in SHORTS else leg.leg.side for leg in result.used_legs}
    return sides.pop() if len(sides) == 1 else "mixed"


GROUP_KEYS: dict[str, Callable[[DecisionResult], str | Iterable[str]]] = {
    "source": lambda r: r.decision.source or "(no source)",
    "category": lambda r: r.decision.categories or ("(no category)",),
    "action": lambda r: r.decision.action or "(no action)",
    "exposure": exposure,
    "horizon": horizon_bucket,
    "author": lambda r: r.decision.author or "(no author)",
}


def group_results(
    results: Iterable[DecisionResult],
    by: str | Callable[[DecisionResult], str | Iterable[str]] | None = None,
    include_open: bool = True,
    min_n: int = MIN_GROUP_N,
    confidence: float = 0.95,
) -> list[GroupStats]:
    """Scored decisions grouped ``by`` a name of :data:`GROUP_KEYS` or a key function (which may return
    several keys: a decision with three categories counts in each), sorted by key; ``by=None`` is one
    group, ``all``. Unscored decisions are left out, open ones too unless ``include_open``."""
    if by is None:
        key_of: Callable = lambda r: "all"  # noqa: E731
    elif isinstance(by, str):
        if by not in GROUP_KEYS:
            raise ScorecardError(f"cannot group by {by!r}: use one of {', '.join(GROUP_KEYS)}")
        key_of = GROUP_KEYS[by]
    else:
        key_of = by
    groups: dict[str, list[float]] = {}
    for result in results:
        if result.status == CLOSED or (include_open and result.status == OPEN):
            keys = key_of(result)
            for key in [keys] if isinstance(keys, str) else keys:
                groups.setdefault(str(key), []).append(result.excess_return)
    return [summarise(key, values, min_n, confidence) for key, values in sorted(groups.items())]


# ------------------------------------------------------------------------------------------- summaries


def cumulative_excess(results: Iterable[DecisionResult]) -> list[tuple[str, float, int]]:
    """The curve of following every closed decision with an equal stake: one point per exit date,
    oldest first, as (exit date, sum of the excess returns of the decisions closed by then, how many).
    Returns are added, not compounded: each decision is its own unit stake."""
    by_day: dict[str, list[float]] = {}
    for result in results:
        if result.status == CLOSED:
            by_day.setdefault(result.exit_date, []).append(result.excess_return)
    points, total, count = [], 0.0, 0
    for day in sorted(by_day):
        total += math.fsum(by_day[day])
        count += len(by_day[day])
        points.append((day, total, count))
    return points


def _percent(value: float) -> str:
    return f"{value * 100:+.1f} %"


def result_line(result: DecisionResult) -> str:
    """One line for a decision card: ``since published: +3.2 % vs benchmark`` (open), ``closed 2024-03-01:
    -1.5 % vs benchmark``, ``... spread`` for a pair, or why it is not scored."""
    if not result.scored:
        return f"not scored: {result.reason}"
    against = "spread (long - short)" if result.pair else "vs benchmark"
    flag = f" (no horizon stated: {result.horizon_days} days assumed)" if result.horizon_defaulted else ""
    if result.status == OPEN:
        return f"since published: {_percent(result.excess_return)} {against}, open{flag}"
    return f"closed {result.exit_date}: {_percent(result.excess_return)} {against}{flag}"


# ------------------------------------------------------------------------------------------------ JSON


def _number(value: float | None) -> float | None:
    return None if value is None or not math.isfinite(value) else float(value)


def decision_json(result: DecisionResult) -> dict:
    """One decision in the ``--json`` shape (returns as fractions)."""
    return {
        "article_id": result.decision.article_id,
        "position": result.decision.position,
        "status": result.status,
        "entry_date": result.entry_date,
        "exit_date": result.exit_date,
        "return": _number(result.return_),
        "benchmark_return": _number(result.benchmark_return),
        "excess_return": _number(result.excess_return),
        "success": result.success,
    }


def group_json(group: GroupStats) -> dict:
    """One group in the ``--json`` shape."""
    return {
        "key": group.key,
        "n": group.n,
        "success_rate": _number(group.success_rate),
        "mean_excess_return": _number(group.mean_excess_return),
        "t_stat": _number(group.t_stat),
        "ci_low": _number(group.ci_low),
        "ci_high": _number(group.ci_high),
    }


def scorecard_json(results: Iterable[DecisionResult], groups: Iterable[GroupStats]) -> dict:
    """``{"decisions": [...], "groups": [...]}``, ready for ``json.dumps``."""
    return {"decisions": [decision_json(r) for r in results], "groups": [group_json(g) for g in groups]}
