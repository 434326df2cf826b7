"""Decision cards. Ingested text is always escaped: never HTML, never live Markdown."""

from __future__ import annotations

import re

import pandas as pd
import streamlit as st

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def escape_md(text) -> str:
    """Escape Markdown (and the HTML-looking ``<``/``>``) so ingested text shows literally."""
    return _MD_SPECIAL.sub(r"\\\1", str(text or ""))


def _facts(row: pd.Series) -> str:
    parts = [
        f"{label}: {escape_md(row[col])}"
        for label, col in (("Action", "action"), ("Direction", "direction"), ("Horizon", "horizon_text"))
        if isinstance(row.get(col), str) and row.get(col)
    ]
    return " · ".join(parts)


def article_decisions_card(rows: pd.DataFrame) -> None:
    """One card per article: its title and date, then its decisions in their original order."""
    first = rows.iloc[0]
    with st.container(border=True):
        st.markdown(f"**{escape_md(first['title'])}**")
        st.caption(f"Published {str(first['published_at'])[:10]} · {len(rows)} decisions")
        for _, row in rows.sort_values("position").iterrows():
            st.markdown(f"{row['position']}\\. {escape_md(row['text'])}")
            facts = _facts(row)
            if facts:
                st.caption(facts)
