"""Price files: the CSV layouts people download, read into :class:`~newsdesk.prices.PriceRow`.

Layouts (found from the header, or named with ``fmt``):

- ``long``: ``date,ticker,close`` (any order; ``symbol`` for ticker; ``adj close`` preferred to ``close``).
- ``wide``: a date column and one column per ticker; a blank cell is a day that ticker did not trade.
- ``yahoo``: ``Date,Open,High,Low,Close,Adj Close,Volume``, one ticker per file; ``Adj Close`` is used.
- ``stooq``: ``Date,Open,High,Low,Close,Volume``, one ticker per file; ``Close`` is used.
- ``stooq-raw``: ``<TICKER>,<PER>,<DATE>,<TIME>,<OPEN>,<HIGH>,<LOW>,<CLOSE>,<VOL>,<OPENINT>``; daily
  (``PER`` = ``D``) rows only, the ticker from its column unless one is given.
- ``yfinance``: what ``yfinance.download(...).to_csv()`` writes: a ``Price`` header row (fields), a
  ``Ticker`` row and a ``Date`` row, then the data; ``Adj Close`` preferred to ``Close``.

One-ticker layouts take the ticker from ``ticker=`` or else from the file name (``AAPL.csv`` -> ``AAPL``).
Tickers are upper-cased. Dates become ``YYYY-MM-DD`` (``2024-01-02``, ``2024/01/02``, ``20240102``, a
timestamp's date as written, ``2 Jan 2024``); numeric day/month dates such as ``01/02/2024`` are
ambiguous and rejected. A close may carry thousands separators (``"1,234.50"``); it must be a positive
finite number. A bad row becomes a :class:`~newsdesk.models.Problem` with its line and reason; the same
(ticker, date) twice keeps the first close (a problem when the closes differ). Rows come out sorted by
ticker and date.
"""

from __future__ import annotations

import csv
import io
import math
import re
from datetime import date
from pathlib import Path

from dateutil import parser as dateutil_parser

from newsdesk.errors import SourceReadError, UnknownFormatError
from newsdesk.models import Problem
from newsdesk.prices import PriceBatch, PriceRow

FORMATS = ("long", "wide", "yahoo", "stooq", "stooq-raw", "yfinance")
DATE_COLUMNS = ("date", "datetime", "day", "timestamp", "time")
TICKER_COLUMNS = ("ticker", "symbol")
CLOSE_COLUMNS = ("adj close", "adjusted close", "adj_close", "adjclose", "close", "price")
OHLC_COLUMNS = ("open", "high", "low", "volume")
MISSING = frozenset({"", "null", "none", "nan", "na", "n/a", "#n/a", "-", "--", "."})
MAX_RAW = 300

_ISO = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T ].*)?")
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
_NUMERIC_DMY = re.compile(r"\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}(?:[T ].*)?")
_THOUSANDS = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?")


def parse_price_date(raw: str) -> str:
    """``raw`` as ``YYYY-MM-DD``; raises ValueError with a reason a user can act on."""
    text = (raw or "").strip()
    if not text:
        raise ValueError("no date")
    m = _ISO.fullmatch(text) or _COMPACT.fullmatch(text)
    if m:
        try:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()
        except ValueError:
            raise ValueError(f"{text!r} is not a calendar date") from None
    if _NUMERIC_DMY.fullmatch(text):
        raise ValueError(f"date {text!r} is ambiguous (day/month order): write YYYY-MM-DD")
    if re.search(r"[A-Za-z]{3}", text):
        try:
            return dateutil_parser.parse(text).date().isoformat()
        except (ValueError, OverflowError):
            pass
    raise ValueError(f"{text!r} is not a date: write YYYY-MM-DD")


def parse_close(raw: str) -> float:
    """``raw`` as a positive finite float; raises ValueError with the reason."""
    text = (raw or "").strip().replace("\u00a0", "").replace(" ", "")
    if text.lower() in MISSING:
        raise ValueError(f"no close ({text!r})" if text else "no close (blank)")
    if _THOUSANDS.fullmatch(text):
        text = text.replace(",", "")
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"close {text!r} is not a number") from None
    if not math.isfinite(value):
        raise ValueError(f"close {text!r} is not a finite number")
    if value <= 0:
        raise ValueError(f"close {text!r} is not positive")
    return value


