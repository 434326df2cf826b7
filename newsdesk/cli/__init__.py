"""The command line: ``python -m newsdesk``. Each command wraps one core function.

Exit codes: 0 ok, 1 error (an ``Error:`` line on stderr), 2 usage; ``ingest`` also 3 when an input
was read but every record in it was rejected; ``alerts check`` 4 when an alert fired.
"""

from __future__ import annotations

import json
import shutil
import sys
import time
from pathlib import Path

import click
from tqdm import tqdm

from newsdesk.config import DEFAULT_DB, ENV_DB, ROOT, resolve_db_path
from newsdesk.db import open as open_database
from newsdesk.db import schema, writes
from newsdesk.domain.filters import DEMO_CHOICES, UNCATEGORISED
from newsdesk.domain.rejections import describe, group_problems
from newsdesk.errors import NewsdeskError
from newsdesk.flows import ingest as pipeline
from newsdesk.ingest import FORMATS
from newsdesk.ingest.options import BAD_DATE_CHOICES, ReadOptions
from newsdesk.score.labels import LABELS

DB_HELP = f"SQLite database file, or a postgresql:// URL (default: ${ENV_DB}, else {DEFAULT_DB})."


def db_option(f):
    """The ``--db PATH`` option every command takes."""
    return click.option("--db", "db_path", type=click.Path(dir_okay=False), default=None, help=DB_HELP)(f)


def fail(message: str) -> None:
    """Print ``Error: message`` to stderr and exit 1."""
    click.echo(f"Error: {message}", err=True)
    sys.exit(1)


def open_db(db_path: str | None):
    """Open (creating if needed) the database the user chose."""
    path = resolve_db_path(db_path)
    try:
        return open_database(path), path
    except NewsdeskError as exc:
        fail(str(exc))
    except Exception as exc:  # the engine's error: not a database, unwritable folder...
        fail(f"cannot open database {path}: {exc}")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name=None, version=__import__("newsdesk").__version__, prog_name="newsdesk")
def cli() -> None:
    """newsdesk: ingest, score, store and export investor news."""


@cli.command()
@db_option
@click.option("--demo", is_flag=True, help="Fill the database with the illustrative demo corpus.")
def init(db_path: str | None, demo: bool) -> None:
    """Create the database (all tables, current schema)."""
    db, path = open_db(db_path)
    click.echo(f"Database {path} is ready (schema version {schema.schema_version(db)}).")
    if demo:
        report = pipeline.load_demo(db)
        click.echo(f"Demo corpus (illustrative, not real news): {report.summary()}")
        from newsdesk.db.read.prices import price_count

        click.echo(f"Illustrative prices (generated, not market data): {price_count(db):,} closes")


