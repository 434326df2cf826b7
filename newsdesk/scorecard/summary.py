"""The Scorecard page's view of many graded decisions without one result object each.

A :class:`Graded` holds what the page's sums read of a decision (status, excess, exit date, the keys of
its groups, why it is not scored, illustrative or not); a :class:`Listed` what the decisions table shows
of one; a :class:`Summary` holds a :class:`Graded` per decision of a view plus the newest few as
:class:`Listed` rows (the rows a table shows; the one whose detail is drawn is read whole then). Both
paths give the same figures: :func:`graded_of` and :func:`listed_of` turn a computed result into
either, and :mod:`newsdesk.flows.grades` builds them straight from the stored grades' rows.
The groups, track records and curve are those of :mod:`newsdesk.scorecard.groups` over them, with
:data:`KEYS` in place of :data:`~newsdesk.scorecard.groups.GROUP_KEYS`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from newsdesk.scorecard.groups import GroupStats, closes_label, exposure, group_results, horizon_bucket
from newsdesk.scorecard.rules import (
    CLOSED,
    OPEN,
    SCORED_SIDES,
    SHORTS,
    DecisionResult,
    ScorecardError,
    legs_of_text,
)


class Graded:
    """One decision as the page's sums read it: ``status`` (closed, open, unscored), ``reason`` (why
    not scored), ``excess_return``, ``exit_date``, the group keys' inputs (``source``, ``author``,
    ``action``, ``categories``, ``horizon``: the bucket, ``exposure``: '' when not scored, None when not
    read), whether the grade rests on illustrative closes, and ``scored`` (closed or open)."""

    __slots__ = ("status", "reason", "excess_return", "exit_date", "source", "author", "action", "categories",
                 "horizon", "exposure", "illustrative", "scored")  # fmt: skip

    def __init__(self, status: str, reason: str, excess_return: float | None, exit_date: str | None,
                 source: str | None, author: str | None, action: str | None, categories: tuple[str, ...],
                 horizon: str, exposure: str | None, illustrative: bool) -> None:  # fmt: skip
        self.status, self.reason, self.excess_return, self.exit_date = status, reason, excess_return, exit_date
        self.source, self.author, self.action, self.categories = source, author, action, categories
        self.horizon, self.exposure, self.illustrative = horizon, exposure, illustrative
        self.scored = status in (CLOSED, OPEN)  # closed or open: read per row by every count of the page

    def plain(self) -> tuple[object, ...]:
        """Every field, for comparing two paths."""
        return tuple(getattr(self, name) for name in self.__slots__)


def graded_of(result: DecisionResult) -> Graded:
    """A computed (or stored and read back) result as the page's sums read it."""
    d = result.decision
    return Graded(
        result.status, result.reason, result.excess_return, result.exit_date, d.source, d.author, d.action,
        d.categories, horizon_bucket(result), exposure(result) if result.scored else "", result.illustrative,
    )  # fmt: skip


@functools.lru_cache(maxsize=4096)
def exposure_of(instruments: str, pair: bool, used: str | None) -> str:
    """:func:`~newsdesk.scorecard.groups.exposure` of a stored grade: ``pair``, else the one side of the
    legs it scores (``used``: their indexes in ``instruments``, comma-separated; funding counts as short),
    or ``mixed``."""
    if pair:
        return "pair"
    legs = legs_of_text(instruments)
    sides = {"short" if legs[int(i)].side in SHORTS else legs[int(i)].side for i in (used or "").split(",") if i}
    return sides.pop() if len(sides) == 1 else "mixed"


@functools.lru_cache(maxsize=4096)
def one_side(instruments: str) -> str | None:
    """The exposure of any scored, unpaired grade of a decision with these legs when its legs that can be
    scored (long, short, funding, reduce: only they ever have an excess) are all of one side (funding
    counts as short): the legs its excess comes from are some of them, at least one. None when they are
    not: then which legs it uses decides (:func:`exposure_of`)."""
    legs = legs_of_text(instruments)
    sides = {"short" if leg.side in SHORTS else leg.side for leg in legs if leg.side in SCORED_SIDES}
    return sides.pop() if len(sides) == 1 else None


