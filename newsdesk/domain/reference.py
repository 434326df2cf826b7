"""Reference data shipped in ``data/``: listed companies, the listing universe and sector baskets.

Two layers of companies: ``companies.csv`` is the curated layer (620 companies with aliases, sectors and
baskets); ``listings.csv`` is the universe behind it (every U.S.-listed stock and ETF plus the major
foreign listings, from public sources named in its header). Where both have a ticker, the curated row
wins."""

from __future__ import annotations

import csv
import re
import string
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from newsdesk.config import DATA_DIR

COMPANIES_FILE = DATA_DIR / "companies.csv"
LISTINGS_FILE = DATA_DIR / "listings.csv"
BASKETS_FILE = DATA_DIR / "baskets.toml"
SEC_SIC_FILE = DATA_DIR / "sec_sic.csv"  # U.S. ticker -> SEC SIC code (tools/build_sec_offices.py)
SIC_OFFICES_FILE = DATA_DIR / "sic_offices.csv"  # SIC code -> the SEC office that reviews its filers
# the legal form and the generic holding words that end a company's formal name
LEGAL_WORDS = frozenset(
    "inc incorporated corp corporation co company cos companies ltd limited plc llc lp l p sa ag se nv bv spa "
    "asa ab oyj as tbk bhd pcl kgaa holdings holding group new the".split()
)
_LEGAL_OR_EMPTY = LEGAL_WORDS | {""}
_PUNCTUATION = str.maketrans({c: " " for c in string.punctuation + "’‘“”"})
_FORM_HINTS = ("de C", "S.p.A", "A/S", "(", "N.V", "S.A", "s.a", "n.v", "Class", "Series", "Common", "Ordinary",
               "Depositary", "ADR")
LEGAL_FORMS = re.compile(
    r"\b(?:S\.?A\.?B\.?|S\.?A\.?)\s+de\s+C\.?V\.?|\bS\.p\.A\.?|\bA/S\b|\(The\)|\(publ\)|\bN\.V\.|\bS\.A\.|"
    r"\s(?:Class|Series)\s+[A-Z]\b.*$|\s(?:Common|Ordinary)\s+(?:Stock|Shares).*$|\sAmerican\s+Depositary.*$|\sADRs?$",
    re.I,
)


@dataclass(frozen=True)
class Company:
    """A listed company; ``aliases`` are other names the news uses for it."""

    ticker: str
    name: str
    aliases: tuple[str, ...] = ()
    sector: str = ""
    country: str = ""
    exchange: str = ""
    kind: str = "stock"
    short: str = ""  # the name as news writes it (listings.csv precomputes :func:`short_name`)


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
    """Every curated company keyed by ticker."""
    return {c.ticker: c for c in load_companies()}


@lru_cache(maxsize=4)
def load_listings(path: Path = LISTINGS_FILE) -> tuple[Company, ...]:
    """Read the listing universe (``ticker,name,exchange,country,sector,kind,short`` after ``#`` header
    lines; ``short`` is the name as news writes it); a row without a ticker or a name is skipped, and
    a column the header lacks reads as blank."""
    with open(path, encoding="utf-8", newline="") as fh:
        rows = csv.reader(line for line in fh if not line.startswith("#"))
        header = next(rows, [])
        col = {name: i for i, name in enumerate(header)}
        t, n, e, c, s, k, m = (
            col.get(x) for x in ("ticker", "name", "exchange", "country", "sector", "kind", "short")
        )
        out = []
        if t is None or n is None:  # no ticker or name column: nothing to list
            return ()
        for row in rows:
            if len(row) != len(header) or not row[t].strip() or not row[n].strip():
                continue
            sector, country, exchange, kind = (row[i] if i is not None else "" for i in (s, c, e, k))
            short = row[m] if m is not None else short_name(row[n])
            out.append(Company(row[t].strip(), row[n].strip(), (), sector, country, exchange, kind or "stock", short))
        return tuple(out)


