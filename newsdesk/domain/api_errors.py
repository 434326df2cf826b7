"""The error bodies of the news APIs newsdesk reads: Alpha Vantage's ``{"Note": ...}``,
``{"Information": ...}`` or ``{"Error Message": ...}`` and NewsAPI's ``{"status": "error", ...}``.

Both :mod:`newsdesk.fetch` (an HTTP error's body) and :mod:`newsdesk.ingest` (a file or answer
that is an error body, not news) read them; they live here so neither imports the other.
"""

from __future__ import annotations

ALPHAVANTAGE_ERROR_KEYS = ("Error Message", "Information", "Note")


def alphavantage_error(doc: object) -> str | None:
    """Alpha Vantage's own message when ``doc`` is one of its error bodies (``{"Note": "...API call
    frequency..."}``, ``{"Information": ...}``, ``{"Error Message": ...}``), else None."""
    if not isinstance(doc, dict) or "feed" in doc:
        return None
    for key in ALPHAVANTAGE_ERROR_KEYS:
        value = doc.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def newsapi_error(doc: object) -> str | None:
    """NewsAPI's own message when ``doc`` is one of its error bodies, else None."""
    if isinstance(doc, dict) and doc.get("status") == "error":
        message = doc.get("message") or doc.get("code") or "no message"
        code = doc.get("code")
        return f"{message} ({code})" if code and message != code else str(message)
    return None


def api_error(doc: object) -> str | None:
    """The service's own message when ``doc`` is an Alpha Vantage or NewsAPI error body."""
    message = alphavantage_error(doc)
    if message:
        return f"an Alpha Vantage error response, not news: {message}"
    message = newsapi_error(doc)
    if message:
        return f"a NewsAPI error response, not news: {message}"
    return None
