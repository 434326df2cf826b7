"""The Article page's pieces: one render function per section (data from :mod:`components.loaders`).

Ingested text (titles, sources, summaries, bullets, names, categories, terms) is always escaped with
:func:`components.cards.escape_md` or shown in a dataframe cell; links are drawn only for http(s) URLs.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pandas as pd
import streamlit as st

from components import loaders
from components.cards import LABEL_COLORS, colored, decision_card, decisions_csv, escape_md, signed
from components.tables import MISSING, safe_link
from newsdesk.config import ROOT
from newsdesk.domain.filters import Filters
from newsdesk.flows.export import csv_bytes
from newsdesk.score.horizon import horizon_status
from newsdesk.score.impact import FORMULA, NOVELTY_RULE, impact_breakdown
from newsdesk.score.market import market_relevance
from newsdesk.score.sentiment import split_terms

PAGE = "pages/3_Article.py"
ARTICLES_PAGE = "pages/2_Articles.py"
MAX_ID_CHARS = 200
URL_SAFE = ":/?#@!$&'*+,;=%~"  # parentheses, spaces, brackets and angle brackets get percent-encoded
LATEST = 10
# ---------------------------------------------------------------- small helpers


def requested_id() -> str | None:
    """The ``id`` query parameter (trimmed), or None."""
    value = st.query_params.get("id")
    if not isinstance(value, str) or not value.strip():
        return None
    return value.strip()[:MAX_ID_CHARS]


def md_link(text: str, url) -> str:
    """A Markdown link with escaped text when ``url`` is http(s), else the escaped text alone."""
    url = safe_link(url)
    if not url:
        return escape_md(text)
    return f"[{escape_md(text)}]({quote(url, safe=URL_SAFE)})"


def when(published_at, estimated: bool = False) -> str:
    """``2026-07-31 06:10 UTC``; an estimated date shows only the day, flagged."""
    text = str(published_at or "")
    if estimated:
        return f"{text[:10]} (date estimated)"
    return f"{text[:10]} {text[11:16]} UTC".strip() if len(text) >= 16 else text[:10]


def article_link(row, icon: str = ":material/article:") -> None:
    """A link to this page showing the article ``row`` (needs ``id``, ``title``, ``published_at``)."""
    label = f"{escape_md(row['title'])} · {str(row['published_at'])[:10]}"
    st.page_link(PAGE, label=label, query_params={"id": str(row["id"])}, icon=icon)


# ---------------------------------------------------------------- no article


def pick_an_article(path: str, filters: Filters, version: int, unknown_id: str | None = None) -> None:
    """The page without a (known) id: say what to do and offer the newest articles of the view."""
    st.title("Article")
    if unknown_id:
        st.info(
            f"No article has the id “{escape_md(unknown_id)}”. Pick an article on the Articles page, "
            "or one of the newest below.",
            icon=":material/search:",
        )
    else:
        st.info(
            "Pick an article on the Articles page, or one of the newest below: this page shows one article "
            "whole (its impact, categories, sentiment, companies and key decisions).",
            icon=":material/search:",
        )
    if (ROOT / ARTICLES_PAGE).exists():
        st.page_link(ARTICLES_PAGE, label="Go to the Articles page", icon=":material/list:")
    latest = loaders.load_articles(path, filters, LATEST, version)
    if latest.empty:
        st.caption("No articles in this view: clear the sidebar filters or ingest some.")
        return
    st.subheader("Newest articles in view")
    for _, row in latest.iterrows():
        article_link(row)
    st.download_button(
        "Download CSV",
        csv_bytes(latest),
        file_name="newsdesk-newest-articles.csv",
        mime="text/csv",
        help="The articles listed above, every column (formula-safe for spreadsheets).",
    )


# ---------------------------------------------------------------- sections


def header(article: dict, sources: pd.DataFrame, categories: pd.DataFrame) -> None:
    """Title, source, publish date, link to the original, other sources, defining categories."""
    st.title(escape_md(article["title"]))
    parts = [f"**{escape_md(article['source'])}**", when(article["published_at"], article["published_estimated"])]
    link = safe_link(article.get("url"))
    if link:
        parts.append(md_link("Open the original ↗", link))
    st.markdown(" · ".join(parts))
    others = sources[(sources["source"] != article["source"]) | (sources["url"].fillna("") != (link or ""))]
    others = others[~((others["source"] == article["source"]) & (others["url"].fillna("") == ""))]
    if not others.empty:
        shown = [md_link(r["source"], r["url"]) for _, r in others.iterrows()]
        st.caption("Also carried by: " + " · ".join(shown))
    defining = categories[categories["effective"] == 1]["category"].drop_duplicates().tolist()
    if defining:
        st.markdown(" ".join(f":blue-badge[{escape_md(c)}]" for c in defining))
    if article["published_estimated"]:
        st.caption("The input gave no publish date: the ingest time stands in for it.")


def _category_table(categories: pd.DataFrame) -> pd.DataFrame:
    rows: dict[str, dict[str, Any]] = {}
    for _, r in categories.iterrows():
        row = rows.setdefault(
            r["category"],
            {"category": r["category"], "source": False, "source_relevance": None, "scored": None, "defines": False},
        )
        if r["origin"] == "source":
            row["source"] = True
            row["source_relevance"] = None if pd.isna(r["relevance"]) else r["relevance"]
        else:
            row["scored"] = None if pd.isna(r["relevance"]) else r["relevance"]
        row["defines"] = row["defines"] or bool(r["effective"])
    return pd.DataFrame(list(rows.values()))


def key_figures(article: dict, decisions: pd.DataFrame) -> None:
    """Impact, both sentiments and the decision count as metrics, side by side."""
    c1, c2, c3, c4 = st.columns(4)
    impact = article.get("impact")
    source_impact = article.get("source_impact")
    c1.metric(
        "Market impact",
        "—" if impact is None else f"{impact:.2f}",
        delta=None if source_impact is None else f"source: {source_impact:.2f}",
        delta_color="off",
        delta_arrow="off",
        border=True,
        help="newsdesk's market impact, 0 (none) … 1 (market-moving); 0.7 or more is high. "
        "The breakdown below shows how it was computed.",
    )
    c2.metric(
        "newsdesk sentiment",
        signed(article.get("sentiment")),
        delta=article.get("sentiment_label") or None,
        delta_color="off",
        delta_arrow="off",
        border=True,
        help="newsdesk's own score, -1 bearish … +1 bullish, from its finance lexicon and rules.",
    )
    has_source = article.get("source_sentiment") is not None or article.get("source_sentiment_label")
    c3.metric(
        "Source's sentiment",
        signed(article.get("source_sentiment")) if has_source else "—",
        delta=(article.get("source_sentiment_label") or None) if has_source else "not given",
        delta_color="off",
        delta_arrow="off",
        border=True,
        help="The score the source supplied with the article, kept as it came.",
    )
    statuses = [
        horizon_status(article["published_at"], d)
        for d in (decisions["horizon_max_days"] if not decisions.empty else [])
    ]
    counts = {
        "open": sum(1 for s in statuses if s and s[0] == "open"),
        "expired": sum(1 for s in statuses if s and s[0] == "expired"),
    }
    c4.metric(
        "Key decisions",
        f"{len(decisions)}",
        delta=" · ".join(f"{n} {what}" for what, n in counts.items() if n) or None,
        delta_color="off",
        delta_arrow="off",
        border=True,
        help="A decision is open while its horizon, counted from the publish date, is still running; "
        "decisions that state no horizon are neither open nor expired.",
    )


def market_section(article: dict, categories: pd.DataFrame, companies: pd.DataFrame) -> None:
    """Whether the article is market news (stored), and the cues that say so (read again from its text)."""
    st.subheader("Market news?")
    relevance, relevant = article.get("market_relevance"), article.get("market_relevant", 1)
    if relevance is None or pd.isna(relevance):
        st.caption("Not scored for market relevance yet: `python -m newsdesk rescore` scores it.")
        return
    named = (
        []
        if companies.empty
        else list(zip(companies["name"].fillna(companies["ticker"]), companies["relevance"].fillna(0.0), strict=True))
    )
    cats = (
        [] if categories.empty else list(zip(categories["category"], categories["relevance"].fillna(0.0), strict=True))
    )
    why = market_relevance(
        article.get("title") or "", article.get("summary") or "", article.get("body") or "", named, cats
    )
    verdict = "Market news" if relevant else "Not market news"
    st.markdown(f"**{verdict}** — market relevance {relevance:.2f} (0.5 or more is market news).")
    if why.market_cues:
        st.caption("Market cues: " + escape_md(", ".join(why.market_cues[:8])))
    if why.other_cues:
        st.caption("Other cues (sport, entertainment, lifestyle…): " + escape_md(", ".join(why.other_cues[:8])))
    if not why.market_cues and not why.other_cues:
        st.caption("No cue either way: kept as market news.")
    if not relevant:
        st.caption("Left out of counts, charts and lists unless the filter bar shows Everything.")


def impact_section(article: dict) -> None:
    """The impact formula with this article's numbers, one row per component."""
    st.subheader("Market impact")
    rows = impact_breakdown(article.get("impact_components") or {})
    if not rows:
        st.caption("No breakdown is stored for this article: `python -m newsdesk rescore --all` adds one.")
        return
    by = {r["component"]: r for r in rows}
    st.caption(
        f"{FORMULA}"
        f" = {by['Base']['effect']:.3f} × {by['Novelty']['effect']:.2f} × {by['Calm factor']['effect']:.2f}"
        f" = **{by['Impact']['effect']:.3f}**"
    )
    st.caption(f"where {NOVELTY_RULE}.")
    frame = pd.DataFrame(rows)
    st.dataframe(
        frame,
        placeholder=MISSING,
        hide_index=True,
        width="stretch",
        column_config={
            "component": st.column_config.TextColumn("Component"),
            "value": st.column_config.ProgressColumn("Value", min_value=0.0, max_value=1.0, format="%.3f"),
            "role": st.column_config.TextColumn("How it counts"),
            "effect": st.column_config.NumberColumn("Effect", format="%.3f"),
            "evidence": st.column_config.TextColumn("What made it", width="large"),
        },
        key="article_impact",
    )
    if article.get("source_impact") is not None:
        st.caption(f"The source rated the impact {article['source_impact']:.2f}.")


