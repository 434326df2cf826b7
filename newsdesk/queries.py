"""Read-only, parameterised queries. Every WHERE built from user input binds its values."""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from newsdesk import category_sets
from newsdesk.config import HIGH_IMPACT
from newsdesk.errors import FilterError
from newsdesk.periods import GRAINS, split_range, start_sql
from newsdesk.score.labels import LABELS

DEMO_SOURCE = "newsdesk demo desk"


def connect_readonly(path: str | Path) -> sqlite3.Connection:
    """Open the database read-only (it must exist)."""
    path = Path(path).resolve()
    if not path.exists():
        raise FileNotFoundError(path)
    conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=10, check_same_thread=False)
    conn.execute("PRAGMA busy_timeout=10000")
    return conn


def parse_day(value: str | date | None, what: str = "date") -> date | None:
    """Parse ``YYYY-MM-DD`` (or a date) into a date; None stays None; raise :class:`FilterError`."""
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise FilterError(f"{what} {value!r} is not a date: use YYYY-MM-DD") from None


def fts_query(text: str) -> str | None:
    """A safe FTS5 query for free text: every word quoted (so ``AND``, ``"``, ``*``, ``:`` or ``(``
    typed by a user are searched for, never parsed), all words required; None when nothing is left."""
    words = [w for w in re.findall(r"\w[\w'’.-]*", text or "") if w.strip("'’.-")]
    if not words:
        return None
    return " ".join('"' + w.replace('"', '""') + '"' for w in words[:20])


@dataclass(frozen=True)
class Filters:
    """The view's filters. Every field narrows the articles: topics (any of, on the article's
    defining categories), an inclusive date range on ``published_at``, sentiment labels (any of),
    a minimum impact, sources (any of), companies or baskets (``7011.T`` or ``basket:japan-defense``;
    any of) and free text searched in title, summary and body."""

    topics: tuple[str, ...] = ()
    since: date | None = None
    until: date | None = None
    labels: tuple[str, ...] = ()
    min_impact: float | None = None
    sources: tuple[str, ...] = ()
    companies: tuple[str, ...] = ()
    text: str = ""

    @property
    def beyond_topics_and_dates(self) -> bool:
        """True when a filter other than topics and dates is set (the daily aggregate cannot answer)."""
        return bool(self.labels or self.min_impact or self.sources or self.companies or fts_query(self.text))

    @property
    def dates_only(self) -> bool:
        """True when no filter but the date range is set (``daily_totals`` answers the KPIs)."""
        return not (self.topics or self.beyond_topics_and_dates)

    @property
    def category_answerable(self) -> bool:
        """True when ``article_categories`` alone answers the view: no source, company or text filter
        (topics, dates, labels and impact are copied onto each category row, schema v6)."""
        return not (self.sources or self.companies or fts_query(self.text))

    def category_view(self) -> tuple[str, list]:
        """WHERE clause over ``article_categories`` rows (effective ones) for the topic, date, label
        and impact filters, and its params. Served by ``idx_article_categories_view``."""
        clauses, params = [], []
        if self.topics:
            clauses.append(f"category IN ({', '.join('?' for _ in self.topics)})")
            params.extend(self.topics)
        clauses.append("effective = 1")
        if self.since:
            clauses.append("published_at >= ?")
            params.append(self.since.isoformat())
        if self.until and self.until < date.max:  # no day follows date.max: nothing to cut
            clauses.append("published_at < ?")
            params.append((self.until + timedelta(days=1)).isoformat())
        if self.labels:
            clauses.append(f"sentiment_label IN ({', '.join('?' for _ in self.labels)})")
            params.extend(self.labels)
        if self.min_impact:
            clauses.append("impact >= ?")
            params.append(float(self.min_impact))
        return " AND ".join(clauses), params

    def where(self, alias: str = "a", topics_exist: bool = False, text_walk: bool = False) -> tuple[str, list]:
        """The WHERE clause (without the keyword) over articles aliased ``alias``, and its params.
        With ``topics_exist`` the topic test is a per-article EXISTS, and with ``text_walk`` the
        full-text matches are a set each article is tested against (both for newest-first walks)."""
        clauses, params = ["1 = 1"], []

        def marks(values) -> str:
            return ", ".join("?" for _ in values)

        if self.topics and topics_exist:
            clauses.append(
                f"EXISTS (SELECT 1 FROM article_categories tc WHERE tc.article_id = {alias}.id "
                f"AND tc.category IN ({marks(self.topics)}) AND tc.effective = 1)"
            )
            params.extend(self.topics)
        elif self.topics:
            view, view_params = self.category_view()
            clauses.append(f"{alias}.id IN (SELECT article_id FROM article_categories WHERE {view})")
            params.extend(view_params)
        if self.since:
            clauses.append(f"{alias}.published_at >= ?")
            params.append(self.since.isoformat())
        if self.until and self.until < date.max:
            clauses.append(f"{alias}.published_at < ?")
            params.append((self.until + timedelta(days=1)).isoformat())
        if self.labels:
            clauses.append(f"{alias}.sentiment_label IN ({marks(self.labels)})")
            params.extend(self.labels)
        if self.min_impact:
            clauses.append(f"{alias}.impact >= ?")
            params.append(float(self.min_impact))
        if self.sources:
            clauses.append(f"{alias}.source IN ({marks(self.sources)})")
            params.extend(self.sources)
        tickers = [c for c in self.companies if not c.startswith("basket:")]
        baskets = [c.removeprefix("basket:") for c in self.companies if c.startswith("basket:")]
        if tickers or baskets:
            parts = []
            if tickers:
                parts.append(f"ticker IN ({marks(tickers)})")
                params.extend(tickers)
            if baskets:
                parts.append(f"ticker IN (SELECT ticker FROM basket_members WHERE basket_id IN ({marks(baskets)}))")
                params.extend(baskets)
            clauses.append(f"{alias}.id IN (SELECT article_id FROM article_entities WHERE {' OR '.join(parts)})")
        query = fts_query(self.text)
        if query:
            key = f"{alias}.rowid + 0" if text_walk else f"{alias}.rowid"  # + 0: not a rowid look-up
            clauses.append(f"{key} IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)")
            params.append(query)
        return " AND ".join(clauses), params


