"""Baskets: validation of custom baskets (table), the basket sentiment index on a seeded database,
and the Baskets page through AppTest (picker in the URL, create/edit/delete form, read-only mode)."""

from __future__ import annotations

import json
import sqlite3
from datetime import date
from pathlib import Path

import pytest

from newsdesk.db import custom_baskets, schema, writes
from newsdesk.db.read import baskets as read_baskets
from newsdesk.db.read import decisions as read_decisions
from newsdesk.domain.models import Article, Decision, Entity
from newsdesk.errors import BasketError
from newsdesk.flows import ingest as pipeline
from tests.apptest_util import chart_frames, metrics
from tests.conftest import copy_desk
from tests.engine_util import rows
from tests.seed import seed

PAGE = "pages/4_Baskets.py"


# ------------------------------------------------------------------------------------------ fixtures


def mention_article(title: str, day: str, entities: list[tuple[str, float | None, float | None]], **kw) -> Article:
    """An (unscored) article published on ``day`` naming ``entities`` (ticker, relevance, sentiment)."""
    return Article(
        title=title,
        source="Basket Wire",
        url=f"https://example.com/basket/{title.lower().replace(' ', '-')}",
        published_at=f"{day}T08:00:00Z",
        summary=title,
        entities=[Entity(t, t, 1, relevance, sentiment) for t, relevance, sentiment in entities],
        **kw,
    )


# A custom basket 7011.T 75% / 7012.T 25%; weeks start on Monday (2026-06-01 and 2026-06-08 are Mondays).
ARTICLES = [
    # weights 0.75*1.0 and 0.25*0.5: (0.75*0.8 + 0.125*-0.4) / 0.875
    ("Shipyard orders surge", "2026-06-01", [("7011.T", 1.0, 0.8), ("7012.T", 0.5, -0.4)]),
    # Sunday of the same week: the null sentiment and the non-member are skipped
    ("Engine maker steady", "2026-06-07", [("7011.T", 0.5, None), ("7012.T", 1.0, 0.2), ("AAPL", 1.0, 1.0)]),
    ("Engine recall widens", "2026-06-08", [("7012.T", 1.0, -1.0)]),
    ("Missile contract signed", "2026-07-15", [("7011.T", 1.0, 0.1)]),
    ("Only a null sentiment", "2026-07-16", [("7011.T", 1.0, None)]),
    ("Unrelated phone launch", "2026-07-17", [("AAPL", 1.0, 0.9)]),
]


@pytest.fixture
def ref_path(tmp_path) -> Path:
    """tests/seed.py's database plus the shipped companies and baskets."""
    path = seed(tmp_path / "baskets.db")
    db = schema.connect(path)
    pipeline.ensure_reference(db)
    db.close()
    return path


@pytest.fixture(scope="module")
def ref_template(module_desk_target):
    """:func:`ref_path`'s database on each engine, built once (the basket tests of the database layer)."""
    seed(module_desk_target)
    db = schema.open(module_desk_target)
    pipeline.ensure_reference(db)
    schema.checkpoint(db)
    db.close()
    return module_desk_target


@pytest.fixture
def ref_target(ref_template, request, tmp_path):
    """A fresh copy of :func:`ref_template`."""
    return copy_desk(request, ref_template, tmp_path)


@pytest.fixture
def db(ref_target):
    database = schema.open(ref_target)
    yield database
    database.close()


@pytest.fixture
def index_db(db):
    """``db`` with :data:`ARTICLES` and a custom basket ``shipyards`` over them."""
    writes.write_batch(db, [mention_article(*row) for row in ARTICLES], [], "basket-test")
    assert custom_baskets.create_basket(db, "Shipyards", "", {"7011.T": 3, "7012.T": 1}) == "shipyards"
    return db


def basket_row(db, basket_id: str) -> dict:
    (row,) = rows(db, "SELECT * FROM baskets WHERE id = ?", [basket_id])
    return row


def member_rows(db, basket_id: str) -> dict[str, float]:
    return dict(db.execute("SELECT ticker, weight FROM basket_members WHERE basket_id = ?", [basket_id]).fetchall())


# ---------------------------------------------------------------------------------------- validation

