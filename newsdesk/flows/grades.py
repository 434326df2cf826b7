"""Decision grades kept, not recomputed: the upkeep of the stored grades (:mod:`newsdesk.db.grades`) and
the scorecard read from them.

- :func:`refresh` (after a price import or fetch, an ingest, a rescore): grades every decision without
  a grade of the current :data:`~newsdesk.scorecard.rules.RULES_VERSION`, and regrades those that read
  anything changed since (a ticker's closes, a company's country, a basket's members) plus every grade
  that is not settled (an open or unscored grade also reads the whole table's latest close). One
  transaction: a process killed mid-way leaves the marks of change in place, and readers recompute.
- :func:`rebuild` (``newsdesk rebuild-grades``): every grade from scratch.
- :func:`results`: the scorecard of a view, from the stored grades where they are current, computed by
  the rules for the rest (the same figures either way: ``tests/db/test_grades.py``).

Stored grades are those of the default rules (90 days when no horizon is stated, each market's
benchmark, 5 sessions of staleness); any other setting is computed by the rules as before.
"""

from __future__ import annotations

import functools
import json
import math
from dataclasses import astuple, dataclass
from typing import TYPE_CHECKING, Any

from newsdesk.db import Connection, transaction
from newsdesk.db import grades as store
from newsdesk.db.read import grades as reads
from newsdesk.db.read.articles import DEMO_SOURCE
from newsdesk.domain.cells import missing, text_or_none
from newsdesk.domain.cycles import no_cycle_collection
from newsdesk.domain.filters import Filters
from newsdesk.flows import evidence
from newsdesk.flows import market as track
from newsdesk.scorecard.groups import closes_label, horizon_label
from newsdesk.scorecard.rules import (
    CLOSED,
    DEFAULT_HORIZON_DAYS,
    HOLD,
    MAX_LAG_SESSIONS,
    OPEN,
    RULES_VERSION,
    DecisionInput,
    DecisionResult,
    LegResult,
    Market,
    Trip,
    categories_of_text,
    members_of,
    score_decisions,
)
from newsdesk.scorecard.summary import Graded, Listed, Summary, exposure_of, note_of, one_side

if TYPE_CHECKING:
    import pandas as pd

CHUNK = 5_000  # decisions graded per step of an upkeep (one transaction for all of them)
FEW = 2_000  # up to this many decisions, an upkeep reads only the closes they need


# -------------------------------------------------------------------------------------- to rows


def _num(value: float | None) -> float | None:
    return None if value is None else float(value)


def settled(result: DecisionResult) -> bool:
    """True when no later close can change the grade: closed, every leg closed or held."""
    return result.status == CLOSED and all(leg.status in (CLOSED, HOLD) for leg in result.legs)


def grade_row(decision_id: str, result: DecisionResult) -> tuple:
    """One ``decision_grades`` row (:data:`newsdesk.db.grades.GRADE_COLUMNS`)."""
    d = result.decision
    return (
        decision_id, d.article_id, d.position, RULES_VERSION, result.status, result.reason, result.horizon_days,
        int(result.horizon_defaulted), int(result.pair), result.entry_date, result.exit_date, _num(result.return_),
        _num(result.benchmark_return), _num(result.excess_return),
        None if result.success is None else int(result.success), closes_label(result), int(settled(result)),
        "|".join(d.categories),
    )  # fmt: skip


def leg_rows(decision_id: str, result: DecisionResult) -> list[tuple]:
    """The ``leg_grades`` rows of a result (:data:`newsdesk.db.grades.LEG_COLUMNS`), trips as JSON lists."""
    return [
        (
            decision_id,
            i,
            leg.status,
            leg.reason,
            _num(leg.return_),
            _num(leg.benchmark_return),
            _num(leg.excess_return),
            leg.entry_date,
            leg.exit_date,
            int(leg.open),
            int(leg.illustrative),
            json.dumps(leg.missing),
            json.dumps([list(astuple(t)) for t in leg.trips]),
        )  # fmt: skip
        for i, leg in enumerate(result.legs)
    ]


