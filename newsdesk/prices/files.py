"""Price files: the CSV layouts people download, read into :class:`~newsdesk.prices.PriceRow`.

Layouts (found from the header, or named with ``fmt``):

- ``long``: ``date,ticker,close`` (any order; ``symbol`` or ``name`` for ticker, as Kaggle's
  ``all_stocks_5yr.csv``; ``adj close`` preferred to ``close``): each row's own ticker.
- ``wide``: a date column and one column per ticker; a blank cell is a day that ticker did not trade.
- ``yahoo``: ``Date,Open,High,Low,Close,Adj Close,Volume``, one ticker per file; ``Adj Close`` is used.
- ``stooq``: ``Date,Open,High,Low,Close,Volume``, one ticker per file; ``Close`` is used.
- ``stooq-raw``: ``<TICKER>,<PER>,<DATE>,<TIME>,<OPEN>,<HIGH>,<LOW>,<CLOSE>,<VOL>,<OPENINT>``; daily
  (``PER`` = ``D``) rows only, the ticker from its column unless one is given.
- ``yfinance``: what ``yfinance.download(...)`` writes with ``to_csv()``: several header rows (the
  fields, ``Price,Close,High,...``; the tickers, ``Ticker,AAPL,...``; the index name, ``Date,,,``) in
  any order, or ``reset_index().to_csv()``'s ``Date,Close,...`` / ``,AAPL,...``; one or many tickers;
  ``Adj Close`` preferred to ``Close``.

One-ticker layouts take the ticker from ``ticker=`` or else from the file name (:func:`ticker_from_name`:
``AAPL.csv``, Kaggle's ``AAPL_data.csv``, ``AAPL_historical_data.csv``, Stooq's ``aapl.us.txt`` ->
``AAPL``). Tickers are upper-cased. Dates become ``YYYY-MM-DD`` (``2024-01-02``, ``2024/01/02``,
``20240102``, a timestamp's date as written, ``2 Jan 2024``, or ``date_format``, a strftime pattern
tried first). Numeric day/month dates (``12/12/1980``, as a spreadsheet re-saves them) take one order
for the whole file, settled by any row whose day is above 12 (``12/15/1980``); when no row settles it,
or rows disagree, they are rejected with the reason. A close may carry thousands separators
(``"1,234.50"``); it must be a positive finite number. A bad row becomes a
:class:`~newsdesk.domain.models.Problem` with its line and reason (multi-ticker layouts name the ticker in
the locator, so one reason groups across tickers); the same (ticker, date) twice keeps the first close
(a problem when the closes differ). Rows come out sorted by ticker and date; the batch's ``notes`` say
which close column, date order and ticker were used.
"""

from __future__ import annotations

import csv
import io
import itertools
import math
import re
from datetime import date, datetime
from pathlib import Path

from dateutil import parser as dateutil_parser

from newsdesk.domain.models import Problem
from newsdesk.errors import SourceReadError, UnknownFormatError
from newsdesk.prices import PriceBatch, PriceRow

FORMATS = ("long", "wide", "yahoo", "stooq", "stooq-raw", "yfinance")
DATE_COLUMNS = ("date", "datetime", "day", "timestamp", "time")
TICKER_COLUMNS = ("ticker", "symbol", "name")
CLOSE_COLUMNS = ("adj close", "adjusted close", "adj_close", "adjclose", "close", "price")
OHLC_COLUMNS = ("open", "high", "low", "volume")
MISSING = frozenset({"", "null", "none", "nan", "na", "n/a", "#n/a", "-", "--", "."})
MAX_RAW = 300
MAX_HEADER_ROWS = 4
# Stooq's market suffixes -> the exchange suffix newsdesk (and Yahoo) use, where the mapping is clear
STOOQ_SUFFIXES = {"us": "", "uk": ".L", "jp": ".T", "hk": ".HK", "de": ".DE"}
FILE_EXTENSIONS = (".csv", ".txt", ".tsv", ".prn", ".dat")
DAY_FIRST, MONTH_FIRST = "day/month/year", "month/day/year"

