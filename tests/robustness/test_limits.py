"""Limits: size caps with a message, JSON Lines streamed in chunks (bounded memory), absurd JSON
refused per record or per input, never a traceback and never a lost record."""

from __future__ import annotations

import json
import sys

import pytest
from click.testing import CliRunner

from newsdesk.cli import cli
from newsdesk.db import schema
from newsdesk.errors import NewsdeskError, SourceReadError
from newsdesk.flows import ingest as pipeline
from newsdesk.ingest import jsonl, max_file_bytes, parse_bytes, stream_path


def _line(i: int, **extra) -> str:
    rec = {
        "title": f"Limits test article number {i} on copper demand",
        "url": f"https://example.test/limits/{i}",
        "source": "limits",
        "published_at": f"2026-03-{1 + i % 28:02d}T{i % 24:02d}:00:00Z",
        "summary": f"Copper demand item {i}: smelters raised guidance and shares rose.",
    }
    rec.update(extra)
    return json.dumps(rec)


def _write(path, lines) -> None:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_jsonl_file_is_written_in_chunks_each_its_own_run(db, tmp_path, monkeypatch):
    """2,500 records with 1,000-record chunks: three runs, every article stored, the bad line of the
    second chunk recorded there, the others unaffected."""
    monkeypatch.setattr(jsonl, "CHUNK_RECORDS", 1_000)
    lines = [_line(i) for i in range(2_500)]
    lines[1_500] = "{not json"
    path = tmp_path / "big.jsonl"
    _write(path, lines)
    report = pipeline.ingest_paths(db, [path])
    assert (report.added, report.rejected) == (2_499, 1)
    runs = list(db.query("SELECT added, rejected, finished_at FROM ingest_runs ORDER BY id"))
    assert [(r["added"], r["rejected"]) for r in runs] == [(1_000, 0), (999, 1), (500, 0)]
    assert all(r["finished_at"] for r in runs)
    assert db.execute("SELECT locator FROM problems").fetchone()[0] == f"{path}:1501"
    assert db["articles"].count == 2_499
    again = pipeline.ingest_paths(db, [path])
    assert (again.added, again.duplicates, again.rejected) == (0, 2_499, 1)


@pytest.mark.parametrize(
    "content, expected",
    [
        pytest.param(b"\xef\xbb\xbf" + _line(1).encode() + b"\n", (1, 0), id="utf8-bom-first-line"),
        pytest.param(_line(1, title="Caf\u00e9 chain lifts outlook").encode("cp1252") + b"\n", (1, 0), id="cp1252"),
        pytest.param(b"\n\n# comment\n" + _line(1).encode() + b"\r\n", (1, 0), id="blank-comment-crlf"),
        pytest.param(_line(1).encode(), (1, 0), id="no-final-newline"),
        pytest.param(b'{"title": "x", "source_impact": 1' + b"0" * 5000 + b"}\n", (0, 1), id="5000-digit-number"),
        pytest.param(b"[" * 100_000 + b"]" * 100_000 + b"\n", (0, 1), id="nested-100k-deep"),
        pytest.param(b'{"title": ' + b"[" * 5_000 + b"]" * 5_000 + b"}\n", (0, 1), id="nested-title"),
        pytest.param(b'"just a string"\n42\nnull\n', (0, 3), id="not-objects"),
    ],
)
def test_streamed_jsonl_odd_records(tmp_path, content, expected):
    """Odd lines in a streamed JSON Lines file: each one is an article or a problem."""
    path = tmp_path / "odd.jsonl"
    path.write_bytes(content)
    chunks = list(stream_path(path))
    articles = sum(len(c.articles) for c in chunks)
    problems = [p for c in chunks for p in c.problems]
    assert (articles, len(problems)) == expected
    assert all(p.reason for p in problems)


def test_overlong_line_is_skipped_without_holding_it(tmp_path, monkeypatch):
    """A line over the record limit becomes one problem; the lines around it are kept."""
    monkeypatch.setattr(jsonl, "MAX_LINE", 1_000)
    path = tmp_path / "long.jsonl"
    _write(path, [_line(1), json.dumps({"title": "x" * 50_000}), _line(2)])
    chunks = list(stream_path(path))
    assert sum(len(c.articles) for c in chunks) == 2
    (problem,) = [p for c in chunks for p in c.problems]
    assert problem.locator.endswith(":2") and "limit is 1,000" in problem.reason


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "is empty"),
        (b"  \n\n", "is empty"),
        (b"\x00\x01\x02binary" * 100, "not a text file"),
    ],
)
def test_streamed_jsonl_whole_input_errors(tmp_path, content, message):
    """An empty or binary .jsonl file is refused as a whole, with a message."""
    path = tmp_path / "bad.jsonl"
    path.write_bytes(content)
    with pytest.raises(SourceReadError, match=message):
        list(stream_path(path))


