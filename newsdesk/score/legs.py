"""A decision's legs in words, light enough for every page start (no matcher is compiled here)."""

from __future__ import annotations


def exposure_text(instruments, sep: str = "; ") -> str:
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
