"""Ingest pipeline: read inputs, score their articles, store each input as one batch."""

from __future__ import annotations

import heapq
import logging
import os
import tempfile
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from newsdesk.config import DEMO_DIR
from newsdesk.db import Connection, checkpoint, transaction, writes
from newsdesk.db import open as open_database
from newsdesk.db.read import articles as article_reads
from newsdesk.domain.models import Article, ParseResult, Problem
from newsdesk.domain.reference import load_baskets, load_companies
from newsdesk.errors import NewsdeskError
from newsdesk.ingest import is_url, iter_bytes, stream_path
from newsdesk.ingest.options import ReadOptions
from newsdesk.score.impact import with_novelty
from newsdesk.score.novelty import HOURS as NOVELTY_HOURS
from newsdesk.score.novelty import LIMIT as NOVELTY_TITLES
from newsdesk.score.novelty import TitleWindow, hours_before, words_of
from newsdesk.score.parallel import Scoring
from newsdesk.score.pipeline import ScoringContext, default_context, score_article
from newsdesk.score.sentiment import Scorer

log = logging.getLogger(__name__)
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
    db: Connection,
    paths: Iterable[str | Path],
    fmt: str = "auto",
    scorer: ScoringContext | Scorer | None = None,
    on_file: Callable[[Path], None] | None = None,
    columns: dict[str, str] | None = None,
    on_progress: Progress | None = None,
    options: ReadOptions | None = None,
    jobs: int | None = 1,
) -> IngestReport:
    """Ingest files or URLs; one transaction (and one ``ingest_runs`` row) per chunk of at most
    1,000 records of each input (see :func:`newsdesk.ingest.stream_path`), so a killed import keeps
    every chunk it finished and no part of the others. An input that cannot be read at all is
    recorded (run + problem) and listed in ``unreadable``; the others go on. ``on_progress(done,
    total)`` is called as the articles of each batch are scored. ``jobs``: processes in all
    (``jobs - 1`` score while this one stores; None: every core; the stored rows are the same with any
    number)."""
    inputs = [(raw if is_url(raw) else Path(raw)) for raw in paths]
    return _ingest(
        db,
        ((str(p), lambda p=p: stream_path(p, fmt, columns, options), p) for p in inputs),
        scorer,
        on_file,
        on_progress,
        jobs,
    )


