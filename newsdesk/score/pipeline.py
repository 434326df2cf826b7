"""The scoring pipeline: fills an article's own score fields from its text."""

from __future__ import annotations

from newsdesk.models import Article
from newsdesk.score.labels import sentiment_label
from newsdesk.score.sentiment import DEFAULT_SCORER, Scorer


def score_article(article: Article, scorer: Scorer = DEFAULT_SCORER) -> Article:
    """Set ``sentiment``, ``sentiment_label``, ``subjectivity``, ``impact`` and ``scorer_version``.

    Until newsdesk has its own impact model, ``impact`` is the source's market impact when the
    input supplies one (null otherwise); ``source_impact`` always keeps the input's value.
    Returns the same article, changed in place.
    """
    result = scorer.score(article.text)
    article.sentiment = round(result.polarity, 4)
    article.sentiment_label = sentiment_label(article.sentiment)
    article.subjectivity = round(result.subjectivity, 4)
    article.impact = article.source_impact
    article.scorer_version = scorer.version
    return article
