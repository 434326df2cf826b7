"""Companies mentioned by an article, with a relevance and their own sentiment.

Names and aliases from ``data/companies.csv`` are matched as whole words (Aho-Corasick). A name
that is also an ordinary English word ("Target", "Shell", "Block") is tagged only with a second
cue: written with a capital and either followed by a corporate word ("Shell plc", "Target's
shares"), accompanied by its ticker, or backed by an unambiguous name of the same company in the
same article; so does a one-word name at the start of a sentence, where every word is capitalised
(there a corporate headline verb after it is a cue: "Burberry to cut 500 jobs", "Shell posts profit").
A capitalised name only matches where the text capitalises it too ("frontline
workers" is not Frontline), and short all-capital aliases ("MHI", "UPS") must match their case exactly.

The listing universe (``data/listings.csv``) adds every other listed company under its formal name
without the legal form ("Delta Air Lines", "Agilent Technologies"), and under the first word of that
name when it is no ordinary word, no name the lexicon knows ("German", "York") and starts no other
company's name ("Agilent"); such a head word needs a second cue like a one-word name and never
follows another capitalised word ("New York Stock Exchange" is not York Water). A universe name of
one ordinary word ("Compass"; "City" of City Holding) is found by its ticker only; an acronym ("VAT",
"ISS") or an index word ("Dow", "Nasdaq") needs its ticker written beside it, an exchange-prefixed
ticker or a corporate word after it, in every path (trade-idea bullets included); a name of two
ordinary words ("Energy Transfer") needs a second cue like the curated ones. In a bullet, a
curated ordinary-word name inside a longer capitalised phrase ("Raises Price Target", "Block Trade",
"Target Date") is not a company either. A broker writing a rating is the author, not a company the
text is about ("Goldman Sachs Upgrades Agilent to Buy", "... Upgraded to Buy at Citi"): see
:data:`AUTHOR_AFTER` and :data:`AUTHOR_BEFORE`.

Which listing: a company named in text is booked to its curated ticker (its home listing in
``companies.csv``, e.g. Barrick -> ABX.TO, ABB -> ABBN.SW), else to the first universe line with
its name (the U.S. line where there is one). The text says otherwise with an exchange-prefixed ticker
("NYSE: GOLD", "(NASDAQ:TSLA)"), which names that listing, and an input row's ticker column names
the article's own listing (see :func:`merge_given`).
"""

from __future__ import annotations

import importlib.util
import re
from bisect import bisect_left, bisect_right
from collections.abc import Set
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from newsdesk.domain.models import Entity
from newsdesk.domain.reference import Company, load_companies, load_listings, lookup, name_key, plain_name, short_name
from newsdesk.score import finance
from newsdesk.score.matcher import PhraseMatcher

