"""Helpers for AppTest: run a page against a database, read chart data."""

from __future__ import annotations

import json
from functools import lru_cache

import pandas as pd
import pyarrow as pa
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT


def app(page: str = "dashboard.py") -> AppTest:
    """An AppTest of ``page`` (relative to the repository root)."""
    at = AppTest.from_file(str(ROOT / page), default_timeout=30)
    if hasattr(at, "_bidi_component_manager"):  # streamlit 1.67 (pinned in requirements.txt)
        at._bidi_component_manager = installed_components()
    return at


@lru_cache(maxsize=1)
def installed_components():
    """The custom components installed in this environment, found once per process, as a server
    finds them once when it starts: an AppTest's first run otherwise reads the metadata of every
    installed distribution again (~0.1 s of CPU, a few hundred times a suite)."""
    from streamlit.components.v2.component_manager import BidiComponentManager

    manager = BidiComponentManager()
    manager.discover_and_register_components(start_file_watching=False)
    return manager


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
