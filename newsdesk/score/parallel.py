"""Scoring across cores: the articles of a chunk scored by worker processes, in the chunk's order,
with the results a serial run gives (each article is scored alone; its novelty comes in with it).

Workers are forked (they inherit the compiled :class:`ScoringContext`, so they start in
milliseconds); where fork is not available, or with ``jobs`` <= 1, everything is scored in this
process. A chunk smaller than :data:`MIN_PARALLEL` is scored here too: shipping it costs more than
it saves.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor

from newsdesk.models import Article
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


def score_one(ctx: ScoringContext | Scorer, article: Article, novelty: tuple[float, int] | None) -> Outcome:
    """The scored article, or the exception the scorers raised on it (never raises)."""
    try:
        return score_article(article, ctx, novelty=novelty)
    except Exception as exc:  # a scorer bug must not lose the rest of the batch
        return exc


def _score_slice(items: list[tuple[Article, tuple[float, int] | None]]) -> list[Outcome]:
    return [score_one(_CONTEXT, a, n) for a, n in items]


class Scoring:
    """Scores chunks, with ``jobs`` worker processes when that pays (a context manager: the workers
    live until it closes)."""

    def __init__(self, ctx: ScoringContext | Scorer, jobs: int | None = 1, min_parallel: int = MIN_PARALLEL) -> None:
        self.ctx = ctx
        self.jobs = default_jobs() if jobs is None else max(1, jobs)
        self.min_parallel = min_parallel
        self.pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> Scoring:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """Stop the workers."""
        if self.pool is not None:
            self.pool.shutdown()
            self.pool = None

    def _workers(self) -> ProcessPoolExecutor | None:
        if self.jobs <= 1 or "fork" not in multiprocessing.get_all_start_methods():
            return None
        if self.pool is None:
            global _CONTEXT
            _CONTEXT = self.ctx
            self.pool = ProcessPoolExecutor(self.jobs, mp_context=multiprocessing.get_context("fork"))
        return self.pool

    def score(self, articles: list[Article], novelty: list[tuple[float, int] | None]) -> list[Outcome]:
        """Each article scored (or the exception its scorers raised), in the given order."""
        items = list(zip(articles, novelty, strict=True))
        pool = self._workers() if len(items) >= self.min_parallel else None
        if pool is None:
            return [score_one(self.ctx, a, n) for a, n in items]
        size = -(-len(items) // self.jobs)
        slices = [items[n : n + size] for n in range(0, len(items), size)]
        return [outcome for part in pool.map(_score_slice, slices) for outcome in part]
