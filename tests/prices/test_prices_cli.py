"""``prices import``, ``prices fetch`` and ``scorecard`` on real SQLite files, as a user runs them."""

from __future__ import annotations

import http.server
import json
import math
import sqlite3
import threading
from pathlib import Path

import pytest

from newsdesk.db import schema, writes
from newsdesk.domain.models import Article, Decision
from newsdesk.flows import prices as track
from tests.flows.test_cli import run

LONG = "date,ticker,close\n2024-01-02,AAA,100\n2024-01-03,AAA,102\n2024-01-02,BBB,200\n"
WIDE = "Date,AAA,CCC\n2024-01-04,105,\n2024-01-05,110,31.5\n"
YAHOO = (
    "Date,Open,High,Low,Close,Adj Close,Volume\n"
    "2024-01-02,1,1,1,51.00,50.00,10\n2024-01-03,1,1,1,52.00,51.00,10\n2024-01-04,1,1,1,oops,oops,10\n"
)


def stored(db: Path) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT ticker, date, close, source FROM prices ORDER BY ticker, date").fetchall()


def test_import_long_wide_yahoo_then_again_adds_nothing(tmp_path: Path) -> None:
    db = tmp_path / "p.db"
    (tmp_path / "long.csv").write_text(LONG)
    (tmp_path / "wide.csv").write_text(WIDE)
    (tmp_path / "SPY.csv").write_text(YAHOO)
    files = [str(tmp_path / n) for n in ("long.csv", "wide.csv", "SPY.csv")]
    first = run("prices", "import", *files, db=db)
    assert first.returncode == 0, first.stderr
    assert first.stdout.splitlines()[0] == "8 prices added, 0 already stored, 1 rejected"
    assert "SPY.csv line 4: close 'oops' is not a number" in first.stdout
    assert stored(db) == [
        ("AAA", "2024-01-02", 100.0, "long.csv"),
        ("AAA", "2024-01-03", 102.0, "long.csv"),
        ("AAA", "2024-01-04", 105.0, "wide.csv"),
        ("AAA", "2024-01-05", 110.0, "wide.csv"),
        ("BBB", "2024-01-02", 200.0, "long.csv"),
        ("CCC", "2024-01-05", 31.5, "wide.csv"),
        ("SPY", "2024-01-02", 50.0, "SPY.csv"),  # the adjusted close, ticker from the file name
        ("SPY", "2024-01-03", 51.0, "SPY.csv"),
    ]
    again = run("prices", "import", *files, db=db)
    assert again.returncode == 0
    assert again.stdout.splitlines()[0] == "0 prices added, 8 already stored, 1 rejected"
    assert len(stored(db)) == 8
    with sqlite3.connect(db) as conn:
        runs = conn.execute("SELECT source, added, duplicates, rejected FROM ingest_runs ORDER BY id").fetchall()
        problems = conn.execute("SELECT locator, reason FROM problems").fetchall()
    assert runs[0] == ("prices: long.csv", 3, 0, 0) and runs[2] == ("prices: SPY.csv", 2, 0, 1)
    assert runs[5] == ("prices: SPY.csv", 0, 2, 1)
    assert len(problems) == 2 and "oops" in problems[0][1]


def test_import_exit_codes_and_explicit_ticker(tmp_path: Path) -> None:
    db = tmp_path / "p.db"
    bad = tmp_path / "bad.csv"
    bad.write_text("date,ticker,close\n2024-01-02,AAA,-5\n01/02/2024,AAA,3\n")
    out = run("prices", "import", str(bad), db=db)
    assert out.returncode == 3
    assert "every row of" in out.stderr and "ambiguous" in out.stdout
    assert run("prices", "import", str(tmp_path / "missing.csv"), db=db).returncode == 1
    one = tmp_path / "download.csv"
    one.write_text("Date,Open,High,Low,Close,Volume\n2024-01-02,1,1,1,9.5,3\n")
    ok = run("prices", "import", str(one), "--ticker", "7203.T", "--format", "stooq", db=db)
    assert ok.returncode == 0, ok.stderr
    assert stored(db) == [("7203.T", "2024-01-02", 9.5, "download.csv")]


# ------------------------------------------------------------------ splices, --replace, provenance

