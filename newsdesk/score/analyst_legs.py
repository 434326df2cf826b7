"""An analyst call as a decision: the subject's leg (:func:`subject_leg`), the decision's fields it
fills (:func:`fill_decision`), the spans that are not companies (:func:`excluded_spans`) and the
card's one line (:func:`card_line`)."""

from __future__ import annotations

import re

from newsdesk.score.analyst import _ACTIVE_VERB, _AUTHOR, Call, read_call

# ordinary phrases that hold a company's name but never name the company: no leg, in any decision path
NOT_A_COMPANY = re.compile(
    r"\b(?:price|stock|share|earnings|inflation|growth|sales|revenue|margin|deficit|emissions|return|"
    r"upside|downside|raised|lowered|new|its|their)\s+targets?\b|"
    r"\btargets?\s+(?:price|date|range|rate|level|zone|weight|allocation|audience|market|fund)s?\b|"
    r"\bon\s+target\b|\bblock\s+(?:trades?|sales?|deals?|purchases?|orders?)\b|"
    r"\b(?:apple|shell|block|target)\s+(?:pie|shock|chain|practice)\b|\bPT\b",
    re.I,
)


def excluded_spans(text: str) -> list[tuple[int, int]]:
    """Where ``text`` holds no leg: ordinary phrases (:data:`NOT_A_COMPANY`: "Price Target", "Block
    Trade", "Target Date") and the author of an analyst action ("Goldman Sachs Upgrades ...")."""
    spans = [m.span() for m in NOT_A_COMPANY.finditer(text)]
    for m in re.finditer(rf"(?:^|(?<=[.;:!?\n]\s)|(?<=[.;:!?\n]))\s*{_AUTHOR}\s+(?i:{_ACTIVE_VERB})\b", text):
        if read_call(text[m.start("author") :]):
            spans.append(m.span("author"))
    for m in re.finditer(rf"\b(?:at|by)\s+{_AUTHOR}", text):
        if read_call(text[: m.end()]):
            spans.append(m.span("author"))
    return spans


def _names_of(entity, companies) -> list[str]:
    company = companies.by_ticker.get(entity.ticker) if companies else None
    names = [entity.ticker, entity.name or ""]
    if company:
        names += [company.name, *company.aliases]
    return [n.lower() for n in names if n and len(n) > 1]


_WRITTEN_TICKER = re.compile(
    r"\((?:(?:NYSE|NASDAQ|Nasdaq|NYSE\s?American|AMEX|OTC)\s*:\s*)?\$?([A-Z]{1,5}(?:\.[A-Z]{1,2})?)\)"
)


def subject_leg(call: Call, sentence: str, row_entities=(), companies=None) -> dict | None:
    """The leg of ``call``: the row's own company (its ticker column) when it has one, even one
    newsdesk does not list; else the subject's name resolved to a listed company; else a ticker
    written in the sentence ("(NASDAQ: XYZ)"); else None. Never the author."""
    author = call.author.lower()
    subject = call.subject.lower()
    row = [e for e in row_entities if e.ticker and not any(n in author for n in _names_of(e, companies))]
    if row:
        if subject:
            named = [e for e in row if any(n in subject for n in _names_of(e, companies))]
            pick = named[0] if named else row[0]
        else:
            pick = row[0]
        company = companies.by_ticker.get(pick.ticker) if companies else None
        name = company.name if company else (pick.name if pick.name and pick.name != pick.ticker else call.subject)
        return {"name": name or pick.ticker, "ticker": pick.ticker, "side": call.side}
    if companies is not None and call.subject:
        found = companies.mention_spans(call.subject, lenient=True)
        for ticker in found:
            company = companies.by_ticker[ticker]
            if company.name.lower() not in author:
                return {"name": company.name, "ticker": ticker, "side": call.side}
    written = _WRITTEN_TICKER.search(sentence)
    if written:
        return {"name": call.subject or written.group(1), "ticker": written.group(1), "side": call.side}
    return None


def fill_decision(decision, call: Call, leg: dict | None):
    """Fill a :class:`~newsdesk.domain.models.Decision`'s structured fields from ``call`` (in place)."""
    decision.action = call.label.split(" ")[0] if call.kind != "target" else call.label
    decision.direction = {"long": "bullish", "short": "bearish", "reduce": "bearish", "hold": "neutral"}[call.side]
    decision.instruments = [leg] if leg else []
    decision.structure = "single name" if leg else None
    decision.horizon_text = decision.horizon_min_days = decision.horizon_max_days = None
    decision.conditions = None
    decision.author = call.author
    decision.rating = call.rating
    decision.rating_prev = call.rating_prev
    decision.price_target = call.price_target
    decision.price_target_prev = call.price_target_prev
    return decision


def card_line(author: str | None, action: str | None, rating: str | None, price_target: float | None) -> str:
    """ "Goldman Sachs · upgrade to Buy · PT $95": what a decision card says about an analyst call."""
    parts = [author] if author else []
    if action:
        kind = action
        if rating and action in ("upgrade", "downgrade"):
            kind = f"{action} to {rating}"
        elif rating and action in ("initiate", "assume", "resume", "reinstate"):
            kind = f"{action} at {rating}"
        elif rating and action in ("maintain", "reiterate"):
            kind = f"{action} {rating}"
        parts.append(kind)
    if price_target is not None:
        parts.append(f"PT ${price_target:,.2f}".replace(".00", ""))
    return " · ".join(parts)
