"""Check the alert rules: find what each active rule waits for, store each event once, deliver it.

:func:`check` is what ``newsdesk alerts check``, ``watch --alerts`` and the Alerts page run. It
(1) reads, for every active rule, the rows its kind waits for (:mod:`newsdesk.db.read.alerts`) and
turns them into events (:mod:`newsdesk.alerts.events`); (2) stores them in one transaction, where
the UNIQUE (rule, subject, kind) key keeps only the ones never fired; (3) claims every delivery due
— the new ones and the ones that failed before — and sends each through Apprise. Demo articles never
fire while the demo is hidden (that is, while the database also holds real articles).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from newsdesk.alerts import events as ev
from newsdesk.alerts.rules import ARTICLE, DECISION, GRADE, HORIZON, MOVED, SENTIMENT, Rule
from newsdesk.alerts.secrets import mask_text, mask_url
from newsdesk.db import alerts as store
from newsdesk.db.read import alerts as reads
from newsdesk.db.read.articles import DEMO_SOURCE, has_other_source
from newsdesk.db.read.decisions import article_decisions
from newsdesk.db.read.prices import basket_weights, price_count
from newsdesk.db.read.timeline import what_moved
from newsdesk.domain.cells import decode_json
from newsdesk.domain.identity import iso_utc
from newsdesk.flows import notify

log = logging.getLogger(__name__)
Sender = Callable[[str, str, str], "str | None"]


@dataclass
class Failure:
    """A delivery that failed: the rule, the URL with its secrets masked, and why (masked)."""

    rule: str
    url: str
    error: str
    attempts: int = 1


@dataclass
class CheckReport:
    """What one check did: the events it fired, how many deliveries went out, which failed."""

    fired: list[ev.Event] = field(default_factory=list)
    delivered: int = 0
    failures: list[Failure] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        """4 when an alert fired, else 1 when a delivery failed or a rule could not be checked, else 0."""
        return 4 if self.fired else 1 if self.failures or self.problems else 0

    def as_json(self) -> dict:
        return {
            "fired": [e.as_json() for e in self.fired],
            "delivered": self.delivered,
            "failed": [f.__dict__ for f in self.failures],
            "problems": self.problems,
        }


def hidden_sources(conn) -> tuple[str, ...]:
    """The demo source while the database also holds real articles (the dashboard hides it then)."""
    return (DEMO_SOURCE,) if has_other_source(conn, DEMO_SOURCE) else ()


def _today(now: datetime) -> date:
    return now.astimezone(UTC).date()


def rule_events(conn, rule: Rule, base_url: str | None, now: datetime, context: dict) -> list[ev.Event]:
    """The events ``rule`` would fire now (the database drops those it fired before)."""
    filters = rule.filters(context["hidden"])
    if rule.kind == ARTICLE:
        found = reads.new_articles(conn, rule, filters)
        return [ev.article_event(rule, r, _decisions(conn, r["id"]), base_url) for r in found]
    if rule.kind == DECISION:
        members = context.setdefault("members", _members(conn))
        found = reads.new_decisions(conn, rule, filters)
        return [
            ev.decision_event(rule, r, base_url, "New decision")
            for r in found
            if ev.leg_matches(rule, r["instruments"], members) and ev.author_matches(rule, r["author"])
        ]
    if rule.kind == SENTIMENT:
        end = reads.last_day(conn, filters)
        if end is None:
            return []
        days = reads.daily_sentiment(conn, filters, end, 400)
        return [ev.sentiment_event(rule, d, m, n, base_url) for d, m, n in ev.crossings(rule, days, rule.starts_at)]
    if rule.kind == MOVED:
        end = reads.last_day(conn, filters)
        if end is None or end.isoformat() < rule.starts_at[:10]:
            return []
        moved = what_moved(conn, filters, end)
        return ev.moved_events(rule, moved.to_dict("records"), end.isoformat(), base_url)
    if rule.kind == HORIZON:
        members = context.setdefault("members", _members(conn))
        out = []
        today = _today(now)
        first = None if not rule.starts_at else today
        for r in reads.decisions_with_horizon(conn, rule, filters, first, today + timedelta(days=rule.days)):
            end = ev.horizon_end(r["published_at"], r["horizon_min_days"], r["horizon_max_days"])
            due = ev.horizon_due(end, _today(now), rule.days, backfill=not rule.starts_at)
            if end is None or not due:
                continue
            if ev.leg_matches(rule, r["instruments"], members) and ev.author_matches(rule, r["author"]):
                out.append(ev.decision_event(rule, r, base_url, f"Horizon ends {end.isoformat()}"))
        return out
    if rule.kind == GRADE:
        return _grade_events(conn, rule, filters, base_url, context)
    return []


def _decisions(conn, article_id: str) -> list[dict]:
    return article_decisions(conn, article_id).to_dict("records")


def _members(conn) -> dict[str, set[str]]:
    return {b: set(m) for b, m in basket_weights(conn).items()}


def _grade_events(conn, rule: Rule, filters, base_url: str | None, context: dict) -> list[ev.Event]:
    """Decisions whose grade closed since the rule started (the scorecard over the stored closes)."""
    from newsdesk.flows.prices import run_scorecard  # the scorecard flow: only grade rules need it

    if not price_count(conn):  # no closes: nothing can be graded
        return []
    results = run_scorecard(conn, filters)
    closed = {
        f"{r.decision.article_id}-{r.decision.position}": r  # the stored decision id (db.writes.decision_id)
        for r in results
        if ev.closed_since(r.status, r.exit_date, rule.starts_at)
    }
    fired = reads.fired_subjects(conn, rule.id, GRADE) if rule.id is not None else set()
    wanted = [i for i in closed if i not in fired]
    rows = reads.decision_rows(conn, wanted)
    members = context.setdefault("members", _members(conn))
    out = []
    for decision_id in wanted:
        row = rows.get(decision_id)
        if row is None or not ev.leg_matches(rule, row["instruments"], members):
            continue
        result = closed[decision_id]
        excess = "" if result.excess_return is None else f", excess {result.excess_return * 100:+.1f} %"
        out.append(ev.decision_event(rule, row, base_url, f"Closed on {result.exit_date}{excess}"))
    return out


def find_events(
    db, base_url: str | None = None, now: datetime | None = None, problems: list[str] | None = None
) -> list[ev.Event]:
    """Every event the active rules would fire now; a rule that fails to evaluate becomes a line of
    ``problems`` and is skipped (one bad rule never stops the others)."""
    conn = db
    now = now or datetime.now(UTC)
    context = {"hidden": hidden_sources(conn)}
    found = []
    for rule in reads.rules(conn, active_only=True):
        try:
            found += rule_events(conn, rule, base_url, now, context)
        except Exception as exc:  # noqa: BLE001 - reported, the other rules go on
            reason = f"rule {rule.name!r} could not be checked: {mask_text(str(exc), rule.notify)}"
            log.warning(reason)
            if problems is not None:
                problems.append(reason)
    return found


def deliver(db, send: Sender = notify.send) -> tuple[int, list[Failure]]:
    """Send every delivery due (new, or failed before); return how many went out and the failures."""
    token, due = store.claim_deliveries(db)
    sent, failures = 0, []
    down: dict[str, str] = {}  # a URL that failed in this check is not tried again until the next one
    for row in due:
        event = ev.Event(
            rule=row["rule_name"],
            kind=row["kind"],
            subject=row["subject"],
            title=row["title"],
            occurred_at=row["occurred_at"] or "",
            link=row["link"] or "",
            detail=decode_json(row["detail"], {}),
        )
        title, body = ev.message(event)
        error = down[row["url"]] if row["url"] in down else send(row["url"], title, body)
        if error is not None:
            down[row["url"]] = error
            error = mask_text(error, [row["url"]])
        store.finish_delivery(db, row["id"], token, error)
        if error is None:
            sent += 1
        else:
            failures.append(Failure(row["rule_name"], mask_url(row["url"]), error, row["attempts"]))
            log.info("alert %r not delivered to %s: %s", row["rule_name"], mask_url(row["url"]), error)
    return sent, failures


def check(db, base_url: str | None = None, now: datetime | None = None, send: Sender = notify.send) -> CheckReport:
    """Check every active rule once: fire what is new (once), deliver what is due."""
    problems: list[str] = []
    events = find_events(db, base_url, now, problems)
    urls = {r.id: r.notify for r in reads.rules(db, active_only=True) if r.id is not None}
    fired = store.record_events(db, events, urls)
    sent, failures = deliver(db, send)
    log.info("alerts check: %d fired, %d sent, %d failed deliveries", len(fired), sent, len(failures))
    return CheckReport(fired, sent, failures, problems)


EXAMPLE_RULE = {
    "name": "Example: high-impact chip news",
    "kind": ARTICLE,
    "topics": ["Semiconductors & Supply Chain"],
    "min_impact": 0.7,
    "paused": True,
}


def add_example_rule(db) -> None:
    """The demo's one example rule, paused (so the Alerts page is not empty on a first start)."""
    from newsdesk.alerts.rules import make_rule, with_start

    if not reads.rules(db):  # starts from now, like every new rule: resumed, it waits for new articles
        store.add_rule(db, with_start(make_rule(EXAMPLE_RULE), iso_utc(datetime.now(UTC)), backfill=False))
