"""The ingest panel: upload files, watch progress, see per-record problems and the new articles."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import streamlit as st

from components import loaders
from components.cards import escape_md
from newsdesk import pipeline
from newsdesk.config import read_only
from newsdesk.errors import NewsdeskError
from newsdesk.ingest import FORMATS, human_size
from newsdesk.ingest.csvfile import parse_mapping

MAX_UPLOAD_MB = float(os.environ.get("NEWSDESK_MAX_UPLOAD_MB", "50"))
ACCEPTED = ["txt", "md", "jsonl", "ndjson", "json", "csv", "tsv", "xml", "rss", "atom"]


def ingest_panel(path: Path) -> None:
    """Upload form and, after a run, its outcome."""
    if read_only():
        st.info(
            "This dashboard runs read-only (NEWSDESK_READONLY=1): ingesting is switched off. "
            "Use `python -m newsdesk ingest FILE` on the machine that owns the database."
        )
        return
    with st.form("ingest", clear_on_submit=True):
        files = st.file_uploader(
            "Article files",
            type=ACCEPTED,
            accept_multiple_files=True,
            help="Scored-article pages (.txt/.md), JSON Lines, Alpha Vantage or NewsAPI JSON, CSV, RSS/Atom.",
        )
        left, right = st.columns(2)
        fmt = left.selectbox("Format", FORMATS, help="auto detects each file's format.")
        columns = right.text_input("CSV columns (optional)", placeholder="title=Headline,published_at=Time")
        submitted = st.form_submit_button("Ingest", type="primary")
    if submitted:
        _run(path, files or [], fmt, columns)
    last = st.session_state.get("nd_last_ingest")
    if last:
        _show(path, last)


def _run(path: Path, files, fmt: str, columns: str) -> None:
    if not files:
        st.warning("Choose at least one file first.")
        return
    try:
        mapping = parse_mapping(columns)
    except NewsdeskError as exc:
        st.error(str(exc))
        return
    uploads, refused = [], []
    for f in files:
        if f.size > MAX_UPLOAD_MB * 1024 * 1024:
            refused.append(
                f"{f.name} is {human_size(f.size)}; the limit is {human_size(MAX_UPLOAD_MB * 1024 * 1024)} "
                "(NEWSDESK_MAX_UPLOAD_MB)"
            )
        else:
            uploads.append((f.name, f.getvalue()))
    bar = st.progress(0.0, text="Scoring …")

    def progress(done: int, total: int) -> None:
        bar.progress(done / total if total else 1.0, text=f"Scored {done:,} of {total:,} articles")

    db = loaders.open_for_write(path)
    try:
        report = pipeline.ingest_uploads(db, uploads, fmt, mapping, on_progress=progress)
    finally:
        db.close()
    bar.progress(1.0, text="Done")
    st.session_state["nd_last_ingest"] = {
        "summary": report.summary(),
        "added_ids": report.added_ids,
        "problems": [(p.locator, p.reason) for p in report.problems],
        "unreadable": [*report.unreadable, *(("upload", r) for r in refused)],
    }
    st.cache_data.clear()


def _show(path: Path, last: dict) -> None:
    st.subheader("Last ingest")
    st.success(last["summary"])
    for name, reason in last["unreadable"]:
        st.error(f"{escape_md(name)}: {escape_md(reason)}")
    if last["problems"]:
        st.markdown("**Rejected records**")
        problems = pd.DataFrame(last["problems"], columns=["Where", "Reason"])
        st.dataframe(problems, hide_index=True, width="stretch")
    if last["added_ids"]:
        st.markdown("**New articles**")
        df = loaders.load_articles_by_id(str(path), tuple(last["added_ids"][:500]), loaders.data_version(path))
        st.dataframe(
            df[["published_at", "title", "source", "sentiment_label", "impact", "categories"]],
            hide_index=True,
            width="stretch",
            column_config={
                "published_at": st.column_config.TextColumn("Published (UTC)"),
                "title": st.column_config.TextColumn("Title", width="large"),
                "source": "Source",
                "sentiment_label": "Sentiment",
                "impact": st.column_config.ProgressColumn("Impact", min_value=0.0, max_value=1.0, format="%.2f"),
                "categories": "Categories",
            },
        )
