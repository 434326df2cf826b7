"""Structured trade ideas from "key decisions for investors" bullets.

Each bullet becomes: ``action`` (its leading verb), ``direction`` (bullish, bearish, hedge,
relative, neutral), ``instruments`` (legs: company → ticker, basket → basket id, each with a side
long / short / funding), ``structure`` (options spread, options, pair, basket, single name),
the horizon as text and in days, and ``conditions`` (stops, triggers, targets).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from newsdesk.models import Decision
from newsdesk.reference import Basket
from newsdesk.score.entities import CompanyMatcher
from newsdesk.score.matcher import PhraseMatcher

# leading phrase -> (action, direction)
ACTIONS: list[tuple[str, str, str]] = [
    (r"overweight", "overweight", "bullish"),
    (r"underweight", "underweight", "bearish"),
    (r"add(?:s|ing)?", "add", "bullish"),
    (r"accumulate", "accumulate", "bullish"),
    (r"buy(?:ing)?", "buy", "bullish"),
    (r"go long|long", "buy", "bullish"),
    (r"sell(?:ing)?", "sell", "bearish"),
    (r"short(?:ing)?", "short", "bearish"),
    (r"trim", "trim", "bearish"),
    (r"reduce", "reduce", "bearish"),
    (r"take profits?|lighten", "trim", "bearish"),
    (r"avoid", "avoid", "bearish"),
    (r"exit", "sell", "bearish"),
    (r"hedge", "hedge", "hedge"),
    (r"protect", "hedge", "hedge"),
    (r"pair", "pair", "relative"),
    (r"rotate|switch", "rotate", "relative"),
    (r"hold|maintain|keep", "hold", "neutral"),
    (r"revisit|monitor|watch|wait", "watch", "neutral"),
]
_ACTION_RE = [(re.compile(rf"^\W*(?:{pat})\b", re.I), action, direction) for pat, action, direction in ACTIONS]
OPTIONS = re.compile(
    r"\b(call|put)\s+spreads?\b|\b(calls|puts|options|collars?|straddles?|strangles?|risk reversals?)\b", re.I
)
PUTS = re.compile(r"\bput(?:s| spreads?| options?)\b", re.I)
SIDE_MARKERS = re.compile(
    r"\b(funded by|funding|financed by|against|versus|vs\.?|long|short|shorts|from|into|over)\b", re.I
)
NUM_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "eighteen": 18,
    "twenty-four": 24,
    "a": 1,
    "few": 3,
    "several": 3,
    "couple": 2,
}
UNIT_DAYS = {"day": 1, "week": 7, "month": 30, "quarter": 90, "year": 365}
_NUM = r"(\d+(?:\.\d+)?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|eighteen|twenty-four)"
_UNIT = r"(day|week|month|quarter|year)s?"
HORIZON_RANGE = re.compile(
    rf"(?:(?:over|for|within|in)\s+)?(?:the\s+)?(?:next\s+)?{_NUM}\s*(?:-|–|to)\s*{_NUM}[\s-]*{_UNIT}(?:\s+horizon)?",
    re.I,
)
HORIZON_SINGLE = re.compile(
    rf"(?:(?:over|for|within|in)\s+)?(?:the\s+)?(?:next|coming)\s+(?:{_NUM}\s+|(few|couple of|several)\s+)?{_UNIT}"
    rf"|{_NUM}[\s-]*{_UNIT}\s+horizon",
    re.I,
)
STOPS = re.compile(
    r"\b(?:use\s+|with\s+|keep\s+)?((?:tight|wide|trailing|hard|firm)\s+stops?"
    r"|stop[- ]loss(?:es)?(?:\s+(?:below|above|at)\s+[^;,.]+)?"
    r"|stops?\s+(?:below|above|at|out)\s+[^;,.]+|stop\s+out\b[^;,.]*)",
    re.I,
)
TRIGGERS = re.compile(r"\b(?:if|unless|once|until|provided|as long as)\s+[^;.]+", re.I)
TARGETS = re.compile(
    r"\b(?:aim(?:ing)? for|target(?:ing)?|take profits? (?:at|near|above))\s+"
    r"[^;,.]+?(?=\s+(?:if|unless|once|when)\b|[;,.]|$)",
    re.I,
)


@dataclass
class _Hit:
    start: int
    end: int
    name: str
    ticker: str | None
    basket: str | None


class DecisionParser:
    """Parses decision bullets; resolves companies (tickers) and baskets (ids)."""

    def __init__(self, companies: CompanyMatcher, baskets: tuple[Basket, ...]) -> None:
        self.companies = companies
        self.baskets = {b.id: b for b in baskets}
        phrases = []
        for b in baskets:
            for text in (b.name, *b.aliases):
                phrases.append((text, b.id))
                if not text.lower().endswith("basket"):
                    phrases.append((f"{text} basket", b.id))
        self._basket_matcher = PhraseMatcher(phrases)

    def parse(self, decision: Decision) -> Decision:
        """Fill the structured fields of ``decision`` from its text (in place; returns it)."""
        text = decision.text
        action, direction = _action(text)
        if action == "buy" and PUTS.search(text):
            direction = "bearish"
        hits = self._legs(text)
        legs = _assign_sides(text, hits, direction)
        options = OPTIONS.search(text)
        if options:
            structure = "options spread" if "spread" in options.group(0).lower() else "options"
        elif action in ("pair", "rotate") or (
            {leg["side"] for leg in legs} >= {"long", "short"} and re.search(r"\b(against|versus|vs)\b", text, re.I)
        ):
            structure = "pair"
        elif any(leg.get("basket") for leg in legs) or re.search(r"\bbasket\b", text, re.I) or len(legs) > 1:
            structure = "basket"
        elif len(legs) == 1:
            structure = "single name"
        else:
            structure = None
        horizon_text, lo, hi = parse_horizon(text)
        decision.action = action
        decision.direction = direction
        decision.instruments = legs
        decision.structure = structure
        decision.horizon_text = horizon_text
        decision.horizon_min_days = lo
        decision.horizon_max_days = hi
        decision.conditions = parse_conditions(text)
        return decision

    def _legs(self, text: str) -> list[_Hit]:
        hits: list[_Hit] = []
        for start, end, _key, ids in self._basket_matcher.find(text):
            b = self.baskets[ids[0]]
            hits.append(_Hit(start, end, b.name, None, b.id))
        for ticker, offsets in self.companies.mentions(text, lenient=True).items():
            company = self.companies.by_ticker[ticker]
            for off in offsets[:1]:
                if not any(h.start <= off < h.end for h in hits):
                    hits.append(_Hit(off, off + 1, company.name, ticker, None))
        hits.sort(key=lambda h: h.start)
        return hits


def _action(text: str) -> tuple[str | None, str | None]:
    for regex, action, direction in _ACTION_RE:
        if regex.match(text):
            return action, direction
    return None, None


def _assign_sides(text: str, hits: list[_Hit], direction: str | None) -> list[dict]:
    """Give each leg the side of the nearest marker before it, else the action's side."""
    main = "short" if direction in ("bearish", "hedge") else "long"
    opposite = "short" if main == "long" else "long"
    markers = [(m.start(), m.group(1).lower()) for m in SIDE_MARKERS.finditer(text)]
    legs = []
    seen = set()
    for h in hits:
        side = main
        before = [w for pos, w in markers if pos < h.start]
        if before:
            word = before[-1]
            if word in ("funded by", "funding", "financed by"):
                side = "funding"
            elif word in ("short", "shorts"):
                side = "funding" if any(w in ("funded by", "funding", "financed by") for w in before[-3:]) else "short"
            elif word == "long":
                side = "long"
            elif word in ("against", "versus", "vs", "vs.", "from"):
                side = opposite if direction != "relative" else "short"
            elif word == "into":
                side = "long"
        key = (h.ticker or h.basket, side)
        if key in seen:
            continue
        seen.add(key)
        leg = {"name": h.name, "side": side}
        if h.ticker:
            leg["ticker"] = h.ticker
        if h.basket:
            leg["basket"] = h.basket
        legs.append(leg)
    return legs


