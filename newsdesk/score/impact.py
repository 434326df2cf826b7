"""Market impact in [0, 1], explained by its components.

    base   = 0.45·magnitude + 0.15·strength + 0.15·prominence + 0.25·category
    impact = base × (0.6 + 0.4·novelty) × calm

- magnitude: magnitude words ("surprise", "record", "plunge", "invasion", ...; a hit in the title
  counts 1.25×, one in the summary or body 0.7×) combined as 1 − Π(1 − wᵢ), together with the
  largest percentage *move* ("fell 9 %", "a 12 % drop"; 20 % or more → 1, 0.7× outside the title)
  and basis points (50 bp or more → 0.7);
- strength: |sentiment|;
- prominence: the highest relevance of a company the article names (0 when none);
- category: the highest taxonomy weight of the article's categories (0.5 when none);
- novelty: 1 − the highest word overlap (Jaccard) of the title with the titles of the previous 72
  hours (1 when none), divided by the number of its earlier copies (recent titles sharing at least
  0.3 of its words) when there are more than one: a story's first report weighs more than its tenth copy;
- calm: 0.6 when the text says it carries no market-moving detail ("courtesy call", "no direct
  policy", "as expected", "reaffirmed"), else 1.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from newsdesk.domain.cells import as_number
from newsdesk.score.matcher import PhraseMatcher

# The formula, written once (the module docstring and README "Market impact" spell it out).
WEIGHTS = {"magnitude": 0.45, "strength": 0.15, "prominence": 0.15, "category": 0.25}
NOVELTY_FLOOR, NOVELTY_WEIGHT = 0.6, 0.4  # novelty scales the base by 0.6 + 0.4·novelty
CALM_FACTOR = 0.6
COPY_OVERLAP = 0.3  # a recent title overlapping this much (Jaccard) is an earlier copy of the story
NOVELTY_RULE = (
    "novelty = (1 − the highest word overlap of the title with titles of the previous 72 hours) "
    f"÷ its earlier copies (recent titles sharing ≥ {COPY_OVERLAP:g} of its words), when more than one"
)
FORMULA = (
    "impact = ("
    + " + ".join(f"{w:g}·{name}" for name, w in WEIGHTS.items())
    + f") × ({NOVELTY_FLOOR:g} + {NOVELTY_WEIGHT:g}·novelty) × calm"
)


def impact_base(parts: dict[str, float]) -> float:
    """The weighted sum of the four components (:data:`WEIGHTS`)."""
    return sum(w * parts[name] for name, w in WEIGHTS.items())


def novelty_factor(novelty: float) -> float:
    """How novelty scales the base: 0.6 for a repeated title … 1 for a new one."""
    return NOVELTY_FLOOR + NOVELTY_WEIGHT * novelty


def combine(base: float, novelty: float, calm: float) -> float:
    """The impact from the base, the novelty and the calm factor, clipped to [0, 1]."""
    return max(0.0, min(1.0, base * novelty_factor(novelty) * calm))


MAGNITUDE_WORDS = {
    # shocks and surprises
    "surprise": 0.8,
    "surprised": 0.7,
    "surprising": 0.7,
    "unexpected": 0.7,
    "unexpectedly": 0.7,
    "shock": 0.85,
    "shocked": 0.8,
    "emergency": 0.85,
    "abrupt": 0.6,
    "abruptly": 0.6,
    "unprecedented": 0.75,
    "u-turn": 0.6,
    # conflict
    "invasion": 1.0,
    "invaded": 1.0,
    "escalation": 0.8,
    "escalates": 0.8,
    "escalated": 0.8,
    "missile strike": 0.8,
    "airstrike": 0.75,
    "airstrikes": 0.75,
    "blockade": 0.85,
    "attack": 0.6,
    "attacks": 0.6,
    "war": 0.5,
    "mobilisation": 0.7,
    "mobilization": 0.7,
    "coup": 0.85,
    "nuclear": 0.6,
    # moves
    "record": 0.45,
    "all-time high": 0.6,
    "all-time low": 0.6,
    "plunge": 0.75,
    "plunged": 0.75,
    "plunges": 0.75,
    "plummeted": 0.8,
    "crash": 0.85,
    "crashed": 0.85,
    "collapse": 0.8,
    "collapsed": 0.8,
    "soar": 0.6,
    "soared": 0.6,
    "soars": 0.6,
    "surge": 0.55,
    "surged": 0.55,
    "surges": 0.55,
    "tumble": 0.6,
    "tumbled": 0.6,
    "slump": 0.55,
    "jolt": 0.55,
    "jolts": 0.55,
    "jolting": 0.55,
    "slumps": 0.55,
    "tumbles": 0.6,
    "sinks": 0.55,
    "jumps": 0.45,
    "plummets": 0.8,
    "crashes": 0.85,
    "collapses": 0.8,
    "skyrockets": 0.7,
    "skyrocketed": 0.7,
    "slumped": 0.55,
    "jumped": 0.45,
    "sank": 0.55,
    "biggest since": 0.7,
    "highest since": 0.55,
    "lowest since": 0.55,
    "sell-off": 0.6,
    "selloff": 0.6,
    "rout": 0.75,
    "turmoil": 0.7,
    # corporate and credit events
    "profit warning": 0.75,
    "default": 0.75,
    "defaulted": 0.8,
    "bankruptcy": 0.85,
    "insolvency": 0.8,
    "takeover": 0.55,
    "hostile bid": 0.65,
    "guidance cut": 0.6,
    "cuts guidance": 0.6,
    "halted": 0.5,
    "suspended": 0.5,
    "recall": 0.45,
    "fraud": 0.7,
    "sanctions": 0.5,
    "export ban": 0.7,
    "tariff shock": 0.8,
    "downgrade": 0.4,
    "rate hike": 0.5,
    "rate cut": 0.5,
    "hikes rates": 0.55,
    "cuts rates": 0.55,
}
CALM_PHRASES = (
    "no direct policy",
    "no market-moving",
    "not market-moving",
    "market-moving detail",
    "courtesy call",
    "courtesy visit",
    "as expected",
    "in line with expectations",
    "widely expected",
    "largely priced in",
    "little changed",
    "reaffirmed",
    "reaffirm",
    "reaffirms",
    "routine",
    "contains no",
    "no new policy",
    "no change",
    "unchanged",
)
_MOVES = (
    r"rose|rise|rises|fell|fall|falls|jumped|jumps|dropped|drops|plunged|plunges|surged|surges|soared|soars|tumbled|"
    r"tumbles|slid|slides|gained|gains|lost|climbed|climbs|sank|sinks|declined|declines|increased|decreased|"
    r"rallied|slumped|slumps|down|up|higher|lower|cut|cuts|raised|lifted|slashed"
)
PERCENT = re.compile(r"(\d+(?:\.\d+)?)\s?(?:%|percent\b|per cent\b)", re.I)
MOVE_BEFORE = re.compile(
    rf"\b(?:{_MOVES})\s+(?:by\s+)?(?:about\s+|nearly\s+|almost\s+|roughly\s+|more than\s+|over\s+)?$", re.I
)
MOVE_AFTER = re.compile(
    r"^\s+(?:drop|fall|rise|gain|jump|decline|increase|plunge|surge|slump|rally|loss|cut|slide|"
    r"selloff|sell-off)\b",
    re.I,
)
BASIS_POINTS = re.compile(r"(\d+)\s?(?:basis points?|bps?\b)", re.I)
TOKEN = re.compile(r"[a-z0-9]+")
STOP = frozenset("the a an of to in on for and or with at by from as is are was were be its it after over".split())


@lru_cache(maxsize=1)
def _magnitude_matcher() -> PhraseMatcher:
    return PhraseMatcher((w, v) for w, v in MAGNITUDE_WORDS.items())


@lru_cache(maxsize=1)
def _calm_matcher() -> PhraseMatcher:
    return PhraseMatcher((p, True) for p in CALM_PHRASES)


def title_words(title: str) -> frozenset[str]:
    """The content words of a title, for novelty comparisons."""
    return frozenset(w for w in TOKEN.findall(title.lower()) if w not in STOP and len(w) > 2)


def _may_bp(text: str) -> bool:
    """False when :data:`BASIS_POINTS` cannot match: an ASCII text without "bp" or "basis point" in any case."""
    if not text.isascii():
        return True
    low = text.lower()
    return "bp" in low or "basis point" in low


def magnitude(title: str, text: str) -> tuple[float, list[str]]:
    """Magnitude in [0, 1] and the words and figures that made it."""
    weights: dict[str, float] = {}
    for part, factor in ((title, 1.25), (text, 0.7)):
        for _s, _e, key, payloads in _magnitude_matcher().find(part):
            w = min(1.0, payloads[0] * factor)
            weights[key] = max(weights.get(key, 0.0), w)
    full = f"{title}\n{text}"
    moves = []
    for part, factor in ((title, 1.0), (text, 0.7)):
        for m in PERCENT.finditer(part):
            value = float(m.group(1))
            is_move = MOVE_BEFORE.search(part, max(0, m.start() - 30), m.start()) or MOVE_AFTER.match(
                part[m.end() : m.end() + 20]
            )
            if is_move and value <= 1000:
                moves.append((min(1.0, value / 20.0) * factor, value))
    if moves:
        weight, value = max(moves)
        weights[f"{value:g}% move"] = weight
    bps = [int(m.group(1)) for m in BASIS_POINTS.finditer(full) if int(m.group(1)) <= 1000] if _may_bp(full) else []
    if bps:
        weights[f"{max(bps)}bp"] = min(0.7, max(bps) / 50.0 * 0.7)
    remaining = 1.0
    for w in weights.values():
        remaining *= 1.0 - w
    drivers = [k for k, _ in sorted(weights.items(), key=lambda kv: -kv[1])[:5]]
    return 1.0 - remaining, drivers


def overlaps(title: str, recent: Iterable[frozenset[str]]) -> list[float]:
    """The Jaccard overlap of the title's words with each recent title that shares a word with it."""
    words = title_words(title)
    if not words:
        return []
    out = []
    for other in recent:
        common = len(words & other)
        if common:
            out.append(common / (len(words) + len(other) - common))
    return out


