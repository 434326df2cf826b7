"""The Decisions page's pieces: decision filters, and the baskets a decision trades shown beside it."""

from __future__ import annotations

from datetime import date, timedelta
from typing import NamedTuple
from urllib.parse import quote

import pandas as pd
import streamlit as st

from components import loaders, tables
from components.cards import clip, escape_md
from components.chart_cache import build_spec
from components.layout import url_choice
from components.tables import MISSING
from newsdesk.domain.legs import decode_legs, exposure_text

DIRECTIONS = ("bullish", "bearish", "hedge", "relative", "neutral")
STATUSES = ("open", "expired", "no horizon")


def legs(row) -> list[dict]:
    """The decoded instrument legs of one decision row."""
    return decode_legs(row["instruments"])


def _sync(key: str, param: str) -> None:
    value = st.session_state[key]
    if value:
        st.query_params[param] = value
    elif param in st.query_params:
        del st.query_params[param]


class LinkIndex(NamedTuple):
    """The basket links of a page's decisions in the shapes the page draws from, made once per view
    (read-only: shared by every run and session that shows the view)."""

    basket_names: dict[str, str]  # basket id -> name, by name: the "Trades basket" picker
    basket_info: dict[str, dict]  # basket id -> {"name", "members"}
    by_decision: dict[str, list[tuple]]  # decision id -> (basket id, name, side, members), in link order


@st.cache_resource(hash_funcs=loaders.VIEW_KEY, ttl=loaders.TTL, max_entries=16, show_spinner=False)
def link_index(path: str, filters: loaders.Filters, limit: int, version: int, _links: pd.DataFrame) -> LinkIndex:
    """:class:`LinkIndex` of ``_links`` (the links :func:`components.loaders.load_decision_page`
    returns for the same path, filters, limit and version: the key; the frame itself is not hashed)."""
    columns = [_links[c].tolist() for c in ("decision_id", "basket_id", "name", "side", "members")]
    rows = list(zip(*columns, strict=True))
    basket_names = dict(sorted({(b, n) for _, b, n, _, _ in rows}, key=lambda kv: kv[1]))
    basket_info: dict[str, dict] = {}
    by_decision: dict[str, list[tuple]] = {}
    for decision_id, basket_id, name, side, members in rows:
        basket_info.setdefault(str(basket_id), {"name": name, "members": members})
        by_decision.setdefault(decision_id, []).append((basket_id, name, side, members))
    return LinkIndex(basket_names, basket_info, by_decision)


@st.cache_resource(hash_funcs=loaders.VIEW_KEY, ttl=loaders.TTL, max_entries=8, show_spinner=False)
def basket_holders(path: str, version: int) -> dict[str, list[dict]]:
    """Ticker -> the baskets holding it (``basket_id``, ``name``, ``members``), made once per data
    version (read-only: shared by every run)."""
    holders: dict[str, list[dict]] = {}
    for m in loaders.load_basket_membership(path, version).to_dict("records"):
        holders.setdefault(m["ticker"], []).append(m)
    return holders


def decision_filters(basket_names: dict[str, str]) -> tuple[str | None, list[str], list[str]]:
    """Basket (``basket_names``: id -> name, in the order to offer), direction and horizon-status pickers
    (kept in the URL as ``trades``, ``direction``, ``status``)."""
    if "w_dec_basket" not in st.session_state:
        wanted = st.query_params.get("trades")
        st.session_state["w_dec_basket"] = wanted if wanted in basket_names else None
        st.session_state["w_dec_direction"] = [d for d in st.query_params.get_all("direction") if d in DIRECTIONS]
        st.session_state["w_dec_status"] = [s for s in st.query_params.get_all("status") if s in STATUSES]
    a, b, c = st.columns([2, 2, 2])
    basket = a.selectbox(
        "Trades basket",
        list(basket_names),
        key="w_dec_basket",
        index=None,
        format_func=lambda v: basket_names.get(v, v),
        placeholder="Any basket",
        on_change=_sync,
        args=("w_dec_basket", "trades"),
    )
    directions = b.multiselect(
        "Direction",
        DIRECTIONS,
        key="w_dec_direction",
        placeholder="Any direction",
        on_change=_sync,
        args=("w_dec_direction", "direction"),
    )
    statuses = c.multiselect(
        "Horizon",
        STATUSES,
        key="w_dec_status",
        placeholder="Open or expired",
        on_change=_sync,
        args=("w_dec_status", "status"),
        help="Open: the stated horizon has not run out since the article's publish date.",
    )
    return basket, directions, statuses


