"""Page furniture: headers, empty states, small shared controls."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from newsdesk.config import ROOT
from newsdesk.domain.filters import GRAINS

PAGES = (
    ("dashboard.py", "Overview", ":material/monitoring:"),
    ("pages/1_Decisions.py", "Decisions", ":material/checklist:"),
    ("pages/2_Articles.py", "Articles", ":material/article:"),
    ("pages/3_Article.py", "Article", ":material/description:"),
    ("pages/4_Baskets.py", "Baskets", ":material/shopping_basket:"),
    ("pages/5_Ingest.py", "Ingest", ":material/upload_file:"),
    ("pages/6_Scorecard.py", "Scorecard", ":material/scoreboard:"),
    ("pages/7_Alerts.py", "Alerts", ":material/notifications:"),
)
ALERTS_PAGE = "pages/7_Alerts.py"


def nav() -> None:
    """Links to every page at the top of the sidebar."""
    with st.sidebar:
        for target, label, icon in PAGES:
            if (ROOT / target).exists():
                st.page_link(target, label=label, icon=icon)
        st.divider()


def alerts_badge(unseen: int) -> None:
    """The count of unseen fired alerts at the foot of the sidebar, a link to the Alerts page."""
    if unseen and (ROOT / ALERTS_PAGE).exists():
        with st.sidebar:
            st.divider()
            st.page_link(
                ALERTS_PAGE,
                label=f"{unseen:,} new alert{'s' if unseen != 1 else ''}",
                icon=":material/notifications_active:",
            )


def page_header(title: str, subtitle: str, demo: bool = False) -> None:
    """Title, one-line subtitle, and (when the database holds demo articles) the demo notice."""
    st.title(title)
    st.caption(subtitle)
    if demo:
        demo_notice()


def empty_state() -> None:
    """What to show when the view has no article."""
    st.info(
        "No articles match this view. Clear the topic or date filters in the sidebar, or ingest "
        "articles: `python -m newsdesk ingest FILE.txt`."
    )


def no_decisions_in_view(outside: tuple[int, str | None, str | None], filters) -> None:
    """What a view without decisions says: how many decisions its dates leave out, and when they were
    published (so a user widens the dates rather than clearing filters that are not set)."""
    n, first, last = outside
    if n and (filters.since or filters.until):
        span = first if first == last else f"{first} to {last}"
        st.info(
            f"No decisions in this view: the database holds {n:,} decision{'s' if n != 1 else ''} for these "
            f"filters, published {span}, outside the dates in view. Widen *Published between* in the sidebar."
        )
    else:
        st.info(
            "No decisions in this view. Decisions come from articles' key-decision bullets and from analyst "
            "rating headlines; clear some filters in the sidebar, or ingest such articles."
        )


def demo_notice() -> None:
    """Say plainly that the demo corpus is illustrative."""
    st.warning(
        "Demo data: the articles from the *newsdesk demo desk* are illustrative, written for newsdesk — not real news.",
        icon="ℹ️",
    )


def line_picker(ranked: list[str], shown: int, most: int) -> list[str]:
    """The categories the sentiment chart draws: the first ``shown`` of ``ranked`` (most articles
    first) unless the user picks others, at most ``most`` (the palette's size)."""
    if len(ranked) <= shown:
        return ranked
    return st.multiselect(
        "Categories drawn",
        ranked,
        default=ranked[:shown],
        max_selections=most,
        key="w_lines",
        help=f"The {shown} categories with the most articles in this view; add others (up to {most} lines, "
        "one colour each) or remove some.",
    )


def _keep(key: str, default: str) -> None:
    st.session_state[f"nd_{key}"] = st.session_state[f"w_{key}"] or default


def url_choice(label: str, choices: Sequence[str], key: str, param: str, default: str) -> str:
    """A segmented control (widget ``w_<key>``) whose choice is kept in the session (``nd_<key>``)
    and, unless it is ``default``, in the URL as ``?<param>=``; a URL value not among ``choices``
    reads as the default."""
    state, widget = f"nd_{key}", f"w_{key}"
    if state not in st.session_state:
        wanted = st.query_params.get(param)
        st.session_state[state] = wanted if wanted in choices else default
    st.session_state[widget] = st.session_state[state]
    st.segmented_control(
        label, choices, key=widget, on_change=_keep, args=(key, default), format_func=str.title, required=True
    )
    chosen = str(st.session_state[state])
    if chosen == default:
        st.query_params.pop(param, None)
    else:
        st.query_params[param] = chosen
    return chosen


def grain_picker() -> str:
    """Day / week / month control (week by default), kept in the URL as ``grain``."""
    return url_choice("Time grain", GRAINS, "grain", "grain", "week")
