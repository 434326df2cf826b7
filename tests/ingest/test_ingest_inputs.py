"""Issue 14's classes beyond the fixture files: the ingest options (``--date-format``,
``--on-bad-date``, ``--source``, ``--columns`` for JSON Lines), exit codes, RFC 4180 quoting far into a
large CSV, chunked reading, source names."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsdesk.cli import cli
from newsdesk.db import schema
from newsdesk.errors import ApiError, SourceReadError
from newsdesk.flows import ingest as pipeline
from newsdesk.ingest import csvfile, detect_format, parse_bytes, read_path, stream_path, wide_encoding
from newsdesk.ingest.newsapi import names_source, strip_site
from newsdesk.ingest.options import ReadOptions, site_name


def run(*args: str):
    result = CliRunner().invoke(cli, ["ingest", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def rows(db: Path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


# ------------------------------------------------------------------ dates and their options


def test_date_format_reads_day_first_dates(tmp_path: Path) -> None:
    path = tmp_path / "eu.csv"
    path.write_text(
        "title,date\nFixture bund yields fall,04/05/2026 14:30\nFixture DAX closes higher,13/05/2026 09:00\n"
    )
    db = tmp_path / "x.db"
    plain = run(str(path), "--db", str(tmp_path / "plain.db"))
    assert plain.exit_code == 0  # an ambiguous 04/05 is read month-first (US) unless told otherwise
    assert rows(tmp_path / "plain.db", "SELECT published_at FROM articles ORDER BY published_at") == [
        ("2026-04-05T14:30:00Z",),
        ("2026-05-13T09:00:00Z",),
    ]
    told = run(str(path), "--db", str(db), "--date-format", "%d/%m/%Y %H:%M")
    assert told.exit_code == 0, told.output
    assert rows(db, "SELECT published_at FROM articles ORDER BY published_at") == [
        ("2026-05-04T14:30:00Z",),
        ("2026-05-13T09:00:00Z",),
    ]


def test_bad_dates_are_rejected_by_default_and_estimated_on_request(tmp_path: Path) -> None:
    path = tmp_path / "h.csv"
    path.write_text(
        "title,date\n"
        "Fixture shipper books record freight,2026-05-01 10:00\n"
        "Fixture port strike ends,sometime on Friday\n"
        "Fixture canal traffic recovers,2026-05-02 08:00\n"
    )
    rejected = run(str(path), "--db", str(tmp_path / "r.db"))
    assert rejected.exit_code == 0 and "2 added, 0 duplicates, 1 rejected" in rejected.stdout
    assert "not a recognised date" in rejected.stdout

    db = tmp_path / "e.db"
    kept = run(str(path), "--db", str(db), "--on-bad-date", "estimate")
    assert kept.exit_code == 0 and "3 added, 0 duplicates, 0 rejected" in kept.stdout
    assert "1 unreadable dates were estimated" in kept.stderr and "'sometime on Friday'" in kept.stderr
    assert rows(db, "SELECT title, published_at, published_estimated FROM articles ORDER BY title") == [
        ("Fixture canal traffic recovers", "2026-05-02T08:00:00Z", 0),
        ("Fixture port strike ends", "2026-05-01T10:00:00Z", 1),  # the previous readable date, flagged
        ("Fixture shipper books record freight", "2026-05-01T10:00:00Z", 0),
    ]


def test_a_dataset_whose_every_date_is_unreadable_exits_3_and_can_be_kept(tmp_path: Path) -> None:
    path = tmp_path / "all_bad.jsonl"
    path.write_text("".join(json.dumps({"headline": f"Fixture story {i}", "date": "??"}) + "\n" for i in range(5)))
    assert run(str(path), "--db", str(tmp_path / "a.db")).exit_code == 3
    kept = run(str(path), "--db", str(tmp_path / "b.db"), "--on-bad-date", "estimate")
    assert kept.exit_code == 0 and kept.stdout.startswith("5 added")


def test_a_feed_date_feedparser_cannot_read_is_read_not_replaced_by_the_ingest_time() -> None:
    feed = (
        b'<rss version="2.0"><channel><title>Fixture Folha</title><item><title>Fixture exportadora cresce</title>'
        b"<link>https://folha.example/a</link><pubDate>Seg, 24 Set 2018 19:42:40 -0300</pubDate></item>"
        b"<item><title>Fixture item with a broken date</title><link>https://folha.example/b</link>"
        b"<pubDate>Blursday, 99 Foo</pubDate></item></channel></rss>"
    )
    result = parse_bytes(feed, "folha.xml")
    assert [(a.published_at, a.published_estimated) for a in result.articles] == [("2018-09-24T22:42:40Z", False)]
    assert "not a recognised date" in result.problems[0].reason
    estimated = parse_bytes(feed, "folha.xml", options=ReadOptions(on_bad_date="estimate"))
    assert [(a.published_at, a.published_estimated) for a in estimated.articles] == [
        ("2018-09-24T22:42:40Z", False),
        ("2018-09-24T22:42:40Z", True),
    ]
    assert estimated.estimated_dates == 1


# ------------------------------------------------------------------ exit codes and API errors


@pytest.mark.parametrize(
    ("body", "service_message"),
    [
        (
            {"Note": "Thank you for using Alpha Vantage! Our standard API call frequency is 5 calls per minute."},
            "5 calls",
        ),
        ({"Information": "Please subscribe to any of the premium plans."}, "premium plans"),
        ({"Error Message": "Invalid API call."}, "Invalid API call"),
        ({"status": "error", "code": "apiKeyInvalid", "message": "Your API key is invalid."}, "apiKeyInvalid"),
    ],
)
@pytest.mark.parametrize("name", ["response.json", "response.jsonl", "response.txt"])
def test_api_error_bodies_are_unreadable_inputs_with_the_service_message(tmp_path, body, service_message, name):
    path = tmp_path / name
    path.write_text(json.dumps(body))
    with pytest.raises(ApiError, match=service_message):
        read_path(path)
    result = run(str(path), "--db", str(tmp_path / "x.db"))
    assert result.exit_code == 1 and service_message in result.stderr
    assert "Traceback" not in result.output


def test_exit_codes_over_several_inputs(tmp_path: Path) -> None:
    good = tmp_path / "good.jsonl"
    good.write_text('{"title": "Fixture good story", "published_at": "2026-05-01"}\n')
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"summary": "no title"}\n')
    empty_feed = tmp_path / "empty.xml"
    empty_feed.write_text('<rss version="2.0"><channel><title>Fixture</title></channel></rss>')
    missing = tmp_path / "missing.csv"
    db = str(tmp_path / "x.db")
    assert run(str(good), "--db", db).exit_code == 0
    assert run(str(good), "--db", db).exit_code == 0  # duplicates only
    assert run(str(empty_feed), "--db", db).exit_code == 0
    assert run(str(good), str(bad), "--db", db).exit_code == 3
    assert run(str(good), str(bad), str(missing), "--db", db).exit_code == 1


def test_truncated_json_is_called_truncated(tmp_path: Path) -> None:
    text = json.dumps({"status": "ok", "articles": [{"title": "Fixture", "url": "https://x.example/a"}] * 3})
    with pytest.raises(SourceReadError, match="truncated JSON"):
        parse_bytes(text[:-10].encode(), "cut.json")
    with pytest.raises(SourceReadError, match="truncated JSON"):
        detect_format("cut.json", text[:-10])


# ------------------------------------------------------------------ CSV


def test_rfc4180_quoting_holds_in_row_20001(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    lines = ["title,published_at,url"]
    lines += [f"Fixture headline {i},2026-05-01,https://big.example/{i}" for i in range(1, 20_001)]
    lines.append('"=HYPERLINK(""http://x"",""y"")",2026-05-02,https://big.example/last')
    path.write_text("\n".join(lines) + "\n")
    chunks = list(stream_path(path))
    assert len(chunks) == 21  # streamed, 1,000 rows a chunk
    last = chunks[-1].articles[-1]
    assert (last.title, last.published_at, last.url) == (
        '=HYPERLINK("http://x","y")',
        "2026-05-02T00:00:00Z",
        "https://big.example/last",
    )
    assert sum(len(c.articles) for c in chunks) == 20_001 and not any(c.problems for c in chunks)


@pytest.mark.parametrize(
    ("header", "delimiter"),
    [("title,date", ","), ("title;date", ";"), ("title\tdate", "\t"), ("title|date", "|"), ('"Title, long";date', ";")],
)
def test_the_delimiter_comes_from_the_header(header: str, delimiter: str) -> None:
    assert csvfile.choose_dialect(header + "\nx,y;z\n").delimiter == delimiter


def test_each_chunk_of_an_input_is_its_own_run(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(csvfile, "CHUNK_RECORDS", 40)
    path = tmp_path / "h.csv"
    path.write_text("title,date\n" + "".join(f"Fixture chunked story {i},2026-05-01\n" for i in range(100)))
    db = schema.connect(tmp_path / "x.db")
    report = pipeline.ingest_paths(db, [path])
    assert (report.added, len(report.run_ids), report.exit_code) == (100, 3, 0)
    assert [r[0] for r in db.execute("SELECT added FROM ingest_runs ORDER BY id")] == [40, 40, 20]


@pytest.mark.parametrize("encoding", ["cp1252", "utf-8", "utf-8-sig"])
def test_a_streamed_csv_is_decoded_as_a_whole(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "enc.csv"
    body = "title,date\n" + "Fixture plain row,2026-05-01\n" * 3000 + "Fixture café crème à Zürich,2026-05-02\n"
    path.write_bytes(body.encode(encoding))
    result = read_path(path)
    assert result.articles[-1].title == "Fixture café crème à Zürich"


# ------------------------------------------------------------------ JSON Lines, sources, encodings


def test_json_lines_columns_map_other_keys(tmp_path: Path) -> None:
    path = tmp_path / "odd.jsonl"
    path.write_text(json.dumps({"hed": "Fixture refinery reopens", "when": "2026-05-03T10:00:00Z"}) + "\n")
    assert run(str(path), "--db", str(tmp_path / "a.db")).exit_code == 3  # no title key found
    mapped = run(str(path), "--db", str(tmp_path / "b.db"), "--columns", "title=hed,published_at=when")
    assert mapped.exit_code == 0 and mapped.stdout.startswith("1 added")
    assert rows(tmp_path / "b.db", "SELECT title, published_at FROM articles") == [
        ("Fixture refinery reopens", "2026-05-03T10:00:00Z")
    ]


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("https://www.huffpost.com/entry/x", "huffpost.com"),
        ("http://feeds.reuters.example/x", "reuters.example"),
        ("https://news.example.co.uk/a", "example.co.uk"),
        ("https://www.reuters.com/markets/x", "Reuters"),
        ("https://localhost/x", None),
        ("/relative/path", None),
        ("http://[::1", None),
        (None, None),
    ],
)
def test_site_name(url, name) -> None:
    assert site_name(url) == name


@pytest.mark.parametrize(
    ("title", "source", "expected"),
    [
        ("Rates rise - Reuters", "Reuters", "Rates rise"),
        ("Rates rise - Reuters", "Reuters: Business News", "Rates rise"),
        ("Coral maps - Phys.Org", "phys.org", "Coral maps"),
        ("Dry summer - NPR", "Npr.org", "Dry summer"),
        ("Deal done | Mint - Mint", "Livemint", "Deal done"),
        ("Deal agreed - sources", "Bloomberg", "Deal agreed - sources"),
        ("Apple - Samsung feud deepens", "Reuters", "Apple - Samsung feud deepens"),
        ("Plain title", "", "Plain title"),
    ],
)
def test_newsapi_site_suffix(title: str, source: str, expected: str) -> None:
    assert strip_site(title, source) == expected


def test_names_source_needs_two_characters() -> None:
    assert not names_source("-", "Reuters") and not names_source("A", "AP")


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [
        ("utf-16-le", "utf-16-le"),
        ("utf-16-be", "utf-16-be"),
        ("utf-32-le", "utf-32-le"),
        ("utf-32-be", "utf-32-be"),
        ("utf-16", "utf-16"),
        ("utf-32", "utf-32"),
        ("utf-8", None),
        ("cp1252", None),
    ],
)
def test_wide_encodings_are_recognised_with_or_without_a_bom(encoding: str, expected: str | None) -> None:
    assert wide_encoding("title,date\nFixture Zürich story,2026-05-01\n".encode(encoding)) == expected


def test_a_gzipped_csv_is_streamed(tmp_path: Path) -> None:
    import gzip

    path = tmp_path / "headlines.csv.gz"
    path.write_bytes(gzip.compress(b"title,date\nFixture gz story,2026-05-01\n"))
    [chunk] = list(stream_path(path))
    assert [a.title for a in chunk.articles] == ["Fixture gz story"]


@pytest.mark.parametrize(
    "cell",
    [
        "",
        "Toyota orders rise in Asia (report 12)",
        "Toyota said orders rise; analysts expect more news next quarter.",
        " leading space",
        "trailing space ",
        "doubled  space",
        "tab\there",
        "line\nbreak",
        "carriage\rreturn",
        "AT&amp;T cuts guidance",
        "AT&T cuts guidance",
        "<p>Markup</p>",
        "a < b",
        "control\x01character",
        "caf\u00e9 prices",
        "non\u00a0breaking",
    ],
)
def test_a_plain_cell_is_read_as_html_to_text_reads_it(cell: str) -> None:
    from newsdesk.ingest.html import html_to_text
    from newsdesk.ingest.normalize import collapse_ws

    row = [cell, "2020-06-05 14:30", "Wire", cell, cell]
    index = {"title": 0, "published_at": 1, "source": 2, "summary": 3, "body": 4}
    if not collapse_ws(html_to_text(cell)):
        with pytest.raises(Exception, match="title"):
            csvfile.parse_row(row, index, "x.csv")
        return
    article = csvfile.parse_row(row, index, "x.csv")
    assert article.title == collapse_ws(html_to_text(cell))
    assert article.summary == html_to_text(cell) and article.body == html_to_text(cell)
    if csvfile._plain(cell):
        assert article.title == article.summary == cell
