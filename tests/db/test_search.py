"""The search box: its parser (pure, table-tested on odd input) and what each form finds in a real
SQLite file and on a PostgreSQL server (stemmed words, prefixes, phrases, OR, -word, company: and
source:)."""

from __future__ import annotations

import re
import sqlite3

import pytest

from newsdesk.db import schema, writes
from newsdesk.db.read import articles as read_articles
from newsdesk.db.read import totals as read_totals
from newsdesk.domain import search
from newsdesk.domain.filters import Filters
from newsdesk.domain.models import Article
from newsdesk.score import score_article

Q = search.SearchQuery


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("tariff", Q(match='"tariff"')),
        ("  Tariffs  ", Q(match='"Tariffs"')),
        ("bank*", Q(match='"bank"*')),
        ('"rate cut"', Q(match='"rate cut"', phrases=("rate cut",))),
        ('"Rate-cut" OR hike', Q(match='("Rate cut" OR "hike")')),
        ('"rate cut" "rate cut"', Q(match='"rate cut" AND "rate cut"', phrases=("rate cut",))),
        ("tariff OR duty steel", Q(match='("tariff" OR "duty") AND "steel"')),
        ("steel tariff OR duty", Q(match='"steel" AND ("tariff" OR "duty")')),
        ("a OR b OR c", Q(match='("a" OR "b" OR "c")')),
        ("-china", Q(exclude='"china"')),
        ("tariff -china -steel", Q(match='"tariff"', exclude='("china" OR "steel")')),
        ("company:TSLA", Q(companies=("TSLA",))),
        ('company:"Rolls-Royce" jets', Q(match='"jets"', companies=("Rolls-Royce",))),
        ("source:reuters source:Reuters", Q(sources=("reuters", "Reuters"))),
        ("-source:benzinga oil", Q(match='"oil"', not_sources=("benzinga",))),
        ("ticker:AAPL -company:MSFT", Q(companies=("AAPL",), not_companies=("MSFT",))),
        # malformed input falls back to words
        ('"unbalanced quote', Q(match='"unbalanced" AND "quote"')),
        ('rate "cut', Q(match='"rate" AND "cut"')),
        ("-", Q()),
        ("- -", Q()),
        ("OR", Q()),
        ("OR tariff OR", Q(match='"tariff"')),
        ("a OR OR b", Q(match='("a" OR "b")')),
        ("a OR -b", Q(match='"a"', exclude='"b"')),
        ("company:", Q()),
        ("company: tesla", Q(match='"tesla"')),
        ('source:""', Q()),
        ("or and", Q(match='"or" AND "and"')),
        ("AND", Q(match='"AND"')),
        ("NOT tariff", Q(match='"NOT" AND "tariff"')),
        ("NEAR(a b)", Q(match='"NEAR a" AND "b"')),
        ("title:x", Q(match='"title x"')),
        ("col:val", Q(match='"col val"')),
        ("^tariff", Q(match='"tariff"')),
        ("*", Q()),
        ("**bank**", Q(match='"bank"*')),
        ("e-commerce*", Q(match='"e commerce"*')),
        ("U.S. tariffs", Q(match='"U S" AND "tariffs"')),
        ("' OR 1=1 --", Q(match='"1 1"')),
        ("'; DROP TABLE articles; --", Q(match='"DROP" AND "TABLE" AND "articles"')),
        ("Tariff\x00'; DROP", Q(match='"Tariff" AND "DROP"')),
        ("% _ \\", Q()),
        ("🚀📉 tariff", Q(match='"tariff"')),
        ("\u202eTariff\u202c", Q(match='"Tariff"')),
        ("", Q()),
        (None, Q()),
    ],
)
def test_parse(text, expected) -> None:
    assert search.parse(text) == expected


