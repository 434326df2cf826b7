"""Structured trade ideas from "key decisions for investors" bullets.

Each bullet becomes: ``action`` (its leading verb), ``direction``, ``instruments`` (legs: company →
ticker, basket → basket id, each with the exposure it takes as its ``side``), ``structure`` (options
spread, options, pair, basket, single name), the horizon as text and in days, and ``conditions``
(stops, triggers, targets).

A leg's side is its exposure (:data:`SIDES`):

- ``long``: buy, add, accumulate, overweight, go long, "a long in X", bought calls, sold puts;
- ``short``: short, sell short, "a short in X", bought puts or put spreads, sold calls;
- ``funding``: a short that pays for the longs ("funded by a short in X"): a named kind of short;
- ``reduce``: underweight, avoid, trim, take profits, lighten, cut, sell or exit a holding, the side
  a rotation leaves ("rotate from X into Y"): less exposure, not an outright short;
- ``hold``: hold, keep, maintain, wait, watch, do not chase, do not short, and the position a hedge
  protects ("hedge the X basket with a short in Y": X hold, Y short): no change.

How a bullet is read. Instruments are found first (baskets, companies, written tickers such as NVDA or
RHM.DE); then the cue words are read left to right and each instrument takes the side the cues before
it have set:

- a verb or a position noun sets the side ("trim", "a core long in", "a small underweight in"); a
  position noun right after a name sets that name's side ("Japan defense longs", "Tesla puts");
- negation turns the next verb into ``hold`` ("do not short X", "don't add to X", "do not chase",
  "avoid shorting X", "avoid trading X"), and a negated hold into ``reduce`` ("no longer hold X");
  "avoid" on its own, or before a buying verb ("avoid adding to X"), is ``reduce``;
- "versus / against / relative to / over" give the names after them the opposite side: the opposite
  of a long is a short in a pair and an underweight (``reduce``) beside an overweight; the opposite
  of an underweight, a trim or a short is a ``long`` ("underweight X versus Y": Y long);
- "funded by / fund it with / financed by" make the names and shorts after them ``funding``;
- "rotate / switch / reallocate / the proceeds" take ``reduce`` from the names they name or follow
  "from / out of" and give ``long`` to the names after "into / toward / to";
- "hedge / protect X with ...": X is ``hold``; the instrument after "with / using / via" is ``short``
  unless its own cue says otherwise; options with no name after them apply to the name before;
- names inside a condition or a reason ("if", "until", "once", "as", "because", "after", "ahead of",
  "which", a stop) or after "rather than / instead of / except" are not legs; such a clause ends at
  ";", at the end of a sentence, or at a comma / "and" / "but" before a new instruction;
- a verb with no name of its own ("hold X and add on dips") moves the ``hold`` legs before it to its
  side, unless a condition follows it ("trim if it runs");
- a name before any cue ("Nvidia: buy the dip") takes the side of the next instruction, else ``hold``.

One leg per instrument: its first side other than ``hold``, else ``hold``.

Direction follows the legs:

- ``hedge`` when the bullet leads with hedge / protect;
- ``relative``: a long leg beside a short, funding or reduce leg (a pair, a funded long, a rotation,
  "trim X and rotate into Y");
- ``bullish``: long legs, with or without hold legs;
- ``bearish``: short, funding or reduce legs (with or without hold legs) and no long leg;
- ``neutral``: hold legs only;
- with no leg, the side of the first instruction decides ("do not chase the rally": neutral).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from newsdesk.domain.models import Decision
from newsdesk.domain.reference import Basket
from newsdesk.score.analyst import excluded_spans, fill_decision, read_call, subject_leg
from newsdesk.score.cuewords import CueScanner
from newsdesk.score.entities import CompanyMatcher, common_words
from newsdesk.score.legs import exposure_text  # noqa: F401 - its home before; callers may import it here
from newsdesk.score.matcher import PhraseMatcher

SIDES = ("long", "short", "funding", "reduce", "hold")
"""The exposure a leg takes; ``funding`` is a short that pays for the longs."""

# Leading phrase -> action (the bullet's first instruction, as a verb).
ACTIONS: list[tuple[str, str]] = [
    (r"(?:stay|remain|go|move|get)\s+overweight|overweight", "overweight"),
    (r"(?:stay|remain|go|move|get)\s+underweight|underweight", "underweight"),
    (r"do\s+not|don['’]t|never|no\s+longer|refrain", "avoid"),
    (r"add(?:s|ing)?", "add"),
    (r"accumulate", "accumulate"),
    (r"buy(?:ing)?|purchase|own|initiate|build", "buy"),
    (r"(?:stay|go|get)\s+long|long", "buy"),
    (r"sell\s+short|(?:stay|go|get)\s+short|short(?:ing)?|fade", "short"),
    (r"sell(?:ing)?|exit|cut|close", "sell"),
    (r"trim|take\s+profits?|book\s+profits?|lighten|pare", "trim"),
    (r"reduce", "reduce"),
    (r"avoid|stay\s+(?:away|out)", "avoid"),
    (r"hedge|protect", "hedge"),
    (r"pair", "pair"),
    (r"rotate|switch|shift|move|reallocate", "rotate"),
    (r"hold|maintain|keep|stay|remain|stick", "hold"),
    (r"revisit|monitor|watch|wait", "watch"),
]
_LEAD = r"^\W*(?:(?:selectively|tactically|modestly|gradually|opportunistically|also|then|still|now)\s+)?"
_ACTION_RE = [(re.compile(rf"{_LEAD}(?:{pat})\b", re.I), action) for pat, action in ACTIONS]

OPTIONS = re.compile(
    r"\b(call|put)\s+spreads?\b|\b(calls|puts|options|collars?|straddles?|strangles?|risk reversals?)\b", re.I
)
_PAIR_WORDS = re.compile(r"\b(against|versus|vs|relative to|into|from|out of)\b", re.I)

# --- the cue grammar ---------------------------------------------------------------------------
# (kind, pattern); at one place in the text the first pattern that matches wins, so compounds come
# before their parts ("sell short" before "sell", "stay long" before "stay").
CUES: list[tuple[str, str]] = [
    ("boundary", r"[;!?]|:(?!\d)|(?<![A-Z])\.(?=\s|$)|\s[—–]\s|\s-\s|\n"),
    ("noop", r"such\s+as|as\s+well\s+as|on\s+hold"),
    ("neg", r"stop(?=\s+\w+ing\b)|hold\s+off(?:\s+on)?"),
    ("neg", r"no(?:\s+(?:new|more|fresh|further))?(?=\s+(?:longs?|shorts?|buying|adding|selling|shorting|additions))"),
    ("trigger", r"as\s+long\s+as|if|unless|until|till|once|when|whenever|provided(?:\s+that)?|in\s+case|assuming"),
    ("trigger", r"stop\s+out|stop(?:-loss(?:es)?|s)?"),
    (
        "reason",
        r"as|because|since|while(?!\s+\w+ing\b)|whilst|given|after|before|ahead\s+of|whose|which|who|where|"
        r"so\s+that|that|to\s+(?:capture|isolate|express|play|ride|exploit|benefit|reflect|lock|participate|"
        r"limit|offset|catch|harvest|gain|take\s+advantage)",
    ),
    ("skip", r"rather\s+than|instead\s+of|except(?:\s+for)?|excluding|other\s+than"),
    (
        "neg",
        r"do\s+not|does\s+not|don['’]t|doesn['’]t|never|no\s+longer|no\s+need\s+to|refrain\s+from|not|nor|"
        r"without|should\s+not|shouldn['’]t|cannot|can['’]t|won['’]t|need\s+not",
    ),
    ("opt_short", r"puts|put\s+spreads?|put\s+options?|put(?=\s+(?:on|in|for)\b)"),
    ("opt_long", r"calls|call\s+spreads?|call\s+options?|call(?=\s+(?:on|in|for)\b)"),
    ("opt_long", r"risk\s+reversals?"),
    ("opt_hold", r"collars?|straddles?|strangles?"),
    (
        "funding",
        r"funded\s+(?:by|with|via|through|from|out\s+of)|financed\s+(?:by|with|via|through)|"
        r"fund(?:ing|ed|s)?\s+(?:it|this|them|that|the\s+(?:long|longs|position|trade|purchase|basket|leg|"
        r"overweight|idea))\s+(?:with|by|via|through|from)|fund\s+(?:with|by|via)|"
        r"funding\s+(?:shorts?|legs?|positions?)|paid\s+for\s+(?:by|with)",
    ),
    (
        "avoid",
        r"avoid(?:s|ing)?|stay\s+(?:away\s+from|out\s+of|clear\s+of)|steer\s+clear\s+of|keep\s+away\s+from|shun|"
        r"no\s+(?:new\s+)?(?:positions?|exposure)\s+(?:in|to|on)",
    ),
    ("long", r"cover(?:ing)?\s+(?:(?:the|our|any|existing|remaining)\s+)*shorts?"),
    (
        "short",
        r"sell\s+short|short[\s-]sell(?:ing)?|(?:go|get|stay|remain|turn)\s+(?:short|bearish)|"
        r"short(?:s|ing|ed)?|bet\s+against|fad(?:e|ing)",
    ),
    (
        "reduce",
        r"(?:close|closing|exit|exiting|unwind|cut|cutting|sell|selling|trim|trimming|reduc(?:e|ing)|"
        r"take\s+profits?\s+(?:on|in))\s+(?:out\s+)?(?:(?:the|our|any|existing|remaining|core|a|an|half|part|some)"
        r"\s+)*(?:of\s+(?:the|our)\s+)?(?:longs?|overweights?)(?:\s+positions?)?(?:\s+(?:in|on))?",
    ),
    (
        "reduce",
        r"underweight(?:s|ing)?|(?:go|move|stay|remain|get|turn)\s+underweight|trim(?:s|med|ming)?|"
        r"reduc(?:e|es|ed|ing)|cut(?:ting)?|sell(?:s|ing)?(?:\s+down)?|sold|exit(?:s|ing)?|"
        r"(?:take|taking|book|booking|lock\s+in|locking\s+in)\s+(?:some\s+)?(?:profits?|gains)|"
        r"lighten(?:ing)?(?:\s+up)?|par(?:e|ing)(?:\s+back)?|scal(?:e|ing)\s+(?:back|down)|"
        r"lower(?:ing)?(?=\s+(?:exposure|the\s+weight|weights?|positions?))|downsiz(?:e|ing)|unwind(?:ing)?|"
        r"dump(?:ing)?|de-?risk(?:ing)?|clos(?:e|ing)\s+(?:out\s+)?(?:the\s+)?(?:positions?|exposure)|"
        r"sellers?\s+of|(?:step|stand)\s+aside(?:\s+(?:from|on|in))?|get\s+out\s+of|step\s+out\s+of",
    ),
    (
        "overweight",
        r"overweight(?:s|ing)?|(?:go|stay|remain|move|get|turn)\s+(?:overweight|bullish)|"
        r"prefer(?:red|ring)?|favou?r(?:ed|ing)?",
    ),
    (
        "long",
        r"buy(?:s|ing)?(?:\s+back)?|bought|purchas(?:e|ing)|add(?:s|ing|ed)?(?:\s+to)?|accumulat(?:e|ing)|"
        r"(?:go|get|stay|remain|turn)\s+long|longs?|own(?:ing)?|initiat(?:e|ing)|build(?:ing)?|"
        r"increas(?:e|ing)|rais(?:e|ing)|top\s+up|load\s+up(?:\s+on)?|nibbl(?:e|ing)(?:\s+at)?|re-?enter|"
        r"enter|lean\s+into|buyers?\s+of",
    ),
    ("chase", r"chas(?:e|ing)"),
    ("write", r"writ(?:e|es|ing)|wrote|overwrit(?:e|ing)"),
    (
        "hold",
        r"hold(?:s|ing)?|keep(?:s|ing)?|maintain(?:s|ing)?|stay(?:\s+(?:with|in))?|remain(?:\s+in)?|"
        r"stick(?:ing)?\s+with|wait(?:ing)?(?:\s+(?:on|for))?|watch(?:ing)?|monitor(?:ing)?|revisit(?:ing)?|"
        r"retain(?:ing)?|leave|sit(?:ting)?\s+tight|stand\s+pat|neutral(?:\s+on)?|market[\s-]weight|"
        r"equal[\s-]weight|on\s+(?:the\s+)?sidelines?|unchanged|no\s+change\s+(?:to|in)",
    ),
    ("trade", r"trad(?:e|es|ing)|adjust(?:ing)?|chang(?:e|ing)|resiz(?:e|ing)|touch(?:ing)?"),
    (
        "versus",
        r"versus|vs\.?|v\.|against|relative\s+to|compared\s+(?:with|to)|in\s+preference\s+to|"
        r"at\s+the\s+expense\s+of",
    ),
    ("over", r"over"),
    (
        "rotate",
        # instructions only: "shifting from X to Y" describes a market, it does not trade one
        r"rotate|switch|shift(?=\s+(?:from|out|away|into|exposure|weight))|"
        r"move(?=\s+(?:from|out|away|into|exposure|capital|money))|reallocate|redeploy|recycle|rebalance|reinvest|"
        r"swap|exchange|replace|(?:the\s+)?proceeds",
    ),
    ("from", r"out\s+of|away\s+from|from"),
    ("within", r"within"),
    ("to", r"into|towards?|in\s+favou?r\s+of|to|for"),
    ("hedge", r"hedg(?:e|es|ed|ing)|protect(?:s|ed|ing)?|insur(?:e|ing)"),
    ("with", r"with|using|via|through|by(?:\s+(?:buying|adding))?"),
    ("pair", r"pair(?:s|ed|ing)?"),
]
_SCANNER = CueScanner(CUES)
VERB_SIDE = {
    "long": "long",
    "overweight": "long",
    "chase": "long",
    "short": "short",
    "reduce": "reduce",
    "hold": "hold",
    "avoid": "reduce",
    "opt_long": "long",
    "opt_short": "short",
    "opt_hold": "hold",
    "pair": "long",
    "avoid_doing": "hold",
}
# The side "versus Y" gives Y after an instruction of this kind.
OPPOSITE = {
    "long": "short",
    "pair": "short",
    "chase": "short",
    "opt_long": "short",
    "overweight": "reduce",
    "short": "long",
    "opt_short": "long",
    "funding": "long",
    "reduce": "long",
    "avoid": "long",
    "hold": "hold",
    "opt_hold": "hold",
}
# What a negated instruction means: "do not short X" holds X; "no longer hold X" reduces it.
NEGATED = {"long": "hold", "short": "hold", "reduce": "hold", "hold": "reduce", "trade": "hold"}
# After "avoid": buying verbs reduce ("avoid adding to X"); chasing, shorting, selling, trading hold.
AVOIDED = {"long": "reduce", "chase": "hold", "short": "hold", "reduce": "hold", "hold": "reduce", "trade": "hold"}
_INSTRUCTIONS = {
    "long",
    "overweight",
    "chase",
    "short",
    "reduce",
    "hold",
    "opt_long",
    "opt_short",
    "opt_hold",
    "avoid_doing",
}
_RESTARTS = _INSTRUCTIONS | {"avoid", "neg", "funding", "hedge", "rotate", "pair", "trade"}
_DOING = re.compile(r"\s+(\w+ing)\b")
_DESCRIPTION = re.compile(r"\s*(?:the|its|their|this|these|those|it|they|both|that|there|such)\b", re.I)
_RESTART_BEFORE = re.compile(
    r"(?:[,;]|\band|\bbut|\bthen|\bor|\bwhile)\s+(?:(?:also|then|only|selectively|tactically|gradually|modestly|"
    r"instead|still|meanwhile|later)\s+)?$",
    re.I,
)
_NOT_A_SHORT = re.compile(r"\s+(?:term|of|squeeze|interest|covering|sellers?|sale|run|end|list|while|dated)\b", re.I)
_NOT_A_LONG = re.compile(
    r"\s+(?:term|run|before|after|since|ago|enough|way|end|bonds?|duration|haul|time|history|dated)\b", re.I
)
_NOUN_BEFORE = {
    "cut": {"rate", "rates", "tax", "price", "guidance", "job", "jobs", "dividend", "capex", "budget", "spending"},
    "hedge": {"a", "an", "the", "tail", "as", "portfolio", "natural", "partial", "cheap", "inexpensive", "good"},
}
_POST_NOUN = re.compile(
    r"(?:\s+(?:names?|stocks?|shares|exposure|equities|positions?|holdings?|basket))?\s+"
    r"(longs|shorts|overweights|underweights|puts|put\s+spreads?|put\s+options|calls|call\s+spreads?|"
    r"call\s+options|long|short|overweight|underweight)(?![\w-])",
    re.I,
)
_POST_SINGULAR_END = re.compile(
    r"\s*(?:[,;.:)]|$|(?:and|on|in|into|for|over|ahead|until|here|now|with|at|below|above|near|if|position|"
    r"positions|exposure|weights?)\b)",
    re.I,
)
_POST_SIDE = {
    "longs": "long",
    "long": "long",
    "overweights": "long",
    "overweight": "long",
    "calls": "long",
    "shorts": "short",
    "short": "short",
    "puts": "short",
    "underweights": "reduce",
    "underweight": "reduce",
}
_TICKER = re.compile(r"(?<![\w$.])\$?([A-Z][A-Z0-9&]{1,5}(?:\.[A-Z]{1,2})?)(?![\w-])")
_ACRONYMS = frozenset(
    "US UK EU AI EV LNG GDP USD EUR JPY ETF EPS CEO CFO IPO HD HBM OK IT TV PM AM DE SO MA MS ON NOW NET KEY".split()
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
    "fifteen": 15,
    "eighteen": 18,
    "twenty-four": 24,
    "thirty-six": 36,
    "a": 1,
    "an": 1,
    "another": 1,
    "one more": 1,
    "a further": 1,
    "half a": 0.5,
    "few": 3,
    "several": 3,
    "couple": 2,
}
UNIT_DAYS = {"day": 1, "week": 7, "month": 30, "quarter": 90, "year": 365}
_NUMBER = (
    r"\d+(?:\.\d+)?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|eighteen|"
    r"twenty-four|thirty-six"
)
_UNITS = r"day|week|month|quarter|year"
_SPAN_WORDS = r"(?:horizon|view|timeframe|time\s+frame|window|holding\s+period|outlook)"


def _n(name: str) -> str:
    return rf"(?P<{name}>{_NUMBER})"


def _u(name: str) -> str:
    return rf"(?P<{name}>{_UNITS})s?(?!['’])"  # not "next year's results"


# Every way a bullet states its horizon; at one place the first form that matches wins.
HORIZON_FORMS = {
    # "for the next 3-6 months", "one to two quarters", "6-12 month view", "3- to 6-month horizon"
    "range": rf"(?:(?:over|for|within|in|across)\s+)?(?:the\s+)?(?:next\s+|coming\s+)?{_n('r_lo')}"
    rf"(?:[\s-]*(?:{_UNITS})s?)?\s*-?\s*(?:-|–|—|to|or|and)\s*{_n('r_hi')}[\s-]*{_u('r_unit')}"
    rf"(?:\s+{_SPAN_WORDS})?",
    # "for a quarter or two"
    "or_two": rf"(?:(?:over|for|within)\s+)?(?:a|one)\s+{_u('o_unit')}\s+or\s+{_n('o_hi')}",
    # "with three months to expiry", "expiring in three months", "6-month puts"
    "expiry": rf"{_n('e_n')}[\s-]+{_u('e_unit')}\s+(?:to|until|before|left\s+to)\s+"
    r"(?:expiry|expiration|maturity|expire)",
    "expiring": rf"expir(?:y|ing|es|ation)\s+(?:in\s+)?(?:about\s+)?{_n('x_n')}\s+{_u('x_unit')}",
    "tenor": rf"{_n('t_n')}-{_u('t_unit')}\s+"
    r"(?:calls?|puts?|call\s+spreads?|put\s+spreads?|options?|expiry|tenor|maturity)",
    # "on a 6-month horizon"
    "span": rf"{_n('s_n')}[\s-]*{_u('s_unit')}\s+{_SPAN_WORDS}",
    # "over the next quarter", "in the coming few weeks"
    "next": rf"(?:(?:over|for|within|in)\s+)?(?:the\s+)?(?:next|coming)\s+"
    rf"(?:{_n('n_n')}\s+|(?P<n_few>few|couple\s+of|several)\s+)?{_u('n_unit')}",
    # "for one month", "over 18 months", "for another quarter"
    "for": rf"(?:for|over|within|across)\s+(?:about\s+|roughly\s+)?(?:the\s+)?"
    rf"(?:{_n('f_n')}[\s-]+|(?P<f_one>another|an?|one\s+more|a\s+further|half\s+a)\s+){_u('f_unit')}",
}
HORIZON = re.compile(r"\b(?:" + "|".join(f"(?P<{k}>{v})" for k, v in HORIZON_FORMS.items()) + r")\b", re.I)
_UNIT_WORD = re.compile(rf"(?:{_UNITS})s?\b", re.I)
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


@dataclass
class _Cue:
    start: int
    end: int
    kind: str


@dataclass
class _Leg:
    hit: _Hit
    side: str | None
    sentence: int
    hedged: bool = False  # the position a hedge protects: an instruction without a name keeps it


@dataclass
class _Reading:
    legs: list[_Leg]
    first_side: str | None  # the side of the first instruction, for a bullet without legs
    triggers: list[tuple[int, int]]  # spans of conditions (if, until, stops): no horizon there


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
        words = common_words()
        self._symbols = {
            t: t for t in companies.by_ticker if t not in _ACRONYMS and t.lower() not in words and (len(t) >= 2)
        }

    def parse(self, decision: Decision, row_entities=()) -> Decision:
        """Fill the structured fields of ``decision`` from its text (in place; returns it). An analyst
        action ("Goldman Sachs Upgrades Agilent to Buy") is read by :mod:`newsdesk.score.analyst`: one
        leg, on the row's own company (``row_entities``, the input's ticker column) when it has one."""
        text = decision.text or ""
        call = read_call(text)
        if call:
            return fill_decision(decision, call, subject_leg(call, text, row_entities, self.companies))
        action = _action(text)
        hits = self._legs(text)
        reading = _read(text, hits)
        legs = _merge(reading.legs)
        direction = _direction(action, legs, reading.first_side)
        options = OPTIONS.search(text)
        sides = {leg["side"] for leg in legs}
        if options:
            structure = "options spread" if "spread" in options.group(0).lower() else "options"
        elif action in ("pair", "rotate") or (
            "long" in sides and sides & {"short", "funding", "reduce"} and _PAIR_WORDS.search(text)
        ):
            structure = "pair"
        elif any(leg.get("basket") for leg in legs) or re.search(r"\bbasket\b", text, re.I) or len(legs) > 1:
            structure = "basket"
        elif len(legs) == 1:
            structure = "single name"
        else:
            structure = None
        horizon_text, lo, hi = _horizon(text, reading.triggers)
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
        # "Price Target", "Block Trade", the broker of "Goldman Sachs Upgrades ...": never a leg
        excluded = [_Hit(a, b, "", None, None) for a, b in excluded_spans(text)]
        for start, end, _key, ids in self._basket_matcher.find(text):
            b = self.baskets[ids[0]]
            hits.append(_Hit(start, end, b.name, None, b.id))
        for ticker, spans in self.companies.mention_spans(text, lenient=True).items():
            company = self.companies.by_ticker[ticker]
            for start, end in spans:
                if not any(h.start < end and start < h.end for h in (*hits, *excluded)):
                    hits.append(_Hit(start, end, company.name, ticker, None))
        for m in _TICKER.finditer(text):
            ticker = self._symbols.get(m.group(1))
            if ticker and not any(h.start < m.end() and m.start() < h.end for h in (*hits, *excluded)):
                hits.append(_Hit(m.start(), m.end(), self.companies.by_ticker[ticker].name, ticker, None))
        hits.sort(key=lambda h: h.start)
        return hits


def _action(text: str) -> str | None:
    for regex, action in _ACTION_RE:
        if regex.match(text):
            return action
    return None


def _cues(text: str, hits: list[_Hit]) -> list[_Cue]:
    """The cue words of ``text`` outside the instrument names, with the noun uses left out."""
    cues = []
    for m in _SCANNER.scan(text):
        kind, start, end = m.kind, m.start, m.end
        if any(h.start < end and start < h.end for h in hits):
            continue
        if kind == "boundary":
            cues.append(_Cue(start, end, kind))
            continue
        word = m.text.lower()
        after = text[end : end + 12]
        if kind == "short" and word.startswith("short") and _NOT_A_SHORT.match(after):
            continue
        if kind == "long" and word.startswith("long") and _NOT_A_LONG.match(after):
            continue
        head = word.split()[0]
        for verb, nouns in _NOUN_BEFORE.items():
            if head.startswith(verb):
                prev = text[max(0, start - 20) : start].split()
                if prev and prev[-1].lower().strip(",") in nouns:
                    kind = "noop"
                break
        cues.append(_Cue(start, end, kind))
    starts = {c.start for c in cues} | {h.start for h in hits}
    for cue in cues:  # "avoid repositioning X": avoid doing something else than a trade keeps X
        if cue.kind == "avoid":
            doing = _DOING.match(text, cue.end)
            if doing and doing.start(1) not in starts:
                cue.kind = "avoid_doing"
    return cues


def _read(text: str, hits: list[_Hit]) -> _Reading:
    """Walk the cues and names of ``text`` left to right and give every name its side."""
    reader = _Reader(text, hits)
    events: list[tuple[int, int, _Cue | _Hit]] = [(c.start, 0, c) for c in _cues(text, hits)]
    events += [(h.start, 1, h) for h in hits]
    events.sort(key=lambda e: (e[0], e[1]))
    for _pos, _order, event in events:
        if isinstance(event, _Hit):
            reader.name(event)
        else:
            reader.cue(event)
    return reader.finish()


class _Reader:
    """The state of one left-to-right reading of a bullet (see the module docstring)."""

    def __init__(self, text: str, hits: list[_Hit]) -> None:
        self.text = text
        self.hits = hits
        self.legs: list[_Leg] = []
        self.triggers: list[tuple[int, int]] = []
        self.instructions: list[tuple[int, str]] = []  # (position, side) of every instruction read
        self.side: str | None = None  # the side the next name takes
        self.kind: str | None = None  # the cue the side came from (what "versus" turns around)
        self.mode: str | None = None  # funding, rotate, hedge or pair: how later cues read
        self.neg_end: int | None = None  # end of a "not" waiting for its verb
        self.avoid_end: int | None = None  # end of an "avoid" waiting for its verb or name
        self.writer_end: int | None = None  # end of "sell / write", which turns options around
        self.scope: str | None = None  # trigger, reason or skip: the names in it are no legs
        self.scope_start = 0
        self.sentence = 0
        self.clause: list[_Leg] = []
        self.pending_option: str | None = None  # options with no name after them yet
        self.objectless: str | None = None  # an instruction that has named nothing yet

    def name(self, hit: _Hit) -> None:
        if self.scope or self.neg_end is not None:  # "buy Microsoft, not Apple": Apple is no leg
            return
        if self.mode == "rotate" and self.kind == "within":  # "rotate within Japan autos from X into Y"
            return
        if self.avoid_end is not None:  # "avoid X and Y": both reduced
            self.side, self.kind, self.avoid_end = "reduce", "avoid", None
        side = _post_noun(self.text, hit.end) or self.side
        if self.mode == "funding" and side in (None, "short"):
            side = "funding"
        leg = _Leg(hit, side, self.sentence, hedged=self.mode == "hedge" and self.side == "hold")
        self.legs.append(leg)
        self.clause.append(leg)
        self.pending_option = self.objectless = self.writer_end = None

    def cue(self, cue: _Cue) -> None:
        k = cue.kind
        if k == "boundary":
            self._boundary(cue)
            return
        if self.scope and not self._leaves_scope(cue):
            return
        if k in ("trigger", "reason", "skip"):
            self._open_scope(cue)
        elif k == "neg":
            self.neg_end = cue.end
        elif k == "avoid":
            self.avoid_end = cue.end
        elif k == "write":
            self.writer_end = cue.end
        elif k in _INSTRUCTIONS or k == "trade":
            self._instruction(cue)
        elif k == "versus" and self.side:
            self._turn_around()
        elif k == "over" and self.side:
            nxt = next((h for h in self.hits if h.start >= cue.end), None)
            if nxt and nxt.start - cue.end <= 25 and not re.search(r"\d", self.text[cue.end : nxt.start]):
                self._turn_around()
        elif k == "funding":
            self.mode, self.side = "funding", "funding"
        elif k == "rotate":
            self.mode, self.side, self.kind = "rotate", "reduce", "reduce"
            self.instructions.append((cue.start, "reduce"))
        elif k == "within" and self.mode == "rotate":
            self.kind = "within"
        elif k in ("from", "to") and self.mode == "rotate":  # "rotate from X into Y", "swap X for Y"
            self.side = self.kind = "reduce" if k == "from" else "long"
        elif k == "to" and self.mode == "prefer" and self.side and self.text[cue.start : cue.end].lower() == "to":
            self._turn_around()
        elif k == "hedge":
            self.mode, self.side, self.kind = "hedge", "hold", "hold"
        elif k == "with" and self.mode in ("hedge", "pair"):
            self.side = self.kind = "short"
        elif k == "with" and self.mode == "rotate":  # "replace X with Y"
            self.side = self.kind = "long"
        elif k == "pair":
            self.mode, self.side, self.kind = "pair", "long", "pair"
            self.instructions.append((cue.start, "long"))

    def finish(self) -> _Reading:
        self._close_clause()
        for leg in self.legs:
            if leg.side is None:  # a name before any instruction takes the next one's side
                leg.side = next((s for p, s in self.instructions if p > leg.hit.start), "hold")
        first = self.instructions[0][1] if self.instructions else None
        return _Reading(self.legs, first, self.triggers)

    def _boundary(self, cue: _Cue) -> None:
        self._close_clause()
        mark = self.text[cue.start : cue.end].strip()
        if mark in (".", "!", "?", ""):
            self.sentence += 1
        self.mode = self.neg_end = self.avoid_end = self.writer_end = None
        self._end_scope(cue.start)
        if mark in (";", ".", "!", "?") and _DESCRIPTION.match(self.text, cue.end):
            # "; the spread captures ...": a reason, not a trade (after ":" an instruction may follow)
            self.scope, self.scope_start = "reason", cue.end

    def _leaves_scope(self, cue: _Cue) -> bool:
        """True when ``cue`` ends the condition, reason or exception it stands in."""
        if self.scope == "skip":
            ends = cue.kind in _INSTRUCTIONS
        else:
            ends = cue.kind in _RESTARTS and bool(_RESTART_BEFORE.search(self.text[self.scope_start : cue.start]))
        if ends:
            self._end_scope(cue.start)
        return ends

    def _open_scope(self, cue: _Cue) -> None:
        if cue.kind == "trigger":
            if self.objectless and not self.text[cue.start - 2 : cue.start].strip():
                self.objectless = None  # "trim if it runs": a plan for later, not an exposure now
            self.triggers.append((cue.start, len(self.text)))
        self.scope, self.scope_start = cue.kind, cue.start

    def _end_scope(self, at: int) -> None:
        if self.scope == "trigger":
            self.triggers[-1] = (self.triggers[-1][0], at)
        self.scope = None

    def _instruction(self, cue: _Cue) -> None:
        k = cue.kind
        side = VERB_SIDE.get(k)
        if k.startswith("opt_") and self.writer_end is not None and cue.start - self.writer_end <= 40:
            k = {"opt_long": "opt_short", "opt_short": "opt_long"}.get(k, k)  # sold puts are long
            side = VERB_SIDE[k]
        if self.avoid_end is not None and cue.start - self.avoid_end <= 12:
            side = AVOIDED.get(_family(k), "hold") if k != "opt_short" else "hold"
        elif self.neg_end is not None and cue.start - self.neg_end <= 30:
            side = NEGATED.get(_family(k), "hold")
        elif k == "trade":  # trading, not negated, says nothing about the exposure
            self.neg_end = self.avoid_end = None
            return
        self.neg_end = self.avoid_end = None
        if k in ("reduce", "short") and re.match(r"sel|sol|sho", self.text[cue.start : cue.start + 3], re.I):
            self.writer_end = cue.end
        if self.mode == "funding" and side == "short":
            side = "funding"
        elif self.mode in ("rotate", "pair", "prefer") and not k.startswith("opt_"):
            self.mode = None
        if k == "overweight" and re.match(r"pref", self.text[cue.start : cue.start + 4], re.I):
            self.mode = "prefer"
        self.side, self.kind = side, k
        self.instructions.append((cue.start, side))
        if k.startswith("opt_"):
            self.pending_option = side
        self.objectless = side if side in ("long", "short", "reduce") else None
        if re.match(r"\s+only\b", self.text[cue.end : cue.end + 6]):
            self.objectless = None  # "accumulate only on pullbacks": a plan for later

    def _turn_around(self) -> None:
        self.side = OPPOSITE.get(self.kind or "", self.side)
        self.kind = self.side if self.side in ("long", "short", "reduce", "hold") else self.kind

    def _close_clause(self) -> None:
        if self.pending_option and self.clause:  # options with no name after them: on the name before
            hedged = [leg for leg in self.clause if leg.hedged]
            if hedged and self.pending_option == "short":  # "hedge TSMC exposure with put spreads"
                for leg in hedged:
                    leg.side = "short"
            elif not hedged:
                self.clause[-1].side = self.pending_option
        if self.objectless:
            _upgrade_holds(self.legs, self.sentence, self.objectless)
        self.pending_option = self.objectless = None
        self.clause.clear()


def _family(kind: str) -> str:
    """The verb family of a cue kind, for what negation makes of it."""
    return {"overweight": "long", "opt_long": "long", "opt_short": "short", "opt_hold": "hold"}.get(kind, kind)


def _post_noun(text: str, end: int) -> str | None:
    """The side a position noun right after a name gives it ("Japan defense longs", "Tesla puts")."""
    m = _POST_NOUN.match(text, end)
    if not m:
        return None
    word = re.sub(r"\s+", " ", m.group(1).lower())
    if word in ("long", "short", "overweight", "underweight") and not _POST_SINGULAR_END.match(text, m.end()):
        return None
    if word.startswith("put"):
        return "short"
    if word.startswith("call"):
        return "long"
    return _POST_SIDE.get(word)


def _upgrade_holds(legs: list[_Leg], sentence: int, side: str) -> None:
    """An instruction with no name of its own applies to the names held before it ("hold X and add")."""
    for leg in legs:
        if leg.sentence == sentence and leg.side == "hold" and not leg.hedged:
            leg.side = side


def _merge(legs: list[_Leg]) -> list[dict]:
    """One leg per instrument: its first side other than hold, else hold."""
    out: dict[str, dict] = {}
    for leg in legs:
        h = leg.hit
        ref = h.ticker or f"basket:{h.basket}"
        side = leg.side or "hold"
        if ref in out:
            if out[ref]["side"] == "hold" and side != "hold":
                out[ref]["side"] = side
            continue
        entry = {"name": h.name, "side": side}
        if h.ticker:
            entry["ticker"] = h.ticker
        if h.basket:
            entry["basket"] = h.basket
        out[ref] = entry
    return list(out.values())


def _direction(action: str | None, legs: list[dict], first_side: str | None) -> str | None:
    if action == "hedge":
        return "hedge"
    sides = {leg["side"] for leg in legs}
    if not sides:
        sides = {first_side} if first_side else set()
    if "long" in sides:
        return "relative" if sides & {"short", "funding", "reduce"} else "bullish"
    if sides & {"short", "funding", "reduce"}:
        return "bearish"
    if "hold" in sides:
        return "neutral"
    return None


def _number(token: str | None) -> float | None:
    if token is None:
        return None
    token = " ".join(token.lower().split())
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

    "next 3-6 months" → 90..180; "6-12 month horizon" → 180..365; "next two weeks" → 14..14;
    "one to two quarters" → 90..180; "for one month" → 30..30; "with three months to expiry" → 90..90.
    """
    return _horizon(text, [])