def _frame(conn: sqlite3.Connection, sql: str, params: list | tuple = ()) -> pd.DataFrame:
    cur = conn.execute(sql, list(params))
    cols = [d[0] for d in cur.description]
    return pd.DataFrame(cur.fetchall(), columns=cols)


def categories(conn: sqlite3.Connection) -> pd.DataFrame:
    """Every category with its count of scored articles, most used first (summed from the monthly
    totals: a few hundred rows whatever the size of the database)."""
    return _frame(
        conn,
        "SELECT category, sum(n) AS articles FROM period_category_sentiment WHERE grain = 'month' AND n > 0 "
        "GROUP BY category ORDER BY articles DESC, category",
    )


def sources(conn: sqlite3.Connection) -> pd.DataFrame:
    """Every source, alphabetically: one index seek per source (a skip-scan of
    ``idx_articles_source``), so the list costs the same at a thousand articles or a million."""
    return _frame(
        conn,
        "WITH RECURSIVE s(source) AS (SELECT min(source) FROM articles UNION ALL "
        "SELECT (SELECT min(source) FROM articles WHERE source > s.source) FROM s WHERE s.source IS NOT NULL) "
        "SELECT source FROM s WHERE source IS NOT NULL ORDER BY source",
    )


def company_options(conn: sqlite3.Connection) -> pd.DataFrame:
    """Filter options for companies and baskets: ``value`` (ticker or ``basket:<id>``), ``label``
    and ``articles`` (for a company, how many articles name it; for a basket, its member count) —
    baskets first, then companies by article count."""
    baskets = _frame(
        conn,
        "SELECT 'basket:' || b.id AS value, 'Basket: ' || b.name AS label, count(m.ticker) AS articles "
        "FROM baskets b JOIN basket_members m ON m.basket_id = b.id GROUP BY b.id ORDER BY b.name",
    )
    firms = _frame(
        conn,
        "SELECT e.ticker AS value, e.ticker || ' · ' || coalesce(c.name, e.ticker) AS label, e.n AS articles "
        "FROM ticker_counts e "
        "LEFT JOIN companies c ON c.ticker = e.ticker ORDER BY e.n DESC, e.ticker",
    )
    return pd.concat([baskets, firms], ignore_index=True)


def date_bounds(conn: sqlite3.Connection) -> tuple[date | None, date | None]:
    """The first and last publish day in the database."""
    lo = conn.execute("SELECT min(published_at) FROM articles").fetchone()[0]  # two one-seek queries:
    hi = conn.execute("SELECT max(published_at) FROM articles").fetchone()[0]  # together they scan
    return parse_day(lo), parse_day(hi)


CATEGORY_LIST = (
    "(SELECT group_concat(category, '; ') FROM (SELECT DISTINCT category FROM article_categories c "
    "WHERE c.article_id = {a}.id AND c.effective = 1 ORDER BY category))"
)
COMPANY_LIST = (
    "(SELECT group_concat(ticker, ', ') FROM (SELECT ticker FROM article_entities e WHERE e.article_id = {a}.id "
    "ORDER BY relevance DESC, ticker LIMIT 6))"
)
SCORED_LIST = (
    "(SELECT group_concat(category || ' (' || printf('%.2f', relevance) || ')', '; ') FROM "
    "(SELECT category, relevance FROM article_categories c WHERE c.article_id = {a}.id AND c.origin = 'scored' "
    "ORDER BY relevance DESC))"
)


