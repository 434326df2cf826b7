"""Facets: counts of a view per category, source and sentiment label, and what they cover."""

from __future__ import annotations

import sqlite3

import pandas as pd

from newsdesk.db.aggregates import LABEL_COLUMNS, split_key
from newsdesk.db.read.articles import articles_sql
from newsdesk.db.read.filters import Filters, plan
from newsdesk.db.read.filters import where as filter_where
from newsdesk.db.read.sql import frame
from newsdesk.db.read.timeline import UNCATEGORISED
from newsdesk.db.read.totals import set_totals_sql
from newsdesk.score.labels import LABELS

FACET_CAP = 5_000
SOURCE_SAMPLE = 1_000  # sources of a big topic and date view are counted over its newest articles


def facet_note(filters: Filters, total: int) -> str | None:
    """What the facet counts of a view of ``total`` articles cover, when it is not all of them."""
    if total <= FACET_CAP:
        return None
    if plan(filters).from_totals:
        return (
            f"Category and sentiment counts cover all {total:,} articles in view; source counts cover "
            f"the newest {SOURCE_SAMPLE:,}."
        )
    return f"Facet counts cover the newest {FACET_CAP:,} of the {total:,} articles in view."


def set_facets(conn: sqlite3.Connection, filters: Filters, limit: int) -> dict[str, pd.DataFrame]:
    """Facets of a topic and date view: categories and labels summed exactly from the category-set
    totals; sources over the view's newest :data:`SOURCE_SAMPLE` articles."""
    label_sums = ", ".join(f"sum({col})" for col in LABEL_COLUMNS)
    per_set = conn.execute(*set_totals_sql(filters, f"cats, sum(n), {label_sums}", group_by="cats")).fetchall()
    counts: dict[str, int] = {}
    total, labels = 0, [0] * len(LABELS)
    for cats, n, *by_label in per_set:  # one read of the sets gives both facets
        total += n
        labels = [a + b for a, b in zip(labels, by_label, strict=True)]
        for category in split_key(cats) or [UNCATEGORISED]:  # no category: counted, never dropped
            counts[category] = counts.get(category, 0) + n
    category = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
    label_rows = list(zip(LABELS, labels, strict=True))
    label_rows.append((None, total - sum(n for _, n in label_rows)))  # articles without a sentiment
    label_rows = sorted(((v, n) for v, n in label_rows if n > 0), key=lambda kv: (-kv[1], kv[0] is not None, kv[0]))
    sql, params = articles_sql(filters, SOURCE_SAMPLE, plan(filters, conn), columns="a.source")
    newest = frame(
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
    if total is not None and total > FACET_CAP and plan(filters).from_totals:
        return set_facets(conn, filters, limit)
    if total is not None and total > FACET_CAP:
        sql, newest_params = articles_sql(filters, FACET_CAP, plan(filters, conn), columns="a.id")
        ids = [r[0] for r in conn.execute(sql, newest_params)]
        conn.execute("CREATE TEMP TABLE IF NOT EXISTS facet_ids (id TEXT PRIMARY KEY)")
        conn.execute("DELETE FROM facet_ids")
        conn.executemany("INSERT INTO facet_ids (id) VALUES (?)", [(i,) for i in ids])
        source, where, params = "facet_ids f CROSS JOIN articles a ON a.id = f.id", "1 = 1", []
        categorised = "facet_ids f CROSS JOIN article_categories c ON c.article_id = f.id AND c.effective = 1"
    else:
        source, (where, params) = "articles a", filter_where(filters, "a")
        categorised = "articles a JOIN article_categories c ON c.article_id = a.id AND c.effective = 1"
    category = frame(
        conn,
        f"SELECT c.category AS value, count(*) AS articles FROM {categorised} WHERE {where} "
        "GROUP BY c.category ORDER BY 2 DESC, 1 LIMIT ?",
        [*params, limit],
    )
    alone = conn.execute(
        f"SELECT count(*) FROM {source} WHERE {where} AND NOT EXISTS (SELECT 1 FROM article_categories u "
        "WHERE u.article_id = a.id AND u.effective = 1)",
        params,
    ).fetchone()[0]
    if alone:  # articles without a category: one more row, never dropped
        category = pd.concat([category, pd.DataFrame({"value": [UNCATEGORISED], "articles": [alone]})])
        category = category.sort_values(["articles", "value"], ascending=[False, True]).head(limit)
    return {
        "category": category.reset_index(drop=True),
        "source": frame(
            conn,
            f"SELECT a.source AS value, count(*) AS articles FROM {source} WHERE {where} "
            "GROUP BY a.source ORDER BY 2 DESC, 1 LIMIT ?",
            [*params, limit],
        ),
        "sentiment": frame(
            conn,
            f"SELECT a.sentiment_label AS value, count(*) AS articles FROM {source} WHERE {where} "
            "GROUP BY a.sentiment_label ORDER BY 2 DESC, 1",
            params,
        ),
    }