UNADJUSTED = "Date,Close\n2020-08-26,506.09\n2020-08-27,500.04\n2020-08-28,499.23\n2020-08-31,129.04\n"
# split-adjusted (4:1 on 2020-08-31), one close within 0.5 % of the stored one, and a new day
ADJUSTED = "Date,Close\n2020-08-26,126.5225\n2020-08-27,125.01\n2020-08-28,124.8075\n2020-08-31,129.3\n" \
    "2020-09-01,134.18\n"


def test_a_splice_warns_keeps_the_stored_closes_and_replace_leaves_one_series(tmp_path: Path) -> None:
    db = tmp_path / "p.db"
    (tmp_path / "old").mkdir()
    (tmp_path / "new").mkdir()
    (tmp_path / "old" / "AAPL.csv").write_text(UNADJUSTED)
    (tmp_path / "new" / "AAPL_historical_data.csv").write_text(ADJUSTED)
    (tmp_path / "MSFT.csv").write_text("Date,Close\n2020-08-31,225.53\n")
    first = run("prices", "import", str(tmp_path / "old" / "AAPL.csv"), str(tmp_path / "MSFT.csv"), db=db)
    assert first.returncode == 0, first.stderr
    before = stored(db)
    new = str(tmp_path / "new" / "AAPL_historical_data.csv")
    out = run("prices", "import", new, db=db)
    assert out.returncode == 0, out.stderr
    held = "0 prices added, 0 already stored, 0 rejected, 5 held back (a splice: see the warning)"
    assert out.stdout.splitlines()[0] == held
    assert (
        "Warning: AAPL: 3 stored closes (2020-08-26 to 2020-08-28) differ by more than 0.5 % from the new ones; "
        "median ratio new/stored 0.2500 = a 4:1 split (a constant ratio is a split or dividend adjustment). "
        "Kept the stored closes and left out all 5 new AAPL closes (two adjustments in one series make a false "
        f"step); to replace AAPL's whole stored series by these: newsdesk prices import --replace {new}"
    ) in out.stderr
    assert stored(db) == before  # nothing of AAPL added: 2020-09-01 would sit on a differently adjusted series
    replaced = run("prices", "import", "--replace", new, db=db)
    assert replaced.returncode == 0, replaced.stderr
    assert "Warning" not in replaced.stderr
    assert "--replace: removed 4 stored closes of AAPL_historical_data.csv's tickers first." in replaced.stdout
    aapl = [r for r in stored(db) if r[0] == "AAPL"]
    assert aapl == [
        ("AAPL", d, float(c), "AAPL_historical_data.csv")
        for d, c in (line.split(",") for line in ADJUSTED.splitlines()[1:])
    ]
    assert ("MSFT", "2020-08-31", 225.53, "MSFT.csv") in stored(db)  # another ticker is left alone
    again = run("prices", "import", new, db=db)
    assert again.stdout.splitlines()[0] == "0 prices added, 5 already stored, 0 rejected" and not again.stderr


def test_a_splice_holds_back_that_ticker_only_and_small_differences_are_no_splice(tmp_path: Path) -> None:
    db = schema.connect(tmp_path / "p.db")
    (tmp_path / "first.csv").write_text("date,ticker,close\n2024-01-02,AAA,100\n2024-01-02,BBB,50\n")
    track.import_price_files(db, [tmp_path / "first.csv"])
    # AAA: a 2:1 split adjustment; BBB: 0.4 % off (within the tolerance) and a new day
    (tmp_path / "second.csv").write_text(
        "date,ticker,close\n2024-01-02,AAA,50\n2024-01-03,AAA,51\n2024-01-02,BBB,50.2\n2024-01-03,BBB,51\n"
    )
    write = track.import_price_files(db, [tmp_path / "second.csv"]).writes[0][1]
    (splice,) = write.splices
    assert (splice.ticker, splice.dates, splice.ratio, splice.held_back) == ("AAA", 1, 0.5, 2)
    assert "= a 2:1 split" in splice.describe()
    assert (write.added, write.duplicates, write.held_back) == (1, 1, 2)
    assert track.price_reads.price_rows(db.conn) == [
        ("AAA", "2024-01-02", 100.0), ("BBB", "2024-01-02", 50.0), ("BBB", "2024-01-03", 51.0)
    ]  # fmt: skip