def articles(conn: sqlite3.Connection, filters: Filters = Filters(), limit: int | None = None) -> pd.DataFrame:
    """The filtered articles, newest first: every ``articles`` column plus ``categories``
    (distinct names joined with ``; ``)."""
    if limit is None:
        return _frame(conn, *articles_sql(filters))
    text_walk = bool(fts_query(filters.text)) and text_matches(conn, filters) > TEXT_WALK
    return _frame(conn, *articles_sql(filters, limit, _dense(conn, filters), text_walk=text_walk))


TEXT_WALK = 5_000  # above this many full-text matches, walking articles newest first finds the top N sooner


def text_matches(conn: sqlite3.Connection, filters: Filters) -> int:
    """How many articles the full-text part of ``filters`` matches (0 without one)."""
    query = fts_query(filters.text)
    if not query:
        return 0
    return conn.execute("SELECT count(*) FROM articles_fts WHERE articles_fts MATCH ?", [query]).fetchone()[0]


DENSE_ROWS = 50_000  # above this many category rows in the view, walking articles newest first wins


def topic_share(conn: sqlite3.Connection, filters: Filters) -> float:
    """Rough share of the date range's category rows that belong to the chosen topics."""
    mine, total = topic_rows(conn, filters)
    return mine / total if total else 0.0


def topic_rows(conn: sqlite3.Connection, filters: Filters) -> tuple[int, int]:
    """Rough count of the chosen topics' category rows in the date range, and of all categories'
    (from the monthly totals; partial months count whole). Picks the cheaper plan for "the newest N":
    sorting that many index rows, or walking the articles newest first."""
    clauses, params = ["grain = 'month'"], []
    if filters.since:
        clauses.append("period >= ?")
        params.append(filters.since.replace(day=1).isoformat())
    if filters.until:
        clauses.append("period <= ?")
        params.append(filters.until.isoformat())
    marks = ", ".join("?" for _ in filters.topics)
    mine, total = conn.execute(
        f"SELECT sum(CASE WHEN category IN ({marks}) THEN n ELSE 0 END), sum(n) FROM period_category_sentiment "
        f"WHERE {' AND '.join(clauses)}",
        [*filters.topics, *params],
    ).fetchone()
    return mine or 0, total or 0


def articles_sql(
    filters: Filters,
    limit: int | None = None,
    dense: bool = False,
    columns: str | None = None,
    text_walk: bool = False,
) -> tuple[str, list]:
    """The SQL and params of :func:`articles`. A topic view without source, company or text filters
    takes its newest ids from the category index alone and looks up only those articles; when the
    topics are ``dense`` (a large share of the articles), walking the articles newest first and
    checking each one's categories finds the first ``limit`` sooner."""
    columns = columns or (
        f"a.*, {CATEGORY_LIST.format(a='a')} AS categories, {SCORED_LIST.format(a='a')} AS scored_categories, "
        f"{COMPANY_LIST.format(a='a')} AS companies"
    )
    if filters.topics and limit is not None and dense:
        where, params = filters.where("a", topics_exist=True, text_walk=text_walk)
        sql = f"SELECT {columns} FROM articles a WHERE {where} ORDER BY a.published_at DESC, a.id LIMIT ?"
        return sql, [*params, int(limit)]
    if filters.topics and filters.category_answerable and limit is not None:
        view, params = filters.category_view()
        sql = (
            f"WITH ids AS (SELECT article_id, max(published_at) AS p FROM article_categories WHERE {view} "
            "GROUP BY article_id ORDER BY p DESC, article_id LIMIT ?) "
            f"SELECT {columns} FROM ids JOIN articles a ON a.id = ids.article_id ORDER BY a.published_at DESC, a.id"
        )
        return sql, [*params, int(limit)]
    where, params = filters.where("a", text_walk=text_walk)
    sql = f"SELECT {columns} FROM articles a WHERE {where} ORDER BY a.published_at DESC, a.id"
    if limit is not None:
        sql += " LIMIT ?"
        params = [*params, int(limit)]
    return sql, params


def articles_by_id(conn: sqlite3.Connection, ids: list[str]) -> pd.DataFrame:
    """The given articles (with ``categories``), newest first."""
    if not ids:
        return articles(conn, Filters(), limit=0)
    marks = ", ".join("?" for _ in ids)
    sql = (
        f"SELECT a.*, {CATEGORY_LIST.format(a='a')} AS categories FROM articles a WHERE a.id IN ({marks}) "
        "ORDER BY a.published_at DESC"
    )
    return _frame(conn, sql, ids)


