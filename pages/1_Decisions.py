"""Decisions: every "key decision for investors" of the filtered articles, grouped by article."""

from __future__ import annotations

import streamlit as st

from components import data
from components.cards import article_decisions_card
from components.filters import sidebar
from components.layout import page_header
from newsdesk.export import csv_bytes

MAX_ARTICLES = 60

st.set_page_config(page_title="newsdesk · Decisions", page_icon="📰", layout="wide")
path = data.database_path()
version = data.data_version(path)
filters = sidebar(path, version)
page_header(
    "Decisions",
    "Key decisions for investors from the articles in view, newest article first, in their original order.",
    data.has_demo(str(path), version),
)

decisions = data.load_decisions(str(path), filters, version)
if decisions.empty:
    st.info("No decisions in this view. Clear the topic or date filters in the sidebar.")
    st.stop()

article_ids = list(dict.fromkeys(decisions["article_id"]))
st.caption(f"{len(decisions):,} decisions from {len(article_ids):,} articles")
st.download_button("Download CSV", csv_bytes(decisions), file_name="newsdesk-decisions.csv", mime="text/csv")
groups = dict(tuple(decisions.groupby("article_id", sort=False)))
left, right = st.columns(2)
for n, article_id in enumerate(article_ids[:MAX_ARTICLES]):
    with left if n % 2 == 0 else right:
        article_decisions_card(groups[article_id])
if len(article_ids) > MAX_ARTICLES:
    st.caption(
        f"Showing the newest {MAX_ARTICLES} articles' decisions; narrow the filters or download the CSV for all."
    )
