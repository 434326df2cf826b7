"""Helpers for AppTest: run a page against a database, read chart data."""

from __future__ import annotations

import json

import pandas as pd
import pyarrow as pa
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT


def app(page: str = "dashboard.py") -> AppTest:
    """An AppTest of ``page`` (relative to the repository root)."""
    return AppTest.from_file(str(ROOT / page), default_timeout=30)


def chart_frames(at: AppTest) -> list[pd.DataFrame]:
    """The datasets of every Vega-Lite chart on the page, as DataFrames."""
    frames = []
    for chart in at.get("vega_lite_chart"):
        for ds in chart.proto.datasets:
            frames.append(pa.ipc.open_stream(ds.data.data).read_all().to_pandas())
        if chart.proto.data.data:
            frames.append(pa.ipc.open_stream(chart.proto.data.data).read_all().to_pandas())
    return frames


def chart_specs(at: AppTest) -> list[dict]:
    """The Vega-Lite specs of every chart on the page."""
    return [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]


def sentiment_data(at: AppTest) -> pd.DataFrame:
    """The sentiment-over-time dataset (the one with a ``rolling_sentiment`` column)."""
    (frame,) = [f for f in chart_frames(at) if "rolling_sentiment" in f.columns]
    return frame


def metrics(at: AppTest) -> dict[str, str]:
    """Metric label -> displayed value."""
    return {m.label: m.value for m in at.metric}
