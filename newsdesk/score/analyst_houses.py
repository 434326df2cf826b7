"""The analyst houses (data/analyst_houses.csv): one name per house however a headline writes it
(:func:`canonical_author`), and whether an author is a known house (:func:`is_house`)."""

from __future__ import annotations

import csv
import re
from functools import lru_cache

from newsdesk.config import DATA_DIR

HOUSES_FILE = DATA_DIR / "analyst_houses.csv"


# a word an analyst house's name ends with: such an author is a house even when the table lacks it
_HOUSE_WORDS = re.compile(
    r"\b(?:securities|capital|research|partners|markets|advisors|advisory|equities|equity|brothers|"
    r"investments|llc|& co\.?|and co\.?|& company)$",
    re.I,
)


_LEGAL_SUFFIX = re.compile(
    r",?\s+(?:inc|incorporated|ag|plc|llc|lp|corp|corporation|co|company|& co|& company|and company|group|sa|nv|"
    r"ltd|limited|europe|usa|us|securities|capital markets|research)\.?$",
    re.I,
)


def _house_key(name: str) -> str:
    """The table's key for a house's name: case, spaces, periods and hyphens do not count, "and" is "&"
    ("B of A Securities" = "BofA Securities", "PiperJaffray" = "Piper Jaffray")."""
    text = re.sub(r"\band\b", "&", name.lower())
    return re.sub(r"[^a-z0-9&]", "", text)


@lru_cache(maxsize=1)
def houses() -> dict[str, str]:
    """``data/analyst_houses.csv`` as {key: the house's one name}; each house's own name is a key too."""
    table: dict[str, str] = {}
    try:
        with HOUSES_FILE.open(encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                alias, house = (row.get("alias") or "").strip(), (row.get("house") or "").strip()
                if alias and house:
                    table.setdefault(_house_key(house), house)
                    table[_house_key(alias)] = house
    except OSError:
        return {}
    return table


def canonical_author(author: str) -> str:
    """The house's one name (``data/analyst_houses.csv``): "Citi" → "Citigroup", "B of A Securities" →
    "BofA Securities", "Piper Jaffray" → "Piper Sandler"; an author the table lacks, as written."""
    text = " ".join(author.split()).strip(" ,.:;-")
    if text.endswith(" Co"):
        text += "."
    table = houses()
    stem = text
    while stem:  # "Citigroup Inc." → Citigroup, "UBS AG" → UBS, "Needham & Company LLC" → Needham
        if _house_key(stem) in table:
            return table[_house_key(stem)]
        shorter = _LEGAL_SUFFIX.sub("", stem)
        if shorter == stem:
            break
        stem = shorter
    return text


def is_house(author: str) -> bool:
    """True when ``author`` is a known analyst house or is named like one ("… Securities", "… Research")."""
    text = " ".join(author.split()).strip(" ,.:;-")
    return _house_key(canonical_author(text)) in houses() or bool(_HOUSE_WORDS.search(text))
