"""``export articles|decisions``: a view of the database as CSV."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from newsdesk.cli.common import cli, db_option, open_db
from newsdesk.domain.filters import DEMO_CHOICES, UNCATEGORISED
from newsdesk.errors import NewsdeskError
from newsdesk.score.labels import LABELS


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
    "--per-story",
    is_flag=True,
    help="One row per story of the view (its earliest article in view), as the dashboard's ?per=story; "
    "--columns human adds outlets and story size.",
)
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
    per_story,
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
        "per": ["story" if per_story else None],
    }
    has_demo = articles.has_source(db, articles.DEMO_SOURCE)
    hide_by_default = has_demo and articles.has_other_source(db, articles.DEMO_SOURCE)
    try:
        filters = from_params(params, articles.DEMO_SOURCE, hide_by_default)
    except NewsdeskError as exc:
        raise click.ClickException(str(exc).replace("since ", "--since ", 1).replace("until ", "--until ", 1)) from None
    known = set(options.categories(db)["category"])
    unknown = [t for t in topics if t not in known and t != UNCATEGORISED]  # Uncategorised: no category
    if unknown:
        known_text = ", ".join(sorted(known)) or "(none yet)"
        raise click.ClickException(f"unknown topic {unknown[0]!r}; known topics: {known_text}")
    known_sources = set(options.sources(db)["source"])
    unknown = [s for s in sources if s not in known_sources]
    if unknown:
        known_text = ", ".join(sorted(known_sources)) or "(none yet)"
        raise click.ClickException(f"unknown source {unknown[0]!r}; known sources: {known_text}")
    known_values = set(options.company_options(db)["value"])
    unknown = [v for v in filters.companies if v not in known_values]
    if unknown:
        what = "basket" if unknown[0].startswith("basket:") else "company"
        raise click.ClickException(
            f"unknown {what} {unknown[0].removeprefix('basket:')!r}: no article names it (see the dashboard's "
            "Company or basket filter)"
        )
    if table == "articles":
        counted = []

        def chunks():
            for df in articles.article_chunks(db, filters):
                counted.append(len(df))
                yield df

        parts = export_mod.csv_stream(chunks(), columns, base_url, filters.per_story)
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
        raise click.ClickException(f"cannot write {output}: {exc.strerror or exc}") from None
    click.echo(f"Wrote {sum(counted)} {table} to {output}")
