"""Helpers of the fault tests (kill and concurrency): deterministic JSON Lines inputs, the ingest
command as a real subprocess, a reader of the raw WAL file and the database invariants.

Everything here works on real files: the inputs are written to disk, the ingest runs as
``python -m newsdesk ingest`` in its own process, and the checks open the SQLite file directly.
"""

from __future__ import annotations

import json
import math
import os
import random
import re
import signal
import sqlite3
import struct
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from newsdesk.db import aggregates, schema, ticker_counts
from newsdesk.db.read import articles as read_articles
from newsdesk.db.read import decisions as read_decisions
from newsdesk.db.read import facets as read_facets
from newsdesk.db.read import options as read_options
from newsdesk.db.read import stats as read_stats
from newsdesk.db.read import timeline as read_timeline
from newsdesk.db.read import totals as read_totals

ROOT = Path(__file__).resolve().parent.parent

EPOCH = datetime(2024, 6, 1)
DAYS = 730  # two years: few titles per 72-hour novelty window, so scoring stays fast
CATEGORIES = [
    "Monetary Policy & Rates",
    "Trade & Tariffs",
    "Macro & Growth",
    "Energy & Commodities",
    "Technology & AI",
    "Semiconductors & Supply Chain",
    "Earnings & Corporate",
    "Financial Markets",
]
COMPANIES = ["Toyota", "Sony", "Apple", "Microsoft", "Mitsubishi Heavy Industries", "TSMC", "Nvidia", "Shell"]
SUBJECTS = ["orders", "margins", "demand", "exports", "earnings", "guidance", "prices", "output", "deliveries"]
UP = ["rises", "jumps", "beats forecasts", "gains", "rallies", "climbs"]
DOWN = ["falls", "slides", "misses estimates", "drops", "slumps", "warns"]
SENTENCES = [
    "Analysts said {company} reported {subject} that were {adj} than expected in the quarter.",
    "Investors weighed the outlook for {topic} as {company} kept its full-year targets.",
    "The results point to {adj} momentum in {topic}, according to two people familiar with the plans.",
    "Shares of {company} moved after the update, and traders expect more news in the coming weeks.",
    "Management said {subject} would stay {adj} through the next two quarters despite higher costs.",
    "A strategist called the figures a {tone} surprise for the sector and raised questions about pricing.",
]
DECISIONS = [
    "Overweight Japanese exporters for the next 3-6 months.",
    "Buy semiconductor equipment makers on weakness.",
    "Hedge yen exposure with 3-month forwards.",
    "Underweight European banks until rates stabilise.",
]
MALFORMED = [
    '{"title": "unterminated JSON',
    '{"summary": "a record without a title"}',
    '["not", "an", "object"]',
    '{"title": "bad categories", "categories": "Macro & Growth"}',
    '{"title": "bad decision", "decisions": [{"no": "text"}]}',
    '{"title": 42}',
]


@dataclass
class Corpus:
    """A JSON Lines file written by :func:`write_jsonl`: how many distinct valid articles it holds
    and the line numbers of its malformed records."""

    path: Path
    valid: int
    malformed_lines: list[int] = field(default_factory=list)


def article_record(rng: random.Random, key: str) -> dict:
    """One valid, distinct article (unique title, URL and text through ``key``)."""
    company = rng.choice(COMPANIES)
    subject = rng.choice(SUBJECTS)
    good = rng.random() < 0.55
    topic = rng.choice(CATEGORIES)
    words = {
        "company": company,
        "subject": subject,
        "topic": topic.lower(),
        "adj": "stronger" if good else "weaker",
        "tone": "positive" if good else "negative",
    }
    body = " ".join(s.format(**words) for s in rng.sample(SENTENCES, k=rng.randint(3, 5)))
    moment = EPOCH + timedelta(minutes=rng.randrange(DAYS * 24 * 60))
    record: dict = {
        "title": f"{company} {rng.choice(UP if good else DOWN)} as {subject} shift, report {key}",
        "url": f"https://news.example.com/{key}",
        "source": rng.choice(["Harbor Ledger", "Meridian Wire", "Atlas Daily"]),
        "published_at": moment.strftime("%Y-%m-%dT%H:%M:00Z"),
        "summary": f"{company} {subject} update ({key}).",
        "body": body,
    }
    if rng.random() < 0.7:
        record["categories"] = rng.sample(CATEGORIES, k=rng.randint(1, 2))
    if rng.random() < 0.15:
        record["decisions"] = rng.sample(DECISIONS, k=rng.randint(1, 2))
    if rng.random() < 0.3:
        record["source_impact"] = round(rng.random(), 2)
    return record