@lru_cache(maxsize=1)
def universe() -> dict[str, Company]:
    """Every known listing by ticker: the curated companies, then the listing universe."""
    out = {c.ticker: c for c in load_listings()}
    out.update(companies_by_ticker())
    return out


def _data_rows(path: Path) -> list[dict[str, str]]:
    """The rows of a shipped CSV after its ``#`` header lines (none when the file is absent)."""
    if not path.is_file():
        return []
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(line for line in fh if not line.startswith("#")))


@lru_cache(maxsize=4)
def sec_codes(path: Path = SEC_SIC_FILE) -> dict[str, int]:
    """U.S. ticker -> its SEC Standard Industrial Classification code (``data/sec_sic.csv``)."""
    return {r["ticker"]: int(r["sic"]) for r in _data_rows(path) if r.get("ticker") and (r.get("sic") or "").isdigit()}


@lru_cache(maxsize=4)
def sec_offices(path: Path = SEC_SIC_FILE, offices_path: Path = SIC_OFFICES_FILE) -> dict[str, str]:
    """U.S. ticker -> the office of the SEC's Division of Corporation Finance that reviews its filings,
    read from its SIC code (``NVDA`` -> ``Manufacturing``, ``EXPE`` -> ``Energy & Transportation``)."""
    office = {int(r["sic"]): r["office"] for r in _data_rows(offices_path) if (r.get("sic") or "").isdigit()}
    return {t: office[code] for t, code in sec_codes(path).items() if office.get(code)}


def _sec_key(ticker: str, known: Mapping[str, object]) -> str:
    """``ticker`` as SEC spells it in ``known`` (a dotted or Yahoo spelling finds ``BRK-B``), else ""."""
    symbol = (ticker or "").strip().upper()
    for key in (symbol, symbol.replace(".", "-"), symbol.replace("-", ".")):
        if key in known:
            return key
    return ""


def sec_office(ticker: str) -> str:
    """The SEC office of a U.S. ticker (see :func:`sec_offices`); "" when unknown."""
    known = sec_offices()
    key = _sec_key(ticker, known)
    return known[key] if key else ""


def sec_code(ticker: str) -> int:
    """The SEC SIC code of a U.S. ticker (see :func:`sec_codes`); 0 when unknown."""
    known = sec_codes()
    key = _sec_key(ticker, known)
    return known[key] if key else 0


def lookup(ticker: str) -> Company | None:
    """The company listed under ``ticker`` (curated first, then the universe); a bare symbol also finds
    its Yahoo-style spelling (``BRK.B`` -> ``BRK-B``)."""
    known = universe()
    symbol = (ticker or "").strip().upper()
    return known.get(ticker) or known.get(symbol) or known.get(symbol.replace(".", "-"))


def plain_name(name: str) -> str:
    """A company name without case, punctuation or legal form: ``"Delta Air Lines, Inc."`` -> ``"delta air
    lines"``; names that differ only so are the same company's."""
    return name_key(_without_forms(name))


def _without_forms(name: str) -> str:
    return LEGAL_FORMS.sub(" ", name) if any(hint in name for hint in _FORM_HINTS) else name


def name_key(name: str) -> str:
    """:func:`plain_name` of a name whose legal forms are already gone (a :func:`short_name`): cheap."""
    words = name.lower().replace("&", " and ").replace("'s", "s").translate(_PUNCTUATION).split()
    while words and words[-1] in LEGAL_WORDS:
        words.pop()
    while words and words[0] == "the":
        words.pop(0)
    return " ".join(words)


def short_name(name: str) -> str:
    """A formal name as news writes it: the legal form and a leading "The" dropped, case kept
    (``"The Trade Desk, Inc."`` -> ``"Trade Desk"``, ``"Amazon.com, Inc."`` -> ``"Amazon.com"``)."""
    words = _without_forms(name).replace(",", " ").split()
    while words and words[-1].lower().strip(".()-") in _LEGAL_OR_EMPTY:
        words.pop()
    if words and words[0].lower() == "the":
        words.pop(0)
    return " ".join(words).strip(" .-")