CREATE_ERRORS = [
    # name, description, members, message (a fragment, or the whole message when it starts with "=")
    ("", "", {"7011.T": 1}, "a basket needs a name"),
    ("   ", "", {"7011.T": 1}, "a basket needs a name"),
    (None, "", {"7011.T": 1}, "a basket needs a name"),
    ("!!! ???", "", {"7011.T": 1}, "needs at least one letter or digit"),
    ("x" * 81, "", {"7011.T": 1}, "keep it to 80"),
    ("Fine name", "d" * 501, {"7011.T": 1}, "keep it to 500"),
    ("Fine name", "", {}, "a basket needs at least one member"),
    ("Fine name", "", None, "a basket needs at least one member"),
    ("Fine name", "", [], "a basket needs at least one member"),
    ("Fine name", "", "7011.T", "not one string"),
    ("Fine name", "", {"NOPE": 1}, "=unknown ticker 'NOPE': use a ticker from data/companies.csv, e.g. 7011.T"),
    ("Fine name", "", {"7011.T": 1, "NOPE": 1}, "unknown ticker 'NOPE'"),
    ("Fine name", "", {"": 1}, "empty ticker"),
    ("Fine name", "", {"7011.T": -0.2}, "is negative (-0.2): weights must be positive"),
    ("Fine name", "", {"7011.T": 0.5, "7012.T": -1}, "weight of '7012.T' is negative"),
    ("Fine name", "", {"7011.T": 0}, "is 0"),
    ("Fine name", "", {"7011.T": "heavy"}, "must be a number, got 'heavy'"),
    ("Fine name", "", {"7011.T": True}, "must be a number"),
    ("Fine name", "", {"7011.T": float("nan")}, "finite"),
    ("Fine name", "", {"7011.T": float("inf")}, "finite"),
    ("Fine name", "", {"7011.T": 1, "7011.t": 1}, "ticker '7011.T' is listed twice"),
    ("Fine name", "", {f"T{n}": 1 for n in range(101)}, "at most 100 members"),
    ("Japan defense", "", {"7011.T": 1}, "a basket named 'Japan defense' already exists"),
    ("  JAPAN   DEFENSE ", "", {"7011.T": 1}, "already exists (id japan-defense)"),
]


@pytest.mark.parametrize(("name", "description", "members", "message"), CREATE_ERRORS)
def test_create_refuses(db, name, description, members, message) -> None:
    before = db.execute("SELECT count(*) FROM baskets").fetchone()[0]
    with pytest.raises(BasketError) as err:
        custom_baskets.create_basket(db, name, description, members)
    if message.startswith("="):
        assert str(err.value) == message[1:]
    else:
        assert message in str(err.value)
    assert db.execute("SELECT count(*) FROM baskets").fetchone()[0] == before


def test_basket_error_is_a_newsdesk_error() -> None:
    from newsdesk.errors import NewsdeskError

    assert issubclass(BasketError, NewsdeskError)


def test_no_companies_says_how_to_load_them(tmp_path) -> None:
    empty = schema.connect(tmp_path / "empty.db")
    with pytest.raises(BasketError, match="no companies yet"):
        custom_baskets.create_basket(empty, "Anything", "", {"7011.T": 1})
    empty.close()


CREATED = [
    # members given, stored weights
    ({"7011.T": 3, "7012.T": 1}, {"7011.T": 0.75, "7012.T": 0.25}),
    (["7011.T", "7012.T", "7013.T", "AAPL"], {"7011.T": 0.25, "7012.T": 0.25, "7013.T": 0.25, "AAPL": 0.25}),
    ({"7011.T": None, "7012.T": None}, {"7011.T": 0.5, "7012.T": 0.5}),
    # a missing weight gets the mean of the given ones
    ({"7011.T": 0.6, "7012.T": 0.2, "7013.T": None}, {"7011.T": 0.6 / 1.2, "7012.T": 0.2 / 1.2, "7013.T": 0.4 / 1.2}),
    ({" aapl ": "2", "msft": 2.0}, {"AAPL": 0.5, "MSFT": 0.5}),
    ({"7011.T": 1e-9}, {"7011.T": 1.0}),
]