def write_jsonl(path: Path, n: int, seed: int, prefix: str = "a", malformed_every: int = 0) -> Corpus:
    """Write ``n`` distinct valid articles (keys ``{prefix}{i}``) to ``path``; with
    ``malformed_every`` > 0, one of :data:`MALFORMED` after every that many articles."""
    rng = random.Random(seed)
    lines: list[str] = []
    bad: list[int] = []
    for i in range(n):
        lines.append(json.dumps(article_record(rng, f"{prefix}{i:06d}")))
        if malformed_every and (i + 1) % malformed_every == 0:
            lines.append(MALFORMED[len(bad) % len(MALFORMED)])
            bad.append(len(lines))  # 1-based line number of the record just added
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return Corpus(path, n, bad)


def python_env() -> dict[str, str]:
    """The environment of a child process: the repository importable, no default database."""
    return {**os.environ, "NEWSDESK_DB": "", "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"}


def ingest_cmd(paths: list[Path], db: Path) -> list[str]:
    """The command line of ``python -m newsdesk ingest PATHS --db DB``."""
    return [sys.executable, "-m", "newsdesk", "ingest", *map(str, paths), "--db", str(db)]


def start_ingest(paths: list[Path], db: Path, log: Path) -> subprocess.Popen:
    """Start the ingest command (does not wait); its stdout and stderr go to ``log`` (a file, so a
    killed child never blocks on a full pipe)."""
    with open(log, "wb") as out:
        return subprocess.Popen(ingest_cmd(paths, db), cwd=ROOT, env=python_env(), stdout=out, stderr=out)


def run_ingest(paths: list[Path], db: Path) -> subprocess.CompletedProcess:
    """Run the ingest command to completion, in this process (tests/cli_util.py): the runs that are
    killed start processes (:func:`start_ingest`), a run that finishes needs none."""
    from tests.cli_util import run_cli

    return run_cli("ingest", *map(str, paths), db=db)


def summary_counts(stdout: str) -> tuple[int, int, int]:
    """(added, duplicates, rejected) from the ingest command's summary line."""
    m = re.search(r"^(\d+) added, (\d+) duplicates, (\d+) rejected$", stdout, re.M)
    assert m, f"no summary line in {stdout[:300]!r}"
    return int(m[1]), int(m[2]), int(m[3])


WAL_HEADER = 32
FRAME_HEADER = 24


@dataclass
class WalState:
    """What a WAL file holds: valid frames of the current generation, and how many of them come
    after its last commit frame (written by a transaction that never committed)."""

    frames: int = 0
    uncommitted: int = 0


def read_wal(path: Path) -> WalState:
    """Parse the ``-wal`` file beside a database without SQLite: walk the frames of the current
    generation (salts equal to the header's) and count those after the last commit frame. SQLite
    ignores those on recovery; finding some after a SIGKILL proves the kill hit an open write
    transaction."""
    wal = Path(f"{path}-wal")
    if not wal.exists() or wal.stat().st_size < WAL_HEADER:
        return WalState()
    data = wal.read_bytes()
    magic, _version, page_size, _ckpt, salt1, salt2 = struct.unpack(">IIIIII", data[:24])
    if magic not in (0x377F0682, 0x377F0683) or not page_size:
        return WalState()
    state = WalState()
    since_commit = 0
    offset = WAL_HEADER
    while offset + FRAME_HEADER + page_size <= len(data):
        _pgno, commit_size, s1, s2 = struct.unpack(">IIII", data[offset : offset + 16])
        if (s1, s2) != (salt1, salt2):
            break  # a frame left over from an earlier generation of the WAL: the log ends here
        state.frames += 1
        since_commit = 0 if commit_size else since_commit + 1
        offset += FRAME_HEADER + page_size
    state.uncommitted = since_commit
    return state


def _sums_differ(stored: dict, fresh: dict, label: str, tol: float) -> list[str]:
    """Rows keyed alike, valued by counts and sums: integers must be equal, float sums within ``tol``."""
    out = [f"{label} {k}: stored {stored.get(k)} != recomputed {fresh.get(k)}" for k in stored.keys() ^ fresh.keys()]
    for k in stored.keys() & fresh.keys():
        pairs = zip(stored[k], fresh[k], strict=True)
        if not all(
            math.isclose(a, b, abs_tol=tol) if isinstance(a, float) or isinstance(b, float) else a == b
            for a, b in pairs
        ):
            out.append(f"{label} {k}: stored {stored[k]} != recomputed {fresh[k]}")
    return sorted(out)