_ISO = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T ].*)?")
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
_NUMERIC_DMY = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4}|\d{2})(?:[T ].*)?")
_THOUSANDS = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?")
_DATEISH = re.compile(r"\s*(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}|\d{8})(?:[T ].*)?\s*")
_NAME_SUFFIX = re.compile(r"[ _-]+(?:historical[ _-]*data|historical|data|prices?|daily)$", re.IGNORECASE)


def parse_price_date(raw: str, order: str | None = None, date_format: str | None = None) -> str:
    """``raw`` as ``YYYY-MM-DD``; raises ValueError with a reason a user can act on.

    ``date_format`` (a strftime pattern) is tried first; ``order`` (:data:`DAY_FIRST` or
    :data:`MONTH_FIRST`) reads numeric day/month dates, which are ambiguous without it."""
    text = (raw or "").strip()
    if not text:
        raise ValueError("no date")
    if date_format:
        try:
            return datetime.strptime(text, date_format).date().isoformat()
        except ValueError:
            pass
    m = _ISO.fullmatch(text) or _COMPACT.fullmatch(text)
    if m:
        return _calendar_date(text, int(m.group(1)), int(m.group(2)), int(m.group(3)))
    m = _NUMERIC_DMY.fullmatch(text)
    if m:
        if order is None and date_format:
            raise ValueError(f"date {text!r} does not match --date-format {date_format!r}")
        if order is None:
            raise ValueError(f"date {text!r} is ambiguous (day/month order): write YYYY-MM-DD")
        first, second, year = int(m.group(1)), int(m.group(2)), _year(m.group(3))
        day, month = (first, second) if order == DAY_FIRST else (second, first)
        return _calendar_date(text, year, month, day)
    if re.search(r"[A-Za-z]{3}", text):
        try:
            return dateutil_parser.parse(text).date().isoformat()
        except (ValueError, OverflowError):
            pass
    raise ValueError(f"{text!r} is not a date: write YYYY-MM-DD" + (f" or {date_format!r}" if date_format else ""))


def _year(text: str) -> int:
    """A 2-digit year as strftime's ``%y`` reads it (69-99 -> 19xx, 00-68 -> 20xx)."""
    year = int(text)
    if len(text) == 2:
        year += 1900 if year >= 69 else 2000
    return year


def _calendar_date(text: str, year: int, month: int, day: int) -> str:
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        raise ValueError(f"{text!r} is not a calendar date") from None


class DateOrder:
    """The day/month order of a file's numeric dates, settled by the first row that shows it
    (a first number above 12: day first; a second number above 12: month first)."""

    def __init__(self, dates: list[tuple[int, str]]) -> None:
        self.day_first: tuple[int, str] | None = None
        self.month_first: tuple[int, str] | None = None
        self.numeric = 0
        for line, raw in dates:
            m = _NUMERIC_DMY.fullmatch((raw or "").strip())
            if not m:
                continue
            self.numeric += 1
            first, second = int(m.group(1)), int(m.group(2))
            if first > 12 >= second and self.day_first is None:
                self.day_first = (line, raw.strip())
            elif second > 12 >= first and self.month_first is None:
                self.month_first = (line, raw.strip())

    @property
    def order(self) -> str | None:
        """:data:`DAY_FIRST`, :data:`MONTH_FIRST`, or None (unsettled or contradictory)."""
        if bool(self.day_first) == bool(self.month_first):
            return None
        return DAY_FIRST if self.day_first else MONTH_FIRST

    def note(self) -> str | None:
        """How the numeric dates were read, for the import's notes (None when the file has none)."""
        if not self.numeric:
            return None
        if self.order:
            line, raw = self.day_first or self.month_first or (0, "")  # order set: exactly one is
            return f"dates read as {self.order} ({raw!r} on line {line} settles the order)"
        return None

    def reason(self, raw: str) -> str:
        """Why a numeric date could not be read."""
        text = raw.strip()
        if self.day_first and self.month_first:
            return (
                f"date {text!r} is ambiguous: the file mixes day/month orders ({self.day_first[1]!r} on line "
                f"{self.day_first[0]}, {self.month_first[1]!r} on line {self.month_first[0]}): pass --date-format"
            )
        return (
            f"date {text!r} is ambiguous (day/month order) and no row of the file settles it: "
            "pass --date-format '%m/%d/%Y' or '%d/%m/%Y'"
        )


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
    multi = second and _is_header_row(second) and _fields_count(names) + _fields_count([_norm(c) for c in second])
    if multi and _first(names[1:], TICKER_COLUMNS) is None:  # a long file's units row is not a ticker row
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