def test_real_closes_win_over_illustrative_ones_and_reads_tell_them_apart(tmp_path: Path) -> None:
    from newsdesk.db.prices import write_prices
    from newsdesk.db.read import prices as reads
    from newsdesk.prices import ILLUSTRATIVE_SOURCE, PriceRow

    db = schema.connect(tmp_path / "p.db")
    demo = [PriceRow("AAA", f"2024-01-0{d}", 10.0 + d) for d in range(1, 6)]
    assert write_prices(db, demo, [], ILLUSTRATIVE_SOURCE).added == 5
    (tmp_path / "AAA.csv").write_text("Date,Close\n2024-01-02,50\n2024-01-03,51\n2024-01-08,52\n")
    report = track.import_price_files(db, [tmp_path / "AAA.csv"])
    assert (report.added, report.duplicates, report.illustrative_replaced) == (3, 0, 2)
    assert not report.writes[0][1].splices  # illustrative closes are replaced, not warned about
    again = write_prices(db, demo, [], ILLUSTRATIVE_SOURCE)  # the demo loaded again never overwrites a real close
    assert (again.added, again.duplicates, again.illustrative_replaced) == (0, 5, 0)
    assert reads.price_rows_with_source(db.conn, ["AAA"]) == [
        ("AAA", "2024-01-01", 11.0, "illustrative"),
        ("AAA", "2024-01-02", 50.0, "AAA.csv"),
        ("AAA", "2024-01-03", 51.0, "AAA.csv"),
        ("AAA", "2024-01-04", 14.0, "illustrative"),
        ("AAA", "2024-01-05", 15.0, "illustrative"),
        ("AAA", "2024-01-08", 52.0, "AAA.csv"),
    ]
    real = [("AAA", "2024-01-02", 50.0), ("AAA", "2024-01-03", 51.0), ("AAA", "2024-01-08", 52.0)]
    assert reads.real_price_rows(db.conn) == reads.real_price_rows(db.conn, ["AAA", "ZZZ"]) == real
    frame = reads.price_series_with_source(db.conn, ["AAA"])
    assert list(frame.columns) == ["ticker", "date", "close", "source", "illustrative"]
    assert frame["illustrative"].tolist() == [True, False, False, True, True, False]
    assert len(reads.price_series_with_source(db.conn, real_only=True)) == 3
    replaced = track.import_price_files(db, [tmp_path / "AAA.csv"], replace=True)  # --replace keeps the demo's days
    assert (replaced.writes[0][1].replaced, replaced.added) == (3, 3)
    assert len(reads.price_rows_with_source(db.conn, ["AAA"])) == 6