@pytest.mark.parametrize(("given", "stored"), CREATED)
def test_create_normalises_weights(db, given, stored) -> None:
    basket_id = custom_baskets.create_basket(db, "My basket", "  Ideas.  ", given)
    assert basket_id == "my-basket"
    assert basket_row(db, basket_id) == {
        "id": "my-basket",
        "name": "My basket",
        "description": "Ideas.",
        "kind": "custom",
    }
    assert member_rows(db, basket_id) == pytest.approx(stored)
    names = dict(db.execute("SELECT ticker, name FROM basket_members WHERE basket_id = ?", [basket_id]).fetchall())
    assert names.get("7011.T", "Mitsubishi Heavy Industries") == "Mitsubishi Heavy Industries"


SLUGS = [
    ("Japan shipbuilders", "japan-shipbuilders"),
    ("  Japan   shipbuilders  ", "japan-shipbuilders"),
    ("AI & chips: 2027!", "ai-chips-2027"),
    ("Snake_case name", "snake-case-name"),
    ("日本 防衛", "日本-防衛"),
    ("Japan-Defense!", "japan-defense-2"),  # another name, but the id of a shipped basket is never reused
    ("Oil majors (custom)", "oil-majors-custom"),
]


@pytest.mark.parametrize(("name", "basket_id"), SLUGS)
def test_ids_are_slugs_and_unique(db, name, basket_id) -> None:
    assert custom_baskets.create_basket(db, name, "", ["7011.T"]) == basket_id


def test_duplicate_custom_name_is_refused_and_renamed_ids_are_not_reused(db) -> None:
    first = custom_baskets.create_basket(db, "Trio", "", ["7011.T", "7012.T", "7013.T"])
    with pytest.raises(BasketError, match="a basket named 'Trio' already exists"):
        custom_baskets.create_basket(db, "trio", "", ["AAPL"])
    custom_baskets.update_basket(db, first, name="Heavy trio")
    assert custom_baskets.create_basket(db, "Trio", "", ["AAPL"]) == "trio-2"


def test_update_custom_basket(db) -> None:
    basket_id = custom_baskets.create_basket(db, "Trio", "old", {"7011.T": 1, "7012.T": 1})
    custom_baskets.update_basket(db, basket_id, name="Trio plus", description="new", members={"7011.T": 1, "AAPL": 3})
    assert basket_row(db, basket_id)["name"] == "Trio plus"
    assert basket_row(db, basket_id)["description"] == "new"
    assert member_rows(db, basket_id) == pytest.approx({"7011.T": 0.25, "AAPL": 0.75})
    custom_baskets.update_basket(db, basket_id, description="only this")  # None leaves the rest alone
    assert basket_row(db, basket_id)["name"] == "Trio plus"
    assert member_rows(db, basket_id) == pytest.approx({"7011.T": 0.25, "AAPL": 0.75})
    custom_baskets.update_basket(db, basket_id, name="TRIO PLUS")  # its own name in another case is fine
    assert basket_row(db, basket_id)["name"] == "TRIO PLUS"


UPDATE_ERRORS = [
    # basket id ("mine" is a custom basket made by the test), changes, message
    (
        "japan-defense",
        {"name": "Mine now"},
        "'Japan defense' is a sector basket from data/baskets.toml: it can't be edited",
    ),
    ("japan-defense", {"members": {"7011.T": 1}}, "can't be edited here"),
    ("no-such-basket", {"name": "x"}, "there is no basket with id 'no-such-basket'"),
    ("mine", {"name": ""}, "a basket needs a name"),
    ("mine", {"name": "Oil majors"}, "a basket named 'Oil majors' already exists"),
    ("mine", {"members": {}}, "at least one member"),
    ("mine", {"members": {"NOPE": 1}}, "unknown ticker 'NOPE'"),
    ("mine", {"members": {"7011.T": -1}}, "negative"),
    # the name is valid but the members are not: nothing changes (one transaction)
    ("mine", {"name": "Renamed", "members": {"7011.T": 1, "NOPE": 2}}, "unknown ticker 'NOPE'"),
]


@pytest.mark.parametrize(("basket_id", "changes", "message"), UPDATE_ERRORS)
def test_update_refuses(db, basket_id, changes, message) -> None:
    assert custom_baskets.create_basket(db, "Mine", "", {"7011.T": 1, "7012.T": 3}) == "mine"
    before = (
        rows(db, "SELECT * FROM baskets ORDER BY id"),
        rows(db, "SELECT * FROM basket_members ORDER BY basket_id, ticker"),
    )
    with pytest.raises(BasketError) as err:
        custom_baskets.update_basket(db, basket_id, **changes)
    assert message in str(err.value)
    assert (
        rows(db, "SELECT * FROM baskets ORDER BY id"),
        rows(db, "SELECT * FROM basket_members ORDER BY basket_id, ticker"),
    ) == before


