"""SQL NULL through pandas (None, NaN, NA) never becomes a group, a sort key or a label."""

from __future__ import annotations

import pandas as pd
import pytest

from newsdesk.domain.cells import flag, missing, text_or_none
from newsdesk.scorecard.rules import DecisionInput


@pytest.mark.parametrize(
    "value, is_missing, text, as_flag",
    [
        (None, True, None, False),
        (float("nan"), True, None, False),
        (pd.NA, True, None, False),
        ("", False, None, False),
        ("  ", False, None, True),
        ("buy", False, "buy", True),
        (0, False, "0", False),
        (1, False, "1", True),
        ([], False, "[]", False),
    ],
)
def test_cells(value, is_missing, text, as_flag):
    assert missing(value) is is_missing
    assert text_or_none(value) == text
    assert flag(value) is as_flag


def test_decision_input_from_a_row_of_nulls():
    frame = pd.DataFrame([{"article_id": "a", "position": 1, "action": None, "source": None, "text": None,
                           "categories": None, "instruments": None, "horizon_max_days": None,
                           "published_at": None, "published_estimated": None, "demo": None}])  # fmt: skip
    frame["horizon_max_days"] = frame["horizon_max_days"].astype("Int64")
    row = frame.astype(object).where(frame.notna(), float("nan")).to_dict("records")[0]
    got = DecisionInput.from_row(row)
    assert (got.action, got.source, got.text, got.categories, got.legs) == (None, None, "", (), ())
    assert (got.horizon_max_days, got.published_estimated, got.demo, got.published_at) == (None, False, False, None)


@pytest.mark.parametrize(
    ("instruments", "categories", "legs", "cats"),
    [
        ("null", 7, (), ()),  # JSON that is not a list, a number for categories (both used to raise TypeError)
        ("5", "Tech|Energy", (), ("Tech", "Energy")),
        ('{"ticker": "AAPL"}', ["Tech"], (), ("Tech",)),
        ('[{"ticker": "AAPL", "side": "long"}]', "Tech, Energy", (("AAPL", "long"),), ("Tech", "Energy")),
    ],
)
def test_decision_input_from_odd_cells(instruments, categories, legs, cats):
    row = {"article_id": "a", "position": 1, "instruments": instruments, "categories": categories}
    got = DecisionInput.from_row(row)
    assert tuple((leg.ticker, leg.side) for leg in got.legs) == legs
    assert got.categories == cats
