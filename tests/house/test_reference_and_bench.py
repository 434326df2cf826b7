"""Shipped reference data is complete and consistent; the bench commands print their tables."""

from __future__ import annotations

import subprocess
import tomllib
from collections import Counter
from pathlib import Path

from newsdesk.domain.reference import load_baskets, load_companies
from newsdesk.domain.taxonomy import load_taxonomy
from tests.cli_util import run_cli

ROOT = Path(__file__).resolve().parents[2]


def test_companies_cover_the_markets() -> None:
    companies = load_companies()
    assert len(companies) >= 300
    tickers = [c.ticker for c in companies]
    assert len(set(tickers)) == len(tickers)
    by_country = Counter(c.country for c in companies)
    for country in ("US", "JP", "CN", "TW", "KR", "IN"):
        assert by_country[country] >= 10, country
    assert sum(by_country[c] for c in ("GB", "DE", "FR", "NL", "CH", "IT", "ES", "SE", "DK")) >= 50
    names = {c.ticker: c.name for c in companies}
    assert names["7011.T"] == "Mitsubishi Heavy Industries" and names["5631.T"] == "Japan Steel Works"


def test_baskets_reference_known_companies() -> None:
    baskets = load_baskets()
    tickers = {c.ticker for c in load_companies()}
    categories = {c.name for c in load_taxonomy()}
    assert len(baskets) >= 15
    for b in baskets:
        assert b.members and set(b.members) <= tickers, b.id
        assert abs(sum(b.members.values()) - 1.0) < 0.011, b.id
        assert set(b.categories) <= categories, b.id
    ids = {b.id for b in baskets}
    assert {
        "japan-defense",
        "china-exposed-japanese-exporters",
        "non-china-asia-supply-chain",
        "japan-infrastructure-hardening",
        "industrial-automation",
        "power-grid-hardening",
        "diversified-electronics-assembly",
    } <= ids


def test_taxonomy_has_keywords_and_required_categories() -> None:
    data = tomllib.loads((ROOT / "data" / "taxonomy.toml").read_text("utf-8"))
    cats = {c["name"]: c for c in data["category"]}
    assert len(cats) >= 15
    for name in (
        "Geopolitics & War",
        "Elections & Domestic Politics",
        "Infrastructure & Defense",
        "Monetary Policy & Rates",
        "Trade & Tariffs",
        "Energy & Commodities",
        "Technology & AI",
        "Earnings & Corporate",
    ):
        assert len(cats[name]["keywords"]) >= 20, name
    assert cats["Monetary Policy & Rates"]["av_topic"] == "economy_monetary"


def run(*args: str) -> subprocess.CompletedProcess:
    return run_cli(*args)


# Tiny files in the benchmarks' shape, written for this test (not taken from any benchmark).
CLASS_ROWS = (
    "text\tlabel\nQuarterly profit rose sharply on strong demand .\tpositive\n"
    "The company swung to a net loss and cut jobs .\tnegative\nThe firm is based in Oslo .\tneutral\n"
    "Sales fell short of estimates .\tnegative\nThe board approved a share buyback .\tpositive\n"
    "The meeting is scheduled for May .\tneutral\n"
)
SCORE_ROWS = (
    "text\tscore\tcompany\tid\tpart\nRetailer shares plunge after profit warning\t-0.7\tX\t1\tdev\n"
    "Miner upgraded to buy, stock jumps\t0.6\tY\t2\tdev\nBank names new finance chief\t0.0\tZ\t3\tdev\n"
    "Chipmaker beats estimates and raises outlook\t0.7\tW\t4\tdev\n"
)


def test_bench_sentiment_prints_both_scorers(tmp_path) -> None:
    (tmp_path / "phrasebank_allagree_fixture.tsv").write_text(CLASS_ROWS, encoding="utf-8")
    (tmp_path / "semeval2017_headlines_fixture.tsv").write_text(SCORE_ROWS, encoding="utf-8")
    r = run("bench", "sentiment", "--data-dir", str(tmp_path), "--split", "fixture")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].split()[:4] == ["dataset", "metric", "TextBlob", "newsdesk"]
    assert lines[1].split()[:2] == ["phrasebank_allagree", "macro-F1"]
    assert lines[2].split()[:2] == ["semeval2017_headlines", "cosine"]
    nd_f1 = float(lines[1].split()[3])
    assert nd_f1 >= 0.8


def test_bench_sentiment_without_data_says_so(tmp_path) -> None:
    r = run("bench", "sentiment", "--data-dir", str(tmp_path / "none"))
    assert r.returncode == 1 and r.stderr.startswith("Error: ")


def test_ingest_bench_reports_every_rate_beside_its_floor() -> None:
    """The ingest bench measures scoring, storage, raw executemany, FTS5 alone and short rows on
    the same texts (a smoke run on 30 articles; the figures themselves live in BENCHMARKS.md)."""
    from benchmarks.bench import ingest_bench

    r = ingest_bench(30)
    assert r["n"] == 30
    keys = ("textblob", "ingest", "ingest_stories_off", "store", "raw", "fts", "store_short", "raw_short", "cluster")
    for key in keys:
        assert 0 < r[key] < float("inf"), key


def test_storage_profile_times_every_statement_and_restores_the_connection() -> None:
    """`bench storage` times the batch statement by statement (through the one Connection and its
    driver view) and leaves the connection classes as they were."""
    from benchmarks.storage_profile import storage_profile
    from newsdesk.db.engine import Connection, Driver

    def methods() -> tuple:
        return Connection.__dict__.get("execute"), Driver.__dict__.get("execute"), "executemany" in Connection.__dict__

    before = methods()
    r = storage_profile(12, repeat=2)
    assert r["total"] > 0 and r["fts"] > 0
    assert r["cpu"] > 0 and r["fts_cpu"] > 0 and r["rows_floor"] > 0 and r["rows_floor_cpu"] > 0
    assert len(r["ratios"]) == len(r["cpu_ratios"]) == len(r["rows_ratios"]) == 2
    assert any(key.startswith("INSERT INTO articles ") for key in r["statements"])
    assert methods() == before