def test_rejections_are_grouped_by_reason_notes_say_how_a_file_was_read(tmp_path: Path) -> None:
    db = tmp_path / "p.db"
    long = "date,open,close,volume,Name\n" + "".join(
        f"2/{d}/2013,1,{'' if d % 2 else '2'},3,{t}\n" for d in range(8, 16) for t in ("AAL", "AAPL")
    )
    (tmp_path / "all_stocks_5yr.csv").write_text(long)
    (tmp_path / "download (1).csv").write_text("Date,Close\n05/01/2024,3\n15/01/2024,4\n")
    out = run("prices", "import", str(tmp_path / "all_stocks_5yr.csv"), str(tmp_path / "download (1).csv"), db=db)
    assert out.returncode == 0, out.stderr  # some rows rejected, not all: 0 as for ingest
    lines = out.stdout.splitlines()
    assert lines[0] == "10 prices added, 0 already stored, 8 rejected"
    assert (
        "  rejected 8 × no close (blank) (e.g. all_stocks_5yr.csv line 4 (AAL), all_stocks_5yr.csv line 5 (AAPL), "
        "all_stocks_5yr.csv line 8 (AAL))"
    ) in lines  # 2/9, 2/11, 2/13, 2/15 for both tickers
    assert "  all_stocks_5yr.csv: 1 of 2 tickers are not companies of data/companies.csv (e.g. AAL)" in lines
    assert "  all_stocks_5yr.csv: tickers from the 'Name' column" in lines
    assert "  all_stocks_5yr.csv: dates read as month/day/year ('2/13/2013' on line 12 settles the order)" in lines
    assert "  download (1).csv: ticker DOWNLOAD (1) (from the file name) is not a company of data/companies.csv: " \
        "if that is not its ticker, import it again with --ticker" in lines
    assert "  download (1).csv: dates read as day/month/year ('15/01/2024' on line 3 settles the order)" in lines
    assert [r for r in stored(db) if r[0] == "AAL"][0] == ("AAL", "2013-02-08", 2.0, "all_stocks_5yr.csv")
    assert ("DOWNLOAD (1)", "2024-01-05", 3.0, "download (1).csv") in stored(db)
    (tmp_path / "SPY.csv").write_text("Date,Close\n01/02/2024,470\n02/01/2024,471\n")
    ambiguous = run("prices", "import", str(tmp_path / "SPY.csv"), db=db)
    assert ambiguous.returncode == 3
    assert "2 × date '…' is ambiguous (day/month order) and no row of the file settles it: pass --date-format " \
        "'%m/%d/%Y' or '%d/%m/%Y'" in ambiguous.stdout
    told = run("prices", "import", str(tmp_path / "SPY.csv"), "--date-format", "%d/%m/%Y", db=db)
    assert told.returncode == 0 and told.stdout.splitlines()[0] == "2 prices added, 0 already stored, 0 rejected"
    assert [r[1:3] for r in stored(db) if r[0] == "SPY"] == [("2024-01-02", 471.0), ("2024-02-01", 470.0)]
    (tmp_path / "msft.us.txt").write_text("Date,Time,Close\n2019-04-01,16:00:00,117.3\n2019-04-01,17:00:00,117.2\n")
    hourly = run("prices", "import", str(tmp_path / "msft.us.txt"), db=db)
    assert hourly.returncode == 1 and "intraday bars" in hourly.stderr


# ------------------------------------------------------------------ the scorecard on a hand-made table

PRICES = (
    "date,ticker,close\n"
    "2024-01-01,AAA,99\n2024-01-02,AAA,100\n2024-01-03,AAA,102\n2024-01-04,AAA,105\n2024-01-05,AAA,110\n"
    "2024-01-02,BBB,200\n2024-01-03,BBB,190\n2024-01-04,BBB,180\n2024-01-05,BBB,170\n"
    "2024-01-01,BMK,50\n2024-01-02,BMK,50\n2024-01-03,BMK,51\n2024-01-04,BMK,51\n2024-01-05,BMK,52.5\n"
)


def leg(ticker: str, side: str) -> dict:
    return {"name": ticker, "ticker": ticker, "side": side}


def seeded(path: Path) -> Path:
    """One article published 2024-01-01 15:00 UTC with five decisions, one with an estimated date."""
    db = schema.connect(path)
    decisions = [
        Decision(1, "Buy AAA for two days.", "buy", instruments=[leg("AAA", "long")], horizon_max_days=2),
        Decision(2, "Long AAA, short BBB.", "pair", instruments=[leg("AAA", "long"), leg("BBB", "short")],
                 horizon_max_days=3),
        Decision(3, "Short BBB.", "short", instruments=[leg("BBB", "short")], horizon_max_days=10),
        Decision(4, "Hold AAA.", "hold", instruments=[leg("AAA", "hold")], horizon_max_days=30),
        Decision(5, "Buy AAA.", "buy", instruments=[leg("AAA", "long")]),
    ]  # fmt: skip
    article = Article(
        title="Hand-made", source="Test Desk", url="https://example.com/a", published_at="2024-01-01T15:00:00Z"
    )
    article.decisions = decisions
    estimated = Article(
        title="Undated", source="Test Desk", url="https://example.com/b", published_at="2024-01-01T00:00:00Z",
        published_estimated=True,
    )  # fmt: skip
    estimated.decisions = [Decision(1, "Buy AAA.", "buy", instruments=[leg("AAA", "long")], horizon_max_days=2)]
    writes.write_batch(db, [article, estimated], [], "test")
    db.close()
    (path.parent / "prices.csv").write_text(PRICES)
    assert run("prices", "import", str(path.parent / "prices.csv"), db=path).returncode == 0
    return path


