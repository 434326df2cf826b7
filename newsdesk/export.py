"""CSV export, safe to open in a spreadsheet (OWASP CSV injection; ARCHITECTURE.md, "Conventions")."""

from __future__ import annotations

import json
import unicodedata

import pandas as pd

from newsdesk.score.decisions import exposure_text

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n")
FORMULA_SIGNS = ("=", "+", "-", "@")


def is_formula(value: str) -> bool:
    """True when a spreadsheet could run ``value`` as a formula: it starts with one of
    :data:`FORMULA_PREFIXES` (OWASP), or its first character after leading whitespace is ``= + - @``
    or a full-width/compatibility form of one (``＝ ＋ － ＠``; NFKC folds them) — importers that trim
    spaces, and CJK spreadsheets and input methods that fold full-width signs, would evaluate it."""
    if value.startswith(FORMULA_PREFIXES):
        return True
    return unicodedata.normalize("NFKC", value.lstrip()[:1]) in FORMULA_SIGNS


def neutralise(value):
    """Prefix a text cell that a spreadsheet would run as a formula with ``'``."""
    if isinstance(value, str) and is_formula(value):
        return "'" + value
    return value


def safe_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` whose text cells are neutralised; numeric columns stay numbers."""
    out = df.copy()
    for col in out.columns:
        if not pd.api.types.is_numeric_dtype(out[col]) and not pd.api.types.is_bool_dtype(out[col]):
            out[col] = _neutralise_column(out[col])
    return out


def _neutralise_column(column: pd.Series) -> pd.Series:
    """:func:`neutralise` over a column, vectorised for the usual cell: one that starts with a letter
    or a digit can never be a formula, so only the others go through the exact test."""
    try:
        plain = column.str.match(r"\w", na=False).to_numpy(dtype=bool)
    except AttributeError:  # no text in this column at all
        return column.map(neutralise)
    if plain.all():
        return column
    out = column.astype(object)
    out[~plain] = column[~plain].map(neutralise).astype(object)
    return out


def with_exposures(decisions: pd.DataFrame) -> pd.DataFrame:
    """A copy of a decisions frame with an ``exposures`` column after ``instruments``: each leg's
    side and name in bullet order (``reduce AAPL; long MSFT``). ``instruments`` may hold the JSON
    text as stored or the decoded lists."""
    if "instruments" not in decisions.columns:
        return decisions
    out = decisions.copy()
    exposures = [exposure_text(_legs(v)) or None for v in out["instruments"]]
    out.insert(out.columns.get_loc("instruments") + 1, "exposures", pd.Series(exposures, out.index, dtype=object))
    return out


def _legs(value) -> list:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return []
    return value if isinstance(value, list) else []


def csv_bytes(df: pd.DataFrame) -> bytes:
    """UTF-8 CSV bytes of ``df`` (no index), neutralised against formula injection. Rows end in
    CRLF (RFC 4180), so a cell holding a bare CR is quoted instead of breaking its row in two — the
    text after that CR would otherwise start a new, unneutralised cell."""
    return safe_frame(df).to_csv(index=False, lineterminator="\r\n").encode("utf-8")