@cli.command()
@db_option
@click.argument("paths", nargs=-1, required=True)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="auto",
    show_default=True,
    help="Input format; auto detects it from each input.",
)
@click.option(
    "--columns",
    help="Column (CSV) or key (JSON Lines) mapping, e.g. 'title=Headline,published_at=Time'. "
    "Fields: title, published_at, url, source, summary, body, tickers, categories.",
)
@click.option(
    "--date-format",
    help="strftime pattern of the input's dates, tried before the built-in forms, e.g. '%d/%m/%Y %H:%M'.",
)
@click.option(
    "--on-bad-date",
    type=click.Choice(BAD_DATE_CHOICES),
    default="reject",
    show_default=True,
    help="A date that cannot be read: reject the record, or keep it with an estimated date (the previous "
    "readable date of the input, else the ingest time), flagged as estimated, with a warning.",
)
@click.option(
    "--source",
    help="Source name of records that name none (and of every item of a feed); else a record's link names its "
    "outlet, else the file does ('file: NAME').",
)
def ingest(
    db_path: str | None,
    paths: tuple[str, ...],
    fmt: str,
    columns: str | None,
    date_format: str | None,
    on_bad_date: str,
    source: str | None,
) -> None:
    """Ingest files or http(s) URLs: scored-article pages, JSON Lines, Alpha Vantage or NewsAPI
    JSON, JSON arrays of articles, CSV/TSV, RSS/Atom feeds (any of them may be gzipped).

    \b
    Exit codes:
      0  records were stored or found to be duplicates (or an input held none, e.g. an empty feed)
      1  an input could not be read, is not news (an HTML page, XML that is no feed, a CSV without
         a title column), or is a news API's error body (rate limit, bad key ...)
      2  usage error
      3  an input was read but every record in it was rejected
    """
    from newsdesk.ingest.csvfile import parse_mapping

    try:
        mapping = parse_mapping(columns)
    except NewsdeskError as exc:
        fail(str(exc))
    options = ReadOptions(fmt, mapping, date_format or None, on_bad_date, (source or "").strip() or None)
    db, _ = open_db(db_path)
    quiet = not sys.stderr.isatty()
    width = shutil.get_terminal_size().columns  # a fresh terminal may report 0 columns
    state: dict = {"bar": None, "name": ""}

    def progress(done: int, total: int) -> None:
        if quiet:
            return
        bar = state["bar"]
        if bar is None or bar.total != total:
            if bar is not None:
                bar.close()
            bar = state["bar"] = tqdm(
                total=total, unit="article", file=sys.stderr, leave=False, ncols=width, desc=state["name"]
            )
        bar.update(done - bar.n)

    def next_file(path) -> None:
        state["name"] = str(path)[-30:]
        if state["bar"] is not None:
            state["bar"].close()
            state["bar"] = None

    report = pipeline.ingest_paths(db, paths, fmt, on_file=next_file, on_progress=progress, options=options)
    if state["bar"] is not None:
        state["bar"].close()
    click.echo(report.summary())
    for group in group_problems(report.problems):
        click.echo(f"  rejected {describe(group)}")
    if report.problems_not_listed:
        click.echo(f"  ... and {report.problems_not_listed:,} more rejected records (all are in the problems table)")
    for warning in report.warnings:
        click.echo(f"Warning: {warning}", err=True)
    for _source, reason in report.unreadable:
        click.echo(f"Error: {reason}", err=True)
    for outcome in report.inputs:
        if outcome.all_rejected:
            click.echo(f"Error: every record of {outcome.name} was rejected ({outcome.rejected:,})", err=True)
    sys.exit(report.exit_code)