def test_delete_custom_basket_with_its_links_and_twice(db) -> None:
    basket_id = custom_baskets.create_basket(db, "Doomed", "", ["7011.T", "7012.T"])
    db.execute(
        "INSERT INTO decision_baskets (decision_id, basket_id, side) VALUES ('some-article-1', ?, 'long')", [basket_id]
    )
    custom_baskets.delete_basket(db, basket_id)
    for table, column in (("baskets", "id"), ("basket_members", "basket_id"), ("decision_baskets", "basket_id")):
        assert db.execute(f"SELECT count(*) FROM {table} WHERE {column} = ?", [basket_id]).fetchone()[0] == 0
    with pytest.raises(BasketError, match="no basket with id 'doomed' \\(was it deleted already\\?\\)"):
        custom_baskets.delete_basket(db, basket_id)
    assert custom_baskets.create_basket(db, "Doomed", "", ["AAPL"]) == "doomed"  # the name is free again


@pytest.mark.parametrize("basket_id", ["japan-defense", "oil-majors"])
def test_sector_baskets_cannot_be_deleted(db, basket_id) -> None:
    members_before = member_rows(db, basket_id)
    with pytest.raises(BasketError, match="sector basket from data/baskets.toml: it can't be deleted here"):
        custom_baskets.delete_basket(db, basket_id)
    assert member_rows(db, basket_id) == members_before


def test_reference_reload_keeps_custom_baskets(db) -> None:
    from newsdesk.domain.reference import load_baskets, load_companies

    basket_id = custom_baskets.create_basket(db, "Keeper", "", ["7011.T"])
    assert writes.reference_loaded(db, load_companies(), load_baskets())
    writes.sync_reference(db, load_companies(), load_baskets())
    assert member_rows(db, basket_id) == {"7011.T": 1.0}


# -------------------------------------------------------------------------------------------- reads


def test_list_baskets_and_members(index_db) -> None:
    listed = read_baskets.list_baskets(index_db.conn)
    assert list(listed.columns) == ["id", "name", "description", "kind", "members", "decisions"]
    row = listed.set_index("id").loc["shipyards"]
    assert (row["kind"], row["members"], row["decisions"]) == ("custom", 2, 0)
    assert listed.set_index("id").loc["japan-defense", "members"] == 7
    assert listed["name"].str.casefold().is_monotonic_increasing

    m = read_baskets.members(index_db.conn, "japan-defense")
    assert list(m.columns[:5]) == ["ticker", "name", "weight", "sector", "country"]
    first = m.iloc[0]
    assert (first["ticker"], first["name"], first["country"]) == ("7011.T", "Mitsubishi Heavy Industries", "JP")
    assert m["weight"].sum() == pytest.approx(1.0)
    assert m["weight"].is_monotonic_decreasing
    mentions = read_baskets.members(index_db.conn, "shipyards").set_index("ticker")["articles"].to_dict()
    assert mentions == {"7011.T": 4, "7012.T": 3}
    assert read_baskets.members(index_db.conn, "no-such-basket").empty


INDEX = [
    # grain, since, until, expected rows (period, sentiment, articles)
    (
        "week",
        None,
        None,
        [
            ("2026-06-01", 0.6 / 1.125, 2),
            ("2026-06-08", -1.0, 1),
            ("2026-07-13", 0.1, 1),
        ],
    ),
    (
        "day",
        None,
        None,
        [
            ("2026-06-01", 0.55 / 0.875, 1),
            ("2026-06-07", 0.2, 1),
            ("2026-06-08", -1.0, 1),
            ("2026-07-15", 0.1, 1),
        ],
    ),
    ("month", None, None, [("2026-06-01", (0.55 + 0.05 - 0.25) / 1.375, 3), ("2026-07-01", 0.1, 1)]),
    ("week", date(2026, 6, 8), None, [("2026-06-08", -1.0, 1), ("2026-07-13", 0.1, 1)]),
    ("week", None, date(2026, 6, 7), [("2026-06-01", 0.6 / 1.125, 2)]),
    ("week", date(2026, 6, 2), date(2026, 6, 8), [("2026-06-01", 0.2, 1), ("2026-06-08", -1.0, 1)]),
    ("week", date(2027, 1, 1), None, []),
]


