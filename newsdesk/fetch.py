"""HTTP fetching for feeds and URL inputs: timeouts, retries with backoff, conditional requests."""

from __future__ import annotations

import gzip
import logging
import time
import urllib.error
import urllib.request
import zlib
from dataclasses import dataclass

from newsdesk import __version__
from newsdesk.domain.api_errors import api_error
from newsdesk.errors import ApiError, SourceReadError

log = logging.getLogger(__name__)

USER_AGENT = f"newsdesk/{__version__} (+feed reader)"
TIMEOUT = 20.0
RETRIES = 3
BACKOFF = 0.5
MAX_BYTES = 50 * 1024 * 1024


@dataclass
class FetchResult:
    """What a fetch returned: status 200 with a body, or 304 (not modified) without one."""

    status: int
    body: bytes = b""
    etag: str | None = None
    last_modified: str | None = None


def fetch_url(
    url: str,
    etag: str | None = None,
    last_modified: str | None = None,
    timeout: float = TIMEOUT,
    retries: int = RETRIES,
    backoff: float = BACKOFF,
) -> FetchResult:
    """GET ``url`` (http or https only), sending ``If-None-Match``/``If-Modified-Since`` when known.

    Connection errors, timeouts and 5xx/429 answers are retried ``retries`` times with exponential
    backoff; other 4xx answers fail at once. Raises :class:`SourceReadError` with what to do next.
    """
    if not url.lower().startswith(("http://", "https://")):
        raise SourceReadError(f"{url} is not an http(s) URL")
    headers = {"User-Agent": USER_AGENT, "Accept-Encoding": "gzip, deflate"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    last_error = ""
    for attempt in range(retries + 1):
        if attempt:
            delay = backoff * 2 ** (attempt - 1)
            log.info("%s: %s; retry %d of %d in %.1f s", url, last_error, attempt, retries, delay)
            time.sleep(delay)
        try:
            with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=timeout) as resp:
                body = resp.read(MAX_BYTES + 1)
                if len(body) > MAX_BYTES:
                    raise SourceReadError(f"{url} sent more than {MAX_BYTES:,} bytes: refused")
                encoding = (resp.headers.get("Content-Encoding") or "").lower()
                if encoding == "gzip":
                    body = gzip.decompress(body)
                elif encoding == "deflate":
                    body = zlib.decompress(body)
                log.info("fetched %s: HTTP %d, %s bytes", url, resp.status, f"{len(body):,}")
                return FetchResult(resp.status, body, resp.headers.get("ETag"), resp.headers.get("Last-Modified"))
        except urllib.error.HTTPError as exc:
            if exc.code == 304:
                log.info("fetched %s: not modified (HTTP 304)", url)
                return FetchResult(
                    304, b"", exc.headers.get("ETag") or etag, exc.headers.get("Last-Modified") or last_modified
                )
            message = _api_error(exc)
            if message:  # a news API's own reason (bad key, rate limit): retrying will not help
                raise ApiError(f"{url} answered HTTP {exc.code}, {message}") from None
            last_error = f"HTTP {exc.code} {exc.reason}"
            if exc.code < 500 and exc.code != 429:
                break
        except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            last_error = f"connection failed: {reason}"
        except (gzip.BadGzipFile, zlib.error, EOFError) as exc:
            last_error = f"bad compressed body: {exc}"
    log.info("%s could not be fetched: %s", url, last_error)
    raise SourceReadError(f"{url} could not be fetched ({last_error}); check the URL or try again later")


def _api_error(exc: urllib.error.HTTPError) -> str | None:
    """The service's message when an HTTP error's body is a news API's JSON error body."""
    import json

    try:
        return api_error(json.loads(exc.read(65536)))
    except (ValueError, OSError, RecursionError):
        return None
