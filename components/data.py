"""Cached loaders: the pages' only way to the data. Each takes the database path, the filters
and a data version (the last ingest run id), so a new ingest shows without a restart."""

from __future__ import annotations

from contextlib import closing
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st

from newsdesk import queries
from newsdesk.config import ENV_READONLY, read_only, resolve_db_path
from newsdesk.errors import ReadOnlyError
from newsdesk.queries import Filters

if TYPE_CHECKING:
    import sqlite_utils

TTL = 600


def database_path() -> Path:
    """The database the dashboard shows; created from the demo corpus on first start."""
    path = resolve_db_path()
    if not path.exists():
        if read_only():
            st.error(
                f"No database at {path}. This dashboard runs read-only ({ENV_READONLY}=1), so it does not "
                "create one: point NEWSDESK_DB at an existing database."
            )
            st.stop()
        with st.spinner("First start: building the demo database from data/demo ..."):
            from newsdesk import pipeline  # imports the scorers: only needed on a first start

            pipeline.create_demo_database(path)
    return path


def open_for_write(path: str | Path) -> sqlite_utils.Database:
    """The dashboard's only way to a writable database; raises :class:`ReadOnlyError` when the app
    runs read-only. Every read goes through :func:`newsdesk.queries.connect_readonly` instead."""
    if read_only():
        raise ReadOnlyError(f"this dashboard runs read-only ({ENV_READONLY}=1): nothing can be written")
    from newsdesk import store  # the writer (and the parsers it imports) only when writing

    return store.connect(path)


def data_version(path: Path) -> int:
    """The last ingest run id (uncached: one indexed lookup)."""
    with closing(queries.connect_readonly(path)) as conn:
        return queries.data_version(conn)


@st.cache_data(ttl=TTL, max_entries=16, show_spinner=False)
def load_categories(path: str, version: int) -> pd.DataFrame:
    """Categories with their article counts."""
    with closing(queries.connect_readonly(path)) as conn:
        return queries.categories(conn)


@st.cache_data(ttl=TTL, max_entries=16, show_spinner=False)
def load_bounds(path: str, version: int):
    """First and last publish day."""
    with closing(queries.connect_readonly(path)) as conn:
        return queries.date_bounds(conn)


@st.cache_data(ttl=TTL, max_entries=64, show_spinner=False)
def load_kpis(path: str, filters: Filters, version: int) -> dict:
    """KPIs of the filtered view."""
    with closing(queries.connect_readonly(path)) as conn:
        return queries.kpis(conn, filters)


@st.cache_data(ttl=TTL, max_entries=64, show_spinner=False)
def load_daily(path: str, filters: Filters, grain: str, version: int) -> pd.DataFrame:
    """Mean sentiment per period and category (from the daily aggregate table)."""
    with closing(queries.connect_readonly(path)) as conn:
        return queries.daily_sentiment(conn, filters, grain)


@st.cache_data(ttl=TTL, max_entries=32, show_spinner=False)
def load_articles(path: str, filters: Filters, limit: int, version: int) -> pd.DataFrame:
    """The filtered articles, newest first, at most ``limit``."""
    with closing(queries.connect_readonly(path)) as conn:
        return queries.articles(conn, filters, limit=limit)


@st.cache_data(ttl=TTL, max_entries=32, show_spinner=False)
def load_decisions(path: str, filters: Filters, version: int) -> pd.DataFrame:
    """Decisions of the filtered articles."""
    with closing(queries.connect_readonly(path)) as conn:
        return queries.decisions(conn, filters)


@st.cache_data(ttl=TTL, max_entries=16, show_spinner=False)
def has_demo(path: str, version: int) -> bool:
    """True when the database holds articles of the illustrative demo corpus."""
    with closing(queries.connect_readonly(path)) as conn:
        return queries.has_source(conn, queries.DEMO_SOURCE)


@st.cache_data(ttl=TTL, max_entries=16, show_spinner=False)
def load_sources(path: str, version: int) -> list[str]:
    """Sources, alphabetically."""
    with closing(queries.connect_readonly(path)) as conn:
        return queries.sources(conn)["source"].tolist()


@st.cache_data(ttl=TTL, max_entries=16, show_spinner=False)
def load_company_options(path: str, version: int) -> dict[str, str]:
    """Company and basket filter options: value -> label (companies with their article count,
    baskets with their member count)."""
    with closing(queries.connect_readonly(path)) as conn:
        df = queries.company_options(conn)
    return {
        v: f"{label} ({n} members)" if v.startswith("basket:") else f"{label} ({n})"
        for v, label, n in df.itertuples(index=False)
        if n
    }


@st.cache_data(ttl=TTL, max_entries=32, show_spinner=False)
def load_facets(path: str, filters: Filters, version: int, total: int | None = None) -> dict:
    """Facet counts of the filtered view (see :func:`queries.facet_note` for what they cover when
    ``total`` is larger than ``queries.FACET_CAP``)."""
    with closing(queries.connect_readonly(path)) as conn:
        return queries.facets(conn, filters, total=total)


@st.cache_data(ttl=TTL, max_entries=32, show_spinner=False)
def load_what_moved(path: str, filters: Filters, end, version: int) -> pd.DataFrame:
    """Category z-scores against their trailing 30-day baseline (last 14 days up to ``end``)."""
    with closing(queries.connect_readonly(path)) as conn:
        return queries.what_moved(conn, filters, end, window=14, baseline=30)


@st.cache_data(ttl=TTL, max_entries=16, show_spinner=False)
def load_decisions_with_status(
    path: str, filters: Filters, limit: int, version: int
) -> tuple[pd.DataFrame, int, pd.DataFrame]:
    """The newest ``limit`` decisions of the view with their horizon status and decoded legs, how
    many decisions the view has in all, and the basket links of the loaded decisions."""
    from components.decision_view import with_status

    with closing(queries.connect_readonly(path)) as conn:
        found = queries.decisions(conn, filters, limit=limit)
        links = queries.decision_basket_links(conn, found["id"].tolist())
        return with_status(found), queries.decision_count(conn, filters), links


@st.cache_data(ttl=TTL, max_entries=8, show_spinner=False)
def load_basket_membership(path: str, version: int) -> pd.DataFrame:
    """Ticker -> baskets holding it."""
    with closing(queries.connect_readonly(path)) as conn:
        return queries.basket_membership(conn)