def reads_of(decision: DecisionInput, market: Market) -> set[str]:
    """What a grade reads: each scored leg's tickers (a basket's members) and their benchmarks, and
    ``basket:<id>`` for a basket leg."""
    out: set[str] = set()
    for leg in decision.legs:
        if leg.side == HOLD:
            continue
        if leg.basket:
            out.add(store.BASKET_PREFIX + leg.basket)
        for ticker in members_of(leg, market) or {}:
            out.add(ticker)
            bench = market.benchmark_of(ticker)
            if bench:
                out.add(bench)
    return out


# ------------------------------------------------------------------------------------------ upkeep


def inputs_of(frame: pd.DataFrame) -> list[tuple[str, DecisionInput]]:
    """``(decision id, input)`` of scorecard decision rows; demo articles flagged as flows.prices does."""
    return [
        (str(row["id"]), DecisionInput.from_row({**row, "demo": row.get("source") == DEMO_SOURCE}))
        for row in frame.to_dict("records", into=dict)  # pandas' default mapping, keyed by column (str)
    ]


def _grade(conn: Connection, decision_ids: list[str]) -> int:
    """Grade ``decision_ids`` by the default rules and store them (inside the caller's transaction)."""
    if not decision_ids:
        return 0
    market = None
    if len(decision_ids) > FEW:
        market = track.market(conn)
    done = 0
    for i in range(0, len(decision_ids), CHUNK):
        chunk = decision_ids[i : i + CHUNK]
        pairs = inputs_of(reads.decisions_by_id(conn, chunk))
        inputs = [d for _, d in pairs]
        here = market or track.market_for(conn, inputs)
        results = score_decisions(inputs, here, DEFAULT_HORIZON_DAYS)
        store.forget(conn, chunk)
        store.store(
            conn,
            [grade_row(i_d, r) for (i_d, _), r in zip(pairs, results, strict=True)],
            [row for (i_d, _), r in zip(pairs, results, strict=True) for row in leg_rows(i_d, r)],
            [(t, i_d) for i_d, d in pairs for t in sorted(reads_of(d, here))],
        )
        done += len(pairs)
    return done


@dataclass(frozen=True)
class Upkeep:
    """What an upkeep did: how many decisions it graded, and the marks of change it handled."""

    graded: int
    changed: tuple[str, ...]


def refresh(db: Connection) -> Upkeep:
    """Bring the stored grades up to date (see the module docstring); one transaction."""
    conn = db
    with transaction(db):
        changed = store.dirty(conn)
        ids = set(store.ungraded(conn, RULES_VERSION))
        if store.EVERYTHING in changed:
            ids |= set(store.all_ids(conn))
        elif changed:
            ids |= store.touched_by(conn, changed)
        n = _grade(conn, sorted(ids))
        evidence.upkeep(conn, changed)  # the stored evidence observations, with the same marks of change
        store.clear_dirty(conn, changed)
    return Upkeep(n, tuple(changed))


def rebuild(db: Connection) -> int:
    """Every grade from scratch (``newsdesk rebuild-grades``); returns how many decisions were graded."""
    with transaction(db):
        evidence.upkeep(db, store.dirty(db))  # the marks of change go: the evidence handles them first
        store.forget_all(db)
        return _grade(db, store.all_ids(db))


# ------------------------------------------------------------------------------------------- reads


class StoredLeg(LegResult):
    """A leg read back from its stored grade: dates, open and illustrative flags as stored; its trips
    are read only for one decision's detail (:func:`with_trips`)."""

    _entry: str | None
    _exit: str | None
    _open: bool
    _illustrative: bool

    def __init__(self, leg, status, reason, return_, benchmark_return, excess_return, missing_, entry, exit_,
                 is_open, illustrative):  # fmt: skip
        # the fields of LegResult set at once (its generated __init__ cost ~70 % of reading a grade)
        self.__dict__.update(leg=leg, status=status, reason=reason, return_=return_, benchmark_return=benchmark_return,
                             excess_return=excess_return, trips=[], missing=missing_, _entry=entry, _exit=exit_,
                             _open=is_open, _illustrative=illustrative)  # fmt: skip

    @property
    def entry_date(self) -> str | None:
        return self._entry

    @property
    def exit_date(self) -> str | None:
        return self._exit

    @property
    def open(self) -> bool:
        return self._open

    @property
    def illustrative(self) -> bool:
        return self._illustrative