@cli.command()
@db_option
@click.argument("table", type=click.Choice(["articles", "decisions"]))
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, allow_dash=True),
    help="CSV file to write ('-' for standard output).",
)
@click.option("--topic", "topics", multiple=True, help="Only articles with this category (repeatable: any of).")
@click.option("--since", help="Only articles published on or after this day (YYYY-MM-DD).")
@click.option("--until", help="Only articles published on or before this day (YYYY-MM-DD).")
@click.option(
    "--q",
    "text",
    help='Search, as the dashboard\'s box: tariff, bank*, "exact phrase", a OR b, -word, company:TSLA, source:reuters.',
)
@click.option("--source", "sources", multiple=True, help="Only articles from this source (repeatable: any of).")
@click.option(
    "--label",
    "labels",
    multiple=True,
    type=click.Choice(LABELS),
    help="Only articles with this sentiment label (repeatable: any of).",
)
@click.option("--min-impact", type=click.FloatRange(0, 1), help="Only articles with at least this impact (0-1).")
@click.option("--company", "companies", multiple=True, help="Only articles naming this ticker (repeatable: any of).")
@click.option(
    "--basket",
    "baskets",
    multiple=True,
    help="Only articles naming a member of this basket (its id; repeatable: any of).",
)
@click.option(
    "--demo",
    type=click.Choice(DEMO_CHOICES),
    help="Show or hide the demo corpus; by default hidden once the database holds real articles, as in the dashboard.",
)
@click.option(
    "--author",
    "authors",
    multiple=True,
    help="Only analyst calls by this house, e.g. 'Goldman Sachs' (repeatable: any of).",
)
@click.option(
    "--market",
    type=click.Choice(["market", "all"]),
    default="market",
    show_default=True,
    help="Market news only (as the dashboard by default), or all articles (sport, entertainment ... too).",
)
@click.option("--first-reports", is_flag=True, help="Only the first report of each story (one row per story).")
@click.option(
    "--columns",
    type=click.Choice(["all", "human"]),
    default="all",
    show_default=True,
    help="Every stored column (articles: re-ingestable), or the dashboard's download columns: for articles "
    "published UTC, title, source, URL, sentiment, label, impact, categories, companies, decisions, link; for "
    "decisions published UTC, author, source, the decision, each leg's company and exposure, rating, price "
    "target, horizon end, status, return, excess return, title, link.",
)
@click.option("--base-url", help="The dashboard's address, for the article links of --columns human.")
def export(
    db_path,
    table,
    output,
    topics,
    since,
    until,
    text,
    sources,
    labels,
    min_impact,
    companies,
    baskets,
    demo,
    authors,
    market,
    first_reports,
    columns,
    base_url,
) -> None:
    """Export articles or decisions to CSV (UTF-8 with a byte-order mark, formula-safe), with every
    filter of the dashboard: the options build the same view as the dashboard's URL parameters
    (``?topic=…&q=…&source=…``), so a URL and a command line give the same rows (without --since and
    --until, every date; the dashboard opens on its default window). Articles are read and written in
    chunks."""
    from newsdesk.db.read import articles, decisions, options
    from newsdesk.domain.filters import from_params
    from newsdesk.flows import export as export_mod  # pandas: imported only by the commands that need it

    db, _ = open_db(db_path)
    params = {
        "topic": topics,
        "since": [since],
        "until": [until],
        "q": [text],
        "source": sources,
        "label": labels,
        "min_impact": [None if min_impact is None else str(min_impact)],
        "company": [*companies, *(f"basket:{b}" for b in baskets)],
        "demo": [demo],
        "author": authors,
        "market": [market],
        "first": ["1" if first_reports else None],
    }
    has_demo = articles.has_source(db, articles.DEMO_SOURCE)
    hide_by_default = has_demo and articles.has_other_source(db, articles.DEMO_SOURCE)
    try:
        filters = from_params(params, articles.DEMO_SOURCE, hide_by_default)
    except NewsdeskError as exc:
        fail(str(exc).replace("since ", "--since ", 1).replace("until ", "--until ", 1))
    known = set(options.categories(db)["category"])
    unknown = [t for t in topics if t not in known and t != UNCATEGORISED]  # Uncategorised: no category
    if unknown:
        fail(f"unknown topic {unknown[0]!r}; known topics: {', '.join(sorted(known)) or '(none yet)'}")
    known_sources = set(options.sources(db)["source"])
    unknown = [s for s in sources if s not in known_sources]
    if unknown:
        fail(f"unknown source {unknown[0]!r}; known sources: {', '.join(sorted(known_sources)) or '(none yet)'}")
    known_values = set(options.company_options(db)["value"])
    unknown = [v for v in filters.companies if v not in known_values]
    if unknown:
        what = "basket" if unknown[0].startswith("basket:") else "company"
        fail(
            f"unknown {what} {unknown[0].removeprefix('basket:')!r}: no article names it (see the dashboard's "
            "Company or basket filter)"
        )
    if table == "articles":
        counted = []

        def chunks():
            for df in articles.article_chunks(db, filters):
                counted.append(len(df))
                yield df

        parts = export_mod.csv_stream(chunks(), columns, base_url)
    else:
        from newsdesk.flows.prices import run_scorecard

        df = decisions.decisions(db, filters)
        counted = [len(df)]
        results = run_scorecard(db, filters) if columns == "human" else []
        parts = iter([export_mod.decisions_csv(df, columns, base_url, results)])
    if output == "-":
        for part in parts:
            sys.stdout.buffer.write(part)
        return
    try:
        with Path(output).open("wb") as out:
            for part in parts:
                out.write(part)
    except OSError as exc:
        fail(f"cannot write {output}: {exc.strerror or exc}")
    click.echo(f"Wrote {sum(counted)} {table} to {output}")