def category_lines(categories: pd.DataFrame) -> list[str]:
    """One Markdown line per category: a badge (blue when it defines the article), whether the
    source gave it (with its relevance when given) and newsdesk's relevance."""
    lines = []
    for _, r in _category_table(categories).iterrows():
        parts = []
        if r["source"]:
            rel = r["source_relevance"]
            parts.append("from the source" + ("" if rel is None or pd.isna(rel) else f" ({rel:.2f})"))
        if r["scored"] is not None and not pd.isna(r["scored"]):
            parts.append(f"newsdesk relevance {r['scored']:.2f}")
        badge = f":{'blue' if r['defines'] else 'gray'}-badge[{escape_md(r['category'])}]"
        lines.append(f"{badge} {' · '.join(parts)}".strip())
    return lines


def categories_section(categories: pd.DataFrame) -> None:
    """Every category with its relevance, from the source and as scored by newsdesk."""
    st.subheader("Categories")
    if categories.empty:
        st.caption("No category: neither the source nor newsdesk's taxonomy found one.")
        return
    st.markdown("  \n".join(category_lines(categories)))
    st.caption(
        "Blue categories define the article (filters, charts, exports): the source's when it gave any, "
        "else newsdesk's. newsdesk's scored ones (relevance ≥ 0.45, from its taxonomy) are kept beside them."
    )


