"""Views without decisions say why: the Decisions and Scorecard pages when the dates in view leave every
decision out (on a real database the default latest-90-days window often does), and the read behind it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from newsdesk.db import schema
from newsdesk.db.read.decisions import decision_dates
from newsdesk.domain.filters import Filters
from tests.apptest_util import app
from tests.seed import seed


@pytest.fixture
def seeded(tmp_path, monkeypatch) -> Path:
    path = seed(tmp_path / "seed.db")  # two decisions, on the 2026-05-04 article
    monkeypatch.setenv("NEWSDESK_DB", str(path))
    return path


def open_page(page: str, **params: str):
    at = app()
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (Filters(), (2, "2026-05-04", "2026-05-04")),
        (Filters(since=date(2026, 6, 1)), (0, None, None)),
        (Filters(topics=("Energy & Commodities",)), (0, None, None)),
        (Filters(text="Central bank"), (2, "2026-05-04", "2026-05-04")),
        (Filters(author=("Nobody Securities",)), (0, None, None)),
    ],
)
def test_decision_dates(seeded, filters, expected) -> None:
    conn = schema.connect_readonly(seeded)
    try:
        assert decision_dates(conn, filters) == expected
    finally:
        conn.close()


@pytest.mark.parametrize("page", ["pages/1_Decisions.py", "pages/6_Scorecard.py"])
def test_a_view_whose_dates_leave_out_every_decision_says_where_they_are(seeded, page) -> None:
    at = open_page(page, since="2026-06-01")
    notes = " ".join(i.value for i in at.info)
    assert "the database holds 2 decisions" in notes
    assert "published 2026-05-04" in notes
    assert "Widen *Published between*" in notes
    assert "Clear some filters" not in notes
    # no empty decisions table, and no pointer to a table that is not there
    assert not [d for d in at.dataframe if "excess_return" in d.value.columns]
    assert "see the decisions table below" not in notes


@pytest.mark.parametrize("page", ["pages/1_Decisions.py", "pages/6_Scorecard.py"])
def test_a_view_without_decisions_on_any_date_says_where_decisions_come_from(seeded, page) -> None:
    at = open_page(page, topic="Energy & Commodities", since="2026-01-01")
    notes = " ".join(i.value for i in at.info)
    assert "No decisions in this view" in notes
    assert "analyst rating headlines" in notes
    assert "the database holds" not in notes