def daily_mismatches(conn: sqlite3.Connection, tol: float = 1e-6) -> list[str]:
    """Differences between the stored ``daily_category_sentiment`` and its recomputation from
    ``articles`` (:data:`aggregates.DAILY_RECOMPUTE_SQL`); counts exact, float sums within ``tol``."""
    cols = "day, category, n, sentiment_sum, impact_sum, impact_n"
    stored = {r[:2]: r[2:] for r in conn.execute(f"SELECT {cols} FROM daily_category_sentiment WHERE n != 0")}
    fresh = {r[:2]: r[2:] for r in conn.execute(f"SELECT {cols} FROM ({aggregates.DAILY_RECOMPUTE_SQL})")}
    return _sums_differ(stored, fresh, "daily", tol)


def derived_mismatches(conn: sqlite3.Connection, tol: float = 1e-6) -> list[str]:
    """Differences in the derived data newer schemas keep by triggers, checked only when the schema
    has it: ``period_category_sentiment`` (week and month totals) against its recomputation from
    the daily aggregate, ``daily_totals`` and ``category_set_totals`` against a recount of
    ``articles``, and the article columns copied onto ``article_categories``."""
    out: list[str] = []
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    recompute = aggregates.PERIOD_RECOMPUTE_SQL
    if "period_category_sentiment" in tables and recompute:
        cols = "grain, period, category, n, sentiment_sum, impact_sum, impact_n"
        stored = {r[:3]: r[3:] for r in conn.execute(f"SELECT {cols} FROM period_category_sentiment WHERE n != 0")}
        fresh = {r[:3]: r[3:] for r in conn.execute(f"SELECT {cols} FROM ({recompute})")}
        out += _sums_differ(stored, fresh, "period", tol)
    if "daily_totals" in tables:
        cols = "day, n, sentiment_sum, sentiment_n, high_impact"
        stored = {r[:1]: r[1:] for r in conn.execute(f"SELECT {cols} FROM daily_totals WHERE n != 0")}
        fresh = {r[:1]: r[1:] for r in conn.execute(f"SELECT {cols} FROM ({aggregates.DAILY_TOTALS_SQL})")}
        out += _sums_differ(stored, fresh, "totals", tol)
    if "category_set_totals" in tables:
        cols = ", ".join(aggregates.SET_COLUMNS)
        stored = {r[:3]: r[3:] for r in conn.execute(f"SELECT {cols} FROM category_set_totals WHERE n != 0")}
        fresh = {r[:3]: r[3:] for r in conn.execute(f"SELECT {cols} FROM ({aggregates.SET_RECOMPUTE_SQL})")}
        out += _sums_differ(stored, fresh, "category sets", tol)
    if "ticker_counts" in tables:
        stored = set(conn.execute("SELECT ticker, n FROM ticker_counts"))
        fresh = set(conn.execute(ticker_counts.TICKER_COUNTS_SQL))
        out += [f"ticker_counts {row} differs from a recount" for row in sorted(stored ^ fresh)]
    for table in aggregates.TIME_COPIES:
        if "published_at" in {r[1] for r in conn.execute(f"PRAGMA table_info({table})")}:
            n = conn.execute(
                f"SELECT count(*) FROM {table} t JOIN articles a ON a.id = t.article_id "
                "WHERE t.published_at IS DISTINCT FROM a.published_at"
            ).fetchone()[0]
            if n:
                out.append(f"{n} {table} rows whose copied publish time differs from the article's")
    copied = list(aggregates.MARKET_VIEW_COLUMNS if aggregates.has_market_flag(conn) else aggregates.VIEW_COLUMNS)
    have = {r[1] for r in conn.execute("PRAGMA table_info(article_categories)")}
    if copied and set(copied) <= have:
        differ = " OR ".join(f"c.{col} IS DISTINCT FROM a.{col}" for col in copied)
        n = conn.execute(
            f"SELECT count(*) FROM article_categories c JOIN articles a ON a.id = c.article_id WHERE {differ}"
        ).fetchone()[0]
        if n:
            out.append(f"{n} article_categories rows whose copied article columns differ from the article")
    return out


