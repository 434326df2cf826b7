"""Article tables and their CSV download."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date
from urllib.parse import urlsplit

import pandas as pd
import streamlit as st

from components import loaders
from components.cards import escape_md
from components.loaders import TTL
from newsdesk.domain.filters import Filters
from newsdesk.flows.export import csv_bytes, decisions_csv, file_name

MISSING = "–"  # every table shows a missing value as this, never "None"
SHOWN_COLUMNS = [  # what a reader scans first, left to right: nothing key is off-screen at 1440 px
    "published_at",
    "title",
    "source",
    "sentiment",
    "sentiment_label",
    "impact",
    "categories",
    "companies",
    "url",
]
TITLE_CHARS = 90  # a longer title is cut with an ellipsis (the Article page has it whole)
TEXT_COLUMNS = ("title", "source", "sentiment_label", "categories", "companies")
LABEL_COLORS = {
    "bearish": "rgba(215, 25, 28, 0.30)",
    "somewhat-bearish": "rgba(215, 25, 28, 0.14)",
    "neutral": "rgba(128, 128, 128, 0.10)",
    "somewhat-bullish": "rgba(43, 131, 186, 0.14)",
    "bullish": "rgba(43, 131, 186, 0.30)",
}


TINT_ROWS = 200


def _label_style(label) -> str:
    color = LABEL_COLORS.get(label)
    return f"background-color: {color}" if color else ""


def safe_link(url) -> str | None:
    """Keep only http(s) links; anything else (javascript:, data:) is dropped."""
    if isinstance(url, str) and url.lower().startswith(("http://", "https://")):
        return url
    return None


@st.cache_data(ttl=TTL, max_entries=16, show_spinner=False)
def table_csv(df: pd.DataFrame) -> bytes:
    """The formula-safe CSV of ``df``, cached by its content (a rerun does not rebuild it)."""
    return csv_bytes(df)


def deferred_csv(df: pd.DataFrame) -> Callable[[], bytes]:
    """The formula-safe CSV of ``df`` made when the user clicks "Download CSV", not on every run (a
    1,000-row CSV costs ~80 ms; a filter change would pay it for a file nobody asked for yet)."""
    return functools.partial(csv_bytes, df, True)


def deferred_decision_rows(df: pd.DataFrame, columns: str = "human") -> Callable[[], bytes]:
    """The decisions CSV of exactly the rows of ``df`` (:func:`components.cards.decisions_csv`), made when
    the user clicks (see :func:`deferred_csv`): a basket's ~600 decisions of a quarter at a million articles
    cost ~0.2 s to write, on every run of the Baskets page before."""
    from components.cards import decisions_csv as rows_csv

    return functools.partial(rows_csv, df, None, columns)


def deferred_export(path: str, filters: Filters, columns: str, base: str | None) -> Callable[[], bytes]:
    """The CSV of every article in the view, made when the user clicks (see :func:`deferred_csv`)."""
    return functools.partial(loaders.export_csv, path, filters, columns, base)


def decisions_export(
    view: pd.DataFrame, path: str, filters: Filters, columns: str, base: str | None, version: int
) -> bytes:
    """The decisions CSV of ``view`` (:func:`newsdesk.flows.export.decisions_csv`, the one decisions writer);
    the analyst's columns carry the scorecard's status and returns when the database holds prices."""
    results = []
    if columns == "human" and loaders.load_price_sources(path, version):
        results = loaders.load_scorecard(path, filters, 90, version)
    return decisions_csv(view, columns, base, results)


def deferred_decisions(
    view: pd.DataFrame, path: str, filters: Filters, columns: str, base: str | None, version: int
) -> Callable[[], bytes]:
    """:func:`decisions_export` made when the user clicks (see :func:`deferred_csv`)."""
    return functools.partial(decisions_export, view, path, filters, columns, base, version)


def app_base() -> str | None:
    """The dashboard's address as the browser sees it (scheme, host, port), for links in a CSV."""
    try:
        url = st.context.url
    except AttributeError:
        return None
    if not url:
        return None
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else None


def view_downloads(path: str, filters: Filters, key: str) -> None:
    """Two CSV downloads of every article in the view (not only the rows shown), made on click from
    the database in chunks: the analyst's columns (UTF-8 with a byte-order mark, so Excel shows every
    script) and all stored columns; the file names say the filters and the day."""
    today = date.today()
    base = app_base()
    human, everything = st.columns(2)
    human.download_button(
        "Download CSV",
        data=deferred_export(str(path), filters, "human", base),
        file_name=file_name("articles", filters, today),
        mime="text/csv",
        key=f"{key}_csv",
        icon=":material/download:",
        help="Every article in view, not only the rows shown: published (UTC), title, source, URL, sentiment, "
        "label, impact, categories, companies, decisions and a link to its page here. Formula-safe for spreadsheets.",
    )
    everything.download_button(
        "Download CSV (all columns)",
        data=deferred_export(str(path), filters, "all", base),
        file_name=file_name("articles", filters, today, "all"),
        mime="text/csv",
        key=f"{key}_csv_all",
        help="Every article in view with every stored column (as `python -m newsdesk export articles`).",
    )


