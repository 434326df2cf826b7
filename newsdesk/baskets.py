"""Baskets: read a basket (members, sentiment index, decisions, articles) and manage custom baskets.

Sector baskets come from ``data/baskets.toml`` (``kind = "sector"``) and are read-only here; custom
baskets (``kind = "custom"``) are created, edited and deleted through :func:`create_basket`,
:func:`update_basket` and :func:`delete_basket`, each in one ``BEGIN IMMEDIATE`` transaction.

The basket sentiment index of a period is the mean of ``article_entities.sentiment`` over the
mentions of member companies in articles published in that period, each mention weighted by the
member's basket weight × the mention's relevance.
"""

from __future__ import annotations

import math
import re
import sqlite3
from collections.abc import Iterable, Mapping
from datetime import date, timedelta

import pandas as pd
import sqlite_utils

from newsdesk.errors import NewsdeskError
from newsdesk.periods import GRAINS, start_sql
from newsdesk.reference import load_baskets
from newsdesk.store import transaction

CUSTOM = "custom"
SECTOR = "sector"

MAX_NAME = 80
MAX_DESCRIPTION = 500
MAX_MEMBERS = 100
EXAMPLE_TICKER = "7011.T"

# SQL expressions of the period an article falls in, keyed by grain (constants, never user input).
_PERIOD_SQL = {grain: start_sql(grain, "substr(e.published_at, 1, 10)") for grain in GRAINS}


class BasketError(NewsdeskError):
    """A basket cannot be created, changed or deleted as asked; the message says why and what to do."""


# --------------------------------------------------------------------------------------------- reads


def _frame(conn: sqlite3.Connection, sql: str, params: Iterable = ()) -> pd.DataFrame:
    cur = conn.execute(sql, list(params))
    return pd.DataFrame(cur.fetchall(), columns=[d[0] for d in cur.description])


def _date_clause(since: date | None, until: date | None, alias: str = "a") -> tuple[str, list]:
    """``AND``-prefixed clauses limiting ``published_at`` to ``since``..``until`` (inclusive days)."""
    sql, params = "", []
    if since:
        sql += f" AND {alias}.published_at >= ?"
        params.append(since.isoformat())
    if until:
        sql += f" AND {alias}.published_at < ?"
        params.append((until + timedelta(days=1)).isoformat())
    return sql, params


def list_baskets(conn: sqlite3.Connection) -> pd.DataFrame:
    """Every basket, by name: ``id``, ``name``, ``description``, ``kind``, ``members`` (count) and
    ``decisions`` (count of distinct decisions that trade it)."""
    return _frame(
        conn,
        "SELECT b.id, b.name, b.description, b.kind, "
        "(SELECT count(*) FROM basket_members m WHERE m.basket_id = b.id) AS members, "
        "(SELECT count(DISTINCT x.decision_id) FROM decision_baskets x WHERE x.basket_id = b.id) AS decisions "
        "FROM baskets b ORDER BY b.name COLLATE NOCASE, b.id",
    )


def get_basket(conn: sqlite3.Connection, basket_id: str) -> dict | None:
    """One basket's row (``id``, ``name``, ``description``, ``kind``) or None when there is none."""
    row = conn.execute("SELECT id, name, description, kind FROM baskets WHERE id = ?", [basket_id]).fetchone()
    return None if row is None else dict(zip(("id", "name", "description", "kind"), row, strict=True))


