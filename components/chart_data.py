"""Chart data without Altair: the rows and scale numbers each chart draws, and the filling of a
chart template (made once by :mod:`components.charts`) with them. The dashboard draws every chart
through this module, so a run that finds its templates shipped never imports Altair."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pyarrow as pa

ROLLING = 3


# Numbers no chart shows, drawn in a template where a view's own numbers go.
_SENTINEL = 987_654_321.0078125  # exactly representable, so it survives JSON unchanged


def with_rolling(df: pd.DataFrame, periods: int = ROLLING, grain: str = "week") -> pd.DataFrame:
    """Add ``segment`` (runs of back-to-back periods of a category: its line breaks where a period
    has no articles) and ``rolling_sentiment``: the article-weighted mean over the segment's last
    ``periods`` periods (fewer at the start), so a rolling line never bridges a gap. Rows come grouped
    by category (in order of each one's first period), each group by period. Grouped at once (one
    rolling sum over every category's segments, the same sums as one per segment): a per-group loop
    of Python callbacks cost ~50 ms for 90 days of 22 categories."""
    ordered = df.sort_values("period")
    if ordered.empty:
        return df.assign(segment=[], rolling_sentiment=[])
    first_seen = pd.Categorical(ordered["category"], categories=pd.unique(ordered["category"])).codes
    out = ordered.iloc[np.argsort(first_seen, kind="stable")].copy()
    labels, out.index = out.index, pd.RangeIndex(len(out))  # positions while summing (any index works)
    category = out["category"]
    period = pd.to_datetime(out["period"])
    previous_end = _period_end(period, grain).groupby(category, sort=False).shift()
    out["segment"] = (period != previous_end).astype(int).groupby(category, sort=False).cumsum().astype(int)
    keys = [category, out["segment"]]

    def rolled(values: pd.Series) -> pd.Series:
        sums = values.groupby(keys, sort=False).rolling(periods, min_periods=1).sum()
        return pd.Series(sums.to_numpy(), index=sums.index.get_level_values(-1)).reindex(out.index)

    out["rolling_sentiment"] = (rolled(out["mean_sentiment"] * out["articles"]) / rolled(out["articles"])).round(4)
    out.index = labels
    return out


MAX_LINES = 10  # the palette's size: no two shown lines share a colour
DEFAULT_LINES = 8


def top_categories(df: pd.DataFrame, n: int = DEFAULT_LINES) -> list[str]:
    """The ``n`` categories with the most articles in ``df`` (ties alphabetically)."""
    volume = df.groupby("category")["articles"].sum().reset_index()
    volume = volume.sort_values(["articles", "category"], ascending=[False, True])
    return volume["category"].head(n).tolist()


def with_view_counts(df: pd.DataFrame, counts: pd.DataFrame) -> pd.DataFrame:
    """``df`` (rows per period and category) with ``view_articles``: the view's articles in the
    row's period, each article once (``counts``: period, articles), what the volume bars draw."""
    by_period = dict(zip(counts["period"], counts["articles"], strict=True))
    return df.assign(view_articles=[int(by_period.get(p, 0)) for p in df["period"]])


def sentiment_data(df: pd.DataFrame, grain: str) -> tuple[pd.DataFrame, dict[str, float]]:
    """The rows :func:`sentiment_chart` draws and the numbers its scales need. Without
    ``view_articles`` (see :func:`with_view_counts`) the bars sum the category rows."""
    if "view_articles" not in df:
        df = df.assign(view_articles=df.groupby("period")["articles"].transform("sum"))
    data = with_rolling(df, grain=grain).assign(period=lambda d: pd.to_datetime(d["period"]))
    reach = max(0.25, min(1.0, float(data["mean_sentiment"].abs().max() or 0) * 1.15))
    volume_max = float(data["view_articles"].max() or 1)
    return data, {"reach": reach, "volume_top": volume_max * 4}


def heatmap_data(df: pd.DataFrame, grain: str = "week") -> tuple[pd.DataFrame, dict[str, float]]:
    """The rows :func:`heatmap_chart` draws (it needs no numbers)."""
    return df.assign(period=lambda d: pd.to_datetime(d["period"])), {}


def moved_data(df: pd.DataFrame, grain: str = "week") -> tuple[pd.DataFrame, dict[str, float]]:
    """The rows :func:`moved_chart` draws: categories with a z-score, each labelled with its article
    counts (``label``: the category and n recent / n baseline)."""
    data = df.dropna(subset=["z"])
    if "baseline_articles" not in data:
        data = data.assign(baseline_articles=pd.Series(dtype="int64"))
    label = [
        f"{c} (n={r:,}/{b:,})"
        for c, r, b in zip(data["category"], data["recent_articles"], data["baseline_articles"], strict=True)
    ]
    return data.assign(label=pd.Series(label, index=data.index, dtype="object")), {}


def spark_data(df: pd.DataFrame, grain: str = "week") -> tuple[pd.DataFrame, dict[str, float]]:
    """The rows :func:`spark_chart` draws."""
    return df.assign(period=pd.to_datetime(df["period"])), {}


def fill_template(template: tuple[str, dict], names: tuple[str, ...], data: pd.DataFrame, numbers: dict) -> dict:
    """The spec of a view from :func:`spec_template`'s output: its numbers in place of the
    sentinels (and their negatives) and its rows as the ``view`` dataset."""
    text, constants = template
    swap: dict[float, float] = {}
    for i, name in enumerate(names):
        swap[_SENTINEL + i] = numbers[name]
        swap[-(_SENTINEL + i)] = -numbers[name]

    def put(node):
        if isinstance(node, dict):
            return {k: put(v) for k, v in node.items()}
        if isinstance(node, list):
            return [put(v) for v in node]
        if isinstance(node, float | int) and not isinstance(node, bool) and node in swap:
            return swap[node]
        return node

    spec = put(json.loads(text))
    spec["datasets"] = {**constants, "view": arrow_bytes(data)}
    return spec


def arrow_bytes(df: pd.DataFrame) -> bytes:
    """A DataFrame as Arrow IPC stream bytes (what Streamlit sends for chart data)."""
    table = pa.Table.from_pandas(df, preserve_index=False)
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def _period_end(period: pd.Series, grain: str) -> pd.Series:
    if grain == "month":
        return period + pd.offsets.MonthBegin(1)
    return period + pd.to_timedelta(7 if grain == "week" else 1, unit="D")


def _ms(moment: pd.Timestamp) -> int:
    """Milliseconds since the epoch of a naive UTC timestamp (a Vega-Lite date)."""
    return int(pd.Timestamp(moment).value // 1_000_000)


def _segments(period: pd.Series, period_end: pd.Series) -> pd.Series:
    """Number runs of back-to-back periods, so the line breaks where a period has no data instead
    of drawing a trend across it."""
    return (period != period_end.shift()).cumsum()


def index_data(index: pd.DataFrame, grain: str = "week") -> tuple[pd.DataFrame, dict[str, float]]:
    """The rows :func:`index_draw` draws and the numbers its scales need."""
    data = index.assign(period=pd.to_datetime(index["period"])).sort_values("period")
    data["period_end"] = _period_end(data["period"], grain)
    data["middle"] = data["period"] + (data["period_end"] - data["period"]) / 2
    data["segment"] = _segments(data["period"], data["period_end"])
    span = data["period_end"] - data["period"]
    data["bar_start"], data["bar_end"] = data["period"] + span * 0.06, data["period_end"] - span * 0.06
    data = data.drop(columns=["weight_sum"], errors="ignore")
    numbers = {
        "reach": max(0.25, min(1.0, float(data["sentiment"].abs().max() or 0) * 1.15)),
        # the domain runs from the first period's start to the last one's end so every bar has a labelled edge
        "x_first": _ms(data["period"].min()),
        "x_last": _ms(data["period_end"].max()),
        "articles_top": max(2, int(data["articles"].max()) * 2),
    }
    return data, numbers


# ------------------------------------------------------------------ scorecard charts
# Small Vega-Lite specs written by hand: they have no grain and few rows, so they need no Altair
# template; the rows go in as inline values (dates as YYYY-MM-DD text).


def _records(df: pd.DataFrame) -> list[dict]:
    return json.loads(df.to_json(orient="records", date_format="iso"))


def cumulative_spec(points: pd.DataFrame) -> dict:
    """The cumulative excess return of following every closed decision with an equal stake: a step
    line over ``exit_date``, ``cumulative`` (a fraction) and ``decisions`` (closed by then)."""
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "data": {"values": _records(points)},
        "height": 260,
        "layer": [
            {
                "mark": {"type": "line", "interpolate": "step-after"},
                "encoding": {
                    "x": {"field": "exit_date", "type": "temporal", "title": "Exit date"},
                    "y": {"field": "cumulative", "type": "quantitative", "title": "Sum of excess returns",
                          "axis": {"format": "+.0%"}},
                },
            },
            {
                "mark": {"type": "point", "filled": True, "size": 25},
                "encoding": {
                    "x": {"field": "exit_date", "type": "temporal"},
                    "y": {"field": "cumulative", "type": "quantitative"},
                    "tooltip": [
                        {"field": "exit_date", "type": "temporal", "title": "Exit date"},
                        {"field": "cumulative", "type": "quantitative", "title": "Sum of excess", "format": "+.1%"},
                        {"field": "decisions", "type": "quantitative", "title": "Decisions closed"},
                    ],
                },
            },
            {"mark": {"type": "rule", "strokeDash": [4, 4], "color": "gray"}, "encoding": {"y": {"datum": 0}}},
        ],
    }  # fmt: skip


def legs_spec(lines: pd.DataFrame, marks: pd.DataFrame) -> dict:
    """One decision's legs: each ticker's close (and its benchmark's) rebased to 100 at entry, over
    ``date``, ``series``, ``rebased``; and its entry and exit marks (``date``, ``series``, ``rebased``,
    ``mark``)."""
    x = {"field": "date", "type": "temporal", "title": "Date"}
    y = {"field": "rebased", "type": "quantitative", "title": "Close (entry = 100)", "scale": {"zero": False}}
    color = {"field": "series", "type": "nominal", "title": "Ticker"}
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "height": 260,
        "layer": [
            {"data": {"values": _records(lines)}, "mark": "line", "encoding": {"x": x, "y": y, "color": color}},
            {
                "data": {"values": _records(marks)},
                "mark": {"type": "point", "filled": True, "size": 90},
                "encoding": {
                    "x": x, "y": y, "color": color,
                    "shape": {"field": "mark", "type": "nominal", "title": "Mark"},
                    "tooltip": [{"field": "series", "title": "Ticker"}, {"field": "mark", "title": "Mark"},
                                {"field": "date", "type": "temporal", "title": "Date"},
                                {"field": "close", "type": "quantitative", "title": "Close"}],
                },
            },
        ],
    }  # fmt: skip


