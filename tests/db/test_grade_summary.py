"""The Scorecard page's view read from the stored grades without a result object per decision
(``newsdesk.flows.grades.summary``: one narrow row per decision, the newest as full results) gives the
same groups, track records, curve, counts and table rows as the object path (every decision's result
read back, or computed by the rules from every close), on a seeded desk on both engines; and it stands
aside (None: the page computes, as before) while a grade is marked or missing."""

from __future__ import annotations

import random
import sqlite3
from datetime import date
from pathlib import Path

import pytest

from newsdesk.db import schema, writes
from newsdesk.domain.filters import UNCATEGORISED, Filters
from newsdesk.domain.models import Article, CategoryTag, Decision, Entity
from newsdesk.flows import grades
from newsdesk.flows import ingest as pipeline
from newsdesk.scorecard.groups import cumulative_excess, group_results
from newsdesk.scorecard.rules import ScorecardError
from newsdesk.scorecard.summary import KEYS, Summary, groups, listed_of
from tests.db.test_grades import closes_csv, hand_built, leg, recomputed
from tests.flows.test_cli import run

TICKERS = ["AAPL", "MSFT", "NVDA", "7203.T", "ZZZZ"]
SIDES = ["long", "long", "short", "funding", "reduce", "hold", "sideways"]
AUTHORS = [None, None, "Goldman Sachs", "Morgan Stanley", " "]
TOPICS = ["Technology", "Energy & Commodities", "Central Banks & Rates"]


def seeded_articles(n: int = 80, seed: int = 27) -> list[Article]:
    """Articles with decisions of every shape (single legs of each side, pairs, funded baskets, holds,
    unknown tickers, no or long horizons, analyst houses, several categories or none), from a seed."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        day = 1 + rng.randrange(200)
        month, mday = 1 + (day - 1) // 28, 1 + (day - 1) % 28
        published = f"2024-{month:02d}-{mday:02d}T{rng.choice(['03', '14', '21'])}:{rng.randrange(60):02d}:00Z"
        decisions = []
        for position in range(1, 1 + rng.choice([1, 1, 2, 3])):
            legs = [leg(rng.choice(SIDES), rng.choice(TICKERS)) for _ in range(rng.choice([1, 1, 2]))]
            if rng.random() < 0.15:
                legs.append(leg(rng.choice(["long", "funding"]), basket="tech-test"))
            horizon = rng.choice([None, 5, 20, 45, 90, 200, 400])
            decisions.append(Decision(position, f"Decision {i}.{position}", rng.choice(["buy", "sell", None]),
                                      instruments=legs, horizon_max_days=horizon,
                                      author=rng.choice(AUTHORS)))  # fmt: skip
        article = Article(
            title=f"Seeded call {i}", source=rng.choice(["Wire", "Desk", "Blog"]), url=f"https://example.com/s{i}",
            published_at=published, published_estimated=rng.random() < 0.05, entities=[Entity("AAPL", "Apple")],
            categories=[CategoryTag(t) for t in rng.sample(TOPICS, rng.choice([0, 1, 1, 2]))],
        )  # fmt: skip
        article.decisions = decisions
        out.append(article)
    return out


def seeded(path: Path | str, folder: Path) -> schema.sqlite_utils.Database:
    """The grades tests' hand-built desk plus the seeded articles, graded by a second price import."""
    db = hand_built(path, folder)
    writes.write_batch(db, seeded_articles(), [], "test")
    out = run("prices", "import", str(closes_csv(folder / "more.csv", end="2024-09-30")), db=path)
    assert out.returncode == 0, out.stderr
    grades.refresh(db)
    return db


@pytest.fixture(scope="module")
def template(module_desk_target, tmp_path_factory) -> Path | str:
    db = seeded(module_desk_target, tmp_path_factory.mktemp("summary"))
    schema.checkpoint(db)
    db.close()
    return module_desk_target



VIEWS = [
    Filters(),
    Filters(since=date(2024, 3, 1), until=date(2024, 6, 30)),
    Filters(sources=("Wire", "Blog")),
    Filters(topics=("Technology", "Energy & Commodities")),
    Filters(author=("Goldman Sachs",)),
    Filters(since=date(2030, 1, 1)),
    # the topics' set is tested on the decision's article id before the article is read: with dates, and
    # beside "Uncategorised" (either the set or no category at all)
    Filters(since=date(2024, 3, 1), topics=("Technology",)),
    Filters(topics=("Energy & Commodities", UNCATEGORISED)),
]


