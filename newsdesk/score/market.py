"""Market relevance: is an article market news (0-1, and a yes/no at :data:`THRESHOLD`)?

Evidence is read from ``data/market.toml`` with the taxonomy's whole-word matcher: *other* cues
(sport, entertainment, celebrity, lifestyle, food, weather trivia) count against, *market* cues (shares,
profit, a rights deal, a retailer's sales, ...) for; a listed company the article names and the market
categories it gets count for too. A cue weighs its weight times 1.5 in the headline, 1 in the summary
and 0.25 in the body (a long body should not outvote what the headline says it is about).

``relevance = 1 / (1 + exp(-(PRIOR + 1.25 * market - min(other, 3.5))))``: with no cue either way an
article is market news (0.5, kept); one sport word in a headline is enough to leave it out, unless a
market cue or a listed company is named too ("Manchester United shares fall after Champions League
exit"): the other cues are capped, so a strong market cue in the headline always counts.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from operator import itemgetter
from pathlib import Path

from newsdesk.config import DATA_DIR
from newsdesk.score.matcher import PhraseMatcher, weighted_phrase

MARKET_FILE = DATA_DIR / "market.toml"
THRESHOLD = 0.5
PRIOR = 0.0
PART_WEIGHTS = (1.5, 1.0, 0.25)  # headline, summary, body
COMPANY_WEIGHT = 1.5  # a listed company named in the headline (relevance >= 0.5); half that further down
MARKET_GAIN = 1.25  # a market cue outweighs an other cue of the same weight
OTHER_CAP = 3.5  # however much sport a text holds, a strong market cue in its headline still counts
CATEGORY_WEIGHT = 0.75  # per market category (relevance >= 0.6), at most two
NOT_MARKET_CATEGORIES = frozenset({"Media & Entertainment"})  # a category that is not market news by itself
MARKET = "market"


@dataclass(frozen=True)
class MarketRelevance:
    """How much an article is market news, and why."""

    relevance: float
    relevant: bool
    market_cues: tuple[str, ...] = ()
    other_cues: tuple[str, ...] = ()  # "sport: touchdown", ...

    def explanation(self) -> str:
        """One sentence a reader can check: the verdict and the cues behind it."""
        verdict = "Market news" if self.relevant else "Not market news"
        parts = []
        if self.market_cues:
            parts.append("market cues: " + ", ".join(self.market_cues[:6]))
        if self.other_cues:
            parts.append("other cues: " + ", ".join(self.other_cues[:6]))
        why = "; ".join(parts) if parts else "no cue either way (kept as market news)"
        return f"{verdict} (relevance {self.relevance:.2f}) — {why}."


@lru_cache(maxsize=4)
def market_matcher(path: Path = MARKET_FILE) -> PhraseMatcher:
    """The compiled cue matcher (payload: (kind, weight); kind ``market`` or an other kind)."""
    with open(path, "rb") as fh:
        data = tomllib.load(fh)
    phrases = [(p, (MARKET, w)) for p, w in map(weighted_phrase, data.get("market", {}).get("keywords", []))]
    for kind, table in data.get("other", {}).items():
        phrases += [(p, (kind, w)) for p, w in map(weighted_phrase, table.get("keywords", []))]
    return PhraseMatcher(phrases)


def market_relevance(
    title: str,
    summary: str = "",
    body: str = "",
    companies: Iterable[tuple[str, float]] = (),
    categories: Iterable[tuple[str, float]] = (),
    matcher: PhraseMatcher | None = None,
) -> MarketRelevance:
    """Market relevance of an article from its text, the listed companies it names (``(name,
    relevance)``) and its categories (``(name, relevance)``). Never raises on odd text."""
    matcher = matcher or market_matcher()
    if summary and title and summary.startswith(title):  # a summary repeating the headline counts once
        summary = summary[len(title) :]
    market = other = 0.0
    market_cues: dict[str, None] = {}
    other_cues: dict[str, None] = {}
    for text, part in zip((title, summary, body[:2000] if body else ""), PART_WEIGHTS, strict=True):
        if not text:
            continue
        for _s, _e, phrase, payloads in matcher.find(text):
            kind, weight = max(payloads, key=itemgetter(1))
            if kind == MARKET:
                market += weight * part
                market_cues.setdefault(phrase)
            else:
                other += weight * part
                other_cues.setdefault(f"{kind}: {phrase}")
    for name, relevance in companies:
        market += COMPANY_WEIGHT * (1.0 if relevance >= 0.5 else 0.5)
        market_cues.setdefault(f"company: {name}")
    named = sorted(
        ((rel, name) for name, rel in categories if rel >= 0.6 and name not in NOT_MARKET_CATEGORIES), reverse=True
    )
    for _rel, name in named[:2]:
        market += CATEGORY_WEIGHT
        market_cues.setdefault(f"category: {name}")
    score = 1.0 / (1.0 + math.exp(-(PRIOR + MARKET_GAIN * market - min(other, OTHER_CAP))))
    return MarketRelevance(round(score, 3), score >= THRESHOLD, tuple(market_cues), tuple(other_cues))
