"""Decisions: the key decisions of the articles in view, each beside the baskets it trades."""

from __future__ import annotations

import streamlit as st

from components import loaders, page
from components.cards import clip, decision_card, escape_md
from components.decision_view import (
    basket_holders,
    basket_panels,
    decision_downloads,
    decision_filters,
    decision_table,
    leg_links,
    legs,
    link_index,
    view_picker,
)
from components.layout import no_decisions_in_view, page_header

PER_PAGE = 20
TITLE_CHARS = 60  # a link label is one line: at 1440 px the left column holds the date and ~60 characters
MAX_DECISIONS = 2000

ctx = page.start("Decisions", authors=True)
path, version, filters = ctx.path, ctx.version, ctx.filters
page_header(
    "Decisions",
    "Key decisions for investors from the articles in view, each beside the sector baskets it trades.",
    loaders.demo_in_view(str(path), filters, version),
)

decisions, total, links = loaders.load_decision_page(str(path), filters, MAX_DECISIONS, version)  # read-only
if decisions.empty:
    no_decisions_in_view(loaders.load_decisions_outside_dates(str(path), filters, version), filters)
    st.stop()

index = link_index(str(path), filters, MAX_DECISIONS, version, links)
basket, directions, statuses = decision_filters(index.basket_names)
view = decisions
if basket:
    view = view[view["id"].isin(links.loc[links["basket_id"] == basket, "decision_id"])]
if directions:
    view = view[view["direction"].isin(directions)]
if statuses:
    view = view[view["status"].isin(statuses)]
if view.empty:
    st.info("No decision matches these choices.")
    st.stop()

st.caption(f"{len(view):,} decisions from {view['article_id'].nunique():,} articles")
if total > len(decisions):
    st.caption(
        f"The view holds {total:,} decisions; these are chosen among the newest {len(decisions):,}. Narrow the "
        "filters, or `python -m newsdesk export decisions` for all of them."
    )
decision_downloads(view, str(path), filters, version)
if view_picker() == "table":
    decision_table(view, links)
    st.stop()
pages = max(1, -(-len(view) // PER_PAGE))
page_no = 1
if pages > 1:
    page_no = st.columns([1, 5])[0].number_input(
        f"Page (of {pages})", 1, pages, 1, key="w_dec_page", help=f"{PER_PAGE} decisions per page"
    )
shown = view.iloc[(page_no - 1) * PER_PAGE : page_no * PER_PAGE]
holders = basket_holders(str(path), version)
basket_info = index.basket_info
panels_shown: set[str] = set()  # a basket's panel is drawn once per page
for row in shown.to_dict("records"):  # plain dicts: a Series per row costs more than the card it draws
    left, right = st.columns([3, 2])
    with left:
        st.page_link(
            "pages/3_Article.py",
            label=f"{str(row['published_at'])[:10]} · {escape_md(clip(row['title'], TITLE_CHARS))}",
            query_params={"id": row["article_id"]},
            help=escape_md(row["title"]),
        )
        row_legs = legs(row)
        card = {**row, "instruments": row_legs}
        results = loaders.load_result_lines(str(path), row["article_id"], version)  # cached per article
        decision_card(
            card, {"published_at": row["published_at"]}, basket_info, leg_links(row_legs, basket_info), results
        )
    with right:
        panels: list[tuple] | None = index.by_decision.get(row["id"])
        if not panels:
            held = [(leg, m) for leg in row_legs if leg.get("ticker") for m in holders.get(leg["ticker"], [])]
            if not held:
                st.caption("Trades no sector basket, and its names belong to none.")
            panels = [
                (m["basket_id"], m["name"], f"holds {leg['ticker']} ({leg['side']})", m["members"])
                for leg, m in held[:2]
            ]
        basket_panels(path, panels, panels_shown, version, filters.hidden_sources)
    st.divider()
