"""The Baskets page's pieces: the basket picker, the members table, decision cards, recent articles
and the form that creates, edits and deletes custom baskets (data from :mod:`components.loaders`,
the index chart from :mod:`components.charts`).

The selected basket lives in a plain session key (``nd_basket``, survives page changes) and in the
URL (``?basket=japan-defense``), so a copied URL opens the same basket.
"""

from __future__ import annotations

import difflib
from datetime import date
from pathlib import Path

import pandas as pd
import streamlit as st

from components import loaders, tables
from components.cards import escape_md
from components.loaders import custom_baskets as baskets
from components.tables import MISSING, safe_link, table_csv
from newsdesk.config import read_only
from newsdesk.domain.cells import text_or_none
from newsdesk.errors import BasketError

URL_KEY = "basket"
SELECTED, W_BASKET = "nd_basket", "w_basket"
MESSAGE = "nd_basket_message"
NEW = "bk_new"
TABS = "bk_tabs"
NEW_TAB, EDIT_TAB = "New basket", "Edit or delete the selected basket"
MAX_CARDS = 12
RECENT_LIMIT = 10


def baskets_or_reference(path: Path | str, version: int) -> pd.DataFrame:
    """The baskets; a database that has none yet (made by ``init`` without ``--demo``) first gets the
    shipped companies and sector baskets of ``data/`` — unless the app is read-only."""
    found = loaders.load_baskets(str(path), version)
    if found.empty and not read_only():
        db = loaders.open_for_write(path)
        try:
            from newsdesk.flows import ingest as pipeline  # the scorers: imported only when a basket is written

            pipeline.ensure_reference(db)
        finally:
            db.close()
        st.cache_data.clear()
        found = loaders.load_baskets(str(path), version)
    return found


# ------------------------------------------------------------------------------------------- picker


def _select(basket_id: str | None) -> None:
    """Make ``basket_id`` the selected basket (session and URL); None clears the choice."""
    if basket_id is None:
        st.session_state.pop(SELECTED, None)
        st.query_params.pop(URL_KEY, None)
    else:
        st.session_state[SELECTED] = basket_id
        st.query_params[URL_KEY] = basket_id


def _on_pick() -> None:
    _select(st.session_state[W_BASKET])


def basket_picker(found: pd.DataFrame) -> str:
    """A select box over the baskets; the URL's ``?basket=`` wins, then the last choice of this session,
    then the first basket. Returns the selected id and writes it back into the URL."""
    ids = found["id"].tolist()
    labels = {
        str(row.id): f"{row.name} · custom" if row.kind == baskets.CUSTOM else str(row.name)
        for row in found.itertuples()
    }
    wanted = st.query_params.get(URL_KEY)
    if wanted is not None and wanted in ids:
        chosen = wanted
    else:
        last = st.session_state.get(SELECTED)
        chosen = str(last) if last in ids else ids[0]
        if wanted:
            st.warning(f"There is no basket with id “{escape_md(wanted)}”: showing {escape_md(labels[chosen])}.")
    _select(chosen)
    st.session_state[W_BASKET] = chosen
    st.selectbox(
        "Basket",
        ids,
        key=W_BASKET,
        format_func=lambda i: labels.get(i, i),
        on_change=_on_pick,
        help="Sector baskets come from data/baskets.toml; custom ones are made below. The URL keeps the choice.",
        width=420,
    )
    return chosen


# ------------------------------------------------------------------------------------------ summary


def summary(row: pd.Series, members: pd.DataFrame, index: pd.DataFrame, decisions: pd.DataFrame) -> None:
    """The basket's description and four metrics: members, articles, index, decisions."""
    kind = "Custom basket" if row["kind"] == baskets.CUSTOM else "Sector basket from data/baskets.toml"
    description = f" — {escape_md(row['description'])}" if row.get("description") else ""
    st.caption(f"{kind} · id `{row['id']}`{description}")
    overall = loaders.overall_sentiment(index)
    c1, c2, c3, c4 = st.columns(4)
    c1.metric("Members", f"{len(members):,}", border=True)
    c2.metric(
        "Articles naming members",
        f"{int(index['articles'].sum()) if not index.empty else 0:,}",
        border=True,
        help="Articles in the date range that mention at least one member company (with a sentiment).",
    )
    c3.metric(
        "Basket sentiment",
        f"{overall:+.2f}" if overall is not None else "–",
        border=True,
        help="Mean sentiment of the member mentions in the date range, weighted by member weight × relevance "
        "(-1 bearish … +1 bullish).",
    )
    c4.metric("Decisions trading it", f"{len(decisions):,}", border=True, help="Decision legs linked to this basket.")


