"""A decision bullet's horizon and conditions: "for the next 3-6 months", "a quarter or two",
"6-month puts" as text and days (:func:`parse_horizon`); stops, triggers and targets
(:func:`parse_conditions`). Read by :mod:`newsdesk.score.decisions`."""

from __future__ import annotations

import re

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
        n = _number(m.group("n_n")) or _number((m.group("n_few") or vague).split()[0]) or 1.0
        return to_days(n, m.group("n_unit")), to_days(n, m.group("n_unit"))
    if m.group("for"):
        count = _number(m.group("f_n") or m.group("f_one"))
        return (to_days(count, m.group("f_unit")),) * 2 if count else None
    for form, number, unit in (
        ("expiry", "e_n", "e_unit"),
        ("expiring", "x_n", "x_unit"),
        ("tenor", "t_n", "t_unit"),
        ("span", "s_n", "s_unit"),
    ):
        if m.group(form):
            count = _number(m.group(number))
            return (to_days(count, m.group(unit)),) * 2 if count else None
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
    parts: list[str] = []
    for regex in (STOPS, TARGETS, TRIGGERS):
        for m in regex.finditer(text):
            phrase = re.sub(r"^(use|with|keep)\s+", "", m.group(0).strip(" ,;."), flags=re.I)
            if phrase and phrase.lower() not in (p.lower() for p in parts):
                parts.append(phrase)
    return "; ".join(parts) or None
