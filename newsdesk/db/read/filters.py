"""The one decision of which stored table answers a view, and its filters as bound SQL.

:class:`~newsdesk.domain.filters.Filters` is a plain value (the dashboard's sidebar, the CLI's
options; :mod:`newsdesk.domain.filters`). :func:`plan` looks at
it once and says which table answers the view — the derived totals, the category rows that carry
copies of each article's scores, or ``articles`` itself — and whether the newest rows are found
sooner by walking ``articles`` newest first. Every read of :mod:`newsdesk.db.read` follows it.
:func:`where` and :func:`category_view` turn the filters into bound SQL; never string formatting.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, replace
from typing import Any

from newsdesk.db.read.sql import day_range, marks
from newsdesk.domain import search
from newsdesk.domain.filters import UNCATEGORISED, Filters


def fts_query(text: str) -> str | None:
    """The FTS5 expression the search box's ``text`` requires (see :mod:`newsdesk.domain.search`): every
    word quoted, only the operators the parser writes; None when it requires no text."""
    return search.parse(text).match


# ------------------------------------------------------------------ the plan

DENSE_ROWS = 50_000  # above this many category rows in the view, walking articles newest first wins
TEXT_WALK = 5_000  # above this many full-text matches, walking articles newest first finds the top N sooner

DATES, TOPICS, CATEGORIES, ARTICLES = "dates", "topics", "categories", "articles"


@dataclass(frozen=True)
class Plan:
    """Which table answers a view (see :func:`plan`).

    ``scope`` is the narrowest filter kind the view sets: ``dates`` (no filter but dates: the daily
    and period totals answer; they count market news only, so a view of everything is answered by the
    category rows or ``articles``), ``topics`` (topics and dates: the category-set and period totals
    answer), ``categories`` (labels or a minimum impact too: the category rows, which carry each
    article's scores, answer) or ``articles`` (sources, companies or text: only ``articles`` does).
    ``dense``: the topics hold so many rows that walking the articles newest first and testing each
    one finds the newest N sooner than collecting the topics' ids. ``text_walk``: the text matches
    so many articles that walking newest first beats looking up each match."""

    scope: str
    topics: bool = False
    dense: bool = False
    text_walk: bool = False

    @property
    def from_totals(self) -> bool:
        """True when the derived totals answer counts and charts (no filter beyond topics and dates)."""
        return self.scope in (DATES, TOPICS)

    @property
    def from_category_rows(self) -> bool:
        """True when the category rows answer (topics, dates, labels, impact; no source, company or text)."""
        return self.scope != ARTICLES

    @property
    def topic_rows(self) -> bool:
        """True when the chosen topics' category rows (their covering index) list or count the articles."""
        return self.topics and self.from_category_rows


def plan(filters: Filters, conn: sqlite3.Connection | None = None, newest: bool = False) -> Plan:
    """Which table answers the view of ``filters``. With ``conn``, also measure whether the topics
    are dense (one read of the monthly totals) and, for a ``newest`` list, whether the text matches
    are many (one full-text count)."""
    query = search.parse(filters.text)
    text = query.match
    uncategorised = UNCATEGORISED in filters.topics  # no category row to read: only articles answer
    narrowed = filters.sources or filters.hidden_sources or filters.companies or filters.author or filters.first_reports
    if narrowed or query.needs_articles or uncategorised:
        scope = ARTICLES
    elif filters.labels or filters.min_impact:
        scope = CATEGORIES
    else:
        scope = TOPICS if filters.topics else DATES
    if not filters.market_only and scope in (DATES, TOPICS):  # the totals hold market news only
        scope = CATEGORIES if filters.topics else ARTICLES
    dense = bool(conn is not None and filters.topics and topic_rows(conn, filters)[0] > DENSE_ROWS)
    text_walk = bool(conn is not None and newest and text and text_matches(conn, filters) > TEXT_WALK)
    return Plan(scope, bool(filters.topics), dense, text_walk)


def cover_only(filters: Filters) -> bool:
    """True when every condition :func:`where` puts on ``articles`` can be tested on the columns of
    ``idx_articles_published_cover`` (publish time, sentiment, impact, label, market flag), but for the hidden
    sources (no index serves a ``NOT IN``): no topic, source, company, author, text or first-report filter,
    so no other index narrows the view sooner."""
    narrowed = filters.topics or filters.sources or filters.companies or filters.author or filters.first_reports
    return not narrowed and search_clause(filters.text)[0] is None


def text_matches(conn: sqlite3.Connection, filters: Filters) -> int:
    """How many articles the full-text part of ``filters`` matches (0 without one), counted up to
    ``TEXT_WALK + 1``: all the plan asks is whether there are more than :data:`TEXT_WALK`. A full count
    of a common word reads every match: on a server, each match's table page (55,000 matches at 1M
    articles: 0.55 s against 0.2 s capped)."""
    query = fts_query(filters.text)
    if not query:
        return 0
    sql = f"SELECT count(*) FROM (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? LIMIT {TEXT_WALK + 1})"
    return int(conn.execute(sql, [query]).fetchone()[0])


def topic_rows(conn: sqlite3.Connection, filters: Filters) -> tuple[int, int]:
    """Rough count of the chosen topics' category rows in the date range, and of all categories'
    (from the monthly totals; partial months count whole)."""
    clauses, params = day_range("period", filters.since.replace(day=1) if filters.since else None, filters.until)
    months = " AND ".join(["grain = 'month'", *clauses])
    mine, total = conn.execute(
        f"SELECT sum(CASE WHEN category IN ({marks(filters.topics)}) THEN n ELSE 0 END), sum(n) "
        f"FROM period_category_sentiment WHERE {months}",
        [*filters.topics, *params],
    ).fetchone()
    return mine or 0, total or 0


def topic_share(conn: sqlite3.Connection, filters: Filters) -> float:
    """Rough share of the date range's category rows that belong to the chosen topics."""
    mine, total = topic_rows(conn, filters)
    return mine / total if total else 0.0


# ------------------------------------------------------------------ WHERE clauses


def first_report(alias: str = "a") -> str:
    """SQL true when the article aliased ``alias`` is the first report of its story (the earliest
    published, ties by id); an article without a story id is its own story."""
    return (
        f"({alias}.story_id IS NULL OR {alias}.id = (SELECT s.id FROM articles s WHERE s.story_id = {alias}.story_id "
        "ORDER BY s.published_at, s.id LIMIT 1))"
    )


def category_view(filters: Filters) -> tuple[str, list[Any]]:
    """WHERE clause over ``article_categories`` rows (effective ones) for the topic, date, label
    and impact filters, and its params. Served by ``idx_article_categories_view``."""
    clauses: list[str] = []
    params: list[Any] = []
    if filters.topics:
        clauses.append(f"category IN ({marks(filters.topics)})")
        params.extend(filters.topics)
    clauses.append("effective = 1")
    if filters.market_only:
        clauses.append("market_relevant = 1")
    dates_and_scores, more = _dates_and_scores(filters, "")
    return " AND ".join([*clauses, *dates_and_scores]), [*params, *more]


def _dates_and_scores(filters: Filters, prefix: str) -> tuple[list[str], list[Any]]:
    """The date range, sentiment label and minimum impact clauses over ``{prefix}published_at``,
    ``{prefix}sentiment_label`` and ``{prefix}impact`` (``prefix``: a constant alias and dot, or empty)."""
    dates, date_params = day_range(f"{prefix}published_at", filters.since, filters.until)
    clauses: list[str] = list(dates)
    params: list[Any] = list(date_params)
    if filters.labels:
        clauses.append(f"{prefix}sentiment_label IN ({marks(filters.labels)})")
        params.extend(filters.labels)
    if filters.min_impact:
        clauses.append(f"{prefix}impact >= ?")
        params.append(float(filters.min_impact))
    return clauses, params


def author_clause(filters: Filters, alias: str = "d") -> tuple[str, list[Any]]:
    """`` AND d.author IN (?, ...)`` for a read of decisions (aliased ``alias``) when the view names
    authors, else ``""``: an article may hold calls by several houses and bullets by none."""
    if not filters.author:
        return "", []
    return f" AND {alias}.author IN ({marks(filters.author)})", list(filters.author)


def where(
    filters: Filters,
    alias: str = "a",
    topics_exist: bool = False,
    text_walk: bool = False,
    id_of: str | None = None,
) -> tuple[str, list[Any]]:
    """The WHERE clause (without the keyword) over articles aliased ``alias``, and its params.
    With ``topics_exist`` the topic test is a per-article EXISTS, and with ``text_walk`` the
    full-text matches are a set each article is tested against (both for newest-first walks).
    ``id_of``: the column the topic test (EXISTS or the topics' set) reads the article's id from (constant
    SQL; ``{alias}.id`` by default): a walk of decisions tests ``d.article_id`` before it reads the article."""
    clauses: list[str] = ["1 = 1"]
    params: list[Any] = []
    topics = [t for t in filters.topics if t != UNCATEGORISED]
    either = []  # any of the chosen topics, "Uncategorised" (no category at all) among them
    if topics and topics_exist:
        either.append(
            f"EXISTS (SELECT 1 FROM article_categories tc WHERE tc.article_id = {id_of or alias + '.id'} "
            f"AND tc.category IN ({marks(topics)}) AND tc.effective = 1)"
        )
        params.extend(topics)
    elif topics:
        view, view_params = category_view(replace(filters, topics=tuple(topics)))
        either.append(f"{id_of or alias + '.id'} IN (SELECT article_id FROM article_categories WHERE {view})")
        params.extend(view_params)
    if len(topics) < len(filters.topics):
        either.append(
            f"NOT EXISTS (SELECT 1 FROM article_categories uc WHERE uc.article_id = {alias}.id AND uc.effective = 1)"
        )
    if either:
        clauses.append(either[0] if len(either) == 1 else "(" + " OR ".join(either) + ")")
    dates_and_scores, more = _dates_and_scores(filters, f"{alias}.")
    clauses += dates_and_scores
    params += more
    if filters.sources:
        clauses.append(f"{alias}.source IN ({marks(filters.sources)})")
        params.extend(filters.sources)
    if filters.market_only:
        clauses.append(f"{alias}.market_relevant = 1")
    if filters.hidden_sources:
        clauses.append(f"{alias}.source NOT IN ({marks(filters.hidden_sources)})")
        params.extend(filters.hidden_sources)
    tickers = [c for c in filters.companies if not c.startswith("basket:")]
    baskets = [c.removeprefix("basket:") for c in filters.companies if c.startswith("basket:")]
    if tickers or baskets:
        parts = []
        if tickers:
            parts.append(f"ticker IN ({marks(tickers)})")
            params.extend(tickers)
        if baskets:
            parts.append(f"ticker IN (SELECT ticker FROM basket_members WHERE basket_id IN ({marks(baskets)}))")
            params.extend(baskets)
        clauses.append(f"{alias}.id IN (SELECT article_id FROM article_entities WHERE {' OR '.join(parts)})")
    if filters.author:
        clauses.append(
            f"EXISTS (SELECT 1 FROM decisions fa WHERE fa.article_id = {alias}.id "
            f"AND fa.author IN ({marks(filters.author)}))"
        )
        params.extend(filters.author)
    text_sql, text_params = search_clause(filters.text, alias, text_walk)
    if text_sql:
        clauses.append(text_sql)
        params.extend(text_params)
    if filters.first_reports:
        clauses.append(first_report(alias))
    return " AND ".join(clauses), params


def _like(value: str) -> str:
    """``%value%`` for a LIKE with ``ESCAPE '\\'``: the user's own ``%`` and ``_`` match themselves."""
    return "%" + value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def phrase_test(alias: str, phrase: str) -> tuple[str, list[Any]]:
    """SQL that holds when an article's title, summary or body has ``phrase`` (words separated by
    single spaces) word for word: ASCII letters in any case, one space or punctuation mark between
    the words, none of letters or digits around it. Its param is a GLOB pattern."""
    parts = " || ' ' || ".join(f"coalesce({alias}.{col}, '')" for col in ("title", "summary", "body"))
    folded = "".join(c.lower() if c.isascii() else c for c in phrase)
    pattern = "*[^a-z0-9]" + "[^a-z0-9]".join(folded.split()) + "[^a-z0-9]*"
    return f"lower(' ' || {parts} || ' ') GLOB ?", [pattern]


def _company_test(values: tuple[str, ...]) -> tuple[str, list[Any]]:
    parts, params = [], []
    for value in values:
        parts.append("ticker = ? OR name LIKE ? ESCAPE '\\'")
        params += [value.upper(), _like(value)]
    return f"SELECT article_id FROM article_entities WHERE {' OR '.join(parts)}", params


def search_clause(text: str, alias: str = "a", text_walk: bool = False) -> tuple[str | None, list[Any]]:
    """The part of the WHERE clause the search box's ``text`` adds (words, phrases, OR, -word,
    ``company:`` and ``source:``; see :mod:`newsdesk.domain.search`), and its params; None for no condition."""
    query = search.parse(text)
    clauses, params = [], []
    key = f"{alias}.rowid + 0" if text_walk else f"{alias}.rowid"  # + 0: not a rowid look-up
    if query.match:
        clauses.append(f"{key} IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)")
        params.append(query.match)
    for phrase in query.phrases:
        test, test_params = phrase_test(alias, phrase)
        clauses.append(test)
        params += test_params
    if query.exclude:
        clauses.append(f"{alias}.rowid NOT IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)")
        params.append(query.exclude)
    for values, negate in ((query.sources, ""), (query.not_sources, "NOT ")):
        if values:
            tests = " OR ".join(f"{alias}.source LIKE ? ESCAPE '\\'" for _ in values)
            clauses.append(f"{negate}({tests})")
            params += [_like(v) for v in values]
    for values, negate in ((query.companies, ""), (query.not_companies, "NOT ")):
        if values:
            sub, sub_params = _company_test(values)
            clauses.append(f"{alias}.id {negate}IN ({sub})")
            params += sub_params
    return (" AND ".join(clauses) or None), params
