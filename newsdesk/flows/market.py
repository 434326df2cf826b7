"""The market the scorecard grades against, read from the database: the stored closes (real and
illustrative apart), the baskets' weights, each ticker's benchmark, and the decisions as scorecard inputs.
:mod:`newsdesk.flows.grades` and :mod:`newsdesk.flows.prices` both read it (so neither imports the other
back)."""

from __future__ import annotations

from collections.abc import Callable

from newsdesk.db import Connection
from newsdesk.db.read import prices as price_reads
from newsdesk.db.read.articles import DEMO_SOURCE
from newsdesk.domain.filters import Filters
from newsdesk.prices.benchmarks import benchmark_for, load_benchmarks
from newsdesk.prices.series import PriceBook
from newsdesk.scorecard.rules import MAX_LAG_SESSIONS, DecisionInput, Market, tickers_needed


def benchmark_lookup(conn: Connection, override: str | None = None) -> Callable[[str], str | None]:
    """ticker -> its benchmark (``data/benchmarks.toml`` by the company's country, or ``override``);
    a benchmark is not measured against itself."""
    countries = price_reads.company_countries(conn)
    table = load_benchmarks()
    own = set(table.tickers) | ({override.strip()} if override and override.strip() else set())

    def benchmark_of(ticker: str) -> str | None:
        return None if ticker in own else benchmark_for(ticker, countries, table, override)

    return benchmark_of


def decision_inputs(
    conn: Connection, filters: Filters = Filters(), article_id: str | None = None
) -> list[DecisionInput]:
    """The filtered articles' decisions (or one article's) as scorecard inputs; those of the demo corpus
    flagged ``demo`` (only they may be graded on illustrative closes)."""
    frame = price_reads.scorecard_decisions(conn, filters, article_id)
    rows = frame.to_dict("records", into=dict)  # pandas' default mapping, keyed by column (str)
    return [DecisionInput.from_row({**row, "demo": row.get("source") == DEMO_SOURCE}) for row in rows]


def wanted_tickers(conn: Connection, benchmark: str | None = None) -> list[str]:
    """The tickers the stored decisions and baskets need, and their benchmarks, sorted."""
    baskets = price_reads.basket_weights(conn)
    benchmark_of = benchmark_lookup(conn, benchmark)
    wanted = set(tickers_needed(decision_inputs(conn), baskets, benchmark_of))
    for members in baskets.values():
        for ticker in members:
            wanted.add(ticker)
            wanted.add(benchmark_of(ticker) or ticker)
    return sorted(wanted)


def _market(
    conn: Connection, rows, baskets, benchmark_of, max_lag: int = MAX_LAG_SESSIONS, latest=None
) -> Market:
    """A :class:`Market` from ``(ticker, date, close, illustrative)`` rows: real and illustrative closes
    apart, with the latest close of each whole table (what the open-leg rule compares with; ``latest``
    when the caller has it, else read)."""
    latest_real, latest_fake = latest if latest is not None else price_reads.latest_close_by_kind(conn)
    return Market(
        PriceBook((t, d, c) for t, d, c, fake in rows if not fake), baskets, benchmark_of,
        illustrative=PriceBook((t, d, c) for t, d, c, fake in rows if fake), max_lag=max_lag,
        latest_real=latest_real, latest_illustrative=latest_fake,
    )  # fmt: skip


def market(conn: Connection, benchmark: str | None = None, max_lag: int = MAX_LAG_SESSIONS) -> Market:
    """Every stored close (real and illustrative apart), the baskets' weights and the benchmark look-up."""
    return _market(
        conn, price_reads.graded_price_rows(conn), price_reads.basket_weights(conn), benchmark_lookup(conn, benchmark),
        max_lag,
    )  # fmt: skip


def market_for(
    conn: Connection,
    decisions: list[DecisionInput],
    benchmark: str | None = None,
    max_lag: int = MAX_LAG_SESSIONS,
    latest: tuple[str | None, str | None] | None = None,
) -> Market:
    """A :class:`Market` holding only the closes ``decisions`` read (e.g. one article's, for its cards);
    ``latest``: the whole tables' latest real and illustrative closes, when the caller has them."""
    baskets = price_reads.basket_weights(conn)
    benchmark_of = benchmark_lookup(conn, benchmark)
    rows = price_reads.graded_price_rows(conn, tickers_needed(decisions, baskets, benchmark_of))
    return _market(conn, rows, baskets, benchmark_of, max_lag, latest)
