"""Companies mentioned by an article, with a relevance and their own sentiment.

Names and aliases from ``data/companies.csv`` are matched as whole words (Aho-Corasick). A name
that is also an ordinary English word ("Target", "Shell", "Block") is tagged only with a second
cue: written with a capital and either followed by a corporate word ("Shell plc", "Target's
shares"), accompanied by its ticker, or backed by an unambiguous name of the same company in the
same article; so does a one-word name at the start of a sentence, where every word is capitalised
(there a corporate headline verb after it is a cue: "Burberry to cut 500 jobs", "Shell posts profit").
A capitalised name only matches where the text capitalises it too ("frontline
workers" is not Frontline), and short all-capital aliases ("MHI", "UPS") must match their case exactly.
"""

from __future__ import annotations

import importlib.util
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from newsdesk.models import Entity
from newsdesk.reference import Company, load_companies
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
    r"q[1-4]\b|h[12]\b)"
)
SYMBOL = re.compile(r"\$?\b[A-Z][A-Z0-9\-]{1,9}\b")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"“])")


@lru_cache(maxsize=1)
def common_words() -> frozenset[str]:
    """Lower-case ordinary English words, from the part-of-speech lexicon TextBlob ships."""
    spec = importlib.util.find_spec("textblob")  # located, not imported: importing it is slow
    path = Path(spec.origin).parent / "en" / "en-lexicon.txt"
    words = set()
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            word = line.split(" ", 1)[0]
            if word and word[0].islower():
                words.add(word)
    return frozenset(words)


@dataclass(frozen=True)
class Alias:
    """One way of writing a company's name."""

    company: Company
    text: str
    ambiguous: bool
    exact_case: bool


class CompanyMatcher:
    """Finds listed companies in text."""

    def __init__(self, companies: tuple[Company, ...] | None = None) -> None:
        companies = companies if companies is not None else load_companies()
        common = common_words()
        phrases = []
        self.by_ticker = {c.ticker: c for c in companies}
        for c in companies:
            for text in (c.name, *c.aliases):
                plain = text.strip()
                if not plain:
                    continue
                ambiguous = plain.lower() in common
                exact = len(plain) <= 5 and plain.isupper()
                phrases.append((plain, Alias(c, plain, ambiguous, exact)))
        self._matcher = PhraseMatcher(phrases)

    def mentions(self, text: str, lenient: bool = False) -> dict[str, list[int]]:
        """Ticker -> character offsets of the accepted mentions in ``text``. With ``lenient``
        (text that is known to name instruments, such as a trade idea) a capitalised ambiguous
        name needs no second cue."""
        return {t: [start for start, _end in spans] for t, spans in self.mention_spans(text, lenient).items()}

    def mention_spans(self, text: str, lenient: bool = False) -> dict[str, list[tuple[int, int]]]:
        """Ticker -> ``(start, end)`` of the accepted mentions in ``text`` (see :meth:`mentions`)."""
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
        for _ in range(2):  # a mention accepted on its own cue backs the others of its company
            rest = []
            for alias, start, end in pending:
                if self._second_cue(text, alias, start, found, lenient):
                    found.setdefault(alias.company.ticker, []).append((start, end))
                else:
                    rest.append((alias, start, end))
            pending = rest
        for spans in found.values():
            spans.sort()
        return found

    def _second_cue(self, text: str, alias: Alias, start: int, found: dict[str, list], lenient: bool = False) -> bool:
        if not text[start].isupper():
            return False
        if lenient or alias.company.ticker in found:
            return True
        after = text[start + len(alias.text) : start + len(alias.text) + 40]
        if CORPORATE_WORDS.match(after.lstrip(" ,")):
            return True
        if _sentence_start(text, start) and HEADLINE_FOLLOWERS.match(after.lstrip(" ,")):
            return True
        symbol = alias.company.ticker.split(".")[0]
        return len(symbol) >= 2 and symbol in _symbols(text)

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
        for ticker in {**found, **in_decisions}:
            offsets = found.get(ticker, [])
            extra = in_decisions.get(ticker, [])
            own = [s for s in sentences if any(s.start <= o < s.end for o in offsets)]
            own += [s for s in bullets if any(s.start <= o < s.end for o in extra)]
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


def _sentence_start(text: str, start: int) -> bool:
    """True when ``start`` opens the text, a line or a sentence (where any word is capitalised)."""
    before = text[max(0, start - 3) : start].rstrip(" \t\"“'(")
    return not before or before[-1] in ".!?\n:;"


def _lead(text: str) -> str:
    spans = _sentence_spans(text)
    return text[: spans[min(1, len(spans) - 1)][1]] if spans else ""


def _sentence_spans(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for m in SENTENCE_END.finditer(text):
        spans.append((start, m.start()))
        start = m.end()
    if start < len(text):
        spans.append((start, len(text)))
    return spans