def _is_header_row(row: list[str]) -> bool:
    """A row that holds no date and no number: a second (or third) header row, not a bad data row."""
    return not any(_DATEISH.fullmatch(cell) or _is_number(cell) for cell in row)


def _is_number(cell: str) -> bool:
    try:
        float(cell.replace(",", ""))
    except ValueError:
        return False
    return True


def _fields_count(names: list[str]) -> int:
    return sum(1 for n in names if n in CLOSE_COLUMNS[:5] or n in OHLC_COLUMNS)


def _delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def stooq_symbol(symbol: str) -> str:
    """A Stooq symbol as newsdesk writes it: ``AAPL.US`` -> ``AAPL``, ``VOD.UK`` -> ``VOD.L``,
    ``7203.JP`` -> ``7203.T``; any other symbol unchanged (upper-cased)."""
    text = symbol.strip().upper()
    base, dot, suffix = text.rpartition(".")
    if dot and base and suffix.lower() in STOOQ_SUFFIXES:
        return base + STOOQ_SUFFIXES[suffix.lower()]
    return text


def ticker_from_name(name: str) -> str:
    """The ticker a one-ticker file is named after: ``data/7203.T.csv`` -> ``7203.T``,
    ``AAPL_data.csv`` (Kaggle) and ``AAPL_historical_data.csv`` -> ``AAPL``, Stooq's ``aapl.us.txt``
    -> ``AAPL``."""
    stem = Path(name).name.strip()
    for ext in FILE_EXTENSIONS:
        if stem.lower().endswith(ext):
            stem = stem[: -len(ext)]
            break
    stem = _NAME_SUFFIX.sub("", stem.strip()) or stem
    return stooq_symbol(stem)


