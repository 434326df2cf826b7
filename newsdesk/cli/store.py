"""The database's own commands: ``init``, ``ingest``, ``stats``, ``rescore``, ``rebuild-daily`` and
``rebuild-stories``, ``rebuild-grades``, ``rebuild-evidence``."""

from __future__ import annotations

import json
import shutil
import sys

import click
from tqdm import tqdm

from newsdesk.cli.common import cli, db_option, open_db
from newsdesk.db import schema, writes
from newsdesk.domain.rejections import describe, group_problems
from newsdesk.errors import NewsdeskError
from newsdesk.flows import ingest as pipeline
from newsdesk.ingest import registry
from newsdesk.ingest.options import BAD_DATE_CHOICES, ReadOptions


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
    type=click.Choice(registry.CHOICES),
    default=registry.AUTO,
    show_default=True,
    help=f"Input format; {registry.AUTO} detects it from each input. The formats: {registry.choices_in_words()}.",
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
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Processes in all: with 2 or more, N-1 forked workers score while this one parses and stores "
    "(see BENCHMARKS.md). The stored rows are the same with any number.",
)
def ingest(
    db_path: str | None,
    paths: tuple[str, ...],
    fmt: str,
    columns: str | None,
    date_format: str | None,
    on_bad_date: str,
    source: str | None,
    jobs: int,
) -> None:
    """Ingest files or http(s) URLs in any format --format lists (any of them may be gzipped).

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
        raise click.ClickException(str(exc)) from None
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

    report = pipeline.ingest_paths(
        db, paths, fmt, on_file=next_file, on_progress=progress, options=options, jobs=jobs
    )
    if state["bar"] is not None:
        state["bar"].close()
    _keep_grades(db)
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
    _keep_grades(db)
    click.echo(f"Rescored {n} articles with {version}.")


@cli.command("rebuild-daily")
@db_option
def rebuild_daily(db_path: str | None) -> None:
    """Recompute the aggregates newsdesk writes itself (the daily category table and the
    category-set totals) from the articles, e.g. after editing the database with outside SQL."""
    db, _ = open_db(db_path)
    rows, sets = writes.rebuild_aggregates(db)
    click.echo(f"Rebuilt {rows:,} daily category rows and {sets:,} category-set rows.")


@cli.command("rebuild-grades")
@db_option
def rebuild_grades(db_path: str | None) -> None:
    """Grade every decision again from scratch (the stored grades the scorecard, the decision cards and
    the Scorecard page read), e.g. after editing prices with outside SQL. Imports, fetches, ingests and
    rescores keep them up to date on their own."""
    from newsdesk.flows.grades import rebuild

    db, _ = open_db(db_path)
    n = rebuild(db)
    click.echo(f"Rebuilt grades: {n:,} decisions graded.")


@cli.command("rebuild-evidence")
@db_option
def rebuild_evidence(db_path: str | None) -> None:
    """Measure every evidence observation again from scratch (the stored observations ``evidence`` and the
    Scorecard's Evidence section read), e.g. after editing prices with outside SQL. Imports, fetches,
    ingests and rescores keep them up to date on their own."""
    from newsdesk.db import evidence as store
    from newsdesk.flows.evidence import rebuild
    from newsdesk.flows.grades import refresh

    db, _ = open_db(db_path)
    n = rebuild(db)
    refresh(db)  # any marks of change left by outside writes: the grades and evidence they touch
    rows = store.counts(db)["evidence_observations"]
    click.echo(f"Rebuilt evidence: {n:,} articles measured, {rows:,} observations stored.")


def _keep_grades(db) -> None:
    """Grade the decisions an ingest or rescore added (:func:`newsdesk.flows.grades.refresh`)."""
    from newsdesk.flows.grades import refresh

    refresh(db)


@cli.command("rebuild-stories")
@db_option
def rebuild_stories(db_path: str | None) -> None:
    """Recompute every article's story from scratch (publish order, ties by id): the same articles
    always give the same stories. Ingest keeps stories up to date; this is for a changed clustering."""
    db, _ = open_db(db_path)
    n = writes.rebuild_stories(db)
    click.echo(f"Rebuilt stories: {n:,} stories.")


@cli.group("db")
def db_commands() -> None:
    """The database itself: copy a desk between SQLite and PostgreSQL."""


@db_commands.command("copy")
@click.argument("source")
@click.argument("destination")
def db_copy(source: str, destination: str) -> None:
    """Copy the whole desk at SOURCE into the empty database DESTINATION (a file or a postgresql:// URL),
    checked by counting every table on both sides."""
    from newsdesk.config import resolve_db_path
    from newsdesk.db import copy as db_copy_module

    try:
        copied = db_copy_module.copy(resolve_db_path(source), resolve_db_path(destination))
    except NewsdeskError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Copied {sum(copied.values()):,} rows in {len(copied)} tables; every table's count is equal.")
