"""TextBlob adapters: the baseline scorer and newsdesk's scorer as a TextBlob analyzer.

Kept apart from :mod:`newsdesk.score.sentiment` because importing TextBlob pulls in NLTK and SciPy.
"""

from __future__ import annotations

from textblob import TextBlob
from textblob.base import CONTINUOUS, BaseSentimentAnalyzer

from newsdesk.score.lexicon import load_lexicon
from newsdesk.score.sentiment import FinanceScorer, SentimentResult, _clip


class TextBlobScorer:
    """TextBlob's default PatternAnalyzer: the required baseline."""

    version = "textblob-pattern/1"

    def score(self, text: str, title: str = "") -> SentimentResult:
        """Score ``title`` and ``text`` with bare TextBlob ``.sentiment``."""
        text = "\n\n".join(p for p in (title, text) if p)
        if not text.strip():
            return SentimentResult(0.0, 0.0)
        polarity, subjectivity = TextBlob(text).sentiment
        return SentimentResult(_clip(polarity, -1.0, 1.0), _clip(subjectivity, 0.0, 1.0))


class FinanceAnalyzer(BaseSentimentAnalyzer):
    """A TextBlob sentiment analyzer with newsdesk's finance rules:
    ``TextBlob(text, analyzer=FinanceAnalyzer()).sentiment`` gives
    ``Sentiment(polarity, subjectivity, terms)``."""

    kind = CONTINUOUS

    def train(self) -> None:
        """Nothing to train: compile the lexicon once."""
        load_lexicon()
        self._trained = True

    def analyze(self, text: str) -> SentimentResult:
        """Score ``text``; ``terms`` lists the cues that drove the score, strongest first."""
        return FinanceScorer().score(text)