def members(
    conn: sqlite3.Connection, basket_id: str, since: date | None = None, until: date | None = None
) -> pd.DataFrame:
    """The basket's members, heaviest first: ``ticker``, ``name``, ``weight``, ``sector``, ``country``
    (from ``companies``), plus ``articles`` (articles mentioning the company, within ``since``..``until``
    when given) and ``mean_sentiment`` (the mean of its mentions' sentiment there)."""
    dates, params = _date_clause(since, until)
    return _frame(
        conn,
        "SELECT m.ticker, coalesce(c.name, m.name, m.ticker) AS name, m.weight, c.sector, c.country, "
        "coalesce(s.articles, 0) AS articles, s.mean_sentiment "
        "FROM basket_members m LEFT JOIN companies c ON c.ticker = m.ticker "
        "LEFT JOIN (SELECT e.ticker, count(DISTINCT e.article_id) AS articles, avg(e.sentiment) AS mean_sentiment "
        "  FROM article_entities e JOIN articles a ON a.id = e.article_id "
        f"  WHERE e.ticker IN (SELECT ticker FROM basket_members WHERE basket_id = ?){dates} GROUP BY e.ticker"
        ") s ON s.ticker = m.ticker "
        "WHERE m.basket_id = ? ORDER BY m.weight DESC, m.ticker",
        [basket_id, *params, basket_id],
    )


def basket_sentiment(
    conn: sqlite3.Connection,
    basket_id: str,
    grain: str = "week",
    since: date | None = None,
    until: date | None = None,
) -> pd.DataFrame:
    """The basket sentiment index over time, one row per period that has data, oldest first.

    A period is a day, a week (starting Monday) or a month (``grain``). For each period the index is
    the mean of ``article_entities.sentiment`` over the mentions of member tickers in articles published
    then, weighted by member weight × mention relevance; mentions without a sentiment (or with no
    positive weight) are skipped. Columns: ``period`` (date), ``sentiment``, ``articles`` (distinct
    articles), ``mentions`` (member mentions counted) and ``weight_sum`` (the period's total weight, to
    combine periods). ``since``/``until`` limit the publish days (inclusive).
    """
    if grain not in _PERIOD_SQL:
        raise BasketError(f"grain {grain!r} is not one of {', '.join(GRAINS)}")
    dates, params = _date_clause(since, until, "e")
    df = _frame(  # each mention carries its article's publish time (schema v10): no article look-ups
        conn,
        f"SELECT {_PERIOD_SQL[grain]} AS period, "
        "sum(m.weight * e.relevance * e.sentiment) / sum(m.weight * e.relevance) AS sentiment, "
        "count(DISTINCT e.article_id) AS articles, count(*) AS mentions, sum(m.weight * e.relevance) AS weight_sum "
        "FROM basket_members m JOIN article_entities e ON e.ticker = m.ticker "
        "WHERE m.basket_id = ? AND e.sentiment IS NOT NULL AND m.weight * e.relevance > 0 "
        f"AND e.published_at IS NOT NULL{dates} GROUP BY period ORDER BY period",
        [basket_id, *params],
    )
    if df.empty:
        return pd.DataFrame(columns=["period", "sentiment", "articles", "mentions", "weight_sum"])
    df["period"] = pd.to_datetime(df["period"]).dt.date
    df["sentiment"] = df["sentiment"].astype(float)
    return df


def overall_sentiment(index: pd.DataFrame) -> float | None:
    """The index over all the periods of ``index`` (a :func:`basket_sentiment` frame), or None."""
    if index.empty or not index["weight_sum"].sum():
        return None
    return float((index["sentiment"] * index["weight_sum"]).sum() / index["weight_sum"].sum())


def basket_decisions(
    conn: sqlite3.Connection, basket_id: str, since: date | None = None, until: date | None = None
) -> pd.DataFrame:
    """Decisions that trade the basket (through ``decision_baskets``), newest article first: the
    ``decisions`` columns, the leg's ``side`` (long, short, funding) and the article's ``title`` and
    ``published_at``."""
    dates, params = _date_clause(since, until)
    df = _frame(
        conn,
        "SELECT d.id, x.side, d.article_id, a.title, a.published_at, d.position, d.text, d.action, d.direction, "
        "d.instruments, d.structure, d.horizon_text, d.horizon_min_days, d.horizon_max_days, d.conditions "
        "FROM decision_baskets x JOIN decisions d ON d.id = x.decision_id JOIN articles a ON a.id = d.article_id "
        f"WHERE x.basket_id = ?{dates} ORDER BY a.published_at DESC, d.article_id, d.position, x.side",
        [basket_id, *params],
    )
    for col in ("position", "horizon_min_days", "horizon_max_days"):
        df[col] = df[col].astype("Int64")
    return df


