"""Charts drawn from cached Vega-Lite specs: an unchanged view reruns without rebuilding or
re-serialising its charts (Altair's validation is the slowest part of a cached rerun)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components.charts import basket_spark, heatmap, sentiment_over_time, to_spec, what_moved_chart

TTL = 600
BUILDERS = {
    "sentiment": lambda df, grain: sentiment_over_time(df, grain),
    "heatmap": lambda df, grain: heatmap(df),
    "moved": lambda df, grain: what_moved_chart(df),
    "spark": lambda df, grain: basket_spark(df),
    "basket_index": lambda df, grain: _basket_index(df, grain),
}


def _basket_index(df: pd.DataFrame, grain: str):
    from components.baskets_view import index_chart  # that module draws with this one

    return index_chart(df, grain)


@st.cache_data(ttl=TTL, max_entries=48, show_spinner=False)
def chart_spec(kind: str, df: pd.DataFrame, grain: str = "week") -> dict:
    """The spec of chart ``kind`` (sentiment, heatmap, moved, spark, basket_index) over ``df``, keyed by
    its content."""
    return to_spec(BUILDERS[kind](df, grain))


def show(kind: str, df: pd.DataFrame, grain: str = "week", **kwargs) -> None:
    """Draw chart ``kind`` over ``df`` (``kwargs`` go to ``st.vega_lite_chart``)."""
    st.vega_lite_chart(chart_spec(kind, df, grain), **kwargs)
