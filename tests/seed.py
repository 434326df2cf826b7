"""Small seeded databases for dashboard tests (a few categories over three months; a wide one), and
copies of the demo desk."""

from __future__ import annotations

import atexit
import itertools
import shutil
import tempfile
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

from newsdesk.db import schema, writes
from newsdesk.domain.models import Article, CategoryTag, Decision
from newsdesk.flows.ingest import create_demo_database
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


def seed(path: Path | str) -> Path | str:
    """Create ``path`` (a file, or a server database's URL) with :data:`ROWS` (scored) and two
    decisions on the first article."""
    db = schema.open(path)
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


WIDE_CATEGORIES = [
    "Monetary Policy & Rates",
    "Trade & Tariffs",
    "Macro & Growth",
    "Semiconductors & Supply Chain",
    "Energy & Commodities",
    "Financial Markets",
    "Infrastructure & Defense",
    "Earnings & Corporate",
    "Technology & AI",
    "Consumer & Retail",
    "Healthcare & Pharma",
    "Real Estate & Housing",
]


def seed_wide(path: Path) -> Path:
    """A database over years with gaps: 12 categories (the n-th has 13 - n articles a week) over six
    weeks of 2026, one old article in 2019, and an undated page stamped 2026-12-01 (estimated)."""
    db = schema.connect(path)
    articles = []
    for week in (0, 1, 3, 4, 5):  # week 2 holds nothing
        for n, category in enumerate(WIDE_CATEGORIES):
            for k in range(len(WIDE_CATEGORIES) - n):
                day = (date(2026, 6, 1) + timedelta(days=week * 7 + k % 5)).isoformat()
                articles.append(
                    Article(
                        title=f"{category} story {week}-{k}",
                        source="Wide Wire",
                        url=f"https://example.com/wide/{week}/{n}/{k}",
                        published_at=f"{day}T10:00:00Z",
                        summary="Strong gains." if (week + k) % 2 else "Weak losses.",
                        categories=[CategoryTag(category)],
                    )
                )
    articles.append(
        Article(
            title="An old story",
            source="Wide Wire",
            url="https://example.com/wide/old",
            published_at="2019-03-01T10:00:00Z",
            categories=[CategoryTag("Trade & Tariffs")],
        )
    )
    undated = Article(
        title="An undated page",
        source="Wide Wire",
        url="https://example.com/wide/undated",
        published_at="2026-12-01T10:00:00Z",
        summary="Terrible, awful collapse.",
        categories=[CategoryTag("Macro & Growth")],
    )
    undated.published_estimated = True
    articles.append(undated)
    writes.write_batch(db, [score_article(a) for a in articles], [], "seed")
    db.close()
    return path


def undo_market_relevance(db) -> None:
    """Take migration 16 (market relevance) back, with the copy and totals triggers and the indexes that
    name its columns."""
    from newsdesk.db import aggregates

    for name in ("article_categories_view_fill", "articles_view_sync", *aggregates.TOTALS_TRIGGERS):
        db.execute(f"DROP TRIGGER IF EXISTS {name}")  # the insert trigger is gone from v20
    db.execute("DROP INDEX idx_article_categories_view")
    db.execute("DROP INDEX idx_articles_published_cover")
    db.execute("ALTER TABLE article_categories DROP COLUMN market_relevant")
    db.execute("ALTER TABLE articles DROP COLUMN market_relevant")
    db.execute("ALTER TABLE articles DROP COLUMN market_relevance")


@lru_cache(maxsize=1)
def _demo_master() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="newsdesk-demo-"))
    atexit.register(shutil.rmtree, folder, True)
    path = folder / "demo.db"
    create_demo_database(path)  # built in a temporary file, checkpointed and renamed into place
    assert not Path(f"{path}-wal").exists()
    return path


def demo_desk(path: Path) -> Path:
    """``path`` made a copy of the demo desk (``create_demo_database``), built once per process: the
    tests that need a demo desk, not the building of one, copy it (a build takes ~2 s of CPU). The
    tests of the build itself call ``create_demo_database``."""
    shutil.copyfile(_demo_master(), path)
    return path


def story_pairs(ids: list[str]) -> list[tuple[str, str]]:
    """``(story_id, member)`` pairs that group ``ids``, in their order, into stories of 1-5 articles (the
    first of each its opener)."""
    grouped: list[tuple[str, str]] = []
    at = 0
    for size in itertools.cycle([1, 3, 2, 5, 1, 4]):
        if at >= len(ids):
            return grouped
        grouped += [(ids[at], member) for member in ids[at : at + size]]
        at += size
    return grouped
