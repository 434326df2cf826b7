"""Every page opens on a seeded database with no exception and shows real content."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.apptest_util import app
from tests.conftest import ROOT
from tests.seed import seed

PAGES = ["dashboard.py", *sorted(str(p.relative_to(ROOT)) for p in (ROOT / "pages").glob("*.py"))]


def open_page(page: str):
    """Start at the entry page (as a browser does) and switch to ``page``."""
    at = app().run()
    if page != "dashboard.py":
        at.switch_page(page).run()
    return at


@pytest.fixture
def seeded(tmp_path, monkeypatch) -> Path:
    path = seed(tmp_path / "seed.db")
    monkeypatch.setenv("NEWSDESK_DB", str(path))
    return path


@pytest.mark.parametrize("page", PAGES)
def test_page_smoke(seeded, page) -> None:
    at = open_page(page)
    assert not at.exception, at.exception
    assert at.title and at.sidebar.multiselect
    assert at.get("download_button") or page.endswith("Ingest.py")


def test_decisions_page_cards_follow_the_filter(seeded) -> None:
    at = open_page("pages/1_Decisions.py")
    texts = [m.value for m in at.markdown]
    assert any("Buy AI compute leaders" in t for t in texts)
    at.multiselect(key="w_topics").set_value(["Energy & Commodities"]).run()
    assert not at.exception
    assert "No decisions in this view" in at.info[0].value


def test_filter_survives_a_page_change(seeded) -> None:
    at = app().run()
    at.multiselect(key="w_topics").set_value(["Monetary Policy & Rates"]).run()
    at.switch_page("pages/1_Decisions.py").run()
    assert not at.exception
    assert at.multiselect(key="w_topics").value == ["Monetary Policy & Rates"]
    assert any("Buy AI compute leaders" in m.value for m in at.markdown)


def test_ingest_page_read_only(seeded, monkeypatch) -> None:
    monkeypatch.setenv("NEWSDESK_READONLY", "1")
    at = open_page("pages/5_Ingest.py")
    assert not at.exception
    assert "read-only" in at.info[0].value


def test_ingest_uploads_core(seeded) -> None:
    from newsdesk.db import schema
    from newsdesk.flows import ingest as pipeline
    from tests.conftest import FIXTURES

    db = schema.connect(seeded)
    data = (FIXTURES / "jsonl" / "mixed.jsonl").read_bytes()
    report = pipeline.ingest_uploads(db, [("mixed.jsonl", data), ("junk.bin", b"\x00\x01\x02")])
    assert (report.added, report.rejected) == (3, 5)
    assert report.unreadable[0][0] == "junk.bin" and "binary" in report.unreadable[0][1]
    assert len(report.added_ids) == 3


def test_articles_page_facets_and_table_follow_the_filters(seeded) -> None:
    at = open_page("pages/2_Articles.py")
    assert not at.exception
    frames = [d.value for d in at.dataframe]
    category_facet = next(f for f in frames if "Category" in f.columns)
    assert category_facet["Articles"].sum() >= len(frames[-1])
    at.multiselect(key="w_topics").set_value(["Trade & Tariffs"]).run()
    frames = [d.value for d in at.dataframe]
    table = frames[-1]
    assert len(table) == 3 and all("Trade & Tariffs" in c for c in table["categories"])
    category_facet = next(f for f in frames if "Category" in f.columns)
    assert dict(zip(category_facet["Category"], category_facet["Articles"], strict=True))["Trade & Tariffs"] == 3
    assert "companies" in table.columns


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> Path:
    from tests.seed import demo_desk

    return demo_desk(tmp_path_factory.mktemp("demo") / "demo.db")


@pytest.mark.parametrize("page", PAGES)
def test_every_page_on_the_demo_data(demo_db, monkeypatch, page) -> None:
    monkeypatch.setenv("NEWSDESK_DB", str(demo_db))
    at = open_page(page)
    assert not at.exception, at.exception
    assert at.title
    assert len(at.main.children) >= 3  # title, notice and real content, not just a header
    if not page.endswith(("Ingest.py", "Article.py")):
        assert at.get("vega_lite_chart") or at.dataframe


def test_decision_status_matches_horizon_status_row_by_row() -> None:
    """The Decisions page's status column (answered once per publish day and horizon) equals
    ``horizon_status`` asked row by row, odd rows included."""
    import pandas as pd

    from newsdesk.score.horizon import horizon_status, statuses

    rows = pd.DataFrame(
        {
            "published_at": [
                "2026-06-01T10:00:00Z",
                "2026-06-01T23:00:00Z",
                " 2020-01-01T00:00:00Z",
                "not a date",
                "2026-06-01T10:00:00Z",
                "9999-12-20T00:00:00Z",
                None,
            ],
            "horizon_max_days": pd.array([30, 30, 5, 10, None, 3, 7], dtype="Int64"),
        }
    )
    got = statuses(rows["published_at"], rows["horizon_max_days"])
    want = []
    for published, hi in zip(rows["published_at"], rows["horizon_max_days"], strict=True):
        try:
            found = horizon_status(published, None if pd.isna(hi) else hi)
        except OverflowError:
            found = None
        want.append(found[0] if found else "no horizon")
    assert got == want
    assert got[3] == got[4] == got[6] == "no horizon"


LONG_TITLE = (
    "Exporters brace for a second round of tariffs as talks stall over steel quotas, farm access and "
    "digital services taxes"
)


def test_articles_table_key_columns_first_blanks_and_ellipsis(seeded) -> None:
    from newsdesk.db import schema, writes
    from newsdesk.domain.models import Article, CategoryTag
    from newsdesk.score import score_article

    db = schema.connect(seeded)
    long = Article(
        title=LONG_TITLE,
        source="Seed Wire",
        url="https://example.com/long",
        published_at="2026-07-28T09:00:00Z",
        categories=[CategoryTag("Trade & Tariffs")],
    )
    writes.write_batch(db, [score_article(long)], [], "long")
    db.close()
    at = open_page("pages/2_Articles.py")
    assert not at.exception
    table = at.dataframe[-1]
    assert list(table.value.columns)[:6] == [
        "published_at",
        "title",
        "source",
        "sentiment",
        "sentiment_label",
        "impact",
    ]
    assert "None" not in table.value.astype(str).to_numpy().ravel().tolist()
    assert not table.value["companies"].isna().any()
    (shown,) = [t for t in table.value["title"] if t.startswith("Exporters brace")]
    assert shown.endswith("…") and len(shown) <= 90 and LONG_TITLE.startswith(shown[:-1])
    config = json.loads(table.proto.columns)
    assert "…" in config["title"]["help"]


def test_facet_counts_are_numbers_never_bars(seeded) -> None:
    at = open_page("pages/2_Articles.py")
    facet = next(d for d in at.dataframe if "Category" in d.value.columns)
    config = json.loads(facet.proto.columns)
    assert config["Articles"]["type_config"]["type"] == "number"  # a progress bar clipped its count
    assert facet.proto.selection_mode  # rows are clickable: a click sets the filter


def test_decisions_table_view_is_sortable_and_cards_link_their_legs(demo_db, monkeypatch) -> None:
    monkeypatch.setenv("NEWSDESK_DB", str(demo_db))
    at = open_page("pages/1_Decisions.py")
    assert not at.exception
    cards = " ".join(m.value for m in at.markdown)
    assert "](/?company=" in cards or "](/Baskets?basket=" in cards  # legs link to the filter / basket page
    at.segmented_control(key="w_dec_view").set_value("table").run()
    assert not at.exception
    (table,) = [d for d in at.dataframe if "exposure" in d.value.columns]
    wanted = ["published", "source", "action", "exposure", "legs", "horizon end", "status"]
    assert set(wanted) <= set(table.value.columns)
    assert table.value["legs"].sum() > 0 and table.value["source"].ne("").all()
    assert at.query_params.get("view") == "table"
    assert all(link.startswith("/Article?id=") for link in table.value["article"])


def test_article_page_shows_decisions_before_the_analysis(demo_db, monkeypatch) -> None:
    import sqlite3

    monkeypatch.setenv("NEWSDESK_DB", str(demo_db))
    with sqlite3.connect(demo_db) as conn:
        (aid,) = conn.execute(
            "SELECT article_id FROM decisions d JOIN articles a ON a.id = d.article_id "
            "WHERE a.body IS NOT NULL AND a.body <> '' LIMIT 1"
        ).fetchone()
    at = app().run()
    at.query_params["id"] = aid
    at.switch_page("pages/3_Article.py").run()
    heads = [h.value for h in at.subheader]
    assert heads.index("Key decisions for investors") < heads.index("Summary")