def kpis(conn: sqlite3.Connection, filters: Filters = Filters()) -> dict:
    """Article count, mean newsdesk sentiment and count of high-impact articles of the view."""
    n, mean, high = conn.execute(*kpis_sql(filters)).fetchone()
    return {"articles": n, "mean_sentiment": mean, "high_impact": high or 0}


def kpis_sql(filters: Filters) -> tuple[str, list]:
    """The SQL and params of :func:`kpis`: a view filtered by dates only sums ``daily_totals``; a
    view of topics (and dates) sums the category-set totals whose set meets the topics (one row per
    article, however many of the chosen topics it has); a topic view with label or impact filters
    is counted from the category index alone; anything else reads ``articles`` through its indexes."""
    if filters.dates_only:
        clauses, params = ["1 = 1"], []
        if filters.since:
            clauses.append("day >= ?")
            params.append(filters.since.isoformat())
        if filters.until:
            clauses.append("day <= ?")
            params.append(filters.until.isoformat())
        sql = (
            "SELECT coalesce(sum(n), 0), sum(sentiment_sum) / nullif(sum(sentiment_n), 0), sum(high_impact) "
            f"FROM daily_totals WHERE {' AND '.join(clauses)}"
        )
        return sql, params
    if filters.topics and not filters.beyond_topics_and_dates:
        return set_totals_sql(
            filters, "coalesce(sum(n), 0), sum(sentiment_sum) / nullif(sum(sentiment_n), 0), sum(high_impact)"
        )
    if filters.topics and filters.category_answerable:
        view, params = filters.category_view()
        sql = (
            "SELECT count(*), avg(s), sum(i >= ?) FROM (SELECT article_id, max(sentiment) AS s, max(impact) AS i "
            f"FROM article_categories WHERE {view} GROUP BY article_id)"
        )
    else:
        where, params = filters.where("a")
        sql = f"SELECT count(*), avg(a.sentiment), sum(a.impact >= ?) FROM articles a WHERE {where}"
    return sql, [HIGH_IMPACT, *params]


def _between(column: str, lo: date | None, hi: date | None, clauses: list, params: list) -> tuple[list, list]:
    """``clauses``/``params`` extended with ``column`` (a constant name) between the inclusive ISO
    days ``lo`` and ``hi`` (None: open)."""
    clauses, params = list(clauses), list(params)
    if lo is not None:
        clauses.append(f"{column} >= ?")
        params.append(lo.isoformat())
    if hi is not None:
        clauses.append(f"{column} <= ?")
        params.append(hi.isoformat())
    return clauses, params


def set_totals_sql(filters: Filters, select: str, group_by: str = "") -> tuple[str, list]:
    """``SELECT {select} ... [GROUP BY {group_by}]`` over the ``category_set_totals`` rows that hold
    the articles of a topic and date view exactly once: whole months from the month rows, the days
    at the edges of the range from the day rows, and only the sets that meet the topics (any of).
    ``select`` and ``group_by`` are constant SQL of the caller, never user input."""
    try:
        whole, edges = split_range(filters.since, filters.until, "month")
    except OverflowError:  # a range reaching the first or last representable day: days only
        whole, edges = None, [(filters.since, filters.until)]
    spans = ([("month", *whole)] if whole else []) + [("day", lo, hi) for lo, hi in edges]
    topic_clause, topic_params = "", []
    if filters.topics:
        topic_clause = " AND (" + " OR ".join("instr(cats, ?) > 0" for _ in filters.topics) + ")"
        topic_params = [category_sets.needle(t) for t in filters.topics]
    parts, params = [], []
    for grain, lo, hi in spans:
        clauses, part_params = _between("period", lo, hi, ["grain = ?"], [grain])
        parts.append(f"SELECT * FROM category_set_totals WHERE {' AND '.join(clauses)}{topic_clause}")
        params += [*part_params, *topic_params]
    sql = f"SELECT {select} FROM ({' UNION ALL '.join(parts)})"
    return (sql + f" GROUP BY {group_by}" if group_by else sql), params


def daily_sentiment(conn: sqlite3.Connection, filters: Filters = Filters(), grain: str = "week") -> pd.DataFrame:
    """Mean sentiment per period and category. Columns: period (date), category, articles,
    mean_sentiment, mean_impact. Topic and date views read the week/month totals
    (``period_category_sentiment``) and, for the partial periods at the edges of a date range, the
    daily table — never ``articles``; other filters aggregate the matching rows."""
    if grain not in GRAINS:
        raise FilterError(f"grain {grain!r} is not one of {', '.join(GRAINS)}")
    return _periods(conn, _period_parts(filters, grain), grain)


