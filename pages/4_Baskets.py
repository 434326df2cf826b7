"""Baskets: a basket's members, its sentiment index over time, the decisions that trade it and the
articles that name its companies; create, edit and delete custom baskets."""

from __future__ import annotations

import streamlit as st

from components import baskets_view as bv
from components import loaders, page
from components.chart_cache import show
from components.layout import grain_picker, page_header

ctx = page.start("Baskets")
path, version, filters = ctx.path, ctx.version, ctx.filters
page_header(
    "Baskets",
    "Sector and custom baskets: who is in them, how the news on their companies reads over time, "
    "and the decisions that trade them.",
    loaders.has_demo(str(path), version) and not filters.hidden_sources,
)

found = bv.baskets_or_reference(path, version)
if found.empty:
    st.info(
        "This database has no baskets yet. Ingest articles once (`python -m newsdesk ingest FILE`) to load the "
        "sector baskets of data/baskets.toml, or open the dashboard without NEWSDESK_READONLY=1."
    )
    st.stop()

basket_id = bv.basket_picker(found)
row = found[found["id"] == basket_id].iloc[0]
since, until, hidden = filters.since, filters.until, filters.hidden_sources
members = loaders.load_members(str(path), basket_id, since, until, version, hidden)
decisions = loaders.load_basket_decisions(str(path), basket_id, since, until, version, hidden)
summary_box = st.container()  # filled once the index is loaded (its grain picker comes first)

st.subheader("Sentiment index")
grain = grain_picker()
index = loaders.load_index(str(path), basket_id, grain, since, until, version, hidden)
with summary_box:
    bv.summary(row, members, index, decisions)
    st.caption(bv.date_range_note(since, until))
if index.empty:
    st.info("No article in this date range mentions a member of this basket. Widen the dates in the sidebar.")
else:
    show("basket_index", index, grain, width="stretch")
    st.caption(
        "Line: the sentiment of member mentions, weighted by member weight × relevance (−1 bearish … +1 bullish). "
        "Bars: articles naming a member. Hover a point or a bar for its numbers."
    )

st.subheader("Members")
bv.members_table(members, basket_id)

st.subheader("Decisions trading it")
if decisions.empty:
    st.info(
        "No decision in this date range trades this basket. Decisions are linked when an article's trade idea "
        "names a sector basket of data/baskets.toml."
    )
else:
    bv.decision_cards(decisions, basket_id)

st.subheader("Recent articles naming its companies")
recent = loaders.load_recent(str(path), basket_id, bv.RECENT_LIMIT, since, until, version, hidden)
if recent.empty:
    st.info("No article in this date range names a member of this basket.")
else:
    bv.recent_table(recent)

with st.expander(f"All baskets ({len(found)})"):
    bv.baskets_overview(found)

bv.manage_panel(path, found, basket_id, loaders.load_companies(str(path), version), version)
