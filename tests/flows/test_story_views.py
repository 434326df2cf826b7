"""Stories across the desk (issue 24): the "stories" KPI of any view, one row per story in the
article lists and their CSVs, and the brief's stories, on a hand-built database (real clustering,
hand-set scores)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import pytest
from click.testing import CliRunner

from newsdesk.cli import cli
from newsdesk.db import schema, writes
from newsdesk.db.read import articles as read_articles
from newsdesk.db.read.stories import story_count
from newsdesk.db.read.totals import kpis
from newsdesk.domain.filters import Filters, from_params
from newsdesk.domain.models import Article, CategoryTag, Entity
from newsdesk.flows import export
from newsdesk.flows.brief import build_brief
from newsdesk.flows.brief_render import to_html, to_markdown
from newsdesk.score.labels import sentiment_label
from tests.apptest_util import app, metrics

TECH, RATES = "Technology & AI", "Central Banks"
D1, D2 = "2026-06-01", "2026-06-02"

# (key, title, source, day, minute, topic, impact, tickers, flags); story by clustering of the titles
ROWS = [
    ("e1", "EBay rejects Icahn board nominees, asks investors to do same", "Reuters", D1, 0, TECH, 0.9, ("EBAY",), ""),
    (
        "e2",
        "EBay asks shareholders to vote against Carl Icahn board nominees",
        "CNBC",
        D1,
        14,
        TECH,
        0.5,
        ("EBAY",),
        "",
    ),
    ("e3", "EBay urges shareholders to reject Icahn's board nominees", "Guardian", D1, 30, TECH, 0.4, (), ""),
    ("b1", "Bank of England holds rates at record low", "Reuters", D1, 5, RATES, 0.8, (), ""),
    ("a1", "Apple to buy Beats Electronics for $3 billion", "Reuters", D2, 0, TECH, 0.6, ("AAPL",), ""),
    ("a2", "Apple agrees $3bn deal to buy Beats headphone maker", "Bloomberg", D2, 40, TECH, 0.75, ("AAPL",), ""),
    ("u1", "Undated page about chip export rules", "Reuters", D2, 50, TECH, 0.3, (), "estimated"),
    ("s1", "Cup final ends in a penalty shoot-out", "Guardian", D2, 55, TECH, 0.2, (), "not market"),
]
STORY = {"e1": "E", "e2": "E", "e3": "E", "b1": "B", "a1": "A", "a2": "A", "u1": "U", "s1": "S"}


def hand_article(key, title, source, day, minute, topic, impact, tickers, flags) -> Article:
    sentiment = 0.3 if impact > 0.5 else -0.2
    return Article(
        title=title,
        source=source,
        url=f"https://{source.lower()}.example/{key}",
        published_at=f"{day}T10:{minute:02d}:00Z",
        summary=f"{title}.",
        categories=[CategoryTag(topic)],
        entities=[Entity(t, t) for t in tickers],
        sentiment=sentiment,
        sentiment_label=sentiment_label(sentiment),
        subjectivity=0.3,
        impact=impact,
        scorer_version="hand",
        published_estimated=flags == "estimated",
        market_relevant=flags != "not market",
    )


@pytest.fixture
def desk(db_path):
    db = schema.connect(db_path)
    writes.write_batch(db, [hand_article(*r) for r in ROWS], [], "hand")
    yield db
    db.close()


def ids_by_key(db) -> dict[str, str]:
    by_url = {f"https://{r[2].lower()}.example/{r[0]}": r[0] for r in ROWS}
    return {by_url[url]: i for i, url in db.execute("SELECT id, url FROM articles")}


def test_the_hand_built_stories_are_the_clusters(desk) -> None:
    ids = ids_by_key(desk)
    stored = dict(desk.execute("SELECT id, story_id FROM articles").fetchall())
    for a in STORY:
        for b in STORY:
            assert (stored[ids[a]] == stored[ids[b]]) is (STORY[a] == STORY[b]), (a, b)


# (filters, articles the KPI counts, stories among them)
VIEWS = [
    (Filters(), 6, 3),  # dates only (the totals): no estimated date, market news only
    (Filters(since=date(2026, 6, 1), until=date(2026, 6, 1)), 4, 2),
    (Filters(since=date(2026, 6, 2)), 2, 1),
    (Filters(topics=(TECH,)), 5, 2),  # topics (the category-set totals)
    (Filters(topics=(RATES,)), 1, 1),
    (Filters(min_impact=0.7), 3, 3),  # one high-impact article in each of three stories
    (Filters(labels=("somewhat-bullish",)), 4, 3),
    (Filters(topics=(TECH,), min_impact=0.45), 4, 2),  # topic rows with an impact floor
    (Filters(sources=("Reuters",)), 4, 4),  # articles: the estimated date counts here
    (Filters(sources=("CNBC", "Guardian")), 2, 1),
    (Filters(companies=("EBAY",)), 2, 1),
    (Filters(text="Icahn"), 3, 1),
    (Filters(text="nothing-matches-this"), 0, 0),
    (Filters(first_reports=True), 4, 4),  # each first report is its own story
    (Filters(market="all"), 8, 5),  # everything: estimated and non-market articles too
    (Filters(market="all", since=date(2026, 6, 2)), 4, 3),
    (Filters(hidden_sources=("Reuters",)), 3, 2),
    (Filters(per_story=True), 6, 3),  # a list's shape never changes a count
]


@pytest.mark.parametrize(("filters", "n_articles", "n_stories"), VIEWS)
def test_stories_kpi_is_exact_under_every_filter(desk, filters, n_articles, n_stories) -> None:
    assert kpis(desk.conn, filters)["articles"] == n_articles
    assert story_count(desk.conn, filters) == n_stories


@pytest.mark.parametrize(("filters", "n_articles", "n_stories"), VIEWS)
def test_one_row_per_story_lists_each_story_of_the_view_once(desk, filters, n_articles, n_stories) -> None:
    listed = read_articles.articles(desk.conn, filters)
    rows = read_articles.articles(desk.conn, Filters(**{**filters.__dict__, "per_story": True}))
    assert len(rows) == len(set(listed["story_id"]))  # every story of the list, once
    assert set(rows["id"]) <= set(listed["id"])
    for row in rows.itertuples():  # each is its story's earliest article in view
        mine = listed[listed["story_id"] == row.story_id]
        assert row.published_at == mine["published_at"].min()
        members = desk.execute("SELECT id FROM articles WHERE story_id = ?", [row.story_id]).fetchall()
        assert row.story_size == len(members)
    assert list(rows["published_at"]) == sorted(rows["published_at"], reverse=True)


def test_a_story_row_names_its_outlets_and_whether_it_is_the_first_report(desk) -> None:
    ids = ids_by_key(desk)
    rows = read_articles.articles(desk.conn, Filters(per_story=True)).set_index("id")
    ebay = rows.loc[ids["e1"]]
    assert (ebay["story_outlets"], ebay["story_size"], ebay["is_first_report"]) == (3, 3, 1)
    assert ids["e2"] not in rows.index and ids["e3"] not in rows.index
    later = read_articles.articles(desk.conn, Filters(per_story=True, sources=("CNBC", "Guardian")))
    assert later["id"].tolist() == [ids["e2"]]  # the first report is filtered out: the earliest in view
    assert (later["story_outlets"][0], later["is_first_report"][0]) == (3, 0)
    limited = read_articles.articles(desk.conn, Filters(per_story=True), limit=2)
    assert limited["id"].tolist() == [ids["u1"], ids["a1"]]  # newest first (an estimated date is listed)


def test_url_and_export_parameters_give_the_per_story_view() -> None:
    assert from_params({"per": ["story"]}).per_story is True
    assert from_params({"per": ["article"]}).per_story is False
    assert from_params({}).per_story is False


def test_per_story_csvs_hold_the_same_rows(desk) -> None:
    view = Filters(per_story=True)
    shown = read_articles.articles(desk.conn, view)
    for columns in ("human", "all"):
        body = b"".join(
            export.csv_stream(read_articles.article_chunks(desk.conn, view), columns, None, per_story=True)
        ).decode("utf-8-sig")
        got = list(csv.DictReader(io.StringIO(body)))
        assert [r["title"] for r in got] == shown["title"].tolist()
    assert {"story_outlets", "story_size", "is_first_report"} <= set(got[0])
    human = list(
        csv.DictReader(
            io.StringIO(
                b"".join(
                    export.csv_stream(read_articles.article_chunks(desk.conn, view), "human", per_story=True)
                ).decode("utf-8-sig")
            )
        )
    )
    assert tuple(human[0]) == export.human_columns(True)
    assert {r["title"][:4]: (r["outlets"], r["story size"]) for r in human}["EBay"] == ("3", "3")
    empty = b"".join(export.csv_stream(iter(()), "human", per_story=True)).decode("utf-8-sig")
    assert empty.splitlines()[0].split(",") == list(export.human_columns(True))


def test_export_command_per_story(desk, db_path, tmp_path) -> None:
    out = tmp_path / "stories.csv"
    result = CliRunner().invoke(
        cli, ["export", "articles", "--db", str(db_path), "--per-story", "--columns", "human", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    # the list's rows: the three stories and the undated page (listed, marked, counted in no total)
    assert (
        len(rows)
        == story_count(desk.conn, Filters(per_story=True, sources=("Reuters", "CNBC", "Guardian", "Bloomberg")))
        == 4
    )
    assert sorted(int(r["outlets"]) for r in rows) == [1, 1, 2, 3]


# ------------------------------------------------------------------ the brief


def test_the_brief_lists_each_story_once_with_outlets_and_first_report(desk) -> None:
    now = datetime(2026, 6, 2, 23, 0, tzinfo=UTC)
    brief = build_brief(desk.conn, datetime(2026, 6, 1, tzinfo=UTC), now)
    ids = ids_by_key(desk)
    assert brief.kpis["articles"] == 7 and brief.kpis["stories"] == 4  # the demo's hiding reads articles
    by_story = {s["story_id"]: s for s in brief.stories}
    assert len(by_story) == len(brief.stories) == 4
    assert [s["id"] for s in brief.stories] == [ids["e1"], ids["b1"], ids["a1"], ids["u1"]]  # by top impact
    ebay, _, apple, _ = brief.stories
    assert ebay["outlets"] == ["Reuters", "CNBC", "Guardian"] and ebay["story_size"] == 3
    assert (ebay["first_source"], ebay["first_seen"]) == ("Reuters", "2026-06-01T10:00:00Z")
    assert apple["impact"] == 0.75 and apple["title"].startswith("Apple to buy Beats")  # top impact, first report
    md = to_markdown(brief)
    assert md.count("Icahn") == 1
    assert "3 outlets: Reuters, CNBC, Guardian · first: Reuters 2026-06-01 10:00 UTC" in md
    assert "- Stories: **4**" in md
    page = to_html(brief)
    assert page.count("Icahn") == 1 and "2 outlets: Reuters, Bloomberg" in page


# ------------------------------------------------------------------ the pages


@pytest.fixture
def page_db(desk, db_path, monkeypatch):
    monkeypatch.setenv("NEWSDESK_DB", str(db_path))
    return db_path


def test_overview_shows_stories_beside_articles(page_db) -> None:
    at = app().run()
    assert not at.exception
    m = metrics(at)
    assert (m["Articles"], m["Stories"]) == ("6", "3")
    at.multiselect(key="w_sources").set_value(["Reuters"]).run()
    assert (metrics(at)["Articles"], metrics(at)["Stories"]) == ("4", "4")


def test_articles_page_one_row_per_story_toggle_and_url(page_db) -> None:
    at = app().run()
    at.switch_page("pages/2_Articles.py").run()
    assert not at.exception
    # the list holds the undated page too (listed, marked "estimated", counted in no total)
    assert len(at.dataframe[-1].value) == 7 and "story_outlets" not in at.dataframe[-1].value
    at.toggle(key="w_per").set_value(True).run()
    assert not at.exception
    assert at.query_params.get("per") in ("story", ["story"])
    table = at.dataframe[-1].value
    assert len(table) == 4
    assert sorted(table["story_outlets"]) == [1, 1, 2, 3]
    assert any("4 stories" in c.value for c in at.caption)


def test_articles_page_opens_per_story_from_the_url(page_db) -> None:
    at = app()
    at.query_params["per"] = "story"
    at.run()
    at.switch_page("pages/2_Articles.py").run()
    assert not at.exception
    assert at.toggle(key="w_per").value is True
    assert len(at.dataframe[-1].value) == 4
