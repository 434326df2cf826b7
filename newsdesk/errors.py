"""One exception hierarchy for newsdesk.

Every error a user can cause derives from :class:`NewsdeskError`; its message says what went
wrong and what to do next, so the CLI can print it after ``Error:`` without a traceback.
"""


class NewsdeskError(Exception):
    """Base class of every error newsdesk raises on purpose."""


class SourceReadError(NewsdeskError):
    """An input (file or URL) could not be read at all: missing, unreadable, or not text."""


class ApiError(SourceReadError):
    """The input is a news API's error body (rate limit, bad key ...), not news; the message is the
    service's own."""


class UnknownFormatError(NewsdeskError):
    """The format of an input could not be recognised, or an unknown format was named."""


class RecordError(NewsdeskError):
    """One record of an input is malformed; it becomes a problem row, the batch goes on."""


class SchemaError(NewsdeskError):
    """The database schema is newer than this code, or could not be migrated."""


class ReadOnlyError(NewsdeskError):
    """A write was attempted where newsdesk runs read-only (``NEWSDESK_READONLY=1``)."""


class FilterError(NewsdeskError):
    """A filter value (date, topic) is not valid."""


class BasketError(NewsdeskError):
    """A basket cannot be created, changed or deleted as asked; the message says why and what to do."""
