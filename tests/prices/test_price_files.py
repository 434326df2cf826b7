"""Price file layouts: one row per odd input, with the rows and problems each must give."""

from __future__ import annotations

import re

import pytest

from newsdesk.errors import SourceReadError, UnknownFormatError
from newsdesk.prices import PriceRow
from newsdesk.prices.files import (
    DAY_FIRST,
    MONTH_FIRST,
    parse_close,
    parse_price_date,
    parse_prices,
    read_price_file,
    ticker_from_name,
)

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
        [(4, "close '-1' is not positive")],
    ),
    (
        "Yahoo download: Adj Close, ticker from the file name, null rows",
        "downloads/7011.T.csv",
        YAHOO_HEADER + "2024-01-03,1,1,1,10,9.5,100\n2024-01-02,null,null,null,null,null,null\n"
        '2024-01-04,1,1,1,"1,010",1000.25,7\n',
        None,
        "yahoo",
        [("7011.T", "2024-01-03", 9.5), ("7011.T", "2024-01-04", 1000.25)],
        [(3, "no close ('null')")],
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
        [("AAPL", "2024-01-02", 185.64), ("AAPL", "2024-01-03", 184.25)],
        [],
    ),
    (
        "Stooq raw: daily rows only, ticker from its column unless given",
        "aapl.txt",
        STOOQ_RAW_HEADER + "AAPL.US,D,20240102,000000,1,2,0.5,185.64,100,0\n"
        "AAPL.US,W,20240105,000000,1,2,0.5,181.18,100,0\nAAPL.US,D,20240103,000000,1,2,0.5,,100,0\n",
        None,
        "stooq-raw",
        [("AAPL", "2024-01-02", 185.64)],
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
    # ---- spreadsheet re-saves: one day/month order for the whole file, settled by any row
    (
        "Excel re-saved Yahoo file (M/D/YYYY): 12/15/1980 settles month first for 12/12/1980",
        "AAPL_historical_data.csv",
        YAHOO_HEADER + "12/12/1980,1,1,1,0.128,0.0989,1\n12/15/1980,1,1,1,0.122,0.0938,1\n"
        "1/2/1981,1,1,1,0.154,0.1187,1\n",
        None,
        "yahoo",
        [("AAPL", "1980-12-12", 0.0989), ("AAPL", "1980-12-15", 0.0938), ("AAPL", "1981-01-02", 0.1187)],
        [],
    ),
    (
        "day first, settled by a row near the end; a 2-digit year; a time after the date",
        "VOD.L.csv",
        STOOQ_HEADER + "02/01/24,1,1,1,70.1,5\n03/01/2024 00:00,1,1,1,70.2,5\n15/01/2024,1,1,1,70.3,5\n",
        None,
        "stooq",
        [("VOD.L", "2024-01-02", 70.1), ("VOD.L", "2024-01-03", 70.2), ("VOD.L", "2024-01-15", 70.3)],
        [],
    ),
    (
        "no row settles the order: every numeric date rejected, with the way out",
        "SPY.csv",
        STOOQ_HEADER + "01/02/2024,1,1,1,470,5\n02/01/2024,1,1,1,471,5\n2024-01-05,1,1,1,472,5\n",
        None,
        "stooq",
        [("SPY", "2024-01-05", 472.0)],
        [(2, "no row of the file settles it: pass --date-format '%m/%d/%Y' or '%d/%m/%Y'"), (3, "no row")],
    ),
    (
        "rows that disagree on the order: every numeric date rejected, naming both rows",
        "SPY.csv",
        STOOQ_HEADER + "13/01/2024,1,1,1,470,5\n01/14/2024,1,1,1,471,5\n01/02/2024,1,1,1,472,5\n",
        None,
        "stooq",
        [],
        [(2, "mixes day/month orders ('13/01/2024' on line 2, '01/14/2024' on line 3)"), (3, "mixes"), (4, "mixes")],
    ),
    (
        "a non-US spreadsheet's DD-MM-YYYY with dashes, yfinance's column order",
        "AAPL.csv",
        "Date,Adj Close,Close,High,Low,Open,Volume\n12-12-1980,0.0988,0.1283,0.1289,0.1283,0.1283,469033600\n"
        "15-12-1980,0.0936,0.1217,0.1222,0.1217,0.1222,175884800\n",
        None,
        "yahoo",
        [("AAPL", "1980-12-12", 0.0988), ("AAPL", "1980-12-15", 0.0936)],
        [],
    ),
    # ---- long files: each row's own ticker
    (
        "Kaggle all_stocks_5yr.csv: a Name column per row",
        "all_stocks_5yr.csv",
        "date,open,high,low,close,volume,Name\n2013-02-08,15.07,15.12,14.63,14.75,8407500,AAL\n"
        "2013-02-08,67.71,68.4,66.89,67.85,158168416,AAPL\n2013-02-11,14.89,15.01,14.26,14.46,8882000,AAL\n",
        None,
        "long",
        [("AAL", "2013-02-08", 14.75), ("AAL", "2013-02-11", 14.46), ("AAPL", "2013-02-08", 67.85)],
        [],
    ),
    (
        "the same re-saved in Excel (M/D/YYYY), a bad close named with its ticker",
        "all_stocks_5yr.csv",
        "date,open,high,low,close,volume,Name\n2/8/2013,15.07,15.12,14.63,14.75,8407500,AAL\n"
        "2/8/2013,67.71,68.4,66.89,,158168416,AAPL\n2/14/2013,14.94,14.96,13.16,13.99,31879900,AAL\n",
        None,
        "long",
        [("AAL", "2013-02-08", 14.75), ("AAL", "2013-02-14", 13.99)],
        [(3, "no close (blank)")],
    ),
    (
        "a Kaggle per-ticker file: Adj Close and a Name column",
        "AAPL_data.csv",
        "Date,High,Low,Open,Close,Volume,Adj Close,Name\n2015-01-12,112.6,108.8,112.6,109.25,1,100.38,AAPL\n",
        None,
        "long",
        [("AAPL", "2015-01-12", 100.38)],
        [],
    ),
    (
        "symbol column, lower case",
        "p.csv",
        "symbol,date,close\nmsft,2024-01-02,370\n",
        None,
        "long",
        [("MSFT", "2024-01-02", 370.0)],
        [],
    ),
    # ---- yfinance's header rows, single and multi ticker
    (
        "yf.download('AAPL').to_csv(): Price/Ticker/Date rows, no Adj Close",
        "AAPL.csv",
        "Price,Close,High,Low,Open,Volume\nTicker,AAPL,AAPL,AAPL,AAPL,AAPL\nDate,,,,,\n"
        "2015-01-02,24.2375,24.7,23.8,24.69,212818400\n2015-01-05,23.5547,24.09,23.37,24.0,257142000\n",
        None,
        "yfinance",
        [("AAPL", "2015-01-02", 24.2375), ("AAPL", "2015-01-05", 23.5547)],
        [],
    ),
    (
        "reset_index().to_csv(index=False): Date,... then ,AAPL,... (not a Stooq file)",
        "apple_stock.csv",
        "Date,Adj Close,Close,High\n,AAPL,AAPL,AAPL\n2024-01-02,1.5,2.5,3.5\n2024-01-03,4.5,5.5,6.5\n",
        None,
        "yfinance",
        [("AAPL", "2024-01-02", 1.5), ("AAPL", "2024-01-03", 4.5)],
        [],
    ),
    (
        "reset_index().to_csv(index=False) of an index: ^GSPC in the ticker row",
        "spx.csv",
        "Date,Adj Close,Close,High,Low,Open,Volume\n,^GSPC,^GSPC,^GSPC,^GSPC,^GSPC,^GSPC\n"
        "2024-01-02,4742.83,4742.83,4754.33,4722.67,4745.2,3743050000\n",
        None,
        "yfinance",
        [("^GSPC", "2024-01-02", 4742.83)],
        [],
    ),
    (
        "reset_index().to_csv(): a row-number column first, two tickers",
        "both.csv",
        "Price,Date,Adj Close,Adj Close,Close,Close\nTicker,,AAPL,MSFT,AAPL,MSFT\n"
        "0,2024-01-02,1.5,2.5,3.5,4.5\n1,2024-01-03,7.5,,9.5,\n",
        None,
        "yfinance",
        [("AAPL", "2024-01-02", 1.5), ("AAPL", "2024-01-03", 7.5), ("MSFT", "2024-01-02", 2.5)],
        [],
    ),
    (
        "group_by='ticker': the Ticker row first",
        "g.csv",
        "Ticker,AAPL,AAPL,MSFT,MSFT\nPrice,Open,Close,Open,Close\nDate,,,,\n2024-01-02,1,2,3,4\n",
        None,
        "yfinance",
        [("AAPL", "2024-01-02", 2.0), ("MSFT", "2024-01-02", 4.0)],
        [],
    ),
    (
        "older yfinance: blank first cells",
        "old.csv",
        ",Adj Close,Adj Close,Close,Close\n,AAPL,MSFT,AAPL,MSFT\nDate,,,,\n2024-01-02,1,2,3,4\n",
        None,
        "yfinance",
        [("AAPL", "2024-01-02", 1.0), ("MSFT", "2024-01-02", 2.0)],
        [],
    ),
    (
        "multi_level_index=False: a Price row and a Date row, the ticker from the file name",
        "SPY_data.csv",
        "Price,Close,High\nDate,,\n2024-01-02,470.5,471\n",
        None,
        "yfinance",
        [("SPY", "2024-01-02", 470.5)],
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
        assert re.fullmatch(rf"line {line}( \(\S+\))?", problem.locator), problem.locator
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
        ("13/01/2024", None),  # without an order, even a settling date is left to the file-wide rule
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


@pytest.mark.parametrize(
    "name, ticker",
    [
        ("AAPL.csv", "AAPL"),
        ("data/7203.T.csv", "7203.T"),
        ("A_data.csv", "A"),  # Kaggle's individual_stocks_5yr
        ("AAPL_historical_data.csv", "AAPL"),  # 10 Academy
        ("AAPL Historical Data.csv", "AAPL"),  # investing.com
        ("aapl.us.txt", "AAPL"),  # Stooq
        ("vod.uk.txt", "VOD.L"),
        ("7203.jp.txt", "7203.T"),
        ("sap.de.txt", "SAP.DE"),
        ("0700.hk.csv", "0700.HK"),
        ("brk.b.csv", "BRK.B"),
        ("BRK-B.csv", "BRK-B"),
        ("data.csv", "DATA"),
        ("spy", "SPY"),
        ("download (1).csv", "DOWNLOAD (1)"),
    ],
)
def test_ticker_from_name(name, ticker):
    assert ticker_from_name(name) == ticker


def test_notes_say_which_ticker_column_and_date_order_were_used():
    batch = parse_prices(YAHOO_HEADER + "12/12/1980,1,1,1,2,1.5,1\n12/15/1980,1,1,1,2,1.5,1\n", "AAPL_data.csv")
    assert batch.named_ticker == "AAPL"
    assert batch.notes == [
        "ticker AAPL from the file name",
        "closes from the 'Adj Close' column",
        "dates read as month/day/year ('12/15/1980' on line 3 settles the order)",
    ]
    long = parse_prices("date,close,Name\n2024-01-02,5,AAA\n", "all.csv")
    assert long.named_ticker is None
    assert long.notes == ["tickers from the 'Name' column", "closes from the 'close' column"]


@pytest.mark.parametrize(
    "content, date_format, rows, reason",
    [
        ("Date,Close\n02.01.2024,5\n03.01.2024,6\n", "%d.%m.%Y",
         [("X", "2024-01-02", 5), ("X", "2024-01-03", 6)], None),
        ("Date,Close\n01/02/2024,5\n", "%m/%d/%Y", [("X", "2024-01-02", 5.0)], None),
        ("Date,Close\n2024-01-02,5\n", "%d/%m/%Y", [("X", "2024-01-02", 5.0)], None),  # built-in forms still read
        ("Date,Close\n01/02/2024,5\n", "%Y%m%d", [], "does not match --date-format '%Y%m%d'"),
    ],
)
def test_date_format(content, date_format, rows, reason):
    batch = parse_prices(content, "x.csv", date_format=date_format)
    assert batch.rows == [PriceRow(*r) for r in rows]
    assert [p.reason for p in batch.problems] == ([f"date '01/02/2024' {reason}"] if reason else [])


def test_intraday_bars_are_not_read_as_daily_closes():
    hourly = "Date,Time,Open,High,Low,Close,Volume,OpenInt\n2019-04-01,16:00:00,1,1,1,117.34,5,0\n" \
        "2019-04-01,17:00:00,1,1,1,117.22,5,0\n"
    with pytest.raises(UnknownFormatError, match="intraday bars .*'Time' column"):
        parse_prices(hourly, "msft.us.txt")
    daily = parse_prices(hourly.splitlines()[0] + "\n2019-04-01,16:00:00,1,1,1,117.34,5,0\n", "msft.us.txt")
    assert daily.rows == [PriceRow("MSFT", "2019-04-01", 117.34)]


def test_a_bad_second_row_is_not_taken_for_a_header_row():
    batch = parse_prices("date,ticker,close\nsoon,AAPL,10\n2024-01-02,AAPL,11\n", "p.csv")
    assert batch.format == "long" and batch.rows == [PriceRow("AAPL", "2024-01-02", 11.0)]
    assert "is not a date" in batch.problems[0].reason and batch.problems[0].locator == "line 2 (AAPL)"
    units = parse_prices("date,ticker,close\n,,USD\n2024-01-02,AAPL,11\n", "p.csv")
    assert units.format == "long" and units.rows == [PriceRow("AAPL", "2024-01-02", 11.0)]
    assert units.problems[0].reason == "no ticker"


@pytest.mark.parametrize(
    "raw, order, day",
    [
        ("12/15/1980", MONTH_FIRST, "1980-12-15"),
        ("1/2/1981", MONTH_FIRST, "1981-01-02"),
        ("1/2/1981", DAY_FIRST, "1981-02-01"),
        ("15-01-2024", DAY_FIRST, "2024-01-15"),
        ("31.12.69", DAY_FIRST, "1969-12-31"),
        ("31.12.68", DAY_FIRST, "2068-12-31"),
        ("2/30/2024", MONTH_FIRST, None),
        ("12/15/1980", DAY_FIRST, None),
    ],
)
def test_parse_price_date_with_an_order(raw, order, day):
    if day is None:
        with pytest.raises(ValueError, match="not a calendar date"):
            parse_price_date(raw, order)
    else:
        assert parse_price_date(raw, order) == day