def _float(value) -> float | None:
    return None if missing(value) else float(value)


def _flag(value) -> bool | None:
    return None if missing(value) else bool(value)


def _leg(decision: DecisionInput, row: tuple) -> LegResult:
    _, i, status, reason, r, b, x, entry, exit_, is_open, fake, missing_ = row
    gone = [] if missing_ == "[]" else json.loads(missing_)
    return StoredLeg(decision.legs[i], status, reason or "", _float(r), _float(b), _float(x), gone,
                     text_or_none(entry), text_or_none(exit_), bool(is_open), bool(fake))  # fmt: skip


def _stored(decision: DecisionInput, row: dict, legs: list[tuple]) -> DecisionResult:
    return DecisionResult(
        decision, row["g_status"], int(row["g_horizon_days"]), bool(row["g_horizon_defaulted"]),
        text_or_none(row["g_reason"]) or "", bool(row["g_pair"]), text_or_none(row["g_entry_date"]),
        text_or_none(row["g_exit_date"]), _float(row["g_return"]), _float(row["g_benchmark_return"]),
        _float(row["g_excess_return"]), _flag(row["g_success"]), [_leg(decision, leg) for leg in legs],
    )  # fmt: skip


def defaults(default_horizon_days: int, benchmark: str | None, max_lag: int) -> bool:
    """True when a request asks for the rules the grades are stored at."""
    return default_horizon_days == DEFAULT_HORIZON_DAYS and not benchmark and max_lag == MAX_LAG_SESSIONS


def results(
    conn: Connection,
    filters: Filters = Filters(),
    article_id: str | None = None,
    latest: tuple[str | None, str | None] | None = None,
) -> list[DecisionResult]:
    """The view's decisions graded by the default rules, oldest article first: stored grades where they
    are current and nothing they read has changed since, the rules for the rest (only their closes read).
    ``latest`` as for :func:`newsdesk.flows.prices.market_for`."""
    with reads.snapshot(conn):
        clean = store.is_clean(conn)
        rows, leg_rows_ = reads.graded_view(conn, filters, article_id) if clean else ([], [])
    if not clean:
        inputs = track.decision_inputs(conn, filters, article_id)
        market = track.market_for(conn, inputs, latest=latest) if article_id else track.market(conn)
        return score_decisions(inputs, market, DEFAULT_HORIZON_DAYS)
    return _from_rows(conn, rows, leg_rows_, latest)


def _from_rows(
    conn: Connection, rows: list[dict[str, Any]], leg_rows_: list[tuple], latest: tuple[str | None, str | None] | None
) -> list[DecisionResult]:
    """Results of :func:`~newsdesk.db.read.grades.graded_view` rows: stored where current, else computed."""
    legs: dict[str, list[tuple]] = {}
    for leg_row in leg_rows_:
        legs.setdefault(leg_row[0], []).append(leg_row)
    out: list[DecisionResult | None] = []
    todo: list[tuple[int, DecisionInput]] = []
    for row in rows:
        decision = DecisionInput.from_row({**row, "demo": row.get("source") == DEMO_SOURCE})
        version = row["g_rules_version"]
        if missing(version) or int(version) != RULES_VERSION:
            todo.append((len(out), decision))
            out.append(None)
        else:
            out.append(_stored(decision, row, legs.get(str(row["id"]), [])))
    if todo:
        inputs = [d for _, d in todo]
        market = track.market_for(conn, inputs, latest=latest)
        for (k, _), result in zip(todo, score_decisions(inputs, market, DEFAULT_HORIZON_DAYS), strict=True):
            out[k] = result
    return [result for result in out if result is not None]  # every slot is filled by now


