"""The sidebar filter bar shared by every page.

State lives in plain session keys (``nd_*``) that survive page changes; each run copies them into
the page's widget keys ("shadow keys") and ``on_change`` writes them back. The state is mirrored
into the URL (``?topic=A&topic=B&since=...&until=...``) so a pasted URL reproduces the view.
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from components.layout import nav
from newsdesk.errors import FilterError
from newsdesk.queries import Filters, parse_day

TOPICS, SINCE, UNTIL = "nd_topics", "nd_since", "nd_until"
W_TOPICS, W_DATES = "w_topics", "w_dates"


def _init_from_url() -> None:
    if st.session_state.get("nd_init"):
        return
    qp = st.query_params
    st.session_state[TOPICS] = qp.get_all("topic")
    for key, name in ((SINCE, "since"), (UNTIL, "until")):
        try:
            st.session_state[key] = parse_day(qp.get(name))
        except FilterError:
            st.session_state[key] = None
    st.session_state["nd_init"] = True


def _on_topics() -> None:
    st.session_state[TOPICS] = list(st.session_state[W_TOPICS])


def _on_dates() -> None:
    value = st.session_state[W_DATES]
    if isinstance(value, (tuple, list)) and len(value) == 2:
        st.session_state[SINCE], st.session_state[UNTIL] = value


def _write_url(filters: Filters, lo: date | None, hi: date | None) -> None:
    qp = st.query_params
    if filters.topics:
        qp["topic"] = list(filters.topics)
    elif "topic" in qp:
        del qp["topic"]
    for name, value, default in (("since", filters.since, lo), ("until", filters.until, hi)):
        if value and value != default:
            qp[name] = value.isoformat()
        elif name in qp:
            del qp[name]


def filter_bar(categories: list[str], bounds: tuple[date | None, date | None]) -> Filters:
    """Draw the sidebar filters and return the view's :class:`Filters`."""
    _init_from_url()
    lo, hi = bounds
    chosen = [t for t in st.session_state.get(TOPICS, []) if t in categories]
    st.session_state[W_TOPICS] = chosen
    since = st.session_state.get(SINCE) or lo
    until = st.session_state.get(UNTIL) or hi
    if lo and hi:
        since = min(max(since, lo), hi)
        until = max(min(until, hi), since)
    nav()
    with st.sidebar:
        st.header("Filters")
        st.multiselect(
            "Topics",
            categories,
            key=W_TOPICS,
            on_change=_on_topics,
            placeholder="All topics",
            help="Show articles with any of these categories.",
        )
        if lo and hi:
            if not isinstance(st.session_state.get(W_DATES), tuple) or len(st.session_state[W_DATES]) == 2:
                st.session_state[W_DATES] = (since, until)
            st.date_input(
                "Published between", min_value=lo, max_value=hi, key=W_DATES, on_change=_on_dates, format="YYYY-MM-DD"
            )
        st.caption("Filters apply to every page and are kept in the URL: copy it to share this view.")
    filters = Filters(
        tuple(chosen),
        since if lo and since != lo else None,
        until if hi and until != hi else None,
    )
    _write_url(filters, lo, hi)
    return filters


def sidebar(path, version: int) -> Filters:
    """The shared filter bar for a page: reads the options from the database at ``path``."""
    from components import data

    categories = data.load_categories(str(path), version)["category"].tolist()
    return filter_bar(categories, data.load_bounds(str(path), version))
