"""Ingest says what it did: a file that is not news is an error (exit 1), never "0 added" with exit 0; a
CSV row without a date is rejected ("no date") unless the options keep it; a leading index column is
read by name, not shifted; rejection reasons show the offending value, cut at 40 characters."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsdesk.cli import cli
from newsdesk.domain.models import Problem
from newsdesk.domain.rejections import describe, group_problems, shown
from newsdesk.ingest import read_path
from newsdesk.ingest.options import ReadOptions


def ingest(tmp_path: Path, name: str, data: bytes | str, *options: str):
    path = tmp_path / name
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    result = CliRunner().invoke(cli, ["ingest", "--db", str(tmp_path / "x.db"), str(path), *options])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def stored(tmp_path: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(tmp_path / "x.db") as conn:
        return conn.execute(sql).fetchall()


HTML_PAGE = """<!DOCTYPE html>
<html lang="en"><head><title>Markets | Fixture Times</title></head>
<body><h1>Markets</h1><p>Stocks rose.</p><a href="/markets/a">A story</a></body></html>
"""
EMPTY_RSS = """<?xml version="1.0"?><rss version="2.0"><channel><title>Fixture Wire</title>
<link>https://wire.example/</link><description>d</description></channel></rss>
"""


@pytest.mark.parametrize(
    ("name", "data", "code", "says"),
    [
        ("markets.xml", HTML_PAGE, 1, "is an HTML web page, not a news feed"),
        ("markets.rss", "<html><body><p>Stocks rose.</p></body></html>", 1, "is an HTML web page"),
        ("markets.xml", '<?xml version="1.0"?><!-- c --><note><to>T</to></note>', 1, "root element is <note>"),
        ("markets.xml", HTML_PAGE.encode("utf-16"), 1, "is an HTML web page"),
        ("photo.csv", bytes(range(256)) * 8, 1, "is not a text file"),
        ("prices.csv", "name,price\nAcme,12\nGlobex,13\n", 1, "no title column"),
        ("notes.txt", "just some words\nand more words\n", 1, "cannot tell the format"),
        ("empty.csv", "", 1, "is empty"),
        ("empty_feed.xml", EMPTY_RSS, 0, "0 added"),  # a valid feed with no items: nothing to add, no error
        ("news.csv", "title,date\nFixture rates rise,2026-05-01\n", 0, "1 added"),
    ],
)
def test_a_file_that_is_not_news_says_so_and_exits_1(tmp_path: Path, name, data, code, says) -> None:
    result = ingest(tmp_path, name, data)
    assert result.exit_code == code, result.output
    assert says in result.output


DATED = "title,date,source\n"


@pytest.mark.parametrize(
    ("text", "options", "titles", "reasons"),
    [
        (DATED + "Fixture a,2026-05-01,W\nFixture b,,W\n", (), ["Fixture a"], ["no date: the row titled 'Fixture b'"]),
        (DATED + "Fixture a,2026-05-01,W\nFixture b,  ,W\n", (), ["Fixture a"], ["no date"]),
        (DATED + "Fixture a,2026-05-01,W\nFixture b\n", (), ["Fixture a"], ["no date"]),  # a row cut short
        (
            DATED + "Fixture a,2026-05-01,W\nFixture b,,W\n",
            ("--on-bad-date", "estimate"),
            ["Fixture a", "Fixture b"],
            [],
        ),
        ("title,source\nFixture a,W\nFixture b,W\n", (), ["Fixture a", "Fixture b"], []),  # no date column at all
        (
            # a title with a line break that was not quoted splits the row: both halves are rejected
            ",title,date,stock\n0,Fixture Broker Provides Color on Acme,\n,2011-07-20 06:43:00-04:00,ACME\n"
            '1,"Fixture Acme\nupgraded",2011-07-21 06:43:00-04:00,ACME\n',
            (),
            ["Fixture Acme upgraded"],
            ["no date: the row titled 'Fixture Broker Provides Color on Acme'", "date 'ACME' is not a recognised"],
        ),
    ],
)
def test_a_row_without_a_date_is_rejected_unless_the_options_keep_it(tmp_path, text, options, titles, reasons):
    result = ingest(tmp_path, "rows.csv", text, *options)
    assert sorted(t for (t,) in stored(tmp_path, "SELECT title FROM articles")) == titles
    problems = [r for (r,) in stored(tmp_path, "SELECT reason FROM problems ORDER BY id")]
    assert len(problems) == len(reasons)
    for problem, want in zip(problems, reasons, strict=True):
        assert want in problem
    assert result.exit_code == 0
    if "estimate" in options:
        assert stored(tmp_path, "SELECT published_estimated FROM articles WHERE title = 'Fixture b'") == [(1,)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # (title, published_at, tickers) per article
        (
            "title,date,stock\n0,Fixture Acme beats,2020-06-05 10:30:00-04:00,ACME\n1,Fixture Globex,2020-06-03,GLBX\n",
            [
                ("Fixture Acme beats", "2020-06-05T14:30:00Z", ["ACME"]),
                ("Fixture Globex", "2020-06-03T00:00:00Z", ["GLBX"]),
            ],
        ),
        (  # the usual pandas export: an empty header cell over the index
            ",title,date,stock\n0,Fixture Acme beats,2020-06-05,ACME\n",
            [("Fixture Acme beats", "2020-06-05T00:00:00Z", ["ACME"])],
        ),
        (  # an index in some rows only
            "title,date\n7,Fixture Acme beats,2020-06-05\nFixture Globex,2020-06-03\n",
            [("Fixture Acme beats", "2020-06-05T00:00:00Z", []), ("Fixture Globex", "2020-06-03T00:00:00Z", [])],
        ),
        (  # one cell too many that is no index is not dropped: the row is read as it stands (and its date fails)
            "title,date\nFixture Acme, Globex merge,2020-06-05\n",
            [],
        ),
        ("date,title\n2020-06-05,Fixture Acme beats\n", [("Fixture Acme beats", "2020-06-05T00:00:00Z", [])]),
    ],
)
def test_a_leading_index_column_is_read_by_name(tmp_path: Path, text, expected) -> None:
    path = tmp_path / "indexed.csv"
    path.write_text(text, "utf-8")
    result = read_path(path)
    got = [(a.title, a.published_at, [e.ticker for e in a.entities]) for a in result.articles]
    assert got == expected
    assert len(result.problems) == (1 if not expected else 0)


LONG = "Stocks That Hit 52-Week Lows On Monday and then some more words"


def test_shown_cuts_a_value_at_40_characters() -> None:
    assert shown("soon") == "'soon'"
    assert shown(LONG) == repr(LONG[:40] + "…")
    assert shown("x" * 40) == repr("x" * 40)


def test_a_date_reason_shows_the_value_cut_at_40_characters(tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    path.write_text(f"title,date\nFixture a,{LONG}\nFixture b,soon\nFixture c,later\n", "utf-8")
    problems = read_path(path).problems
    assert f"date {shown(LONG)} is not a recognised date" in problems[0].reason
    (group,) = group_problems(problems)
    assert group.reason.startswith("date '…' is not a recognised date")
    assert describe(group).endswith(f"(e.g. {path}:2 {shown(LONG)}, {path}:3 'soon', {path}:4 'later')")


@pytest.mark.parametrize(
    ("reasons", "examples"),
    [
        (["date 'soon' is not recognised", "date 'later' is not recognised"], ["f:2 'soon'", "f:3 'later'"]),
        (["'title' is missing or empty"] * 2, ["f:2", "f:3"]),  # nothing blanked: places only
        (
            [f"no date: the row titled {shown(t)} has an empty date" for t in ("A", LONG)],
            ["f:2 'A'", f"f:3 {shown(LONG)}"],
        ),
        ([f"date '{'9' * 60}' is out of range", "date '0' is out of range"], [f"f:2 '{'9' * 40}…'", "f:3 '0'"]),
    ],
)
def test_grouped_reasons_show_each_examples_value(reasons, examples) -> None:
    (group,) = group_problems([Problem("f", f"f:{n}", r) for n, r in enumerate(reasons, 2)])
    assert group.shown_examples == examples


def test_estimate_names_rows_without_a_date_in_its_warning(tmp_path: Path) -> None:
    path = tmp_path / "e.csv"
    path.write_text(DATED + "Fixture a,2026-05-01,W\nFixture b,,W\n", "utf-8")
    result = read_path(path, options=ReadOptions(on_bad_date="estimate"))
    assert [a.published_estimated for a in result.articles] == [False, True]
    assert result.estimated_dates == 1 and result.date_examples == ["(no date)"]
