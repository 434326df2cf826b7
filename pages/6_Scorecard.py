"""Scorecard: did following the decisions beat the market? Groups with n, success rate, mean excess
return, t and interval; the cumulative track record; one decision's legs; and the evidence after
bullish and bearish articles."""

from __future__ import annotations

import streamlit as st

from components import loaders, page
from components import scorecard_view as sv
from components.layout import no_decisions_in_view, page_header

ctx = page.start("Scorecard", authors=True)
path, version, filters = str(ctx.path), ctx.version, ctx.filters
page_header(
    "Scorecard",
    "Did the calls work? Each decision of the articles in view against its benchmark, from the first close "
    "at or after publication to the end of its horizon.",
    loaders.has_demo(path, version) and not filters.hidden_sources,
)
sources = loaders.load_price_sources(path, version)
sv.illustrative_banner(sources)
if not sources:
    sv.no_prices()
sv.rules()

by, closed_only, horizon = sv.controls()
benchmark = sv.benchmark_control()
view = loaders.load_scorecard_summary(path, filters, horizon, version, benchmark, sv.MAX_TABLE_ROWS, by == "exposure")
rows = view.rows
opened, scored = sv.status_counts(rows)
st.caption(
    f"{len(rows):,} decisions in view: {scored - opened:,} closed, {opened:,} open, "
    f"{len(rows) - scored:,} not scored"
    + (f"; every leg against {benchmark}." if benchmark else "; each leg against its market's benchmark.")
)
if not rows:
    no_decisions_in_view(loaders.load_decisions_outside_dates(str(path), filters, version), filters)
else:
    sv.illustrative_count(rows)
    sv.unscored_list(rows)

    st.subheader("By " + sv.GROUP_LABELS[by].lower())
    sv.groups_table(rows, by, include_open=not closed_only)

    st.subheader("Track records: authors and sources")
    sv.track_records(rows, include_open=not closed_only)

    st.subheader("Following every closed decision")
    sv.cumulative_chart(rows)

    st.subheader("Decisions")
    chosen = sv.decisions_table(view.newest, len(rows), sv.every_csv(path, filters, horizon, version, benchmark))
    if chosen is not None:
        sv.detail(view.result_of(chosen), path, version)

st.subheader("Evidence: what prices did around bullish and bearish articles")
if sv.evidence_wanted(loaders.load_kpis(path, filters, version)["articles"]):
    sv.evidence_section(loaders.load_evidence(path, filters, version, sv.evidence_kind(), benchmark))
