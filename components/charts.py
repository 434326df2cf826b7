"""Altair charts."""

from __future__ import annotations

import altair as alt
import pandas as pd

GRAIN_TITLES = {"day": "Day", "week": "Week of", "month": "Month"}


def sentiment_over_time(df: pd.DataFrame, grain: str = "week") -> alt.Chart:
    """Mean newsdesk sentiment per period, one line per category; tooltips carry the article
    count; clicking a legend entry isolates that category."""
    data = df.assign(period=pd.to_datetime(df["period"]))
    pick = alt.selection_point(fields=["category"], bind="legend")
    time_unit = {"day": "yearmonthdate", "week": "yearmonthdate", "month": "yearmonth"}[grain]
    reach = max(0.25, min(1.0, float(data["mean_sentiment"].abs().max() or 0) * 1.15))
    base = alt.Chart(data).encode(
        x=alt.X(f"{time_unit}(period):T", title=GRAIN_TITLES[grain]),
        y=alt.Y("mean_sentiment:Q", title="Mean sentiment", scale=alt.Scale(domain=[-reach, reach])),
        color=alt.Color(
            "category:N",
            title="Category",
            scale=alt.Scale(scheme="tableau20"),
            legend=alt.Legend(orient="bottom", columns=3, labelLimit=260),
        ),
        opacity=alt.condition(pick, alt.value(1.0), alt.value(0.12)),
        tooltip=[
            alt.Tooltip("category:N", title="Category"),
            alt.Tooltip(f"{time_unit}(period):T", title=GRAIN_TITLES[grain]),
            alt.Tooltip("mean_sentiment:Q", title="Mean sentiment", format="+.2f"),
            alt.Tooltip("articles:Q", title="Articles"),
        ],
    )
    lines = base.mark_line(point=True, strokeWidth=2).add_params(pick)
    zero = alt.Chart(pd.DataFrame({"y": [0]})).mark_rule(strokeDash=[4, 4], opacity=0.5).encode(y="y:Q")
    return (zero + lines).properties(height=380)
