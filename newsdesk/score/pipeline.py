"""The scoring pipeline: sentiment, topics, companies, impact and decisions for one article."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from newsdesk.domain.models import Article, CategoryTag, Decision, Entity
from newsdesk.domain.reference import load_baskets, lookup, sec_code, sec_office
from newsdesk.domain.taxonomy import canonical_category, load_taxonomy, office_categories, sector_categories
from newsdesk.score import finance
from newsdesk.score.analyst import read_call
from newsdesk.score.decisions import DecisionParser
from newsdesk.score.entities import CompanyMatcher, article_text
from newsdesk.score.finance import TITLE_WEIGHT
from newsdesk.score.impact import market_impact
from newsdesk.score.labels import sentiment_label
from newsdesk.score.market import market_relevance
from newsdesk.score.sentiment import DEFAULT_SCORER, FinanceScorer, Scorer
from newsdesk.score.topics import headline_sectors, sector_evidence, tag_topics, topic_matcher

# a company named only as the yardstick of a comparison ("Netflix worth more than ExxonMobil") says
# little about the story's sector: its sector evidence counts this much
YARDSTICK = re.compile(
    r"\b(?:than|versus|vs\.?|overtakes?|overtaking|overtook|outpaces?|outpaced)\s+(?:the\s+)?$", re.I
)
YARDSTICK_FACTOR = 0.3
GIVEN_RELEVANCE = 1.0  # a company the source tags is a subject of the article, however briefly it is named
MAX_SECTORS = 2  # companies of more categories than this: a market story, no sector evidence
OFFICE_KEY = "SEC office: "  # a company's topic key by its SEC office, beside the sector names
TRADE_CODES = range(5000, 6000)  # SIC divisions F and G (wholesale and retail trade) of the Trade & Services office
BLANK_CHECK = 6770  # a listed shell's code: says nothing of the business it buys
MARKETS = "Financial Markets"  # not a topic of a story its source files under one company alone

# 2: decision legs carry an exposure; 3: the listing universe in entities and legs, analyst rating
# headlines are calls, market relevance; 4: more rating-headline forms are calls, houses merged by an alias
# table, a company's own target is not an analyst call; 5: topics from the sectors of the companies the
# source tags and the headline names (none when they span more than two); novelty divided by a story's
# earlier copies; 6: every company the source tags is a subject (its sector a topic, whatever the tag's
# relevance score), stock-picking columns read as Earnings & Corporate, a market story (companies of more
# than two categories) has no sector topic from its words either; 7: a company the source tags stands for
# the SEC office of its SIC code (data/sec_sic.csv) where one is known, its listing sector else; a story
# the source files under one company alone is not a Financial Markets story
PIPELINE_VERSION = "pipeline/7"


@dataclass
class ScoringContext:
    """Everything the scorers need, compiled once: matchers, baskets, taxonomy weights."""

    scorer: Scorer
    companies: CompanyMatcher
    decisions: DecisionParser
    category_weights: dict[str, float]
    sectors: dict[str, str] = field(default_factory=sector_categories)
    full: bool = True
    offices: dict[str, str] = field(default_factory=office_categories)
    topic_keys: dict[str, str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        # a company's topic key -> category: its sector's name, or OFFICE_KEY + its SEC office
        self.topic_keys = {**self.sectors, **{OFFICE_KEY + o: c for o, c in self.offices.items()}}

    @property
    def version(self) -> str:
        """The version stored in ``articles.scorer_version``."""
        return f"{self.scorer.version}+{PIPELINE_VERSION}" if self.full else self.scorer.version


@lru_cache(maxsize=1)
def default_context() -> ScoringContext:
    """The shipped scorers over the shipped reference data."""
    companies = CompanyMatcher()
    topic_matcher()
    return ScoringContext(
        scorer=DEFAULT_SCORER,
        companies=companies,
        decisions=DecisionParser(companies, load_baskets()),
        category_weights={c.name: c.weight for c in load_taxonomy()},
    )


def score_article(
    article: Article,
    ctx: ScoringContext | Scorer | None = None,
    recent_titles: Iterable[frozenset[str]] = (),
    novelty: tuple[float, int] | None = None,
    defer_novelty: bool = False,
) -> Article:
    """Score ``article`` in place and return it.

    Sets ``sentiment`` (title weighted double), ``sentiment_label``, ``subjectivity``,
    ``sentiment_terms``, scored categories (added beside the source's), ``entities``,
    ``market_relevance`` / ``market_relevant``, ``impact``
    with ``impact_components``, the structured fields of every decision, and ``scorer_version``.
    Passing a bare :class:`Scorer` scores sentiment only (``impact`` is then the source's). The
    impact's novelty is ``novelty`` (novelty, earlier copies) when given, else from ``recent_titles``;
    with ``defer_novelty`` it is left to :func:`newsdesk.score.impact.with_novelty` (parallel ingest).
    """
    if ctx is None:
        ctx = default_context()
    if not isinstance(ctx, ScoringContext):
        return _sentiment_only(article, ctx)
    body = "\n\n".join(p for p in (article.summary, article.body) if p)
    text = article_text(article.title, article.summary, article.body)
    sentences = finance.sentence_scores(text)
    if isinstance(ctx.scorer, FinanceScorer):  # reuse the sentence scores for the article's sentiment
        title_end = len(article.title)
        result = ctx.scorer.from_sentences([(s, TITLE_WEIGHT if s.end <= title_end else 1.0) for s in sentences])
    else:
        result = ctx.scorer.score(body, title=article.title)
    article.sentiment = round(result.polarity, 4)
    article.sentiment_label = sentiment_label(article.sentiment)
    article.subjectivity = round(result.subjectivity, 4)
    article.sentiment_terms = list(result.terms[:12])
    bullets = "\n".join(d.text for d in article.decisions)
    given = {e.ticker: e for e in article.entities}  # from the source (e.g. Alpha Vantage ticker_sentiment)
    found = ctx.companies.entities(article.title, article.summary, article.body, bullets, sentences)
    spans = ctx.companies.mention_spans(article.title) if found else {}
    named, subjects, market_story = _company_sectors(ctx, article.title, found, list(given.values()), spans)
    scored = tag_topics(
        article.title, article.summary, article.body, extra=sector_evidence(named, ctx.topic_keys), named=subjects
    )
    if market_story:  # a story about companies of many sectors is about none of them, whatever its words
        sector_topics = set(ctx.sectors.values())
        scored = [c for c in scored if c.category not in sector_topics]
    if _one_company_story(given):  # its shares' moves ("Amazon stock slides") are no markets story
        scored = [c for c in scored if c.category != MARKETS]
    article.categories = source_categories(article.categories) + scored
    article.entities = ctx.companies.merge_given(list(given.values()), found)
    market = market_relevance(
        article.title,
        article.summary,
        article.body,
        [(_company_name(ctx, e), e.relevance or 0.0) for e in found],
        [(c.category, c.relevance or 0.0) for c in article.categories],
    )
    article.market_relevance, article.market_relevant = market.relevance, market.relevant
    names = {c.category for c in article.categories}
    weights = [ctx.category_weights.get(n, 0.5) for n in names]
    prominence = max((e.relevance or 0.0 for e in article.entities), default=0.0)
    article.impact, article.impact_components = market_impact(
        article.title, body, article.sentiment, weights, prominence, recent_titles, novelty, defer_novelty
    )
    headline_call(article)
    for decision in article.decisions:
        ctx.decisions.parse(decision, list(given.values()))
    article.scorer_version = ctx.version
    return article


def _company_sectors(
    ctx: ScoringContext,
    title: str,
    found: list[Entity],
    given: list[Entity],
    spans: dict[str, list[tuple[int, int]]],
) -> tuple[list[tuple[str, float]], set[str], bool]:
    """``(sector, weight)`` of the companies an article is about, the categories of the companies its
    headline is about (:func:`headline_sectors`), and whether it is a market story. The companies are
    those found in the text and those the source tags (Alpha Vantage's tickers): a tagged company is a
    subject of the article, like one its headline names, whatever the source's relevance score.
    Companies of more than :data:`MAX_SECTORS` categories make a market story: no sector evidence then;
    when the headline's and the source's companies alone span that many, no sector topic from its words
    either (the caller drops them: "Dow hits a record as Chevron, Merck and Home Depot rally"), while a
    long body naming companies of many sectors leaves the words' topics alone."""
    relevance = {e.ticker: (e.relevance or 0.0) * _sector_share(title, spans.get(e.ticker)) for e in found}
    sectors = {e.ticker: ctx.companies.by_ticker[e.ticker].sector for e in found}
    tagged: set[str] = set()
    for e in given:
        company = ctx.companies.listings.get(e.ticker) or lookup(e.ticker)
        if company:
            relevance[company.ticker] = GIVEN_RELEVANCE
            sectors[company.ticker] = _topic_key(ctx, company.ticker, company.sector)
            tagged.add(company.ticker)
    in_headline = {t for t, s in spans.items() if s and t in sectors and _sector_share(title, s) == 1.0}
    if len(_categories(ctx, sectors.values())) > MAX_SECTORS:
        return [], set(), len(_categories(ctx, (sectors[t] for t in in_headline | tagged))) > MAX_SECTORS
    named = [(sectors[t], r) for t, r in relevance.items()]
    subjects = headline_sectors((sectors[t] for t in in_headline | tagged), ctx.topic_keys)
    return named, subjects, False


def _one_company_story(given: dict[str, Entity]) -> bool:
    """Whether the source files the article under one listed company alone, scoring that tag as its own
    judgement of what the story is about (Alpha Vantage's ticker relevance; a CSV's ticker column, often
    the key of a per-company file, carries no score and does not count)."""
    if len(given) != 1:
        return False
    (entity,) = given.values()
    return entity.relevance is not None and lookup(entity.ticker) is not None


def _topic_key(ctx: ScoringContext, ticker: str, sector: str) -> str:
    """What a company the source tags stands for in topics: the SEC office that reviews its filings when
    the taxonomy maps it (``[offices]``; Alpha Vantage's sector topics follow these offices), else its
    listing sector. The Trade & Services office stands for retail by its trade codes only (its services
    codes span software, streaming and payments), and a blank check's code for nothing."""
    office, code = sec_office(ticker), sec_code(ticker)
    if code == BLANK_CHECK or (office == "Trade & Services" and code not in TRADE_CODES):
        return sector
    return OFFICE_KEY + office if office in ctx.offices else sector


def _categories(ctx: ScoringContext, sectors: Iterable[str]) -> set[str]:
    """The categories the given topic keys stand for (listing sectors and SEC offices, see
    :func:`_topic_key`)."""
    return {ctx.topic_keys[s] for s in sectors if ctx.topic_keys.get(s)}


def headline_call(article: Article) -> None:
    """A title that states an analyst action ("Goldman Sachs Upgrades Agilent to Buy") is a decision of
    its own (origin ``headline``), unless a bullet already says the same; a rescore rebuilds it."""
    article.decisions = [d for d in article.decisions if d.origin != "headline"]
    title = " ".join((article.title or "").split())
    if not title or read_call(title) is None:
        return
    if any(" ".join(d.text.split()) == title for d in article.decisions):
        return
    position = max((d.position for d in article.decisions), default=0) + 1
    article.decisions.append(Decision(position=position, text=title, origin="headline"))


def _sector_share(title: str, spans: list[tuple[int, int]] | None) -> float:
    """How much of a company's sector evidence counts: less when every headline mention is the
    yardstick of a comparison ("worth more than ExxonMobil")."""
    if spans and all(YARDSTICK.search(title[max(0, start - 30) : start]) for start, _end in spans):
        return YARDSTICK_FACTOR
    return 1.0


def _company_name(ctx: ScoringContext, entity: Entity) -> str:
    """The name of a company found in the text (the curated or universe name; the entity's own else)."""
    company = ctx.companies.by_ticker.get(entity.ticker)
    return company.name if company else entity.name


def source_categories(categories: list[CategoryTag]) -> list[CategoryTag]:
    """The source's categories as taxonomy categories: a name the taxonomy knows (in any case) or an
    Alpha Vantage topic in either spelling is kept under its category's name; anything else is dropped."""
    out: dict[str, CategoryTag] = {}
    for c in categories:
        name = canonical_category(c.category) if c.origin == "source" else None
        if name and name not in out:
            out[name] = CategoryTag(name, c.relevance, "source")
    return list(out.values())


def _sentiment_only(article: Article, scorer: Scorer) -> Article:
    body = "\n\n".join(p for p in (article.summary, article.body) if p)
    result = scorer.score(body, title=article.title)
    article.sentiment = round(result.polarity, 4)
    article.sentiment_label = sentiment_label(article.sentiment)
    article.subjectivity = round(result.subjectivity, 4)
    article.sentiment_terms = list(result.terms[:12])
    article.impact = article.source_impact
    article.scorer_version = scorer.version
    return article


def current_version() -> str:
    """The scorer version a fresh score gets."""
    return default_context().version


__all__ = ["FinanceScorer", "ScoringContext", "current_version", "default_context", "score_article"]