@cli.command()
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
def stats(db_path: str | None, as_json: bool) -> None:
    """Show what the database holds."""
    from newsdesk.db.read.stats import stats as db_stats

    db, path = open_db(db_path)
    s = db_stats(db)
    if as_json:
        click.echo(json.dumps({"database": str(path), **s}, indent=2))
        return
    click.echo(f"Database: {path}")
    undated = f"; {s['estimated_dates']} without a date of their own" if s["estimated_dates"] else ""
    click.echo(f"Articles: {s['articles']} ({s['first_published'] or '-'} to {s['last_published'] or '-'}{undated})")
    click.echo(f"Decisions: {s['decisions']}")
    click.echo(f"Ingest runs: {s['ingest_runs']}, problems recorded: {s['problems']}")
    if s["sentiment_labels"]:
        click.echo("Sentiment: " + ", ".join(f"{k} {v}" for k, v in s["sentiment_labels"].items()))
    if s["categories"]:
        click.echo("Categories:")
        for name, n in s["categories"].items():
            click.echo(f"  {n:5d}  {name}")


# ------------------------------------------------------------------------------------ prices, scorecard

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
        fail("say where to fetch from: --url-template URL or --yahoo")
    try:
        day = parse_day(since, "--since")
    except NewsdeskError as exc:
        fail(str(exc))
    db, _ = open_db(db_path)
    try:
        tickers, report = fetch_prices(
            db, url_template, yahoo, day.isoformat() if day else None, benchmark, replace=replace
        )
    except PriceSourceError as exc:
        fail(str(exc))
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
    from newsdesk.scorecard.rules import MIN_GROUP_N, group_results, scorecard_json

    if default_horizon < 1:
        fail("--default-horizon must be at least 1 day")
    if max_entry_lag < 0:
        fail("--max-entry-lag must be 0 or more sessions")
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
    from newsdesk.scorecard.evidence import MIN_GROUP_N, OBSERVATION_COLUMNS, evidence_json, observation_row, summarise

    if max_entry_lag < 0:
        fail("--max-entry-lag must be 0 or more sessions")
    db, _ = open_db(db_path)
    measured = run_measurements(db, by=by, benchmark=benchmark, max_lag=max_entry_lag)
    rows = summarise(measured)
    if observations_file:
        import pandas as pd

        table = pd.DataFrame([observation_row(m) for m in measured], columns=OBSERVATION_COLUMNS)
        try:
            Path(observations_file).write_bytes(csv_bytes(table))
        except OSError as exc:
            fail(f"cannot write {observations_file}: {exc.strerror or exc}")
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


def _feeds_round(db, feeds_file: str | None) -> int:
    """Fetch every feed once and print a line per feed; return how many failed."""
    from newsdesk.flows import feeds as feeds_mod

    try:
        feeds = feeds_mod.load_feeds(feeds_file or feeds_mod.DEFAULT_FEEDS)
    except NewsdeskError as exc:
        fail(str(exc))
    report = feeds_mod.fetch_feeds(db, feeds)
    for o in report.outcomes:
        if o.status == "fetched":
            click.echo(f"{o.feed.name}: {o.added} added, {o.duplicates} duplicates, {o.rejected} rejected")
        elif o.status == "not modified":
            click.echo(f"{o.feed.name}: not modified")
        else:
            click.echo(f"{o.feed.name}: failed: {o.error}", err=True)
    return len(report.failed)


