"""The Alerts page's pieces: the feed of fired events, the rules (add, edit, pause, delete; read-only
mode shows them without controls) and the morning brief. Notification URLs are only ever shown
masked; editing a rule never puts its stored URLs in a text box."""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
import streamlit as st

from components import loaders
from components.loaders import alert_store as store
from components.tables import MISSING, app_base
from newsdesk.alerts.rules import KINDS, Rule, make_rule, with_start
from newsdesk.alerts.secrets import mask_url
from newsdesk.config import read_only
from newsdesk.domain.identity import iso_utc
from newsdesk.errors import NewsdeskError
from newsdesk.score.labels import LABELS

NEW = "New rule"
MESSAGE = "al_message"
WINDOWS = {"Last 24 hours": "24h", "Last 3 days": "3d", "Last week": "1w", "Last 30 days": "30d"}


def flash() -> None:
    """Show (once) the message the last action left."""
    kind, text = st.session_state.pop(MESSAGE, (None, None))
    if kind:
        getattr(st, kind)(text)


def _write(path, action, done: str) -> bool:
    """Run a write on a writable connection; flash ``done`` or the error."""
    if read_only():
        st.session_state[MESSAGE] = ("error", "This dashboard runs read-only: rules can't be changed.")
        return False
    db = loaders.open_for_write(path)
    try:
        action(db)
    except NewsdeskError as exc:
        st.session_state[MESSAGE] = ("error", str(exc))
        return False
    finally:
        db.close()
    st.session_state[MESSAGE] = ("success", done)
    return True


# ------------------------------------------------------------------ fired events


def events_table(events: list[dict]) -> None:
    """The fired events, newest first, each with a link to its article where it has one."""
    if not events:
        st.info("No alert has fired yet. Rules are checked by `newsdesk alerts check` (cron) or `watch --alerts`.")
        return
    df = pd.DataFrame(
        {
            "fired": [e["fired_at"] for e in events],
            "new": ["●" if not e["seen"] else "" for e in events],
            "rule": [e["rule"] for e in events],
            "kind": [e["kind"] for e in events],
            "what": [e["title"] for e in events],
            "when": [str(e["occurred_at"] or "")[:16] for e in events],
            "article": [f"/Article?id={e['article_id']}" if e["article_id"] else None for e in events],
            "delivered": [e["delivered"] for e in events],
            "failed": [e["failed"] for e in events],
        }
    )
    st.dataframe(
        df,
        placeholder=MISSING,
        hide_index=True,
        width="stretch",
        column_config={"article": st.column_config.LinkColumn("article", display_text="open")},
    )


def feed_controls(path) -> None:
    """Check the rules now, and mark every event seen (not in read-only mode)."""
    if read_only():
        return
    left, right = st.columns(2)
    if left.button("Check the rules now", help="Fire what is new and deliver what is due (as `alerts check`)."):
        from newsdesk.flows.alerts import check

        report_box = []
        if _write(path, lambda db: report_box.append(check(db, base_url=app_base())), "Checked the rules."):
            report = report_box[0]
            failed = "; ".join(f"{f.rule} → {f.url}: {f.error}" for f in report.failures)
            st.session_state[MESSAGE] = (
                "warning" if report.failures else "success",
                f"{len(report.fired)} alert(s) fired, {report.delivered} sent."
                + (f" Failed: {failed}" if failed else ""),
            )
        st.rerun()
    if right.button("Mark all seen"):
        _write(path, store.mark_seen, "Every alert is marked seen.")
        st.rerun()


def failed_notes(failed: list[dict]) -> None:
    """One warning per failed delivery: the rule, the URL masked, the (masked) error; retried next check."""
    for f in failed[:20]:
        st.warning(
            f"Delivery of rule “{f['rule']}” to {mask_url(f['url'])} failed ({f['error']}; "
            f"{f['attempts']} attempt(s)): it is retried on the next check.",
            icon="⚠️",
        )


# ------------------------------------------------------------------ rules


def rules_table(rules: list[Rule], stats: dict[int, dict]) -> None:
    """The rules: name, state, conditions, masked URLs, events fired."""
    if not rules:
        st.info("No alert rule yet." + ("" if read_only() else " Add one below."))
        return
    st.dataframe(
        pd.DataFrame(
            {
                "rule": [r.name for r in rules],
                "state": ["paused" if r.paused else "active" for r in rules],
                "conditions": [r.describe() for r in rules],
                "notify": [", ".join(mask_url(u) for u in r.notify) or "(kept here only)" for r in rules],
                "fired": [stats.get(r.id or 0, {}).get("fired", 0) for r in rules],
                "last fired": [stats.get(r.id or 0, {}).get("last_fired") for r in rules],
            }
        ),
        placeholder=MISSING,
        hide_index=True,
        width="stretch",
    )


def _optional(value: float | None) -> float | None:
    return None if value is None else float(value)


