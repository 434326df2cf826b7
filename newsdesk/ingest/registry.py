"""The one list of input formats, in detection order. ``--format``'s choices, the Ingest page's
format choice and accepted file types, detection and streaming all read it; a new format is a
module with a ``FORMAT`` (:class:`newsdesk.ingest.format.Format`) added here."""

from __future__ import annotations

from newsdesk.domain.api_errors import api_error
from newsdesk.errors import ApiError, SourceReadError, UnknownFormatError
from newsdesk.ingest import alphavantage, csvfile, feed, jsonarray, jsonl, newsapi, page
from newsdesk.ingest.format import COMPRESSED_SUFFIX, Format, Head, Sample, suffix_of
from newsdesk.ingest.options import ReadOptions

AUTO = "auto"
# The order is the detection order: the first format whose sniff claims an input reads it. The JSON
# documents come first (parsed once), then JSON Lines, feeds, pages, and CSV, whose test is the loosest.
REGISTRY: tuple[Format, ...] = (
    alphavantage.FORMAT,
    newsapi.FORMAT,
    jsonarray.FORMAT,
    jsonl.FORMAT,
    feed.FORMAT,
    page.FORMAT,
    csvfile.FORMAT,
)
BY_NAME: dict[str, Format] = {f.name: f for f in REGISTRY}
NAMES: tuple[str, ...] = tuple(BY_NAME)
CHOICES: tuple[str, ...] = (AUTO, *NAMES)


def format_named(name: str) -> Format:
    """The format called ``name``; :class:`UnknownFormatError` for any other name (``auto`` included)."""
    try:
        return BY_NAME[name]
    except KeyError:
        raise UnknownFormatError(f"unknown format {name!r}: choose one of {', '.join(CHOICES)}") from None


def labels() -> str:
    """The formats in words, for messages and help: ``Alpha Vantage NEWS_SENTIMENT JSON, ..., CSV/TSV ...``."""
    return ", ".join(f.label for f in REGISTRY)


def label_of(name: str) -> str:
    """What a format choice says to people: ``auto`` says it detects, a format its label and name."""
    if name == AUTO:
        return f"{AUTO}: detect each input's format"
    return f"{format_named(name).label} ({name})"


def choices_in_words() -> str:
    """Every format by name and label, for ``--format``'s help: ``alphavantage (Alpha Vantage ...), ...``."""
    return ", ".join(f"{f.name} ({f.label})" for f in REGISTRY)


def upload_types() -> list[str]:
    """The file endings (without the dot) the upload widget accepts: every format's, and ``gz``."""
    endings = dict.fromkeys(s.lstrip(".") for f in REGISTRY for s in f.suffixes)
    return [*endings, COMPRESSED_SUFFIX.lstrip(".")]


def detect(sample: Sample) -> Format:
    """The format of a whole decoded input: the first whose sniff claims it (the content wins over the
    name), else the first ``by_name`` format whose ending the name carries. Raises :class:`ApiError`
    for a news API's error body, :class:`SourceReadError` for truncated JSON and
    :class:`UnknownFormatError` when nothing fits."""
    if sample.doc is not None:
        error = api_error(sample.doc)
        if error:
            raise ApiError(f"{sample.name} is {error}")
    for fmt in REGISTRY:
        if fmt.sniff(sample):
            if fmt.check:
                fmt.check(sample)
            return fmt
    for fmt in REGISTRY:
        if fmt.by_name and sample.suffix in fmt.suffixes:
            return fmt
    if sample.json_problem:
        raise SourceReadError(sample.json_problem)
    raise UnknownFormatError(
        f"cannot tell the format of {sample.name}: it is none of {labels()}; force one with --format"
    )


def head_of(name: str, data: bytes, options: ReadOptions) -> Head:
    """The start of a file as the formats' ``streams`` see it: 8-bit decoded, leading blanks dropped,
    and leading comment lines skipped when its name carries the ending of a format with comments."""
    text = data.decode("utf-8", "ignore").lstrip("\ufeff \t\r\n")
    suffix = suffix_of(name)
    comment = next((f.comment for f in REGISTRY if f.comment and suffix in f.suffixes), None)
    while comment and text.startswith(comment) and "\n" in text:
        text = text.partition("\n")[2].lstrip(" \t\r\n")
    return Head(name, suffix, data, text, options)


def streamed(head: Head) -> Format | None:
    """The format a file is streamed as, from its start, or None when the whole file decides."""
    return next((f for f in REGISTRY if f.stream and f.streams and f.streams(head)), None)