# ------------------------------------------------------------------------------------------- tables


def members_table(members: pd.DataFrame, basket_id: str) -> None:
    """The members, heaviest first, with their weight as a bar, and a CSV download."""
    if members.empty:
        st.info("This basket has no members.")
        return
    top = float(members["weight"].max() or 1.0)
    st.dataframe(
        members,
        hide_index=True,
        width="stretch",
        column_config={
            "ticker": st.column_config.TextColumn("Ticker"),
            "name": st.column_config.TextColumn("Company", width="medium"),
            "weight": st.column_config.ProgressColumn(
                "Weight", min_value=0.0, max_value=top, format="percent", help="Share of the basket (sums to 100%)."
            ),
            "sector": st.column_config.TextColumn("Sector"),
            "country": st.column_config.TextColumn("Country", width="small"),
            "articles": st.column_config.NumberColumn(
                "Articles", help="Articles in the date range that mention the company."
            ),
            "mean_sentiment": st.column_config.NumberColumn(
                "Sentiment", format="%+.2f", help="Mean sentiment of its mentions in the date range."
            ),
        },
        placeholder=MISSING,
        key="bk_members_table",
    )
    st.download_button(
        "Download members CSV",
        table_csv(members),
        file_name=f"newsdesk-basket-{basket_id}-members.csv",
        mime="text/csv",
        key="bk_members_csv",
    )


SIDE_BADGES = {
    "long": ":green-badge[long]",
    "short": ":red-badge[short]",
    "funding": ":red-badge[funding]",
    "reduce": ":orange-badge[reduce]",
    "hold": ":gray-badge[hold]",
}


def _horizon(row: pd.Series) -> str:
    lo, hi = row.get("horizon_min_days"), row.get("horizon_max_days")
    if pd.notna(lo) and pd.notna(hi):
        return f"{int(lo)}–{int(hi)} days" if lo != hi else f"{int(lo)} days"
    return ""


def decision_cards(decisions: pd.DataFrame, basket_id: str, limit: int = MAX_CARDS, columns: int = 3) -> None:
    """One compact card per decision leg, newest first across ``columns`` columns: the basket's side,
    the decision text, and the article it comes from; every ingested text is escaped."""
    cols = st.columns(columns)
    for n, (_, row) in enumerate(decisions.head(limit).iterrows()):
        side = row.get("side")
        badge = SIDE_BADGES.get(side or "", escape_md(side or ""))
        with cols[n % columns], st.container(border=True):
            st.markdown(f"{badge} {escape_md(row['text'])}")
            facts = [str(row["published_at"])[:10], escape_md(row["title"])]
            facts += [escape_md(row[c]) for c in ("direction", "action") if isinstance(row.get(c), str)]
            if _horizon(row):
                facts.append(_horizon(row))
            st.caption(" · ".join(facts))
    if len(decisions) > limit:
        st.caption(f"Showing the newest {limit} of {len(decisions):,}; the CSV has them all.")
    st.download_button(
        "Download decisions CSV",
        tables.deferred_decision_rows(decisions, "human"),  # written on click, not on every run
        file_name=f"newsdesk-basket-{basket_id}-decisions.csv",
        mime="text/csv",
        key="bk_decisions_csv",
    )


