"""Every chart newsdesk draws, in Altair. A dashboard run fills the templates drawn here once
(:mod:`components.chart_cache`) and never imports this module."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import altair as alt
import pandas as pd

from components.chart_data import (
    _SENTINEL,
    ROLLING,
    arrow_bytes,
    heatmap_data,
    index_data,
    moved_data,
    sentiment_data,
    spark_data,
)

GRAIN_TITLES = {"day": "Day", "week": "Week of", "month": "Month"}
TIME_UNITS = {"day": "yearmonthdate", "week": "yearmonthdate", "month": "yearmonth"}


def sentiment_over_time(df: pd.DataFrame, grain: str = "week") -> alt.LayerChart:
    """Mean newsdesk sentiment per period, one line per category (points: the period's mean; line:
    a rolling mean over three periods), with the article volume as grey bars on the right axis.
    Tooltips carry the article count; clicking a legend entry isolates that category."""
    data, numbers = sentiment_data(df, grain)
    return sentiment_chart(data, grain, **numbers)


def sentiment_chart(data: pd.DataFrame, grain: str, reach: float, volume_top: float) -> alt.LayerChart:
    """The chart of :func:`sentiment_over_time` over prepared rows (see :func:`sentiment_data`)."""
    pick = alt.selection_point(name="isolate", fields=["category"], bind="legend")
    unit = TIME_UNITS[grain]
    x = alt.X(f"{unit}(period):T", title=GRAIN_TITLES[grain])
    color = alt.Color(
        "category:N",
        title="Category",
        scale=alt.Scale(scheme="tableau10"),  # 10 colours: the chart draws at most 10 lines (no repeats)
        # one column: fits a 390 px phone and stays shorter than the plot with at most 10 entries
        legend=alt.Legend(orient="bottom", columns=1, labelLimit=230, symbolType="stroke"),
    )
    tooltip = [
        alt.Tooltip("category:N", title="Category"),
        alt.Tooltip(f"{unit}(period):T", title=GRAIN_TITLES[grain]),
        alt.Tooltip("mean_sentiment:Q", title="Mean sentiment", format="+.2f"),
        alt.Tooltip("rolling_sentiment:Q", title=f"Rolling mean ({ROLLING})", format="+.2f"),
        alt.Tooltip("articles:Q", title="Articles"),
    ]
    base = alt.Chart(data).encode(x=x, color=color, tooltip=tooltip)
    y = alt.Y("mean_sentiment:Q", title="Mean sentiment", scale=alt.Scale(domain=[-reach, reach]))
    points = base.mark_circle(size=45).encode(y=y, opacity=alt.condition(pick, alt.value(0.9), alt.value(0.08)))
    lines = base.mark_line(strokeWidth=2.2).encode(
        y=alt.Y("rolling_sentiment:Q", scale=alt.Scale(domain=[-reach, reach])),
        detail="segment:N",  # a period without articles breaks the line
        opacity=alt.condition(pick, alt.value(1.0), alt.value(0.08)),
    ).properties(name="category_lines")
    lines = lines.add_params(pick)  # on the layer with the category colour: a legend click isolates one
    zero = alt.Chart(pd.DataFrame({"y": [0]})).mark_rule(strokeDash=[4, 4], opacity=0.5).encode(y="y:Q")
    volume = base.mark_bar(opacity=0.28, color="#888888").encode(
        y=alt.Y(
            "max(view_articles):Q",  # the period's articles, each once (one value on every row of the period)
            title="Articles (bars)",
            scale=alt.Scale(domain=[0, volume_top]),
            axis=alt.Axis(orient="right", grid=False),
        ),
        color=alt.value("#888888"),
        tooltip=[
            alt.Tooltip(f"{unit}(period):T", title=GRAIN_TITLES[grain]),
            alt.Tooltip("max(view_articles):Q", title="Articles in view"),
        ],
    )
    lines_layer = zero + lines + points
    chart = alt.layer(volume.properties(height=360), lines_layer.properties(height=360))
    # SVG: each line is an element whose opacity a browser (and a test) can read after a legend click
    return chart.resolve_scale(y="independent").properties(usermeta={"embedOptions": {"renderer": "svg"}})


def heatmap(df: pd.DataFrame) -> alt.Chart:
    """Category × week heatmap of mean sentiment (red bearish … blue bullish), article counts in the tooltip."""
    return heatmap_chart(heatmap_data(df)[0])


def heatmap_chart(data: pd.DataFrame, grain: str = "week") -> alt.Chart:
    """The chart of :func:`heatmap` over prepared rows."""
    return (
        alt.Chart(data)
        .mark_rect()
        .encode(
            x=alt.X("yearmonthdate(period):O", title="Week of", axis=alt.Axis(format="%Y-%m-%d", labelAngle=-45)),
            y=alt.Y("category:N", title=None, sort="ascending", axis=alt.Axis(labelLimit=240, labelOverlap=False)),
            color=alt.Color("mean_sentiment:Q", title="Sentiment", scale=alt.Scale(scheme="redblue", domain=[-1, 1])),
            tooltip=[
                alt.Tooltip("category:N", title="Category"),
                alt.Tooltip("yearmonthdate(period):T", title="Week of"),
                alt.Tooltip("mean_sentiment:Q", title="Mean sentiment", format="+.2f"),
                alt.Tooltip("articles:Q", title="Articles"),
            ],
        )
        .properties(height=alt.Step(18))
    )


def what_moved_chart(df: pd.DataFrame) -> alt.Chart:
    """Bars of each category's z-score against its own trailing baseline."""
    return moved_chart(moved_data(df)[0])


