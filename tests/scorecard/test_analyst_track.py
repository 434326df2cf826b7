"""Track records by author, end to end: a headline CSV with a ticker column is ingested, closes are
imported, and the calls are graded by author (CLI), filtered by author (reads, export, pages) and
shown on cards. The headlines are written for this test; the closes are made up (a rising and a
falling ticker against a flat benchmark), so every excess return is known in advance."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from newsdesk.db import schema
from newsdesk.db.read import decisions as read_decisions
from newsdesk.domain.filters import Filters
from newsdesk.flows import export
from newsdesk.flows import ingest as pipeline
from newsdesk.flows import prices as track
from tests.apptest_util import app
from tests.flows.test_cli import run

START = date(2024, 1, 2)
# headline, the row's ticker; UPX rises, DNX falls, SPY (the US benchmark) is flat
HEADLINES = [
    ("Goldman Sachs Upgrades Upex Corp to Buy, Raises Price Target to $150", "UPX"),
    ("Goldman Sachs Downgrades Downex to Sell", "DNX"),
    ("Goldman Sachs Maintains Buy on Upex Corp, Raises Price Target to $160", "UPX"),
    ("Goldman Sachs Reiterates Buy on Upex Corp", "UPX"),
    ("Goldman Sachs Initiates Coverage On Downex with Underweight Rating", "DNX"),
    ("Citigroup Upgrades Downex to Buy", "DNX"),
    ("Citigroup Downgrades Upex Corp to Underperform", "UPX"),
    ("Upex Corp Reports Record Quarter", "UPX"),  # not a call
]


def _closes() -> str:
    out = io.StringIO()
    out.write("date,ticker,close\n")
    for n in range(200):
        day = (START + timedelta(days=n)).isoformat()
        out.write(f"{day},UPX,{100 + n}\n{day},DNX,{300 - n}\n{day},SPY,400\n")
    return out.getvalue()


@pytest.fixture(scope="module")
def calls_db(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("calls")
    headlines = folder / "ratings.csv"
    with headlines.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["title", "date", "stock", "publisher"])
        for n, (title, ticker) in enumerate(HEADLINES):
            w.writerow([title, f"2024-01-{3 + n:02d} 08:00:00-04:00", ticker, "Test Wire"])
    prices = folder / "closes.csv"
    prices.write_text(_closes(), encoding="utf-8")
    path = folder / "calls.db"
    db = schema.connect(path)
    pipeline.ingest_paths(db, [headlines])
    report = track.import_price_files(db, [prices])
    assert report.added == 600
    db.close()
    return path


def test_headline_calls_are_stored_with_author_rating_and_target(calls_db) -> None:
    conn = schema.connect_readonly(calls_db)
    df = read_decisions.decisions(conn)
    assert len(df) == 7  # the earnings headline is no call
    first = df[df["text"].str.startswith("Goldman Sachs Upgrades")].iloc[0]
    assert (first["author"], first["rating"], first["price_target"], first["origin"]) == (
        "Goldman Sachs",
        "Buy",
        150.0,
        "headline",
    )
    assert first["instruments"] == [{"name": "Upex Corp", "ticker": "UPX", "side": "long"}]  # decoded by the read
    assert first["exposures"] == "long UPX"
    assert read_decisions.authors(conn).values.tolist() == [["Goldman Sachs", 5], ["Citigroup", 2]]
    only = read_decisions.decisions(conn, Filters(author=("Citigroup",)))
    assert sorted(only["author"]) == ["Citigroup", "Citigroup"]
    assert read_decisions.decision_count(conn, Filters(author=("Citigroup",))) == 2


def test_scorecard_by_author_json(calls_db) -> None:
    out = run("scorecard", "--by", "author", "--json", db=calls_db)
    assert out.returncode == 0, out.stderr
    groups = {g["key"]: g for g in json.loads(out.stdout)["groups"]}
    assert set(groups) == {"Goldman Sachs", "Citigroup"}
    goldman, citi = groups["Goldman Sachs"], groups["Citigroup"]
    assert (goldman["n"], goldman["success_rate"]) == (5, 1.0)
    assert (citi["n"], citi["success_rate"]) == (2, 0.0)
    text = run("scorecard", "--by", "author", "--author", "Citigroup", db=calls_db)
    assert "Citigroup" in text.stdout and "Goldman" not in text.stdout and "too few" in text.stdout


def test_decisions_csv_for_an_analyst(calls_db, tmp_path) -> None:
    out = tmp_path / "d.csv"
    done = run("export", "decisions", "--columns", "human", "--author", "Goldman Sachs", "-o", str(out), db=calls_db)
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(io.StringIO(out.read_bytes().decode("utf-8-sig"))))
    assert list(rows[0]) == list(export.DECISION_HUMAN_COLUMNS)
    assert {r["author"] for r in rows} == {"Goldman Sachs"}
    up = next(r for r in rows if r["decision"].startswith("Goldman Sachs Upgrades"))
    assert (up["legs"], up["exposure"], up["rating"], up["price target"]) == (
        "long Upex Corp (UPX)",
        "long UPX",
        "Buy",
        "150.0",
    )
    assert up["horizon end"].endswith("(default)") and up["status"] == "closed"
    assert float(up["excess return"]) > 0 and float(up["return"]) == pytest.approx(float(up["excess return"]))


def test_decisions_page_filters_by_author_from_the_url(calls_db, monkeypatch) -> None:
    monkeypatch.setenv("NEWSDESK_DB", str(calls_db))
    at = app()
    at.query_params["author"] = "Citigroup"
    at.run()
    at.switch_page("pages/1_Decisions.py").run()
    assert not at.exception, at.exception
    assert at.multiselect(key="w_author").value == ["Citigroup"]
    lines = [m.value for m in at.markdown if "·" in m.value and "Citigroup" in m.value]
    assert any("Citigroup · upgrade to Buy" in line for line in lines)
    assert not any("Goldman" in m.value for m in at.markdown)
    labels = [d.label for d in at.get("download_button")]
    assert labels[:2] == ["Download CSV", "Download CSV (all columns)"]


def test_scorecard_page_shows_the_authors_table(calls_db, monkeypatch) -> None:
    monkeypatch.setenv("NEWSDESK_DB", str(calls_db))
    at = app()
    at.run()
    at.switch_page("pages/6_Scorecard.py").run()
    assert not at.exception, at.exception
    authors = next(d.value for d in at.dataframe if "Author" in d.value.columns)
    assert authors["Author"].tolist() == ["Goldman Sachs", "Citigroup"]
    assert authors["calls"].tolist() == [5, 2]
    assert authors["verdict"].iloc[1].startswith("too few calls")
    sources = next(d.value for d in at.dataframe if "Source" in d.value.columns and "verdict" in d.value.columns)
    assert sources["calls"].sum() == 7
    at.multiselect(key="w_author").set_value(["Citigroup"]).run()  # the sidebar's author filter
    assert not at.exception, at.exception
    assert at.query_params["author"] in ("Citigroup", ["Citigroup"])  # AppTest shows one value bare
    authors = next(d.value for d in at.dataframe if "Author" in d.value.columns)
    assert authors["Author"].tolist() == ["Citigroup"]
