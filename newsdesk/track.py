"""The track record: closes into the database (files, URL template, Yahoo, the demo's illustrative
walk) and the scorecard and evidence over the stored decisions and articles.

Each function here is what one CLI command or one dashboard loader calls; the rules themselves are in
:mod:`newsdesk.scorecard` and :mod:`newsdesk.evidence`, the SQL in :mod:`newsdesk.db`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from newsdesk.db.prices import PriceWrite, write_prices
from newsdesk.db.read import prices as price_reads
from newsdesk.db.read.baskets import list_baskets
from newsdesk.db.read.filters import Filters
from newsdesk.db.read.timeline import UNCATEGORISED
from newsdesk.errors import SourceReadError, UnknownFormatError
from newsdesk.evidence import EvidenceRow, Observation, evidence
from newsdesk.prices import PriceBatch, demo
from newsdesk.prices.benchmarks import benchmark_for, load_benchmarks
from newsdesk.prices.fetch import fetch_from_template, fetch_from_yfinance
from newsdesk.prices.files import read_price_file
from newsdesk.prices.series import PriceBook
from newsdesk.reference import load_companies
from newsdesk.scorecard import (
    DEFAULT_HORIZON_DAYS,
    DecisionInput,
    DecisionResult,
    Market,
    result_line,
    score_decisions,
    tickers_needed,
)

if TYPE_CHECKING:
    import sqlite_utils

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


def ticker_notes(batch: PriceBatch, known: set[str]) -> list[str]:
    """A note when the tickers read are not known companies (a file named ``download (1).csv``)."""
    if batch.named_ticker is not None:
        if batch.named_ticker in known:
            return []
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
    db: sqlite_utils.Database,
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
            continue
        report.notes += [(str(path), note) for note in [*batch.notes, *ticker_notes(batch, known)]]
        report.writes.append((str(path), write_prices(db, batch.rows, batch.problems, Path(path).name, replace)))
    return report


def benchmark_lookup(conn: sqlite3.Connection, override: str | None = None) -> Callable[[str], str | None]:
    """ticker -> its benchmark (``data/benchmarks.toml`` by the company's country, or ``override``);
    a benchmark is not measured against itself."""
    countries = price_reads.company_countries(conn)
    table = load_benchmarks()
    own = set(table.tickers) | ({override.strip()} if override and override.strip() else set())

    def benchmark_of(ticker: str) -> str | None:
        return None if ticker in own else benchmark_for(ticker, countries, table, override)

    return benchmark_of


def decision_inputs(
    conn: sqlite3.Connection, filters: Filters = Filters(), article_id: str | None = None
) -> list[DecisionInput]:
    """The filtered articles' decisions (or one article's) as scorecard inputs."""
    rows = price_reads.scorecard_decisions(conn, filters, article_id).to_dict("records")
    return [DecisionInput.from_row(row) for row in rows]


def wanted_tickers(conn: sqlite3.Connection, benchmark: str | None = None) -> list[str]:
    """The tickers the stored decisions and baskets need, and their benchmarks, sorted."""
    baskets = price_reads.basket_weights(conn)
    benchmark_of = benchmark_lookup(conn, benchmark)
    wanted = set(tickers_needed(decision_inputs(conn), baskets, benchmark_of))
    for members in baskets.values():
        for ticker in members:
            wanted.add(ticker)
            wanted.add(benchmark_of(ticker) or ticker)
    return sorted(wanted)


def fetch_prices(
    db: sqlite_utils.Database,
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
    tickers = wanted_tickers(db.conn, benchmark)
    report = PriceImport()
    batches: list[tuple[str, PriceBatch]] = []
    if template:
        batches.append((template, fetch_from_template(tickers, template, fetch=fetch)))
    if yahoo:
        start = since or (date.today() - timedelta(days=5 * 365)).isoformat()
        batches.append((YFINANCE_SOURCE, fetch_from_yfinance(tickers, start, download=download)))
    for name, batch in batches:
        rows = [r for r in batch.rows if not since or r.date >= since]
        report.writes.append((name, write_prices(db, rows, batch.problems, name, replace)))
    return tickers, report


def load_demo_prices(db: sqlite_utils.Database) -> PriceWrite | None:
    """Store ILLUSTRATIVE closes (:mod:`newsdesk.prices.demo`, source ``illustrative``) for every ticker
    the stored decisions need (basket legs: their members) and their benchmarks, from a month before the first article
    to :data:`DEMO_PRICES_END`. None when there are no articles."""
    first, last = price_reads.article_span(db.conn)
    if not first:
        return None
    benchmark_of = benchmark_lookup(db.conn)
    tickers = tickers_needed(decision_inputs(db.conn), price_reads.basket_weights(db.conn), benchmark_of)
    links = {t: b for t in tickers if (b := benchmark_of(t)) and b != t}
    start = date.fromisoformat(first[:10]) - timedelta(days=DEMO_DAYS_BEFORE)
    end = max(DEMO_PRICES_END, date.fromisoformat(last[:10]))
    rows = demo.illustrative_prices(tickers, start, end, links)
    return write_prices(db, rows, [], demo.SOURCE)


# -------------------------------------------------------------------------------------------- scoring


def market(conn: sqlite3.Connection, benchmark: str | None = None) -> Market:
    """Every stored close, the baskets' weights and the benchmark look-up."""
    return Market(
        PriceBook(price_reads.price_rows(conn)), price_reads.basket_weights(conn), benchmark_lookup(conn, benchmark)
    )


