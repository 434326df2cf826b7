"""The track record: closes into the database (files, URL template, Yahoo, the demo's illustrative
walk) and the scorecard and evidence over the stored decisions and articles.

Each function here is what one CLI command or one dashboard loader calls; the rules themselves are in
:mod:`newsdesk.scorecard.rules` and :mod:`newsdesk.scorecard.evidence`, the SQL in :mod:`newsdesk.db`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from newsdesk.db import Connection
from newsdesk.db import evidence as evidence_store
from newsdesk.db.prices import PriceWrite, write_prices
from newsdesk.db.read import prices as price_reads
from newsdesk.db.read.articles import DEMO_SOURCE
from newsdesk.db.read.baskets import list_baskets
from newsdesk.domain.cells import flag, text_or_none
from newsdesk.domain.filters import UNCATEGORISED, Filters
from newsdesk.domain.reference import load_companies, lookup, plain_name
from newsdesk.errors import SourceReadError, UnknownFormatError
from newsdesk.flows import evidence, grades
from newsdesk.flows.market import benchmark_lookup, decision_inputs, market, wanted_tickers
from newsdesk.prices import PriceBatch, demo
from newsdesk.prices.benchmarks import load_benchmarks
from newsdesk.prices.fetch import fetch_from_template, fetch_from_yfinance
from newsdesk.prices.files import read_price_file
from newsdesk.scorecard.evidence import EvidenceRow, Measured, Observation, measurements, summarise
from newsdesk.scorecard.groups import result_line
from newsdesk.scorecard.rules import (
    DEFAULT_HORIZON_DAYS,
    MAX_LAG_SESSIONS,
    DecisionResult,
    Market,
    ScorecardError,
    score_decisions,
    tickers_needed,
)

log = logging.getLogger(__name__)

EXIT_OK, EXIT_UNREADABLE, EXIT_ALL_REJECTED = 0, 1, 3
YFINANCE_SOURCE = "yfinance"  # the source stored with closes fetched through yfinance
DEMO_DAYS_BEFORE = 30  # illustrative closes start this many days before the first demo article
# ... and end on a fixed day that had passed when the demo corpus was written: illustrative closes never
# run past the present (a decision is "open" until its horizon ends, as with real prices), and the demo
# stays the same whenever it is built.
DEMO_PRICES_END = date(2026, 12, 4)


# ------------------------------------------------------------------------------------------- importing


@dataclass
class PriceImport:
    """What ``prices import`` or ``prices fetch`` did: one :class:`PriceWrite` per input, the inputs
    that could not be read at all, and notes on how each input was read (``(input, note)``)."""

    writes: list[tuple[str, PriceWrite]] = field(default_factory=list)
    unreadable: list[tuple[str, str]] = field(default_factory=list)
    notes: list[tuple[str, str]] = field(default_factory=list)

    @property
    def added(self) -> int:
        return sum(w.added for _, w in self.writes)

    @property
    def duplicates(self) -> int:
        return sum(w.duplicates for _, w in self.writes)

    @property
    def rejected(self) -> int:
        return sum(w.rejected for _, w in self.writes)

    @property
    def held_back(self) -> int:
        return sum(w.held_back for _, w in self.writes)

    @property
    def illustrative_replaced(self) -> int:
        return sum(w.illustrative_replaced for _, w in self.writes)

    @property
    def exit_code(self) -> int:
        """1 when an input could not be read, else 3 when an input had rows but all were rejected, else 0."""
        if self.unreadable:
            return EXIT_UNREADABLE
        if any(w.rejected and not (w.added + w.duplicates) for _, w in self.writes):
            return EXIT_ALL_REJECTED
        return EXIT_OK

    def summary(self) -> str:
        held = f", {self.held_back:,} held back (a splice: see the warning)" if self.held_back else ""
        return f"{self.added} prices added, {self.duplicates} already stored, {self.rejected} rejected{held}"


def known_tickers() -> set[str]:
    """The tickers of ``data/companies.csv`` and the benchmarks of ``data/benchmarks.toml``."""
    return {c.ticker for c in load_companies()} | set(load_benchmarks().tickers)


def share_class_note(ticker: str, listed) -> list[str]:
    """A listed ticker that is not a curated company: nothing to say, unless a curated company of the same
    name has another ticker (GOOG beside GOOGL), under which articles name it and decisions trade it."""
    key = plain_name(listed.name)
    curated = sorted(c.ticker for c in load_companies() if plain_name(c.name) == key and c.ticker != ticker)
    if not curated:
        return []
    return [
        f"ticker {ticker} is {listed.name}, which newsdesk's articles and decisions name as {curated[0]}: "
        f"these closes grade nothing under {ticker}; import the file again with --ticker {curated[0]} to grade "
        "them"
    ]


def ticker_notes(batch: PriceBatch, known: set[str]) -> list[str]:
    """A note when the tickers read are not known companies (a file named ``download (1).csv``)."""
    if batch.named_ticker is not None:
        if batch.named_ticker in known:
            return []
        listed = lookup(batch.named_ticker)
        if listed is not None:
            return share_class_note(batch.named_ticker, listed)
        return [
            f"ticker {batch.named_ticker} (from the file name) is not a company of data/companies.csv: "
            "if that is not its ticker, import it again with --ticker"
        ]
    unknown = [t for t in batch.tickers if t not in known]
    if not unknown:
        return []
    if len(batch.tickers) == 1:
        return [f"ticker {unknown[0]} is not a company of data/companies.csv"]
    return [
        f"{len(unknown):,} of {len(batch.tickers):,} tickers are not companies of data/companies.csv "
        f"(e.g. {', '.join(unknown[:3])})"
    ]


def import_price_files(
    db: Connection,
    paths: Iterable[str | Path],
    ticker: str | None = None,
    fmt: str = "auto",
    date_format: str | None = None,
    replace: bool = False,
) -> PriceImport:
    """Read each price file (:func:`newsdesk.prices.files.read_price_file`) and store it as one run
    (source: the file's name). ``replace``: each ticker's stored real closes are replaced by the file's."""
    report = PriceImport()
    known = known_tickers()
    for path in paths:
        try:
            batch = read_price_file(path, ticker=ticker, fmt=fmt, date_format=date_format)
        except (SourceReadError, UnknownFormatError) as exc:
            report.unreadable.append((str(path), str(exc)))
            log.info("prices from %s could not be read: %s", path, exc)
            continue
        report.notes += [(str(path), note) for note in [*batch.notes, *ticker_notes(batch, known)]]
        write = write_prices(db, batch.rows, batch.problems, Path(path).name, replace)
        report.writes.append((str(path), write))
        log.info("prices from %s: %d added, %d already stored, %d rejected", path, *_counts(write))
    keep_grades(db)
    return report


def _counts(write: PriceWrite) -> tuple[int, int, int]:
    return write.added, write.duplicates, write.rejected


def fetch_prices(
    db: Connection,
    template: str | None = None,
    yahoo: bool = False,
    since: str | None = None,
    benchmark: str | None = None,
    fetch: Callable[[str], bytes] | None = None,
    download: Callable | None = None,
    replace: bool = False,
) -> tuple[list[str], PriceImport]:
    """Fetch the closes of :func:`wanted_tickers` from a URL template and/or Yahoo (``yfinance``) and
    store each source as one run (source: the template, or ``yfinance``); returns the tickers asked for
    and the report. ``replace`` as for :func:`import_price_files`. ``fetch`` and ``download`` replace the
    network in tests."""
    tickers = wanted_tickers(db, benchmark)
    report = PriceImport()
    batches: list[tuple[str, PriceBatch]] = []
    if template:
        batches.append((template, fetch_from_template(tickers, template, fetch=fetch)))
    if yahoo:
        start = since or (date.today() - timedelta(days=5 * 365)).isoformat()
        batches.append((YFINANCE_SOURCE, fetch_from_yfinance(tickers, start, download=download)))
    for name, batch in batches:
        rows = [r for r in batch.rows if not since or r.date >= since]
        write = write_prices(db, rows, batch.problems, name, replace)
        report.writes.append((name, write))
        log.info("prices fetched from %s: %d added, %d already stored, %d rejected", name, *_counts(write))
    keep_grades(db)
    return tickers, report


def load_demo_prices(db: Connection) -> PriceWrite | None:
    """Store ILLUSTRATIVE closes (:mod:`newsdesk.prices.demo`, source ``illustrative``) for every ticker
    the stored decisions need (basket legs: their members) and their benchmarks, from a month before the first article
    to :data:`DEMO_PRICES_END`. None when there are no articles."""
    first, last = price_reads.article_span(db)
    if not first or not last:
        return None
    benchmark_of = benchmark_lookup(db)
    tickers = tickers_needed(decision_inputs(db), price_reads.basket_weights(db), benchmark_of)
    links = {t: b for t in tickers if (b := benchmark_of(t)) and b != t}
    start = date.fromisoformat(first[:10]) - timedelta(days=DEMO_DAYS_BEFORE)
    end = max(DEMO_PRICES_END, date.fromisoformat(last[:10]))
    rows = demo.illustrative_prices(tickers, start, end, links)
    written = write_prices(db, rows, [], demo.SOURCE)
    keep_grades(db)
    return written


def keep_grades(db: Connection) -> None:
    """Bring the stored decision grades up to date after a write (:func:`newsdesk.flows.grades.refresh`)."""
    grades.refresh(db)


# -------------------------------------------------------------------------------------------- scoring


def result_lines(
    conn: Connection, article_id: str, latest: tuple[str | None, str | None] | None = None
) -> dict[int, str]:
    """Position -> :func:`newsdesk.scorecard.rules.result_line` of each decision of one article (it says when
    the grade rests on illustrative closes). ``latest`` as for :func:`newsdesk.flows.market.market_for`."""
    return {r.decision.position: result_line(r) for r in grades.results(conn, Filters(), article_id, latest)}


def run_scorecard(
    conn: Connection,
    filters: Filters = Filters(),
    default_horizon_days: int = DEFAULT_HORIZON_DAYS,
    benchmark: str | None = None,
    max_lag: int = MAX_LAG_SESSIONS,
    prices: Market | None = None,
) -> list[DecisionResult]:
    """Every decision of the filtered articles scored by the rules of :mod:`newsdesk.scorecard.rules`:
    the one scorecard over the database, for the CLI and the Scorecard page; at the default settings read
    from the stored grades where they are current (:mod:`newsdesk.flows.grades`). ``prices``: the
    :func:`market` the caller already holds (the page caches it), else read here."""
    if grades.defaults(default_horizon_days, benchmark, max_lag):
        return grades.results(conn, filters)
    prices = prices if prices is not None else market(conn, benchmark, max_lag)
    return score_decisions(decision_inputs(conn, filters), prices, default_horizon_days)


EVIDENCE_BY = ("all", "category", "basket", "source")


def observations(conn: Connection, filters: Filters = Filters(), by: str = "category") -> list[Observation]:
    """Evidence observations of the filtered articles grouped ``by``: ``all`` (each article and company it
    names, one group), ``category`` (the same in each of the article's categories; none is
    ``Uncategorised``), ``source``, or ``basket`` (each article and basket holding a company it names,
    once, as ``basket: <name>``). NULL cells never become a group (SQL NULL reads as NaN)."""
    if by not in EVIDENCE_BY:
        raise ScorecardError(f"cannot group evidence by {by!r}: use one of {', '.join(EVIDENCE_BY)}")
    rows = evidence_store.view_rows(conn, filters)
    holders: dict[str, list[str]] = {}
    names: dict[str, str] = {}
    if by == "basket":
        listed = list_baskets(conn)
        names = dict(zip(listed["id"], listed["name"], strict=True))
        for basket, members in price_reads.basket_weights(conn).items():
            for ticker in members:
                holders.setdefault(ticker, []).append(basket)
    out: list[Observation] = []
    seen: set[tuple] = set()
    for article_id, published_at, estimated, label, score, held_ticker, category, source_cell in rows:
        held, article = text_or_none(held_ticker), str(article_id)
        if held is None:
            continue
        ticker = held
        source = text_or_none(source_cell)
        common: dict[str, Any] = dict(
            published_at=text_or_none(published_at),
            label=text_or_none(label),
            score=None if score is None or score != score else float(score),
            estimated=flag(estimated),
            article_id=article,
            demo=source == DEMO_SOURCE,
        )
        if by == "basket":
            for basket in holders.get(ticker, ()):
                if (article, basket) not in seen:
                    seen.add((article, basket))
                    out.append(Observation(group=f"basket: {names.get(basket) or basket}", basket=basket, **common))
            continue
        fixed = {"all": "all", "source": source or "(no source)"}.get(by)
        group = fixed or text_or_none(category) or UNCATEGORISED
        if (article, group, ticker) not in seen:
            seen.add((article, group, ticker))
            out.append(Observation(group=group, ticker=ticker, **common))
    return out


def run_measurements(
    conn: Connection,
    filters: Filters = Filters(),
    by: str = "all",
    benchmark: str | None = None,
    max_lag: int = MAX_LAG_SESSIONS,
    prices: Callable[[], Market] | None = None,
) -> list[Measured]:
    """Every evidence observation of the filtered articles measured over every window it has: at the
    default rules read from the stored observations where they are current (:mod:`newsdesk.flows.evidence`),
    measured by the rules for the rest (the same figures either way). ``prices``: makes the
    :func:`market` (the page caches it), called only when something is measured here; else read here."""
    found = observations(conn, filters, by)
    closes = prices or (lambda: market(conn, benchmark, max_lag))
    stored = evidence.lookup(conn, filters) if not benchmark and max_lag == MAX_LAG_SESSIONS else None
    if stored is None:
        return measurements(found, closes())
    return measurements(found, evidence.light_market(conn), stored=stored, closes=closes)


def run_evidence(
    conn: Connection,
    filters: Filters = Filters(),
    benchmark: str | None = None,
    by: str = "category",
    max_lag: int = MAX_LAG_SESSIONS,
) -> list[EvidenceRow]:
    """The evidence table (:func:`newsdesk.scorecard.evidence.evidence`) over the filtered articles."""
    return summarise(run_measurements(conn, filters, by, benchmark, max_lag))
