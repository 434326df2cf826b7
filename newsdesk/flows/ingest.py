"""Ingest pipeline: read inputs, score their articles, store each input as one batch."""

from __future__ import annotations

import functools
import logging
import os
import tempfile
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import sqlite_utils

from newsdesk.config import DEMO_DIR
from newsdesk.db import writes
from newsdesk.db.dedupe import shift_hours
from newsdesk.db.read import articles as article_reads
from newsdesk.db.schema import checkpoint, connect, transaction
from newsdesk.domain.models import ParseResult, Problem
from newsdesk.domain.reference import load_baskets, load_companies
from newsdesk.errors import NewsdeskError
from newsdesk.ingest import is_url, iter_bytes, stream_path
from newsdesk.ingest.options import ReadOptions
from newsdesk.score.impact import title_words
from newsdesk.score.pipeline import ScoringContext, default_context, score_article
from newsdesk.score.sentiment import Scorer

log = logging.getLogger(__name__)

NOVELTY_HOURS = 72
NOVELTY_TITLES = 500  # the most recent titles of the window a title is compared with (database and batch each)
REPORT_KEEPS = 10_000  # problems and added ids kept in memory per report; every one is in the database
EXIT_OK, EXIT_UNREADABLE, EXIT_ALL_REJECTED = 0, 1, 3


@dataclass
class InputOutcome:
    """What one input (file, URL or upload) gave: its counts over all its chunks, the dates that were
    estimated, warnings about the whole input, and the error that stopped it (if any)."""

    name: str
    added: int = 0
    duplicates: int = 0
    rejected: int = 0
    estimated_dates: int = 0
    date_examples: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    error: str | None = None

    @property
    def all_rejected(self) -> bool:
        """Read, but every record in it was rejected."""
        return self.error is None and self.rejected > 0 and self.added + self.duplicates == 0

    def notes(self) -> list[str]:
        """Warnings to show a user: the input's own and the estimated dates."""
        notes = list(self.warnings)
        if self.estimated_dates:
            examples = ", ".join(repr(e) for e in self.date_examples)
            notes.append(
                f"{self.name}: {self.estimated_dates:,} unreadable dates were estimated (the previous readable "
                f"date of the input, else the ingest time) and flagged as estimated; e.g. {examples}"
            )
        return notes


@dataclass
class IngestReport:
    """Totals of an ingest over one or more inputs. ``problems`` and ``added_ids`` hold the first
    :data:`REPORT_KEEPS` of each (all of them are in the database), so a huge input keeps memory bounded."""

    added: int = 0
    duplicates: int = 0
    rejected: int = 0
    problems: list[Problem] = field(default_factory=list)
    unreadable: list[tuple[str, str]] = field(default_factory=list)
    run_ids: list[int] = field(default_factory=list)
    added_ids: list[str] = field(default_factory=list)
    inputs: list[InputOutcome] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        """1 when an input could not be read (or was an API error body), else 3 when an input was read
        but every record in it was rejected, else 0 (records stored or found to be duplicates, or an
        input that holds no records, such as an empty feed)."""
        if self.unreadable:
            return EXIT_UNREADABLE
        if any(i.all_rejected for i in self.inputs):
            return EXIT_ALL_REJECTED
        return EXIT_OK

    @property
    def warnings(self) -> list[str]:
        """Every input's warnings."""
        return [note for i in self.inputs for note in i.notes()]

    @property
    def problems_not_listed(self) -> int:
        """Rejected records counted but not kept in ``problems`` (they are in the problems table)."""
        return max(0, self.rejected - len(self.problems))

    def summary(self) -> str:
        """The one-line summary the CLI prints."""
        return f"{self.added} added, {self.duplicates} duplicates, {self.rejected} rejected"


Progress = Callable[[int, int], None]


def ingest_paths(
    db: sqlite_utils.Database,
    paths: Iterable[str | Path],
    fmt: str = "auto",
    scorer: ScoringContext | Scorer | None = None,
    on_file: Callable[[Path], None] | None = None,
    columns: dict[str, str] | None = None,
    on_progress: Progress | None = None,
    options: ReadOptions | None = None,
) -> IngestReport:
    """Ingest files or URLs; one transaction (and one ``ingest_runs`` row) per chunk of at most
    1,000 records of each input (see :func:`newsdesk.ingest.stream_path`), so a killed import keeps
    every chunk it finished and no part of the others. An input that cannot be read at all is
    recorded (run + problem) and listed in ``unreadable``; the others go on. ``on_progress(done,
    total)`` is called as the articles of each batch are scored."""
    inputs = [(raw if is_url(raw) else Path(raw)) for raw in paths]
    return _ingest(
        db,
        ((str(p), lambda p=p: stream_path(p, fmt, columns, options), p) for p in inputs),
        scorer,
        on_file,
        on_progress,
    )


