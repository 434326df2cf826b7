"""The kill test: ``python -m newsdesk ingest`` SIGKILLed at random moments on real SQLite files.

A JSON Lines file of 2,000 distinct articles (and a few malformed lines) is ingested by the real
command in a child process, which is killed with SIGKILL at seeded random moments: after a random
delay, or as soon as a batch's write transaction is under way (the WAL growing). After every kill
the file left behind must pass ``PRAGMA integrity_check`` and show no partial batch; after the
kills a normal run must finish the job exactly, and a further run must add nothing.

The checks hold whatever the batch size: one transaction per input file, or per chunk of records
(each chunk its own ``ingest_runs`` row). They never assume "nothing or everything" was stored,
only that what is visible is a sum of whole, finished batches.
"""

from __future__ import annotations

import random
import signal
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.fault_util import (
    Corpus,
    Kill,
    article_record,
    counts,
    invariant_violations,
    kill_ingest,
    run_ingest,
    start_ingest,
    summary_counts,
    write_jsonl,
)

ARTICLES = 2_000  # stored in batches of 1,000 lines (a streamed chunk each)
MALFORMED_EVERY = 285  # 7 malformed lines
KILLS = 10
WAL_TRIGGERED = 3  # of the KILLS, this many are aimed at an open write transaction
SEED = 20_251_125
RERUN = (0.35, 0.75)  # the rerun test's random kill, as a fraction of the measured run


@dataclass
class Measured:
    """The input file and how long a clean ingest of it takes (from start, and from the moment the
    database file appears)."""

    corpus: Corpus
    clean_db: Path
    run_s: float
    after_open_s: float


@pytest.fixture(scope="module")
def measured(tmp_path_factory) -> Measured:
    """Write the input and time one uninterrupted ingest of it into a fresh database; that run
    must store every valid article and one problem per malformed line (so the corpus itself is
    sound: distinct, valid, not deduplicated away)."""
    folder = tmp_path_factory.mktemp("kill")
    corpus = write_jsonl(folder / "big.jsonl", ARTICLES, seed=SEED, malformed_every=MALFORMED_EVERY)
    db = folder / "clean.db"
    t0 = time.perf_counter()
    proc = start_ingest([corpus.path], db, folder / "clean.log")
    while not db.exists() and proc.poll() is None:
        time.sleep(0.002)
    t_open = time.perf_counter()
    assert proc.wait(timeout=120) == 0, (folder / "clean.log").read_text()
    t_end = time.perf_counter()
    added, duplicates, rejected = summary_counts((folder / "clean.log").read_text())
    assert (added, duplicates, rejected) == (ARTICLES, 0, len(corpus.malformed_lines))
    assert counts(db)["articles"] == ARTICLES
    assert invariant_violations(db) == []
    assert problem_lines(db) == set(corpus.malformed_lines)
    return Measured(corpus, db, t_end - t0, t_end - t_open)


def problem_lines(db: Path) -> set[int]:
    """Line numbers of the recorded problems (locators are ``path:line``)."""
    conn = sqlite3.connect(db)
    try:
        return {int(r[0].rsplit(":", 1)[1]) for r in conn.execute("SELECT locator FROM problems")}
    finally:
        conn.close()


CONTENT_QUERIES = [
    "SELECT id, url, title, source, published_at, summary, body, sentiment, sentiment_label, round(subjectivity, 9), "
    "impact, scorer_version, content_hash, sentiment_terms, impact_components FROM articles ORDER BY id",
    "SELECT article_id, category, relevance, origin, effective FROM article_categories ORDER BY 1, 2, 4",
    "SELECT id, article_id, position, text, action, direction, instruments FROM decisions ORDER BY id",
    "SELECT article_id, ticker, mentions FROM article_entities ORDER BY 1, 2",
    "SELECT decision_id, basket_id, side FROM decision_baskets ORDER BY 1, 2, 3",
    "SELECT day, category, n, round(sentiment_sum, 6), round(impact_sum, 6), impact_n "
    "FROM daily_category_sentiment WHERE n != 0 ORDER BY 1, 2",
]


def content(db: Path) -> list[list[tuple]]:
    """What the user sees of a database (articles, their scores and child rows, the daily
    aggregate), without the bookkeeping that legitimately differs between runs (run ids, times)."""
    conn = sqlite3.connect(db)
    try:
        return [conn.execute(sql).fetchall() for sql in CONTENT_QUERIES]
    finally:
        conn.close()


def check_after_kill(db: Path, kill: Kill, corpus: Corpus, label: str) -> None:
    """What every killed database must show: the process really died of SIGKILL (unless it had
    already finished), the file is intact and holds only whole, finished batches."""
    expected = -signal.SIGKILL if kill.alive else 0  # not alive: it had finished on its own, and well
    assert kill.returncode == expected, f"{label}: exit code {kill.returncode}"
    violations = invariant_violations(db)
    assert violations == [], f"{label} ({kill}): {violations}"
    state = counts(db)
    kill.articles, kill.runs = state["articles"], state["runs"]
    assert state["articles"] <= corpus.valid, f"{label}: {state}"
    assert problem_lines(db) <= set(corpus.malformed_lines), f"{label}: problems for valid lines"


