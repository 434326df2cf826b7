"""Charts drawn from cached Vega-Lite specs. Each kind of chart is built by Altair once per grain,
as a template (:func:`components.charts.spec_template`); a view's spec is that template with the
view's rows and scale numbers filled in, and is cached by the view's content, so neither a filter
change nor a rerun pays for Altair's chart building or validation."""

from __future__ import annotations

import functools

import pandas as pd
import streamlit as st

from components import charts

TTL = 600


def _basket_index():
    from components.baskets_view import index_data, index_draw  # that module draws with this one

    return index_data, index_draw, ("reach", "x_first", "x_last", "articles_top")


# kind -> (prepare rows and numbers, draw, names of the numbers)
KINDS = {
    "sentiment": lambda: (charts.sentiment_data, charts.sentiment_chart, ("reach", "volume_top")),
    "heatmap": lambda: (charts.heatmap_data, charts.heatmap_chart, ()),
    "moved": lambda: (charts.moved_data, charts.moved_chart, ()),
    "spark": lambda: (charts.spark_data, charts.spark_chart, ()),
    "basket_index": _basket_index,
}


@functools.lru_cache(maxsize=32)
def template(kind: str, grain: str) -> tuple[str, dict]:
    """The template of chart ``kind`` at ``grain`` (built by Altair once per process)."""
    _, draw, names = KINDS[kind]()
    return charts.spec_template(draw, grain, names)


def build_spec(kind: str, df: pd.DataFrame, grain: str = "week") -> dict:
    """The spec of chart ``kind`` over ``df``: its template filled with the view's rows and numbers
    (the same spec Altair would build for it; tests/test_dashboard.py checks that)."""
    prepare, _, names = KINDS[kind]()
    data, numbers = prepare(df, grain)
    return charts.fill_template(template(kind, grain), names, data, numbers)


@st.cache_data(ttl=TTL, max_entries=48, show_spinner=False)
def chart_spec(kind: str, df: pd.DataFrame, grain: str = "week") -> dict:
    """The spec of chart ``kind`` (sentiment, heatmap, moved, spark, basket_index) over ``df``, keyed by
    its content."""
    return build_spec(kind, df, grain)


def show(kind: str, df: pd.DataFrame, grain: str = "week", **kwargs) -> None:
    """Draw chart ``kind`` over ``df`` (``kwargs`` go to ``st.vega_lite_chart``)."""
    st.vega_lite_chart(chart_spec(kind, df, grain), **kwargs)