def novelty_of(title_overlaps: Iterable[float]) -> tuple[float, int]:
    """Novelty and the number of earlier copies, from a title's overlaps with recent titles: 1 − the
    highest overlap, divided by the copies (overlap ≥ :data:`COPY_OVERLAP`) when more than one."""
    return novelty_counted((o, 1) for o in title_overlaps)


def novelty_counted(overlap_counts: Iterable[tuple[float, int]]) -> tuple[float, int]:
    """:func:`novelty_of` from ``(overlap, how many titles overlap that much)`` pairs."""
    best, copies = 0.0, 0
    for o, count in overlap_counts:
        best = max(best, o)
        if o >= COPY_OVERLAP:
            copies += count
    return (1.0 - best) / max(1, copies), copies


def novelty(title: str, recent: Iterable[frozenset[str]]) -> float:
    """The title's novelty among recent titles (:func:`novelty_of`)."""
    return novelty_of(overlaps(title, recent))[0]


def market_impact(
    title: str,
    text: str,
    sentiment: float,
    category_weights: Iterable[float],
    prominence: float,
    recent_titles: Iterable[frozenset[str]] = (),
    novelty_copies: tuple[float, int] | None = None,
    keep_base: bool = False,
) -> tuple[float, dict]:
    """The impact score and its components (all rounded to 3 decimals). Novelty and earlier copies
    are ``novelty_copies`` when given (the ingest's window, :mod:`newsdesk.score.novelty`), else
    counted from ``recent_titles``. ``keep_base`` keeps the unrounded base in the components (under
    :data:`BASE_KEY`) for :func:`with_novelty` to finish the score once the novelty is known."""
    mag, drivers = magnitude(title, text)
    weights = list(category_weights)
    category = max(weights) if weights else 0.5
    strength = min(1.0, abs(sentiment))
    if novelty_copies:
        nov, copies = novelty_copies
    elif isinstance(recent_titles, tuple) and not recent_titles:  # no window: novelty_of([])
        nov, copies = 1.0, 0
    else:
        nov, copies = novelty_of(overlaps(title, recent_titles))
    calm_hits = [key for _s, _e, key, _p in _calm_matcher().find(f"{title}\n{text}")]
    calm = CALM_FACTOR if calm_hits else 1.0
    base = impact_base({"magnitude": mag, "strength": strength, "prominence": prominence, "category": category})
    score = combine(base, nov, calm)
    components = {
        "magnitude": round(mag, 3),
        "magnitude_terms": drivers,
        "strength": round(strength, 3),
        "prominence": round(prominence, 3),
        "category": round(category, 3),
        "novelty": round(nov, 3),
        "copies": copies,
        "calm": calm,
        "calm_terms": sorted(set(calm_hits))[:3],
        "score": round(score, 3),
    }
    if keep_base:
        components[BASE_KEY] = base
    return round(score, 3), components


