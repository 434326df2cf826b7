"""Articles: the filtered articles with facet counts; pick a row to open the article."""

from __future__ import annotations

import streamlit as st

from components import loaders, page
from components.layout import empty_state, page_header
from components.tables import article_table, facet_panel

TABLE_LIMIT = 1000

ctx = page.start("Articles")
path, version, filters = ctx.path, ctx.version, ctx.filters
# the facets' counts read on a second thread from here on, while the header, the counts and the table's rows are
# read and drawn (an empty view stops below; its facets are not shown)
facets = loaders.in_background(loaders.load_facets, str(path), filters, version)
page_header(
    "Articles",
    "Every article in view: sort by clicking a column, pick a row to open it.",
    loaders.demo_in_view(str(path), filters, version),
)
kpi = loaders.load_kpis(str(path), filters, version)
if not kpi["articles"]:
    empty_state()
    st.stop()

facet_slot = st.container()  # the facets' panel keeps its place above the table
articles = loaders.load_table_articles(str(path), filters, TABLE_LIMIT, version)
if filters.per_story:  # one row per story: its earliest article in view, with its outlets
    total = loaders.load_story_count(str(path), filters, version)
    more = f" (the newest {len(articles):,} of {total:,})" if total > len(articles) else ""
    st.caption(
        f"{len(articles):,} stories{more}, from {kpi['articles']:,} articles: each row is a story's earliest "
        "article in view. The CSV downloads hold every story in view; "
        "`python -m newsdesk export articles --per-story` writes the same from the command line."
    )
else:
    more = f" (the newest {len(articles):,} of {kpi['articles']:,})" if kpi["articles"] > len(articles) else ""
    st.caption(
        f"{len(articles):,} articles{more}. The CSV downloads hold every article in view; "
        "`python -m newsdesk export articles` writes the same from the command line."
    )
picked = article_table(articles, key="articles_page", selectable=True, view=(str(path), filters))
with facet_slot:
    facet_panel(facets.result())
if picked:
    st.switch_page("pages/3_Article.py", query_params={"id": picked})