CORPORATE_WORDS = re.compile(
    r"^(?:'s|’s)?\s*(?:inc|corp|corporation|co|company|plc|ltd|limited|ag|sa|se|nv|group|holdings|"
    r"shares|stock|share|ceo|chief|executive|board|investors|results|earnings|revenue|sales|profit)\b",
    re.I,
)
# What follows a company's name at the start of a headline: a corporate verb ("Burberry to cut 500
# jobs", "Shell posts record profit", "Target says ...") or a company noun ("Next boss ..."). A name
# followed by anything else ("Target practice", "Shell shock", "Apple pie") needs another cue.
HEADLINE_VERBS = (
    r"cut|cuts|buy|buys|sell|sells|acquire|acquires|merge|merges|close|closes|open|opens|axe|axes|shed|sheds|"
    r"slash|slashes|raise|raises|lift|lifts|lower|lowers|hike|hikes|pay|pays|invest|invests|hire|hires|"
    r"create|creates|launch|launches|unveil|unveils|recall|recalls|sue|sues|settle|settles|exit|exits|"
    r"list|lists|float|floats|scrap|scraps|shut|shuts|split|splits|spin|spins|restructure|restructures|"
    r"appoint|appoints|name|names|report|reports|reported|post|posts|posted|say|says|said|beat|beats|"
    r"miss|misses|missed|warn|warns|warned|see|sees|expect|expects|plan|plans|agree|agrees|agreed|"
    r"sign|signs|signed|win|wins|won|file|files|filed|confirm|confirms|confirmed|announce|announces|"
    r"announced|reject|rejects|rejected|swing|swings|swung|resume|resumes|suspend|suspends|bid|bids|"
    r"fined|sued|upgraded|downgraded"
)
# a price move only with an amount or a reason after it: "Apple falls 3%", not "Apple falls far"
MOVE_VERBS = (
    r"slump|slumps|plunge|plunges|jump|jumps|soar|soars|surge|surges|tumble|tumbles|rally|rallies|sink|sinks|"
    r"slide|slides|fall|falls|rise|rises|gain|gains|climb|climbs|drop|drops|rose|fell|jumped|slumped"
)
HEADLINE_FOLLOWERS = re.compile(
    rf"^(?:(?:to|will|set\s+to|plans\s+to|agrees\s+to|moves\s+to|seeks\s+to)\s+(?:{HEADLINE_VERBS})\b|"
    rf"(?:{HEADLINE_VERBS})\b|(?:{MOVE_VERBS})\s+(?:[$£€]?\d|on\b|after\b|as\b)|"
    r"boss\b|chairman\b|profits?\b|quarterly\b|(?:first|second|third|fourth|full|half)[- ](?:quarter|year)\b|"
    r"q[1-4]\b|h[12]\b)",
    re.I,  # a Title Case headline capitalises the verb too: "Burberry To Cut 500 Jobs", "Shell Posts Profit"
)
SYMBOL = re.compile(r"\$?\b[A-Z][A-Z0-9\-]{1,9}\b")
# "NYSE: DAL", "(NASDAQ:TSLA)", "TSX: ABX": an exchange names the listing
EXCHANGE_TICKER = re.compile(
    r"\b(?:NYSE(?:\s?American|\s?Arca|\s?MKT)?|NASDAQ|Nasdaq|AMEX|NYSEAMERICAN|BATS|Cboe|CBOE|OTC)\s*:\s*"
    r"\$?([A-Z][A-Z0-9]{0,5}(?:[.\-][A-Z]{1,2})?)\b"
)
# A broker writing a rating is the author of the news, not a company it is about: "Goldman Sachs Upgrades
# Agilent to Buy", "Morgan Stanley Maintains Equal-Weight on X, Lowers Price Target", "X Upgraded to Buy at
# Citi". Rating verbs after a name, with a rating, coverage or a price target in the same clause; or the
# name after "at/by/from" that follows a rating action or a price target ("Overweight miners, led by
# Newmont" is no rating).
_RATING = (
    r"(?:strong[- ])?(?:buy|sell|hold|neutral|outperform|underperform|overweight|underweight|equal[- ]weight|"
    r"(?:market|sector|peer)[- ]perform|in[- ]line|positive|negative|accumulate|reduce|coverage|price\s+target|"
    r"target\s+price|pt|rating|estimates?)"
)
AUTHOR_AFTER = re.compile(
    r"^(?:'s|’s)?(?:\s+(?:analysts?|research|securities|capital\s+markets))?\s+"
    r"(?:(?:upgrades?|downgrades?|initiates?|assumes?|resumes?|reinstates?|reiterates?|maintains?|starts?|"
    r"begins?)\b[^.;:!?]{0,80}?\b"
    rf"{_RATING}\b|(?:raises?|lowers?|cuts?|boosts?|trims?|lifts?|sets?|ups?)\s+(?:its\s+|the\s+)?"
    r"(?:price\s+target|target\s+price|pt)\b)",
    re.I,
)
RATING_HINT = re.compile(
    r"upgrade|downgrade|initiat|assume|resume|reinstat|reiterat|maintain|target|\bPT\b|coverage|rating", re.I
)
RATING_VERB = re.compile(r"(?:'s|’s)?\s+(?:upgrades?|downgrades?)\s+", re.I)
AUTHOR_BEFORE = re.compile(
    r"\b(?:upgraded|downgraded|upgrades?|downgrades?|initiated|reiterated|maintained|resumed|assumed|"
    r"price\s+target|target\s+price|pt|rating|coverage)\b[^.;:!?]{0,50}?\b(?:at|by|from)\s+$",
    re.I,
)
# the company a rating is about: "Upgrades Apple", "Price Target on Apple", "Maintains Buy on Apple"
RATED_SUBJECT = re.compile(
    r"\b(?:upgrades?|downgrades?|(?:initiates?|assumes?|resumes?|reinstates?|starts?|begins?)\s+coverage\s+(?:on|of)|"
    r"(?:price\s+target|target\s+price|pt|rating|coverage)\s+(?:on|of|for)|"
    r"(?:maintains?|reiterates?)\s+[\w\- ]{1,25}?\s+(?:on|for))\s+$",
    re.I,
)
# market indexes that share a word with a company (Dow Inc., Nasdaq Inc.): such a name needs a ticker or a
# corporate word after it
INDEX_WORDS = frozenset("dow nasdaq nikkei ftse dax cac russell stoxx kospi sensex nifty topix hang".split())
LEGAL_AFTER = re.compile(r"^(?:'s|’s)?\s*(?:inc|corp|corporation|co|company|plc|group|ceo|chief)\b", re.I)
# words newer than the lexicon that head no company's name ("Bitcoin" is not Bitcoin Depot)
NOT_HEADS = frozenset(
    "bitcoin ethereum crypto cryptocurrency blockchain covid coronavirus brexit fintech biotech metaverse "
    "internet online digital cyber cannabis".split()
)
# a trade verb before a bullet's ordinary-word name: "Short Target", "Buy Block"
TRADE_WORDS = frozenset(
    "buy sell short long trim add avoid hold own underweight overweight accumulate reduce exit cover keep "
    "maintain watch stay favor favour prefer like wait monitor hedge protect trade take lighten cut close open "
    "fund pair rotate switch and or versus vs against into from in of on over than with".split()
)
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"“])")