SPARK_WEEKS = 26
PANEL_TITLE_CHARS = 40  # a link label is one line: at 1440 px a basket panel holds ~40 characters


@st.cache_data(ttl=loaders.TTL, max_entries=128, show_spinner=False)
def basket_strip(
    path: str, basket_id: str, version: int, hidden: tuple[str, ...] = ()
) -> tuple[dict | None, list[tuple[str, str]]]:
    """What :func:`basket_beside` shows of a basket, cached by plain keys (no frame to hash on a
    rerun): the spec of its weekly sentiment line (None with fewer than two weeks of articles) and
    its newest three articles (id, title), both over the last :data:`SPARK_WEEKS` weeks of data,
    none of the ``hidden`` sources."""
    end = loaders.load_bounds(path, version)[1] or date.today()
    window = end - timedelta(weeks=SPARK_WEEKS)  # a bounded read at any database size
    shown = loaders.load_index(path, basket_id, "week", window, None, version, hidden).tail(12)
    spec = build_spec("spark", shown) if len(shown) >= 2 else None
    recent = loaders.load_recent(path, basket_id, 3, window, None, version, hidden)
    return spec, [(str(r.id), str(r.title)) for r in recent.itertuples(index=False)]


@st.cache_data(ttl=loaders.TTL, max_entries=4, show_spinner=False)
def all_basket_strips(
    path: str, version: int, hidden: tuple[str, ...] = ()
) -> dict[str, tuple[dict | None, list[tuple[str, str]]]]:
    """:func:`basket_strip` of every basket at once (~25 ms each at a million articles). A strip
    depends only on the hidden sources of the view, so one pass per data version and demo choice
    serves every other filter change."""
    return {b: basket_strip(path, b, version, hidden) for b in loaders.load_baskets(path, version)["id"]}


def basket_beside(
    path, basket_id: str, name: str, side: str, members: str, version: int, hidden: tuple[str, ...] = ()
) -> None:
    """A basket next to a decision: its side, members, its weekly sentiment (the latest 12 weeks with
    articles within the last :data:`SPARK_WEEKS` weeks of data) and its newest articles of that window,
    none of the ``hidden`` sources (the demo when the view hides it)."""
    with st.container(border=True):
        st.markdown(f"**{escape_md(name)}** · {escape_md(side)}")
        tickers = [t for t in (members or "").split(", ") if t]
        if tickers:
            st.caption(escape_md(", ".join(tickers[:8]) + (" …" if len(tickers) > 8 else "")))
        strip = all_basket_strips(str(path), version, hidden).get(basket_id)  # a basket made since: its own
        spec, recent = strip if strip is not None else basket_strip(str(path), basket_id, version, hidden)
        if spec is not None:
            st.vega_lite_chart(spec, width="stretch")
            st.caption("Basket sentiment, weekly (latest weeks with articles)")
        else:
            st.caption("Too few articles on its members for a sentiment line yet.")
        for article_id, title in recent:
            st.page_link(
                "pages/3_Article.py",
                label=escape_md(clip(title, PANEL_TITLE_CHARS)),
                query_params={"id": article_id},
                help=escape_md(title),
            )


SIDE_ORDER = {"long": 0, "short": 1, "hold": 2, "reduce": 3, "funding": 4}


def side_order(side: str | None) -> int:
    """Where a leg's side comes among a decision's baskets: long, short, hold, reduce, then funding,
    then the rest."""
    return SIDE_ORDER.get(str(side or "").split()[0].lower() if side else "", len(SIDE_ORDER))


def basket_panels(
    path, panels: list[tuple[str, str, str, str]], shown: set[str], version: int, hidden: tuple[str, ...] = ()
) -> None:
    """The baskets beside one decision (``panels``: basket id, name, side, members), long before
    short before funding; a basket already drawn higher up the page (ids in ``shown``, updated here)
    gets one line pointing to it instead of its whole panel again."""
    for basket_id, name, side, members in sorted(panels, key=lambda p: (side_order(p[2]), p[1] or "")):
        if basket_id in shown:
            st.caption(f"{escape_md(name or basket_id)} · {escape_md(side)} — its panel is shown above.")
            continue
        shown.add(basket_id)
        basket_beside(path, basket_id, name, side, members, version, hidden)


VIEWS = ("cards", "table")


def view_picker() -> str:
    """Cards or a sortable table (kept in the URL as ``view=table``)."""
    return url_choice("Show as", VIEWS, "dec_view", "view", "cards")


