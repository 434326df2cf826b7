"""Ingest: upload article files and see what came in and what was rejected, and why."""

from __future__ import annotations

from components import page
from components.ingest_view import ingest_panel
from components.layout import page_header

ctx = page.start("Ingest")
path, version, filters = ctx.path, ctx.version, ctx.filters
page_header("Ingest", "Add articles from files: pages, JSON Lines, news-API JSON, CSV or RSS/Atom.")
ingest_panel(path)