def summary(
    conn: Connection, filters: Filters = Filters(), newest: int = 2_000, exposures: bool = False
) -> Summary | None:
    """The Scorecard page's view by the default rules from the stored grades, without a result object
    per decision: one :class:`~newsdesk.scorecard.summary.Graded` per decision of the view (their
    ``exposure`` only with ``exposures``, else None) and the ``newest`` of them as the decisions table's
    :class:`~newsdesk.scorecard.summary.Listed` rows, in one narrow read (the table's columns read on the
    same walk; which legs a grade uses only for the few whose legs' sides differ). None when the grades
    cannot answer alone (something they read changed, or a decision of the view has no grade of the
    current rules): the caller computes the results and :meth:`Summary.of_results` them, as before. The
    same figures and rows as :func:`results` either way (``tests/db/test_grade_summary.py``)."""
    with reads.snapshot(conn), no_cycle_collection():
        if not store.is_clean(conn):
            return None
        found = reads.graded_outcomes(conn, filters, exposures, table=bool(newest))
        if any(version is None or int(version) != RULES_VERSION for version in {row[1] for row in found}):
            return None
        rows = _outcomes(found, exposures)
        last = found[len(found) - newest :] if newest else []
        return Summary(rows, _listed(conn, last, rows[len(rows) - len(last) :]))


@functools.lru_cache(maxsize=65_536, typed=True)
def _text(value: object) -> str | None:
    """:func:`~newsdesk.domain.cells.text_or_none` once per distinct cell (a view's sources, authors,
    actions, reasons and exit dates repeat)."""
    return text_or_none(value)


_horizon = functools.lru_cache(maxsize=4_096)(horizon_label)
_WIDTH = len(reads.OUTCOME_COLUMNS)


def _outcomes(found: list[tuple], exposures: bool) -> list[Graded]:
    """:class:`Graded` rows of :data:`~newsdesk.db.read.grades.OUTCOME_COLUMNS` rows, as :func:`graded_of`
    makes them of the stored results (the same cells read the same way)."""
    out = []
    for row in found:
        _, _, status, reason, excess, exit_, source, author, action, cats, days, defaulted, pair, closes = row[:14]
        legs, used = row[14:_WIDTH]
        scored = status in (CLOSED, OPEN)
        out.append(Graded(
            status, _text(reason) or "", _float(excess), _text(exit_), _text(source),
            _text(author), _text(action), categories_of_text(cats) if isinstance(cats, str) else (),
            _horizon(int(days), bool(defaulted)),
            (exposure_of(legs or "[]", bool(pair), used) if scored else "") if exposures else None,
            scored and closes == "illustrative",  # closes_label of the stored result
        ))  # fmt: skip
    return out


def _listed(conn: Connection, found: list[tuple], graded: list[Graded]) -> list[Listed]:
    """The decisions table's rows of :func:`~newsdesk.db.read.grades.graded_outcomes` rows read with the
    table's columns (and their :class:`Graded` rows), as :func:`listed_of` makes them of the stored results
    read back whole: the same cells read the same way (:meth:`DecisionInput.from_row`, :func:`_stored`).
    A scored grade's exposure: ``pair``, its legs' one side (:func:`one_side`), the one read with the
    rows, or else from which legs it uses (read for those decisions only)."""
    sides: list[str | None] = []
    unsure: list[str] = []
    for row, g in zip(found, graded, strict=True):
        side = None
        if g.scored:
            side = "pair" if row[12] else g.exposure or one_side(row[_WIDTH + 4])
            if side is None:
                unsure.append(str(row[0]))
        sides.append(side)
    used = reads.used_legs(conn, unsure) if unsure else {}
    out = []
    for row, g, side in zip(found, graded, sides, strict=True):
        article_id, position, published, text, legs, entry, return_, bench, success = row[_WIDTH:]
        if g.scored and side is None:
            side = exposure_of(legs, False, used.get(str(row[0])))
        out.append(Listed(
            str(article_id), int(position), text_or_none(published), text_or_none(text) or "", g.source, g.action,
            side or "", g.horizon, g.status, text_or_none(entry), g.exit_date, _float(return_), _float(bench),
            g.excess_return, _flag(success), ("illustrative" if g.illustrative else "real") if g.scored else "",
            note_of(g.reason, bool(row[11])),
        ))  # fmt: skip
    return out