def triage_frame(view: pd.DataFrame, links: pd.DataFrame) -> pd.DataFrame:
    """One row per decision for the triage table: published, source, action, exposure, legs,
    horizon end, status, direction, the first basket it trades and links to its article and basket."""
    first_basket = links.drop_duplicates("decision_id").set_index("decision_id")
    legs_of = [legs(row) for _, row in view.iterrows()]
    published = pd.to_datetime(view["published_at"], utc=True, errors="coerce", format="ISO8601")
    horizon_end = published + pd.to_timedelta(view["horizon_max_days"].astype("Float64"), unit="D")
    basket_id = view["id"].map(first_basket["basket_id"]) if not first_basket.empty else None
    basket_name = view["id"].map(first_basket["name"]) if not first_basket.empty else None
    return pd.DataFrame(
        {
            "published": published,
            "source": view.get("source", pd.Series("", index=view.index)).fillna(""),
            "action": view["action"].fillna(""),
            "direction": view["direction"].fillna(""),
            "exposure": [exposure_text(x, "; ") for x in legs_of],
            "legs": [len(x) for x in legs_of],
            "horizon end": horizon_end.dt.date,
            "status": view["status"],
            "basket": basket_name.fillna("") if basket_name is not None else "",
            "decision": view["text"].fillna(""),
            "article": [f"/Article?id={a}" for a in view["article_id"]],
            "basket page": [f"/Baskets?basket={b}" if isinstance(b, str) else None for b in basket_id]
            if basket_id is not None
            else None,
        },
        index=view.index,
    )


def decision_table(view: pd.DataFrame, links: pd.DataFrame) -> None:
    """Every decision of the view in one sortable table (click a header to sort)."""
    st.dataframe(
        triage_frame(view, links),
        placeholder=MISSING,
        hide_index=True,
        width="stretch",
        height=min(38 + 35 * len(view), 700),
        key="decision_table",
        column_config={
            "published": st.column_config.DatetimeColumn("Published (UTC)", format="YYYY-MM-DD HH:mm"),
            "exposure": st.column_config.TextColumn("Exposure", help="Each leg's side and name"),
            "legs": st.column_config.NumberColumn("Legs", format="%d", width="small"),
            "horizon end": st.column_config.DateColumn("Horizon end", help="Publish day + the longest stated horizon"),
            "decision": st.column_config.TextColumn("Decision", width="large"),
            "article": st.column_config.LinkColumn("Article", display_text="open"),
            "basket page": st.column_config.LinkColumn("Basket page", display_text="open"),
        },
    )


def leg_links(row_legs: list[dict], baskets: dict[str, dict]) -> str:
    """The legs as Markdown links: a ticker to the view filtered on that company, a basket to its
    Baskets page."""
    out = []
    for leg in row_legs:
        side = escape_md(leg.get("side") or "")
        if leg.get("basket"):
            name = (baskets.get(str(leg["basket"])) or {}).get("name") or leg.get("name") or leg["basket"]
            out.append(f"{side} [{escape_md(name)}](/Baskets?basket={quote(str(leg['basket']))})")
        elif leg.get("ticker"):
            out.append(f"{side} [{escape_md(leg['ticker'])}](/?company={quote(str(leg['ticker']))})")
        elif leg.get("name"):
            out.append(f"{side} {escape_md(leg['name'])}")
    return " · ".join(out)


def decision_downloads(view: pd.DataFrame, path: str, filters, version: int) -> None:
    """Two CSV downloads of the decisions shown, made on click by the one decisions writer
    (:func:`newsdesk.flows.export.decisions_csv`): the analyst's columns (published, author, source, each
    leg's company and exposure in words, horizon end, status, return, excess return, link) and all."""
    base = tables.app_base()
    human, everything = st.columns(2)
    human.download_button(
        "Download CSV",
        tables.deferred_decisions(view, path, filters, "human", base, version),
        file_name="newsdesk-decisions.csv",
        mime="text/csv",
        key="dec_csv",
        icon=":material/download:",
        help="Published (UTC), author, source, the decision, each leg's company and exposure, rating, price "
        "target, horizon end, status, return and excess return (when prices are loaded), a link to its article.",
    )
    everything.download_button(
        "Download CSV (all columns)",
        tables.deferred_decisions(view, path, filters, "all", base, version),
        file_name="newsdesk-decisions-all-columns.csv",
        mime="text/csv",
        key="dec_csv_all",
        help="Every stored column of the decisions shown (as `python -m newsdesk export decisions --columns all`).",
    )
