"""Read-only queries behind the Article page: one article and everything stored about it.

Plain Python (never imports streamlit). Every query binds the article id as a parameter; JSON
columns (``sentiment_terms``, ``impact_components``, ``instruments``) come back decoded, and a
value that is not valid JSON decodes to an empty list or dict instead of raising.
"""

from __future__ import annotations

import json
import math
import re
import sqlite3
from datetime import UTC, date, datetime, timedelta

import pandas as pd

RELATED_LIMIT = 8


def _rows(conn: sqlite3.Connection, sql: str, params: list | tuple = ()) -> list[dict]:
    cur = conn.execute(sql, list(params))
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, row, strict=True)) for row in cur.fetchall()]


def _frame(conn: sqlite3.Connection, sql: str, params: list | tuple = ()) -> pd.DataFrame:
    cur = conn.execute(sql, list(params))
    cols = [d[0] for d in cur.description]
    return pd.DataFrame(cur.fetchall(), columns=cols)


def decode_json(value, default):
    """``value`` decoded from JSON when it is a JSON text of the same type as ``default``, else
    ``default`` (a fresh copy): stored explanations never break a page."""
    if not isinstance(value, str) or not value.strip():
        return type(default)()
    try:
        decoded = json.loads(value)
    except ValueError:
        return type(default)()
    return decoded if isinstance(decoded, type(default)) else type(default)()


def article(conn: sqlite3.Connection, article_id: str) -> dict | None:
    """The ``articles`` row of ``article_id`` as a dict, or None when there is no such article.

    ``sentiment_terms`` is decoded to a list of strings, ``impact_components`` to a dict, and
    ``published_estimated`` to a bool.
    """
    if not article_id:
        return None
    rows = _rows(conn, "SELECT * FROM articles WHERE id = ?", [str(article_id)])
    if not rows:
        return None
    row = rows[0]
    row["sentiment_terms"] = decode_json(row.get("sentiment_terms"), [])
    row["impact_components"] = decode_json(row.get("impact_components"), {})
    row["published_estimated"] = bool(row.get("published_estimated"))
    return row


def categories(conn: sqlite3.Connection, article_id: str) -> pd.DataFrame:
    """The article's categories: ``category``, ``relevance`` (null when the source gave none),
    ``origin`` (``source`` or ``scored``) and ``effective`` (1 for the categories that define the
    article). Defining ones first, then the source's, then by relevance."""
    return _frame(
        conn,
        "SELECT category, relevance, origin, effective FROM article_categories WHERE article_id = ? "
        "ORDER BY effective DESC, origin = 'source' DESC, relevance DESC, rowid",
        [str(article_id)],
    )


def companies(conn: sqlite3.Connection, article_id: str) -> pd.DataFrame:
    """The companies the article names (``article_entities``) with ``sector``, ``country`` and
    ``exchange`` from ``companies`` (null for a ticker not in the reference list), most relevant first."""
    return _frame(
        conn,
        "SELECT e.ticker, coalesce(e.name, c.name) AS name, c.sector, c.country, c.exchange, e.mentions, "
        "e.relevance, e.sentiment FROM article_entities e LEFT JOIN companies c ON c.ticker = e.ticker "
        "WHERE e.article_id = ? ORDER BY e.relevance DESC, e.mentions DESC, e.ticker",
        [str(article_id)],
    )


def decisions(conn: sqlite3.Connection, article_id: str) -> pd.DataFrame:
    """The article's decisions in bullet order, every ``decisions`` column, ``instruments``
    decoded to a list of legs (``name``, ``ticker`` or ``basket``, ``side``)."""
    df = _frame(
        conn,
        "SELECT id, article_id, position, text, action, direction, instruments, structure, horizon_text, "
        "horizon_min_days, horizon_max_days, conditions FROM decisions WHERE article_id = ? ORDER BY position",
        [str(article_id)],
    )
    df["instruments"] = [decode_json(v, []) for v in df["instruments"]]
    for col in ("position", "horizon_min_days", "horizon_max_days"):
        df[col] = df[col].astype("Int64")
    return df