def test_sigkill_at_random_moments_leaves_only_whole_batches(measured: Measured, tmp_path: Path) -> None:
    """Ten SIGKILLs, each into a fresh ingest of the 2,000-article file, at seeded random moments:
    seven after a random delay between 0.3 s and 90% of the measured run time (counted from the
    moment the database file appears), three as soon as a write transaction has written a random
    amount to the WAL. After each: integrity_check is ok, every ingest_runs row is finished,
    articles == sum(added), every problem belongs to a finished run, FTS and child rows match
    their articles, and daily_category_sentiment equals its recomputation. All ten must land
    while the ingest runs (a kill that comes after the ingest has already finished, in a run
    faster than the measured one, is checked too and retried with half the delay) and at least one
    inside an open write transaction (uncommitted WAL frames found on disk), so the atomicity
    claim is really exercised."""
    rng = random.Random(SEED)
    triggers = ["wal-growth"] * WAL_TRIGGERED + ["timed"] * (KILLS - WAL_TRIGGERED)
    rng.shuffle(triggers)
    kills: list[Kill] = []
    missed: list[Kill] = []  # kills that came after the ingest had already finished (retried)
    for n, trigger in enumerate(triggers):
        delay = rng.uniform(0.3, 0.9 * measured.after_open_s)
        growth = rng.randrange(32_768, 2_000_000)
        for attempt in range(4):
            db, log = tmp_path / f"kill{n:02d}-{attempt}.db", tmp_path / f"kill{n:02d}-{attempt}.log"
            if trigger == "timed":
                kill = kill_ingest([measured.corpus.path], db, log, delay=delay)
            else:
                kill = kill_ingest([measured.corpus.path], db, log, wal_growth=growth)
            check_after_kill(db, kill, measured.corpus, f"kill {n} (attempt {attempt})")
            for suffix in ("", "-wal", "-shm"):
                Path(f"{db}{suffix}").unlink(missing_ok=True)
            if kill.alive:
                kills.append(kill)
                break
            missed.append(kill)
            delay /= 2  # this run was faster than the measured one: aim earlier
    report(measured, kills, missed)
    assert len(kills) == KILLS, f"{len(missed)} kills came after the ingest had finished"
    assert any(k.moment == "in-transaction" for k in kills), [k.moment for k in kills]


def test_rerun_after_kills_stores_everything_exactly_once(measured: Measured, tmp_path: Path) -> None:
    """Three kills in a row on the same database: the first within 50 ms of the file's creation
    (while the schema is being created), the second at a random moment of a rerun that resumes
    from the leftovers, the third as soon as its rerun has committed a batch (so that the last run
    always resumes from batches that killed runs stored); each leaves a consistent file that opens
    and never loses what an earlier run committed. Then an uninterrupted run: it exits 0 and the
    database then holds exactly the 2,000 distinct valid articles, a problem for every malformed line
    (and for no other line), and only finished runs, and its content (articles, scores, categories,
    decisions, companies, basket links, daily aggregate) is identical to that of the uninterrupted
    clean run; a further run adds 0 and changes nothing."""
    rng = random.Random(SEED + 1)
    corpus, db = measured.corpus, tmp_path / "rerun.db"
    kills = []
    plans = [
        {"delay": rng.uniform(0, 0.05)},
        {"delay": rng.uniform(*RERUN) * measured.after_open_s},
        {"after_commit": True},
    ]
    for n, plan in enumerate(plans):
        kill = kill_ingest([corpus.path], db, tmp_path / f"rerun{n}.log", **plan)
        check_after_kill(db, kill, corpus, f"rerun kill {n}")
        kills.append(kill)
    before = counts(db)
    assert before["runs"] >= 1, "no killed run committed a batch"
    for earlier, later in zip(kills, kills[1:], strict=False):
        assert later.articles >= earlier.articles, "a killed rerun lost batches an earlier run had committed"

    done = run_ingest([corpus.path], db)
    assert done.returncode == 0, done.stderr
    added, duplicates, rejected = summary_counts(done.stdout)
    assert added == ARTICLES - before["articles"]
    assert added + duplicates == ARTICLES and rejected == len(corpus.malformed_lines)
    after = counts(db)
    assert after["articles"] == ARTICLES
    assert invariant_violations(db) == []
    assert problem_lines(db) == set(corpus.malformed_lines)
    resumed, clean = content(db), content(measured.clean_db)
    for sql, got, want in zip(CONTENT_QUERIES, resumed, clean, strict=True):
        assert got == want, f"killed-and-resumed differs from the clean run in: {sql[:60]}"

    again = run_ingest([corpus.path], db)
    assert again.returncode == 0, again.stderr
    assert summary_counts(again.stdout) == (0, ARTICLES, len(corpus.malformed_lines))
    final = counts(db)
    assert (final["articles"], final["added"]) == (ARTICLES, ARTICLES)
    assert invariant_violations(db) == []
    assert content(db) == resumed
    print(
        f"\nrerun: kills at {[round(k.after_open, 2) for k in kills]} s after open "
        f"({[k.moment for k in kills]}), committed before the rerun: {before['articles']} articles in "
        f"{before['runs']} runs; the rerun added {added} and found {duplicates} duplicates"
    )