BASE_KEY = "_base"


def with_novelty(components: dict, novelty_copies: tuple[float, int]) -> tuple[float, dict]:
    """The impact and its components for a score computed before its novelty was known (with
    ``keep_base``): the same numbers :func:`market_impact` gives with ``novelty_copies``."""
    base = components.pop(BASE_KEY)
    nov, copies = novelty_copies
    score = combine(base, nov, components["calm"])
    components.update(novelty=round(nov, 3), copies=copies, score=round(score, 3))
    return round(score, 3), components


TITLES = {"magnitude": "Magnitude", "strength": "Strength", "prominence": "Prominence", "category": "Category weight"}
EVIDENCE = {
    "magnitude": "no magnitude words, moves or basis points",
    "strength": "size of newsdesk's sentiment score, |sentiment|",
    "category": "highest taxonomy weight of the article's categories",
}


def _novelty_evidence(components: dict) -> str:
    copies = components.get("copies")
    if copies is None:  # stored before the copies were counted
        return "1 − word overlap of the title with titles of the previous 72 hours"
    copies = int(as_number(copies) or 0)
    if copies > 1:
        return f"1 − word overlap with titles of the previous 72 hours, ÷ {copies} earlier copies"
    return "1 − word overlap of the title with titles of the previous 72 hours" + (
        " (one earlier copy)" if copies == 1 else " (no earlier copy)"
    )


