"""The sentiment chart's rolling line: article-weighted over a category's last three periods, never
across a period without articles, and its rows grouped by category in order of first period."""

from __future__ import annotations

import pandas as pd
import pytest

from components.chart_data import with_rolling


def rows(*points: tuple[str, str, float, int]) -> pd.DataFrame:
    return pd.DataFrame(points, columns=["period", "category", "mean_sentiment", "articles"])


def test_rolling_mean_is_weighted_and_breaks_at_a_gap() -> None:
    df = rows(
        ("2025-01-03", "B", 0.5, 1),
        ("2025-01-01", "A", 0.2, 2),
        ("2025-01-02", "A", -0.4, 1),
        ("2025-01-02", "B", 0.1, 3),
        ("2025-01-03", "A", 0.1, 1),
        ("2025-01-04", "A", 0.3, 4),
        ("2025-01-06", "A", 0.6, 1),  # the 5th has no article: a new segment
    )
    got = with_rolling(df, grain="day")
    assert list(got["category"]) == ["A"] * 5 + ["B"] * 2
    assert list(got["period"]) == ["2025-01-01", "2025-01-02", "2025-01-03", "2025-01-04", "2025-01-06",
                                   "2025-01-02", "2025-01-03"]  # fmt: skip
    assert list(got["segment"]) == [1, 1, 1, 1, 2, 1, 1]
    want = [
        0.2,
        (0.4 - 0.4) / 3,
        (0.4 - 0.4 + 0.1) / 4,
        (-0.4 + 0.1 + 1.2) / 6,
        0.6,
        0.1,
        (0.3 + 0.5) / 4,
    ]
    assert list(got["rolling_sentiment"]) == pytest.approx([round(w, 4) for w in want], abs=1e-12)
    assert list(got.index) == [1, 2, 4, 5, 6, 3, 0]  # each row keeps its label
    assert list(got.columns) == ["period", "category", "mean_sentiment", "articles", "segment", "rolling_sentiment"]


def test_weekly_segments_and_an_empty_frame() -> None:
    df = rows(("2025-01-06", "A", 0.2, 1), ("2025-01-13", "A", 0.4, 1), ("2025-01-27", "A", 0.0, 2))
    got = with_rolling(df, grain="week")
    assert list(got["segment"]) == [1, 1, 2]
    assert list(got["rolling_sentiment"]) == [0.2, 0.3, 0.0]
    empty = with_rolling(df.iloc[:0])
    assert empty.empty and {"segment", "rolling_sentiment"} <= set(empty.columns)