def ingest_uploads(
    db: Connection,
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


def _ingest(db, inputs, scorer, on_file, on_progress, jobs: int | None = 1) -> IngestReport:
    ctx = scorer or default_context()
    ensure_reference(db)
    report = IngestReport()
    with Scoring(ctx, jobs) as scoring:
        for name, chunks, path in inputs:
            _ingest_input(db, name, chunks, path, ctx, report, on_file, on_progress, scoring)
    return report


def _ingest_input(db, name, chunks, path, ctx, report, on_file, on_progress, scoring) -> None:
    """Ingest one input, chunk by chunk; an unreadable input is recorded and the next goes on. With
    scoring workers, the next chunk is being scored while this one is stored."""
    if on_file:
        on_file(path)
    outcome = InputOutcome(name)
    report.inputs.append(outcome)
    waiting = None
    try:
        for parsed in chunks():
            started = (parsed, scoring.submit(_in_order(parsed)))
            if waiting is not None:
                previous, waiting = waiting, None
                _store_chunk(db, name, *previous, ctx, report, on_progress, outcome, scoring)
            waiting = started
    except NewsdeskError as exc:  # unreadable (or, mid-stream, no longer readable): earlier chunks stay
        if waiting is not None:
            previous, waiting = waiting, None
            _store_chunk(db, name, *previous, ctx, report, on_progress, outcome, scoring)
        outcome.error = str(exc)
        report.unreadable.append((name, str(exc)))
        report.run_ids.append(writes.record_failure(db, name, str(exc)))
        log.info("%s could not be read: %s", name, exc)
    if waiting is not None:
        _store_chunk(db, name, *waiting, ctx, report, on_progress, outcome, scoring)
    log.info(
        "ingested %s: %d added, %d duplicates, %d rejected",
        name, outcome.added, outcome.duplicates, outcome.rejected,
    )  # fmt: skip


def _in_order(parsed: ParseResult) -> list[Article]:
    return sorted(parsed.articles, key=lambda a: a.published_at or "")


def write_chunk(
    db: Connection,
    name: str,
    parsed: ParseResult,
    ctx: ScoringContext | Scorer,
    report: IngestReport,
    on_progress: Progress | None = None,
    outcome: InputOutcome | None = None,
    scoring: Scoring | None = None,
) -> None:
    """Score the articles of one parsed chunk and store them, with its problems, as one batch (run
    ``name``), adding its counts to ``report``: the one writer of files, uploads and feeds. An
    article the scorers fail on becomes a problem ("scoring failed: ..."); the rest are stored.
    ``scoring`` may spread the scoring over processes (same results, same order)."""
    scoring = scoring or Scoring(ctx, 1)
    _store_chunk(db, name, parsed, scoring.submit(_in_order(parsed)), ctx, report, on_progress, outcome, scoring)


def _store_chunk(db, name, parsed, pending, ctx, report, on_progress, outcome, scoring) -> None:
    """Collect a submitted chunk's scores, give each its novelty (the window is read now, after the
    previous chunk was stored) and store the chunk as one batch."""
    problems = list(parsed.problems)
    articles = pending.articles
    total = len(articles)
    outcomes = scoring.collect(pending, (lambda n: on_progress(n, total)) if on_progress else None)
    full = isinstance(ctx, ScoringContext)
    novelty = chunk_novelty(db, articles) if full else [None] * total
    scored = []
    for article, done, known in zip(articles, outcomes, novelty, strict=True):
        if isinstance(done, Exception):  # a scorer bug must not lose the rest of the batch
            problems.append(Problem(name, article.locator, f"scoring failed: {done!r}", article.title))
            log.warning("%s: scoring failed on %s: %r", name, article.locator, done)
            continue
        if known is not None:  # a full scoring context: the chunk's novelty was read
            done.impact, done.impact_components = with_novelty(done.impact_components, known)
        scored.append(done)
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


def ensure_reference(db: Connection) -> None:
    """Load the shipped companies and baskets into the database unless they are there already."""
    companies, baskets = load_companies(), load_baskets()
    if not writes.reference_loaded(db, companies, baskets):
        writes.sync_reference(db, companies, baskets)


def chunk_novelty(
    db: Connection, articles: list[Article], now: str | None = None
) -> list[tuple[float, int]]:
    """Novelty and earlier copies (:func:`newsdesk.score.impact.novelty_of`) of each article of a
    chunk, in its order: its title against the titles published in the :data:`NOVELTY_HOURS` before
    it, stored or in the chunk (the :data:`NOVELTY_TITLES` most recent; on equal times stored titles
    count as older, then the chunk's in its order). One in-memory window serves the whole chunk, fed
    by one read of the stored titles per stretch of the chunk (a stretch ends at a gap longer than the
    window), instead of a query per article. An article without a date is placed at ``now`` (default:
    the current time)."""
    now = now or writes.now_iso()
    moments = [a.published_at or now for a in articles]
    order = sorted(range(len(articles)), key=lambda i: (moments[i], i))
    ends = [moments[i] for i in order]
    window = TitleWindow(NOVELTY_HOURS, NOVELTY_TITLES)
    out: list[tuple[float, int]] = [(1.0, 0)] * len(articles)
    stored: _Ahead | None = None
    pending: deque[tuple[str, int, int, frozenset[str]]] = deque()  # the chunk's titles not yet in the window
    for pos, i in enumerate(order):
        end = moments[i]
        start = hours_before(end, NOVELTY_HOURS)
        if stored is None or start > ends[pos - 1]:  # the first stretch, or a new one: what was read lies outside
            last = pos
            while last + 1 < len(ends) and hours_before(ends[last + 1], NOVELTY_HOURS) <= ends[last]:
                last += 1
            stored = _Ahead(
                article_reads.newest_titles(db, start, end, NOVELTY_TITLES),
                article_reads.titles_from(db, end, ends[last]),
            )
        fresh = stored.before(end)
        while pending and pending[0][0] < end:
            fresh.append(pending.popleft())
        for moment, _kind, _seq, seen in heapq.nlargest(NOVELTY_TITLES, fresh, key=lambda t: t[:3])[::-1]:
            window.push(moment, seen if isinstance(seen, frozenset) else words_of(seen))
        window.evict_before(end)
        words = words_of(articles[i].title or "")
        out[i] = window.novelty(words)
        pending.append((end, 1, pos, words))
    return out


class _Ahead:
    """Stored ``(published_at, title)`` rows not yet in the window, oldest first."""

    def __init__(self, first: list[tuple[str, str]], rest: Iterator[tuple[str, str]]) -> None:
        self.rows = iter([*first])
        self.rest = rest
        self.seq = 0
        self.head = self._next()

    def _next(self) -> tuple[str, str] | None:
        row = next(self.rows, None)
        if row is None:
            self.rows = self.rest
            row = next(self.rows, None)
        return row

    def before(self, end: str) -> list:
        """The rows published before ``end`` that are not taken yet, as ``(moment, 0, seq, title)``."""
        out = []
        while self.head is not None and self.head[0] < end:
            moment, title = self.head
            self.seq += 1
            out.append((moment, 0, self.seq, title or ""))
            self.head = self._next()
        return out


def stored_titles_before(db: Connection, published_at: str | None) -> list[frozenset[str]]:
    """Word sets of the stored titles of the :data:`NOVELTY_HOURS` before ``published_at`` (the
    :data:`NOVELTY_TITLES` most recent), for rescoring a stored article."""
    end = published_at or writes.now_iso()
    start = hours_before(end, NOVELTY_HOURS)
    return [words_of(t or "") for _, t in article_reads.newest_titles(db, start, end, NOVELTY_TITLES)]


def stale_ids(db: Connection, version: str, everything: bool = False) -> list[str]:
    """Ids of the articles scored by another scorer version (all ids with ``everything``)."""
    return article_reads.stale_ids(db, version, everything)


def rescore(
    db: Connection,
    ids: list[str],
    batch_size: int = 500,
    ctx: ScoringContext | None = None,
    on_batch: Callable[[int], object] | None = None,
) -> int:
    """Rescore the given articles with the current scorers, one transaction per batch; returns
    how many were rescored."""
    ctx = ctx or default_context()
    ensure_reference(db)
    done = 0
    for start in range(0, len(ids), batch_size):
        batch = ids[start : start + batch_size]
        with transaction(db):
            for article_id in batch:
                old = writes.load_article(db, article_id)
                new = writes.load_article(db, article_id)
                own = words_of(new.title or "")
                window = [w for w in stored_titles_before(db, new.published_at) if w != own]
                score_article(new, ctx, window)
                writes.replace_scores(db, old, new)
        done += len(batch)
        if on_batch:
            on_batch(len(batch))
    return done


def demo_files() -> list[Path]:
    """The demo corpus pages shipped in ``data/demo``."""
    return sorted(DEMO_DIR.glob("*.txt"))


def load_demo(db: Connection) -> IngestReport:
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
        db = open_database(tmp)
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