def invariant_violations(db: Path) -> list[str]:
    """Every way the database at ``db`` shows a partial batch or a corrupt file (empty when none).

    Holds whatever the batch size (one transaction per input file, or per chunk of records): each
    visible ``ingest_runs`` row is finished, the articles are exactly the sum of ``added`` over the
    runs, every problem, FTS row and child row has its parent, and the daily aggregate equals its
    recomputation from ``articles``, as does the data derived from it (:func:`derived_mismatches`).
    ``PRAGMA integrity_check`` runs first, on the file as the kill left it; then the database must
    open through :func:`schema.connect` (which finishes a migration a kill interrupted) before the
    rest is checked.
    """
    conn = sqlite3.connect(db, timeout=10)
    try:
        integrity = [r[0] for r in conn.execute("PRAGMA integrity_check")]
    finally:
        conn.close()
    if integrity != ["ok"]:
        return [f"integrity_check: {integrity[:5]}"]
    schema.connect(db).close()
    conn = sqlite3.connect(db, timeout=10)
    try:
        out: list[str] = []
        one = lambda sql: conn.execute(sql).fetchone()[0]  # noqa: E731
        conn.execute("BEGIN")  # one snapshot for all the checks
        unfinished = one("SELECT count(*) FROM ingest_runs WHERE finished_at IS NULL")
        if unfinished:
            out.append(f"{unfinished} ingest_runs rows without finished_at")
        articles, added = one("SELECT count(*) FROM articles"), one("SELECT coalesce(sum(added), 0) FROM ingest_runs")
        if articles != added:
            out.append(f"articles {articles} != sum(added) {added}")
        orphans = one(
            "SELECT count(*) FROM problems p LEFT JOIN ingest_runs r ON r.id = p.run_id "
            "WHERE r.id IS NULL OR r.finished_at IS NULL"
        )
        if orphans:
            out.append(f"{orphans} problems without a finished run")
        rejected = one("SELECT coalesce(sum(rejected), 0) FROM ingest_runs")
        problems = one("SELECT count(*) FROM problems")
        if rejected != problems:
            out.append(f"problems {problems} != sum(rejected) {rejected}")
        fts = one("SELECT count(*) FROM articles_fts")
        if fts != articles:
            out.append(f"articles_fts {fts} != articles {articles}")
        for table in ("article_categories", "decisions", "article_sources"):
            n = one(f"SELECT count(*) FROM {table} t WHERE t.article_id NOT IN (SELECT id FROM articles)")
            if n:
                out.append(f"{n} {table} rows without their article")
        no_source = one("SELECT count(*) FROM articles WHERE id NOT IN (SELECT article_id FROM article_sources)")
        if no_source:
            out.append(f"{no_source} articles without an article_sources row")
        out += daily_mismatches(conn)
        out += derived_mismatches(conn)
        conn.rollback()
        return out
    finally:
        conn.close()


def counts(db: Path) -> dict[str, int]:
    """Articles, runs (finished), sum of added and problems of the database at ``db``."""
    conn = sqlite3.connect(db, timeout=10)
    try:
        row = conn.execute(
            "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM ingest_runs), "
            "(SELECT coalesce(sum(added), 0) FROM ingest_runs), (SELECT count(*) FROM problems)"
        ).fetchone()
    finally:
        conn.close()
    return dict(zip(("articles", "runs", "added", "problems"), row, strict=True))


@dataclass
class Kill:
    """Where one SIGKILL landed: ``alive`` (the ingest was still running), seconds after the start
    and after the database file appeared, the WAL frames it left uncommitted (> 0: it hit an open
    write transaction) and what the database held afterwards."""

    trigger: str
    planned: float
    alive: bool
    returncode: int
    at: float
    after_open: float
    uncommitted_frames: int = 0
    articles: int = 0
    runs: int = 0

    @property
    def moment(self) -> str:
        """``in-transaction``, ``mid-ingest`` (between transactions) or ``after exit``."""
        if not self.alive:
            return "after exit"
        return "in-transaction" if self.uncommitted_frames else "mid-ingest"


def wal_size(db: Path) -> int:
    """Size of the ``-wal`` file beside ``db`` (0 when absent)."""
    try:
        return os.stat(f"{db}-wal").st_size
    except FileNotFoundError:
        return 0


