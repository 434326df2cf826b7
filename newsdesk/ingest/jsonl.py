"""JSON Lines: one article per line, in newsdesk's own schema or a dataset's.

Each line is a JSON object. ``title`` is required; every other key is optional::

    {"title": "...", "url": "https://...", "source": "...", "published_at": "2026-05-04T13:30:00Z",
     "summary": "...", "body": "...",
     "categories": ["Trade & Tariffs", {"category": "Macro & Growth", "relevance": 0.4}],
     "source_sentiment": 0.12, "source_sentiment_label": "neutral", "source_impact": 0.4,
     "decisions": ["Buy ...", {"text": "Hedge ..."}]}

Other field names are recognised like CSV column names (``headline``, ``link``, ``date``,
``short_description``, ``category`` ... the shape of the HuffPost news-category dataset), and
``--columns`` maps the others. A record without a source is named after its link's site.
Blank lines and lines starting with ``#`` are skipped.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import BinaryIO

from newsdesk.domain.api_errors import api_error
from newsdesk.domain.models import Article, CategoryTag, Decision, Entity, ParseResult, Problem
from newsdesk.errors import ApiError, RecordError
from newsdesk.ingest.decoding import HEAD_BYTES
from newsdesk.ingest.fields import guess_mapping, split_tickers
from newsdesk.ingest.format import Format, Head, Sample, Source
from newsdesk.ingest.jsondoc import number_field
from newsdesk.ingest.normalize import collapse_ws
from newsdesk.ingest.options import DateReader, ReadOptions, default_source
from newsdesk.score.labels import normalise_label

KNOWN_KEYS = {
    "id",
    "title",
    "url",
    "source",
    "published_at",
    "summary",
    "body",
    "categories",
    "source_sentiment",
    "source_sentiment_label",
    "source_impact",
    "decisions",
}
MAX_LINE = 5_000_000
CHUNK_RECORDS = 1_000
SUFFIXES = (".jsonl", ".ndjson")


def looks_like_jsonl(text: str) -> bool:
    """True when the first non-blank, non-comment line is a JSON object."""
    for line in text.split("\n"):  # JSON strings may hold U+2028, NEL ...
        s = line.strip()
        if not s or s.startswith("#"):
            continue
        if not s.startswith("{"):
            return False
        try:
            return isinstance(json.loads(s), dict)
        except (ValueError, RecursionError):
            return False
    return False


def parse_text(text: str, source_name: str, categories=(), options: ReadOptions | None = None) -> ParseResult:
    """Parse JSON Lines text; each bad line becomes a :class:`Problem` with its line number."""
    result = ParseResult()
    dates = DateReader(options)
    for n, line in enumerate(text.split("\n"), start=1):
        s = line.strip()
        if not s or s.startswith("#"):
            continue
        locator = f"{source_name}:{n}"
        try:
            article = parse_record(s, options, dates, source_name)
        except RecordError as exc:
            result.problems.append(Problem(source_name, locator, str(exc), s[:2000]))
            continue
        article.locator = locator
        result.articles.append(article)
    return dates.report_to(result)


def iter_chunks(
    stream: BinaryIO, source_name: str, chunk_records: int | None = None, options: ReadOptions | None = None
) -> Iterator[ParseResult]:
    """Parse a JSON Lines byte stream lazily, yielding results of at most ``chunk_records`` records.

    Memory stays bounded by one chunk and one line (a line longer than :data:`MAX_LINE` bytes is
    skipped without being held, and becomes a problem). Each line is decoded on its own: UTF-8
    (a BOM on the first line is dropped), else Windows-1252, else Latin-1.
    """
    chunk_records = chunk_records or CHUNK_RECORDS
    dates = DateReader(options)
    result = ParseResult()
    records = 0
    n = 0
    while True:
        raw = stream.readline(MAX_LINE + 1)
        if not raw:
            break
        n += 1
        locator = f"{source_name}:{n}"
        if len(raw) > MAX_LINE and not raw.endswith(b"\n"):
            skipped = len(raw) + _skip_line(stream)
            result.problems.append(
                Problem(source_name, locator, f"record is {skipped:,} bytes long; the limit is {MAX_LINE:,}", None)
            )
            records += 1
        else:
            s = _decode_line(raw, first=n == 1).strip()
            if not s or s.startswith("#"):
                continue
            records += 1
            try:
                article = parse_record(s, options, dates, source_name)
            except RecordError as exc:
                result.problems.append(Problem(source_name, locator, str(exc), s[:2000]))
            else:
                article.locator = locator
                result.articles.append(article)
        if records >= chunk_records:
            yield dates.report_to(result)
            result, records = ParseResult(), 0
    if records or n == 0:
        yield dates.report_to(result)


def _skip_line(stream: BinaryIO) -> int:
    """Read and drop the rest of an over-long line; return how many bytes were dropped."""
    dropped = 0
    while True:
        part = stream.readline(1 << 20)
        dropped += len(part)
        if not part or part.endswith(b"\n"):
            return dropped


def _decode_line(raw: bytes, first: bool) -> str:
    if first and raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    for encoding in ("utf-8", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")


def parse_record(
    line: str, options: ReadOptions | None = None, dates: DateReader | None = None, input_name: str = ""
) -> Article:
    """Parse one JSON line into an :class:`Article`; raise :class:`RecordError` when malformed."""
    if len(line) > MAX_LINE:
        raise RecordError(f"record is {len(line):,} characters long; the limit is {MAX_LINE:,}")
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        raise RecordError(f"not valid JSON ({exc.msg} at column {exc.colno})") from None
    except RecursionError:
        raise RecordError("JSON nested too deeply") from None
    except ValueError as exc:  # e.g. an integer of more than 4,300 digits
        raise RecordError(f"not usable JSON ({exc})") from None
    return record_article(obj, options, dates, input_name)


def record_article(
    obj, options: ReadOptions | None = None, dates: DateReader | None = None, input_name: str = ""
) -> Article:
    """An :class:`Article` from one decoded JSON record (a JSON Lines line or an element of a JSON
    array); raise :class:`RecordError` when malformed."""
    if not isinstance(obj, dict):
        raise RecordError(f"expected a JSON object, got {type(obj).__name__}")
    keys = {**guess_mapping(tuple(k for k in obj if isinstance(k, str))), **((options and options.columns) or {})}
    title = _text(obj, keys.get("title", "title"))
    if not title:
        raise RecordError(f"{keys.get('title', 'title')!r} is missing or empty")
    cats = _categories(obj, keys.get("categories", "categories"))
    decisions: list[Decision] = []
    raw_dec = obj.get("decisions") or []
    if not isinstance(raw_dec, list):
        raise RecordError("'decisions' must be a list of strings or {text} objects")
    for d in raw_dec:
        text = d if isinstance(d, str) else d.get("text") if isinstance(d, dict) else None
        if not isinstance(text, str) or not text.strip():
            raise RecordError(f"decision {d!r} has no text")
        decisions.append(Decision(position=len(decisions) + 1, text=collapse_ws(text)))
    date_key = keys.get("published_at", "published_at")
    published = obj.get(date_key)
    if published is not None and (isinstance(published, bool) or not isinstance(published, (str, int, float))):
        raise RecordError(f"{date_key!r} must be a string or epoch seconds")
    when, estimated = (dates or DateReader(options)).read(published)
    url = _text(obj, keys.get("url", "url")) or None
    return Article(
        title=title,
        source=_text(obj, keys.get("source", "source")) or default_source(options, url, input_name),
        url=url,
        published_at=when,
        published_estimated=estimated,
        summary=_text(obj, keys.get("summary", "summary"), keep_paragraphs=True),
        body=_text(obj, keys.get("body", "body"), keep_paragraphs=True),
        source_sentiment=number_field(obj, "source_sentiment", -1, 1),
        source_sentiment_label=normalise_label(_text(obj, "source_sentiment_label") or None),
        source_impact=number_field(obj, "source_impact", 0, 1),
        categories=cats,
        decisions=decisions,
        entities=_tickers(obj, keys.get("tickers")),
    )


def _categories(obj: dict, key: str) -> list[CategoryTag]:
    """Source categories: newsdesk's ``categories`` list (names or {category, relevance}); a dataset's
    ``category``/``topic`` may also be one name or names joined by ``;`` or ``|``."""
    raw = obj.get(key)
    if isinstance(raw, str) and key != "categories":
        raw = [c for c in raw.replace("|", ";").split(";") if c.strip()]
    raw = raw or []
    if not isinstance(raw, list):
        raise RecordError(f"{key!r} must be a list of names or {{category, relevance}} objects")
    cats = []
    for c in raw:
        if isinstance(c, str) and c.strip():
            cats.append(CategoryTag(collapse_ws(c), None, "source"))
        elif isinstance(c, dict) and isinstance(c.get("category"), str) and c["category"].strip():
            cats.append(CategoryTag(collapse_ws(c["category"]), number_field(c, "relevance", 0, 1), "source"))
        else:
            raise RecordError(f"category {c!r} is neither a name nor a {{category, relevance}} object")
    return cats


def _tickers(obj: dict, key: str | None) -> list[Entity]:
    raw = obj.get(key) if key else None
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list):
        return []
    tickers = split_tickers(",".join(t for t in raw if isinstance(t, str)))
    return [Entity(t, t) for t in tickers]


def _text(obj: dict, key: str, keep_paragraphs: bool = False) -> str:
    value = obj.get(key)
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and key not in KNOWN_KEYS:
        value = str(value)  # a dataset's numeric cell, e.g. a headline "2024"
    if not isinstance(value, str):
        raise RecordError(f"'{key}' must be a string, got {type(value).__name__}")
    if keep_paragraphs:
        paras = [collapse_ws(p) for p in value.replace("\r\n", "\n").split("\n\n")]
        return "\n\n".join(p for p in paras if p)
    return collapse_ws(value)


def read(source: Source, options: ReadOptions) -> Iterator[ParseResult]:
    """JSON Lines text, whole (a file is streamed by :func:`iter_chunks` instead)."""
    yield parse_text(source.text, source.name, options=options)


def _sniff(sample: Sample) -> bool:
    return sample.lead in ("{", "[") and looks_like_jsonl(sample.text)


def _check(sample: Sample) -> None:
    """Raise :class:`ApiError` when the first record is a news API's error body."""
    first = next((s for s in (line.strip() for line in sample.text[:HEAD_BYTES].split("\n")) if s), "")
    try:
        error = api_error(json.loads(first))
    except (ValueError, RecursionError):
        return
    if error:
        raise ApiError(f"{sample.name} is {error}")


def _streams(head: Head) -> bool:
    """True when the file's first line is an object that names a title (or the file is named as JSON
    Lines and its first two lines start like objects)."""
    if not head.text.startswith("{"):
        return False
    first, newline, rest = head.text.partition("\n")
    if not newline:
        return False  # one line (or a line longer than the head): read whole
    try:
        record = json.loads(first)
    except (ValueError, RecursionError):
        return head.suffix in SUFFIXES and rest.lstrip().startswith("{")
    if not isinstance(record, dict) or api_error(record):
        return False
    keys = tuple(k for k in record if isinstance(k, str))
    title = head.options.columns.get("title")
    return (title in keys) if title else "title" in guess_mapping(keys)


def _stream(stream: BinaryIO, head: Head) -> Iterator[ParseResult]:
    return iter_chunks(stream, head.name, options=head.options)


FORMAT = Format(
    "jsonl",
    "JSON Lines",
    SUFFIXES,
    sniff=_sniff,
    read=read,
    by_name=True,
    check=_check,
    streams=_streams,
    stream=_stream,
    comment="#",
)