def _norm(name: str) -> str:
    return " ".join(name.strip().lstrip("\ufeff").strip("<>").strip().lower().replace("_", " ").split())


def _first(names: list[str], wanted: tuple[str, ...]) -> int | None:
    for want in wanted:
        want = _norm(want)
        if want in names:
            return names.index(want)
    return None


def detect_layout(header: list[str], second: list[str] | None = None) -> str | None:
    """The layout of a price file from its header row (and the row after it), or None."""
    names = [_norm(h) for h in header]
    if names and names[0] == "price" and second and _norm(second[0]) == "ticker":
        return "yfinance"
    has_date = _first(names, DATE_COLUMNS) is not None
    if "per" in names and "ticker" in names and has_date:
        return "stooq-raw"
    if not has_date:
        return None
    if _first(names, TICKER_COLUMNS) is not None and _first(names, CLOSE_COLUMNS) is not None:
        return "long"
    if _first(names, CLOSE_COLUMNS) is not None:
        return "yahoo" if _first(names, CLOSE_COLUMNS[:4]) is not None else "stooq"
    if len(names) >= 2:
        return "wide"
    return None


def _delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def ticker_from_name(name: str) -> str:
    """The ticker a one-ticker file is named after: ``data/7203.T.csv`` -> ``7203.T``."""
    return Path(name).stem.strip().upper()