@pytest.mark.parametrize(("grain", "since", "until", "rows"), INDEX)
def test_basket_sentiment_index(index_db, grain, since, until, rows) -> None:
    index = read_baskets.basket_sentiment(index_db.conn, "shipyards", grain, since=since, until=until)
    assert list(index.columns) == ["period", "sentiment", "articles", "mentions", "weight_sum"]
    got = [
        (p.isoformat(), s, n) for p, s, n in zip(index["period"], index["sentiment"], index["articles"], strict=True)
    ]
    assert [(p, n) for p, _, n in got] == [(p, n) for p, _, n in rows]
    assert [s for _, s, _ in got] == pytest.approx([s for _, s, _ in rows], abs=1e-4)


def test_index_odd_inputs(index_db) -> None:
    with pytest.raises(BasketError, match="grain 'year' is not one of day, week, month"):
        read_baskets.basket_sentiment(index_db.conn, "shipyards", "year")
    assert read_baskets.basket_sentiment(index_db.conn, "no-such-basket").empty
    assert read_baskets.overall_sentiment(read_baskets.basket_sentiment(index_db.conn, "no-such-basket")) is None
    week = read_baskets.basket_sentiment(index_db.conn, "shipyards", "week")
    month = read_baskets.basket_sentiment(index_db.conn, "shipyards", "month")
    # the whole-range figure does not depend on the grain
    assert read_baskets.overall_sentiment(week) == pytest.approx(read_baskets.overall_sentiment(month))
    assert read_baskets.overall_sentiment(week) == pytest.approx((0.55 + 0.05 - 0.25 + 0.075) / (1.375 + 0.75))


def test_recent_articles(index_db) -> None:
    """The newest articles naming a member, with their members and basket sentiment; for every
    limit and window they are exactly the newest of a plain join (ties by id)."""
    for since in (None, date(2026, 6, 2), date(2026, 7, 1), date(2030, 1, 1)):
        for limit in range(0, 8):
            dates = " AND a.published_at >= ?" if since else ""
            want = index_db.execute(
                "SELECT DISTINCT a.id, a.published_at FROM articles a JOIN article_entities e ON e.article_id = a.id "
                f"JOIN basket_members m ON m.ticker = e.ticker AND m.basket_id = 'shipyards' WHERE 1 = 1{dates} "
                "ORDER BY a.published_at DESC, a.id LIMIT ?",
                [since.isoformat(), limit] if since else [limit],
            ).fetchall()
            got = read_baskets.recent_articles(index_db.conn, "shipyards", limit=limit, since=since)
            assert got["id"].tolist() == [r[0] for r in want], (since, limit)
    recent = read_baskets.recent_articles(index_db.conn, "shipyards", limit=3)
    assert recent["title"].tolist() == ["Only a null sentiment", "Missile contract signed", "Engine recall widens"]
    assert recent["basket_sentiment"].iloc[0] is None or recent["basket_sentiment"].isna().iloc[0]
    everything = read_baskets.recent_articles(index_db.conn, "shipyards", limit=10)
    assert "Unrelated phone launch" not in everything["title"].tolist()
    first = everything.set_index("title").loc["Shipyard orders surge"]
    assert first["members"] == "7011.T, 7012.T"
    assert first["basket_sentiment"] == pytest.approx(0.55 / 0.875)
    assert read_baskets.recent_articles(index_db.conn, "shipyards", limit=10, since=date(2026, 7, 1))[
        "title"
    ].tolist() == [
        "Only a null sentiment",
        "Missile contract signed",
    ]