def _period_parts(filters: Filters, grain: str) -> list[tuple[str, list]]:
    """Sub-selects of (day, category, n, sentiment_sum, impact_sum, impact_n) rows whose union holds
    the view exactly once; ``day`` is a day or a period's first day."""
    if filters.beyond_topics_and_dates and filters.category_answerable:
        view, params = filters.category_view()
        return [
            (
                "SELECT substr(published_at, 1, 10) AS day, category, count(*) AS n, sum(sentiment) AS sentiment_sum, "
                "coalesce(sum(impact), 0) AS impact_sum, count(impact) AS impact_n "
                f"FROM article_categories WHERE {view} AND sentiment IS NOT NULL GROUP BY day, category",
                params,
            )
        ]
    if filters.beyond_topics_and_dates:
        where, params = filters.where("a")
        topic_clause = ""
        if filters.topics:
            topic_clause = f" AND c.category IN ({', '.join('?' for _ in filters.topics)})"
            params = [*params, *filters.topics]
        return [
            (
                "SELECT substr(a.published_at, 1, 10) AS day, c.category AS category, count(*) AS n, "
                "sum(a.sentiment) AS sentiment_sum, coalesce(sum(a.impact), 0) AS impact_sum, "
                "count(a.impact) AS impact_n FROM articles a JOIN article_categories c ON c.article_id = a.id "
                f"AND c.effective = 1 WHERE {where}{topic_clause} AND a.sentiment IS NOT NULL "
                "GROUP BY day, c.category",
                params,
            )
        ]
    lo, hi = filters.since, filters.until
    if grain == "day":
        return [_daily_part(filters.topics, lo, hi)]
    try:
        return _whole_periods(filters, grain)
    except OverflowError:  # a range reaching the first or last representable day: days only
        return [_daily_part(filters.topics, lo, hi)]


def _whole_periods(filters: Filters, grain: str) -> list[tuple[str, list]]:
    """Sub-selects for a topic and date view: whole periods from the period table, edge days from
    the daily table."""
    whole, edges = split_range(filters.since, filters.until, grain)
    if whole is None:  # no whole period inside the range
        return [_daily_part(filters.topics, filters.since, filters.until)]
    first, last = whole
    clauses, params = ["grain = ?"], [grain]
    if filters.topics:
        clauses.append(f"category IN ({', '.join('?' for _ in filters.topics)})")
        params.extend(filters.topics)
    clauses, params = _between("period", first, last, clauses, params)
    parts = [(f"{PERIOD_PART} WHERE {' AND '.join(clauses)}", params)]
    return parts + [_daily_part(filters.topics, a, b) for a, b in edges]


PERIOD_PART = "SELECT period AS day, category, n, sentiment_sum, impact_sum, impact_n FROM period_category_sentiment"


def _daily_part(topics, since: date | None, until: date | None) -> tuple[str, list]:
    """The daily table's rows in an inclusive day range (optionally of some topics)."""
    clauses, params = ["1 = 1"], []
    if topics:
        clauses.append(f"category IN ({', '.join('?' for _ in topics)})")
        params.extend(topics)
    clauses, params = _between("day", since, until, clauses, params)
    return (
        "SELECT day, category, n, sentiment_sum, impact_sum, impact_n FROM daily_category_sentiment "
        f"WHERE {' AND '.join(clauses)}",
        params,
    )


# Each period's first day, computed in SQLite so that only one row per period and category leaves it.
PERIOD_SQL = {grain: start_sql(grain, "day") for grain in ("day", "week", "month")}


def _periods(conn: sqlite3.Connection, parts: list[tuple[str, list]], grain: str) -> pd.DataFrame:
    """Group the union of ``parts`` by period and category in SQLite; means rounded to 4 places."""
    union = " UNION ALL ".join(sql for sql, _ in parts)
    params = [p for _, ps in parts for p in ps]
    if len(parts) == 1 and parts[0][0].startswith(PERIOD_PART):  # already one row per period and category
        sql = (
            "SELECT day AS period, category, n AS articles, sentiment_sum * 1.0 / n AS mean_sentiment, "
            f"impact_sum * 1.0 / impact_n AS mean_impact FROM ({union}) WHERE n > 0 ORDER BY 1, category"
        )
    else:
        sql = (
            f"SELECT {PERIOD_SQL[grain]} AS period, category, sum(n) AS articles, sum(sentiment_sum) * 1.0 / sum(n) "
            "AS mean_sentiment, sum(impact_sum) * 1.0 / sum(impact_n) AS mean_impact "
            f"FROM ({union}) WHERE n > 0 GROUP BY 1, category ORDER BY 1, category"
        )
    rows = conn.execute(sql, params).fetchall()
    if not rows:
        return pd.DataFrame(columns=["period", "category", "articles", "mean_sentiment", "mean_impact"])
    period, category, articles, sentiment, impact = zip(*rows, strict=True)
    return pd.DataFrame(
        {
            "period": list(map(date.fromisoformat, period)),
            "category": category,
            "articles": articles,
            "mean_sentiment": np.round(np.array(sentiment, dtype=float), 4),
            "mean_impact": np.round(np.array(impact, dtype=float), 4),
        }
    )