@lru_cache(maxsize=1)
def _lexicon_words() -> tuple[frozenset[str], frozenset[str]]:
    """The first words of the lines of TextBlob's part-of-speech lexicon, read once: those written in
    lower case, and the lower-case forms of those written with a capital."""
    spec = importlib.util.find_spec("textblob")  # located, not imported: importing it is slow
    path = Path(spec.origin if spec and spec.origin else "textblob").parent / "en" / "en-lexicon.txt"
    lower, names = set(), set()
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            word = line.split(" ", 1)[0]
            first = word[:1]
            if first.islower():
                lower.add(word)
            elif first.isupper():
                names.add(word.lower())
    return frozenset(lower), frozenset(names)


def lexicon_names() -> frozenset[str]:
    """Lower-case forms of the capitalised words of the TextBlob lexicon: nationalities, places and other
    names ("German", "York") that are no company's own word."""
    return _lexicon_words()[1]


def common_words() -> frozenset[str]:
    """Lower-case ordinary English words, from the part-of-speech lexicon TextBlob ships."""
    return _lexicon_words()[0]


@dataclass(frozen=True)
class Alias:
    """One way of writing a company's name."""

    company: Company
    text: str
    ambiguous: bool
    exact_case: bool
    strict: bool = False  # one ordinary word or an acronym from the universe: only a ticker or corporate word backs it
    head: bool = False  # the first word of a universe name ("Agilent"): never after another capitalised word


