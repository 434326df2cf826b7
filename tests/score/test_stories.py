"""Story clusters: hand-written stories (pure), then stored story ids through the real write path."""

from __future__ import annotations

import csv
import io

import pytest

from newsdesk.db import schema, stories, writes
from newsdesk.db.read import articles as read_articles
from newsdesk.db.read.stories import story_facts, story_versions
from newsdesk.domain.filters import Filters
from newsdesk.domain.models import Article
from newsdesk.flows import export
from newsdesk.flows import ingest as pipeline
from newsdesk.score.stories import StoryIndex, cluster, words

HOUR = 3600.0
T0 = 1_780_000_000.0

# (first title, second title, hours between them, same story?)
PAIRS = [
    (
        "EBay rejects Icahn board nominees, asks investors to do same",
        "EBay asks shareholders to vote against Carl Icahn board nominees",
        0.5,
        True,
    ),
    (
        "Apple to buy Beats Electronics for $3 billion",
        "Apple agrees $3bn deal to buy Beats headphone maker",
        2,
        True,
    ),
    (  # an isolated near-repeat the next day: the story was quiet for 12 hours, so another story
        "Fed's Plosser says weather caused weak jobs data, taper should go on",
        "UPDATE 1-Fed's Plosser says weak jobs data caused by weather, taper should go on",
        20,
        False,
    ),
    (  # the same company, another event
        "Apple to buy Beats Electronics for $3 billion",
        "Apple recalls iPhone 5 batteries over overheating",
        3,
        False,
    ),
    (  # unrelated headlines sharing a word
        "Bank of England holds rates at record low",
        "Bank holiday traffic jams expected on the M25",
        1,
        False,
    ),
    (  # the same wording after the quiet window: another story
        "Tesla recalls Model S cars over seat belts",
        "Tesla recalls Model S cars over seat belts",
        72,
        False,
    ),
    ("", "", 0, False),  # titles with no words never join anything
    ("Stocks", "Stocks", 0, False),  # one word is too little to join on
]


@pytest.mark.parametrize(("first", "second", "hours", "same"), PAIRS)
def test_hand_written_pairs(first: str, second: str, hours: float, same: bool) -> None:
    got = cluster([("a1", first, T0), ("a2", second, T0 + hours * HOUR)])
    assert (got["a1"] == got["a2"]) is same
    assert got["a1"] == "a1"  # a story's id is its first article's


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("EBay's CEO Says", ["ebay", "ceo"]),
        ("Stocks fall; banks rally", ["stock", "fall", "bank", "rally"]),
        ("", []),
        ("   --- !!! ", []),
        ("S&P 500 hits record", ["500", "hit", "record"]),
    ],
)
def test_words(text: str, expected: list[str]) -> None:
    assert words(text) == expected


def test_a_follow_up_a_day_later_joins_a_story_still_being_reported() -> None:
    got = cluster(
        [
            ("a1", "Fed's Plosser says weather caused weak jobs data, taper should go on", T0),
            ("a2", "Plosser: weather hit jobs data, Fed taper should go on", T0 + 10 * HOUR),
            ("a3", "Plosser repeats Fed taper should go on despite weather-hit jobs data", T0 + 20 * HOUR),
        ]
    )
    assert got == {"a1": "a1", "a2": "a1", "a3": "a1"}


def test_assignment_is_keyed_by_article_id() -> None:
    index = StoryIndex()
    first = index.assign("x", "Apple to buy Beats Electronics for $3 billion", T0)
    again = index.assign("x", "something else entirely different words", T0 + 60)
    assert first == again == "x"


def test_same_input_gives_same_stories_in_any_order() -> None:
    items = [(f"id{n}", t, T0 + n * 60) for n, (t, *_rest) in enumerate(PAIRS)]
    assert cluster(items) == cluster(list(reversed(items)))


# ------------------------------------------------------------------ stored


def article(title: str, source: str, minutes: int, day: str = "2026-06-01") -> Article:
    return Article(
        title=title,
        source=source,
        url=f"https://{source.lower()}.example/{abs(hash((title, minutes)))}",
        published_at=f"{day}T10:{minutes:02d}:00Z",
        summary="",
    )


BATCH = [
    ("EBay rejects Icahn board nominees, asks investors to do same", "Reuters", 0),
    ("EBay asks shareholders to vote against Carl Icahn board nominees", "CNBC", 14),
    ("EBay urges shareholders to reject Icahn's board nominees", "Guardian", 30),
    ("Bank of England holds rates at record low", "Reuters", 5),
]


def stored_stories(db) -> dict[str, str]:
    return dict(db.execute("SELECT title, story_id FROM articles").fetchall())


def write(db, rows) -> None:
    writes.write_batch(db, [pipeline.score_article(article(t, s, m)) for t, s, m in rows], [], "test")