def recent_table(articles: pd.DataFrame) -> None:
    """The newest articles naming a member: title, members named, the basket-weighted sentiment."""
    view = articles[["published_at", "title", "members", "basket_sentiment", "impact", "source", "url"]].copy()
    view["url"] = view["url"].map(safe_link)
    view["published_at"] = pd.to_datetime(view["published_at"], utc=True, errors="coerce")
    st.dataframe(
        view,
        hide_index=True,
        width="stretch",
        column_config={
            "published_at": st.column_config.DatetimeColumn("Published (UTC)", format="YYYY-MM-DD HH:mm", width=125),
            "title": st.column_config.TextColumn("Title", width=310),
            "members": st.column_config.TextColumn("Members named", width=150),
            "basket_sentiment": st.column_config.NumberColumn(
                "Basket sentiment",
                format="%+.2f",
                width=125,
                help="The article's weighted sentiment over the members it names.",
            ),
            "impact": st.column_config.ProgressColumn("Impact", min_value=0.0, max_value=1.0, format="%.2f", width=100),
            "source": st.column_config.TextColumn("Source", width=130),
            "url": st.column_config.LinkColumn("Link", display_text="open", width=55),
        },
        placeholder=MISSING,
        key="bk_recent_table",
    )


def baskets_overview(found: pd.DataFrame) -> None:
    """Every basket with its counts, and a CSV of that list."""
    view = found.assign(kind=found["kind"].str.title())
    st.dataframe(
        view,
        placeholder=MISSING,
        hide_index=True,
        width="stretch",
        column_order=["name", "kind", "members", "decisions", "id", "description"],
        column_config={
            "name": st.column_config.TextColumn("Basket"),
            "kind": st.column_config.TextColumn("Kind", width="small"),
            "members": st.column_config.NumberColumn("Members", width="small"),
            "decisions": st.column_config.NumberColumn("Decisions", width="small"),
            "id": st.column_config.TextColumn("Id (?basket=)"),
            "description": st.column_config.TextColumn("Description", width="large"),
        },
        key="bk_all_table",
    )
    st.download_button(
        "Download basket list CSV",
        table_csv(found),
        file_name="newsdesk-baskets.csv",
        mime="text/csv",
        key="bk_all_csv",
    )


# ---------------------------------------------------------------------------------- custom baskets


def _flash(where: str, kind: str, text: str) -> None:
    st.session_state[MESSAGE] = (where, kind, text)


def _show_flash(where: str) -> None:
    message = st.session_state.get(MESSAGE)
    if message and message[0] == where:
        _, kind, text = st.session_state.pop(MESSAGE)
        (st.success if kind == "success" else st.error)(escape_md(text))


def _member_weights(prefix: str) -> dict[str, float | None]:
    chosen = st.session_state.get(f"{prefix}_members") or []
    return {t: st.session_state.get(f"{prefix}_w_{t}") for t in chosen}


def _forget(prefix: str) -> None:
    for key in [k for k in st.session_state if isinstance(k, str) and k.startswith(f"{prefix}_")]:
        del st.session_state[key]


def _write(path: str, where: str, action, done: str) -> bool:
    """Run a basket write; on success clear the caches and flash ``done``, else flash the error."""
    if read_only():
        _flash(where, "error", "This dashboard runs read-only: baskets can't be changed.")
        return False
    db = loaders.open_for_write(path)
    try:
        action(db)
    except BasketError as exc:
        _flash(where, "error", str(exc))
        return False
    finally:
        db.close()
    st.cache_data.clear()
    _flash(where, "success", done)
    return True


def _create(path: str) -> None:
    name = st.session_state.get(f"{NEW}_name", "")
    created: list[str] = []

    def action(db) -> None:
        created.append(baskets.create_basket(db, name, st.session_state.get(f"{NEW}_desc", ""), _member_weights(NEW)))

    if _write(path, "new", action, f"Created the custom basket “{' '.join(name.split())}”; it is selected above."):
        _forget(NEW)
        # set, not only forget: a browser keeps showing a widget's old value unless the state is set
        st.session_state.update({f"{NEW}_name": "", f"{NEW}_desc": "", f"{NEW}_members": []})
        _select(created[0])