class CompanyMatcher:
    """Finds listed companies in text: the curated companies, then the listing universe by name."""

    def __init__(
        self, companies: tuple[Company, ...] | None = None, listings: tuple[Company, ...] | None = None
    ) -> None:
        companies = companies if companies is not None else load_companies()
        listings = listings if listings is not None else load_listings()
        common = common_words()
        phrases = []
        # by_ticker: the curated companies, and each universe company once the text has named it (so a
        # caller that lists by_ticker at start, as the decision parser does for written tickers such as
        # NVDA, lists the curated ones only: "NHS", "FCA", "WTO" are tickers too); listings: every one
        self.by_ticker = {c.ticker: c for c in companies}
        self.listings = dict(self.by_ticker)
        self._names: dict[str, set[str]] = {}  # ticker -> plain names, to tell two listings of one company
        names = set()
        heads: dict[str, list[tuple[str, Company]]] = {}  # first word of universe names -> (word, company)
        for c in companies:
            for text in (c.name, *c.aliases):
                plain = text.strip()
                if not plain:
                    continue
                names.add(plain_name(plain))
                self._names.setdefault(c.ticker, set()).add(plain_name(plain))
                ambiguous = plain.lower() in common
                exact = len(plain) <= 5 and plain.isupper()
                phrases.append((plain, Alias(c, plain, ambiguous, exact)))
        for c in listings:
            if c.ticker in self.listings:
                continue
            self.listings[c.ticker] = c
            if c.kind != "stock":
                continue  # ETFs and notes by ticker only
            text = c.short or short_name(c.name)
            key = name_key(text)
            self._names[c.ticker] = {key}
            if not key or key in names:
                continue  # a curated company's or an earlier line's name keeps its listing
            names.add(key)
            words = [w.strip(".'&-").lower() for w in text.split()]
            if len(text) < 3 or not all(words):
                continue
            ordinary = all(w in common for w in words)
            exact = len(text) <= 5 and text.isupper()
            ambiguous = len(words) == 1 or (ordinary and len(words) == 2)
            if len(words) == 1 and ordinary:
                continue  # "Compass", "City" (City Holding): found by ticker only
            strict = len(words) == 1 and (exact or words[0] in INDEX_WORDS)  # "VAT", "ISS", "Dow"
            phrases.append((text, Alias(c, text, ambiguous, exact, strict=strict)))
            first = text.split()[0].strip(",.")
            if len(words) > 1 and len(first) >= 4 and not first.isupper() and words[0] not in common:
                heads.setdefault(name_key(first), []).append((first, c))
        proper = lexicon_names()
        for key, lines in heads.items():  # "Agilent" of Agilent Technologies: only the one company so named
            if len(lines) == 1 and key not in names and key not in proper and key not in NOT_HEADS:
                first, c = lines[0]
                phrases.append((first, Alias(c, first, True, False, head=True)))
        self._matcher = PhraseMatcher(phrases)
        # the last text's spans (never more: each article's texts are read afresh)
        self._last: tuple[tuple[str, bool] | None, dict[str, list[tuple[int, int]]]] = (None, {})

    def mentions(self, text: str, lenient: bool = False) -> dict[str, list[int]]:
        """Ticker -> character offsets of the accepted mentions in ``text``. With ``lenient``
        (text that is known to name instruments, such as a trade idea) a capitalised ambiguous
        name needs no second cue."""
        return {t: [start for start, _end in spans] for t, spans in self.mention_spans(text, lenient).items()}

    def mention_spans(self, text: str, lenient: bool = False) -> dict[str, list[tuple[int, int]]]:
        """Ticker -> ``(start, end)`` of the accepted mentions in ``text`` (see :meth:`mentions`)."""
        key = (text, lenient)
        if self._last[0] == key:  # a pure function of the text: the pipeline asks again for a headline alone
            spans = self._last[1]
        else:
            spans = self._mention_spans(text, lenient)
            self._last = (key, spans)
        return {t: list(s) for t, s in spans.items()}

    def _mention_spans(self, text: str, lenient: bool) -> dict[str, list[tuple[int, int]]]:
        found: dict[str, list[tuple[int, int]]] = {}
        pending: list[tuple[Alias, int, int]] = []
        for start, end, _key, aliases in self._matcher.find(text):
            original = text[start:end]
            for alias in aliases:
                if alias.exact_case and original != alias.text:
                    continue
                if alias.text[0].isupper() and not original[0].isupper():
                    continue  # a proper name written in lower case is an ordinary word here
                opener = " " not in alias.text and not alias.exact_case and _sentence_start(text, start)
                if alias.ambiguous or opener:
                    pending.append((alias, start, end))
                    continue
                found.setdefault(alias.company.ticker, []).append((start, end))
                break
        # a mention accepted on its own cue backs the others of its company: a second pass accepts the
        # ones the first left whose company it found meanwhile (their other cues do not change)
        rest = []
        rated = _may_rate(text) if pending else False
        for alias, start, end in pending:
            if self._cue_blocked(text, alias, start):
                continue
            if alias.company.ticker in found or self._own_cue(text, alias, start, lenient, rated):
                found.setdefault(alias.company.ticker, []).append((start, end))
            else:
                rest.append((alias, start, end))
        for alias, start, end in rest:
            if alias.company.ticker in found:
                found[alias.company.ticker].append((start, end))
        if _rating_hint(text):  # most texts rate nothing: skip the author checks
            starts = {sp[0] for spans in found.values() for sp in spans}
            for ticker, spans in list(found.items()):
                spans[:] = [sp for sp in spans if not _author(text, *sp, starts)]
                if not spans:
                    del found[ticker]
        for m in EXCHANGE_TICKER.finditer(text) if ":" in text else ():
            company = lookup(m.group(1))
            for ticker, spans in list(found.items()):  # the exchange word is no company ("NASDAQ:TSLA")
                spans[:] = [sp for sp in spans if not (sp[0] < m.start(1) and m.start() < sp[1])]
                if not spans or (company and ticker != company.ticker and self.same_company(ticker, company.ticker)):
                    del found[ticker]  # the named listing wins over another line of the same company
            if company and company.ticker in self.listings:
                found.setdefault(company.ticker, []).append((m.start(1), m.end(1)))
        for ticker, spans in found.items():
            spans.sort()
            self.by_ticker.setdefault(ticker, self.listings[ticker])
        return found

    def same_company(self, a: str, b: str) -> bool:
        """True when tickers ``a`` and ``b`` are two listings of one company: one symbol on two markets
        (ABX, ABX.TO), a curated name or alias of the one written as the other ("ABB" for ABB), or the
        same name without its legal form."""
        if a == b or a.split(".")[0] == b.split(".")[0]:
            return True
        names_a, names_b = self._names.get(a, set()), self._names.get(b, set())
        return bool(names_a & names_b) or a.lower() in names_b or b.lower() in names_a

    def merge_given(self, given: list[Entity], found: list[Entity]) -> list[Entity]:
        """The entities of an article whose input names its own tickers (a ``stock``/``ticker`` column,
        Alpha Vantage's ``ticker_sentiment``): the given ones first, each with its company's name when
        the curated list or the universe knows the ticker, else the name of the same company found in
        the text, else the ticker itself; then the
        found ones that are not another listing of a given company (the row names the listing)."""
        out = []
        for e in given:
            company = self.listings.get(e.ticker) or lookup(e.ticker)
            if company and e.name == e.ticker:
                e.name = company.name
            if company and company.ticker != e.ticker:
                e.ticker = company.ticker  # the universe's spelling: BRK.B -> BRK-B
            twin = next((f for f in found if self.same_company(f.ticker, e.ticker)), None)
            if twin and e.name == e.ticker:
                e.name = twin.name  # a row's old U.S. symbol (ABX) named by its company found in the text
            out.append(e)
        tickers = [e.ticker for e in given]
        out += [e for e in found if not any(self.same_company(e.ticker, t) for t in tickers)]
        return out

    def _second_cue(self, text: str, alias: Alias, start: int, found: dict[str, list], lenient: bool = False) -> bool:
        """Whether an ambiguous name or a sentence's first word at ``start`` has a second cue."""
        if self._cue_blocked(text, alias, start):
            return False
        return alias.company.ticker in found or self._own_cue(text, alias, start, lenient, _may_rate(text))

    @staticmethod
    def _cue_blocked(text: str, alias: Alias, start: int) -> bool:
        """No cue makes this a company: written in lower case, or a universe name's head word after
        another capitalised word ("New York Stock Exchange" is not York Water)."""
        if not text[start].isupper():
            return True
        return alias.head and not _sentence_start(text, start) and _after_capitalised(text, start)

    @staticmethod
    def _own_cue(text: str, alias: Alias, start: int, lenient: bool, rated: bool) -> bool:
        """The cues of a mention that do not depend on the other mentions found (``rated``: whether
        the text may hold a :data:`RATED_SUBJECT`, :func:`_may_rate`)."""
        after = text[start + len(alias.text) : start + len(alias.text) + 40].lstrip(" ,")
        if (LEGAL_AFTER if alias.text.lower() in INDEX_WORDS else CORPORATE_WORDS).match(after):
            return True  # an index word takes a legal form only: "Nasdaq Inc", not "Nasdaq stocks"
        if rated and RATED_SUBJECT.search(text[max(0, start - 60) : start]):
            return True
        symbol = alias.company.ticker.split(".")[0]
        if len(symbol) >= 2 and symbol != alias.text.upper() and symbol in text and symbol in _symbols(text):
            return True  # the ticker written beside the name (not the name itself: "ISS operations")
        if alias.strict:
            return False
        if _sentence_start(text, start) and HEADLINE_FOLLOWERS.match(after):
            return True
        return lenient and (not alias.ambiguous or _alone(text, start, start + len(alias.text)))

    def entities(
        self,
        title: str,
        summary: str,
        body: str,
        decisions: str = "",
        sentences: list[finance.SentenceScore] | None = None,
    ) -> list[Entity]:
        """Companies of an article: mentions counted over title, summary, body and the decision
        bullets (where a capitalised ambiguous name needs no second cue); relevance from a title
        mention (0.5), a lead mention (0.25) and the count; sentiment from the scored sentences that
        mention the company. ``sentences`` are the scored sentences of
        ``article_text(title, summary, body)`` when the caller has them already."""
        text = article_text(title, summary, body)
        found = self.mentions(text)
        in_decisions = self.mentions(decisions, lenient=True) if decisions else {}
        if not found and not in_decisions:
            return []
        if sentences is None:
            sentences = finance.sentence_scores(text)
        bullets = finance.sentence_scores(decisions) if in_decisions else []
        lead_end = len(title) + 2 + len(_lead(summary or body))
        out = []
        starts, bullet_starts = _apart(sentences), _apart(bullets)
        for ticker in {**found, **in_decisions}:
            offsets = found.get(ticker, [])
            extra = in_decisions.get(ticker, [])
            own = _holding(sentences, offsets, starts) + _holding(bullets, extra, bullet_starts)
            in_title = bool(title) and any(o < len(title) for o in offsets)
            in_lead = any(o < lead_end for o in offsets)
            count = len(offsets) + len(extra)
            relevance = min(1.0, 0.5 * in_title + 0.25 * in_lead + 0.1 * min(count, 5) + 0.05)
            sentiment = finance.aggregate([(s, 1.0) for s in own]).score if own else None
            out.append(
                Entity(
                    ticker,
                    self.by_ticker[ticker].name,
                    count,
                    round(relevance, 3),
                    None if sentiment is None else round(sentiment, 4),
                )
            )
        out.sort(key=lambda e: (-(e.relevance or 0), -e.mentions, e.ticker))
        return out


