"""``scorecard``, ``evidence`` and ``stats`` on real SQLite files whose optional fields are empty (SQL NULL
reads as NaN through pandas), and the evidence command's numbers traced to a hand computation."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from pathlib import Path

import pytest

from newsdesk.db import schema, writes
from newsdesk.domain.models import Article, Decision, Entity
from newsdesk.flows import prices as track
from tests.flows.test_cli import run

# New York sessions, January 2024: Tue 2 .. Fri 5, Mon 8 (01-01 is a holiday); the close is 21:00 UTC.
PRICES = (
    "date,ticker,close\n"
    "2024-01-02,AAA,100\n2024-01-03,AAA,102\n2024-01-04,AAA,105\n2024-01-05,AAA,110\n2024-01-08,AAA,99\n"
    "2024-01-02,SPY,50\n2024-01-03,SPY,51\n2024-01-04,SPY,51\n2024-01-05,SPY,52.5\n2024-01-08,SPY,52.5\n"
)


def leg(ticker: str, side: str) -> dict:
    return {"name": ticker, "ticker": ticker, "side": side}


def bare(path: Path) -> Path:
    """Articles and decisions whose optional fields are all empty: no category, no action, no horizon, no
    sentiment label, no source text, plus an undated article; and AAA's closes with its benchmark SPY."""
    db = schema.connect(path)
    one = Article(title="No verb here", source="Wire", url="https://example.com/1",
                  published_at="2024-01-04T15:00:00Z", entities=[Entity("AAA", "Triple A")])  # fmt: skip
    one.decisions = [Decision(1, "AAA, whatever happens.", None, instruments=[leg("AAA", "long")])]
    two = Article(title="Second", source="Wire", url="https://example.com/2", published_at="2024-01-02T22:00:00Z",
                  entities=[Entity("AAA", "Triple A")])  # fmt: skip
    two.decisions = [Decision(1, "Something about AAA.", None, instruments=[leg("AAA", "long")], horizon_max_days=2)]
    undated = Article(title="Undated page", source="Wire", url="https://example.com/3",
                      published_at="2026-12-07T10:11:12Z", published_estimated=True)  # fmt: skip
    writes.write_batch(db, [one, two, undated], [], "test")
    db.close()
    with sqlite3.connect(path) as conn:
        conn.execute("DELETE FROM article_categories")
        conn.execute("UPDATE decisions SET action = NULL, direction = NULL, structure = NULL, horizon_text = NULL")
        conn.execute("UPDATE articles SET sentiment_label = NULL, sentiment = 0.6 WHERE url LIKE '%/1'")
        conn.execute("UPDATE articles SET sentiment_label = NULL, sentiment = -0.4 WHERE url LIKE '%/2'")
    (path.parent / "prices.csv").write_text(PRICES)
    assert run("prices", "import", str(path.parent / "prices.csv"), db=path).returncode == 0
    return path


@pytest.fixture(scope="module")
def bare_db(tmp_path_factory) -> Path:
    return bare(tmp_path_factory.mktemp("bare") / "bare.db")


@pytest.mark.parametrize(
    "by, keys",
    [("action", ["(no action)"]), ("category", ["(no category)"]), ("source", ["Wire"]),
     ("exposure", ["long"]), ("horizon", ["none stated", "up to 1 month"]), ("all", ["all"])],
)  # fmt: skip
def test_scorecard_groups_on_empty_optional_fields(bare_db: Path, by: str, keys: list[str]) -> None:
    out = run("scorecard", "--by", by, "--json", db=bare_db)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert sorted(g["key"] for g in data["groups"]) == keys
    text = run("scorecard", "--by", by, db=bare_db)
    assert text.returncode == 0, text.stderr