class Listed:
    """One row of the decisions table (what :func:`listed_of` takes of a result): the decision
    (``article_id``, ``position``), its article's ``published_at``, ``text``, ``source``, ``action``, the
    grade's ``exposure`` ('' when not scored), horizon bucket, status, dates, returns, success, ``closes``
    (:func:`~newsdesk.scorecard.groups.closes_label`) and ``note`` (why not scored, or the default horizon)."""

    __slots__ = ("article_id", "position", "published_at", "text", "source", "action", "exposure", "horizon",
                 "status", "entry_date", "exit_date", "return_", "benchmark_return", "excess_return", "success",
                 "closes", "note")  # fmt: skip

    def __init__(self, article_id: str, position: int, published_at: str | None, text: str, source: str | None,
                 action: str | None, exposure: str, horizon: str, status: str, entry_date: str | None,
                 exit_date: str | None, return_: float | None, benchmark_return: float | None,
                 excess_return: float | None, success: bool | None, closes: str, note: str) -> None:  # fmt: skip
        self.article_id, self.position, self.published_at, self.text = article_id, position, published_at, text
        self.source, self.action, self.exposure, self.horizon, self.status = source, action, exposure, horizon, status
        self.entry_date, self.exit_date, self.return_ = entry_date, exit_date, return_
        self.benchmark_return, self.excess_return = benchmark_return, excess_return
        self.success, self.closes, self.note = success, closes, note

    @property
    def decision(self) -> str:
        """``<article id>-<position>``: the decision's id, as the table shows it."""
        return f"{self.article_id}-{self.position}"

    @property
    def scored(self) -> bool:
        return self.status in (CLOSED, OPEN)

    def plain(self) -> tuple[object, ...]:
        """Every field, for comparing two paths."""
        return tuple(getattr(self, name) for name in self.__slots__)


def note_of(reason: str, horizon_defaulted: bool) -> str:
    """A table row's note: why the decision is not scored, else that no horizon was stated."""
    return reason or ("no horizon stated: 90 days assumed" if horizon_defaulted else "")


def listed_of(result: DecisionResult) -> Listed:
    """A computed (or stored and read back) result as the decisions table shows it."""
    d = result.decision
    return Listed(
        d.article_id, d.position, d.published_at, d.text, d.source, d.action,
        exposure(result) if result.scored else "", horizon_bucket(result), result.status, result.entry_date,
        result.exit_date, result.return_, result.benchmark_return, result.excess_return, result.success,
        closes_label(result), note_of(result.reason, result.horizon_defaulted),
    )  # fmt: skip


def _exposure(row: Graded) -> str:
    if row.exposure is None:
        raise ScorecardError("internal: these rows were read without their exposures")
    return row.exposure


KEYS: dict[str, Callable[[Graded], str | Iterable[str]]] = {
    "source": lambda g: g.source or "(no source)",
    "category": lambda g: g.categories or ("(no category)",),
    "action": lambda g: g.action or "(no action)",
    "exposure": lambda g: _exposure(g),
    "horizon": lambda g: g.horizon,
    "author": lambda g: g.author or "(no author)",
}


def groups(rows: Iterable[Graded], by: str, include_open: bool = True) -> list[GroupStats]:
    """:func:`~newsdesk.scorecard.groups.group_results` of the rows by a name of :data:`KEYS`."""
    return group_results(rows, KEYS[by], include_open=include_open)


@dataclass(frozen=True)
class Summary:
    """A view's decisions for the page: ``rows`` (one :class:`Graded` each, oldest article first),
    ``newest`` (the last of them as :class:`Listed` rows, at most as many as the table shows) and, on the
    object path, ``results``: those rows' computed results by decision id (:meth:`result_of`)."""

    rows: Sequence[Graded]
    newest: Sequence[Listed]
    results: Mapping[str, DecisionResult] = field(default_factory=dict)

    @classmethod
    def of_results(cls, results: Sequence[DecisionResult], newest: int) -> Summary:
        """From computed results (the object path: settings other than the stored grades', or grades
        not current)."""
        last = list(results[-newest:]) if newest else []
        listed = [listed_of(r) for r in last]
        computed = {row.decision: r for row, r in zip(listed, last, strict=True)}
        return cls([graded_of(r) for r in results], listed, computed)

    def result_of(self, row: Listed) -> DecisionResult | Listed:
        """A table row's computed result on the object path; else the row itself (the stored grade: its
        detail reads the result whole, :func:`newsdesk.flows.grades.with_trips`)."""
        return self.results.get(row.decision, row)
