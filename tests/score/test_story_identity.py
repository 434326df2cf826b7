"""Which records are one story, on real SQLite files: distinct stories that share a link stay apart
(per-symbol feeds, #fragments, podcasts), one story from two sources is merged (same URL, or the same
headline at a close time), and a merge keeps the companies, categories and sources of both."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsdesk.db import schema
from newsdesk.domain.identity import article_id, canonical_url, titles_differ
from newsdesk.flows import ingest as pipeline
from tests.fault_util import daily_mismatches, derived_mismatches
from tests.seed import undo_market_relevance

STORIES = Path(__file__).resolve().parents[1] / "fixtures" / "stories"


def ingest(db, *names: str) -> tuple[int, int, int]:
    report = pipeline.ingest_paths(db, [STORIES / n for n in names])
    return report.added, report.duplicates, report.rejected


def exact(db) -> None:
    """The derived tables equal their recomputation after every merge."""
    assert daily_mismatches(db.conn) == []
    assert derived_mismatches(db.conn) == []


@pytest.mark.parametrize(
    ("name", "added", "duplicates"),
    [
        ("per_symbol.xml", 4, 1),  # four stories on one quote page; one item repeated with a utm_ tag
        ("fragments.xml", 3, 0),  # permalinks that differ only by #fragment
        ("podcast.xml", 3, 0),  # every episode links to the home page
        ("per_ticker.csv", 2, 3),  # one headline listed once per ticker
    ],
)
def test_stories_sharing_a_link_stay_apart_and_reingest_adds_nothing(db, name, added, duplicates) -> None:
    assert ingest(db, name) == (added, duplicates, 0)
    ids = {r[0] for r in db.execute("SELECT id FROM articles")}
    assert len(ids) == added
    assert ingest(db, name) == (0, added + duplicates, 0)
    assert {r[0] for r in db.execute("SELECT id FROM articles")} == ids
    exact(db)


def test_the_first_story_at_a_url_keeps_the_id_older_databases_gave_it(db) -> None:
    ingest(db, "per_symbol.xml")
    url = "https://quotes.quotewire.example/news?s=ACME,GLBX,INIT,UMBR"
    first = db.execute("SELECT title, guid FROM articles WHERE id = ?", [article_id(url, "", "", None)]).fetchone()
    assert first == ("UMBR: Umbrella Pharma starts a late-stage trial", "qw-20260602-0004")  # the earliest item
    guids = sorted(r[0] for r in db.execute("SELECT guid FROM articles"))
    assert guids == [f"qw-20260602-000{n}" for n in range(1, 5)]
    assert {r[0] for r in db.execute("SELECT url FROM articles")} == {canonical_url(url)}


@pytest.mark.parametrize("order", [("site_rss.xml", "newsapi.json"), ("newsapi.json", "site_rss.xml")])
def test_one_story_from_a_site_feed_and_newsapi_is_merged(db, order) -> None:
    first, second = order
    assert ingest(db, first) == (3, 0, 0)
    # oil: same headline, 42 s apart, other URLs; chipmaker: feedburner:origLink = NewsAPI URL (utm_ dropped);
    # central bank: a short headline from another outlet a day later is another story
    assert ingest(db, second) == (1, 2, 0)
    assert db.execute("SELECT count(*) FROM articles").fetchone()[0] == 4
    sources = sorted(
        (title, sorted(r[0] for r in db.execute("SELECT source FROM article_sources WHERE article_id = ?", [i])))
        for i, title in db.execute("SELECT id, title FROM articles")
    )
    assert sources == [
        ("Central bank holds rates, signals patience", ["Harbor Ledger"]),
        ("Central bank holds rates, signals patience", ["Reuters: Business News"]),
        ("Chipmaker shares slide on weak data-centre demand", ["Reuters", "Reuters: Business News"]),
        ("Oil prices jump after producers agree a deeper supply cut", ["Reuters", "Reuters: Business News"]),
    ]
    assert ingest(db, "site_rss.xml", "newsapi.json") == (0, 6, 0)
    exact(db)


def entities_and_categories(db, title: str) -> tuple[set[str], set[str]]:
    (aid,) = db.execute("SELECT id FROM articles WHERE title = ?", [title]).fetchone()
    tickers = {r[0] for r in db.execute("SELECT ticker FROM article_entities WHERE article_id = ?", [aid])}
    cats = {
        r[0]
        for r in db.execute("SELECT category FROM article_categories WHERE article_id = ? AND origin = 'source'", [aid])
    }
    return tickers, cats


JV = "Acme and Globex agree a joint venture for warehouse robots"
DRUG = "Umbrella Pharma wins approval for a migraine drug"


def test_a_headline_listed_per_ticker_keeps_every_ticker_and_category(db) -> None:
    ingest(db, "per_ticker.csv")
    tickers, cats = entities_and_categories(db, JV)
    assert {"ACME", "GLBX", "INIT"} <= tickers
    assert cats == {"M&A & Capital Markets", "Transport & Travel"}
    tickers, cats = entities_and_categories(db, DRUG)
    assert {"UMBR", "INIT"} <= tickers
    assert cats == {"Healthcare & Pharma", "Regulation & Antitrust"}
    counts = dict(db.execute("SELECT ticker, n FROM ticker_counts"))
    assert counts["INIT"] == 2 and counts["ACME"] == 1
    exact(db)


def test_a_merge_with_a_stored_story_unions_its_tickers_and_categories(db, tmp_path) -> None:
    header, *rows = (STORIES / "per_ticker.csv").read_text("utf-8").splitlines()
    paths = []
    for n, row in enumerate(rows):  # each listing in its own file: every merge is with a stored story
        path = tmp_path / f"listing{n}.csv"
        path.write_text(f"{header}\n{row}\n", "utf-8")
        paths.append(path)
    report = pipeline.ingest_paths(db, paths)
    assert (report.added, report.duplicates) == (2, 3)
    assert {"ACME", "GLBX", "INIT"} <= entities_and_categories(db, JV)[0]
    assert entities_and_categories(db, JV)[1] == {"M&A & Capital Markets", "Transport & Travel"}
    assert entities_and_categories(db, DRUG)[1] == {"Healthcare & Pharma", "Regulation & Antitrust"}
    exact(db)
    again = pipeline.ingest_paths(db, paths)
    assert (again.added, again.duplicates) == (0, 5)


def test_a_database_of_schema_11_keeps_its_ids_and_reingest_adds_nothing(db_path) -> None:
    db = schema.connect(db_path)
    ingest(db, "site_rss.xml", "per_ticker.csv")
    before = sorted(db.execute("SELECT id, title FROM articles"))
    with schema.transaction(db):  # turn it back into a v11 database
        undo_market_relevance(db)
        db.execute("DROP INDEX idx_articles_title_key")
        db.execute("ALTER TABLE articles DROP COLUMN guid")
        db.execute("PRAGMA user_version = 11")
    db.close()
    db = schema.connect(db_path)
    assert schema.schema_version(db) == schema.SCHEMA_VERSION
    assert sorted(db.execute("SELECT id, title FROM articles")) == before
    assert ingest(db, "site_rss.xml", "per_ticker.csv") == (0, 8, 0)
    exact(db)
    db.close()


@pytest.mark.parametrize(
    ("a", "b", "differ"),
    [
        ("Oil jumps", "Oil jumps", False),
        ("Oil jumps", "OIL JUMPS!", False),
        ("Oil jumps on supply cut", "Oil jumps on supply cut, analysts say", False),  # one holds the other
        ("Fed holds rates steady in June", "Fed holds rates steady in June meeting", False),
        ("ACME: Acme lifts outlook", "GLBX: Globex wins charter", True),
        ("Episode 41: banks", "Episode 42: copper", True),
        ("Markets wrap: stocks rise on Fed", "Markets wrap: stocks fall on jobs", True),
        ("", "Anything at all", False),  # no title to compare: not a reason to split
        ("…", "Something", False),
        ("Ölpreis steigt", "ÖLPREIS STEIGT", False),
    ],
)
def test_titles_differ(a, b, differ) -> None:
    assert titles_differ(a, b) is differ
    assert titles_differ(b, a) is differ


LOWS = "Stocks That Hit 52-Week Lows On Monday"
UPGRADES = "Wire's Top Upgrades"
RECAP = "Markets recap: stocks edge higher as oil slips"
WEEKLY = [f"20{11 + n // 8}-{1 + n % 8:02d}-{10 + n % 3:02d}T08:00:00Z" for n in range(40)]  # 40 days, none adjacent


def csv_rows(rows: list[tuple[str, str, str, str]]) -> str:
    """A headline CSV of (title, published_at, url, summary) rows, all from one named source."""
    lines = ["title,published_at,url,summary,source"]
    lines += [f'"{t}",{p},{u},"{s}",Wire' for t, p, u, s in rows]
    return "\n".join(lines) + "\n"


IDENTITY = [
    ("same title, three dates", [(LOWS, d, "", "") for d in ("2019-10-28", "2020-03-16", "2020-03-23")], 3),
    ("same title, forty dates", [(UPGRADES, d, "", "") for d in WEEKLY], 40),
    ("same title, same day", [(LOWS, "2020-03-16T09:00:00Z", "", ""), (LOWS, "2020-03-16T15:00:00Z", "", "")], 1),
    ("same title, within 48 h", [(RECAP, "2026-05-04T10:00:00Z", "", ""), (RECAP, "2026-05-05T09:00:00Z", "", "")], 1),
    ("same title, 3 days apart", [(RECAP, "2026-05-04T10:00:00Z", "", ""), (RECAP, "2026-05-07T10:00:00Z", "", "")], 2),
    (
        "same title and text, other day",
        [(RECAP, "2026-05-04T10:00:00Z", "", "Stocks rose."), (RECAP, "2026-06-04T10:00:00Z", "", "Stocks rose.")],
        2,
    ),
    (
        "same title and text, next day",
        [(RECAP, "2026-05-04T10:00:00Z", "", "Stocks rose."), (RECAP, "2026-05-05T08:00:00Z", "", "Stocks rose.")],
        1,
    ),
    (
        "same link, other day",
        [
            (RECAP, "2026-05-04T10:00:00Z", "https://wire.example/recap", ""),
            (RECAP, "2026-09-04T10:00:00Z", "https://wire.example/recap", ""),
        ],
        1,
    ),
    (
        "other links, same title, other day",
        [
            (RECAP, "2026-05-04T10:00:00Z", "https://wire.example/recap-1", ""),
            (RECAP, "2026-09-04T10:00:00Z", "https://wire.example/recap-2", ""),
        ],
        2,
    ),
]


@pytest.mark.parametrize("one_file", [True, False], ids=["one file", "a file per row"])
@pytest.mark.parametrize(("case", "rows", "stories"), IDENTITY, ids=[c[0] for c in IDENTITY])
def test_the_same_text_is_one_story_only_within_48_hours_or_with_its_link(
    db, tmp_path, case, rows, stories, one_file
) -> None:
    """Within one batch and against stored stories alike; re-ingesting adds nothing."""
    groups = [rows] if one_file else [[r] for r in rows]
    paths = []
    for n, group in enumerate(groups):
        path = tmp_path / f"headlines{n}.csv"
        path.write_text(csv_rows(group), "utf-8")
        paths.append(path)
    report = pipeline.ingest_paths(db, paths)
    assert (report.added, report.duplicates, report.rejected) == (stories, len(rows) - stories, 0)
    assert db.execute("SELECT count(*) FROM articles").fetchone()[0] == stories
    again = pipeline.ingest_paths(db, paths)
    assert (again.added, again.duplicates) == (0, len(rows))
    exact(db)
