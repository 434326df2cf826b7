"""CSV export, safe to open in a spreadsheet (OWASP CSV injection; ARCHITECTURE.md, "Conventions")."""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from datetime import date
from urllib.parse import quote

import pandas as pd

from newsdesk.domain.cells import missing
from newsdesk.domain.legs import decode_legs, exposure_text, legs_in_words

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
    if "instruments" not in decisions.columns or "exposures" in decisions.columns:
        return decisions  # no legs, or a read gave them their exposures already
    out = decisions.copy()
    exposures = [exposure_text(decode_legs(v)) or None for v in out["instruments"]]
    out.insert(list(out.columns).index("instruments") + 1, "exposures", pd.Series(exposures, out.index, dtype=object))
    return out


def csv_bytes(df: pd.DataFrame, bom: bool = False) -> bytes:
    """UTF-8 CSV bytes of ``df`` (no index), neutralised against formula injection. Rows end in
    CRLF (RFC 4180), so a cell holding a bare CR is quoted instead of breaking its row in two — the
    text after that CR would otherwise start a new, unneutralised cell. With ``bom`` the bytes start
    with a UTF-8 byte-order mark (Excel on Windows then reads ’, CJK and Cyrillic right)."""
    text = safe_frame(df).to_csv(index=False, lineterminator="\r\n").encode("utf-8")
    return (BOM if bom else b"") + text


BOM = "\ufeff".encode()
COLUMN_SETS = ("human", "all")

# the columns an analyst reads, in order: name in the file -> how it is made from an article row
HUMAN_COLUMNS = (
    "published (UTC)",
    "title",
    "source",
    "url",
    "sentiment",
    "label",
    "impact",
    "market news",
    "market relevance",
    "categories",
    "companies",
    "decisions",
    "newsdesk link",
)
STORY_HUMAN_COLUMNS = ("outlets", "story size")  # after "source", when each row stands for a story


def human_columns(per_story: bool = False) -> tuple[str, ...]:
    """:data:`HUMAN_COLUMNS`, with :data:`STORY_HUMAN_COLUMNS` after ``source`` when ``per_story``."""
    if not per_story:
        return HUMAN_COLUMNS
    at = HUMAN_COLUMNS.index("source") + 1
    return HUMAN_COLUMNS[:at] + STORY_HUMAN_COLUMNS + HUMAN_COLUMNS[at:]


def human_frame(df: pd.DataFrame, link_base: str | None = None, per_story: bool = False) -> pd.DataFrame:
    """The analyst's columns (:func:`human_columns`) of an article frame (the columns of
    ``read.articles.article_chunks``): published as ``YYYY-MM-DD HH:MM`` UTC, which Excel reads as a
    date, blanks for missing values, and a link to the article's page in the dashboard at
    ``link_base`` (left blank without one); ``market news`` is yes/no (``market_relevant``), blank when
    not scored. With ``per_story``, ``outlets`` and ``story size`` (each row stands for its story)."""
    published = pd.to_datetime(df["published_at"], utc=True, errors="coerce", format="ISO8601")
    base = (link_base or "").rstrip("/")
    links = [f"{base}/Article?id={quote(str(i))}" if base else "" for i in df["id"]]
    decisions = df["decision_count"] if "decision_count" in df else pd.Series(0, index=df.index)
    out = pd.DataFrame(
        {
            "published (UTC)": published.dt.strftime("%Y-%m-%d %H:%M").fillna(""),
            "title": df["title"],
            "source": df["source"],
            "url": df["url"],
            "sentiment": pd.to_numeric(df["sentiment"], errors="coerce").round(3),
            "label": df["sentiment_label"],
            "impact": pd.to_numeric(df["impact"], errors="coerce").round(3),
            "market news": _yes_no(df["market_relevant"]) if "market_relevant" in df else "",
            "market relevance": (
                pd.to_numeric(df["market_relevance"], errors="coerce").round(3) if "market_relevance" in df else None
            ),
            "categories": df["categories"],
            "companies": df["companies"],
            "decisions": decisions.fillna(0).astype(int),
            "newsdesk link": links,
        },
        index=df.index,
    )
    for column in ("title", "source", "url", "label", "categories", "companies"):
        out[column] = out[column].astype(object).where(out[column].notna(), "")
    if per_story:
        for name, column in zip(STORY_HUMAN_COLUMNS, ("story_outlets", "story_size"), strict=True):
            values = df[column] if column in df else pd.Series(1, index=df.index)
            out[name] = pd.to_numeric(values, errors="coerce").fillna(1).astype(int)
        out = out[list(human_columns(True))]
    return out