def recent_articles(
    conn: sqlite3.Connection,
    basket_id: str,
    limit: int = 10,
    since: date | None = None,
    until: date | None = None,
) -> pd.DataFrame:
    """The newest articles that mention a member of the basket (at most ``limit``): ``id``,
    ``published_at``, ``title``, ``source``, ``url``, ``sentiment``, ``sentiment_label``, ``impact``,
    ``members`` (the member tickers named, comma-separated) and ``basket_sentiment`` (the article's
    weighted mean over those mentions)."""
    dates, params = _date_clause(since, until, "e")
    limit = max(0, int(limit))
    # The newest ``limit`` mentions of each member, from the (ticker, published_at) index: the newest
    # ``limit`` articles of the basket are among them (an article ranked above one of them for its
    # ticker is also ranked above it overall), so a few index seeks per member replace any scan.
    found: dict[str, str] = {}
    for (ticker,) in conn.execute("SELECT ticker FROM basket_members WHERE basket_id = ?", [basket_id]).fetchall():
        for published, article_id in conn.execute(
            f"SELECT e.published_at, e.article_id FROM article_entities e WHERE e.ticker = ?{dates} "
            "AND e.published_at IS NOT NULL ORDER BY e.published_at DESC, e.article_id LIMIT ?",
            [ticker, *params, limit],
        ):
            found[article_id] = published
    newest = sorted(sorted(found), key=found.__getitem__, reverse=True)[:limit]  # newest first, ties by id
    marks = ", ".join("?" for _ in newest) or "NULL"
    df = _frame(
        conn,
        "SELECT a.id, a.published_at, a.title, a.source, a.url, a.sentiment, a.sentiment_label, a.impact, "
        "group_concat(e.ticker, ',') AS members, "
        "sum(CASE WHEN e.sentiment IS NOT NULL THEN m.weight * e.relevance * e.sentiment END) "
        "/ sum(CASE WHEN e.sentiment IS NOT NULL THEN m.weight * e.relevance END) AS basket_sentiment "
        f"FROM articles a JOIN article_entities e ON e.article_id = a.id "
        f"JOIN basket_members m ON m.ticker = e.ticker AND m.basket_id = ? WHERE a.id IN ({marks}) "
        "GROUP BY a.id ORDER BY a.published_at DESC, a.id",
        [basket_id, *newest],
    )
    df["members"] = df["members"].map(lambda s: ", ".join(sorted(str(s).split(","))) if s else "")
    return df


def companies(conn: sqlite3.Connection) -> pd.DataFrame:
    """Every known company (``ticker``, ``name``, ``sector``, ``country``), by ticker: the choices
    for a basket's members."""
    return _frame(conn, "SELECT ticker, name, sector, country FROM companies ORDER BY ticker")


# -------------------------------------------------------------------------------------------- writes


def slugify(name: str) -> str:
    """``"Japan defense & shipyards"`` -> ``"japan-defense-shipyards"`` (letters and digits kept, any
    script; everything else becomes one hyphen)."""
    return re.sub(r"[\W_]+", "-", name.casefold()).strip("-")[:60].strip("-")


def _clean_name(name) -> str:
    if not isinstance(name, str) or not name.strip():
        raise BasketError("a basket needs a name: type one, e.g. 'Japan shipbuilders'")
    name = " ".join(name.split())
    if len(name) > MAX_NAME:
        raise BasketError(f"the name is {len(name)} characters long: keep it to {MAX_NAME}")
    if not slugify(name):
        raise BasketError(f"the name {name!r} needs at least one letter or digit")
    return name


