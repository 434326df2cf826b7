"""Stored decision grades (``newsdesk.flows.grades``): what the scorecard reads from them equals what the
rules compute, on the demo and on a hand-built database with real-shaped closes, after every kind of
write that changes a grade (price import, a new or deleted decision, a basket edit, a rules version),
and after ``rebuild-grades``."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from newsdesk.db import custom_baskets, schema, writes
from newsdesk.db.read import grades as grade_reads
from newsdesk.domain.filters import Filters
from newsdesk.domain.models import Article, Decision, Entity
from newsdesk.flows import grades
from newsdesk.flows import ingest as pipeline
from newsdesk.flows import prices as track
from newsdesk.prices.demo import illustrative_prices
from newsdesk.scorecard.groups import closes_label, result_line
from newsdesk.scorecard.rules import RULES_VERSION, score_decisions
from tests.flows.test_cli import run

SPY_LINKS = {"AAPL": "SPY", "MSFT": "SPY", "NVDA": "SPY", "7203.T": "1306.T"}


def recomputed(conn: sqlite3.Connection, filters: Filters = Filters()) -> list:
    """The scorecard as the rules compute it from every stored close (what the page did before)."""
    return score_decisions(track.decision_inputs(conn, filters), track.market(conn))


def assert_same(conn: sqlite3.Connection, filters: Filters = Filters()) -> list:
    stored, live = grades.results(conn, filters), recomputed(conn, filters)
    assert [grades.plain(r) for r in stored] == [grades.plain(r) for r in live]
    full = [grades.with_trips(conn, r) for r in stored]
    assert [[leg.trips for leg in r.legs] for r in full] == [[leg.trips for leg in r.legs] for r in live]
    return stored


def closes_csv(path: Path, end: str = "2024-06-28") -> Path:
    """Real-shaped closes (a seeded random walk on business days; NY and Tokyo holidays are simply
    business days without a session) as a long CSV a user would import."""
    rows = illustrative_prices(["AAPL", "MSFT", "NVDA", "SPY", "7203.T", "1306.T"], "2023-12-01", end, SPY_LINKS)
    path.write_text("date,ticker,close\n" + "".join(f"{r.date},{r.ticker},{r.close}\n" for r in rows))
    return path


def leg(side: str, ticker: str | None = None, basket: str | None = None) -> dict:
    item = {"name": ticker or basket, "side": side}
    return {**item, "ticker": ticker} if ticker else {**item, "basket": basket}


CASES = [  # published, horizon, legs: long, pair, short, basket, reduce, hold, unknown, stale, open, Tokyo
    ("2024-01-03T15:00:00Z", 30, [leg("long", "AAPL")]),
    ("2024-01-04T22:00:00Z", 60, [leg("long", "AAPL"), leg("short", "MSFT")]),
    ("2024-01-06T10:00:00Z", None, [leg("short", "NVDA")]),
    ("2024-02-01T14:00:00Z", 45, [leg("long", basket="tech-test")]),
    ("2024-02-02T20:59:00Z", 20, [leg("reduce", "MSFT"), leg("hold", "AAPL")]),
    ("2024-02-05T12:00:00Z", 10, [leg("long", "ZZZZ")]),
    ("2023-06-01T12:00:00Z", 10, [leg("long", "AAPL")]),
    ("2024-06-20T13:00:00Z", 90, [leg("long", "AAPL"), leg("long", "NVDA")]),
    ("2024-03-12T01:00:00Z", 30, [leg("long", "7203.T")]),
    ("2024-07-15T13:00:00Z", 30, [leg("long", "MSFT")]),
]


def hand_built(path: Path | str, folder: Path) -> schema.sqlite_utils.Database:
    """Articles with every kind of decision, a custom basket, and real-shaped closes imported by the CLI."""
    db = schema.open(path)
    pipeline.ensure_reference(db)
    custom_baskets.create_basket(db, "Tech test", "", {"AAPL": 0.5, "MSFT": 0.3, "NVDA": 0.2})
    batch = []
    for i, (published, horizon, legs) in enumerate(CASES):
        a = Article(title=f"Call {i} on {legs[0]['name']}", source="Wire" if i % 2 else "Desk",
                    url=f"https://example.com/{i}", published_at=published,
                    entities=[Entity("AAPL", "Apple")])  # fmt: skip
        a.decisions = [Decision(1, f"Decision {i}", "buy", instruments=legs, horizon_max_days=horizon)]
        batch.append(a)
    writes.write_batch(db, batch, [], "test")
    out = run("prices", "import", str(closes_csv(folder / "closes.csv")), db=path)
    assert out.returncode == 0, out.stderr
    return db


@pytest.fixture(scope="module")
def template(module_desk_target, tmp_path_factory) -> Path | str:
    """The hand-built database, once per engine."""
    db = hand_built(module_desk_target, tmp_path_factory.mktemp("grades"))
    schema.checkpoint(db)
    db.close()
    return module_desk_target



def test_stored_grades_equal_the_rules_on_a_hand_built_database(built) -> None:
    counts = grade_reads.counts(built.conn)
    assert counts == {"decision_grades": len(CASES), "leg_grades": 13, "grade_dirty": 0}  # graded by the import
    stored = assert_same(built.conn)
    assert all(isinstance(leg, grades.StoredLeg) for r in stored for leg in r.legs)  # read, not computed
    statuses = sorted({r.status for r in stored})
    assert statuses == ["closed", "open", "unscored"]
    assert {r.decision.position for r in stored if r.pair} == {1}
    assert_same(built.conn, Filters(sources=("Wire",)))


def test_stored_grades_equal_the_rules_on_the_demo(tmp_path: Path) -> None:
    path = tmp_path / "demo.db"
    pipeline.create_demo_database(path)
    conn = schema.connect_readonly(path)
    stored = assert_same(conn)
    assert len(stored) > 300 and sum(r.illustrative for r in stored) > 300  # the demo's illustrative closes
    assert grade_reads.counts(conn)["decision_grades"] == len(stored)
    rows = conn.execute("SELECT DISTINCT closes, rules_version FROM decision_grades ORDER BY 1").fetchall()
    assert rows == [("", RULES_VERSION), ("illustrative", RULES_VERSION)]


def test_a_new_decision_is_computed_until_the_upkeep_grades_it(built) -> None:
    late = Article(
        title="Late call", source="Wire", url="https://example.com/late", published_at="2024-04-02T14:00:00Z"
    )
    late.decisions = [Decision(1, "Buy NVDA", "buy", instruments=[leg("long", "NVDA")], horizon_max_days=15)]
    writes.write_batch(built, [late], [], "test")
    assert grade_reads.counts(built.conn)["decision_grades"] == len(CASES)
    stored = assert_same(built.conn)
    assert sum(not any(isinstance(x, grades.StoredLeg) for x in r.legs) for r in stored) == 1
    assert grades.refresh(built).graded == 1
    assert grade_reads.counts(built.conn)["decision_grades"] == len(CASES) + 1
    assert_same(built.conn)


def test_new_closes_regrade_what_they_touch(built, tmp_path: Path) -> None:
    before = {r.decision.article_id: r.status for r in grades.results(built.conn)}
    out = run("prices", "import", str(closes_csv(tmp_path / "more.csv", end="2024-09-30")), db=built_path(built))
    assert out.returncode == 0, out.stderr
    assert grade_reads.counts(built.conn)["grade_dirty"] == 0
    after = assert_same(built.conn)
    assert [r.status for r in after].count("open") < list(before.values()).count("open")  # open calls closed


def built_path(db) -> Path | str:
    """Where ``db`` lives: a server database's URL, or the SQLite file."""
    url = getattr(db, "url", None)
    return url if isinstance(url, str) else Path(db.conn.execute("PRAGMA database_list").fetchone()[2])


