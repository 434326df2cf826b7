"""newsdesk overview: KPIs, sentiment over time by category, what moved, high-impact articles.

Run with ``streamlit run dashboard.py``; the demo database is created on first start.
"""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from components import loaders, page
from components.chart_cache import show
from components.chart_data import DEFAULT_LINES, MAX_LINES, top_categories, with_view_counts
from components.filters import default_note
from components.layout import empty_state, grain_picker, line_picker, page_header
from components.tables import article_links, article_table, kpi_row

TABLE_LIMIT = 200

ctx = page.start("Overview")
path, version, filters = ctx.path, ctx.version, ctx.filters
bounds = loaders.load_bounds(str(path), version)
page_header(
    "Overview",
    "Sentiment over time by category, and the articles behind it.",
    loaders.demo_in_view(str(path), filters, version),
)
kpi = loaders.load_kpis(str(path), filters, version)
if not kpi["articles"]:
    empty_state()
    st.stop()

# the lower half's reads start now, each on a thread of its own, while the KPIs and charts are read and drawn
moving = loaders.in_background(loaders.load_what_moved, str(path), filters, version)
high_impact = replace(filters, min_impact=max(filters.min_impact or 0, loaders.HIGH_IMPACT))
latest = loaders.in_background(loaders.load_latest_stories, str(path), high_impact, 8, version)
table = loaders.in_background(loaders.load_table_articles, str(path), filters, TABLE_LIMIT, version)
before = loaders.previous_period(filters, bounds)
kpi = {**kpi, "stories": loaders.load_story_count(str(path), filters, version)}
previous = loaders.load_kpis(str(path), before, version) if before else None
if previous and before:  # a previous period's KPIs
    previous = {**previous, "stories": loaders.load_story_count(str(path), before, version)}
kpi_row(kpi, previous)

note = default_note()
if note:
    st.caption(note)
st.subheader("Sentiment over time by category")
grain = grain_picker()
daily = loaders.load_daily(str(path), filters, grain, version)
if daily.empty:
    st.info("No scored articles with a category in this view.")
else:
    lines, grid = st.tabs(["Lines", "Heatmap"])
    with lines:
        drawn = line_picker(top_categories(daily, len(daily)), DEFAULT_LINES, MAX_LINES)
        counts = loaders.load_period_counts(str(path), filters, grain, version)
        shown_rows = with_view_counts(daily[daily["category"].isin(drawn)], counts)
        show("sentiment", shown_rows, grain, width="stretch", height=540)
        st.caption(
            "Points: each period's mean; lines: rolling mean over 3 periods; grey bars: the articles in view per "
            "period, each once. Click a category in the legend to isolate it."
        )
    with grid:
        weekly = daily if grain == "week" else loaders.load_daily(str(path), filters, "week", version)
        show("heatmap", weekly, width="stretch")

left, right = st.columns(2)
with left:
    st.subheader("What moved")
    moved, end = moving.result()
    if moved.dropna(subset=["z"]).empty:
        st.info(
            "Not enough history in this view: a category needs at least 5 articles in the last 14 days and 5 "
            "in the 30 days before."
        )
    else:
        show("moved", moved, width="stretch")
        st.caption(
            f"Last 14 days up to {end} against each category's own 30 days before (z-score of the mean); "
            "n: articles in the 14 days / in the 30 days before. Estimated publish dates are left out."
        )
with right:
    st.subheader("Latest high-impact articles")
    high = latest.result()  # each story once: its first report, "N outlets"
    if high.empty:
        st.info(f"No article with an impact of {loaders.HIGH_IMPACT} or more in this view.")
    else:
        article_links(high)

st.subheader("Articles")
articles = table.result()
total, noun = (kpi["stories"], "stories") if filters.per_story else (kpi["articles"], "articles")
shown = f"{len(articles):,}" + (f" of {total:,} (newest first)" if total > len(articles) else "")
st.caption(f"{shown} {noun}; the Articles page lists the newest 1,000 with facets; the downloads hold all.")
article_table(articles, coloured=False, view=(str(path), filters))  # plain on the Overview: its rerun stays under 0.1 s
