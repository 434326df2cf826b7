"""What a user may tell the parsers about an input: its format, column names, date pattern, what to do
with an unreadable date, and the name of its source."""

from __future__ import annotations

from dataclasses import dataclass, field

from newsdesk.domain.models import ParseResult
from newsdesk.domain.rejections import shown
from newsdesk.errors import RecordError
from newsdesk.ingest.normalize import parse_date
from newsdesk.ingest.outlets import site_outlet

BAD_DATE_CHOICES = ("reject", "estimate")
UNKNOWN_SOURCE = "unknown source"


@dataclass(frozen=True)
class ReadOptions:
    """Options of one ingest, the same for every input.

    ``columns`` maps newsdesk fields to an input's column or key names (CSV and JSON Lines);
    ``date_format`` is a strftime pattern tried before the built-in forms; ``on_bad_date`` is
    ``reject`` (the record becomes a problem) or ``estimate`` (the record is kept, its date estimated
    and flagged, and a warning given); ``source`` names the source of records that name none (and of
    every item of a feed)."""

    fmt: str = "auto"
    columns: dict[str, str] = field(default_factory=dict)
    date_format: str | None = None
    on_bad_date: str = "reject"
    source: str | None = None


DEFAULT_OPTIONS = ReadOptions()


class DateReader:
    """Reads the dates of one input under its options. An unreadable date is a :class:`RecordError`,
    or, with ``on_bad_date="estimate"``, the last readable date before it in the same input (None
    when there is none yet: the store then uses the ingest time), flagged as estimated and counted."""

    def __init__(self, options: ReadOptions | None = None) -> None:
        options = options or DEFAULT_OPTIONS
        self.date_format = options.date_format
        self.estimate = options.on_bad_date == "estimate"
        self.last_good: str | None = None
        self.estimated = 0
        self.examples: list[str] = []

    def read(self, value, required: str | None = None) -> tuple[str | None, bool]:
        """``(iso_date_or_None, estimated)`` for a raw date value. With ``required`` (what the record
        is, e.g. its title) an empty value is no date: a :class:`RecordError` ("no date"), or an
        estimate like an unreadable date; without it an empty value is None (the record has no date
        field at all)."""
        try:
            iso = parse_date(value, self.date_format)
            if iso is None and required is not None:
                raise RecordError(
                    f"no date: the row titled {shown(required)} has an empty date (so does a row split by a line "
                    "break in a title); choose to keep such rows with an estimated date"
                )
        except RecordError:
            if not self.estimate:
                raise
            self.estimated += 1
            if len(self.examples) < 3:
                self.examples.append(str(value if value not in (None, "") else "(no date)")[:80])
            return self.last_good, True
        if iso:
            self.last_good = iso
        return iso, False

    def report_to(self, result: ParseResult) -> ParseResult:
        """Move the estimates counted so far into ``result`` (called once per chunk)."""
        result.estimated_dates += self.estimated
        result.date_examples.extend(self.examples[: max(0, 3 - len(result.date_examples))])
        self.estimated, self.examples = 0, []
        return result


def site_name(url: str | None) -> str | None:
    """The outlet a URL belongs to, as a source name: its site's name from ``data/outlets.toml``
    (``https://www.reuters.com/x`` -> ``Reuters``), else its registrable domain
    (``https://news.example.co.uk/a`` -> ``example.co.uk``); None without a usable host."""
    return site_outlet(url)


def default_source(options: ReadOptions | None, *urls: str | None) -> str:
    """The source of a record that names none: ``--source``, else the outlet of the first URL that has
    a site (the record's link, then the input's own URL), else :data:`UNKNOWN_SOURCE` (which
    :func:`newsdesk.ingest.stream_path` turns into the file's name, said as such)."""
    if options and options.source:
        return options.source
    for url in urls:
        name = site_name(url)
        if name:
            return name
    return UNKNOWN_SOURCE
