"""newsdesk overview: sentiment over time by category, KPIs and the filtered articles.

Run with ``streamlit run dashboard.py``; the demo database is created on first start.
"""

from __future__ import annotations

import streamlit as st

from components import data
from components.charts import sentiment_over_time
from components.filters import sidebar
from components.layout import empty_state, grain_picker, page_header
from components.tables import article_table

TABLE_LIMIT = 5000

st.set_page_config(page_title="newsdesk · Overview", page_icon="📰", layout="wide")
path = data.database_path()
version = data.data_version(path)
filters = sidebar(path, version)

page_header(
    "Overview", "Sentiment over time by category, and the articles behind it.", data.has_demo(str(path), version)
)
kpi = data.load_kpis(str(path), filters, version)
if not kpi["articles"]:
    empty_state()
    st.stop()

c1, c2, c3 = st.columns(3)
c1.metric("Articles", f"{kpi['articles']:,}", border=True)
c2.metric(
    "Mean sentiment",
    f"{kpi['mean_sentiment']:+.3f}",
    border=True,
    help="Mean of newsdesk's own sentiment score (-1 bearish … +1 bullish) over the articles shown.",
)
c3.metric("High-impact articles", f"{kpi['high_impact']:,}", border=True, help="Market impact of 0.7 or more.")

st.subheader("Sentiment over time by category")
grain = grain_picker()
daily = data.load_daily(str(path), filters, grain, version)
if daily.empty:
    st.info("No scored articles with a category in this view.")
else:
    st.altair_chart(sentiment_over_time(daily, grain), width="stretch")
    st.caption("Click a category in the legend to isolate it; hover a point for its article count.")

st.subheader("Articles")
articles = data.load_articles(str(path), filters, TABLE_LIMIT, version)
shown = f"{len(articles):,}" + (f" of {kpi['articles']:,} (newest first)" if kpi["articles"] > len(articles) else "")
st.caption(f"{shown} articles")
article_table(articles)