def test_basket_decisions(db) -> None:
    legs = [{"name": "Japan defense", "basket": "japan-defense", "side": "long"}]
    article = mention_article(
        "Budget lifts defense names",
        "2026-06-03",
        [("7011.T", 1.0, 0.5)],
        decisions=[
            Decision(1, "Overweight Japan defense for the next 6-12 months.", "overweight", "bullish", legs),
            Decision(2, "Hedge the yen.", "hedge", "hedge"),
        ],
    )
    writes.write_batch(db, [article], [], "decision-test")
    found = read_decisions.basket_decisions(db.conn, "japan-defense")
    assert len(found) == 1
    row = found.iloc[0]
    assert (row["side"], row["title"], row["position"]) == ("long", "Budget lifts defense names", 1)
    assert row["instruments"] == legs  # decoded by the read, with their exposures beside them
    assert row["exposures"] == "long Japan defense"
    assert read_decisions.basket_decisions(db.conn, "japan-defense", since=date(2026, 6, 4)).empty
    assert read_baskets.list_baskets(db.conn).set_index("id").loc["japan-defense", "decisions"] == 1


def test_index_from_an_ingested_article(db, tmp_path) -> None:
    """The real pipeline: companies are found in the text and decisions linked to the sector basket."""
    record = {
        "title": "Mitsubishi Heavy Industries wins record missile order",
        "url": "https://example.com/mhi-order",
        "source": "Fixture Wire",
        "published_at": "2026-06-10T06:00:00Z",
        "summary": "Mitsubishi Heavy Industries and Kawasaki Heavy Industries won record orders; profit jumped.",
        "decisions": ["Overweight Japan defense for the next 6-12 months."],
    }
    path = tmp_path / "one.jsonl"
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    report = pipeline.ingest_paths(db, [path])
    assert report.added == 1
    index = read_baskets.basket_sentiment(db.conn, "japan-defense")
    assert index["period"].tolist() == [date(2026, 6, 8)]
    assert index["articles"].tolist() == [1] and index["mentions"].iloc[0] >= 2
    assert index["sentiment"].iloc[0] > 0
    decisions = read_decisions.basket_decisions(db.conn, "japan-defense")
    assert decisions["side"].tolist() == ["long"]


def test_reads_work_on_a_read_only_connection(index_db, ref_target) -> None:
    conn = schema.open(ref_target, readonly=True)
    assert not read_baskets.basket_sentiment(conn, "shipyards").empty
    with pytest.raises(Exception, match="(?i)read-?only"):
        conn.execute("DELETE FROM baskets")
    conn.close()


# ------------------------------------------------------------------------------------------- AppTest


@pytest.fixture
def page_db(ref_path, monkeypatch) -> Path:
    """The reference database with :data:`ARTICLES`, for the dashboard."""
    db = schema.connect(ref_path)
    writes.write_batch(db, [mention_article(*row) for row in ARTICLES], [], "basket-test")
    db.close()
    monkeypatch.setenv("NEWSDESK_DB", str(ref_path))
    monkeypatch.delenv("NEWSDESK_READONLY", raising=False)
    return ref_path


def open_baskets(basket: str | None = None):
    """Start at the entry page (with ``?basket=`` in the URL when given) and switch to the Baskets page."""
    from tests.apptest_util import app

    at = app()
    if basket:
        at.query_params["basket"] = basket
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    return at


def texts(elements) -> list[str]:
    return [e.value for e in elements]


def test_page_opens_the_basket_in_the_url(page_db) -> None:
    at = open_baskets("japan-defense")
    assert at.title[0].value == "Baskets"
    assert at.selectbox(key="w_basket").value == "japan-defense"
    assert at.query_params["basket"] == "japan-defense"
    shown = metrics(at)
    assert shown["Members"] == "7"
    assert shown["Articles naming members"] == "4"
    (index,) = [f for f in chart_frames(at) if "sentiment" in f.columns and "articles" in f.columns]
    assert index["articles"].sum() == 4
    assert at.get("download_button")
    assert any("sector basket from data/baskets.toml" in t for t in texts(at.info))


def test_unknown_basket_in_the_url_falls_back_with_a_warning(page_db) -> None:
    at = open_baskets("no-such-basket")
    assert any("There is no basket with id “no\\-such\\-basket”" in t for t in texts(at.warning))
    picker = at.selectbox(key="w_basket")
    assert picker.value == "ai-compute-leaders"  # the first basket by name
    assert at.query_params["basket"] == "ai-compute-leaders"


def test_picking_a_basket_updates_the_url(page_db) -> None:
    at = open_baskets("japan-defense")
    at.selectbox(key="w_basket").set_value("oil-majors").run()
    assert not at.exception
    assert at.query_params["basket"] == "oil-majors"
    assert any("No article in this date range mentions a member" in t for t in texts(at.info))


