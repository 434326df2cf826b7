"""Sentiment labels: the five bands of the Alpha Vantage news API."""

from __future__ import annotations

from newsdesk.errors import RecordError

LABELS = ("bearish", "somewhat-bearish", "neutral", "somewhat-bullish", "bullish")


def sentiment_label(score: float | None) -> str | None:
    """Map a score in [-1, 1] to its band.

    x <= -0.35 bearish; -0.35 < x <= -0.15 somewhat-bearish; -0.15 < x < 0.15 neutral;
    0.15 <= x < 0.35 somewhat-bullish; x >= 0.35 bullish.
    """
    if score is None:
        return None
    if score <= -0.35:
        return "bearish"
    if score <= -0.15:
        return "somewhat-bearish"
    if score < 0.15:
        return "neutral"
    if score < 0.35:
        return "somewhat-bullish"
    return "bullish"


def normalise_label(label: str | None) -> str | None:
    """Normalise a label as services write it (``Somewhat_Bullish``, ``Somewhat-Bearish``,
    ``NEUTRAL``, ``positive``) to one of :data:`LABELS`; raise :class:`RecordError` otherwise."""
    if label is None or not str(label).strip():
        return None
    key = str(label).strip().casefold().replace("_", "-").replace(" ", "-")
    aliases = {"positive": "bullish", "negative": "bearish", "mixed": "neutral"}
    key = aliases.get(key, key)
    if key not in LABELS:
        raise RecordError(
            f"sentiment label {label!r} is not one of: bearish, somewhat-bearish, neutral, somewhat-bullish, bullish"
        )
    return key
