"""CSV files of articles, with a column mapping.

Common headers are mapped automatically (case-insensitive): title/headline/headlines,
date/time/published/publishedAt/datetime/published_at, url/link, source/publisher,
summary/description, text/body/content, ticker/tickers/stock/symbol, category/categories/topic.
A mapping such as ``title=Headline,published_at=Time`` overrides the guesses.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from newsdesk.errors import RecordError, SourceReadError
from newsdesk.ingest.html import html_to_text
from newsdesk.ingest.normalize import collapse_ws, parse_date
from newsdesk.models import Article, CategoryTag, Entity, ParseResult, Problem

FIELDS = {
    "title": ("title", "headline", "headlines", "heading"),
    "published_at": (
        "published_at",
        "publishedat",
        "published",
        "date",
        "datetime",
        "time",
        "pubdate",
        "timestamp",
        "published date",
        "date published",
    ),
    "url": ("url", "link", "href", "article url"),
    "source": ("source", "publisher", "site", "outlet"),
    "summary": ("summary", "description", "lead", "abstract", "short description"),
    "body": ("body", "text", "content", "article", "full text"),
    "tickers": ("ticker", "tickers", "stock", "stocks", "symbol", "symbols"),
    "categories": ("category", "categories", "topic", "topics", "section"),
}
DELIMITERS = ",;\t|"
FALLBACK_DIALECTS = tuple(type("delimited", (csv.excel,), {"delimiter": d}) for d in DELIMITERS)
csv.field_size_limit(10_000_000)


def parse_mapping(spec: str | None) -> dict[str, str]:
    """``"title=Headline,published_at=Time"`` → ``{"title": "Headline", "published_at": "Time"}``."""
    mapping: dict[str, str] = {}
    for part in (spec or "").split(","):
        if not part.strip():
            continue
        field, sep, column = part.partition("=")
        field = field.strip()
        if not sep or field not in FIELDS or not column.strip():
            raise SourceReadError(
                f"bad column mapping {part.strip()!r}: write FIELD=Column with FIELD one of {', '.join(FIELDS)}"
            )
        mapping[field] = column.strip()
    return mapping


def guess_mapping(header: list[str]) -> dict[str, str]:
    """Map newsdesk fields to the CSV's columns by their names."""
    lowered = {h.strip().casefold(): h for h in header}
    mapping = {}
    for field, names in FIELDS.items():
        for name in names:
            if name in lowered:
                mapping[field] = lowered[name]
                break
    return mapping


def looks_like_csv(text: str) -> bool:
    """True when the first line is a delimited header naming a title-like column."""
    first = text.lstrip("\ufeff").split("\n", 1)[0]
    try:
        header = next(csv.reader([first]))
    except (csv.Error, StopIteration):
        return False
    return len(header) >= 2 and "title" in guess_mapping(header)


def sniff_dialect(text: str, mapping: dict[str, str] | None = None):
    """The dialect of ``text``: csv.Sniffer's guess when the header it gives names a title column,
    else the first of , ; tab | that does (the sniffer fails on a lone header row, a trailing blank
    line or a row of empty cells), else the guess."""
    try:
        guess = csv.Sniffer().sniff(text[:4096], delimiters=DELIMITERS)
    except csv.Error:
        guess = csv.excel
    title = (mapping or {}).get("title")
    for dialect in (guess, *FALLBACK_DIALECTS):
        try:
            header = next(csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""), dialect))
        except (StopIteration, csv.Error):
            continue
        if (title in header) if title else "title" in guess_mapping(header):
            return dialect
    return guess


def parse_text(text: str, source_name: str, categories=(), mapping: dict[str, str] | None = None) -> ParseResult:
    """Parse CSV text; each row that cannot be read becomes a problem with its line number."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""), sniff_dialect(text, mapping))
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        raise SourceReadError(f"{source_name} has no header row") from None
    cols = {**guess_mapping(header), **(mapping or {})}
    missing = [c for c in cols.values() if c not in header]
    if missing:
        raise SourceReadError(f"{source_name} has no column {missing[0]!r}; its columns are: {', '.join(header)}")
    if "title" not in cols:
        raise SourceReadError(
            f"{source_name}: no title column among {', '.join(header)}; name one with --columns title=COLUMN"
        )
    index = {field: header.index(col) for field, col in cols.items()}
    result = ParseResult()
    default_source = Path(source_name.split("?", 1)[0]).stem or source_name
    while True:
        line = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            result.problems.append(Problem(source_name, f"{source_name}:{line}", f"unreadable CSV row: {exc}"))
            continue
        if not any(cell.strip() for cell in row):
            continue
        locator = f"{source_name}:{line}"  # the row's first line, even when a quoted cell spans several
        try:
            article = parse_row(row, index, default_source)
        except RecordError as exc:
            reason = f"line {line}: {exc}"
            result.problems.append(Problem(source_name, locator, reason, ",".join(row)[:2000]))
            continue
        article.locator = locator
        result.articles.append(article)
    return result


def parse_row(row: list[str], index: dict[str, int], default_source: str) -> Article:
    """One CSV row."""

    def get(field: str) -> str:
        i = index.get(field)
        return row[i] if i is not None and i < len(row) else ""

    title = collapse_ws(html_to_text(get("title")))
    if not title:
        raise RecordError("the title cell is empty")
    tickers = [t.strip().lstrip("$") for t in get("tickers").replace(";", ",").replace("|", ",").split(",")]
    cats = [c.strip() for c in get("categories").replace("|", ";").split(";")]
    return Article(
        title=title,
        source=collapse_ws(get("source")) or default_source,
        url=get("url").strip() or None,
        published_at=parse_date(get("published_at") or None),
        summary=html_to_text(get("summary")),
        body=html_to_text(get("body")),
        categories=[CategoryTag(c) for c in cats if c],
        entities=[Entity(t, t) for t in tickers if t],
    )
