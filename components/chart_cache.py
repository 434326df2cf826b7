"""Charts drawn from cached Vega-Lite specs. Each kind of chart has a template per grain: its
Vega-Lite spec drawn once by Altair with sentinels where a view's numbers go. The templates ship in
``components/chart_templates.json`` (``python -m components.chart_cache`` rewrites it;
``tests/ui/test_dashboard.py`` fails when it is stale), so a run only fills in the view's rows and
numbers and never imports Altair; a template missing from the file is drawn by Altair on first
use. A view's spec is cached by the view's content, so a rerun costs neither."""

from __future__ import annotations

import base64
import functools
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from components import chart_data
from components.loaders import TTL

SHIPPED = Path(__file__).with_name("chart_templates.json")
GRAINS = ("day", "week", "month")

# kind -> (prepare rows and numbers, name of the drawing function in components.charts, numbers)
KINDS: dict[str, tuple[Callable[..., Any], str, tuple[str, ...]]] = {
    "sentiment": (chart_data.sentiment_data, "sentiment_chart", ("reach", "volume_top")),
    "heatmap": (chart_data.heatmap_data, "heatmap_chart", ()),
    "moved": (chart_data.moved_data, "moved_chart", ()),
    "spark": (chart_data.spark_data, "spark_chart", ()),
    "basket_index": (chart_data.index_data, "index_draw", ("reach", "x_first", "x_last", "articles_top")),
}


def draw_template(kind: str, grain: str) -> tuple[str, dict]:
    """Draw the template of chart ``kind`` at ``grain`` with Altair (slow: imports and builds)."""
    from components import charts

    return charts.spec_template(getattr(charts, KINDS[kind][1]), grain, KINDS[kind][2])


@functools.lru_cache(maxsize=1)
def _shipped() -> dict:
    try:
        return json.loads(SHIPPED.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


@functools.lru_cache(maxsize=32)
def template(kind: str, grain: str) -> tuple[str, dict]:
    """The template of chart ``kind`` at ``grain``: the shipped one, else drawn by Altair."""
    entry = _shipped().get(f"{kind}/{grain}")
    if entry is None:
        return draw_template(kind, grain)
    return entry["spec"], {name: base64.b64decode(data) for name, data in entry["datasets"].items()}


def build_spec(kind: str, df: pd.DataFrame, grain: str = "week") -> dict:
    """The spec of chart ``kind`` over ``df``: its template filled with the view's rows and numbers
    (the same spec Altair would build for it; tests/ui/test_dashboard.py checks that)."""
    prepare, _, names = KINDS[kind]
    data, numbers = prepare(df, grain)
    return chart_data.fill_template(template(kind, grain), names, data, numbers)


def templates_json() -> str:
    """Every template drawn anew by Altair, as the text of :data:`SHIPPED`."""
    out = {}
    for kind in KINDS:
        for grain in GRAINS:
            spec, datasets = draw_template(kind, grain)
            encoded = {name: base64.b64encode(data).decode("ascii") for name, data in datasets.items()}
            out[f"{kind}/{grain}"] = {"spec": spec, "datasets": encoded}
    return json.dumps(out, indent=1, sort_keys=True) + "\n"


@st.cache_data(ttl=TTL, max_entries=48, show_spinner=False)
def chart_spec(kind: str, df: pd.DataFrame, grain: str = "week") -> dict:
    """The spec of chart ``kind`` (sentiment, heatmap, moved, spark, basket_index) over ``df``, keyed by
    its content."""
    return build_spec(kind, df, grain)


def show(kind: str, df: pd.DataFrame, grain: str = "week", **kwargs) -> None:
    """Draw chart ``kind`` over ``df`` (``kwargs`` go to ``st.vega_lite_chart``)."""
    st.vega_lite_chart(chart_spec(kind, df, grain), **kwargs)


if __name__ == "__main__":  # python -m components.chart_cache: rewrite the shipped templates
    SHIPPED.write_text(templates_json(), encoding="utf-8")
    print(f"wrote {SHIPPED} ({SHIPPED.stat().st_size:,} bytes)")
