"""Build ``data/listings.csv`` (the listing universe) from two public reference files.

    python tools/build_listings.py SEC_JSON FINANCEDATABASE_DIR > data/listings.csv

* ``SEC_JSON``: SEC's ``company_tickers_exchange.json`` (U.S. government work, public domain): every
  stock and trust listed on Nasdaq, NYSE or Cboe, with its exchange. OTC rows are left out.
* ``FINANCEDATABASE_DIR``: a checkout's ``database/`` folder of JerBouma/FinanceDatabase (MIT licence):
  ``etfs/<EXCHANGE>.csv`` gives the U.S.-listed ETFs; ``equities/<EXCHANGE>.csv`` gives sectors and
  proper-case names of U.S. companies (by symbol) and the major foreign listings (mega, large and mid
  caps on their home exchange, Yahoo Finance symbols).

Nothing here downloads: both inputs are files the maintainer fetched by hand.
"""

from __future__ import annotations

import csv
import json
import re
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from newsdesk.domain.reference import short_name  # noqa: E402  (the one definition of the name news writes)

US_EQUITY_FILES = ("NCM", "NGM", "ASE", "BTS", "PCX", "NMS", "NYQ")  # by symbol (NMS/NYQ may be absent)
US_MIRRORS = ("MEX", "VIE", "BUE", "GER")  # foreign lines of U.S. companies: AAPL.MX -> AAPL
US_ETF_FILES = ("PCX", "NMS", "NGM", "BTS", "NYQ", "ASE", "NCM", "NIM")
SEC_EXCHANGES = {"Nasdaq": "NASDAQ", "NYSE": "NYSE", "CBOE": "Cboe"}
ETF_EXCHANGES = {"PCX": "NYSE Arca", "NMS": "NASDAQ", "NGM": "NASDAQ", "NCM": "NASDAQ", "NIM": "NASDAQ",
                 "BTS": "Cboe", "NYQ": "NYSE", "ASE": "NYSE American"}
# FinanceDatabase exchange -> (newsdesk exchange name, ISO country of that market, company country names)
FOREIGN = {
    "LSE": ("LSE", "GB", ("United Kingdom",)),
    "JPX": ("TSE", "JP", ("Japan",)),
    "GER": ("XETRA", "DE", ("Germany",)),
    "PAR": ("Euronext Paris", "FR", ("France",)),
    "AMS": ("Euronext Amsterdam", "NL", ("Netherlands",)),
    "BRU": ("Euronext Brussels", "BE", ("Belgium",)),
    "LIS": ("Euronext Lisbon", "PT", ("Portugal",)),
    "ISE": ("Euronext Dublin", "IE", ("Ireland",)),
    "MIL": ("Borsa Italiana", "IT", ("Italy",)),
    "MCE": ("BME", "ES", ("Spain",)),
    "EBS": ("SIX", "CH", ("Switzerland",)),
    "STO": ("Nasdaq Stockholm", "SE", ("Sweden",)),
    "CPH": ("Nasdaq Copenhagen", "DK", ("Denmark",)),
    "HEL": ("Nasdaq Helsinki", "FI", ("Finland",)),
    "OSL": ("Oslo Bors", "NO", ("Norway",)),
    "VIE": ("Wiener Borse", "AT", ("Austria",)),
    "WSE": ("GPW", "PL", ("Poland",)),
    "TOR": ("TSX", "CA", ("Canada",)),
    "HKG": ("HKEX", "HK", ("Hong Kong", "China")),
    "SHH": ("SSE", "CN", ("China",)),
    "SHZ": ("SZSE", "CN", ("China",)),
    "KSC": ("KRX", "KR", ("South Korea",)),
    "TAI": ("TWSE", "TW", ("Taiwan",)),
    "NSE": ("NSE", "IN", ("India",)),
    "ASX": ("ASX", "AU", ("Australia",)),
    "NZE": ("NZX", "NZ", ("New Zealand",)),
    "SAO": ("B3", "BR", ("Brazil",)),
    "MEX": ("BMV", "MX", ("Mexico",)),
    "JNB": ("JSE", "ZA", ("South Africa",)),
    "SES": ("SGX", "SG", ("Singapore",)),
    "SAU": ("Tadawul", "SA", ("Saudi Arabia",)),
    "TLV": ("TASE", "IL", ("Israel",)),
    "IST": ("Borsa Istanbul", "TR", ("Turkey",)),
}
MAJOR_CAPS = {"Mega Cap", "Large Cap", "Mid Cap"}
SECTORS = {"Information Technology": "Technology"}  # GICS name -> the name data/companies.csv uses
PREFERRED = re.compile(r"-(?:P[A-Z]?|WT|WS|UN|U|RT|R)$")
LEGAL_WORDS = {"inc", "corp", "corporation", "co", "company", "ltd", "limited", "plc", "llc", "lp", "l", "p",
               "sa", "ag", "se", "nv", "the", "holdings", "holding", "group", "new", "de", "del", "com"}


def read_csv(path: Path) -> list[dict]:
    if not path.exists():
        return []
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def first_word(name: str) -> str:
    words = re.findall(r"[a-z0-9]+", name.lower())
    return words[0] if words else ""


def proper(name: str) -> str:
    """An all-capital SEC name in title case ("DELTA AIR LINES, INC." -> "Delta Air Lines, Inc.")."""
    name = re.sub(r"\s*/[A-Za-z]{2,4}/?\s*$", "", name).strip()  # SEC's state tags: "BANK OF AMERICA CORP /DE/"
    if name != name.upper():
        return name
    words = []
    for w in name.split():
        letters = re.sub(r"[^A-Za-z]", "", w)
        words.append(w if len(letters) <= 3 and not re.search(r"[AEIOUY]", letters) else w.capitalize())
    return " ".join(words).strip()