def article_text(title: str, summary: str, body: str) -> str:
    """Title, summary and body joined by blank lines: the text offsets refer to."""
    return "\n\n".join(p for p in (title, summary, body) if p)


@lru_cache(maxsize=8)
def _symbols(text: str) -> frozenset[str]:
    """Upper-case words of ``text`` (candidate tickers such as TGT or $AAPL)."""
    return frozenset(m.group(0).lstrip("$") for m in SYMBOL.finditer(text))


_HINT_WORDS = (
    "upgrade", "downgrade", "initiat", "assume", "resume", "reinstat", "reiterat", "maintain", "target", "coverage",
    "rating",
)  # fmt: skip
PT_WORD = re.compile(r"\bPT\b", re.I)
_WORD_CHARS = frozenset("_'&.-")


def _rating_hint(text: str) -> bool:
    """``RATING_HINT.search(text)``; for ASCII text by substring tests of the lower-cased text (the same
    answer: a case-insensitive match of ASCII words in ASCII text is a match in its lower-case form)."""
    if not text.isascii():
        return RATING_HINT.search(text) is not None
    low = text.lower()
    return any(map(low.__contains__, _HINT_WORDS)) or ("pt" in low and PT_WORD.search(text) is not None)


_RATED_WORDS = ("upgrade", "downgrade", "coverage", "target", "pt", "rating", "maintain", "reiterat")


