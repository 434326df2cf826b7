"""Article: one scored article whole — impact and why, categories, summary, analysis, both
sentiments, companies, key decisions and related articles. Opened as ``?id=<article id>``."""

from __future__ import annotations

from components import page
from components.article_view import article_page

ctx = page.start("Article")
path, version, filters = ctx.path, ctx.version, ctx.filters
article_page(str(path), filters, version)