def _yes_no(column: pd.Series) -> pd.Series:
    flags = pd.to_numeric(column, errors="coerce")
    return flags.map({1: "yes", 0: "no"}).astype(object).where(flags.notna(), "")


def csv_stream(
    chunks: Iterable[pd.DataFrame], columns: str = "human", link_base: str | None = None, per_story: bool = False
) -> Iterator[bytes]:
    """CSV bytes of article frames, chunk by chunk (a byte-order mark and the header first, then
    each chunk's rows): ``columns`` is ``human`` (:func:`human_frame`; with ``per_story``, rows that
    stand for stories, also ``outlets`` and ``story size``) or ``all`` (every stored column); each
    chunk is neutralised against formula injection. Memory stays that of one chunk."""
    if columns not in COLUMN_SETS:
        raise ValueError(f"columns must be one of {', '.join(COLUMN_SETS)}, not {columns!r}")
    first = True
    for df in chunks:
        view = human_frame(df, link_base, per_story) if columns == "human" else df
        text = safe_frame(view).to_csv(index=False, header=first, lineterminator="\r\n").encode("utf-8")
        yield (BOM + text) if first else text
        first = False
    if first:  # no article at all: the header alone
        human = human_columns(per_story)
        empty = pd.DataFrame(columns=list(human)) if columns == "human" else pd.DataFrame()
        yield BOM + empty.to_csv(index=False, lineterminator="\r\n").encode("utf-8")


def file_name(table: str, filters, today: date, columns: str = "human") -> str:
    """A download's file name that says its view and day: ``newsdesk-articles_topic-trade-tariffs_
    2026-05-01-to-2026-07-31_2026-12-06.csv`` (``filters`` is a ``read.filters.Filters``)."""
    parts = [f"newsdesk-{table}"]
    for name in ("topics", "labels", "sources", "companies"):
        values = getattr(filters, name)
        if values:
            parts.append(f"{name[:-1] if name != 'companies' else 'company'}-" + "+".join(map(_slug, values)))
    if filters.since or filters.until:
        lo = filters.since.isoformat() if filters.since else "start"
        hi = filters.until.isoformat() if filters.until else "end"
        parts.append(f"{lo}-to-{hi}")
    if filters.min_impact:
        parts.append(f"impact-{filters.min_impact:g}")
    if filters.text:
        parts.append("q-" + _slug(filters.text))
    if not getattr(filters, "market_only", True):
        parts.append("everything")
    if columns == "all":
        parts.append("all-columns")
    parts.append(today.isoformat())
    name = "_".join(parts)
    return (name[:180] if len(name) > 180 else name) + ".csv"


def _slug(text: str) -> str:
    """Lower-case letters, digits, dots and dashes only (safe in a file name on any system)."""
    return re.sub(r"[^a-z0-9.]+", "-", unicodedata.normalize("NFKD", str(text)).lower()).strip("-")[:40] or "x"


# ------------------------------------------------------------------ decisions