@cli.command()
@db_option
@click.option("--feeds", "feeds_file", type=click.Path(dir_okay=False), help="Feeds TOML (default data/feeds.toml).")
def fetch(db_path: str | None, feeds_file: str | None) -> None:
    """Fetch every feed of the feeds file once (unchanged feeds cost one 304)."""
    db, _ = open_db(db_path)
    failed = _feeds_round(db, feeds_file)
    if failed:
        click.echo(f"Error: {failed} feed(s) failed; the others were fetched", err=True)
        sys.exit(1)


@cli.command()
@db_option
@click.option("--feeds", "feeds_file", type=click.Path(dir_okay=False), help="Feeds TOML (default data/feeds.toml).")
@click.option("--every", default="15m", show_default=True, help="Pause between rounds: 90s, 15m, 2h.")
@click.option("--rounds", type=int, default=0, help="Stop after this many rounds (0: until interrupted).")
@click.option("--alerts", "check_alerts", is_flag=True, help="Check the alert rules after every round.")
@click.option("--base-url", help="The dashboard's address, for the links in alert messages.")
def watch(
    db_path: str | None, feeds_file: str | None, every: str, rounds: int, check_alerts: bool, base_url: str | None
) -> None:
    """Fetch the feeds again and again until stopped (Ctrl-C); with --alerts, check the rules after each round."""
    import time

    from newsdesk.flows.feeds import parse_interval

    try:
        seconds = parse_interval(every)
    except NewsdeskError as exc:
        fail(str(exc))
    db, _ = open_db(db_path)
    done = 0
    try:
        while True:
            click.echo(f"-- {writes.now_iso()} round {done + 1}")
            _feeds_round(db, feeds_file)
            if check_alerts:
                from newsdesk.cli.alerts import run_check

                run_check(db, base_url)
            done += 1
            if rounds and done >= rounds:
                break
            time.sleep(seconds)
    except KeyboardInterrupt:
        click.echo("Stopped.")


@cli.command()
@db_option
@click.option("--all", "everything", is_flag=True, help="Rescore every article, not only the outdated ones.")
@click.option("--batch", "batch_size", default=500, show_default=True, help="Articles per transaction.")
def rescore(db_path: str | None, everything: bool, batch_size: int) -> None:
    """Rescore the articles whose scorer version is older than the current one."""
    from newsdesk.score.pipeline import current_version

    db, _ = open_db(db_path)
    version = current_version()
    ids = pipeline.stale_ids(db, version, everything)
    if not ids:
        click.echo(f"Nothing to rescore: every article is scored by {version}.")
        return
    with tqdm(total=len(ids), unit="article", disable=not sys.stderr.isatty(), file=sys.stderr) as bar:
        n = pipeline.rescore(db, ids, batch_size, on_batch=bar.update)
    click.echo(f"Rescored {n} articles with {version}.")


@cli.command("rebuild-daily")
@db_option
def rebuild_daily(db_path: str | None) -> None:
    """Recompute the aggregates newsdesk writes itself (the daily category table and the
    category-set totals) from the articles, e.g. after editing the database with outside SQL."""
    db, _ = open_db(db_path)
    rows, sets = writes.rebuild_aggregates(db)
    click.echo(f"Rebuilt {rows:,} daily category rows and {sets:,} category-set rows.")


@cli.command("rebuild-stories")
@db_option
def rebuild_stories(db_path: str | None) -> None:
    """Recompute every article's story from scratch (publish order, ties by id): the same articles
    always give the same stories. Ingest keeps stories up to date; this is for a changed clustering."""
    db, _ = open_db(db_path)
    n = writes.rebuild_stories(db)
    click.echo(f"Rebuilt stories: {n:,} stories.")


