"""Evidence observations kept, not measured per view: the upkeep of the stored observations
(:mod:`newsdesk.db.evidence`) and the look-up a view's evidence reads them through.

- :func:`upkeep` (inside the grades' upkeep, :func:`newsdesk.flows.grades.refresh`, in its transaction and
  with the marks of change it handles: after a price import or fetch, an ingest, a rescore): measures
  every article that names a company and has no evidence of the current
  :data:`~newsdesk.scorecard.evidence.RULES_VERSION`, and measures again those that read anything
  changed (a ticker's closes, its benchmark's, a company's country, a basket's members). A process
  killed mid-way leaves the marks of change in place, and readers measure by the rules.
- :func:`rebuild` (``newsdesk rebuild-evidence``): every observation from scratch.
- :func:`lookup`: a view's stored measurements, or None when they cannot answer (marks of change
  pending); :func:`newsdesk.scorecard.evidence.measurements` measures by the rules any observation whose
  article is not stored (the same figures either way: ``tests/scorecard/test_evidence_store.py``).

Stored observations are those of the default rules (each market's benchmark, 5 sessions of
staleness); any other setting is measured by the rules as before.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from newsdesk.db import Connection, transaction
from newsdesk.db import evidence as store
from newsdesk.db.grades import BASKET_PREFIX, EVERYTHING, is_clean
from newsdesk.db.read.articles import DEMO_SOURCE
from newsdesk.db.read.grades import snapshot
from newsdesk.db.read.prices import basket_weights
from newsdesk.domain.cells import flag, text_or_none
from newsdesk.domain.filters import Filters
from newsdesk.flows import market as track
from newsdesk.prices.series import PriceBook
from newsdesk.scorecard.evidence import (
    RULES_VERSION,
    WINDOWS,
    Observation,
    SpanCache,
    Stored,
    StoredLookup,
    measure,
    tone,
)
from newsdesk.scorecard.rules import Market

CHUNK = 5_000  # articles measured per step of an upkeep (one transaction for all of them)
UPKEEP_LIMIT = 5_000  # articles one upkeep measures at most (the newest 20,000 of a 480k desk took 2.4 s of CPU)


# ------------------------------------------------------------------------------------------ upkeep


def _score(value: Any) -> float | None:
    return None if value is None or value != value else float(value)


def rows_of(
    inputs: Sequence[tuple[Any, ...]], market: Market, cache: SpanCache | None = None
) -> tuple[list[tuple], list[tuple]]:
    """The ``evidence_articles`` and ``evidence_observations`` rows of articles' input rows
    (:data:`newsdesk.db.evidence.ARTICLE_INPUT_COLUMNS`, by article): each article over every window
    around each company it names and each basket holding one, measured as
    :func:`newsdesk.flows.prices.observations` makes its observations (an estimated date: none).
    ``cache``: spans shared with earlier calls on the same market."""
    cache = cache or SpanCache(market)
    holders: dict[str, list[str]] = {}
    for basket, members in sorted(market.baskets.items()):
        for ticker in members:
            holders.setdefault(ticker, []).append(basket)
    by_article: dict[str, list[tuple[Any, ...]]] = {}
    for row in inputs:
        by_article.setdefault(str(row[0]), []).append(row)
    articles, observations = [], []
    for article, rows in by_article.items():
        _, published, estimated, label, score, source, _ = rows[0]
        tickers = sorted({str(r[6]) for r in rows if text_or_none(r[6]) is not None})
        demo = text_or_none(source) == DEMO_SOURCE
        published = text_or_none(published)
        articles.append((article, RULES_VERSION, published, int(demo), "|".join(tickers)))
        if flag(estimated):
            continue  # the merge leaves estimated dates out
        side = tone(text_or_none(label), _score(score)) or ""
        common: dict[str, Any] = dict(published_at=published, group="", article_id=article, demo=demo)
        instruments = [Observation(ticker=t, **common) for t in tickers]
        baskets = sorted({b for t in tickers for b in holders.get(t, ())})
        instruments += [Observation(basket=b, **common) for b in baskets]
        for obs in instruments:
            for window in WINDOWS:
                m = measure(obs, market, window, side, cache)
                if m is not None:
                    observations.append((
                        article, m.ticker, window, RULES_VERSION, side, m.published_at, m.base_date, m.entry_date,
                        m.exit_date, m.benchmark, m.return_, m.benchmark_return, m.excess_return,
                        "illustrative" if m.illustrative else "real",
                    ))  # fmt: skip
    return articles, observations


def touched_tickers(conn: Connection, changed: Iterable[str], market: Market) -> set[str] | None:
    """The tickers whose articles' evidence reads any of ``changed`` (tickers, ``basket:<id>``, ``*``: the
    grades' marks of change; None: every article's): a changed ticker or one measured against a changed
    benchmark, and every member of a basket that changed or holds such a ticker."""
    changed = set(changed)
    if EVERYTHING in changed:
        return None
    tickers = {c for c in changed if not c.startswith(BASKET_PREFIX)}
    baskets = {c[len(BASKET_PREFIX) :] for c in changed if c.startswith(BASKET_PREFIX)}
    if not tickers and not baskets:
        return set()
    known = set(store.named_tickers(conn)) | {t for members in market.baskets.values() for t in members}
    direct = tickers | {t for t in known if market.benchmark_of(t) in tickers}
    wider = set(direct)
    for basket, members in market.baskets.items():
        if basket in baskets or direct.intersection(members):
            wider.update(members)
    return wider


def touched(conn: Connection, changed: Iterable[str], market: Market) -> set[str]:
    """The articles whose evidence reads any of ``changed`` (see :func:`touched_tickers`)."""
    tickers = touched_tickers(conn, changed, market)
    return store.naming(conn, tickers) if tickers is None or tickers else set()


def _measure(conn: Connection, article_ids: list[str], market: Market | None) -> int:
    """Measure ``article_ids`` by the default rules and store them (inside the caller's transaction);
    in time order, the spans they share are measured once (:class:`~newsdesk.scorecard.evidence.SpanCache`)."""
    if not article_ids:
        return 0
    market = market or track.market(conn)
    cache = SpanCache(market)
    for i in range(0, len(article_ids), CHUNK):
        chunk = article_ids[i : i + CHUNK]
        articles, rows = rows_of(store.article_inputs(conn, chunk), market, cache)
        store.forget(conn, chunk)
        store.store(conn, articles, rows)
    return len(article_ids)


def upkeep(conn: Connection, changed: Sequence[str], limit: int | None = None) -> int:
    """Bring the stored evidence up to date, inside the grades' upkeep transaction, with the marks of
    change it handles (before it clears them); returns how many articles were measured.

    The evidence of every article a change touched is marked not current first (in SQL: no id list in
    memory); then at most ``limit`` (default :data:`UPKEEP_LIMIT`) of the articles without current
    evidence are measured, the newest. The others wait for the next upkeep (readers measure them by the
    rules meanwhile). So the first upkeep after an upgrade, or a benchmark's close that every article reads,
    costs one bounded step, not a rebuild; ``newsdesk rebuild-evidence`` measures everything at once."""
    limit = UPKEEP_LIMIT if limit is None else max(0, limit)
    market = None
    if changed:
        market = track.market(conn)
        tickers = touched_tickers(conn, changed, market)
        if tickers is None or tickers:
            store.mark_stale(conn, tickers)
    return _measure(conn, store.unmeasured(conn, RULES_VERSION, newest=limit), market)


def rebuild(db: Connection) -> int:
    """Every observation from scratch (``newsdesk rebuild-evidence``); returns how many articles were
    measured. The marks of change are the grades' (``rebuild-grades`` or the next upkeep clears them):
    until then readers measure by the rules."""
    with transaction(db):
        store.forget_all(db)
        return _measure(db, store.unmeasured(db, RULES_VERSION), None)


# ------------------------------------------------------------------------------------------- reads


def lookup(conn: Connection, filters: Filters = Filters()) -> StoredLookup | None:
    """The view's stored measurements as a :data:`~newsdesk.scorecard.evidence.StoredLookup`, or None when
    they cannot answer (something they read changed since the upkeep). An observation whose article is
    not stored at the current rules version, or was stored with another publish time, source or set of
    companies, is left to the rules (the look-up answers None for it)."""
    with snapshot(conn):
        if not is_clean(conn):
            return None
        articles = store.view_articles(conn, filters)
        rows = store.view_observations(conn, filters)
    current = {
        str(a): (text_or_none(p), bool(d), frozenset(str(t).split("|")) if t else frozenset())
        for a, version, p, d, t in articles
        if int(version) == RULES_VERSION
    }
    spans: dict[tuple[str, str], dict[str, Stored]] = {}
    for a, instrument, window, bench, base, entry, exit_, r, b, closes in rows:
        spans.setdefault((str(a), str(instrument)), {})[str(window)] = (
            str(bench), str(base), str(entry), str(exit_), float(r), float(b), closes == "illustrative",
        )  # fmt: skip

    def stored(obs: Observation) -> dict[str, Stored] | None:
        kept = current.get(obs.article_id)
        if kept is None or kept[0] != obs.published_at or kept[1] != obs.demo:
            return None
        if obs.ticker is not None and obs.ticker not in kept[2]:
            return None
        return spans.get((obs.article_id, obs.ticker or f"basket:{obs.basket}"), {})

    return stored


def light_market(conn: Connection) -> Market:
    """A :class:`Market` without closes (the baskets and the benchmark look-up): what the merge reads."""
    return Market(PriceBook(), basket_weights(conn), track.benchmark_lookup(conn))
