"""Scoring: pure functions that add newsdesk's own scores to an article.

``score_article`` is imported lazily so that light users (the parsers need only the labels) do not
pay for compiling the matchers.
"""

from __future__ import annotations

__all__ = ["score_article"]


def __getattr__(name: str):
    if name == "score_article":
        from newsdesk.score.pipeline import score_article

        return score_article
    raise AttributeError(name)
