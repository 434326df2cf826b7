"""Sentiment scorers behind one interface.

A scorer turns text into a :class:`SentimentResult` (polarity in [-1, 1], subjectivity in [0, 1]
and the terms that drove the score). ``version`` is stored with every article so that a newer
scorer can find and rescore older rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from textblob import TextBlob


@dataclass(frozen=True)
class SentimentResult:
    """The outcome of scoring one text."""

    polarity: float
    subjectivity: float
    terms: tuple[str, ...] = field(default=())


class Scorer(Protocol):
    """What every sentiment scorer provides."""

    version: str

    def score(self, text: str) -> SentimentResult:
        """Score ``text``; never raises on odd input (empty, numbers only, non-English)."""
        ...


class TextBlobScorer:
    """TextBlob's default PatternAnalyzer: the required baseline."""

    version = "textblob-pattern/1"

    def score(self, text: str) -> SentimentResult:
        """Score ``text`` with bare TextBlob ``.sentiment``."""
        if not text or not text.strip():
            return SentimentResult(0.0, 0.0)
        polarity, subjectivity = TextBlob(text).sentiment
        return SentimentResult(_clip(polarity, -1.0, 1.0), _clip(subjectivity, 0.0, 1.0))


def _clip(x: float, lo: float, hi: float) -> float:
    return max(lo, min(hi, float(x)))


DEFAULT_SCORER: Scorer = TextBlobScorer()


def polarity(text: str) -> float:
    """Polarity of ``text`` in [-1, 1] with the default scorer (``module:function`` for benches)."""
    return DEFAULT_SCORER.score(text).polarity
