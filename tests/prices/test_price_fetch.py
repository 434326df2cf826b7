"""Fetching closes: a URL template against a loopback server, and the yfinance adapter on a recorded shape."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pandas as pd
import pytest

from newsdesk.prices import PriceRow, PriceSourceError
from newsdesk.prices import fetch as price_fetch
from newsdesk.prices.fetch import (
    check_template,
    fetch_from_template,
    fetch_from_yfinance,
    rows_from_yfinance,
    template_url,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "prices"

PAGES = {
    "/p/AAPL.csv": "Date,Open,High,Low,Close,Adj Close,Volume\n2024-01-02,1,1,1,185.64,184.29,5\n"
    "2024-01-03,1,1,1,184.25,182.91,5\n",
    "/p/%5EGSPC.csv": "Date,Open,High,Low,Close,Volume\n2024-01-02,1,1,1,4742.83,5\n",
    "/p/msft.us.csv": "date,ticker,close\n2024-01-02,MSFT.US,370.87\n2024-01-03,MSFT.US,-1\n",
    "/p/EMPTY.csv": "Date,Close\n",
    "/p/NODATA.csv": "No data",
}


class Handler(BaseHTTPRequestHandler):
    requested: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        Handler.requested.append(self.path)
        body = PAGES.get(self.path)
        if body is None:
            self.send_error(404)
            return
        data = body.encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "text/csv")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def server():
    Handler.requested = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_fetch_from_template_over_loopback(server):
    batch = fetch_from_template(
        ["AAPL", "^GSPC", "MSFT", "GONE", "EMPTY", "NODATA", "AAPL"],
        server + "/p/{ticker}.csv",
        symbols={"MSFT": "msft.us"},
    )
    assert Handler.requested == [
        "/p/AAPL.csv",
        "/p/%5EGSPC.csv",
        "/p/msft.us.csv",
        "/p/GONE.csv",
        "/p/EMPTY.csv",
        "/p/NODATA.csv",
    ]  # each ticker once, quoted, through the symbol map
    assert sorted(batch.rows) == [
        PriceRow("AAPL", "2024-01-02", 184.29),
        PriceRow("AAPL", "2024-01-03", 182.91),
        PriceRow("MSFT", "2024-01-02", 370.87),  # the source's MSFT.US filed under the ticker asked for
        PriceRow("^GSPC", "2024-01-02", 4742.83),
    ]
    problems = {(p.locator, p.reason.split(":")[0]) for p in batch.problems}
    reasons = " | ".join(p.reason for p in batch.problems)
    assert ("line 3 (MSFT.US)", "close '-1' is not positive") in problems  # the bad row, its line and ticker
    assert {"GONE", "EMPTY", "NODATA"} <= {p.locator for p in batch.problems}
    assert "HTTP 404" in reasons and "no prices" in reasons and "not a price layout" in reasons


@pytest.mark.parametrize(
    "template, message",
    [
        ("ftp://example.com/{ticker}.csv", "http"),
        ("https://example.com/prices.csv", "{ticker}"),
        ("", "http"),
    ],
)
def test_bad_templates(template, message):
    with pytest.raises(PriceSourceError, match=message):
        check_template(template)


@pytest.mark.parametrize(
    "template, symbol, url",
    [
        ("https://x.test/{ticker}.csv", "7203.T", "https://x.test/7203.T.csv"),
        ("https://x.test/q?s={ticker}&i=d", "^N225", "https://x.test/q?s=%5EN225&i=d"),
        ("https://x.test/{ticker}/{ticker}", "A B/C", "https://x.test/A%20B%2FC/A%20B%2FC"),
    ],
)
def test_template_url(template, symbol, url):
    assert template_url(template, symbol) == url


# ---------------------------------------------------------------------------------------------- yfinance


def recorded_frame() -> pd.DataFrame:
    """The recorded ``yfinance.download`` answer, rebuilt into the DataFrame it was."""
    doc = json.loads((FIXTURES / "yfinance_download.json").read_text(encoding="utf-8"))
    columns = pd.MultiIndex.from_tuples([tuple(c) for c in doc["columns"]], names=doc["column_names"])
    index = pd.DatetimeIndex(pd.to_datetime(doc["index"]), name=doc["index_name"])
    return pd.DataFrame([[float("nan") if v is None else v for v in row] for row in doc["data"]], index, columns)


EXPECTED = [
    ("7203.T", "2024-01-04", 2563.5),
    ("7203.T", "2024-01-05", 2599.1),
    ("AAPL", "2024-01-02", 184.29),
    ("AAPL", "2024-01-03", 182.91),
    ("AAPL", "2024-01-04", 180.59),
    ("AAPL", "2024-01-05", 179.86),
    ("SPY", "2024-01-02", 463.72),
    ("SPY", "2024-01-03", 460.12),
    ("SPY", "2024-01-04", 458.61),
    ("SPY", "2024-01-05", 459.22),
]


def test_yfinance_fields_over_tickers():
    batch = rows_from_yfinance(recorded_frame(), ["AAPL", "7203.T", "SPY", "NOPE"])
    assert sorted(batch.rows) == [PriceRow(*r) for r in EXPECTED]
    assert [(p.locator, p.reason) for p in batch.problems] == [("NOPE", "Yahoo returned no closes for NOPE")]


def test_yfinance_tickers_over_fields():
    frame = recorded_frame().swaplevel(0, 1, axis=1).sort_index(axis=1)  # group_by="ticker"
    batch = rows_from_yfinance(frame, ["AAPL", "7203.T", "SPY"])
    assert sorted(batch.rows) == [PriceRow(*r) for r in EXPECTED]
    assert batch.problems == []


def test_yfinance_single_ticker_and_auto_adjusted():
    single = recorded_frame().xs("AAPL", axis=1, level="Ticker")  # one level: multi_level_index=False
    assert [r.close for r in rows_from_yfinance(single, ["AAPL"]).rows] == [184.29, 182.91, 180.59, 179.86]
    adjusted = recorded_frame().drop(columns="Adj Close", level="Price")  # auto_adjust=True: Close is adjusted
    assert [r.close for r in rows_from_yfinance(adjusted, ["SPY"]).rows] == [472.65, 468.79, 467.28, 467.92]


def test_yfinance_bad_and_empty_answers():
    frame = recorded_frame()
    frame.loc["2024-01-03", ("Adj Close", "AAPL")] = -1.0
    batch = rows_from_yfinance(frame, ["AAPL"])
    assert len(batch.rows) == 3
    assert [(p.locator, p.reason) for p in batch.problems] == [("AAPL 2024-01-03", "close -1.0 is not positive")]
    empty = rows_from_yfinance(pd.DataFrame(), ["AAPL", "SPY"])
    assert empty.rows == [] and [p.locator for p in empty.problems] == ["AAPL", "SPY"]


def test_fetch_from_yfinance_calls_download_once_with_an_exclusive_end():
    calls = []

    def download(**kwargs):
        calls.append(kwargs)
        return recorded_frame()

    batch = fetch_from_yfinance(["SPY", "AAPL", "SPY"], "2024-01-02", "2024-01-05", download=download)
    assert len(batch.rows) == 8 and batch.format == "yahoo"
    (call,) = calls
    assert (call["tickers"], call["start"], call["end"]) == (["SPY", "AAPL"], "2024-01-02", "2024-01-06")
    assert call["auto_adjust"] is False and call["progress"] is False


def test_fetch_from_yfinance_failures(monkeypatch):
    def broken(**kwargs):
        raise ConnectionError("no route to host")

    with pytest.raises(PriceSourceError, match="ConnectionError: no route to host"):
        fetch_from_yfinance(["AAPL"], "2024-01-02", download=broken)
    monkeypatch.setattr(price_fetch, "yfinance_available", lambda: False)
    with pytest.raises(PriceSourceError, match="pip install yfinance"):
        fetch_from_yfinance(["AAPL"], "2024-01-02")
    assert fetch_from_yfinance([], "2024-01-02").rows == []