def benchmarks(name: str):
    """The module ``benchmarks.<name>`` (``bench`` or ``synthetic``): the benchmarks live beside the
    product in a checkout's ``benchmarks/`` folder, not in the installed package."""
    import importlib

    if (ROOT / "benchmarks" / "__init__.py").exists() and str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    try:
        return importlib.import_module(f"benchmarks.{name}")
    except ModuleNotFoundError as exc:
        if exc.name not in ("benchmarks", f"benchmarks.{name}"):
            raise
        fail(
            f"the benchmarks are not here ({ROOT / 'benchmarks'} is missing): `python -m newsdesk bench` "
            "runs from a newsdesk checkout, e.g. after `git clone` of the project"
        )


@cli.group(invoke_without_command=True)
@click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="Synthetic database to measure (made with 'bench generate'; built with --n if missing).",
)
@click.option("--n", "n", default=100_000, show_default=True, help="Articles to generate when --db is missing.")
@click.pass_context
def bench(ctx: click.Context, db_path: str | None, n: int) -> None:
    """Benchmarks, each printed beside its baseline. Without a subcommand: the scale bench."""
    if ctx.invoked_subcommand is not None:
        return
    import os

    b, synthetic = benchmarks("bench"), benchmarks("synthetic")

    path = Path(db_path or "data/bench.db")
    if not path.exists():
        click.echo(f"Generating {n:,} synthetic articles into {path} ...")
        db = open_database(path)
        t0 = time.perf_counter()
        synthetic.generate(db, n)
        db.close()
        click.echo(f"  {n:,} rows in {time.perf_counter() - t0:,.1f} s")
    size = os.path.getsize(path)
    q = b.query_bench(str(path))
    click.echo(
        f"Database {path}: {q['articles']:,} articles, {size / 1e6:,.0f} MB "
        f"({size / max(q['articles'], 1):,.0f} B/article)"
    )
    click.echo("")
    click.echo(f"{'query':42} {'ms':>9} {'floor':>22} {'ratio':>7} {'target':>14}")
    scan = q["full_scan"] * 1000
    for key, label, target in (
        ("chart_all", "chart, all categories, 3 years (weekly)", "<= 0.1x scan"),
        ("chart_quarter", "chart, 3 categories x 1 quarter", "<= 0.1x scan"),
        ("kpis_quarter", "KPIs, 3 categories x 1 quarter", ""),
        ("list_quarter", "article list, first 1,000 (filtered)", "<= 150 ms"),
        ("list_all", "article list, first 1,000 (no filter)", "<= 150 ms"),
        ("fts_top50", "full-text search, top 50", "<= 50 ms"),
    ):
        ms = q[key] * 1000
        click.echo(
            f"{label:42} {ms:9.1f} {'full scan ' + format(scan, '.1f') + ' ms':>22} {ms / scan:7.2f} {target:>14}"
        )
    click.echo("")
    r = b.ingest_bench()
    click.echo(
        f"ingest + score    {r['ingest']:9,.0f} articles/s   bare TextBlob {r['textblob']:9,.0f}/s   "
        f"ratio {r['ingest'] / r['textblob']:.2f} (target >= 0.75)"
    )
    click.echo(
        f"storage only      {r['store']:9,.0f} rows/s       raw executemany {r['raw']:9,.0f}/s   "
        f"ratio {r['store'] / r['raw']:.2f} (target >= 50,000 rows/s)"
    )
    click.echo(
        f"  floor: FTS5 indexing of the same 500-word texts alone {r['fts']:9,.0f} rows/s "
        f"(storage / FTS5 {r['store'] / r['fts']:.2f})"
    )
    click.echo(
        f"storage, headline + summary rows {r['store_short']:9,.0f} rows/s   raw executemany {r['raw_short']:9,.0f}/s"
    )
    click.echo(
        f"story clusters    {r['cluster']:9,.0f} titles/s     (the step inside storage; "
        f"{r['ingest'] / r['cluster']:.0%} of ingest + score time)"
    )
    click.echo("")
    pages = ["dashboard.py", *sorted(str(p.relative_to(ROOT)) for p in (ROOT / "pages").glob("*.py"))]
    click.echo(
        f"{'page (AppTest)':26} {'first s':>8} {'rerun s':>8} {'filter s':>9} "
        f"{'empty first/rerun s':>20} {'peak RSS MB':>12}"
    )
    for row in b.apptest_bench(str(path.resolve()), pages):
        if row.get("errors"):
            click.echo(f"{row['page']:26} error: {row['errors'][0]}")
            continue
        change = "-" if row["filter_change"] is None else f"{row['filter_change']:.3f}"
        empty = f"{row['empty']:.3f} / {row['empty_rerun']:.3f}"
        click.echo(
            f"{row['page']:26} {row['first']:8.2f} {row['rerun']:8.3f} {change:>9} {empty:>20} "
            f"{row['peak_rss_mb']:12.0f}"
        )
    click.echo(
        "targets at 1M: overview first run <= 1.5 s, cached rerun <= 0.1 s, filter change <= 0.3 s on every page; "
        "peak RSS <= 600 MB"
    )


