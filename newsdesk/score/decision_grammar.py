"""The grammar tables a decision bullet is read with (see :mod:`newsdesk.score.decisions` for how):
the exposures a leg takes (:data:`SIDES`), the leading actions, the cue words and what side each
sets, negation and opposites, position nouns, written tickers."""

from __future__ import annotations

import re

from newsdesk.score.cuewords import CueScanner

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
