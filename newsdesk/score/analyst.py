"""Analyst actions as calls: "Goldman Sachs Upgrades Agilent to Buy, Raises Price Target to $95".

A headline (or a sentence, or a decision bullet) of the rating kinds becomes one :class:`Call`: its
**author** (the broker or analyst house), its **subject** (the company as written), the **kind** of
action, the **rating** it ends on (and the one it left), the price target (and the previous one) as
numbers, and the **side** (exposure) the call takes on the subject. The README's "Analyst calls" table
states the same rules.

Forms read (the verb in any case; the author starts with a capital letter):

- active: ``AUTHOR Upgrades|Downgrades SUBJECT [from R0] to R1 [from R0]``,
  ``AUTHOR Initiates|Assumes|Resumes|Reinstates|Starts [Coverage On] SUBJECT at|with R1 [Rating]``,
  ``AUTHOR Maintains|Reiterates R1 [Rating] on SUBJECT``, ``AUTHOR Maintains|Reiterates SUBJECT at R1``,
  ``AUTHOR Reiterates R1 Rating, $X PT on SUBJECT``, ``AUTHOR Raises|Lowers|Cuts|Boosts [Price Target|PT]
  on SUBJECT [from $X] to $Y`` and ``AUTHOR Raises|Lowers SUBJECT [Price Target|PT] to $Y``; each may be
  followed by ``, Raises|Lowers|Announces|Sets Price Target|PT [from $X] to|of|at $Y``;
- passive: ``SUBJECT Upgraded|Downgraded|Initiated|Reiterated|Maintained|... [to|at|with] R1 at|by AUTHOR``
  and ``SUBJECT PT|Price Target Raised|Lowered|Cut to $Y at|by AUTHOR``;
- a leading ``Update:``, ``Analyst:``, ``Breaking:`` (any case) is skipped. Roundups ("Benzinga's Top Upgrades,
  Downgrades For ...", "Top Initiations", "Analyst Ratings For ...") are not calls.

Ratings (:data:`RATINGS`) have a stance: positive, neutral or negative. The side:

- a positive rating (buy, strong buy, outperform, overweight, positive, accumulate, add, ...) → ``long``;
- a negative rating (sell, strong sell, underperform, underweight, reduce, negative) → ``short``;
- a neutral rating (neutral, hold, equal-weight, market / sector / peer perform, in-line, ...):
  a downgrade to it → ``reduce``; an upgrade to it (from a negative rating) → ``hold`` (the short is
  closed, no long is opened); maintained, reiterated, initiated, assumed, resumed at it → ``hold``;
- a price target moved with no rating named: raised → ``long``, lowered → ``reduce`` (the analyst's view
  moved that way; no outright short is implied);
- a rating the table does not know: the kind decides (upgrade → long, downgrade → reduce, else hold).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from newsdesk.score.analyst_houses import canonical_author, is_house

POSITIVE, NEUTRAL, NEGATIVE = "positive", "neutral", "negative"

# rating (lower case, spaces and hyphens as written) -> stance; longer forms first where they overlap
RATINGS: dict[str, str] = {
    "strong buy": POSITIVE,
    "conviction buy": POSITIVE,
    "speculative buy": POSITIVE,
    "long-term buy": POSITIVE,
    "moderate buy": POSITIVE,
    "top pick": POSITIVE,
    "buy": POSITIVE,
    "outperform": POSITIVE,
    "sector outperform": POSITIVE,
    "market outperform": POSITIVE,
    "outperformer": POSITIVE,
    "overweight": POSITIVE,
    "positive": POSITIVE,
    "accumulate": POSITIVE,
    "add": POSITIVE,
    "attractive": POSITIVE,
    "neutral": NEUTRAL,
    "hold": NEUTRAL,
    "equal-weight": NEUTRAL,
    "equal weight": NEUTRAL,
    "equalweight": NEUTRAL,
    "market perform": NEUTRAL,
    "sector perform": NEUTRAL,
    "peer perform": NEUTRAL,
    "perform": NEUTRAL,
    "in-line": NEUTRAL,
    "inline": NEUTRAL,
    "in line": NEUTRAL,
    "market weight": NEUTRAL,
    "sector weight": NEUTRAL,
    "mixed": NEUTRAL,
    "sector neutral": NEUTRAL,
    "fair value": NEUTRAL,
    "strong sell": NEGATIVE,
    "sell": NEGATIVE,
    "underperform": NEGATIVE,
    "sector underperform": NEGATIVE,
    "market underperform": NEGATIVE,
    "underweight": NEGATIVE,
    "reduce": NEGATIVE,
    "negative": NEGATIVE,
    "unattractive": NEGATIVE,
    "underperformer": NEGATIVE,
    # abbreviations as wires write them ("Cut to UW", "Raised to Mkt Outperform")
    "ow": POSITIVE,
    "mkt outperform": POSITIVE,
    "ew": NEUTRAL,
    "mkt perform": NEUTRAL,
    "mkt weight": NEUTRAL,
    "uw": NEGATIVE,
    "mkt underperform": NEGATIVE,
}
_RATING = "|".join(
    re.escape(r).replace(r"\-", "[-\\s]?").replace(r"\ ", r"[-\s]") for r in sorted(RATINGS, key=len, reverse=True)
)
RATING_RE = rf"(?:{_RATING})"

# the kind of each verb as written (lower case) -> the call's kind
KINDS = {
    "upgrades": "upgrade",
    "upgraded": "upgrade",
    "upgrade": "upgrade",
    "raises": "upgrade",  # only with a rating after "to": "Raises Agilent to Buy"
    "downgrades": "downgrade",
    "downgraded": "downgrade",
    "downgrade": "downgrade",
    "cuts": "downgrade",
    "initiates": "initiate",
    "initiated": "initiate",
    "starts": "initiate",
    "started": "initiate",
    "launches": "initiate",
    "assumes": "assume",
    "assumed": "assume",
    "resumes": "resume",
    "resumed": "resume",
    "reinstates": "reinstate",
    "reinstated": "reinstate",
    "maintains": "maintain",
    "maintained": "maintain",
    "reiterates": "reiterate",
    "reiterated": "reiterate",
    "reaffirms": "reiterate",
    "reaffirmed": "reiterate",
    "keeps": "maintain",
}
_COVER = r"(?:\s+(?:coverage|research\s+coverage)\s+(?:on|of|for))?"
_ACTIVE_VERB = (
    r"upgrades|downgrades|initiates|starts|launches|assumes|resumes|reinstates|maintains|reiterates|reaffirms|"
    r"keeps|raises|lowers|cuts|boosts|trims|reduces|lifts|hikes|slashes|sets|ups|increases|decreases"
)
_PT = r"(?:price\s+targets?|pt|po|target(?:\s+price)?|price\s+objective|fair\s+value(?:\s+estimate)?)"
_MONEY = r"(?:[A-Z]{{0,3}}\$|£|€|¥|Rs\.?\s?|INR\s?)\s?(?P<{g}>\d[\d,]*(?:\.\d+)?)"
# a leading label ("UPDATE 2:", "From Earlier:", "Exclusive:", "CORRECTION:") or "Hearing" is no part of the call
_PREFIX = re.compile(
    r"^\s*(?:(?:(?:update[d]?|breaking|analyst|brief|exclusive|correction|corrected|(?:from\s+)?earlier|hearing|"
    r"rumor|rumour|market\s+chatter|chatter)\s*\d*\s*[:\-–—]\s*)|hearing\s+(?:that\s+)?)+",
    re.I,
)
_ROUNDUP = re.compile(
    r"\btop\s+(?:upgrades|downgrades|initiations)|\bupgrades\s*(?:,|and|&)\s*downgrades\b|"
    r"\banalyst\s+ratings?\s+(?:for|roundup|changes)|\b(?:upgrades|downgrades)\s+(?:for|roundup)\b|"
    r"\bmost\s+(?:upgraded|downgraded)|\bstocks?\s+(?:upgraded|downgraded)\b|\bwhy\b|\?",
    re.I,
)
_ROUNDUP_WORDS = ("top", "upgrades", "downgrades", "analyst", "most", "stock", "why", "?")
# what PASSIVE, PASSIVE_BY, GIVEN and PASSIVE_PT all hold: the house after "at", "by" or "from"
_BY_HOUSE = re.compile(r"\s(?i:at|by|from)\s")
# an author: capitalised words (with &, ., ', -, digits) before the verb; a lower-case word only as a link
_AUTHOR = r"(?P<author>[A-Z0-9][\w.&'’\-]*(?:,?\s+(?:&|and|de|of|du|la|[A-Z0-9][\w.&'’\-]*))*?)"
ACTIVE = re.compile(rf"^{_AUTHOR}\s+(?P<verb>(?i:{_ACTIVE_VERB}))\b(?P<rest>.*)$", re.S)
_BE = r"(?:(?:was|were|is|are|has\s+been|have\s+been|gets|got)\s+)?"
PASSIVE = re.compile(
    rf"^(?P<subject>.+?)\s+(?:(?:stock|shares)\s+)?{_BE}(?P<verb>(?i:upgraded|downgraded|initiated|started|assumed|"
    rf"resumed|reinstated|maintained|reiterated|reaffirmed|raised|lifted|boosted|increased|lowered|cut|decreased))"
    rf"(?P<rest>.*?)\s+(?i:at|by)\s+{_AUTHOR}\s*(?P<tail>[,;(].*)?$",
    re.S,
)
# "Yahoo! Upgraded by JMP Securities to “Market Perform”": the house before the rating
PASSIVE_BY = re.compile(
    rf"^(?P<subject>.+?)\s+(?:(?:stock|shares)\s+)?{_BE}(?P<verb>(?i:upgraded|downgraded|initiated|reiterated|"
    rf"reaffirmed|maintained|raised|lowered|cut))\s+(?i:by|at)\s+{_AUTHOR}(?P<rest>\s+(?i:to|at|as)\s+.*)$",
    re.S,
)
# "Kingfisher Given Hold Rating at Cantor", "Oracle Receives “Outperform” Rating from Canaccord"
GIVEN = re.compile(
    rf"^(?P<subject>.+?)\s+(?i:given|receives|received|gets|assigned|awarded)\s+(?:(?i:an?)\s+)?[\"'“]?"
    rf"(?P<r>(?i:{_RATING}))[\"'”]?\s+(?i:rating)\s+(?i:at|from|by)\s+{_AUTHOR}\s*(?P<tail>[,;(].*)?$",
    re.S,
)
# the subject of a passive sentence may carry the rating: "Amazon.com's Outperform Rating Reaffirmed at ..."
_SUBJECT_RATING = re.compile(
    rf"^(?P<s>.+?)(?:'s|’s)?\s+(?:(?i:stock)\s+)?(?:[\"'“]?(?P<r>(?i:{_RATING}))[\"'”]?\s+)?(?i:rating)$", re.S
)
# "raised to Overweight at Stephens" is an upgrade, "cut to Underweight" a downgrade (a rating must follow)
PASSIVE_KINDS = {
    "raised": "upgrade",
    "lifted": "upgrade",
    "boosted": "upgrade",
    "lowered": "downgrade",
    "cut": "downgrade",
    "increased": "upgrade",
    "decreased": "downgrade",
}
PASSIVE_PT = re.compile(
    rf"^(?P<subject>.+?)(?:'s|’s)?\s+(?:(?i:saw|sees|had|has|gets|got)\s+(?i:its|a)\s+)?(?i:{_PT})\s+{_BE}(?P<verb>(?i:raised|lowered|cut|boosted|trimmed|reduced|lifted|"
    rf"increased|decreased|hiked|slashed))\b(?P<rest>.*?)\s+(?:at|by)\s+{_AUTHOR}\s*(?P<tail>[,;(].*)?$",
    re.S,
)
_RAISE = re.compile(r"^(?:raises|boosts|lifts|hikes|ups|increases|raised|boosted|lifted|increased|hiked)$", re.I)
_LOWER = re.compile(
    r"^(?:lowers|cuts|trims|reduces|slashes|decreases|lowered|cut|trimmed|reduced|decreased|slashed)$", re.I
)
_PT_MOVE = re.compile(
    rf"\b(?P<verb>raises|lowers|cuts|boosts|trims|reduces|lifts|hikes|slashes|announces|sets|maintains|"
    rf"reiterates|keeps|with|establishes|raised|lowered|cut|lifted|boosted|trimmed|reduced)\s+(?:(?:its|the)\s+)?{_PT}"
    rf"(?:\s+(?:on|for)\s+[^,$]*?)?(?:\s+from\s+{_MONEY.format(g='prev')})?\s*(?:to|of|at|:)?\s*"
    + _MONEY.format(g="pt"),
    re.I,
)
_PT_ANY = re.compile(
    rf"{_MONEY.format(g='pt')}\s*{_PT}\b|\b{_PT}\s*(?:(?:was|is)\s+\w+\s+)?(?:of|at|to|:)?\s*{_MONEY.format(g='pt2')}",
    re.I,
)
_FROM_TO = re.compile(rf"\bfrom\s+{_MONEY.format(g='prev')}\s+to\s+{_MONEY.format(g='pt')}", re.I)
# a price target an analyst sets: "price target", "PT", "target price", or a bare "target" moved to an amount
_ANALYST_PT = re.compile(
    rf"\b(?:price\s+targets?|pt|po|target\s+price|price\s+objective|fair\s+value)\b|"
    rf"\btargets?\s+(?:(?:on|for)\s+[^,$]*?\s+)?(?:from\s+\S+\s+)?(?:to|of|at|:)\s*{_MONEY.format(g='amount')}",
    re.I,
)
# a company's or a government's own target ("lifts 2019 profit target", "raises IPO price range"): no call
_OWN_TARGET = re.compile(
    r"\b(?:ipo|offering|profit|revenue|sales|traffic|deficit|synergy|synergies|fundraising|earnings|margin|"
    r"growth|inflation|emissions|production|output|deliver(?:y|ies)|cost|savings|capex|debt|refinancing|"
    r"vehicle|subscriber|user|capacity|spending|investment|valuation|store|hiring|dividend|buyback)\s+"
    r"(?:price\s+)?(?:range|targets?)\b",
    re.I,
)
_NOT_AN_AUTHOR = re.compile(
    r"^(?:the|a|an|this|that|it|he|she|they|we|analyst|analysts|firm|company|board|fed|investors|"
    r"moody'?s|s&p|fitch)$|"
    # credit rating agencies rate debt, not the stock
    r"^(?:moody'?s|s\s?&\s?p|standard\s+&\s+poor'?s|fitch|dbrs|a\.?\s?m\.?\s+best|kroll)\b",
    re.I,
)
# what a company (not a house) initiates, upgrades or reiterates: "Initiates Phase II Trial", "Reiterates Guidance"
_RATING_WORD = re.compile(rf"^\s*(?:{_RATING})(?:\s+rating)?\s*$", re.I)
_CORPORATE = re.compile(
    r"\b(?:trials?|phase|study|studies|program|programs|offering|buyback|repurchase|dividend|plan|review|"
    r"production|process|talks|search|recall|cost|costs|measures|guidance|outlook|forecast|fy\d*|q[1-4]|eps|"
    r"revenue|partnership|agreement|contract|shares\s+resume|trading)\b",
    re.I,
)
_SUBJECT_END = re.compile(
    r"\s+(?:from|to|at|with|on|as|after|following|ahead|amid|into|citing|says|sees|due|on\s+valuation)\b|,|;|\s[-–—]\s|$",
    re.I,
)


@dataclass(frozen=True)
class Call:
    """One analyst action read from a sentence."""

    author: str
    subject: str  # the company as the sentence writes it ("" when the sentence names none)
    kind: str  # upgrade, downgrade, initiate, assume, resume, reinstate, maintain, reiterate, target
    side: str  # long, short, reduce or hold (see the module docstring)
    rating: str | None = None  # the rating it ends on, as written ("Buy", "Equal-Weight")
    rating_prev: str | None = None
    price_target: float | None = None
    price_target_prev: float | None = None

    @property
    def label(self) -> str:
        """ "upgrade to Buy", "maintain Overweight", "raise target": what the card says."""
        kind = self.kind
        if kind == "target":
            return "raise target" if self.side == "long" else "lower target"
        if self.rating:
            joiner = " to " if kind in ("upgrade", "downgrade") else " at " if kind != "maintain" else " "
            if kind in ("maintain", "reiterate"):
                joiner = " "
            return f"{kind}{joiner}{self.rating}"
        return kind


def rating_stance(rating: str | None) -> str | None:
    """positive, neutral or negative for a rating of :data:`RATINGS` (any case, hyphen or space)."""
    if not rating:
        return None
    key = re.sub(r"[\s\-]+", " ", rating.lower()).strip()
    for form in (key, key.replace(" ", "-"), key.replace(" ", "")):
        if form in RATINGS:
            return RATINGS[form]
    return None


def side_of(kind: str, stance: str | None) -> str:
    """The exposure a call takes (see the module docstring)."""
    if stance == POSITIVE:
        return "long"
    if stance == NEGATIVE:
        return "short"
    if stance == NEUTRAL:
        return "reduce" if kind == "downgrade" else "hold"
    return {"upgrade": "long", "downgrade": "reduce"}.get(kind, "hold")


def _number(text: str | None) -> float | None:
    if not text:
        return None
    try:
        return float(text.replace(",", ""))
    except ValueError:
        return None


def _targets(text: str) -> tuple[float | None, float | None, str | None]:
    """(price target, previous target, the verb that moved it) read from ``text``."""
    m = _PT_MOVE.search(text)
    if m:
        return _number(m.group("pt")), _number(m.group("prev")), m.group("verb")
    ft = _FROM_TO.search(text)
    if ft and re.search(rf"\b{_PT}\b", text, re.I):
        return _number(ft.group("pt")), _number(ft.group("prev")), None
    m = _PT_ANY.search(text)
    if m:
        return _number(m.group("pt") or m.group("pt2")), None, None
    return None, None, None


# what may follow a rating; another word makes it a verb ("a plan to sell Red Lobster", "Cuts Deal to Buy Tim Hortons")
_AFTER_RATING = (
    r"(?=\s*(?:$|[,;:.()\"'”’!?\-–—\[&+/]|(?:from|on|rating|ratings|after|following|ahead|amid|as|at|by|citing|in|"
    r"and|with|pt|po|price|target|over|vs|says|sees|post|despite|due|given|before|for|call|stance|recommendation|"
    r"list|based|noting|while|because|into|now|again|two|one|territory|status|to)\b))"
)


def _rating_after(text: str, words: str) -> re.Match | None:
    return re.search(
        rf"\b(?:{words})\s+(?:an?\s+|the\s+)?[\"'“]?(?P<r>{RATING_RE})\b[\"'”]?{_AFTER_RATING}", text, re.I
    )


def _clean_subject(subject: str) -> str:
    subject = re.sub(r"^(?:shares\s+of|coverage\s+(?:on|of)|on|of)\s+", "", subject.strip(), flags=re.I)
    subject = re.sub(r"(?:'s|’s)?\s+(?:stock|shares|(?:stock\s+)?rating|coverage)$", "", subject, flags=re.I)
    subject = re.sub(r"\s*\((?:[A-Z]+:\s*)?[A-Z][A-Z0-9.\-]{0,7}\)$", "", subject)  # "Symantec (SYMC)"
    return subject.strip(" ,.:;\"'“”")


def _subject_before(rest: str) -> str:
    m = _SUBJECT_END.search(rest)
    return _clean_subject(rest[: m.start()] if m else rest)


def read_call(sentence: str) -> Call | None:
    """The analyst call ``sentence`` states, or None (not a rating sentence, or a roundup)."""
    if not sentence or len(sentence) > 400:
        return None
    text = " ".join(_PREFIX.sub("", sentence).split())
    text = re.sub(r"\s*(?:\.\.\.|…)$", "", text)  # a feed's cut: "Coverage Initiated at Sterne Agee ..."
    if not text or _roundup(text):
        return None
    call = _active(text) or _passive(text)
    if call is None and "; " in text:  # "Watching Sunrun; Hearing Gordon Johnson Reiterates Sell ..."
        return read_call(text.rsplit("; ", 1)[1])
    if call is None and ": " in text:  # "King Digital (KING): Sterne Agee Initiates Coverage"
        head, tail = text.split(": ", 1)
        call = read_call(tail)
        if call is not None and not call.subject:
            call = replace(call, subject=_clean_subject(head))
    return call


def _active(text: str) -> Call | None:
    m = ACTIVE.match(text)
    if not m:
        return None
    author, verb, rest = m.group("author"), m.group("verb").lower(), m.group("rest")
    if _NOT_AN_AUTHOR.match(author) or len(author.split()) > 6:
        return None
    pt, prev, pt_verb = _targets(m.group("verb") + rest)
    kind = KINDS.get(verb)
    rating = rating_prev = None
    subject = ""
    if verb in ("upgrades", "downgrades"):
        to = _rating_after(rest, "to")
        # no rating named ("Downgrades Intel on Valuation"): a house's upgrade is still a call (the kind decides)
        if not to and not is_house(author):
            return None
        rating = to.group("r") if to else None
        frm = _rating_after(rest, "from")
        rating_prev = frm.group("r") if frm else None
        subject = _subject_before(rest)
    elif kind in ("initiate", "assume", "resume", "reinstate"):
        cover = re.match(rf"{_COVER}\s+(?P<s>.*)$", rest, re.I | re.S)
        body = cover.group("s") if cover else rest
        if kind == "initiate" and not re.match(r"\s+(?:coverage|research)", rest, re.I):
            if verb in ("starts", "launches") and not _rating_after(body, "at|with"):
                return None
            if not is_house(author) and _CORPORATE.search(_subject_before(body)):  # "ACADIA Initiates Phase II Trial"
                return None
        r = _rating_after(body, "at|with|to|as")
        rating = r.group("r") if r else None
        if not r and not re.match(r"\s+(?:coverage|research)", rest, re.I) and pt is None:
            return None
        subject = _subject_before(body)
    elif kind in ("maintain", "reiterate"):
        lead = re.match(
            rf"\s+(?:its\s+|an?\s+|the\s+)?[\"'“]?(?P<r>{RATING_RE})[\"'”]?(?:\s+rating)?\b(?P<after>.*)$",
            rest,
            re.I | re.S,
        )
        if lead:
            rating = lead.group("r")
            after = lead.group("after")
            on = re.search(r"\b(?:on|for)\s+(?P<s>.+)$", after, re.I | re.S)
            subject = _subject_before(on.group("s")) if on else ""
        else:
            r = _rating_after(rest, "at|with|as|to")
            if r:
                rating = r.group("r")
                subject = _subject_before(rest)
            elif (
                verb in ("maintains", "reiterates", "reaffirms")
                and is_house(author)
                and re.match(r"\s+(?:(?:its\s+)?(?:rating|view|coverage)\s+)?on\s", rest, re.I)
                and not _CORPORATE.search(rest)
            ):
                # "Needham Reiterates On Acme": the house keeps its view, unnamed here → hold
                subject = _subject_before(
                    re.sub(r"^\s*(?:(?:its\s+)?(?:rating|view|coverage)\s+)?on\s+", " ", rest, flags=re.I)
                )
                if not subject:
                    return None
            else:
                return None
    elif (
        verb == "raises"
        and (to := _rating_after(rest, "to"))
        and not re.match(rf"\s+(?:its\s+|the\s+)?{_PT}\b", rest, re.I)
    ):  # "Raises Agilent to Buy": an upgrade
        kind, rating, subject = "upgrade", to.group("r"), _subject_before(rest)
    elif (
        verb == "cuts"
        and (to := _rating_after(rest, "to"))
        and not re.match(rf"\s+(?:its\s+|the\s+)?{_PT}\b", rest, re.I)
    ):
        kind, rating, subject = "downgrade", to.group("r"), _subject_before(rest)
    elif _RAISE.match(verb) or _LOWER.match(verb):
        if not _ANALYST_PT.search(rest) or _OWN_TARGET.search(rest):
            return None
        kind = "target"
        if pt is None and not is_house(author):  # "World Bank cuts growth target for Asia": no price, no house
            return None
        on = re.match(rf"\s+(?:its\s+|the\s+)?{_PT}\s+(?:on|for)\s+(?P<s>.+)$", rest, re.I | re.S)
        if on:
            subject = _subject_before(on.group("s"))
        else:
            own = re.match(rf"\s+(?P<s>.+?)(?:'s|’s)?\s+{_PT}\b", rest, re.I | re.S)
            subject = _clean_subject(own.group("s")) if own else ""
        pt_verb = verb
        r = _rating_after(rest, "maintains|reiterates|keeps|at|with")
        rating = r.group("r") if r else None
    else:
        return None
    if kind is None:
        return None
    if kind in ("maintain", "reiterate") and rating is None and not subject:
        return None
    return _call(author, subject, kind, rating, rating_prev, pt, prev, pt_verb)


def _roundup(text: str) -> bool:
    """``_ROUNDUP.search(text)``, skipped for an ASCII text with none of its words (each of its forms
    holds one; a case-insensitive match of ASCII words in ASCII text is one in its lower-case form)."""
    if text.isascii():
        low = text.lower()
        if not any(map(low.__contains__, _ROUNDUP_WORDS)):
            return False
    return _ROUNDUP.search(text) is not None


def _passive(text: str) -> Call | None:
    if not _BY_HOUSE.search(text):  # every passive form names its house after "at", "by" or "from"
        return None
    m = PASSIVE.match(text)
    rated = _SUBJECT_RATING.match(m.group("subject")) if m else None  # "Symantec Rating Lowered to Neutral at ..."
    if m and m.group("verb").lower() in PASSIVE_KINDS and not _rating_after(m.group("rest"), "to") and not rated:
        m = None  # "PT Raised to $600 at Mizuho": a target, read below
    m = m or PASSIVE_BY.match(text)
    if m:
        rated = _SUBJECT_RATING.match(m.group("subject"))
        verb = m.group("verb").lower()
        kind = KINDS.get(verb) or PASSIVE_KINDS.get(verb)
        rest = m.group("rest")
        r = _rating_after(rest, "to|at|with|as") or re.match(rf"\s+(?P<r>{RATING_RE})\b", rest, re.I)
        rating = r.group("r") if r else (rated.group("r") if rated else None)
        subject = _clean_subject(rated.group("s") if rated else m.group("subject"))
        if kind is None:
            return None
        if rating is None and kind in ("upgrade", "downgrade", "maintain", "reiterate"):
            # "Oracle Stock Rating Reaffirmed by Credit Suisse": a house's call, its rating unnamed
            if not is_house(m.group("author")) or (kind in ("maintain", "reiterate") and not rated):
                return None
        frm = _rating_after(rest, "from")
        pt, prev, pt_verb = _targets(text)
        if rating is None and pt is None and kind not in ("upgrade", "downgrade", "maintain", "reiterate"):
            if not re.search(r"\bcoverage\b", text, re.I):
                return None  # "New chief started at Google": no rating, no target, no coverage: not a call
        return _call(m.group("author"), subject, kind, rating, frm.group("r") if frm else None, pt, prev, pt_verb)
    m = GIVEN.match(text)
    if m:
        pt, prev, pt_verb = _targets(text)
        return _call(
            m.group("author"), _clean_subject(m.group("subject")), "reiterate", m.group("r"), None, pt, prev, pt_verb
        )
    m = PASSIVE_PT.match(text)
    if m:
        pt, prev, _ = _targets(m.group("rest"))
        if pt is None:
            ft = re.search(rf"to\s+{_MONEY.format(g='pt')}", m.group("rest"), re.I)
            pt = _number(ft.group("pt")) if ft else None
        kept = _rating_after(m.group("tail") or "", "kept|keeps|maintained|maintains|reiterated|reiterates|has|with")
        return _call(
            m.group("author"),
            _clean_subject(m.group("subject")),
            "target",
            kept.group("r") if kept else None,
            None,
            pt,
            prev,
            m.group("verb"),
        )
    return None


def _call(author, subject, kind, rating, rating_prev, pt, prev, pt_verb) -> Call | None:
    if _NOT_AN_AUTHOR.match(author.strip()) or rating_stance(author) or _RATING_WORD.match(author):
        return None  # a rating word is never an author ("… Initiated at Equal-weight")
    stance = rating_stance(rating)
    if kind == "target" and stance is None:
        if pt_verb and _LOWER.match(pt_verb):
            side = "reduce"
        elif pt_verb and _RAISE.match(pt_verb):
            side = "long"
        elif pt is not None and prev is not None:
            side = "long" if pt > prev else "reduce"
        else:
            return None
    else:
        side = side_of(kind, stance)
    return Call(
        author=canonical_author(author),
        subject=subject,
        kind=kind,
        side=side,
        rating=_title(rating),
        rating_prev=_title(rating_prev),
        price_target=pt,
        price_target_prev=prev,
    )


def _title(rating: str | None) -> str | None:
    if not rating:
        return None
    if len(rating) <= 2:  # "OW", "UW", "EW"
        return rating.upper()
    return (
        "-".join(w[:1].upper() + w[1:].lower() for w in rating.split("-"))
        if "-" in rating
        else " ".join(w[:1].upper() + w[1:].lower() for w in rating.split())
    )


__all__ = [
    "Call",
    "RATINGS",
    "rating_stance",
    "read_call",
    "side_of",
]
