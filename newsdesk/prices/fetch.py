"""Fetching closes: any CSV URL template, and Yahoo Finance through ``yfinance`` when it is installed.

:func:`fetch_from_template` GETs ``template`` with ``{ticker}`` replaced (URL-quoted) for each ticker and
reads the answer with :func:`newsdesk.prices.files.parse_prices`. :func:`fetch_from_yfinance` calls
``yfinance.download`` (an optional extra, imported only when used) and turns the DataFrame it returns
into rows with :func:`rows_from_yfinance`. Both return a :class:`~newsdesk.prices.PriceBatch`; a ticker
that cannot be fetched becomes a problem, the others go on.
"""

from __future__ import annotations

import importlib.util
import math
from collections.abc import Callable, Iterable, Mapping
from datetime import date, timedelta
from urllib.parse import quote

import pandas as pd

from newsdesk.domain.models import Problem
from newsdesk.errors import SourceReadError, UnknownFormatError
from newsdesk.fetch import fetch_url
from newsdesk.prices import PriceBatch, PriceRow, PriceSourceError
from newsdesk.prices.files import parse_prices

PLACEHOLDER = "{ticker}"
YAHOO = "yahoo"
PRICE_FIELDS = ("Adj Close", "Close")


def check_template(template: str) -> str:
    """``template`` if it is an http(s) URL containing ``{ticker}``; else :class:`PriceSourceError`."""
    text = (template or "").strip()
    if not text.lower().startswith(("http://", "https://")):
        raise PriceSourceError(f"the URL template {text!r} must start with http:// or https://")
    if PLACEHOLDER not in text:
        raise PriceSourceError(
            f"the URL template {text!r} has no {PLACEHOLDER}: write where the ticker goes, "
            "e.g. https://example.com/prices/{ticker}.csv"
        )
    return text


def template_url(template: str, symbol: str) -> str:
    """``template`` with every ``{ticker}`` replaced by ``symbol``, URL-quoted (``^GSPC`` -> ``%5EGSPC``)."""
    return template.replace(PLACEHOLDER, quote(symbol, safe=""))


def fetch_from_template(
    tickers: Iterable[str],
    template: str,
    symbols: Mapping[str, str] | None = None,
    fmt: str = "auto",
    fetch: Callable[[str], bytes] | None = None,
) -> PriceBatch:
    """Fetch each ticker's closes from ``template`` (see :func:`template_url`).

    ``symbols`` maps a newsdesk ticker to the source's symbol where they differ (``AAPL`` ->
    ``aapl.us``); the rows keep the newsdesk ticker. An answer naming a single ticker is filed under the
    ticker asked for. A ticker whose URL fails or whose answer is not a price file becomes a problem
    (``locator`` is the ticker). ``fetch`` (URL -> body) defaults to :func:`newsdesk.fetch.fetch_url`.
    """
    template = check_template(template)
    get = fetch or (lambda url: fetch_url(url).body)
    out = PriceBatch(format="url-template")
    for ticker in dict.fromkeys(tickers):
        url = template_url(template, (symbols or {}).get(ticker, ticker))
        try:
            batch = parse_prices(get(url), url, ticker=ticker, fmt=fmt)
        except (SourceReadError, UnknownFormatError) as exc:
            out.problems.append(Problem(url, ticker, str(exc)))
            continue
        if len(batch.tickers) == 1 and batch.tickers[0] != ticker:
            batch.rows = [row._replace(ticker=ticker) for row in batch.rows]
        if not batch.rows:
            batch.problems.append(Problem(url, ticker, f"the answer for {ticker} had no prices"))
        out.extend(batch)
    return out


# ---------------------------------------------------------------------------------------------- yfinance


def yfinance_available() -> bool:
    """True when the optional ``yfinance`` package can be imported."""
    return importlib.util.find_spec("yfinance") is not None