def kill_ingest(
    paths: list[Path],
    db: Path,
    log: Path,
    delay: float | None = None,
    wal_growth: int | None = None,
    after_commit: bool = False,
    deadline: float = 60.0,
) -> Kill:
    """Start the ingest of ``paths`` into ``db`` and SIGKILL it.

    With ``delay``: ``delay`` seconds after the database file appears. With ``wal_growth``: once
    the set-up writes are over (the WAL unchanged for 0.3 s) and the WAL has then grown by that
    many bytes, i.e. inside a batch's write transaction. With ``after_commit``: as soon as this run
    has committed a batch (one more finished ``ingest_runs`` row than before it started), or
    ``delay`` seconds after that commit. After ``deadline`` seconds it is killed wherever it is.
    The WAL is parsed right after the kill, before anything reopens the database.
    """
    finished_before = counts(db)["runs"] if after_commit and db.exists() else 0
    t0 = time.perf_counter()
    proc = start_ingest(paths, db, log)
    try:
        while not db.exists() and proc.poll() is None and time.perf_counter() - t0 < deadline:
            time.sleep(0.002)
        t_open = time.perf_counter()
        if after_commit:
            watch = None
            try:
                while proc.poll() is None and time.perf_counter() - t0 < deadline:
                    try:
                        watch = watch or sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True, timeout=10)
                        runs = watch.execute("SELECT count(*) FROM ingest_runs WHERE finished_at IS NOT NULL")
                        if runs.fetchone()[0] > finished_before:
                            break
                    except sqlite3.OperationalError:  # no such table yet: the schema is being created
                        pass
                    time.sleep(0.002)
            finally:
                if watch is not None:
                    watch.close()  # read-only: closing it never checkpoints the WAL
        t_mark = time.perf_counter()  # the file's appearance, or the commit waited for
        if delay is not None:
            while proc.poll() is None and time.perf_counter() - t_mark < delay:
                time.sleep(0.002)
        if wal_growth is not None:
            size, since = wal_size(db), time.perf_counter()
            while proc.poll() is None and time.perf_counter() - since < 0.3 and time.perf_counter() - t0 < deadline:
                time.sleep(0.002)
                if wal_size(db) != size:
                    size, since = wal_size(db), time.perf_counter()
            while proc.poll() is None and wal_size(db) < size + wal_growth and time.perf_counter() - t0 < deadline:
                time.sleep(0.001)
        alive = proc.poll() is None
        if alive:
            proc.send_signal(signal.SIGKILL)
        t_kill = time.perf_counter()
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return Kill(
        trigger="after-commit" if after_commit else "timed" if wal_growth is None else "wal-growth",
        planned=delay if delay is not None else float(wal_growth or 0),
        alive=alive,
        returncode=proc.returncode,
        at=t_kill - t0,
        after_open=t_kill - t_open,
        uncommitted_frames=read_wal(db).uncommitted,
    )


READ_DEADLINE_S = 90.0


def dashboard_reads(path: Path, open_conn) -> dict[str, float]:
    """Run the queries the dashboard pages run (as ``components/loaders.py`` does: each on its own
    connection from ``open_conn``, closed after use); return each one's seconds, opening included."""
    from datetime import date

    from newsdesk.domain.filters import Filters

    everything, topic, text = Filters(), Filters(topics=("Macro & Growth",)), Filters(text="Toyota margins")
    since = Filters(since=date(2025, 1, 1), labels=("positive",))
    calls = {
        "data_version": read_stats.data_version,
        "categories": read_options.categories,
        "date_bounds": read_options.date_bounds,
        "sources": read_options.sources,
        "company_options": read_options.company_options,
        "stats": read_stats.stats,
        "kpis": lambda c: read_totals.kpis(c, everything),
        "kpis(topic)": lambda c: read_totals.kpis(c, topic),
        "daily_sentiment(week)": lambda c: read_timeline.daily_sentiment(c, everything, "week"),
        "daily_sentiment(month, filtered)": lambda c: read_timeline.daily_sentiment(c, since, "month"),
        "articles": lambda c: read_articles.articles(c, everything, limit=200),
        "articles(text)": lambda c: read_articles.articles(c, text, limit=50),
        "decisions(topic)": lambda c: read_decisions.decisions(c, topic, limit=100),
        "decision_count": lambda c: read_decisions.decision_count(c, everything),
        "facets": lambda c: read_facets.facets(c, since),
        "what_moved": lambda c: read_timeline.what_moved(
            c, everything, read_options.date_bounds(c)[1] or date(2026, 1, 1)
        ),
        "has_source": lambda c: read_articles.has_source(c, read_articles.DEMO_SOURCE),
    }
    seconds = {}
    for name, call in calls.items():
        t0 = time.perf_counter()
        conn = open_conn(path)
        try:
            call(conn)
        finally:
            conn.close()
        seconds[name] = time.perf_counter() - t0
    return seconds


