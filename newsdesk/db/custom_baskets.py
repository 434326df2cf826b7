"""Custom baskets: create, edit and delete the baskets a user makes in the dashboard.

Sector baskets come from ``data/baskets.toml`` (``kind = "sector"``) and are read-only here; custom
baskets (``kind = "custom"``) are created, edited and deleted through :func:`create_basket`,
:func:`update_basket` and :func:`delete_basket`, each in one ``BEGIN IMMEDIATE`` transaction, and
read like any basket through :mod:`newsdesk.db.read.baskets`.
"""

from __future__ import annotations

import math
import re
import sqlite3
from collections.abc import Iterable, Mapping
from typing import Any

from newsdesk.db.engine import Connection
from newsdesk.db.read.baskets import get_basket
from newsdesk.db.schema import transaction
from newsdesk.domain.reference import load_baskets
from newsdesk.errors import BasketError

CUSTOM = "custom"
SECTOR = "sector"

MAX_NAME = 80
MAX_DESCRIPTION = 500
MAX_MEMBERS = 100
EXAMPLE_TICKER = "7011.T"


def slugify(name: str) -> str:
    """``"Japan defense & shipyards"`` -> ``"japan-defense-shipyards"`` (letters and digits kept, any
    script; everything else becomes one hyphen)."""
    return re.sub(r"[\W_]+", "-", name.casefold()).strip("-")[:60].strip("-")


def _clean_name(name: object) -> str:
    if not isinstance(name, str) or not name.strip():
        raise BasketError("a basket needs a name: type one, e.g. 'Japan shipbuilders'")
    name = " ".join(name.split())
    if len(name) > MAX_NAME:
        raise BasketError(f"the name is {len(name)} characters long: keep it to {MAX_NAME}")
    if not slugify(name):
        raise BasketError(f"the name {name!r} needs at least one letter or digit")
    return name


def _clean_description(description: object) -> str:
    if description is None:
        return ""
    if not isinstance(description, str):
        raise BasketError("the description must be text")
    description = description.strip()
    if len(description) > MAX_DESCRIPTION:
        raise BasketError(f"the description is {len(description)} characters long: keep it to {MAX_DESCRIPTION}")
    return description


def _weight(ticker: str, raw: Any) -> float | None:
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


def _clean_members(conn: sqlite3.Connection, members: Any) -> dict[str, tuple[str, float]]:
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


def _editable(conn: sqlite3.Connection, basket_id: str, verb: str) -> dict[str, Any]:
    basket = get_basket(conn, basket_id)
    if basket is None:
        raise BasketError(f"there is no basket with id {basket_id!r} (was it deleted already?)")
    if basket["kind"] != CUSTOM:
        raise BasketError(
            f"{basket['name']!r} is a {basket['kind']} basket from data/baskets.toml: it can't be {verb} here. "
            "Start a custom basket from its members instead, or change data/baskets.toml."
        )
    return basket


def _write_members(db: Connection, basket_id: str, cleaned: dict[str, tuple[str, float]]) -> None:
    db.execute("DELETE FROM basket_members WHERE basket_id = ?", [basket_id])
    for ticker, (name, weight) in cleaned.items():
        db.execute(
            "INSERT INTO basket_members (basket_id, ticker, name, weight) VALUES (?, ?, ?, ?)",
            [basket_id, ticker, name, weight],
        )


def create_basket(
    db: Connection,
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
    db: Connection,
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


def delete_basket(db: Connection, basket_id: str) -> None:
    """Delete a custom basket with its members and decision links. A sector basket, or an id that
    does not exist (e.g. deleted already), raises :class:`BasketError`."""
    with transaction(db):
        _editable(db.conn, basket_id, "deleted")
        db.execute("DELETE FROM decision_baskets WHERE basket_id = ?", [basket_id])
        db.execute("DELETE FROM basket_members WHERE basket_id = ?", [basket_id])
        db.execute("DELETE FROM baskets WHERE id = ?", [basket_id])
