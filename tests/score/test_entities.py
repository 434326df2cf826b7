"""Table tests of company mentions at the start of a headline: a one-word name is a company when a
corporate headline pattern follows it, and stays an ordinary word otherwise."""

from __future__ import annotations

import pytest

from newsdesk.score.pipeline import default_context


@pytest.mark.parametrize(
    ("text", "tickers"),
    [
        ("Burberry to cut 500 jobs", {"BRBY.L"}),  # one-word name + "to <verb>"
        ("Barclays to close 40 branches", {"BARC.L"}),
        ("Burberry posts first-half loss", {"BRBY.L"}),
        ("Burberry said on Tuesday it would close stores.", {"BRBY.L"}),
        ("Sales slowed. Burberry warns on profit", {"BRBY.L"}),  # a sentence start inside a text
        ("Shell posts record profit", {"SHEL.L"}),  # an ambiguous name with a corporate verb
        ("Target says holiday sales fell", {"TGT"}),
        ("Apple to buy a music startup", {"AAPL"}),
        ("Apple falls 3% after the iPhone launch", {"AAPL"}),  # a move with an amount
        ("Oracle beats forecasts on cloud demand", {"ORCL"}),
        ("Target practice for the central bank", set()),  # false friends stay words
        ("Shell shock as markets tumble", set()),
        ("Apple pie recipes for the holidays", set()),
        ("Apple falls far from the tree", set()),  # a move with no amount or reason
        ("Block party in Brooklyn", set()),
        ("Canon fodder for the critics", set()),
        ("Visa rules tighten for students", set()),
        ("target to cut costs", set()),  # lower case is never a proper name
    ],
)
def test_one_word_name_at_headline_start(text, tickers) -> None:
    assert set(default_context().companies.mentions(text)) == tickers
