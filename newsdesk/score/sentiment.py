"""Sentiment scorers behind one interface.

A scorer turns text into a :class:`SentimentResult` (polarity in [-1, 1], subjectivity in [0, 1]
and the terms that drove the score). ``version`` is stored with every article so that a newer
scorer can find and rescore older rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Protocol

from newsdesk.score import finance
from newsdesk.score.lexicon import load_lexicon


@dataclass(frozen=True)
class SentimentResult:
    """The outcome of scoring one text."""

    polarity: float
    subjectivity: float
    terms: tuple[str, ...] = field(default=())


class Scorer(Protocol):
    """What every sentiment scorer provides."""

    version: str

    def score(self, text: str, title: str = "") -> SentimentResult:
        """Score ``text`` (and its ``title``); never raises on odd input (empty, numbers only,
        non-English)."""
        ...


def _clip(x: float, lo: float, hi: float) -> float:
    return max(lo, min(hi, float(x)))


class FinanceScorer:
    """newsdesk's finance-aware scorer (:mod:`newsdesk.score.finance`)."""

    def __init__(self) -> None:
        self.version = f"{load_lexicon().version}+rules/2"

    def score(self, text: str, title: str = "") -> SentimentResult:
        """Score ``text`` with ``title`` weighted double. Subjectivity is the share of sentences
        that carry a sentiment cue."""
        return self._result(finance.analyse(text or "", title or ""))

    def from_sentences(self, weighted: list[tuple[finance.SentenceScore, float]]) -> SentimentResult:
        """The result for sentences scored already (with their weights)."""
        return self._result(finance.aggregate(weighted))

    def _result(self, result: finance.Result) -> SentimentResult:
        subjectivity = result.cue_sentences / result.sentences if result.sentences else 0.0
        terms = tuple(
            f"{c.term} ({c.value:+.2f})" for c in sorted(result.cues, key=lambda c: abs(c.value), reverse=True)
        )
        return SentimentResult(_clip(result.score, -1.0, 1.0), round(subjectivity, 4), terms)


DEFAULT_SCORER: Scorer = FinanceScorer()


def polarity(text: str) -> float:
    """Polarity of ``text`` in [-1, 1] with newsdesk's finance scorer (``module:function`` for
    ``sentiment_bench.py``)."""
    return finance.analyse(text or "").score


def textblob_polarity(text: str) -> float:
    """Bare TextBlob polarity: the baseline."""
    from textblob import TextBlob

    return TextBlob(text or "").sentiment.polarity


_TERM_WEIGHT = re.compile(r"\(([+-]?\d+(?:\.\d+)?)\)\s*$")


def split_terms(terms: list[str]) -> tuple[list[str], list[str]]:
    """The sentiment cues that pushed the score up and those that pushed it down (by the signed
    weight in parentheses at the end of each term, e.g. ``jumped … profit (+1.50)``)."""
    up: list[str] = []
    down: list[str] = []
    for term in terms or []:
        m = _TERM_WEIGHT.search(str(term))
        (down if m and float(m.group(1)) < 0 else up).append(str(term))
    return up, down