def test_scorecard_numbers_on_the_bare_database(bare_db: Path) -> None:
    data = json.loads(run("scorecard", "--json", db=bare_db).stdout)
    by_title = {d["position"] + i * 10: d for i, d in enumerate(data["decisions"])}
    # oldest first: the 01-02 17:00 ET call enters 01-03 at 102; + 2 days = 01-05 at 110: r = 8/102;
    # SPY 51 -> 52.5: b = 1.5/51.
    first = by_title[1]
    assert (first["entry_date"], first["exit_date"], first["closes"]) == ("2024-01-03", "2024-01-05", "real")
    assert first["excess_return"] == pytest.approx(8 / 102 - 1.5 / 51, abs=1e-9)
    # the 10:00 ET call of 01-04 enters 01-04 at 105 with 90 days assumed: open at 01-08 (99); SPY 51 -> 52.5.
    second = by_title[11]
    assert (second["status"], second["entry_date"], second["exit_date"]) == ("open", "2024-01-04", "2024-01-08")
    assert second["excess_return"] == pytest.approx(99 / 105 - 52.5 / 51, abs=1e-9)


@pytest.mark.parametrize("by", ["all", "category", "basket", "source"])
def test_evidence_on_empty_optional_fields(bare_db: Path, by: str) -> None:
    out = run("evidence", "--by", by, "--json", db=bare_db)
    assert out.returncode == 0, out.stderr
    groups = {row["group"] for row in json.loads(out.stdout)}
    assert groups == {"all": {"all"}, "category": {"Uncategorised"}, "basket": set(), "source": {"Wire"}}[by]


def test_evidence_json_and_observations_by_hand(bare_db: Path, tmp_path: Path) -> None:
    target = tmp_path / "obs.csv"
    out = run("evidence", "--json", "--observations", str(target), db=bare_db)
    assert out.returncode == 0, out.stderr
    rows = {(r["tone"], r["window"]): r for r in json.loads(out.stdout)}
    assert list(json.loads(out.stdout)[0]) == ["group", "tone", "window", "n", "mean", "t", "ci_low", "ci_high",
                                               "too_few"]  # fmt: skip
    # bearish (-0.4), 01-02 after the close: base 01-02 (100), entry 01-03 (102): day0 0.02 - (51/50 - 1) = 0.
    assert rows["bearish", "day0"]["mean"] == pytest.approx(0.0, abs=1e-9)
    # bullish (0.6), 01-04 10:00 ET: base 01-03 (102), entry 01-04 (105): day0 105/102 - 1 against SPY flat;
    # 1d: 01-05 (110): 110/105 - 1 against 52.5/51 - 1.
    assert rows["bullish", "day0"]["mean"] == pytest.approx(105 / 102 - 1, abs=1e-9)
    assert rows["bullish", "1d"]["mean"] == pytest.approx(110 / 105 - 52.5 / 51, abs=1e-9)
    assert ("bullish", "20d") not in rows  # 20 sessions after 01-04 are not in the table yet
    with open(target, encoding="utf-8-sig", newline="") as fh:
        table = list(csv.DictReader(fh))
    assert list(table[0]) == ["article_id", "ticker", "benchmark", "tone", "published_at", "base_date", "entry_date",
                              "exit_date", "window", "return", "benchmark_return", "excess_return"]  # fmt: skip
    five = [r for r in table if r["tone"] == "bearish" and r["window"] == "5d"]
    assert five == []  # 01-03 + 5 sessions = 01-10: not yet
    one = next(r for r in table if r["tone"] == "bullish" and r["window"] == "1d")
    assert (one["ticker"], one["benchmark"], one["base_date"], one["entry_date"], one["exit_date"]) == (
        "AAA", "SPY", "2024-01-03", "2024-01-04", "2024-01-05")
    assert float(one["return"]) == pytest.approx(110 / 105 - 1, abs=1e-9)
    assert float(one["excess_return"]) == pytest.approx(110 / 105 - 52.5 / 51, abs=1e-9)


def test_evidence_page_data_on_empty_optional_fields(bare_db: Path) -> None:
    """The Scorecard page's Evidence section crashed on an uncategorised article naming a company."""
    conn = schema.connect_readonly(bare_db)
    groups = {o.group for o in track.observations(conn, by="category")}
    assert groups == {"Uncategorised"}
    assert all(isinstance(r.group, str) for r in track.run_evidence(conn, by="category"))


