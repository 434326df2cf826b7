"""Article: one scored article whole — impact and why, categories, summary, analysis, both
sentiments, companies, key decisions and related articles. Opened as ``?id=<article id>``."""

from __future__ import annotations

import streamlit as st

from components import data
from components.article_view import article_page
from components.filters import sidebar

st.set_page_config(page_title="newsdesk · Article", page_icon="📰", layout="wide")
path = data.database_path()
version = data.data_version(path)
filters = sidebar(path, version)
article_page(str(path), filters, version)
