"""Plain dataclasses that flow from ingestion through scoring into the store."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class CategoryTag:
    """A topic category of an article; ``origin`` is ``source`` (from the input) or ``scored``."""

    category: str
    relevance: float | None = None
    origin: str = "source"


@dataclass
class Entity:
    """A company mentioned by an article."""

    ticker: str
    name: str
    mentions: int = 1
    relevance: float | None = None
    sentiment: float | None = None


@dataclass
class Decision:
    """One "key decision for investors": the bullet text and, once parsed, its structure."""

    position: int
    text: str
    action: str | None = None
    direction: str | None = None
    instruments: list[dict[str, Any]] = field(default_factory=list)
    structure: str | None = None
    horizon_text: str | None = None
    horizon_min_days: int | None = None
    horizon_max_days: int | None = None
    conditions: str | None = None
    # an analyst call (newsdesk.score.analyst): the house that made it, the rating and price targets
    author: str | None = None
    rating: str | None = None
    rating_prev: str | None = None
    price_target: float | None = None
    price_target_prev: float | None = None
    origin: str = "bullet"  # "bullet" (from the input) or "headline" (the title read as an analyst call)


@dataclass
class Article:
    """One news article as read from an input, plus the scores newsdesk adds."""

    title: str
    source: str
    id: str = ""
    url: str | None = None
    guid: str | None = None  # the input's own id of the story (a feed item's guid/id), when it has one
    published_at: str | None = None
    published_estimated: bool = False
    summary: str = ""
    body: str = ""
    source_sentiment: float | None = None
    source_sentiment_label: str | None = None
    source_impact: float | None = None
    categories: list[CategoryTag] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    locator: str = ""
    # Filled by newsdesk.score
    sentiment: float | None = None
    sentiment_label: str | None = None
    subjectivity: float | None = None
    impact: float | None = None
    scorer_version: str | None = None
    sentiment_terms: list[str] = field(default_factory=list)
    impact_components: dict[str, Any] = field(default_factory=dict[str, Any])
    market_relevance: float | None = None  # 0-1: how much this is market news (newsdesk.score.market)
    market_relevant: bool = True  # False: left out of the default (market news only) views

    @property
    def text(self) -> str:
        """Title, summary and body joined: the text the scorers read."""
        return "\n\n".join(part for part in (self.title, self.summary, self.body) if part)


@dataclass
class Problem:
    """A record that could not be ingested, with a reason a user can act on."""

    source: str
    locator: str
    reason: str
    raw: str | None = None


@dataclass
class ParseResult:
    """What a parser returns: the good articles and the problems, never an exception.

    ``estimated_dates`` counts the kept articles whose unreadable date was estimated (with the first
    ``date_examples``); ``warnings`` are remarks about the whole input (e.g. a truncated feed)."""

    articles: list[Article] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    estimated_dates: int = 0
    date_examples: list[str] = field(default_factory=list)

    def extend(self, other: ParseResult) -> None:
        """Append another result's articles, problems and warnings to this one."""
        self.articles.extend(other.articles)
        self.problems.extend(other.problems)
        self.warnings.extend(other.warnings)
        self.estimated_dates += other.estimated_dates
        self.date_examples.extend(other.date_examples[: max(0, 3 - len(self.date_examples))])
