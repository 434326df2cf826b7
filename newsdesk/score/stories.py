"""Story clusters: which articles tell the same story (pure; no SQL, no streamlit).

A :class:`StoryIndex` takes articles in publish-time order and gives each a story id: the id of the
story it joins, or its own id when it opens a new story. Candidates come from MinHash LSH over the
title words (datasketch's signatures and bands, kept cheaply by :mod:`newsdesk.score.story_lsh`;
so one assignment costs O(candidates), never a scan); each candidate
story is then scored by the TF-IDF cosine of the title with the story's nearest member (document
frequencies counted over the articles of the open window). A member older than the quiet window
leaves the index after ``follow_hours``; a story no one reported on for ``quiet_hours`` takes only a
close rewording of one of its articles (a late follow-up) until then, and is closed after.

Assignment is keyed by article id: an article already in the index keeps its story.
"""

from __future__ import annotations

import math
import re
from collections import Counter, deque
from collections.abc import Iterable
from dataclasses import dataclass, field

WORD = re.compile(r"[a-z0-9]+(?:[.'][a-z0-9]+)*")
STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be been before being below
    between both but by can could did do does doing down during each few for from further had has have
    having he her here hers him his how i if in into is it its itself just me more most my no nor not
    now of off on once only or other our out over own same she should so some such than that the their
    them then there these they this those through to too under until up very was we were what when
    where which while who whom why will with would you your says say said new update via report
    reports amp""".split()
)


FOLDED: dict[str, str] = {}  # each token seen and its content word ("" for none): titles repeat their words
MAX_FOLDED = 100_000  # tokens kept; past this the cache starts again


def words(text: str) -> list[str]:
    """The content words of ``text``: lower case, no stop words, possessives and plurals folded."""
    tokens = WORD.findall((text or "").lower())
    got = list(map(FOLDED.get, tokens))
    if None in got:
        if len(FOLDED) > MAX_FOLDED:
            FOLDED.clear()
        for n, w in enumerate(got):
            if w is None:
                got[n] = FOLDED[tokens[n]] = fold(tokens[n])
    return [w for w in got if w]


def fold(token: str) -> str:
    """The content word of one token ("" when it is none: a stop word or a single character)."""
    w = token.removesuffix("'s").replace("'", "")
    if w.endswith("s") and len(w) > 3 and not w.endswith(("ss", "us", "is")):
        w = w[:-1]
    return w if len(w) > 1 and w not in STOPWORDS else ""


@dataclass(frozen=True)
class StoryConfig:
    """How stories are cut: the quiet window, the join threshold and the LSH parameters."""

    quiet_hours: float = 12.0  # a story with no new article for this long takes ordinary matches no more
    follow_hours: float = 12.0  # ... a close rewording may still join until this (off: on UCI it cost precision)
    follow_join: float = 0.8  # the nearest-member cosine such a late follow-up needs
    join: float = 0.35  # TF-IDF cosine with a story's nearest member (or centroid) needed to join it
    lsh_threshold: float = 0.2
    num_perm: int = 64
    min_words: int = 2  # a title with fewer content words opens its own story
    centroid_weight: float = 0.8  # a story's centroid cosine counts this much beside its nearest member


    @property
    def window_hours(self) -> float:
        """How long an article stays in the index."""
        return max(self.quiet_hours, self.follow_hours)


DEFAULT = StoryConfig()
Groups = dict[str, list[dict[str, float]]]  # candidate stories and their candidate members' vectors


@dataclass(slots=True)
class _Member:
    story: str
    at: float
    vector: dict[str, float] = field(default_factory=dict)
    companies: frozenset[str] = frozenset()


@dataclass
class _Story:
    centroid: dict[str, float] = field(default_factory=dict)
    # each word's largest weight in a member, kept on eviction: every weight is >= 0, so no member's
    # dot product with a vector exceeds the vector's dot product with these (an upper bound)
    peak: dict[str, float] = field(default_factory=dict)
    norm2: float = 0.0
    size: int = 0
    last: float = float("-inf")
    # the vector of the story's one member while it has had no other (then its centroid and peak
    # weights equal that vector's, so one dot product gives the bound, the centroid's and the member's)
    only: dict[str, float] | None = None

    @classmethod
    def of(cls, vector: dict[str, float]) -> _Story:
        """A story of one member: what ``_Story().add(vector)`` makes, without its arithmetic on an
        empty centroid (0.0 + v is v; the dot product with nothing is 0.0, so norm2 is the squares)."""
        squares = 0.0  # summed as add() sums it
        for v in vector.values():
            squares += v * v
        items = vector.items()
        return cls(
            {w: 0.0 + v for w, v in items},
            {w: v for w, v in items if v > 0.0},
            max(0.0 + 2.0 * 0.0 + squares, 0.0),
            1,
            only=vector,
        )

    def add(self, vector: dict[str, float], sign: float = 1.0) -> None:
        """Add ``vector`` to the story (``sign`` 1.0), or take it out (-1.0)."""
        self.only = None
        c = self.centroid
        get = c.get
        items = vector.items()
        # plain loops (the hot path of ingest), each sum in the order sum() would on Python 3.11 (3.12's
        # sum() of floats is compensated, so not used: the floats would change with the version)
        dot = squares = 0.0
        for w, v in items:
            dot += v * get(w, 0.0)
            squares += v * v
        self.norm2 = max(self.norm2 + 2.0 * sign * dot + squares, 0.0)
        if sign > 0:
            peak = self.peak
            top = peak.get
            for w, v in items:
                c[w] = get(w, 0.0) + sign * v
                if v > top(w, 0.0):
                    peak[w] = v
        else:
            for w, v in items:
                c[w] = get(w, 0.0) + sign * v
        self.size += int(sign)

    def cosine(self, vector: dict[str, float]) -> float:
        if self.norm2 <= 0.0:
            return 0.0
        get = self.centroid.get
        dot = 0.0
        for w, v in vector.items():
            dot += v * get(w, 0.0)
        return dot / math.sqrt(self.norm2)


class StoryIndex:
    """The open stories of a stream of articles, fed in publish order (see the module docstring)."""

    def __init__(self, config: StoryConfig = DEFAULT) -> None:
        from newsdesk.score.story_lsh import Bands, Signer

        self.config = config
        self.lsh = Bands(config.lsh_threshold, config.num_perm)
        self.signer = Signer(config.num_perm, seed=1)
        self.members: dict[str, _Member] = {}
        self.stories: dict[str, _Story] = {}
        self.order: deque[tuple[float, str]] = deque()
        self.df: dict[str, int] = {}  # the window's document frequencies (no zero counts kept)
        self.story_of: dict[str, str] = {}  # the articles in the window and their stories
        self.latest = float("-inf")  # the latest publish time fed in

    # -------------------------------------------------------------- the window

    def _evict(self, now: float) -> None:
        horizon = now - self.config.window_hours * 3600.0
        while self.order and self.order[0][0] < horizon:
            _, key = self.order.popleft()
            self.story_of.pop(key, None)
            member = self.members.pop(key, None)
            if member is None:
                continue
            self.lsh.remove(key)
            df = self.df
            for w in member.vector:
                if df[w] == 1:
                    del df[w]
                else:
                    df[w] -= 1
            story = self.stories[member.story]
            if story.size <= 1:  # its last member: the story goes (taking the vector out would be lost work)
                del self.stories[member.story]
            else:
                story.add(member.vector, -1.0)

    def _add(
        self,
        key: str,
        story: str,
        at: float,
        counts: Counter,
        bands: list | None = None,
        companies: frozenset[str] = frozenset(),
    ) -> None:
        self.story_of[key] = story
        self.order.append((at, key))
        self.latest = max(self.latest, at)
        if not counts:
            return
        df = self.df
        for w in counts:
            df[w] = df.get(w, 0) + 1
        vector = self._vector(counts)
        self.members[key] = _Member(story, at, vector, companies)
        entry = self.stories.get(story)
        if entry is None:
            entry = self.stories[story] = _Story.of(vector)
        else:
            entry.add(vector)
        entry.last = max(entry.last, at)
        self.lsh.insert_bands(key, self._bands(counts) if bands is None else bands)

    # -------------------------------------------------------------- scoring

    def _bands(self, counts: Counter) -> list:
        """The LSH band keys of one title's words (see :meth:`_prepare` for many)."""
        return self.lsh.keys(self.signer.signature(list(counts)))

    def _prepare(self, texts: list[str]) -> list[tuple[Counter, list | None]]:
        """Each title's word counts and band keys (None when it has no words): the words read once,
        and the signatures and band keys of all the titles made in one numpy step each."""
        counts = [Counter(words(text)) for text in texts]
        titled = [list(c) for c in counts if c]
        keys = iter(self.lsh.keys_of(self.signer.signatures(titled)) if titled else ())
        return [(c, next(keys) if c else None) for c in counts]

    def _vector(self, counts: Counter) -> dict[str, float]:
        n, get, log = len(self.members) + 2, self.df.get, math.log
        vs = [c * (log(n / (get(w, 0) + 1)) + 1.0) for w, c in counts.items()]
        squares = 0.0  # summed as sum() would on 3.11
        for v in vs:
            squares += v * v
        norm = math.sqrt(squares) or 1.0
        return dict(zip(counts, [v / norm for v in vs], strict=True))

    def _best(
        self,
        counts: Counter,
        at: float,
        companies: frozenset[str] = frozenset(),
        full: bool = False,
        bands: list | None = None,
    ) -> tuple[str | None, float, list | None]:
        """The story to join (or None), its score and the title's band keys (``bands`` when given).
        ``full``: score every candidate (the score is then exact); else stories that cannot win are
        skipped."""
        self._evict(at)
        if len(counts) < self.config.min_words:
            return None, 0.0, bands
        if bands is None:
            bands = self._bands(counts)
        vec = self._vector(counts)
        groups: Groups = {}
        for member in map(self.members.__getitem__, self.lsh.query_bands(bands)):
            if companies and member.companies and companies.isdisjoint(member.companies):
                continue  # both name companies, and none in common: another event
            group = groups.get(member.story)
            if group is None:
                groups[member.story] = [member.vector]
            else:
                group.append(member.vector)
        if full:
            return (*self._best_of_all(vec, groups, at), bands)
        return (*self._best_bounded(vec, groups, at), bands)

    def _best_of_all(self, vec: dict[str, float], groups: Groups, at: float) -> tuple[str | None, float]:
        """Every candidate story scored: its nearest candidate member (or centroid), the largest margin
        over its threshold wins (ties: the smallest story id)."""
        items = list(vec.items())
        scores: dict[str, float] = {}
        for story, group in groups.items():
            for vector in group:
                get = vector.get
                sim = 0.0  # the dot product, in a plain loop (this is the hot path of ingest)
                for w, v in items:
                    sim += v * get(w, 0.0)
                if sim > scores.get(story, -1.0):
                    scores[story] = sim
        quiet = at - self.config.quiet_hours * 3600.0
        best, best_score, best_margin = None, 0.0, float("-inf")
        for story in sorted(scores):
            entry = self.stories[story]
            if entry.last >= quiet:  # open: its nearest member or its centroid, against ``join``
                score = max(scores[story], self.config.centroid_weight * entry.cosine(vec))
                margin = score - self.config.join
            else:  # quiet: only a close rewording of one of its articles follows it up
                score = scores[story]
                margin = score - self.config.follow_join
            if margin > best_margin:
                best, best_score, best_margin = story, score, margin
        if best_margin < 0:
            return None, best_score
        return best, best_score

    def _best_bounded(self, vec: dict[str, float], groups: Groups, at: float) -> tuple[str | None, float]:
        """The story :meth:`_best_of_all` picks, found with less work: stories are taken by an upper
        bound on their margin (from ``_Story.peak``; float rounding keeps it an upper bound), a story
        whose bound cannot reach the best margin so far is skipped, and a story's members are read
        only until its margin beats every bound left. The score returned is then a lower bound."""
        items = list(vec.items())
        config, quiet = self.config, at - self.config.quiet_hours * 3600.0
        join, follow_join, weight = config.join, config.follow_join, config.centroid_weight
        ceiling = 1.0 + 1e-9  # a cosine of unit vectors (float rounding can pass 1 by an ulp)
        no_floor = float("-inf")
        stories = self.stories
        ranked: list[tuple[float, str, list[dict[str, float]], float, float, float | None]] = []
        for story, group in groups.items():
            entry = stories[story]
            only, known = entry.only, None
            if only is not None:  # one member (so it is the group): bound, centroid and member alike
                get = only.get
                known = 0.0  # summed as every dot product here
                for w, v in items:
                    known += v * get(w, 0.0)
                if entry.last >= quiet:
                    cosine = known / math.sqrt(entry.norm2) if entry.norm2 > 0.0 else 0.0
                    floor, threshold = weight * cosine, join
                else:
                    floor, threshold = no_floor, follow_join
                ranked.append((threshold - max(min(known, ceiling), floor), story, group, floor, threshold, known))
                continue
            peak = entry.peak.get
            bound = 0.0  # the upper bound (see _Story.peak)
            if entry.last >= quiet:  # open: the centroid's cosine too (the dot product of _Story.cosine)
                centroid = entry.centroid.get
                dot = 0.0
                for w, v in items:
                    bound += v * peak(w, 0.0)
                    dot += v * centroid(w, 0.0)
                cosine = dot / math.sqrt(entry.norm2) if entry.norm2 > 0.0 else 0.0
                floor, threshold = weight * cosine, join
            else:  # quiet: no centroid
                for w, v in items:
                    bound += v * peak(w, 0.0)
                floor, threshold = no_floor, follow_join
            bound = min(bound, ceiling)
            # the bound on the margin, negated (exactly: -(a - b) == b - a in floats), so that a plain
            # sort takes the largest bound first and ties by the smallest story id (ids are unique)
            ranked.append((threshold - max(bound, floor), story, group, floor, threshold, known))
        ranked.sort()
        last = len(ranked) - 1
        best, best_score, best_margin = None, 0.0, 0.0  # a story is joined at a margin >= 0
        for n, (neg_top, story, group, floor, threshold, known) in enumerate(ranked):
            top = -neg_top
            if top < best_margin:
                break  # neither this story nor any after it can reach the best margin
            rest = -ranked[n + 1][0] if n < last else no_floor
            nearest = -1.0 if known is None else known  # a one-member story's member: scored above
            unscored: list[dict[str, float]] = group if known is None else []
            for vector in unscored:
                get = vector.get
                sim = 0.0  # summed as _best_of_all sums it
                for w, v in items:
                    sim += v * get(w, 0.0)
                if sim > nearest:
                    nearest = sim
                    if max(nearest, floor) - threshold > max(rest, best_margin):
                        break  # this story beats every story left already
            score = max(nearest, floor)
            margin = score - threshold
            if margin > best_margin or (margin == best_margin and (best is None or story < best)):
                best, best_score, best_margin = story, score, margin
                if margin > rest:
                    break
        return best, best_score

    def best_story(self, text: str, at: float) -> tuple[str | None, float]:
        """The open story that ``text`` (published at ``at``, epoch seconds) would join and the
        similarity, or ``(None, best similarity)`` when none reaches the join threshold."""
        story, score, _ = self._best(Counter(words(text)), at, full=True)
        return story, score

    # -------------------------------------------------------------- the public steps

    def feed(self, items: Iterable[tuple[str, str, float, str | None, Iterable[str]]]) -> dict[str, str]:
        """Seed and assign many articles in one pass, in the order given (publish-time order):
        ``(article id, title, epoch seconds, story id or None, companies)``; an article with a story
        id is seeded (:meth:`seed`), one with None assigned (:meth:`assign`). Returns ``{article id:
        story id}`` of the assigned ones. The same stories as seeding and assigning one by one; the
        titles' words are read once and their signatures made in one step."""
        items = list(items)
        out = {}
        prepared = self._prepare([item[1] for item in items])
        for (key, _, at, story, named), (counts, bands) in zip(items, prepared, strict=True):
            if story is not None:
                self._seed(key, at, story, counts, bands, frozenset(named))
            else:
                out[key] = self._assign(key, at, counts, bands, frozenset(named))
        return out

    def seed(self, article_id: str, text: str, at: float, story_id: str, companies: Iterable[str] = ()) -> None:
        """Put an article whose story is already known (stored earlier) into the window."""
        self._seed(article_id, at, story_id, Counter(words(text)), None, frozenset(companies))

    def _seed(
        self, article_id: str, at: float, story_id: str, counts: Counter, bands: list | None, named: frozenset[str]
    ) -> None:
        if article_id in self.story_of:
            return
        self._evict(at)
        self._add(article_id, story_id, at, counts, bands, named)

    def assign(self, article_id: str, text: str, at: float, companies: Iterable[str] = ()) -> str:
        """The story of a new article (its own id when it opens one); an article already seen keeps
        its story. Call in publish-time order. ``companies`` (tickers; none when unknown): an article
        never joins through a member that names companies none of which it names."""
        return self._assign(article_id, at, Counter(words(text)), None, frozenset(companies))

    def _assign(self, article_id: str, at: float, counts: Counter, bands: list | None, named: frozenset[str]) -> str:
        if article_id in self.story_of:
            return self.story_of[article_id]
        story, _, bands = self._best(counts, at, named, bands=bands)
        story = story or article_id
        self._add(article_id, story, at, counts, bands, named)
        return story


def cluster(items: list[tuple], config: StoryConfig = DEFAULT) -> dict[str, str]:
    """``{article id: story id}`` of ``(id, title, epoch seconds)`` or ``(id, title, epoch seconds,
    companies)`` items, taken in time order (ties by id), so the same items always give the same
    stories."""
    index = StoryIndex(config)
    return index.feed(
        (item[0], item[1], item[2], None, item[3] if len(item) > 3 else ())
        for item in sorted(items, key=lambda t: (t[2], t[0]))
    )