def test_file_over_the_configured_limit_is_refused_with_a_message(tmp_path, monkeypatch):
    """NEWSDESK_MAX_FILE_MB caps every input file; the CLI says why and records the refusal."""
    path = tmp_path / "big.jsonl"
    _write(path, [_line(i) for i in range(200)])
    db_path = tmp_path / "x.db"
    monkeypatch.setenv("NEWSDESK_MAX_FILE_MB", "0.01")
    result = CliRunner().invoke(cli, ["ingest", str(path), "--db", str(db_path)])
    assert result.exit_code == 1
    assert "the limit is 10.2 KB" in result.output and "NEWSDESK_MAX_FILE_MB" in result.output
    assert "Traceback" not in result.output
    db = schema.connect(db_path)
    assert db["articles"].count == 0
    assert db.execute("SELECT reason FROM problems").fetchone()[0].startswith(str(path))
    monkeypatch.delenv("NEWSDESK_MAX_FILE_MB")
    result = CliRunner().invoke(cli, ["ingest", str(path), "--db", str(db_path)])
    assert result.exit_code == 0 and "200 added" in result.output


@pytest.mark.parametrize("value", ["abc", "0", "-5", "nan"])
def test_bad_size_limit_setting_is_explained(monkeypatch, value):
    """A nonsense NEWSDESK_MAX_FILE_MB is a clear error, not a silent default."""
    monkeypatch.setenv("NEWSDESK_MAX_FILE_MB", value)
    with pytest.raises(NewsdeskError, match="NEWSDESK_MAX_FILE_MB"):
        max_file_bytes()


@pytest.mark.parametrize(
    "name, data, message",
    [
        ("deep.json", b'{"feed": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", "nested"),
        ("deep65.json", b'{"feed": [' + b'{"a": ' * 70 + b"1" + b"}" * 70 + b"]}", "nested more than 64"),
        ("news.json", b'{"status": "ok", "articles": ' + b"[" * 3_000 + b"]" * 3_000 + b"}", "nested"),
    ],
)
def test_absurdly_nested_json_documents_are_refused(name, data, message):
    """News-API JSON nested absurdly deep is refused as a whole with a message (no RecursionError)."""
    fmt = "newsapi" if name == "news.json" else "alphavantage"
    with pytest.raises(NewsdeskError, match=message):
        parse_bytes(data, name, fmt)


def test_huge_report_keeps_a_bounded_list_of_problems(db, tmp_path, monkeypatch):
    """Past REPORT_KEEPS the report counts problems without holding them; the database has all."""
    monkeypatch.setattr(pipeline, "REPORT_KEEPS", 5)
    path = tmp_path / "bad.jsonl"
    _write(path, ["{broken"] * 12)
    report = pipeline.ingest_paths(db, [path])
    assert report.rejected == 12 and len(report.problems) == 5 and report.problems_not_listed == 7
    assert db["problems"].count == 12


def test_cli_reports_how_many_rejections_it_did_not_list(tmp_path, monkeypatch):
    """The CLI lists the kept problems (grouped by reason) and says how many more are in the problems table."""
    monkeypatch.setattr(pipeline, "REPORT_KEEPS", 3)
    path = tmp_path / "bad.jsonl"
    _write(path, ["{broken"] * 8)
    result = CliRunner().invoke(cli, ["ingest", str(path), "--db", str(tmp_path / "x.db")])
    assert result.exit_code == 3, result.output  # read, every record rejected
    assert result.output.count("  rejected ") == 1
    assert "  rejected 3 × not valid JSON" in result.output
    assert "and 5 more rejected records" in result.output


def test_recursion_limit_is_untouched():
    """Parsing absurd nesting must not rely on raising the interpreter's recursion limit."""
    assert sys.getrecursionlimit() <= 10_000


@pytest.mark.parametrize(
    "n, text",
    [
        (0, "0 bytes"),
        (812, "812 bytes"),
        (1024, "1.0 KB"),
        (2_097, "2.0 KB"),
        (50 * 1024**2, "50.0 MB"),
        (3 * 1024**4, "3,072.0 GB"),
    ],
)
def test_sizes_are_written_for_people(n, text):
    """Limits and sizes in messages use a unit that shows the difference."""
    from newsdesk.ingest import human_size

    assert human_size(n) == text