def _may_rate(text: str) -> bool:
    """False when no part of ``text`` can match :data:`RATED_SUBJECT`: an ASCII text without any of
    the words each of its forms holds (in any case)."""
    if not text.isascii():
        return True
    low = text.lower()
    return any(map(low.__contains__, _RATED_WORDS))


def _after_capitalised(text: str, start: int) -> bool:
    r"""``re.search(r"[A-Z][\w'&.-]*[ \t]+$", text[:start])`` for a name not at a sentence start (so
    not after a newline, where ``$`` would match too), read backwards from ``start`` instead of trying
    every position of the text before it: blanks right before ``start``, and an ASCII capital in the
    run of word characters (and ' & . -) before them."""
    i = start
    while i > 0 and text[i - 1] in " \t":
        i -= 1
    if i == start:
        return False
    j = i
    while j > 0 and (text[j - 1].isalnum() or text[j - 1] in _WORD_CHARS):
        j -= 1
    return any("A" <= c <= "Z" for c in text[j:i])


def _author(text: str, start: int, end: int, starts: Set[int] = frozenset()) -> bool:
    """True when the name at ``text[start:end]`` is a broker writing a rating (:data:`AUTHOR_AFTER`,
    :data:`AUTHOR_BEFORE`), or upgrades or downgrades another company named right after the verb
    ("Goldman Sachs Upgrades Advance Auto Parts"; "Apple Upgrades iPhone Camera" stays Apple's)."""
    if AUTHOR_AFTER.match(text[end : end + 120]) or AUTHOR_BEFORE.search(text[max(0, start - 70) : start]):
        return True
    verb = RATING_VERB.match(text[end : end + 30])
    return verb is not None and end + verb.end() in starts