def _update(path: str, basket_id: str, prefix: str) -> None:
    def action(db) -> None:
        baskets.update_basket(
            db,
            basket_id,
            name=st.session_state.get(f"{prefix}_name", ""),
            description=st.session_state.get(f"{prefix}_desc", ""),
            members=_member_weights(prefix),
        )

    if _write(path, "edit", action, "Saved the basket."):
        _forget(prefix)  # reloaded from the database on the next run


def _delete(path: str, basket_id: str, name: str) -> None:
    if _write(path, "edit", lambda db: baskets.delete_basket(db, basket_id), f"Deleted the custom basket “{name}”."):
        _select(None)


def _copy_into_new(row: dict, members: list[tuple[str, float]]) -> None:
    _forget(NEW)
    st.session_state[f"{NEW}_name"] = f"{row['name']} (custom)"
    st.session_state[f"{NEW}_desc"] = text_or_none(row.get("description")) or ""
    st.session_state[f"{NEW}_members"] = [t for t, _ in members]
    for ticker, weight in members:
        st.session_state[f"{NEW}_w_{ticker}"] = round(float(weight), 4)
    st.session_state[TABS] = NEW_TAB
    _flash("new", "success", "Copied its members here: rename it, adjust the members, then create it.")


def resolve_member(text: str, companies: pd.DataFrame) -> tuple[str | None, list[str]]:
    """The ticker a user typed: an exact ticker first (any case), then an exact company name; else
    None and up to five closest known tickers or names (difflib), as ``TICKER · Name``."""
    typed = (text or "").strip()
    if not typed:
        return None, []
    tickers = {str(t).upper(): str(t) for t in companies["ticker"]}
    if typed.upper() in tickers:
        return tickers[typed.upper()], []
    names = {str(n).casefold(): str(t) for t, n in zip(companies["ticker"], companies["name"], strict=True) if n}
    if typed.casefold() in names:
        return names[typed.casefold()], []
    label = {str(t): f"{t} · {n}" for t, n in zip(companies["ticker"], companies["name"], strict=True)}
    near = difflib.get_close_matches(typed.upper(), list(tickers), n=5, cutoff=0.5)
    near_names = difflib.get_close_matches(typed.casefold(), list(names), n=5, cutoff=0.6)
    found = [tickers[t] for t in near] + [names[n] for n in near_names]
    return None, [label[t] for t in dict.fromkeys(found)][:5]


def _add_typed(prefix: str, companies: pd.DataFrame) -> None:
    """On Enter in the "Add a member" box: add exactly the ticker typed (one per Enter), or say why not."""
    typed = st.session_state.get(f"{prefix}_add", "")
    ticker, near = resolve_member(typed, companies)
    chosen_key = f"{prefix}_members"
    st.session_state[f"{prefix}_add"] = ""
    if ticker is None:
        if typed.strip():
            hint = f" Closest known: {', '.join(near)}." if near else " No known company is close."
            st.session_state[f"{prefix}_add_msg"] = f"Unknown ticker {typed.strip()!r}.{hint}"
        return
    chosen = list(st.session_state.get(chosen_key) or [])
    if ticker not in chosen:
        chosen.append(ticker)
    st.session_state[chosen_key] = chosen[: baskets.MAX_MEMBERS]
    st.session_state[f"{prefix}_add_msg"] = None


