"""What every page does first: configure, find the database, draw the shared sidebar."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from components import loaders
from components.filters import sidebar
from components.layout import alerts_badge
from newsdesk.domain.filters import Filters


@dataclass(frozen=True)
class PageContext:
    """The database a page shows, its data version (for cache keys) and the view's filters."""

    path: Path | str  # a SQLite file, or a postgresql:// URL
    version: int
    filters: Filters


def start(name: str, authors: bool = False) -> PageContext:
    """Set the page config (title ``newsdesk · <name>``), open the database (built from the demo
    corpus on first start) and draw the shared filter bar (with the authors of analyst calls when
    ``authors``: the Decisions and Scorecard pages)."""
    st.set_page_config(page_title=f"newsdesk · {name}", page_icon="📰", layout="wide")
    path = loaders.database_path()
    version = loaders.data_version(path)
    filters = sidebar(path, version, authors)
    alerts_badge(loaders.unseen_alerts(str(path)))
    return PageContext(path, version, filters)
