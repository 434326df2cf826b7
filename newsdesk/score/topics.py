"""Topic categories from the taxonomy's keywords (multi-label, Aho-Corasick).

Each keyword hit adds its weight (default 1, ``"phrase:2"`` in the taxonomy file), times 3 in the
title and 2 in the summary; the caller may add evidence of its own (the sectors of the companies an
article names). A category's relevance is ``1 - exp(-evidence / 3)``: one ordinary keyword in a
headline is enough (0.63), a weak one (":0.5") is not. Categories with a relevance of at least
:data:`MIN_RELEVANCE` and at least :data:`RELATIVE_FLOOR` of the strongest one's evidence are kept,
at most :data:`MAX_CATEGORIES`, strongest first; a category named in the headline by a keyword of
full weight is kept whatever its share of the whole text when it has that share of the headline and
summary (the headline says what the article is about; a long body does not outvote it), except a
category that is only background to the main one (``background_to`` in the taxonomy: the economic data
a rates or market story looks ahead to).
"""

from __future__ import annotations

import math
import re
import tomllib
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path

from newsdesk.config import TAXONOMY_FILE
from newsdesk.domain.models import CategoryTag
from newsdesk.score.matcher import PhraseMatcher, weighted_phrase

MIN_RELEVANCE = 0.5
RELATIVE_FLOOR = 0.3  # a side topic needs this share of the main topic's evidence
MAX_CATEGORIES = 4
SECTOR_EVIDENCE = 3.0  # a company named once in the headline (relevance 0.9) -> 2.7, alone enough
MAX_HEADLINE_SECTORS = 2  # companies of more sectors than this in one headline: no sector is its topic
SCALE = 3.0
PART_WEIGHTS = (3.0, 2.0, 1.0)  # title, summary, body
AMOUNT = re.compile(
    r"\s+(?:(?:about|around|nearly|almost|some|over|another|up\s+to)\s+)?[$£€]?\d[\d,.]*"
    r"(?:\s*(?:%|pct|per\s+cent|percent|bn|mn|m|k|billion|million|thousand))?(?=\s)",
    re.I,
)


TICKER_TAG = re.compile(
    r"\(?\s*\b(?:NASDAQ|NYSE|NYSEARCA|NYSEAMERICAN|AMEX|OTC|OTCMKTS|TSX|TSXV|LSE|BATS|CBOE|ASX|HKEX)\s*:\s*[A-Z][A-Z0-9.\-]*\s*\)?"
)

_EXCHANGES = ("NASDAQ", "NYSE", "AMEX", "OTC", "TSX", "LSE", "BATS", "CBOE", "ASX", "HKEX")  # as TICKER_TAG spells them


def without_ticker_tags(text: str) -> str:
    """``text`` without exchange ticker tags ("Apple ( NASDAQ:AAPL )"): they name a company, which
    is evidence for its sector, not for a markets story."""
    if ":" not in text or not any(map(text.__contains__, _EXCHANGES)):  # every tag holds one
        return text
    return TICKER_TAG.sub(" ", text)


@lru_cache(maxsize=4)
def _taxonomy(path: Path) -> dict:
    """The taxonomy file, parsed once for the matcher and the background topics (read only)."""
    with open(path, "rb") as fh:
        return tomllib.load(fh)


@lru_cache(maxsize=4)
def topic_matcher(path: Path = TAXONOMY_FILE) -> PhraseMatcher:
    """The compiled keyword matcher of the taxonomy (payload: (category, weight))."""
    data = _taxonomy(path)
    phrases = []
    for cat in data.get("category", []):
        for raw in cat.get("keywords", []):
            phrase, weight = weighted_phrase(raw)
            phrases.append((phrase, (cat["name"], weight)))
    return PhraseMatcher(phrases)


@lru_cache(maxsize=4)
def background_topics(path: Path = TAXONOMY_FILE) -> dict[str, frozenset[str]]:
    """Category -> the main topics it is only background to (``background_to`` in the taxonomy): the
    jobs report a market story looks ahead to is not a second topic of that story."""
    data = _taxonomy(path)
    return {c["name"]: frozenset(c.get("background_to", ())) for c in data.get("category", [])}


def without_amounts(text: str) -> str:
    """``text`` with the amounts between words taken out, so that "cut 550 jobs" and "axe up to 1,200
    jobs" match the keyword "cut jobs" / "axe jobs"."""
    return AMOUNT.sub("", text) if any(map(str.isdigit, text)) else text


def sector_evidence(companies: Iterable[tuple[str, float]], sectors: Mapping[str, str]) -> dict[str, float]:
    """Evidence per category from ``(sector, relevance)`` of the companies an article names."""
    evidence: dict[str, float] = {}
    for sector, relevance in companies:
        category = sectors.get(sector)
        if category:
            evidence[category] = evidence.get(category, 0.0) + SECTOR_EVIDENCE * relevance
    return evidence


def headline_sectors(sectors: Iterable[str], mapping: Mapping[str, str]) -> set[str]:
    """The categories of the companies a headline names, when they are at most
    :data:`MAX_HEADLINE_SECTORS` (a headline listing companies of many sectors is a market story, not a
    story about any one sector)."""
    categories = {mapping[s] for s in sectors if mapping.get(s)}
    return categories if len(categories) <= MAX_HEADLINE_SECTORS else set()


def tag_topics(
    title: str,
    summary: str,
    body: str,
    matcher: PhraseMatcher | None = None,
    extra: Mapping[str, float] | None = None,
    named: Iterable[str] = (),
) -> list[CategoryTag]:
    """Scored categories of an article (``origin`` = ``scored``); ``extra`` adds evidence per category;
    ``named`` are the categories of the companies the headline is about (see :func:`headline_sectors`),
    kept like a category the headline names by keyword."""
    matcher = matcher or topic_matcher()
    evidence: dict[str, float] = dict(extra or {})
    subjects = {c for c in named if evidence.get(c, 0.0) > 0}
    headline: set[str] = set()
    if summary and title and summary.startswith(title):  # many feeds repeat the headline as the summary
        summary = summary[len(title) :]
    lead: dict[str, float] = dict(evidence)  # the evidence of the headline and summary
    title, summary, body = (without_ticker_tags(t or "") for t in (title, summary, body))
    for text, part_weight in zip((title, summary, body), PART_WEIGHTS, strict=True):
        lead_part = part_weight > PART_WEIGHTS[-1]  # headline or summary: short, where amounts sit in phrases
        for _s, _e, _key, payloads in matcher.find(without_amounts(text or "") if lead_part else text or ""):
            for category, weight in payloads:
                evidence[category] = evidence.get(category, 0.0) + weight * part_weight
                if lead_part:
                    lead[category] = lead.get(category, 0.0) + weight * part_weight
                if part_weight == PART_WEIGHTS[0] and weight >= 1:
                    headline.add(category)
    if not evidence:
        return []
    main, top = max(evidence.items(), key=lambda kv: kv[1])
    floor = RELATIVE_FLOOR * top
    lead_floor = RELATIVE_FLOOR * max(lead.values(), default=0.0)
    background = background_topics()
    scored = sorted(
        (
            (cat, 1.0 - math.exp(-ev / SCALE))
            for cat, ev in evidence.items()
            if ev > 0
            and (ev >= floor or cat in subjects or (cat in headline and lead[cat] >= lead_floor))
            and main not in background.get(cat, ())
        ),
        key=lambda x: -x[1],
    )
    return [CategoryTag(cat, round(rel, 3), "scored") for cat, rel in scored[:MAX_CATEGORIES] if rel >= MIN_RELEVANCE]
