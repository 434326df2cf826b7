"""Market benchmarks: which ticker a leg is measured against.

``data/benchmarks.toml`` maps a country (as in ``data/companies.csv``) to a benchmark ticker and has a
``[default]`` for every other country. A ticker the caller has no country for takes the country of its
listing in ``data/listings.csv``; a bare symbol the universe does not know (``AAP``, no ``.XX`` suffix)
is a U.S. listing; anything else gets the default. An override (the CLI's
``--benchmark TICKER``) replaces the choice for every leg.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from newsdesk.config import DATA_DIR
from newsdesk.domain.reference import load_companies, lookup
from newsdesk.errors import NewsdeskError
from newsdesk.prices.sessions import exchange_of

BENCHMARKS_FILE = DATA_DIR / "benchmarks.toml"


class BenchmarkConfigError(NewsdeskError):
    """``benchmarks.toml`` is missing a ticker or its ``[default]``."""


@dataclass(frozen=True)
class Benchmark:
    """A benchmark ticker and its display name."""

    ticker: str
    name: str = ""


@dataclass(frozen=True)
class Benchmarks:
    """Country -> :class:`Benchmark`, plus the default for every other country."""

    default: Benchmark
    by_country: Mapping[str, Benchmark] = field(default_factory=dict)

    def for_country(self, country: str | None) -> Benchmark:
        """The benchmark of ``country`` (case-insensitive), else the default."""
        return self.by_country.get((country or "").strip().upper(), self.default)

    @property
    def tickers(self) -> list[str]:
        """Every benchmark ticker named in the file, sorted and distinct."""
        return sorted({self.default.ticker, *(b.ticker for b in self.by_country.values())})


def _benchmark(table: object, where: str) -> Benchmark:
    if not isinstance(table, dict) or not str(table.get("ticker") or "").strip():
        raise BenchmarkConfigError(f'benchmarks.toml: {where} needs a ticker, e.g. ticker = "SPY"')
    return Benchmark(ticker=str(table["ticker"]).strip(), name=str(table.get("name") or "").strip())


@lru_cache(maxsize=4)
def load_benchmarks(path: Path = BENCHMARKS_FILE) -> Benchmarks:
    """Read ``benchmarks.toml`` (``[default]`` and one ``[country.XX]`` table per country)."""
    with open(path, "rb") as fh:
        data = tomllib.load(fh)
    countries = data.get("country", {})
    return Benchmarks(
        default=_benchmark(data.get("default"), "[default]"),
        by_country={code.strip().upper(): _benchmark(t, f"[country.{code}]") for code, t in countries.items()},
    )


def benchmark_for(
    ticker: str,
    countries: Mapping[str, str],
    benchmarks: Benchmarks,
    override: str | None = None,
) -> str:
    """The benchmark ticker of ``ticker``: ``override`` when given, else the benchmark of the company's
    country (``countries`` maps ticker -> country, e.g. from ``data/companies.csv``); a ticker not in it
    takes the country of its listing (the universe, ``data/listings.csv``), else of its exchange by its
    suffix (``data/exchanges.csv``: no suffix is the US), so an unknown US ticker is measured against the
    US benchmark, not the world's; else the default."""
    if override and override.strip():
        return override.strip()
    country = countries[ticker] if ticker in countries else listing_country(ticker)
    return benchmarks.for_country(country).ticker


def listing_country(ticker: str) -> str | None:
    """The country of ``ticker``'s market: its line in the curated list or the universe, else the country
    of its exchange by its suffix (none: the US)."""
    company = lookup(ticker)
    if company and company.country:
        return company.country
    return exchange_of((ticker or "").strip()).country if (ticker or "").strip() else None


def company_countries() -> dict[str, str]:
    """Ticker -> country of every company in ``data/companies.csv``."""
    return {c.ticker: c.country for c in load_companies()}
