"""The Scorecard page's view of many graded decisions without one result object each.

A :class:`Graded` holds what the page's sums read of a decision (status, excess, exit date, the keys of
its groups, why it is not scored, illustrative or not); a :class:`Summary` holds one per decision of a
view plus the newest few as full :class:`~newsdesk.scorecard.rules.DecisionResult` (the rows a table
shows). Both paths give the same figures: :func:`graded_of` turns a computed result into a
:class:`Graded`, and :mod:`newsdesk.flows.grades` builds them straight from the stored grades' rows.
The groups, track records and curve are those of :mod:`newsdesk.scorecard.groups` over them, with
:data:`KEYS` in place of :data:`~newsdesk.scorecard.groups.GROUP_KEYS`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from newsdesk.scorecard.groups import GroupStats, exposure, group_results, horizon_bucket
from newsdesk.scorecard.rules import CLOSED, OPEN, SHORTS, DecisionResult, ScorecardError, legs_of_text


class Graded:
    """One decision as the page's sums read it: ``status`` (closed, open, unscored), ``reason`` (why
    not scored), ``excess_return``, ``exit_date``, the group keys' inputs (``source``, ``author``,
    ``action``, ``categories``, ``horizon``: the bucket, ``exposure``: '' when not scored, None when not
    read) and whether the grade rests on illustrative closes."""

    __slots__ = ("status", "reason", "excess_return", "exit_date", "source", "author", "action", "categories",
                 "horizon", "exposure", "illustrative")  # fmt: skip

    def __init__(self, status: str, reason: str, excess_return: float | None, exit_date: str | None,
                 source: str | None, author: str | None, action: str | None, categories: tuple[str, ...],
                 horizon: str, exposure: str | None, illustrative: bool) -> None:  # fmt: skip
        self.status, self.reason, self.excess_return, self.exit_date = status, reason, excess_return, exit_date
        self.source, self.author, self.action, self.categories = source, author, action, categories
        self.horizon, self.exposure, self.illustrative = horizon, exposure, illustrative

    @property
    def scored(self) -> bool:
        return self.status in (CLOSED, OPEN)

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
    """A view's decisions for the page: ``rows`` (one :class:`Graded` each, oldest article first) and
    ``newest`` (the last of them as full results, at most as many as the table shows)."""

    rows: Sequence[Graded]
    newest: Sequence[DecisionResult]

    @classmethod
    def of_results(cls, results: Sequence[DecisionResult], newest: int) -> Summary:
        """From computed results (the object path: settings other than the stored grades', or grades
        not current)."""
        return cls([graded_of(r) for r in results], list(results[-newest:]) if newest else [])
