"""CSV export neutralises formula injection (ARCHITECTURE.md, "Conventions") and keeps numbers numeric."""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest

from newsdesk.flows.export import csv_bytes


@pytest.mark.parametrize("lead", ["=", "+", "-", "@", "\t", "\r", "\n"])
def test_formula_prefix_is_neutralised(lead) -> None:
    df = pd.DataFrame({"title": [f'{lead}HYPERLINK("http://x")'], "sentiment": [-0.5]})
    (row,) = list(csv.DictReader(io.StringIO(csv_bytes(df).decode(), newline="")))
    assert row["title"] == "'" + df["title"][0]
    assert row["sentiment"] == "-0.5"


@pytest.mark.parametrize("text", ["plain", "a=b", "", "'quoted", "ünïcode"])
def test_harmless_text_unchanged(text) -> None:
    df = pd.DataFrame({"title": [text]})
    (row,) = list(csv.DictReader(io.StringIO(csv_bytes(df).decode())))
    assert row["title"] == text


def test_nulls_stay_empty() -> None:
    df = pd.DataFrame({"title": [None], "impact": [None]})
    assert csv_bytes(df).decode().splitlines() == ["title,impact", ","]


# ------------------------------------------------------------------ the analyst's CSV (issue 16, point 6)


def _read(data: bytes) -> list[dict]:
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 with a byte-order mark (Excel on Windows)
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def _db_with(tmp_path, n: int):
    from newsdesk.db import schema, writes
    from newsdesk.domain.models import Article, CategoryTag, Decision
    from newsdesk.score import score_article

    db = schema.connect(tmp_path / "x.db")
    batch = [
        Article(
            title=f"Ябълка’s 東京 story {i}" if i == 0 else f"=Story {i}",
            source="Seed Wire",
            url=f"https://example.com/{i}",
            published_at=f"2026-05-{1 + i % 28:02d}T09:0{i % 10}:00Z",
            summary="Strong gains.",
            categories=[CategoryTag("Trade & Tariffs")],
            decisions=[Decision(1, "Buy Apple for the next 3-6 months.")] if i == 0 else [],
        )
        for i in range(n)
    ]
    writes.write_batch(db, [score_article(a) for a in batch], [], "seed")
    db.close()
    return tmp_path / "x.db"


def test_human_csv_columns_formats_and_every_article_in_chunks(tmp_path) -> None:
    from contextlib import closing

    from newsdesk.db.read import articles as read_articles
    from newsdesk.db.schema import connect_readonly
    from newsdesk.flows.export import HUMAN_COLUMNS, csv_stream

    path = _db_with(tmp_path, 7)
    with closing(connect_readonly(path)) as conn:
        chunks = list(read_articles.article_chunks(conn, size=3))
        data = b"".join(csv_stream(iter(chunks), "human", "http://desk:8501"))
    assert [len(c) for c in chunks] == [3, 3, 1]  # read in chunks, bounded by the chunk size
    rows = _read(data)
    assert len(rows) == 7 and data.count(b"\xef\xbb\xbf") == 1 and data.count(b"published (UTC)") == 1
    assert tuple(rows[0]) == HUMAN_COLUMNS
    first = next(r for r in rows if r["title"].startswith("Ябълка"))
    assert first["title"] == "Ябълка’s 東京 story 0"
    assert first["published (UTC)"] == "2026-05-01 09:00"
    assert first["decisions"] == "1" and first["categories"] == "Trade & Tariffs"
    assert first["newsdesk link"].startswith("http://desk:8501/Article?id=")
    assert all(r["title"].startswith("'=") for r in rows if "Story" in r["title"])  # still formula-safe
    every = _read(b"".join(csv_stream(iter(chunks), "all")))
    assert {"summary", "body", "sentiment_label"} <= set(every[0])


def test_export_file_name_says_the_filters_and_the_day() -> None:
    from datetime import date

    from newsdesk.domain.filters import Filters
    from newsdesk.flows.export import file_name

    today = date(2026, 12, 6)
    assert file_name("articles", Filters(), today) == "newsdesk-articles_2026-12-06.csv"
    named = file_name(
        "articles", Filters(topics=("Trade & Tariffs",), since=date(2026, 5, 1), labels=("bullish",)), today, "all"
    )
    assert named == "newsdesk-articles_topic-trade-tariffs_label-bullish_2026-05-01-to-end_all-columns_2026-12-06.csv"
    assert "/" not in file_name("articles", Filters(text="a/b\\c:d"), today)


def test_cli_export_human_columns(tmp_path) -> None:
    from click.testing import CliRunner

    from newsdesk.cli import cli
    from newsdesk.flows.export import HUMAN_COLUMNS

    path = _db_with(tmp_path, 4)
    out = tmp_path / "h.csv"
    result = CliRunner().invoke(
        cli, ["export", "articles", "-o", str(out), "--columns", "human", "--base-url", "http://x", "--db", str(path)]
    )
    assert result.exit_code == 0 and result.output == f"Wrote 4 articles to {out}\n"
    rows = _read(out.read_bytes())
    assert tuple(rows[0]) == HUMAN_COLUMNS and len(rows) == 4
