"""A deterministic synthetic corpus for benchmarks: scored articles written straight into the store.

Every row is marked synthetic: its source starts with ``synthetic · `` and its ``scorer_version`` is
``synthetic/1``. Distributions: three years of dates ending on ``end`` with fewer articles at
weekends, categories from the taxonomy with a skewed popularity, 24 sources, 0–3 companies from
``data/companies.csv``, sentiment and impact with realistic spreads, decisions on ~10% of articles.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import sqlite_utils

from newsdesk.db import schema, writes
from newsdesk.domain.identity import iso_utc
from newsdesk.domain.models import Article, CategoryTag, Decision, Entity
from newsdesk.domain.reference import load_baskets, load_companies
from newsdesk.domain.taxonomy import load_taxonomy
from newsdesk.score.labels import sentiment_label

VERSION = "synthetic/1"
SOURCES = [
    f"synthetic · {name}"
    for name in (
        "Harbor Ledger",
        "Meridian Wire",
        "Northgate Markets",
        "Atlas Daily",
        "Quayside Journal",
        "Summit Street",
        "Pacific Tape",
        "Continental Desk",
        "Riverbank Times",
        "Keystone Brief",
        "Lantern Finance",
        "Orbit News",
        "Granite Report",
        "Beacon Markets",
        "Cedar Post",
        "Delta Observer",
        "Ember Street",
        "Fjord Capital",
        "Glacier Wire",
        "Horizon Notes",
        "Iris Markets",
        "Juniper Daily",
        "Kestrel Review",
        "Lumen Ledger",
    )
]
VERBS_UP = ["rises", "jumps", "beats forecasts", "raises outlook", "gains", "rallies", "climbs", "upgraded"]
VERBS_DOWN = ["falls", "slides", "misses estimates", "cuts outlook", "drops", "slumps", "warns", "downgraded"]
NOUNS = ["orders", "margins", "demand", "exports", "earnings", "guidance", "prices", "output", "spending", "deliveries"]
FILLER = (
    "Analysts said the move reflected {noun} trends across the sector while investors weighed the outlook for "
    "{topic}. The company said {noun} in the quarter were {dir} than a year earlier and kept its targets. "
    "Traders pointed to {topic} as the main driver and expect further updates in the coming weeks."
)


def generate(
    db: sqlite_utils.Database,
    n: int,
    seed: int = 7,
    end: datetime | None = None,
    batch: int = 20_000,
    on_batch: Callable[[int], None] | None = None,
) -> int:
    """Write ``n`` synthetic articles into ``db`` (one transaction per ``batch``); return n. Story
    assignment is off (every synthetic title is distinct, so each article is its own story): a batch
    spans three years in random order, so assigning it would read back and index every stored article."""
    from benchmarks.story_ingest import stories_off

    rng = random.Random(seed)
    end = end or datetime(2026, 11, 20, tzinfo=UTC)
    start = end - timedelta(days=3 * 365)
    cats = [c.name for c in load_taxonomy()]
    cat_weights = [1 / (i + 1) ** 0.8 for i in range(len(cats))]
    companies = load_companies()
    baskets = load_baskets()
    tickers = [c.ticker for c in companies]
    names = {c.ticker: c.name for c in companies}
    from newsdesk.flows.ingest import ensure_reference

    ensure_reference(db)
    done = 0
    with schema.bulk_cache(db):
        while done < n:
            size = min(batch, n - done)
            with stories_off():
                _write_batch(
                    db,
                    [_article(rng, done + i, start, cats, cat_weights, tickers, names, baskets) for i in range(size)],
                )
            done += size
            if on_batch:
                on_batch(size)
    return n


def _when(rng: random.Random, start: datetime) -> datetime:
    while True:
        moment = start + timedelta(seconds=rng.randrange(3 * 365 * 86400))
        if moment.weekday() < 5 or rng.random() < 0.3:  # weekends carry ~30% of a weekday's news
            return moment


def _article(rng, i, start, cats, cat_weights, tickers, names, baskets) -> dict:
    moment = _when(rng, start)
    k = 1 + (rng.random() < 0.35) + (rng.random() < 0.1)
    chosen = list(dict.fromkeys(rng.choices(cats, cat_weights, k=k)))
    sentiment = max(-1.0, min(1.0, rng.gauss(0.05, 0.35)))
    impact = round(min(1.0, rng.betavariate(2.2, 3.5)), 3)
    entities = rng.sample(tickers, k=rng.choice((0, 1, 1, 2, 3)))
    noun = rng.choice(NOUNS)
    verb = rng.choice(VERBS_UP if sentiment >= 0 else VERBS_DOWN)
    subject = names[entities[0]] if entities else chosen[0]
    title = f"{subject} {verb} as {noun} {'improve' if sentiment >= 0 else 'weaken'} (#{i})"
    body = FILLER.format(noun=noun, topic=chosen[0].lower(), dir="higher" if sentiment >= 0 else "lower")
    decisions = []
    if rng.random() < 0.10:
        for pos in range(1, rng.randint(1, 3) + 1):
            b = rng.choice(baskets)
            side = "long" if sentiment >= 0 else "reduce"  # "Underweight X" reduces, it does not short
            decisions.append(
                (
                    pos,
                    f"{'Overweight' if side == 'long' else 'Underweight'} {b.name} for the next "
                    f"{rng.choice((1, 3, 6))}-{rng.choice((6, 9, 12))} months",
                    b.id,
                    side,
                )
            )
    return {
        "id": f"syn-{i:08d}",
        "title": title,
        "source": rng.choice(SOURCES),
        "published_at": iso_utc(moment),
        "summary": f"{subject}: {noun} {'up' if sentiment >= 0 else 'down'} in a synthetic story.",
        "body": body,
        "sentiment": round(sentiment, 4),
        "impact": impact,
        "categories": chosen,
        "entities": [
            (t, names[t], round(rng.uniform(0.1, 1.0), 3), round(max(-1, min(1, rng.gauss(sentiment, 0.2))), 3))
            for t in entities
        ],
        "decisions": decisions,
    }


def _write_batch(db: sqlite_utils.Database, rows: list[dict]) -> None:
    """Store generated rows through the one Article -> rows mapping (:mod:`newsdesk.db.writes`);
    the id stands in for the content hash (every synthetic text is distinct by its id)."""
    batch = []
    for r in rows:
        side_of = {"long": ("overweight", "bullish"), "reduce": ("underweight", "bearish")}
        a = Article(
            id=r["id"],
            title=r["title"],
            source=r["source"],
            published_at=r["published_at"],
            summary=r["summary"],
            body=r["body"],
            sentiment=r["sentiment"],
            sentiment_label=sentiment_label(r["sentiment"]),
            subjectivity=0.5,
            impact=r["impact"],
            scorer_version=VERSION,
            categories=[CategoryTag(c, round(1 / (n + 1), 3), "scored") for n, c in enumerate(r["categories"])],
            entities=[Entity(t, name, 1, rel, s) for t, name, rel, s in r["entities"]],
            decisions=[
                Decision(
                    p,
                    text,
                    action=side_of[side][0],
                    direction=side_of[side][1],
                    instruments=[{"basket": b, "side": side}],
                    structure="basket",
                )
                for p, text, b, side in r["decisions"]
            ],
        )
        batch.append((a, a.id))
    writes.write_new(db, batch, "synthetic")


def rate(seconds: float, n: int) -> str:
    """``"12,345/s"`` for ``n`` items in ``seconds``."""
    return f"{n / seconds:,.0f}/s" if seconds > 0 and not math.isinf(seconds) else "n/a"