def article_table(
    df: pd.DataFrame,
    key: str = "articles",
    selectable: bool = False,
    coloured: bool = True,
    view: tuple[str, Filters] | None = None,
) -> str | None:
    """Show articles with column configuration, then the CSV downloads: of the whole view when
    ``view`` (the database path and the filters) is given, else of exactly these rows.
    With ``selectable`` a row can be picked; the picked article's id is returned. ``coloured``
    tints the sentiment cells by label, for tables of at most :data:`TINT_ROWS` rows (a pandas
    Styler costs ~0.35 s per rerun for 1,000 rows; bigger tables keep the label words only)."""
    columns = list(SHOWN_COLUMNS)
    if "story_outlets" in df and "story_size" in df:  # one row per story: "N outlets" beside its source
        columns[columns.index("source") + 1 : columns.index("source") + 1] = ["story_outlets", "story_size"]
    shown = df[columns].copy()
    for column in TEXT_COLUMNS:  # a blank cell, never "None"
        shown[column] = shown[column].map(lambda v: "" if v is None or (isinstance(v, float) and pd.isna(v)) else v)
    shown["title"] = shown["title"].map(shorten)
    shown["url"] = shown["url"].map(safe_link)
    shown["published_at"] = pd.to_datetime(shown["published_at"], utc=True, errors="coerce")
    if "published_estimated" in df and df["published_estimated"].fillna(0).astype(bool).any():
        # an estimated date is listed, marked, and counted in no total (the column only when one is shown)
        shown.insert(1, "date_note", df["published_estimated"].map(lambda v: "estimated" if v else ""))
    tinted = coloured and len(shown) <= TINT_ROWS
    styled = shown.style.map(_label_style, subset=["sentiment", "sentiment_label"]) if tinted else shown
    event = st.dataframe(
        styled,
        placeholder=MISSING,
        hide_index=True,
        width="stretch",
        on_select="rerun" if selectable else "ignore",
        selection_mode="single-row",
        column_config={
            "published_at": st.column_config.DatetimeColumn("Published (UTC)", format="YYYY-MM-DD HH:mm"),
            "date_note": st.column_config.TextColumn(
                "Date", help="'estimated': the input gave no readable date; not counted in daily totals or charts"
            ),
            "title": st.column_config.TextColumn(
                "Title",
                width="large",
                help=f"Titles longer than {TITLE_CHARS} characters end in …: pick the row to read the article whole.",
            ),
            "source": st.column_config.TextColumn("Source", width="small"),
            "story_outlets": st.column_config.NumberColumn(
                "Outlets", format="%d", width="small", help="Distinct outlets that carried this story"
            ),
            "story_size": st.column_config.NumberColumn(
                "Story size", format="%d", width="small", help="Articles in this story (all outlets, all versions)"
            ),
            "sentiment": st.column_config.NumberColumn(
                "Sentiment", format="%+.2f", width="small", help="newsdesk's score, -1 bearish … +1 bullish"
            ),
            "sentiment_label": st.column_config.TextColumn("Label", width="small"),
            "impact": st.column_config.ProgressColumn(
                "Impact", min_value=0.0, max_value=1.0, format="%.2f", width="small"
            ),
            "categories": st.column_config.TextColumn("Categories", width="medium"),
            "companies": st.column_config.TextColumn("Companies", help="Tickers named, most relevant first"),
            "url": st.column_config.LinkColumn("Link", display_text="open"),
        },
        key=f"{key}_table",
    )
    if view is not None:
        view_downloads(*view, key)
    else:
        st.download_button(
            "Download CSV",
            data=deferred_csv(df),
            file_name=f"newsdesk-articles_{date.today().isoformat()}.csv",
            mime="text/csv",
            key=f"{key}_csv",
            help="Every column of the rows shown above (formula-safe for spreadsheets).",
        )
    selection = getattr(event, "selection", None)  # a DataframeState when rows can be picked
    if selectable and selection and selection.rows:
        return str(df.iloc[selection.rows[0]]["id"])
    return None


def shorten(title, limit: int = TITLE_CHARS) -> str:
    """``title`` cut at a word before ``limit`` characters, with an ellipsis; blank for None."""
    if not isinstance(title, str):
        return ""
    if len(title) <= limit:
        return title
    cut = title[: limit - 1].rsplit(" ", 1)[0] if " " in title[: limit - 1] else title[: limit - 1]
    return cut.rstrip(" ,;:-") + "…"


