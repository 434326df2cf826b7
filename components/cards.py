"""Decision cards. Ingested text is always escaped: never HTML, never live Markdown."""

from __future__ import annotations

import json
import re

import pandas as pd
import streamlit as st

from newsdesk.score.decisions import exposure_text

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def escape_md(text) -> str:
    """Escape Markdown (and the HTML-looking ``<``/``>``) so ingested text shows literally."""
    return _MD_SPECIAL.sub(r"\\\1", str(text or ""))


DIRECTION_ICONS = {"bullish": "▲", "bearish": "▼", "hedge": "◆", "relative": "⇄", "neutral": "•"}


def _facts(row: pd.Series) -> str:
    """One line: direction, action, structure, horizon in days, and the legs with their sides."""
    parts = []
    direction = row.get("direction")
    if isinstance(direction, str):
        parts.append(f"{DIRECTION_ICONS.get(direction, '')} {escape_md(direction)}".strip())
    for col in ("action", "structure"):
        if isinstance(row.get(col), str):
            parts.append(escape_md(row[col]))
    lo, hi = row.get("horizon_min_days"), row.get("horizon_max_days")
    if pd.notna(lo) and pd.notna(hi):
        parts.append(f"{int(lo)}–{int(hi)} days" if lo != hi else f"{int(lo)} days")
    legs = legs_text(row.get("instruments"))
    if legs:
        parts.append(legs)
    return " · ".join(parts)


def legs_text(instruments) -> str:
    """``reduce AAPL · long MSFT``: each leg's exposure, from the instruments JSON."""
    if not isinstance(instruments, str) or not instruments:
        return ""
    try:
        legs = json.loads(instruments)
    except ValueError:
        return ""
    return escape_md(exposure_text(legs, " · "))


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
            if isinstance(row.get("conditions"), str) and row["conditions"]:
                st.caption(f"Conditions: {escape_md(row['conditions'])}")
