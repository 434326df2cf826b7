"""Missing values never read "None" in a table: every ``st.dataframe`` passes a placeholder, and the
Scorecard's tables (whose t, interval and returns are empty for unscored or single decisions) carry it."""

from __future__ import annotations

import ast

import pytest

from components.tables import MISSING
from tests.apptest_util import app
from tests.cli_util import run_cli
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


def test_export_decisions_writes_no_nan_for_a_decision_without_legs(tmp_path) -> None:
    import csv

    from newsdesk.db import schema, writes
    from newsdesk.domain.models import Article, Decision

    db = tmp_path / "calls.db"
    conn = schema.connect(db)
    article = Article(title="Fabrikam trims its outlook", source="Test Wire", url="https://example.com/a",
                      published_at="2020-03-10T00:00:00Z")  # fmt: skip
    article.decisions = [Decision(1, "Stay cautious on the sector.", None, instruments=[])]
    other = Article(title="Buy Contoso", source="Test Wire", url="https://example.com/b",
                    published_at="2020-03-11T00:00:00Z")  # fmt: skip
    other.decisions = [Decision(1, "Buy Apple.", "buy", instruments=[{"name": "Apple", "ticker": "AAPL",
                                                                      "side": "long"}])]  # fmt: skip
    writes.write_batch(conn, [article, other], [], "test")
    conn.close()
    for columns in ("all", "human"):
        out = tmp_path / f"decisions-{columns}.csv"
        done = run_cli("export", "decisions", "--columns", columns, "-o", str(out), db=db)
        assert done.returncode == 0, done.stderr
        rows = list(csv.DictReader(out.read_text(encoding="utf-8-sig").splitlines()))
        assert len(rows) == 2
        for row in rows:
            assert not [k for k, v in row.items() if v in ("NaN", "nan", "None")], row
        if columns == "all":
            assert sorted(row["instruments"] for row in rows)[0] == ""