# the columns of a decisions CSV an analyst reads, in order
DECISION_HUMAN_COLUMNS = (
    "published (UTC)",
    "author",
    "source",
    "decision",
    "legs",
    "exposure",
    "rating",
    "price target",
    "horizon end",
    "status",
    "return",
    "excess return",
    "title",
    "newsdesk link",
)
DEFAULT_HORIZON_DAYS = 90  # the scorecard's default holding period (newsdesk.scorecard.rules)


def decisions_human(df: pd.DataFrame, link_base: str | None = None, results: Iterable = ()) -> pd.DataFrame:
    """The analyst's columns (:data:`DECISION_HUMAN_COLUMNS`) of a decisions frame (the columns of
    ``read.decisions.decisions``): published as ``YYYY-MM-DD HH:MM`` UTC, the author of an analyst
    call, each leg's company and exposure in words, the end of its horizon (the stated one, else the
    scorecard's default), and, from the scorecard ``results`` when given, its status, return and
    excess return (blank without prices); a link to the article in the dashboard at ``link_base``."""
    by_key = {(r.decision.article_id, int(r.decision.position)): r for r in results}
    published = pd.to_datetime(df["published_at"], utc=True, errors="coerce", format="ISO8601")
    base = (link_base or "").rstrip("/")
    rows = []
    for i, (_, row) in enumerate(df.iterrows()):
        result = by_key.get((str(row.get("article_id")), int(row["position"]) if pd.notna(row.get("position")) else -1))
        days = row.get("horizon_max_days")
        stated = days is not None and not pd.isna(days)
        span = int(days) if days is not None and stated else DEFAULT_HORIZON_DAYS
        day = published.iloc[i]
        end = "" if pd.isna(day) else (day + pd.Timedelta(days=span))
        status = (
            result.status if result is not None else (row.get("status") if isinstance(row.get("status"), str) else "")
        )
        rows.append(
            {
                "published (UTC)": "" if pd.isna(day) else day.strftime("%Y-%m-%d %H:%M"),
                "author": _text(row.get("author")),
                "source": _text(row.get("source")),
                "decision": _text(row.get("text")),
                "legs": legs_in_words(row.get("instruments")),
                "exposure": exposure_text(decode_legs(row.get("instruments"))),
                "rating": _text(row.get("rating")),
                "price target": _float(row.get("price_target")),
                "horizon end": "" if end == "" else end.strftime("%Y-%m-%d") + ("" if stated else " (default)"),
                "status": status,
                "return": None if result is None or result.return_ is None else round(result.return_, 4),
                "excess return": (
                    None if result is None or result.excess_return is None else round(result.excess_return, 4)
                ),
                "title": _text(row.get("title")),
                "newsdesk link": f"{base}/Article?id={quote(str(row.get('article_id')))}" if base else "",
            }
        )
    out = pd.DataFrame(rows, columns=list(DECISION_HUMAN_COLUMNS))
    for col in ("price target", "return", "excess return"):
        out[col] = pd.to_numeric(out[col], errors="coerce")
    return out


def decisions_csv(
    df: pd.DataFrame, columns: str = "human", link_base: str | None = None, results: Iterable = ()
) -> bytes:
    """The one writer of every decisions download and ``export decisions``: UTF-8 with a byte-order
    mark, formula-safe; ``human`` (:func:`decisions_human`) or ``all`` (every stored column, the legs
    as stored JSON, plus their ``exposures``)."""
    if columns not in COLUMN_SETS:
        raise ValueError(f"columns must be one of {', '.join(COLUMN_SETS)}, not {columns!r}")
    if columns == "human":
        return csv_bytes(decisions_human(df, link_base, results), bom=True)
    stored = df.copy()
    if "instruments" in stored.columns:
        stored["instruments"] = [
            v if isinstance(v, str) else None if missing(v) or not v else json.dumps(v) for v in stored["instruments"]
        ]  # a decision without legs (SQL NULL: NaN in the frame) is an empty cell, never "NaN"
    return csv_bytes(with_exposures(stored), bom=True)


def _text(value) -> str:
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def _float(value) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if number != number else number
