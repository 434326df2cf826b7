"""Decision cards. Ingested text is always escaped: never HTML, never live Markdown."""

from __future__ import annotations

import re

import pandas as pd
import streamlit as st

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def escape_md(text) -> str:
    """Escape Markdown (and the HTML-looking ``<``/``>``) so ingested text shows literally."""
    return _MD_SPECIAL.sub(r"\\\1", str(text or ""))


def decision_card(row: pd.Series) -> None:
    """One decision: its text, the article it comes from, and what has been parsed of it."""
    with st.container(border=True):
        st.markdown(f"**{row['position']}.** {escape_md(row['text'])}")
        facts = [
            f"{label}: {escape_md(row[col])}"
            for label, col in (("Action", "action"), ("Direction", "direction"), ("Horizon", "horizon_text"))
            if isinstance(row.get(col), str) and row.get(col)
        ]
        if facts:
            st.caption(" · ".join(facts))
        st.caption(f"From *{escape_md(row['title'])}* — {str(row['published_at'])[:10]}")