def impact_breakdown(components: dict) -> list[dict]:
    """The impact formula (:data:`FORMULA`) spelt out from stored ``impact_components``.

    One dict per component: ``component``, ``value``, ``role`` (how it counts), ``effect`` (its
    contribution to the base, or the multiplier it applies) and ``evidence`` (the words, figures or
    phrases behind it), followed by the ``base`` and the final ``impact``. Empty when nothing is stored.
    """
    if not components:
        return []
    get = lambda key: as_number(components.get(key)) or 0.0  # noqa: E731
    terms = lambda key: ", ".join(str(t) for t in components.get(key) or [])  # noqa: E731
    evidence = {
        **EVIDENCE,
        "magnitude": terms("magnitude_terms") or EVIDENCE["magnitude"],
        "prominence": "highest relevance of a company named" if get("prominence") else "no listed company named",
    }
    rows = [
        {
            "component": TITLES[name],
            "value": get(name),
            "role": f"{w:g} × value",
            "effect": w * get(name),
            "evidence": evidence[name],
        }
        for name, w in WEIGHTS.items()
    ]
    base = sum(w * get(name) for name, w in WEIGHTS.items())
    novelty = get("novelty") if "novelty" in components else 1.0
    calm = get("calm") if "calm" in components else 1.0
    rows += [
        {"component": "Base", "value": None, "role": "sum of the above", "effect": base, "evidence": ""},
        {
            "component": "Novelty",
            "value": novelty,
            "role": f"× ({NOVELTY_FLOOR:g} + {NOVELTY_WEIGHT:g} × value)",
            "effect": novelty_factor(novelty),
            "evidence": _novelty_evidence(components),
        },
        {
            "component": "Calm factor",
            "value": calm,
            "role": "× value",
            "effect": calm,
            "evidence": (f"calm phrases: {terms('calm_terms')}" if terms("calm_terms") else "calm phrases found")
            if calm < 1
            else "no calm phrases",
        },
    ]
    impact = as_number(components.get("score"))
    if impact is None:
        impact = combine(base, novelty, calm)
    rows.append(
        {"component": "Impact", "value": impact, "role": "base × novelty × calm", "effect": impact, "evidence": ""}
    )
    return rows