def test_scorecard_says_what_is_missing(tmp_path: Path, bare_db: Path) -> None:
    assert "No decisions to grade." in run("scorecard", db=tmp_path / "empty.db").stdout
    db = tmp_path / "no-prices.db"
    conn = schema.connect(db)
    art = Article(title="t", source="s", url="https://example.com/x", published_at="2024-01-03T15:00:00Z")
    art.decisions = [Decision(1, "Buy AAA.", "buy", instruments=[leg("AAA", "long")])]
    writes.write_batch(conn, [art], [], "t")
    conn.close()
    assert "import prices first" in run("scorecard", db=db).stdout
    (tmp_path / "other.csv").write_text("date,ticker,close\n2024-01-02,ZZZ,1\n")
    assert run("prices", "import", str(tmp_path / "other.csv"), db=db).returncode == 0
    out = run("scorecard", db=db).stdout
    assert "import prices first" not in out and "No decision could be scored" in out


def test_max_entry_lag(bare_db: Path) -> None:
    strict = json.loads(run("scorecard", "--json", "--max-entry-lag", "0", db=bare_db).stdout)
    assert [d["status"] for d in strict["decisions"]] == ["closed", "open"]  # both enter on time
    assert run("scorecard", "--max-entry-lag", "-1", db=bare_db).returncode != 0


def test_stats_span_leaves_undated_rows_out(bare_db: Path) -> None:
    stats = json.loads(run("stats", "--json", db=bare_db).stdout)
    assert (stats["first_published"], stats["last_published"]) == ("2024-01-02", "2024-01-04")
    assert stats["estimated_dates"] == 1
    human = run("stats", db=bare_db).stdout
    assert "(2024-01-02 to 2024-01-04; 1 without a date of their own)" in human


def test_csv_module_reads_what_evidence_wrote(tmp_path: Path, bare_db: Path) -> None:
    target = tmp_path / "o.csv"
    assert run("evidence", "--observations", str(target), db=bare_db).returncode == 0
    assert len(list(csv.reader(io.StringIO(target.read_text("utf-8-sig"))))) > 1


def test_a_real_article_beside_the_demo_is_never_graded_on_illustrative_closes(tmp_path: Path) -> None:
    from tests.seed import demo_desk

    db = demo_desk(tmp_path / "demo.db")
    conn = schema.connect(db)
    real = Article(title="A real call", source="Real Wire", url="https://example.com/real",
                   published_at="2026-06-01T14:00:00Z")  # fmt: skip
    real.decisions = [Decision(1, "Buy Apple.", "buy", instruments=[leg("AAPL", "long")], horizon_max_days=30)]
    writes.write_batch(conn, [real], [], "t")
    conn.close()
    data = json.loads(run("scorecard", "--json", db=db).stdout)
    ids = {r[0] for r in sqlite3.connect(db).execute("SELECT id FROM articles WHERE source = 'Real Wire'")}
    (mine,) = [d for d in data["decisions"] if d["article_id"] in ids]
    assert mine["status"] == "unscored" and "illustrative closes grade only demo articles" in mine["reason"]
    demo = [d for d in data["decisions"] if d["article_id"] not in ids and d["status"] != "unscored"]
    assert demo and {d["closes"] for d in demo} == {"illustrative"}
    # with real closes for AAPL and its benchmark the real article is graded on them, and says so
    rows = ["date,ticker,close"] + [f"2026-06-{d:02d},{t},{c}" for d, t, c in
                                    [(1, "AAPL", 200.0), (2, "AAPL", 202.0), (1, "SPY", 500.0), (2, "SPY", 500.0)]]
    (tmp_path / "aapl.csv").write_text("\n".join(rows) + "\n")
    with sqlite3.connect(db) as raw:  # the stored illustrative closes of those dates make way for the real ones
        raw.execute("DELETE FROM prices WHERE ticker IN ('AAPL', 'SPY') AND date IN ('2026-06-01', '2026-06-02')")
    assert run("prices", "import", str(tmp_path / "aapl.csv"), db=db).returncode == 0
    data = json.loads(run("scorecard", "--json", db=db).stdout)
    (mine,) = [d for d in data["decisions"] if d["article_id"] in ids]
    # entry 06-01 (10:00 ET) at 200; the real table ends on 06-02 with AAPL's last close: open, marked at 202;
    # SPY flat: excess 0.01
    assert (mine["status"], mine["entry_date"], mine["closes"]) == ("open", "2026-06-01", "real")
    assert mine["excess_return"] == pytest.approx(0.01)
