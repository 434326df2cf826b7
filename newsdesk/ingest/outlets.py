"""Which outlet a record comes from: a link's site named after its outlet (``data/outlets.toml``), an
outlet's other spellings merged into one name, and the name of the file when nothing else names it.

A site is its registrable domain by the Public Suffix List (``publicsuffixlist``, which ships the list:
nothing is downloaded), so ``feeds.reuters.com`` and ``www.reuters.com`` are one site.
"""

from __future__ import annotations

import functools
import ipaddress
import tomllib
from pathlib import PurePath
from urllib.parse import urlsplit

from publicsuffixlist import PublicSuffixList

from newsdesk.config import DATA_DIR

OUTLETS_FILE = DATA_DIR / "outlets.toml"
FILE_PREFIX = "file: "


@functools.lru_cache(maxsize=1)
def _psl() -> PublicSuffixList:
    return PublicSuffixList()


@functools.lru_cache(maxsize=1)
def outlet_table() -> tuple[dict[str, str], dict[str, str]]:
    """``(sites, aliases)`` from :data:`OUTLETS_FILE`: site -> outlet, casefolded alias -> outlet."""
    with OUTLETS_FILE.open("rb") as fh:
        data = tomllib.load(fh)
    sites = {k.casefold().strip("."): v for k, v in data.get("sites", {}).items()}
    aliases = {k.casefold().strip(): v for k, v in data.get("aliases", {}).items()}
    return sites, aliases


def _host(url: str | None) -> str | None:
    """The lower-case host of an http(s)-like URL, or None."""
    try:
        host = (urlsplit((url or "").strip()).hostname or "").rstrip(".")
    except ValueError:
        return None
    return host.casefold() or None


@functools.lru_cache(maxsize=4096)
def host_outlet(host: str) -> str | None:
    """The outlet of a host: the most specific :data:`OUTLETS_FILE` site that holds it, else its
    registrable domain (``news.example.co.uk`` -> ``example.co.uk``); None for an IP address, a
    single label (``localhost``) or a bare public suffix (``co.uk``)."""
    host = host.casefold().rstrip(".")
    if "." not in host or not host.replace(".", "").replace("-", "").isalnum():
        return None
    try:
        ipaddress.ip_address(host)
        return None
    except ValueError:
        pass
    site = _psl().privatesuffix(host)
    if site is None:
        return None
    sites, _ = outlet_table()
    labels = host.split(".")
    for n in range(len(labels), site.count("."), -1):  # the whole host first, the site last
        candidate = ".".join(labels[-n:])
        if candidate in sites:
            return sites[candidate]
    return site


def site_outlet(url: str | None) -> str | None:
    """The outlet a link belongs to (see :func:`host_outlet`), or None when it has no usable host."""
    host = _host(url)
    return host_outlet(host) if host else None


@functools.lru_cache(maxsize=1)
def _outlets() -> dict[str, str]:
    """Casefolded outlet name -> the outlet's own spelling (``reuters`` -> ``Reuters``)."""
    sites, aliases = outlet_table()
    return {v.casefold(): v for v in (*sites.values(), *aliases.values())}


def outlet_name(name: str) -> str:
    """The one name of an outlet: an alias from :data:`OUTLETS_FILE` becomes the outlet's name
    (``Simply Wall Street`` -> ``Simply Wall St``), an outlet's name in other capitals its own
    (``REUTERS`` -> ``Reuters``), a site name its outlet (``Npr.org`` -> ``NPR``, when listed); any
    other name is kept as it is."""
    key = name.casefold().strip()
    sites, aliases = outlet_table()
    if key in aliases:
        return aliases[key]
    if key in sites:
        return sites[key]
    if key in _outlets():
        return _outlets()[key]
    if " " not in key and "." in key:
        known = host_outlet(key)
        if known is not None and known in sites.values():
            return known
    return name


def file_source(input_name: str) -> str:
    """The source of records that nothing else names: the input's file name, said as such
    (``file: guardian_headlines.csv``)."""
    return FILE_PREFIX + (PurePath(input_name.replace("\\", "/")).name or input_name)