def moved_chart(data: pd.DataFrame, grain: str = "week") -> alt.Chart:
    """The chart of :func:`what_moved_chart` over prepared rows."""
    return (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X("z:Q", title="z-score vs trailing baseline"),
            y=alt.Y(
                "label:N",  # the category with its article counts: each bar's n
                sort=alt.EncodingSortField("z", order="descending"),
                title=None,
                axis=alt.Axis(labelLimit=240),
            ),
            color=alt.condition("datum.z > 0", alt.value("#2b83ba"), alt.value("#d7191c")),
            tooltip=[
                alt.Tooltip("category:N", title="Category"),
                alt.Tooltip("z:Q", format="+.2f"),
                alt.Tooltip("recent:Q", title="Recent mean", format="+.2f"),
                alt.Tooltip("baseline:Q", title="Baseline mean", format="+.2f"),
                alt.Tooltip("recent_articles:Q", title="Recent articles"),
                alt.Tooltip("baseline_articles:Q", title="Baseline articles"),
            ],
        )
        .properties(height=alt.Step(20))
    )


def basket_spark(df: pd.DataFrame) -> alt.Chart:
    """A small weekly line of a basket's sentiment (−1 … +1) with points and tooltips."""
    return spark_chart(spark_data(df)[0])


def spark_chart(data: pd.DataFrame, grain: str = "week") -> alt.Chart:
    """The chart of :func:`basket_spark` over prepared rows."""
    return (
        alt.Chart(data)
        .mark_line(point=True)
        .encode(
            x=alt.X("period:T", title=None, axis=alt.Axis(format="%b %d", labelAngle=0, tickCount=4)),
            y=alt.Y("sentiment:Q", title=None, scale=alt.Scale(domain=[-1, 1])),
            tooltip=[
                alt.Tooltip("period:T", title="Week of"),
                alt.Tooltip("sentiment:Q", title="Basket sentiment", format="+.2f"),
                alt.Tooltip("articles:Q", title="Articles"),
            ],
        )
        .properties(height=90)
    )


def index_chart(index: pd.DataFrame, grain: str = "week") -> alt.LayerChart:
    """The basket sentiment index as a line (left axis) over bars of the article count per period
    (right axis); each bar spans its period, the line breaks over periods without data, and the
    tooltips carry both numbers."""
    data, numbers = index_data(index, grain)
    return index_draw(data, grain, **numbers)


