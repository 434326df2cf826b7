"""``newsdesk alerts``: a rule fires once, a json:// webhook on a loopback server receives it, a
failed delivery is reported (URL masked, no traceback) and retried, two concurrent checks deliver
once, and no secret is ever printed; on a SQLite file and on a PostgreSQL server (watch included)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from newsdesk.cli import cli
from newsdesk.db import schema
from tests.alerts_util import article, closed_port, decision, store, webhook
from tests.conftest import ROOT

SECRET = "hunter2pw"
TOKEN = "tok3nVALUEzz9"


def run(db_path: Path | str, *args: str):
    result = CliRunner().invoke(cli, [*args[:2], "--db", str(db_path), *args[2:]], catch_exceptions=False)
    return result


def test_a_company_rule_fires_once_to_a_loopback_webhook(desk_target: Path | str) -> None:
    db = schema.open(desk_target)
    store(db, article("Old Nvidia news", tickers=("NVDA",)))
    db.conn.execute("UPDATE articles SET ingested_at = '2026-01-01T00:00:00Z'")  # stored long before the rule
    db.conn.commit()
    with webhook() as (host, received):
        url = f"json://{host}/hook"
        added = run(desk_target, "alerts", "add", "nvda", "--company", "nvda", "--notify", url)
        assert added.exit_code == 0, added.output
        first = run(desk_target, "alerts", "check", "--json", "--base-url", "http://desk.local:8501")
        assert first.exit_code == 0, first.output  # the stored article is older than the rule
        assert json.loads(first.output)["fired"] == []
        legs = [{"ticker": "NVDA", "side": "long", "name": "Nvidia"}]
        store(
            db,
            article(
                "Nvidia beats on data centre sales",
                sentiment=0.4,
                impact=0.8,
                tickers=("NVDA",),
                decisions=[decision("Buy Nvidia for the next 3 months.", legs, 90)],
            ),
        )
        store(db, article("Apple news", tickers=("AAPL",)))
        fired = run(desk_target, "alerts", "check", "--json", "--base-url", "http://desk.local:8501")
        assert fired.exit_code == 4, fired.output
        out = json.loads(fired.output)
        assert [e["title"] for e in out["fired"]] == ["Nvidia beats on data centre sales"]
        event = out["fired"][0]
        assert event["link"].startswith("http://desk.local:8501/Article?id=")
        assert event["legs"] == ["long NVDA"] and event["impact"] == 0.8 and event["label"] == "bullish"
        assert out["delivered"] == 1 and out["failed"] == []
        assert len(received) == 1
        assert "Nvidia beats on data centre sales" in received[0]["title"]
        assert "long NVDA" in received[0]["message"] and "desk.local:8501/Article?id=" in received[0]["message"]
        again = run(desk_target, "alerts", "check", "--json")
        assert again.exit_code == 0, again.output
        assert json.loads(again.output)["fired"] == [] and len(received) == 1
    db.close()


def test_an_unreachable_url_is_reported_and_retried_until_delivered(desk_target: Path | str) -> None:
    db = schema.open(desk_target)
    port = closed_port()
    url = f"json://bot:{SECRET}@127.0.0.1:{port}/hook"
    assert run(desk_target, "alerts", "add", "macro", "--topic", "Macro & Growth", "--notify", url).exit_code == 0
    store(db, article("Growth slows", topics=("Macro & Growth",)))
    first = run(desk_target, "alerts", "check")
    assert first.exit_code == 4
    assert "Traceback" not in first.output and SECRET not in first.output
    assert f"rule 'macro': delivery to json://bot:****@127.0.0.1:{port}/hook failed" in first.output
    second = run(desk_target, "alerts", "check", "--json")
    assert second.exit_code == 1  # nothing new fired, the retry failed
    with webhook(port) as (_host, received):
        third = run(desk_target, "alerts", "check", "--json")
        assert third.exit_code == 0, third.output
        assert json.loads(third.output)["delivered"] == 1
        assert len(received) == 1 and "Growth slows" in received[0]["title"]
        assert run(desk_target, "alerts", "check").exit_code == 0
        assert len(received) == 1  # never duplicated once delivered
    db.close()


def test_two_concurrent_checks_deliver_each_event_once(desk_target: Path | str) -> None:
    db = schema.open(desk_target)
    with webhook() as (host, received):
        assert run(desk_target, "alerts", "add", "all", "--notify", f"json://{host}/a").exit_code == 0
        store(db, *[article(f"Story {n}", day=f"2026-11-{n + 1:02d}") for n in range(12)])
        procs = [
            subprocess.Popen(
                [sys.executable, "-m", "newsdesk", "alerts", "check", "--db", str(desk_target), "--json"],
                cwd=ROOT,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(2)
        ]
        outs = [p.communicate(timeout=120) for p in procs]
        codes = sorted(p.returncode for p in procs)
        fired = [e["title"] for out, _err in outs for e in json.loads(out)["fired"]]
        assert sorted(fired) == sorted(f"Story {n}" for n in range(12)), (codes, outs)
        assert sorted(m["title"] for m in received) == sorted(f"[all] Story {n}" for n in range(12))
    db.close()


def test_secrets_are_never_printed(db_path: Path, tmp_path: Path) -> None:
    urls = [
        f"json://bot:{SECRET}@127.0.0.1:{closed_port()}/hook?token={TOKEN}",
        f"slack://T1JJ3T3L2/A1BRTD4JD/{TOKEN}",
        f"mailto://desk:{SECRET}@example.com",
    ]
    args = ["alerts", "add", "x", "--company", "NVDA"] + [a for u in urls for a in ("--notify", u)]
    outputs = [run(db_path, *args[:2], *args[2:]).output]
    db = schema.connect(db_path)
    store(db, article("Nvidia story", tickers=("NVDA",)))
    refused = run(db_path, "alerts", "add", "y", "--notify", f"nosuch://desk:{SECRET}@example.com/{TOKEN}")
    assert refused.exit_code == 1 and "nosuch://desk:****@example.com/…" in refused.output
    outputs.append(refused.output)
    for cmd in (["alerts", "list"], ["alerts", "list", "--json"], ["alerts", "check"], ["alerts", "check", "--json"]):
        outputs.append(run(db_path, *cmd).output)
    from newsdesk.db.read.alerts import failed_deliveries

    stored_errors = [f["error"] for f in failed_deliveries(db.conn)]
    db.close()
    text = "\n".join(outputs + stored_errors)
    assert "json://bot:****@127.0.0.1" in text and "slack://" in text
    assert SECRET not in text and TOKEN not in text
    exported = tmp_path / "rules.toml"
    assert run(db_path, "alerts", "export", str(exported)).exit_code == 0
    assert exported.stat().st_mode & 0o077 == 0  # the export holds the URLs: owner only


def test_export_import_pause_resume_remove(db_path: Path, tmp_path: Path) -> None:
    assert (
        run(db_path, "alerts", "add", "bearish nvda", "--company", "NVDA", "--sentiment-below", "-0.2").exit_code == 0
    )
    assert run(db_path, "alerts", "add", "moves", "--moved-z", "2.5", "--topic", "Energy & Commodities").exit_code == 0
    file = tmp_path / "rules.toml"
    assert run(db_path, "alerts", "export", str(file)).exit_code == 0
    other = tmp_path / "other.db"
    imported = run(other, "alerts", "import", str(file))
    assert imported.exit_code == 0 and "Imported 2 rules" in imported.output
    listed = json.loads(run(other, "alerts", "list", "--json").output)
    assert {r["name"]: r["kind"] for r in listed} == {"bearish nvda": "sentiment", "moves": "moved"}
    assert next(r for r in listed if r["name"] == "moves")["conditions"]["z"] == 2.5
    again = run(other, "alerts", "import", str(file))
    assert again.exit_code == 1 and "exists" in again.output  # both names taken: nothing imported
    assert run(other, "alerts", "pause", "moves").exit_code == 0
    assert json.loads(run(other, "alerts", "list", "--json").output)[1]["paused"] is True
    assert run(other, "alerts", "resume", "moves").exit_code == 0
    assert run(other, "alerts", "remove", "moves").exit_code == 0
    gone = run(other, "alerts", "remove", "moves")
    assert gone.exit_code == 1 and "no rule named 'moves'" in gone.output


def test_cli_refuses_bad_rules_with_a_reason(db_path: Path) -> None:
    both = run(db_path, "alerts", "add", "x", "--new-decision", "--closed")
    assert both.exit_code == 2 and "choose one kind" in both.output
    bad = run(db_path, "alerts", "add", "x", "--notify", "nosuchservice://abc")
    assert bad.exit_code == 1 and "not a notification URL" in bad.output
    assert run(db_path, "alerts", "add", "x").exit_code == 0
    dup = run(db_path, "alerts", "add", "x")
    assert dup.exit_code == 1 and "exists" in dup.output


def test_watch_checks_the_rules_after_every_round(desk_target: Path | str, tmp_path: Path) -> None:
    feed = (ROOT / "tests" / "fixtures_http" / "markets.xml").read_bytes()
    with webhook(feed=feed) as (host, received):
        conf = tmp_path / "feeds.toml"
        conf.write_text(f'[[feed]]\nname = "Fixture Markets"\nurl = "http://{host}/feed.xml"\n')
        assert (
            run(desk_target, "alerts", "add", "steel", "--q", "steelmaker", "--notify", f"json://{host}/hook").exit_code
            == 0
        )
        out = CliRunner().invoke(
            cli, ["watch", "--db", str(desk_target), "--feeds", str(conf), "--rounds", "1", "--alerts"]
        )
        assert out.exit_code == 0, out.output
        assert "1 alert(s) fired, 1 notification(s) sent." in out.output
        assert [m["title"] for m in received] == ["[steel] Steelmaker lifts outlook as orders recover"]
