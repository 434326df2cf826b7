"""Which source a record is credited to: its own source column, else its link's outlet (data/outlets.toml,
else the registrable domain), else the file's name said as such; ``--source`` names what the record does
not; an outlet's other spellings merge into one name."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsdesk.cli import cli
from newsdesk.flows import ingest as pipeline
from newsdesk.ingest import parse_bytes, read_path
from newsdesk.ingest.options import ReadOptions
from newsdesk.ingest.outlets import file_source, outlet_name, outlet_table, site_outlet


@pytest.mark.parametrize(
    ("url", "outlet"),
    [
        ("https://www.reuters.com/markets/us/x", "Reuters"),
        ("http://feeds.reuters.com/~r/x", "Reuters"),
        ("https://www.theguardian.com/business/2020/jul/18/x", "The Guardian"),
        ("https://www.cnbc.com/2020/07/17/x.html", "CNBC"),
        ("https://economictimes.indiatimes.com/markets/x", "The Economic Times"),  # a host listed under its site
        ("https://timesofindia.indiatimes.com/x", "indiatimes.com"),  # not listed: the registrable domain
        ("https://uk.finance.yahoo.com/news/x", "Yahoo Finance"),
        ("https://news.yahoo.com/x", "yahoo.com"),
        ("https://news.bbc.co.uk/1/hi/business/x", "BBC"),
        ("https://news.example.co.uk/a", "example.co.uk"),  # a two-label public suffix
        ("https://WWW.Example.COM./a", "example.com"),
        ("https://x.github.io/post", "x.github.io"),  # a private suffix: each site its own
        ("http://localhost/x", None),
        ("http://127.0.0.1:8080/x", None),
        ("https://co.uk/", None),
        ("http://[::1", None),
        ("/relative/path", None),
        ("", None),
        (None, None),
    ],
)
def test_a_link_is_credited_to_its_outlet(url, outlet) -> None:
    assert site_outlet(url) == outlet


@pytest.mark.parametrize(
    ("name", "outlet"),
    [
        ("Simply Wall St", "Simply Wall St"),
        ("Simply Wall Street", "Simply Wall St"),
        ("simply wall street ", "Simply Wall St"),
        ("SIMPLY WALL ST", "Simply Wall St"),
        ("simplywall.st", "Simply Wall St"),
        ("Motley Fool", "The Motley Fool"),
        ("Money Control", "Moneycontrol"),  # Alpha Vantage's name and NewsAPI's for one outlet
        ("Livemint", "Mint"),  # NewsAPI's name of livemint.com
        ("WSJ", "The Wall Street Journal"),
        ("Npr.org", "NPR"),  # a site name, listed
        ("barrons.com", "Barron's"),
        ("example.org", "example.org"),  # a site name not listed: kept
        ("Reuters: Business News", "Reuters: Business News"),  # a feed's own title: kept
        ("Fixture Wire", "Fixture Wire"),
        ("file: guardian_headlines.csv", "file: guardian_headlines.csv"),
    ],
)
def test_an_outlets_other_spellings_merge(name, outlet) -> None:
    assert outlet_name(name) == outlet


def test_the_outlet_table_is_data_every_alias_names_an_outlet_and_names_are_fixed_points() -> None:
    sites, aliases = outlet_table()
    assert len(sites) >= 50
    outlets = set(sites.values())
    assert set(aliases.values()) <= outlets
    for name in outlets:
        assert outlet_name(name) == name


CSV_CASES = [
    # (file name, CSV text, --source, expected sources)
    ("a.csv", "title,source\nFixture rates rise,Fixture Wire\n", None, ["Fixture Wire"]),
    ("a.csv", "title,publisher\nFixture rates rise,Simply Wall Street\n", None, ["Simply Wall St"]),
    ("a.csv", "title,site\nFixture rates rise,reuters.com\n", None, ["Reuters"]),
    ("a.csv", "title,link\nFixture rates rise,https://www.cnbc.com/2020/x.html\n", None, ["CNBC"]),
    ("a.csv", "title,url\nFixture rates rise,https://a.example.co.uk/x\n", None, ["example.co.uk"]),
    ("guardian_headlines.csv", "Time,Headlines\n18-Jul-20,Fixture recovery\n", None, ["file: guardian_headlines.csv"]),
    ("g.csv", "title,url\nFixture one,\nFixture two,not a link\n", None, ["file: g.csv", "file: g.csv"]),
    ("g.csv", "Time,Headlines\n18-Jul-20,Fixture recovery\n", "The Guardian", ["The Guardian"]),
    ("g.csv", "title,link\nFixture one,https://www.cnbc.com/x\n", "Guardian", ["The Guardian"]),  # --source first
    ("g.csv", "title,source\nFixture one,Fixture Wire\n", "The Guardian", ["Fixture Wire"]),  # the record's own
    ("g.csv", "title,source,link\nFixture one,,https://www.ft.com/x\n", None, ["Financial Times"]),  # empty cell
]


@pytest.mark.parametrize(("name", "text", "source", "expected"), CSV_CASES)
def test_each_csv_row_gets_a_source(tmp_path: Path, name, text, source, expected) -> None:
    path = tmp_path / name
    path.write_text(text, "utf-8")
    options = ReadOptions(source=source)
    assert [a.source for a in read_path(path, options=options).articles] == expected
    assert [a.source for a in parse_bytes(text.encode(), name, options=options).articles] == expected  # uploads


def test_a_url_input_without_links_is_credited_to_its_own_site() -> None:
    text = b"title,date\nFixture rates rise,2026-05-01\n"
    assert [a.source for a in parse_bytes(text, "https://data.reuters.com/export.csv").articles] == ["Reuters"]


def test_file_source_says_it_is_a_file() -> None:
    assert file_source("/data/in/guardian_headlines.csv") == "file: guardian_headlines.csv"
    assert file_source("C:\\exports\\cnbc.csv") == "file: cnbc.csv"


def test_one_outlet_is_one_source_in_the_database(tmp_path: Path) -> None:
    path = tmp_path / "mixed.csv"
    path.write_text(
        "title,publisher,date\n"
        "Fixture Acme beats estimates,Simply Wall St,2026-05-01\n"
        "Fixture Globex misses estimates,Simply Wall Street,2026-05-02\n"
        "Fixture Initech holds steady,simplywall.st,2026-05-03\n",
        "utf-8",
    )
    db = tmp_path / "x.db"
    result = CliRunner().invoke(cli, ["ingest", "--db", str(db), str(path)])
    assert result.exit_code == 0, result.output
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT DISTINCT source FROM articles").fetchall() == [("Simply Wall St",)]
        assert conn.execute("SELECT DISTINCT source FROM article_sources").fetchall() == [("Simply Wall St",)]


def test_no_csv_row_of_a_headline_file_is_left_without_a_source(db, tmp_path: Path) -> None:
    path = tmp_path / "cnbc_headlines.csv"
    path.write_text("Headlines,Time\n" + "".join(f"Fixture story {n},2026-05-{1 + n % 28:02d}\n" for n in range(50)))
    report = pipeline.ingest_paths(db, [path])
    assert report.added == 50
    assert db.execute("SELECT source, count(*) FROM articles GROUP BY source").fetchall() == [
        ("file: cnbc_headlines.csv", 50)
    ]
