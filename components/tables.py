"""Article tables and their CSV download."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from newsdesk.export import csv_bytes

SHOWN_COLUMNS = ["published_at", "title", "categories", "sentiment", "sentiment_label", "impact", "source", "url"]


def safe_link(url) -> str | None:
    """Keep only http(s) links; anything else (javascript:, data:) is dropped."""
    if isinstance(url, str) and url.lower().startswith(("http://", "https://")):
        return url
    return None


def article_table(df: pd.DataFrame, key: str = "articles") -> None:
    """Show articles with column configuration, then a "Download CSV" of exactly these rows."""
    view = df[SHOWN_COLUMNS].copy()
    view["url"] = view["url"].map(safe_link)
    view["published_at"] = pd.to_datetime(view["published_at"], utc=True, errors="coerce")
    st.dataframe(
        view,
        hide_index=True,
        width="stretch",
        column_config={
            "published_at": st.column_config.DatetimeColumn("Published (UTC)", format="YYYY-MM-DD HH:mm"),
            "title": st.column_config.TextColumn("Title", width="large"),
            "categories": st.column_config.TextColumn("Categories", width="medium"),
            "sentiment": st.column_config.NumberColumn("Sentiment", format="%+.2f"),
            "sentiment_label": st.column_config.TextColumn("Label"),
            "impact": st.column_config.ProgressColumn("Impact", min_value=0.0, max_value=1.0, format="%.2f"),
            "source": st.column_config.TextColumn("Source"),
            "url": st.column_config.LinkColumn("Link", display_text="open"),
        },
        key=f"{key}_table",
    )
    st.download_button(
        "Download CSV",
        data=csv_bytes(df),
        file_name="newsdesk-articles.csv",
        mime="text/csv",
        key=f"{key}_csv",
        help="Every column of the rows shown above (formula-safe for spreadsheets).",
    )