def baskets_for_decisions(conn: sqlite3.Connection, article_id: str) -> pd.DataFrame:
    """The baskets the article's decisions trade (``decision_baskets`` joined with ``baskets``):
    ``decision_id``, ``position``, ``basket_id``, ``side``, ``name``, ``description``, ``kind`` and
    ``members`` (member tickers, heaviest first, joined with ``, ``). ``name`` is null for a basket
    link whose basket is not in ``baskets``."""
    return _frame(
        conn,
        "SELECT db.decision_id, d.position, db.basket_id, db.side, b.name, b.description, b.kind, "
        "(SELECT group_concat(ticker, ', ') FROM (SELECT ticker FROM basket_members m "
        " WHERE m.basket_id = db.basket_id ORDER BY weight DESC, ticker)) AS members "
        "FROM decision_baskets db JOIN decisions d ON d.id = db.decision_id "
        "LEFT JOIN baskets b ON b.id = db.basket_id "
        "WHERE d.article_id = ? ORDER BY d.position, db.side, db.basket_id",
        [str(article_id)],
    )


def sources(conn: sqlite3.Connection, article_id: str) -> pd.DataFrame:
    """Every source that carried the story (``article_sources``): ``source``, ``url`` (empty when
    none), ``seen_at``, first seen first."""
    return _frame(
        conn,
        "SELECT source, url, seen_at FROM article_sources WHERE article_id = ? ORDER BY seen_at, rowid",
        [str(article_id)],
    )


RELATED_SQL = """
WITH my_tickers AS (SELECT DISTINCT ticker FROM article_entities WHERE article_id = :id),
my_cats AS (SELECT DISTINCT category FROM article_categories WHERE article_id = :id AND effective = 1),
co AS (
  SELECT e.article_id, count(DISTINCT e.ticker) AS n, group_concat(DISTINCT e.name) AS names
  FROM article_entities e
  WHERE e.ticker IN (SELECT ticker FROM my_tickers) AND e.article_id != :id
  GROUP BY e.article_id
),
ca AS (
  SELECT c.article_id, count(DISTINCT c.category) AS n, group_concat(DISTINCT c.category) AS names
  FROM article_categories c
  WHERE c.effective = 1 AND c.category IN (SELECT category FROM my_cats) AND c.article_id != :id
  GROUP BY c.article_id
),
cand AS (SELECT article_id FROM co UNION SELECT article_id FROM ca)
SELECT a.id, a.title, a.source, a.published_at, a.impact, a.sentiment, a.sentiment_label,
       coalesce(co.n, 0) AS shared_companies, coalesce(ca.n, 0) AS shared_categories,
       2 * coalesce(co.n, 0) + coalesce(ca.n, 0) AS score,
       co.names AS company_names, ca.names AS category_names
FROM cand
JOIN articles a ON a.id = cand.article_id
LEFT JOIN co ON co.article_id = cand.article_id
LEFT JOIN ca ON ca.article_id = cand.article_id
ORDER BY score DESC, a.published_at DESC, a.id
LIMIT :limit
"""


def related(conn: sqlite3.Connection, article_id: str, limit: int = RELATED_LIMIT) -> pd.DataFrame:
    """Other articles that share companies or defining categories with ``article_id``, ranked by
    ``score`` = 2 × shared companies + shared categories, then newest first.

    Columns: ``id``, ``title``, ``source``, ``published_at``, ``impact``, ``sentiment``,
    ``sentiment_label``, ``shared_companies``, ``shared_categories``, ``score``, ``company_names``
    and ``category_names`` (comma-joined, null when none).
    """
    cur = conn.execute(RELATED_SQL, {"id": str(article_id), "limit": max(0, int(limit))})
    cols = [d[0] for d in cur.description]
    return pd.DataFrame(cur.fetchall(), columns=cols)


