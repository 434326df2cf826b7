"""Negative events read as negative however the sentence continues, unless the subject clearly gains."""

from __future__ import annotations

import pytest

from newsdesk.score.labels import sentiment_label
from newsdesk.score.sentiment import DEFAULT_SCORER


def score(title: str) -> float:
    return DEFAULT_SCORER.score("", title=title).polarity


@pytest.mark.parametrize(
    "headline",
    [
        # the examples (each scored bullish before)
        "Texas oil industry faces prospect of collapse amid Covid-19 losses",
        "Meat supplier Russell Hume collapses with loss of up to 300 jobs",
        "Banks count cost of loans in NMC collapse",
        "Byron to go into administration, putting 650 jobs at risk",
        "Israeli strikes kill dozens in Gaza City",
        # written for this table: the event leads, something else follows
        "Retailer goes into administration but buyer saves 300 jobs",
        "Builder falls into administration despite record order book",
        "Chain calls in administrators as sales recover too late",
        "Lender collapses after profits doubled last year",
        "Insolvency hits furniture maker as costs fall",
        "Airline files for bankruptcy with strong bookings for summer",
        "Carmaker announces job losses as margins improve",
        "Fraud at distributor wipes out gains",
        "Economy slides into recession as exports rise",
        "Floods kill 40 as rescue efforts gain pace",
    ],
)
def test_a_negative_event_reads_negative(headline: str) -> None:
    value = score(headline)
    assert value <= -0.15, (headline, value)
    assert sentiment_label(value) in ("bearish", "somewhat-bearish")


@pytest.mark.parametrize(
    "headline",
    [
        "Stripe wins business following Wirecard's collapse",
        "Economy avoids recession as growth beats forecasts",
        "UK narrowly avoids recession",
        "Shares jump as rival files for bankruptcy",
    ],
)
def test_an_event_that_the_subject_escapes_or_gains_from_is_not_bearish(headline: str) -> None:
    assert score(headline) > -0.15, headline


@pytest.mark.parametrize("text", ["collapse", "administration", "recession recession recession", "not fraud", ""])
def test_odd_event_texts_never_raise_and_stay_in_range(text: str) -> None:
    assert -1.0 < score(text) < 1.0 or text == ""