def assert_same_summary(conn: sqlite3.Connection, filters: Filters, newest: int) -> Summary:
    got = grades.summary(conn, filters, newest, exposures=True)
    assert got is not None
    short = grades.summary(conn, filters, newest)  # without the exposures (the page's default groups)
    assert short is not None and {g.exposure for g in short.rows} <= {None}
    but_exposure = [g.plain()[:9] + (g.illustrative,) for g in got.rows]
    assert [g.plain()[:9] + (g.illustrative,) for g in short.rows] == but_exposure
    assert [r.plain() for r in short.newest] == [r.plain() for r in got.newest]
    if any(g.scored for g in short.rows):
        with pytest.raises(ScorecardError):
            groups(short.rows, "exposure")
    objects = grades.results(conn, filters)  # every result read back whole (the page's path until now)
    objects_by = {f"{r.decision.article_id}-{r.decision.position}": r for r in objects}
    live = recomputed(conn, filters)  # the rules from every close
    for want in (Summary.of_results(objects, newest), Summary.of_results(live, newest)):
        assert [g.plain() for g in got.rows] == [g.plain() for g in want.rows]
        assert [r.plain() for r in got.newest] == [r.plain() for r in want.newest]
        assert [r.plain() for r in got.newest] == [listed_of(r).plain() for r in want.results.values()]
    assert not got.results  # the stored path keeps no result: a row's detail reads it whole
    for row in got.newest:  # ... the same result, trips and all, as the object path's
        whole, want = grades.with_trips(conn, got.result_of(row)), grades.with_trips(conn, objects_by[row.decision])
        assert whole is not None and want is not None and grades.plain(whole) == grades.plain(want)
        assert [leg.trips for leg in whole.legs] == [leg.trips for leg in want.legs]
    for by in KEYS:
        for include_open in (True, False):
            assert groups(got.rows, by, include_open) == group_results(objects, by, include_open=include_open)
    authors = [r for r in objects if r.decision.author]
    assert groups([g for g in got.rows if g.author], "author") == group_results(authors, "author")
    assert cumulative_excess(got.rows) == cumulative_excess(objects)
    return got


@pytest.mark.parametrize(
    "view", VIEWS, ids=["all", "dates", "sources", "topics", "author", "empty", "dated topic", "or uncategorised"]
)
def test_the_summary_equals_the_object_path(built, view: Filters) -> None:
    for newest in (0, 7, 2_000):
        got = assert_same_summary(built.conn, view, newest)
        assert len(got.newest) == min(newest, len(got.rows))


def test_the_seeded_desk_holds_every_shape(built) -> None:
    got = grades.summary(built.conn, Filters(), 2_000, exposures=True)
    assert got is not None and len(got.rows) > 100
    assert {g.status for g in got.rows} == {"closed", "open", "unscored"}
    assert {g.exposure for g in got.rows if g.scored} >= {"long", "short", "pair", "mixed"}
    assert {g.horizon for g in got.rows} >= {"none stated", "up to 1 month", "6-12 months", "over 1 year"}
    assert {g.author for g in got.rows} >= {None, "Goldman Sachs"}
    assert () in {g.categories for g in got.rows} and any(len(g.categories) == 2 for g in got.rows)


def test_the_summary_stands_aside_while_a_grade_is_marked_or_missing(built) -> None:
    with built.conn:
        built.conn.execute("UPDATE prices SET close = close * 1.5 WHERE ticker = 'SPY' AND date > '2024-02-01'")
    assert grades.summary(built.conn) is None  # marked: the page computes the results
    grades.refresh(built)
    assert_same_summary(built.conn, Filters(), 5)
    late = Article(title="Late call", source="Wire", url="https://example.com/late",
                   published_at="2024-04-02T14:00:00Z")  # fmt: skip
    late.decisions = [Decision(1, "Buy NVDA", "buy", instruments=[leg("long", "NVDA")], horizon_max_days=15)]
    writes.write_batch(built, [late], [], "test")
    assert grades.summary(built.conn) is None  # a decision without a grade: computed
    assert grades.summary(built.conn, Filters(since=date(2024, 5, 1))) is not None  # a view without it: read
    grades.refresh(built)
    assert_same_summary(built.conn, Filters(), 5)
    with built.conn:
        built.conn.execute("UPDATE decision_grades SET rules_version = 0")
    assert grades.summary(built.conn) is None  # another rules version: computed


def test_the_demo(tmp_path: Path) -> None:
    path = tmp_path / "demo.db"
    pipeline.create_demo_database(path)
    got = assert_same_summary(schema.connect_readonly(path), Filters(), 50)
    assert sum(g.illustrative for g in got.rows) > 300