class _Collector:
    """Gathers rows, reads their dates with one file-wide day/month order, drops repeated
    (ticker, date) pairs and notes conflicting ones."""

    def __init__(self, source: str, date_format: str | None = None, name_tickers: bool = False) -> None:
        self.source = source
        self.date_format = date_format
        self.name_tickers = name_tickers  # multi-ticker layout: the locator names the ticker
        self.pending: list[tuple[int, str, str, str, str]] = []  # line, ticker, date, close, the row
        self.problems: list[tuple[int, Problem]] = []
        self.notes: list[str] = []
        self.time_column: str | None = None  # a time-of-day column beside the date: rows may be intraday bars

    def problem(self, line: int, reason: str, raw: list[str] | str, ticker: str = "") -> None:
        text = raw if isinstance(raw, str) else ",".join(raw)
        where = f"line {line} ({ticker})" if self.name_tickers and ticker else f"line {line}"
        self.problems.append((line, Problem(self.source, where, reason, text[:MAX_RAW])))

    def add(self, line: int, ticker: str, raw_date: str, raw_close: str, raw: list[str], blank_ok: bool = False):
        if not ticker:
            self.problem(line, "no ticker", raw)
            return
        if blank_ok and (raw_close or "").strip().lower() in MISSING:
            return
        self.pending.append((line, ticker, raw_date, raw_close, ",".join(raw)[:MAX_RAW]))

    def batch(self, layout: str) -> PriceBatch:
        first_seen: dict[str, int] = {}  # each distinct date text once (long files repeat them per ticker)
        for line, _, raw_date, _, _ in self.pending:
            first_seen.setdefault(raw_date, line)
        order = DateOrder([(line, raw_date) for raw_date, line in first_seen.items()])
        days = {raw_date: self._day(raw_date, order) for raw_date in first_seen}
        seen: dict[tuple[str, str], tuple[float, int]] = {}
        for line, ticker, raw_date, raw_close, raw in self.pending:
            try:
                day = days[raw_date]
                if isinstance(day, ValueError):
                    raise day
                close = parse_close(raw_close)
            except ValueError as exc:
                self.problem(line, str(exc), raw, ticker)
                continue
            key = (ticker, day)
            if key in seen:
                if self.time_column:
                    raise UnknownFormatError(
                        f"{self.source}: intraday bars (several rows for {ticker} {day}, a {self.time_column!r} "
                        "column): newsdesk stores one close per day; download daily data"
                    )
                kept, kept_line = seen[key]
                if kept != close:
                    self.problem(
                        line, f"{day} appears again with close {close:g}: kept {kept:g} from line {kept_line}", raw,
                        ticker,
                    )  # fmt: skip
                continue
            seen[key] = (close, line)
        note = None if self.date_format else order.note()
        notes = [*self.notes, *([note] if note else [])]
        rows = [PriceRow(t, d, c) for (t, d), (c, _) in sorted(seen.items())]
        problems = [p for _, p in sorted(self.problems, key=lambda item: item[0])]
        return PriceBatch(rows=rows, problems=problems, format=layout, notes=notes)

    def _day(self, raw_date: str, order: DateOrder) -> str | ValueError:
        """``raw_date`` read with the file's order, or the error saying why it cannot be."""
        try:
            return parse_price_date(raw_date, order.order, self.date_format)
        except ValueError as exc:
            if "ambiguous" in str(exc) and not self.date_format:
                return ValueError(order.reason(raw_date))
            return exc