def create_through_form(at, name: str, tickers: list[str], weights: dict[str, float] | None = None):
    at.text_input(key="bk_new_name").input(name)
    at.text_area(key="bk_new_desc").input("Made in a test.")
    at.multiselect(key="bk_new_members").set_value(tickers).run()
    for ticker, weight in (weights or {}).items():
        at.number_input(key=f"bk_new_w_{ticker}").set_value(weight)
    at.button(key="bk_create").click().run()
    assert not at.exception, at.exception
    return at


def test_create_a_custom_basket_through_the_form(page_db) -> None:
    at = open_baskets("japan-defense")
    create_through_form(at, "Heavy pair", ["7011.T", "7012.T"], {"7011.T": 3.0})
    assert any("Created the custom basket “Heavy pair”" in t for t in texts(at.success))
    picker = at.selectbox(key="w_basket")
    assert picker.value == "heavy-pair"
    assert "Heavy pair · custom" in picker.options
    assert at.query_params["basket"] == "heavy-pair"
    assert metrics(at)["Members"] == "2"
    # 7012.T's empty weight took the mean of the given ones (3), so the pair is 50/50
    conn = sqlite3.connect(page_db)
    assert dict(conn.execute("SELECT ticker, weight FROM basket_members WHERE basket_id = 'heavy-pair'")) == {
        "7011.T": 0.5,
        "7012.T": 0.5,
    }
    conn.close()
    # the form is cleared for the next basket
    assert at.text_input(key="bk_new_name").value == ""


def test_form_errors_are_shown_not_raised(page_db) -> None:
    at = open_baskets("japan-defense")
    create_through_form(at, "", ["7011.T"])
    assert any("a basket needs a name" in t for t in texts(at.error))
    create_through_form(at, "Japan defense", ["7011.T"])
    assert any("a basket named 'Japan defense' already exists" in t for t in texts(at.error))
    at.text_input(key="bk_new_name").input("Nobody")
    at.multiselect(key="bk_new_members").set_value([]).run()
    at.button(key="bk_create").click().run()
    assert any("a basket needs at least one member" in t for t in texts(at.error))
    assert at.selectbox(key="w_basket").value == "japan-defense"


def test_edit_and_delete_a_custom_basket_through_the_form(page_db) -> None:
    at = open_baskets("japan-defense")
    create_through_form(at, "Heavy pair", ["7011.T", "7012.T"])
    prefix = "bk_edit_heavy-pair"
    assert at.text_input(key=f"{prefix}_name").value == "Heavy pair"
    at.text_input(key=f"{prefix}_name").input("Heavy trio")
    at.multiselect(key=f"{prefix}_members").set_value(["7011.T", "7012.T", "7013.T"]).run()
    at.button(key="bk_save").click().run()
    assert not at.exception, at.exception
    assert any("Saved the basket" in t for t in texts(at.success))
    assert "Heavy trio · custom" in at.selectbox(key="w_basket").options
    assert metrics(at)["Members"] == "3"
    assert at.button(key="bk_delete").disabled
    at.checkbox(key=f"{prefix}_delete_ok").check().run()
    at.button(key="bk_delete").click().run()
    assert not at.exception, at.exception
    assert any("Deleted the custom basket “Heavy trio”" in t for t in texts(at.success))
    assert "heavy-pair" not in at.selectbox(key="w_basket").options


def test_copy_a_sector_basket_into_the_form(page_db) -> None:
    at = open_baskets("japan-defense")
    at.button(key="bk_copy").click().run()
    assert not at.exception, at.exception
    assert at.text_input(key="bk_new_name").value == "Japan defense (custom)"
    assert at.multiselect(key="bk_new_members").value[:2] == ["7011.T", "7012.T"]
    at.button(key="bk_create").click().run()
    assert at.selectbox(key="w_basket").value == "japan-defense-custom"
    assert metrics(at)["Members"] == "7"


def test_read_only_mode_hides_the_form(page_db, monkeypatch) -> None:
    monkeypatch.setenv("NEWSDESK_READONLY", "1")
    at = open_baskets("japan-defense")
    assert any("read-only" in t for t in texts(at.info))
    assert not [b for b in at.button if b.key in ("bk_create", "bk_save", "bk_delete", "bk_copy")]
    assert metrics(at)["Members"] == "7"