def _fields(prefix: str, companies: pd.DataFrame) -> None:
    """Name, description, member tickers and one optional weight per member."""
    labels = {
        str(r.ticker): f"{r.ticker!s} · {r.name!s}" + (f" ({r.country!s})" if r.country else "")
        for r in companies.itertuples()
    }
    st.text_input("Name", key=f"{prefix}_name", max_chars=baskets.MAX_NAME, placeholder="e.g. Japan shipbuilders")
    st.text_area("Description (optional)", key=f"{prefix}_desc", max_chars=baskets.MAX_DESCRIPTION, height=80)
    chosen_key = f"{prefix}_members"
    if chosen_key in st.session_state:
        st.session_state[chosen_key] = [t for t in st.session_state[chosen_key] if t in labels]
    st.text_input(
        "Add a member",
        key=f"{prefix}_add",
        on_change=_add_typed,
        args=(prefix, companies),
        placeholder="Type a ticker (AAPL) or a company name and press Enter",
        help="Adds exactly the ticker typed (or the company of that exact name), one per Enter.",
    )
    message = st.session_state.get(f"{prefix}_add_msg")
    if message:
        st.warning(message, icon=":material/search_off:")
    st.multiselect(
        "Member companies",
        list(labels),
        key=chosen_key,
        format_func=lambda t: labels.get(t, t),
        placeholder="Pick from the list, or add above",
        max_selections=baskets.MAX_MEMBERS,
        filter_mode="contains",  # "TSLA" matches TSLA's row only, never a fuzzy run of T, S, L, A
        select_all=False,  # Enter never picks a "Select N matches" bulk option
    )
    chosen = st.session_state.get(chosen_key) or []
    if not chosen:
        return
    st.caption(
        "Weights (optional) are relative and normalised to sum to 100%. Leave a weight empty to give it the "
        "average of the others; leave them all empty for an equal-weight basket."
    )
    cols = st.columns(4)
    for n, ticker in enumerate(chosen):
        key = f"{prefix}_w_{ticker}"
        st.session_state.setdefault(key, None)
        cols[n % 4].number_input(ticker, min_value=0.0, step=0.05, format="%.4g", key=key, placeholder="average")


def manage_panel(path: Path | str, found: pd.DataFrame, selected: str, companies: pd.DataFrame, version: int) -> None:
    """Create a custom basket; edit or delete the selected custom basket (or copy a sector basket's
    members into a new one). Switched off when the app runs read-only."""
    st.subheader("Custom baskets")
    if read_only():
        st.info(
            "This dashboard runs read-only (NEWSDESK_READONLY=1): creating, editing and deleting custom baskets "
            "is switched off."
        )
        return
    if companies.empty:
        st.info("This database has no companies yet: ingest articles first (`python -m newsdesk ingest FILE`).")
        return
    row = found[found["id"] == selected].iloc[0].to_dict()
    new, edit = st.tabs([NEW_TAB, EDIT_TAB], key=TABS, on_change="rerun")
    with new:
        _fields(NEW, companies)
        st.button("Create basket", key="bk_create", type="primary", on_click=_create, args=(str(path),))
        _show_flash("new")
    with edit:
        members = loaders.load_members(str(path), selected, None, None, version)
        pairs = list(zip(members["ticker"], members["weight"], strict=True))
        if row["kind"] != baskets.CUSTOM:
            st.info(
                f"“{escape_md(row['name'])}” is a {escape_md(row['kind'])} basket from data/baskets.toml: it can't "
                "be edited or deleted here. Start a custom basket from its members instead."
            )
            st.button("Copy into a new custom basket", key="bk_copy", on_click=_copy_into_new, args=(row, pairs))
            _show_flash("edit")
            return
        prefix = f"bk_edit_{selected}"
        if f"{prefix}_name" not in st.session_state:
            st.session_state[f"{prefix}_name"] = row["name"]
            st.session_state[f"{prefix}_desc"] = text_or_none(row.get("description")) or ""
            st.session_state[f"{prefix}_members"] = [t for t, _ in pairs]
            for ticker, weight in pairs:
                st.session_state[f"{prefix}_w_{ticker}"] = round(float(weight), 4)
        _fields(prefix, companies)
        st.button("Save changes", key="bk_save", type="primary", on_click=_update, args=(str(path), selected, prefix))
        st.divider()
        sure = st.checkbox(f"Yes, delete “{escape_md(row['name'])}” and its members", key=f"{prefix}_delete_ok")
        st.button(
            "Delete basket",
            key="bk_delete",
            disabled=not sure,
            on_click=_delete,
            args=(str(path), selected, row["name"]),
        )
        _show_flash("edit")


def date_range_note(since: date | None, until: date | None) -> str:
    """How the sidebar's filters apply on this page."""
    if since or until:
        span = f"{since} to {until}" if since and until else f"from {since}" if since else f"up to {until}"
        return f"Articles published {span}. Only the sidebar's date range applies on this page."
    return "Articles of all dates. Only the sidebar's date range applies on this page: narrow it to zoom in."
