"""A small seeded database for dashboard tests: a few categories over three months."""

from __future__ import annotations

from pathlib import Path

from newsdesk.db import schema, writes
from newsdesk.models import Article, CategoryTag, Decision
from newsdesk.score import score_article

ROWS = [
    # day, title, categories, summary, impact
    ("2026-05-04", "Central bank holds rates steady", ["Monetary Policy & Rates"], "Rates unchanged as expected.", 0.3),
    ("2026-05-12", "Tariff shock hits exporters hard", ["Trade & Tariffs", "Macro & Growth"], "Terrible losses.", 0.8),
    ("2026-05-20", "Chip demand soars to a record", ["Semiconductors & Supply Chain"], "Excellent, great growth.", 0.6),
    ("2026-06-02", "Oil slides on weak demand", ["Energy & Commodities"], "Weak and disappointing demand.", 0.5),
    ("2026-06-15", "Growth beats forecasts", ["Macro & Growth"], "A strong, positive surprise.", 0.75),
    ("2026-06-29", "Trade talks resume quietly", ["Trade & Tariffs"], "Talks resume.", 0.2),
    ("2026-07-06", "Rate cut lifts banks", ["Monetary Policy & Rates", "Financial Markets"], "Good.", 0.9),
    ("2026-07-20", "Defense budget rises sharply", ["Infrastructure & Defense"], "Bigger, better budgets.", 0.4),
    ("2026-07-27", "<script>alert(1)</script>", ["Trade & Tariffs"], '=HYPERLINK("http://x") odd text', 0.1),
]


def seed(path: Path) -> Path:
    """Create ``path`` with :data:`ROWS` (scored) and two decisions on the first article."""
    db = schema.connect(path)
    articles = []
    for n, (day, title, cats, summary, impact) in enumerate(ROWS):
        a = Article(
            title=title,
            source="Seed Wire",
            url=f"https://example.com/{n}",
            published_at=f"{day}T09:00:00Z",
            summary=summary,
            categories=[CategoryTag(c) for c in cats],
            source_impact=impact,
            decisions=[Decision(1, "Buy AI compute leaders for the next 3-6 months."), Decision(2, "Hedge with puts.")]
            if n == 0
            else [],
        )
        articles.append(score_article(a))
    writes.write_batch(db, articles, [], "seed")
    db.close()
    return path
