"""The topic taxonomy shipped in ``data/taxonomy.toml``, and how source topics map onto it."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from newsdesk.config import TAXONOMY_FILE


@dataclass(frozen=True)
class Category:
    """One topic category of the taxonomy."""

    name: str
    av_topic: str = ""
    weight: float = 0.5


@dataclass(frozen=True)
class SourceTopic:
    """One Alpha Vantage NEWS_SENTIMENT topic: API name, display name, the newsdesk category it becomes."""

    key: str
    display: str
    category: str


@lru_cache(maxsize=4)
def _load(path: Path) -> dict[str, Any]:
    with open(path, "rb") as fh:
        return tomllib.load(fh)


@lru_cache(maxsize=4)
def load_taxonomy(path: Path = TAXONOMY_FILE) -> tuple[Category, ...]:
    """Read the taxonomy file; categories in file order."""
    return tuple(
        Category(name=c["name"], av_topic=c.get("av_topic", ""), weight=float(c.get("weight", 0.5)))
        for c in _load(path).get("category", [])
    )


def category_names() -> list[str]:
    """The category names a source may write: every taxonomy category in file order, then the old
    names of renamed ones (``[renamed]``), which :func:`canonical_category` reads as the new names."""
    return [c.name for c in load_taxonomy()] + [old for old in renamed_categories() if old]


@lru_cache(maxsize=4)
def alphavantage_topics(path: Path = TAXONOMY_FILE) -> tuple[SourceTopic, ...]:
    """The Alpha Vantage topics of the taxonomy file, each with the category it becomes."""
    return tuple(
        SourceTopic(key=key, display=t["display"], category=t["category"])
        for key, t in _load(path).get("alphavantage_topics", {}).items()
    )


@lru_cache(maxsize=4)
def sector_categories(path: Path = TAXONOMY_FILE) -> dict[str, str]:
    """Company sector (as in ``data/companies.csv``) -> the category it stands for."""
    return dict(_load(path).get("sectors", {}))


@lru_cache(maxsize=4)
def office_categories(path: Path = TAXONOMY_FILE) -> dict[str, str]:
    """SEC office (``data/sic_offices.csv``: the office that reviews a company's filings) -> the category
    a company of that office stands for in topics."""
    return dict(_load(path).get("offices", {}))


def _fold(name: str) -> str:
    """A spelling-insensitive form of a topic name: ``Economy - Monetary`` and ``economy_monetary``
    both become ``economy monetary``; ``&`` and ``and`` are the same word."""
    words = re.sub(r"[\s_\-/–—]+", " ", name.casefold().replace("&", " and ")).split()
    return " ".join(words)


@lru_cache(maxsize=4)
def _av_index(path: Path = TAXONOMY_FILE) -> dict[str, SourceTopic]:
    index = {}
    for topic in alphavantage_topics(path):
        index[_fold(topic.key)] = topic
        index[_fold(topic.display)] = topic
    return index


def av_topic_key(name: object) -> str | None:
    """The API name (``economy_monetary``) of an Alpha Vantage topic given in either spelling, else None."""
    topic = _av_index().get(_fold(name)) if isinstance(name, str) else None
    return topic.key if topic else None


@lru_cache(maxsize=4)
def renamed_categories(path: Path = TAXONOMY_FILE) -> dict[str, str]:
    """Old category name -> its current name (``[renamed]`` in the taxonomy file)."""
    return dict(_load(path).get("renamed", {}))


@lru_cache(maxsize=4)
def _category_index(path: Path = TAXONOMY_FILE) -> dict[str, str]:
    index = {_fold(t.key): t.category for t in alphavantage_topics(path)}
    index.update({_fold(t.display): t.category for t in alphavantage_topics(path)})
    index.update({_fold(old): new for old, new in renamed_categories(path).items()})
    index.update({_fold(c.name): c.name for c in load_taxonomy(path)})
    return index


def canonical_category(name: object) -> str | None:
    """The taxonomy category a source's topic stands for: a category name in any case (an old name
    under its current one), or an Alpha Vantage topic in either spelling; None for anything else (it
    is never stored as a category)."""
    return _category_index().get(_fold(name)) if isinstance(name, str) else None
