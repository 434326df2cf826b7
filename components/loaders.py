"""Cached loaders: the pages' only way to the data, one cached wrapper per read of
:mod:`newsdesk.db.read`, all with one TTL. Each takes the database path, its arguments and a data
version (the last ingest run id), so a new ingest shows without a restart. Also the dashboard's
only ways to open the database: read-only for every read, writable (:func:`open_for_write`) for
the ingest, basket and alert forms, which write through :data:`custom_baskets` and :data:`alert_store`:
no other component imports :mod:`newsdesk.db`."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future
from contextlib import AbstractContextManager
from dataclasses import fields, replace
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st
from streamlit.runtime.scriptrunner import add_script_run_ctx, get_script_run_ctx

from newsdesk.config import ENV_READONLY, HIGH_IMPACT, read_only, resolve_db_path
from newsdesk.db import (
    Connection,
    custom_baskets,  # the Baskets page's forms write custom baskets with it
    readers,
)
from newsdesk.db import alerts as alert_store  # the Alerts page's forms write rules and seen marks with it
from newsdesk.db import open as open_database
from newsdesk.db.read import alerts as alert_reads
from newsdesk.db.read import articles, baskets, decisions, facets, options, stats, stories, timeline, totals
from newsdesk.db.readers import Readers
from newsdesk.domain.filters import DefaultWindow, Filters
from newsdesk.errors import ReadOnlyError
from newsdesk.score.horizon import statuses

# plain values and functions pages use; the forms' writes (on a handle from open_for_write)
__all__ = ["HIGH_IMPACT", "Filters", "alert_store", "custom_baskets", "previous_period"]

TTL = 600
_FILTER_FIELDS = tuple(field.name for field in fields(Filters))


def view_key(filters: Filters) -> str:
    """A view's part of a cache key: every field of the (frozen, plain-valued) :class:`Filters` as text.
    Streamlit's own hashing of a dataclass copies it field by field (~0.26 ms a call against ~0.04 ms): a
    page run asks 15-45 cached loaders for their values, each hashing its view."""
    return repr([getattr(filters, name) for name in _FILTER_FIELDS])


VIEW_KEY: dict[str | type[Any], Callable[[Any], Any]] = {Filters: view_key}
DEMO_SOURCE = articles.DEMO_SOURCE
previous_period = totals.previous_period


def database_path() -> Path | str:
    """The database the dashboard shows; created from the demo corpus on first start (a
    ``postgresql://`` URL is a server's database: nothing to create here)."""
    path = resolve_db_path()
    if isinstance(path, str):
        return path
    if not path.exists():
        if read_only():
            st.error(
                f"No database at {path}. This dashboard runs read-only ({ENV_READONLY}=1), so it does not "
                "create one: point NEWSDESK_DB at an existing database."
            )
            st.stop()
        with st.spinner("First start: building the demo database from data/demo ..."):
            from newsdesk.flows import ingest as pipeline  # imports the scorers: only needed on a first start

            pipeline.create_demo_database(path)
    return path


def open_for_write(path: str | Path) -> Connection:
    """The dashboard's only way to a writable database; raises :class:`ReadOnlyError` when the app
    runs read-only. Every read goes through the read-only connections of :func:`_readers` instead."""
    if read_only():
        raise ReadOnlyError(f"this dashboard runs read-only ({ENV_READONLY}=1): nothing can be written")
    return open_database(path)


@st.cache_resource(show_spinner=False)
def _readers(path: str) -> Readers:
    """One lender of read-only connections per database for the process: on a server a pool of
    connections opened once (no connection per card or page run); a SQLite file per read."""
    return readers(path)


def _reading(path: str | Path) -> AbstractContextManager[Connection]:
    """A read-only connection to ``path`` for a ``with`` block."""
    return _readers(str(path)).connection()


def _read(path: str | Path, fn, *args):
    """``fn(conn, *args)`` on a read-only connection to ``path``."""
    with _reading(path) as conn:
        return fn(conn, *args)


def in_background(loader, *args) -> Future:
    """``loader(*args)`` (a cached loader) started on a thread of its own, in this run's context (its
    cache is the same): a page reads two things at once while it draws. SQLite lets the GIL go while a
    statement steps, so on two cores an aggregate read (one long step: the facets' counts) runs beside the
    page's own work; a read of many rows takes the GIL back at each row and gains little. The result (or
    the read's exception) comes from ``.result()``."""
    future: Future = Future()

    def work() -> None:
        try:
            future.set_result(loader(*args))
        except BaseException as exc:  # noqa: BLE001 - handed to whoever waits for the result
            future.set_exception(exc)

    thread = threading.Thread(target=work, name="newsdesk-read", daemon=True)
    add_script_run_ctx(thread, get_script_run_ctx())
    thread.start()
    return future


def data_version(path: Path | str) -> int:
    """The last ingest run id (uncached: one indexed lookup)."""
    return _read(path, stats.data_version)


# ------------------------------------------------------------------ options and views


@st.cache_data(hash_funcs=VIEW_KEY, ttl=TTL, max_entries=16, show_spinner=False)
def load_categories(path: str, version: int) -> pd.DataFrame:
    """Categories with their article counts."""
    return _read(path, options.categories)


@st.cache_data(hash_funcs=VIEW_KEY, ttl=TTL, max_entries=16, show_spinner=False)
def load_bounds(path: str, version: int) -> tuple[date | None, date | None]:
    """First and last publish day."""
    return _read(path, options.date_bounds)


@st.cache_data(hash_funcs=VIEW_KEY, ttl=TTL, max_entries=16, show_spinner=False)
def load_default_window(
    path: str, hidden_sources: tuple[str, ...], version: int, market_only: bool = True
) -> DefaultWindow:
    """The default dates of a view: the latest 90 days that hold enough data to draw (of the sources
    not hidden; of market news unless ``market_only`` is false), and a note when that is not simply
    the latest 90 days."""
    return _read(path, lambda conn: options.default_window(conn, hidden_sources, market_only=market_only))


@st.cache_data(hash_funcs=VIEW_KEY, ttl=TTL, max_entries=16, show_spinner=False)
def load_sources(path: str, version: int) -> list[str]:
    """Sources, alphabetically."""
    return _read(path, options.sources)["source"].tolist()


@st.cache_data(hash_funcs=VIEW_KEY, ttl=TTL, max_entries=16, show_spinner=False)
def load_company_options(path: str, version: int) -> dict[str, str]:
    """Company and basket filter options: value -> label (companies with their article count,
    baskets with their member count)."""
    df = _read(path, options.company_options)
    return {
        v: f"{label} ({n} members)" if v.startswith("basket:") else f"{label} ({n})"
        for v, label, n in df.itertuples(index=False)
        if n
    }


@st.cache_data(hash_funcs=VIEW_KEY, ttl=TTL, max_entries=16, show_spinner=False)
def load_authors(path: str, version: int) -> dict[str, int]:
    """Authors of analyst calls -> how many calls, most first."""
    df = _read(path, decisions.authors)
    return dict(zip(df["author"], df["calls"].astype(int), strict=True))


@st.cache_data(hash_funcs=VIEW_KEY, ttl=TTL, max_entries=16, show_spinner=False)
def has_demo(path: str, version: int) -> bool:
    """True when the database holds articles of the illustrative demo corpus."""
    return _read(path, articles.has_source, articles.DEMO_SOURCE)


@st.cache_data(hash_funcs=VIEW_KEY, ttl=TTL, max_entries=16, show_spinner=False)
def has_real(path: str, version: int) -> bool:
    """True when the database holds articles from outside the demo corpus."""
    return _read(path, articles.has_other_source, articles.DEMO_SOURCE)


@st.cache_data(hash_funcs=VIEW_KEY, ttl=TTL, max_entries=64, show_spinner=False)
def demo_in_view(path: str, filters: Filters, version: int) -> bool:
    """True when the view holds an article of the demo corpus (the demo notice shows only then)."""
    return _read(path, articles.source_in_view, filters, articles.DEMO_SOURCE)


@st.cache_data(hash_funcs=VIEW_KEY, ttl=TTL, max_entries=64, show_spinner=False)
def load_kpis(path: str, filters: Filters, version: int) -> dict:
    """KPIs of the filtered view."""
    return _read(path, totals.kpis, filters)


@st.cache_data(hash_funcs=VIEW_KEY, ttl=TTL, max_entries=64, show_spinner=False)
def load_daily(path: str, filters: Filters, grain: str, version: int) -> pd.DataFrame:
    """Mean sentiment per period and category (from the derived totals)."""
    return _read(path, timeline.daily_sentiment, filters, grain)


@st.cache_data(hash_funcs=VIEW_KEY, ttl=TTL, max_entries=32, show_spinner=False)
def load_period_counts(path: str, filters: Filters, grain: str, version: int) -> pd.DataFrame:
    """The view's articles per period, each once (they sum to the KPI)."""
    return _read(path, timeline.period_counts, filters, grain)


@st.cache_data(hash_funcs=VIEW_KEY, ttl=TTL, max_entries=32, show_spinner=False)
def load_what_moved(path: str, filters: Filters, version: int) -> tuple[pd.DataFrame, date | None]:
    """Category z-scores against their trailing 30-day baseline (the last 14 days up to the end of
    the view), and that end."""
    with _reading(path) as conn:
        end = timeline.view_end(conn, filters)
        return timeline.what_moved(conn, filters, end, 14, 30), end


@st.cache_data(hash_funcs=VIEW_KEY, ttl=TTL, max_entries=32, show_spinner=False)
def load_articles(path: str, filters: Filters, limit: int, version: int) -> pd.DataFrame:
    """The filtered articles, newest first, at most ``limit``."""
    return _read(path, articles.articles, filters, limit)


@st.cache_data(hash_funcs=VIEW_KEY, ttl=TTL, max_entries=32, show_spinner=False)
def load_table_articles(path: str, filters: Filters, limit: int, version: int) -> pd.DataFrame:
    """:func:`load_articles`'s rows with only the columns an article table shows (no bodies): the
    Overview's and the Articles page's tables (their downloads read the whole view on click)."""
    return _read(path, articles.articles, filters, limit, True)


def export_csv(path: str, filters: Filters, columns: str = "human", link_base: str | None = None) -> bytes:
    """The CSV of every article in the view (not only the rows a table shows), read from the
    database in chunks (uncached: made when the user clicks the download)."""
    from newsdesk.flows.export import csv_stream

    with _reading(path) as conn:
        return b"".join(csv_stream(articles.article_chunks(conn, filters), columns, link_base, filters.per_story))


@st.cache_data(hash_funcs=VIEW_KEY, ttl=TTL, max_entries=16, show_spinner=False)
def load_articles_by_id(path: str, ids: tuple[str, ...], version: int) -> pd.DataFrame:
    """The given articles (e.g. those an ingest just added), newest first."""
    return _read(path, articles.articles_by_id, list(ids))


@st.cache_data(hash_funcs=VIEW_KEY, ttl=TTL, max_entries=32, show_spinner=False)
def load_facets(path: str, filters: Filters, version: int, total: int | None = None) -> dict:
    """Exact facet counts of the filtered view."""
    return _read(path, facets.facets, filters, 12, total)


@st.cache_data(hash_funcs=VIEW_KEY, ttl=TTL, max_entries=16, show_spinner=False)
def load_decisions_outside_dates(path: str, filters: Filters, version: int) -> tuple[int, str | None, str | None]:
    """The decisions the view's other filters hold on any date: how many, first and last publish day."""
    return _read(path, decisions.decision_dates, replace(filters, since=None, until=None))


@st.cache_data(hash_funcs=VIEW_KEY, ttl=TTL, max_entries=8, show_spinner=False)
def load_basket_membership(path: str, version: int) -> pd.DataFrame:
    """Ticker -> baskets holding it."""
    return _read(path, baskets.basket_membership)


# ------------------------------------------------------------------ one article


@st.cache_data(hash_funcs=VIEW_KEY, ttl=TTL, max_entries=64, show_spinner=False)
def load_article(path: str, article_id: str, version: int) -> dict | None:
    """The article row (JSON columns decoded), or None for an unknown id."""
    return _read(path, articles.article, article_id)


@st.cache_data(hash_funcs=VIEW_KEY, ttl=TTL, max_entries=64, show_spinner=False)
def load_article_categories(path: str, article_id: str, version: int) -> pd.DataFrame:
    """The article's categories, source and scored."""
    return _read(path, articles.article_categories, article_id)


@st.cache_data(hash_funcs=VIEW_KEY, ttl=TTL, max_entries=64, show_spinner=False)
def load_article_companies(path: str, article_id: str, version: int) -> pd.DataFrame:
    """The companies the article names, with sector and country."""
    return _read(path, articles.article_companies, article_id)


@st.cache_data(hash_funcs=VIEW_KEY, ttl=TTL, max_entries=64, show_spinner=False)
def load_article_decisions(path: str, article_id: str, version: int) -> pd.DataFrame:
    """The article's decisions in bullet order (instruments decoded)."""
    return _read(path, decisions.article_decisions, article_id)


@st.cache_data(hash_funcs=VIEW_KEY, ttl=TTL, max_entries=64, show_spinner=False)
def load_article_baskets(path: str, article_id: str, version: int) -> pd.DataFrame:
    """The baskets the article's decisions trade."""
    return _read(path, baskets.baskets_for_decisions, article_id)


@st.cache_data(hash_funcs=VIEW_KEY, ttl=TTL, max_entries=64, show_spinner=False)
def load_article_sources(path: str, article_id: str, version: int) -> pd.DataFrame:
    """Every source that carried the story."""
    return _read(path, articles.article_sources, article_id)


@st.cache_data(hash_funcs=VIEW_KEY, ttl=TTL, max_entries=64, show_spinner=False)
def load_latest_stories(path: str, filters: Filters, limit: int, version: int) -> pd.DataFrame:
    """The newest stories of the view, each once (its first report in view, with ``story_outlets``)."""
    return _read(path, stories.latest_stories, filters, limit)


@st.cache_data(hash_funcs=VIEW_KEY, ttl=TTL, max_entries=64, show_spinner=False)
def load_story_count(path: str, filters: Filters, version: int) -> int:
    """How many distinct stories the view's articles belong to (the KPI beside "Articles")."""
    return _read(path, stories.story_count, replace(filters, per_story=False))


@st.cache_data(hash_funcs=VIEW_KEY, ttl=TTL, max_entries=64, show_spinner=False)
def load_story_versions(path: str, article_id: str, version: int) -> pd.DataFrame:
    """Every article of this article's story (other outlets' versions), first report first."""
    return _read(path, stories.story_versions, article_id)


@st.cache_data(hash_funcs=VIEW_KEY, ttl=TTL, max_entries=64, show_spinner=False)
def load_related(
    path: str, article_id: str, version: int, limit: int = articles.RELATED_LIMIT, hidden: tuple[str, ...] = ()
) -> pd.DataFrame:
    """Articles sharing companies or categories with this one, best first (none of ``hidden`` sources)."""
    return _read(path, articles.related, article_id, limit, hidden)


# ------------------------------------------------------------------ baskets


@st.cache_data(hash_funcs=VIEW_KEY, ttl=TTL, max_entries=16, show_spinner=False)
def load_baskets(path: str, version: int) -> pd.DataFrame:
    """Every basket with its member and decision counts."""
    return _read(path, baskets.list_baskets)


@st.cache_data(hash_funcs=VIEW_KEY, ttl=TTL, max_entries=16, show_spinner=False)
def load_companies(path: str, version: int) -> pd.DataFrame:
    """Every known company: the choices for a basket's members."""
    return _read(path, baskets.companies)


@st.cache_data(hash_funcs=VIEW_KEY, ttl=TTL, max_entries=64, show_spinner=False)
def load_members(
    path: str, basket_id: str, since: date | None, until: date | None, version: int, hidden: tuple[str, ...] = ()
) -> pd.DataFrame:
    """The basket's members with their article counts in the date range (none of ``hidden`` sources)."""
    return _read(path, baskets.members, basket_id, since, until, hidden)


@st.cache_data(hash_funcs=VIEW_KEY, ttl=TTL, max_entries=64, show_spinner=False)
def load_index(
    path: str,
    basket_id: str,
    grain: str,
    since: date | None,
    until: date | None,
    version: int,
    hidden: tuple[str, ...] = (),
) -> pd.DataFrame:
    """The basket sentiment index per period (none of ``hidden`` sources)."""
    return _read(path, baskets.basket_sentiment, basket_id, grain, since, until, hidden)


@st.cache_data(hash_funcs=VIEW_KEY, ttl=TTL, max_entries=64, show_spinner=False)
def load_basket_decisions(
    path: str, basket_id: str, since: date | None, until: date | None, version: int, hidden: tuple[str, ...] = ()
) -> pd.DataFrame:
    """Decisions that trade the basket (none of ``hidden`` sources' articles)."""
    return _read(path, decisions.basket_decisions, basket_id, since, until, hidden)


@st.cache_data(hash_funcs=VIEW_KEY, ttl=TTL, max_entries=64, show_spinner=False)
def load_recent(
    path: str,
    basket_id: str,
    limit: int,
    since: date | None,
    until: date | None,
    version: int,
    hidden: tuple[str, ...] = (),
) -> pd.DataFrame:
    """The newest articles naming a member of the basket (none of ``hidden`` sources)."""
    return _read(path, baskets.recent_articles, basket_id, limit, since, until, hidden)


def overall_sentiment(index: pd.DataFrame) -> float | None:
    """The basket index over all the periods of a :func:`load_index` frame, or None."""
    return baskets.overall_sentiment(index)


# ------------------------------------------------------------------ prices and the scorecard


@st.cache_resource(hash_funcs=VIEW_KEY, ttl=TTL, max_entries=4, show_spinner=False)
def load_market(path: str, benchmark: str | None, version: int):
    """Every stored close, the baskets' weights and the benchmark look-up (one per data version; kept as
    a resource: the look-up is a function)."""
    from newsdesk.flows import prices as track

    return _read(path, track.market, benchmark)


@st.cache_data(hash_funcs=VIEW_KEY, ttl=TTL, max_entries=8, show_spinner=False)
def load_price_sources(path: str, version: int) -> list[str]:
    """The sources of the stored closes (``illustrative`` for the demo's generated ones); [] for none."""
    from newsdesk.db.read import prices

    return _read(path, prices.price_sources)


@st.cache_resource(hash_funcs=VIEW_KEY, ttl=TTL, max_entries=16, show_spinner=False)
def load_scorecard(
    path: str, filters: Filters, default_horizon: int, version: int, benchmark: str | None = None
) -> list:
    """Every decision of the view scored by the rules of :mod:`newsdesk.scorecard.rules` (against each
    market's benchmark, or ``benchmark`` for every leg). Kept as a resource: the page only reads the
    results, and pickling a copy of 20,000 of them on every run cost more than reading them."""
    from newsdesk.flows import grades
    from newsdesk.flows import prices as track

    if grades.defaults(default_horizon, benchmark, track.MAX_LAG_SESSIONS):
        return _read(path, grades.results, filters)  # the stored grades where current
    market = load_market(path, benchmark, version)
    return _read(path, track.run_scorecard, filters, default_horizon, benchmark, track.MAX_LAG_SESSIONS, market)


@st.cache_resource(hash_funcs=VIEW_KEY, ttl=TTL, max_entries=16, show_spinner=False)
def load_scorecard_summary(
    path: str,
    filters: Filters,
    default_horizon: int,
    version: int,
    benchmark: str | None = None,
    newest: int = 2_000,
    exposures: bool = False,
):
    """The Scorecard page's view (:class:`newsdesk.scorecard.summary.Summary`): one light row per decision
    (with its exposure when ``exposures``: the groups by exposure) and the ``newest`` as full results;
    from the stored grades alone where they are current, else from :func:`load_scorecard`'s results (the
    same figures)."""
    from newsdesk.flows import grades
    from newsdesk.flows import prices as track
    from newsdesk.scorecard.summary import Summary

    if grades.defaults(default_horizon, benchmark, track.MAX_LAG_SESSIONS):
        found = _read(path, grades.summary, filters, newest, exposures)
        if found is not None:
            return found
    return Summary.of_results(load_scorecard(path, filters, default_horizon, version, benchmark), newest)


def with_trips(path: str, result):
    """One decision's result with every leg's trips (a stored grade's are read back for its detail)."""
    from newsdesk.flows import grades

    return _read(path, grades.with_trips, result)


@st.cache_data(hash_funcs=VIEW_KEY, ttl=TTL, max_entries=64, show_spinner=False)
def load_result_lines(path: str, article_id: str, version: int) -> dict[int, str]:
    """Position -> the one-line result of each decision of the article (``since published: +3.2 % vs
    benchmark``); {} when the database holds no prices. Reads only the closes those decisions need."""
    from newsdesk.flows import prices as track

    if not load_price_sources(path, version):
        return {}
    return _read(path, track.result_lines, article_id, load_latest_closes(path, version))


@st.cache_data(hash_funcs=VIEW_KEY, ttl=TTL, max_entries=8, show_spinner=False)
def load_latest_closes(path: str, version: int) -> tuple[str | None, str | None]:
    """The latest real and illustrative close of the whole price table (one scan per data version)."""
    from newsdesk.db.read import prices

    return _read(path, prices.latest_close_by_kind)


@st.cache_data(hash_funcs=VIEW_KEY, ttl=TTL, max_entries=32, show_spinner=False)
def load_price_series(path: str, tickers: tuple[str, ...], version: int) -> pd.DataFrame:
    """Closes of ``tickers``: ``ticker``, ``date``, ``close``."""
    from newsdesk.db.read import prices

    return _read(path, prices.price_series, list(tickers))


@st.cache_resource(hash_funcs=VIEW_KEY, ttl=TTL, max_entries=16, show_spinner=False)
def load_evidence(
    path: str, filters: Filters, version: int, by: str = "category", benchmark: str | None = None
) -> list:
    """The evidence measurements (:func:`newsdesk.scorecard.evidence.measurements`: one per observation and window)
    of the view's articles grouped ``by`` (all, category, basket, source), read from the stored observations
    where they are current (:func:`newsdesk.flows.prices.run_measurements`; the closes are loaded only when
    something is measured here); kept as a resource (read only: no pickled copy of every measurement per run)."""
    from newsdesk.flows import prices as track
    from newsdesk.scorecard.rules import MAX_LAG_SESSIONS

    return _read(path, track.run_measurements, filters, by, benchmark, MAX_LAG_SESSIONS,
                 lambda: load_market(path, benchmark, version))  # fmt: skip


# ------------------------------------------------------------------ alerts (uncached: rules change without an ingest)


def load_alert_rules(path: str) -> list:
    """The alert rules by name (:class:`newsdesk.alerts.rules.Rule`)."""
    return _read(path, alert_reads.rules)


def load_alert_events(path: str, limit: int = 200) -> list[dict]:
    """The fired events, newest first, with their delivery counts."""
    return _read(path, alert_reads.events, limit)


def load_failed_deliveries(path: str) -> list[dict]:
    """Deliveries that failed last time (retried on the next check), with the URL as stored."""
    return _read(path, alert_reads.failed_deliveries)


def load_alert_stats(path: str) -> dict[int, dict]:
    """Per rule id: events fired and the last time."""
    return _read(path, alert_reads.rule_stats)


def unseen_alerts(path: str) -> int:
    """How many fired events nobody has marked seen (one count; 0 on any read error)."""
    try:
        return _read(path, alert_reads.unseen_count)
    except Exception:  # noqa: BLE001 - the sidebar badge never breaks a page
        return 0


@st.cache_data(hash_funcs=VIEW_KEY, ttl=TTL, max_entries=8, show_spinner=False)
def load_brief(path: str, since: str, base_url: str | None, version: int, minute: str):
    """The morning brief of the window ``since`` (24h, 3d ...), cached per minute and data version."""
    from newsdesk.flows.brief import build_brief, parse_window

    return _read(path, lambda conn: build_brief(conn, parse_window(since), base_url=base_url))


@st.cache_resource(hash_funcs=VIEW_KEY, ttl=TTL, max_entries=16, show_spinner=False)
def load_decision_page(path: str, filters: Filters, limit: int, version: int) -> tuple[pd.DataFrame, int, pd.DataFrame]:
    """The newest ``limit`` decisions of the view with their horizon ``status`` (open / expired / no
    horizon), how many decisions the view has in all, and the basket links of the loaded decisions: the
    Decisions page's data, kept as the objects themselves (no pickling of 2,000 decisions into the cache on
    a new view nor out of it on every rerun). Read-only: every session showing the view shares them (the
    page filters and copies, never writes into them)."""
    with _reading(path) as conn:
        found = decisions.decisions(conn, filters, limit=limit)
        links = baskets.decision_basket_links(conn, found["id"].tolist())
        count = decisions.decision_count(conn, filters)
    found = found.assign(status=statuses(found["published_at"], found["horizon_max_days"]))
    return found, count, links
