"""CSV export neutralises formula injection (ARCHITECTURE.md, "Conventions") and keeps numbers numeric."""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest

from newsdesk.export import csv_bytes


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