def test_scorecard_json_matches_the_rules_by_hand(tmp_path: Path) -> None:
    db = seeded(tmp_path / "s.db")
    out = run("scorecard", "--json", "--by", "all", "--benchmark", "BMK", db=db)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    by_pos = {(d["position"], d["status"]): d for d in data["decisions"] if d["status"] != "unscored"}
    # 1: entry 01-02 (100; the 01-01 close is on the publish day), exit 01-04 (105); BMK 50 -> 51
    one = by_pos[(1, "closed")]
    assert (one["entry_date"], one["exit_date"]) == ("2024-01-02", "2024-01-04")
    assert one["return"] == pytest.approx(0.05) and one["benchmark_return"] == pytest.approx(0.02)
    assert one["excess_return"] == pytest.approx(0.03) and one["success"] is True
    # 2: pair over 01-02..01-05: AAA +10 %, BBB -15 % -> spread 0.25, no benchmark
    two = by_pos[(2, "closed")]
    assert two["excess_return"] == pytest.approx(0.25) and two["benchmark_return"] is None
    # 3: short BBB for 10 days: 01-12 is after the last close -> open, marked at 01-05
    three = by_pos[(3, "open")]
    assert three["return"] == pytest.approx(0.15) and three["benchmark_return"] == pytest.approx(-0.05)
    assert three["excess_return"] == pytest.approx(0.20)
    # 5: no horizon -> 90 days -> open at 01-05: 0.10 - 0.05
    assert by_pos[(5, "open")]["excess_return"] == pytest.approx(0.05)
    statuses = sorted((d["position"], d["status"]) for d in data["decisions"])
    assert statuses == [(1, "closed"), (1, "unscored"), (2, "closed"), (3, "open"), (4, "unscored"), (5, "open")]
    (group,) = data["groups"]
    xs = [0.03, 0.25, 0.20, 0.05]
    mean = sum(xs) / 4
    sd = math.sqrt(sum((x - mean) ** 2 for x in xs) / 3)
    half = 3.182446305284263 * sd / 2  # Student's t, 3 degrees of freedom, 97.5 %
    assert group["key"] == "all" and group["n"] == 4 and group["success_rate"] == 1.0
    assert group["mean_excess_return"] == pytest.approx(0.1325)
    assert group["t_stat"] == pytest.approx(mean / (sd / 2))
    assert (group["ci_low"], group["ci_high"]) == (pytest.approx(mean - half), pytest.approx(mean + half))
    closed = json.loads(run("scorecard", "--json", "--by", "all", "--closed-only", "--benchmark", "BMK", db=db).stdout)
    assert closed["groups"][0]["n"] == 2 and closed["groups"][0]["mean_excess_return"] == pytest.approx(0.14)
    shorter = json.loads(run("scorecard", "--json", "--default-horizon", "2", "--benchmark", "BMK", db=db).stdout)
    five = [d for d in shorter["decisions"] if d["position"] == 5 and d["status"] != "unscored"][0]
    assert five["status"] == "closed" and five["excess_return"] == pytest.approx(0.03)


def test_scorecard_table(tmp_path: Path) -> None:
    db = seeded(tmp_path / "s.db")
    out = run("scorecard", "--by", "action", "--benchmark", "BMK", db=db)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0] == "6 decisions: 2 closed, 2 open, 2 not scored."
    assert lines[1].split() == ["action", "n", "success", "mean", "excess", "t", "95", "%", "interval"]
    assert lines[2].split()[:6] == ["buy", "2", "100", "%", "+4.0", "%"] and lines[2].endswith("too few")
    assert "too few to tell skill from luck" in lines[-1]
    empty = run("scorecard", db=tmp_path / "empty.db")
    assert "No decisions to grade" in empty.stdout


