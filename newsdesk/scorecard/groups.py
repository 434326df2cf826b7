"""The scorecard's results together: groups (by author, exposure, horizon bucket ...) with their
statistics, the cumulative excess return, one line per result, and the JSON of ``scorecard --json``."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from newsdesk.scorecard.rules import CLOSED, MIN_GROUP_N, OPEN, SHORTS, DecisionResult, ScorecardError, _present
from newsdesk.scorecard.stats import estimate_mean


class Outcome(Protocol):
    """What the groups and the curve read of a decision: a :class:`DecisionResult`, or the page's
    lighter :class:`newsdesk.scorecard.summary.Graded`."""

    @property
    def status(self) -> str: ...

    @property
    def excess_return(self) -> float | None: ...

    @property
    def exit_date(self) -> str | None: ...


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
    return horizon_label(result.horizon_days, result.horizon_defaulted)


def horizon_label(days: int, defaulted: bool) -> str:
    """The bucket of a horizon of ``days`` (:func:`horizon_bucket`)."""
    if defaulted:
        return "none stated"
    for limit, label in HORIZON_BUCKETS:
        if days <= limit:
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
    results: Iterable[Outcome],
    by: str | Callable[[Any], str | Iterable[str]] | None = None,
    include_open: bool = True,
    min_n: int = MIN_GROUP_N,
    confidence: float = 0.95,
) -> list[GroupStats]:
    """Scored decisions grouped ``by`` a name of :data:`GROUP_KEYS` or a key function (which may return
    several keys: a decision with three categories counts in each), sorted by key; ``by=None`` is one
    group, ``all``. Unscored decisions are left out, open ones too unless ``include_open``."""
    if by is None:
        key_of: Callable[..., Any] = lambda r: "all"  # noqa: E731
    elif isinstance(by, str):
        if by not in GROUP_KEYS:
            raise ScorecardError(f"cannot group by {by!r}: use one of {', '.join(GROUP_KEYS)}")
        key_of = GROUP_KEYS[by]
    else:
        key_of = by
    kept = (CLOSED, OPEN) if include_open else (CLOSED,)
    groups: dict[str, list[float]] = {}
    for result in results:  # once per decision of a view (16,000 at 1M articles): kept lean
        if result.status in kept:
            keys = key_of(result)
            if isinstance(keys, str):
                key, value = str(keys), _present(result.excess_return)
                found = groups.get(key)
                if found is None:
                    groups[key] = [value]
                else:
                    found.append(value)
            else:
                for key in keys:
                    groups.setdefault(str(key), []).append(_present(result.excess_return))
    return [summarise(key, values, min_n, confidence) for key, values in sorted(groups.items())]


def cumulative_excess(results: Iterable[Outcome]) -> list[tuple[str, float, int]]:
    """The curve of following every closed decision with an equal stake: one point per exit date,
    oldest first, as (exit date, sum of the excess returns of the decisions closed by then, how many).
    Returns are added, not compounded: each decision is its own unit stake."""
    by_day: dict[str, list[float]] = {}
    for result in results:
        if result.status == CLOSED:
            by_day.setdefault(_present(result.exit_date), []).append(_present(result.excess_return))
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
    note = f" (no horizon stated: {result.horizon_days} days assumed)" if result.horizon_defaulted else ""
    note += ILLUSTRATIVE_MARK if result.illustrative else ""
    if result.status == OPEN:
        return f"since published: {_percent(_present(result.excess_return))} {against}, open{note}"
    return f"closed {result.exit_date}: {_percent(_present(result.excess_return))} {against}{note}"


ILLUSTRATIVE_MARK = " · on ILLUSTRATIVE closes (generated for the demo, not market data)"


def closes_label(result: DecisionResult) -> str:
    """What a grade's closes are: ``illustrative``, ``real``, or '' for an ungraded decision."""
    return ("illustrative" if result.illustrative else "real") if result.scored else ""


def _number(value: float | None) -> float | None:
    return None if value is None or not math.isfinite(value) else float(value)


def decision_json(result: DecisionResult) -> dict[str, Any]:
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
        "closes": closes_label(result) or None,
        "reason": result.reason or None,
    }


def group_json(group: GroupStats) -> dict[str, Any]:
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


def scorecard_json(results: Iterable[DecisionResult], groups: Iterable[GroupStats]) -> dict[str, Any]:
    """``{"decisions": [...], "groups": [...]}``, ready for ``json.dumps``."""
    return {"decisions": [decision_json(r) for r in results], "groups": [group_json(g) for g in groups]}
