"""The ``alerts`` command group and ``brief``: rules, checks and deliveries, the morning brief.

Registered on the main command line by :mod:`newsdesk.cli`. Exit codes of ``alerts check``: 0
nothing fired, 4 at least one alert fired, 1 an error (a delivery failed and nothing new fired, or
the database could not be opened). A URL's secrets are never printed (:func:`mask_url`).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from newsdesk.alerts.rules import RuleError, make_rule, rules_from_toml, rules_to_toml, with_start
from newsdesk.alerts.secrets import mask_text, mask_url
from newsdesk.cli.common import db_option, open_db
from newsdesk.db import alerts as store
from newsdesk.db.read import alerts as reads
from newsdesk.domain.identity import iso_utc
from newsdesk.errors import NewsdeskError

BASE_URL_HELP = "The dashboard's address (e.g. http://localhost:8501), for the links in messages."


def _now() -> str:
    from datetime import UTC, datetime

    return iso_utc(datetime.now(UTC))


@click.group()
def alerts() -> None:
    """Alert rules: "tell me when ...", delivered through Apprise URLs (Slack, e-mail, json:// ...)."""


@alerts.command("add")
@db_option
@click.argument("name")
@click.option("--company", "companies", multiple=True, help="Ticker (repeatable: any of).")
@click.option("--basket", "baskets", multiple=True, help="Basket id (repeatable: any of).")
@click.option("--topic", "topics", multiple=True, help="Category (repeatable: any of).")
@click.option("--source", "sources", multiple=True, help="Source (repeatable: any of).")
@click.option("--q", "text", default="", help="Words that must all appear (full-text search).")
@click.option("--label", "labels", multiple=True, help="Sentiment label, e.g. bearish (repeatable).")
@click.option("--min-impact", type=float, help="Minimum impact, 0-1 (e.g. 0.7).")
@click.option("--new-decision", is_flag=True, help="Fire on new decisions (legs on --company/--basket).")
@click.option("--author", default="", help="With --new-decision: only decisions by this author.")
@click.option("--sentiment-below", "below", type=float, help="Fire when the window's mean sentiment falls to X.")
@click.option("--sentiment-above", "above", type=float, help="Fire when the window's mean sentiment rises to X.")
@click.option("--window", "window_days", type=int, default=7, show_default=True, help="Sentiment window (days).")
@click.option("--moved-z", "z", type=float, help="Fire when a category's What moved |z| reaches Z.")
@click.option("--horizon-within", "days", type=int, help="Fire when a decision's horizon ends within N days.")
@click.option("--closed", is_flag=True, help="Fire when a decision's grade turns from open to closed.")
@click.option("--notify", multiple=True, help="Apprise URL to send to (repeatable), e.g. json://host/hook.")
@click.option("--backfill", is_flag=True, help="Fire for what is already stored too (default: from now on).")
@click.option("--paused", is_flag=True, help="Store the rule paused.")
def alerts_add(db_path, name, new_decision, closed, backfill, z, days, **conditions) -> None:
    """Add a rule NAME. Without a kind option it fires on each new article matching the conditions."""
    kinds = [
        k
        for k, on in (
            ("decision", new_decision),
            ("sentiment", conditions["below"] is not None or conditions["above"] is not None),
            ("moved", z is not None),
            ("horizon", days is not None),
            ("grade", closed),
        )
        if on
    ]
    if len(kinds) > 1:
        raise click.UsageError(f"choose one kind of event, not {' and '.join(kinds)}")
    data = {k: v for k, v in conditions.items() if v not in ((), "", None)}
    data.update(name=name, kind=kinds[0] if kinds else "article")
    if z is not None:
        data["z"] = z
    if days is not None:
        data["days"] = days
    try:
        rule = with_start(make_rule(data), _now(), backfill)
        db = open_db(db_path)[0]
        store.add_rule(db, rule)
    except NewsdeskError as exc:
        raise click.ClickException(str(exc)) from None
    start = "from all stored history" if backfill else "from now on"
    click.echo(f"Added rule {rule.name!r} ({rule.describe()}), watching {start}.")
    for url in rule.notify:
        click.echo(f"  notify {mask_url(url)}")
    if not rule.notify:
        click.echo("  no --notify URL: events are kept in the database (alerts check --json, the Alerts page).")


@alerts.command("list")
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print the rules as JSON (URLs masked).")
def alerts_list(db_path, as_json) -> None:
    """List the rules (notification URLs masked)."""
    db = open_db(db_path)[0]
    found, stats = reads.rules(db), reads.rule_stats(db)
    if as_json:
        out = [
            {
                "name": r.name,
                "kind": r.kind,
                "paused": r.paused,
                "conditions": r.conditions(),
                "notify": [mask_url(u) for u in r.notify],
                "starts_at": r.starts_at,
                **stats.get(r.id or 0, {"fired": 0, "last_fired": None}),
            }
            for r in found
        ]
        click.echo(json.dumps(out, indent=2))
        return
    if not found:
        click.echo("No alert rules. Add one: newsdesk alerts add NAME --company NVDA --notify json://host/hook")
        return
    for r in found:
        s = stats.get(r.id or 0, {"fired": 0, "last_fired": None})
        state = "paused" if r.paused else "active"
        click.echo(f"{r.name}  [{state}]  {r.describe()}  fired {s['fired']}")
        for url in r.notify:
            click.echo(f"    notify {mask_url(url)}")


@alerts.command("remove")
@db_option
@click.argument("name")
def alerts_remove(db_path, name) -> None:
    """Remove the rule NAME with its fired events."""
    if not store.remove_rule(open_db(db_path)[0], name):
        raise click.ClickException(f"no rule named {name!r} (see: newsdesk alerts list)")
    click.echo(f"Removed rule {name!r}.")


def _pause(db_path, name: str, paused: bool) -> None:
    if not store.set_paused(open_db(db_path)[0], name, paused):
        raise click.ClickException(f"no rule named {name!r} (see: newsdesk alerts list)")
    click.echo(f"{'Paused' if paused else 'Resumed'} rule {name!r}.")


@alerts.command("pause")
@db_option
@click.argument("name")
def alerts_pause(db_path, name) -> None:
    """Pause the rule NAME (it fires nothing until resumed)."""
    _pause(db_path, name, True)


@alerts.command("resume")
@db_option
@click.argument("name")
def alerts_resume(db_path, name) -> None:
    """Resume the rule NAME (what arrived while it was paused fires on the next check)."""
    _pause(db_path, name, False)


@alerts.command("export")
@db_option
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
def alerts_export(db_path, file) -> None:
    """Write every rule to a TOML file (readable by the owner only: the URLs hold their secrets)."""
    text = rules_to_toml(reads.rules(open_db(db_path)[0]))
    if file == "-":
        raise click.UsageError("export writes a file (the URLs hold secrets); name one, e.g. rules.toml")
    try:
        fd = os.open(file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
    except OSError as exc:
        raise click.ClickException(f"cannot write {file}: {exc.strerror or exc}") from None
    click.echo(f"Wrote {text.count('[[rule]]')} rules to {file}.")


@alerts.command("import")
@db_option
@click.argument("file", type=click.Path(dir_okay=False, exists=True))
@click.option("--backfill", is_flag=True, help="Imported rules fire for what is already stored too.")
def alerts_import(db_path, file, backfill) -> None:
    """Add the rules of a TOML file (``[[rule]]`` tables); a rule whose name exists is skipped. Each
    starts from now (a ``starts_at`` in the file is ignored) unless --backfill."""
    try:
        text = Path(file).read_text("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise click.ClickException(f"cannot read {file}: {exc}") from None
    found, problems = rules_from_toml(text)
    db = open_db(db_path)[0]
    added = 0
    for rule in found:
        try:
            store.add_rule(db, with_start(rule, _now(), backfill))  # a new rule here: from now, or --backfill
            added += 1
        except RuleError as exc:
            problems.append(f"{rule.name!r}: {exc}")
    click.echo(f"Imported {added} rules from {file}.")
    for p in problems:
        click.echo(f"  skipped {p}", err=True)
    if problems and not added:
        sys.exit(1)


def run_check(db, base_url: str | None, as_json: bool = False) -> int:
    """Check the rules once, print what fired and what failed; return the exit code."""
    from newsdesk.flows.alerts import check

    report = check(db, base_url=base_url)
    if as_json:
        click.echo(json.dumps(report.as_json(), indent=2, default=str))
    else:
        click.echo(f"{len(report.fired)} alert(s) fired, {report.delivered} notification(s) sent.")
        for e in report.fired:
            click.echo(f"  [{e.rule}] {e.title}" + (f"  {e.link}" if e.link else ""))
    for problem in report.problems:
        click.echo(f"Error: {problem}", err=True)
    for f in report.failures:
        click.echo(
            f"Error: rule {f.rule!r}: delivery to {f.url} failed ({f.error}); it is retried on the next check",
            err=True,
        )
    return report.exit_code


@alerts.command("check")
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print the fired events and failed deliveries as JSON.")
@click.option("--base-url", help=BASE_URL_HELP)
def alerts_check(db_path, as_json, base_url) -> None:
    """Check every active rule once and deliver what fired (and what failed before).

    \b
    Exit codes:
      0  nothing fired
      4  at least one alert fired
      1  an error (a delivery failed and nothing new fired; the database could not be opened)
    """
    db = open_db(db_path)[0]
    try:
        code = run_check(db, base_url, as_json)
    except NewsdeskError as exc:
        raise click.ClickException(mask_text(str(exc), [])) from None
    sys.exit(code)


@click.command()
@db_option
@click.option("--since", default="24h", show_default=True, help="The window: 24h, 3d, 1w, or a day YYYY-MM-DD.")
@click.option("--html", "html_file", type=click.Path(dir_okay=False), help="Write the brief as one offline HTML file.")
@click.option("--md", "md_file", type=click.Path(dir_okay=False), help="Write the brief as Markdown.")
@click.option("--base-url", help=BASE_URL_HELP)
def brief(db_path, since, html_file, md_file, base_url) -> None:
    """The morning brief: KPIs and their change, What moved, top stories, new decisions, horizons
    ending within 7 days, scorecard movers, alerts fired. Prints Markdown unless --html/--md."""
    from newsdesk.flows.brief import build_brief, parse_window
    from newsdesk.flows.brief_render import to_html, to_markdown

    try:
        window = parse_window(since)
    except NewsdeskError as exc:
        raise click.UsageError(str(exc)) from None
    db = open_db(db_path)[0]
    data = build_brief(db, window, base_url=base_url)
    written = []
    for file, render in ((html_file, to_html), (md_file, to_markdown)):
        if not file:
            continue
        try:
            Path(file).write_text(render(data), encoding="utf-8")
        except OSError as exc:
            raise click.ClickException(f"cannot write {file}: {exc.strerror or exc}") from None
        written.append(file)
    if written:
        click.echo(f"Wrote the brief ({data.title}) to {', '.join(written)}.")
    else:
        click.echo(to_markdown(data))