def market_for(conn: sqlite3.Connection, decisions: list[DecisionInput], benchmark: str | None = None) -> Market:
    """A :class:`Market` holding only the closes ``decisions`` read (e.g. one article's, for its cards)."""
    baskets = price_reads.basket_weights(conn)
    benchmark_of = benchmark_lookup(conn, benchmark)
    rows = price_reads.price_rows(conn, tickers_needed(decisions, baskets, benchmark_of))
    return Market(PriceBook(rows), baskets, benchmark_of)


def result_lines(conn: sqlite3.Connection, article_id: str) -> dict[int, str]:
    """Position -> :func:`newsdesk.scorecard.result_line` of each decision of one article."""
    inputs = decision_inputs(conn, Filters(), article_id)
    return {r.decision.position: result_line(r) for r in score_decisions(inputs, market_for(conn, inputs))}


def run_scorecard(
    conn: sqlite3.Connection,
    filters: Filters = Filters(),
    default_horizon_days: int = DEFAULT_HORIZON_DAYS,
    benchmark: str | None = None,
) -> list[DecisionResult]:
    """Every decision of the filtered articles scored by the rules of :mod:`newsdesk.scorecard`."""
    return score_decisions(decision_inputs(conn, filters), market(conn, benchmark), default_horizon_days)


def observations(conn: sqlite3.Connection, filters: Filters = Filters()) -> list[Observation]:
    """Evidence observations: each (article, company) in each of the article's categories, and each
    (article, basket holding a company it mentions) once, grouped as ``basket: <name>``."""
    rows = price_reads.evidence_rows(conn, filters)
    baskets = price_reads.basket_weights(conn)
    names = dict(zip(*(list_baskets(conn)[c] for c in ("id", "name")), strict=True))
    holders: dict[str, list[str]] = {}
    for basket, members in baskets.items():
        for ticker in members:
            holders.setdefault(ticker, []).append(basket)
    out: list[Observation] = []
    seen: set[tuple] = set()
    for r in rows.to_dict("records"):
        common = dict(
            published_at=r["published_at"],
            label=r["sentiment_label"],
            score=r["sentiment"],
            estimated=bool(r["published_estimated"] or False),
        )
        category = r["category"] if isinstance(r["category"], str) and r["category"] else UNCATEGORISED
        if (r["article_id"], category, r["ticker"]) not in seen:  # a headline without a category: one group
            seen.add((r["article_id"], category, r["ticker"]))
            out.append(Observation(group=category, ticker=r["ticker"], **common))
        for basket in holders.get(r["ticker"], ()):
            if (r["article_id"], basket) not in seen:
                seen.add((r["article_id"], basket))
                out.append(Observation(group=f"basket: {names.get(basket, basket)}", basket=basket, **common))
    return out


def run_evidence(
    conn: sqlite3.Connection, filters: Filters = Filters(), benchmark: str | None = None
) -> list[EvidenceRow]:
    """The evidence table (:func:`newsdesk.evidence.evidence`) over the filtered articles."""
    return evidence(observations(conn, filters), market(conn, benchmark))
