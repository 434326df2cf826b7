"""Facets: exact counts of a view per category, source and sentiment label, whatever the filters."""

from __future__ import annotations

import sqlite3

import pandas as pd

from newsdesk.db.aggregates import LABEL_COLUMNS, split_key
from newsdesk.db.read.filters import plan, topic_rows
from newsdesk.db.read.filters import where as filter_where
from newsdesk.db.read.sql import frame
from newsdesk.db.read.totals import set_totals_sql
from newsdesk.domain.filters import UNCATEGORISED, Filters
from newsdesk.score.labels import LABELS

# Up to this many category rows of the chosen topics in view (the monthly totals' rough count), the source
# facet walks the view's dates; beyond it the walk's list of topic ids outgrows SQLite's cache and looking
# each article up wins again. At 1M (three topics): 57,000-104,000 rows (3-6 months) walked in 76-194 ms
# against 124-262 ms looked up; 150,000 (9 months) 455 ms against 369 ms (BENCHMARKS.md, schema 22).
FACET_WALK_ROWS = 110_000
# From this many category rows of the chosen topics in view the walk wins over looking each article up: at
# 1M (a 3-month window, 142,000 articles) 12,000-16,500 rows 35-40 ms either way, 21,800-28,200 rows 45-50 ms
# walked against 57-73 ms looked up; 2,500-10,000 rows 9-31 ms looked up against 26-34 ms walked. A view with
# no topic always walks: looked up through the source index it was 282 ms (2,449 ms all time), walked 30 ms
# (421 ms) (BENCHMARKS.md, branch artpage).
FACET_WALK_MIN_ROWS = 12_000


def source_facet_sql(filters: Filters, limit: int, dense: bool) -> tuple[str, list[object]]:
    """The source facet of a topic and date view: the ``limit`` sources with the most articles in view
    that have a real date. With ``dense`` (no topic, or more than :data:`FACET_WALK_MIN_ROWS` category
    rows of the topics in view, at most :data:`FACET_WALK_ROWS`) a walk of the view's dates on the covering
    ``idx_articles_published_cover`` (source and id in it, schema 22) that tests each id against the
    topics' ids (none without topics), instead of reading each article by id or through the source index
    (SQLite's hint; a server plans for itself)."""
    clause, params = filter_where(filters, "a")
    hint = " INDEXED BY idx_articles_published_cover" if dense else ""  # constant SQL
    sql = (
        f"SELECT a.source AS value, count(*) AS articles FROM articles a{hint} WHERE {clause} "
        "AND a.published_estimated = 0 GROUP BY a.source ORDER BY 2 DESC, 1 LIMIT ?"
    )
    return sql, [*params, limit]


def set_facets(conn: sqlite3.Connection, filters: Filters, limit: int) -> dict[str, pd.DataFrame]:
    """Facets of a topic and date view: categories and labels summed from the category-set totals;
    sources counted over the same articles (those with a real date, as the totals count them) in
    one grouped read (:func:`source_facet_sql`)."""
    label_sums = ", ".join(f"sum({col})" for col in LABEL_COLUMNS)
    per_set = conn.execute(*set_totals_sql(filters, f"cats, sum(n), {label_sums}", group_by="cats")).fetchall()
    counts: dict[str, int] = {}
    total, labels = 0, [0] * len(LABELS)
    for cats, n, *by_label in per_set:  # one read of the sets gives both facets
        total += n
        labels = [a + b for a, b in zip(labels, by_label, strict=True)]
        for category in split_key(cats) or [UNCATEGORISED]:  # no category: counted, never dropped
            counts[category] = counts.get(category, 0) + n
    top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
    label_rows: list[tuple[str | None, int]] = list(zip(LABELS, labels, strict=True))
    label_rows.append((None, total - sum(n for _, n in label_rows)))  # articles without a sentiment
    label_rows = sorted(((v, n) for v, n in label_rows if n > 0), key=lambda kv: (-kv[1], kv[0] is not None, kv[0]))
    walk = not filters.topics or FACET_WALK_MIN_ROWS < topic_rows(conn, filters)[0] <= FACET_WALK_ROWS
    newest = frame(conn, *source_facet_sql(filters, limit, walk))
    return {
        "category": pd.DataFrame(top, columns=["value", "articles"]),
        "source": newest,
        "sentiment": pd.DataFrame(label_rows, columns=["value", "articles"]),
    }


FACETS_SQL = """
WITH v AS MATERIALIZED (SELECT a.id, a.source, a.sentiment_label FROM articles a WHERE {where})
SELECT 'source' AS facet, source AS value, count(*) AS articles FROM v GROUP BY source
UNION ALL SELECT 'sentiment', sentiment_label, count(*) FROM v GROUP BY sentiment_label
UNION ALL SELECT 'category', c.category, count(*) FROM v
  LEFT JOIN article_categories c ON c.article_id = v.id AND c.effective = 1 GROUP BY c.category
"""  # the LEFT JOIN's NULL category: the articles without one (Uncategorised)


def _top(rows: pd.DataFrame, limit: int | None) -> pd.DataFrame:
    rows = rows[["value", "articles"]].astype({"value": object, "articles": int})
    rows["value"] = [None if pd.isna(v) else v for v in rows["value"]]  # no sentiment: None, never NaN
    rows = rows.sort_values(["articles", "value"], ascending=[False, True], na_position="last", kind="stable")
    return (rows if limit is None else rows.head(limit)).reset_index(drop=True)


def facets(
    conn: sqlite3.Connection, filters: Filters, limit: int = 12, total: int | None = None
) -> dict[str, pd.DataFrame]:
    """Exact counts of the filtered articles per category, source and sentiment label (as Datasette's
    facets): a topic and date view sums its derived totals (:func:`set_facets`); any other view is
    counted on the filtered set itself in one query. Articles without a category are the row
    :data:`UNCATEGORISED`; articles without a sentiment, a row whose value is None. ``total`` is
    accepted for callers that know the view's size (it no longer changes what is counted)."""
    if plan(filters).from_totals:
        return set_facets(conn, filters, limit)
    clause, params = filter_where(filters, "a")
    rows = frame(conn, FACETS_SQL.format(where=clause), params)
    category = rows[rows["facet"] == "category"].copy()
    category = category[category["articles"] > 0]
    category["value"] = category["value"].fillna(UNCATEGORISED)
    return {
        "category": _top(category, limit),
        "source": _top(rows[rows["facet"] == "source"], limit),
        "sentiment": _top(rows[rows["facet"] == "sentiment"], None),
    }
