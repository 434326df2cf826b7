"""Helpers shared by the JSON parsers: safe loading, typed field access, a document's items in chunks."""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterator

from newsdesk.domain.api_errors import api_error
from newsdesk.domain.models import Article, ParseResult, Problem
from newsdesk.errors import ApiError, RecordError, SourceReadError
from newsdesk.ingest.options import DateReader

MAX_DEPTH = 64
CHUNK_RECORDS = 1_000


def load_json(text: str, name: str):
    """Parse a whole JSON document; raise :class:`SourceReadError` with the position when invalid
    or nested absurdly deep."""
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SourceReadError(json_error(name, text, exc)) from None
    except RecursionError:
        raise SourceReadError(f"{name} is nested too deeply to be a news API response") from None
    except ValueError as exc:  # e.g. an integer longer than Python's 4300-digit limit
        raise SourceReadError(f"{name} is not valid JSON ({exc})") from None
    if _depth(doc) > MAX_DEPTH:
        raise SourceReadError(f"{name} is nested more than {MAX_DEPTH} levels deep: refused")
    return doc


def json_error(name: str, text: str, exc: json.JSONDecodeError) -> str:
    """What is wrong with a JSON document: truncated (it ends before it is complete), or invalid
    at a position."""
    where = f"line {exc.lineno}, column {exc.colno}"
    if exc.pos >= len(text.rstrip()) or exc.msg.startswith("Unterminated string"):
        return f"{name} is truncated JSON: the document ends before it is complete ({exc.msg} at {where})"
    return f"{name} is not valid JSON ({exc.msg} at {where})"


def _depth(obj, level: int = 0) -> int:
    if level > MAX_DEPTH:
        return level
    if isinstance(obj, dict):
        return max((_depth(v, level + 1) for v in obj.values()), default=level + 1)
    if isinstance(obj, list):
        return max((_depth(v, level + 1) for v in obj[:50]), default=level + 1)
    return level


def text_field(obj: dict, key: str) -> str:
    """A string field ('' when missing or null); raise :class:`RecordError` for other types."""
    value = obj.get(key)
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str):
        raise RecordError(f"'{key}' must be text, got {type(value).__name__}")
    return value


def number_field(obj: dict, key: str, lo: float, hi: float) -> float | None:
    """A number field (numbers written as strings accepted), checked against [lo, hi]."""
    value = obj.get(key)
    if value is None or value == "":
        return None
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise RecordError(f"'{key}' {value!r} is not a number") from None
    except OverflowError:  # an integer beyond float's range
        raise RecordError(f"'{key}' is outside {lo:g}..{hi:g}") from None
    if isinstance(value, bool) or math.isnan(x) or not lo <= x <= hi:
        raise RecordError(f"'{key}' {value!r} is outside {lo:g}..{hi:g}")
    return x


def parse_items(
    items: list, source_name: str, parse_item: Callable[[object], Article], key: str, noun: str, start: int = 0
) -> ParseResult:
    """Parse each element of a response's list ``key``; a bad element becomes a problem located as
    ``source_name#key[n]`` (``n`` counted from ``start`` + 1) and the others go on."""
    result = ParseResult()
    for n, item in enumerate(items, start=start + 1):
        locator = f"{source_name}#{key}[{n}]"
        try:
            article = parse_item(item)
        except RecordError as exc:
            result.problems.append(Problem(source_name, locator, f"{noun} {n}: {exc}", str(item)[:2000]))
            continue
        article.locator = locator
        result.articles.append(article)
    return result


def load_document(text: str, name: str):
    """:func:`load_json`, and :class:`ApiError` when the document is a news API's error body."""
    doc = load_json(text, name)
    error = api_error(doc)
    if error:
        raise ApiError(f"{name} is {error}")
    return doc


def item_chunks(
    items: list, source_name: str, parse_item: Callable[[object], Article], key: str, noun: str, dates: DateReader
) -> Iterator[ParseResult]:
    """:func:`parse_items` over ``items`` in chunks of :data:`CHUNK_RECORDS`, each with its date report."""
    for start in range(0, max(len(items), 1), CHUNK_RECORDS):
        chunk = parse_items(items[start : start + CHUNK_RECORDS], source_name, parse_item, key, noun, start)
        yield dates.report_to(chunk)
