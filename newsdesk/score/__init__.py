"""Scoring: pure functions that add newsdesk's own scores to an article."""

from newsdesk.score.pipeline import score_article

__all__ = ["score_article"]
