"""Feeds: ``fetch`` (one round) and ``watch`` (round after round)."""

from __future__ import annotations

import sys
import time

import click

from newsdesk.cli.common import cli, db_option, open_db
from newsdesk.db import writes
from newsdesk.errors import NewsdeskError


def _feeds_round(db, feeds_file: str | None) -> int:
    """Fetch every feed once and print a line per feed; return how many failed."""
    from newsdesk.flows import feeds as feeds_mod

    try:
        feeds = feeds_mod.load_feeds(feeds_file or feeds_mod.DEFAULT_FEEDS)
    except NewsdeskError as exc:
        raise click.ClickException(str(exc)) from None
    report = feeds_mod.fetch_feeds(db, feeds)
    if any(o.added for o in report.outcomes):
        from newsdesk.flows.grades import refresh

        refresh(db)  # grade the decisions the round added
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

    from newsdesk.flows.feeds import parse_interval

    try:
        seconds = parse_interval(every)
    except NewsdeskError as exc:
        raise click.ClickException(str(exc)) from None
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
