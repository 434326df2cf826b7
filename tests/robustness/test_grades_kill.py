"""The kill test of the grades' upkeep: ``python -m newsdesk prices import`` (which stores the closes, then
regrades what they touch) SIGKILLed at seeded random moments and while the regrading is under way, on a
real SQLite file of synthetic articles. After every kill the file passes ``PRAGMA integrity_check`` and
the scorecard read from it equals the rules' recomputation (a grade is never stale: the marks of change
survive the kill and readers recompute), and so does the evidence read from the stored observations (kept
by the same upkeep, in its transaction); a rerun of the import leaves every grade and observation stored
and current."""

from __future__ import annotations

import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from benchmarks import synthetic
from newsdesk.db import evidence as evidence_store
from newsdesk.db import schema
from newsdesk.db.read import grades as grade_reads
from newsdesk.db.read.prices import basket_weights
from newsdesk.flows import evidence, grades
from newsdesk.flows import prices as track
from newsdesk.prices.demo import illustrative_prices
from newsdesk.scorecard.evidence import measurements
from newsdesk.scorecard.rules import score_decisions
from tests.cli_util import run_cli
from tests.fault_util import ROOT, python_env

ARTICLES = 3_000
SEED = 20_261_207


def import_cmd(csv: Path, db: Path) -> list[str]:
    return [sys.executable, "-m", "newsdesk", "prices", "import", str(csv), "--db", str(db)]


def same_as_rules(path: Path) -> bool:
    with sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True) as conn:
        stored = grades.results(conn)
        live = score_decisions(track.decision_inputs(conn), track.market(conn))
        return [grades.plain(r) for r in stored] == [grades.plain(r) for r in live]


def same_evidence_as_rules(path: Path, stored: bool = False) -> bool:
    """The evidence read (stored observations where current) equals the rules' measurement, by ticker and
    by basket; ``stored``: and every observation was read from the stored rows."""
    with sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True) as conn:
        if stored and evidence.lookup(conn) is None:
            return False
        market = track.market(conn)
        return all(
            track.run_measurements(conn, by=by, prices=None if not stored else _no_closes)
            == measurements(track.observations(conn, by=by), market)
            for by in ("all", "basket")
        )


def _no_closes():
    raise AssertionError("an observation was measured by the rules, not read from the stored rows")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> tuple[Path, Path, float]:
    """A database of synthetic articles (their decisions graded: no closes yet), the closes of every
    ticker their baskets hold (a long CSV), and how long a clean import of it takes."""
    folder = tmp_path_factory.mktemp("grades-kill")
    base = folder / "base.db"
    db = schema.connect(base)
    synthetic.generate(db, ARTICLES, seed=3)
    tickers = sorted({t for members in basket_weights(db.conn).values() for t in members})
    benchmark_of = track.benchmark_lookup(db.conn)
    links = {t: b for t in tickers if (b := benchmark_of(t))}
    rows = illustrative_prices([*tickers, *set(links.values())], "2023-11-01", "2026-11-30", links, seed=5)
    grades.refresh(db)
    schema.checkpoint(db)
    db.close()
    csv = folder / "closes.csv"
    csv.write_text("date,ticker,close\n" + "".join(f"{r.date},{r.ticker},{r.close}\n" for r in rows))
    clean = folder / "clean.db"
    clean.write_bytes(base.read_bytes())
    t0 = time.perf_counter()
    done = subprocess.run(import_cmd(csv, clean), cwd=ROOT, env=python_env(), capture_output=True, timeout=600)
    assert done.returncode == 0, done.stderr
    with sqlite3.connect(clean) as conn:
        counts = grade_reads.counts(conn)
    assert counts["grade_dirty"] == 0 and counts["decision_grades"] > 500, counts
    return base, csv, time.perf_counter() - t0


def kill_import(base: Path, csv: Path, db: Path, delay: float | None, in_upkeep: bool) -> tuple[bool, int]:
    """Copy the base database to ``db``, start the import, SIGKILL it after ``delay`` seconds or as soon as
    its closes are committed and the regrading has not (marks of change visible); returns (killed while
    alive, marks of change left)."""
    db.write_bytes(base.read_bytes())
    proc = subprocess.Popen(import_cmd(csv, db), cwd=ROOT, env=python_env(), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        t0 = time.perf_counter()
        if in_upkeep:
            with sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True, timeout=10) as watch:
                while proc.poll() is None and time.perf_counter() - t0 < 300:
                    if watch.execute("SELECT count(*) FROM grade_dirty").fetchone()[0]:
                        break
                    time.sleep(0.002)
        else:
            while proc.poll() is None and time.perf_counter() - t0 < delay:
                time.sleep(0.002)
        alive = proc.poll() is None
        if alive:
            proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    with sqlite3.connect(db) as conn:
        assert [r[0] for r in conn.execute("PRAGMA integrity_check")] == ["ok"]
        left = conn.execute("SELECT count(*) FROM grade_dirty").fetchone()[0]
    return alive, left


def test_sigkilled_import_never_leaves_a_stale_grade(corpus, tmp_path: Path) -> None:
    base, csv, run_s = corpus
    rng = random.Random(SEED)
    plans = [(rng.uniform(0.2, 0.95) * run_s, False) for _ in range(2)] + [(None, True), (None, True)]
    in_upkeep = 0
    for n, (delay, upkeep) in enumerate(plans):
        db = tmp_path / f"kill{n}.db"
        alive, left = kill_import(base, csv, db, delay, upkeep)
        assert same_as_rules(db), f"kill {n} ({'in upkeep' if upkeep else f'after {delay:.2f} s'}): stale grades"
        assert same_evidence_as_rules(db), f"kill {n}: stale evidence"
        in_upkeep += alive and left > 0
        again = run_cli("prices", "import", str(csv), db=db)  # a plain rerun: in this process (tests/cli_util.py)
        assert again.returncode == 0, again.stderr
        with sqlite3.connect(db) as conn:
            counts = grade_reads.counts(conn)
            graded = conn.execute("SELECT count(*) FROM decisions").fetchone()[0]
            named = conn.execute("SELECT count(DISTINCT article_id) FROM article_entities").fetchone()[0]
            measured = evidence_store.counts(conn)
        assert counts["grade_dirty"] == 0 and counts["decision_grades"] == graded, counts
        assert measured["evidence_articles"] == named and measured["evidence_observations"] > 1_000, measured
        assert same_as_rules(db)
        assert same_evidence_as_rules(db, stored=True)
    assert in_upkeep >= 1, "no kill landed between the closes' commit and the regrading's"