# facet name -> the filter a clicked row sets (shared session key)
FACET_FILTERS = {"category": "nd_topics", "source": "nd_sources", "sentiment": "nd_labels"}


def facet_click(event) -> int | None:
    """The row position a click on a facet table chose: a selected row, else the row of a selected cell."""
    selection = getattr(event, "selection", None)
    if not selection:
        return None
    if selection.get("rows"):
        return int(selection["rows"][0])
    cells = selection.get("cells") or []
    return int(cells[0][0]) if cells else None


def facet_panel(facets: dict[str, pd.DataFrame]) -> None:
    """Counts of the view per category, source and sentiment label, side by side. Clicking a row
    adds its value to that filter (as Datasette's facets do)."""
    cols = st.columns(len(facets))
    for col, (name, frame) in zip(cols, facets.items(), strict=True):
        with col:
            st.markdown(f"**{name.title()}**")
            if frame.empty:
                st.caption("—")
                continue
            event = st.dataframe(
                frame.rename(columns={"value": name.title(), "articles": "Articles"}),
                placeholder=MISSING,
                hide_index=True,
                width="stretch",
                height=min(38 + 35 * len(frame), 300),
                on_select="rerun",
                selection_mode=["single-row", "single-cell"],  # a click anywhere on the row counts
                key=f"facet_{name}",
                column_config={
                    name.title(): st.column_config.TextColumn(name.title(), help="Click a row to filter by it"),
                    "Articles": st.column_config.NumberColumn("Articles", format="%d", width="small"),
                },
            )
            row = facet_click(event)
            if row is not None and name in FACET_FILTERS:
                value = str(frame.iloc[row]["value"])
                key = FACET_FILTERS[name]
                st.session_state[key] = [*st.session_state.get(key, []), value]
                st.session_state.pop(f"facet_{name}", None)
                st.rerun()


def _delta(now, before, fmt: str):
    if before is None or now is None:
        return None
    return format(now - before, fmt)


KPI_METRICS = (  # label, key, value format, change format, help
    ("Articles", "articles", ",", "+,d", None),
    ("Mean sentiment", "mean_sentiment", "+.3f", "+.3f",
     "Mean of newsdesk's own sentiment score (-1 bearish … +1 bullish) over the articles shown."),
    ("High-impact articles", "high_impact", ",", "+,d", "Market impact of 0.7 or more."),
)  # fmt: skip


def kpi_row(kpi: dict, previous: dict | None) -> None:
    """Articles (and stories, when ``kpi`` has ``stories``), mean sentiment and high-impact count,
    each with its change against the previous period of equal length when that period has articles."""
    prev = previous if previous and previous.get("articles") else None
    stories = kpi.get("stories")
    if stories is None:
        c1, c2, c3 = st.columns(3)
    else:
        c1, c0, c2, c3 = st.columns(4)
    c1.metric(
        "Articles", f"{kpi['articles']:,}", _delta(kpi["articles"], prev and prev["articles"], "+,d"), border=True
    )
    if stories is not None:
        c0.metric(
            "Stories",
            f"{stories:,}",
            _delta(stories, prev and prev.get("stories"), "+,d"),
            border=True,
            help="Distinct stories among the articles counted: one event carried by several outlets counts once.",
        )
    c2.metric(
        "Mean sentiment",
        f"{kpi['mean_sentiment']:+.3f}",
        _delta(kpi["mean_sentiment"], prev and prev["mean_sentiment"], "+.3f"),
        border=True,
        help="Mean of newsdesk's own sentiment score (-1 bearish … +1 bullish) over the articles shown.",
    )
    c3.metric(
        "High-impact articles",
        f"{kpi['high_impact']:,}",
        _delta(kpi["high_impact"], prev and prev["high_impact"], "+,d"),
        border=True,
        help="Market impact of 0.7 or more.",
    )
    if prev is None:
        st.caption("Changes appear when the period before the selected dates has articles: pick a date range.")
    else:
        st.caption("Changes: against the period of equal length just before the selected dates.")


def article_links(df: pd.DataFrame) -> None:
    """A compact list of articles, each a link to its Article page (with "N outlets" when the frame
    has ``story_outlets`` and more than one outlet carried the story)."""
    for row in df.itertuples(index=False):
        outlets = int(getattr(row, "story_outlets", 1) or 1)
        st.page_link(
            "pages/3_Article.py",
            label=f"{row.impact:.2f} · {escape_md(str(row.title)[:110])}"
            + (f" · {outlets} outlets" if outlets > 1 else ""),
            query_params={"id": str(row.id)},
            help=f"{str(row.published_at)[:10]} · {escape_md(row.source)} · {escape_md(row.sentiment_label)}",
        )
