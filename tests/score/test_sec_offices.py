"""The SEC office of a U.S. ticker (data/sec_sic.csv, data/sic_offices.csv, tools/build_sec_offices.py)
and the topic a company the source tags stands for by it (headlines written for these tests)."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from newsdesk.domain.models import Article, Entity
from newsdesk.domain.reference import SEC_SIC_FILE, SIC_OFFICES_FILE, sec_office, sec_offices
from newsdesk.domain.taxonomy import office_categories, sector_categories
from newsdesk.score.pipeline import score_article

ROOT = Path(__file__).resolve().parents[2]


def data_rows(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.reader(line for line in fh if not line.startswith("#")))


def test_the_shipped_files_name_their_sources_and_stay_small() -> None:
    head = " ".join(line for line in SEC_SIC_FILE.read_text(encoding="utf-8").splitlines() if line.startswith("#"))
    assert "public domain" in head and "company_tickers_exchange.json" in head and "build_sec_offices.py" in head
    assert SEC_SIC_FILE.stat().st_size < 100_000 and SIC_OFFICES_FILE.stat().st_size < 20_000
    rows, offices = data_rows(SEC_SIC_FILE), data_rows(SIC_OFFICES_FILE)
    assert rows[0] == ["ticker", "sic"] and offices[0] == ["sic", "office"]
    tickers = [r[0] for r in rows[1:]]
    assert len(tickers) == len(set(tickers)) > 2000
    codes = {r[0] for r in offices[1:]}
    assert {r[1] for r in rows[1:]} <= codes  # every code a ticker carries has its office
    assert {r[1] for r in offices[1:]} <= set(office_categories()) | {"International Corp Fin"}


@pytest.mark.parametrize(
    ("ticker", "office"),
    [
        ("NVDA", "Manufacturing"),  # semiconductors: SIC 3674
        ("EXPE", "Energy & Transportation"),  # transportation services: SIC 4700
        ("NEM", "Energy & Transportation"),  # gold and silver ores: SIC 1040
        ("AAPL", "Technology"),
        ("PFE", "Life Sciences"),
        ("JPM", "Finance"),
        ("WMT", "Trade & Services"),
        ("BRK.B", "Finance"),  # a dotted spelling finds SEC's BRK-B
        ("NOT-A-TICKER", ""),
    ],
)
def test_a_ticker_reads_its_sec_office(ticker: str, office: str) -> None:
    assert sec_office(ticker) == office


def test_every_office_stands_for_a_sector_category() -> None:
    assert set(office_categories().values()) <= set(sector_categories().values())


def tagged_names(title: str, *tickers: str) -> set[str]:
    entities = [Entity(ticker=t, name=t, relevance=0.5) for t in tickers]
    article = Article(title=title, summary="", source="t", entities=entities)
    return {c.category for c in score_article(article).categories}


@pytest.mark.parametrize(
    ("tickers", "expected", "unexpected"),
    [
        # Alpha Vantage files a tagged company's news under its SEC office, not its industry's sector
        (("NVDA",), "Autos & Industrials", "Semiconductors & Supply Chain"),
        (("EXPE",), "Energy & Commodities", "Consumer & Retail"),
        (("NEM",), "Energy & Commodities", None),
        (("AAPL",), "Technology & AI", None),
        # no office known: the listing's sector still counts
        (("SHEL.L",), "Energy & Commodities", None),
    ],
)
def test_a_tagged_company_stands_for_its_sec_office(tickers, expected, unexpected) -> None:
    names = tagged_names("Shares move after the company's annual meeting", *tickers)
    assert expected in names
    assert unexpected is None or unexpected not in names


def test_a_company_named_in_the_text_keeps_its_listing_sector() -> None:
    names = tagged_names("Nvidia unveils a faster chip")
    assert "Semiconductors & Supply Chain" in names and "Autos & Industrials" not in names


def test_the_build_joins_tickers_to_codes_through_the_cik(tmp_path: Path) -> None:
    sec = {
        "fields": ["cik", "name", "ticker", "exchange"],
        "data": [
            [1, "CHIP CORP", "CHIP", "Nasdaq"],
            [2, "TRAVEL INC", "TRVL", "NYSE"],
            [2, "TRAVEL INC", "TRVL-PA", "NYSE"],  # a preferred line: left out, as in the universe
            [3, "PINK CO", "PINK", "OTC"],  # OTC: left out
            [4, "NEW LISTING INC", "NEWL", "Nasdaq"],  # no code anywhere: left out
            [5, "REUSED SYMBOL INC", "OLD", "NYSE"],  # the old file knows OLD under another CIK only
        ],
    }
    (tmp_path / "sec.json").write_text(json.dumps(sec), encoding="utf-8")
    (tmp_path / "offices.csv").write_text(
        "\ufeffSIC Code,Office,Industry Title\n"
        "3674,Office of Manufacturing,SEMICONDUCTORS & RELATED DEVICES\n"
        "4700,Office of Energy & Transportation,TRANSPORTATION SERVICES\n"
        "7372,Office of Technology,SERVICES-PREPACKAGED SOFTWARE\n"
        "1311,Office of Energy & Transportation,CRUDE PETROLEUM & NATURAL GAS\n",
        encoding="utf-8",
    )
    (tmp_path / "new.csv").write_text("symbol,cik,sic,sic_description\nCHIP,1,3674,Semis\n", encoding="utf-8")
    (tmp_path / "old.csv").write_text(
        "CIK|Ticker|Name|Exchange|SIC\n1|CHIP|Chip Corp|NASDAQ|7372\n2|TRVL|Travel Inc|NYSE|4700\n"
        "3|PINK|Pink Co|OTC|1311\n9|OLD|Old Co|NYSE|1311\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    out.mkdir()
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "tools" / "build_sec_offices.py"),
            str(tmp_path / "sec.json"),
            str(tmp_path / "offices.csv"),
            str(tmp_path / "new.csv"),
            str(tmp_path / "old.csv"),
            "--out",
            str(out),
        ],
        check=True,
        capture_output=True,
        cwd=ROOT,
    )
    assert data_rows(out / "sec_sic.csv") == [["ticker", "sic"], ["CHIP", "3674"], ["TRVL", "4700"]]
    assert data_rows(out / "sic_offices.csv") == [
        ["sic", "office"],
        ["3674", "Manufacturing"],
        ["4700", "Energy & Transportation"],
    ]
    assert sec_offices(out / "sec_sic.csv", out / "sic_offices.csv") == {
        "CHIP": "Manufacturing",
        "TRVL": "Energy & Transportation",
    }


@pytest.mark.parametrize(
    ("relevances", "markets"),
    [
        ((0.6,), False),  # the source scores its one tag: a story about that company's shares
        ((None,), True),  # a CSV's ticker column carries no score: the words decide as before
        ((0.6, 0.3), True),  # two companies tagged
    ],
)
def test_a_story_the_source_files_under_one_company_is_no_markets_story(relevances, markets) -> None:
    entities = [Entity(ticker=t, name=t, relevance=r) for t, r in zip(("AMZN", "WMT"), relevances, strict=False)]
    article = Article(
        title="Amazon stock slides on Wall Street as investors dump shares after the trading session",
        summary="",
        source="t",
        entities=entities,
    )
    names = {c.category for c in score_article(article).categories}
    assert ("Financial Markets" in names) is markets
