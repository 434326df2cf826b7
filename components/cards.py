"""Decision cards and the small text helpers every view shares. Ingested text is always escaped:
never HTML, never live Markdown."""

from __future__ import annotations

import re

import pandas as pd
import streamlit as st

from newsdesk.domain.cells import text_or_none
from newsdesk.domain.legs import decode_legs, exposure_text
from newsdesk.flows.export import decisions_csv as decisions_csv_bytes
from newsdesk.score.horizon import horizon_status

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def escape_md(text) -> str:
    """Escape Markdown (and the HTML-looking ``<``/``>``) so ingested text shows literally."""
    return _MD_SPECIAL.sub(r"\\\1", str(text or ""))


DIRECTION_ICONS = {"bullish": "▲", "bearish": "▼", "hedge": "◆", "relative": "⇄", "neutral": "•"}


def clip(text, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters at a word boundary, with an ellipsis when cut: a
    link label (Streamlit never wraps one) that stays inside its column."""
    text = " ".join(str(text or "").split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit // 2 else cut).rstrip(" ,;:·-") + "…"


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
    """``reduce AAPL · long MSFT``: each leg's exposure (the legs decoded, or their JSON text)."""
    return escape_md(exposure_text(decode_legs(instruments), " · "))


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


DIRECTION_COLORS = {"bullish": "green", "bearish": "red", "hedge": "orange", "relative": "violet", "neutral": "gray"}
SIDE_COLORS = {"long": "green", "short": "red", "funding": "red", "reduce": "orange", "hold": "gray"}
LABEL_COLORS = {
    "bullish": "green",
    "somewhat-bullish": "green",
    "neutral": "gray",
    "somewhat-bearish": "red",
    "bearish": "red",
}


def signed(value) -> str:
    """``+0.31`` or an em dash for a missing number."""
    return "—" if value is None or pd.isna(value) else f"{float(value):+.2f}"


def colored(text: str, color: str | None) -> str:
    """``text`` in a Streamlit colour (``:green[...]``), or as it is without one."""
    return f":{color}[{text}]" if color else text


def _leg_line(leg: dict, baskets: dict[str, dict]) -> str:
    side = str(leg.get("side") or "")
    side_md = colored(escape_md(side), SIDE_COLORS.get(side)) if side else ""
    if leg.get("basket"):
        info = baskets.get(str(leg["basket"]), {})
        name = info.get("name") or leg.get("name") or leg["basket"]
        members = [m for m in str(info.get("members") or "").split(", ") if m]
        tail = f" ({escape_md(', '.join(members[:6]))}{', …' if len(members) > 6 else ''})" if members else ""
        return f"- {side_md} basket **{escape_md(name)}**{tail}"
    ticker = leg.get("ticker")
    name = leg.get("name") or ticker or "?"
    return f"- {side_md} **{escape_md(name)}**" + (f" ({escape_md(ticker)})" if ticker and ticker != name else "")


def decision_card(
    row: pd.Series | dict,
    article: dict,
    baskets: dict[str, dict],
    leg_line: str | None = None,
    results: dict[int, str] | None = None,
) -> None:
    """One decision: action, direction badge, the bullet, legs with sides, structure, horizon
    (open or expired, counted from the publish date) and conditions. With ``leg_line`` (compact)
    the legs are that one line instead of a list."""
    with st.container(border=True):
        action = text_or_none(row.get("action")) or "decision"
        head = [f"**{int(row['position'])}. {escape_md(action.capitalize())}**"]
        direction = row.get("direction")
        if isinstance(direction, str) and direction:
            icon = DIRECTION_ICONS.get(direction, "")
            head.append(f":{DIRECTION_COLORS.get(direction, 'gray')}-badge[{icon} {escape_md(direction)}]")
        if isinstance(row.get("structure"), str) and row["structure"]:
            head.append(f":gray-badge[{escape_md(row['structure'])}]")
        st.markdown(" ".join(head))
        call = call_line(row)
        if call:
            st.markdown(f"**{escape_md(call)}**")
        st.markdown(escape_md(row["text"]))
        legs = row["instruments"] or []
        if legs and leg_line:
            st.markdown(f"**Legs:** {leg_line}")
        elif legs:
            st.caption(f"Exposure: {escape_md(exposure_text(legs, ' · '))}")
            st.markdown("**Legs**\n\n" + "\n".join(_leg_line(leg, baskets) for leg in legs))
        facts = []
        lo, hi = row.get("horizon_min_days"), row.get("horizon_max_days")
        if isinstance(row.get("horizon_text"), str) and row["horizon_text"]:
            span = ""
            if pd.notna(lo) and pd.notna(hi):
                span = f" ({int(lo)}–{int(hi)} days)" if lo != hi else f" ({int(lo)} days)"
            facts.append(f"**Horizon:** {escape_md(row['horizon_text'])}{span}")
            status = horizon_status(article["published_at"], hi)
            if status:
                state, end = status
                day = end.isoformat()
                facts.append(f":green[open until {day}]" if state == "open" else f":gray[expired on {day}]")
        else:
            facts.append("**Horizon:** none stated")
        st.markdown(" · ".join(facts))
        if isinstance(row.get("conditions"), str) and row["conditions"]:
            st.markdown(f"**Conditions:** {escape_md(row['conditions'])}")
        price_result(row, results or {})


def price_result(row: pd.Series | dict, lines: dict[int, str]) -> None:
    """One line of the scorecard's result (``since published: +3.2 % vs benchmark``, or closed) from
    ``lines`` (position -> line, :func:`components.loaders.load_result_lines`, read once per article);
    nothing when the database holds no prices."""
    if not isinstance(row.get("article_id"), str) or pd.isna(row.get("position")):
        return
    line = lines.get(int(row["position"]))
    if line:
        st.caption(f":material/query_stats: {escape_md(line)}")


def call_line(row) -> str:
    """ "Goldman Sachs · upgrade to Buy · PT $95" for an analyst call's row; "" for any other decision."""
    author = row.get("author")
    if not isinstance(author, str) or not author:
        return ""
    rating = row.get("rating") if isinstance(row.get("rating"), str) else None
    target = row.get("price_target")
    target = None if target is None or pd.isna(target) else float(target)
    action = row.get("action") if isinstance(row.get("action"), str) else None
    from newsdesk.score.analyst_legs import card_line  # its patterns cost ~30 ms to compile: only with a call

    return card_line(author, action, rating, target)


def decisions_csv(decisions: pd.DataFrame, article: dict | None = None, columns: str = "all") -> bytes:
    """CSV bytes of an article's decisions (:func:`newsdesk.flows.export.decisions_csv`, the one writer of
    every decisions download): the article's publish time, title and source beside each."""
    df = decisions.copy()
    for col in ("published_at", "title", "source"):
        if col not in df.columns:
            df[col] = (article or {}).get(col)
    return decisions_csv_bytes(df, columns)