def report(measured: Measured, kills: list[Kill], missed: list[Kill]) -> None:
    """Print where each kill landed (shown with ``pytest -s``)."""
    print(f"\nclean run: {measured.run_s:.2f} s ({measured.after_open_s:.2f} s after the database file appeared)")
    print(
        f"{'#':>2} {'trigger':10} {'planned':>9} {'at s':>6} {'open+s':>7} {'moment':15} "
        f"{'frames':>6} {'articles':>8} {'runs':>4}"
    )
    for n, k in enumerate(kills):
        print(
            f"{n:2} {k.trigger:10} {k.planned:9.2f} {k.at:6.2f} {k.after_open:7.2f} {k.moment:15} "
            f"{k.uncommitted_frames:6} {k.articles:8} {k.runs:4}"
        )
    moments = {m: sum(k.moment == m for k in kills) for m in ("in-transaction", "mid-ingest")}
    print(f"moments: {moments}; kills after the ingest had finished (retried): {len(missed)}")


CSV_ARTICLES = 3_000  # three chunks of 1,000 rows
CSV_COLUMNS = ["title", "url", "source", "published_at", "summary", "body", "categories"]


def write_csv_corpus(path: Path, n: int, seed: int) -> Corpus:
    """``n`` distinct valid articles as a headline CSV file (categories joined by ``;``)."""
    import csv

    rng = random.Random(seed)
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(CSV_COLUMNS)
        for i in range(n):
            record = article_record(rng, f"c{i:06d}")
            record["categories"] = ";".join(record.get("categories", []))
            writer.writerow([record.get(c, "") for c in CSV_COLUMNS])
    return Corpus(path, n, [])


def test_sigkill_mid_csv_import_keeps_earlier_chunks_and_no_partial_one(tmp_path: Path) -> None:
    """A CSV import is streamed in chunks of 1,000 rows, each its own transaction and run: SIGKILLed
    mid-way (at a seeded moment after the first chunk has committed, and once inside an open write
    transaction), the file keeps every finished chunk whole and no row of the chunk being written; a
    rerun then stores exactly the rest, with the same content as a clean run."""
    corpus = write_csv_corpus(tmp_path / "headlines.csv", CSV_ARTICLES, seed=SEED + 7)
    clean_db, clean_log = tmp_path / "clean.db", tmp_path / "clean.log"
    proc = start_ingest([corpus.path], clean_db, clean_log)
    while not clean_db.exists() and proc.poll() is None:
        time.sleep(0.002)
    t_open = time.perf_counter()
    assert proc.wait(timeout=300) == 0, clean_log.read_text()
    after_open = time.perf_counter() - t_open
    assert summary_counts(clean_log.read_text()) == (CSV_ARTICLES, 0, 0)
    assert counts(clean_db)["runs"] == CSV_ARTICLES // 1_000

    rng = random.Random(SEED + 8)
    db = tmp_path / "killed.db"
    kills: list[Kill] = []
    # a random moment up to a quarter of the run after the first chunk's commit, then inside a transaction
    for n, (trigger, fraction) in enumerate([("timed", rng.uniform(0.0, 0.25)), ("wal-growth", 0.0)]):
        delay = fraction * after_open
        for attempt in range(4):
            for suffix in ("", "-wal", "-shm"):
                Path(f"{db}{suffix}").unlink(missing_ok=True)
            log = tmp_path / f"kill{n}-{attempt}.log"
            if trigger == "timed":
                kill = kill_ingest([corpus.path], db, log, delay=delay, after_commit=True)
            else:  # inside a chunk's open write transaction
                kill = kill_ingest([corpus.path], db, log, wal_growth=rng.randrange(200_000, 1_500_000))
            check_after_kill(db, kill, corpus, f"csv kill {n}")
            state = counts(db)
            assert state["articles"] % 1_000 == 0, f"a partial chunk was stored: {state}"
            assert state["runs"] == state["articles"] // 1_000, state
            if kill.alive:
                break
            delay /= 2
        kills.append(kill)
    assert all(k.alive for k in kills), [k.moment for k in kills]
    assert any(k.articles >= 1_000 for k in kills), "no kill landed after the first chunk had committed"

    done = run_ingest([corpus.path], db)
    assert done.returncode == 0, done.stderr
    added, duplicates, rejected = summary_counts(done.stdout)
    assert (added + duplicates, rejected) == (CSV_ARTICLES, 0) and duplicates == kills[-1].articles
    assert counts(db)["articles"] == CSV_ARTICLES
    assert invariant_violations(db) == []
    assert content(db) == content(clean_db)
    print(f"\ncsv kills: {[(k.moment, k.articles, k.runs) for k in kills]}; clean run {after_open:.1f} s after open")