@bench.command("generate")
@click.option("--n", "n", required=True, type=int, help="How many synthetic articles.")
@click.option("--db", "db_path", required=True, type=click.Path(dir_okay=False), help="Database to write.")
@click.option("--seed", default=7, show_default=True, help="Random seed (same seed, same corpus).")
def bench_generate(n: int, db_path: str, seed: int) -> None:
    """Write N deterministic synthetic articles (marked synthetic) into a database."""
    synthetic = benchmarks("synthetic")
    db = open_database(db_path)
    t0 = time.perf_counter()
    with tqdm(total=n, unit="article", disable=not sys.stderr.isatty(), file=sys.stderr) as bar:
        synthetic.generate(db, n, seed=seed, on_batch=bar.update)
    click.echo(f"Generated {n:,} synthetic articles into {db_path} in {time.perf_counter() - t0:,.1f} s")


@bench.command("storage")
@click.option("--n", "n", default=300, show_default=True, help="Articles per batch.")
def bench_storage(n: int) -> None:
    """Where the storage step's time goes, statement by statement, beside its FTS5 floor."""
    r = benchmarks("storage_profile").storage_profile(n)
    total = r["total"]
    click.echo(
        f"write_batch of {n} scored 500-word articles: {total * 1000:7.1f} ms ({n / total:,.0f} rows/s); "
        f"FTS5 floor {r['fts'] * 1000:.1f} ms ({n / r['fts']:,.0f} rows/s); storage / FTS5 {r['fts'] / total:.2f}"
    )
    for key, seconds in sorted(r["statements"].items(), key=lambda kv: -kv[1]):
        click.echo(f"  {seconds * 1000:7.1f} ms  {key}")
    rest = total - sum(r["statements"].values())
    click.echo(f"  {rest * 1000:7.1f} ms  Python: identity, content hash, duplicates in the batch, row mapping, totals")


@bench.command("large-jsonl")
@click.option("--mb", default=200.0, show_default=True, help="Size of the JSON Lines file to write and ingest.")
@click.option("--dir", "workdir", type=click.Path(file_okay=False), help="Where to write it (default: a temp dir).")
def bench_large_jsonl(mb: float, workdir: str | None) -> None:
    """Ingest a large JSON Lines file in a child process; print its peak RSS beside a one-record run."""
    import tempfile

    b = benchmarks("bench")
    with tempfile.TemporaryDirectory() as tmp:
        r = b.large_jsonl_bench(mb, workdir or tmp)
    click.echo(f"file            {r['file_mb']:9,.1f} MB  {r['records']:,} records")
    click.echo(
        f"ingest          {r['seconds']:9,.1f} s   {r['records'] / r['seconds']:,.0f} records/s   exit {r['exit']}"
    )
    click.echo(
        f"peak RSS        {r['rss_mb']:9,.0f} MB  one-record floor {r['floor_rss_mb']:,.0f} MB  "
        f"growth {r['rss_mb'] - r['floor_rss_mb']:,.0f} MB for a {r['file_mb']:,.0f} MB file"
    )