def _number(token: str | None) -> float | None:
    if token is None:
        return None
    token = token.lower()
    if token in NUM_WORDS:
        return float(NUM_WORDS[token])
    try:
        return float(token)
    except ValueError:
        return None


def to_days(n: float, unit: str) -> int:
    """Days in ``n`` units; whole years of months or quarters count 365 days each."""
    unit = unit.lower()
    if unit == "month" and n % 12 == 0:
        return int(n / 12 * 365)
    if unit == "quarter" and n % 4 == 0:
        return int(n / 4 * 365)
    return int(round(n * UNIT_DAYS[unit]))


def parse_horizon(text: str) -> tuple[str | None, int | None, int | None]:
    """The stated horizon as (text, min days, max days); (None, None, None) when none is stated.

    "next 3-6 months" → 90..180; "6-12 month horizon" → 180..365; "next two weeks" → 14..14.
    """
    m = HORIZON_RANGE.search(text)
    if m:
        a, b, unit = _number(m.group(1)), _number(m.group(2)), m.group(3)
        if a is not None and b is not None:
            lo, hi = sorted((a, b))
            return m.group(0).strip(), to_days(lo, unit), to_days(hi, unit)
    m = HORIZON_SINGLE.search(text)
    if m:
        groups = m.groups()
        if groups[3] is not None:  # "<n> <unit> horizon"
            n, unit = _number(groups[3]), groups[4]
        else:
            n = _number(groups[0]) if groups[0] else (_number(groups[1].split()[0]) if groups[1] else 1.0)
            unit = groups[2]
        if n is not None and unit:
            days = to_days(n, unit)
            return m.group(0).strip(), days, days
    return None, None, None


def parse_conditions(text: str) -> str | None:
    """Stops, triggers and targets of a decision, joined with ``; ``."""
    parts = []
    for regex in (STOPS, TARGETS, TRIGGERS):
        for m in regex.finditer(text):
            phrase = re.sub(r"^(use|with|keep)\s+", "", m.group(0).strip(" ,;."), flags=re.I)
            if phrase and phrase.lower() not in (p.lower() for p in parts):
                parts.append(phrase)
    return "; ".join(parts) or None
