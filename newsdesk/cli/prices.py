"""Closes and what they say: the ``prices`` group (``import``, ``fetch``), ``scorecard`` and
``evidence``."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from newsdesk.cli.common import cli, db_option, open_db
from newsdesk.domain.rejections import describe, group_problems
from newsdesk.errors import NewsdeskError

PRICE_FORMATS = ("auto", "long", "wide", "yahoo", "stooq", "stooq-raw", "yfinance")


def _price_report(report, again: str) -> None:
    """Print a price import or fetch: the summary, how each input was read, the rejected rows grouped by
    reason (as ``ingest`` prints them), illustrative closes replaced, splices (``again`` says how to
    replace the stored series), each unreadable input; exit with its code."""
    from newsdesk.domain.models import Problem

    click.echo(report.summary())
    for name, note in report.notes:
        click.echo(f"  {Path(name).name}: {note}")
    for name, write in report.writes:
        shown = [Problem(p.source, f"{Path(name).name} {p.locator}", p.reason, p.raw) for p in write.problems]
        for group in group_problems(shown):
            click.echo(f"  rejected {describe(group)}")
    if report.illustrative_replaced:
        n = report.illustrative_replaced
        click.echo(f"Replaced {n:,} illustrative close{'s' if n != 1 else ''} by real ones (same ticker and date).")
    for name, write in report.writes:
        if write.replaced:
            click.echo(f"--replace: removed {write.replaced:,} stored closes of {Path(name).name}'s tickers first.")
        for splice in write.splices:
            click.echo(
                f"Warning: {splice.describe()}. Kept the stored closes and left out all {splice.held_back:,} new "
                f"{splice.ticker} closes (two adjustments in one series make a false step); to replace "
                f"{splice.ticker}'s whole stored series by these: {again}",
                err=True,
            )
    for _name, reason in report.unreadable:
        click.echo(f"Error: {reason}", err=True)
    for name, write in report.writes:
        if write.rejected and not (write.added + write.duplicates):
            click.echo(f"Error: every row of {name} was rejected ({write.rejected:,})", err=True)
    sys.exit(report.exit_code)


@cli.group()
def prices() -> None:
    """Daily closes for the scorecard: import files, fetch from the web."""


@prices.command("import")
@db_option
@click.argument("paths", nargs=-1, required=True)
@click.option(
    "--ticker",
    help="Ticker of one-ticker files (default: from the file name: AAPL.csv, AAPL_data.csv, "
    "AAPL_historical_data.csv, aapl.us.txt -> AAPL).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(PRICE_FORMATS),
    default="auto",
    show_default=True,
    help="File layout; auto detects it from the header.",
)
@click.option(
    "--date-format",
    help="strftime pattern of the file's dates, tried before the built-in forms, e.g. '%m/%d/%Y' "
    "(without it, numeric day/month dates take the order any row of the file settles, e.g. 12/15/1980).",
)
@click.option(
    "--replace",
    is_flag=True,
    help="Replace each ticker's stored closes by the file's (its whole series; illustrative closes "
    "are always replaced by real ones on the same dates).",
)
def prices_import(
    db_path: str | None, paths: tuple[str, ...], ticker: str | None, fmt: str, date_format: str | None, replace: bool
) -> None:
    """Import price files: long (date,ticker,close or a Name/symbol column), wide (date + a column per
    ticker), Yahoo, Stooq or yfinance downloads. A (ticker, date) already stored keeps its close, so
    importing a file again adds 0. When closes differ from the stored ones by more than 0.5 % (a split
    or dividend adjustment), a warning names the ticker, whose stored series is kept and whose new
    closes are held back until --replace.

    \b
    Exit codes: 0 ok, 1 a file could not be read, 3 every row of a file was rejected.
    """
    from newsdesk.flows.prices import import_price_files

    db, _ = open_db(db_path)
    report = import_price_files(db, paths, ticker=ticker, fmt=fmt, date_format=date_format or None, replace=replace)
    _price_report(report, "newsdesk prices import --replace " + " ".join(paths))


@prices.command("fetch")
@db_option
@click.option("--url-template", help="CSV URL with {ticker} where the ticker goes, e.g. https://host/{ticker}.csv")
@click.option("--yahoo", is_flag=True, help="Fetch from Yahoo Finance (needs the optional yfinance package).")
@click.option("--since", help="Only closes on or after this day (YYYY-MM-DD; Yahoo default: 5 years back).")
@click.option("--benchmark", help="Fetch this benchmark instead of the per-market ones of data/benchmarks.toml.")
@click.option(
    "--replace",
    is_flag=True,
    help="Replace each fetched ticker's whole stored series by the fetched closes (with --since, the stored "
    "closes before that day go too).",
)
def prices_fetch(
    db_path: str | None,
    url_template: str | None,
    yahoo: bool,
    since: str | None,
    benchmark: str | None,
    replace: bool,
) -> None:
    """Fetch the closes of the tickers the stored decisions and baskets need, and their benchmarks.

    \b
    Exit codes: 0 ok, 1 nothing to fetch from or the source failed, 3 nothing usable came back.
    """
    from newsdesk.domain.filters import parse_day
    from newsdesk.flows.prices import fetch_prices
    from newsdesk.prices import PriceSourceError

    if not url_template and not yahoo:
        raise click.ClickException("say where to fetch from: --url-template URL or --yahoo")
    try:
        day = parse_day(since, "--since")
    except NewsdeskError as exc:
        raise click.ClickException(str(exc)) from None
    db, _ = open_db(db_path)
    try:
        tickers, report = fetch_prices(
            db, url_template, yahoo, day.isoformat() if day else None, benchmark, replace=replace
        )
    except PriceSourceError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Fetching {len(tickers)} tickers.")
    _price_report(report, "run this prices fetch again with --replace")


def _fmt_pct(value: float | None, digits: int = 1) -> str:
    return "-" if value is None else f"{value * 100:+.{digits}f} %"


@cli.command()
@db_option
@click.option(
    "--by",
    type=click.Choice(["source", "category", "action", "exposure", "horizon", "author", "all"]),
    default="source",
    show_default=True,
    help="Group the decisions by this.",
)
@click.option("--json", "as_json", is_flag=True, help="Print every decision and group as JSON.")
@click.option("--default-horizon", default=90, show_default=True, help="Days held when a decision states none.")
@click.option("--benchmark", help="Measure every leg against this ticker instead of its market's benchmark.")
@click.option("--closed-only", is_flag=True, help="Leave open decisions out of the groups.")
@click.option("--author", "authors", multiple=True, help="Only analyst calls by this house (repeatable: any of).")
@click.option(
    "--max-entry-lag",
    default=5,
    show_default=True,
    help="Sessions a first close (or a benchmark's close) may come after the one the rules ask for.",
)
def scorecard(
    db_path: str | None,
    by: str,
    as_json: bool,
    default_horizon: int,
    benchmark: str | None,
    closed_only: bool,
    authors: tuple[str, ...],
    max_entry_lag: int,
) -> None:
    """Did the decisions work? Each decision's return against its benchmark from the first close at or
    after publication (in the exchange's sessions) to its horizon (README, "Scorecard rules"), grouped
    with n, success rate, mean excess return, t and a 95 % interval."""
    from newsdesk.db.read.prices import price_count
    from newsdesk.flows.prices import run_scorecard
    from newsdesk.scorecard.groups import group_results, scorecard_json
    from newsdesk.scorecard.rules import MIN_GROUP_N

    if default_horizon < 1:
        raise click.ClickException("--default-horizon must be at least 1 day")
    if max_entry_lag < 0:
        raise click.ClickException("--max-entry-lag must be 0 or more sessions")
    db, _ = open_db(db_path)
    from newsdesk.domain.filters import Filters

    filters = Filters(author=tuple(authors))
    results = run_scorecard(
        db, filters, default_horizon_days=default_horizon, benchmark=benchmark, max_lag=max_entry_lag
    )
    groups = group_results(results, None if by == "all" else by, include_open=not closed_only)
    if as_json:
        click.echo(json.dumps(scorecard_json(results, groups), indent=2))
        return
    scored = [r for r in results if r.scored]
    opened = sum(1 for r in scored if r.status == "open")
    click.echo(
        f"{len(results)} decisions: {len(scored) - opened} closed, {opened} open, {len(results) - len(scored)} "
        f"not scored{' (open ones left out of the groups)' if closed_only else ''}."
    )
    fake = sum(1 for r in results if r.illustrative)
    if fake:
        click.echo(f"{fake} of them on ILLUSTRATIVE closes (demo articles on generated prices, not market data).")
    if not groups:
        if not results:
            click.echo("No decisions to grade.")
        elif not price_count(db):
            click.echo("No decision could be scored: import prices first (newsdesk prices import / fetch).")
        else:
            click.echo("No decision could be scored. Why, by decision: newsdesk scorecard --json (\"reason\").")
        return
    width = max(len(by), *(len(g.key) for g in groups))
    click.echo(f"{by:<{width}}  {'n':>4}  {'success':>7}  {'mean excess':>11}  {'t':>6}  95 % interval")
    for g in groups:
        interval = "-" if g.ci_low is None else f"{_fmt_pct(g.ci_low)} .. {_fmt_pct(g.ci_high)}"
        t = "-" if g.t_stat is None else f"{g.t_stat:+.2f}"
        rate = "-" if g.success_rate is None else f"{g.success_rate * 100:.0f} %"
        mark = "  too few" if g.too_few else ""
        click.echo(
            f"{g.key:<{width}}  {g.n:>4}  {rate:>7}  {_fmt_pct(g.mean_excess_return):>11}  {t:>6}  {interval}{mark}"
        )
    if any(g.too_few for g in groups):
        click.echo(f"'too few': fewer than {MIN_GROUP_N} decisions, too few to tell skill from luck.")


@cli.command()
@db_option
@click.option(
    "--by",
    type=click.Choice(["all", "category", "basket", "source"]),
    default="all",
    show_default=True,
    help="Group the observations by this.",
)
@click.option("--benchmark", help="Measure every ticker against this ticker instead of its market's benchmark.")
@click.option("--json", "as_json", is_flag=True, help="Print the rows as JSON.")
@click.option("--observations", "observations_file", type=click.Path(dir_okay=False),
              help="Write one row per observation and window to this CSV.")  # fmt: skip
@click.option("--max-entry-lag", default=5, show_default=True, help="Sessions a close may come late (as scorecard).")
def evidence(
    db_path: str | None,
    by: str,
    benchmark: str | None,
    as_json: bool,
    observations_file: str | None,
    max_entry_lag: int,
) -> None:
    """What prices did around bullish and bearish articles, benchmark-relative: the reaction (day0: the
    last close before publication to the first at or after it) and the drift (1d, 5d, 20d sessions from
    that close), with n, mean, t and a 95 % interval (README, "Evidence")."""
    from newsdesk.flows.export import csv_bytes
    from newsdesk.flows.prices import run_measurements
    from newsdesk.scorecard.evidence import OBSERVATION_COLUMNS, evidence_json, observation_row, summarise
    from newsdesk.scorecard.rules import MIN_GROUP_N

    if max_entry_lag < 0:
        raise click.ClickException("--max-entry-lag must be 0 or more sessions")
    db, _ = open_db(db_path)
    measured = run_measurements(db, by=by, benchmark=benchmark, max_lag=max_entry_lag)
    rows = summarise(measured)
    if observations_file:
        import pandas as pd

        table = pd.DataFrame([observation_row(m) for m in measured], columns=OBSERVATION_COLUMNS)
        try:
            Path(observations_file).write_bytes(csv_bytes(table))
        except OSError as exc:
            raise click.ClickException(f"cannot write {observations_file}: {exc.strerror or exc}") from None
    if as_json:
        click.echo(json.dumps(evidence_json(rows), indent=2))
        return
    fake = sum(1 for m in measured if m.illustrative)
    click.echo(f"{len(measured)} observations (article and ticker over one window)"
               + (f", {fake} on ILLUSTRATIVE closes" if fake else "") + ".")  # fmt: skip
    if observations_file:
        click.echo(f"Wrote {len(measured)} observations to {observations_file}")
    if not rows:
        click.echo("No bullish or bearish article has prices around it within the staleness bound.")
        return
    head = "group" if by == "all" else by
    width = max(len(head), *(len(r.group) for r in rows))
    click.echo(f"{head:<{width}}  {'tone':<7}  {'window':<6}  {'n':>5}  {'mean':>8}  {'t':>6}  95 % interval")
    for r in rows:
        interval = "-" if r.ci_low is None else f"{_fmt_pct(r.ci_low, 2)} .. {_fmt_pct(r.ci_high, 2)}"
        t = "-" if r.t_stat is None else f"{r.t_stat:+.2f}"
        mark = "  too few" if r.too_few else ""
        click.echo(f"{r.group:<{width}}  {r.tone:<7}  {r.window:<6}  {r.n:>5}  "
                   f"{_fmt_pct(r.mean_excess_return, 2):>8}  {t:>6}  {interval}{mark}")  # fmt: skip
    click.echo("day0: the reaction (last close before publication -> first close at or after it); 1d/5d/20d: the "
               "drift from that close. Each minus its benchmark over the same dates.")  # fmt: skip
    if any(r.too_few for r in rows):
        click.echo(f"'too few': fewer than {MIN_GROUP_N} observations.")