def rule_form(path, rules: list[Rule], topics: list[str], companies: dict[str, str], sources: list[str]) -> None:
    """Add a rule, or edit, pause, resume or delete one."""
    names = [r.name for r in rules]
    chosen = st.selectbox("Rule", [NEW, *names], key="al_pick")
    rule = next((r for r in rules if r.name == chosen), None) or Rule(name="")
    key = f"al_{rule.id or 'new'}"
    with st.form(key):
        name = st.text_input("Name", value=rule.name, max_chars=80)
        kind = st.selectbox(
            "Fires on", list(KINDS), index=list(KINDS).index(rule.kind), format_func=lambda k: KINDS.get(k, k)
        )
        picked = [*rule.companies, *(f"basket:{b}" for b in rule.baskets)]
        options = list(dict.fromkeys([*companies, *picked]))
        chosen_companies = st.multiselect(
            "Companies or baskets", options, default=picked, format_func=lambda v: companies.get(v, v)
        )
        c1, c2 = st.columns(2)
        chosen_topics = c1.multiselect(
            "Topics", list(dict.fromkeys([*topics, *rule.topics])), default=list(rule.topics)
        )
        chosen_sources = c2.multiselect(
            "Sources", list(dict.fromkeys([*sources, *rule.sources])), default=list(rule.sources)
        )
        labels = c1.multiselect("Sentiment labels", list(LABELS), default=list(rule.labels))
        text = c2.text_input("Search text", value=rule.text)
        min_impact = c1.number_input("Minimum impact", 0.0, 1.0, value=rule.min_impact, step=0.05)
        author = c2.text_input("Decision author", value=rule.author, help="Where decisions carry an author.")
        below = c1.number_input("Sentiment at or below", -1.0, 1.0, value=rule.below, step=0.05)
        above = c2.number_input("Sentiment at or above", -1.0, 1.0, value=rule.above, step=0.05)
        window = c1.number_input("Sentiment window (days)", 1, 365, value=rule.window_days)
        z = c2.number_input("What moved: |z| at least", 0.1, 20.0, value=float(rule.z), step=0.5)
        days = c1.number_input("Horizon ends within (days)", 0, 3650, value=rule.days)
        shown = ", ".join(mask_url(u) for u in rule.notify)
        notify = st.text_area(
            "Notify (Apprise URLs, one per line)",
            placeholder="json://host/hook\nslack://TokenA/TokenB/TokenC",
            help=f"Leave empty to keep the current ones ({shown})." if shown else "Optional.",
        )
        paused = st.checkbox("Paused", value=rule.paused)
        backfill = st.checkbox("Fire for what is already stored too", value=False) if rule.id is None else False
        submitted = st.form_submit_button("Add the rule" if rule.id is None else "Save the rule")
    if submitted:
        urls = [u.strip() for u in notify.splitlines() if u.strip()] or list(rule.notify)
        data = {
            "name": name,
            "kind": kind,
            "companies": [c for c in chosen_companies if not c.startswith("basket:")],
            "baskets": [c.removeprefix("basket:") for c in chosen_companies if c.startswith("basket:")],
            "topics": chosen_topics,
            "sources": chosen_sources,
            "labels": labels,
            "text": text,
            "min_impact": _optional(min_impact) or None,
            "author": author,
            "below": _optional(below),
            "above": _optional(above),
            "window_days": int(window),
            "z": float(z),
            "days": int(days),
            "notify": urls,
            "paused": paused,
        }

        def save(db) -> None:
            new = make_rule(data)
            if rule.id is None:
                store.add_rule(db, with_start(new, iso_utc(datetime.now(UTC)), backfill))
            else:
                store.update_rule(db, rule.id, new)

        if _write(path, save, f"Saved the rule “{' '.join(name.split())}”."):
            st.rerun()
        flash()  # the reason it was refused, right under the form
    if rule.id is not None:
        left, right = st.columns(2)
        if left.button("Resume" if rule.paused else "Pause", key=f"{key}_pause"):
            _write(path, lambda db: store.set_paused(db, rule.name, not rule.paused), "Done.")
            st.rerun()
        if right.button("Delete the rule", key=f"{key}_delete", type="secondary"):
            if _write(path, lambda db: store.remove_rule(db, rule.name), f"Deleted the rule “{rule.name}”."):
                st.session_state.pop("al_pick", None)
            st.rerun()


# ------------------------------------------------------------------ brief


def brief_panel(path, version: int) -> None:
    """The morning brief of a chosen window, with HTML and Markdown downloads."""
    from newsdesk.flows.brief_render import to_html, to_markdown

    label = st.selectbox("Window", list(WINDOWS), key="al_window")
    minute = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M")
    brief = loaders.load_brief(str(path), WINDOWS[label], app_base(), version, minute)
    md = to_markdown(brief)
    left, right = st.columns(2)
    left.download_button("Download HTML", to_html(brief).encode("utf-8"), "newsdesk-brief.html", "text/html")
    right.download_button("Download Markdown", md.encode("utf-8"), "newsdesk-brief.md", "text/markdown")
    st.markdown(md)