def _clean_description(description) -> str:
    if description is None:
        return ""
    if not isinstance(description, str):
        raise BasketError("the description must be text")
    description = description.strip()
    if len(description) > MAX_DESCRIPTION:
        raise BasketError(f"the description is {len(description)} characters long: keep it to {MAX_DESCRIPTION}")
    return description


def _weight(ticker: str, raw) -> float | None:
    if raw is None:
        return None
    if isinstance(raw, bool):
        raise BasketError(f"the weight of {ticker!r} must be a number, got {raw!r}")
    try:
        value = float(raw)
    except (TypeError, ValueError):
        raise BasketError(f"the weight of {ticker!r} must be a number, got {raw!r}") from None
    if not math.isfinite(value):
        raise BasketError(f"the weight of {ticker!r} must be a finite number, got {raw!r}")
    if value < 0:
        raise BasketError(f"the weight of {ticker!r} is negative ({value:g}): weights must be positive")
    if value == 0:
        raise BasketError(f"the weight of {ticker!r} is 0: give it a positive weight or leave the ticker out")
    return value


def _clean_members(conn: sqlite3.Connection, members) -> dict[str, tuple[str, float]]:
    """Validate members (ticker -> weight or None) into ticker -> (company name, normalised weight).

    Tickers match ``companies`` case-insensitively; a missing weight gets the mean of the given ones
    (all missing: equal weights); weights are scaled to sum to 1.
    """
    if members is None:
        members = {}
    if not isinstance(members, Mapping):
        if isinstance(members, str):
            raise BasketError("members must be a list of tickers or a ticker -> weight mapping, not one string")
        members = dict.fromkeys(members)
    if not members:
        raise BasketError(
            f"a basket needs at least one member: choose tickers from data/companies.csv, e.g. {EXAMPLE_TICKER}"
        )
    if len(members) > MAX_MEMBERS:
        raise BasketError(f"a basket can have at most {MAX_MEMBERS} members, got {len(members)}")
    if conn.execute("SELECT 1 FROM companies LIMIT 1").fetchone() is None:
        raise BasketError(
            "this database has no companies yet: load data/companies.csv with `python -m newsdesk init --demo` "
            "or any `python -m newsdesk ingest`"
        )
    cleaned: dict[str, tuple[str, float | None]] = {}
    for raw_ticker, raw_weight in members.items():
        if not isinstance(raw_ticker, str) or not raw_ticker.strip():
            raise BasketError(
                f"a member has an empty ticker: use a ticker from data/companies.csv, e.g. {EXAMPLE_TICKER}"
            )
        wanted = raw_ticker.strip()
        row = conn.execute(
            "SELECT ticker, name FROM companies WHERE ticker = ? COLLATE NOCASE ORDER BY ticker = ? DESC LIMIT 1",
            [wanted, wanted],
        ).fetchone()
        if row is None:
            raise BasketError(f"unknown ticker {wanted!r}: use a ticker from data/companies.csv, e.g. {EXAMPLE_TICKER}")
        ticker, name = row
        if ticker in cleaned:
            raise BasketError(f"ticker {ticker!r} is listed twice: list each member once")
        cleaned[ticker] = (name, _weight(ticker, raw_weight))
    given = [w for _, w in cleaned.values() if w is not None]
    fill = sum(given) / len(given) if given else 1.0
    total = sum(w if w is not None else fill for _, w in cleaned.values())
    return {t: (name, (w if w is not None else fill) / total) for t, (name, w) in cleaned.items()}


def _check_unique_name(conn: sqlite3.Connection, name: str, own_id: str | None = None) -> None:
    wanted = name.casefold()
    for basket_id, other in conn.execute("SELECT id, name FROM baskets").fetchall():
        if basket_id != own_id and (other or "").casefold() == wanted:
            raise BasketError(f"a basket named {other!r} already exists (id {basket_id}): choose another name")