def parse_prices(
    data: str | bytes, name: str, ticker: str | None = None, fmt: str = "auto", date_format: str | None = None
) -> PriceBatch:
    """Read one price file's content (``name`` is its file name, used in problems and for the ticker;
    ``date_format`` a strftime pattern tried before the built-in date forms).

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
    stream = ((reader.line_num, row) for row in reader if "".join(row).strip())  # rows are read once, in turn
    head = list(itertools.islice(stream, MAX_HEADER_ROWS + 1))
    header = head[0][1]
    layout = fmt if fmt != "auto" else detect_layout(header, head[1][1] if len(head) > 1 else None)
    if layout is None:
        raise UnknownFormatError(
            f"{name}: header {','.join(header)[:120]!r} is not a price layout newsdesk knows. Use date,ticker,close "
            "(long), date plus one column per ticker (wide), or a Yahoo/Stooq/yfinance download"
        )
    explicit = ticker.strip().upper() if ticker and ticker.strip() else None
    out = _Collector(name, date_format, name_tickers=layout in ("long", "wide", "yfinance"))
    names = [_norm(h) for h in header]
    body = itertools.chain(head[1:], stream)
    named = None
    if layout == "yfinance":
        named = _read_yfinance(head, stream, out, explicit, name)
    elif layout == "wide":
        _read_wide(header, names, body, out)
    else:
        named = _read_columns(layout, name, header, names, body, out, explicit)
    batch = out.batch(layout)
    batch.named_ticker = named
    return batch


def _column(names: list[str], wanted: tuple[str, ...], layout: str, name: str) -> int:
    index = _first(names, wanted)
    if index is None:
        raise UnknownFormatError(f"{name}: a {layout} price file needs a {wanted[0]!r} column")
    return index


def _read_columns(layout, name, header, names, body, out: _Collector, explicit: str | None) -> str | None:
    """Read a one-header-row layout; returns the ticker taken from the file name, if one was."""
    d = _column(names, DATE_COLUMNS, layout, name)
    c = _column(names, CLOSE_COLUMNS[4:] if layout in ("stooq", "stooq-raw") else CLOSE_COLUMNS, layout, name)
    t = _first(names, TICKER_COLUMNS) if layout in ("long", "stooq-raw") else None
    per = names.index("per") if layout == "stooq-raw" and "per" in names else None
    if layout == "long" and t is None:
        raise UnknownFormatError(f"{name}: a long price file needs a 'ticker' column")
    fixed = explicit if t is None or (layout == "stooq-raw" and explicit) else None
    named = None
    if t is None and fixed is None:
        fixed = named = ticker_from_name(name)
        out.notes.append(f"ticker {fixed} from the file name")
    elif t is not None and fixed is None:
        out.notes.append(f"tickers from the {header[t].strip()!r} column")
    out.notes.append(f"closes from the {header[c].strip().strip('<>')!r} column")
    time_at = names.index("time") if "time" in names and names.index("time") != d else None
    out.time_column = header[time_at].strip() if time_at is not None else None
    width = max(d, c, t if t is not None else 0, per if per is not None else 0) + 1
    for line, row in body:
        if len(row) < width:
            out.problem(line, f"row has {len(row)} fields, the header has {len(header)}", row)
            continue
        if per is not None and row[per].strip().upper() != "D":
            out.problem(line, f"period {row[per].strip()!r} is not daily (D)", row)
            continue
        if fixed is not None:
            symbol = fixed
        else:
            symbol = row[t].strip().upper()
            symbol = stooq_symbol(symbol) if layout == "stooq-raw" else symbol
        out.add(line, symbol, row[d], row[c], row)
    return named


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


def _read_yfinance(rows, stream, out: _Collector, explicit: str | None, name: str) -> str | None:
    """Read a file with several header rows (see the module docstring): ``rows`` are its first rows,
    ``stream`` the rest; returns the ticker taken from the file name, if one was."""
    depth = 1
    while depth < min(MAX_HEADER_ROWS, len(rows)) and _is_header_row(rows[depth][1]):
        depth += 1
    headers = [[_norm(c) for c in row] for _, row in rows[:depth]]
    fields_at = max(range(depth), key=lambda i: _fields_count(headers[i]))
    fields = headers[fields_at]
    first = rows[depth][1] if len(rows) > depth else []
    body = itertools.chain(rows[depth:], stream)
    date_col = next((i for i, cell in enumerate(first) if _DATEISH.fullmatch(cell)), 0)
    symbols_at = next(
        (i for i in range(depth) if i != fields_at and any(headers[i][j] for j in range(1, len(headers[i])))), None
    )
    symbols = [c.strip() for c in rows[symbols_at][1]] if symbols_at is not None else []
    labels = {"ticker", "price", "date", "datetime"}
    wanted = "adj close" if "adj close" in fields else "close"
    columns = [
        i for i, f in enumerate(fields)
        if f == wanted and i != date_col and not (i < len(symbols) and _norm(symbols[i]) in labels)
    ]  # fmt: skip
    if not columns:
        raise UnknownFormatError(f"{name}: its header rows have no {wanted!r} column")
    named = None
    fallback = explicit if len(columns) == 1 else None
    if fallback is None and any(not (i < len(symbols) and symbols[i]) for i in columns):
        fallback = named = ticker_from_name(name)
        out.notes.append(f"ticker {named} from the file name")
    out.notes.append(f"closes from the {rows[fields_at][1][columns[0]].strip()!r} column")
    for line, row in body:
        if len(row) <= date_col:
            out.problem(line, "row has no date", row)
            continue
        for i in columns:
            symbol = (explicit if len(columns) == 1 else None) or (symbols[i].upper() if i < len(symbols) else "")
            out.add(line, symbol or fallback or "", row[date_col], row[i] if i < len(row) else "", row, blank_ok=True)
    return named


def read_price_file(
    path: str | Path, ticker: str | None = None, fmt: str = "auto", date_format: str | None = None
) -> PriceBatch:
    """Read a price file from disk (see :func:`parse_prices`); raises :class:`SourceReadError` when it
    cannot be read."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SourceReadError(f"{path} could not be read ({exc.strerror or exc}): check the path") from None
    return parse_prices(data, str(path), ticker=ticker, fmt=fmt, date_format=date_format)