def movers(conn: Connection, filters: Filters, since: str, limit: int = 5) -> list[dict[str, Any]] | None:
    """The view's decisions, by the default rules, that are open or closed on or after the day ``since``,
    largest excess return (either sign) first: ``text``, ``status``, ``excess_return``, ``exit_date``,
    ``article_id``; read from the stored grades in one query. None when the grades cannot answer alone
    (something they read changed, or a decision has no current grade): the caller computes the scorecard."""
    with reads.snapshot(conn):
        if not store.is_clean(conn) or not reads.all_graded(conn, RULES_VERSION):
            return None
        found = reads.top_movers(conn, filters, since, limit)
    return [
        {"text": text_or_none(r["text"]) or "", "status": r["status"], "excess_return": float(r["excess_return"]),
         "exit_date": text_or_none(r["exit_date"]), "article_id": str(r["article_id"])}
        for r in found
    ]  # fmt: skip


def with_trips(conn: Connection, result: DecisionResult | Listed) -> DecisionResult | None:
    """``result`` with every leg's trips (what one decision's detail draws): a stored result's legs read
    back whole; a computed one as it is; a decisions table's :class:`Listed` row read whole first (by the
    default rules, as :func:`results` reads its article; None when the decision is gone)."""
    if isinstance(result, Listed):
        row = result
        same_one = [r for r in results(conn, article_id=row.article_id) if r.decision.position == row.position]
        return with_trips(conn, same_one[0]) if same_one else None
    if not any(isinstance(leg, StoredLeg) for leg in result.legs):
        return result
    d = result.decision
    trips = reads.leg_trips(conn, f"{d.article_id}-{d.position}")
    legs = []
    for i, leg in enumerate(result.legs):
        found = [Trip(*values) for values in json.loads(trips.get(i, "[]"))]
        legs.append(LegResult(leg.leg, leg.status, leg.reason, leg.return_, leg.benchmark_return, leg.excess_return,
                              found, leg.missing))  # fmt: skip
    return DecisionResult(
        d, result.status, result.horizon_days, result.horizon_defaulted, result.reason, result.pair,
        result.entry_date, result.exit_date, result.return_, result.benchmark_return, result.excess_return,
        result.success, legs,
    )  # fmt: skip


def same(a: DecisionResult, b: DecisionResult) -> bool:
    """True when two results give the same figures (what :func:`results` promises of a stored grade)."""
    return plain(a) == plain(b)


def plain(result: DecisionResult) -> dict:
    """A result as plain values, legs and their dates and flags included (trips only when present)."""

    def number(x):
        return None if x is None or (isinstance(x, float) and math.isnan(x)) else x

    return {
        "decision": (result.decision.article_id, result.decision.position),
        "status": result.status, "reason": result.reason, "horizon": (result.horizon_days, result.horizon_defaulted),
        "pair": result.pair, "dates": (result.entry_date, result.exit_date),
        "numbers": tuple(number(x) for x in (result.return_, result.benchmark_return, result.excess_return)),
        "success": result.success, "illustrative": result.illustrative, "closes": closes_label(result),
        "legs": [
            (leg.leg, leg.status, leg.reason, number(leg.return_), number(leg.benchmark_return),
             number(leg.excess_return), leg.entry_date, leg.exit_date, leg.open, leg.illustrative, leg.missing)
            for leg in result.legs
        ],
    }  # fmt: skip