def text_section(article: dict) -> None:
    """Summary and analysis (body)."""
    st.subheader("Summary")
    if article.get("summary"):
        st.markdown(escape_md(article["summary"]))
    else:
        st.caption("No summary.")
    if article.get("body"):
        st.subheader("Analysis")
        for paragraph in str(article["body"]).split("\n\n"):
            if paragraph.strip():
                st.markdown(escape_md(paragraph.strip()))


def sentiment_section(article: dict) -> None:
    """newsdesk's and the source's sentiment side by side, and the cues behind newsdesk's score."""
    st.subheader("Sentiment")
    label = article.get("sentiment_label")
    ours = f"**newsdesk:** {signed(article.get('sentiment'))} " + (
        colored(escape_md(label), LABEL_COLORS.get(label)) if label else ""
    )
    slabel = article.get("source_sentiment_label")
    if article.get("source_sentiment") is not None or slabel:
        theirs = f"**Source:** {signed(article.get('source_sentiment'))} " + (
            colored(escape_md(slabel), LABEL_COLORS.get(slabel)) if slabel else ""
        )
    else:
        theirs = "**Source:** not given"
    st.markdown(f"{ours.strip()}  \n{theirs.strip()}")
    up, down = split_terms(article.get("sentiment_terms") or [])
    if up or down:
        st.markdown("**What drove newsdesk's score**")
        c1, c2 = st.columns(2)
        c1.markdown("Positive cues  \n" + ("  \n".join(f":green[{escape_md(t)}]" for t in up) or "none"))
        c2.markdown("Negative cues  \n" + ("  \n".join(f":red[{escape_md(t)}]" for t in down) or "none"))
    else:
        st.caption("No sentiment cue was found: the score is neutral by default.")
    extra = []
    if article.get("subjectivity") is not None:
        extra.append(f"subjectivity {article['subjectivity']:.2f} (share of sentences carrying a cue)")
    if article.get("scorer_version"):
        extra.append(f"scorer {escape_md(article['scorer_version'])}")
    if extra:
        st.caption(" · ".join(extra))


