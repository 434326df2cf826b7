"""The sidebar filter bar shared by every page.

State lives in plain session keys (``nd_*``) that survive page changes; each run copies them into
the page's widget keys (``w_*``, "shadow keys") and ``on_change`` writes them back. The state is
mirrored into the URL (``?topic=A&topic=B&since=…&label=bearish&min_impact=0.5&source=…&company=7011.T
&q=yen&market=all&first=1&per=story``) so a pasted URL reproduces the view on any page.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import streamlit as st

from components import loaders
from components.layout import nav
from newsdesk.domain import search
from newsdesk.domain.filters import (
    DEMO_CHOICES,
    MARKET_ALL,
    MARKET_CHOICES,
    MARKET_ONLY,
    MAX_TEXT,
    UNCATEGORISED,
    URL_MULTI,
    DefaultWindow,
    Filters,
    from_params,
    parse_day,
    parse_market,
)
from newsdesk.errors import FilterError
from newsdesk.score.labels import LABELS

# shared key, widget key, URL parameter; multi-value filters
MULTI = URL_MULTI
SINCE, UNTIL, MIN_IMPACT, TEXT, DEMO = "nd_since", "nd_until", "nd_min_impact", "nd_text", "nd_demo"
MARKET = "nd_market"
MARKET_LABELS = {MARKET_ONLY: "Market news only", MARKET_ALL: "Everything"}
NOTE = "nd_window_note"
FIRST = "nd_first"  # first reports only (one row per story)
PER_STORY = "nd_per"  # lists show one row per story (its earliest article in view, "N outlets")
W_DATES = "w_dates"
AUTHOR_PARAM = "author"  # only on the pages that draw the author filter (Decisions, Scorecard)


def _init_from_url() -> None:
    """Copy the URL's view into the shared keys once per session: the same parsing as ``export``'s
    options (:func:`newsdesk.domain.filters.from_params`); a date that is not one is dropped."""
    if st.session_state.get("nd_init"):
        return
    qp = st.query_params
    params = {name: qp.get_all(name) for name in qp}
    for name in ("since", "until"):
        try:
            parse_day(params[name][0] if params.get(name) else None)
        except FilterError:
            params.pop(name)
    view = from_params(params)
    for name in MULTI:
        st.session_state[f"nd_{name}"] = list(getattr(view, name))
    st.session_state[SINCE], st.session_state[UNTIL] = view.since, view.until
    st.session_state[MIN_IMPACT] = view.min_impact or 0.0
    st.session_state[TEXT] = view.text
    st.session_state["nd_author"] = list(view.author)
    st.session_state[FIRST] = view.first_reports
    st.session_state[PER_STORY] = view.per_story
    st.session_state[DEMO] = qp.get("demo") if qp.get("demo") in DEMO_CHOICES else None
    st.session_state[MARKET] = parse_market(qp.get("market"))
    st.session_state["nd_init"] = True


def _copy(name: str) -> None:
    st.session_state[f"nd_{name}"] = st.session_state[f"w_{name}"]


def _on_dates() -> None:
    value = st.session_state[W_DATES]
    if isinstance(value, (tuple, list)) and len(value) == 2:
        st.session_state[SINCE], st.session_state[UNTIL] = value


def _set_url(name: str, value) -> None:
    qp = st.query_params
    if value:
        qp[name] = value
    elif name in qp:
        del qp[name]


def filter_bar(
    categories: list[str],
    bounds: tuple[date | None, date | None],
    sources: list[str] | None = None,
    companies: dict[str, str] | None = None,
    default_window: Callable[[tuple[str, ...], bool], DefaultWindow] | None = None,
    demo: tuple[bool, bool] = (False, False),
    authors: dict[str, int] | None = None,
) -> Filters:
    """Draw the sidebar filters and return the view's :class:`Filters`. ``companies`` maps filter
    values (tickers, ``basket:<id>``) to their labels; ``default_window`` is where a view starts and
    ends when neither the URL nor the user chose dates (the latest 90 days that hold enough data to
    draw; called with the sources hidden and whether the view is market news only; its note is kept
    for :func:`default_note`). ``demo`` says
    whether the database holds demo articles and real ones: with both, the demo is hidden unless the
    user shows it (``?demo=show``). ``authors`` (author -> calls) adds the author filter of analyst calls
    (``?author=Goldman+Sachs``); without it the view has no author filter and the URL keeps its choice."""
    _init_from_url()
    lo, hi = bounds
    categories = [*categories, *([] if UNCATEGORISED in categories else [UNCATEGORISED])]  # no category: a topic
    options = {
        "topics": categories,
        "labels": list(LABELS),
        "sources": sources or [],
        "companies": list((companies or {}).keys()),
    }
    chosen = {}
    if authors is not None:
        options["author"] = list(authors)
    for name, values in options.items():
        allowed = set(values)
        chosen[name] = [v for v in st.session_state.get(f"nd_{name}", []) if v in allowed]
        st.session_state[f"w_{name}"] = chosen[name]
    has_demo, has_real = demo
    demo_default = "hide" if has_real else "show"
    demo_choice = st.session_state.get(DEMO) or demo_default
    hidden = (loaders.DEMO_SOURCE,) if has_demo and demo_choice == "hide" else ()
    market_only = parse_market(st.session_state.get(MARKET)) != MARKET_ALL
    window = default_window(hidden, market_only) if default_window else DefaultWindow()
    first, last = window.since or lo, window.until or hi
    since = st.session_state.get(SINCE) or first
    until = st.session_state.get(UNTIL) or last
    if lo and hi and since and until:
        since = min(max(since, lo), hi)
        until = max(min(until, hi), since)
    st.session_state["w_min_impact"] = float(st.session_state.get(MIN_IMPACT) or 0.0)
    st.session_state["w_text"] = st.session_state.get(TEXT, "")
    st.session_state["w_first"] = bool(st.session_state.get(FIRST))
    st.session_state["w_per"] = bool(st.session_state.get(PER_STORY))
    nav()
    with st.sidebar:
        st.header("Filters")
        st.text_input(
            "Search",
            key="w_text",
            on_change=_copy,
            args=("text",),
            placeholder="words in title, summary or text",
            help="Full-text search; every word (in any of its forms) must appear.",
        )
        st.caption(search.SYNTAX_HELP)
        st.multiselect(
            "Topics",
            categories,
            key="w_topics",
            on_change=_copy,
            args=("topics",),
            placeholder="All topics",
            help="Show articles with any of these categories.",
        )
        if lo and hi:
            if not isinstance(st.session_state.get(W_DATES), tuple) or len(st.session_state[W_DATES]) == 2:
                st.session_state[W_DATES] = (since, until)
            st.date_input(
                "Published between", min_value=lo, max_value=hi, key=W_DATES, on_change=_on_dates, format="YYYY-MM-DD"
            )
        st.multiselect(
            "Sentiment",
            options["labels"],
            key="w_labels",
            on_change=_copy,
            args=("labels",),
            placeholder="Any sentiment",
            help="newsdesk's sentiment label (Alpha Vantage bands).",
        )
        st.slider(
            "Minimum impact",
            0.0,
            1.0,
            step=0.05,
            key="w_min_impact",
            on_change=_copy,
            args=("min_impact",),
            help="newsdesk's market impact, 0 (none) to 1 (market-moving).",
        )
        st.multiselect(
            "Source", options["sources"], key="w_sources", on_change=_copy, args=("sources",), placeholder="All sources"
        )
        st.multiselect(
            "Company or basket",
            options["companies"],
            key="w_companies",
            on_change=_copy,
            args=("companies",),
            format_func=lambda v: (companies or {}).get(v, v),
            placeholder="Any company",
            help="Articles naming the company, or any member of the basket.",
        )
        if authors is not None:
            st.multiselect(
                "Author (analyst calls)",
                options["author"],
                key="w_author",
                on_change=_copy,
                args=("author",),
                format_func=lambda v: f"{v} ({authors.get(v, 0)})",
                placeholder="Any author",
                help="The broker or analyst house of a rating headline ('Goldman Sachs Upgrades Agilent to Buy'): "
                "only its calls.",
            )
        market = parse_market(st.session_state.get(MARKET))
        st.session_state["w_market"] = market
        st.segmented_control(
            "News",
            MARKET_CHOICES,
            key="w_market",
            on_change=_copy,
            args=("market",),
            format_func=lambda v: MARKET_LABELS.get(v, v),
            required=True,
            help="Market news only (the default) leaves sport, entertainment, celebrity and lifestyle "
            "stories out of every count, chart and list, unless a listed company or a market cue makes "
            "them market news; Everything shows them too.",
        )
        st.toggle(
            "First reports only",
            key="w_first",
            on_change=_copy,
            args=("first",),
            help="One row per story: the outlet that reported it first (stories group the same event across "
            "outlets).",
        )
        st.toggle(
            "One row per story",
            key="w_per",
            on_change=_copy,
            args=("per",),
            help="Article lists and their CSVs show each story once: its earliest article in view, with the "
            "number of outlets that carried it and the story's size. Counts are not changed.",
        )
        if has_demo:
            st.session_state["w_demo"] = demo_choice
            st.segmented_control(
                "Demo articles",
                DEMO_CHOICES,
                key="w_demo",
                on_change=_copy,
                args=("demo",),
                format_func=str.title,
                required=True,
                help="The illustrative demo corpus (source: newsdesk demo desk); hidden by default once real "
                "articles are in the database.",
            )
        st.caption("Filters apply to every page and are kept in the URL: copy it to share this view.")
    filters = Filters(
        topics=tuple(chosen["topics"]),
        since=since if lo and since != lo else None,
        until=until if hi and until != hi else None,
        labels=tuple(chosen["labels"]),
        min_impact=float(st.session_state.get(MIN_IMPACT) or 0.0) or None,
        sources=tuple(chosen["sources"]),
        companies=tuple(chosen["companies"]),
        text=str(st.session_state.get(TEXT, "")).strip()[:MAX_TEXT],
        hidden_sources=hidden,
        author=tuple(chosen.get("author", ())),
        market=market,
        first_reports=bool(st.session_state.get(FIRST)),
        per_story=bool(st.session_state.get(PER_STORY)),
    )
    for name, param in MULTI.items():
        _set_url(param, list(getattr(filters, name)))
    if authors is not None:
        _set_url(AUTHOR_PARAM, list(filters.author))
    _set_url("since", since.isoformat() if lo and since and since != first else None)
    _set_url("until", until.isoformat() if hi and until and until != last else None)
    st.session_state[NOTE] = window.note if (since, until) == (first, last) else None
    _set_url("min_impact", f"{filters.min_impact:g}" if filters.min_impact else None)
    _set_url("q", filters.text or None)
    _set_url("market", MARKET_ALL if not filters.market_only else None)
    _set_url("first", "1" if filters.first_reports else None)
    _set_url("per", "story" if filters.per_story else None)
    _set_url("demo", demo_choice if has_demo and demo_choice != demo_default else None)
    return filters


def default_note() -> str | None:
    """What the view's default dates need said (they are not simply the latest 90 days), while the
    view keeps them; None otherwise."""
    return st.session_state.get(NOTE)


def sidebar(path, version: int, authors: bool = False) -> Filters:
    """The shared filter bar for a page: reads the options from the database at ``path`` (and the
    authors of analyst calls when ``authors``)."""
    categories = loaders.load_categories(str(path), version)["category"].tolist()
    return filter_bar(
        categories,
        loaders.load_bounds(str(path), version),
        loaders.load_sources(str(path), version),
        loaders.load_company_options(str(path), version),
        lambda hidden, market_only: loaders.load_default_window(str(path), hidden, version, market_only),
        (loaders.has_demo(str(path), version), loaders.has_real(str(path), version)),
        loaders.load_authors(str(path), version) if authors else None,
    )
