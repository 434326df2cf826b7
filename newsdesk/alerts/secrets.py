"""Notification URLs with their secrets masked, for every message, log, page and JSON.

An Apprise URL carries its secrets in the URL itself (a password, a webhook token in the path, an
API key in the query). :func:`mask_url` keeps what tells a reader which service it is — the scheme
and the host, with Apprise's own privacy form where Apprise knows the service — and hides the rest.
:func:`mask_text` hides every URL of a list in a free text (an error message may quote one).
"""

from __future__ import annotations

import logging
import re
from urllib.parse import urlsplit

from newsdesk.errors import NewsdeskError

MASK = "****"
# Apprise logs the URLs it cannot parse, secrets and all: its records go to handlers newsdesk adds
# (apprise.LogCapture while sending), never to the root logger or stderr.
logging.getLogger("apprise").addHandler(logging.NullHandler())
logging.getLogger("apprise").propagate = False


class NotifyUrlError(NewsdeskError):
    """A notification URL is not one Apprise can send to; the message says why (secrets masked)."""


def _generic(url: str) -> str:
    """``scheme://host/…``: the scheme and host of ``url``, the password and everything after the host hidden."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        return f"{url.split(':', 1)[0][:12]}://{MASK}" if ":" in url else MASK
    user = f"{parts.username}:{MASK}@" if parts.password else (f"{MASK}@" if parts.username else "")
    rest = "/…" if (parts.path.strip("/") or parts.query) else ""
    return f"{parts.scheme}://{user}{host}{port}{rest}"


def mask_url(url: str) -> str:
    """``url`` safe to show: Apprise's privacy form without its query (``slack://T...2/A...D/T...Q``,
    ``json://user:****@host/path``), else scheme and host only. Never the password, token or key."""
    url = str(url or "").strip()
    service = _service(url)
    if not service:
        return _generic(url)
    private = service.url(privacy=True)
    base = private.split("?", 1)[0].rstrip("/")
    secret_query = any(k.lower() in SECRET_KEYS for k in re.findall(r"[?&]([^=&]+)=", url))
    return base + ("?…" if secret_query else "")


SECRET_KEYS = {"token", "key", "apikey", "api_key", "secret", "password", "pass", "pw", "auth", "sig", "signature"}


def mask_text(text: str, urls: list[str] | tuple[str, ...]) -> str:
    """``text`` with every URL of ``urls`` replaced by its masked form, and every password or token
    of them hidden where it appears alone."""
    out = str(text or "")
    for url in sorted(set(urls), key=len, reverse=True):
        if url:
            out = out.replace(url, mask_url(url))
        for secret in secrets_of(url):
            out = out.replace(secret, MASK)
    return out


def secrets_of(url: str) -> list[str]:
    """The pieces of ``url`` that are secret: the password, the values of secret-named query keys,
    and long path segments (webhook tokens) of a service URL."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return []
    found = [parts.password] if parts.password else []
    for key, value in re.findall(r"[?&]([^=&]+)=([^&#]*)", url):
        if key.lower() in SECRET_KEYS and len(value) >= 3:
            found.append(value)
    if parts.scheme not in ("json", "jsons", "xml", "xmls", "form", "forms", "http", "https"):
        found += [s for s in re.split(r"[/@:]", url.split("://", 1)[-1].split("?", 1)[0]) if len(s) >= 8]
    return [s for s in found if s]


def _service(url: str):
    """Apprise's object for ``url`` (None when Apprise cannot parse it); Apprise is imported here,
    so the dashboard's reads never load it."""
    import apprise

    try:
        return apprise.Apprise.instantiate(url, suppress_exceptions=True) or None
    except Exception:  # noqa: BLE001 - a plugin failing to parse is "not parseable", never a crash
        return None


def check_url(url: str) -> str:
    """``url`` when Apprise can send to it; raise :class:`NotifyUrlError` (URL masked) otherwise."""
    if not _service(url):
        raise NotifyUrlError(
            f"{mask_url(url)} is not a notification URL Apprise knows (e.g. json://host/path, "
            "slack://..., mailto://user:pass@host; see the Apprise wiki)"
        )
    return url