def evidence_spec(rows: pd.DataFrame, order: list[str] | None = None) -> dict:
    """Mean benchmark-relative return around bullish and bearish articles with its 95 % interval, one
    small panel per window: rows ``group``, ``tone``, ``horizon`` (the window's label, panels in
    ``order``), ``mean``, ``ci_low``, ``ci_high``, ``n``."""
    y = {"field": "group", "type": "nominal", "title": None, "axis": {"labelLimit": 200}}
    color = {
        "field": "tone",
        "type": "nominal",
        "title": "Articles",
        "scale": {"domain": ["bullish", "bearish"], "range": ["#2b83ba", "#d7191c"]},
    }
    offset = {"field": "tone", "type": "nominal"}
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "data": {"values": _records(rows)},
        "facet": {"column": {"field": "horizon", "type": "nominal", "title": None,
                             "sort": order or sorted(rows["horizon"].unique())}},
        "spec": {
            "width": 180,
            "height": {"step": 16},
            "layer": [
                {"mark": "rule", "encoding": {
                    "y": y, "yOffset": offset, "color": color,
                    "x": {"field": "ci_low", "type": "quantitative", "title": "Mean excess return",
                          "axis": {"format": "+.0%"}},
                    "x2": {"field": "ci_high"}}},
                {"mark": {"type": "point", "filled": True}, "encoding": {
                    "y": y, "yOffset": offset, "color": color,
                    "x": {"field": "mean", "type": "quantitative"},
                    "tooltip": [{"field": "group", "title": "Group"}, {"field": "tone", "title": "Articles"},
                                {"field": "horizon", "title": "After"}, {"field": "n", "title": "N"},
                                {"field": "mean", "title": "Mean excess", "format": "+.2%"},
                                {"field": "ci_low", "title": "95 % low", "format": "+.2%"},
                                {"field": "ci_high", "title": "95 % high", "format": "+.2%"}]}},
                {"mark": {"type": "rule", "strokeDash": [3, 3], "color": "gray"}, "encoding": {"x": {"datum": 0}}},
            ],
        },
        "resolve": {"scale": {"x": "independent"}},
    }  # fmt: skip