def test_ingest_stores_stories_and_facts(db_path) -> None:
    db = schema.connect(db_path)
    write(db, BATCH)
    got = stored_stories(db)
    ebay = {got[t] for t, *_ in BATCH[:3]}
    assert len(ebay) == 1 and got[BATCH[3][0]] not in ebay
    for story, size in db.execute("SELECT story_id, count(*) FROM articles GROUP BY story_id"):
        ids = db.execute("SELECT id FROM articles WHERE story_id = ?", [story]).fetchall()
        facts = story_facts(db.conn, ids[0][0])
        assert facts["story_size"] == size == len(ids)
    first = db.execute("SELECT id FROM articles WHERE source = 'Reuters' AND title LIKE 'EBay%'").fetchone()[0]
    facts = story_facts(db.conn, first)
    assert facts["story_outlets"] == 3 and facts["is_first_report"] is True
    assert facts["story_first_seen"].startswith("2026-06-01T10:00")
    versions = story_versions(db.conn, first)
    assert versions["source"].tolist() == ["Reuters", "CNBC", "Guardian"]
    only_first = read_articles.articles(db.conn, Filters(first_reports=True))
    assert sorted(only_first["source"]) == ["Reuters", "Reuters"]
    db.close()


def test_later_batch_joins_an_open_story_and_reingest_keeps_stories(db_path) -> None:
    db = schema.connect(db_path)
    write(db, BATCH[:1])
    write(db, BATCH[1:])  # a later chunk joins the stored story
    before = stored_stories(db)
    assert before[BATCH[0][0]] == before[BATCH[1][0]] == before[BATCH[2][0]]
    write(db, BATCH)  # the same file again: duplicates, no new story
    assert stored_stories(db) == before
    ids = [r[0] for r in db.execute("SELECT id FROM articles")]
    pipeline.rescore(db, ids)
    assert stored_stories(db) == before
    with schema.transaction(db):
        stories.rebuild(db.conn)
    assert stored_stories(db) == before
    db.close()


def test_all_columns_export_has_story_columns(db_path) -> None:
    db = schema.connect(db_path)
    write(db, BATCH)
    body = b"".join(export.csv_stream(read_articles.article_chunks(db.conn), columns="all")).decode()
    rows = list(csv.DictReader(io.StringIO(body)))
    for col in ("story_id", "story_size", "story_outlets", "story_first_seen", "is_first_report"):
        assert col in rows[0]
    assert sorted(int(r["story_size"]) for r in rows) == [1, 3, 3, 3]
    assert sum(int(r["is_first_report"]) for r in rows) == 2
    db.close()


def test_migration_backfills_stories(db_path) -> None:
    db = schema.connect(db_path)
    write(db, BATCH)
    with schema.transaction(db):
        db.execute("DROP INDEX idx_articles_story")
        db.execute("DROP INDEX idx_articles_story_followers")  # v21: a schema before v18 had neither index
        db.execute("ALTER TABLE articles DROP COLUMN story_id")
        story_migration = next(v for v, step in schema.MIGRATIONS.items() if step is stories.add_story_ids)
        db.execute(f"PRAGMA user_version = {story_migration - 1}")  # the later migrations run again too
    db.close()
    db = schema.connect(db_path)
    assert schema.schema_version(db) == schema.SCHEMA_VERSION
    got = stored_stories(db)
    assert len({got[t] for t, *_ in BATCH[:3]}) == 1
    assert db.execute("SELECT count(*) FROM articles WHERE story_id IS NULL").fetchone()[0] == 0
    db.close()


def test_rebuild_stories_command(db_path) -> None:
    from click.testing import CliRunner

    from newsdesk.cli import cli

    db = schema.connect(db_path)
    write(db, BATCH)
    before = stored_stories(db)
    db.execute("UPDATE articles SET story_id = id")
    db.conn.commit()
    db.close()
    result = CliRunner().invoke(cli, ["rebuild-stories", "--db", str(db_path)])
    assert result.exit_code == 0, result.output
    assert "2 stories" in result.output
    db = schema.connect(db_path)
    assert stored_stories(db) == before
    db.close()


# ------------------------------------------------------------------ companies

SAME_WORDS = "Shares jump after quarterly results beat forecasts"


@pytest.mark.parametrize(
    ("first", "second", "same"),
    [
        (("AAPL",), ("MSFT",), False),  # both name companies, none in common: two events
        (("AAPL",), ("AAPL", "MSFT"), True),
        (("AAPL",), (), True),  # a title without a company name says nothing against it
        ((), (), True),
    ],
)
def test_companies_keep_apart_the_same_words_about_other_companies(first, second, same) -> None:
    got = cluster([("a1", SAME_WORDS, T0, first), ("a2", SAME_WORDS, T0 + HOUR, second)])
    assert (got["a1"] == got["a2"]) is same


def test_ingest_and_rebuild_use_the_companies(db_path) -> None:
    from newsdesk.domain.models import Entity

    db = schema.connect(db_path)
    rows = [(SAME_WORDS, "Reuters", 0, "AAPL"), (SAME_WORDS + " again", "CNBC", 20, "MSFT")]
    batch = []
    for title, source, minutes, ticker in rows:
        a = pipeline.score_article(article(title, source, minutes))
        a.entities = [Entity(ticker, ticker)]
        batch.append(a)
    writes.write_batch(db, batch, [], "test")
    got = stored_stories(db)
    assert len(set(got.values())) == 2
    with schema.transaction(db):
        stories.rebuild(db.conn)
    assert stored_stories(db) == got
    db.close()