HOSTILE = [
    '"',
    "'",
    '""""',
    "(((",
    ")",
    "{",
    "NEAR(",
    "a AND",
    "OR OR",
    '-"x',
    'company:"',
    "x" * 10_000,
    " ".join(["NEAR(a"] * 2_000),
    "a:b:c:d",
    "-company:",
    "\x00",
    "\t\n",
    "source:%",
    "*bank*OR*",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_parse_never_raises_and_leaves_nothing_unquoted(text) -> None:
    query = search.parse(text)
    for expr in (query.match, query.exclude):
        if expr is None:
            continue
        rest = re.sub(r'"(?:[^"]|"")*"\*?', "", expr)  # quoted strings (and their prefix star) out
        assert set(rest.split()) <= {"AND", "OR", "(", ")"} | {"(", ")"}, (text[:30], rest[:60])
        assert len(re.findall(r'"(?:[^"]|"")*"', expr)) <= search.MAX_TERMS


# ------------------------------------------------------------------ what each form finds

TITLES = {
    "t1": ("Tariffs hit steel exporters", "Wire A"),
    "t2": ("New tariff on Chinese cars", "Wire A"),
    "t3": ("TARIFF talk: a history", "Reuters"),
    "b1": ("Banking stocks rally", "Reuters"),
    "b2": ("Banks cut rates", "Simply Wall St"),
    "b3": ("Bankruptcy filing at retailer", "Simply Wall St"),
    "r1": ("Central bank signals a rate cut", "Reuters"),
    "r2": ("Cut the rate, say traders", "Wire A"),
    "r3": ("Rate cuts priced in", "Wire A"),
    "d1": ("Import duty raised", "Wire A"),
    "c1": ("Tesla shares fall as Musk sells stock", "Wire A"),
    "p1": ("50%_off sale at retailer", "Wire A"),
}


@pytest.fixture
def searchable(desk, desk_target):
    """The titles above stored on each engine; a read-only connection to them."""
    items = [
        score_article(
            Article(title=title, source=source, url=f"https://example.com/{key}", published_at="2026-06-01T09:00:00Z")
        )
        for key, (title, source) in TITLES.items()
    ]
    writes.write_batch(desk, items, [], "test")
    conn = schema.open(desk_target, readonly=True)
    yield conn
    conn.close()


def found(conn, text: str) -> set[str]:
    titles = set(read_articles.articles(conn, Filters(text=text))["title"])
    assert read_totals.kpis(conn, Filters(text=text))["articles"] == len(titles)
    return {k for k, (t, _) in TITLES.items() if t in titles}


@pytest.mark.parametrize(
    ("text", "keys"),
    [
        ("tariff", {"t1", "t2", "t3"}),  # every form of the word
        ("tariffs", {"t1", "t2", "t3"}),
        ("bank", {"b1", "b2", "r1"}),  # stemmed: not bankruptcy
        ("bank*", {"b1", "b2", "b3", "r1"}),  # the prefix
        ('"rate cut"', {"r1"}),  # word for word: not "Cut the rate", not "Rate cuts"
        ('"rate cut" OR duty', {"r1", "r3", "d1"}),  # inside an OR a phrase keeps its other forms
        ('"rate cuts"', {"r3"}),
        ('"RATE-CUTS"', {"r3"}),
        ('"tariff"', {"t2", "t3"}),
        ("rate cut", {"r1", "r2", "r3", "b2"}),
        ("tariff OR duty", {"t1", "t2", "t3", "d1"}),
        ("tariff -steel", {"t2", "t3"}),
        ("-tariff -bank* -rate", {"d1", "c1", "p1"}),
        ("source:reuters", {"t3", "b1", "r1"}),
        ('source:"wall st" bank*', {"b2", "b3"}),
        ("-source:reuters tariff", {"t1", "t2"}),
        ("source:%", set()),
        ("50%_off", {"p1"}),
        ('"unbalanced', set()),
        ("NEAR(tariff", set()),
        ("' OR 1=1 --", set()),
    ],
)
def test_search_finds(searchable, text, keys) -> None:
    assert found(searchable, text) == keys


def test_company_field_matches_ticker_or_name(searchable) -> None:
    assert {t for (t,) in searchable.execute("SELECT ticker FROM article_entities")} == {"TSLA"}
    assert found(searchable, "company:TSLA") == {"c1"}
    assert found(searchable, "company:tesla") == {"c1"}
    assert "c1" not in found(searchable, "-company:tsla")


def test_migration_rebuilds_an_unstemmed_index(tmp_path) -> None:
    """A database made before the stemmed index (exact tokens) finds every form after the upgrade."""
    path = tmp_path / "old.db"
    db = schema.connect(path)
    writes.write_batch(
        db, [score_article(Article(title="Tariffs bite", source="W", url="https://example.com/x"))], [], "t"
    )
    db.execute("DROP TABLE articles_fts")
    db.execute("CREATE VIRTUAL TABLE articles_fts USING fts5(title, summary, body, tokenize = 'unicode61')")
    db.execute(
        "INSERT INTO articles_fts (rowid, title, summary, body) SELECT rowid, title, summary, body FROM articles"
    )
    db.execute("PRAGMA user_version = 16")  # as before migration 17 (the stemmed index)
    db.close()
    with sqlite3.connect(path) as conn:
        assert read_totals.kpis(conn, Filters(text="tariff"))["articles"] == 0  # exact tokens only
    db = schema.connect(path)
    assert schema.schema_version(db) == schema.SCHEMA_VERSION
    db.close()
    with sqlite3.connect(path) as conn:
        assert read_totals.kpis(conn, Filters(text="tariff"))["articles"] == 1


def test_search_box_shows_its_syntax_and_applies_it(tmp_path, monkeypatch) -> None:
    """The dashboard's search box: the syntax in one line beneath it; a phrase, OR and -word typed
    there narrow the view as the parser says."""
    from tests.apptest_util import app, metrics
    from tests.seed import seed

    monkeypatch.setenv("NEWSDESK_DB", str(seed(tmp_path / "seed.db")))
    at = app().run()
    assert any(search.SYNTAX_HELP == c.value for c in at.sidebar.caption)
    at.text_input(key="w_text").input('"rate cut" OR tariff* -exporters').run()
    assert not at.exception
    assert metrics(at)["Articles"] == "1"  # "Rate cut lifts banks"; the tariff story names exporters
    assert at.query_params["q"] in ('"rate cut" OR tariff* -exporters', ['"rate cut" OR tariff* -exporters'])