def _new_id(conn: sqlite3.Connection, name: str) -> str:
    taken = {r[0] for r in conn.execute("SELECT id FROM baskets").fetchall()} | {b.id for b in load_baskets()}
    base = slugify(name)
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def _editable(conn: sqlite3.Connection, basket_id: str, verb: str) -> dict:
    basket = get_basket(conn, basket_id)
    if basket is None:
        raise BasketError(f"there is no basket with id {basket_id!r} (was it deleted already?)")
    if basket["kind"] != CUSTOM:
        raise BasketError(
            f"{basket['name']!r} is a {basket['kind']} basket from data/baskets.toml: it can't be {verb} here. "
            "Start a custom basket from its members instead, or change data/baskets.toml."
        )
    return basket


def _write_members(db: sqlite_utils.Database, basket_id: str, cleaned: dict[str, tuple[str, float]]) -> None:
    db.execute("DELETE FROM basket_members WHERE basket_id = ?", [basket_id])
    for ticker, (name, weight) in cleaned.items():
        db.execute(
            "INSERT INTO basket_members (basket_id, ticker, name, weight) VALUES (?, ?, ?, ?)",
            [basket_id, ticker, name, weight],
        )


def create_basket(
    db: sqlite_utils.Database,
    name: str,
    description: str | None = "",
    members: Mapping[str, float | None] | Iterable[str] | None = None,
) -> str:
    """Create a custom basket and return its id (slugged from the name, made unique).

    ``members`` maps tickers of ``companies`` to weights (or is a list of tickers: equal weights); a
    missing weight gets the mean of the others and weights are normalised to sum to 1. Raises
    :class:`BasketError` for an empty or duplicate name, no members, an unknown ticker, or a zero,
    negative or non-numeric weight.
    """
    with transaction(db):
        clean_name = _clean_name(name)
        clean_description = _clean_description(description)
        _check_unique_name(db.conn, clean_name)
        cleaned = _clean_members(db.conn, members)
        basket_id = _new_id(db.conn, clean_name)
        db.execute(
            "INSERT INTO baskets (id, name, description, kind) VALUES (?, ?, ?, ?)",
            [basket_id, clean_name, clean_description, CUSTOM],
        )
        _write_members(db, basket_id, cleaned)
    return basket_id


def update_basket(
    db: sqlite_utils.Database,
    basket_id: str,
    name: str | None = None,
    description: str | None = None,
    members: Mapping[str, float | None] | Iterable[str] | None = None,
) -> None:
    """Change a custom basket's name, description and/or members (None leaves a field as it is).
    The id stays the same, so links and URLs keep working. Same validation as :func:`create_basket`;
    a sector basket (or an unknown id) raises :class:`BasketError`."""
    with transaction(db):
        _editable(db.conn, basket_id, "edited")
        if name is not None:
            clean_name = _clean_name(name)
            _check_unique_name(db.conn, clean_name, own_id=basket_id)
            db.execute("UPDATE baskets SET name = ? WHERE id = ?", [clean_name, basket_id])
        if description is not None:
            db.execute("UPDATE baskets SET description = ? WHERE id = ?", [_clean_description(description), basket_id])
        if members is not None:
            _write_members(db, basket_id, _clean_members(db.conn, members))


def delete_basket(db: sqlite_utils.Database, basket_id: str) -> None:
    """Delete a custom basket with its members and decision links. A sector basket, or an id that
    does not exist (e.g. deleted already), raises :class:`BasketError`."""
    with transaction(db):
        _editable(db.conn, basket_id, "deleted")
        db.execute("DELETE FROM decision_baskets WHERE basket_id = ?", [basket_id])
        db.execute("DELETE FROM basket_members WHERE basket_id = ?", [basket_id])
        db.execute("DELETE FROM baskets WHERE id = ?", [basket_id])
