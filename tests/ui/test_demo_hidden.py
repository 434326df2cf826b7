"""The demo never leaks into a view that hides it: the Baskets page (notice, decisions, articles,
index), the basket panels beside decisions, Related articles on the Article page, and the reads
under them. The database holds the demo corpus and real articles on the same baskets, so the demo
is hidden by default."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from newsdesk.db import schema, writes
from newsdesk.db.read import articles as read_articles
from newsdesk.db.read import baskets as read_baskets
from newsdesk.db.read import decisions as read_decisions
from newsdesk.db.read.articles import DEMO_SOURCE
from newsdesk.domain.models import Article, Decision
from newsdesk.score import score_article
from tests.apptest_util import app
from tests.seed import demo_desk

BASKET = "ai-compute-leaders"
HIDE = (DEMO_SOURCE,)
REAL = [
    ("Nvidia shares rise as Microsoft expands AI data centre spending", "2026-11-16"),
    ("Microsoft and Nvidia extend AI compute partnership", "2026-11-18"),
]


@pytest.fixture(scope="module")
def mixed(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("mixed") / "mixed.db"
    demo_desk(path)
    db = schema.connect(path)
    items = [
        score_article(
            Article(
                title=title,
                source="Real Wire",
                url=f"https://example.com/real/{n}",
                published_at=f"{day}T09:00:00Z",
                summary="Nvidia and Microsoft gain on strong AI demand.",
                decisions=[Decision(1, "Buy AI compute leaders (NVDA, MSFT) for the next 3-6 months.")],
            )
        )
        for n, (title, day) in enumerate(REAL)
    ]
    writes.write_batch(db, items, [], "real")
    db.close()
    return path


@pytest.fixture
def env(mixed, tmp_path, monkeypatch) -> Path:
    path = tmp_path / "copy.db"
    shutil.copy(mixed, path)
    monkeypatch.setenv("NEWSDESK_DB", str(path))
    return path


def ids(conn: sqlite3.Connection, demo: bool) -> set[str]:
    op = "=" if demo else "!="
    return {r[0] for r in conn.execute(f"SELECT id FROM articles WHERE source {op} ?", [DEMO_SOURCE])}


def test_the_fixture_mixes_demo_and_real_on_one_basket(mixed) -> None:
    with sqlite3.connect(mixed) as conn:
        recent = read_baskets.recent_articles(conn, BASKET, 50)
        assert set(recent["id"]) & ids(conn, True) and set(recent["id"]) & ids(conn, False)


def test_basket_reads_leave_hidden_sources_out(mixed) -> None:
    with sqlite3.connect(mixed) as conn:
        demo = ids(conn, True)
        recent = read_baskets.recent_articles(conn, BASKET, 50, hidden_sources=HIDE)
        assert len(recent) == len(REAL) and not set(recent["id"]) & demo
        members = read_baskets.members(conn, BASKET, hidden_sources=HIDE)
        assert members["articles"].sum() == sum(
            len(set(recent.loc[recent["members"].str.contains(t), "id"])) for t in members["ticker"]
        )
        index = read_baskets.basket_sentiment(conn, BASKET, "week", hidden_sources=HIDE)
        assert index["articles"].sum() == len(REAL)
        assert read_baskets.basket_sentiment(conn, BASKET, "week")["articles"].sum() > len(REAL)
        shown = read_decisions.basket_decisions(conn, BASKET, hidden_sources=HIDE)
        assert not set(shown["article_id"]) & demo
        assert set(read_decisions.basket_decisions(conn, BASKET)["article_id"]) & demo


def test_related_leaves_hidden_sources_out(mixed) -> None:
    with sqlite3.connect(mixed) as conn:
        real = read_articles.articles(conn)
        first = real.loc[real["title"] == REAL[0][0], "id"].iloc[0]
        everything = read_articles.related(conn, first, 20)
        assert set(everything["id"]) & ids(conn, True)  # the demo is related when shown
        hidden = read_articles.related(conn, first, 20, HIDE)
        assert list(hidden["id"]) == [i for i in everything["id"] if i not in ids(conn, True)][: len(hidden)]
        assert not set(hidden["id"]) & ids(conn, True) and len(hidden)


def _links(at) -> set[str]:
    return {p.proto.query_string.removeprefix("id=") for p in at.main.get("page_link") if p.proto.page == "Article"}


def test_baskets_page_hides_the_demo(env) -> None:
    at = app()
    at.query_params["basket"] = BASKET
    at.run()
    at.switch_page("pages/4_Baskets.py").run()
    assert not at.exception
    assert at.selectbox(key="w_basket").value == BASKET
    assert not [w for w in at.warning if "Demo data" in w.value]  # no demo notice
    with sqlite3.connect(env) as conn:
        demo_titles = {r[0] for r in conn.execute("SELECT title FROM articles WHERE source = ?", [DEMO_SOURCE])}
    shown = set()
    for frame in at.dataframe:
        for col in ("title", "Title", "Article"):
            if col in frame.value.columns:
                shown |= set(frame.value[col].astype(str))
    assert shown & {t for t, _ in REAL}
    assert not shown & demo_titles


def test_decision_panels_and_related_hide_the_demo(env) -> None:
    at = app().run()
    at.switch_page("pages/1_Decisions.py").run()
    assert not at.exception
    with sqlite3.connect(env) as conn:
        demo, real = ids(conn, True), ids(conn, False)
    linked = _links(at)
    assert linked & real and not linked & demo
    first = next(iter(real))
    at.switch_page("pages/3_Article.py")
    at.query_params["id"] = first
    at.run()
    assert not at.exception
    assert not _links(at) & demo


def test_scorecard_evidence_and_notice_hide_the_demo(env) -> None:
    """The evidence is computed over the view's articles only, and the page's demo notice shows only
    when the demo is in view."""
    from newsdesk.domain.filters import Filters
    from newsdesk.flows import prices as track

    with sqlite3.connect(env) as conn:
        shown = track.observations(conn, Filters())
        hidden = track.observations(conn, Filters(hidden_sources=HIDE))
    real_days = {f"{day}T09:00:00Z" for _, day in REAL}
    assert len(shown) > len(hidden) > 0 and {o.published_at for o in hidden} <= real_days
    at = app().run()
    at.switch_page("pages/6_Scorecard.py").run()
    assert not at.exception
    assert not [w for w in at.warning if "Demo data" in w.value]
