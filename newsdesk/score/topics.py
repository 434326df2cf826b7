"""Topic categories from the taxonomy's keywords (multi-label, Aho-Corasick).

Each keyword hit adds its weight (default 1, ``"phrase:2"`` in the taxonomy file), times 3 in the
title and 2 in the summary. A category's relevance is ``1 - exp(-evidence / 3)``; categories with a
relevance of at least :data:`MIN_RELEVANCE` are kept, at most :data:`MAX_CATEGORIES`, strongest first.
"""

from __future__ import annotations

import math
import tomllib
from functools import lru_cache
from pathlib import Path

from newsdesk.config import TAXONOMY_FILE
from newsdesk.models import CategoryTag
from newsdesk.score.matcher import PhraseMatcher

MIN_RELEVANCE = 0.45
MAX_CATEGORIES = 4
SCALE = 3.0
PART_WEIGHTS = (3.0, 2.0, 1.0)  # title, summary, body


def _parse_keyword(raw: str) -> tuple[str, float]:
    phrase, sep, weight = raw.rpartition(":")
    if sep and phrase:
        try:
            return phrase.strip(), float(weight)
        except ValueError:
            pass
    return raw.strip(), 1.0


@lru_cache(maxsize=4)
def topic_matcher(path: Path = TAXONOMY_FILE) -> PhraseMatcher:
    """The compiled keyword matcher of the taxonomy (payload: (category, weight))."""
    with open(path, "rb") as fh:
        data = tomllib.load(fh)
    phrases = []
    for cat in data.get("category", []):
        for raw in cat.get("keywords", []):
            phrase, weight = _parse_keyword(raw)
            phrases.append((phrase, (cat["name"], weight)))
    return PhraseMatcher(phrases)


def tag_topics(title: str, summary: str, body: str, matcher: PhraseMatcher | None = None) -> list[CategoryTag]:
    """Scored categories of an article (``origin`` = ``scored``)."""
    matcher = matcher or topic_matcher()
    evidence: dict[str, float] = {}
    for text, part_weight in zip((title, summary, body), PART_WEIGHTS, strict=True):
        for _s, _e, _key, payloads in matcher.find(text or ""):
            for category, weight in payloads:
                evidence[category] = evidence.get(category, 0.0) + weight * part_weight
    scored = sorted(
        ((cat, 1.0 - math.exp(-ev / SCALE)) for cat, ev in evidence.items() if ev > 0),
        key=lambda x: -x[1],
    )
    return [CategoryTag(cat, round(rel, 3), "scored") for cat, rel in scored[:MAX_CATEGORIES] if rel >= MIN_RELEVANCE]