def decisions(conn: sqlite3.Connection, filters: Filters = Filters(), limit: int | None = None) -> pd.DataFrame:
    """Decisions of the filtered articles, one row each: ``article_id``, ``title``,
    ``published_at`` and the ``decisions`` columns, newest article first, in bullet order."""
    dense = _dense(conn, filters)
    walk = dense or (not filters.topics and filters.category_answerable)  # newest decisions first
    where, params = filters.where("a", topics_exist=dense)
    order = "a.published_at DESC, d.article_id, d.position"
    if walk:  # each decision carries its article's publish time (schema v10): walk them in that order
        joined = "decisions d CROSS JOIN articles a ON a.id = d.article_id"
        order = "d.published_at DESC, d.article_id, d.position"
        if filters.since:
            where += " AND d.published_at >= ?"
            params = [*params, filters.since.isoformat()]
        if filters.until and filters.until < date.max:
            where += " AND d.published_at < ?"
            params = [*params, (filters.until + timedelta(days=1)).isoformat()]
    else:
        joined = "decisions d JOIN articles a ON a.id = d.article_id"
    df = _frame(
        conn,
        "SELECT d.article_id, a.title, a.published_at, d.id, d.position, d.text, d.action, d.direction, "
        "d.instruments, d.structure, d.horizon_text, d.horizon_min_days, d.horizon_max_days, d.conditions "
        f"FROM {joined} WHERE {where} ORDER BY {order}" + (" LIMIT ?" if limit else ""),
        [*params, limit] if limit else params,
    )
    for col in ("position", "horizon_min_days", "horizon_max_days"):
        df[col] = df[col].astype("Int64")  # whole days stay whole in CSV even beside nulls
    return df


def decision_count(conn: sqlite3.Connection, filters: Filters = Filters()) -> int:
    """How many decisions the filtered articles carry (a view of topics and dates: summed from the
    category-set totals)."""
    if not filters.beyond_topics_and_dates:
        return conn.execute(*set_totals_sql(filters, "coalesce(sum(decisions), 0)")).fetchone()[0]
    dense = _dense(conn, filters)
    where, params = filters.where("a", topics_exist=dense)
    joined = f"decisions d {'CROSS ' if dense else ''}JOIN articles a ON a.id = d.article_id"
    return conn.execute(f"SELECT count(*) FROM {joined} WHERE {where}", params).fetchone()[0]


def _dense(conn: sqlite3.Connection, filters: Filters) -> bool:
    """True when the chosen topics hold so many rows that testing each article beats building the
    set of their ids (see :data:`DENSE_ROWS`)."""
    return bool(filters.topics and topic_rows(conn, filters)[0] > DENSE_ROWS)


def data_version(conn: sqlite3.Connection) -> int:
    """A number that changes after every ingest (the last run id), for cache keys."""
    row = conn.execute("SELECT max(id) FROM ingest_runs").fetchone()
    return row[0] or 0


def stats(conn: sqlite3.Connection) -> dict:
    """Counts a user wants at a glance: articles, date range, labels, categories, decisions,
    sources, ingest runs and problems."""
    one = lambda sql: conn.execute(sql).fetchone()[0]  # noqa: E731
    lo, hi = date_bounds(conn)
    return {
        "articles": one("SELECT count(*) FROM articles"),
        "first_published": lo.isoformat() if lo else None,
        "last_published": hi.isoformat() if hi else None,
        "decisions": one("SELECT count(*) FROM decisions"),
        "categories": dict(
            conn.execute(
                "SELECT category, count(DISTINCT article_id) FROM article_categories WHERE effective = 1 "
                "GROUP BY category ORDER BY 2 DESC, 1"
            ).fetchall()
        ),
        "sentiment_labels": dict(
            conn.execute(
                "SELECT sentiment_label, count(*) FROM articles GROUP BY sentiment_label ORDER BY 2 DESC"
            ).fetchall()
        ),
        "sources": dict(
            conn.execute("SELECT source, count(*) FROM articles GROUP BY source ORDER BY 2 DESC, 1").fetchall()
        ),
        "ingest_runs": one("SELECT count(*) FROM ingest_runs"),
        "problems": one("SELECT count(*) FROM problems"),
    }


def has_source(conn: sqlite3.Connection, source: str) -> bool:
    """True when some article comes from ``source``."""
    return conn.execute("SELECT 1 FROM articles WHERE source = ? LIMIT 1", [source]).fetchone() is not None