class _Prices(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802
        name = self.path.rsplit("/", 1)[-1].removesuffix(".csv")
        if name == "BMK":
            body = b"Date,Open,High,Low,Close,Volume\n2024-01-02,1,1,1,50,1\n2024-01-03,1,1,1,51,1\n"
            self.send_response(200)
        else:
            body = b"not here"
            self.send_response(404)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def price_server():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Prices)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_fetch_from_a_url_template_on_loopback(tmp_path: Path, price_server: str) -> None:
    db = seeded(tmp_path / "s.db")
    out = run("prices", "fetch", "--url-template", price_server + "/{ticker}.csv", "--benchmark", "BMK", db=db)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines()[0] == "Fetching 3 tickers."  # AAA and BBB of the decisions, and BMK
    assert "0 prices added, 2 already stored, 2 rejected" in out.stdout  # AAA and BBB: 404
    assert "rejected " in out.stdout and "AAA" in out.stdout
    assert run("prices", "fetch", db=db).returncode == 1  # no source named


def test_fetch_from_yahoo_with_an_injected_downloader(tmp_path: Path) -> None:
    pd = pytest.importorskip("pandas")
    db = schema.connect(seeded(tmp_path / "s.db"))
    asked = {}

    def download(tickers, start, end, **kwargs):
        asked.update(tickers=tickers, start=start)
        index = pd.to_datetime(["2024-01-08", "2024-01-09"])
        columns = pd.MultiIndex.from_product([["Adj Close", "Close"], tickers])
        return pd.DataFrame([[11.0] * len(columns), [12.0] * len(columns)], index=index, columns=columns)

    tickers, report = track.fetch_prices(db, yahoo=True, since="2024-01-06", benchmark="BMK", download=download)
    assert tickers == asked["tickers"] == ["AAA", "BBB", "BMK"] and asked["start"] == "2024-01-06"
    assert (report.added, report.exit_code) == (6, 0)
    assert track.price_reads.latest_dates(db.conn) == {"AAA": "2024-01-09", "BBB": "2024-01-09", "BMK": "2024-01-09"}
    assert {r[3] for r in track.price_reads.price_rows_with_source(db.conn) if r[1] >= "2024-01-08"} == {"yfinance"}


def test_a_schema_11_database_migrates_and_keeps_its_articles(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "old.db"
    monkeypatch.setattr(schema, "SCHEMA_VERSION", 11)
    old = schema.connect(path)
    # written as a schema-11 writer would: today's writer also fills later migrations' columns
    old.execute(
        "INSERT INTO articles (id, title, source, url, published_at, ingested_at) VALUES (?, ?, ?, ?, ?, ?)",
        ["k1", "Kept", "S", "https://e.com/k", "2024-01-01T00:00:00Z", "2024-01-02T00:00:00Z"],
    )
    old.conn.commit()
    assert schema.schema_version(old) == 11 and "prices" not in old.table_names()
    old.close()
    monkeypatch.undo()
    (tmp_path / "p.csv").write_text(LONG)
    out = run("prices", "import", str(tmp_path / "p.csv"), db=path)
    assert out.returncode == 0, out.stderr
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION
        assert conn.execute("SELECT title FROM articles").fetchall() == [("Kept",)]
        assert conn.execute("SELECT count(*) FROM prices").fetchone()[0] == 3


@pytest.mark.parametrize(
    ("name", "note"),
    [
        # a second share class of a curated company: its closes would grade nothing, so say which ticker to use
        ("GOOG.csv", "  GOOG.csv: ticker GOOG is Alphabet Inc., which newsdesk's articles and decisions name as "
                     "GOOGL: these closes grade nothing under GOOG; import the file again with --ticker GOOGL to "
                     "grade them"),
        ("AAL.csv", None),  # listed (data/listings.csv), not curated: an ordinary ticker, no note
        ("GOOGL.csv", None),
        ("ZZZZQ.csv", "  ZZZZQ.csv: ticker ZZZZQ (from the file name) is not a company of data/companies.csv: "
                      "if that is not its ticker, import it again with --ticker"),
    ],
)
def test_a_file_named_after_a_listing_is_noted_only_when_its_closes_would_grade_nothing(tmp_path, name, note) -> None:
    path = tmp_path / name
    path.write_text("Date,Close\n2024-01-02,140\n2024-01-03,141\n")
    out = run("prices", "import", str(path), db=tmp_path / "p.db")
    assert out.returncode == 0, out.stderr
    notes = [line for line in out.stdout.splitlines() if "ticker" in line and "from the file name" not in line
             or "is not a company" in line]  # fmt: skip
    assert notes == ([note] if note else []), out.stdout