@bench.command("sentiment")
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder of the *_dev.tsv benchmark files (default: ../shared/benchdata).",
)
@click.option("--split", default="dev", show_default=True, help="Which split of each data set to score.")
def bench_sentiment(data_dir: Path | None, split: str) -> None:
    """Bare TextBlob and newsdesk side by side on financial sentiment benchmarks."""
    from newsdesk.score.sentiment import polarity, textblob_polarity

    bench_mod = benchmarks("bench")

    data_dir = data_dir or bench_mod.DEFAULT_BENCHDATA
    if not data_dir.exists():
        fail(f"{data_dir} does not exist: pass --data-dir with the benchmark .tsv files")
    results = bench_mod.sentiment_bench({"textblob": textblob_polarity, "newsdesk": polarity}, data_dir, split)
    if not results["newsdesk"]:
        fail(f"no *_{split}.tsv benchmark file in {data_dir}")
    header = f"{'dataset':24} {'metric':9} {'TextBlob':>9} {'newsdesk':>9} {'TB texts/s':>11} {'nd texts/s':>11}"
    click.echo(f"{header} {'speed':>6}")
    for tb, nd in zip(results["textblob"], results["newsdesk"], strict=True):
        click.echo(
            f"{nd.dataset:24} {nd.metric:9} {tb.value:9.3f} {nd.value:9.3f} {tb.texts_per_s:11,.0f} "
            f"{nd.texts_per_s:11,.0f} {nd.texts_per_s / tb.texts_per_s:5.1f}x"
        )
    click.echo(f"split: {split}; label threshold ±{bench_mod.THRESHOLD}; data: {data_dir}")


@bench.command("pipeline")
@click.option("--words", default=500, show_default=True, help="Words per article.")
def bench_pipeline(words: int) -> None:
    """The full scoring pipeline against bare TextBlob .sentiment on the same articles."""
    bench_mod = benchmarks("bench")
    r = bench_mod.pipeline_bench(words)
    click.echo(f"{r['articles']} articles of {words} words (built from the demo corpus), median of 3 passes")
    click.echo(
        f"bare TextBlob .sentiment     {r['textblob'] * 1000:8.3f} ms/article  {1 / r['textblob']:8,.0f} articles/s"
    )
    click.echo(
        f"newsdesk sentiment only      {r['sentiment'] * 1000:8.3f} ms/article  {1 / r['sentiment']:8,.0f} articles/s"
    )
    click.echo(
        f"newsdesk full pipeline       {r['pipeline'] * 1000:8.3f} ms/article  {1 / r['pipeline']:8,.0f} articles/s"
    )
    click.echo(f"pipeline / TextBlob          {r['ratio']:8.2f}x  (target <= 1.30x)")


from newsdesk.cli import alerts as alert_commands  # noqa: E402 - the command groups of their own modules


@cli.group("db")
def db_commands() -> None:
    """The database itself: copy a desk between SQLite and PostgreSQL."""


@db_commands.command("copy")
@click.argument("source")
@click.argument("destination")
def db_copy(source: str, destination: str) -> None:
    """Copy the whole desk at SOURCE into the empty database DESTINATION (a file or a postgresql:// URL),
    checked by counting every table on both sides."""
    from newsdesk.db import copy as db_copy_module

    try:
        copied = db_copy_module.copy(resolve_db_path(source), resolve_db_path(destination))
    except NewsdeskError as exc:
        fail(str(exc))
    click.echo(f"Copied {sum(copied.values()):,} rows in {len(copied)} tables; every table's count is equal.")


cli.add_command(alert_commands.alerts)
cli.add_command(alert_commands.brief)


def main() -> None:
    """Entry point of ``python -m newsdesk`` and of the ``newsdesk`` console script."""
    cli(prog_name="newsdesk" if Path(sys.argv[0]).name == "newsdesk" else "python -m newsdesk")
