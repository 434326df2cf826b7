"""Every event kind of an alert rule on a hand-built database, the rule's checks and its TOML, and
the pure pieces (window means, crossings, horizons, masking) as tables."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from newsdesk.alerts import events as ev
from newsdesk.alerts.rules import Rule, RuleError, make_rule, rules_from_toml, rules_to_toml, with_start
from newsdesk.alerts.secrets import mask_text, mask_url
from newsdesk.db import alerts as alert_store
from newsdesk.db.prices import write_prices
from newsdesk.db.read.articles import DEMO_SOURCE
from newsdesk.db.writes import now_iso
from newsdesk.flows.alerts import check
from newsdesk.prices import PriceRow
from tests.alerts_util import article, decision, store

NOW = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)


def add(db, backfill: bool = True, **data) -> Rule:
    rule = with_start(make_rule(data), now_iso(), backfill)
    alert_store.add_rule(db, rule)
    return rule


def fired(db, now: datetime = NOW) -> list[ev.Event]:
    report = check(db, now=now)
    assert report.problems == [] and report.failures == []
    return report.fired


@pytest.fixture
def desk(desk):
    """Articles on NVDA, AMD and energy over October-November 2026, some with decisions, on each engine."""
    db = desk
    legs_nvda = [{"ticker": "NVDA", "side": "long"}]
    legs_basket = [{"basket": "chips", "side": "long", "name": "Chips"}]
    store(
        db,
        article("Nvidia strong", day="2026-10-01", sentiment=0.3, tickers=("NVDA",)),
        article(
            "Nvidia weak",
            day="2026-11-10",
            sentiment=-0.6,
            tickers=("NVDA",),
            impact=0.9,
            decisions=[decision("Sell Nvidia within 2 weeks", [{"ticker": "NVDA", "side": "short"}], 14)],
        ),
        article(
            "AMD call",
            day="2026-11-11",
            sentiment=0.1,
            tickers=("AMD",),
            decisions=[decision("Buy AMD for a month", [{"ticker": "AMD", "side": "long"}], 30)],
        ),
        article(
            "Chips basket",
            day="2026-11-12",
            sentiment=0.2,
            decisions=[decision("Own the chips basket", legs_basket, 365), decision("Buy NVDA", legs_nvda, 5, 2)],
        ),
        article("Oil calm", day="2026-11-01", sentiment=0.0, topics=("Energy & Commodities",)),
    )
    db.conn.execute("INSERT INTO baskets (id, name, kind) VALUES ('chips', 'Chips', 'sector')")
    db.conn.execute("INSERT INTO basket_members (basket_id, ticker, name, weight) VALUES ('chips', 'AMD', 'AMD', 1)")
    db.conn.execute("UPDATE articles SET ingested_at = '2026-11-15T00:00:00Z'")  # stored before any rule
    db.conn.commit()
    return db


def test_article_rule_fires_on_matching_articles_only(desk) -> None:
    add(desk, name="nvda impact", companies=["NVDA"], min_impact=0.7)
    assert [e.title for e in fired(desk)] == ["Nvidia weak"]
    assert fired(desk) == []


def test_article_rule_starts_from_now_unless_backfilled(desk) -> None:
    add(desk, backfill=False, name="from now", companies=["NVDA"])
    assert fired(desk) == []
    store(desk, article("Nvidia again", day="2026-11-19", tickers=("NVDA",)))
    assert [e.title for e in fired(desk)] == ["Nvidia again"]


def test_article_rule_fires_once_per_story_however_many_outlets_carry_it(desk) -> None:
    add(desk, backfill=False, name="nvidia", companies=["NVDA"])
    title = "Nvidia unveils new AI chip for data centers at annual developer conference"
    store(desk, article(title, day="2026-11-19", tickers=("NVDA",), source="Wire A"))
    store(desk, article(title + " in San Jose", day="2026-11-19", tickers=("NVDA",), source="Wire B"))
    stories = {r[0] for r in desk.conn.execute("SELECT story_id FROM articles WHERE title LIKE 'Nvidia unveils%'")}
    assert len(stories) == 1  # two outlets, one story
    events = fired(desk)
    assert len(events) == 1 and events[0].title in (title, title + " in San Jose")  # same second: either
    assert fired(desk) == []
    store(desk, article("Nvidia recalls graphics cards over overheating", day="2026-11-20", tickers=("NVDA",)))
    assert [e.title for e in fired(desk)] == ["Nvidia recalls graphics cards over overheating"]  # another story


def test_decision_rule_on_company_basket_and_every_decision(desk) -> None:
    add(desk, name="on amd", kind="decision", companies=["AMD"])
    add(desk, name="on chips", kind="decision", baskets=["chips"])
    add(desk, name="any", kind="decision")
    got = {(e.rule, e.decision_id.rsplit("-", 1)[1], e.title.split(" — ")[0]) for e in fired(desk)}
    assert ("on amd", "1", "AMD call") in got
    assert {g for g in got if g[0] == "on chips"} == {("on chips", "1", "AMD call"), ("on chips", "1", "Chips basket")}
    assert len([g for g in got if g[0] == "any"]) == 4


def test_decision_rule_by_author_fires_nothing_when_no_decision_has_that_author(desk) -> None:
    add(desk, name="by ann", kind="decision", author="Ann")
    assert fired(desk) == []  # no decision carries an author here: nothing matches, nothing breaks


def test_decision_rule_by_author_where_decisions_have_one(desk) -> None:
    desk.conn.execute("UPDATE decisions SET author = 'Ann' WHERE text LIKE 'Buy AMD%'")
    desk.conn.commit()
    add(desk, name="by ann", kind="decision", author="ann")
    events = fired(desk)
    assert [e.detail["author"] for e in events] == ["Ann"]


def test_sentiment_rule_fires_on_the_crossing_day(desk) -> None:
    add(desk, name="nvda bearish", kind="sentiment", companies=["NVDA"], below=-0.2, window_days=7)
    events = fired(desk)
    assert [(e.subject, e.detail["sentiment"]) for e in events] == [("2026-11-10", -0.6)]
    assert fired(desk) == []


def test_moved_rule_fires_per_category_beyond_z(db) -> None:
    rows = []
    for day in range(1, 31):  # a calm baseline with a little spread, then a bad last week
        rows.append(article(f"Calm {day}", day=f"2026-10-{day:02d}", sentiment=0.3 if day % 2 else -0.1))
    rows += [article(f"Bad {d}", day=f"2026-11-{d:02d}", sentiment=-0.5) for d in range(1, 8)]
    store(db, *rows)
    add(db, name="moves", kind="moved", z=2.0)
    events = fired(db)
    assert [e.subject for e in events] == ["Technology & AI@2026-11-07"]
    assert events[0].detail["z"] < -2
    add(db, name="high bar", kind="moved", z=5)
    assert fired(db) == []


def test_horizon_rule_fires_when_the_horizon_ends_within_n_days(desk) -> None:
    add(desk, backfill=False, name="ending", kind="horizon", days=7)
    events = fired(desk, now=datetime(2026, 11, 20, tzinfo=UTC))
    # Nvidia weak: 11-10 + 14 = 11-24 (in); Buy NVDA: 11-12 + 5 = 11-17 (past); AMD: 12-11 (later)
    assert [e.title.split(" — ")[0] for e in events] == ["Nvidia weak"]
    assert fired(desk, now=datetime(2026, 12, 6, tzinfo=UTC))[0].title.startswith("AMD call")


def test_grade_rule_fires_when_a_decision_closes(db) -> None:
    legs = [{"ticker": "NVDA", "side": "long"}]
    store(
        db,
        article("Short call", day="2026-10-01", decisions=[decision("Buy NVDA for 10 days", legs, 10)]),
        article("Long call", day="2026-10-01", decisions=[decision("Buy NVDA for a year", legs, 365)]),
    )
    closes = [PriceRow(t, f"2026-10-{d:02d}", 100 + d) for t in ("NVDA", "SPY", "ACWI") for d in range(1, 32)]
    write_prices(db, closes, [], "test")
    add(db, name="closed", kind="grade")
    events = fired(db)
    assert [e.title.split(" — ")[0] for e in events] == ["Short call"]
    assert "Closed on 2026-10-" in events[0].detail["what"]
    assert fired(db) == []


def test_demo_articles_never_fire_while_the_demo_is_hidden(db) -> None:
    store(db, article("Demo story", source=DEMO_SOURCE, tickers=("NVDA",)))
    add(db, name="nvda", companies=["NVDA"])
    assert [e.title for e in fired(db)] == ["Demo story"]  # only the demo: it is shown, it fires
    add(db, name="nvda 2", companies=["NVDA"])
    store(db, article("Real story", tickers=("AAPL",)))
    assert [e.title for e in fired(db)] == []  # real articles now: the demo is hidden


def test_a_paused_rule_fires_nothing_until_resumed(desk) -> None:
    add(desk, name="p", companies=["NVDA"], paused=True)
    assert fired(desk) == []
    alert_store.set_paused(desk, "p", False)
    assert len(fired(desk)) == 2


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ({}, "needs a name"),
        ({"name": "  "}, "needs a name"),
        ({"name": "x" * 81}, "at most 80"),
        ({"name": "x", "kind": "weather"}, "unknown kind"),
        ({"name": "x", "labels": ["very-bad"]}, "unknown label"),
        ({"name": "x", "min_impact": 1.5}, "between 0 and 1"),
        ({"name": "x", "min_impact": "high"}, "must be a number"),
        ({"name": "x", "min_impact": float("nan")}, "between 0 and 1"),
        ({"name": "x", "window_days": 2.5}, "whole number"),
        ({"name": "x", "companies": [3]}, "is not text"),
        ({"name": "x", "kind": "sentiment", "companies": ["NVDA"]}, "needs a threshold"),
        ({"name": "x", "kind": "sentiment", "below": -0.2}, "needs a company"),
        ({"name": "x", "notify": ["nosuch://x"]}, "not a notification URL"),
        ({"name": "x", "colour": "red"}, "unknown field"),
    ],
)
def test_bad_rules_are_refused_with_a_reason(data, reason) -> None:
    with pytest.raises(RuleError, match=reason):
        make_rule(data)


def test_toml_round_trip_and_bad_tables_become_problems() -> None:
    rules = [
        make_rule({"name": "a", "companies": ["nvda"], "min_impact": 0.7, "notify": ["json://h/x"]}),
        make_rule({"name": "b", "kind": "moved", "z": 2.5, "topics": ["Energy & Commodities"], "paused": True}),
    ]
    back, problems = rules_from_toml(rules_to_toml(rules))
    assert back == rules and problems == []
    text = rules_to_toml(rules) + '\n[[rule]]\nname = "c"\nkind = "nope"\n\n[[rule]]\nname = "a"\n'
    back, problems = rules_from_toml(text)
    assert [r.name for r in back] == ["a", "b"]
    assert problems == [
        "rule 3 ('c'): unknown kind 'nope'; kinds: article, decision, sentiment, moved, horizon, grade",
        "rule 4 ('a'): a rule of that name came earlier in the file",
    ]
    assert rules_from_toml("not = [toml")[1][0].startswith("not a TOML file")


@pytest.mark.parametrize(
    ("days", "window", "below", "above", "expected"),
    [
        ([], 7, -0.2, None, []),
        ([("2026-01-01", 1, -0.5)], 7, -0.2, None, [("2026-01-01", -0.5, 1)]),
        ([("2026-01-01", 2, -0.2)], 7, -0.2, None, []),  # mean -0.1 stays above -0.2
        ([("2026-01-01", 1, 0.5), ("2026-01-09", 1, -0.5)], 7, -0.2, None, [("2026-01-09", -0.5, 1)]),
        ([("2026-01-01", 1, -0.5), ("2026-01-02", 1, -0.5)], 7, -0.2, None, [("2026-01-01", -0.5, 1)]),
        (
            [("2026-01-01", 1, -0.5), ("2026-01-03", 1, 0.9), ("2026-01-20", 1, -0.9)],
            2,
            -0.2,
            None,
            [("2026-01-01", -0.5, 1), ("2026-01-20", -0.9, 1)],
        ),
        ([("2026-01-01", 1, 0.4)], 7, None, 0.3, [("2026-01-01", 0.4, 1)]),
    ],
)
def test_crossings(days, window, below, above, expected) -> None:
    rule = Rule("r", "sentiment", companies=("X",), below=below, above=above, window_days=window)
    assert ev.crossings(rule, days) == expected


@pytest.mark.parametrize(
    ("published", "lo", "hi", "today", "within", "backfill", "due"),
    [
        ("2026-11-10T09:00:00Z", None, 14, date(2026, 11, 20), 7, False, True),
        ("2026-11-10T09:00:00Z", 3, None, date(2026, 11, 20), 7, False, False),
        ("2026-11-10T09:00:00Z", 3, None, date(2026, 11, 20), 7, True, True),
        ("2026-11-10T09:00:00Z", None, 60, date(2026, 11, 20), 7, False, False),
        (None, None, 14, date(2026, 11, 20), 7, False, False),
        ("not a date", None, 14, date(2026, 11, 20), 7, False, False),
        ("2026-11-10", None, None, date(2026, 11, 20), 7, True, False),
    ],
)
def test_horizon_due(published, lo, hi, today, within, backfill, due) -> None:
    assert ev.horizon_due(ev.horizon_end(published, lo, hi), today, within, backfill) is due


@pytest.mark.parametrize(
    ("url", "shown", "hidden"),
    [
        ("json://user:pw-secret@127.0.0.1:9/hook", "json://user:****@127.0.0.1:9/hook", "pw-secret"),
        ("json://127.0.0.1/hook?token=abcdef123", "json://127.0.0.1/hook?…", "abcdef123"),
        ("slack://T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7FQ", "slack://T...2", "TIiajkdnlazkcOXrIdevi7FQ"),
        ("mailto://me:mailpass@gmail.com", "mailtos://me:****@gmail.com", "mailpass"),
        ("nosuch://user:pw9999@host/abc", "nosuch://user:****@host/…", "pw9999"),
        ("", "", "never-there"),
        ("garbage with spaces", "", "never-there"),
    ],
)
def test_mask_url(url, shown, hidden) -> None:
    masked = mask_url(url)
    assert masked.startswith(shown) and hidden not in masked
    if hidden in url:
        assert hidden not in mask_text(f"failed to send to {url} (pw {hidden})", [url])


def test_a_rule_that_drops_a_url_stops_retrying_it(desk) -> None:
    from newsdesk.db.read.alerts import failed_deliveries, rules

    add(desk, name="nvda", companies=["NVDA"], notify=["json://127.0.0.1:9/old"])
    report = check(desk, now=NOW, send=lambda *_: "refused")
    assert len(report.fired) == 2 and len(report.failures) == 2
    assert len(failed_deliveries(desk.conn)) == 2
    rule = rules(desk.conn)[0]
    alert_store.update_rule(desk, rule.id, make_rule({"name": "nvda", "companies": ["NVDA"], "notify": []}))
    assert failed_deliveries(desk.conn) == []
    assert check(desk, now=NOW).exit_code == 0
