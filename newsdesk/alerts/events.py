"""When a rule fires, and the :class:`Event` (and message) it makes. Pure functions over rows.

Each event has a key — (rule, ``subject``, ``kind``) — that the database keeps unique, so an event
fires once however often or however concurrently the rules are checked. The subject is the article
id (``article``), the decision id (``decision``, ``horizon``, ``grade``), the day a sentiment window
crossed its threshold (``sentiment``) or the category and window end of a move (``moved``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from urllib.parse import quote, urlencode

from newsdesk.alerts.rules import Rule
from newsdesk.domain.legs import exposure_text


@dataclass
class Event:
    """One fired alert: which rule, what kind, about what (``subject``), a title, when it happened
    (``occurred_at``: the article's publish time, the crossing day ...), a dashboard link, and the
    details a message shows (source, sentiment, impact, decision legs ...)."""

    rule: str
    kind: str
    subject: str
    title: str
    occurred_at: str = ""
    link: str = ""
    article_id: str | None = None
    decision_id: str | None = None
    detail: dict = field(default_factory=dict)
    rule_id: int | None = None

    def as_json(self) -> dict:
        """The event as plain JSON (no ids of the database)."""
        return {
            "rule": self.rule,
            "kind": self.kind,
            "subject": self.subject,
            "title": self.title,
            "occurred_at": self.occurred_at,
            "link": self.link,
            "article_id": self.article_id,
            "decision_id": self.decision_id,
            **self.detail,
        }


def article_link(base_url: str | None, article_id: str) -> str:
    """The article's page in the dashboard (``{base}/Article?id=…``); '' without a base URL."""
    base = (base_url or "").rstrip("/")
    return f"{base}/Article?id={quote(str(article_id))}" if base else ""


def view_link(base_url: str | None, rule: Rule) -> str:
    """The Overview filtered like the rule (topics and companies in the URL); '' without a base URL."""
    base = (base_url or "").rstrip("/")
    if not base:
        return ""
    params = [("topic", t) for t in rule.topics] + [("company", c) for c in rule.filters().companies]
    return f"{base}/" + (f"?{urlencode(params)}" if params else "")


def _legs(decisions: list[dict]) -> list[str]:
    """``long NVDA; short SOXX`` per decision that has legs."""
    return [text for d in decisions if (text := exposure_text(d.get("instruments")))]


def article_event(rule: Rule, row: dict, decisions: list[dict], base_url: str | None = None) -> Event:
    """The event of a new article matching an ``article`` rule (``row``: the article's columns, with
    ``story``, its story's id, as the subject: one event per story however many outlets carry it;
    ``decisions``: its decisions with decoded ``instruments``)."""
    return Event(
        rule=rule.name,
        rule_id=rule.id,
        kind=rule.kind,
        subject=str(row.get("story") or row["id"]),
        title=str(row.get("title") or ""),
        occurred_at=str(row.get("published_at") or ""),
        link=article_link(base_url, row["id"]),
        article_id=str(row["id"]),
        detail=_article_detail(row, _legs(decisions)),
    )


def _article_detail(row: dict, legs: list[str]) -> dict:
    return {
        "source": row.get("source"),
        "published_at": row.get("published_at"),
        "sentiment": _round(row.get("sentiment")),
        "label": row.get("sentiment_label"),
        "impact": _round(row.get("impact")),
        "legs": legs,
    }


def _short(text, most: int = 90) -> str:
    text = " ".join(str(text or "").split())
    return text if len(text) <= most else text[: most - 1] + "…"


def _round(value, digits: int = 3):
    return None if value is None else round(float(value), digits)


def leg_matches(rule: Rule, legs: list, members: dict[str, set[str]]) -> bool:
    """True when a decision's ``legs`` trade what the rule names: a leg on one of its companies, a
    leg on one of its baskets or on a member of one (``members``: basket id -> tickers). A rule
    naming neither matches every decision."""
    if not (rule.companies or rule.baskets):
        return True
    wanted = set(rule.companies)
    in_baskets = set().union(*(members.get(b, set()) for b in rule.baskets)) if rule.baskets else set()
    for leg in legs if isinstance(legs, list) else []:
        if not isinstance(leg, dict):
            continue
        ticker = str(leg.get("ticker") or "").upper()
        if ticker and (ticker in wanted or ticker in in_baskets):
            return True
        if leg.get("basket") and leg["basket"] in rule.baskets:
            return True
    return False


def author_matches(rule: Rule, author: str | None) -> bool:
    """True when the rule names no author, or the decision's author is that one (any case)."""
    return not rule.author or (author or "").strip().casefold() == rule.author.casefold()


def decision_event(rule: Rule, row: dict, base_url: str | None = None, what: str = "") -> Event:
    """The event of one decision (``row``: the decision's columns, decoded ``instruments``, and its
    article's ``title``, ``source``, ``published_at``, ``sentiment``, ``impact``)."""
    legs = _legs([row])
    detail = _article_detail(row, legs)
    detail["decision"] = str(row.get("text") or "")
    if row.get("author"):
        detail["author"] = row["author"]
    if what:
        detail["what"] = what
    return Event(
        rule=rule.name,
        rule_id=rule.id,
        kind=rule.kind,
        subject=str(row["id"]),
        title=f"{row.get('title') or ''} — {_short(row.get('text'))}",
        occurred_at=str(row.get("published_at") or ""),
        link=article_link(base_url, row["article_id"]),
        article_id=str(row["article_id"]),
        decision_id=str(row["id"]),
        detail=detail,
    )


# ------------------------------------------------------------------ sentiment crossing a threshold


def window_means(days: list[tuple[str, int, float]], window: int) -> list[tuple[str, float | None, int]]:
    """For each calendar day from the first to the last of ``days`` (``(day, n, sentiment_sum)``,
    ISO days), the mean sentiment of the articles of the ``window`` days ending that day, and their
    count (None: no article in the window)."""
    if not days:
        return []
    by_day = {date.fromisoformat(d[:10]): (n, s) for d, n, s in days}
    first, last = min(by_day), max(by_day)
    out, n_sum, s_sum = [], 0, 0.0
    day = first
    while day <= last:
        n, s = by_day.get(day, (0, 0.0))
        n_sum, s_sum = n_sum + n, s_sum + s
        gone = by_day.get(day - timedelta(days=window))
        if gone:
            n_sum, s_sum = n_sum - gone[0], s_sum - gone[1]
        out.append((day.isoformat(), s_sum / n_sum if n_sum else None, n_sum))
        day += timedelta(days=1)
    return out


def beyond(mean: float | None, below: float | None, above: float | None) -> bool:
    """True when ``mean`` is at or below ``below``, or at or above ``above``."""
    if mean is None:
        return False
    return (below is not None and mean <= below) or (above is not None and mean >= above)


def crossings(rule: Rule, days: list[tuple[str, int, float]], start_day: str = "") -> list[tuple[str, float, int]]:
    """The days (on or after ``start_day``) on which the rule's window mean crossed its threshold:
    beyond it that day and not the day before (a first day already beyond counts as a crossing).
    Returns ``(day, mean, articles)``."""
    out, before = [], False
    for day, mean, n in window_means(days, rule.window_days):
        now = beyond(mean, rule.below, rule.above)
        if now and not before and day >= start_day[:10] and mean is not None:
            out.append((day, round(mean, 3), n))
        before = now
    return out


def sentiment_event(rule: Rule, day: str, mean: float, n: int, base_url: str | None = None) -> Event:
    """The event of a sentiment window crossing the rule's threshold on ``day``."""
    watched = ", ".join([*rule.companies, *(f"basket {b}" for b in rule.baskets), *rule.topics])
    side = (
        f"at or below {rule.below:+.2f}"
        if rule.below is not None and mean <= rule.below
        else (f"at or above {rule.above:+.2f}")
    )
    return Event(
        rule=rule.name,
        rule_id=rule.id,
        kind=rule.kind,
        subject=day,
        title=f"Sentiment of {watched} {side}: {mean:+.2f} over {rule.window_days} days to {day}",
        occurred_at=day,
        link=view_link(base_url, rule),
        detail={"sentiment": mean, "articles": n, "window_days": rule.window_days, "day": day},
    )


# ------------------------------------------------------------------ what moved


def moved_events(rule: Rule, moved: list[dict], end: str, base_url: str | None = None) -> list[Event]:
    """One event per category of What moved (rows with ``category``, ``recent``, ``baseline``, ``z``)
    whose |z| reaches the rule's bar, for the window ending ``end`` (ISO day)."""
    out = []
    for row in moved:
        z = row.get("z")
        if z is None or z != z or abs(float(z)) < rule.z:
            continue
        out.append(
            Event(
                rule=rule.name,
                rule_id=rule.id,
                kind=rule.kind,
                subject=f"{row['category']}@{end}",
                title=f"{row['category']} moved {float(z):+.1f} σ: {row['baseline']:+.2f} → {row['recent']:+.2f}",
                occurred_at=end,
                link=view_link(base_url, rule),
                detail={
                    "category": row["category"],
                    "z": float(z),
                    "recent": row["recent"],
                    "baseline": row["baseline"],
                },
            )
        )
    return out


# ------------------------------------------------------------------ horizons and grades


def horizon_end(published_at: str | None, min_days, max_days) -> date | None:
    """The day a decision's horizon ends: its publish day plus the longest stated horizon (None
    without a date or a horizon)."""
    days = max_days if max_days is not None and max_days == max_days else min_days
    if not published_at or days is None or days != days:
        return None
    try:
        return date.fromisoformat(str(published_at)[:10]) + timedelta(days=int(days))
    except ValueError:
        return None


def horizon_due(end: date | None, today: date, within: int, backfill: bool = False) -> bool:
    """True when the horizon ends between ``today`` and ``within`` days later (with ``backfill``:
    any horizon ending by then, past ones too)."""
    if end is None:
        return False
    return end <= today + timedelta(days=within) and (backfill or end >= today)


def closed_since(status: str, exit_date: str | None, start_day: str) -> bool:
    """True when a decision's grade is closed and it closed on or after ``start_day`` ('' = ever)."""
    return status == "closed" and bool(exit_date) and str(exit_date)[:10] >= start_day[:10]


# ------------------------------------------------------------------ the message


def message(event: Event) -> tuple[str, str]:
    """The notification's title and body (plain text that reads well as Markdown): what fired,
    the source and time, sentiment and impact, the decision legs, and the dashboard link."""
    d = event.detail
    title = f"[{event.rule}] {event.title}"[:250]
    lines = []
    meta = [str(x) for x in (d.get("source"), d.get("published_at") or event.occurred_at) if x]
    if d.get("sentiment") is not None:
        meta.append(f"sentiment {d['sentiment']:+.2f}" + (f" ({d['label']})" if d.get("label") else ""))
    if d.get("impact") is not None:
        meta.append(f"impact {d['impact']:.2f}")
    if meta:
        lines.append(" · ".join(meta))
    if d.get("what"):
        lines.append(str(d["what"]))
    if d.get("decision"):
        lines.append(f"Decision: {d['decision']}" + (f" (by {d['author']})" if d.get("author") else ""))
    if d.get("legs"):
        lines.append("Legs: " + " | ".join(d["legs"]))
    if event.link:
        lines.append(event.link)
    lines.append(f"Rule: {event.rule} ({event.kind})")
    return title, "\n".join(lines)