@pytest.mark.parametrize(
    "change",
    [
        "DELETE FROM decisions WHERE id IN (SELECT id FROM decisions ORDER BY id LIMIT 2)",
        "UPDATE decisions SET horizon_max_days = 5",
        "UPDATE articles SET published_at = '2024-01-10T15:00:00Z' WHERE url LIKE '%/0'",
        "UPDATE articles SET published_estimated = 1 WHERE url LIKE '%/1'",
        "UPDATE articles SET source = 'newsdesk demo' WHERE url LIKE '%/3'",
        "UPDATE prices SET close = close * 1.5 WHERE ticker = 'SPY' AND date > '2024-02-01'",
        "DELETE FROM prices WHERE ticker = 'NVDA' AND date > '2024-03-01'",
        "UPDATE basket_members SET weight = 0.8 WHERE ticker = 'AAPL' AND basket_id = 'tech-test'",
        "UPDATE companies SET country = 'JP' WHERE ticker = 'MSFT'",
        "UPDATE decision_grades SET rules_version = 0",
    ],
)  # fmt: skip
def test_outside_writes_never_show_a_stale_grade(built, change: str) -> None:
    """Any write a grade rests on (even outside SQL) drops or marks it in the same transaction: readers
    recompute until the upkeep regrades, and then read the same figures."""
    with built.conn:
        built.conn.execute(change)
    assert_same(built.conn)
    grades.refresh(built)
    assert grade_reads.counts(built.conn)["grade_dirty"] == 0
    stored = assert_same(built.conn)
    assert all(isinstance(leg, grades.StoredLeg) for r in stored for leg in r.legs)


