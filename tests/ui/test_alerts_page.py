"""The Alerts page under AppTest: the rule and what it fired, the sidebar count on every page, adding
a rule from the form, read-only mode without controls, masked URLs, and the Brief tab."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from newsdesk.alerts.rules import make_rule, with_start
from newsdesk.db import alerts as store
from newsdesk.db import schema
from newsdesk.db.read.alerts import rules
from newsdesk.flows.alerts import check
from tests.alerts_util import article, decision
from tests.alerts_util import store as store_articles
from tests.apptest_util import app

PAGE = "pages/7_Alerts.py"
SECRET = "pw-never-shown"


@pytest.fixture
def fired_db(db_path: Path, monkeypatch) -> Path:
    db = schema.connect(db_path)
    legs = [{"ticker": "NVDA", "side": "long"}]
    today = datetime.now(UTC).date().isoformat()  # in the brief's window, whenever the test runs
    store_articles(
        db,
        article("Nvidia soars", day=today, tickers=("NVDA",), impact=0.9, decisions=[decision("Buy NVDA", legs, 90)]),
    )
    url = f"json://bot:{SECRET}@127.0.0.1:9/hook"
    store.add_rule(db, with_start(make_rule({"name": "nvda", "companies": ["NVDA"], "notify": [url]}), "", True))
    check(db, send=lambda *_: None)  # delivered (a sender that accepts everything)
    db.close()
    monkeypatch.setenv("NEWSDESK_DB", str(db_path))
    return db_path


def open_alerts():
    at = app()
    at.query_params["since"] = "2026-01-01"
    at.run()
    assert not at.exception, at.exception
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    return at


def texts(at) -> str:
    parts = [str(d.value.to_dict()) for d in at.dataframe]
    parts += [m.value for m in at.markdown] + [str(getattr(w, "label", "")) for w in at.get("page_link")]
    parts += [t.value for t in at.text_area] + [t.value for t in at.text_input]
    return "\n".join(parts)


def test_the_page_shows_the_rule_what_fired_and_the_sidebar_count(fired_db) -> None:
    at = app()
    at.query_params["since"] = "2026-01-01"
    at.run()
    assert not at.exception
    assert any("1 new alert" in str(link.proto.label) for link in at.get("page_link"))  # on the Overview too
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    feed = next(d.value for d in at.dataframe if "rule" in d.value.columns and "what" in d.value.columns)
    assert list(feed["what"]) == ["Nvidia soars"] and list(feed["delivered"]) == [1]
    assert feed["article"].iloc[0].startswith("/Article?id=")
    table = next(d.value for d in at.dataframe if "conditions" in d.value.columns)
    assert list(table["rule"]) == ["nvda"] and table["notify"].iloc[0] == "json://bot:****@127.0.0.1:9/hook"
    assert SECRET not in texts(at)
    at.button[1].click().run()  # Mark all seen
    assert not at.exception
    assert not any("new alert" in str(link.proto.label) for link in at.get("page_link"))


def test_a_rule_is_added_from_the_form(fired_db) -> None:
    at = open_alerts()
    at.text_input[0].set_value("energy moves")
    at.selectbox[1].set_value("moved")
    at.text_area[0].set_value("json://127.0.0.1:9/x")
    at.button(key="FormSubmitter:al_new-Add the rule").click().run()
    assert not at.exception, at.exception
    with schema.connect_readonly(fired_db) as conn:
        found = {r.name: r for r in rules(conn)}
    assert found["energy moves"].kind == "moved" and found["energy moves"].notify == ("json://127.0.0.1:9/x",)
    assert found["energy moves"].starts_at  # starts from now


def test_a_bad_rule_shows_its_reason(fired_db) -> None:
    at = open_alerts()
    at.text_input[0].set_value("nvda")  # taken
    at.button(key="FormSubmitter:al_new-Add the rule").click().run()
    assert not at.exception
    assert any("exists" in e.value for e in at.error)


def test_read_only_shows_rules_without_controls(fired_db, monkeypatch) -> None:
    monkeypatch.setenv("NEWSDESK_READONLY", "1")
    at = open_alerts()
    assert any("conditions" in d.value.columns for d in at.dataframe)
    assert len(at.button) == 0 and len(at.text_area) == 0
    assert SECRET not in texts(at)


def test_the_brief_tab_shows_the_brief(fired_db) -> None:
    at = open_alerts()
    at.selectbox(key="al_window").set_value("Last 30 days").run()
    assert not at.exception
    brief = "\n".join(m.value for m in at.markdown)
    assert "Nvidia soars" in brief and "long NVDA" in brief


def test_the_demo_ships_one_example_rule_paused(tmp_path: Path) -> None:
    from newsdesk.flows.ingest import create_demo_database

    path = tmp_path / "demo.db"
    create_demo_database(path)
    with schema.connect_readonly(path) as conn:
        found = rules(conn)
    assert [(r.name, r.paused, bool(r.starts_at)) for r in found] == [("Example: high-impact chip news", True, True)]


def test_a_failed_delivery_is_shown_with_its_url_masked(db_path: Path, monkeypatch) -> None:
    db = schema.connect(db_path)
    store_articles(db, article("Nvidia dips", tickers=("NVDA",)))
    url = f"json://bot:{SECRET}@127.0.0.1:9/hook"
    store.add_rule(db, with_start(make_rule({"name": "nvda", "companies": ["NVDA"], "notify": [url]}), "", True))
    check(db, send=lambda *_: f"connection refused by {url}")
    db.close()
    monkeypatch.setenv("NEWSDESK_DB", str(db_path))
    at = open_alerts()
    notes = [w.value for w in at.warning if "Delivery of rule" in w.value]
    assert notes and "json://bot:****@127.0.0.1:9/hook" in notes[0] and "retried on the next check" in notes[0]
    assert SECRET not in "\n".join(w.value for w in at.warning)


def test_a_rule_is_edited_paused_and_deleted_from_the_page(fired_db) -> None:
    at = open_alerts()
    at.selectbox(key="al_pick").set_value("nvda").run()
    assert not at.exception
    assert SECRET not in texts(at)  # the stored URL is never put in a text box
    at.number_input[0].set_value(0.8)  # Minimum impact
    at.button(key="FormSubmitter:al_1-Save the rule").click().run()  # the form of rule id 1
    assert not at.exception, at.exception
    with schema.connect_readonly(fired_db) as conn:
        (rule,) = rules(conn)
    assert rule.min_impact == 0.8 and rule.notify == (f"json://bot:{SECRET}@127.0.0.1:9/hook",)  # URLs kept
    at.button(key=f"al_{rule.id}_pause").click().run()
    with schema.connect_readonly(fired_db) as conn:
        assert rules(conn)[0].paused
    at.button(key=f"al_{rule.id}_delete").click().run()
    assert not at.exception
    with schema.connect_readonly(fired_db) as conn:
        assert rules(conn) == []


def test_check_now_fires_what_is_new(fired_db) -> None:
    db = schema.connect(fired_db)
    store_articles(db, article("Nvidia again", tickers=("NVDA",)))
    db.close()
    at = open_alerts()
    at.button[0].click().run()  # Check the rules now (the rule's URL is a closed port: the failure is shown)
    assert not at.exception, at.exception
    feed = next(d.value for d in at.dataframe if "what" in d.value.columns)
    assert list(feed["what"]) == ["Nvidia again", "Nvidia soars"]
    assert any("1 alert(s) fired" in w.value and "json://bot:****@127.0.0.1:9/hook" in w.value for w in at.warning)
    assert SECRET not in "\n".join(w.value for w in at.warning)


def test_read_only_on_a_database_from_before_the_alert_tables(db_path: Path, monkeypatch) -> None:
    db = schema.connect(db_path)
    store_articles(db, article("Old schema story", day=datetime.now(UTC).date().isoformat()))
    for table in ("alert_deliveries", "alert_events", "alert_rules"):
        db.conn.execute(f"DROP TABLE {table}")
    db.conn.execute(f"PRAGMA user_version = {schema.SCHEMA_VERSION - 1}")
    db.close()
    monkeypatch.setenv("NEWSDESK_DB", str(db_path))
    monkeypatch.setenv("NEWSDESK_READONLY", "1")  # nothing may migrate it: the page reads it as it is
    at = open_alerts()
    assert any("No alert rule yet" in i.value for i in at.info)
    assert any("No alert has fired yet" in i.value for i in at.info)
    assert "Old schema story" in "\n".join(m.value for m in at.markdown)  # the Brief tab still works
