"""Missing values never read "None" in a table: every ``st.dataframe`` passes a placeholder, and the
Scorecard's tables (whose t, interval and returns are empty for unscored or single decisions) carry it."""

from __future__ import annotations

import ast

import pytest

from components.tables import MISSING
from tests.apptest_util import app
from tests.conftest import ROOT
from tests.seed import seed

SOURCES = sorted([*(ROOT / "components").glob("*.py"), *(ROOT / "pages").glob("*.py"), ROOT / "dashboard.py"])


def dataframe_calls(path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "dataframe"
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "st"
        ):
            yield node


def test_the_sources_hold_tables() -> None:
    assert sum(1 for path in SOURCES for _ in dataframe_calls(path)) >= 15


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.name)
def test_every_table_shows_missing_values_as_a_dash(path) -> None:
    for call in dataframe_calls(path):
        keywords = {k.arg: k.value for k in call.keywords}
        assert "placeholder" in keywords, f"{path.name}:{call.lineno}: st.dataframe without placeholder="
        value = keywords["placeholder"]
        assert isinstance(value, ast.Name) and value.id == "MISSING", f"{path.name}:{call.lineno}"


def test_the_scorecard_tables_render_missing_returns_as_a_dash(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("NEWSDESK_DB", str(seed(tmp_path / "seed.db")))  # decisions, no prices: all unscored
    at = app().run()
    at.switch_page("pages/6_Scorecard.py").run()
    assert not at.exception, at.exception
    (decisions,) = [d for d in at.dataframe if "excess_return" in d.value.columns]
    assert decisions.value["excess_return"].isna().all()
    assert decisions.proto.placeholder == MISSING
    assert all(d.proto.placeholder == MISSING for d in at.dataframe)