def ingest_uploads(
    db: sqlite_utils.Database,
    uploads: Iterable[tuple[str, bytes]],
    fmt: str = "auto",
    columns: dict[str, str] | None = None,
    on_progress: Progress | None = None,
    options: ReadOptions | None = None,
) -> IngestReport:
    """Ingest in-memory files (name, bytes), e.g. uploaded in the dashboard; same rules as files."""
    options = options or ReadOptions(fmt=fmt, columns=dict(columns or {}))
    return _ingest(
        db,
        ((name, lambda data=data, name=name: iter_bytes(data, name, options), Path(name)) for name, data in uploads),
        None,
        None,
        on_progress,
    )


def _ingest(db, inputs, scorer, on_file, on_progress) -> IngestReport:
    ctx = scorer or default_context()
    ensure_reference(db)
    report = IngestReport()
    for name, chunks, path in inputs:
        if on_file:
            on_file(path)
        outcome = InputOutcome(name)
        report.inputs.append(outcome)
        try:
            for parsed in chunks():
                write_chunk(db, name, parsed, ctx, report, on_progress, outcome)
        except NewsdeskError as exc:  # unreadable (or, mid-stream, no longer readable): earlier chunks stay
            outcome.error = str(exc)
            report.unreadable.append((name, str(exc)))
            report.run_ids.append(writes.record_failure(db, name, str(exc)))
            log.info("%s could not be read: %s", name, exc)
        log.info(
            "ingested %s: %d added, %d duplicates, %d rejected",
            name, outcome.added, outcome.duplicates, outcome.rejected,
        )  # fmt: skip
    return report


def write_chunk(
    db: sqlite_utils.Database,
    name: str,
    parsed: ParseResult,
    ctx: ScoringContext | Scorer,
    report: IngestReport,
    on_progress: Progress | None = None,
    outcome: InputOutcome | None = None,
) -> None:
    """Score the articles of one parsed chunk and store them, with its problems, as one batch (run
    ``name``), adding its counts to ``report``: the one writer of files, uploads and feeds. An
    article the scorers fail on becomes a problem ("scoring failed: ..."); the rest are stored."""
    problems = list(parsed.problems)
    scored = []
    recent = RecentTitles(db)
    articles = sorted(parsed.articles, key=lambda a: a.published_at or "")
    failed = 0
    for n, article in enumerate(articles, start=1):
        try:
            scored.append(score_article(article, ctx, recent.before(article.published_at)))
            recent.add(article.published_at, article.title)
        except Exception as exc:  # a scorer bug must not lose the rest of the batch
            problems.append(Problem(name, article.locator, f"scoring failed: {exc!r}", article.title))
            if not failed:
                log.warning("%s: scoring failed on %s: %r", name, article.locator, exc, exc_info=True)
            failed += 1
        if on_progress and (n % 50 == 0 or n == len(articles)):
            on_progress(n, len(articles))
    if failed > 1:
        log.warning("%s: scoring failed on %d articles of this chunk (the first logged above)", name, failed)
    result = writes.write_batch(db, scored, problems, name)
    log.debug("%s: chunk stored as run %d: %d added", name, result.run_id, result.added)
    report.added += result.added
    report.duplicates += result.duplicates
    report.rejected += result.rejected
    report.problems.extend(result.problems[: max(0, REPORT_KEEPS - len(report.problems))])
    report.run_ids.append(result.run_id)
    report.added_ids.extend(result.added_ids[: max(0, REPORT_KEEPS - len(report.added_ids))])
    if outcome is not None:
        outcome.added += result.added
        outcome.duplicates += result.duplicates
        outcome.rejected += result.rejected
        outcome.warnings.extend(w for w in parsed.warnings if w not in outcome.warnings)
        outcome.estimated_dates += parsed.estimated_dates
        outcome.date_examples.extend(parsed.date_examples[: max(0, 3 - len(outcome.date_examples))])


