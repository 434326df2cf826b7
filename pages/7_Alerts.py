"""Alerts: what fired, the rules that watch for you, and the morning brief."""

from __future__ import annotations

import streamlit as st

from components import alerts_view as av
from components import loaders, page
from components.layout import page_header

ctx = page.start("Alerts")
path, version = ctx.path, ctx.version
page_header(
    "Alerts",
    "Rules that watch the news for you (delivered through Apprise URLs), what they fired, and the morning brief.",
)
av.flash()
fired, rules, brief = st.tabs(["Fired", "Rules", "Brief"])
with fired:
    av.feed_controls(path)
    av.failed_notes(loaders.load_failed_deliveries(str(path)))
    av.events_table(loaders.load_alert_events(str(path)))
with rules:
    found = loaders.load_alert_rules(str(path))
    av.rules_table(found, loaders.load_alert_stats(str(path)))
    if not av.read_only():
        st.subheader("Add or edit a rule")
        av.rule_form(
            path,
            found,
            loaders.load_categories(str(path), version)["category"].tolist(),
            loaders.load_company_options(str(path), version),
            loaders.load_sources(str(path), version),
        )
with brief:
    av.brief_panel(path, version)