def companies_section(companies: pd.DataFrame) -> None:
    """The companies named, with their own sentiment and relevance."""
    st.subheader("Companies mentioned")
    if companies.empty:
        st.caption("No listed company from the reference list is named.")
        return
    st.dataframe(
        companies[["name", "ticker", "sector", "country", "mentions", "relevance", "sentiment"]],
        placeholder=MISSING,
        hide_index=True,
        width="stretch",
        column_config={
            "name": st.column_config.TextColumn("Company", width="medium"),
            "ticker": st.column_config.TextColumn("Ticker"),
            "sector": st.column_config.TextColumn("Sector"),
            "country": st.column_config.TextColumn("Country"),
            "mentions": st.column_config.NumberColumn("Mentions", format="%d"),
            "relevance": st.column_config.ProgressColumn("Relevance", min_value=0.0, max_value=1.0, format="%.2f"),
            "sentiment": st.column_config.NumberColumn(
                "Sentiment", format="%+.2f", help="From the sentences that name the company."
            ),
        },
        key="article_companies",
    )


def decisions_section(
    article: dict, decisions: pd.DataFrame, baskets: pd.DataFrame, results: dict[int, str] | None = None
) -> None:
    """Key decisions for investors as cards, two per row, in their original order; ``results``:
    position -> the scorecard's one-line result (read once for the article, not per card)."""
    st.subheader("Key decisions for investors")
    if decisions.empty:
        st.caption("The article lists no key decisions.")
        return
    by_basket = {str(r["basket_id"]): r.to_dict() for _, r in baskets.iterrows()}
    if article.get("published_estimated"):
        st.caption("Horizons are counted from the estimated publish date.")
    rows = [row for _, row in decisions.iterrows()]
    for start in range(0, len(rows), 2):  # one st.columns per pair keeps the cards in reading order
        for col, row in zip(st.columns(2), rows[start : start + 2], strict=False):
            with col:
                decision_card(row, article, by_basket, results=results)
    human, everything = st.columns(2)
    human.download_button(
        "Download these decisions (CSV)",
        decisions_csv(decisions, article, "human"),
        file_name=f"newsdesk-decisions-{article['id']}.csv",
        mime="text/csv",
        help="This article's decisions: published, author, source, the decision, each leg's company and "
        "exposure, rating, price target, horizon end (formula-safe for spreadsheets).",
    )
    everything.download_button(
        "Download these decisions (CSV, all columns)",
        decisions_csv(decisions, article, "all"),
        file_name=f"newsdesk-decisions-{article['id']}-all-columns.csv",
        mime="text/csv",
        help="This article's decisions, every stored column.",
    )


