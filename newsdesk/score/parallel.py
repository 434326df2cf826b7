"""Scoring across cores: the articles of a chunk scored by worker processes, in the chunk's order,
with the results a serial run gives (each article is scored alone; its novelty comes in with it).

Workers are forked (they inherit the compiled :class:`ScoringContext`, so they start in
milliseconds). ``jobs`` counts every process: ``jobs - 1`` workers score while this process parses
and stores (storing a headline costs more than scoring it, so a worker per core would only take
cores from the storing process). Where fork is not available, or with ``jobs`` <= 1, everything is
scored in this process. A chunk smaller than :data:`MIN_PARALLEL` is scored here too: shipping it costs more than
it saves.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass

from newsdesk.domain.models import Article
from newsdesk.score.pipeline import ScoringContext, score_article
from newsdesk.score.sentiment import Scorer

MIN_PARALLEL = 200
_CONTEXT: ScoringContext | Scorer | None = None  # the context the forked workers inherit


def default_jobs() -> int:
    """The cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


Outcome = Article | Exception


def score_one(ctx: ScoringContext | Scorer | None, article: Article) -> Outcome:
    """The scored article (its novelty left to :func:`newsdesk.score.impact.with_novelty`), or the
    exception the scorers raised on it (never raises)."""
    try:
        return score_article(article, ctx, defer_novelty=True)
    except Exception as exc:  # a scorer bug must not lose the rest of the batch
        return exc


def _watch_parent(parent: int) -> None:
    """Run in each worker: exit when the ingest that forked it is gone (killed), instead of waiting
    forever on a queue whose other end the sibling workers still hold."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def _score_slice(articles: list[Article]) -> list[Outcome]:
    return [score_one(_CONTEXT, a) for a in articles]


class Scoring:
    """Scores chunks, with ``jobs`` worker processes when that pays (a context manager: the workers
    live until it closes). :meth:`submit` starts a chunk and returns at once when workers score it,
    so the caller can store the previous chunk meanwhile; :meth:`collect` waits for the outcomes."""

    def __init__(self, ctx: ScoringContext | Scorer, jobs: int | None = 1, min_parallel: int = MIN_PARALLEL) -> None:
        self.ctx = ctx
        self.jobs = default_jobs() if jobs is None else max(1, jobs)
        self.workers = self.jobs - 1  # this process parses and stores meanwhile
        self.min_parallel = min_parallel
        self.pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> Scoring:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """Stop the workers."""
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)
            self.pool = None

    def _workers(self) -> ProcessPoolExecutor | None:
        if self.workers < 1 or "fork" not in multiprocessing.get_all_start_methods():
            return None
        if self.pool is None:
            global _CONTEXT
            _CONTEXT = self.ctx
            self.pool = ProcessPoolExecutor(
                self.workers,
                mp_context=multiprocessing.get_context("fork"),
                initializer=_watch_parent,
                initargs=(os.getpid(),),
            )
        return self.pool

    def submit(self, articles: list[Article]) -> Pending:
        """Start scoring ``articles`` (in worker processes when that pays)."""
        pool = self._workers() if len(articles) >= self.min_parallel else None
        if pool is None:
            return Pending(articles, [])
        size = -(-len(articles) // self.workers)
        return Pending(
            articles, [pool.submit(_score_slice, articles[n : n + size]) for n in range(0, len(articles), size)]
        )

    def collect(self, pending: Pending, on_done: Callable[[int], None] | None = None) -> list[Outcome]:
        """Each article of a submitted chunk scored (or the exception its scorers raised), in order;
        ``on_done(n)`` as they are done."""
        if not pending.futures:
            out = []
            for n, article in enumerate(pending.articles, start=1):
                out.append(score_one(self.ctx, article))
                if on_done and (n % 50 == 0 or n == len(pending.articles)):
                    on_done(n)
            return out
        out = [outcome for future in pending.futures for outcome in future.result()]
        if on_done:
            on_done(len(out))
        return out


@dataclass
class Pending:
    """A chunk submitted for scoring: its articles and the workers' futures (none: scored on collect)."""

    articles: list[Article]
    futures: list[Future]
