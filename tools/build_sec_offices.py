"""Build ``data/sec_sic.csv`` (U.S. ticker -> SEC SIC code) and ``data/sic_offices.csv`` (SIC code -> the
SEC Division of Corporation Finance office that reviews it) from public files.

    python tools/build_sec_offices.py SEC_JSON OFFICE_TABLE SIC_FILE [SIC_FILE ...] --out data/

* ``SEC_JSON``: SEC's ``company_tickers_exchange.json`` (public domain), the same file
  ``tools/build_listings.py`` reads: the Nasdaq, NYSE and Cboe tickers and their CIKs (OTC rows and
  preferred/warrant lines are left out, as there).
* ``OFFICE_TABLE``: the SEC's SIC code list (``SIC Code,Office,Industry Title``; a copy:
  henrystern/edgar_db_tools, ``other_data/industry_code_list.csv``).
* ``SIC_FILE``: CSV files (comma or ``|``) with a ``cik`` and a ``sic`` column, SIC codes as EDGAR
  records them for each filer (``data.sec.gov/submissions/CIK##########.json`` or the older EDGAR
  company list). A CIK takes its code from the first file that has one, so give the newest first.

A ticker is joined to its SIC code through its CIK (never through the ticker: symbols are reused);
a ticker whose CIK no file knows is left out. Nothing here downloads.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import re
import sys
from pathlib import Path

# the same U.S. lines as the listing universe (tools/build_listings.py): Nasdaq, NYSE and Cboe, no
# preferred shares, warrants, units or rights
SEC_EXCHANGES = {"Nasdaq": "NASDAQ", "NYSE": "NYSE", "CBOE": "Cboe"}
PREFERRED = re.compile(r"-(?:P[A-Z]?|WT|WS|UN|U|RT|R)$")
OFFICE_PREFIX = "Office of "


def read_rows(path: Path) -> list[dict[str, str]]:
    """The rows of a comma- or ``|``-separated file, keys lower-cased, a BOM and ``#`` lines dropped."""
    text = path.read_text(encoding="utf-8-sig")
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    delimiter = "|" if lines and lines[0].count("|") > lines[0].count(",") else ","
    reader = csv.DictReader(io.StringIO("\n".join(lines)), delimiter=delimiter)
    return [{(k or "").strip().lower(): (v or "").strip() for k, v in row.items()} for row in reader]


def offices(path: Path) -> dict[str, str]:
    """SIC code -> office without its "Office of " ("3674" -> "Manufacturing")."""
    out = {}
    for row in read_rows(path):
        code, office = row.get("sic code", ""), row.get("office", "")
        if code.isdigit() and office:
            out[str(int(code))] = office.removeprefix(OFFICE_PREFIX).strip()
    return out


def sic_by_cik(paths: list[Path]) -> dict[int, str]:
    """CIK -> SIC code; the first file that gives a CIK a code wins."""
    out: dict[int, str] = {}
    for path in paths:
        for row in read_rows(path):
            cik, sic = row.get("cik", ""), row.get("sic", "")
            if cik.isdigit() and sic.isdigit() and int(sic) > 0:
                out.setdefault(int(cik), str(int(sic)))
    return out


def build(sec_json: Path, sic_paths: list[Path]) -> list[tuple[str, str]]:
    """``(ticker, sic)`` of every Nasdaq, NYSE and Cboe ticker whose CIK has a SIC code."""
    data = json.loads(sec_json.read_text(encoding="utf-8"))
    codes = sic_by_cik(sic_paths)
    rows: dict[str, str] = {}
    for record in data["data"]:
        rec = dict(zip(data["fields"], record, strict=False))
        ticker = str(rec.get("ticker") or "").strip().upper()
        if not SEC_EXCHANGES.get(rec.get("exchange") or "") or not ticker or PREFERRED.search(ticker):
            continue
        try:
            sic = codes.get(int(rec.get("cik") or 0))
        except (TypeError, ValueError):
            continue
        if sic and ticker not in rows:
            rows[ticker] = sic
    return sorted(rows.items())


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sec_json", type=Path)
    parser.add_argument("office_table", type=Path)
    parser.add_argument("sic_files", type=Path, nargs="+")
    parser.add_argument("--out", type=Path, required=True, help="folder to write sec_sic.csv and sic_offices.csv")
    parser.add_argument("--note", default="", help="a provenance line written into sec_sic.csv's header")
    args = parser.parse_args(argv[1:])
    table = offices(args.office_table)
    rows = [(t, s) for t, s in build(args.sec_json, args.sic_files) if s in table]
    with open(args.out / "sec_sic.csv", "w", encoding="utf-8", newline="") as fh:
        fh.write(
            "# U.S. ticker -> SEC Standard Industrial Classification code, joined through the CIK. Built with "
            "tools/build_sec_offices.py from SEC EDGAR records (U.S. government work, public domain): "
            "company_tickers_exchange.json (tickers, CIKs) and each filer's SIC code.\n"
        )
        if args.note:
            fh.write(f"# {args.note}\n")
        out = csv.writer(fh, lineterminator="\n")
        out.writerow(("ticker", "sic"))
        out.writerows(rows)
    used = sorted({s for _t, s in rows}, key=int)
    with open(args.out / "sic_offices.csv", "w", encoding="utf-8", newline="") as fh:
        fh.write(
            "# SEC SIC code -> the office of the Division of Corporation Finance that reviews its filers "
            "(sec.gov's SIC code list; U.S. government work, public domain). Built with "
            "tools/build_sec_offices.py; only the codes data/sec_sic.csv uses.\n"
        )
        out = csv.writer(fh, lineterminator="\n")
        out.writerow(("sic", "office"))
        out.writerows((s, table[s]) for s in used)
    print(f"{len(rows)} tickers, {len(used)} SIC codes", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
