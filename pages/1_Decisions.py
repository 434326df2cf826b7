"""Decisions: every "key decision for investors" of the filtered articles, as cards."""

from __future__ import annotations

import streamlit as st

from components import data
from components.cards import decision_card
from components.filters import filter_bar
from components.layout import page_header
from newsdesk.export import csv_bytes

st.set_page_config(page_title="newsdesk · Decisions", page_icon="📰", layout="wide")
path = data.database_path()
version = data.data_version(path)
categories = data.load_categories(str(path), version)["category"].tolist()
filters = filter_bar(categories, data.load_bounds(str(path), version))
page_header(
    "Decisions",
    "Key decisions for investors from the articles in view, newest first.",
    data.has_demo(str(path), version),
)

decisions = data.load_decisions(str(path), filters, version)
if decisions.empty:
    st.info("No decisions in this view. Clear the topic or date filters in the sidebar.")
    st.stop()

articles = decisions["article_id"].nunique()
st.caption(f"{len(decisions):,} decisions from {articles:,} articles")
st.download_button("Download CSV", csv_bytes(decisions), file_name="newsdesk-decisions.csv", mime="text/csv")
left, right = st.columns(2)
for n, (_, row) in enumerate(decisions.head(200).iterrows()):
    with left if n % 2 == 0 else right:
        decision_card(row)
if len(decisions) > 200:
    st.caption("Showing the newest 200 decisions; narrow the filters or download the CSV for all of them.")