def _horizon(text: str, excluded: list[tuple[int, int]]) -> tuple[str | None, int | None, int | None]:
    """The first stated horizon of ``text`` outside the ``excluded`` spans (conditions and stops)."""
    for lo_pos, hi_pos in _unit_windows(text):
        for m in HORIZON.finditer(text, lo_pos, hi_pos):
            days = _horizon_days(m)
            if days and not any(a <= m.start() < b for a, b in excluded):
                return m.group(0).strip(), days[0], days[1]
    return None, None, None


def _horizon_days(m: re.Match) -> tuple[int, int] | None:
    """(min days, max days) of one :data:`HORIZON` match."""
    if m.group("range"):
        a, b = _number(m.group("r_lo")), _number(m.group("r_hi"))
        if a is None or b is None:
            return None
        lo, hi = sorted((a, b))
        return to_days(lo, m.group("r_unit")), to_days(hi, m.group("r_unit"))
    if m.group("or_two"):
        n = _number(m.group("o_hi")) or 1.0
        return to_days(1, m.group("o_unit")), to_days(n, m.group("o_unit"))
    if m.group("next"):  # "the coming months" with no number: a few
        plural = m.group("next").split()[-1].lower() != m.group("n_unit").lower()
        vague = "few" if plural else "one"
        n = _number(m.group("n_n")) or _number((m.group("n_few") or vague).split()[0])
        return to_days(n, m.group("n_unit")), to_days(n, m.group("n_unit"))
    if m.group("for"):
        n = _number(m.group("f_n") or m.group("f_one"))
        return (to_days(n, m.group("f_unit")),) * 2 if n else None
    for form, number, unit in (
        ("expiry", "e_n", "e_unit"),
        ("expiring", "x_n", "x_unit"),
        ("tenor", "t_n", "t_unit"),
        ("span", "s_n", "s_unit"),
    ):
        if m.group(form):
            n = _number(m.group(number))
            return (to_days(n, m.group(unit)),) * 2 if n else None
    return None


def _unit_windows(text: str) -> list[tuple[int, int]]:
    """Stretches of ``text`` around its time units: every horizon form ends in a unit, so the
    forms need not be tried over the rest of the bullet."""
    windows: list[tuple[int, int]] = []
    for m in _UNIT_WORD.finditer(text):
        lo, hi = max(0, m.start() - 60), min(len(text), m.end() + 30)
        if windows and lo <= windows[-1][1]:
            windows[-1] = (windows[-1][0], hi)
        else:
            windows.append((lo, hi))
    return windows


def parse_conditions(text: str) -> str | None:
    """Stops, triggers and targets of a decision, joined with ``; ``."""
    parts = []
    for regex in (STOPS, TARGETS, TRIGGERS):
        for m in regex.finditer(text):
            phrase = re.sub(r"^(use|with|keep)\s+", "", m.group(0).strip(" ,;."), flags=re.I)
            if phrase and phrase.lower() not in (p.lower() for p in parts):
                parts.append(phrase)
    return "; ".join(parts) or None
