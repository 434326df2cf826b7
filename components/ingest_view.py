"""The ingest panel: upload files with the read options a user may need (column mapping, date format,
what to do with an unreadable date, source name), watch progress, and see the outcome: a box that
says plainly whether anything was added, the rejections grouped by reason, and the new articles."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from components import loaders
from components.cards import escape_md
from components.tables import MISSING
from newsdesk.config import read_only
from newsdesk.domain.rejections import group_problems
from newsdesk.errors import NewsdeskError
from newsdesk.flows import ingest as pipeline
from newsdesk.ingest import human_size, registry
from newsdesk.ingest.csvfile import parse_mapping
from newsdesk.ingest.options import BAD_DATE_CHOICES, ReadOptions

MAX_UPLOAD_MB = float(os.environ.get("NEWSDESK_MAX_UPLOAD_MB", "50"))
ACCEPTED = registry.upload_types()  # every registered format's file endings, and gz
MAX_GROUPS = 50  # reasons listed; the rest are counted
BAD_DATE_LABELS = {
    "reject": "Reject the record",
    "estimate": "Keep it with an estimated date (flagged; not counted in daily totals)",
}


def ingest_panel(path: Path | str) -> None:
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
            help=f"{registry.labels()} (any of them gzipped).",
        )
        left, right = st.columns(2)
        fmt = left.selectbox(
            "Format",
            registry.CHOICES,
            format_func=registry.label_of,
            help=f"{registry.AUTO} detects each file's format.",
            key="ingest_format",
        )
        source = right.text_input(
            "Source name (optional)",
            placeholder="e.g. Reuters",
            help="The source of records that name none, and of every item of a feed. Left empty, a record's link "
            "names its outlet (reuters.com → Reuters), else the file's name does ('file: NAME').",
            key="ingest_source",
        )
        columns = left.text_input(
            "Column mapping (optional)",
            placeholder="title=Headline,published_at=Time",
            help="For CSV and JSON Lines whose column or key names newsdesk does not guess: newsdesk field = "
            "the file's name, comma-separated (fields: title, published_at, url, source, summary, body, "
            "tickers, categories).",
            key="ingest_columns",
        )
        date_format = right.text_input(
            "Date format (optional)",
            placeholder="%d/%m/%Y %H:%M",
            help="A strftime pattern tried before the built-in forms (ISO-8601, RFC 822, epoch, 'Jul 18 2020' ...).",
            key="ingest_date_format",
        )
        on_bad_date = st.radio(
            "A date that cannot be read, or is missing",
            BAD_DATE_CHOICES,
            format_func=BAD_DATE_LABELS.get,
            horizontal=True,
            key="ingest_on_bad_date",
        )
        submitted = st.form_submit_button("Ingest", type="primary")
    if submitted:
        _run(path, files or [], fmt, columns, date_format, on_bad_date, source)
    last = st.session_state.get("nd_last_ingest")
    if last:
        _show(path, last)


def _run(path: Path | str, files, fmt: str, columns: str, date_format: str, on_bad_date: str, source: str) -> None:
    if not files:
        st.warning("Choose at least one file first.")
        return
    try:
        mapping = parse_mapping(columns)
    except NewsdeskError as exc:
        st.error(str(exc))
        return
    options = ReadOptions(fmt, mapping, date_format.strip() or None, on_bad_date, source.strip() or None)
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
        report = pipeline.ingest_uploads(db, uploads, on_progress=progress, options=options)
        if report.added:
            from newsdesk.flows.grades import refresh

            refresh(db)  # grade the new decisions
    finally:
        db.close()
    bar.progress(1.0, text="Done")
    st.session_state["nd_last_ingest"] = outcome_of(report, refused)
    st.cache_data.clear()


def outcome_of(report: pipeline.IngestReport, refused: Sequence[str] = ()) -> dict[str, Any]:
    """What the page keeps of an ingest to show it (plain values, kept in the session)."""
    return {
        "summary": report.summary(),
        "added": report.added,
        "duplicates": report.duplicates,
        "rejected": report.rejected,
        "added_ids": report.added_ids,
        "inputs": [
            {"name": i.name, "added": i.added, "duplicates": i.duplicates, "rejected": i.rejected, "error": i.error}
            for i in report.inputs
        ],
        "groups": [(g.count, g.reason, ", ".join(g.shown_examples)) for g in group_problems(report.problems)],
        "not_listed": report.problems_not_listed,
        "warnings": report.warnings,
        "refused": list(refused),
    }


def verdict(last: dict) -> str:
    """How the outcome is shown: ``error`` when something failed (every record rejected, a file
    unreadable or refused) and nothing was stored or found to be stored already, ``warning`` when
    some records or files failed, ``info`` when nothing new was found (duplicates only), else
    ``success``."""
    failed = last["rejected"] or last["refused"] or any(i["error"] for i in last["inputs"])
    if failed:
        return "warning" if last["added"] or last["duplicates"] else "error"
    return "success" if last["added"] else "info"


def _input_note(i: dict) -> tuple[str, str] | None:
    """The box of one input that did not go fully well: (kind, text), or None."""
    name = escape_md(i["name"])
    if i["error"]:
        return "error", f"{name}: {escape_md(i['error'])}"
    if i["rejected"] and not (i["added"] or i["duplicates"]):
        return "error", f"{name}: nothing added: every record was rejected ({i['rejected']:,})."
    if i["rejected"]:
        return "warning", f"{name}: {i['added']:,} added, {i['duplicates']:,} duplicates, {i['rejected']:,} rejected."
    return None


def _show(path: Path | str, last: dict) -> None:
    st.subheader("Last ingest")
    box = {"error": st.error, "warning": st.warning, "info": st.info, "success": st.success}
    box[verdict(last)](last["summary"])
    several = len(last["inputs"]) + len(last["refused"]) > 1
    for i in last["inputs"]:
        note = _input_note(i)
        if note and (several or note[0] == "error"):  # one input's partial success is the summary itself
            box[note[0]](note[1])
    for reason in last["refused"]:
        st.error(escape_md(reason))
    for warning in last["warnings"]:
        st.warning(escape_md(warning))
    if last["groups"]:
        st.markdown("**Rejected records**, grouped by reason")
        groups = pd.DataFrame(last["groups"][:MAX_GROUPS], columns=["Records", "Reason", "Examples"])
        groups["Records"] = groups["Records"].map("{:,}".format)
        st.table(groups.set_index("Records"))
        more = len(last["groups"]) - MAX_GROUPS
        if more > 0:
            st.caption(f"… and {more:,} more reasons, each with fewer records.")
        if last["not_listed"]:
            st.caption(f"… and {last['not_listed']:,} more rejected records (all are in the problems table).")
    if last["added_ids"]:
        st.markdown("**New articles**")
        df = loaders.load_articles_by_id(str(path), tuple(last["added_ids"][:500]), loaders.data_version(path))
        df["date_note"] = df["published_estimated"].map(lambda v: "estimated" if v else "")
        st.dataframe(
            df[["published_at", "date_note", "title", "source", "sentiment_label", "impact", "categories"]],
            placeholder=MISSING,
            hide_index=True,
            width="stretch",
            column_config={
                "published_at": st.column_config.TextColumn("Published (UTC)"),
                "date_note": st.column_config.TextColumn(
                    "Date", help="'estimated': the input gave no readable date; not counted in daily totals"
                ),
                "title": st.column_config.TextColumn("Title", width="large"),
                "source": "Source",
                "sentiment_label": "Sentiment",
                "impact": st.column_config.ProgressColumn("Impact", min_value=0.0, max_value=1.0, format="%.2f"),
                "categories": "Categories",
            },
        )