class _Collector:
    """Gathers rows, dropping repeated (ticker, date) pairs and noting conflicting ones."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.seen: dict[tuple[str, str], tuple[float, int]] = {}
        self.problems: list[Problem] = []

    def problem(self, line: int, reason: str, raw: list[str] | str) -> None:
        text = raw if isinstance(raw, str) else ",".join(raw)
        self.problems.append(Problem(self.source, f"line {line}", reason, text[:MAX_RAW]))

    def add(self, line: int, ticker: str, raw_date: str, raw_close: str, raw: list[str], blank_ok: bool = False):
        if not ticker:
            self.problem(line, "no ticker", raw)
            return
        if blank_ok and (raw_close or "").strip().lower() in MISSING:
            return
        try:
            day = parse_price_date(raw_date)
            close = parse_close(raw_close)
        except ValueError as exc:
            self.problem(line, f"{ticker}: {exc}", raw)
            return
        key = (ticker, day)
        if key in self.seen:
            kept, kept_line = self.seen[key]
            if kept != close:
                self.problem(
                    line, f"{ticker} {day} appears again with close {close:g}: kept {kept:g} from line {kept_line}", raw
                )
            return
        self.seen[key] = (close, line)

    def batch(self, layout: str) -> PriceBatch:
        rows = [PriceRow(t, d, c) for (t, d), (c, _) in sorted(self.seen.items())]
        return PriceBatch(rows=rows, problems=self.problems, format=layout)


def parse_prices(data: str | bytes, name: str, ticker: str | None = None, fmt: str = "auto") -> PriceBatch:
    """Read one price file's content (``name`` is its file name, used in problems and for the ticker).

    Raises :class:`UnknownFormatError` when the layout is not recognised or ``fmt`` is unknown, and
    :class:`SourceReadError` when the content is empty or not UTF-8 text; bad rows never raise.
    """
    if fmt != "auto" and fmt not in FORMATS:
        raise UnknownFormatError(f"unknown price file format {fmt!r}: use auto or one of {', '.join(FORMATS)}")
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise SourceReadError(f"{name} is not UTF-8 text: save it as UTF-8 CSV") from None
    text = data.lstrip("\ufeff")
    if not text.strip():
        raise SourceReadError(f"{name} is empty: it needs a header row and one row per close")
    reader = csv.reader(io.StringIO(text), delimiter=_delimiter(text.split("\n", 1)[0]))
    rows = [(reader.line_num, row) for row in reader if any(cell.strip() for cell in row)]
    header = rows[0][1]
    layout = fmt if fmt != "auto" else detect_layout(header, rows[1][1] if len(rows) > 1 else None)
    if layout is None:
        raise UnknownFormatError(
            f"{name}: header {','.join(header)[:120]!r} is not a price layout newsdesk knows. Use date,ticker,close "
            "(long), date plus one column per ticker (wide), or a Yahoo/Stooq download"
        )
    explicit = ticker.strip().upper() if ticker and ticker.strip() else None
    out = _Collector(name)
    names = [_norm(h) for h in header]
    body = rows[1:]
    if layout == "yfinance":
        _read_yfinance(rows, out, explicit)
    elif layout == "wide":
        _read_wide(header, names, body, out)
    else:
        _read_columns(layout, name, header, names, body, out, explicit)
    return out.batch(layout)


def _column(names: list[str], wanted: tuple[str, ...], layout: str, name: str) -> int:
    index = _first(names, wanted)
    if index is None:
        raise UnknownFormatError(f"{name}: a {layout} price file needs a {wanted[0]!r} column")
    return index


def _read_columns(layout, name, header, names, body, out: _Collector, explicit: str | None) -> None:
    d = _column(names, DATE_COLUMNS, layout, name)
    c = _column(names, CLOSE_COLUMNS[4:] if layout in ("stooq", "stooq-raw") else CLOSE_COLUMNS, layout, name)
    t = _first(names, TICKER_COLUMNS) if layout in ("long", "stooq-raw") else None
    per = names.index("per") if layout == "stooq-raw" and "per" in names else None
    if layout == "long" and t is None:
        raise UnknownFormatError(f"{name}: a long price file needs a 'ticker' column")
    fixed = explicit if t is None or (layout == "stooq-raw" and explicit) else None
    if t is None and fixed is None:
        fixed = ticker_from_name(name)
    width = max(d, c, t if t is not None else 0, per if per is not None else 0) + 1
    for line, row in body:
        if len(row) < width:
            out.problem(line, f"row has {len(row)} fields, the header has {len(header)}", row)
            continue
        if per is not None and row[per].strip().upper() != "D":
            out.problem(line, f"period {row[per].strip()!r} is not daily (D)", row)
            continue
        symbol = fixed if fixed is not None else row[t].strip().upper()
        out.add(line, symbol, row[d], row[c], row)


def _read_wide(header, names, body, out: _Collector) -> None:
    d = _first(names, DATE_COLUMNS)
    if d is None:
        d = 0
    tickers = {i: h.strip().lstrip("\ufeff").upper() for i, h in enumerate(header) if i != d and h.strip()}
    for line, row in body:
        if len(row) <= d:
            out.problem(line, "row has no date", row)
            continue
        for i, symbol in tickers.items():
            out.add(line, symbol, row[d], row[i] if i < len(row) else "", row, blank_ok=True)


def _read_yfinance(rows, out: _Collector, explicit: str | None) -> None:
    fields = [_norm(h) for h in rows[0][1]]
    symbols = [cell.strip().upper() for cell in rows[1][1]]
    body = [(line, row) for line, row in rows[2:] if _norm(row[0]) not in ("date", "datetime")]
    wanted = "adj close" if "adj close" in fields else "close"
    columns = [i for i, f in enumerate(fields) if f == wanted and i > 0]
    explicit = explicit if len(columns) == 1 else None
    for line, row in body:
        for i in columns:
            symbol = explicit or (symbols[i] if i < len(symbols) else "")
            out.add(line, symbol, row[0], row[i] if i < len(row) else "", row, blank_ok=True)


def read_price_file(path: str | Path, ticker: str | None = None, fmt: str = "auto") -> PriceBatch:
    """Read a price file from disk (see :func:`parse_prices`); raises :class:`SourceReadError` when it
    cannot be read."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SourceReadError(f"{path} could not be read ({exc.strerror or exc}): check the path") from None
    return parse_prices(data, str(path), ticker=ticker, fmt=fmt)
