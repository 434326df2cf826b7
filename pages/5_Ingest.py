"""Ingest: upload article files and see what came in and what was rejected, and why."""

from __future__ import annotations

import streamlit as st

from components import data
from components.filters import sidebar
from components.ingest import ingest_panel
from components.layout import page_header

st.set_page_config(page_title="newsdesk · Ingest", page_icon="📰", layout="wide")
path = data.database_path()
version = data.data_version(path)
sidebar(path, version)
page_header("Ingest", "Add articles from files: pages, JSON Lines, news-API JSON, CSV or RSS/Atom.")
ingest_panel(path)