def _day(stamp) -> str:
    return stamp.date().isoformat() if hasattr(stamp, "date") else str(stamp)[:10]


def _columns_by_ticker(frame: pd.DataFrame, tickers: list[str]) -> dict[str, dict[str, pd.Series]]:
    """ticker -> field -> column of a ``yfinance.download`` frame, whatever its column layout:
    one level of fields (one ticker), or two levels, fields over tickers or tickers over fields."""
    columns = frame.columns
    if getattr(columns, "nlevels", 1) == 1:
        if len(tickers) != 1:
            return {}
        return {tickers[0]: {str(c): frame[c] for c in columns}}
    fields_level = next(
        (lvl for lvl in range(columns.nlevels) if set(map(str, columns.get_level_values(lvl))) & set(PRICE_FIELDS)),
        0,
    )
    ticker_level = 1 if fields_level == 0 else 0
    found: dict[str, dict[str, pd.Series]] = {}
    for col in columns:
        found.setdefault(str(col[ticker_level]), {})[str(col[fields_level])] = frame[col]
    return found


def rows_from_yfinance(frame, tickers: Iterable[str]) -> PriceBatch:
    """Rows from the DataFrame ``yfinance.download(tickers, ...)`` returned: ``Adj Close`` where it has
    one (``auto_adjust=False``), else ``Close`` (adjusted when ``auto_adjust=True``). A missing value is a
    day the ticker did not trade and is skipped; a non-positive one is a problem; a ticker without any
    close is a problem."""
    wanted = list(dict.fromkeys(tickers))
    out = PriceBatch(format=YAHOO)
    columns = {} if frame is None or len(frame) == 0 else _columns_by_ticker(frame, wanted)
    for ticker in wanted:
        fields = columns.get(ticker, {})
        series = next((fields[f] for f in PRICE_FIELDS if f in fields and fields[f].notna().any()), None)
        rows = []
        if series is not None:
            for stamp, value in series.items():
                if pd.isna(value):
                    continue
                close = float(value)
                if not math.isfinite(close) or close <= 0:
                    out.problems.append(Problem(YAHOO, f"{ticker} {_day(stamp)}", f"close {close!r} is not positive"))
                    continue
                rows.append(PriceRow(ticker, _day(stamp), close))
        if not rows:
            out.problems.append(Problem(YAHOO, ticker, f"Yahoo returned no closes for {ticker}"))
        out.rows.extend(sorted(set(rows)))
    return out


def fetch_from_yfinance(
    tickers: Iterable[str],
    start: str,
    end: str | None = None,
    download: Callable | None = None,
) -> PriceBatch:
    """Daily closes of ``tickers`` from ``start`` to ``end`` (inclusive ``YYYY-MM-DD`` dates; ``end``
    None is up to today) through ``yfinance.download`` (``download`` replaces it in tests). Raises
    :class:`PriceSourceError` when yfinance is not installed or the download fails as a whole."""
    wanted = list(dict.fromkeys(tickers))
    if not wanted:
        return PriceBatch(format=YAHOO)
    if download is None:
        try:
            import yfinance
        except ImportError:
            raise PriceSourceError(
                "yfinance is not installed: pip install 'newsdesk[yahoo]' (or pip install yfinance), "
                "or use --url-template or prices import"
            ) from None
        download = yfinance.download
    stop = (date.fromisoformat(end) + timedelta(days=1)).isoformat() if end else None  # yfinance's end is exclusive
    try:
        frame = download(
            tickers=wanted,
            start=start,
            end=stop,
            interval="1d",
            auto_adjust=False,
            actions=False,
            group_by="column",
            progress=False,
            threads=False,
        )
    except Exception as exc:  # noqa: BLE001 - a third-party download can fail in many ways; report it as one
        raise PriceSourceError(f"the Yahoo download failed ({type(exc).__name__}: {exc}); try again later") from exc
    return rows_from_yfinance(frame, wanted)
