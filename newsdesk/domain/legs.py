"""A decision's legs as every layer reads them: each leg a dict with its ``side`` (the exposure:
long, short, funding, reduce, hold), ``name`` and a ``ticker`` or a ``basket``.

:func:`decode_legs` is the one decoder of a stored ``instruments`` cell: every read that returns
decisions gives its legs through it, with their :func:`exposure_text` beside them (``exposures``).
"""

from __future__ import annotations

import json
from typing import Any


def decode_legs(value: object) -> list[dict[str, Any]]:
    """The legs of an ``instruments`` cell: the JSON text as stored or a list already decoded; NULL
    (None, NaN), bad JSON or anything but a list of legs gives ``[]``; entries that are not legs
    (not a mapping) are left out."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return []
    if not isinstance(value, list):
        return []
    return [leg for leg in value if isinstance(leg, dict)]


def exposure_text(instruments: object, sep: str = "; ") -> str:
    """``reduce AAPL; long MSFT``: each leg's side and ticker (or basket name), in bullet order.
    ``instruments`` is the decoded legs list; anything else gives ``""``."""
    if not isinstance(instruments, list):
        return ""
    parts = []
    for leg in instruments:
        if not isinstance(leg, dict):
            continue
        name = leg.get("ticker") or leg.get("name") or leg.get("basket")
        if name:
            parts.append(f"{leg.get('side') or '?'} {name}")
    return sep.join(parts)


def legs_in_words(instruments: object) -> str:
    """``long Agilent Technologies (A); reduce basket Japan defense``: each leg's side, company and ticker."""
    parts = []
    for leg in decode_legs(instruments):
        side = leg.get("side") or "?"
        if leg.get("basket"):
            parts.append(f"{side} basket {leg.get('name') or leg['basket']}")
            continue
        name, ticker = leg.get("name") or "", leg.get("ticker") or ""
        label = f"{name} ({ticker})" if name and ticker and name != ticker else (name or ticker)
        if label:
            parts.append(f"{side} {label}")
    return "; ".join(parts)