def test_basket_edit_in_the_dashboard_marks_its_grades(built) -> None:
    custom_baskets.update_basket(built, "tech-test", "Tech test", "", {"AAPL": 0.2, "NVDA": 0.8})
    assert grade_reads.counts(built.conn)["grade_dirty"] > 0
    assert_same(built.conn)
    upkeep = grades.refresh(built)
    assert "basket:tech-test" in upkeep.changed and upkeep.graded >= 1
    assert_same(built.conn)


def test_rebuild_grades_command(built) -> None:
    path = built_path(built)
    with built.conn:
        built.conn.execute("DELETE FROM decision_grades")
    out = run("rebuild-grades", db=path)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == f"Rebuilt grades: {len(CASES)} decisions graded."
    assert_same(built.conn)


def test_cards_and_cli_read_the_same_figures(built) -> None:
    live = recomputed(built.conn)
    for article_id in {r.decision.article_id for r in live}:
        want = {r.decision.position: result_line(r) for r in live if r.decision.article_id == article_id}
        assert track.result_lines(built.conn, article_id) == want
    out = run("scorecard", "--json", db=built_path(built))
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)["decisions"]
    assert [(d["status"], d["excess_return"], d["closes"]) for d in data] == [
        (r.status, r.excess_return, closes_label(r) or None) for r in live
    ]


def movers_by_rules(conn: sqlite3.Connection, since: str, limit: int = 5) -> list[dict]:
    """The brief's movers as it picked them from every decision graded by the rules."""
    live = [r for r in recomputed(conn) if r.excess_return is not None and (r.status == "open" or
                                                                             (r.exit_date or "") >= since)]  # fmt: skip
    live.sort(key=lambda r: abs(r.excess_return or 0.0), reverse=True)
    return [{"text": r.decision.text, "status": r.status, "excess_return": r.excess_return,
             "exit_date": r.exit_date, "article_id": r.decision.article_id} for r in live[:limit]]  # fmt: skip


@pytest.mark.parametrize("since", ["2023-01-01", "2024-03-01", "2024-06-01", "2030-01-01"])
def test_the_briefs_movers_read_from_the_grades_equal_the_rules(built, since: str) -> None:
    for limit in (2, 5, 50):
        assert grades.movers(built.conn, Filters(), since, limit) == movers_by_rules(built.conn, since, limit)


def test_the_briefs_movers_are_computed_while_a_grade_is_missing_or_marked(built) -> None:
    with built.conn:
        built.conn.execute("UPDATE prices SET close = close * 1.5 WHERE ticker = 'SPY' AND date > '2024-02-01'")
    assert grades.movers(built.conn, Filters(), "2024-01-01") is None  # marked: the brief computes them
    grades.refresh(built)
    assert grades.movers(built.conn, Filters(), "2024-01-01") == movers_by_rules(built.conn, "2024-01-01")
    with built.conn:
        built.conn.execute("DELETE FROM decision_grades WHERE decision_id IN (SELECT decision_id FROM "
                           "decision_grades ORDER BY decision_id LIMIT 1)")  # fmt: skip
    assert grades.movers(built.conn, Filters(), "2024-01-01") is None  # ungraded: computed