def _number(value) -> float | None:
    """``value`` as a float, None for null/NaN/non-numbers."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def horizon_status(published_at, horizon_max_days, today: date | None = None) -> tuple[str, date] | None:
    """``("open", end)`` when ``published_at`` + ``horizon_max_days`` falls after ``today`` (UTC
    today by default), ``("expired", end)`` otherwise; None when the decision states no horizon or
    the publish date is unreadable."""
    days = _number(horizon_max_days)
    if days is None or not isinstance(published_at, str):
        return None
    try:
        start = date.fromisoformat(published_at.strip()[:10])
    except ValueError:
        return None
    end = start + timedelta(days=int(days))
    today = today or datetime.now(UTC).date()
    return ("open" if end > today else "expired"), end


IMPACT_WEIGHTS = {"magnitude": 0.45, "strength": 0.15, "prominence": 0.15, "category": 0.25}


def impact_breakdown(components: dict) -> list[dict]:
    """The impact formula (README "Market impact") spelt out from stored ``impact_components``.

    One dict per component: ``component``, ``value``, ``role`` (how it counts), ``effect`` (its
    contribution to the base, or the multiplier it applies) and ``evidence`` (the words, figures or
    phrases behind it), followed by the ``base`` and the final ``impact``. Empty when nothing is stored.
    """
    if not components:
        return []
    get = lambda key: _number(components.get(key)) or 0.0  # noqa: E731
    terms = lambda key: ", ".join(str(t) for t in components.get(key) or [])  # noqa: E731
    rows = [
        {
            "component": "Magnitude",
            "value": get("magnitude"),
            "role": "0.45 × value",
            "effect": 0.45 * get("magnitude"),
            "evidence": terms("magnitude_terms") or "no magnitude words, moves or basis points",
        },
        {
            "component": "Strength",
            "value": get("strength"),
            "role": "0.15 × value",
            "effect": 0.15 * get("strength"),
            "evidence": "size of newsdesk's sentiment score, |sentiment|",
        },
        {
            "component": "Prominence",
            "value": get("prominence"),
            "role": "0.15 × value",
            "effect": 0.15 * get("prominence"),
            "evidence": "highest relevance of a company named" if get("prominence") else "no listed company named",
        },
        {
            "component": "Category weight",
            "value": get("category"),
            "role": "0.25 × value",
            "effect": 0.25 * get("category"),
            "evidence": "highest taxonomy weight of the article's categories",
        },
    ]
    base = sum(r["effect"] for r in rows)
    novelty = get("novelty") if "novelty" in components else 1.0
    calm = get("calm") if "calm" in components else 1.0
    rows += [
        {"component": "Base", "value": None, "role": "sum of the above", "effect": base, "evidence": ""},
        {
            "component": "Novelty",
            "value": novelty,
            "role": "× (0.6 + 0.4 × value)",
            "effect": 0.6 + 0.4 * novelty,
            "evidence": "1 − word overlap of the title with titles of the previous 72 hours",
        },
        {
            "component": "Calm factor",
            "value": calm,
            "role": "× value",
            "effect": calm,
            "evidence": (f"calm phrases: {terms('calm_terms')}" if terms("calm_terms") else "calm phrases found")
            if calm < 1
            else "no calm phrases",
        },
    ]
    impact = _number(components.get("score"))
    if impact is None:
        impact = max(0.0, min(1.0, base * (0.6 + 0.4 * novelty) * calm))
    rows.append(
        {"component": "Impact", "value": impact, "role": "base × novelty × calm", "effect": impact, "evidence": ""}
    )
    return rows


_TERM_WEIGHT = re.compile(r"\(([+-]?\d+(?:\.\d+)?)\)\s*$")


def split_terms(terms: list[str]) -> tuple[list[str], list[str]]:
    """The sentiment cues that pushed the score up and those that pushed it down (by the signed
    weight in parentheses at the end of each term, e.g. ``jumped … profit (+1.50)``)."""
    up, down = [], []
    for term in terms or []:
        m = _TERM_WEIGHT.search(str(term))
        (down if m and float(m.group(1)) < 0 else up).append(str(term))
    return up, down