def previous_period(filters: Filters, bounds: tuple[date | None, date | None]) -> Filters | None:
    """The same filters over the period of equal length just before the view's period (None when
    the view has no dates)."""
    lo, hi = bounds
    start, end = filters.since or lo, filters.until or hi
    if not start or not end:
        return None
    length = (end - start).days + 1
    try:
        return replace(filters, since=start - timedelta(days=length), until=start - timedelta(days=1))
    except OverflowError:  # no period of that length fits before the first representable day
        return None


FACET_CAP = 5_000
SOURCE_SAMPLE = 1_000  # sources of a big topic and date view are counted over its newest articles


def facet_note(filters: Filters, total: int) -> str | None:
    """What the facet counts of a view of ``total`` articles cover, when it is not all of them."""
    if total <= FACET_CAP:
        return None
    if not filters.beyond_topics_and_dates:
        return (
            f"Category and sentiment counts cover all {total:,} articles in view; source counts cover "
            f"the newest {SOURCE_SAMPLE:,}."
        )
    return f"Facet counts cover the newest {FACET_CAP:,} of the {total:,} articles in view."


def _set_facets(conn: sqlite3.Connection, filters: Filters, limit: int) -> dict[str, pd.DataFrame]:
    """Facets of a topic and date view: categories and labels summed exactly from the category-set
    totals; sources over the view's newest :data:`SOURCE_SAMPLE` articles."""
    label_sums = ", ".join(f"sum({col})" for col in category_sets.LABEL_COLUMNS)
    per_set = conn.execute(*set_totals_sql(filters, f"cats, sum(n), {label_sums}", group_by="cats")).fetchall()
    counts: dict[str, int] = {}
    total, labels = 0, [0] * len(LABELS)
    for cats, n, *by_label in per_set:  # one read of the sets gives both facets
        total += n
        labels = [a + b for a, b in zip(labels, by_label, strict=True)]
        for category in category_sets.split_key(cats):
            counts[category] = counts.get(category, 0) + n
    category = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
    label_rows = list(zip(LABELS, labels, strict=True))
    label_rows.append((None, total - sum(n for _, n in label_rows)))  # articles without a sentiment
    label_rows = sorted(((v, n) for v, n in label_rows if n > 0), key=lambda kv: (-kv[1], kv[0] is not None, kv[0]))
    sql, params = articles_sql(filters, SOURCE_SAMPLE, _dense(conn, filters), columns="a.source")
    newest = _frame(
        conn,
        f"SELECT source AS value, count(*) AS articles FROM ({sql}) GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT ?",
        [*params, limit],
    )
    return {
        "category": pd.DataFrame(category, columns=["value", "articles"]),
        "source": newest,
        "sentiment": pd.DataFrame(label_rows, columns=["value", "articles"]),
    }


def facets(
    conn: sqlite3.Connection, filters: Filters, limit: int = 12, total: int | None = None
) -> dict[str, pd.DataFrame]:
    """Counts of the filtered articles per category, source and sentiment label (as Datasette's facets).
    A view of more than :data:`FACET_CAP` articles (``total``, when the caller knows it) is counted
    over its newest :data:`FACET_CAP` articles, so a filter change stays quick at any size; callers
    say so beside the counts."""
    if total is not None and total > FACET_CAP and not filters.beyond_topics_and_dates:
        return _set_facets(conn, filters, limit)
    if total is not None and total > FACET_CAP:
        sql, newest_params = articles_sql(filters, FACET_CAP, _dense(conn, filters), columns="a.id")
        ids = [r[0] for r in conn.execute(sql, newest_params)]
        conn.execute("CREATE TEMP TABLE IF NOT EXISTS facet_ids (id TEXT PRIMARY KEY)")
        conn.execute("DELETE FROM facet_ids")
        conn.executemany("INSERT INTO facet_ids (id) VALUES (?)", [(i,) for i in ids])
        source, where, params = "facet_ids f CROSS JOIN articles a ON a.id = f.id", "1 = 1", []
        categorised = "facet_ids f CROSS JOIN article_categories c ON c.article_id = f.id AND c.effective = 1"
    else:
        source, (where, params) = "articles a", filters.where("a")
        categorised = "articles a JOIN article_categories c ON c.article_id = a.id AND c.effective = 1"
    return {
        "category": _frame(
            conn,
            f"SELECT c.category AS value, count(*) AS articles FROM {categorised} WHERE {where} "
            "GROUP BY c.category ORDER BY 2 DESC, 1 LIMIT ?",
            [*params, limit],
        ),
        "source": _frame(
            conn,
            f"SELECT a.source AS value, count(*) AS articles FROM {source} WHERE {where} "
            "GROUP BY a.source ORDER BY 2 DESC, 1 LIMIT ?",
            [*params, limit],
        ),
        "sentiment": _frame(
            conn,
            f"SELECT a.sentiment_label AS value, count(*) AS articles FROM {source} WHERE {where} "
            "GROUP BY a.sentiment_label ORDER BY 2 DESC, 1",
            params,
        ),
    }


