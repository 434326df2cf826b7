"""Price file layouts: one row per odd input, with the rows and problems each must give."""

from __future__ import annotations

import pytest

from newsdesk.errors import SourceReadError, UnknownFormatError
from newsdesk.prices import PriceRow
from newsdesk.prices.files import parse_close, parse_price_date, parse_prices, read_price_file

YAHOO_HEADER = "Date,Open,High,Low,Close,Adj Close,Volume\n"
STOOQ_HEADER = "Date,Open,High,Low,Close,Volume\n"
STOOQ_RAW_HEADER = "<TICKER>,<PER>,<DATE>,<TIME>,<OPEN>,<HIGH>,<LOW>,<CLOSE>,<VOL>,<OPENINT>\n"

# name, file name, content, ticker argument, format, rows, problem (line, reason fragment) pairs
CASES = [
    (
        "long",
        "prices.csv",
        "date,ticker,close\n2024-01-03,AAPL,185.5\n2024-01-02,aapl,184.25\n2024-01-02,MSFT,370\n",
        None,
        "long",
        [("AAPL", "2024-01-02", 184.25), ("AAPL", "2024-01-03", 185.5), ("MSFT", "2024-01-02", 370.0)],
        [],
    ),
    (
        "long, other column order, symbol, adjusted close preferred",
        "p.csv",
        "Symbol,Close,Adj Close,Date\n7203.T,3000,2950.5,2024-01-04\n",
        None,
        "long",
        [("7203.T", "2024-01-04", 2950.5)],
        [],
    ),
    (
        "long, odd rows",
        "p.csv",
        "date,ticker,close\n"
        "2024-01-02,AAPL,\n"  # blank close
        "2024-01-03,AAPL,null\n"
        "2024-01-04,AAPL,-5\n"
        "2024-01-05,AAPL,0\n"
        "2024-01-08,AAPL,abc\n"
        "2024-01-09,AAPL,inf\n"
        "2024-13-01,AAPL,10\n"
        "01/02/2024,AAPL,10\n"
        "2024-01-10,,10\n"
        "2024-01-11,AAPL\n"  # short row
        "2024-01-12,AAPL,11\n",
        None,
        "long",
        [("AAPL", "2024-01-12", 11.0)],
        [
            (2, "no close (blank)"),
            (3, "no close ('null')"),
            (4, "'-5' is not positive"),
            (5, "'0' is not positive"),
            (6, "'abc' is not a number"),
            (7, "'inf' is not a finite number"),
            (8, "is not a calendar date"),
            (9, "ambiguous"),
            (10, "no ticker"),
            (11, "row has 2 fields"),
        ],
    ),
    (
        "duplicate dates: same close dropped, different close a problem, first kept",
        "p.csv",
        "date,ticker,close\n2024-01-02,AAPL,10\n2024-01-02,AAPL,10.0\n2024-01-02,AAPL,11\n",
        None,
        "long",
        [("AAPL", "2024-01-02", 10.0)],
        [(4, "appears again with close 11: kept 10 from line 2")],
    ),
    (
        "BOM, semicolons, thousands separators, date forms, blank lines",
        "p.csv",
        '\ufeffdate;ticker;close\n20240102;NVDA;"1,234.50"\n\n2024/01/03;NVDA;1 300.25\n4 Jan 2024;NVDA;1300\n'
        "2024-01-05T00:00:00-05:00;NVDA;1310\n",
        None,
        "long",
        [
            ("NVDA", "2024-01-02", 1234.5),
            ("NVDA", "2024-01-03", 1300.25),
            ("NVDA", "2024-01-04", 1300.0),
            ("NVDA", "2024-01-05", 1310.0),
        ],
        [],
    ),
    (
        "wide: blank cells are days a ticker did not trade; bad cells are problems",
        "wide.csv",
        "Date,AAPL,7203.T,SPY\n2024-01-03,185,,470\n2024-01-02,184,3000,n/a\n2024-01-04,-1,3010,471\n",
        None,
        "wide",
        [
            ("7203.T", "2024-01-02", 3000.0),
            ("7203.T", "2024-01-04", 3010.0),
            ("AAPL", "2024-01-02", 184.0),
            ("AAPL", "2024-01-03", 185.0),
            ("SPY", "2024-01-03", 470.0),
            ("SPY", "2024-01-04", 471.0),
        ],
        [(4, "AAPL: close '-1' is not positive")],
    ),
    (
        "Yahoo download: Adj Close, ticker from the file name, null rows",
        "downloads/7011.T.csv",
        YAHOO_HEADER + "2024-01-03,1,1,1,10,9.5,100\n2024-01-02,null,null,null,null,null,null\n"
        '2024-01-04,1,1,1,"1,010",1000.25,7\n',
        None,
        "yahoo",
        [("7011.T", "2024-01-03", 9.5), ("7011.T", "2024-01-04", 1000.25)],
        [(3, "7011.T: no close ('null')")],
    ),
    (
        "Yahoo download, explicit ticker wins over the file name",
        "download (1).csv",
        YAHOO_HEADER + "2024-01-03,1,1,1,10,9.5,100\n",
        "msft",
        "yahoo",
        [("MSFT", "2024-01-03", 9.5)],
        [],
    ),
    (
        "Stooq download: Close, ticker from the file name",
        "aapl.us.csv",
        STOOQ_HEADER + "2024-01-02,1,2,0.5,185.64,1000\n2024-01-03,1,2,0.5,184.25,1000\n",
        None,
        "stooq",
        [("AAPL.US", "2024-01-02", 185.64), ("AAPL.US", "2024-01-03", 184.25)],
        [],
    ),
    (
        "Stooq raw: daily rows only, ticker from its column unless given",
        "aapl.txt",
        STOOQ_RAW_HEADER + "AAPL.US,D,20240102,000000,1,2,0.5,185.64,100,0\n"
        "AAPL.US,W,20240105,000000,1,2,0.5,181.18,100,0\nAAPL.US,D,20240103,000000,1,2,0.5,,100,0\n",
        None,
        "stooq-raw",
        [("AAPL.US", "2024-01-02", 185.64)],
        [(3, "period 'W' is not daily"), (4, "no close (blank)")],
    ),
    (
        "Stooq raw with an explicit ticker",
        "aapl.txt",
        STOOQ_RAW_HEADER + "AAPL.US,D,20240102,000000,1,2,0.5,185.64,100,0\n",
        "AAPL",
        "stooq-raw",
        [("AAPL", "2024-01-02", 185.64)],
        [],
    ),
    (
        "yfinance to_csv: three header rows, Adj Close preferred",
        "yf.csv",
        "Price,Adj Close,Adj Close,Close,Close\nTicker,AAPL,SPY,AAPL,SPY\nDate,,,,\n"
        "2024-01-02,184.0,470.5,185.0,472.0\n2024-01-03,183.5,,184.5,\n",
        None,
        "yfinance",
        [("AAPL", "2024-01-02", 184.0), ("AAPL", "2024-01-03", 183.5), ("SPY", "2024-01-02", 470.5)],
        [],
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_price_layouts(case):
    _, name, content, ticker, layout, rows, problems = case
    batch = parse_prices(content.encode("utf-8"), name, ticker=ticker)
    assert batch.format == layout
    assert batch.rows == [PriceRow(*r) for r in rows]
    assert len(batch.problems) == len(problems), batch.problems
    for problem, (line, fragment) in zip(batch.problems, problems, strict=True):
        assert problem.locator == f"line {line}"
        assert fragment in problem.reason
        assert problem.source == name and problem.raw


@pytest.mark.parametrize(
    "content, error",
    [
        (b"", SourceReadError),
        (b"  \n\n", SourceReadError),
        (b"\xff\xfe\x00d\x00a", SourceReadError),
        (b"headline,url\nx,y\n", UnknownFormatError),
        (b"date\n2024-01-02\n", UnknownFormatError),
    ],
)
def test_files_that_cannot_be_read(content, error):
    with pytest.raises(error):
        parse_prices(content, "x.csv")


def test_named_format_overrides_detection_and_unknown_names_fail():
    batch = parse_prices("Date,Close\n2024-01-02,5\n", "spy.csv", fmt="wide")
    assert batch.rows == [PriceRow("CLOSE", "2024-01-02", 5.0)]
    assert parse_prices("Date,Close\n2024-01-02,5\n", "spy.csv").rows == [PriceRow("SPY", "2024-01-02", 5.0)]
    with pytest.raises(UnknownFormatError, match="unknown price file format"):
        parse_prices("Date,Close\n", "x.csv", fmt="excel")


def test_read_price_file(tmp_path):
    path = tmp_path / "ISF.L.csv"
    path.write_text(STOOQ_HEADER + "2024-01-02,1,1,1,760.2,5\n", encoding="utf-8")
    assert read_price_file(path).rows == [PriceRow("ISF.L", "2024-01-02", 760.2)]
    with pytest.raises(SourceReadError, match="could not be read"):
        read_price_file(tmp_path / "missing.csv")


@pytest.mark.parametrize(
    "raw, day",
    [
        ("2024-01-02", "2024-01-02"),
        (" 2024-1-2 ", "2024-01-02"),
        ("2024.01.02", "2024-01-02"),
        ("20240102", "2024-01-02"),
        ("2024-01-02 16:00:00+09:00", "2024-01-02"),
        ("Jan 2, 2024", "2024-01-02"),
        ("2-Jan-2024", "2024-01-02"),
        ("2024-02-30", None),
        ("02/01/2024", None),
        ("13/01/2024", None),
        ("", None),
        ("soon", None),
    ],
)
def test_parse_price_date(raw, day):
    if day is None:
        with pytest.raises(ValueError):
            parse_price_date(raw)
    else:
        assert parse_price_date(raw) == day


@pytest.mark.parametrize(
    "raw, close",
    [
        ("185.5", 185.5),
        ("1,234.5", 1234.5),
        ("12,345,678", 12345678.0),
        ("1\u00a0234.5", 1234.5),
        ("+3", 3.0),
        ("1e2", 100.0),
        ("1,5", None),  # decimal comma: ambiguous, rejected
        ("12,34", None),
        ("NaN", None),
        ("N/A", None),
        ("-0.01", None),
        ("0", None),
    ],
)
def test_parse_close(raw, close):
    if close is None:
        with pytest.raises(ValueError):
            parse_close(raw)
    else:
        assert parse_close(raw) == close