def test_page_loads_the_reference_into_a_database_without_baskets(tmp_path, monkeypatch) -> None:
    path = seed(tmp_path / "bare.db")  # tests/seed.py writes no companies or baskets
    monkeypatch.setenv("NEWSDESK_DB", str(path))
    monkeypatch.delenv("NEWSDESK_READONLY", raising=False)
    at = open_baskets()
    assert not at.exception
    assert len(at.selectbox(key="w_basket").options) >= 20


def test_read_only_database_without_baskets_says_so(tmp_path, monkeypatch) -> None:
    path = seed(tmp_path / "bare.db")
    monkeypatch.setenv("NEWSDESK_DB", str(path))
    monkeypatch.setenv("NEWSDESK_READONLY", "1")
    at = open_baskets()
    assert not at.exception
    assert any("no baskets yet" in t for t in texts(at.info))


@pytest.mark.parametrize("grain", ["day", "week", "month"])
def test_basket_charts_are_valid_vega_lite(index_db, grain) -> None:
    """The Baskets page's index chart and the Decisions page's sparkline are drawn from specs built
    without Altair's validation; here both are validated against the Vega-Lite schema on real data."""
    from components.charts import basket_spark, index_chart, to_spec

    index = read_baskets.basket_sentiment(index_db.conn, "shipyards", grain)
    assert len(index) >= 2
    for chart in (index_chart(index, grain), basket_spark(index)):
        chart.to_dict(validate=True)  # raises on an invalid spec
        spec = to_spec(chart)
        assert spec["datasets"] and all(isinstance(v, bytes) for v in spec["datasets"].values())


@pytest.mark.parametrize("grain", ["day", "week", "month"])
def test_basket_chart_templates_give_altairs_spec(index_db, grain) -> None:
    """The pages fill a template built once per grain; for two baskets in turn (one template) the
    filled spec is exactly the one Altair builds for that basket."""
    from components.chart_cache import build_spec
    from components.charts import basket_spark, index_chart
    from tests.ui.test_dashboard import same_spec

    others = [b for b in read_baskets.list_baskets(index_db.conn)["id"] if b != "shipyards"]
    for basket in ("shipyards", *others[:3]):
        index = read_baskets.basket_sentiment(index_db.conn, basket, grain)
        if index.empty:
            continue
        same_spec(build_spec("basket_index", index, grain), index_chart(index, grain))
        same_spec(build_spec("spark", index, grain), basket_spark(index))


def test_typing_a_ticker_and_enter_adds_exactly_that_member(page_db) -> None:
    at = open_baskets("japan-defense")
    at.text_input(key="bk_new_add").set_value("7011.t").run()  # any case: the exact ticker
    assert not at.exception
    assert at.multiselect(key="bk_new_members").value == ["7011.T"]
    at.text_input(key="bk_new_add").set_value("7012.T").run()  # one member per Enter
    assert at.multiselect(key="bk_new_members").value == ["7011.T", "7012.T"]
    assert at.text_input(key="bk_new_add").value == ""
    at.text_input(key="bk_new_add").set_value("7011.X").run()
    (message,) = [w for w in texts(at.warning) if "Unknown ticker" in w]
    assert "7011.X" in message and "7011.T" in message  # the closest known ones
    assert at.multiselect(key="bk_new_members").value == ["7011.T", "7012.T"]


@pytest.mark.parametrize(
    ("typed", "ticker", "near"),
    [
        ("AAPL", "AAPL", []),
        ("aapl ", "AAPL", []),
        ("Apple Inc.", "AAPL", []),
        ("AAP", None, ["AAPL · Apple Inc."]),
        ("", None, []),
        ("zzzzzz", None, []),
    ],
)
def test_resolve_member(typed, ticker, near) -> None:
    import pandas as pd

    from components.baskets_view import resolve_member

    companies = pd.DataFrame(
        {"ticker": ["AAPL", "AAL", "MSFT", "7011.T"], "name": ["Apple Inc.", "American Airlines", "Microsoft", "MHI"]}
    )
    found, close = resolve_member(typed, companies)
    assert found == ticker
    assert close[: len(near)] == near
