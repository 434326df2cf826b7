"""Reference data shipped in ``data/``: listed companies and sector baskets."""

from __future__ import annotations

import csv
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from newsdesk.config import DATA_DIR

COMPANIES_FILE = DATA_DIR / "companies.csv"
BASKETS_FILE = DATA_DIR / "baskets.toml"


@dataclass(frozen=True)
class Company:
    """A listed company; ``aliases`` are other names the news uses for it."""

    ticker: str
    name: str
    aliases: tuple[str, ...] = ()
    sector: str = ""
    country: str = ""
    exchange: str = ""


@dataclass
class Basket:
    """A sector basket: members (ticker -> weight), linked categories, and the phrases a trade
    idea may use for it."""

    id: str
    name: str
    kind: str = "sector"
    description: str = ""
    categories: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    members: dict[str, float] = field(default_factory=dict)


@lru_cache(maxsize=4)
def load_companies(path: Path = COMPANIES_FILE) -> tuple[Company, ...]:
    """Read ``companies.csv`` (``ticker,name,aliases,sector,country,exchange``)."""
    with open(path, encoding="utf-8", newline="") as fh:
        return tuple(
            Company(
                ticker=row["ticker"].strip(),
                name=row["name"].strip(),
                aliases=tuple(a.strip() for a in (row.get("aliases") or "").split("|") if a.strip()),
                sector=row.get("sector", "").strip(),
                country=row.get("country", "").strip(),
                exchange=row.get("exchange", "").strip(),
            )
            for row in csv.DictReader(fh)
            if row.get("ticker", "").strip() and row.get("name", "").strip()
        )


@lru_cache(maxsize=4)
def load_baskets(path: Path = BASKETS_FILE) -> tuple[Basket, ...]:
    """Read ``baskets.toml`` (one ``[[basket]]`` table per basket)."""
    with open(path, "rb") as fh:
        data = tomllib.load(fh)
    return tuple(
        Basket(
            id=b["id"],
            name=b["name"],
            kind=b.get("kind", "sector"),
            description=b.get("description", ""),
            categories=list(b.get("categories", [])),
            aliases=list(b.get("aliases", [])),
            members={m["ticker"]: float(m.get("weight", 0)) for m in b.get("members", [])},
        )
        for b in data.get("basket", [])
    )


def companies_by_ticker() -> dict[str, Company]:
    """Every company keyed by ticker."""
    return {c.ticker: c for c in load_companies()}