def minutes_apart(earlier, later) -> str:
    """``14 min``, ``3 h 5 min`` or ``2 days``: how long after ``earlier`` ``later`` came (ISO texts)."""
    try:
        gap = (pd.Timestamp(later) - pd.Timestamp(earlier)).total_seconds()
    except (ValueError, TypeError):
        return ""
    minutes = max(int(gap // 60), 0)
    if minutes < 60:
        return f"{minutes} min"
    if minutes < 48 * 60:
        return f"{minutes // 60} h {minutes % 60} min" if minutes % 60 else f"{minutes // 60} h"
    return f"{minutes // (24 * 60)} days"


def story_section(article: dict, versions: pd.DataFrame) -> None:
    """The story this article belongs to: who reported it first and every other outlet's version."""
    others = versions[versions["id"] != article["id"]]
    if others.empty:
        return
    st.subheader("The same story elsewhere")
    first = versions.iloc[0]
    outlets = int(article.get("story_outlets") or versions["source"].nunique())
    if first["id"] == article["id"]:
        lead = f"First report: {outlets} outlet{'s' if outlets != 1 else ''} carried this story after it."
    else:
        gap = minutes_apart(first["published_at"], article["published_at"])
        lead = f"First reported by **{escape_md(first['source'])}**" + (f", {gap} earlier" if gap else "") + "."
    st.markdown(lead + f" {len(versions)} articles from {outlets} outlet{'s' if outlets != 1 else ''}.")
    for _, row in others.iterrows():
        st.markdown(
            f"- {md_link(row['title'], row['url'])} · **{escape_md(row['source'])}** · {when(row['published_at'])}"
        )
        st.page_link(PAGE, label="Open in newsdesk", query_params={"id": str(row["id"])}, icon=":material/article:")


def related_section(related: pd.DataFrame) -> None:
    """Links to the articles sharing the most companies and categories with this one."""
    st.subheader("Related articles")
    if related.empty:
        st.caption("No other article shares a company or a category with this one.")
        return
    for _, row in related.iterrows():
        article_link(row)
        why = []
        if row["shared_companies"]:
            why.append(f"{row['shared_companies']} shared compan{'y' if row['shared_companies'] == 1 else 'ies'}")
            why[-1] += f" ({escape_md(str(row['company_names']).replace(',', ', '))})"
        if row["shared_categories"]:
            why.append(f"{row['shared_categories']} shared categor{'y' if row['shared_categories'] == 1 else 'ies'}")
        extra = f"impact {row['impact']:.2f}" if pd.notna(row["impact"]) else ""
        st.caption(" · ".join([*why, escape_md(row["source"]), extra]).strip(" ·"))


def article_page(path: str, filters: Filters, version: int) -> None:
    """The whole page for the ``id`` in the URL, or the picker when there is none or it is unknown."""
    article_id = requested_id()
    article = loaders.load_article(path, article_id, version) if article_id else None
    if article is None:
        pick_an_article(path, filters, version, unknown_id=article_id)
        return
    aid = article["id"]
    # A page_link to this same page reruns it with the new id but leaves the old one in the browser's
    # address bar (Streamlit 1.67); writing it back sends the URL (the browser ignores an identical one).
    st.query_params["id"] = aid
    categories = loaders.load_article_categories(path, aid, version)
    decisions = loaders.load_article_decisions(path, aid, version)
    header(article, loaders.load_article_sources(path, aid, version), categories)
    story_section(article, loaders.load_story_versions(path, aid, version))
    key_figures(article, decisions)
    # what to act on first, then the long text that explains it
    results = loaders.load_result_lines(str(path), aid, version) if not decisions.empty else {}
    decisions_section(article, decisions, loaders.load_article_baskets(path, aid, version), results)
    st.divider()
    left, right = st.columns([3, 2], gap="large")
    with left:
        text_section(article)
    with right:
        sentiment_section(article)
        categories_section(categories)
    companies = loaders.load_article_companies(path, aid, version)
    market_section(article, categories, companies)
    impact_section(article)
    st.divider()
    companies_section(companies)
    related_section(loaders.load_related(path, aid, version, hidden=filters.hidden_sources))
