"""The topic taxonomy shipped in ``data/taxonomy.toml``."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from newsdesk.config import TAXONOMY_FILE


@dataclass(frozen=True)
class Category:
    """One topic category of the taxonomy."""

    name: str
    av_topic: str = ""
    weight: float = 0.5


@lru_cache(maxsize=4)
def load_taxonomy(path: Path = TAXONOMY_FILE) -> tuple[Category, ...]:
    """Read the taxonomy file; categories in file order."""
    with open(path, "rb") as fh:
        data = tomllib.load(fh)
    return tuple(
        Category(name=c["name"], av_topic=c.get("av_topic", ""), weight=float(c.get("weight", 0.5)))
        for c in data.get("category", [])
    )


def category_names() -> list[str]:
    """The names of all taxonomy categories, in file order."""
    return [c.name for c in load_taxonomy()]