def _alone(text: str, start: int, end: int) -> bool:
    """True when the name at ``text[start:end]`` is not part of a longer capitalised phrase or an index: neither
    the word before it (unless a trade verb such as "Short") nor the word after it is capitalised, and no
    number follows it ("Nasdaq 100")."""
    before = re.search(r"([A-Za-z][\w'&.-]*)[ \t]+$", text[max(0, start - 30) : start])
    after = re.match(r"[ \t]+([A-Za-z0-9][\w'&.-]*)", text[end : end + 30])
    if before and before.group(1)[0].isupper() and before.group(1).lower() not in TRADE_WORDS:
        return False
    return not (after and (after.group(1)[0].isupper() or after.group(1)[0].isdigit()))


def _sentence_start(text: str, start: int) -> bool:
    """True when ``start`` opens the text, a line or a sentence (where any word is capitalised)."""
    before = text[max(0, start - 3) : start].rstrip(" \t\"“'(")
    return not before or before[-1] in ".!?\n:;"


def _apart(sentences: list[finance.SentenceScore]) -> list[int] | None:
    """The sentences' starts when they come in order and apart (an offset is then in one sentence at
    most: the last that starts at or before it), else None."""
    for a, b in zip(sentences, sentences[1:], strict=False):
        if not a.start <= a.end <= b.start:
            return None
    if sentences and sentences[-1].start > sentences[-1].end:
        return None
    return [s.start for s in sentences]


def _holding(
    sentences: list[finance.SentenceScore], offsets: list[int], starts: list[int] | None = None
) -> list[finance.SentenceScore]:
    """The sentences, in order, that hold one of ``offsets`` (``start <= o < end``); ``starts`` from
    :func:`_apart` (sentences in order and apart) finds each offset's sentence by bisection."""
    if not offsets:
        return []
    if starts is not None:
        held = set()
        for o in offsets:
            i = bisect_right(starts, o) - 1
            if i >= 0 and o < sentences[i].end:
                held.add(i)
        return [sentences[i] for i in sorted(held)]
    ordered = sorted(offsets)
    out = []
    for s in sentences:
        i = bisect_left(ordered, s.start)
        if i < len(ordered) and ordered[i] < s.end:
            out.append(s)
    return out


def _lead(text: str) -> str:
    """The first two sentences of ``text`` (split at :data:`SENTENCE_END`; the rest is not read)."""
    spans, start = [], 0
    for m in SENTENCE_END.finditer(text):
        spans.append((start, m.start()))
        start = m.end()
        if len(spans) == 2:
            break
    else:
        if start < len(text):
            spans.append((start, len(text)))
    return text[: spans[min(1, len(spans) - 1)][1]] if spans else ""