def snapshot(conn: sqlite3.Connection) -> tuple:
    """One read transaction: (articles, sum of added over finished runs, unfinished runs, sum of
    n in the daily aggregate, the same sum recounted from articles, the dashboard's KPI count, how
    many rows of the daily aggregate and of the data derived from it differ from their
    recomputation)."""
    from newsdesk.db import aggregates

    conn.execute("BEGIN")
    try:
        one = lambda sql: conn.execute(sql).fetchone()[0]  # noqa: E731
        return (
            one("SELECT count(*) FROM articles"),
            one("SELECT coalesce(sum(added), 0) FROM ingest_runs WHERE finished_at IS NOT NULL"),
            one("SELECT count(*) FROM ingest_runs WHERE finished_at IS NULL"),
            one("SELECT coalesce(sum(n), 0) FROM daily_category_sentiment"),
            one(f"SELECT coalesce(sum(n), 0) FROM ({aggregates.DAILY_RECOMPUTE_SQL})"),
            read_totals.kpis(conn)["articles"],
            len(daily_mismatches(conn)) + len(derived_mismatches(conn)),
        )
    finally:
        conn.execute("COMMIT")


def read_loop(db: str, out: str, stop: str, mode: str) -> None:
    """A reader process: until the file ``stop`` exists, run :func:`dashboard_reads` and one
    :func:`snapshot`, opening the database read-only like the dashboard (``mode`` ``readonly``) or
    through :func:`newsdesk.db.schema.connect` like the CLI (``store``). Writes a JSON summary to
    ``out``: iterations, queries run, each distinct snapshot with how often it was seen, every
    exception's traceback, the slowest iteration and the slowest single query. ``out + '.ready'``
    appears after the first iteration."""
    import traceback

    from newsdesk.db import schema

    def open_store(p):
        return schema.connect(p).conn

    open_conn = schema.connect_readonly if mode == "readonly" else open_store
    path = Path(db)
    seen: dict[tuple, int] = {}
    errors: list[str] = []
    iterations = reads = 0
    slowest, slowest_query = 0.0, (0.0, "")
    t_end = time.monotonic() + READ_DEADLINE_S
    while not os.path.exists(stop) and time.monotonic() < t_end:
        t0 = time.perf_counter()
        try:
            seconds = dashboard_reads(path, open_conn)
            reads += len(seconds)
            slowest_query = max(slowest_query, max((v, k) for k, v in seconds.items()))
            conn = open_conn(path)
            try:
                state = snapshot(conn)
            finally:
                conn.close()
            seen[state] = seen.get(state, 0) + 1
        except Exception:
            errors.append(traceback.format_exc())
        iterations += 1
        slowest = max(slowest, time.perf_counter() - t0)
        if iterations == 1:
            Path(out + ".ready").touch()
        if len(errors) > 20:
            break
        time.sleep(0.05)  # a user's reruns are not back to back; leaves the writer some CPU
    summary = {
        "mode": mode,
        "iterations": iterations,
        "reads": reads,
        "slowest_s": slowest,
        "slowest_query": slowest_query,
        "states": [[list(k), v] for k, v in seen.items()],
        "errors": errors,
    }
    Path(out).write_text(json.dumps(summary), encoding="utf-8")


def start_reader(db: Path, out: Path, stop: Path, mode: str) -> subprocess.Popen:
    """Start :func:`read_loop` in a fresh Python process (its output goes to ``out + '.log'``)."""
    code = "import sys; from tests.fault_util import read_loop; read_loop(*sys.argv[1:])"
    with open(f"{out}.log", "wb") as log:
        return subprocess.Popen(
            [sys.executable, "-c", code, str(db), str(out), str(stop), mode],
            cwd=ROOT,
            env=python_env(),
            stdout=log,
            stderr=log,
        )


def mixed_writes(db, sample_path, seed: int, n: int = 300, rescored: int = 40) -> None:
    """Write ``db`` every way newsdesk does: a synthetic bulk batch, a real ingest of the sample, and
    a rescore of ``rescored`` articles (child rows deleted and written again)."""
    from benchmarks import synthetic
    from newsdesk.flows import ingest as pipeline
    from newsdesk.score.textblob_adapters import TextBlobScorer

    synthetic.generate(db, n, seed=seed)
    pipeline.ingest_paths(db, [sample_path], scorer=TextBlobScorer())
    pipeline.rescore(db, pipeline.stale_ids(db, "", everything=True)[:rescored])