def index_draw(
    data: pd.DataFrame, grain: str, reach: float, x_first: float, x_last: float, articles_top: float
) -> alt.LayerChart:
    """The chart of :func:`index_chart` over prepared rows (see :func:`index_data`)."""
    time_format = "%b %Y" if grain == "month" else "%Y-%m-%d"
    tooltip = [
        alt.Tooltip("period:T", title=GRAIN_TITLES[grain], format=time_format, formatType="utc"),
        alt.Tooltip("sentiment:Q", title="Basket sentiment", format="+.2f"),
        alt.Tooltip("articles:Q", title="Articles"),
        alt.Tooltip("mentions:Q", title="Member mentions"),
    ]
    # dates are UTC days: a UTC scale keeps bars and ticks on them whatever the viewer's time zone
    x_scale = alt.Scale(type="utc", domain=[x_first, x_last])
    monthly: dict[str, Any] = {"tickCount": "month"} if grain == "month" else {}
    x_axis = alt.Axis(format=time_format, **monthly)

    def x(field: str) -> alt.X:
        return alt.X(f"{field}:T", title=GRAIN_TITLES[grain], scale=x_scale, axis=x_axis)

    bars = (
        alt.Chart(data)
        .mark_bar(opacity=0.35, color="#9aa5b1")
        .encode(
            x=x("bar_start"),
            x2="bar_end:T",
            y=alt.Y(
                "articles:Q",
                title="Articles (bars)",
                scale=alt.Scale(domain=[0, articles_top]),
                axis=alt.Axis(orient="right", tickMinStep=1, grid=False),
            ),
            y2=alt.datum(0),
            tooltip=tooltip,
        )
    )
    line = (
        alt.Chart(data)
        .mark_line(point=alt.OverlayMarkDef(size=60, filled=True), strokeWidth=2.5, color="#1f77b4")
        .encode(
            x=x("middle"),
            y=alt.Y("sentiment:Q", title="Basket sentiment (line)", scale=alt.Scale(domain=[-reach, reach])),
            detail="segment:N",
            tooltip=tooltip,
        )
    )
    zero = (
        alt.Chart(pd.DataFrame({"sentiment": [0.0]}))
        .mark_rule(strokeDash=[4, 4], opacity=0.5)
        .encode(y=alt.Y("sentiment:Q", scale=alt.Scale(domain=[-reach, reach])))
    )
    return alt.layer(bars, zero + line).resolve_scale(y="independent").properties(height=320)


def _detach(chart: alt.TopLevelMixin) -> dict[str, pd.DataFrame]:
    """Replace every DataFrame in ``chart`` by a named dataset (``data-0``, ``data-1``, … in the
    order met); return the frames by name."""
    frames: dict[int, tuple[str, pd.DataFrame]] = {}

    def strip(node) -> None:
        data = getattr(node, "data", alt.Undefined)
        if isinstance(data, pd.DataFrame):
            name, _ = frames.setdefault(id(data), (f"data-{len(frames)}", data))
            node.data = alt.NamedData(name=name)
        for attr in ("layer", "hconcat", "vconcat", "concat"):
            for sub in getattr(node, attr, None) or []:
                strip(sub)

    strip(chart)
    return dict(frames.values())


def _bare_spec(chart: alt.TopLevelMixin) -> dict:
    spec = chart.to_dict(validate=False)  # the specs are ours; tests/ui/test_dashboard.py validates them
    view = spec.get("config", {}).get("view", {})
    for key in ("continuousWidth", "continuousHeight"):  # the default theme's fixed size
        view.pop(key, None)
    if "config" in spec and not spec["config"].get("view", True):
        spec["config"].pop("view")
    return spec


def to_spec(chart: alt.TopLevelMixin) -> dict:
    """The Vega-Lite spec of ``chart`` with every DataFrame replaced by a named dataset held as Arrow
    IPC bytes — the form ``st.vega_lite_chart`` sends as is, so a cached spec costs no Altair
    validation and no serialisation on a rerun. Touches no global Altair state (thread-safe)."""
    frames = _detach(chart)
    spec = _bare_spec(chart)
    spec["datasets"] = {name: arrow_bytes(df) for name, df in frames.items()}
    return spec


def spec_template(draw: Callable[..., alt.TopLevelMixin], grain: str, names: tuple[str, ...]) -> tuple[str, dict]:
    """A chart's spec drawn once over an empty frame, with a sentinel for each number in ``names``:
    its JSON (the view's dataset named ``"view"``) and the Arrow bytes of its constant datasets.
    Altair builds a layered chart in ~0.2 s; :func:`fill_template` turns this into the spec of any
    view in a few milliseconds."""
    placeholder = pd.DataFrame()
    chart = draw(placeholder, grain, **{name: _SENTINEL + i for i, name in enumerate(names)})
    frames = _detach(chart)
    spec = _bare_spec(chart)
    view = next((name for name, df in frames.items() if df is placeholder), None)
    constants = {name: arrow_bytes(df) for name, df in frames.items() if df is not placeholder}
    text = json.dumps(spec)
    if view is not None:
        text = text.replace(json.dumps(view), json.dumps("view"))
    return text, constants