def us_companies(db: Path) -> tuple[dict[str, dict], dict[str, dict], dict[str, str]]:
    """U.S. companies FinanceDatabase knows: by their U.S. symbol, and by the symbol of a foreign line
    of theirs (``AAPL.MX`` -> ``AAPL``), each a row with ``name`` and ``sector``; and sectors by plain name
    (from every exchange's lines of U.S. companies)."""
    direct: dict[str, dict] = {}
    for ex in US_EQUITY_FILES:
        for r in read_csv(db / "equities" / f"{ex}.csv"):
            if r.get("sector"):
                direct.setdefault(r["symbol"], r)
    mirrored: dict[str, dict] = {}
    for ex in US_MIRRORS:
        for r in read_csv(db / "equities" / f"{ex}.csv"):
            if r.get("country") == "United States" and r.get("sector") and "." in r["symbol"]:
                mirrored.setdefault(r["symbol"].rsplit(".", 1)[0], r)
    by_name: dict[str, Counter] = {}
    for path in sorted((db / "equities").glob("*.csv")):
        for r in read_csv(path):
            if r.get("country") == "United States" and r.get("sector") and plain_name(r["name"]):
                by_name.setdefault(plain_name(r["name"]), Counter())[r["sector"]] += 1
    named = {k: c.most_common(1)[0][0] for k, c in by_name.items()}
    return direct, mirrored, named


def plain_name(name: str) -> str:
    """A name without case, punctuation or legal form: "ADVANCE AUTO PARTS INC" -> "advance auto parts"."""
    words = re.findall(r"[a-z0-9]+", name.lower().replace("&", " and "))
    while words and words[-1] in LEGAL_WORDS:
        words.pop()
    return " ".join(words)


def note_or_stock(ticker: str, tickers: list[str], direct: dict, mirrored: dict) -> str:
    """``stock`` for a registrant's shares; ``note`` for the exchange-traded notes and bonds a bank or a
    fund lists under its own name (Credit Suisse AG's GLDI, UBS AG's AMUB): a ticker after the first of
    its registrant that does not share its first three letters, or any ticker of a registrant with three
    or more unrelated tickers unless FinanceDatabase knows it as a company's share."""
    first = tickers[0]
    unrelated = [t for t in tickers if t[:3] != first[:3]]
    known = direct.get(ticker) or mirrored.get(ticker)
    if known and re.search(r"\bET[NF]s?\b|\bNotes?\b", known["name"]):
        return "note"  # VXZ: "iPath Series B S&P 500 VIX Mid-Term Futures ETN" under Barclays Bank PLC
    if known:
        return "stock"
    if len(unrelated) >= 2 or ticker[:3] != first[:3]:
        return "note"
    return "stock"


def build(sec_json: Path, db: Path) -> list[tuple[str, str, str, str, str, str]]:
    rows: dict[str, tuple[str, str, str, str, str, str]] = {}
    direct, mirrored, named = us_companies(db)
    for ex in US_ETF_FILES:
        for r in read_csv(db / "etfs" / f"{ex}.csv"):
            ticker = r["symbol"].strip()
            if ticker and ticker not in rows and r.get("currency") == "USD" and "." not in ticker:
                rows[ticker] = (ticker, r["name"].strip(), ETF_EXCHANGES[ex], "US", "", "etf")
    data = json.loads(sec_json.read_text(encoding="utf-8"))
    records = [dict(zip(data["fields"], record, strict=False)) for record in data["data"]]
    by_cik: dict[object, list[str]] = {}
    for rec in records:
        if SEC_EXCHANGES.get(rec.get("exchange") or "") and not PREFERRED.search(str(rec.get("ticker") or "")):
            by_cik.setdefault(rec.get("cik"), []).append(str(rec.get("ticker") or "").strip().upper())
    for rec in records:
        exchange = SEC_EXCHANGES.get(rec.get("exchange") or "")
        ticker = str(rec.get("ticker") or "").strip().upper()
        if not exchange or not ticker or PREFERRED.search(ticker) or ticker in rows:
            continue
        kind = note_or_stock(ticker, by_cik.get(rec.get("cik"), [ticker]), direct, mirrored)
        name = proper(str(rec.get("name") or ""))
        sector = ""
        for known in (direct.get(ticker), mirrored.get(ticker)):
            if known and first_word(known["name"]) == first_word(name):  # the same company, not a reused symbol
                name, sector = known["name"].strip(), known["sector"]
                break
        sector = sector or named.get(plain_name(name), "")
        rows[ticker] = (ticker, name, exchange, "US", SECTORS.get(sector, sector), kind)
    seen: set[tuple[str, str]] = set()
    for ex, (exchange, country, homes) in FOREIGN.items():
        for r in read_csv(db / "equities" / f"{ex}.csv"):
            ticker = r["symbol"].strip()
            if (
                r.get("market_cap") in MAJOR_CAPS
                and r.get("country") in homes
                and r.get("delisted", "False") != "True"
                and ticker not in rows
                and r.get("name", "").strip()
                and (exchange, r["name"].strip()) not in seen
            ):
                seen.add((exchange, r["name"].strip()))
                sector = r.get("sector", "")
                rows[ticker] = (ticker, r["name"].strip(), exchange, country, SECTORS.get(sector, sector), "stock")
    return list(rows.values())


def main(argv: list[str]) -> int:
    sec_json, db = Path(argv[1]), Path(argv[2])
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(("ticker", "name", "exchange", "country", "sector", "kind", "short"))
    out.writerows((*row, short_name(row[1]) if row[5] == "stock" else "") for row in build(sec_json, db))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