def what_moved(
    conn: sqlite3.Connection, filters: Filters, end: date, window: int = 7, baseline: int = 30
) -> pd.DataFrame:
    """Each category's mean sentiment over the ``window`` days up to ``end`` against its trailing
    ``baseline`` days before that: z = (window mean − baseline mean) / baseline day-to-day std.
    Reads ``daily_category_sentiment``. Columns: category, recent, baseline, z, recent_articles."""
    start = end - timedelta(days=window + baseline - 1)
    clauses, params = ["day >= ?", "day <= ?", "n > 0"], [start.isoformat(), end.isoformat()]
    if filters.topics:
        clauses.append(f"category IN ({', '.join('?' for _ in filters.topics)})")
        params.extend(filters.topics)
    df = _frame(
        conn,
        f"SELECT day, category, n, sentiment_sum FROM daily_category_sentiment WHERE {' AND '.join(clauses)}",
        params,
    )
    cols = ["category", "recent", "baseline", "z", "recent_articles"]
    if df.empty:
        return pd.DataFrame(columns=cols)
    cut = (end - timedelta(days=window - 1)).isoformat()
    is_recent = df["day"] >= cut
    recent = df[is_recent].groupby("category")[["n", "sentiment_sum"]].sum()
    base_rows = df[~is_recent].assign(mean=lambda d: d["sentiment_sum"] / d["n"])
    base = base_rows.groupby("category").agg(n=("n", "sum"), sentiment_sum=("sentiment_sum", "sum"))
    spread = base_rows.groupby("category")["mean"].std(ddof=1).fillna(0.0)  # one day: no spread
    both = recent.add_suffix("_recent").join(base, how="inner", sort=True)
    both = both[(both["n_recent"] > 0) & (both["n"] > 0)]
    if both.empty:
        return pd.DataFrame(columns=cols)
    recent_mean = both["sentiment_sum_recent"] / both["n_recent"]
    base_mean = both["sentiment_sum"] / both["n"]
    spread = spread.reindex(both.index)
    z = ((recent_mean - base_mean) / spread).where(spread > 1e-9)
    out = pd.DataFrame(
        {
            "category": both.index,
            "recent": recent_mean.round(3).to_numpy(),
            "baseline": base_mean.round(3).to_numpy(),
            "z": pd.to_numeric(z.round(2), errors="coerce").to_numpy(),
            "recent_articles": both["n_recent"].astype(int).to_numpy(),
        }
    )
    return out.sort_values("z", key=lambda s: s.abs(), ascending=False, na_position="last").reset_index(drop=True)


# Each basket's members as "T1, T2, …", heaviest first (joined once, not per row).
BASKET_MEMBERS_SQL = (
    "(SELECT basket_id, group_concat(ticker, ', ') AS members FROM "
    "(SELECT basket_id, ticker FROM basket_members ORDER BY basket_id, weight DESC) GROUP BY basket_id)"
)
LINKS_SQL = (
    "SELECT db.decision_id, db.basket_id, db.side, b.name, bm.members "
    "FROM decision_baskets db JOIN baskets b ON b.id = db.basket_id "
    f"LEFT JOIN {BASKET_MEMBERS_SQL} bm ON bm.basket_id = b.id"
)


def decision_basket_links(conn: sqlite3.Connection, decision_ids: list[str] | None = None) -> pd.DataFrame:
    """Decision–basket links (all, or those of ``decision_ids``) with the basket's name and its
    members (tickers, heaviest first)."""
    order = " ORDER BY db.decision_id, b.name"
    if decision_ids is None:
        return _frame(conn, LINKS_SQL + order)
    parts = []
    for i in range(0, len(decision_ids), 500):
        chunk = decision_ids[i : i + 500]
        parts.append(
            _frame(conn, f"{LINKS_SQL} WHERE db.decision_id IN ({', '.join('?' for _ in chunk)}){order}", chunk)
        )
    if not parts:
        return pd.DataFrame(columns=["decision_id", "basket_id", "side", "name", "members"])
    return pd.concat(parts, ignore_index=True)


def basket_membership(conn: sqlite3.Connection) -> pd.DataFrame:
    """Which baskets hold which ticker, with each basket's name and members (heaviest first)."""
    return _frame(
        conn,
        "SELECT m.ticker, b.id AS basket_id, b.name, bm.members "
        f"FROM basket_members m JOIN baskets b ON b.id = m.basket_id LEFT JOIN {BASKET_MEMBERS_SQL} bm "
        "ON bm.basket_id = b.id ORDER BY m.ticker, b.name",
    )
