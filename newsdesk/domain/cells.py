"""Cells read from SQL through pandas: NULL comes back as None, NaN or pandas' NA, and ``x or default``
keeps NaN (it is truthy). These turn such a cell into a plain value before it becomes a group, a sort
key or a label."""

from __future__ import annotations

import json
import math
from typing import Any, TypeVar

T = TypeVar("T")


def missing(value: object) -> bool:
    """True for None and a missing number (NaN, pandas' NA): what SQL NULL becomes in a frame."""
    if value is None:
        return True
    try:
        return bool(value != value)  # NaN is not equal to itself
    except TypeError:  # pandas' NA: its comparisons are NA, whose truth is ambiguous
        return True
    except ValueError:  # an array
        return False


def as_number(value: Any) -> float | None:
    """``value`` as a float, None for null/NaN/non-numbers."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def text_or_none(value: object) -> str | None:
    """A text cell as text, or None for NULL (None, NaN, NA) and blank text; never NaN."""
    if missing(value):
        return None
    text = str(value).strip()
    return text or None


def flag(value: object) -> bool:
    """A 0/1 cell as a bool; NULL (None, NaN, NA) is False (``bool(nan)`` would be True)."""
    return False if missing(value) else bool(value)


def decode_json(value: object, default: T) -> T:
    """``value`` decoded from JSON when it is a JSON text of the same type as ``default``, else
    ``default`` (a fresh copy): stored explanations never break a page."""
    if not isinstance(value, str) or not value.strip():
        return type(default)()
    try:
        decoded = json.loads(value)
    except ValueError:
        return type(default)()
    return decoded if isinstance(decoded, type(default)) else type(default)()