def ensure_reference(db: sqlite_utils.Database) -> None:
    """Load the shipped companies and baskets into the database unless they are there already."""
    companies, baskets = load_companies(), load_baskets()
    if not writes.reference_loaded(db, companies, baskets):
        writes.sync_reference(db, companies, baskets)


@functools.lru_cache(maxsize=65_536)
def _title_words(title: str) -> frozenset[str]:
    """``title_words``, memoised: the same stored titles come back in many articles' windows."""
    return title_words(title)


class RecentTitles:
    """Titles published in the :data:`NOVELTY_HOURS` before a moment, from the database and the
    batch being scored, for the impact model's novelty: of each, the :data:`NOVELTY_TITLES` most
    recent. The batch's titles are kept sorted by time, so a look-up costs a bisection, not a scan
    of the batch."""

    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db
        self.times: list[str] = []
        self.words: list[frozenset[str]] = []

    def add(self, published_at: str | None, title: str) -> None:
        """Remember a title scored in this batch."""
        moment = published_at or writes.now_iso()
        at = bisect_right(self.times, moment)
        self.times.insert(at, moment)  # at the end when the batch is scored in time order
        self.words.insert(at, _title_words(title))

    def before(self, published_at: str | None) -> list[frozenset[str]]:
        """Word sets of the titles published in the window before ``published_at``."""
        end = published_at or writes.now_iso()
        start = shift_hours(end, -NOVELTY_HOURS)
        out = [_title_words(t) for t in article_reads.titles_between(self.db.conn, start, end, NOVELTY_TITLES)]
        lo, hi = bisect_left(self.times, start), bisect_left(self.times, end)
        out.extend(self.words[max(lo, hi - NOVELTY_TITLES) : hi])
        return out


def stale_ids(db: sqlite_utils.Database, version: str, everything: bool = False) -> list[str]:
    """Ids of the articles scored by another scorer version (all ids with ``everything``)."""
    return article_reads.stale_ids(db.conn, version, everything)


def rescore(
    db: sqlite_utils.Database,
    ids: list[str],
    batch_size: int = 500,
    ctx: ScoringContext | None = None,
    on_batch: Callable[[int], object] | None = None,
) -> int:
    """Rescore the given articles with the current scorers, one transaction per batch; returns
    how many were rescored."""
    ctx = ctx or default_context()
    ensure_reference(db)
    recent = RecentTitles(db)
    done = 0
    for start in range(0, len(ids), batch_size):
        batch = ids[start : start + batch_size]
        with transaction(db):
            for article_id in batch:
                old = writes.load_article(db.conn, article_id)
                new = writes.load_article(db.conn, article_id)
                window = [w for w in recent.before(new.published_at) if w != title_words(new.title)]
                score_article(new, ctx, window)
                writes.replace_scores(db, old, new)
        done += len(batch)
        if on_batch:
            on_batch(len(batch))
    return done


def demo_files() -> list[Path]:
    """The demo corpus pages shipped in ``data/demo``."""
    return sorted(DEMO_DIR.glob("*.txt"))


def load_demo(db: sqlite_utils.Database) -> IngestReport:
    """Ingest the illustrative demo corpus into ``db``, and ILLUSTRATIVE closes for its decisions'
    tickers and benchmarks (:func:`newsdesk.flows.prices.load_demo_prices`, source ``illustrative``), and
    one example alert rule, paused."""
    from newsdesk.flows.prices import load_demo_prices

    report = ingest_paths(db, demo_files(), fmt="page")
    prices = load_demo_prices(db)
    log.info(
        "demo corpus: %s; %d illustrative closes", report.summary(), prices.added if prices else 0
    )
    from newsdesk.flows.alerts import add_example_rule

    add_example_rule(db)  # paused: an example on the Alerts page, never a notification
    return report


def create_demo_database(path: str | Path) -> IngestReport:
    """Build a database filled with the demo corpus at ``path``, atomically: it is built in a
    temporary file beside ``path`` and renamed into place, so a concurrent starter never sees a
    half-filled database. Does nothing (returns an empty report) when ``path`` already exists."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        return IngestReport()
    fd, tmp = tempfile.mkstemp(prefix=".newsdesk-demo-", suffix=".db", dir=path.parent)
    os.close(fd)
    os.unlink(tmp)
    try:
        db = connect(tmp)
        report = load_demo(db)
        checkpoint(db)
        db.close()
        if not path.exists():
            os.replace(tmp, path)
            log.info("demo database built at %s", path)
    finally:
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(tmp + suffix):
                os.unlink(tmp + suffix)
    return report
